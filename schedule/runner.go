package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/seesac/roadmap"
)

// Runner runs the due builds of the plan, one at a time, from a cron entry
// every Interval and by hand (Tick, Catchup). It never dies of a failed or
// panicking build: the failure is logged with its cause and, because the
// build is still due, retried at the next tick.
//
// Timing of builds does not rest on cron's wall-clock schedules, which skip or
// double jobs when the clocks change: cron only wakes the runner every
// Interval (a constant delay), and the pure plan decides what is due.
type Runner struct {
	// Due returns the builds to run at now, typically schedule.Due over the
	// calendar and the ledger. Required.
	Due func(now time.Time) []Planned
	// Build runs and records one build. Required.
	Build func(ctx context.Context, p Planned) error
	// Interval between ticks once started; zero switches the background tick
	// off, so that tests call Tick by hand. NewRunner sets one minute.
	Interval time.Duration
	// StopTimeout bounds how long Stop waits for a running job. NewRunner
	// sets 8 seconds, within the 10 seconds a SIGTERM allows.
	StopTimeout time.Duration

	loc  *time.Location
	log  *slog.Logger
	now  func() time.Time
	cron *cron.Cron

	buildMu sync.Mutex // one build at a time, whoever asks

	mu       sync.Mutex
	ctx      context.Context // the jobs' context, set by Start
	cancel   context.CancelFunc
	stopping bool
}

// NewRunner makes a runner whose cron entries are read in loc, that logs to
// log and reads the time from now.
func NewRunner(loc *time.Location, log *slog.Logger, now func() time.Time) *Runner {
	adapter := cronLogger{log}
	return &Runner{
		Interval:    time.Minute,
		StopTimeout: 8 * time.Second,
		loc:         loc,
		log:         log,
		now:         now,
		cron: cron.New(
			cron.WithLocation(loc),
			cron.WithLogger(adapter),
			cron.WithChain(cron.Recover(adapter), cron.SkipIfStillRunning(adapter)),
		),
	}
}

// Tick runs every build that Due reports at the injected now, one at a time,
// and returns the failures joined (they are logged too). It stops early, with
// the build in hand finished, when ctx is cancelled or the runner stops.
func (r *Runner) Tick(ctx context.Context) error {
	return r.run(ctx, false)
}

// Catchup is Tick for start-up: it logs "catching up" for each build that was
// missed while the daemon was down, then runs everything due.
func (r *Runner) Catchup(ctx context.Context) error {
	return r.run(ctx, true)
}

func (r *Runner) run(ctx context.Context, catchup bool) error {
	if r.Due == nil || r.Build == nil {
		return errors.New("schedule runner: Due and Build must be set")
	}
	r.buildMu.Lock()
	defer r.buildMu.Unlock()
	now := r.now()
	var errs []error
	for _, p := range r.Due(now) {
		if ctx.Err() != nil || r.isStopping() {
			break
		}
		attrs := []any{"meeting", p.Meeting.ID, "kind", string(p.Kind), "planned", p.At.In(r.loc).Format(time.DateTime)}
		switch {
		case catchup && p.Missed:
			r.log.Info("catching up", attrs...)
		case p.Rebuild:
			r.log.Info("rebuilding: new data since the last build", attrs...)
		}
		if err := r.build(ctx, p); err != nil {
			r.log.Error("build failed; retrying at the next tick", append(attrs, "err", err)...)
			errs = append(errs, fmt.Errorf("build %s %s: %w", p.Meeting.ID, p.Kind, err))
			continue
		}
		r.log.Info("scheduled build finished", attrs...)
	}
	return errors.Join(errs...)
}

// build calls Build and turns a panic into an error, so that one bad build
// neither kills the daemon nor stops the builds after it.
func (r *Runner) build(ctx context.Context, p Planned) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
		}
	}()
	return r.Build(ctx, p)
}

// AddCron adds an extra entry (a status digest, say) read in the runner's
// zone. The job gets the context given to Start; a panic in it is logged and
// the entry stays; a run still going when the next is due is skipped.
//
// Entries at 01:00–03:59 local time may be skipped or run twice on the nights
// the clocks change: cron reads wall clocks. Prefer other hours, or CRON_TZ=UTC.
func (r *Runner) AddCron(name, spec string, job func(ctx context.Context)) error {
	if _, err := roadmap.ParseCronSpec(spec); err != nil {
		return fmt.Errorf("cron entry %q: %w", name, err)
	}
	_, err := r.cron.AddFunc(spec, func() {
		ctx := r.jobContext()
		defer func() {
			if v := recover(); v != nil {
				r.log.Error("cron job panicked", "job", name, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			}
		}()
		r.log.Info("cron job", "job", name)
		job(ctx)
	})
	if err != nil {
		return fmt.Errorf("cron entry %q: %w", name, err)
	}
	return nil
}

// Start starts cron: the tick every Interval (unless Interval is zero) and the
// extra entries. Jobs get a context derived from ctx and cancelled by Stop.
// Call Catchup before Start so that missed builds run first. A stopped runner
// does not start again: make a new one (on a reload, say).
func (r *Runner) Start(ctx context.Context) {
	r.mu.Lock()
	r.ctx, r.cancel = context.WithCancel(ctx)
	r.mu.Unlock()
	if r.Interval > 0 {
		r.cron.Schedule(cron.Every(r.Interval), cron.FuncJob(func() {
			_ = r.Tick(r.jobContext())
		}))
	}
	r.cron.Start()
}

// Stop stops cron from starting jobs, lets a tick in progress finish the build
// in hand (and start no other), and waits for the running jobs, at most
// StopTimeout; after that it cancels the jobs' context and returns an error
// that says so. The jobs' context is cancelled on return either way.
func (r *Runner) Stop() error {
	r.mu.Lock()
	r.stopping = true
	cancel := r.cancel
	r.mu.Unlock()
	if cancel != nil {
		defer cancel()
	}
	idle := make(chan struct{})
	go func() {
		<-r.cron.Stop().Done()
		r.buildMu.Lock() // a Tick or Catchup called by hand
		r.buildMu.Unlock()
		close(idle)
	}()
	timer := time.NewTimer(r.StopTimeout)
	defer timer.Stop()
	select {
	case <-idle:
		return nil
	case <-timer.C:
		return fmt.Errorf("stop: a job was still running after %s and was cancelled", r.StopTimeout)
	}
}

func (r *Runner) jobContext() context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx == nil {
		return context.Background()
	}
	return r.ctx
}

func (r *Runner) isStopping() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopping
}

// cronLogger passes robfig/cron's log lines to slog. Cron's Info lines are
// mostly its heartbeat ("wake", "run", "schedule") and go to Debug; "skip"
// (a job still running when its next run was due) is worth an operator's
// notice and goes to Info, which cron's default logger would hide.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) {
	level := slog.LevelDebug
	if msg == "skip" {
		level = slog.LevelInfo
		msg = "cron: skipped a run, the previous one is still going"
	} else {
		msg = "cron: " + msg
	}
	l.log.Log(context.Background(), level, msg, kv...)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
