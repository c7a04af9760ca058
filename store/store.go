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
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrRecorded is returned by Record when the source key is already in the
// ledger: the same drop must never be recorded twice.
var ErrRecorded = errors.New("this drop is already recorded")

// DB is the ledger. It is safe for concurrent use.
type DB struct {
	w *sql.DB // the single writer connection
	r *sql.DB // read-only pool
}

// pragmas are per connection, so they go in the DSN: every connection the
// pool opens gets them (libraries.md).
const pragmas = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(NORMAL)&_time_format=sqlite"

// Open opens (creating if needed) the ledger at path and brings its schema up
// to date.
func Open(path string) (*DB, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open ledger %q: the path may not be empty or contain '?' or '#'", path)
	}
	w, err := sql.Open("sqlite", path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open ledger %q: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := migrate(context.Background(), w); err != nil {
		w.Close()
		return nil, fmt.Errorf("open ledger %q: %w", path, err)
	}
	// Readers open after the migration so that they see the schema; they
	// keep deferred transactions, which never take the write lock.
	r, err := sql.Open("sqlite", path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open ledger %q for reading: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	return &DB{w: w, r: r}, nil
}

// OpenReadOnly opens an existing ledger for reading only, for the commands
// that must record nothing (validate, history, status): it neither creates
// the file nor migrates its schema, and every write method fails. A ledger
// whose schema is not the one this program knows is an error that says so.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open ledger %q: the path may not be empty or contain '?' or '#'", path)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open ledger %q: %w", path, err)
	}
	r, err := sql.Open("sqlite", path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		return nil, fmt.Errorf("open ledger %q: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var have int
	if err := r.QueryRowContext(ctx, `SELECT count(*) FROM schema_version`).Scan(&have); err != nil {
		r.Close()
		return nil, fmt.Errorf("open ledger %q: not a roadmap ledger, or damaged: %w", path, err)
	}
	if have != len(names) {
		r.Close()
		return nil, fmt.Errorf("open ledger %q: its schema has %d of the %d steps this program knows; run 'roadmap ingest' (or the daemon) once to bring it up to date", path, have, len(names))
	}
	return &DB{w: r, r: r}, nil
}

// Close closes the ledger.
func (db *DB) Close() error {
	if db.w == db.r {
		return db.r.Close()
	}
	return errors.Join(db.r.Close(), db.w.Close())
}

// migrate applies every embedded migration newer than the recorded schema
// version, each in its own transaction together with its version row.
func migrate(ctx context.Context, w *sql.DB) error {
	if _, err := w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY,
		name    TEXT NOT NULL,
		applied TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
	)`); err != nil {
		return fmt.Errorf("create schema_version: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	type step struct {
		version int
		name    string
	}
	var steps []step
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return fmt.Errorf("migration %q: the name must start with a positive number and '_'", base)
		}
		steps = append(steps, step{v, base})
	}
	sort.Slice(steps, func(i, j int) bool { return steps[i].version < steps[j].version })
	for i := 1; i < len(steps); i++ {
		if steps[i].version == steps[i-1].version {
			return fmt.Errorf("migrations %q and %q share version %d", steps[i-1].name, steps[i].name, steps[i].version)
		}
	}
	for _, s := range steps {
		if err := applyMigration(ctx, w, s.version, s.name); err != nil {
			return err
		}
	}
	return nil
}

func applyMigration(ctx context.Context, w *sql.DB, version int, name string) error {
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	defer tx.Rollback()
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_version WHERE version = ?`, version).Scan(&done); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if done > 0 {
		return nil
	}
	body, err := migrations.ReadFile("migrations/" + name)
	if err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, name) VALUES (?, ?)`, version, name); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	return nil
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
