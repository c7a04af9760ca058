//go:build unix

package datadir

import (
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// Not parallel: the umask belongs to the whole process.
func TestInitCreatesTheLayoutWithThePolicy(t *testing.T) {
	// The umask must not change the policy: set a strict one and a lax one.
	for _, mask := range []int{0o077, 0o002} {
		old := syscall.Umask(mask)
		root := filepath.Join(t.TempDir(), "data")
		d := New(root)
		created, err := d.Init([]string{"AL", "BA"})
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{root}
		for _, p := range []string{"inbox", "inbox/AL", "inbox/BA", "inbox/_seesac", "archive", "rejected", "feedback", "reports", "outbox"} {
			want = append(want, filepath.Join(root, filepath.FromSlash(p)))
		}
		if !slices.Equal(created, want) {
			t.Errorf("umask %o: created %q, want %q", mask, created, want)
		}
		for _, p := range created {
			if got := mode(t, p); got != DirMode {
				t.Errorf("umask %o: %s has mode %o, want %o", mask, p, got, DirMode)
			}
		}
		again, err := d.Init([]string{"AL", "BA", "ME"})
		if err != nil || !slices.Equal(again, []string{filepath.Join(root, "inbox", "ME")}) {
			t.Errorf("second init created %q, %v; want only the new jurisdiction's folder", again, err)
		}
	}
}
