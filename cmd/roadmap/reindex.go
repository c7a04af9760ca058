package main

import (
	"context"
	"fmt"

	"github.com/seesac/roadmap"
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
		fmt.Fprintf(e.stdout, "  %s: the checks would now decide otherwise; recorded as decided when it was received\n", roadmap.Printable(d))
	}
	switch {
	case out.OldLedger != "":
		fmt.Fprintf(e.stdout, "the old ledger could not be read (%s): its build records were not carried over\n", out.OldLedger)
	case out.Builds > 0 || out.Deliveries > 0 || out.Messages > 0 || out.Portal > 0:
		fmt.Fprintf(e.stdout, "carried over from the old ledger: %d build(s), %d delivery record(s), %d message(s) of the outbox, %d portal event(s)\n",
			out.Builds, out.Deliveries, out.Messages, out.Portal)
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
	// Builds, Deliveries, Messages and Portal (the portal's audit events)
	// count the records carried over from the old ledger, which the archive
	// cannot rebuild.
	Builds     int `json:"builds"`
	Deliveries int `json:"deliveries"`
	Messages   int `json:"messages"`
	Portal     int `json:"portal_events"`
	// OldLedger says why the old ledger could not be read, if it could not.
	OldLedger string `json:"old_ledger_unreadable,omitempty"`
}

// reindex rebuilds the ledger from the kept originals (store.Rebuild: a new
// file beside roadmap.db, renamed over it only once complete, the old one's
// builds and delivery records carried over). It holds the data folder's lock
// throughout, so that no intake records into the old ledger meanwhile.
func (e *env) reindex(ctx context.Context, s *setup) (*reindexOutput, error) {
	log := e.logger(s.Config.Log.Format)
	release, err := lockData(s, log)
	if err != nil {
		return nil, err
	}
	defer release()
	path := s.data().Ledger()
	out := &reindexOutput{Ledger: path, Disagreements: []string{}}
	carried, err := store.Rebuild(ctx, path, func(db *store.DB) error {
		// Oldest first, each file is compared with the previous period as
		// then recorded in the new ledger, as it was when it was received.
		checker, err := newChecker(ctx, s, db, log)
		if err != nil {
			return err
		}
		sum, err := newIntake(s, db, checker, log, 0, e.now).Reindex(ctx)
		if err != nil {
			return err
		}
		out.Recorded = sum.Recorded
		if sum.Disagreements != nil {
			out.Disagreements = sum.Disagreements
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Builds, out.Deliveries, out.Messages, out.Portal, out.OldLedger = carried.Builds, carried.Deliveries, carried.Messages, carried.Portal, carried.Unreadable
	if carried.Unreadable != "" {
		log.Warn("the old ledger could not be read: its builds are not carried over", "ledger", path, "err", carried.Unreadable)
	}
	return out, nil
}
