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

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/ingest"
	"github.com/seesac/roadmap/render"
	"github.com/seesac/roadmap/store"
)

// This file is the one place that builds the ingest stack (ledger, checker,
// intake) from a setup, so that validate, ingest, reindex, demo and serve
// check a workbook in exactly the same way.

// openStore opens (creating if needed) the ledger, DATA/roadmap.db.
func openStore(s *setup) (*store.DB, error) {
	return store.Open(filepath.Join(s.Data, ledgerName))
}

// openStoreIfExists opens the ledger read-only when there is one, and returns
// nil otherwise, so that commands that only read (validate, history, status,
// meetings) never write to it, nor leave an empty roadmap.db behind in a
// folder that has none.
func openStoreIfExists(ctx context.Context, s *setup) (*store.DB, error) {
	path := filepath.Join(s.Data, ledgerName)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("open ledger %q: %w", path, err)
	}
	return store.OpenReadOnly(ctx, path)
}

// newChecker is the checker that ingest uses, configured from s: the size
// limit and the change factor of the configuration, and two lookups.
//
// Previous: the latest accepted version, in db, of the period just before
// the one checked; none when db is nil or that period is before the
// catalogue's baseline (the baseline is the first period reported, so it
// has nothing to compare with, and a half-year is never compared with the
// baseline year, whose figures cover twice as long).
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
		baseline := s.Catalogue.Baseline
		c.Previous = func(j string, p roadmap.Period) *roadmap.Submission {
			if p.Before(baseline) {
				return nil
			}
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
	return &ingest.Intake{
		Root: s.Data, Ledger: db, Check: checker.Check, Catalogue: s.Catalogue,
		Stable: stable, Now: now, Log: log, Location: s.Location,
	}
}

// newBuilder is the report builder over s's data folder, reading db and
// recording its builds there, at the clock now (the command's; the demo's is
// fixed).
func newBuilder(s *setup, db *store.DB, log *slog.Logger, now func() time.Time) *render.Builder {
	return &render.Builder{
		Root: s.Data, Ledger: db, Catalogue: s.Catalogue, Calendar: s.Calendar,
		Footnote: s.Config.Footnote, Now: now, Log: log, Write: render.WritePDF,
	}
}
