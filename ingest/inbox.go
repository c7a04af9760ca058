package ingest

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// This file holds what the intake and the watcher share about the inbox:
// which paths are candidates (one listing, one rule per kind of name) and
// when a candidate has stopped changing (one stability tracker).

// entry is one candidate file of the inbox as listed or as an event named
// it. A symbolic link is an entry like a file: it is never followed, and the
// intake rejects it.
type entry struct {
	abs  string      // absolute path
	rel  string      // path in the inbox, with slashes: "AL/x.xlsx" or "x.xlsx"
	name string      // the file's own name
	dir  string      // the inbox folder it is in, as spelt on disk ("" for the inbox itself)
	info fs.FileInfo // from Lstat
}

// listInbox lists the candidate files of inbox/ and of its folders one level
// down (SEESAC's inbox/_seesac/ among them), in path order, and returns the
// folders it read (the watcher watches them). What is skipped, and why, is
// decided by placeOf's rules: ignored names at either level, anything deeper.
// Nothing is followed: a link to a folder is an entry, not a folder.
func listInbox(inbox string, log *slog.Logger) (files []entry, folders []string, err error) {
	top, err := os.ReadDir(inbox)
	if err != nil {
		return nil, nil, fmt.Errorf("read the inbox: %w", err)
	}
	for _, e := range top {
		if skippedName(e.Name()) != "" {
			continue
		}
		abs := filepath.Join(inbox, e.Name())
		info, err := os.Lstat(abs)
		if err != nil {
			continue // gone since the listing
		}
		if !info.IsDir() {
			files = append(files, entry{abs: abs, rel: e.Name(), name: e.Name(), info: info})
			continue
		}
		folders = append(folders, abs)
		sub, err := os.ReadDir(abs)
		if err != nil {
			return nil, nil, fmt.Errorf("read the inbox folder %q: %w", e.Name(), err)
		}
		for _, f := range sub {
			if skippedName(f.Name()) != "" {
				continue
			}
			p := filepath.Join(abs, f.Name())
			info, err := os.Lstat(p)
			if err != nil {
				continue
			}
			if info.IsDir() {
				log.Warn("a folder inside an inbox folder is not read", "folder", e.Name()+"/"+f.Name())
				continue
			}
			files = append(files, entry{abs: p, rel: e.Name() + "/" + f.Name(), name: f.Name(), dir: e.Name(), info: info})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].rel < files[j].rel })
	return files, folders, nil
}

// placeOf says where path (absolute, or relative to the inbox) is in the
// inbox. ok is false, with the reason, for a path the intake never takes:
// outside the inbox, the inbox itself, deeper than one folder down, an
// ignored name at either level. The path need not exist.
func placeOf(inbox, path string) (e entry, ok bool, why string) {
	if !filepath.IsAbs(path) {
		path = filepath.Join(inbox, path)
	}
	rel, err := filepath.Rel(inbox, path)
	if err != nil || rel == "." || !filepath.IsLocal(rel) {
		return e, false, fmt.Sprintf("%s is not in the inbox %s", path, inbox)
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	if len(parts) > 2 {
		return e, false, "only the inbox and its folders one level down are read"
	}
	e = entry{abs: path, rel: filepath.ToSlash(rel), name: parts[len(parts)-1]}
	if len(parts) == 2 {
		e.dir = parts[0]
		if why := skippedName(e.dir); why != "" {
			return e, false, "in " + why
		}
	}
	if why := skippedName(e.name); why != "" {
		return e, false, why
	}
	return e, true, ""
}

// Ignored reports whether a name in the inbox is not a submission, now or
// ever: lock files of Excel (~$name) and LibreOffice (.~lock.name#), hidden
// files (the program's own temporary files among them), partial downloads
// and uploads (*.tmp, *.part, *.crdownload, WinSCP's *.filepart) and the
// files Windows leaves in shared folders.
func Ignored(name string) bool { return skippedName(name) != "" }

// skippedName says why a name is not a submission ("" when it may be one).
func skippedName(name string) string {
	lower := strings.ToLower(name)
	switch {
	case strings.HasPrefix(name, "~$"):
		return "an Excel lock file"
	case strings.HasPrefix(name, ".~lock.") && strings.HasSuffix(name, "#"):
		return "a LibreOffice lock file"
	case strings.HasPrefix(name, "."):
		return "a hidden file"
	case strings.HasSuffix(lower, ".tmp"), strings.HasSuffix(lower, ".part"), strings.HasSuffix(lower, ".filepart"),
		strings.HasSuffix(lower, ".crdownload"):
		return "a file still being copied"
	case lower == "thumbs.db", lower == "desktop.ini":
		return "a file Windows keeps in folders"
	}
	return ""
}

// stability tracks, per path, how a file looked and since when it has looked
// so, on the monotonic clock: whether a copy is still running is a matter of
// physical time passing, not of dates, so it never uses the (injectable)
// calendar clock. A write changes a file's size or modification time.
type stability struct {
	window time.Duration
	clock  func() time.Time // time.Now; tests step it by hand
	looks  map[string]*look
}

// look is how a file looked, since when, and whether it was handed over at
// this look (the watcher waits for a change or the next listing before
// handing it over again).
type look struct {
	size    int64
	mtime   time.Time
	since   time.Time
	handled bool
}

func newStability(window time.Duration, clock func() time.Time) *stability {
	if clock == nil {
		clock = time.Now
	}
	return &stability{window: window, clock: clock, looks: map[string]*look{}}
}

func (l *look) same(info fs.FileInfo) bool {
	return l.size == info.Size() && l.mtime.Equal(info.ModTime())
}

// see records how path looks now; a change starts its window again.
func (s *stability) see(path string, info fs.FileInfo) *look {
	if l, ok := s.looks[path]; ok && l.same(info) {
		return l
	}
	l := &look{size: info.Size(), mtime: info.ModTime(), since: s.clock()}
	s.looks[path] = l
	return l
}

// stable reports whether path has looked the same for the whole window.
func (s *stability) stable(path string) bool {
	l, ok := s.looks[path]
	return ok && s.clock().Sub(l.since) >= s.window
}

// forget drops what is known of path.
func (s *stability) forget(path string) { delete(s.looks, path) }

// keep drops every path that present does not hold.
func (s *stability) keep(present map[string]bool) {
	for p := range s.looks {
		if !present[p] {
			delete(s.looks, p)
		}
	}
}

// next is when the next file not yet handed over becomes stable; zero when
// none is waiting.
func (s *stability) next() time.Time {
	var next time.Time
	for _, l := range s.looks {
		if l.handled {
			continue
		}
		if due := l.since.Add(s.window); next.IsZero() || due.Before(next) {
			next = due
		}
	}
	return next
}
