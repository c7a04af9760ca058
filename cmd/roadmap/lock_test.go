package main

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestAcquireLock(t *testing.T) {
	dir := t.TempDir()
	release, err := acquireLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, lockName))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(b)); got != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file holds %q, want this process's pid %d", got, os.Getpid())
	}

	// flock locks belong to an open file, so a second open in this same
	// process is refused exactly as another process would be.
	_, err = acquireLock(dir)
	var held *lockHeldError
	if !errors.As(err, &held) {
		t.Fatalf("second lock: got %v, want a lockHeldError", err)
	}
	if held.PID != os.Getpid() {
		t.Errorf("holder pid %d, want %d", held.PID, os.Getpid())
	}
	if msg := err.Error(); !strings.Contains(msg, "pid "+strconv.Itoa(os.Getpid())) || !strings.Contains(msg, dir) {
		t.Errorf("message %q should name the folder and the holder's pid", msg)
	}
	// The refused attempt must not have emptied the holder's pid.
	if b, _ := os.ReadFile(filepath.Join(dir, lockName)); strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("a refused lock changed the lock file to %q", b)
	}

	release()
	release2, err := acquireLock(dir)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	release2()
}

func TestAcquireLockNoPID(t *testing.T) {
	err := (&lockHeldError{Data: "/d"}).Error()
	if strings.Contains(err, "pid") || !strings.Contains(err, "another roadmap process") {
		t.Errorf("message without a pid: %q", err)
	}
}

func TestAcquireLockMissingFolder(t *testing.T) {
	_, err := acquireLock(filepath.Join(t.TempDir(), "missing"))
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want a not-exist error", err)
	}
}

// The lock file is read back for the message; whatever is in it (another
// program's, a truncated write) must give a pid or 0, never a panic.
func FuzzReadPID(f *testing.F) {
	for _, seed := range []string{"1234\n", "", "0", "-5", "abc", "99999999999999999999999", " 42 ", strings.Repeat("7", 100)} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, lockName)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		file, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		pid := readPID(file)
		if pid < 0 {
			t.Fatalf("readPID(%q) = %d", data, pid)
		}
		want, err := strconv.Atoi(strings.TrimSpace(string(data[:min(len(data), 64)])))
		if err != nil || want < 0 {
			want = 0
		}
		if pid != want {
			t.Fatalf("readPID(%q) = %d, want %d", data, pid, want)
		}
	})
}
