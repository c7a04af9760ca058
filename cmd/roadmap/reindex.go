package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/seesac/roadmap/store"
)

func runReindex(ctx context.Context, e *env, args []string) int {
	f := e.newFlags(true, "[--json]")
	if code, ok := e.parseNone(f, args); !ok {
		return code
	}
	s, err := e.load(f)
	if err != nil {
		return e.fail(err)
	}
	out, err := e.reindex(ctx, s)
	if err != nil {
		return e.fail(err)
	}
	if f.json {
		if err := e.printJSON(out); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	fmt.Fprintf(e.stdout, "rebuilt %s from %d kept file(s)\n", out.Ledger, out.Recorded)
	for _, d := range out.Disagreements {
		fmt.Fprintf(e.stdout, "  %s: the checks would now decide otherwise; recorded as decided when it was received\n", d)
	}
	switch {
	case out.OldLedger != "":
		fmt.Fprintf(e.stdout, "the old ledger could not be read (%s): its build records were not carried over\n", out.OldLedger)
	case out.Builds > 0 || out.Deliveries > 0:
		fmt.Fprintf(e.stdout, "carried over from the old ledger: %d build(s), %d delivery record(s)\n", out.Builds, out.Deliveries)
	}
	return exitOK
}

// reindexOutput is what `reindex --json` prints.
type reindexOutput struct {
	Ledger string `json:"ledger"`
	// Recorded counts the kept originals (archive/ and rejected/) recorded.
	Recorded int `json:"recorded"`
	// Disagreements lists the kept files that the checks would now decide
	// otherwise than when they were received (recorded as decided then).
	Disagreements []string `json:"disagreements"`
	// Builds and Deliveries count the records carried over from the old
	// ledger, which the archive cannot rebuild.
	Builds     int `json:"builds"`
	Deliveries int `json:"deliveries"`
	// OldLedger says why the old ledger could not be read, if it could not.
	OldLedger string `json:"old_ledger_unreadable,omitempty"`
}

// reindexSuffix names the ledger being rebuilt beside the current one.
const reindexSuffix = ".reindex"

// reindex rebuilds the ledger from the kept originals into a new file beside
// roadmap.db and renames it over roadmap.db only once it is complete, so
// that a failure at any point leaves the old ledger as it was. The builds and
// delivery records of the old ledger, which no kept file records, are
// carried over. It holds the data folder's lock throughout, so that no
// intake records into the old ledger meanwhile.
func (e *env) reindex(ctx context.Context, s *setup) (*reindexOutput, error) {
	release, err := acquireLock(s.Data)
	if err != nil {
		return nil, err
	}
	defer release()
	final := filepath.Join(s.Data, ledgerName)
	tmp := final + reindexSuffix
	// A ledger made by a newer roadmap holds what this one cannot rebuild.
	if old, err := store.OpenReadOnly(ctx, final); errors.Is(err, store.ErrNewerSchema) {
		return nil, err
	} else if err == nil {
		old.Close()
	}
	// A file left by an interrupted reindex is incomplete: start afresh.
	if err := removeLedger(tmp); err != nil {
		return nil, err
	}
	out, err := e.rebuild(ctx, s, tmp, final)
	if err != nil {
		return nil, errors.Join(err, removeLedger(tmp))
	}
	// SQLite keeps a ledger's recent writes in its -wal file: the old
	// ledger's, left beside the new one, would be applied to it.
	if err := removeJournal(final); err != nil {
		return nil, errors.Join(err, removeLedger(tmp))
	}
	if err := os.Rename(tmp, final); err != nil {
		return nil, errors.Join(fmt.Errorf("replace the ledger: %w", err), removeLedger(tmp))
	}
	if err := syncFolder(s.Data); err != nil {
		return nil, err
	}
	out.Ledger = final
	return out, nil
}

// rebuild writes the new ledger at tmp and closes it.
func (e *env) rebuild(ctx context.Context, s *setup, tmp, old string) (out *reindexOutput, err error) {
	db, err := store.Open(tmp)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close the rebuilt ledger: %w", cerr)
		}
	}()
	log := e.logger(s.Config.Log.Format)
	// Oldest first, each file is compared with the previous period as then
	// recorded in the new ledger, as it was when it was received.
	checker, err := newChecker(ctx, s, db, log)
	if err != nil {
		return nil, err
	}
	sum, err := newIntake(s, db, checker, log, 0, e.now).Reindex(ctx)
	if err != nil {
		return nil, err
	}
	out = &reindexOutput{Recorded: sum.Recorded, Disagreements: sum.Disagreements}
	if out.Disagreements == nil {
		out.Disagreements = []string{}
	}
	if err := carryOver(ctx, old, db, out, log); err != nil {
		return nil, err
	}
	return out, nil
}

// carryOver copies the build records and delivery events of the old ledger,
// if there is one, into db. An old ledger that cannot be opened or read (a
// damaged one is a reason to reindex) is noted in out, not an error; a
// failure to write db is.
func carryOver(ctx context.Context, old string, db *store.DB, out *reindexOutput, log *slog.Logger) error {
	if _, err := os.Stat(old); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	unreadable := func(err error) error {
		log.Warn("the old ledger could not be read: its builds are not carried over", "ledger", old, "err", err)
		out.OldLedger = err.Error()
		return nil
	}
	prev, err := store.Open(old)
	if err != nil {
		return unreadable(err)
	}
	defer prev.Close()
	builds, err := prev.Builds(ctx)
	if err != nil {
		return unreadable(err)
	}
	events, err := prev.Events(ctx, time.Time{})
	if err != nil {
		return unreadable(err)
	}
	for _, b := range builds {
		b.ID = 0
		if err := db.RecordBuild(ctx, &b); err != nil {
			return fmt.Errorf("carry over build %s %s: %w", b.Meeting, b.Kind, err)
		}
		out.Builds++
	}
	for _, ev := range events {
		if ev.Kind != store.EventDelivered {
			continue
		}
		// The submission ids of the rebuilt ledger differ from the old
		// ones; a delivery concerns a report, not a submission.
		ev.Submission = 0
		if err := db.Audit(ctx, ev); err != nil {
			return fmt.Errorf("carry over a delivery record: %w", err)
		}
		out.Deliveries++
	}
	return nil
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

// syncFolder makes a rename in dir durable.
func syncFolder(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
