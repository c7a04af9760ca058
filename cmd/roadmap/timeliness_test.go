package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/render/pdf/pdftest"
	"github.com/seesac/roadmap/store"
	"github.com/seesac/roadmap/templates"
)

// TestOneAnswerForLate holds the case that once had three answers. With the
// built-in calendar, AL drops its 2026-H1 workbook on 20 October 2026: after
// its Local Coordination Meeting's deadline (9 October), before the regional
// meeting's (13 November). AL's deadline for 2026-H1 is the earliest of the
// two (roadmap.Calendar.Deadline, docs/cycle.md), so the file is late, and
// the receipt's warning, `roadmap status --meeting rcm-16`, the rcm-16
// report's completeness table and the daemon's status digest all say so.
func TestOneAnswerForLate(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	cat, err := templates.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := initData(datadir.New(data), cat, ""); err != nil {
		t.Fatal(err)
	}
	const name = "roadmap-AL-2026-H1.xlsx"
	if err := os.WriteFile(filepath.Join(data, "inbox", "AL", name), sample(t, "AL/"+name), 0o644); err != nil {
		t.Fatal(err)
	}
	dropped := time.Date(2026, 10, 20, 10, 0, 0, 0, belgrade)
	runAt(t, dropped, "ingest", "--data", data, "--stable", "0").want(t, exitOK)

	// 1. The checker's warning, recorded with the submission.
	db, err := store.OpenReadOnly(context.Background(), datadir.New(data).Ledger())
	if err != nil {
		t.Fatal(err)
	}
	al, err := db.Latest(context.Background(), "AL", roadmap.MustPeriod("2026-H1"))
	db.Close()
	if err != nil || al == nil {
		t.Fatal("AL not recorded", err)
	}
	var late []roadmap.Finding
	for _, f := range al.Findings {
		if f.Code == roadmap.CodeLate {
			late = append(late, f)
		}
	}
	if len(late) != 1 || !strings.Contains(late[0].Message, "deadline of 2026-10-09") {
		t.Errorf("the receipt's late warning: %v, want one naming 2026-10-09", late)
	}

	// 2. roadmap status.
	later := time.Date(2026, 12, 1, 9, 0, 0, 0, belgrade)
	r := runAt(t, later, "status", "--data", data, "--meeting", "rcm-16", "--json").want(t, exitOK)
	var st status
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	states := map[string]roadmap.Timeliness{}
	for _, j := range st.Jurisdictions {
		states[j.Code] = j.State
	}
	if states["AL"] != roadmap.Late || states["BA"] != roadmap.Overdue {
		t.Errorf("status: %v, want AL late and BA overdue", states)
	}

	// 3. The rcm-16 report's completeness table.
	r = runAt(t, later, "build", "--data", data, "--meeting", "rcm-16", "--draft").want(t, exitOK)
	pdfBytes, err := os.ReadFile(strings.SplitN(r.stdout, "\n", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	pages, err := pdftest.Pages(pdfBytes)
	if err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(pages, "\n"); !strings.Contains(text, "Albania\nlate") {
		t.Error("the report's completeness table does not show Albania as late")
	}

	// 4. The daemon's digest, written by the same status model.
	s, err := (&env{getenv: func(string) string { return "" }}).load(&flags{data: data})
	if err != nil {
		t.Fatal(err)
	}
	rdb, err := readLedger(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	dst, err := collectStatusOf(context.Background(), rdb, s, later, "rcm-16")
	if err != nil {
		t.Fatal(err)
	}
	paths, err := writeStatusDigest(filepath.Join(t.TempDir(), "status"), dst, s.Location)
	if err != nil {
		t.Fatal(err)
	}
	txt, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^AL +late `).Match(txt) {
		t.Errorf("the digest does not say AL is late:\n%s", txt)
	}
}

// TestBuiltInCalendarWithAYearlyCatalogue: the 16-state yearly test
// catalogue with the built-in calendar asks nobody for 2026-H1, a period it
// cannot have: status looks ahead to the meeting reviewing the year 2026,
// and rcm-16 (which reviews 2026-H1) is not in the calendar in force, so
// neither a build by hand nor the daemon tries it.
func TestBuiltInCalendarWithAYearlyCatalogue(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	caribbean := filepath.Join("..", "..", "templates", "testdata", "caribbean.yaml")
	roadmapCmd(t, "init", "--data", data, "--catalogue", caribbean).want(t, exitOK)
	now := time.Date(2026, 11, 15, 9, 0, 0, 0, belgrade)
	r := runAt(t, now, "status", "--data", data, "--json").want(t, exitOK)
	var st status
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if st.Meeting == nil || !st.Meeting.Period.IsYear() {
		t.Fatalf("the next meeting %+v, want one reviewing a year", st.Meeting)
	}
	if len(st.Jurisdictions) != 16 {
		t.Errorf("%d jurisdictions, want the catalogue's 16", len(st.Jurisdictions))
	}
	for _, j := range st.Jurisdictions {
		if j.State == roadmap.Overdue {
			t.Errorf("%s is overdue for %s before its deadline", j.Code, st.Meeting.Period)
		}
	}
	runAt(t, now, "build", "--data", data, "--meeting", "rcm-16").want(t, exitUsage)
	if r := runAt(t, now, "meetings", "--data", data, "--all").want(t, exitOK); strings.Contains(r.stdout, "2026-H1") {
		t.Errorf("the calendar in force still reviews a half-year:\n%s", r.stdout)
	}
}
