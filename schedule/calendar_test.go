package schedule

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/templates"
)

func date(s string) roadmap.Date {
	d, err := roadmap.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func byID(t *testing.T, ms []roadmap.Meeting) map[string]roadmap.Meeting {
	t.Helper()
	out := map[string]roadmap.Meeting{}
	for _, m := range ms {
		out[m.ID] = m
	}
	return out
}

func TestDefaultCalendarHeldMeetings(t *testing.T) {
	t.Parallel()
	ms, err := DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	ids := byID(t, ms)
	// The regional meetings held (docs/cycle.md), with the period each reviewed.
	held := []struct {
		id, date, place, period string
	}{
		{"rcm-1", "2019-05-28", "Tarčin (Sarajevo)", "2018"},
		{"rcm-2", "2019-11-20", "Tirana", "2019-H1"},
		{"rcm-3", "2020-07-03", "online", "2019-H2"},
		{"rcm-4", "2020-11-25", "online", "2020-H1"},
		{"rcm-6", "2021-12-01", "", "2021-H1"},
		{"rcm-7", "2022-07-05", "Skopje", "2021-H2"},
		{"rcm-8", "2022-12-13", "Budva", "2022-H1"},
		{"rcm-9", "2023-07-04", "Sarajevo", "2022-H2"},
		{"rcm-10", "2023-12-19", "Tirana", "2023-H1"},
		{"rcm-11", "2024-07-09", "Podgorica", "2023-H2"},
		{"rcm-12", "2024-12-10", "Skopje", "2024-H1"},
		{"rcm-13", "2025-07-08", "Sarajevo", "2024-H2"},
	}
	for _, h := range held {
		m, ok := ids[h.id]
		if !ok {
			t.Errorf("%s is missing", h.id)
			continue
		}
		want := roadmap.Meeting{ID: h.id, Kind: roadmap.Regional, Number: m.Number, Date: date(h.date), Place: h.place, Period: roadmap.MustPeriod(h.period)}
		if m != want || fmt.Sprintf("rcm-%d", m.Number) != h.id {
			t.Errorf("%s = %+v, want %+v", h.id, m, want)
		}
	}
}

func TestDefaultCalendarPlannedCadence(t *testing.T) {
	t.Parallel()
	ms, err := DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	ids := byID(t, ms)
	want16 := roadmap.Meeting{ID: "rcm-16", Kind: roadmap.Regional, Number: 16, Date: date("2026-12-15"), Place: "Tirana",
		Period: roadmap.MustPeriod("2026-H1"), Deadline: date("2026-11-13"), Planned: true}
	if ids["rcm-16"] != want16 {
		t.Errorf("rcm-16 = %+v, want %+v", ids["rcm-16"], want16)
	}

	capital := map[string]string{"AL": "Tirana", "BA": "Sarajevo", "XK": "Pristina", "ME": "Podgorica", "MK": "Skopje", "RS": "Belgrade"}
	today := date("2026-11-26")
	var last roadmap.Date
	for n := 14; ; n++ {
		r, ok := ids[fmt.Sprintf("rcm-%d", n)]
		if !ok {
			break
		}
		last = r.Date
		if !r.Planned || r.Kind != roadmap.Regional || r.Number != n || r.Place == "" {
			t.Errorf("rcm-%d = %+v: want a planned regional meeting with its number and place", n, r)
		}
		// July reviews the previous July–December; December the same year's January–June.
		switch {
		case r.Date.Month == time.July && r.Date.Day <= 20:
			if r.Period != (roadmap.Period{Year: r.Date.Year - 1, Half: 2}) {
				t.Errorf("rcm-%d in July reviews %s, want %d-H2", n, r.Period, r.Date.Year-1)
			}
		case r.Date.Month == time.December && r.Date.Day >= 8 && r.Date.Day <= 20:
			if r.Period != (roadmap.Period{Year: r.Date.Year, Half: 1}) {
				t.Errorf("rcm-%d in December reviews %s, want %d-H1", n, r.Period, r.Date.Year)
			}
		default:
			t.Errorf("rcm-%d on %s: want early/mid July or mid December", n, r.Date)
		}
		checkDeadline(t, r)
		for j, city := range capital {
			id := fmt.Sprintf("local-%d-%s", n, strings.ToLower(j))
			l, ok := ids[id]
			if !ok {
				t.Errorf("%s is missing", id)
				continue
			}
			before := -daysBetween(r.Date, l.Date)
			if l.Kind != roadmap.Local || l.Jurisdiction != j || l.Place != city || l.Period != r.Period || !l.Planned || before < 21 || before > 42 {
				t.Errorf("%s = %+v (%d days before %s): want a planned local meeting in %s three to six weeks before, reviewing %s", id, l, before, r.ID, city, r.Period)
			}
			checkDeadline(t, l)
		}
	}
	if last.Compare(today.AddDays(2*365)) < 0 {
		t.Errorf("the planned calendar ends on %s: want at least two years beyond %s", last, today)
	}
	for _, m := range ms {
		if m.Date.Compare(today) > 0 && !m.Planned {
			t.Errorf("%s on %s is in the future but not marked planned", m.ID, m.Date)
		}
	}
	if !strings.Contains(string(defaultCalendar), "PLANNED, NOT CONFIRMED") {
		t.Error("calendar.yaml must say that its future dates are planned, not confirmed")
	}
}

func daysBetween(a, b roadmap.Date) int {
	return int(b.At(12, 0, time.UTC).Sub(a.At(12, 0, time.UTC)).Hours() / 24)
}

// checkDeadline: about four weeks before the meeting, on a working day.
func checkDeadline(t *testing.T, m roadmap.Meeting) {
	t.Helper()
	before := daysBetween(m.Deadline, m.Date)
	wd := m.Deadline.At(12, 0, time.UTC).Weekday()
	if m.Deadline.IsZero() || before < 28 || before > 35 || wd == time.Saturday || wd == time.Sunday {
		t.Errorf("%s: deadline %s is %d days before %s (a %s): want about four weeks before, on a working day", m.ID, m.Deadline, before, m.Date, wd)
	}
}

// TestDefaultCalendarForAYearlyCatalogue: with the 16-state yearly test
// catalogue, the built-in calendar reviews years only, never a half-year that
// catalogue cannot have, and keeps no local meeting of a jurisdiction it does
// not have.
func TestDefaultCalendarForAYearlyCatalogue(t *testing.T) {
	t.Parallel()
	cat, err := templates.LoadCatalogue(filepath.Join("..", "templates", "testdata", "caribbean.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if cat.Cadence != roadmap.Yearly {
		t.Fatalf("the test catalogue is %s, want yearly", cat.Cadence)
	}
	ms, err := DefaultCalendarFor(cat)
	if err != nil {
		t.Fatal(err)
	}
	ids := byID(t, ms)
	for _, m := range ms {
		if !m.Period.IsYear() {
			t.Errorf("%s reviews %s, which a yearly catalogue cannot have", m.ID, m.Period)
		}
		if m.Kind == roadmap.Local {
			t.Errorf("%s is the local meeting of %s, which the catalogue does not have", m.ID, m.Jurisdiction)
		}
	}
	if _, ok := ids["rcm-16"]; ok {
		t.Error("rcm-16 (December 2026) reviews 2026-H1: it has no year to review and must be left out")
	}
	if m, ok := ids["rcm-15"]; !ok || m.Period != roadmap.MustPeriod("2025") {
		t.Errorf("rcm-15 (July 2026) = %+v, want it to review the year 2025", m)
	}
	if err := (roadmap.Config{Meetings: ms, Timezone: "UTC"}).CheckCatalogue(cat); err != nil {
		t.Errorf("the adapted calendar does not fit the catalogue: %v", err)
	}
	// With the built-in catalogue nothing changes.
	def, err := templates.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	all, _ := DefaultCalendar()
	same, err := DefaultCalendarFor(def)
	if err != nil || len(same) != len(all) {
		t.Errorf("with the built-in catalogue: %d of %d meetings, %v", len(same), len(all), err)
	}
}
