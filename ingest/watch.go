package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watcher finds the files of the inbox that are ready to take and hands them
// to Process in batches: the files that became ready together, in name order,
// at most a commit group's worth at a time (the daemon passes them to
// Intake.ProcessFiles, which checks them on all cores and commits them in
// that order, so that a burst of drops is taken as fast as a pass takes it).
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
	// Process takes a batch of files, given by their absolute paths in name
	// order. It is called from the Watcher's goroutine only, so one batch is
	// in hand at a time. Its context is not cancelled when the Watcher stops,
	// so that the batch in hand is finished; it must bound its own work. Its
	// error says which files could not be taken. A file that is still in the
	// inbox afterwards, unchanged, is not handed over again before the next
	// full listing (a failure is retried then, not in a tight loop).
	Process func(ctx context.Context, paths []string) error
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
	tracked *stability        // by absolute path
	timer   *time.Timer
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
	w.tracked = newStability(w.Stable, nil)
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

// Scan asks for a full listing of the inbox as soon as the batch in hand, if
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

// Close stops watching and waits until the batch in hand, if any, is done.
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

// event notes what one change event says. Chmod events say nothing about
// content (backup and indexing tools send them by the thousand).
func (w *Watcher) event(ev fsnotify.Event) {
	if ev.Op == fsnotify.Chmod {
		return
	}
	e, ok, _ := placeOf(w.Root, ev.Name)
	if !ok {
		return
	}
	info, err := os.Lstat(ev.Name)
	if err != nil {
		// Removed or renamed away: the listing of its folder no longer has it.
		w.tracked.forget(ev.Name)
		if e.dir == "" {
			w.forgetFolder(ev.Name)
		}
		return
	}
	if info.IsDir() {
		if e.dir == "" && ev.Has(fsnotify.Create) {
			// A folder made (or moved in) after start-up: watch it, then
			// list the inbox, since files may have arrived in it before the
			// watch did.
			w.watch(ev.Name)
			w.scan()
		}
		return
	}
	w.tracked.see(ev.Name, info)
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
	for p := range w.tracked.looks {
		if strings.HasPrefix(p, prefix) {
			w.tracked.forget(p)
		}
	}
}

// scan lists the whole inbox, as the intake does, and watches its folders.
// What a listing finds is handed over again even if it was handed over
// before at the same look, so that a file the intake could not take (a full
// disk, an unwritable folder) is retried.
func (w *Watcher) scan() {
	files, folders, err := listInbox(w.Root, w.log())
	if err != nil {
		w.log().Error("the inbox could not be listed", "err", err)
	} else {
		for _, dir := range folders {
			w.watch(dir)
		}
		present := make(map[string]bool, len(files))
		for _, f := range files {
			present[f.abs] = true
			w.tracked.see(f.abs, f.info).handled = false
		}
		w.tracked.keep(present)
	}
	if w.Scanned != nil {
		w.Scanned(err)
	}
}

// work hands over every file that has been stable long enough, in name
// order and in batches of at most maxGroup, and sets the timer for the next
// one. It stops early when ctx is cancelled; the batch in hand is finished
// first.
func (w *Watcher) work(ctx context.Context) {
	var ready []string
	for p, l := range w.tracked.looks {
		if !l.handled && w.tracked.stable(p) {
			ready = append(ready, p)
		}
	}
	slices.Sort(ready)
	for batch := range slices.Chunk(ready, maxGroup) {
		if ctx.Err() != nil {
			return
		}
		w.hand(ctx, batch)
	}
	w.arm()
}

// hand gives Process the files of batch that are still as they were when
// found stable, then notes which of them are done with: gone from the inbox,
// or still there unchanged (not handed over again before the next listing).
func (w *Watcher) hand(ctx context.Context, batch []string) {
	var paths []string
	looks := map[string]*look{}
	for _, p := range batch {
		l := w.tracked.looks[p]
		if l == nil {
			continue
		}
		// A last look: a write may have come without an event (shares).
		info, err := os.Lstat(p)
		if err != nil {
			w.tracked.forget(p)
			continue
		}
		if !l.same(info) {
			w.tracked.see(p, info)
			continue
		}
		paths = append(paths, p)
		looks[p] = l
	}
	if len(paths) == 0 {
		return
	}
	if err := w.Process(context.WithoutCancel(ctx), paths); err != nil {
		w.log().Error("not every file was taken; what was not stays in the inbox and is tried again at the next listing",
			"files", len(paths), "err", err)
	}
	for _, p := range paths {
		switch info, err := os.Lstat(p); {
		case err != nil:
			w.tracked.forget(p)
		case looks[p].same(info):
			looks[p].handled = true
		default:
			w.tracked.see(p, info)
		}
	}
}

// arm sets the timer to the moment the next tracked file becomes stable.
func (w *Watcher) arm() {
	w.timer.Stop()
	if next := w.tracked.next(); !next.IsZero() {
		w.timer.Reset(max(time.Until(next), 0))
	}
}

func (w *Watcher) relative(p string) string {
	if rel, err := filepath.Rel(w.Root, p); err == nil {
		return filepath.ToSlash(rel)
	}
	return p
}
