package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/deliver"
	"github.com/seesac/roadmap/ingest"
)

// The outcomes of a file taken from the inbox, as the metrics label them:
// the submission states, and "failed" for a file the intake could not take
// (it stays in the inbox and is tried again).
const outcomeFailed = "failed"

var fileOutcomes = []string{string(roadmap.Accepted), string(roadmap.Rejected), string(roadmap.Duplicate), outcomeFailed}

// daemonMetrics is what the daemon counts for /metrics and /healthz: files by
// outcome, findings by code, builds by outcome since it started, and the times
// of the last successful inbox listing and build. It is written by hand in the
// Prometheus text format (version 0.0.4) rather than with a client library,
// for a handful of series.
type daemonMetrics struct {
	now func() time.Time

	mu        sync.Mutex
	started   time.Time
	files     map[string]int64
	findings  map[findingKey]int64
	builds    map[string]int64
	lastScan  time.Time // last successful listing of the inbox
	scanErr   error     // the last listing's error, nil once one succeeds
	lastBuild time.Time // last successful build, from the ledger at start-up
	// staleAfter: /healthz fails when no listing succeeded for this long.
	staleAfter time.Duration
	// messages counts the outbox's tries by outcome; pending reads the
	// outbox, whose oldest pending message degrades /healthz once it has
	// waited longer than pendingAlert.
	messages     map[string]int64
	pending      func(ctx context.Context) (int, time.Time, error)
	pendingAlert time.Duration
}

type findingKey struct {
	code     roadmap.Code
	severity roadmap.Severity
}

func newDaemonMetrics(now func() time.Time) *daemonMetrics {
	return &daemonMetrics{
		now:      now,
		started:  now(),
		files:    map[string]int64{},
		findings: map[findingKey]int64{},
		builds:   map[string]int64{"ok": 0, "failed": 0},
		messages: map[string]int64{deliver.OutcomeSent: 0, deliver.OutcomePostponed: 0, deliver.OutcomeFailed: 0},
	}
}

// messaged counts one try of a message of the outbox.
func (m *daemonMetrics) messaged(outcome string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.messages[outcome]++
}

// watchOutbox sets how the outbox is read, and how long a message may wait.
func (m *daemonMetrics) watchOutbox(pending func(ctx context.Context) (int, time.Time, error), alert time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending, m.pendingAlert = pending, alert
}

// outbox reads the pending messages, outside the lock (it asks the ledger).
func (m *daemonMetrics) outbox() (n int, oldest time.Time, alert time.Duration, err error) {
	m.mu.Lock()
	pending, alert := m.pending, m.pendingAlert
	m.mu.Unlock()
	if pending == nil {
		return 0, time.Time{}, 0, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, oldest, err = pending(ctx)
	return n, oldest, alert, err
}

// filesTaken counts what became of a batch of files: an outcome each for
// those the intake took or left waiting (still changing, ignored: not
// counted), and failed the number it could not take.
func (m *daemonMetrics) filesTaken(outs []ingest.Outcome, failed int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[outcomeFailed] += int64(failed)
	for _, o := range outs {
		m.fileTaken(o)
	}
}

// fileTaken counts one file; the caller holds m.mu.
func (m *daemonMetrics) fileTaken(o ingest.Outcome) {
	switch {
	case o.State == "":
	default:
		m.files[string(o.State)]++
		if o.Submission != nil && !o.Resumed {
			for _, f := range o.Submission.Findings {
				m.findings[findingKey{f.Code, f.Severity}]++
			}
		}
	}
}

// scanned notes a full listing of the inbox.
func (m *daemonMetrics) scanned(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.scanErr = err
	if err == nil {
		m.lastScan = m.now()
	}
}

// built counts one build; at is when a successful one finished.
func (m *daemonMetrics) built(ok bool, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ok {
		m.builds["ok"]++
		if at.After(m.lastBuild) {
			m.lastBuild = at
		}
	} else {
		m.builds["failed"]++
	}
}

// seedLastBuild sets the time of the last successful build from the ledger.
func (m *daemonMetrics) seedLastBuild(builds []roadmap.Build) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, b := range builds {
		if b.OK && b.Started.After(m.lastBuild) {
			m.lastBuild = b.Started
		}
	}
}

func (m *daemonMetrics) setStaleAfter(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.staleAfter = d
}

// health is "" when the daemon is healthy, else why not: the inbox first,
// then the outbox ("degraded: ..."), whose trouble holds no file back.
func (m *daemonMetrics) health() string {
	n, oldest, alert, err := m.outbox()
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.scanErr != nil:
		return "the inbox could not be listed: " + m.scanErr.Error()
	case m.lastScan.IsZero():
		return "starting: the inbox has not been listed yet"
	case m.staleAfter > 0 && m.now().Sub(m.lastScan) > m.staleAfter:
		return fmt.Sprintf("the inbox has not been listed since %s", m.lastScan.UTC().Format(time.RFC3339))
	case err != nil:
		return "degraded: the outbox could not be read: " + err.Error()
	case n > 0 && alert > 0 && m.now().Sub(oldest) > alert:
		return fmt.Sprintf("degraded: %d message(s) waiting to be sent, the oldest since %s; 'roadmap outbox' shows why",
			n, oldest.UTC().Format(time.RFC3339))
	}
	return ""
}

// write writes every series in the Prometheus text format, in a stable order.
func (m *daemonMetrics) write(w io.Writer) error {
	pending, _, _, perr := m.outbox()
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	family := func(name, kind, help string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
	}
	sample := func(name string, labels []string, v float64) {
		b.WriteString(name)
		if len(labels) > 0 {
			b.WriteByte('{')
			for i := 0; i+1 < len(labels); i += 2 {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "%s=\"%s\"", labels[i], escapeLabel(labels[i+1]))
			}
			b.WriteByte('}')
		}
		b.WriteByte(' ')
		b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
		b.WriteByte('\n')
	}
	seconds := func(t time.Time) float64 {
		if t.IsZero() {
			return 0
		}
		return float64(t.UnixMilli()) / 1000
	}

	family("roadmap_files_total", "counter", "Files taken from the inbox since the daemon started, by outcome (failed: left in the inbox to try again).")
	outcomes := slices.Clone(fileOutcomes)
	for o := range m.files {
		if !slices.Contains(outcomes, o) {
			outcomes = append(outcomes, o)
		}
	}
	slices.Sort(outcomes)
	for _, o := range outcomes {
		sample("roadmap_files_total", []string{"outcome", o}, float64(m.files[o]))
	}

	family("roadmap_findings_total", "counter", "Findings in the files taken since the daemon started, by code and severity.")
	keys := slices.SortedFunc(maps.Keys(m.findings), func(a, b findingKey) int {
		return cmp.Or(cmp.Compare(a.code, b.code), cmp.Compare(a.severity, b.severity))
	})
	for _, k := range keys {
		sample("roadmap_findings_total", []string{"code", string(k.code), "severity", string(k.severity)}, float64(m.findings[k]))
	}

	family("roadmap_builds_total", "counter", "Scheduled report builds since the daemon started, by outcome.")
	for _, o := range slices.Sorted(maps.Keys(m.builds)) {
		sample("roadmap_builds_total", []string{"outcome", o}, float64(m.builds[o]))
	}

	family("roadmap_messages_total", "counter", "Tries to send a message of the outbox since the daemon started, by outcome (postponed: tried again later).")
	for _, o := range slices.Sorted(maps.Keys(m.messages)) {
		sample("roadmap_messages_total", []string{"outcome", o}, float64(m.messages[o]))
	}
	if perr == nil {
		family("roadmap_outbox_pending", "gauge", "Messages of the outbox waiting to be sent.")
		sample("roadmap_outbox_pending", nil, float64(pending))
	}

	family("roadmap_last_scan_success_timestamp_seconds", "gauge", "When the inbox was last listed in full without error (0: not yet).")
	sample("roadmap_last_scan_success_timestamp_seconds", nil, seconds(m.lastScan))
	family("roadmap_last_build_success_timestamp_seconds", "gauge", "When the last successful report build started, as the ledger records it (0: never).")
	sample("roadmap_last_build_success_timestamp_seconds", nil, seconds(m.lastBuild))
	family("roadmap_start_time_seconds", "gauge", "When the daemon started.")
	sample("roadmap_start_time_seconds", nil, seconds(m.started))

	_, err := io.WriteString(w, b.String())
	return err
}

// escapeLabel escapes a label value as the text format requires.
func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// handler serves /healthz (200 "ok", or 503 and the reason) and /metrics.
func (m *daemonMetrics) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if why := m.health(); why != "" {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, why)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_ = m.write(w)
	})
	return mux
}

// httpServer is an HTTP listener of the daemon.
type httpServer struct {
	srv  *http.Server
	addr net.Addr
	done chan struct{}
}

// httpLimits bound each HTTP connection, so that idle or slow clients cannot
// hold connections (and the daemon's file descriptors) open for ever.
type httpLimits struct {
	readHeader time.Duration // to receive a request's headers
	read       time.Duration // to receive a whole request
	write      time.Duration // to send a response, from the end of the request headers
	idle       time.Duration // a kept-alive connection waiting for its next request
}

// daemonHTTPLimits are the limits of the daemon's listeners: its responses
// are small pages built in memory.
var daemonHTTPLimits = httpLimits{readHeader: 5 * time.Second, read: 30 * time.Second, write: 30 * time.Second, idle: time.Minute}

// portalHTTPLimits are the portal's: a workbook of up to intake.max_size_mb
// sent, or a report downloaded, over a slow line takes minutes.
var portalHTTPLimits = httpLimits{readHeader: 5 * time.Second, read: 5 * time.Minute, write: 5 * time.Minute, idle: time.Minute}

// serveMetrics listens on addr and serves m there until closed.
func serveMetrics(addr string, m *daemonMetrics, log *slog.Logger) (*httpServer, error) {
	return listenHTTP(addr, m.handler(), daemonHTTPLimits, "/healthz and /metrics", log)
}

// listenHTTPS is listenHTTP with TLS when certFile and keyFile are given.
// They are loaded here, so that a wrong file fails the start.
func listenHTTPS(addr string, h http.Handler, limits httpLimits, what, certFile, keyFile string, log *slog.Logger) (*httpServer, error) {
	var cfg *tls.Config
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("TLS for %s: %w", what, err)
		}
		cfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	return serveHTTP(addr, h, limits, what, cfg, log)
}

// listenHTTP listens on addr and serves h there, within limits, until
// closed. what names the service in messages. A listener that other machines
// can reach is logged as a warning: it serves without a password, and an
// address such as ":8080" binds every interface, not only this machine's.
func listenHTTP(addr string, h http.Handler, limits httpLimits, what string, log *slog.Logger) (*httpServer, error) {
	return serveHTTP(addr, h, limits, what, nil, log)
}

// serveHTTP is listenHTTP over TLS when tlsConfig is not nil.
func serveHTTP(addr string, h http.Handler, limits httpLimits, what string, tlsConfig *tls.Config, log *slog.Logger) (*httpServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s for %s: %w", addr, what, err)
	}
	s := &httpServer{
		srv: &http.Server{Handler: h, ReadHeaderTimeout: limits.readHeader, ReadTimeout: limits.read,
			WriteTimeout: limits.write, IdleTimeout: limits.idle, TLSConfig: tlsConfig,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)},
		addr: ln.Addr(),
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		serve := s.srv.Serve
		if tlsConfig != nil {
			serve = func(ln net.Listener) error { return s.srv.ServeTLS(ln, "", "") }
		}
		if err := serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("the HTTP listener stopped", "addr", s.addr.String(), "err", err)
		}
	}()
	msg := "serving " + what
	if tlsConfig != nil {
		msg += " over HTTPS"
	}
	log.Info(msg, "addr", s.addr.String())
	if tcp, ok := s.addr.(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		log.Warn("the listener is reachable not only on this machine: listen on 127.0.0.1 unless a firewall or proxy guards it",
			"addr", s.addr.String(), "serves", what)
	}
	return s, nil
}

// close stops the listener, letting requests in flight finish within ctx.
func (s *httpServer) close(ctx context.Context) error {
	if s == nil {
		return nil
	}
	err := s.srv.Shutdown(ctx)
	<-s.done
	return err
}
