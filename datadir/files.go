package datadir

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// TempPrefix starts the name of every temporary file the program writes:
// hidden (so the inbox's listing and a Commission's share browser skip it),
// and recognisable, so that Sweep can remove what a crash left behind.
const TempPrefix = ".roadmap-tmp-"

// IsTemp reports whether a file name is one of the program's temporary files.
func IsTemp(name string) bool { return strings.HasPrefix(name, TempPrefix) }

// MkdirAll creates dir and any missing parents with DirMode, syncing the
// parent of every level it creates so that a crash cannot lose a folder
// that a later step (a renamed file inside it) relies on. It returns the
// folders it created, outermost first. A path that exists and is not a
// folder is an error.
func MkdirAll(dir string) ([]string, error) {
	dir = filepath.Clean(dir)
	var missing []string
	for p := dir; ; p = filepath.Dir(p) {
		info, err := os.Lstat(p)
		if err == nil {
			if !info.IsDir() {
				return nil, fmt.Errorf("create %s: %s exists and is not a folder", dir, p)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("create %s: %w", dir, err)
		}
		missing = append(missing, p)
		if parent := filepath.Dir(p); parent == p {
			break
		}
	}
	var created []string
	for i := len(missing) - 1; i >= 0; i-- {
		p := missing[i]
		if err := os.Mkdir(p, DirMode); err != nil {
			if errors.Is(err, fs.ErrExist) {
				if info, serr := os.Stat(p); serr == nil && info.IsDir() {
					continue // made by someone else meanwhile
				}
			}
			return created, fmt.Errorf("create %s: %w", p, err)
		}
		// Mkdir's mode is cut by the umask; the policy is exact.
		if err := os.Chmod(p, DirMode); err != nil {
			return created, fmt.Errorf("create %s: %w", p, err)
		}
		created = append(created, p)
		if err := SyncDir(filepath.Dir(p)); err != nil {
			return created, err
		}
	}
	return created, nil
}

// Write says how WriteFile writes.
type Write struct {
	// ModTime, unless zero, is given to the file (the intake sets a kept
	// original's to its received time).
	ModTime time.Time
	// Sync makes the file's content durable before it is renamed into place:
	// for what the ledger relies on. The folder is not synced: call SyncDir
	// once after the last file of a step.
	Sync bool
	// Private gives the file PrivateMode instead of FileMode: for secrets.
	Private bool
}

// WriteFile writes a file through fill: into a temporary file in the same
// folder, which must exist (MkdirAll), with FileMode, then renamed over path,
// so that a reader sees the old file or the new one and never half of one.
// On failure path is as it was and the temporary file is gone.
func WriteFile(path string, w Write, fill func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), TempPrefix+"*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = fill(tmp); err != nil {
		return err
	}
	mode := FileMode
	if w.Private {
		mode = PrivateMode
	}
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if w.Sync {
		if err = tmp.Sync(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if !w.ModTime.IsZero() {
		if err = os.Chtimes(tmp.Name(), w.ModTime, w.ModTime); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: rename into place: %w", path, err)
	}
	return nil
}

// WriteBytes is WriteFile of data.
func WriteBytes(path string, w Write, data []byte) error {
	return WriteFile(path, w, func(out io.Writer) error {
		_, err := out.Write(data)
		return err
	})
}

// CreateNew writes data to path only when nothing is there (not even a
// link): an operator's file is never replaced. created is false when path
// already existed. The folder must exist.
func CreateNew(path string, data []byte) (created bool, err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, FileMode)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("create %s: %w", path, err)
	}
	fail := func(err error) (bool, error) {
		_ = f.Close()
		_ = os.Remove(path)
		return false, fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(FileMode); err != nil {
		return fail(err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(path)
		return false, fmt.Errorf("write %s: %w", path, err)
	}
	return true, SyncDir(filepath.Dir(path))
}

// Symlink makes path a symbolic link to target, replacing what is there in
// one rename. The link is never followed. The folder must exist.
func Symlink(target, path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), TempPrefix+"*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_ = tmp.Close()
	if err := os.Remove(name); err != nil {
		return err
	}
	if err := os.Symlink(target, name); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		_ = os.Remove(name)
		return err
	}
	return nil
}

// SyncDir makes the renames and creations in dir durable before the next
// step relies on them. A system that cannot sync a folder (it reports the
// operation as invalid) is taken as having nothing to sync.
func SyncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !errors.Is(err, os.ErrPermission) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// sweptFolders are where the program writes through temporary files; the
// inbox is not among them (its files belong to the senders).
var sweptFolders = []string{ArchiveName, RejectedName, FeedbackName, ReportsName, OutboxName}

// Sweep removes the temporary files that an interrupted write left in the
// data folder itself and in the folders the program writes, when they were
// last changed before the given time (a write still in progress in another
// process, such as a build, is left alone). It returns what it removed.
// Call it at start-up, holding the lock.
func (d Dir) Sweep(before time.Time) ([]string, error) {
	var removed []string
	var errs []error
	visit := func(p string, e fs.DirEntry) {
		if e.IsDir() || !IsTemp(e.Name()) {
			return
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(before) {
			return
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			return
		}
		removed = append(removed, p)
	}
	entries, err := os.ReadDir(d.root)
	if err != nil {
		return nil, fmt.Errorf("sweep %s: %w", d.root, err)
	}
	for _, e := range entries {
		visit(filepath.Join(d.root, e.Name()), e)
	}
	for _, top := range sweptFolders {
		root := filepath.Join(d.root, top)
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			visit(p, e)
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("sweep %s: %w", root, err))
		}
	}
	return removed, errors.Join(errs...)
}
