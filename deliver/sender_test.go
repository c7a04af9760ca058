package deliver

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/deliver/smtptest"
	"github.com/seesac/roadmap/store"
)

// serve starts a test server.
func serve(t *testing.T, implicit, plain bool, maxBytes int64) *smtptest.Server {
	t.Helper()
	return smtptest.Start(t, smtptest.Options{Implicit: implicit, Plain: plain, MaxBytes: maxBytes})
}

// transport is an SMTP transport to ms that trusts its certificate.
func transport(ms *smtptest.Server, mode, password string) *SMTP {
	return &SMTP{Config: ms.Config(mode), Password: password, TLS: ms.ClientTLS()}
}

const testPassword = smtptest.Password

const testFrom = "Roadmap reports <roadmap@seesac.example>"

// clock is a settable clock for the sender.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// rig is a ledger with one message recorded and a sender over t.
type rig struct {
	db     *store.DB
	clock  *clock
	sender *Sender
	msg    *roadmap.Message
	counts map[string]int
}

func newRig(t *testing.T, tr Transport, attach []byte) *rig {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "roadmap.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	m := &roadmap.Message{Key: "receipt:AL:2026-H1:v3", Jurisdiction: "AL", To: []string{"focal.point@example.al"},
		Subject: "[Roadmap] AL 2026-H1: accepted (version 3)", Body: "Recorded as version 3.\n"}
	if attach != nil {
		m.Attachments = []roadmap.Attachment{{Name: "AL-2026-H1.annotated.xlsx", Data: attach}}
	}
	if _, err := db.Enqueue(context.Background(), m, c.now()); err != nil {
		t.Fatal(err)
	}
	r := &rig{db: db, clock: c, msg: m, counts: map[string]int{}}
	r.sender = NewSender(db, tr, testFrom, c.now, slog.New(slog.DiscardHandler))
	r.sender.Counted = func(o string) { r.counts[o]++ }
	return r
}

func (r *rig) state(t *testing.T) *roadmap.Message {
	t.Helper()
	m, err := r.db.Message(context.Background(), r.msg.Key)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (r *rig) step(t *testing.T) int {
	t.Helper()
	n, err := r.sender.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A message goes out over STARTTLS with a login, carries its attachment and
// the Message-ID of its key, and is recorded as sent, once.
func TestSendSTARTTLS(t *testing.T) {
	t.Parallel()
	ms := serve(t, false, false, 0)
	r := newRig(t, transport(ms, roadmap.TLSStartTLS, testPassword), []byte("PK\x03\x04 annotated workbook"))
	if n := r.step(t); n != 1 {
		t.Fatalf("sent %d", n)
	}
	got := ms.Messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages", len(got))
	}
	rc := got[0]
	if !rc.TLS || rc.User != smtptest.User || rc.From != "roadmap@seesac.example" || len(rc.To) != 1 || rc.To[0] != "focal.point@example.al" {
		t.Errorf("envelope: tls=%v user=%q from=%q to=%v", rc.TLS, rc.User, rc.From, rc.To)
	}
	m := smtptest.Parse(t, rc.Data)
	if id := m.Header.Get("Message-Id"); id != "<receipt.AL.2026-H1.v3@seesac.example>" {
		t.Errorf("Message-ID = %q", id)
	}
	if s := m.Header.Get("Subject"); s != "[Roadmap] AL 2026-H1: accepted (version 3)" {
		t.Errorf("Subject = %q", s)
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	var names []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.FileName() != "" {
			names = append(names, p.FileName())
		}
	}
	if len(names) != 1 || names[0] != "AL-2026-H1.annotated.xlsx" {
		t.Errorf("attachments = %v", names)
	}
	s := r.state(t)
	if s.State != roadmap.MessageSent || s.Tries != 1 || !strings.HasPrefix(s.Via, "smtp 127.0.0.1:") {
		t.Errorf("recorded %+v", s)
	}
	if n := r.step(t); n != 0 || len(ms.Messages()) != 1 {
		t.Error("a sent message went out again")
	}
}

func TestSendImplicitTLS(t *testing.T) {
	t.Parallel()
	ms := serve(t, true, false, 0)
	r := newRig(t, transport(ms, roadmap.TLSImplicit, testPassword), nil)
	if n := r.step(t); n != 1 || len(ms.Messages()) != 1 || !ms.Messages()[0].TLS {
		t.Fatalf("sent %d, server has %+v; last error %q", n, ms.Messages(), r.state(t).LastError)
	}
}

// A server that offers LOGIN and not PLAIN (Microsoft 365, Exchange) is
// logged in to with LOGIN; a wrong password there is refused as with PLAIN.
func TestSendWithLoginMechanism(t *testing.T) {
	t.Parallel()
	ms := smtptest.Start(t, smtptest.Options{LoginOnly: true})
	r := newRig(t, transport(ms, roadmap.TLSStartTLS, testPassword), nil)
	if n := r.step(t); n != 1 || len(ms.Messages()) != 1 || ms.Messages()[0].User != smtptest.User || !ms.Messages()[0].TLS {
		t.Fatalf("sent %d, server has %+v; last error %q", n, ms.Messages(), r.state(t).LastError)
	}
	wrong := newRig(t, transport(ms, roadmap.TLSStartTLS, "wrong"), nil)
	wrong.step(t)
	if s := wrong.state(t); s.State == roadmap.MessageSent || !strings.Contains(s.LastError, "535") {
		t.Errorf("a wrong password: %+v", s)
	}
}

// A server that offers no STARTTLS gets nothing: neither the password nor
// the message goes out in clear text.
func TestSTARTTLSIsMandatory(t *testing.T) {
	t.Parallel()
	ms := serve(t, false, true, 0)
	r := newRig(t, transport(ms, roadmap.TLSStartTLS, testPassword), nil)
	r.step(t)
	s := r.state(t)
	if len(ms.Messages()) != 0 || s.State != roadmap.MessagePending || !strings.Contains(s.LastError, "STARTTLS") {
		t.Errorf("server has %d, recorded %+v", len(ms.Messages()), s)
	}
}

// Each bad condition leaves a clear state and error, and loses nothing: what
// may pass is postponed with backoff, what the server refuses for good is
// failed.
func TestBadConditions(t *testing.T) {
	t.Parallel()
	big := make([]byte, 64<<10)
	tests := []struct {
		name     string
		setup    func(ms *smtptest.Server) *SMTP
		maxBytes int64
		attach   []byte
		state    roadmap.MessageState
		errHas   string
	}{
		{"unreachable", func(ms *smtptest.Server) *SMTP {
			tr := transport(ms, roadmap.TLSStartTLS, testPassword)
			tr.Config.Port = closedPort(t)
			return tr
		}, 0, nil, roadmap.MessagePending, "connection refused"},
		{"login refused", func(ms *smtptest.Server) *SMTP { return transport(ms, roadmap.TLSStartTLS, "wrong") },
			0, nil, roadmap.MessagePending, "535"},
		{"temporary 4xx", func(ms *smtptest.Server) *SMTP {
			ms.Fail(nil, &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"})
			return transport(ms, roadmap.TLSStartTLS, testPassword)
		}, 0, nil, roadmap.MessagePending, "451"},
		{"permanent 5xx", func(ms *smtptest.Server) *SMTP {
			ms.Fail(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}, nil)
			return transport(ms, roadmap.TLSStartTLS, testPassword)
		}, 0, nil, roadmap.MessageFailed, "550"},
		{"dropped in the middle of the message", func(ms *smtptest.Server) *SMTP {
			ms.Drop(true)
			return transport(ms, roadmap.TLSStartTLS, testPassword)
		}, 0, big, roadmap.MessagePending, "smtp"},
		{"over the size limit", func(ms *smtptest.Server) *SMTP { return transport(ms, roadmap.TLSStartTLS, testPassword) },
			16 << 10, big, roadmap.MessageFailed, "552"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ms := serve(t, false, false, tc.maxBytes)
			r := newRig(t, tc.setup(ms), tc.attach)
			if n := r.step(t); n != 0 {
				t.Fatalf("sent %d", n)
			}
			s := r.state(t)
			if s.State != tc.state || s.Tries != 1 || !strings.Contains(s.LastError, tc.errHas) {
				t.Errorf("recorded state %s, tries %d, error %q; want %s with %q", s.State, s.Tries, s.LastError, tc.state, tc.errHas)
			}
			if len(ms.Messages()) != 0 {
				t.Errorf("the server kept %d messages", len(ms.Messages()))
			}
			if tc.state == roadmap.MessagePending && !s.NextTry.Equal(r.clock.now().Add(DefaultBackoff)) {
				t.Errorf("next try %s, want one backoff later", s.NextTry)
			}
		})
	}
}

// closedPort is a loopback port nobody listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// Failures that may pass are retried with doubling waits; when the tries run
// out the message fails, and an operator's retry sends it.
func TestBackoffAndRetry(t *testing.T) {
	t.Parallel()
	ms := serve(t, false, false, 0)
	ms.Fail(nil, &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2}, Message: "busy"})
	r := newRig(t, transport(ms, roadmap.TLSStartTLS, testPassword), nil)
	r.sender.MaxTries = 4
	var waits []time.Duration
	for range 3 {
		r.step(t)
		s := r.state(t)
		waits = append(waits, s.NextTry.Sub(r.clock.now()))
		if n := r.step(t); n != 0 || r.state(t).Tries != s.Tries {
			t.Fatal("tried again before its time")
		}
		r.clock.add(waits[len(waits)-1])
	}
	if want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute}; !equalDurations(waits, want) {
		t.Errorf("waits = %v, want %v", waits, want)
	}
	r.step(t)
	if s := r.state(t); s.State != roadmap.MessageFailed || s.Tries != 4 || !strings.Contains(s.LastError, "gave up after 4 tries") {
		t.Fatalf("after the last try: %+v", s)
	}
	if r.counts[OutcomePostponed] != 3 || r.counts[OutcomeFailed] != 1 {
		t.Errorf("counts = %v", r.counts)
	}
	ms.Fail(nil, nil)
	if err := r.db.Retry(context.Background(), r.msg.Key, r.clock.now()); err != nil {
		t.Fatal(err)
	}
	if n := r.step(t); n != 1 || len(ms.Messages()) != 1 {
		t.Fatalf("after retry sent %d", n)
	}
	if b := (&Sender{}).backoff(20); b != DefaultMaxBackoff {
		t.Errorf("backoff is not capped: %v", b)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A crash after the server took the message and before the ledger recorded
// it: the restarted sender sends it once more with the same Message-ID, and
// never again.
func TestCrashBetweenAcceptanceAndRecord(t *testing.T) {
	t.Parallel()
	ms := serve(t, false, false, 0)
	r := newRig(t, transport(ms, roadmap.TLSStartTLS, testPassword), []byte("report"))
	crash := errors.New("crash")
	r.sender.accepted = func(string) error { return crash }
	if _, err := r.sender.Step(context.Background()); !errors.Is(err, crash) {
		t.Fatalf("Step = %v", err)
	}
	if s := r.state(t); s.State != roadmap.MessagePending {
		t.Fatalf("after the crash: %+v", s)
	}
	if fl, _ := r.db.InFlight(context.Background(), r.msg.Key); !fl {
		t.Fatal("the cut-off try is not marked in flight")
	}
	restarted := NewSender(r.db, transport(ms, roadmap.TLSStartTLS, testPassword), testFrom, r.clock.now, slog.New(slog.DiscardHandler))
	for range 3 {
		if _, err := restarted.Step(context.Background()); err != nil {
			t.Fatal(err)
		}
		r.clock.add(time.Hour)
	}
	got := ms.Messages()
	if len(got) != 2 {
		t.Fatalf("the server received %d copies, want the original and one re-send", len(got))
	}
	a, b := smtptest.Parse(t, got[0].Data).Header.Get("Message-Id"), smtptest.Parse(t, got[1].Data).Header.Get("Message-Id")
	if a != b || a != "<receipt.AL.2026-H1.v3@seesac.example>" {
		t.Errorf("Message-IDs %q and %q", a, b)
	}
	if string(got[0].Data) != string(got[1].Data) {
		t.Error("the re-send differs from the original")
	}
	if s := r.state(t); s.State != roadmap.MessageSent || s.Tries != 2 {
		t.Errorf("recorded %+v", s)
	}
}

// A server that accepts the connection and never answers does not hold a
// stopping sender: cancelling closes the connection, and the message stays
// pending for the next start.
func TestStopWhileTheServerHangs(t *testing.T) {
	t.Parallel()
	addr := smtptest.Silent(t)
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	tr := &SMTP{Config: roadmap.SMTPConfig{Host: host, Port: p, TLS: roadmap.TLSStartTLS, Timeout: time.Hour}}
	r := newRig(t, tr, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		r.sender.Run(ctx)
		close(done)
	}()
	// Wait until the try has started (it is recorded before the dial).
	for r.state(t).Attempted.IsZero() {
		runtime.Gosched()
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the sender did not stop while the server hung")
	}
	if s := r.state(t); s.State != roadmap.MessagePending || !strings.Contains(s.LastError, "stopped") {
		t.Errorf("recorded %+v", s)
	}
}

// Without a server, messages are written as .eml files into outbox/ and
// recorded as sent there; the file is the message a server would get.
func TestFilesTransport(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	r := newRig(t, &Files{Data: datadir.New(root)}, []byte("template"))
	if n := r.step(t); n != 1 {
		t.Fatalf("sent %d", n)
	}
	s := r.state(t)
	if s.State != roadmap.MessageSent || s.Via != "outbox/receipt_AL_2026-H1_v3.eml" {
		t.Fatalf("recorded %+v", s)
	}
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(s.Via)))
	if err != nil {
		t.Fatal(err)
	}
	m := smtptest.Parse(t, data)
	if m.Header.Get("Message-Id") != "<receipt.AL.2026-H1.v3@seesac.example>" || m.Header.Get("To") != "<focal.point@example.al>" {
		t.Errorf("headers: %v", m.Header)
	}
	// Composing is deterministic: the same record gives the same bytes.
	again, err := r.db.Message(context.Background(), r.msg.Key)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.db.Load(context.Background(), again); err != nil {
		t.Fatal(err)
	}
	msg, err := Compose(again, testFrom)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if _, err := msg.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if b.String() != string(data) {
		t.Error("composing the same record twice gave different bytes")
	}
}

func TestMessageID(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]string{
		"receipt:AL:2026-H1:v3": "receipt.AL.2026-H1.v3@seesac.example",
		"report:rcm-16:final":   "report.rcm-16.final@seesac.example",
		"x y<z>@":               "x.y.z..@seesac.example",
	} {
		if got := MessageID(key, testFrom); got != want {
			t.Errorf("MessageID(%q) = %q, want %q", key, got, want)
		}
	}
	if got := MessageID("k", "not an address"); got != "k@localhost" {
		t.Errorf("without a domain: %q", got)
	}
}

// Names in the region's scripts survive the headers, and the body is UTF-8.
func TestComposeScripts(t *testing.T) {
	t.Parallel()
	m := &roadmap.Message{Key: "k", To: []string{"Ђорђе Њежић <dj@example.rs>", "Tiranë Focal <t@example.al>"},
		Subject: "[Roadmap] С́ецање", Body: "Prishtinë / Priština, Скопје\n", Created: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	msg, err := Compose(m, testFrom)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if _, err := msg.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	pm := smtptest.Parse(t, []byte(b.String()))
	to, err := pm.Header.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Name != "Ђорђе Њежић" || to[1].Name != "Tiranë Focal" {
		t.Errorf("To = %v, %v", to, err)
	}
	var dec mime.WordDecoder
	if s, err := dec.DecodeHeader(pm.Header.Get("Subject")); err != nil || s != "[Roadmap] С́ецање" {
		t.Errorf("Subject = %q, %v", s, err)
	}
}
