package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/ingest"
	"github.com/seesac/roadmap/render"
	"github.com/seesac/roadmap/store"
	"github.com/seesac/roadmap/templates"
)

// This file is the one place that builds the ingest stack (ledger, checker,
// intake) from a setup, so that validate, ingest, reindex, demo and serve
// check a workbook in exactly the same way.

// data is the setup's data folder.
func (s *setup) data() datadir.Dir { return datadir.New(s.Data) }

// openLedger opens the ledger, DATA/roadmap.db, for a command that records
// into it, creating it in a data folder that has none yet.
func openLedger(ctx context.Context, s *setup) (*store.DB, error) {
	return ledgerFor(ctx, s, true)
}

// readLedger opens the ledger read-only for the commands that record nothing
// (validate, history, status, meetings), and returns nil when a data folder
// has none yet, so that they neither write to it nor leave an empty
// roadmap.db behind.
func readLedger(ctx context.Context, s *setup) (*store.DB, error) {
	return ledgerFor(ctx, s, false)
}

// ledgerFor opens the ledger to write or only to read, refusing one that is
// missing, empty, not a ledger or recording nothing while archive/ holds
// originals (noOriginals says why and what to do).
func ledgerFor(ctx context.Context, s *setup, write bool) (*store.DB, error) {
	path := s.data().Ledger()
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := noOriginals(s, "there is no ledger "+path); err != nil || !write {
			return nil, err
		}
	case err != nil:
		return nil, fmt.Errorf("open ledger %q: %w", path, err)
	case info.Size() == 0:
		// store.Open would make a new ledger of an empty file.
		if err := noOriginals(s, "the ledger "+path+" is empty"); err != nil {
			return nil, err
		}
	}
	var db *store.DB
	if write {
		db, err = store.Open(path)
	} else {
		db, err = store.OpenReadOnly(ctx, path)
	}
	if errors.Is(err, store.ErrNotLedger) {
		return nil, errors.Join(err, noOriginals(s, "the ledger "+path+" is not a usable ledger"))
	}
	if err != nil {
		return nil, err
	}
	if err := recordsSomething(ctx, s, db, path); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// noOriginals fails, saying why (what is wrong with the ledger) and what to
// do, when archive/ holds originals: a ledger made afresh beside them would
// report that nobody submitted anything. Without originals a new data
// folder is simply empty.
func noOriginals(s *setup, why string) error {
	n, err := ingest.ArchivedOriginals(s.Data)
	if err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	return fmt.Errorf("%s, but archive/ holds %d original(s): run 'roadmap reindex --data %s' to rebuild the ledger from them before anything else", why, n, s.Data)
}

// recordsSomething fails when db records no file while archive/ holds
// originals: a ledger emptied or replaced by a blank one.
func recordsSomething(ctx context.Context, s *setup, db *store.DB, path string) error {
	// Opening finishes even when a stop signal has come meanwhile.
	n, err := db.Submissions(context.WithoutCancel(ctx))
	if err != nil || n > 0 {
		return err
	}
	return noOriginals(s, "the ledger "+path+" records no file")
}

// newChecker is the checker that ingest uses, configured from s: the size
// limit and the change factor of the configuration, and two lookups.
//
// Previous: the latest accepted version, in db, of the period just before
// the one checked; none when db is nil (the checker itself never compares
// with a period before the catalogue's baseline).
//
// Calendar: the calendar in force decides deadlines and lateness.
func newChecker(ctx context.Context, s *setup, db *store.DB, log *slog.Logger) (*ingest.Checker, error) {
	c := ingest.NewChecker(s.Catalogue)
	if size := s.Config.Intake.MaxSize(); size > 0 {
		c.MaxSize = size
	}
	if f := s.Config.Checks.ChangeFactor; f > 0 {
		c.ChangeFactor = f
	}
	if db != nil {
		c.Previous = func(j string, p roadmap.Period) *roadmap.Submission {
			prev, err := db.Latest(ctx, j, p)
			if err != nil {
				// The comparison only adds warnings: without it the file
				// is still checked in full.
				log.Warn("previous period not compared", "jurisdiction", j, "period", p.String(), "err", err)
				return nil
			}
			return prev
		}
	}
	c.Calendar = s.Calendar
	return c, nil
}

// newIntake is the intake over s's data folder, recording in db, checking
// with checker and receiving files at now (the command's clock; the demo's
// is fixed).
func newIntake(s *setup, db *store.DB, checker *ingest.Checker, log *slog.Logger, stable time.Duration, now func() time.Time) *ingest.Intake {
	in := &ingest.Intake{
		Root: s.Data, Checker: checker, Catalogue: s.Catalogue,
		Stable: stable, Now: now, Log: log, Location: s.Location, Calendar: s.Calendar,
	}
	if db != nil { // a nil *store.DB would be a ledger that is not nil
		in.Ledger = db
	}
	return in
}

// newBuilder is the report builder over s's data folder, reading db and
// recording its builds there, at the clock now (the command's; the demo's is
// fixed).
func newBuilder(s *setup, db *store.DB, log *slog.Logger, now func() time.Time) *render.Builder {
	return &render.Builder{
		Root: s.Data, Ledger: db, Catalogue: s.Catalogue, Calendar: s.Calendar,
		Footnote: string(s.Config.Footnote), Now: now, Log: log, Write: render.WritePDF, WriteNote: render.WriteQualityNote,
		Branding:  s.Config.Branding,
		Syntheses: ingest.Syntheses{Root: s.Data, Checker: ingest.NewChecker(s.Catalogue)},
		WriteSynthesis: func(w io.Writer, m *roadmap.Meeting, syn roadmap.Synthesis) error {
			return templates.WriteSynthesis(w, s.Catalogue, m, syn)
		},
	}
}

// staleTemp is how old a temporary file must be before lockData sweeps it:
// a build (which takes no lock) may be writing one right now.
const staleTemp = time.Hour

// lockData takes the data folder's lock (serve, ingest and reindex hold it)
// and, holding it, removes the temporary files that an interrupted run left
// behind. A sweep that fails is logged, not fatal: the files are hidden and
// harmless.
func lockData(s *setup, log *slog.Logger) (release func(), err error) {
	d := s.data()
	if release, err = d.Lock(); err != nil {
		return nil, err
	}
	// File times are the file system's, so the cut-off is the real clock's.
	removed, err := d.Sweep(time.Now().Add(-staleTemp))
	for _, p := range removed {
		log.Info("removed a temporary file left by an interrupted run", "file", p)
	}
	if err != nil {
		log.Warn("temporary files left by an interrupted run could not all be removed", "err", err)
	}
	return release, nil
}
