package main

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/store"
)

func TestMeetingsBuiltInCalendar(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("Europe/Belgrade")
	if err != nil {
		t.Fatal(err)
	}
	data := dataDir(t)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, loc)
	r := runAt(t, now, "meetings", "--data", data).want(t, exitOK)
	lines := strings.Split(r.stdout, "\n")
	want := []string{
		"Meetings from the built-in calendar; times in Europe/Belgrade. A * marks a date that is planned, not confirmed.",
		"32 past meetings are not listed: --all lists them.",
		"",
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d = %q, want %q", i, lines[i], w)
		}
	}
	if !strings.HasPrefix(lines[3], "MEETING ") || !strings.Contains(lines[3], " BUILDS") {
		t.Errorf("header = %q", lines[3])
	}
	fields := strings.Fields(lines[4])
	wantRow := "rcm-16 regional 2026-12-15* Tirana - 2026-H1 2026-11-13 draft 2026-12-01 07:00 CET (planned), final 2026-12-12 07:00 CET (planned)"
	if strings.Join(fields, " ") != wantRow {
		t.Errorf("first meeting:\n%s\nwant\n%s", strings.Join(fields, " "), wantRow)
	}
	// A summer meeting's builds are in summer time.
	if !strings.Contains(r.stdout, "rcm-17") || !strings.Contains(r.stdout, "draft 2027-06-22 07:00 CEST (planned)") {
		t.Errorf("rcm-17 missing or not in CEST:\n%s", r.stdout)
	}
	if _, err := os.Stat(datadir.New(data).Ledger()); !os.IsNotExist(err) {
		t.Errorf("listing the calendar created a ledger (stat: %v)", err)
	}

	all := runAt(t, now, "meetings", "--data", data, "--all").want(t, exitOK)
	if strings.Contains(all.stdout, "past meetings are not listed") || !strings.Contains(all.stdout, "rcm-1 ") ||
		!strings.Contains(all.stdout, "Tarčin (Sarajevo)") {
		t.Errorf("--all does not list the held meetings:\n%s", all.stdout)
	}
	if !strings.Contains(all.stdout, "draft 2019-05-14 07:00 CEST (not built)") {
		t.Errorf("a past meeting's unbuilt draft is not shown as such:\n%s", all.stdout)
	}
}

func TestMeetingsOwnCalendarWithLedger(t *testing.T) {
	t.Parallel()
	data := dataDir(t)
	config := `timezone: UTC
plans:
  local: []
meetings:
  - {id: rcm-16, kind: regional, number: 16, date: 2026-12-15, place: Tirana, period: 2026-H1, deadline: 2026-11-13}
  - {id: local-16-al, kind: local, jurisdiction: AL, date: 2026-12-01, place: Tirana, period: 2026-H1}
  - {id: rcm-15, kind: regional, date: 2026-07-07, period: 2025-H2, planned: true}
  - {id: rcm-17, kind: regional, date: 2027-07-06, period: 2026-H2, planned: true}
`
	if err := os.WriteFile(datadir.New(data).Config(), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(datadir.New(data).Ledger())
	if err != nil {
		t.Fatal(err)
	}
	draft := time.Date(2026, 12, 1, 7, 0, 5, 0, time.UTC)
	for _, b := range []*roadmap.Build{
		{Meeting: "rcm-16", Kind: roadmap.Draft, Started: draft, AsOf: draft, OK: true, Scheduled: true},
		{Meeting: "rcm-17", Kind: roadmap.Draft, Started: draft, AsOf: draft, OK: true}, // far too early: does not count
	} {
		if err := db.RecordBuild(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	now := time.Date(2026, 12, 13, 9, 0, 0, 0, time.UTC)
	r := runAt(t, now, "meetings", "--data", data, "--json").want(t, exitOK)
	var got meetings
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if got.Timezone != "UTC" || got.Calendar != datadir.New(data).Config() || got.Past != 2 || !got.Now.Equal(now) {
		t.Errorf("header = %+v", got)
	}
	var rows []string
	for _, m := range got.Meetings {
		row := m.ID + ":"
		for _, b := range m.Builds {
			row += " " + string(b.Kind) + "@" + b.At.UTC().Format("2006-01-02T15:04") + "=" + b.State
		}
		rows = append(rows, row)
	}
	want := []string{
		"rcm-16: draft@2026-12-01T07:00=done final@2026-12-12T07:00=missed",
		"rcm-17: draft@2027-06-22T07:00=planned final@2027-07-03T07:00=planned",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("meetings:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	if got.Meetings[0].Deadline.String() != "2026-11-13" || got.Meetings[0].Place != "Tirana" || got.Meetings[0].Number != 16 {
		t.Errorf("rcm-16 = %+v", got.Meetings[0].Meeting)
	}

	all := runAt(t, now, "meetings", "--data", data, "--all").want(t, exitOK)
	if !strings.Contains(all.stdout, "Meetings from the calendar in "+datadir.New(data).Config()+"; times in UTC.") {
		t.Errorf("text header:\n%s", all.stdout)
	}
	for _, line := range strings.Split(all.stdout, "\n") {
		if strings.HasPrefix(line, "local-16-al ") && !strings.HasSuffix(strings.TrimSpace(line), "none planned") {
			t.Errorf("a kind without a plan: %q", line)
		}
	}
}

func TestMeetingsUsage(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	r := runAt(t, now, "meetings", "--data", dataDir(t), "rcm-16").want(t, exitUsage)
	if !strings.Contains(r.stderr, `takes no arguments, got "rcm-16"`) {
		t.Errorf("stderr = %q", r.stderr)
	}
}
