package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seesac/roadmap/internal/fixture"
)

// TestMain lets eight tests per core run at once: the watcher tests mostly
// wait for files to stay still, and at three per core they held most slots
// for their first two seconds while the checker's 180 cases queued behind
// them (7 s of wall time for 4 s of CPU on two cores). The tests collect
// garbage less often than the program (fixture.MainWaiting); the children
// that read their peak memory run with the program's collector (programEnv).
func TestMain(m *testing.M) { fixture.MainWaiting(m, 8*runtime.GOMAXPROCS(0)) }

// programEnv is the environment of a child process that measures the
// program: the test binary's, with the program's garbage collector rather
// than the tests' (unless GOGC is set), and vars.
func programEnv(vars ...string) []string {
	env := os.Environ()
	if _, set := os.LookupEnv("GOGC"); !set {
		env = append(env, "GOGC=100")
	}
	return append(env, vars...)
}

// handoffs records what a Watcher handed over: the path relative to the
// inbox and the file's size at that moment.
type handoffs struct {
	mu    sync.Mutex
	calls []handoff
	ch    chan handoff
}

type handoff struct {
	rel  string
	size int64
}

func newHandoffs() *handoffs { return &handoffs{ch: make(chan handoff, 100)} }

func (h *handoffs) list() []handoff {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.calls)
}

func (h *handoffs) names() []string {
	var out []string
	for _, c := range h.list() {
		out = append(out, c.rel)
	}
	return out
}

// process is a Process function that records each file of the batch and,
// like the intake, clears it from the inbox when remove is set.
func (h *handoffs) process(root string, remove bool) func(context.Context, []string) error {
	return func(ctx context.Context, paths []string) error {
		var errs []error
		for _, path := range paths {
			info, err := os.Lstat(path)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			rel, _ := filepath.Rel(root, path)
			c := handoff{filepath.ToSlash(rel), info.Size()}
			h.mu.Lock()
			h.calls = append(h.calls, c)
			h.mu.Unlock()
			h.ch <- c
			if remove {
				errs = append(errs, os.Remove(path))
			}
		}
		return errors.Join(errs...)
	}
}

// next waits for the next handoff; the bound only keeps a broken watcher
// from hanging the test.
func (h *handoffs) next(t *testing.T) handoff {
	t.Helper()
	select {
	case c := <-h.ch:
		return c
	case <-time.After(10 * time.Second):
		t.Fatalf("nothing handed over within 10s; so far: %v", h.names())
	}
	return handoff{}
}

// none checks that nothing more is handed over for a while.
func (h *handoffs) none(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case c := <-h.ch:
		t.Fatalf("unexpected handoff of %s (%d bytes)", c.rel, c.size)
	case <-time.After(d):
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func startWatcher(t *testing.T, w *Watcher) {
	t.Helper()
	if w.Log == nil {
		w.Log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if err := w.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

func TestWatcherStartupScan(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	outside := t.TempDir()
	writeFile(t, filepath.Join(root, "top.xlsx"), []byte("top"))
	writeFile(t, filepath.Join(root, "AL", "b.xlsx"), []byte("bb"))
	writeFile(t, filepath.Join(root, "AL", "a.xlsx"), []byte("a"))
	// What the intake never takes, and what it does not read.
	writeFile(t, filepath.Join(root, "AL", "~$a.xlsx"), []byte("lock"))
	writeFile(t, filepath.Join(root, "AL", ".~lock.a.xlsx#"), []byte("lock"))
	writeFile(t, filepath.Join(root, "AL", "copying.tmp"), []byte("partial"))
	writeFile(t, filepath.Join(root, ".hidden", "x.xlsx"), []byte("x"))
	writeFile(t, filepath.Join(root, "AL", "deeper", "c.xlsx"), []byte("c"))
	// A link is handed over as itself (the intake rejects it); a linked
	// folder is never followed.
	writeFile(t, filepath.Join(outside, "secret.xlsx"), []byte("secret"))
	if err := os.Symlink(filepath.Join(outside, "secret.xlsx"), filepath.Join(root, "AL", "link.xlsx")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "BA")); err != nil {
		t.Fatal(err)
	}

	h := newHandoffs()
	var scans int
	var scanMu sync.Mutex
	w := &Watcher{Root: root, Stable: 200 * time.Millisecond, Process: h.process(root, true),
		Scanned: func(err error) {
			if err != nil {
				t.Errorf("scan: %v", err)
			}
			scanMu.Lock()
			scans++
			scanMu.Unlock()
		}}
	startWatcher(t, w)
	for range 5 {
		h.next(t)
	}
	h.none(t, 500*time.Millisecond)
	want := []string{"AL/a.xlsx", "AL/b.xlsx", "AL/link.xlsx", "BA", "top.xlsx"}
	if got := h.names(); !slices.Equal(got, want) {
		t.Errorf("handed over %v, want %v (in name order)", got, want)
	}
	scanMu.Lock()
	defer scanMu.Unlock()
	if scans != 1 {
		t.Errorf("%d scans reported, want the one at start-up", scans)
	}
}

func TestWatcherEvents(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	h := newHandoffs()
	// No periodic listing: only events can find these files.
	w := &Watcher{Root: root, Stable: 100 * time.Millisecond, Process: h.process(root, true)}
	startWatcher(t, w)
	h.none(t, 200*time.Millisecond)

	writeFile(t, filepath.Join(root, "one.xlsx"), []byte("1"))
	if c := h.next(t); c.rel != "one.xlsx" {
		t.Errorf("handed over %s, want one.xlsx", c.rel)
	}
	// A jurisdiction's folder created after start-up is watched too, and a
	// file renamed into it (as an upload finishing) is seen.
	if err := os.Mkdir(filepath.Join(root, "MK"), 0o755); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // let the watch on MK/ be added before the file lands
	writeFile(t, filepath.Join(root, "MK", "r.xlsx.part"), []byte("22"))
	if err := os.Rename(filepath.Join(root, "MK", "r.xlsx.part"), filepath.Join(root, "MK", "r.xlsx")); err != nil {
		t.Fatal(err)
	}
	if c := h.next(t); c.rel != "MK/r.xlsx" || c.size != 2 {
		t.Errorf("handed over %+v, want MK/r.xlsx of 2 bytes", c)
	}
	// A folder made with its files already in it (moved in whole).
	staged := filepath.Join(t.TempDir(), "XK")
	writeFile(t, filepath.Join(staged, "x.xlsx"), []byte("333"))
	if err := os.Rename(staged, filepath.Join(root, "XK")); err != nil {
		t.Skipf("cannot move a folder between temporary folders here: %v", err)
	}
	if c := h.next(t); c.rel != "XK/x.xlsx" {
		t.Errorf("handed over %+v, want XK/x.xlsx", c)
	}
	h.none(t, 300*time.Millisecond)
}

func TestWatcherWaitsForSlowWrite(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		noEvents bool
	}{{"events", false}, {"share without events", true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			h := newHandoffs()
			const stable = 500 * time.Millisecond
			w := &Watcher{Root: root, Stable: stable, Process: h.process(root, true), noEvents: tc.noEvents}
			if tc.noEvents {
				w.Rescan = 100 * time.Millisecond
			}
			startWatcher(t, w)

			path := filepath.Join(root, "AL", "slow.xlsx")
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			chunk := bytes.Repeat([]byte("x"), 1000)
			const chunks = 12
			// A write every 150 ms for about two seconds: never still for
			// the stability window until the end.
			for range chunks {
				if _, err := f.Write(chunk); err != nil {
					t.Fatal(err)
				}
				select {
				case c := <-h.ch:
					t.Fatalf("%s handed over at %d bytes while still being written", c.rel, c.size)
				case <-time.After(150 * time.Millisecond):
				}
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			c := h.next(t)
			if c.rel != "AL/slow.xlsx" || c.size != chunks*int64(len(chunk)) {
				t.Errorf("handed over %+v, want AL/slow.xlsx complete (%d bytes)", c, chunks*len(chunk))
			}
			h.none(t, 300*time.Millisecond)
		})
	}
}

func TestWatcherRetriesFailureAtNextListing(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "AL", "a.xlsx"), []byte("a"))
	h := newHandoffs()
	record := h.process(root, false)
	fail := true
	var mu sync.Mutex
	w := &Watcher{Root: root, Stable: 50 * time.Millisecond, Process: func(ctx context.Context, paths []string) error {
		if err := record(ctx, paths); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return errors.New("disk full")
		}
		return os.Remove(paths[0])
	}}
	startWatcher(t, w)
	h.next(t)
	// The file is still there and unchanged: not again until a listing.
	h.none(t, 400*time.Millisecond)
	mu.Lock()
	fail = false
	mu.Unlock()
	w.Scan()
	if c := h.next(t); c.rel != "AL/a.xlsx" {
		t.Errorf("retried %s, want AL/a.xlsx", c.rel)
	}
	w.Scan()
	h.none(t, 300*time.Millisecond)
	if _, err := os.Stat(filepath.Join(root, "AL", "a.xlsx")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the file was taken at the retry but is still in the inbox: %v", err)
	}
}

func TestWatcherCloseFinishesBatchInHand(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a.xlsx"), []byte("a"))
	writeFile(t, filepath.Join(root, "b.xlsx"), []byte("b"))
	started := make(chan struct{}, 2)
	release := make(chan struct{})
	var mu sync.Mutex
	var done []string
	var ctxErr error
	w := &Watcher{Root: root, Process: func(ctx context.Context, paths []string) error {
		started <- struct{}{}
		<-release
		mu.Lock()
		defer mu.Unlock()
		var errs []error
		for _, p := range paths {
			done = append(done, filepath.Base(p))
			errs = append(errs, os.Remove(p))
		}
		ctxErr = ctx.Err()
		return errors.Join(errs...)
	}}
	startWatcher(t, w)
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the first batch was not handed over")
	}
	// A file that arrives while the batch is in hand is not taken once the
	// Watcher is closed.
	writeFile(t, filepath.Join(root, "c.xlsx"), []byte("c"))
	closed := make(chan struct{})
	go func() {
		_ = w.Close()
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("Close returned while a batch was in hand")
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return once the batch in hand was done")
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(done, []string{"a.xlsx", "b.xlsx"}) {
		t.Errorf("finished %v, want the batch in hand (a.xlsx, b.xlsx), in name order, and no other", done)
	}
	if ctxErr != nil {
		t.Errorf("the batch in hand had its context cancelled: %v", ctxErr)
	}
	if _, err := os.Stat(filepath.Join(root, "c.xlsx")); err != nil {
		t.Errorf("the file not yet taken must stay in the inbox: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestWatcherOpenErrors(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := (&Watcher{Root: root}).Open(t.Context()); err == nil {
		t.Error("Open without Process succeeded")
	}
	if err := (&Watcher{Root: filepath.Join(root, "missing"), Process: func(context.Context, []string) error { return nil }}).Open(t.Context()); err == nil {
		t.Error("Open of a missing inbox succeeded")
	}
}

// TestPlaceOf: the one rule of which paths the intake and the watcher take.
func TestPlaceOf(t *testing.T) {
	t.Parallel()
	const inbox = "/data/inbox"
	for path, want := range map[string]string{ // "" = taken, else a word of the reason
		"/data/inbox":                    "not in the inbox",
		"/data/inbox/a.xlsx":             "",
		"a.xlsx":                         "",
		"AL/a.xlsx":                      "",
		"/data/inbox/AL":                 "",
		"/data/inbox/AL/a.xlsx":          "",
		"/data/inbox/AL/x/a.xlsx":        "one level down",
		"/data/other/a.xlsx":             "not in the inbox",
		"/data/inbox/../a.xlsx":          "not in the inbox",
		"/data/inboxes/AL/a.xlsx":        "not in the inbox",
		"/data/inbox/AL/../b.xlsx":       "",
		"/data/inbox/AL/~$a.xlsx":        "Excel lock file",
		"/data/inbox/.hidden/a.xlsx":     "hidden file",
		"/data/inbox/_seesac/synth.xlsx": "",
		"/data/inbox/AL/a.xlsx.part":     "still being copied",
	} {
		e, ok, why := placeOf(inbox, path)
		switch {
		case want == "" && !ok:
			t.Errorf("placeOf(%q) refused: %s", path, why)
		case want != "" && ok:
			t.Errorf("placeOf(%q) = %+v, want a refusal (%s)", path, e, want)
		case want != "" && !strings.Contains(why, want):
			t.Errorf("placeOf(%q) says %q, want it to say %q", path, why, want)
		}
	}
	if e, _, _ := placeOf(inbox, "AL/a.xlsx"); e.rel != "AL/a.xlsx" || e.dir != "AL" || e.name != "a.xlsx" || e.abs != "/data/inbox/AL/a.xlsx" {
		t.Errorf("AL/a.xlsx placed as %+v", e)
	}
}

// TestWatcherHandsBurstsInBatches: files that are ready together are handed
// over together, in name order, a commit group at most at a time, so that
// the intake checks them on all cores.
func TestWatcherHandsBurstsInBatches(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	n := maxGroup + 6
	var want []string
	for i := range n {
		name := fmt.Sprintf("f%03d.xlsx", i)
		writeFile(t, filepath.Join(root, "AL", name), []byte(name))
		want = append(want, "AL/"+name)
	}
	batches := make(chan []string, n)
	w := &Watcher{Root: root, Process: func(ctx context.Context, paths []string) error {
		var rels []string
		for _, p := range paths {
			rel, _ := filepath.Rel(root, p)
			rels = append(rels, filepath.ToSlash(rel))
		}
		batches <- rels
		for _, p := range paths {
			if err := os.Remove(p); err != nil {
				return err
			}
		}
		return nil
	}}
	startWatcher(t, w)
	var got [][]string
	for taken := 0; taken < n; {
		select {
		case b := <-batches:
			got = append(got, b)
			taken += len(b)
		case <-time.After(10 * time.Second):
			t.Fatalf("only %d of %d files handed over: %v", taken, n, got)
		}
	}
	if len(got) != 2 || len(got[0]) != maxGroup || !slices.Equal(slices.Concat(got...), want) {
		t.Errorf("handed over in batches of %v, want %d then 6, in name order", lens(got), maxGroup)
	}
}

func lens(bs [][]string) []int {
	var out []int
	for _, b := range bs {
		out = append(out, len(b))
	}
	return out
}
