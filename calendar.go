package roadmap

import (
	"slices"
	"strings"
	"time"
)

// Calendar is the meeting calendar in force, in the configured time zone.
// It is the one place that decides when a jurisdiction's report is due and
// whether it came in time (docs/cycle.md): the checker's late warning,
// `roadmap status`, a report's completeness table and the daemon's digest
// all ask it.
type Calendar struct {
	// Meetings in the order of the calendar's file.
	Meetings []Meeting
	// Location is the zone in which a day (a meeting day, a deadline) begins
	// and ends; nil means UTC.
	Location *time.Location
}

// NewCalendar is the calendar of meetings in loc.
func NewCalendar(meetings []Meeting, loc *time.Location) *Calendar {
	return &Calendar{Meetings: meetings, Location: loc}
}

// Zone is the calendar's zone: where its days begin and end, and the zone
// reports print times in (UTC when none is set).
func (c *Calendar) Zone() *time.Location { return c.loc() }

func (c *Calendar) loc() *time.Location {
	if c == nil || c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// Find is the meeting with the given id.
func (c *Calendar) Find(id string) (*Meeting, bool) {
	if c == nil {
		return nil, false
	}
	for _, m := range c.Meetings {
		if m.ID == id {
			return &m, true
		}
	}
	return nil, false
}

// Sorted is the meetings by date, in the calendar's order among the
// meetings of one day.
func (c *Calendar) Sorted() []Meeting {
	if c == nil {
		return nil
	}
	ms := slices.Clone(c.Meetings)
	slices.SortStableFunc(ms, func(a, b Meeting) int { return a.Date.Compare(b.Date) })
	return ms
}

// Next is the first meeting held today or later, today being now's day in
// the calendar's zone.
func (c *Calendar) Next(now time.Time) (*Meeting, bool) {
	return c.next(now, func(Meeting) bool { return true })
}

// NextFor is the first meeting held today or later that concerns
// jurisdiction j: the round j is reporting for now.
func (c *Calendar) NextFor(j string, now time.Time) (*Meeting, bool) {
	return c.next(now, func(m Meeting) bool { return m.Concerns(j) })
}

func (c *Calendar) next(now time.Time, want func(Meeting) bool) (*Meeting, bool) {
	today := DateOf(now.In(c.loc()))
	for _, m := range c.Sorted() {
		if m.Date.Compare(today) >= 0 && want(m) {
			return &m, true
		}
	}
	return nil, false
}

// Reviewing is the meetings that review period p, in the calendar's order.
func (c *Calendar) Reviewing(p Period) []Meeting {
	if c == nil {
		return nil
	}
	var out []Meeting
	for _, m := range c.Meetings {
		if m.Period == p {
			out = append(out, m)
		}
	}
	return out
}

// Concerns reports whether meeting m is about jurisdiction j's report: a
// regional or high-level meeting concerns every jurisdiction, a local meeting
// only its own.
func (m Meeting) Concerns(j string) bool {
	return m.Kind != Local || strings.EqualFold(m.Jurisdiction, j)
}

// EndOfDay is the last instant of day d in the calendar's zone (Date.End):
// a deadline is a whole day where the Commissions are, so a file received
// at any time on that day is on time.
func (c *Calendar) EndOfDay(d Date) time.Time { return d.End(c.loc()) }

// Deadline is THE submission deadline of jurisdiction j's report for period
// p: the earliest deadline among the meetings that review p and concern j,
// at the end of its day (EndOfDay). One report per jurisdiction and period
// serves every meeting that reviews it, so it is due for the first of them:
// j's Local Coordination Meeting when its deadline comes before the regional
// meeting's. ok is false when no such meeting has a deadline.
func (c *Calendar) Deadline(j string, p Period) (due time.Time, ok bool) {
	var first Date
	for _, m := range c.Reviewing(p) {
		if m.Deadline.IsZero() || !m.Concerns(j) {
			continue
		}
		if first.IsZero() || m.Deadline.Compare(first) < 0 {
			first = m.Deadline
		}
	}
	if first.IsZero() {
		return time.Time{}, false
	}
	return c.EndOfDay(first), true
}

// Timeliness is where a jurisdiction's report for a period stands against
// its deadline, at a given instant (now, or a report's cut-off).
type Timeliness string

// The timeliness model (docs/cycle.md). On time or late is decided by the
// first accepted version: a correction sent after the deadline does not make
// a report that came in time late.
const (
	OnTime  Timeliness = "on time" // first accepted version by the deadline, or no deadline
	Late    Timeliness = "late"    // first accepted version after the deadline
	NotDue  Timeliness = "not due" // nothing accepted yet, the deadline is still ahead
	Overdue Timeliness = "overdue" // nothing accepted, the deadline has passed
	Missing Timeliness = "missing" // nothing accepted, and the calendar gives no deadline
)

// Submitted reports whether a version was accepted (on time or late).
func (t Timeliness) Submitted() bool { return t == OnTime || t == Late }

// Timely is the timeliness of a report whose first accepted version arrived
// at first (zero: none yet), due at due (zero: no deadline), seen at now.
func Timely(first, due, now time.Time) Timeliness {
	switch {
	case !first.IsZero() && (due.IsZero() || !first.After(due)):
		return OnTime
	case !first.IsZero():
		return Late
	case due.IsZero():
		return Missing
	case now.After(due):
		return Overdue
	default:
		return NotDue
	}
}

// Timeliness is where jurisdiction j's report for period p stands at now,
// its first accepted version having arrived at first (zero: none yet).
func (c *Calendar) Timeliness(j string, p Period, first, now time.Time) Timeliness {
	due, _ := c.Deadline(j, p)
	return Timely(first, due, now)
}
