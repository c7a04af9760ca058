package roadmap_test

import (
	"testing"
	"time"

	"github.com/seesac/roadmap"
)

func date(t *testing.T, s string) roadmap.Date {
	t.Helper()
	d, err := roadmap.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestCalendarDeadline: a jurisdiction's deadline for a period is the
// earliest among the meetings that review it and concern it, at the end of
// that day in the calendar's zone.
func TestCalendarDeadline(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("Europe/Belgrade")
	if err != nil {
		t.Fatal(err)
	}
	h1 := roadmap.MustPeriod("2026-H1")
	cal := roadmap.NewCalendar([]roadmap.Meeting{
		{ID: "rcm", Kind: roadmap.Regional, Period: h1, Deadline: date(t, "2026-11-13")},
		{ID: "local-al", Kind: roadmap.Local, Jurisdiction: "AL", Period: h1, Deadline: date(t, "2026-10-09")},
		{ID: "local-rs", Kind: roadmap.Local, Jurisdiction: "RS", Period: h1, Deadline: date(t, "2026-12-01")},
		{ID: "rcm-next", Kind: roadmap.Regional, Period: h1.Next(), Deadline: date(t, "2026-09-01")},
		{ID: "rcm-old", Kind: roadmap.Regional, Period: roadmap.MustPeriod("2025-H2")},
	}, loc)
	for _, tt := range []struct {
		j, p string
		want string // the deadline day, "" for none
	}{
		{"AL", "2026-H1", "2026-10-09"}, // its local meeting is earlier
		{"al", "2026-H1", "2026-10-09"}, // codes compare without case
		{"RS", "2026-H1", "2026-11-13"}, // its local meeting is later: the regional one
		{"BA", "2026-H1", "2026-11-13"}, // no local meeting
		{"AL", "2026-H2", "2026-09-01"},
		{"AL", "2025-H2", ""}, // a meeting without a deadline
		{"AL", "2024-H1", ""}, // no meeting
	} {
		due, ok := cal.Deadline(tt.j, roadmap.MustPeriod(tt.p))
		if ok != (tt.want != "") {
			t.Errorf("%s %s: ok = %v", tt.j, tt.p, ok)
			continue
		}
		if !ok {
			continue
		}
		want := date(t, tt.want).AddDays(1).At(0, 0, loc).Add(-time.Nanosecond)
		if !due.Equal(want) || due.Format(time.DateOnly) != tt.want {
			t.Errorf("%s %s: due %v, want %v", tt.j, tt.p, due, want)
		}
	}
}

func TestTimely(t *testing.T) {
	t.Parallel()
	due := time.Date(2026, 10, 9, 23, 59, 59, 0, time.UTC)
	before, after := due.Add(-time.Hour), due.Add(time.Hour)
	for _, tt := range []struct {
		name           string
		first, due, at time.Time
		want           roadmap.Timeliness
	}{
		{"by the deadline", before, due, after, roadmap.OnTime},
		{"on the last instant", due, due, after, roadmap.OnTime},
		{"after it", after, due, after, roadmap.Late},
		{"no deadline", after, time.Time{}, after, roadmap.OnTime},
		{"nothing yet, deadline ahead", time.Time{}, due, before, roadmap.NotDue},
		{"nothing, deadline passed", time.Time{}, due, after, roadmap.Overdue},
		{"nothing, no deadline", time.Time{}, time.Time{}, after, roadmap.Missing},
	} {
		if got := roadmap.Timely(tt.first, tt.due, tt.at); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
		if got := roadmap.Timely(tt.first, tt.due, tt.at).Submitted(); got != !tt.first.IsZero() {
			t.Errorf("%s: submitted = %v", tt.name, got)
		}
	}
}

func TestCalendarFindNext(t *testing.T) {
	t.Parallel()
	loc := time.FixedZone("CET", 3600)
	cal := roadmap.NewCalendar([]roadmap.Meeting{
		{ID: "b", Date: date(t, "2026-12-15")},
		{ID: "a", Date: date(t, "2026-07-08")},
		{ID: "c", Date: date(t, "2026-12-15")},
	}, loc)
	if m, ok := cal.Find("a"); !ok || m.ID != "a" {
		t.Errorf("find a: %v %v", m, ok)
	}
	if _, ok := cal.Find("x"); ok {
		t.Error("found a meeting that is not there")
	}
	// 23:30 UTC on 8 July is already 9 July in the calendar's zone.
	if m, ok := cal.Next(time.Date(2026, 7, 8, 23, 30, 0, 0, time.UTC)); !ok || m.ID != "b" {
		t.Errorf("next = %v, want b (the calendar's order among one day's meetings)", m)
	}
	if m, ok := cal.Next(time.Date(2026, 7, 8, 12, 0, 0, 0, loc)); !ok || m.ID != "a" {
		t.Errorf("next on the meeting's day = %v, want a", m)
	}
	if _, ok := cal.Next(time.Date(2027, 1, 1, 0, 0, 0, 0, loc)); ok {
		t.Error("a meeting after the last one")
	}
}

// A jurisdiction's next meeting skips other jurisdictions' local meetings.
func TestCalendarNextFor(t *testing.T) {
	t.Parallel()
	cal := roadmap.NewCalendar([]roadmap.Meeting{
		{ID: "local-ba", Kind: roadmap.Local, Jurisdiction: "BA", Date: date(t, "2026-11-04")},
		{ID: "local-al", Kind: roadmap.Local, Jurisdiction: "AL", Date: date(t, "2026-11-09")},
		{ID: "rcm", Kind: roadmap.Regional, Date: date(t, "2026-12-15")},
	}, time.UTC)
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for j, want := range map[string]string{"BA": "local-ba", "al": "local-al", "RS": "rcm"} {
		if m, ok := cal.NextFor(j, now); !ok || m.ID != want {
			t.Errorf("next for %s = %v, want %s", j, m, want)
		}
	}
	if _, ok := cal.NextFor("AL", now.AddDate(0, 2, 0)); ok {
		t.Error("a meeting after the last one")
	}
}
