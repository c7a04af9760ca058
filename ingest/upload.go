package ingest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/seesac/roadmap/datadir"
)

// Accepts reports whether the intake reads a file of that name as a
// workbook (it may still reject it, with the reason): the portal takes only
// these.
func (in *Intake) Accepts(name string) bool {
	return !Ignored(name) && intakeWorkbookExts[strings.ToLower(filepath.Ext(name))]
}

// Drop writes r into the inbox folder of jurisdiction under name, whole or
// not at all: it is written under a hidden temporary name, which the intake
// ignores, synced, then renamed. The intake then takes it like any other
// drop. A file of that name still waiting in the folder is not replaced:
// the error wraps fs.ErrExist. An error of r (such as a size limit) leaves
// nothing behind. Drops of one name that arrive together are placed one at
// a time (each is read in full first, outside the lock), so that none
// replaces another that was told it had been placed.
func (in *Intake) Drop(jurisdiction, name string, r io.Reader) error {
	if _, ok := in.Catalogue.Jurisdiction(jurisdiction); !ok {
		return fmt.Errorf("drop: %q is not a jurisdiction of the catalogue", jurisdiction)
	}
	if name != filepath.Base(name) || Ignored(name) {
		return fmt.Errorf("drop: %q cannot be a file of the inbox", name)
	}
	dir := filepath.Join(in.data().Inbox(), jurisdiction)
	if _, err := datadir.MkdirAll(dir); err != nil {
		return fmt.Errorf("drop: %w", err)
	}
	dst := filepath.Join(dir, name)
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("drop %s: %w", name, fs.ErrExist)
	}
	// Staged under a hidden name (ignored by the intake, swept at start if
	// left behind), then moved into place under the lock.
	var tag [8]byte
	if _, err := rand.Read(tag[:]); err != nil {
		return fmt.Errorf("drop %s: %w", name, err)
	}
	staged := filepath.Join(dir, datadir.TempPrefix+"upload-"+hex.EncodeToString(tag[:]))
	if err := datadir.WriteFile(staged, datadir.Write{Sync: true}, func(w io.Writer) error {
		_, err := io.Copy(w, r)
		return err
	}); err != nil {
		return fmt.Errorf("drop %s: %w", name, err)
	}
	in.dropMu.Lock()
	defer in.dropMu.Unlock()
	if _, err := os.Lstat(dst); err == nil {
		_ = os.Remove(staged)
		return fmt.Errorf("drop %s: %w", name, fs.ErrExist)
	}
	if err := os.Rename(staged, dst); err != nil {
		_ = os.Remove(staged)
		return fmt.Errorf("drop %s: %w", name, err)
	}
	return datadir.SyncDir(dir)
}

// Waiting lists the files of a jurisdiction's inbox folder that the intake
// has not taken yet, by name.
func (in *Intake) Waiting(jurisdiction string) ([]string, error) {
	files, _, err := listInbox(in.data().Inbox(), in.log())
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range files {
		if d := in.dropOf(e); d.folder == jurisdiction && d.folderKnown {
			names = append(names, d.name)
		}
	}
	return names, nil
}
