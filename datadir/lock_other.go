//go:build !unix && !windows

package datadir

import (
	"errors"
	"os"
)

// tryLock: this platform has no file lock the program knows; the data
// folder cannot be locked, so no command that needs the lock runs.
func tryLock(*os.File) (bool, error) {
	return false, errors.New("this platform has no file lock")
}

func unlock(*os.File) {}

// lockFolder: without a file lock, the writers of a folder do not take turns
// across processes.
func lockFolder(string) (func(), error) { return func() {}, nil }
