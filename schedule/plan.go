package schedule

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/seesac/roadmap"
)

// DefaultSteps is the build plan of every meeting kind when none is
// configured (roadmap.DefaultConfig): a draft 14 days and a final 3 days
// before the meeting, at 07:00.
func DefaultSteps() map[roadmap.MeetingKind][]roadmap.BuildStep { return roadmap.DefaultConfig().Plans }

// Planned is one build of the plan: a meeting's report of one kind, due at a
// wall-clock instant in the configured zone.
type Planned struct {
	Meeting roadmap.Meeting   `json:"meeting"`
	Kind    roadmap.BuildKind `json:"kind"`
	At      time.Time         `json:"at"`
	Done    bool              `json:"done"`    // a build that counts exists (see Plan)
	Missed  bool              `json:"missed"`  // time passed, not built, meeting still ahead
	Rebuild bool              `json:"rebuild"` // set by Due: done, but newer inputs arrived since
}

// The states of a planned build at an instant, as status and meetings print them.
const (
	StateDone     = "done"      // a build that counts exists
	StateMissed   = "missed"    // to catch up
	StatePlanned  = "planned"   // still ahead
	StateNotBuilt = "not built" // its meeting has passed without it
)

// State is the step's state at now: done, missed, planned or not built.
func (p Planned) State(now time.Time) string {
	switch {
	case p.Done:
		return StateDone
	case p.Missed:
		return StateMissed
	case p.At.After(now):
		return StatePlanned
	}
	return StateNotBuilt
}

// Upcoming reports whether the step still has to run: planned or missed.
func (p Planned) Upcoming(now time.Time) bool {
	st := p.State(now)
	return st == StatePlanned || st == StateMissed
}

// Plan lists every planned build of the calendar, sorted by time.
//
// Each meeting gets one build per step of its kind's plan, at the step's wall
// clock on the day DaysBefore the meeting, in loc. The instant is computed with
// time.Date in loc, never by adding durations, so a daylight-saving change
// neither skips nor doubles a build: a time that does not exist on the day the
// clocks go forward (02:30 on the last Sunday of March in Europe) becomes the
// same instant an hour later by the new clock (03:30), and a time that occurs
// twice when they go back is one instant (time.Date takes the second).
//
// The rule for Done: a build counts for a planned step when it succeeded, was
// made for the meeting's id and the step's kind, and started at or after the
// step's current planned time. So a meeting moved later is re-planned (a draft
// made for the old date was made too early for the new one), a meeting moved
// earlier keeps the builds already made, a removed meeting plans nothing, and a
// build run by hand for the meeting counts like a scheduled one, unless it was
// given its own cut-off (--as-of): that one shows the data as it was, not as it
// is, and never stands in for a planned build.
//
// Missed marks a step whose time has passed (At <= now), that is not done, and
// whose meeting is today or later in loc: it is what a daemon that was down
// has to catch up. Steps of past meetings are neither done nor missed, and are
// never run. Steps whose At is not a valid "HH:MM" are left out: the
// configuration's check reports them.
func Plan(meetings []roadmap.Meeting, steps map[roadmap.MeetingKind][]roadmap.BuildStep, builds []roadmap.Build, now time.Time, loc *time.Location) []Planned {
	today := roadmap.DateOf(now.In(loc))
	var plan []Planned
	for _, m := range meetings {
		for _, s := range steps[m.Kind] {
			h, mi, err := s.At.Parse()
			if err != nil {
				continue
			}
			at := m.Date.AddDays(-s.DaysBefore).At(h, mi, loc)
			_, done := counting(builds, m.ID, s.Kind, at)
			plan = append(plan, Planned{
				Meeting: m,
				Kind:    s.Kind,
				At:      at,
				Done:    done,
				Missed:  !done && !at.After(now) && m.Date.Compare(today) >= 0,
			})
		}
	}
	slices.SortStableFunc(plan, func(a, b Planned) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.Meeting.ID, b.Meeting.ID), strings.Compare(string(a.Kind), string(b.Kind)))
	})
	return plan
}

// counting returns the latest build that counts for (meeting, kind) at the
// planned time at, by the rule documented on Plan.
func counting(builds []roadmap.Build, meeting string, kind roadmap.BuildKind, at time.Time) (roadmap.Build, bool) {
	var last roadmap.Build
	found := false
	for _, b := range builds {
		if !b.OK || b.AsOfGiven || b.Meeting != meeting || b.Kind != kind || b.Started.Before(at) {
			continue
		}
		if !found || b.Started.After(last.Started) {
			last, found = b, true
		}
	}
	return last, found
}

// Due returns, in plan order, the builds that should run at now:
//
//   - every planned build whose time has come (At <= now) and whose meeting is
//     today or later in loc, and that is not done (Plan's rule); a missed build
//     therefore runs once after downtime, and a failed one again at each call;
//   - a done build whose inputs changed: lastInput(meeting) (the latest accepted
//     submission that the meeting's report would use; nil means never) is later
//     than the cut-off of the build that counts (its AsOf, else its start). Such
//     a build comes back with Rebuild set. A final is rebuilt at once; a draft
//     at most once a calendar day in loc, and no longer once the meeting's
//     final is due, because the final then carries the new data.
//
// Builds of meetings in the past never run.
func Due(meetings []roadmap.Meeting, steps map[roadmap.MeetingKind][]roadmap.BuildStep, builds []roadmap.Build, lastInput func(roadmap.Meeting) time.Time, now time.Time, loc *time.Location) []Planned {
	today := roadmap.DateOf(now.In(loc))
	plan := Plan(meetings, steps, builds, now, loc)
	finalDue := map[string]bool{}
	for _, p := range plan {
		if p.Kind == roadmap.Final && !p.At.After(now) {
			finalDue[p.Meeting.ID] = true
		}
	}
	var due []Planned
	for _, p := range plan {
		if p.At.After(now) || p.Meeting.Date.Compare(today) < 0 {
			continue
		}
		if !p.Done {
			due = append(due, p)
			continue
		}
		if lastInput == nil {
			continue
		}
		last, _ := counting(builds, p.Meeting.ID, p.Kind, p.At)
		cutoff := last.AsOf
		if cutoff.IsZero() {
			cutoff = last.Started
		}
		if !lastInput(p.Meeting).After(cutoff) {
			continue
		}
		if p.Kind == roadmap.Draft {
			if finalDue[p.Meeting.ID] || roadmap.DateOf(last.Started.In(loc)).Compare(today) >= 0 {
				continue
			}
		}
		p.Rebuild = true
		due = append(due, p)
	}
	return due
}

// MeetingPlan is a meeting of the calendar with its planned builds.
type MeetingPlan struct {
	Meeting roadmap.Meeting
	Steps   []Planned // in plan order
}

// ByMeeting pairs each meeting of cal, in date order, with its steps in plan
// (from Plan). Meetings before today in the calendar's zone are left out and
// counted in past, unless all is set: what `roadmap meetings` lists and the
// portal shows ahead.
func ByMeeting(cal *roadmap.Calendar, plan []Planned, now time.Time, all bool) (out []MeetingPlan, past int) {
	steps := map[string][]Planned{}
	for _, p := range plan {
		steps[p.Meeting.ID] = append(steps[p.Meeting.ID], p)
	}
	loc := time.UTC
	if cal != nil && cal.Location != nil {
		loc = cal.Location
	}
	today := roadmap.DateOf(now.In(loc))
	for _, m := range cal.Sorted() {
		if !all && m.Date.Compare(today) < 0 {
			past++
			continue
		}
		out = append(out, MeetingPlan{Meeting: m, Steps: steps[m.ID]})
	}
	return out, past
}
