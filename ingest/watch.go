package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watcher finds the files of the inbox that are ready to take and hands them,
// one at a time, to Process (the daemon passes them to Intake.ProcessFile).
//
// Change events (fsnotify) are only hints that something moved: they arrive
// from neither network shares nor some container mounts, and they overflow.
// So the Watcher also lists the whole inbox at start-up and every Rescan, and
// an event overflow or any other error of the event source is answered with a
// full listing. It watches the inbox and each of its folders one level down,
// including folders created later, because that is all the intake reads.
//
// A file is handed over only once its size and modification time have stayed
// the same for Stable, measured on the process's own monotonic clock: that is
// a matter of physical time passing while a copy runs, not of dates, which is
// why it does not use the daemon's (injectable) calendar clock. Symbolic links
// are never followed: a link is a candidate like a file (the intake rejects
// it and tells the sender), and a linked folder is neither watched nor read.
type Watcher struct {
	// Root is the inbox folder.
	Root string
	// Stable is how long a file must stay unchanged before Process sees it;
	// zero hands files over as soon as they are seen.
	Stable time.Duration
	// Rescan is the interval of full listings after the one at start-up;
	// zero switches the periodic listing off (tests call Scan instead).
	Rescan time.Duration
	// Process takes one file, given by its absolute path. It is called from
	// the Watcher's goroutine only, so files are taken one at a time. Its
	// context is not cancelled when the Watcher stops, so that the file in
	// hand is finished; it must bound its own work. A file that is still in
	// the inbox afterwards, unchanged, is not handed over again before the
	// next full listing (a failure is retried then, not in a tight loop).
	Process func(ctx context.Context, path string) error
	// Scanned, if set, is called after each full listing with its error.
	Scanned func(err error)
	Log     *slog.Logger

	// noEvents makes the Watcher behave as on a network share, where no
	// change events arrive (tests set it).
	noEvents bool

	mu      sync.Mutex
	cancel  context.CancelFunc
	done    chan struct{}
	scanReq chan struct{}

	// The rest belongs to the goroutine.
	events  *fsnotify.Watcher // nil when change events are unavailable
	tracked map[string]*candidate
	timer   *time.Timer
}

// candidate is a file of the inbox as last seen.
type candidate struct {
	size    int64
	mtime   time.Time
	since   time.Time // when it was first seen looking like this (monotonic)
	handled bool      // handed to Process at this look; wait for a change or the next listing
}

func (c *candidate) same(info fs.FileInfo) bool {
	return c.size == info.Size() && c.mtime.Equal(info.ModTime())
}

// Open starts watching: it sets up the change events, then, in its own
// goroutine, lists the inbox and goes on until ctx is cancelled or Close is
// called. It fails when the inbox cannot be read. Without change events (the
// system's limit of watches reached, say) it logs a warning and relies on the
// listings alone.
func (w *Watcher) Open(ctx context.Context) error {
	if w.Process == nil {
		return errors.New("watch the inbox: no Process function")
	}
	info, err := os.Stat(w.Root)
	if err != nil {
		return fmt.Errorf("watch the inbox: %w", err)
	}
	if !info.IsDir() {
		return fmt.Errorf("watch the inbox: %s is not a folder", w.Root)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done != nil {
		return errors.New("watch the inbox: already open")
	}
	w.tracked = make(map[string]*candidate)
	w.scanReq = make(chan struct{}, 1)
	if w.noEvents {
		w.log().Debug("change events off: the inbox is read by full listings only")
	} else if ev, err := fsnotify.NewWatcher(); err != nil {
		w.log().Warn("change events are not available: the inbox is read by full listings only",
			"rescan", w.Rescan.String(), "err", err)
	} else if err := ev.Add(w.Root); err != nil {
		_ = ev.Close()
		w.log().Warn("change events are not available: the inbox is read by full listings only",
			"rescan", w.Rescan.String(), "err", err)
	} else {
		w.events = ev
	}
	ctx, w.cancel = context.WithCancel(ctx)
	w.done = make(chan struct{})
	go w.loop(ctx)
	return nil
}

// Scan asks for a full listing of the inbox as soon as the file in hand, if
// any, is done. It does not wait for it.
func (w *Watcher) Scan() {
	w.mu.Lock()
	req := w.scanReq
	w.mu.Unlock()
	if req == nil {
		return
	}
	select {
	case req <- struct{}{}:
	default: // one is already asked for
	}
}

// Close stops watching and waits until the file in hand, if any, is done.
// It may be called more than once.
func (w *Watcher) Close() error {
	w.mu.Lock()
	cancel, done := w.cancel, w.done
	w.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	<-done
	return nil
}

func (w *Watcher) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (w *Watcher) loop(ctx context.Context) {
	defer close(w.done)
	defer func() {
		if w.events != nil {
			_ = w.events.Close()
		}
	}()
	w.timer = time.NewTimer(time.Hour)
	w.timer.Stop()
	defer w.timer.Stop()
	var rescan <-chan time.Time
	if w.Rescan > 0 {
		t := time.NewTicker(w.Rescan)
		defer t.Stop()
		rescan = t.C
	}
	var events <-chan fsnotify.Event
	var errs <-chan error
	if w.events != nil {
		events, errs = w.events.Events, w.events.Errors
	}
	w.scan()
	w.work(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			w.event(ev)
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.log().Warn("too many changes at once: listing the whole inbox")
			} else {
				w.log().Warn("change events failed: listing the whole inbox", "err", err)
			}
			w.scan()
		case <-rescan:
			w.scan()
		case <-w.scanReq:
			w.scan()
		case <-w.timer.C:
		}
		w.work(ctx)
	}
}

// depth tells where a path is: 1 for an entry of the inbox, 2 for an entry of
// one of its folders, 0 for anything else (the inbox itself, deeper paths).
func (w *Watcher) depth(path string) int {
	rel, err := filepath.Rel(w.Root, path)
	if err != nil || rel == "." || !filepath.IsLocal(rel) {
		return 0
	}
	switch d := filepath.Dir(rel); {
	case d == ".":
		return 1
	case filepath.Dir(d) == ".":
		return 2
	}
	return 0
}

// event notes what one change event says. Chmod events say nothing about
// content (backup and indexing tools send them by the thousand).
func (w *Watcher) event(ev fsnotify.Event) {
	if ev.Op == fsnotify.Chmod {
		return
	}
	depth := w.depth(ev.Name)
	if depth == 0 || w.ignored(ev.Name, depth) {
		return
	}
	info, err := os.Lstat(ev.Name)
	if err != nil {
		// Removed or renamed away: the listing of its folder no longer has it.
		delete(w.tracked, ev.Name)
		if depth == 1 {
			w.forgetFolder(ev.Name)
		}
		return
	}
	if info.IsDir() {
		if depth == 1 && ev.Has(fsnotify.Create) {
			// A folder made (or moved in) after start-up: watch it, then list
			// it, since files may have arrived before the watch did.
			w.watch(ev.Name)
			w.list(ev.Name, nil)
		}
		return
	}
	w.see(ev.Name, info)
}

// ignored reports whether a path is not a submission: the names the intake
// ignores, at either level.
func (w *Watcher) ignored(path string, depth int) bool {
	if Ignored(filepath.Base(path)) {
		return true
	}
	return depth == 2 && Ignored(filepath.Base(filepath.Dir(path)))
}

func (w *Watcher) watch(dir string) {
	if w.events == nil {
		return
	}
	if err := w.events.Add(dir); err != nil {
		w.log().Warn("folder not watched: its files are found by the listings only", "folder", dir, "err", err)
	}
}

// forgetFolder drops what was tracked under a folder that is gone.
func (w *Watcher) forgetFolder(dir string) {
	if w.events != nil {
		_ = w.events.Remove(dir) // usually gone with the folder already
	}
	prefix := dir + string(filepath.Separator)
	for p := range w.tracked {
		if len(p) > len(prefix) && p[:len(prefix)] == prefix {
			delete(w.tracked, p)
		}
	}
}

// see records how a file looks now.
func (w *Watcher) see(path string, info fs.FileInfo) {
	if c, ok := w.tracked[path]; ok && c.same(info) {
		return
	}
	w.tracked[path] = &candidate{size: info.Size(), mtime: info.ModTime(), since: time.Now()}
}

// scan lists the whole inbox. What a listing finds is handed over again even
// if it was handed over before at the same look, so that a file the intake
// could not take (a full disk, an unwritable folder) is retried.
func (w *Watcher) scan() {
	present := make(map[string]bool, len(w.tracked))
	err := w.list(w.Root, present)
	for p, c := range w.tracked {
		switch {
		case !present[p]:
			delete(w.tracked, p)
		case c.handled:
			c.handled = false
		}
	}
	if err != nil {
		w.log().Error("the inbox could not be listed", "err", err)
	}
	if w.Scanned != nil {
		w.Scanned(err)
	}
}

// list lists one folder (the inbox, or one of its folders) without following
// links, watches the inbox's folders and records every candidate file; it
// adds each path it finds to present, when given.
func (w *Watcher) list(dir string, present map[string]bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("list %s: %w", dir, err)
	}
	top := dir == w.Root
	var errs []error
	for _, e := range entries {
		if Ignored(e.Name()) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		info, err := os.Lstat(p)
		if err != nil {
			continue // gone since the listing
		}
		if info.IsDir() {
			if top {
				w.watch(p)
				if err := w.list(p, present); err != nil {
					errs = append(errs, err)
				}
			}
			continue // the intake reads no deeper
		}
		if present != nil {
			present[p] = true
		}
		w.see(p, info)
	}
	return errors.Join(errs...)
}

// work hands over every file that has been stable long enough, in name
// order, and sets the timer for the next one. It stops early when ctx is
// cancelled; the file in hand is finished first.
func (w *Watcher) work(ctx context.Context) {
	now := time.Now()
	var ready []string
	for p, c := range w.tracked {
		if !c.handled && now.Sub(c.since) >= w.Stable {
			ready = append(ready, p)
		}
	}
	slices.Sort(ready)
	for _, p := range ready {
		if ctx.Err() != nil {
			return
		}
		c := w.tracked[p]
		if c == nil {
			continue
		}
		// A last look: a write may have come without an event (shares).
		info, err := os.Lstat(p)
		if err != nil {
			delete(w.tracked, p)
			continue
		}
		if !c.same(info) {
			w.see(p, info)
			continue
		}
		if err := w.Process(context.WithoutCancel(ctx), p); err != nil {
			w.log().Error("file not taken; it stays in the inbox and is tried again at the next listing",
				"file", w.relative(p), "err", err)
		}
		switch info, err := os.Lstat(p); {
		case err != nil:
			delete(w.tracked, p)
		case c.same(info):
			c.handled = true
		default:
			w.see(p, info)
		}
	}
	w.arm()
}

// arm sets the timer to the moment the next tracked file becomes stable.
func (w *Watcher) arm() {
	var next time.Time
	for _, c := range w.tracked {
		if c.handled {
			continue
		}
		if due := c.since.Add(w.Stable); next.IsZero() || due.Before(next) {
			next = due
		}
	}
	w.timer.Stop()
	if !next.IsZero() {
		w.timer.Reset(max(time.Until(next), 0))
	}
}

func (w *Watcher) relative(p string) string {
	if rel, err := filepath.Rel(w.Root, p); err == nil {
		return filepath.ToSlash(rel)
	}
	return p
}
