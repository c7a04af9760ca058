package datadir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Flush makes many files durable together, for a step that writes several
// files and relies on all of them at once (the intake's group commit): each
// file is written with WriteFile without Sync and Added here, then Sync makes
// the files and the folders they were renamed into durable with as few disk
// flushes as the system allows. Until Sync returns, a power cut may lose any
// of them (a file may even be found empty under its name), so nothing may
// rely on them before. The zero value is ready to use; it is not for
// concurrent use.
type Flush struct {
	files []string
	dirs  []string
	seen  map[string]bool
}

// Add notes a file written (and renamed into place) since the last Sync.
func (f *Flush) Add(path string) {
	f.files = append(f.files, path)
	f.AddLink(path)
}

// AddLink notes a symbolic link made since the last Sync: only its folder
// is synced, since syncing the link itself would follow it.
func (f *Flush) AddLink(path string) {
	dir := filepath.Dir(path)
	if f.seen == nil {
		f.seen = map[string]bool{}
	}
	if !f.seen[dir] {
		f.seen[dir] = true
		f.dirs = append(f.dirs, dir)
	}
}

// Sync makes every file added since the last Sync, and its folder's entry
// for it, durable; then it starts again empty. On Linux one syncfs(2) per
// file system does it all (syncFS); elsewhere each file is synced (several
// at once, which a journalling file system commits together) and then each
// folder once.
func (f *Flush) Sync() error {
	files, dirs := f.files, f.dirs
	f.files, f.dirs, f.seen = nil, nil, nil
	if len(dirs) == 0 {
		return nil
	}
	if done, err := syncFS(dirs); done || err != nil {
		return err
	}
	if err := syncFiles(files); err != nil {
		return err
	}
	for _, d := range dirs {
		if err := SyncDir(d); err != nil {
			return err
		}
	}
	return nil
}

// syncers bounds the files synced at once where syncfs is not available.
const syncers = 16

// syncFiles syncs each file, several at once.
func syncFiles(files []string) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	next := make(chan string)
	for range min(syncers, len(files)) {
		wg.Go(func() {
			for p := range next {
				if err := syncFile(p); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, p := range files {
		next <- p
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}
