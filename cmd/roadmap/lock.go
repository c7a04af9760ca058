package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// lockName is the lock file in the data folder: the daemon, ingest and
// reindex hold it so that one process at a time takes files from the inbox
// and writes the ledger's submissions.
const lockName = "roadmap.lock"

// lockHeldError says which process holds the data folder.
type lockHeldError struct {
	Data string
	// PID is the holder's process id, or 0 when its lock file names none
	// (it is still starting).
	PID int
}

func (e *lockHeldError) Error() string {
	who := "another roadmap process"
	if e.PID > 0 {
		who = fmt.Sprintf("another roadmap process (pid %d)", e.PID)
	}
	return fmt.Sprintf("the data folder %s is in use by %s: only one of serve, ingest and reindex may work on it at a time; stop that process or wait for it to finish", e.Data, who)
}

// acquireLock takes the data folder's lock (DATA/roadmap.lock) without
// waiting, and writes this process's id into it. It fails with a
// *lockHeldError naming the holder's pid when another process has it. The
// lock is an flock(2) lock: the kernel lets it go when the process ends,
// however it ends, so a crash never leaves the folder locked. release gives
// it up; the file stays, emptied, so that the next holder locks the same file.
func acquireLock(dataDir string) (release func(), err error) {
	path := filepath.Join(dataDir, lockName)
	// No O_TRUNC: the file must not be emptied before the lock is ours, or the
	// holder's pid would be lost to the message.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return nil, fmt.Errorf("lock the data folder: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &lockHeldError{Data: dataDir, PID: readPID(f)}
		}
		return nil, fmt.Errorf("lock the data folder %s: %w", dataDir, err)
	}
	if err := writePID(f); err != nil {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
		return nil, fmt.Errorf("lock the data folder: write %s: %w", path, err)
	}
	return func() {
		_ = f.Truncate(0)
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
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

// readPID reads the holder's pid; 0 when the file does not (yet) hold one.
func readPID(f *os.File) int {
	b, err := io.ReadAll(io.LimitReader(io.NewSectionReader(f, 0, 64), 64))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
