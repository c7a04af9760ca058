package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

// Reindexed is what Reindex did.
type Reindexed struct {
	// Recorded counts the stored files recorded in the ledger; Known those
	// it already had.
	Recorded int `json:"recorded"`
	Known    int `json:"known"`
	// Disagreements lists the stored files (relative to the data folder)
	// that the checks would now decide otherwise than when they were
	// received. They are recorded as they were decided then.
	Disagreements []string `json:"disagreements,omitempty"`
}

// storedFile is one original found in archive/ or rejected/.
type storedFile struct {
	rel   string // relative to Root, with slashes
	state roadmap.State
	j     string // archive/J/P/: the jurisdiction and period the path names
	p     roadmap.Period
	note  sidecar
}

// hashPrefix is what storedName puts before a kept original's name.
var hashPrefix = regexp.MustCompile(`^([0-9a-f]{16}|symlink|oversized)-([0-9a-f]{8}-)?`)

// Reindex rebuilds the ledger from the originals kept in archive/ and
// rejected/, in the order they were received: each is checked again and
// recorded under its original source key, received time, name and folder
// (from the note stored beside it; without one, the file's modification time,
// which the intake sets to the received time, and its name). The state is
// the one the file's place records: archive/J/P/ accepted,
// archive/J/P/duplicates/ duplicate, rejected/ rejected, since that is what
// the sender was told. Files the ledger already knows are skipped, so
// Reindex can run again after an interruption. It is meant for an empty
// ledger: a ledger that has since recorded newer files would number the
// versions differently.
func (in *Intake) Reindex(ctx context.Context) (Reindexed, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	var sum Reindexed
	if err := in.validate(); err != nil {
		return sum, err
	}
	files, err := in.storedFiles()
	if err != nil {
		return sum, err
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		recorded, disagree, err := in.reindexOne(ctx, f)
		if err != nil {
			return sum, fmt.Errorf("reindex %s: %w", f.rel, err)
		}
		if !recorded {
			sum.Known++
			continue
		}
		sum.Recorded++
		if disagree {
			sum.Disagreements = append(sum.Disagreements, f.rel)
		}
	}
	return sum, nil
}

func (in *Intake) reindexOne(ctx context.Context, f storedFile) (recorded, disagree bool, err error) {
	prior, err := in.Ledger.BySource(ctx, f.note.Source)
	if err != nil || prior != nil {
		return false, false, err
	}
	abs := in.abs(f.rel)
	info, err := os.Lstat(abs)
	if err != nil {
		return false, false, err
	}
	inboxRel, _ := datadir.FromInbox(f.note.Inbox)
	d := drop{abs: abs, rel: inboxRel, name: f.note.Name, info: info}
	d.folder, d.folderKnown = f.note.Folder, true
	if d.folder != "" {
		d.folder, d.folderKnown = in.folderOf(d.folder)
	}
	// The same steps as a pass, up to its first write.
	p := in.prepare(ctx, d, f.note.Received)
	switch {
	case p.err != nil:
		return false, false, p.err
	case p.waiting != "":
		return false, false, fmt.Errorf("the stored original could not be checked: %s", p.waiting)
	}
	if f.note.Hash != "" && p.hash != f.note.Hash {
		in.log().Error("a stored original no longer has the content it was received with", "file", f.rel,
			"recorded", f.note.Hash, "now", p.hash)
	}
	s, _, err := in.judge(ctx, p, nil)
	if err != nil {
		return false, false, err
	}
	decided := s.State
	s.State, s.Path, s.Size = f.state, f.rel, info.Size()
	if f.state != roadmap.Rejected && (s.Jurisdiction != f.j || s.Period != f.p) {
		// Kept under archive/J/P/: that is the jurisdiction and period it
		// was accepted for.
		s.Jurisdiction, s.Period = f.j, f.p
		decided = ""
	}
	if decided != f.state {
		disagree = true
		in.log().Warn("the checks now decide otherwise than when the file was received; recorded as then",
			"file", f.rel, "then", string(f.state), "now", string(decided))
	}
	if err := in.Ledger.Record(ctx, s, f.note.Source); err != nil {
		return false, false, err
	}
	in.log().Info("reindexed", "file", f.rel, "outcome", string(s.State), "jurisdiction", s.Jurisdiction,
		"period", s.Period.String(), "version", s.Version)
	return true, disagree, nil
}

// storedFiles lists the originals under archive/ and rejected/ in received
// order (then by path, for files received in the same instant).
func (in *Intake) storedFiles() ([]storedFile, error) {
	var files []storedFile
	for _, top := range datadir.KeptFolders() {
		root := in.abs(top)
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && p == root {
					return fs.SkipDir
				}
				return err
			}
			name := e.Name()
			if e.IsDir() || datadir.IsTemp(name) || strings.HasSuffix(name, sidecarSuffix) {
				return nil
			}
			rel, err := filepath.Rel(in.Root, p)
			if err != nil {
				return err
			}
			f, ok, err := in.storedFile(filepath.ToSlash(rel))
			if err != nil {
				return err
			}
			if kept, _ := datadir.ParseKept(filepath.ToSlash(rel)); !ok && kept.Folder == datadir.SeesacName {
				return nil
			}
			if !ok {
				in.log().Warn("not an original kept by the intake: skipped", "file", filepath.ToSlash(rel))
				return nil
			}
			files = append(files, f)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", top, err)
		}
	}
	sort.SliceStable(files, func(i, j int) bool {
		if c := files[i].note.Received.Compare(files[j].note.Received); c != 0 {
			return c < 0
		}
		// Files received at the same instant (one pass under a fixed clock)
		// were taken in inbox order; replaying them in that order keeps
		// their versions and the period each was compared with.
		if files[i].note.Inbox != files[j].note.Inbox {
			return files[i].note.Inbox < files[j].note.Inbox
		}
		return files[i].rel < files[j].rel
	})
	return files, nil
}

// storedFile reads what the path and the note beside it say about a kept
// original; ok is false for a file in no place the intake stores to.
func (in *Intake) storedFile(rel string) (storedFile, bool, error) {
	f := storedFile{rel: rel}
	kept, ok := datadir.ParseKept(rel)
	switch {
	case !ok:
		return f, false, nil
	case kept.Folder == datadir.SeesacName:
		return f, false, nil // SEESAC's syntheses: their kept files are their record (synthesis.go)
	case kept.Rejected:
		f.state = roadmap.Rejected
	default:
		p, err := roadmap.ParsePeriod(kept.Period)
		if _, known := in.Catalogue.Jurisdiction(kept.Folder); err != nil || !known {
			return f, false, nil
		}
		f.state, f.j, f.p = roadmap.Accepted, kept.Folder, p
		if kept.Duplicate {
			f.state = roadmap.Duplicate
		}
	}
	data, err := os.ReadFile(in.abs(rel) + sidecarSuffix)
	switch {
	case err == nil:
		if err := json.Unmarshal(data, &f.note); err != nil {
			return f, false, fmt.Errorf("the note beside %s: %w", rel, err)
		}
		f.note.Received = f.note.Received.UTC()
	case errors.Is(err, fs.ErrNotExist):
		// An original put back by hand: its name and time are all there is.
		info, err := os.Lstat(in.abs(rel))
		if err != nil {
			return f, false, err
		}
		base := path.Base(rel)
		f.note = sidecar{Name: hashPrefix.ReplaceAllString(base, ""), Received: info.ModTime().UTC(),
			Source: "reindex:" + rel}
		if f.state == roadmap.Rejected {
			if j, ok := in.folderOf(kept.Folder); ok {
				f.note.Folder = j
			}
		}
		f.note.Inbox = datadir.InboxPath(f.note.Name)
	default:
		return f, false, err
	}
	if f.note.Source == "" || f.note.Name == "" || f.note.Received.IsZero() {
		return f, false, fmt.Errorf("the note beside %s is incomplete", rel)
	}
	return f, true, nil
}

// ArchivedOriginals counts the originals kept under root's archive/ (accepted
// files and duplicates, not their notes nor temporary files): what a ledger
// of root should record, and what 'roadmap reindex' would rebuild it from.
// A root without archive/ has none. An original whose drop still waits in
// the inbox, unchanged, is not counted: a pass interrupted before its ledger
// step kept it, and the next pass takes the drop again (a crash in the first
// pass of a new data folder must not look like a lost ledger).
func ArchivedOriginals(root string) (int, error) {
	n := 0
	top := filepath.Join(root, datadir.ArchiveName)
	err := filepath.WalkDir(top, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == top {
				return fs.SkipDir
			}
			return err
		}
		name := e.Name()
		if !e.Type().IsRegular() || datadir.IsTemp(name) || strings.HasSuffix(name, sidecarSuffix) {
			return nil
		}
		// Where the intake keeps them: archive/J/P/NAME and
		// archive/J/P/duplicates/NAME.
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		if kept, ok := datadir.ParseKept(filepath.ToSlash(rel)); ok && !kept.Rejected && kept.Folder != datadir.SeesacName && !stillWaiting(root, p) {
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count the originals in %s: %w", top, err)
	}
	return n, nil
}

// stillWaiting reports whether the kept original at abs was kept from a drop
// that is still in the inbox as it was then (the same source key, which
// names its place, size, times and content).
func stillWaiting(root, abs string) bool {
	data, err := os.ReadFile(abs + sidecarSuffix)
	if err != nil {
		return false
	}
	var note sidecar
	if json.Unmarshal(data, &note) != nil {
		return false
	}
	rel, ok := datadir.FromInbox(note.Inbox)
	if !ok {
		return false
	}
	waiting := filepath.Join(root, filepath.FromSlash(note.Inbox))
	info, err := os.Lstat(waiting)
	if err != nil || !info.Mode().IsRegular() {
		return false
	}
	return sourceKey(drop{abs: waiting, rel: rel, info: info}, note.Hash) == note.Source
}
