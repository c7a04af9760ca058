package web

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/render"
)

// Cycle is where the reporting cycle stands, from the one status model that
// `roadmap status` prints: the portal shows it and never decides a deadline
// or a state itself.
type Cycle interface {
	// Status is the overview for SEESAC: the next meeting, the completeness of
	// the round it reviews, and the next meetings with their planned builds.
	Status(ctx context.Context) (*Status, error)
	// Round is where a jurisdiction stands in its open round (the period
	// reviewed by the next meeting that concerns it); nil when the calendar
	// has no meeting ahead for it.
	Round(ctx context.Context, jurisdiction string) (*Round, error)
	// Meeting finds a meeting of the calendar.
	Meeting(id string) (roadmap.Meeting, bool)
	// Name is a jurisdiction's name ("" when the catalogue has no such code).
	Name(jurisdiction string) string
}

// Status is the SEESAC overview.
type Status struct {
	Now      time.Time
	Location *time.Location
	// Meeting is the next meeting; nil when the calendar has none ahead.
	Meeting *roadmap.Meeting
	// Jurisdictions is the completeness of the round the meeting reviews,
	// from the one status model.
	Jurisdictions []render.SubmissionStatus
	// Upcoming lists the next meetings, soonest first, with their builds.
	Upcoming []Upcoming
}

// Upcoming is a meeting ahead with its planned builds.
type Upcoming struct {
	Meeting roadmap.Meeting
	Builds  []PlannedBuild
}

// PlannedBuild is a build of the plan.
type PlannedBuild struct {
	Kind  roadmap.BuildKind
	At    time.Time
	State string // planned, missed, done
}

// Round is a jurisdiction's open round: the meeting, and where its report
// stands in the one status model.
type Round struct {
	Meeting roadmap.Meeting
	render.SubmissionStatus
}

// Ledger is what the portal reads of the ledger; *store.DB implements it.
type Ledger interface {
	// Submission is the submission with that id, with its findings, or nil.
	Submission(ctx context.Context, id int64) (*roadmap.Submission, error)
	// From lists the submissions that came from a jurisdiction's folder or
	// carry its data, newest first, with their findings.
	From(ctx context.Context, jurisdiction string) ([]roadmap.Submission, error)
	// Builds lists every build, oldest first.
	Builds(ctx context.Context) ([]roadmap.Build, error)
}

// Feedback is the intake's rule for where a submission's notes are;
// *ingest.Intake implements it.
type Feedback interface {
	// Home is the jurisdiction whose submission it is (its feedback folder).
	Home(s *roadmap.Submission) string
	// FeedbackFiles are the note and the annotated workbook ("" when none),
	// relative to the data folder.
	FeedbackFiles(s *roadmap.Submission) (note, annotated string)
}

// Inbox is where an upload goes: the jurisdiction's inbox folder, from which
// the daemon's intake takes it like any other drop; *ingest.Intake
// implements it.
type Inbox interface {
	// Accepts reports whether the intake reads a file of that name as a
	// workbook.
	Accepts(name string) bool
	// Drop writes r into the jurisdiction's inbox folder under name, whole
	// or not at all. Its error wraps fs.ErrExist when a file of that name is
	// still waiting there, and the reader's error (such as ErrTooLarge).
	Drop(jurisdiction, name string, r io.Reader) error
	// Waiting lists the files of the jurisdiction's inbox folder that the
	// intake has not taken yet.
	Waiting(jurisdiction string) ([]string, error)
}

// ErrTooLarge is the error of an upload larger than the intake's limit.
var ErrTooLarge = errors.New("the file is larger than the size limit")

// Outbox is the ledger's outbox; *store.DB implements it.
type Outbox interface {
	// Messages lists every message, newest first.
	Messages(ctx context.Context) ([]roadmap.Message, error)
}

// Event is what the portal writes to the audit log.
type Event struct {
	Kind         string // login, login-refused, logout, upload, download
	Account      string
	Jurisdiction string
	Submission   int64
	Detail       string
}

// Audit kinds the portal writes.
const (
	EventLogin        = "login"
	EventLoginRefused = "login-refused"
	EventLogout       = "logout"
	EventUpload       = "upload"
	EventDownload     = "download"
)
