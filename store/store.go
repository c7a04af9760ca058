// Package store is the ledger: a SQLite database (modernc.org/sqlite, pure Go)
// that keeps every submission with its values, narratives and findings, the
// version history per jurisdiction and period, the report builds and an
// append-only audit log.
//
// All writes go through one connection and start with BEGIN IMMEDIATE, so
// that concurrent writers queue on the busy timeout instead of failing with
// SQLITE_BUSY; reads use a separate pool of read-only connections, which WAL
// lets run beside the writer. The schema lives in embedded migrations that
// Open applies in order, once each, under a schema_version table.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/seesac/roadmap/datadir"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrRecorded is returned by Record when the source key is already in the
// ledger: the same drop must never be recorded twice.
var ErrRecorded = errors.New("this drop is already recorded")

// ErrNewerSchema is returned by Open and OpenReadOnly for a ledger whose
// schema has a step this program does not know: it was made by a newer
// version, and writing to it (or reading it as if it were ours) could
// damage it.
var ErrNewerSchema = errors.New("made by a newer roadmap: upgrade the binary")

// ErrNotLedger is returned for a file that is not a ledger: empty, not a
// SQLite database, or a database without the ledger's schema.
var ErrNotLedger = errors.New("not a roadmap ledger")

// DB is the ledger. It is safe for concurrent use.
type DB struct {
	w *sql.DB // the single writer connection
	r *sql.DB // read-only pool
}

// pragmas are per connection, so they go in the DSN: every connection the
// pool opens gets them (docs/traps.md). The writer adds synchronous(FULL): in WAL
// mode, NORMAL lets a committed transaction roll back after a power loss,
// and the intake removes a sender's file from the inbox right after the
// commit that records it, so that commit must be on disk when it returns
// (one sync of the write-ahead log per commit). Readers write nothing.
const pragmas = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)" +
	"&_time_format=sqlite"

// Open opens (creating if needed) the ledger at path and brings its schema up
// to date. A file that is not a SQLite database fails with ErrNotLedger, a
// ledger made by a newer program with ErrNewerSchema, before anything is
// written to it.
func Open(path string) (*DB, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open ledger %q: the path may not be empty or contain '?' or '#'", path)
	}
	if err := checkHeader(path, true); err != nil {
		return nil, err
	}
	// A new ledger is created with the data folder's file mode; SQLite gives
	// its -wal and -shm files the mode of the ledger's own file.
	if _, err := datadir.CreateNew(path, nil); err != nil {
		return nil, fmt.Errorf("open ledger %q: %w", path, err)
	}
	w, err := sql.Open("sqlite", path+"?"+pragmas+"&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open ledger %q: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := checkSchema(context.Background(), w, path, true); err != nil {
		w.Close()
		return nil, err
	}
	if err := migrate(context.Background(), w); err != nil {
		w.Close()
		return nil, fmt.Errorf("open ledger %q: %w", path, err)
	}
	// Readers open after the migration so that they see the schema; they
	// keep deferred transactions, which never take the write lock.
	r, err := sql.Open("sqlite", path+"?"+pragmas+"&_pragma=synchronous(NORMAL)&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open ledger %q for reading: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	return &DB{w: w, r: r}, nil
}

// OpenReadOnly opens an existing ledger for reading only, for the commands
// that must record nothing (validate, history, status, meetings): it neither
// creates nor changes any file, does not migrate the schema, and every write
// method fails. A file that is not a ledger fails with ErrNotLedger, one made
// by a newer program with ErrNewerSchema; a ledger whose schema is older than
// this program's is an error that says how to bring it up to date.
//
// SQLite reads a ledger in WAL mode through its -wal and -shm files. When a
// writer has the ledger open they exist, and the ledger is opened with
// mode=ro, which uses them and never checkpoints or removes them. When they
// do not exist (the ledger was closed cleanly), mode=ro would create them and
// leave them behind, so the ledger is opened as usual but with query_only:
// SQLite then creates them for the time of the read and removes them when the
// last connection closes, leaving no file behind and the ledger unchanged.
// Neither way sets the journal mode, which would rewrite a ledger not (yet)
// in WAL mode.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open ledger %q: the path may not be empty or contain '?' or '#'", path)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open ledger %q: %w", path, err)
	}
	if err := checkHeader(path, false); err != nil {
		return nil, err
	}
	const readPragmas = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=query_only(1)&_time_format=sqlite"
	dsn := path + "?" + readPragmas
	if _, err := os.Lstat(path + "-wal"); err == nil {
		dsn = "file:" + strings.ReplaceAll(path, "%", "%25") + "?mode=ro&" + readPragmas
	}
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open ledger %q: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	if err := checkSchema(ctx, r, path, false); err != nil {
		r.Close()
		return nil, err
	}
	return &DB{w: r, r: r}, nil
}

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// checkHeader fails with ErrNotLedger when the file at path exists and is not
// a SQLite database. An empty file is one only when emptyOK (Open makes a
// ledger of it); a missing file is left to the caller.
func checkHeader(path string, emptyOK bool) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open ledger %q: %w", path, err)
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.IsDir() {
		return fmt.Errorf("open ledger %q: it is a folder, not a file: %w", path, ErrNotLedger)
	}
	head := make([]byte, len(sqliteHeader))
	n, err := io.ReadFull(f, head)
	switch {
	case n == 0 && emptyOK:
		return nil
	case n == 0:
		return fmt.Errorf("open ledger %q: the file is empty: %w", path, ErrNotLedger)
	case err != nil || string(head) != sqliteHeader:
		return fmt.Errorf("open ledger %q: the file is not a SQLite database: %w", path, ErrNotLedger)
	}
	return nil
}

// checkSchema compares the schema recorded in db with this program's
// migrations: a step it does not know is ErrNewerSchema. For a ledger opened
// to write (creating), a database without a schema is new; for reading it is
// ErrNotLedger, and a schema with fewer steps than this program's is an error
// saying how to bring it up to date.
func checkSchema(ctx context.Context, db *sql.DB, path string, write bool) error {
	steps, err := migrationSteps()
	if err != nil {
		return err
	}
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`).Scan(&tables); err != nil {
		return fmt.Errorf("open ledger %q: %w (%w)", path, ErrNotLedger, err)
	}
	if tables == 0 {
		if write {
			return nil
		}
		return fmt.Errorf("open ledger %q: it has no ledger schema: %w", path, ErrNotLedger)
	}
	var have, newest int
	if err := db.QueryRowContext(ctx, `SELECT count(*), coalesce(max(version), 0) FROM schema_version`).Scan(&have, &newest); err != nil {
		return fmt.Errorf("open ledger %q: %w (%w)", path, ErrNotLedger, err)
	}
	known := map[int]bool{}
	for _, s := range steps {
		known[s.version] = true
	}
	rows, err := db.QueryContext(ctx, `SELECT version FROM schema_version`)
	if err != nil {
		return fmt.Errorf("open ledger %q: %w", path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return fmt.Errorf("open ledger %q: %w", path, err)
		}
		if !known[v] {
			return fmt.Errorf("open ledger %q: its schema has step %d, which this program does not know: %w", path, v, ErrNewerSchema)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("open ledger %q: %w", path, err)
	}
	if !write && have < len(steps) {
		return fmt.Errorf("open ledger %q: its schema has %d of the %d steps this program knows; run 'roadmap ingest' (or the daemon) once to bring it up to date", path, have, len(steps))
	}
	return nil
}

// Close closes the ledger.
func (db *DB) Close() error {
	if db.w == db.r {
		return db.r.Close()
	}
	return errors.Join(db.r.Close(), db.w.Close())
}

// migrate brings the schema up to date: every step the ledger lacks, in one
// transaction, so that a new ledger is made with one commit (one sync) and an
// interrupted or failed migration leaves the schema as it was. A ledger that
// is up to date is only read: opening it takes no write lock.
func migrate(ctx context.Context, w *sql.DB) error {
	steps, err := migrationSteps()
	if err != nil {
		return err
	}
	if pending, err := pendingSteps(ctx, w, steps); err != nil || len(pending) == 0 {
		return err
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY,
		name    TEXT NOT NULL,
		applied TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
	)`); err != nil {
		return fmt.Errorf("create schema_version: %w", err)
	}
	// Read again under the write lock: another process may have migrated
	// the ledger since.
	pending, err := pendingSteps(ctx, tx, steps)
	if err != nil {
		return err
	}
	for _, s := range pending {
		body, err := migrations.ReadFile("migrations/" + s.name)
		if err != nil {
			return fmt.Errorf("migration %s: %w", s.name, err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", s.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, name) VALUES (?, ?)`, s.version, s.name); err != nil {
			return fmt.Errorf("migration %s: %w", s.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// pendingSteps are the steps the ledger has not applied (all of them when it
// has no schema yet).
func pendingSteps(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, steps []step) ([]step, error) {
	var tables int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`).Scan(&tables); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if tables == 0 {
		return steps, nil
	}
	done := map[int]bool{}
	rows, err := q.QueryContext(ctx, `SELECT version FROM schema_version`)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("migrate: %w", err)
		}
		done[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var pending []step
	for _, s := range steps {
		if !done[s.version] {
			pending = append(pending, s)
		}
	}
	return pending, nil
}

// step is one embedded migration.
type step struct {
	version int
	name    string
}

// migrationSteps lists the embedded migrations in version order.
func migrationSteps() ([]step, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var steps []step
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %q: the name must start with a positive number and '_'", base)
		}
		steps = append(steps, step{v, base})
	}
	sort.Slice(steps, func(i, j int) bool { return steps[i].version < steps[j].version })
	for i := 1; i < len(steps); i++ {
		if steps[i].version == steps[i-1].version {
			return nil, fmt.Errorf("migrations %q and %q share version %d", steps[i-1].name, steps[i].name, steps[i].version)
		}
	}
	return steps, nil
}

// timeLayout is fixed width (nine fractional digits, always UTC "Z") so that
// the text order of stored times is their time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
