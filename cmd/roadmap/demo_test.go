package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/internal/fixture"
	"github.com/seesac/roadmap/render"
	"github.com/seesac/roadmap/samples"
	"github.com/seesac/roadmap/store"
	"github.com/seesac/roadmap/templates"
)

// runAt runs the program with its clock stopped at now.
func runAt(t testing.TB, now time.Time, args ...string) result {
	t.Helper()
	return cli{now: at(now)}.run(t, args...)
}

// wallClock is a clock far from the demo's own, to show that the demo does not
// depend on the day it runs.
var wallClock = time.Date(2031, 3, 4, 15, 16, 17, 0, time.UTC)

func sampleCount(t *testing.T) int {
	t.Helper()
	n := 0
	err := fs.WalkDir(samples.Valid(), ".", func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// sharedDemo is `roadmap demo --json` run once at wallClock, for the tests
// that need a whole demo: TestDemo compares it with a run of its own,
// TestBuildCommand builds on a copy. A demo costs about 1.5 s of CPU.
var sharedDemo = fixture.New(func(dir string) error {
	var out, errb bytes.Buffer
	code := cli{now: at(wallClock)}.newEnv(&out, &errb).dispatch(context.Background(), []string{"demo", "--dir", dir, "--json"})
	if code != exitOK {
		return fmt.Errorf("demo: exit %d\n%s", code, errb.String())
	}
	return json.Unmarshal(out.Bytes(), &sharedDemoOut)
})

// sharedDemoOut is what the shared demo printed, set once sharedDemo is made.
var sharedDemoOut demoOutput

// demoAtWallClock is the shared demo's folder, not to be changed, and what it printed.
func demoAtWallClock(t *testing.T) (string, demoOutput) {
	t.Helper()
	return sharedDemo.Path(t), sharedDemoOut
}

// TestMain lets eight tests per core run at once: the daemon tests mostly
// wait on the inbox's stability window and the others on synced commits, so
// with fewer the heaviest tests (the demo, the synthesis loop) queued behind
// sleeping ones (alone, about 7 s wall with three per core, 5 s with eight).
func TestMain(m *testing.M) { fixture.MainWaiting(m, 8*runtime.GOMAXPROCS(0), sharedDemo) }

func TestDemo(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "demo")
	r := runAt(t, wallClock.AddDate(1, 0, 0), "demo", "--dir", dir).want(t, exitOK)
	if !strings.HasPrefix(r.stdout, "data folder: "+dir+"\n") {
		t.Errorf("the demo must print its data folder first:\n%s", r.stdout)
	}
	n := sampleCount(t)
	if want := "ingested " + strconv.Itoa(n) + " sample workbooks as of 2026-10-01T09:00:00+02:00: " + strconv.Itoa(n) + " accepted, 0 rejected"; !strings.Contains(r.stdout, want) {
		t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
	}
	regional := filepath.Join(dir, "reports", "rcm-16", "rcm-16-regional-final.pdf")
	local := filepath.Join(dir, "reports", "local-16-ba", "local-16-ba-final.pdf")
	for _, p := range []string{regional, local} {
		if !strings.Contains(r.stdout, p) {
			t.Errorf("stdout does not name %s:\n%s", p, r.stdout)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("%s is not a PDF", p)
		}
	}

	// Every sample was accepted and the regional report used every one: the
	// series runs from the baseline to the latest sample period.
	m, err := render.ReadManifest(filepath.Dir(regional))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Builds) != 1 || len(m.Builds[0].Inputs) != demoInputs(n) || m.Builds[0].Meeting != "rcm-16" || m.Builds[0].Period != roadmap.MustPeriod("2026-H1") {
		t.Fatalf("manifest: %d builds, first with %d inputs (want %d)", len(m.Builds), len(m.Builds[0].Inputs), demoInputs(n))
	}
	if len(m.Builds[0].Derived) == 0 {
		t.Error("the manifest lists no derived figure, though the 2019–2024 years are derived from half-years")
	}
	for _, in := range m.Builds[0].Inputs {
		if in.Received != "2026-10-01T07:00:00Z" {
			t.Errorf("%s received %s, want the demo's fixed clock", in.Name, in.Received)
		}
	}
	db, err := store.Open(datadir.New(dir).Ledger())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	builds, err := db.Builds(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(builds) != 2 || !builds[0].OK || !builds[1].OK {
		t.Errorf("recorded builds: %+v", builds)
	}

	if !strings.Contains(r.stdout, "portal account seesac (role seesac), password: ") {
		t.Errorf("the demo does not print SEESAC's portal account:\n%s", r.stdout)
	}
	demoPortalServes(t, dir, r.stdout)

	// A demo on another day gives the same regional report, byte for byte.
	_, other := demoAtWallClock(t)
	a, _ := os.ReadFile(regional)
	b, err := os.ReadFile(other.Reports[0].PDF)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two demo runs gave different regional reports")
	}
	if other.Accepted != n || len(other.Reports) != 2 || other.Reports[1].Meeting != "local-16-ba" {
		t.Errorf("demo --json: %+v", other)
	}

	// The run's messages are .eml files in outbox/, recorded as sent there:
	// a receipt per sample, a call for data per jurisdiction, two reports.
	outbox := datadir.New(dir).Outbox()
	if want := fmt.Sprintf("%d messages written as .eml files into %s", n+6+2, outbox); !strings.Contains(r.stdout, want) {
		t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
	}
	emls, err := filepath.Glob(filepath.Join(outbox, "*.eml"))
	if err != nil || len(emls) != n+8 {
		t.Errorf("outbox has %d .eml files, want %d", len(emls), n+8)
	}
	ms, err := db.Messages(context.Background())
	if err != nil || len(ms) != n+8 {
		t.Fatalf("outbox records %d messages, %v", len(ms), err)
	}
	for _, m := range ms {
		if m.State != roadmap.MessageSent || !strings.HasPrefix(m.Via, "outbox/") {
			t.Errorf("%s: %s via %q", m.Key, m.State, m.Via)
		}
	}
	if !bytes.Equal(mustRead(t, filepath.Join(outbox, "report_rcm-16_final.eml")), mustRead(t, filepath.Join(other.Outbox, "report_rcm-16_final.eml"))) {
		t.Error("two demo runs wrote different report messages")
	}
}

func TestDemoRefusesAFolderInUse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runAt(t, wallClock, "demo", "--dir", dir).want(t, exitProblem)
	if !strings.Contains(r.stderr, "is not empty") {
		t.Errorf("stderr: %s", r.stderr)
	}
	if r := runAt(t, wallClock, "demo", "extra").want(t, exitUsage); !strings.Contains(r.stderr, "takes no arguments") {
		t.Errorf("stderr: %s", r.stderr)
	}
}

func TestDemoDeadlines(t *testing.T) {
	t.Parallel()
	loc := time.FixedZone("CET", 3600)
	d := func(s string) roadmap.Date {
		x, err := roadmap.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	p := roadmap.MustPeriod("2026-H1")
	ms := []roadmap.Meeting{
		{ID: "rcm-16", Kind: roadmap.Regional, Period: p, Deadline: d("2026-11-13")},
		{ID: "local-16-al", Kind: roadmap.Local, Jurisdiction: "AL", Period: p, Deadline: d("2026-10-09")},
		{ID: "rcm-15", Kind: roadmap.Regional, Period: roadmap.MustPeriod("2025-H2"), Deadline: d("2026-06-05")},
	}
	cat, err := templates.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	cal := roadmap.NewCalendar(ms, loc)
	if got, _ := demoClock(cal, cat, p); !got.Equal(time.Date(2026, 10, 8, demoHour, 0, 0, 0, loc)) {
		t.Errorf("demo clock = %s, want the day before the earliest deadline", got)
	}
	reg, loc16 := demoMeetings(cal.Reviewing(p))
	if reg == nil || reg.ID != "rcm-16" || loc16 == nil || loc16.ID != "local-16-al" {
		t.Errorf("demo meetings = %v, %v", reg, loc16)
	}
}

// demoPortalServes serves the demo's folder as `demo --web` does, and signs
// in as AL with the password the demo printed: AL's home shows its round as
// the status model has it, and the final regional report.
func demoPortalServes(t *testing.T, dir, printed string) {
	t.Helper()
	m := regexp.MustCompile(`portal account AL \(role AL\), password: (\S+)`).FindStringSubmatch(printed)
	if m == nil {
		t.Fatalf("the demo does not print AL's portal account:\n%s", printed)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	e := cli{now: at(time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC))}.newEnv(out, io.Discard)
	e.cmd = command{name: "demo"}
	f := e.newFlags(true)
	f.data = dir
	done := make(chan int, 1)
	go func() { done <- e.demoPortal(ctx, f, "127.0.0.1:0") }()
	defer func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("demo --web exited %d", code)
		}
	}()
	addr := regexp.MustCompile(`portal: (http://\S+)/ `)
	var base string
	eventually(t, "demo --web says its address", func() bool {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
		return base != ""
	})
	body := portalGet(t, base+"/", portalLogin(t, base, "AL", m[1]))
	for _, want := range []string{"Albania: SALW Commission", "on time", "rcm-16-regional-final.pdf", "roadmap-AL-2026-H1.xlsx"} {
		if !strings.Contains(body, want) {
			t.Errorf("AL's home lacks %q", want)
		}
	}
	if strings.Contains(body, "roadmap-BA-") || strings.Contains(body, "draft") {
		t.Errorf("AL's home shows another jurisdiction's file or a draft")
	}
}

// demoInputs is how many of the n sample files the rcm-16 report (on
// 2026-H1) uses: all but the 2025-H1 round, which holds only narratives of a
// half-year the report does not review, and ME's 2021-H2, whose year cannot
// be derived without the 2021-H1 ME did not send.
func demoInputs(n int) int { return n - 7 }
