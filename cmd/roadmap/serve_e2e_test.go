package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/samples"
	"github.com/seesac/roadmap/store"
	"github.com/seesac/roadmap/templates"
)

// These tests run the real daemon, `roadmap serve`, on a temporary data
// folder: the whole of e.serve with its flags, configuration, lock, ledger,
// watcher, intake, runner and builder. The calendar clock (env.now) is the
// test's, and so is the runner's tick: the daemon ticks when the test asks
// (daemonRun.tick), never on its own, so that a test moves the clock past a
// build's time and runs the next tick without waiting for one. The
// stability window runs on real time, kept short.

// testClock is a calendar clock the test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// syncBuffer is a log the daemon writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// eventually polls cond until it holds; the bound only keeps a broken daemon
// from hanging the test, it asserts no timing.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var belgrade = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Belgrade")
	if err != nil {
		panic(err)
	}
	return loc
}()

// The test calendar: one regional meeting reviewing 2026-H1 on 20 November
// 2026, so its draft is due on 6 November at 07:00 and its final on 17
// November at 07:00, Belgrade time.
var (
	draftAt = time.Date(2026, 11, 6, 7, 0, 0, 0, belgrade)
	before  = time.Date(2026, 11, 5, 12, 0, 0, 0, belgrade)
)

const serveConfig = `timezone: Europe/Belgrade
intake:
  stable: 1s
  rescan: 5s
%s
meetings:
  - id: rcm-test
    kind: regional
    number: 99
    date: 2026-11-20
    place: Tirana
    period: 2026-H1
    deadline: 2026-11-13
`

// serveData makes an initialised data folder whose configuration has the
// test calendar, plus extra (more top-level YAML).
func serveData(t testing.TB, extra string) string {
	t.Helper()
	dir := t.TempDir()
	cat, err := templates.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := initData(datadir.New(dir), cat, ""); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(datadir.New(dir).Config(), fmt.Appendf(nil, serveConfig, extra), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// sample is the content of a bundled valid workbook, "AL/roadmap-AL-2026-H1.xlsx".
func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(samples.Valid(), name)
	if err != nil {
		t.Fatalf("sample %s: %v", name, err)
	}
	return b
}

// daemonRun is the daemon running in this process.
type daemonRun struct {
	log    *syncBuffer
	stop   context.CancelFunc
	done   chan int
	reload chan os.Signal
	ticks  chan chan<- error
}

// tick runs the runner's tick now, as the daemon's minute tick would, and
// waits until it is done; the bound only keeps a broken daemon from hanging
// the test.
func (d *daemonRun) tick(t testing.TB) {
	t.Helper()
	done := make(chan error, 1)
	select {
	case d.ticks <- done:
	case <-time.After(30 * time.Second):
		t.Fatalf("the daemon did not take a tick within 30 s:\n%s", d.log.String())
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("tick: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("a tick did not end within 30 s:\n%s", d.log.String())
	}
}

// serveEnv is an env for the serve command with the test's clock.
func serveEnv(stderr io.Writer, now func() time.Time) *env {
	e := cli{now: now}.newEnv(io.Discard, stderr)
	for _, c := range commands {
		if c.name == "serve" {
			e.cmd = c
		}
	}
	return e
}

// startServe runs `roadmap serve --data dir`, ticking only when the test
// asks, and waits until it has started.
func startServe(t testing.TB, dir string, now func() time.Time) *daemonRun {
	t.Helper()
	return startServeTLS(t, dir, now, nil)
}

// startServeTLS is startServe with the SMTP client trusting mailTLS's roots.
func startServeTLS(t testing.TB, dir string, now func() time.Time, mailTLS *tls.Config) *daemonRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := &daemonRun{log: &syncBuffer{}, stop: cancel, done: make(chan int, 1), reload: make(chan os.Signal, 1), ticks: make(chan chan<- error)}
	e := serveEnv(d.log, now)
	go func() {
		d.done <- e.serve(ctx, []string{"--data", dir}, serveTuning{reload: d.reload, ticks: d.ticks, mailTLS: mailTLS, cron: "@every 1s"})
	}()
	t.Cleanup(func() {
		cancel()
		<-d.done
		if t.Failed() {
			t.Logf("daemon log:\n%s", d.log.String())
		}
	})
	eventually(t, "the daemon starts", func() bool {
		select {
		case code := <-d.done:
			d.done <- code
			t.Fatalf("serve exited with %d:\n%s", code, d.log.String())
		default:
		}
		return strings.Contains(d.log.String(), "roadmap serve started")
	})
	return d
}

// shutdown stops the daemon as SIGTERM does (its context is cancelled) and
// returns its exit code.
func (d *daemonRun) shutdown(t testing.TB) int {
	t.Helper()
	d.stop()
	select {
	case code := <-d.done:
		d.done <- code // for the cleanup
		return code
	case <-time.After(10 * time.Second):
		t.Fatalf("the daemon did not stop within 10 s of being told to:\n%s", d.log.String())
	}
	return -1
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// ledger opens the data folder's ledger beside the running daemon.
func ledger(t *testing.T, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(datadir.New(dir).Ledger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func buildsOf(t *testing.T, db *store.DB, meeting string, kind roadmap.BuildKind) []roadmap.Build {
	t.Helper()
	all, err := db.Builds(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []roadmap.Build
	for _, b := range all {
		if b.Meeting == meeting && b.Kind == kind {
			out = append(out, b)
		}
	}
	return out
}

func TestServeTakesDropsAndBuildsWhenDue(t *testing.T) {
	t.Parallel()
	dir := serveData(t, `cron:
  - name: digest
    spec: "* * * * *"
    job: status-digest`)
	clock := &testClock{t: before}
	d := startServe(t, dir, clock.now)
	db := ledger(t, dir)

	// A workbook dropped into inbox/AL/ is accepted and gets its receipt.
	const al, ba = "roadmap-AL-2026-H1.xlsx", "roadmap-BA-2026-H1.xlsx"
	if err := os.WriteFile(filepath.Join(dir, "inbox", "AL", al), sample(t, "AL/"+al), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "inbox", "BA", ba), sample(t, "BA/"+ba), 0o644); err != nil {
		t.Fatal(err)
	}
	receipt := filepath.Join(dir, "feedback", "AL", al+".receipt.txt")
	eventually(t, "the AL receipt", func() bool { return exists(receipt) })
	latest, err := db.Latest(context.Background(), "AL", roadmap.Period{Year: 2026, Half: 1})
	if err != nil || latest == nil {
		t.Fatalf("AL 2026-H1 not in the ledger: %v", err)
	}
	if latest.Version != 1 || latest.Name != al || !latest.Received.Equal(before) {
		t.Errorf("recorded %s v%d received %s; want %s v1 received at the daemon's clock %s", latest.Name, latest.Version, latest.Received, al, before)
	}
	// The receipt is written before the sender's file is removed
	// (ingest/doc.go), so the removal is the next thing to wait for.
	eventually(t, "the accepted file to leave the inbox", func() bool { return !exists(filepath.Join(dir, "inbox", "AL", al)) })
	if !exists(filepath.Join(dir, filepath.FromSlash(latest.Path))) {
		t.Errorf("the original is not kept at %s", latest.Path)
	}

	// BA's workbook, dropped with AL's, is taken too; a file written slowly
	// is TestServeWaitsForASlowWrite's.
	eventually(t, "the BA receipt", func() bool { return exists(filepath.Join(dir, "feedback", "BA", ba+".receipt.txt")) })

	// The cron job writes the status digest.
	digest := filepath.Join(dir, "reports", "status", "status-2026-11-05.txt")
	eventually(t, "the status digest", func() bool {
		b, err := os.ReadFile(digest)
		return err == nil && strings.Contains(string(b), "BA            on time")
	})

	// Nothing is built before the draft's time; once the clock passes it,
	// the next tick builds the draft, once.
	if b := buildsOf(t, db, "rcm-test", roadmap.Draft); len(b) != 0 {
		t.Fatalf("built before the draft time: %+v", b)
	}
	clock.set(draftAt.Add(30 * time.Second))
	d.tick(t)
	d.tick(t) // two more ticks
	d.tick(t)
	builds := buildsOf(t, db, "rcm-test", roadmap.Draft)
	if len(builds) != 1 || !builds[0].OK || !builds[0].Scheduled {
		t.Fatalf("draft builds %+v, want one successful scheduled build", builds)
	}
	for _, out := range builds[0].Outputs {
		if !exists(filepath.Join(dir, filepath.FromSlash(out))) {
			t.Errorf("build output %s is missing", out)
		}
	}
	if !slices.ContainsFunc(builds[0].Outputs, func(s string) bool { return strings.HasSuffix(s, "rcm-test-regional-draft.pdf") }) {
		t.Errorf("outputs %v have no draft PDF", builds[0].Outputs)
	}
	if b := buildsOf(t, db, "rcm-test", roadmap.Final); len(b) != 0 {
		t.Errorf("the final was built before its time: %+v", b)
	}

	if code := d.shutdown(t); code != exitOK {
		t.Errorf("exit code %d, want 0", code)
	}
	log := d.log.String()
	for _, want := range []string{"stopping: finishing the file or build in hand", "msg=stopped", "status digest written"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	if strings.Contains(log, "catching up") {
		t.Error("a build on time was logged as catching up")
	}
}

// A file written slowly over several seconds, never still for the
// stability window, is not taken before it is complete. (Apart from
// TestServeTakesDropsAndBuildsWhenDue so that the two waits overlap.)
func TestServeWaitsForASlowWrite(t *testing.T) {
	t.Parallel()
	dir := serveData(t, "")
	d := startServe(t, dir, func() time.Time { return before })
	db := ledger(t, dir)

	const ba = "roadmap-BA-2026-H1.xlsx"
	content := sample(t, "BA/"+ba)
	slow := filepath.Join(dir, "inbox", "BA", ba)
	f, err := os.Create(slow)
	if err != nil {
		t.Fatal(err)
	}
	chunks := 10
	step := (len(content) + chunks - 1) / chunks
	for i := 0; i < len(content); i += step {
		if _, err := f.Write(content[i:min(i+step, len(content))]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond) // well inside the 1 s window
		if names := entries(t, filepath.Join(dir, "feedback", "BA")); len(names) > 0 {
			t.Fatalf("feedback %v written while the file was still being written", names)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the BA receipt", func() bool { return exists(filepath.Join(dir, "feedback", "BA", ba+".receipt.txt")) })
	if rejected := entries(t, filepath.Join(dir, "rejected", "BA")); len(rejected) > 0 {
		t.Errorf("part of the slowly written file was rejected: %v", rejected)
	}
	history, err := db.History(context.Background(), "BA", roadmap.Period{Year: 2026, Half: 1})
	if err != nil || len(history) != 1 || history[0].State != roadmap.Accepted || history[0].Size != int64(len(content)) {
		t.Fatalf("BA history %+v (%v), want one accepted file of %d bytes", history, err, len(content))
	}

	if code := d.shutdown(t); code != exitOK {
		t.Errorf("exit code %d, want 0", code)
	}
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestServeCatchesUpOnceAfterDowntime(t *testing.T) {
	t.Parallel()
	dir := serveData(t, "")
	clock := &testClock{t: before}
	first := startServe(t, dir, clock.now)

	// One instance per data folder: a second serve names the first's pid.
	var errb bytes.Buffer
	code := serveEnv(&errb, clock.now).serve(context.Background(), []string{"--data", dir}, serveTuning{tick: time.Second})
	if code != exitProblem || !strings.Contains(errb.String(), "pid "+strconv.Itoa(os.Getpid())) {
		t.Errorf("second serve: exit %d, %q; want 1 naming pid %d", code, errb.String(), os.Getpid())
	}
	if code := first.shutdown(t); code != exitOK {
		t.Fatalf("first run exit %d", code)
	}

	// Down across the draft's time; up again the next morning.
	clock.set(draftAt.Add(26 * time.Hour))
	second := startServe(t, dir, clock.now)
	db := ledger(t, dir)
	eventually(t, "the caught-up draft", func() bool { return len(buildsOf(t, db, "rcm-test", roadmap.Draft)) > 0 })
	second.tick(t) // two more ticks
	second.tick(t)
	if code := second.shutdown(t); code != exitOK {
		t.Fatalf("second run exit %d", code)
	}
	if n := strings.Count(second.log.String(), `msg="catching up"`); n != 1 {
		t.Errorf("logged catching up %d times, want once:\n%s", n, second.log.String())
	}

	// Restarted again: nothing is missed any more.
	third := startServe(t, dir, clock.now)
	third.tick(t)
	third.tick(t)
	if code := third.shutdown(t); code != exitOK {
		t.Fatalf("third run exit %d", code)
	}
	if strings.Contains(third.log.String(), "catching up") {
		t.Errorf("caught up again after the build was done:\n%s", third.log.String())
	}
	builds := buildsOf(t, db, "rcm-test", roadmap.Draft)
	if len(builds) != 1 || !builds[0].OK || !builds[0].Started.Equal(draftAt.Add(26*time.Hour)) {
		t.Errorf("draft builds %+v, want exactly one, at the restart", builds)
	}
}

func TestServeReload(t *testing.T) {
	t.Parallel()
	dir := serveData(t, "")
	clock := &testClock{t: before}
	d := startServe(t, dir, clock.now)
	cfgPath := datadir.New(dir).Config()
	reloadAndWait := func(want string) {
		t.Helper()
		d.reload <- syscall.SIGHUP
		eventually(t, "the reload: "+want, func() bool { return strings.Contains(d.log.String(), want) })
	}

	// A broken file is refused, and the daemon goes on with the old one.
	if err := os.WriteFile(cfgPath, []byte("intake:\n  stable: soon\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	reloadAndWait("configuration not reloaded; the one in force is kept")
	if !strings.Contains(d.log.String(), "roadmap.yaml:2: intake.stable:") {
		t.Errorf("the refusal does not name the key and line:\n%s", d.log.String())
	}
	const bad = `cron:
  - {name: weekly, spec: "0 8 * * 1", job: coffee}
`
	if err := os.WriteFile(cfgPath, fmt.Appendf(nil, serveConfig, bad), 0o644); err != nil {
		t.Fatal(err)
	}
	d.reload <- syscall.SIGHUP
	eventually(t, "the refusal of an unknown job", func() bool {
		return strings.Count(d.log.String(), "configuration not reloaded") == 2
	})
	if !strings.Contains(d.log.String(), `cron[0].job: \"coffee\" is not a job the daemon knows`) {
		t.Errorf("the refusal does not name the job:\n%s", d.log.String())
	}

	// A good file: what changed is said, and the new calendar is in force.
	changed := strings.Replace(fmt.Sprintf(serveConfig, ""), "rescan: 5s", "rescan: 7s", 1) + `  - id: rcm-extra
    kind: regional
    date: 2026-11-10
    period: 2026-H1
`
	if err := os.WriteFile(cfgPath, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	reloadAndWait("configuration reloaded")
	log := d.log.String()
	for _, want := range []string{"intake.rescan: 5s -> 7s", "meetings: added rcm-extra"} {
		if !strings.Contains(log, want) {
			t.Errorf("the reload log lacks %q:\n%s", want, log)
		}
	}
	// rcm-extra's draft (27 October) is past: the new plan catches it up.
	db := ledger(t, dir)
	eventually(t, "the new meeting's draft", func() bool { return len(buildsOf(t, db, "rcm-extra", roadmap.Draft)) == 1 })

	// Files are still taken after the reload.
	const al = "roadmap-AL-2026-H1.xlsx"
	if err := os.WriteFile(filepath.Join(dir, "inbox", "AL", al), sample(t, "AL/"+al), 0o644); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the receipt after the reload", func() bool { return exists(filepath.Join(dir, "feedback", "AL", al+".receipt.txt")) })
	if code := d.shutdown(t); code != exitOK {
		t.Errorf("exit %d", code)
	}
}

func TestServeRefusesUnsetFolderAndBadFlags(t *testing.T) {
	t.Parallel()
	clock := &testClock{t: before}
	var errb bytes.Buffer
	dir := t.TempDir()
	if code := serveEnv(&errb, clock.now).serve(context.Background(), []string{"--data", dir}, serveTuning{tick: time.Second}); code != exitProblem || !strings.Contains(errb.String(), "roadmap init --data") {
		t.Errorf("serve on an empty folder: %d %q", code, errb.String())
	}
	errb.Reset()
	if code := serveEnv(&errb, clock.now).serve(context.Background(), []string{"--data", dir, "--log-format", "xml"}, serveTuning{}); code != exitUsage {
		t.Errorf("--log-format xml: %d %q", code, errb.String())
	}
}

// The helper process: the daemon as its own process, so that the test can
// send it a real SIGTERM. It runs only when the parent test asks for it.
func TestServeHelperProcess(t *testing.T) {
	t.Parallel()
	if os.Getenv("ROADMAP_SERVE_HELPER") != "1" {
		t.Skip("runs only as the daemon of TestServeSIGTERMLosesNothing")
	}
	now, err := time.Parse(time.RFC3339, os.Getenv("ROADMAP_SERVE_NOW"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(exitUsage)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	code := serveEnv(os.Stderr, func() time.Time { return now }).serve(ctx,
		[]string{"--data", os.Getenv("ROADMAP_SERVE_DATA")}, serveTuning{tick: time.Second})
	stop()
	os.Exit(code)
}

func TestServeSIGTERMLosesNothing(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the daemon as a process")
	}
	dir := serveData(t, "")
	// Many files at once, so that SIGTERM comes while the daemon is busy.
	var dropped []string
	err := fs.WalkDir(samples.Valid(), ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || len(dropped) == 30 {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "inbox", path.Dir(p), path.Base(p)), sample(t, p), 0o644); err != nil {
			return err
		}
		dropped = append(dropped, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	log := &syncBuffer{}
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeHelperProcess$")
	cmd.Env = append(os.Environ(), "ROADMAP_SERVE_HELPER=1", "ROADMAP_SERVE_DATA="+dir,
		"ROADMAP_SERVE_NOW="+before.Format(time.RFC3339))
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	eventually(t, "the first file taken", func() bool { return strings.Contains(log.String(), "msg=intake") })
	if err := syscall.Kill(cmd.Process.Pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("the daemon exited with %v after SIGTERM:\n%s", err, log.String())
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("the daemon did not exit within 10 s of SIGTERM:\n%s", log.String())
	}
	if !strings.Contains(log.String(), "msg=stopped") {
		t.Errorf("no clean stop in the log:\n%s", log.String())
	}

	// Every file is either still in the inbox or recorded, once, with its
	// original kept.
	db := ledger(t, dir)
	recorded := recordedNames(t, db, dir)
	inInbox := 0
	for _, p := range dropped {
		name := path.Base(p)
		still := exists(filepath.Join(dir, "inbox", path.Dir(p), name))
		switch n := recorded[name]; {
		case still && n == 0:
			inInbox++
		case !still && n == 1:
		default:
			t.Errorf("%s: in the inbox %v, recorded %d times", p, still, n)
		}
	}
	t.Logf("SIGTERM after %d of %d files; %d left in the inbox", len(dropped)-inInbox, len(dropped), inInbox)

	// The next start takes the rest.
	d := startServe(t, dir, func() time.Time { return before })
	eventually(t, "the rest of the inbox", func() bool { return len(recordedNames(t, db, dir)) == len(dropped) })
	if code := d.shutdown(t); code != exitOK {
		t.Errorf("exit %d", code)
	}
	for name, n := range recordedNames(t, db, dir) {
		if n != 1 {
			t.Errorf("%s recorded %d times", name, n)
		}
	}
}

// recordedNames counts the ledger's submissions by file name, checking that
// each one's original is kept.
func recordedNames(t *testing.T, db *store.DB, dir string) map[string]int {
	t.Helper()
	cat, err := templates.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, j := range cat.Jurisdictions {
		for y := 2018; y <= 2026; y++ {
			for _, p := range []roadmap.Period{{Year: y}, {Year: y, Half: 1}, {Year: y, Half: 2}} {
				subs, err := db.History(context.Background(), j.Code, p)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range subs {
					out[s.Name]++
					if !exists(filepath.Join(dir, filepath.FromSlash(s.Path))) {
						t.Errorf("%s is recorded but its original %s is missing", s.Name, s.Path)
					}
				}
			}
		}
	}
	return out
}

// BenchmarkDropToAccept measures, on the real clock, the time from a file
// landing in inbox/AL/ to its receipt in feedback/AL/ with the stability
// window at 1 s: the target is the window plus 2 s.
//
//	go test -run '^$' -bench DropToAccept -benchtime 10x ./cmd/roadmap/
func BenchmarkDropToAccept(b *testing.B) {
	dir := serveData(b, "")
	d := startServe(b, dir, time.Now)
	content := sample(b, "AL/roadmap-AL-2026-H1.xlsx")
	var worst time.Duration
	i := 0
	for b.Loop() {
		i++
		name := fmt.Sprintf("drop-%03d.xlsx", i)
		start := time.Now()
		if err := os.WriteFile(filepath.Join(dir, "inbox", "AL", name), content, 0o644); err != nil {
			b.Fatal(err)
		}
		receipt := filepath.Join(dir, "feedback", "AL", name+".receipt.txt")
		for !exists(receipt) {
			if time.Since(start) > 30*time.Second {
				b.Fatalf("no receipt for %s after 30 s:\n%s", name, d.log.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
		worst = max(worst, time.Since(start))
	}
	b.ReportMetric(float64(worst.Milliseconds()), "worst-ms")
	b.ReportMetric(1000, "stable-ms")
	if code := d.shutdown(b); code != exitOK {
		b.Errorf("exit %d", code)
	}
}

// A folder the intake cannot write (here archive/AL is a file, not a folder:
// the tests run as root, whom permissions do not stop) is reported, the file
// stays in the inbox, and it is taken once the folder is repaired. The
// metrics listener counts both.
func TestServeUnwritableFolderLosesNothing(t *testing.T) {
	t.Parallel()
	dir := serveData(t, "")
	cfg := strings.Replace(fmt.Sprintf(serveConfig, "listen: 127.0.0.1:0"), "rescan: 5s", "rescan: 1s", 1)
	if err := os.WriteFile(datadir.New(dir).Config(), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	blocker := filepath.Join(dir, "archive", "AL")
	if err := os.WriteFile(blocker, []byte("in the way"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := startServe(t, dir, func() time.Time { return before })
	addr := ""
	eventually(t, "the listener's address", func() bool {
		_, rest, ok := strings.Cut(d.log.String(), `msg="serving /healthz and /metrics" addr=`)
		if ok {
			addr, _, _ = strings.Cut(rest, "\n")
		}
		return ok
	})
	// metric is the value of a counter (0 when absent).
	metric := func(name string) int {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+" "); ok {
				n, err := strconv.Atoi(v)
				if err != nil {
					t.Fatalf("%s: %q", name, v)
				}
				return n
			}
		}
		return 0
	}

	const al = "roadmap-AL-2026-H1.xlsx"
	drop := filepath.Join(dir, "inbox", "AL", al)
	if err := os.WriteFile(drop, sample(t, "AL/"+al), 0o644); err != nil {
		t.Fatal(err)
	}
	// Each listing (every second) tries the file again and counts one more
	// failure.
	eventually(t, "the failure reported", func() bool {
		return strings.Contains(d.log.String(), "not every file was taken; what was not stays in the inbox") && metric(`roadmap_files_total{outcome="failed"}`) >= 1
	})
	if !exists(drop) {
		t.Fatal("the file left the inbox although it could not be kept")
	}
	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the file taken at a later listing", func() bool {
		return exists(filepath.Join(dir, "feedback", "AL", al+".receipt.txt")) && metric(`roadmap_files_total{outcome="accepted"}`) == 1
	})
	// The receipt is written before the sender's file is removed.
	eventually(t, "the taken file to leave the inbox", func() bool { return !exists(drop) })
	if code := d.shutdown(t); code != exitOK {
		t.Errorf("exit %d", code)
	}
}

// Item 8 of issue 9: a reload that finds roadmap.yaml gone keeps the
// configuration in force (its calendar, its listener) and says why, rather
// than switching to the built-in defaults.
func TestServeReloadWithoutTheFile(t *testing.T) {
	t.Parallel()
	dir := serveData(t, "listen: 127.0.0.1:0")
	d := startServe(t, dir, func() time.Time { return before })
	addr := ""
	eventually(t, "the listener's address", func() bool {
		_, rest, ok := strings.Cut(d.log.String(), `msg="serving /healthz and /metrics" addr=`)
		addr, _, _ = strings.Cut(rest, "\n")
		return ok
	})
	if err := os.Rename(filepath.Join(dir, datadir.ConfigName), filepath.Join(dir, datadir.ConfigName+".moved")); err != nil {
		t.Fatal(err)
	}
	d.reload <- syscall.SIGHUP
	eventually(t, "the refusal", func() bool {
		return strings.Contains(d.log.String(), "configuration not reloaded; the one in force is kept")
	})
	log := d.log.String()
	if strings.Contains(log, "configuration reloaded") || !strings.Contains(log, datadir.ConfigName) {
		t.Errorf("the reload log:\n%s", log)
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("the listener went away: %v", err)
	}
	resp.Body.Close()
	if code := d.shutdown(t); code != exitOK {
		t.Errorf("exit %d", code)
	}
}
