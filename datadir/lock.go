package datadir

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// HeldError says that another process holds the data folder's lock, and
// which one when its lock file names it.
type HeldError struct {
	Data string
	// PID is the holder's process id, or 0 when its lock file names none
	// (it is still starting).
	PID int
}

func (e *HeldError) Error() string {
	who := "another roadmap process"
	if e.PID > 0 {
		who = fmt.Sprintf("another roadmap process (pid %d)", e.PID)
	}
	return fmt.Sprintf("the data folder %s is in use by %s: only one of serve, ingest and reindex may work on it at a time; stop that process or wait for it to finish", e.Data, who)
}

// Lock takes the data folder's lock (roadmap.lock) without waiting and
// writes this process's id into it. It fails with a *HeldError naming the
// holder when another process has it. The lock is the platform's own
// (flock on Unix, LockFileEx on Windows): the system lets it go when the
// process ends, however it ends, so a crash never leaves the folder locked.
// release gives it up; the file stays, emptied, so that the next holder
// locks the same file.
func (d Dir) Lock() (release func(), err error) {
	path := d.LockFile()
	// No O_TRUNC: the file must not be emptied before the lock is ours, or
	// the holder's pid would be lost to the message.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, FileMode)
	if err != nil {
		return nil, fmt.Errorf("lock the data folder: %w", err)
	}
	held, err := tryLock(f)
	if err != nil || held {
		defer f.Close()
		if held {
			return nil, &HeldError{Data: d.root, PID: ReadPID(f)}
		}
		return nil, fmt.Errorf("lock the data folder %s: %w", d.root, err)
	}
	if err := writePID(f); err != nil {
		unlock(f)
		_ = f.Close()
		return nil, fmt.Errorf("lock the data folder: write %s: %w", path, err)
	}
	return func() {
		_ = f.Truncate(0)
		unlock(f)
		_ = f.Close()
	}, nil
}

func writePID(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0); err != nil {
		return err
	}
	return f.Sync()
}

// ReadPID reads the holder's pid from a lock file; 0 when it holds none.
// Whatever is in the file (another program's, a truncated write) gives a
// pid or 0.
func ReadPID(r io.ReaderAt) int {
	b, err := io.ReadAll(io.NewSectionReader(r, 0, 64))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// LockFolder takes an exclusive lock on the folder dir, waiting until it is
// free, so that the processes that write one folder (the daemon's build and
// an operator's 'roadmap build' of the same meeting) take turns: each reads,
// changes and writes the folder's manifest without losing the other's entry.
// unlock gives it up; the system lets it go too when the process ends.
func LockFolder(dir string) (unlock func(), err error) {
	unlock, err = lockFolder(dir)
	if err != nil {
		return nil, fmt.Errorf("lock the folder %s: %w", dir, err)
	}
	return unlock, nil
}
