package schedule

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
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
	ms, err := DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateCalendar(ms); err != nil {
		t.Fatalf("the built-in calendar does not pass its own checks: %v", err)
	}
	ids := byID(t, ms)
	// The regional meetings of domain.md, with the period each reviewed.
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

func TestParseCalendar(t *testing.T) {
	ms, err := ParseCalendar([]byte(`
meetings:
  - id: rcm-16            # comment
    kind: regional
    number: 16
    date: 2026-12-15
    place: Tirana
    period: 2026-H1
    deadline: 2026-11-13
    planned: true
  - {id: local-16-al, kind: local, date: 2026-11-09, jurisdiction: AL, period: 2026-H1, place: Tiranë}
  - {id: hl-2027, kind: high-level, date: 2027-02-01, period: 2026}
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []roadmap.Meeting{
		{ID: "rcm-16", Kind: roadmap.Regional, Number: 16, Date: date("2026-12-15"), Place: "Tirana", Period: roadmap.MustPeriod("2026-H1"), Deadline: date("2026-11-13"), Planned: true},
		{ID: "local-16-al", Kind: roadmap.Local, Date: date("2026-11-09"), Jurisdiction: "AL", Period: roadmap.MustPeriod("2026-H1"), Place: "Tiranë"},
		{ID: "hl-2027", Kind: roadmap.HighLevel, Date: date("2027-02-01"), Period: roadmap.MustPeriod("2026")},
	}
	if len(ms) != len(want) {
		t.Fatalf("got %d meetings, want %d", len(ms), len(want))
	}
	for i := range want {
		if ms[i] != want[i] {
			t.Errorf("meeting %d = %+v, want %+v", i, ms[i], want[i])
		}
	}

	empty, err := ParseCalendar([]byte("meetings: []\n"))
	if err != nil || len(empty) != 0 {
		t.Errorf("empty list: %v, %v", empty, err)
	}
}

func TestParseCalendarProblems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // every problem, in order
	}{
		{"duplicate id", `
meetings:
  - {id: rcm-1, kind: regional, date: 2026-12-15, period: 2026-H1}
  - {id: rcm-1, kind: regional, date: 2027-07-06, period: 2026-H2}
`, []string{`meetings[1] (rcm-1), line 4: id "rcm-1" is already used by meetings[0]: each meeting needs its own id`}},
		{"unknown kind and missing jurisdiction", `
meetings:
  - {id: a, kind: regionl, date: 2026-12-15, period: 2026-H1}
  - {id: b, kind: local, date: 2026-11-15, period: 2026-H1}
  - {id: c, date: 2026-11-15, period: 2026-H1}
`, []string{
			`meetings[0] (a), line 3: kind "regionl" is not known: write regional, local or high-level`,
			`meetings[1] (b), line 4: a local meeting needs a jurisdiction, such as AL`,
			`meetings[2] (c), line 5: the meeting has no kind: write regional, local or high-level`,
		}},
		{"no period, no date, no id", `
meetings:
  - kind: regional
    place: Tirana
`, []string{
			`meetings[0] (), line 3: the meeting has no id: give it a short unique name such as "rcm-16"`,
			`meetings[0] (), line 3: the meeting has no date: write it as 2026-12-15`,
			`meetings[0] (), line 3: the meeting has no period: name the period it reviews, such as "2026-H1"`,
		}},
		{"deadline after date, period not ended", `
meetings:
  - {id: x, kind: regional, date: 2026-12-15, period: 2026-H2, deadline: 2026-12-15}
`, []string{
			`meetings[0] (x), line 3: the period 2026-H2 ends on or after the meeting's date 2026-12-15: a meeting reviews a period that has ended`,
			`meetings[0] (x), line 3: the deadline 2026-12-15 is not before the meeting's date 2026-12-15: submissions must be due before the meeting`,
		}},
		{"bad values are named with their key and line", `
meetings:
  - id: x
    kind: regional
    date: 15.12.2026
    period: 2026-H3
    number: sixteen
    planned: maybe
    dat: 2026-12-15
  - {id: ../etc, kind: regional, date: 2026-12-15, period: 2026-H1}
`, []string{
			`meetings[0], line 5, date: date "15.12.2026" is not valid: write it as 2026-12-15`,
			`meetings[0], line 6, period: period "2026-H3" is not valid: write ` + roadmap.PeriodForms,
			`meetings[0], line 7, number: number "sixteen" is not a whole number`,
			`meetings[0], line 8, planned: planned "maybe" must be true or false`,
			`meetings[0], line 9: unknown key "dat": the keys are id, kind, number, date, place, jurisdiction, period, deadline and planned`,
			`meetings[0] (../etc), line 10: id "../etc" may only use letters, digits, '-', '_' and '.', and must not start with '.', because it names the meeting's report folder`,
		}},
		{"ids the data folder reserves", `
meetings:
  - {id: status, kind: regional, date: 2026-12-15, period: 2026-H1}
  - {id: manifest.json, kind: regional, date: 2026-12-16, period: 2026-H1}
`, []string{
			`meetings[0] (status), line 3: id "status" cannot name a folder of reports/: reports/status is kept for the program's own use: choose another id`,
			`meetings[1] (manifest.json), line 4: id "manifest.json" cannot name a folder of reports/: reports/manifest.json is kept for the program's own use: choose another id`,
		}},
		{"no meetings key", "meeting:\n  - {id: x}\n", []string{`calendar: there is no key "meetings": list the meetings under it`}},
		{"empty file", "", []string{`calendar: the file is empty: list the meetings under the key "meetings"`}},
		{"not a list", "meetings: rcm-16\n", []string{`meetings, line 1: meetings must be a list, one entry per meeting starting with "- id:"`}},
		{"entry not a mapping", "meetings:\n  - rcm-16\n", []string{`meetings[0], line 2: each meeting must be a set of keys such as id, kind, date and period`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCalendar([]byte(tt.yaml))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a *ValidationError", err)
			}
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestParseCalendarNotYAML(t *testing.T) {
	_, err := ParseCalendar([]byte("meetings: [\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "meeting calendar: ") {
		t.Errorf("err = %v, want a YAML error naming the calendar", err)
	}
}

func FuzzParseCalendar(f *testing.F) {
	f.Add(defaultCalendar)
	f.Add([]byte("meetings:\n  - {id: a, kind: local, date: 2026-11-15, period: 2026-H1, jurisdiction: AL}\n"))
	f.Add([]byte("meetings:\n  - id: [x]\n    date: {a: b}\n"))
	f.Add([]byte("meetings: !!binary aGVsbG8=\n"))
	f.Add([]byte("- a\n- b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ms, err := ParseCalendar(data)
		if err != nil {
			return
		}
		if err := ValidateCalendar(ms); err != nil {
			t.Fatalf("ParseCalendar accepted a calendar that ValidateCalendar rejects: %v", err)
		}
		seen := map[string]bool{}
		for _, m := range ms {
			if seen[m.ID] || m.Date.IsZero() || m.Period.IsZero() {
				t.Fatalf("accepted an invalid meeting %+v", m)
			}
			seen[m.ID] = true
		}
	})
}

func BenchmarkParseDefaultCalendar(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseCalendar(defaultCalendar); err != nil {
			b.Fatal(err)
		}
	}
}
