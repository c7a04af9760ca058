//go:build windows

package datadir

import (
	"errors"
	"os"

	"path/filepath"

	"golang.org/x/sys/windows"
)

// Windows locks are mandatory: a locked byte range cannot be read by anyone
// else. So the lock is taken on one byte far past the pid the file holds
// (at 4 GiB, which a file need not reach to be locked there), and another
// process can still read who holds the folder.
const lockOffsetHigh = 1

// tryLock takes an exclusive LockFileEx lock on f without waiting; held is
// set when another handle holds it (in this process or another).
func tryLock(f *os.File) (held bool, err error) {
	ol := &windows.Overlapped{OffsetHigh: lockOffsetHigh}
	err = windows.LockFileEx(windows.Handle(f.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
		return true, nil
	}
	return false, err
}

func unlock(f *os.File) {
	ol := &windows.Overlapped{OffsetHigh: lockOffsetHigh}
	_ = windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, ol)
}

// lockFolder locks a byte of a lock file in the folder (Windows locks open
// files, not folders), waiting for it.
func lockFolder(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, FolderLockName), os.O_RDWR|os.O_CREATE, FileMode)
	if err != nil {
		return nil, err
	}
	ol := &windows.Overlapped{OffsetHigh: lockOffsetHigh}
	if err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, ol); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		unlock(f)
		_ = f.Close()
	}, nil
}
