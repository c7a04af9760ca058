package ingest

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// A drop recorded by an interrupted pass stays the same drop when its
// metadata changes before the next pass (an operator's chmod -R on the
// inbox): it is finished, not recorded a second time. The birth time, not
// the change time, tells when a file arrived.
func TestChmodKeepsADropTheSame(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	p := e.drop(validSample("AL", "2026-H1"), "AL", "report.xlsx")
	var stx unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, p, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_BTIME, &stx); err != nil || stx.Mask&unix.STATX_BTIME == 0 {
		t.Skipf("the file system of %s keeps no birth time", filepath.Dir(p))
	}
	e.crashingPass(t, stepFeedback)
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	e.openLedger()
	sum := e.pass()
	if len(sum.Outcomes) != 1 || !sum.Outcomes[0].Resumed {
		t.Fatalf("after a chmod: %+v, want the interrupted drop finished", sum.Outcomes)
	}
	hist, err := e.db.History(intakeCtx, "AL", intakeH1)
	if err != nil || len(hist) != 1 {
		t.Fatalf("history %+v (%v), want the one drop", hist, err)
	}
}
