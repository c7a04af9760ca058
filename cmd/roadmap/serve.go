package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/deliver"
	"github.com/seesac/roadmap/ingest"
	"github.com/seesac/roadmap/render"
	"github.com/seesac/roadmap/schedule"
	"github.com/seesac/roadmap/store"
	"github.com/seesac/roadmap/web"
)

// The daemon's timings that are not configuration.
const (
	// serveTick is how often the runner asks the plan what is due.
	serveTick = time.Minute
	// stopBudget bounds the shutdown: SIGTERM must end the process within 10
	// seconds (systemd's TimeoutStopSec in samples/roadmap.service is 15).
	stopBudget = 9 * time.Second
)

// serveTuning is what tests change of the daemon: how often the runner
// ticks, and where reload requests (SIGHUP) come from.
type serveTuning struct {
	tick   time.Duration
	reload <-chan os.Signal
	// ticks, with tick zero, are the runner's ticks asked for by hand, so
	// that a test moves its clock and runs the next tick without waiting
	// for one; each request is answered with the tick's error once it is
	// done.
	ticks <-chan chan<- error
	// mailTLS is the TLS configuration of the SMTP client; nil is the
	// system's (tests trust their own server's certificate).
	mailTLS *tls.Config
	// cron, when set, replaces every cron entry's spec: tests run the
	// digest every second, which a configuration may not ask for.
	cron string
}

func runServe(ctx context.Context, e *env, args []string) int {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	return e.serve(ctx, args, serveTuning{tick: serveTick, reload: hup})
}

// serve parses the command line and runs the daemon until ctx is cancelled
// (SIGTERM, SIGINT).
func (e *env) serve(ctx context.Context, args []string, tune serveTuning) int {
	f := e.newFlags(false, "[--data DIR] [--config FILE] [--listen ADDR] [--log-format text|json]")
	d := &daemon{e: e, f: f, tune: tune}
	f.StringVar(&d.listenFlag, "listen", "", "serve /healthz and /metrics on `ADDR`, such as 127.0.0.1:8080 (default: the configuration's listen, else none)")
	f.StringVar(&d.formatFlag, "log-format", "", "write log lines as `text` or json (default: the configuration's log.format)")
	if code, ok := e.parseNone(f, args); !ok {
		return code
	}
	if d.formatFlag != "" && roadmap.LogFormat(d.formatFlag).Check() != nil {
		return e.usageError("--log-format must be text or json, not %q", d.formatFlag)
	}
	return d.run(ctx)
}

// daemon is `roadmap serve`: the parts that live as long as the process (the
// lock, the ledger, the metrics and their listener) and the current
// generation of the parts built from the configuration, which a reload
// replaces.
type daemon struct {
	e          *env
	f          *flags
	tune       serveTuning
	listenFlag string
	formatFlag string

	data    string // the data folder, absolute
	db      *store.DB
	metrics *daemonMetrics
	http    *httpServer
	// portal serves the current generation's portal on web (nil: off);
	// portalState outlives reloads, so that they sign nobody out.
	portal      *swapHandler
	portalState *web.State
	web         *httpServer
	log         *slog.Logger
	cur         *generation
}

// generation is what the daemon runs for one configuration.
type generation struct {
	s        *setup
	loc      *time.Location
	meetings []roadmap.Meeting
	format   roadmap.LogFormat // log format in force
	listen   string            // listener address in force ("" none)
	intake   *ingest.Intake
	watcher  *ingest.Watcher
	runner   *schedule.Runner
	// planner records the messages due; sender sends them, in its own
	// goroutine (stopSender ends it), so that a slow mail server never holds
	// intake or builds.
	planner    *deliver.Planner
	sender     *deliver.Sender
	stopSender func()
}

func (d *daemon) run(ctx context.Context) int {
	e := d.e
	s, err := e.load(d.f)
	if err != nil {
		return e.fail(err)
	}
	if d.data, err = filepath.Abs(s.Data); err != nil {
		return e.fail(fmt.Errorf("data folder %s: %w", s.Data, err))
	}
	// The watcher names files by absolute paths, which the intake resolves
	// against its root.
	s.Data = d.data
	d.log = e.logger(d.logFormat(s))
	release, err := lockData(s, d.log)
	if err != nil {
		return e.fail(err)
	}
	defer release()
	if d.db, err = openLedger(ctx, s); err != nil {
		return e.fail(err)
	}
	defer d.db.Close()
	d.metrics = newDaemonMetrics(e.now)
	if builds, err := d.db.Builds(ctx); err == nil {
		d.metrics.seedLastBuild(builds)
	} else {
		d.log.Warn("the time of the last build is not known", "err", err)
	}

	gen, err := d.prepare(s)
	if err != nil {
		return e.fail(err)
	}
	if gen.listen != "" {
		if d.http, err = serveMetrics(gen.listen, d.metrics, d.log); err != nil {
			return e.fail(err)
		}
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = d.http.close(sctx)
		_ = d.web.close(sctx)
	}()
	d.log.Info("roadmap serve started", "data", d.data, "pid", os.Getpid(), "config", orBuiltIn(s.ConfigPath),
		"timezone", s.Config.Timezone, "meetings", len(gen.meetings), "stable", s.Config.Intake.Stable.String(),
		"rescan", s.Config.Intake.Rescan.String())
	if err := d.start(ctx, gen); err != nil {
		return e.fail(err)
	}
	if err := d.servePortal(gen, nil); err != nil {
		return e.fail(err)
	}

	for {
		select {
		case <-ctx.Done():
			d.log.Info("stopping: finishing the file or build in hand")
			if err := d.stop(d.cur); err != nil {
				d.log.Error("stopped before the work in hand was done; it is taken up again at the next start", "err", err)
				return exitProblem
			}
			d.log.Info("stopped")
			return exitOK
		case <-d.tune.reload:
			d.reload(ctx)
		case done := <-d.tune.ticks:
			done <- d.cur.runner.Tick(ctx)
		}
	}
}

func (d *daemon) logFormat(s *setup) roadmap.LogFormat {
	if d.formatFlag != "" {
		return roadmap.LogFormat(d.formatFlag)
	}
	return s.Config.Log.Format
}

// prepare builds, without starting anything, the parts one configuration
// needs; the configuration was checked whole when it was loaded.
func (d *daemon) prepare(s *setup) (*generation, error) {
	loc, meetings := s.Location, s.Calendar.Meetings
	g := &generation{s: s, loc: loc, meetings: meetings, format: d.logFormat(s), listen: s.Config.Listen}
	if d.listenFlag != "" {
		g.listen = d.listenFlag
	}
	log := d.log
	cfg := s.Config

	checker, err := newChecker(context.Background(), s, d.db, log)
	if err != nil {
		return nil, err
	}
	g.intake = newIntake(s, d.db, checker, log, cfg.Intake.Stable, d.e.now)
	g.watcher = &ingest.Watcher{
		Root: s.data().Inbox(), Stable: cfg.Intake.Stable, Rescan: cfg.Intake.Rescan,
		Process: d.take(g), Scanned: d.metrics.scanned, Log: log,
	}
	if g.sender, err = newSender(s, d.db, log, d.e.now, d.tune.mailTLS); err != nil {
		return nil, fmt.Errorf("%s: %w", orBuiltIn(s.ConfigPath), err)
	}
	g.sender.Counted = d.metrics.messaged
	g.planner = newPlanner(s, d.db, log, d.e.now)
	g.planner.Wake = g.sender.Wake
	g.sender.Plan = g.planner.Tick
	g.intake.Answered = answer(g.planner)

	builder := newBuilder(s, d.db, log, d.e.now)
	g.runner = schedule.NewRunner(loc, log, d.e.now)
	g.runner.Interval = d.tune.tick
	g.runner.Due = func(now time.Time) []schedule.Planned {
		builds, err := d.db.Builds(context.Background())
		if err != nil {
			log.Error("the plan could not be read from the ledger; trying again at the next tick", "err", err)
			return nil
		}
		return schedule.Due(meetings, cfg.Plans, builds, d.lastInput, now, loc)
	}
	g.runner.Build = func(ctx context.Context, p schedule.Planned) error {
		m := p.Meeting
		// The build in hand is finished even when the daemon is told to stop.
		res, err := builder.Build(context.WithoutCancel(ctx), render.BuildRequest{
			Meeting: &m, Draft: p.Kind == roadmap.Draft, Scheduled: true})
		if err != nil {
			d.metrics.built(false, time.Time{})
			return err
		}
		d.metrics.built(true, res.Build.Started)
		if err := g.planner.Built(ctx, res.Build); err != nil {
			log.Error("the report was built but its message to SEESAC was not recorded; it is at the next look at the outbox", "meeting", m.ID, "err", err)
		}
		return nil
	}
	for _, c := range cfg.Cron {
		switch c.Job {
		case roadmap.JobStatusDigest:
			spec := c.Spec
			if d.tune.cron != "" {
				spec = d.tune.cron
			}
			if err := g.runner.AddCron(c.Name, spec, func(ctx context.Context) { d.digest(ctx, g) }); err != nil {
				return nil, err
			}
		}
	}
	return g, nil
}

func orBuiltIn(path string) string {
	if path == "" {
		return "built-in defaults"
	}
	return path
}

// take is the watcher's Process: a batch of files through the intake (which
// records their receipts for delivery: generation.intake.Answered), each
// counted. A file the intake gives
// no outcome for was not taken (its error is in err). A panic is turned into
// an error so that one file cannot stop the daemon; the files stay in the
// inbox.
func (d *daemon) take(g *generation) func(ctx context.Context, paths []string) error {
	return func(ctx context.Context, paths []string) (err error) {
		var outs []ingest.Outcome
		defer func() {
			if v := recover(); v != nil {
				err = fmt.Errorf("panic while taking %d files: %v\n%s", len(paths), v, debug.Stack())
			}
			d.metrics.filesTaken(outs, len(paths)-len(outs))
		}()
		outs, err = g.intake.ProcessFiles(ctx, paths)
		return err
	}
}

// lastInput is, for a meeting, when the newest accepted file its report would
// use was received (zero: none), so that the plan rebuilds a report that new
// data has made stale: one ledger query per meeting due.
func (d *daemon) lastInput(m roadmap.Meeting) time.Time {
	j := ""
	if m.Kind == roadmap.Local {
		j = m.Jurisdiction
	}
	last, err := d.db.LastAccepted(context.Background(), m.Period, j)
	if err != nil {
		d.log.Warn("new data for a report could not be looked up", "meeting", m.ID, "err", err)
	}
	return last
}

// start starts a generation: the watcher first, so that files are taken
// while missed builds catch up, then the builds missed while the daemon was
// down (logged as "catching up"), then the runner's ticks and cron entries.
func (d *daemon) start(ctx context.Context, g *generation) error {
	if err := g.watcher.Open(ctx); err != nil {
		return err
	}
	d.cur = g
	d.metrics.setStaleAfter(3*g.s.Config.Intake.Rescan + g.s.Config.Intake.Stable)
	d.metrics.watchOutbox(d.db.Pending, g.s.Config.Delivery.PendingAlert)
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		g.sender.Run(sctx)
	}()
	g.stopSender = func() {
		cancel()
		<-done
	}
	if err := g.runner.Catchup(ctx); err != nil {
		d.log.Error("some builds failed; they are tried again at the next tick", "err", err)
	}
	g.runner.Start(ctx)
	return nil
}

// stop stops a generation: no new file or build is started, the ones in
// hand are finished, within stopBudget.
func (d *daemon) stop(g *generation) error {
	done := make(chan error, 1)
	go func() {
		var wg sync.WaitGroup
		var werr, rerr error
		wg.Go(func() { werr = g.watcher.Close() })
		wg.Go(func() { rerr = g.runner.Stop() })
		if g.stopSender != nil {
			// A message in flight is cut off and stays pending.
			wg.Go(g.stopSender)
		}
		wg.Wait()
		done <- errors.Join(werr, rerr)
	}()
	timer := time.NewTimer(stopBudget)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		return fmt.Errorf("the work in hand was still running after %s", stopBudget)
	}
}

// reload re-reads the configuration (SIGHUP). A configuration that does not
// load, or cannot run, is refused and the one in force kept, and so is a
// missing roadmap.yaml when the daemon runs on one; otherwise the
// changes are logged and the parts built from the configuration are
// restarted, after finishing the file or build in hand.
func (d *daemon) reload(ctx context.Context) {
	old := d.cur
	s, err := d.e.load(d.f)
	if err == nil && s.ConfigPath == "" && old.s.ConfigPath != "" {
		// The file in force is gone (moved, or mid-way through an editor's
		// save): that is a problem to report, not a wish for the defaults.
		err = fmt.Errorf("%s cannot be read: %w", old.s.ConfigPath, fs.ErrNotExist)
	}
	var next *generation
	if err == nil {
		s.Data = d.data
		prevLog := d.log
		if format := d.logFormat(s); format != old.format {
			d.log = d.e.logger(format)
		}
		if next, err = d.prepare(s); err != nil {
			d.log = prevLog
		}
	}
	if err != nil {
		d.log.Error("configuration not reloaded; the one in force is kept", "err", err)
		return
	}
	changes := configChanges(old, next)
	if len(changes) == 0 {
		d.log.Info("configuration reloaded: nothing changed")
		return
	}
	d.log.Info("configuration reloaded", "changed", strings.Join(changes, "; "))
	if err := d.stop(old); err != nil {
		d.log.Error("the old configuration's work did not stop in time", "err", err)
	}
	if next.listen != old.listen {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		_ = d.http.close(sctx)
		cancel()
		d.http = nil
		if next.listen != "" {
			if d.http, err = serveMetrics(next.listen, d.metrics, d.log); err != nil {
				d.log.Error("no HTTP listener", "err", err)
			}
		}
	}
	if err := d.servePortal(next, old); err != nil {
		d.log.Error("the portal is not served", "err", err)
	}
	if err := d.start(ctx, next); err != nil {
		// The inbox went away: keep the ledger and lock, report, and let the
		// next reload or restart try again.
		d.log.Error("the inbox is not watched", "err", err)
	}
}

// configChanges says what differs between two generations, one phrase per
// setting (roadmap.Config.Changes), comparing what is in force: the calendar
// (the built-in one when meetings is absent), the catalogue by identity, and
// the log format and listener after their flags.
func configChanges(old, next *generation) []string {
	return inForce(old).Changes(inForce(next))
}

func inForce(g *generation) roadmap.Config {
	c := g.s.Config
	c.Catalogue = fmt.Sprintf("%s %s (%.8s)", g.s.Catalogue.ID, g.s.Catalogue.Version, g.s.Catalogue.Hash)
	c.Meetings, c.Log.Format, c.Listen = g.meetings, g.format, g.listen
	return c
}

// servePortal serves the portal of generation g on web.listen, when set:
// the listener is opened once and kept while its settings stay the same
// (old is the generation before a reload, nil at start-up); the pages are
// always those of g's configuration; the sessions stay.
func (d *daemon) servePortal(g, old *generation) error {
	cfg := g.s.Config.Web
	if old != nil && old.s.Config.Web != cfg {
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = d.web.close(sctx)
		cancel()
		d.web, d.portal = nil, nil
	}
	if cfg.Listen == "" {
		return nil
	}
	if d.portalState == nil {
		d.portalState = web.NewState()
	}
	p := newPortal(g.s, d.db, g.intake, d.log, d.e.now)
	p.State = d.portalState
	if d.portal != nil {
		d.portal.set(p.Handler())
		return nil
	}
	d.portal = &swapHandler{}
	d.portal.set(p.Handler())
	var err error
	if d.web, err = listenHTTPS(cfg.Listen, d.portal, portalHTTPLimits, "the portal", cfg.TLSCert, cfg.TLSKey, d.log); err != nil {
		d.portal = nil
		return err
	}
	return nil
}

// swapHandler serves the handler last set, so that a reload replaces the
// portal's pages without closing its listener.
type swapHandler struct{ h atomic.Value }

func (s *swapHandler) set(h http.Handler) { s.h.Store(&h) }

func (s *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*s.h.Load().(*http.Handler)).ServeHTTP(w, r)
}

// digest writes the status digest (cron job status-digest) to
// reports/status/.
func (d *daemon) digest(ctx context.Context, g *generation) {
	st, err := collectStatus(ctx, d.db, g.s, d.e.now())
	if err == nil {
		var paths []string
		if paths, err = writeStatusDigest(datadir.New(d.data).StatusDigests(), st, g.loc); err == nil {
			d.log.Info("status digest written", "files", strings.Join(paths, ", "))
			return
		}
	}
	if errors.Is(err, fs.ErrPermission) {
		err = fmt.Errorf("%w (check that the service account may write to reports/)", err)
	}
	d.log.Error("status digest not written", "err", err)
}
