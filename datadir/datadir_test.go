package datadir

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func mode(t *testing.T, p string) fs.FileMode {
	t.Helper()
	info, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode().Perm()
}

func TestInitRefusesAFileInPlaceOfAFolder(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "archive"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := New(root).Init(nil)
	if err == nil || !strings.Contains(err.Error(), "exists and is not a folder") {
		t.Errorf("got %v, want a refusal naming the file", err)
	}
}

func TestPaths(t *testing.T) {
	t.Parallel()
	d := New("/srv/data")
	for got, want := range map[string]string{
		d.Inbox():                           "/srv/data/inbox",
		d.Ledger():                          "/srv/data/roadmap.db",
		d.Config():                          "/srv/data/roadmap.yaml",
		d.LockFile():                        "/srv/data/roadmap.lock",
		d.Outbox():                          "/srv/data/outbox",
		d.Seesac():                          "/srv/data/inbox/_seesac",
		d.StatusDigests():                   "/srv/data/reports/status",
		d.Abs("archive/AL/2026-H1/x"):       "/srv/data/archive/AL/2026-H1/x",
		ArchivePath("AL", "2026-H1", "x"):   "archive/AL/2026-H1/x",
		DuplicatePath("AL", "2026-H1", "x"): "archive/AL/2026-H1/duplicates/x",
		RejectedPath("_unknown", "x"):       "rejected/_unknown/x",
		FeedbackPath("AL", "x.receipt.txt"): "feedback/AL/x.receipt.txt",
		InboxPath("AL/x.xlsx"):              "inbox/AL/x.xlsx",
	} {
		if got != filepath.FromSlash(want) && got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	if rel, ok := d.Rel("/srv/data/reports/rcm-16/a.pdf"); !ok || rel != "reports/rcm-16/a.pdf" {
		t.Errorf("Rel inside: %q %v", rel, ok)
	}
	if _, ok := d.Rel("/srv/other/a.pdf"); ok {
		t.Error("Rel outside the data folder says inside")
	}
}

func TestParseKept(t *testing.T) {
	t.Parallel()
	for rel, want := range map[string]Kept{
		"archive/AL/2026-H1/abc-x.xlsx":            {Folder: "AL", Period: "2026-H1", Name: "abc-x.xlsx"},
		"archive/AL/2026-H1/duplicates/abc-x.xlsx": {Duplicate: true, Folder: "AL", Period: "2026-H1", Name: "abc-x.xlsx"},
		"rejected/_unknown/abc-x.xlsx":             {Rejected: true, Folder: "_unknown", Name: "abc-x.xlsx"},
	} {
		got, ok := ParseKept(rel)
		if !ok || got != want {
			t.Errorf("ParseKept(%q) = %+v, %v; want %+v", rel, got, ok, want)
		}
		// The paths the layout makes read back as the same place.
		var again string
		switch {
		case want.Rejected:
			again = RejectedPath(want.Folder, want.Name)
		case want.Duplicate:
			again = DuplicatePath(want.Folder, want.Period, want.Name)
		default:
			again = ArchivePath(want.Folder, want.Period, want.Name)
		}
		if again != rel {
			t.Errorf("layout gives %q for %+v, want %q", again, want, rel)
		}
	}
	for _, rel := range []string{"archive/AL/x", "archive/AL/2026-H1/other/x", "rejected/AL/sub/x", "feedback/AL/x", "inbox/AL/x"} {
		if _, ok := ParseKept(rel); ok {
			t.Errorf("ParseKept(%q) took a path that keeps no original", rel)
		}
	}
}

func TestReportNames(t *testing.T) {
	t.Parallel()
	d := New("/d")
	for _, ok := range []string{"rcm-16", "local-16-ba", "2026-H1-al", "hlm-2026"} {
		if _, err := d.Report(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"status", "STATUS", "manifest.json", "", ".", "..", "../x", "a/b", `a\b`, ".hidden", "_seesac"} {
		if _, err := d.Report(bad); err == nil {
			t.Errorf("%q taken as a report folder", bad)
		}
	}
	if err := CheckReportName("status"); err == nil || !strings.Contains(err.Error(), "reports/status") {
		t.Errorf("the refusal of status should name what it collides with: %v", err)
	}
}

func TestMkdirAllSyncsAndReports(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b", "c")
	created, err := MkdirAll(deep)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(root, "a"), filepath.Join(root, "a", "b"), deep}
	if !slices.Equal(created, want) {
		t.Errorf("created %q, want %q", created, want)
	}
	if again, err := MkdirAll(deep); err != nil || len(again) != 0 {
		t.Errorf("again: %q, %v", again, err)
	}
}

func TestWriteFile(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	p := filepath.Join(root, "feedback", "AL", "x.receipt.txt")
	if _, err := MkdirAll(filepath.Dir(p)); err != nil {
		t.Fatal(err)
	}
	stamp := time.Date(2026, 10, 20, 9, 30, 0, 0, time.UTC)
	if err := WriteBytes(p, Write{ModTime: stamp, Sync: true}, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if got := mode(t, p); got != FileMode {
		t.Errorf("file mode %o, want %o", got, FileMode)
	}
	if got := mode(t, filepath.Dir(p)); got != DirMode {
		t.Errorf("folder mode %o, want %o", got, DirMode)
	}
	if info, _ := os.Stat(p); !info.ModTime().Equal(stamp) {
		t.Errorf("modification time %s, want %s", info.ModTime(), stamp)
	}
	// A failed write leaves the old file and no temporary file.
	boom := errors.New("boom")
	err := WriteFile(p, Write{}, func(w io.Writer) error {
		_, _ = io.WriteString(w, "half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the fill's error", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Errorf("after a failed write the file holds %q", b)
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("a failed write left %d files", len(entries))
	}
}

func TestCreateNewNeverReplaces(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), ConfigName)
	if ok, err := CreateNew(p, []byte("mine")); !ok || err != nil {
		t.Fatalf("first: %v %v", ok, err)
	}
	if got := mode(t, p); got != FileMode {
		t.Errorf("mode %o, want %o", got, FileMode)
	}
	if ok, err := CreateNew(p, []byte("theirs")); ok || err != nil {
		t.Fatalf("second: %v %v", ok, err)
	}
	if b, _ := os.ReadFile(p); string(b) != "mine" {
		t.Errorf("replaced: %q", b)
	}
	// Not even a link in its place is followed.
	link := filepath.Join(t.TempDir(), ConfigName)
	target := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if ok, err := CreateNew(link, []byte("x")); ok || err != nil {
		t.Fatalf("through a link: %v %v", ok, err)
	}
	if _, err := os.Stat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Error("CreateNew followed a link")
	}
}

func TestSymlinkReplacesInOneRename(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "symlink-x")
	for _, target := range []string{"/etc/passwd", "../elsewhere"} {
		if err := Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.Readlink(p); got != target {
			t.Errorf("link to %q, want %q", got, target)
		}
	}
}

func TestSweepRemovesOnlyStaleTemporaryFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	d := New(root)
	if _, err := d.Init([]string{"AL"}); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	write := func(rel string, stale bool) string {
		p := d.Abs(rel)
		if _, err := MkdirAll(filepath.Dir(p)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if stale {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	gone := []string{
		write(TempPrefix+"db", true),
		write("archive/AL/2026-H1/"+TempPrefix+"1", true),
		write("feedback/AL/"+TempPrefix+"2", true),
		write("reports/rcm-16/"+TempPrefix+"3", true),
		write("outbox/"+TempPrefix+"4", true),
	}
	kept := []string{
		write("reports/rcm-16/"+TempPrefix+"fresh", false), // a build writing now
		write("inbox/AL/"+TempPrefix+"sender", true),       // the senders' folder is theirs
		write("archive/AL/2026-H1/abc-x.xlsx", true),
		write("feedback/AL/.hidden", true),
	}
	removed, err := d.Sweep(time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed)
	slices.Sort(gone)
	if !slices.Equal(removed, gone) {
		t.Errorf("removed %q, want %q", removed, gone)
	}
	for _, p := range kept {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestLock(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d := New(dir)
	release, err := d.Lock()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(d.LockFile())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(b)); got != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file holds %q, want this process's pid %d", got, os.Getpid())
	}
	if got := mode(t, d.LockFile()); got != FileMode {
		t.Errorf("lock file mode %o, want %o", got, FileMode)
	}

	// The lock belongs to an open file, so a second open in this same
	// process is refused exactly as another process would be.
	_, err = d.Lock()
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("second lock: got %v, want a HeldError", err)
	}
	if held.PID != os.Getpid() {
		t.Errorf("holder pid %d, want %d", held.PID, os.Getpid())
	}
	if msg := err.Error(); !strings.Contains(msg, "pid "+strconv.Itoa(os.Getpid())) || !strings.Contains(msg, dir) {
		t.Errorf("message %q should name the folder and the holder's pid", msg)
	}
	// The refused attempt must not have emptied the holder's pid.
	if b, _ := os.ReadFile(d.LockFile()); strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("a refused lock changed the lock file to %q", b)
	}

	release()
	release2, err := d.Lock()
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	release2()
}

func TestLockWithoutPID(t *testing.T) {
	t.Parallel()
	err := (&HeldError{Data: "/d"}).Error()
	if strings.Contains(err, "pid") || !strings.Contains(err, "another roadmap process") {
		t.Errorf("message without a pid: %q", err)
	}
}

func TestLockMissingFolder(t *testing.T) {
	t.Parallel()
	_, err := New(filepath.Join(t.TempDir(), "missing")).Lock()
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
	f.Fuzz(func(t *testing.T, data []byte) {
		pid := ReadPID(strings.NewReader(string(data)))
		if pid < 0 {
			t.Errorf("pid %d from %q", pid, data)
		}
		if want, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && want > 0 && len(data) <= 64 && pid != want {
			t.Errorf("pid %d from %q, want %d", pid, data, want)
		}
	})
}
