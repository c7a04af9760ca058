package schedule

import (
	"bytes"
	_ "embed"

	"github.com/seesac/roadmap"
)

//go:embed calendar.yaml
var defaultCalendar []byte

// BuiltInCalendar names the built-in calendar in problems and listings.
const BuiltInCalendar = "built-in calendar"

// DefaultCalendar is the embedded calendar: the regional meetings held so far
// and the cadence continued, marked planned, to the end of 2028. It is read
// by the one reader of operator files (roadmap.ParseConfigFile: the file is a
// roadmap.yaml holding only meetings), so it obeys every rule a configured
// calendar does.
func DefaultCalendar() ([]roadmap.Meeting, error) {
	cfg, err := roadmap.ParseConfigFile(BuiltInCalendar, bytes.NewReader(defaultCalendar))
	if err != nil {
		return nil, err
	}
	return cfg.Meetings, nil
}

// DefaultCalendarFor is the built-in calendar as it applies to catalogue cat
// (docs/cycle.md). The built-in calendar is written for the Western Balkans'
// half-yearly cycle; with another catalogue its meetings review that
// catalogue's periods, so that nothing is ever due for a period the
// catalogue cannot have:
//   - with a yearly catalogue, a meeting reviewing a second half-year
//     (the July meetings) reviews that calendar year, and a meeting
//     reviewing a first half-year (December) is left out: its year is not
//     over;
//   - a local meeting of a jurisdiction the catalogue does not have is left
//     out.
func DefaultCalendarFor(cat *roadmap.Catalogue) ([]roadmap.Meeting, error) {
	ms, err := DefaultCalendar()
	if err != nil {
		return nil, err
	}
	out := make([]roadmap.Meeting, 0, len(ms))
	for _, m := range ms {
		if m.Kind == roadmap.Local {
			j, ok := cat.Jurisdiction(m.Jurisdiction)
			if !ok {
				continue
			}
			m.Jurisdiction = j.Code
		}
		if !cat.Reviewable(m.Period) {
			if m.Period.Half == 1 {
				continue
			}
			m.Period = roadmap.Period{Year: m.Period.Year}
		}
		out = append(out, m)
	}
	return out, nil
}
