package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/seesac/roadmap"
)

// RecordBuild records a report build, sets b.ID and appends a "built" or
// "build-failed" audit event at the build's start time, in one transaction.
func (db *DB) RecordBuild(ctx context.Context, b *roadmap.Build) error {
	if b.Meeting == "" || b.Started.IsZero() {
		return fmt.Errorf("record build: a build needs a meeting (or period) and a start time")
	}
	outputs := b.Outputs
	if outputs == nil {
		outputs = []string{}
	}
	out, err := json.Marshal(outputs)
	if err != nil {
		return fmt.Errorf("record build %s: %w", b.Meeting, err)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record build %s: %w", b.Meeting, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO builds (meeting, kind, started, as_of, inputs_hash, outputs, ok,
		error, scheduled, as_of_given) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, b.Meeting, string(b.Kind), formatTime(b.Started),
		formatTime(b.AsOf), b.InputsHash, string(out), boolInt(b.OK), b.Error, boolInt(b.Scheduled), boolInt(b.AsOfGiven))
	if err != nil {
		return fmt.Errorf("record build %s: %w", b.Meeting, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("record build %s: %w", b.Meeting, err)
	}
	e := Event{Time: b.Started, Kind: EventBuilt,
		Detail: fmt.Sprintf("%s %s as of %s: %d file(s)", b.Meeting, b.Kind, formatTime(b.AsOf), len(b.Outputs))}
	if !b.OK {
		e.Kind = EventBuildFailed
		e.Detail = fmt.Sprintf("%s %s as of %s: %s", b.Meeting, b.Kind, formatTime(b.AsOf), b.Error)
	}
	if err := appendEvent(ctx, tx, e); err != nil {
		return fmt.Errorf("record build %s: %w", b.Meeting, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record build %s: commit: %w", b.Meeting, err)
	}
	b.ID = id
	return nil
}

// Builds lists every recorded build, oldest first.
func (db *DB) Builds(ctx context.Context) ([]roadmap.Build, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, meeting, kind, started, as_of, inputs_hash, outputs, ok, error,
		scheduled, as_of_given FROM builds ORDER BY started, id`)
	if err != nil {
		return nil, fmt.Errorf("builds: %w", err)
	}
	defer rows.Close()
	var out []roadmap.Build
	for rows.Next() {
		var b roadmap.Build
		var kind, started, asOf, outputs string
		var ok, scheduled, given int
		if err := rows.Scan(&b.ID, &b.Meeting, &kind, &started, &asOf, &b.InputsHash, &outputs, &ok, &b.Error,
			&scheduled, &given); err != nil {
			return nil, fmt.Errorf("builds: %w", err)
		}
		b.Kind, b.OK, b.Scheduled, b.AsOfGiven = roadmap.BuildKind(kind), ok == 1, scheduled == 1, given == 1
		if b.Started, err = parseTime(started); err != nil {
			return nil, fmt.Errorf("build %d: %w", b.ID, err)
		}
		if b.AsOf, err = parseTime(asOf); err != nil {
			return nil, fmt.Errorf("build %d: %w", b.ID, err)
		}
		if err := json.Unmarshal([]byte(outputs), &b.Outputs); err != nil {
			return nil, fmt.Errorf("build %d outputs: %w", b.ID, err)
		}
		if len(b.Outputs) == 0 {
			b.Outputs = nil
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("builds: %w", err)
	}
	return out, nil
}
