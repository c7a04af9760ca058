package ingest

import (
	"os"
	"testing"
	"time"

	"github.com/seesac/roadmap"
)

// TestResendKeepingItsTimeRestores: a copy that keeps the file's
// modification time (Windows Explorer onto a share, cp -p, rsync) of the
// version sent first, dropped again under the same name after a second
// version, is a new drop that restores the first version: it has the same
// name, size, time and content as the first drop, and only the moment the
// file came to be in the inbox tells them apart. Taking it for the first
// drop, left over from an interrupted pass, kept the second version in
// force without a word.
func TestResendKeepingItsTimeRestores(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	v1 := validSample("AL", "2026-H1")
	v2 := editedSample(t, "AL", "2026-H1", "Corrected after the police's final count.")
	kept := time.Date(2026, 7, 1, 10, 30, 0, 0, time.UTC)
	dropKeeping := func(src string) {
		p := e.drop(src, "AL", "report.xlsx")
		if err := os.Chtimes(p, kept, kept); err != nil {
			t.Fatal(err)
		}
	}

	dropKeeping(v1)
	first := outcomeOf(t, e.pass(), "AL/report.xlsx")
	dropKeeping(v2)
	second := outcomeOf(t, e.pass(), "AL/report.xlsx")
	dropKeeping(v1)
	third := outcomeOf(t, e.pass(), "AL/report.xlsx")
	if first.Submission.Version != 1 || second.Submission.Version != 2 {
		t.Fatalf("versions %d, %d", first.Submission.Version, second.Submission.Version)
	}
	if third.Resumed || third.State != roadmap.Accepted || third.Submission.Version != 3 {
		t.Fatalf("v1 sent again keeping its time: %s v%d (resumed %v), want accepted as version 3", third.State, third.Submission.Version, third.Resumed)
	}
	if third.Stored == first.Stored {
		t.Errorf("the third drop is kept as the first one's file %s", first.Stored)
	}
	latest, err := e.db.Latest(intakeCtx, "AL", intakeH1)
	if err != nil || latest == nil || latest.Hash != first.Submission.Hash {
		t.Fatalf("in force: %+v (%v), want v1's content", latest, err)
	}
}
