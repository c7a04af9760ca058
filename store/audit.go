package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Event is one line of the audit log.
type Event struct {
	Time         time.Time `json:"time"`
	Kind         string    `json:"kind"`
	Jurisdiction string    `json:"jurisdiction,omitempty"`
	Period       string    `json:"period,omitempty"`
	Submission   int64     `json:"submission,omitempty"` // 0 when the event concerns no submission
	Detail       string    `json:"detail,omitempty"`
	// Account is the portal account that acted ("" for the daemon's own events).
	Account string `json:"account,omitempty"`
}

// Kinds of audit event.
const (
	EventReceived    = "received"
	EventAccepted    = "accepted"
	EventRejected    = "rejected"
	EventDuplicate   = "duplicate"
	EventSuperseded  = "superseded"
	EventBuilt       = "built"
	EventDelivered   = "delivered"
	EventBuildFailed = "build-failed"
	// The portal's events, each with its account.
	EventLogin        = "login"
	EventLoginRefused = "login-refused"
	EventLogout       = "logout"
	EventUpload       = "upload"
	EventDownload     = "download"
)

var eventKinds = map[string]bool{
	EventReceived: true, EventAccepted: true, EventRejected: true, EventDuplicate: true,
	EventSuperseded: true, EventBuilt: true, EventDelivered: true, EventBuildFailed: true,
	EventLogin: true, EventLoginRefused: true, EventLogout: true, EventUpload: true, EventDownload: true,
}

// Audit appends an event to the audit log (used for events that are not part
// of Record or RecordBuild, such as a delivered report).
func (db *DB) Audit(ctx context.Context, e Event) error {
	if err := appendEvent(ctx, db.w, e); err != nil {
		return fmt.Errorf("audit %s: %w", e.Kind, err)
	}
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func appendEvent(ctx context.Context, x execer, e Event) error {
	if !eventKinds[e.Kind] {
		return fmt.Errorf("unknown audit event kind %q", e.Kind)
	}
	if e.Time.IsZero() {
		return fmt.Errorf("audit event %s has no time", e.Kind)
	}
	var sub any
	if e.Submission != 0 {
		sub = e.Submission
	}
	_, err := x.ExecContext(ctx, `INSERT INTO audit (time, kind, jurisdiction, period, submission_id, detail, account)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, formatTime(e.Time), e.Kind, e.Jurisdiction, e.Period, sub, e.Detail, e.Account)
	return err
}

// Events lists the audit log from since on (inclusive), in the order written.
func (db *DB) Events(ctx context.Context, since time.Time) ([]Event, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT time, kind, jurisdiction, period, coalesce(submission_id, 0), detail, account
		FROM audit WHERE time >= ? ORDER BY id`, formatTime(since))
	if err != nil {
		return nil, fmt.Errorf("audit events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at string
		if err := rows.Scan(&at, &e.Kind, &e.Jurisdiction, &e.Period, &e.Submission, &e.Detail, &e.Account); err != nil {
			return nil, fmt.Errorf("audit events: %w", err)
		}
		if e.Time, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("audit events: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit events: %w", err)
	}
	return out, nil
}
