package main

import (
	"bytes"
	"context"
	"log/slog"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/ingest"
	"github.com/seesac/roadmap/render"
	"github.com/seesac/roadmap/schedule"
	"github.com/seesac/roadmap/store"
	"github.com/seesac/roadmap/templates"
	"github.com/seesac/roadmap/web"
)

// How many meetings ahead SEESAC's home lists.
const portalMeetings = 4

// newPortal is the web portal over a data folder, reading db and handing
// uploads to the inbox that in takes from.
func newPortal(s *setup, db *store.DB, in *ingest.Intake, log *slog.Logger, now func() time.Time) *web.Server {
	return &web.Server{
		Root:      s.Data,
		Accounts:  accountsIn(s.data()),
		Cycle:     &portalCycle{db: db, s: s, now: now},
		Ledger:    db,
		Feedback:  in,
		Inbox:     in,
		Outbox:    db,
		MaxUpload: s.Config.Intake.MaxSize(),
		Template: func(j string, p roadmap.Period) (string, []byte, error) {
			var b bytes.Buffer
			if err := templates.WriteWorkbook(&b, s.Catalogue, j, p); err != nil {
				return "", nil, err
			}
			return templates.FileName(j, p), b.Bytes(), nil
		},
		Audit: func(ctx context.Context, e web.Event) error {
			return db.Audit(ctx, store.Event{Time: now(), Kind: e.Kind, Account: e.Account,
				Jurisdiction: e.Jurisdiction, Submission: e.Submission, Detail: e.Detail})
		},
		Location:    s.Location,
		Now:         now,
		Log:         log,
		BehindProxy: s.Config.Web.BehindProxy,
	}
}

// portalCycle is the status model of `roadmap status` as the portal reads
// it: the same collection, never a second rule.
type portalCycle struct {
	db  *store.DB
	s   *setup
	now func() time.Time
}

func (c *portalCycle) Status(ctx context.Context) (*web.Status, error) {
	now := c.now()
	s := c.s
	st, err := collectStatus(ctx, c.db, s, now)
	if err != nil {
		return nil, err
	}
	out := &web.Status{Now: st.Now, Location: s.Location, Meeting: st.Meeting, Jurisdictions: st.Jurisdictions}
	builds, err := c.db.Builds(ctx)
	if err != nil {
		return nil, err
	}
	ahead, _ := schedule.ByMeeting(s.Calendar, schedule.Plan(s.Calendar.Meetings, s.Config.Plans, builds, now, s.Location), now, false)
	for _, mp := range ahead[:min(len(ahead), portalMeetings)] {
		u := web.Upcoming{Meeting: mp.Meeting}
		for _, p := range mp.Steps {
			u.Builds = append(u.Builds, web.PlannedBuild{Kind: p.Kind, At: p.At, State: p.State(now)})
		}
		out.Upcoming = append(out.Upcoming, u)
	}
	return out, nil
}

func (c *portalCycle) Round(ctx context.Context, code string) (*web.Round, error) {
	s, now := c.s, c.now()
	m, ok := s.Calendar.NextFor(code, now)
	if !ok {
		return nil, nil
	}
	all, err := render.MeetingStatus(ctx, c.db, s.Catalogue, s.Calendar, *m, now)
	if err != nil {
		return nil, err
	}
	for _, st := range all {
		if st.Code == code {
			return &web.Round{Meeting: *m, SubmissionStatus: st}, nil
		}
	}
	return nil, nil
}

func (c *portalCycle) Meeting(id string) (roadmap.Meeting, bool) {
	m, ok := c.s.Calendar.Find(id)
	if !ok {
		return roadmap.Meeting{}, false
	}
	return *m, true
}

func (c *portalCycle) Name(code string) string {
	if j, ok := c.s.Catalogue.Jurisdiction(code); ok {
		return j.Name
	}
	return ""
}
