package samples

import (
	"fmt"
	"strings"

	"github.com/seesac/roadmap"
)

// calendarEntry is one meeting of the sample calendar, with a note that
// calendar.yaml prints as a comment.
type calendarEntry struct {
	m    roadmap.Meeting
	note string
}

func day(s string) roadmap.Date {
	d, err := roadmap.ParseDate(s)
	if err != nil {
		panic(err) // the table below is constant
	}
	return d
}

func period(s string) roadmap.Period { return roadmap.MustPeriod(s) }

// regional is a regional meeting: its submissions are due about a month before.
func regional(n int, date, place, reviewed string, planned bool, note string) calendarEntry {
	d := day(date)
	return calendarEntry{m: roadmap.Meeting{
		ID: fmt.Sprintf("rcm-%d", n), Kind: roadmap.Regional, Number: n, Date: d, Place: place,
		Period: period(reviewed), Deadline: d.AddDays(-32), Planned: planned,
	}, note: note}
}

// local is a Local Coordination Meeting before regional meeting n: the
// jurisdiction's data are due two weeks before it, and never after the
// regional deadline.
func local(n int, j, date, place, reviewed string, regionalDeadline string, planned bool) calendarEntry {
	d := day(date)
	due := d.AddDays(-14)
	if rd := day(regionalDeadline); rd.Compare(due) < 0 {
		due = rd
	}
	return calendarEntry{m: roadmap.Meeting{
		ID: fmt.Sprintf("lcm-%d-%s", n, strings.ToLower(j)), Kind: roadmap.Local, Date: d, Place: place,
		Jurisdiction: j, Period: period(reviewed), Deadline: due, Planned: planned,
	}}
}

// calendarEntries is the sample calendar: the regional meetings held (docs/domain.md),
// the Berlin donor conference, local meetings of rounds 3, 4 and 16, and planned
// meetings continuing the July/December cadence.
func calendarEntries() []calendarEntry {
	es := []calendarEntry{
		regional(1, "2019-05-28", "Tarčin (Sarajevo)", "2018", false, "reviews the baseline year"),
		regional(2, "2019-11-20", "Tirana", "2019-H1", false, ""),
		{m: roadmap.Meeting{ID: "hlm-berlin-2020", Kind: roadmap.HighLevel, Date: day("2020-01-31"), Place: "Berlin",
			Period: period("2019"), Deadline: day("2020-01-10")}, note: "donor conference on a year of progress (the samples hold half-years, so 2019 as a year is not reported)"},
		local(3, "BA", "2020-06-02", "Sarajevo (online)", "2019-H2", "2020-06-01", false),
		local(3, "AL", "2020-06-17", "Tirana (online)", "2019-H2", "2020-06-01", false),
		local(3, "XK", "2020-06-24", "Pristina (online)", "2019-H2", "2020-06-01", false),
		local(3, "MK", "2020-06-26", "Skopje (online)", "2019-H2", "2020-06-01", false),
		regional(3, "2020-07-03", "online", "2019-H2", false, ""),
		local(4, "XK", "2020-11-05", "Pristina", "2020-H1", "2020-10-24", false),
		local(4, "MK", "2020-11-10", "Skopje", "2020-H1", "2020-10-24", false),
		local(4, "ME", "2020-11-12", "Podgorica", "2020-H1", "2020-10-24", false),
		local(4, "AL", "2020-11-16", "Tirana", "2020-H1", "2020-10-24", false),
		local(4, "BA", "2020-11-20", "Sarajevo", "2020-H1", "2020-10-24", false),
		regional(4, "2020-11-25", "online", "2020-H1", false, ""),
		regional(5, "2021-07-06", "online", "2020-H2", true, "date not confirmed by a public source"),
		regional(6, "2021-12-01", "online", "2021-H1", false, "place not confirmed by a public source"),
		regional(7, "2022-07-05", "Skopje", "2021-H2", false, ""),
		regional(8, "2022-12-13", "Budva", "2022-H1", false, ""),
		regional(9, "2023-07-04", "Sarajevo", "2022-H2", false, ""),
		regional(10, "2023-12-19", "Tirana", "2023-H1", false, ""),
		regional(11, "2024-07-09", "Podgorica", "2023-H2", false, ""),
		regional(12, "2024-12-10", "Skopje", "2024-H1", false, ""),
		regional(13, "2025-07-08", "Sarajevo", "2024-H2", false, "also reviews the KPI year 2024"),
		regional(14, "2025-12-09", "Belgrade", "2025-H1", true, "not published: continues the cadence"),
		regional(15, "2026-07-07", "Pristina", "2025-H2", true, "not published: continues the cadence"),
	}
	const due16 = "2026-11-13"
	es = append(es,
		local(16, "XK", "2026-11-03", "Pristina", "2026-H1", due16, true),
		local(16, "MK", "2026-11-10", "Skopje", "2026-H1", due16, true),
		local(16, "ME", "2026-11-12", "Podgorica", "2026-H1", due16, true),
		local(16, "AL", "2026-11-17", "Tirana", "2026-H1", due16, true),
		local(16, "BA", "2026-11-19", "Sarajevo", "2026-H1", due16, true),
		local(16, "RS", "2026-11-24", "Belgrade", "2026-H1", due16, true),
	)
	r16 := regional(16, "2026-12-15", "Tirana", "2026-H1", true, "")
	r16.m.Deadline = day(due16)
	es = append(es, r16,
		regional(17, "2027-07-06", "Podgorica", "2026-H2", true, ""))
	return es
}

// calendar is the sample calendar's meetings whose jurisdictions the catalogue
// knows (all of them for the default catalogue).
func calendar(cat *roadmap.Catalogue) []roadmap.Meeting {
	var ms []roadmap.Meeting
	for _, e := range calendarEntries() {
		if e.m.Jurisdiction != "" {
			if _, ok := cat.Jurisdiction(e.m.Jurisdiction); !ok {
				continue
			}
		}
		ms = append(ms, e.m)
	}
	return ms
}

// calendarYAML writes the calendar in the pinned roadmap.yaml form, with
// comments, so that an operator can paste it into roadmap.yaml.
func calendarYAML(cat *roadmap.Catalogue) []byte {
	notes := map[string]string{}
	for _, e := range calendarEntries() {
		notes[e.m.ID] = e.note
	}
	var b strings.Builder
	b.WriteString(`# A sample meeting calendar, in the keys of roadmap.yaml (copy it there).
#
# Regional meetings 1-13 and the Berlin donor conference took place on the dates
# given (the first day of two-day meetings); meetings marked "planned: true" are
# not published and continue the cadence: regional meetings in July and
# December, Local Coordination Meetings three to six weeks before them.
# Deadlines are illustrative: about a month before a regional meeting, two
# weeks before a local one. Generated by samples/gen: do not edit by hand.
timezone: Europe/Belgrade
meetings:
`)
	for _, m := range calendar(cat) {
		fmt.Fprintf(&b, "  - id: %s\n", m.ID)
		if n := notes[m.ID]; n != "" {
			fmt.Fprintf(&b, "    # %s\n", n)
		}
		fmt.Fprintf(&b, "    kind: %s\n", m.Kind)
		if m.Number != 0 {
			fmt.Fprintf(&b, "    number: %d\n", m.Number)
		}
		fmt.Fprintf(&b, "    date: %s\n", m.Date)
		if m.Place != "" {
			fmt.Fprintf(&b, "    place: %s\n", yamlString(m.Place))
		}
		if m.Jurisdiction != "" {
			fmt.Fprintf(&b, "    jurisdiction: %s\n", m.Jurisdiction)
		}
		fmt.Fprintf(&b, "    period: %s\n", yamlString(m.Period.String()))
		if !m.Deadline.IsZero() {
			fmt.Fprintf(&b, "    deadline: %s\n", m.Deadline)
		}
		if m.Planned {
			b.WriteString("    planned: true\n")
		}
	}
	return []byte(b.String())
}

// yamlString quotes a scalar that YAML would otherwise read as something other
// than a string (a bare year is a number).
func yamlString(s string) string {
	if strings.ContainsAny(s, ":#()") || strings.Trim(s, "0123456789") == "" {
		return fmt.Sprintf("%q", s)
	}
	return s
}
