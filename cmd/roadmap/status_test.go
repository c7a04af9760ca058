package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/render"
	"github.com/seesac/roadmap/store"
	"github.com/seesac/roadmap/templates"
)

// statusConfig: AL's own local meeting sets AL's deadline (30 October);
// everyone else's is the regional meeting's (13 November).
const statusConfig = `timezone: Europe/Belgrade
meetings:
  - {id: lcm-al, kind: local, jurisdiction: AL, date: 2026-11-10, place: Tirana, period: 2026-H1, deadline: 2026-10-30}
  - {id: rcm-test, kind: regional, number: 99, date: 2026-11-20, place: Tirana, period: 2026-H1, deadline: 2026-11-13}
`

func TestStatus(t *testing.T) {
	t.Parallel()
	data := dataDir(t)
	cat, err := templates.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := initData(datadir.New(data), cat, ""); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(datadir.New(data).Config(), []byte(statusConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	// AL's file arrives on time, BA's the day after its deadline, both taken
	// by the real ingest command at those times.
	drop := func(j string, at time.Time) {
		t.Helper()
		name := "roadmap-" + j + "-2026-H1.xlsx"
		if err := os.WriteFile(filepath.Join(data, "inbox", j, name), sample(t, j+"/"+name), 0o644); err != nil {
			t.Fatal(err)
		}
		runAt(t, at, "ingest", "--data", data, "--stable", "0").want(t, exitOK)
	}
	alAt := time.Date(2026, 10, 20, 10, 0, 0, 0, belgrade)
	baAt := time.Date(2026, 11, 14, 10, 0, 0, 0, belgrade)
	// AL's workbook dropped into BA's folder is rejected, and counts as a
	// rejection of BA's, the folder that sent it, not as a report.
	if err := os.WriteFile(filepath.Join(data, "inbox", "BA", "first-try.xlsx"), sample(t, "AL/roadmap-AL-2026-H1.xlsx"), 0o644); err != nil {
		t.Fatal(err)
	}
	runAt(t, alAt.Add(-time.Hour), "ingest", "--data", data, "--stable", "0").want(t, exitOK)
	drop("AL", alAt)
	drop("BA", baAt)

	db, err := store.Open(datadir.New(data).Ledger())
	if err != nil {
		t.Fatal(err)
	}
	draft := time.Date(2026, 11, 6, 7, 0, 3, 0, belgrade)
	if err := db.RecordBuild(context.Background(), &roadmap.Build{Meeting: "rcm-test", Kind: roadmap.Draft, Started: draft,
		AsOf: draft, OK: true, Scheduled: true, Outputs: []string{"reports/rcm-test/rcm-test-regional-draft.pdf"}}); err != nil {
		t.Fatal(err)
	}
	ba, err := db.Latest(context.Background(), "BA", roadmap.Period{Year: 2026, Half: 1})
	if err != nil || ba == nil {
		t.Fatal("BA not recorded", err)
	}
	baWarnings := 0
	for _, f := range ba.Findings {
		if f.Severity == roadmap.Warning {
			baWarnings++
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	now := time.Date(2026, 11, 15, 9, 0, 0, 0, belgrade)
	r := runAt(t, now, "status", "--data", data, "--json").want(t, exitOK)
	var st status
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if st.Meeting == nil || st.Meeting.ID != "rcm-test" || st.Timezone != "Europe/Belgrade" || !st.Now.Equal(now) {
		t.Fatalf("status header: meeting %+v, zone %s, now %s", st.Meeting, st.Timezone, st.Now)
	}
	byCode := map[string]render.SubmissionStatus{}
	var codes []string
	for _, j := range st.Jurisdictions {
		byCode[j.Code] = j
		codes = append(codes, j.Code)
	}
	if len(codes) != len(cat.Jurisdictions) {
		t.Errorf("a regional meeting concerns every jurisdiction; got %v", codes)
	}
	al, baSt, me := byCode["AL"], byCode["BA"], byCode["ME"]
	if al.State != roadmap.OnTime || al.Version != 1 || al.Received == nil || !al.Received.Equal(alAt) || al.Rejected != 0 {
		t.Errorf("AL = %+v, want on time, version 1, received %s, no rejected file", al, alAt)
	}
	if al.Deadline == nil || !al.Deadline.Equal(time.Date(2026, 10, 31, 0, 0, 0, 0, belgrade).Add(-time.Nanosecond)) {
		t.Errorf("AL deadline %v, want the end of 30 October (its local meeting's)", al.Deadline)
	}
	if baSt.State != roadmap.Late || baSt.Version != 1 || baSt.Warnings != baWarnings || baWarnings == 0 || baSt.Rejected != 1 {
		t.Errorf("BA = %+v, want late, version 1, %d warnings (at least the late one), the file from its folder rejected", baSt, baWarnings)
	}
	if me.State != roadmap.Overdue || me.Version != 0 || me.Rejected != 0 {
		t.Errorf("ME = %+v, want overdue", me)
	}
	if len(st.NextBuilds) != 1 || st.NextBuilds[0].Meeting != "rcm-test" || st.NextBuilds[0].Kind != roadmap.Final ||
		!st.NextBuilds[0].At.Equal(time.Date(2026, 11, 17, 7, 0, 0, 0, belgrade)) || st.NextBuilds[0].State != "planned" {
		t.Errorf("next builds %+v, want rcm-test's final on 17 November at 07:00", st.NextBuilds)
	}
	if len(st.LastBuilds) != 1 || st.LastBuilds[0].Meeting != "rcm-test" || len(st.LastBuilds[0].Outputs) != 1 {
		t.Errorf("last builds %+v", st.LastBuilds)
	}

	text := runAt(t, now, "status", "--data", data).want(t, exitOK).stdout
	for _, want := range []string{
		"Status at 2026-11-15 09:00 CET (times in Europe/Belgrade).",
		"Meeting rcm-test (regional) on 2026-11-20 in Tirana reviews 2026-H1.",
		"AL            on time  1        2026-10-20 10:00 CEST  0         0         2026-10-30",
		"BA            late     1        2026-11-14 10:00 CET   1         1         2026-11-13",
		"ME            overdue  -",
		"2026-10-30",
		"2026-11-17 07:00 CET  rcm-test final (planned)",
		"2026-11-06 07:00 CET  rcm-test draft, scheduled, ok: reports/rcm-test/rcm-test-regional-draft.pdf",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("status text lacks %q:\n%s", want, text)
		}
	}

	// A local meeting concerns its own jurisdiction only.
	r = runAt(t, now, "status", "--data", data, "--meeting", "lcm-al", "--json").want(t, exitOK)
	st = status{}
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Jurisdictions) != 1 || st.Jurisdictions[0].Code != "AL" {
		t.Errorf("lcm-al concerns %+v, want AL alone", st.Jurisdictions)
	}
	runAt(t, now, "status", "--data", data, "--meeting", "nope").want(t, exitUsage)
}

func TestStatusWithoutLedger(t *testing.T) {
	t.Parallel()
	data := dataDir(t)
	if err := os.WriteFile(datadir.New(data).Config(), []byte(statusConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 10, 1, 9, 0, 0, 0, belgrade)
	text := runAt(t, now, "status", "--data", data).want(t, exitOK).stdout
	for _, want := range []string{"Meeting lcm-al (local AL) on 2026-11-10 in Tirana reviews 2026-H1.", "AL            not due  -", "none yet"} {
		if !strings.Contains(text, want) {
			t.Errorf("status lacks %q:\n%s", want, text)
		}
	}
	if exists(datadir.New(data).Ledger()) {
		t.Error("status created a ledger")
	}
	// After the last meeting: says so.
	text = runAt(t, time.Date(2027, 1, 1, 9, 0, 0, 0, belgrade), "status", "--data", data).want(t, exitOK).stdout
	if !strings.Contains(text, "No meeting ahead in the calendar") || !strings.Contains(text, "none planned") {
		t.Errorf("status after the last meeting:\n%s", text)
	}
}

func TestStatusDigestFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "reports", "status")
	st := &status{Now: time.Date(2026, 11, 15, 23, 30, 0, 0, time.UTC), Timezone: "Europe/Belgrade",
		Jurisdictions: []render.SubmissionStatus{}, NextBuilds: []statusBuild{}, LastBuilds: []roadmap.Build{}}
	paths, err := writeStatusDigest(dir, st, belgrade)
	if err != nil {
		t.Fatal(err)
	}
	// 23:30 UTC is already the 16th in Belgrade.
	want := []string{filepath.Join(dir, "status-2026-11-16.txt"), filepath.Join(dir, "status-2026-11-16.json")}
	if len(paths) != 2 || paths[0] != want[0] || paths[1] != want[1] {
		t.Fatalf("wrote %v, want %v", paths, want)
	}
	var back status
	if err := json.Unmarshal(mustRead(t, paths[1]), &back); err != nil || !back.Now.Equal(st.Now) {
		t.Errorf("the JSON digest does not read back: %v", err)
	}
	if es := entries(t, dir); len(es) != 2 {
		t.Errorf("temporary files left behind: %v", es)
	}
}
