package datadir

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// syncFS flushes, with one syncfs(2) per file system, everything written
// on the file systems that hold dirs: the files' data, their names and the
// folders themselves. It is one flush for a whole group of files instead of
// one per file and one per folder; its cost is that it also flushes what
// other processes wrote there. done is false if the system refuses the
// call, and the caller then syncs each file.
func syncFS(dirs []string) (done bool, err error) {
	flushed := map[uint64]bool{}
	for _, d := range dirs {
		f, err := os.Open(d)
		if err != nil {
			return false, fmt.Errorf("sync %s: %w", d, err)
		}
		var st unix.Stat_t
		if err := unix.Fstat(int(f.Fd()), &st); err != nil {
			f.Close()
			return false, fmt.Errorf("sync %s: %w", d, err)
		}
		if flushed[st.Dev] {
			f.Close()
			continue
		}
		err = unix.Syncfs(int(f.Fd()))
		f.Close()
		if err == unix.ENOSYS {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("sync the file system of %s: %w", d, err)
		}
		flushed[st.Dev] = true
	}
	return true, nil
}
