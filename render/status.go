package render

import (
	"context"
	"time"

	"github.com/seesac/roadmap"
)

// StatusLedger is what a status reads from the ledger (store.DB satisfies it).
type StatusLedger interface {
	// PeriodHistory lists every submission of a period, of every
	// jurisdiction and state, oldest first, with its findings.
	PeriodHistory(ctx context.Context, p roadmap.Period) ([]roadmap.Submission, error)
}

// SubmissionStatus is where one jurisdiction's report for a period stands:
// a row of `roadmap status` and of the daemon's digest. Its State is decided
// as in a report's completeness table (Completeness), by the calendar's one
// timeliness model (roadmap.Calendar, docs/cycle.md).
type SubmissionStatus struct {
	Code  string             `json:"code"`
	Name  string             `json:"name"`
	State roadmap.Timeliness `json:"state"`
	// Deadline is the last instant of the jurisdiction's deadline day; nil
	// when the calendar gives none.
	Deadline *time.Time `json:"deadline,omitempty"`
	// Version is the current accepted version (0 when none), Received when
	// it arrived and Warnings how many warnings it carries.
	Version  int        `json:"version,omitempty"`
	Received *time.Time `json:"received,omitempty"`
	Warnings int        `json:"warnings"`
	// Rejected counts the files rejected for this period, all versions.
	Rejected int `json:"rejected"`
}

// MeetingStatus is the status, at now, of the reports that meeting m
// reviews: every jurisdiction of the catalogue that m concerns, in catalogue
// order. A nil ledger (none yet) has nothing accepted. Times are in the
// calendar's zone.
func MeetingStatus(ctx context.Context, ledger StatusLedger, cat *roadmap.Catalogue, cal *roadmap.Calendar, m roadmap.Meeting, now time.Time) ([]SubmissionStatus, error) {
	var subs []roadmap.Submission
	if ledger != nil {
		var err error
		if subs, err = ledger.PeriodHistory(ctx, m.Period); err != nil {
			return nil, err
		}
	}
	out := []SubmissionStatus{}
	for _, j := range cat.Jurisdictions {
		if !m.Concerns(j.Code) {
			continue
		}
		out = append(out, submissionStatus(cal, j, m.Period, subs, now))
	}
	return out, nil
}

// submissionStatus is j's status for p among subs (the period's history,
// oldest first). On time or late is decided by the first accepted version.
func submissionStatus(cal *roadmap.Calendar, j roadmap.Jurisdiction, p roadmap.Period, subs []roadmap.Submission, now time.Time) SubmissionStatus {
	st := SubmissionStatus{Code: j.Code, Name: j.Name}
	if deadline, ok := cal.Deadline(j.Code, p); ok {
		st.Deadline = &deadline
	}
	var first, current *roadmap.Submission
	for i := range subs {
		sub := &subs[i]
		if sub.Jurisdiction != j.Code {
			continue
		}
		switch sub.State {
		case roadmap.Rejected:
			st.Rejected++
		case roadmap.Accepted, roadmap.Superseded:
			if first == nil || sub.Received.Before(first.Received) {
				first = sub
			}
			if current == nil || sub.Version > current.Version {
				current = sub
			}
		}
	}
	if current == nil {
		st.State = cal.Timeliness(j.Code, p, time.Time{}, now)
		return st
	}
	st.State = cal.Timeliness(j.Code, p, first.Received, now)
	received := current.Received
	if cal != nil && cal.Location != nil {
		received = received.In(cal.Location)
	}
	st.Version, st.Received = current.Version, &received
	st.Warnings = roadmap.CountFindings(current.Findings, roadmap.Warning)
	return st
}
