package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/seesac/roadmap"
)

// Errors of the outbox that a command reports as they are.
var (
	ErrNoMessage = errors.New("no message with this key in the outbox")
	ErrNotFailed = errors.New("the message has not failed: only a failed message can be retried")
)

// Enqueue records a pending message, due at once, with its attachments'
// content, unless a message with its key is already recorded: a key is sent
// at most once. It reports whether the message is new.
func (db *DB) Enqueue(ctx context.Context, m *roadmap.Message, now time.Time) (bool, error) {
	if m.Key == "" || len(m.To) == 0 {
		return false, fmt.Errorf("enqueue %q: a message needs a key and a recipient", m.Key)
	}
	for i := range m.Attachments {
		a := &m.Attachments[i]
		sum := sha256.Sum256(a.Data)
		a.Hash, a.Size = hex.EncodeToString(sum[:]), int64(len(a.Data))
	}
	to, err := json.Marshal(m.To)
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", m.Key, err)
	}
	atts := m.Attachments
	if atts == nil {
		atts = []roadmap.Attachment{}
	}
	list, err := json.Marshal(atts)
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", m.Key, err)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", m.Key, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO outbox (key, jurisdiction, recipients, subject, body, attachments,
		state, created, next_try) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (key) DO NOTHING`,
		m.Key, m.Jurisdiction, string(to), m.Subject, m.Body, string(list), formatTime(now), formatTime(now))
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", m.Key, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	for _, a := range m.Attachments {
		if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (hash, data) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING`,
			a.Hash, a.Data); err != nil {
			return false, fmt.Errorf("enqueue %s: attachment %s: %w", m.Key, a.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("enqueue %s: commit: %w", m.Key, err)
	}
	m.State, m.Created, m.NextTry = roadmap.MessagePending, now.UTC(), now.UTC()
	return true, nil
}

const messageColumns = `key, jurisdiction, recipients, subject, body, attachments, state, tries, last_error,
	created, next_try, attempted, in_flight, sent, via`

// Due lists the pending messages due at now, the longest waiting first,
// without their attachments' content (Load adds it).
func (db *DB) Due(ctx context.Context, now time.Time, limit int) ([]roadmap.Message, error) {
	return db.messages(ctx, `WHERE state = 'pending' AND next_try <= ? ORDER BY next_try, key LIMIT ?`,
		formatTime(now), limit)
}

// Messages lists every message of the outbox, newest first.
func (db *DB) Messages(ctx context.Context) ([]roadmap.Message, error) {
	return db.messages(ctx, `ORDER BY created DESC, key`)
}

// Message is the message recorded under key, or ErrNoMessage.
func (db *DB) Message(ctx context.Context, key string) (*roadmap.Message, error) {
	ms, err := db.messages(ctx, `WHERE key = ?`, key)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("%q: %w", key, ErrNoMessage)
	}
	return &ms[0], nil
}

// InFlight reports whether a try of the message was started and its outcome
// never recorded (a crash cut it off).
func (db *DB) InFlight(ctx context.Context, key string) (bool, error) {
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT in_flight FROM outbox WHERE key = ?`, key).Scan(&n); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, fmt.Errorf("%q: %w", key, ErrNoMessage)
		}
		return false, fmt.Errorf("outbox %s: %w", key, err)
	}
	return n == 1, nil
}

func (db *DB) messages(ctx context.Context, where string, args ...any) ([]roadmap.Message, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+messageColumns+` FROM outbox `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	defer rows.Close()
	var out []roadmap.Message
	for rows.Next() {
		var m roadmap.Message
		var to, atts, state, created, next, attempted, sent string
		var inFlight int
		if err := rows.Scan(&m.Key, &m.Jurisdiction, &to, &m.Subject, &m.Body, &atts, &state, &m.Tries,
			&m.LastError, &created, &next, &attempted, &inFlight, &sent, &m.Via); err != nil {
			return nil, fmt.Errorf("outbox: %w", err)
		}
		m.State = roadmap.MessageState(state)
		if err := json.Unmarshal([]byte(to), &m.To); err != nil {
			return nil, fmt.Errorf("outbox %s: recipients: %w", m.Key, err)
		}
		if err := json.Unmarshal([]byte(atts), &m.Attachments); err != nil {
			return nil, fmt.Errorf("outbox %s: attachments: %w", m.Key, err)
		}
		for _, t := range []struct {
			text string
			into *time.Time
		}{{created, &m.Created}, {next, &m.NextTry}, {attempted, &m.Attempted}, {sent, &m.Sent}} {
			if t.text == "" {
				continue
			}
			if *t.into, err = parseTime(t.text); err != nil {
				return nil, fmt.Errorf("outbox %s: %w", m.Key, err)
			}
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return out, nil
}

// Load reads the content of m's attachments.
func (db *DB) Load(ctx context.Context, m *roadmap.Message) error {
	for i := range m.Attachments {
		a := &m.Attachments[i]
		if err := db.r.QueryRowContext(ctx, `SELECT data FROM blobs WHERE hash = ?`, a.Hash).Scan(&a.Data); err != nil {
			return fmt.Errorf("outbox %s: attachment %s: %w", m.Key, a.Name, err)
		}
		if int64(len(a.Data)) != a.Size {
			return fmt.Errorf("outbox %s: attachment %s has %d bytes, %d were recorded", m.Key, a.Name, len(a.Data), a.Size)
		}
	}
	return nil
}

// Attempt records that a try of a pending message starts now, before it is
// handed to the server: if the process dies before the outcome is recorded,
// the message stays pending and in flight, and is sent again.
func (db *DB) Attempt(ctx context.Context, key string, now time.Time) error {
	return db.update(ctx, key, `UPDATE outbox SET tries = tries + 1, attempted = ?, in_flight = 1
		WHERE key = ? AND state = 'pending'`, formatTime(now), key)
}

// Delivered records that the message was sent at now, by way of via, and
// audits it, in one transaction.
func (db *DB) Delivered(ctx context.Context, key string, now time.Time, via string) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("outbox %s: %w", key, err)
	}
	defer tx.Rollback()
	var jurisdiction string
	if err := tx.QueryRowContext(ctx, `SELECT jurisdiction FROM outbox WHERE key = ?`, key).Scan(&jurisdiction); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%q: %w", key, ErrNoMessage)
		}
		return fmt.Errorf("outbox %s: %w", key, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'sent', sent = ?, via = ?, next_try = '',
		in_flight = 0, last_error = '' WHERE key = ?`, formatTime(now), via, key); err != nil {
		return fmt.Errorf("outbox %s: %w", key, err)
	}
	if err := appendEvent(ctx, tx, Event{Time: now, Kind: EventDelivered, Jurisdiction: jurisdiction,
		Detail: key + " via " + via}); err != nil {
		return fmt.Errorf("outbox %s: %w", key, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("outbox %s: commit: %w", key, err)
	}
	return nil
}

// Postpone records a try that failed for now (the server unreachable or
// busy): the message stays pending, due again at next.
func (db *DB) Postpone(ctx context.Context, key, reason string, next time.Time) error {
	return db.update(ctx, key, `UPDATE outbox SET last_error = ?, next_try = ?, in_flight = 0
		WHERE key = ? AND state = 'pending'`, reason, formatTime(next), key)
}

// Fail records that the message cannot be sent (the server refused it, or
// the tries ran out): it stays failed until an operator retries it.
func (db *DB) Fail(ctx context.Context, key, reason string) error {
	return db.update(ctx, key, `UPDATE outbox SET state = 'failed', last_error = ?, next_try = '', in_flight = 0
		WHERE key = ? AND state = 'pending'`, reason, key)
}

// Retry takes a failed message back to pending, due at now, with its tries
// counted afresh.
func (db *DB) Retry(ctx context.Context, key string, now time.Time) error {
	m, err := db.Message(ctx, key)
	if err != nil {
		return err
	}
	if m.State != roadmap.MessageFailed {
		return fmt.Errorf("%q is %s: %w", key, m.State, ErrNotFailed)
	}
	return db.update(ctx, key, `UPDATE outbox SET state = 'pending', next_try = ?, tries = 0
		WHERE key = ? AND state = 'failed'`, formatTime(now), key)
}

func (db *DB) update(ctx context.Context, key, q string, args ...any) error {
	res, err := db.w.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("outbox %s: %w", key, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("outbox %s: %w", key, err)
	} else if n == 0 {
		return fmt.Errorf("outbox %s: not pending (sent, failed or unknown)", key)
	}
	return nil
}

// Has reports whether a message with the key is recorded, in any state.
func (db *DB) Has(ctx context.Context, key string) (bool, error) {
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE key = ?`, key).Scan(&n); err != nil {
		return false, fmt.Errorf("outbox %s: %w", key, err)
	}
	return n > 0, nil
}

// Pending counts the pending messages and says since when the oldest has
// been waiting (zero when none).
func (db *DB) Pending(ctx context.Context) (int, time.Time, error) {
	var n int
	var oldest sql.NullString
	if err := db.r.QueryRowContext(ctx, `SELECT count(*), min(created) FROM outbox WHERE state = 'pending'`).Scan(&n, &oldest); err != nil {
		return 0, time.Time{}, fmt.Errorf("outbox: %w", err)
	}
	if !oldest.Valid {
		return n, time.Time{}, nil
	}
	t, err := parseTime(oldest.String)
	return n, t, err
}

// copyOutbox copies every message of prev's outbox, in its state, and the
// attachments they carry into db, in one transaction (a reindex keeps what
// was sent and what is still to send). It returns how many it copied.
func (db *DB) copyOutbox(ctx context.Context, prev *DB) (int, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n := 0
	err = eachPrevRow(ctx, prev, `SELECT `+messageColumns+` FROM outbox`, 15, func(v []any) error {
		n++
		_, err := tx.ExecContext(ctx, `INSERT INTO outbox (`+messageColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v...)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("copy the outbox: %w", err)
	}
	err = eachPrevRow(ctx, prev, `SELECT hash, data FROM blobs`, 2, func(v []any) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO blobs (hash, data) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING`, v...)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("copy the outbox's attachments: %w", err)
	}
	return n, tx.Commit()
}

// eachPrevRow calls fn with the values of each row of q in prev.
func eachPrevRow(ctx context.Context, prev *DB, q string, cols int, fn func([]any) error) error {
	rows, err := prev.r.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		v := make([]any, cols)
		ptrs := make([]any, cols)
		for i := range v {
			ptrs[i] = &v[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}
