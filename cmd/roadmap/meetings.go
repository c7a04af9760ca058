package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/schedule"
)

func runMeetings(ctx context.Context, e *env, args []string) int {
	f := e.newFlags(true, "[--all] [--json]")
	var all bool
	f.BoolVar(&all, "all", false, "list past meetings too, not only today's and later ones")
	if code, ok := e.parseNone(f, args); !ok {
		return code
	}
	s, err := e.load(f)
	if err != nil {
		return e.fail(err)
	}
	loc := s.Location
	builds, err := recordedBuilds(ctx, s)
	if err != nil {
		return e.fail(err)
	}
	now := e.now()
	list := meetingList(s.Calendar, s.Config.Plans, builds, now, loc, all)
	list.Timezone = s.Config.Timezone
	list.Calendar = "built-in"
	if s.Config.Meetings != nil {
		list.Calendar = s.ConfigPath
	}
	if f.json {
		err = e.printJSON(list)
	} else {
		err = printMeetings(e.stdout, list, loc)
	}
	if err != nil {
		return e.fail(err)
	}
	return exitOK
}

// recordedBuilds reads the ledger's builds so that the list can say which are
// done; without a ledger (a fresh data folder) nothing is done yet, and
// listing the calendar must not create one.
func recordedBuilds(ctx context.Context, s *setup) ([]roadmap.Build, error) {
	db, err := readLedger(ctx, s)
	if err != nil || db == nil {
		return nil, err
	}
	defer db.Close()
	return db.Builds(ctx)
}

// meetings is the JSON of `roadmap meetings --json`.
type meetings struct {
	Timezone string         `json:"timezone"`
	Calendar string         `json:"calendar"` // "built-in" or the configuration file
	Now      time.Time      `json:"now"`
	Past     int            `json:"past_not_listed"` // meetings before today left out (without --all)
	Meetings []meetingBuild `json:"meetings"`
}

type meetingBuild struct {
	roadmap.Meeting
	Builds []plannedBuild `json:"builds"`
}

type plannedBuild struct {
	Kind  roadmap.BuildKind `json:"kind"`
	At    time.Time         `json:"at"`
	State string            `json:"state"` // done, missed, planned, not built
}

// meetingList pairs each meeting, in date order, with its planned builds.
func meetingList(cal *roadmap.Calendar, plans map[roadmap.MeetingKind][]roadmap.BuildStep, builds []roadmap.Build, now time.Time, loc *time.Location, all bool) meetings {
	out := meetings{Now: now.In(loc), Meetings: []meetingBuild{}}
	var list []schedule.MeetingPlan
	list, out.Past = schedule.ByMeeting(cal, schedule.Plan(cal.Meetings, plans, builds, now, loc), now, all)
	for _, mp := range list {
		bs := []plannedBuild{}
		for _, p := range mp.Steps {
			bs = append(bs, plannedBuild{Kind: p.Kind, At: p.At.In(loc), State: p.State(now)})
		}
		out.Meetings = append(out.Meetings, meetingBuild{Meeting: mp.Meeting, Builds: bs})
	}
	return out
}

func printMeetings(w io.Writer, l meetings, loc *time.Location) error {
	source := "the built-in calendar"
	if l.Calendar != "built-in" {
		source = "the calendar in " + l.Calendar
	}
	fmt.Fprintf(w, "Meetings from %s; times in %s. A * marks a date that is planned, not confirmed.\n", source, l.Timezone)
	if l.Past > 0 {
		fmt.Fprintf(w, "%d past meetings are not listed: --all lists them.\n", l.Past)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MEETING\tKIND\tDATE\tPLACE\tJURISDICTION\tPERIOD\tDEADLINE\tBUILDS")
	for _, m := range l.Meetings {
		date := m.Date.String()
		if m.Planned {
			date += "*"
		}
		var bs []string
		for _, b := range m.Builds {
			bs = append(bs, fmt.Sprintf("%s %s (%s)", b.Kind, b.At.In(loc).Format(timeLayout), b.State))
		}
		if len(bs) == 0 {
			bs = []string{"none planned"}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.Kind, date, orDash(m.Place), orDash(m.Jurisdiction),
			m.Period, orDash(m.Deadline.String()), strings.Join(bs, ", "))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("print meetings: %w", err)
	}
	if len(l.Meetings) == 0 {
		fmt.Fprintln(w, "No meetings to list.")
	}
	return nil
}
