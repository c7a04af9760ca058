package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/render"
	"github.com/seesac/roadmap/schedule"
	"github.com/seesac/roadmap/store"
)

// How many builds status lists, planned and done.
const statusBuilds = 5

func runStatus(ctx context.Context, e *env, args []string) int {
	f := e.newFlags(true, "[--meeting ID] [--json]")
	var meetingID string
	f.StringVar(&meetingID, "meeting", "", "report on the meeting with this `ID` instead of the next one")
	if code, ok := e.parseNone(f, args); !ok {
		return code
	}
	s, err := e.load(f)
	if err != nil {
		return e.fail(err)
	}
	loc := s.Location
	if meetingID != "" {
		if _, ok := s.Calendar.Find(meetingID); !ok {
			return e.usageError("no meeting %q in the calendar: 'roadmap meetings' lists them", meetingID)
		}
	}
	// Beside a running daemon: read the ledger, never create one.
	db, err := readLedger(ctx, s)
	if err != nil {
		return e.fail(err)
	}
	if db != nil {
		defer db.Close()
	}
	st, err := collectStatusOf(ctx, db, s, e.now(), meetingID)
	if err != nil {
		return e.fail(err)
	}
	if f.json {
		err = e.printJSON(st)
	} else {
		err = printStatus(e.stdout, st, loc)
	}
	if err != nil {
		return e.fail(err)
	}
	return exitOK
}

// status is what `roadmap status` reports (and its --json).
type status struct {
	Now      time.Time `json:"now"`
	Timezone string    `json:"timezone"`
	// Meeting is the next meeting (today's or later), or the one asked for;
	// nil when the calendar has none ahead.
	Meeting       *roadmap.Meeting          `json:"meeting"`
	Jurisdictions []render.SubmissionStatus `json:"jurisdictions"`
	NextBuilds    []statusBuild             `json:"next_builds"`
	LastBuilds    []roadmap.Build           `json:"last_builds"`
}

// statusBuild is a planned build.
type statusBuild struct {
	Meeting string            `json:"meeting"`
	Kind    roadmap.BuildKind `json:"kind"`
	At      time.Time         `json:"at"`
	State   string            `json:"state"` // planned, missed
}

// collectStatus is the status for the next meeting.
func collectStatus(ctx context.Context, db *store.DB, s *setup, now time.Time) (*status, error) {
	return collectStatusOf(ctx, db, s, now, "")
}

// collectStatusOf is the status for the meeting with id meetingID, or the next
// one when it is "". db may be nil (no ledger yet).
func collectStatusOf(ctx context.Context, db *store.DB, s *setup, now time.Time, meetingID string) (*status, error) {
	cal, loc := s.Calendar, s.Location
	st := &status{Now: now.In(loc), Timezone: s.Config.Timezone, Jurisdictions: []render.SubmissionStatus{},
		NextBuilds: []statusBuild{}, LastBuilds: []roadmap.Build{}}
	if meetingID != "" {
		st.Meeting, _ = cal.Find(meetingID)
	} else {
		st.Meeting, _ = cal.Next(now)
	}
	var builds []roadmap.Build
	if db != nil {
		var err error
		if builds, err = db.Builds(ctx); err != nil {
			return nil, err
		}
	}
	if m := st.Meeting; m != nil {
		var ledger render.StatusLedger
		if db != nil {
			ledger = db
		}
		var err error
		if st.Jurisdictions, err = render.MeetingStatus(ctx, ledger, s.Catalogue, cal, *m, now); err != nil {
			return nil, err
		}
	}
	for _, p := range schedule.Plan(cal.Meetings, s.Config.Plans, builds, now, loc) {
		if len(st.NextBuilds) == statusBuilds {
			break
		}
		if !p.Upcoming(now) {
			continue
		}
		st.NextBuilds = append(st.NextBuilds, statusBuild{Meeting: p.Meeting.ID, Kind: p.Kind, At: p.At.In(loc), State: p.State(now)})
	}
	for i := len(builds) - 1; i >= 0 && len(st.LastBuilds) < statusBuilds; i-- {
		b := builds[i]
		b.Started, b.AsOf = b.Started.In(loc), b.AsOf.In(loc)
		st.LastBuilds = append(st.LastBuilds, b)
	}
	return st, nil
}

func printStatus(w io.Writer, st *status, loc *time.Location) error {
	fmt.Fprintf(w, "Status at %s (times in %s).\n\n", st.Now.Format(timeLayout), st.Timezone)
	if m := st.Meeting; m != nil {
		what := string(m.Kind)
		if m.Jurisdiction != "" {
			what += " " + m.Jurisdiction
		}
		where := ""
		if m.Place != "" {
			where = " in " + m.Place
		}
		fmt.Fprintf(w, "Meeting %s (%s) on %s%s reviews %s.\n", m.ID, what, m.Date, where, m.Period)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "JURISDICTION\tSTATE\tVERSION\tRECEIVED\tWARNINGS\tREJECTED\tDEADLINE")
		for _, j := range st.Jurisdictions {
			state, version, received, warnings := j.State, "-", "-", "-"
			if j.Version > 0 {
				version, warnings = fmt.Sprint(j.Version), fmt.Sprint(j.Warnings)
			}
			if j.Received != nil {
				received = j.Received.Format(timeLayout)
			}
			deadline := "-"
			if j.Deadline != nil {
				deadline = j.Deadline.Format(time.DateOnly)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", j.Code, state, version, received, warnings, j.Rejected, deadline)
		}
		if err := tw.Flush(); err != nil {
			return fmt.Errorf("print status: %w", err)
		}
	} else {
		fmt.Fprintln(w, "No meeting ahead in the calendar: add the next ones to roadmap.yaml (key meetings).")
	}

	fmt.Fprintln(w, "\nNext builds:")
	if len(st.NextBuilds) == 0 {
		fmt.Fprintln(w, "  none planned")
	}
	for _, b := range st.NextBuilds {
		fmt.Fprintf(w, "  %s  %s %s (%s)\n", b.At.In(loc).Format(timeLayout), b.Meeting, b.Kind, b.State)
	}
	fmt.Fprintln(w, "\nLast builds:")
	if len(st.LastBuilds) == 0 {
		fmt.Fprintln(w, "  none yet")
	}
	for _, b := range st.LastBuilds {
		how := "scheduled"
		if !b.Scheduled {
			how = "by hand"
		}
		outcome := "ok: " + strings.Join(b.Outputs, ", ")
		if len(b.Outputs) == 0 {
			outcome = "ok"
		}
		if !b.OK {
			outcome = "FAILED: " + b.Error
		}
		fmt.Fprintf(w, "  %s  %s %s, %s, %s\n", b.Started.In(loc).Format(timeLayout), b.Meeting, b.Kind, how, outcome)
	}
	return nil
}

// writeStatusDigest writes the status as status-DAY.txt and status-DAY.json
// into dir (reports/status/), DAY being the status's day in loc, each under
// a temporary name and then renamed, so that a reader never sees half a file.
// It returns the paths written.
func writeStatusDigest(dir string, st *status, loc *time.Location) ([]string, error) {
	if _, err := datadir.MkdirAll(dir); err != nil {
		return nil, fmt.Errorf("status digest: %w", err)
	}
	base := filepath.Join(dir, "status-"+st.Now.In(loc).Format(time.DateOnly))
	var text strings.Builder
	if err := printStatus(&text, st, loc); err != nil {
		return nil, err
	}
	js, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("status digest: %w", err)
	}
	var paths []string
	for _, out := range []struct {
		path string
		data []byte
	}{{base + ".txt", []byte(text.String())}, {base + ".json", append(js, '\n')}} {
		if err := datadir.WriteBytes(out.path, datadir.Write{Sync: true}, out.data); err != nil {
			return paths, fmt.Errorf("status digest: %w", err)
		}
		paths = append(paths, out.path)
	}
	return paths, nil
}
