package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/seesac/roadmap/datadir"
)

// RebuildSuffix names the ledger being rebuilt beside the one in force.
const RebuildSuffix = ".reindex"

// Carried is what Rebuild carried over from the old ledger: the builds, the
// delivery records, the outbox's messages and the portal's audit trail,
// which no kept file can rebuild.
type Carried struct {
	Builds     int
	Deliveries int
	Messages   int
	// Portal counts the portal's events (sign-ins, uploads, downloads ...).
	Portal int
	// Unreadable says why the old ledger could not be read, if it could not
	// (a damaged ledger is a reason to rebuild): nothing was carried over.
	Unreadable string
}

// Rebuild replaces the ledger at path with a new one that fill records into.
// The new ledger is written beside the old one (path+RebuildSuffix, started
// afresh if an interrupted rebuild left one); the old ledger's builds and
// delivery records are carried over into it, reading the old ledger
// read-only; only then is the old ledger's write-ahead log removed (SQLite
// would otherwise apply it to the new file) and the new file renamed over
// the old one, and the folder synced. A failure at any point leaves the old
// ledger as it was. The caller holds the data folder's lock, so that nothing
// records into the old ledger meanwhile.
func Rebuild(ctx context.Context, path string, fill func(*DB) error) (Carried, error) {
	tmp := path + RebuildSuffix
	// A ledger made by a newer roadmap holds what this one cannot rebuild.
	if old, err := OpenReadOnly(ctx, path); errors.Is(err, ErrNewerSchema) {
		return Carried{}, err
	} else if err == nil {
		old.Close()
	}
	// A file left by an interrupted rebuild is incomplete: start afresh.
	if err := removeLedger(tmp); err != nil {
		return Carried{}, err
	}
	carried, err := rebuild(ctx, path, tmp, fill)
	if err != nil {
		return carried, errors.Join(err, removeLedger(tmp))
	}
	if err := removeJournal(path); err != nil {
		return carried, errors.Join(err, removeLedger(tmp))
	}
	if err := os.Rename(tmp, path); err != nil {
		return carried, errors.Join(fmt.Errorf("replace the ledger: %w", err), removeLedger(tmp))
	}
	return carried, datadir.SyncDir(filepath.Dir(path))
}

// rebuild fills the new ledger at tmp, carries the old one's records over
// and closes it.
func rebuild(ctx context.Context, old, tmp string, fill func(*DB) error) (c Carried, err error) {
	db, err := Open(tmp)
	if err != nil {
		return c, err
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close the rebuilt ledger: %w", cerr)
		}
	}()
	if err := fill(db); err != nil {
		return c, err
	}
	return carryOver(ctx, old, db)
}

// carryOver copies the build records, delivery events and outbox of the old
// ledger, if there is one, into db. An old ledger that cannot be opened or read is
// noted, not an error; a failure to write db is.
func carryOver(ctx context.Context, old string, db *DB) (Carried, error) {
	var c Carried
	if _, err := os.Stat(old); errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	prev, err := OpenReadOnly(ctx, old)
	if err != nil {
		c.Unreadable = err.Error()
		return c, nil
	}
	defer prev.Close()
	builds, err := prev.Builds(ctx)
	if err != nil {
		c.Unreadable = err.Error()
		return c, nil
	}
	events, err := prev.Events(ctx, time.Time{})
	if err != nil {
		c.Unreadable = err.Error()
		return c, nil
	}
	for _, b := range builds {
		b.ID = 0
		if err := db.RecordBuild(ctx, &b); err != nil {
			return c, fmt.Errorf("carry over build %s %s: %w", b.Meeting, b.Kind, err)
		}
		c.Builds++
	}
	if c.Messages, err = db.copyOutbox(ctx, prev); err != nil {
		return c, err
	}
	for _, ev := range events {
		switch {
		case ev.Kind == EventDelivered:
			// The submission ids of the rebuilt ledger differ from the old
			// ones; a delivery concerns a report, not a submission.
			ev.Submission = 0
			c.Deliveries++
		case portalEvents[ev.Kind]:
			if ev.Submission, err = renumbered(ctx, prev, db, ev.Submission); err != nil {
				return c, err
			}
			c.Portal++
		default:
			continue
		}
		if err := db.Audit(ctx, ev); err != nil {
			return c, fmt.Errorf("carry over an audit record: %w", err)
		}
	}
	return c, nil
}

// portalEvents are the audit events of the portal's accounts: the security
// trail of who signed in and what they sent and fetched.
var portalEvents = map[string]bool{
	EventLogin: true, EventLoginRefused: true, EventLogout: true, EventUpload: true, EventDownload: true,
}

// renumbered is the id in db of the submission recorded for the same drop
// as submission id of prev, or 0 when there is none (or id is 0).
func renumbered(ctx context.Context, prev, db *DB, id int64) (int64, error) {
	if id == 0 {
		return 0, nil
	}
	var source string
	err := prev.r.QueryRowContext(ctx, `SELECT source FROM submissions WHERE id = ?`, id).Scan(&source)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("carry over an audit record: %w", err)
	}
	s, err := db.BySource(ctx, source)
	if err != nil || s == nil {
		return 0, err
	}
	return s.ID, nil
}

// removeLedger removes a ledger file and its journal files, if present.
func removeLedger(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return removeJournal(path)
}

// removeJournal removes a ledger's SQLite write-ahead log and shared-memory
// index, if present.
func removeJournal(path string) error {
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", path+suffix, err)
		}
	}
	return nil
}
