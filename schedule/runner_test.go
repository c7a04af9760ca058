package schedule

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seesac/roadmap"
)

// syncBuffer is a log sink safe for cron's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) count(s string) int { return strings.Count(b.String(), s) }

// daemon is a runner over an in-memory ledger, with a clock the test sets.
type daemon struct {
	mu       sync.Mutex
	now      time.Time
	meetings []roadmap.Meeting
	ledger   []roadmap.Build
	fail     map[string]error // meeting id -> error to return
	panics   map[string]bool  // meeting id -> panic in Build
	runs     []string
	runner   *Runner
	logs     *syncBuffer
}

func newDaemon(t *testing.T, now time.Time, meetings ...roadmap.Meeting) *daemon {
	t.Helper()
	loc := belgrade(t)
	d := &daemon{now: now, meetings: meetings, fail: map[string]error{}, panics: map[string]bool{}, logs: &syncBuffer{}}
	log := slog.New(slog.NewTextHandler(d.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	d.runner = NewRunner(loc, log, d.clock)
	d.runner.Interval = 0 // ticks by hand
	d.runner.Due = func(now time.Time) []Planned {
		d.mu.Lock()
		defer d.mu.Unlock()
		return Due(d.meetings, DefaultSteps(), d.ledger, nil, now, loc)
	}
	d.runner.Build = func(ctx context.Context, p Planned) error {
		d.mu.Lock()
		defer d.mu.Unlock()
		d.runs = append(d.runs, p.Meeting.ID+" "+string(p.Kind))
		if d.panics[p.Meeting.ID] {
			panic("index out of range")
		}
		b := roadmap.Build{Meeting: p.Meeting.ID, Kind: p.Kind, Started: d.now, AsOf: d.now, Scheduled: true}
		err := d.fail[p.Meeting.ID]
		if err != nil {
			b.Error = err.Error()
		} else {
			b.OK = true
		}
		d.ledger = append(d.ledger, b)
		return err
	}
	return d
}

func (d *daemon) clock() time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.now
}

func (d *daemon) set(now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.now = now
}

func (d *daemon) took() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.runs
	d.runs = nil
	return out
}

func TestRunnerTickFailuresAndPanicsAreRetried(t *testing.T) {
	t.Parallel()
	loc := belgrade(t)
	d := newDaemon(t, at(loc, "2026-12-01 06:59"), regional("rcm-16", "2026-12-15"), regional("rcm-x", "2026-12-15"))
	d.fail["rcm-16"] = errors.New("reports/rcm-16: no space left on device")
	d.panics["rcm-x"] = true
	ctx := context.Background()

	if err := d.runner.Tick(ctx); err != nil || len(d.took()) != 0 {
		t.Fatalf("before the draft time: err %v", err)
	}
	d.set(at(loc, "2026-12-01 07:00"))
	err := d.runner.Tick(ctx)
	if err == nil || !strings.Contains(err.Error(), "no space left on device") || !strings.Contains(err.Error(), "panic: index out of range") {
		t.Errorf("tick error = %v, want both failures", err)
	}
	if got := strings.Join(d.took(), ","); got != "rcm-16 draft,rcm-x draft" {
		t.Errorf("ran %s", got)
	}
	if n := d.logs.count(`msg="build failed; retrying at the next tick"`); n != 2 {
		t.Errorf("%d failures logged, want 2:\n%s", n, d.logs)
	}
	if !strings.Contains(d.logs.String(), "no space left on device") {
		t.Errorf("the cause is not logged:\n%s", d.logs)
	}

	// Fixed: the next tick retries both, once; the one after has nothing to do.
	delete(d.fail, "rcm-16")
	delete(d.panics, "rcm-x")
	d.set(at(loc, "2026-12-01 07:01"))
	if err := d.runner.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(d.took(), ","); got != "rcm-16 draft,rcm-x draft" {
		t.Errorf("retry ran %q", got)
	}
	d.set(at(loc, "2026-12-01 07:02"))
	if err := d.runner.Tick(ctx); err != nil || len(d.took()) != 0 {
		t.Errorf("a done build ran again (err %v)", err)
	}
}

func TestRunnerCatchupRunsMissedBuildsOnce(t *testing.T) {
	t.Parallel()
	loc := belgrade(t)
	// Down from 2026-11-30 to 2026-12-03 10:00, across rcm-16's draft time.
	d := newDaemon(t, at(loc, "2026-12-03 10:00"),
		regional("rcm-16", "2026-12-15"),
		regional("past", "2026-12-02"),
	)
	ctx := context.Background()
	if err := d.runner.Catchup(ctx); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(d.took(), ","); got != "rcm-16 draft" {
		t.Errorf("catch-up ran %q, want only rcm-16's draft", got)
	}
	if n := d.logs.count(`msg="catching up" meeting=rcm-16 kind=draft planned="2026-12-01 07:00:00"`); n != 1 {
		t.Errorf(`"catching up" logged %d times:%s`, n, d.logs)
	}
	// Restarted again: nothing is missed any more.
	if err := d.runner.Catchup(ctx); err != nil {
		t.Fatal(err)
	}
	if got := d.took(); len(got) != 0 || d.logs.count("catching up") != 1 {
		t.Errorf("second start-up ran %v", got)
	}
}

func TestRunnerStopsBetweenBuilds(t *testing.T) {
	t.Parallel()
	loc := belgrade(t)
	d := newDaemon(t, at(loc, "2026-12-03 10:00"), regional("a", "2026-12-15"), regional("b", "2026-12-15"))
	ctx, cancel := context.WithCancel(context.Background())
	build := d.runner.Build
	d.runner.Build = func(c context.Context, p Planned) error {
		err := build(c, p)
		cancel() // SIGTERM arrives during the first build
		return err
	}
	if err := d.runner.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := d.took(); len(got) != 1 {
		t.Errorf("ran %v: want the build in hand finished and no other started", got)
	}
}

func TestAddCronRefusesABadSpec(t *testing.T) {
	t.Parallel()
	d := newDaemon(t, time.Now())
	if err := d.runner.AddCron("digest", "CRON_TZ=UTC", func(context.Context) {}); err == nil || !strings.Contains(err.Error(), `cron entry "digest"`) {
		t.Errorf("AddCron with a bad spec: %v", err)
	}
}

// The real cron: the tick entry runs builds by itself, a panicking extra
// entry is logged and cron keeps going, an overlapping run is skipped and
// the skip is shown, and Stop waits for the running job.
func TestRunnerWithCron(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs cron for a few seconds")
	}
	loc := belgrade(t)
	d := newDaemon(t, at(loc, "2026-12-01 07:00"), regional("rcm-16", "2026-12-15"))
	d.runner.Interval = time.Second

	panics := make(chan struct{}, 10)
	if err := d.runner.AddCron("broken", "@every 1s", func(context.Context) {
		panics <- struct{}{}
		panic("digest template missing")
	}); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	slowStarted := make(chan struct{}, 10)
	if err := d.runner.AddCron("slow", "@every 1s", func(ctx context.Context) {
		slowStarted <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
		}
	}); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	d.runner.Start(ctx)
	wait := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("waited 10s for %s; log:\n%s", what, d.logs)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	wait("the tick to build the draft", func() bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		return len(d.ledger) == 1
	})
	wait("two panics", func() bool { return len(panics) >= 2 })
	wait("a skipped run of the slow job", func() bool {
		return strings.Contains(d.logs.String(), "cron: skipped a run, the previous one is still going")
	})
	if !strings.Contains(d.logs.String(), `msg="cron job panicked" job=broken panic="digest template missing"`) {
		t.Errorf("panic not logged:\n%s", d.logs)
	}
	if len(slowStarted) != 1 {
		t.Errorf("the slow job started %d times, want once (no overlap)", len(slowStarted))
	}

	// Stop while "slow" holds on: bounded, then its context is cancelled.
	d.runner.StopTimeout = 200 * time.Millisecond
	if err := d.runner.Stop(); err == nil || !strings.Contains(err.Error(), "still running after 200ms") {
		t.Errorf("Stop = %v, want a timeout", err)
	}
	close(release)
	if got := d.took(); len(got) != 1 {
		t.Errorf("built %v, want one draft", got)
	}
}

func TestRunnerStopWaitsForTheBuildInHand(t *testing.T) {
	t.Parallel()
	loc := belgrade(t)
	d := newDaemon(t, at(loc, "2026-12-01 07:00"), regional("rcm-16", "2026-12-15"))
	started, finish := make(chan struct{}), make(chan struct{})
	build := d.runner.Build
	d.runner.Build = func(ctx context.Context, p Planned) error {
		close(started)
		<-finish
		return build(ctx, p)
	}
	d.runner.Start(context.Background())
	ticked := make(chan error)
	go func() { ticked <- d.runner.Tick(context.Background()) }()
	<-started
	stopped := make(chan error)
	go func() { stopped <- d.runner.Stop() }()
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned (%v) while a build was running", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(finish)
	if err := <-stopped; err != nil {
		t.Errorf("Stop = %v", err)
	}
	if err := <-ticked; err != nil {
		t.Errorf("Tick = %v", err)
	}
	if got := d.took(); len(got) != 1 {
		t.Errorf("built %v", got)
	}
}
