package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/seesac/roadmap"
)

// Record writes a submission with its values, narratives and findings and its
// audit events in one transaction, and sets s.ID. When s.State is Accepted it
// becomes the next version of its jurisdiction and period (s.Version is set)
// and the version it replaces is marked superseded. source identifies the drop
// (inbox path, size, modification time, hash): recording the same source twice
// fails with ErrRecorded, which is what lets an interrupted intake resume.
//
// The audit events carry s.Received as their time, so that rebuilding the
// ledger from the archive rebuilds the same log.
func (db *DB) Record(ctx context.Context, s *roadmap.Submission, source string) error {
	return db.RecordAll(ctx, []roadmap.Recording{{Submission: s, Source: source}})
}

// RecordAll records several submissions in one transaction, in the order
// given, as if Record had been called for each in turn (a later version of
// the same report supersedes an earlier one of the same call): the intake
// commits a group of files with one flush of the ledger. Either all are
// recorded, or none is (and no ID or Version is set).
func (db *DB) RecordAll(ctx context.Context, subs []roadmap.Recording) error {
	for _, r := range subs {
		if err := checkRecordable(r.Submission, r.Source); err != nil {
			return err
		}
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record submissions: %w", err)
	}
	defer tx.Rollback()
	type set struct {
		id      int64
		version int
	}
	done := make([]set, len(subs))
	for i, r := range subs {
		id, version, err := recordOne(ctx, tx, r.Submission, r.Source)
		if err != nil {
			return err
		}
		done[i] = set{id, version}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record submissions: commit: %w", err)
	}
	for i, r := range subs {
		r.Submission.ID, r.Submission.Version = done[i].id, done[i].version
	}
	return nil
}

// checkRecordable refuses what Record cannot record, before any write.
func checkRecordable(s *roadmap.Submission, source string) error {
	if source == "" {
		return errors.New("record submission: the source key is empty")
	}
	switch s.State {
	case roadmap.Accepted:
		if s.Jurisdiction == "" || s.Period.IsZero() {
			return fmt.Errorf("record submission %q: an accepted submission needs a jurisdiction and a period", s.Name)
		}
	case roadmap.Rejected, roadmap.Duplicate:
	default:
		return fmt.Errorf("record submission %q: state %q cannot be recorded", s.Name, s.State)
	}
	return nil
}

// recordOne writes one submission and its events inside tx and returns its
// ID and version.
func recordOne(ctx context.Context, tx *sql.Tx, s *roadmap.Submission, source string) (int64, int, error) {
	var known int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM submissions WHERE source = ?`, source).Scan(&known); err != nil {
		return 0, 0, fmt.Errorf("record submission %q: %w", s.Name, err)
	}
	if known > 0 {
		return 0, 0, fmt.Errorf("record submission %q: %w", s.Name, ErrRecorded)
	}

	period := s.Period.String()
	version := 0
	var replaced []int64
	if s.State == roadmap.Accepted {
		if err := tx.QueryRowContext(ctx,
			`SELECT coalesce(max(version), 0) FROM submissions WHERE jurisdiction = ? AND period = ?`,
			s.Jurisdiction, period).Scan(&version); err != nil {
			return 0, 0, fmt.Errorf("record submission %q: %w", s.Name, err)
		}
		version++
		rows, err := tx.QueryContext(ctx,
			`UPDATE submissions SET state = 'superseded' WHERE jurisdiction = ? AND period = ? AND state = 'accepted' RETURNING id`,
			s.Jurisdiction, period)
		if err != nil {
			return 0, 0, fmt.Errorf("record submission %q: supersede: %w", s.Name, err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return 0, 0, fmt.Errorf("record submission %q: supersede: %w", s.Name, err)
			}
			replaced = append(replaced, id)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return 0, 0, fmt.Errorf("record submission %q: supersede: %w", s.Name, err)
		}
	}

	res, err := tx.ExecContext(ctx, `INSERT INTO submissions (hash, name, folder, source, size, received,
		jurisdiction, period, template_version, catalogue_id, catalogue_version, catalogue_hash, version,
		state, path, institution, contact, email, cover_date, final)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.Hash, s.Name, s.Folder, source, s.Size, formatTime(s.Received),
		s.Jurisdiction, period, s.TemplateVersion, s.CatalogueID, s.CatalogueVersion, s.CatalogueHash, version,
		string(s.State), s.Path, s.Cover.Institution, s.Cover.Contact, s.Cover.Email, s.Cover.Date, boolInt(s.Cover.Final))
	if err != nil {
		return 0, 0, fmt.Errorf("record submission %q: %w", s.Name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, 0, fmt.Errorf("record submission %q: %w", s.Name, err)
	}
	if err := insertChildren(ctx, tx, id, s); err != nil {
		return 0, 0, fmt.Errorf("record submission %q: %w", s.Name, err)
	}

	at := s.Received
	events := []Event{{Time: at, Kind: EventReceived, Jurisdiction: s.Jurisdiction, Period: period, Submission: id,
		Detail: fmt.Sprintf("%q (%d bytes, sha256 %s) from %s", s.Name, s.Size, s.Hash, folderLabel(s.Folder))}}
	switch s.State {
	case roadmap.Accepted:
		events = append(events, Event{Time: at, Kind: EventAccepted, Jurisdiction: s.Jurisdiction, Period: period,
			Submission: id, Detail: fmt.Sprintf("version %d, %d warning(s)", version, roadmap.CountFindings(s.Findings, roadmap.Warning))})
		for _, old := range replaced {
			events = append(events, Event{Time: at, Kind: EventSuperseded, Jurisdiction: s.Jurisdiction, Period: period,
				Submission: old, Detail: fmt.Sprintf("replaced by version %d (submission %d)", version, id)})
		}
	case roadmap.Rejected:
		events = append(events, Event{Time: at, Kind: EventRejected, Jurisdiction: s.Jurisdiction, Period: period,
			Submission: id, Detail: fmt.Sprintf("%d error(s), %d warning(s)", roadmap.CountFindings(s.Findings, roadmap.Error), roadmap.CountFindings(s.Findings, roadmap.Warning))})
	case roadmap.Duplicate:
		events = append(events, Event{Time: at, Kind: EventDuplicate, Jurisdiction: s.Jurisdiction, Period: period,
			Submission: id, Detail: "the same content was already accepted"})
	}
	for _, e := range events {
		if err := appendEvent(ctx, tx, e); err != nil {
			return 0, 0, fmt.Errorf("record submission %q: %w", s.Name, err)
		}
	}
	return id, version, nil
}

func folderLabel(folder string) string {
	if folder == "" {
		return "the inbox"
	}
	return "inbox folder " + folder
}

func insertChildren(ctx context.Context, tx *sql.Tx, id int64, s *roadmap.Submission) error {
	if len(s.Values) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO kpi_values (submission_id, seq, row_code, indicator, part,
			reported, number, level, comment, cell, period) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("values: %w", err)
		}
		defer st.Close()
		for i, v := range s.Values {
			var num any
			if v.Reported && v.Level == "" {
				num = v.Number
			}
			period := v.Period
			if period.IsZero() {
				period = s.Period
			}
			if _, err := st.ExecContext(ctx, id, i, v.Row, v.Indicator, v.Part, boolInt(v.Reported), num,
				v.Level, v.Comment, v.Cell, period.String()); err != nil {
				return fmt.Errorf("value %s: %w", v.Row, err)
			}
		}
	}
	if len(s.Narratives) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO narratives (submission_id, seq, goal, progress, challenges,
			support) VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("narratives: %w", err)
		}
		defer st.Close()
		for i, n := range s.Narratives {
			if _, err := st.ExecContext(ctx, id, i, n.Goal, n.Progress, n.Challenges, n.Support); err != nil {
				return fmt.Errorf("narrative %s: %w", n.Goal, err)
			}
		}
	}
	if len(s.Findings) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO findings (submission_id, seq, severity, code, sheet, cell,
			indicator, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("findings: %w", err)
		}
		defer st.Close()
		for i, f := range s.Findings {
			if _, err := st.ExecContext(ctx, id, i, string(f.Severity), string(f.Code), f.Sheet, f.Cell,
				f.Indicator, f.Message); err != nil {
				return fmt.Errorf("finding %s: %w", f.Code, err)
			}
		}
	}
	return nil
}

// What to load with the submissions.
type detail int

const (
	withFindings detail = 1 << iota
	withValues
	withNarratives
	withAll = withFindings | withValues | withNarratives
)

const submissionColumns = `s.id, s.hash, s.name, s.folder, s.size, s.received, s.jurisdiction, s.period,
	s.template_version, s.catalogue_id, s.catalogue_version, s.catalogue_hash, s.version, s.state, s.path,
	s.institution, s.contact, s.email, s.cover_date, s.final`

// query loads the submissions that where (a condition on "s", written by this
// package, never by a caller) selects, in order, with the details asked for.
// It runs in one read transaction so that the submissions and their details
// are one consistent snapshot.
func (db *DB) query(ctx context.Context, where, order string, d detail, args ...any) ([]roadmap.Submission, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+submissionColumns+` FROM submissions s WHERE `+where+` ORDER BY `+order, args...)
	if err != nil {
		return nil, err
	}
	var subs []roadmap.Submission
	for rows.Next() {
		var s roadmap.Submission
		var received, period, state string
		var final int
		if err := rows.Scan(&s.ID, &s.Hash, &s.Name, &s.Folder, &s.Size, &received, &s.Jurisdiction, &period,
			&s.TemplateVersion, &s.CatalogueID, &s.CatalogueVersion, &s.CatalogueHash, &s.Version, &state, &s.Path,
			&s.Cover.Institution, &s.Cover.Contact, &s.Cover.Email, &s.Cover.Date, &final); err != nil {
			rows.Close()
			return nil, err
		}
		if s.Received, err = parseTime(received); err != nil {
			rows.Close()
			return nil, err
		}
		if err := s.Period.UnmarshalText([]byte(period)); err != nil {
			rows.Close()
			return nil, fmt.Errorf("submission %d: %w", s.ID, err)
		}
		s.State = roadmap.State(state)
		s.Cover.Final = final == 1
		subs = append(subs, s)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	if len(subs) == 0 {
		return nil, nil
	}
	index := make(map[int64]*roadmap.Submission, len(subs))
	for i := range subs {
		index[subs[i].ID] = &subs[i]
	}
	// The details are read with the same condition joined in, not with a list
	// of ids, so that no query grows with the number of submissions.
	if d&withValues != 0 {
		if err := eachRow(ctx, tx, `SELECT v.submission_id, v.row_code, v.indicator, v.part, v.reported, v.number,
			v.level, v.comment, v.cell, v.period FROM kpi_values v JOIN submissions s ON s.id = v.submission_id
			WHERE `+where+` ORDER BY v.submission_id, v.seq`, args, func(rows *sql.Rows) error {
			var id int64
			var v roadmap.Value
			var reported int
			var num sql.NullFloat64
			var period string
			if err := rows.Scan(&id, &v.Row, &v.Indicator, &v.Part, &reported, &num, &v.Level, &v.Comment, &v.Cell, &period); err != nil {
				return err
			}
			v.Reported = reported == 1
			v.Number = num.Float64
			s := index[id]
			if err := v.Period.UnmarshalText([]byte(period)); err != nil {
				return fmt.Errorf("value %s of submission %d: %w", v.Row, id, err)
			}
			if v.Period.IsZero() {
				v.Period = s.Period
			}
			s.Values = append(s.Values, v)
			return nil
		}); err != nil {
			return nil, fmt.Errorf("values: %w", err)
		}
	}
	if d&withNarratives != 0 {
		if err := eachRow(ctx, tx, `SELECT n.submission_id, n.goal, n.progress, n.challenges, n.support
			FROM narratives n JOIN submissions s ON s.id = n.submission_id
			WHERE `+where+` ORDER BY n.submission_id, n.seq`, args, func(rows *sql.Rows) error {
			var id int64
			var n roadmap.Narrative
			if err := rows.Scan(&id, &n.Goal, &n.Progress, &n.Challenges, &n.Support); err != nil {
				return err
			}
			s := index[id]
			s.Narratives = append(s.Narratives, n)
			return nil
		}); err != nil {
			return nil, fmt.Errorf("narratives: %w", err)
		}
	}
	if d&withFindings != 0 {
		if err := eachRow(ctx, tx, `SELECT f.submission_id, f.severity, f.code, f.sheet, f.cell, f.indicator, f.message
			FROM findings f JOIN submissions s ON s.id = f.submission_id
			WHERE `+where+` ORDER BY f.submission_id, f.seq`, args, func(rows *sql.Rows) error {
			var id int64
			var f roadmap.Finding
			var sev, code string
			if err := rows.Scan(&id, &sev, &code, &f.Sheet, &f.Cell, &f.Indicator, &f.Message); err != nil {
				return err
			}
			f.Severity, f.Code = roadmap.Severity(sev), roadmap.Code(code)
			s := index[id]
			s.Findings = append(s.Findings, f)
			return nil
		}); err != nil {
			return nil, fmt.Errorf("findings: %w", err)
		}
	}
	return subs, nil
}

func eachRow(ctx context.Context, tx *sql.Tx, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		if err := fn(rows); err != nil {
			rows.Close()
			return err
		}
	}
	return errors.Join(rows.Err(), rows.Close())
}

func (db *DB) one(ctx context.Context, what, where string, d detail, args ...any) (*roadmap.Submission, error) {
	subs, err := db.query(ctx, where, "s.id DESC", d, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(subs) == 0 {
		return nil, nil
	}
	return &subs[0], nil
}

// BySource finds the submission recorded for a drop, with all its details, or
// nil when the drop was never recorded.
func (db *DB) BySource(ctx context.Context, source string) (*roadmap.Submission, error) {
	return db.one(ctx, "submission by source", `s.source = ?`, withAll, source)
}

// AcceptedByHash finds the accepted (or since superseded) submission with the
// given content hash, with its findings, or nil when that content was never
// accepted.
func (db *DB) AcceptedByHash(ctx context.Context, hash string) (*roadmap.Submission, error) {
	s, err := db.query(ctx, `s.hash = ? AND s.state IN ('accepted', 'superseded')`, "s.id", withFindings, hash)
	if err != nil {
		return nil, fmt.Errorf("accepted submission by hash: %w", err)
	}
	if len(s) == 0 {
		return nil, nil
	}
	return &s[0], nil
}

// History lists every submission for a jurisdiction and period, in every
// state, oldest first, with its findings (not its values).
func (db *DB) History(ctx context.Context, jurisdiction string, p roadmap.Period) ([]roadmap.Submission, error) {
	subs, err := db.query(ctx, `s.jurisdiction = ? AND s.period = ?`, "s.received, s.id", withFindings,
		jurisdiction, p.String())
	if err != nil {
		return nil, fmt.Errorf("history of %s %s: %w", jurisdiction, p, err)
	}
	return subs, nil
}

// PeriodHistory lists every submission of period p, of every jurisdiction
// and in every state, oldest first, with its findings (not its values): what
// a status of that period reads, in one query.
func (db *DB) PeriodHistory(ctx context.Context, p roadmap.Period) ([]roadmap.Submission, error) {
	subs, err := db.query(ctx, `s.period = ?`, "s.received, s.id", withFindings, p.String())
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", p, err)
	}
	return subs, nil
}

// LastAccepted is when the newest accepted version of period p was received
// (superseded versions count: they were accepted), for jurisdiction j, or for
// every jurisdiction when j is ""; zero when there is none. It is how the
// daemon sees new data since a report's last build, in one query.
func (db *DB) LastAccepted(ctx context.Context, p roadmap.Period, j string) (time.Time, error) {
	var last sql.NullString
	if err := db.r.QueryRowContext(ctx, `SELECT MAX(received) FROM submissions
		WHERE period = ? AND state IN ('accepted', 'superseded') AND (? = '' OR jurisdiction = ?)`,
		p.String(), j, j).Scan(&last); err != nil {
		return time.Time{}, fmt.Errorf("last accepted file of %s %s: %w", j, p, err)
	}
	if !last.Valid {
		return time.Time{}, nil
	}
	return parseTime(last.String)
}

// Accepted lists every accepted version received at or before asOf, with
// values, narratives and findings, ordered by received time then id. The
// states are those as of asOf: for each jurisdiction and period the highest
// version among them is Accepted and the others Superseded, even when a
// version received after asOf has replaced it since.
func (db *DB) Accepted(ctx context.Context, asOf time.Time) ([]roadmap.Submission, error) {
	subs, err := db.query(ctx, `s.state IN ('accepted', 'superseded') AND s.received <= ?`, "s.received, s.id",
		withAll, formatTime(asOf))
	if err != nil {
		return nil, fmt.Errorf("accepted submissions as of %s: %w", asOf.UTC().Format(time.RFC3339), err)
	}
	type key struct {
		j string
		p roadmap.Period
	}
	latest := make(map[key]int)
	for i, s := range subs {
		k := key{s.Jurisdiction, s.Period}
		if j, ok := latest[k]; !ok || subs[j].Version < s.Version {
			latest[k] = i
		}
	}
	for i := range subs {
		subs[i].State = roadmap.Superseded
	}
	for _, i := range latest {
		subs[i].State = roadmap.Accepted
	}
	return subs, nil
}

// Latest is the current accepted version for a jurisdiction and period, with
// values, narratives and findings, or nil when none was accepted.
func (db *DB) Latest(ctx context.Context, jurisdiction string, p roadmap.Period) (*roadmap.Submission, error) {
	return db.one(ctx, fmt.Sprintf("latest submission of %s %s", jurisdiction, p),
		`s.jurisdiction = ? AND s.period = ? AND s.state = 'accepted'`, withAll, jurisdiction, p.String())
}

// InForce is the version of jurisdiction j's report for period p now in
// force (the accepted one), with its findings, or nil when none is: a file
// is a duplicate only when it equals this one.
func (db *DB) InForce(ctx context.Context, j string, p roadmap.Period) (*roadmap.Submission, error) {
	return db.one(ctx, fmt.Sprintf("version in force of %s %s", j, p),
		`s.jurisdiction = ? AND s.period = ? AND s.state = 'accepted'`, withFindings, j, p.String())
}

// Submissions counts the files recorded, in every state.
func (db *DB) Submissions(ctx context.Context) (int, error) {
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM submissions`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count submissions: %w", err)
	}
	return n, nil
}

// Submission is the submission with that id, with its findings, or nil.
func (db *DB) Submission(ctx context.Context, id int64) (*roadmap.Submission, error) {
	return db.one(ctx, fmt.Sprintf("submission %d", id), `s.id = ?`, withFindings, id)
}

// From lists every submission that came from a jurisdiction's inbox folder or
// carries its data, newest first, with findings (not values).
func (db *DB) From(ctx context.Context, jurisdiction string) ([]roadmap.Submission, error) {
	subs, err := db.query(ctx, `s.folder = ? OR s.jurisdiction = ?`, "s.received DESC, s.id DESC", withFindings,
		jurisdiction, jurisdiction)
	if err != nil {
		return nil, fmt.Errorf("submissions from %s: %w", jurisdiction, err)
	}
	return subs, nil
}
