package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/store"
)

// TestIntakeSurvivesAFailureAfterEachStep interrupts a pass after each step
// of taking a file, then runs a clean pass: each file ends recorded once,
// stored once, with its feedback, and out of the inbox.
func TestIntakeSurvivesAFailureAfterEachStep(t *testing.T) {
	t.Parallel()
	files := []struct{ src, folder, name string }{
		{validSample("AL", "2026-H1"), "AL", "report.xlsx"},
		{filepath.Join(intakeSamples, "broken", "negative-count.xlsx"), "AL", "broken.xlsx"},
		{filepath.Join(intakeSamples, "broken", "figures.csv"), "", "figures.csv"},
	}
	for _, step := range []string{stepStore, stepRecord, stepFeedback, stepRemove} {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			e := newIntakeEnv(t)
			for _, f := range files {
				e.drop(f.src, f.folder, f.name)
			}
			e.crashingPass(t, step)
			inInbox := len(e.files("inbox"))
			recorded := len(e.events(store.EventReceived))
			switch step {
			case stepStore:
				if inInbox != len(files) || recorded != 0 {
					t.Fatalf("after %s: %d in the inbox, %d recorded", step, inInbox, recorded)
				}
			case stepRecord, stepFeedback:
				if inInbox != len(files) || recorded != len(files) {
					t.Fatalf("after %s: %d in the inbox, %d recorded", step, inInbox, recorded)
				}
			case stepRemove:
				if inInbox != 0 || recorded != len(files) {
					t.Fatalf("after %s: %d in the inbox, %d recorded", step, inInbox, recorded)
				}
			}

			// A restarted process: a new ledger connection and intake.
			e.openLedger()
			sum := e.pass()
			resumed := 0
			for _, o := range sum.Outcomes {
				if o.Resumed {
					resumed++
				}
			}
			switch step {
			case stepRecord, stepFeedback:
				if resumed != len(files) {
					t.Fatalf("second pass resumed %d of %d", resumed, len(files))
				}
			default:
				if resumed != 0 {
					t.Fatalf("second pass resumed %d", resumed)
				}
			}
			e.assertTakenOnce(files)
		})
	}
}

func (e *intakeEnv) events(kind string) []store.Event {
	e.t.Helper()
	all, err := e.db.Events(intakeCtx, time.Time{})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []store.Event
	for _, ev := range all {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

func (e *intakeEnv) assertTakenOnce(files []struct{ src, folder, name string }) {
	e.t.Helper()
	if left := e.files("inbox"); len(left) != 0 {
		e.t.Fatalf("left in the inbox: %q", left)
	}
	if got := len(e.events(store.EventReceived)); got != len(files) {
		e.t.Fatalf("%d received events for %d files", got, len(files))
	}
	stored := 0
	for _, f := range append(e.files("archive"), e.files("rejected")...) {
		if strings.HasSuffix(f, sidecarSuffix) {
			continue
		}
		if strings.Contains(f, datadir.TempPrefix) {
			e.t.Fatalf("temporary file left: %s", f)
		}
		stored++
	}
	if stored != len(files) {
		e.t.Fatalf("%d stored originals for %d files: %q", stored, len(files), append(e.files("archive"), e.files("rejected")...))
	}
	for _, f := range files {
		home, name := f.folder, f.name
		if home == "" {
			home, name = datadir.UnknownName, sharedPrefix+f.name
		}
		receipt, errs := e.exists("feedback/"+home+"/"+name+ReceiptSuffix), e.exists("feedback/"+home+"/"+name+ErrorsSuffix)
		if receipt == errs {
			e.t.Fatalf("%s: receipt %v, errors note %v", f.name, receipt, errs)
		}
	}
	hist, err := e.db.History(intakeCtx, "AL", intakeH1)
	if err != nil {
		e.t.Fatal(err)
	}
	versions := 0
	for _, s := range hist {
		if s.Version > 0 {
			versions++
		}
	}
	if versions != 1 {
		e.t.Fatalf("AL has %d versions: %+v", versions, hist)
	}
}

// crashingPass runs one pass of e's intake that fails right after step, as
// a crash there would, and checks that the pass says so.
func (e *intakeEnv) crashingPass(t *testing.T, step string) {
	t.Helper()
	crash := errors.New("crash after " + step)
	e.in.failAfter = func(s string) error {
		if s == step {
			return crash
		}
		return nil
	}
	if _, err := e.in.Pass(intakeCtx); !errors.Is(err, crash) {
		t.Fatalf("first pass: %v", err)
	}
}

// A crash in the first pass of a new data folder, after its originals were
// kept and before the ledger recorded them, leaves originals in archive/
// beside a ledger that records nothing. They are not the sign of a lost
// ledger (which every command refuses, pointing to reindex): their drops
// still wait in the inbox, and the next pass takes them. Once a drop has
// left the inbox, its original counts again.
func TestInterruptedPassLeavesNoOriginalsToReindex(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	e.drop(validSample("AL", "2026-H1"), "AL", "report.xlsx")
	e.drop(validSample("BA", "2026-H1"), "", "shared.xlsx")
	e.crashingPass(t, stepStore)
	// An operator's chmod since does not make the drops look new.
	if err := os.Chmod(filepath.Join(e.root, "inbox", "AL", "report.xlsx"), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := ArchivedOriginals(e.root); err != nil || n != 0 {
		t.Fatalf("after a crash before the ledger: %d originals to reindex from, %v", n, err)
	}
	if err := os.Remove(filepath.Join(e.root, "inbox", "AL", "report.xlsx")); err != nil {
		t.Fatal(err)
	}
	if n, err := ArchivedOriginals(e.root); err != nil || n != 1 {
		t.Fatalf("with one drop gone from the inbox: %d originals, %v; want 1", n, err)
	}
}
