package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.yaml.in/yaml/v3"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/store"
)

// The samples that samples/gen generates: real workbooks, valid and broken.
const (
	samplesDir    = "../samples"
	intakeSamples = samplesDir + "/workbooks"
)

var (
	intakeCtx = context.Background()
	intakeH1  = roadmap.MustPeriod("2026-H1")
)

// intakeEnv is a data folder with a real ledger and the real checker.
type intakeEnv struct {
	t     *testing.T
	root  string
	cat   *roadmap.Catalogue
	db    *store.DB
	in    *Intake
	clock time.Time
}

func newIntakeEnv(t *testing.T) *intakeEnv {
	t.Helper()
	cat := defaultCatalogue(t)
	e := &intakeEnv{t: t, root: t.TempDir(), cat: cat, clock: time.Date(2026, 7, 20, 9, 0, 0, 0, time.UTC)}
	for _, j := range cat.Jurisdictions {
		if err := os.MkdirAll(filepath.Join(e.root, "inbox", j.Code), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	e.openLedger()
	return e
}

func (e *intakeEnv) openLedger() {
	e.t.Helper()
	db, err := store.Open(filepath.Join(e.root, "roadmap.db"))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { db.Close() })
	e.db = db
	chk := NewChecker(e.cat)
	chk.Previous = func(j string, p roadmap.Period) *roadmap.Submission {
		s, err := db.Latest(intakeCtx, j, p)
		if err != nil {
			e.t.Error(err)
		}
		return s
	}
	e.in = &Intake{Root: e.root, Ledger: db, Checker: chk, Catalogue: e.cat,
		Now: func() time.Time { e.clock = e.clock.Add(time.Minute); return e.clock },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// drop copies a file into inbox/folder/ under name and returns its path.
func (e *intakeEnv) drop(src, folder, name string) string {
	e.t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		e.t.Fatal(err)
	}
	dst := filepath.Join(e.root, "inbox", folder, name)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		e.t.Fatal(err)
	}
	return dst
}

func (e *intakeEnv) pass() Summary {
	e.t.Helper()
	sum, err := e.in.Pass(intakeCtx)
	if err != nil {
		e.t.Fatal(err)
	}
	return sum
}

func (e *intakeEnv) exists(rel string) bool {
	_, err := os.Lstat(filepath.Join(e.root, filepath.FromSlash(rel)))
	return err == nil
}

func (e *intakeEnv) read(rel string) string {
	e.t.Helper()
	data, err := os.ReadFile(filepath.Join(e.root, filepath.FromSlash(rel)))
	if err != nil {
		e.t.Fatal(err)
	}
	return string(data)
}

// files lists every file under dir (relative to the root), with slashes.
func (e *intakeEnv) files(dir string) []string {
	e.t.Helper()
	var out []string
	root := filepath.Join(e.root, dir)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(e.root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func validSample(j, p string) string {
	return filepath.Join(intakeSamples, "valid", j, fmt.Sprintf("roadmap-%s-%s.xlsx", j, p))
}

// editedSample is a valid sample with a comment changed: the same figures,
// another content.
func editedSample(t *testing.T, j, p, comment string) string {
	t.Helper()
	f, err := excelize.OpenFile(validSample(j, p))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The narrative sheet is in every round's workbook, figures or not.
	cell := fmt.Sprintf("%s%d", roadmap.NarrColChallenge, roadmap.NarrFirstRow)
	if err := f.SetCellStr(roadmap.SheetNarrative, cell, comment); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "edited.xlsx")
	if err := f.SaveAs(out); err != nil {
		t.Fatal(err)
	}
	return out
}

type intakeBroken struct {
	File   string       `yaml:"file"`
	Folder string       `yaml:"folder"`
	Code   roadmap.Code `yaml:"code"`
}

func intakeBrokenSamples(t *testing.T) []intakeBroken {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(intakeSamples, "..", "broken.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []intakeBroken
	if err := yaml.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("no broken samples listed")
	}
	return out
}

func outcomeOf(t *testing.T, sum Summary, file string) Outcome {
	t.Helper()
	for _, o := range sum.Outcomes {
		if o.File == file {
			return o
		}
	}
	t.Fatalf("no outcome for %s in %+v", file, sum.Outcomes)
	return Outcome{}
}

// TestIntakeTakesEverySample passes every sample through one intake, the
// only test that reads them all: each valid sample is accepted as version 1
// in its own jurisdiction's folder, for the period its name says, with every
// row due read, kept and answered with a receipt; each broken one is
// rejected with the finding samples/broken.yaml names, kept under rejected/
// and answered with a note holding its errors; every finding is a sentence.
func TestIntakeTakesEverySample(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	var valid []string
	for _, j := range e.cat.Jurisdictions {
		entries, err := os.ReadDir(filepath.Join(intakeSamples, "valid", j.Code))
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range entries {
			e.drop(filepath.Join(intakeSamples, "valid", j.Code, en.Name()), j.Code, en.Name())
			valid = append(valid, j.Code+"/"+en.Name())
		}
	}
	broken := intakeBrokenSamples(t)
	for _, b := range broken {
		e.drop(filepath.Join(intakeSamples, "..", b.File), b.Folder, filepath.Base(b.File))
	}
	sum := e.pass()
	for _, b := range broken {
		if o := outcomeOf(t, sum, b.Folder+"/"+filepath.Base(b.File)); o.State != roadmap.Rejected {
			t.Errorf("%s (in %s): %s with %v", b.File, b.Folder, o.State, o.Submission.Findings)
		}
	}
	if sum.Accepted != len(valid) || sum.Rejected != len(broken) || sum.Duplicates != 0 || sum.Waiting != 0 {
		t.Fatalf("accepted %d of %d, rejected %d of %d, %d duplicates, %d waiting",
			sum.Accepted, len(valid), sum.Rejected, len(broken), sum.Duplicates, sum.Waiting)
	}
	sentences := func(file string, s *roadmap.Submission) {
		t.Helper()
		for _, f := range s.Findings {
			if err := isSentence(f.Message); err != nil {
				t.Errorf("%s: %v", file, err)
			}
		}
	}
	for _, v := range valid {
		o := outcomeOf(t, sum, v)
		s := o.Submission
		if o.State != roadmap.Accepted || s.Version != 1 {
			t.Errorf("%s: %s version %d, findings %v", v, o.State, s.Version, s.Findings)
			continue
		}
		folder, name := path.Split(v)
		folder = strings.TrimSuffix(folder, "/")
		if s.Jurisdiction != folder || s.TemplateVersion != roadmap.TemplateVersion || len(s.Values) != len(e.cat.InForce(s.Period).RowsDue(s.Period)) {
			t.Errorf("%s: jurisdiction %s template %s, %d values", v, s.Jurisdiction, s.TemplateVersion, len(s.Values))
		}
		if want := "roadmap-" + folder + "-" + s.Period.String() + ".xlsx"; name != want {
			t.Errorf("%s: read as period %s", v, s.Period)
		}
		sentences(v, s)
		dir := fmt.Sprintf("archive/%s/%s/", s.Jurisdiction, s.Period)
		if !keptAs(o.Stored, dir, s.Hash, filepath.Base(v)) || !e.exists(o.Stored) || !e.exists(o.Stored+sidecarSuffix) {
			t.Errorf("%s stored at %q, want %s<hash>-<drop>-%s", v, o.Stored, dir, filepath.Base(v))
		}
		receipt := fmt.Sprintf("feedback/%s/%s%s", s.Jurisdiction, filepath.Base(v), ReceiptSuffix)
		if !slices.Equal(o.Feedback, []string{receipt}) || !strings.Contains(e.read(receipt), "ACCEPTED") {
			t.Errorf("%s feedback %q", v, o.Feedback)
		}
	}
	for _, b := range broken {
		name := filepath.Base(b.File)
		o := outcomeOf(t, sum, b.Folder+"/"+name)
		if o.State != roadmap.Rejected || !hasCode(o.Submission.Findings, b.Code) {
			t.Errorf("%s: %s with %v, want rejected with %s", b.File, o.State, o.Submission.Findings, b.Code)
			continue
		}
		sentences(b.File, o.Submission)
		if want := "rejected/" + b.Folder + "/"; !strings.HasPrefix(o.Stored, want) || !e.exists(o.Stored) {
			t.Errorf("%s stored at %q, want under %s", b.File, o.Stored, want)
		}
		note := e.read("feedback/" + b.Folder + "/" + name + ErrorsSuffix)
		for _, f := range o.Submission.Findings {
			if f.Severity == roadmap.Error && !strings.Contains(note, f.Message) {
				t.Errorf("%s: the errors note lacks %q", b.File, f.Message)
			}
		}
	}
	// Nothing is left in the inbox but the (empty) jurisdiction folders.
	if left := e.files("inbox"); len(left) != 0 {
		t.Fatalf("left in the inbox: %q", left)
	}
	hist, err := e.db.History(intakeCtx, "AL", intakeH1)
	if err != nil {
		t.Fatal(err)
	}
	var accepted int
	for _, s := range hist {
		if s.State == roadmap.Accepted {
			accepted++
		}
	}
	if accepted != 1 {
		t.Fatalf("AL %s has %d current versions", intakeH1, accepted)
	}
}

func TestIntakeLeavesWhatIsNotASubmission(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	src := validSample("AL", "2026-H1")
	names := []string{"~$roadmap.xlsx", ".~lock.roadmap.xlsx#", ".hidden.xlsx", "upload.xlsx.tmp", "upload.xlsx.part",
		"roadmap.xlsx.filepart", "Thumbs.db", "desktop.ini", "download.crdownload"}
	for _, n := range names {
		e.drop(src, "AL", n)
		e.drop(src, "", n)
	}
	if err := os.MkdirAll(filepath.Join(e.root, "inbox", ".snapshot"), 0o755); err != nil {
		t.Fatal(err)
	}
	e.drop(src, ".snapshot", "roadmap.xlsx")
	sum := e.pass()
	if len(sum.Outcomes) != 0 {
		t.Fatalf("outcomes for ignored files: %+v", sum.Outcomes)
	}
	if left := e.files("inbox"); len(left) != 2*len(names)+1 {
		t.Fatalf("the inbox has %d files, want all %d left alone: %q", len(left), 2*len(names)+1, left)
	}
	if e.exists("archive") || e.exists("rejected") || e.exists("feedback") {
		t.Fatal("an ignored file was taken")
	}
}

func TestIntakeRejectsSymlinkWithoutFollowingIt(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	target := filepath.Join(t.TempDir(), "elsewhere.xlsx")
	data, _ := os.ReadFile(validSample("AL", "2026-H1"))
	if err := os.WriteFile(target, data, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(e.root, "inbox", "AL", "link.xlsx")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	sum := e.pass()
	o := outcomeOf(t, sum, "AL/link.xlsx")
	if o.State != roadmap.Rejected || !hasCode(o.Submission.Findings, roadmap.CodeSymlink) || o.Submission.Hash != "" {
		t.Fatalf("symlink: %+v", o.Submission)
	}
	if !keptAs(o.Stored, "rejected/AL/", "symlink", "link.xlsx") {
		t.Fatalf("stored at %q", o.Stored)
	}
	info, err := os.Lstat(filepath.Join(e.root, o.Stored))
	if err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the kept link is not a link: %v %v", info, err)
	}
	if got, _ := os.Readlink(filepath.Join(e.root, o.Stored)); got != target {
		t.Fatalf("kept link points at %q", got)
	}
	if after, _ := os.ReadFile(target); string(after) != string(data) {
		t.Fatal("the link's target changed")
	}
	if e.exists("inbox/AL/link.xlsx") || e.exists("feedback/AL/link.xlsx"+AnnotatedSuffix) {
		t.Fatal("link left in the inbox, or annotated")
	}
	if !strings.Contains(e.read("feedback/AL/link.xlsx"+ErrorsSuffix), "symbolic link") {
		t.Fatal("the note does not say what is wrong")
	}
}

func TestIntakeRejectsOtherFoldersAndFiles(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	e.drop(validSample("AL", "2026-H1"), "Finance", "roadmap.xlsx")
	pdf := filepath.Join(t.TempDir(), "x")
	if err := os.WriteFile(pdf, []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.drop(pdf, "AL", "report.pdf")
	e.drop(pdf, "", "report")
	e.drop(validSample("AL", "2026-H1"), "al", "lower.xlsx") // the folder's case does not matter
	sum := e.pass()

	o := outcomeOf(t, sum, "Finance/roadmap.xlsx")
	if o.State != roadmap.Rejected || !hasCode(o.Submission.Findings, roadmap.CodeWrongJurisdiction) ||
		!strings.HasPrefix(o.Stored, "rejected/_unknown/") || !e.exists("feedback/_unknown/roadmap.xlsx"+ErrorsSuffix) {
		t.Fatalf("unknown folder: %+v", o)
	}
	for _, f := range []string{"AL/report.pdf", "report"} {
		o := outcomeOf(t, sum, f)
		if o.State != roadmap.Rejected || len(o.Submission.Findings) != 1 ||
			o.Submission.Findings[0].Code != roadmap.CodeUnsupportedFile ||
			!strings.Contains(o.Submission.Findings[0].Message, "a PDF document") {
			t.Fatalf("%s: %+v", f, o.Submission)
		}
	}
	if o := outcomeOf(t, sum, "AL/report.pdf"); !strings.HasPrefix(o.Stored, "rejected/AL/") {
		t.Fatalf("pdf stored at %q", o.Stored)
	}
	if o := outcomeOf(t, sum, "report"); !strings.HasPrefix(o.Stored, "rejected/_unknown/") {
		t.Fatalf("unnamed file stored at %q", o.Stored)
	}
	if o := outcomeOf(t, sum, "al/lower.xlsx"); o.State != roadmap.Accepted || o.Submission.Folder != "AL" {
		t.Fatalf("lower-case folder: %+v", o)
	}
}

func TestIntakeVersionsAndDuplicates(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	v1 := validSample("AL", "2026-H1")
	v2 := editedSample(t, "AL", "2026-H1", "Corrected after the police's final count.")

	e.drop(v1, "AL", "report.xlsx")
	first := outcomeOf(t, e.pass(), "AL/report.xlsx")
	e.drop(v2, "AL", "report.xlsx")
	second := outcomeOf(t, e.pass(), "AL/report.xlsx")
	e.drop(v1, "", "again.xlsx")
	third := outcomeOf(t, e.pass(), "again.xlsx")

	if first.Submission.Version != 1 || second.Submission.Version != 2 || second.State != roadmap.Accepted {
		t.Fatalf("versions %d, %d (%s)", first.Submission.Version, second.Submission.Version, second.State)
	}
	receipt := e.read("feedback/AL/report.xlsx" + ReceiptSuffix)
	if !strings.Contains(receipt, "version 2") || !strings.Contains(receipt, "replaces version 1") {
		t.Fatalf("receipt of v2:\n%s", receipt)
	}
	// Every recorded value is in the receipt, by row code, blanks as such.
	for _, v := range second.Submission.Values {
		want := v.Row + " "
		if !strings.Contains(receipt, want) {
			t.Errorf("receipt lacks row %s", v.Row)
		}
		if !v.Reported && !strings.Contains(receipt, "not reported") {
			t.Errorf("receipt does not say %s is not reported", v.Row)
		}
	}
	// v1 sent again after v2 restores it: a new version, v3, that says so.
	if third.State != roadmap.Accepted || third.Submission.Version != 3 {
		t.Fatalf("v1 sent again after v2: %s v%d", third.State, third.Submission.Version)
	}
	if undo := e.read("feedback/AL/" + sharedPrefix + "again.xlsx" + ReceiptSuffix); !strings.Contains(undo, "replaces version 2") ||
		!strings.Contains(undo, "same content as version 1") {
		t.Fatalf("receipt of v1 sent again:\n%s", undo)
	}
	// The same content as the version in force is a duplicate.
	e.drop(v1, "AL", "report.xlsx")
	fourth := outcomeOf(t, e.pass(), "AL/report.xlsx")
	if fourth.State != roadmap.Duplicate || fourth.Submission.Version != 0 {
		t.Fatalf("same content as the version in force: %s v%d", fourth.State, fourth.Submission.Version)
	}
	if !keptAs(fourth.Stored, "archive/AL/2026-H1/duplicates/", fourth.Submission.Hash, "report.xlsx") || !e.exists(fourth.Stored) {
		t.Fatalf("duplicate stored at %q", fourth.Stored)
	}
	dupNote := e.read("feedback/AL/report.xlsx" + ReceiptSuffix)
	if !strings.Contains(dupNote, "ALREADY RECEIVED") || !strings.Contains(dupNote, "version 3") {
		t.Fatalf("duplicate receipt:\n%s", dupNote)
	}
	hist, err := e.db.History(intakeCtx, "AL", intakeH1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range hist {
		got = append(got, fmt.Sprintf("%s v%d %s", s.Name, s.Version, s.State))
	}
	want := []string{"report.xlsx v1 superseded", "report.xlsx v2 superseded", "again.xlsx v3 accepted", "report.xlsx v0 duplicate"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("history %q, want %q", got, want)
	}
	// Both versions stay in the archive.
	if !e.exists(first.Stored) || !e.exists(second.Stored) || first.Stored == second.Stored {
		t.Fatalf("archive: %q, %q", first.Stored, second.Stored)
	}
}

func TestIntakeRejectionThenCorrectionReplacesTheNotes(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	e.drop(filepath.Join(intakeSamples, "broken", "negative-count.xlsx"), "AL", "report.xlsx")
	o := outcomeOf(t, e.pass(), "AL/report.xlsx")
	if o.State != roadmap.Rejected || !e.exists("feedback/AL/report.xlsx"+AnnotatedSuffix) {
		t.Fatalf("broken: %+v", o)
	}
	e.drop(validSample("AL", "2026-H1"), "AL", "report.xlsx")
	o = outcomeOf(t, e.pass(), "AL/report.xlsx")
	if o.State != roadmap.Accepted {
		t.Fatalf("fixed: %+v", o.Submission.Findings)
	}
	if got := e.files("feedback"); !slices.Equal(got, []string{"feedback/AL/report.xlsx" + ReceiptSuffix}) {
		t.Fatalf("feedback after the correction: %q (the rejection notes must go)", got)
	}
}

func TestIntakeWaitsForFilesStillBeingWritten(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	e.in.Stable = 5 * time.Second
	// The window is measured on the monotonic clock, stepped here by hand.
	mono := time.Now()
	e.in.tick = func() time.Time { return mono }
	growing := e.drop(validSample("AL", "2026-H1"), "AL", "growing.xlsx")
	e.drop(validSample("BA", "2026-H1"), "BA", "done.xlsx")
	sleeps := 0
	e.in.sleep = func(_ context.Context, d time.Duration) error {
		sleeps++
		if d != e.in.Stable {
			t.Errorf("slept %v", d)
		}
		if sleeps == 1 {
			// The sender's copy is still running.
			f, err := os.OpenFile(growing, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.WriteString("more")
			return err
		}
		return nil
	}
	sum := e.pass()
	if sum.Accepted != 1 || sum.Waiting != 1 || outcomeOf(t, sum, "AL/growing.xlsx").Waiting == "" {
		t.Fatalf("first pass: %+v", sum)
	}
	if !e.exists("inbox/AL/growing.xlsx") {
		t.Fatal("a changing file was taken")
	}
	// The copy finished; a pass within the window still waits (and sleeps),
	// a pass after it takes the file at once.
	data, _ := os.ReadFile(validSample("AL", "2026-H1"))
	if err := os.WriteFile(growing, data, 0o644); err != nil {
		t.Fatal(err)
	}
	e.in.sleep = func(context.Context, time.Duration) error {
		sleeps++
		return os.WriteFile(growing, append(data, ' '), 0o644)
	}
	if sum := e.pass(); sum.Waiting != 1 || sleeps != 2 {
		t.Fatalf("second pass: %+v, %d sleeps", sum, sleeps)
	}
	if err := os.WriteFile(growing, data, 0o644); err != nil {
		t.Fatal(err)
	}
	e.in.sleep = func(context.Context, time.Duration) error { sleeps++; return nil }
	e.pass() // sees the final content for the first time: waits the window out
	if e.exists("inbox/AL/growing.xlsx") {
		t.Fatal("a stable file was not taken after the wait")
	}
	if sleeps != 3 {
		t.Fatalf("%d sleeps", sleeps)
	}
	// A file already seen unchanged for the window is taken without a wait.
	e.drop(validSample("ME", "2026-H1"), "ME", "quiet.xlsx")
	e.in.sleep = func(context.Context, time.Duration) error { return errors.New("interrupted") }
	if _, err := e.in.Pass(intakeCtx); err == nil {
		t.Fatal("an interrupted wait was not reported")
	}
	mono = mono.Add(e.in.Stable)
	if sum := e.pass(); sum.Accepted != 1 {
		t.Fatalf("the stable file was not taken at once: %+v", sum)
	}
}

func TestProcessFile(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	e.drop(validSample("AL", "2026-H1"), "AL", "a.xlsx")
	o, err := e.in.ProcessFile(intakeCtx, "AL/a.xlsx")
	if err != nil || o.State != roadmap.Accepted || e.exists("inbox/AL/a.xlsx") {
		t.Fatalf("relative path: %+v, %v", o, err)
	}
	abs := e.drop(validSample("BA", "2026-H1"), "BA", "b.xlsx")
	if o, err := e.in.ProcessFile(intakeCtx, abs); err != nil || o.State != roadmap.Accepted {
		t.Fatalf("absolute path: %+v, %v", o, err)
	}
	e.drop(validSample("BA", "2026-H1"), "BA", "~$b.xlsx")
	if o, err := e.in.ProcessFile(intakeCtx, "BA/~$b.xlsx"); err != nil || o.State != "" || !e.exists("inbox/BA/~$b.xlsx") {
		t.Fatalf("lock file: %+v, %v", o, err)
	}
	outside := filepath.Join(t.TempDir(), "x.xlsx")
	if err := os.WriteFile(outside, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := e.in.ProcessFile(intakeCtx, outside); err == nil {
		t.Fatal("a file outside the inbox was taken")
	}
	if _, err := e.in.ProcessFile(intakeCtx, "AL/missing.xlsx"); err == nil {
		t.Fatal("a missing file gave no error")
	}
}

func TestReindexRebuildsTheSameLedger(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	e.drop(validSample("AL", "2026-H1"), "AL", "report.xlsx")
	e.drop(validSample("AL", "2025-H2"), "", "previous.xlsx")
	e.pass()
	e.drop(editedSample(t, "AL", "2026-H1", "Second thoughts."), "AL", "report.xlsx")
	e.drop(filepath.Join(intakeSamples, "broken", "negative-count.xlsx"), "AL", "broken.xlsx")
	e.drop(filepath.Join(intakeSamples, "broken", "figures.csv"), "", "figures.csv")
	link := filepath.Join(e.root, "inbox", "AL", "link.xlsx")
	if err := os.Symlink(validSample("AL", "2026-H1"), link); err != nil {
		t.Fatal(err)
	}
	e.pass()
	e.drop(validSample("AL", "2026-H1"), "AL", "again.xlsx")
	e.pass()

	type snapshot struct {
		AL2026, AL2025, Unknown []roadmap.Submission
		Accepted                []roadmap.Submission
		Events                  []store.Event
	}
	take := func() snapshot {
		t.Helper()
		var s snapshot
		var err error
		if s.AL2026, err = e.db.History(intakeCtx, "AL", intakeH1); err != nil {
			t.Fatal(err)
		}
		if s.AL2025, err = e.db.History(intakeCtx, "AL", roadmap.MustPeriod("2025-H2")); err != nil {
			t.Fatal(err)
		}
		if s.Unknown, err = e.db.History(intakeCtx, "", roadmap.Period{}); err != nil {
			t.Fatal(err)
		}
		if s.Accepted, err = e.db.Accepted(intakeCtx, e.clock); err != nil {
			t.Fatal(err)
		}
		if s.Events, err = e.db.Events(intakeCtx, time.Time{}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := take()
	// The broken sample is a copy of AL's latest round with figures (2025-H2).
	if len(before.AL2026) != 3 || len(before.AL2025) != 2 || len(before.Unknown) != 2 {
		t.Fatalf("before: %d AL 2026-H1, %d AL 2025-H2, %d unknown", len(before.AL2026), len(before.AL2025), len(before.Unknown))
	}

	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(filepath.Join(e.root, "roadmap.db"+suffix)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	e.openLedger()
	got, err := e.in.Reindex(intakeCtx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Recorded != 7 || got.Known != 0 || len(got.Disagreements) != 0 {
		t.Fatalf("reindex: %+v", got)
	}
	after := take()
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("the ledger differs after reindex:\nbefore %+v\nafter  %+v", before, after)
	}
	again, err := e.in.Reindex(intakeCtx)
	if err != nil || again.Recorded != 0 || again.Known != 7 {
		t.Fatalf("second reindex: %+v, %v", again, err)
	}
}

func TestReindexWithoutNotesUsesNamesAndTimes(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	e.drop(validSample("AL", "2026-H1"), "AL", "report.xlsx")
	e.drop(editedSample(t, "AL", "2026-H1", "v2"), "AL", "report2.xlsx")
	e.pass()
	before, err := e.db.History(intakeCtx, "AL", intakeH1)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range e.files("archive") {
		if strings.HasSuffix(f, sidecarSuffix) {
			if err := os.Remove(filepath.Join(e.root, f)); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.db.Close()
	os.Remove(filepath.Join(e.root, "roadmap.db"))
	os.Remove(filepath.Join(e.root, "roadmap.db-wal"))
	os.Remove(filepath.Join(e.root, "roadmap.db-shm"))
	e.openLedger()
	if _, err := e.in.Reindex(intakeCtx); err != nil {
		t.Fatal(err)
	}
	after, err := e.db.History(intakeCtx, "AL", intakeH1)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 2 {
		t.Fatalf("after: %+v", after)
	}
	for i := range after {
		b, a := before[i], after[i]
		if a.Name != b.Name || !a.Received.Equal(b.Received) || a.Version != b.Version || a.State != b.State || a.Hash != b.Hash {
			t.Fatalf("version %d: before %s %v v%d %s, after %s %v v%d %s", i+1,
				b.Name, b.Received, b.Version, b.State, a.Name, a.Received, a.Version, a.State)
		}
	}
}

func TestIgnored(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"~$report.xlsx": true, ".~lock.report.xlsx#": true, ".DS_Store": true, "a.TMP": true, "a.xlsx.part": true,
		"report.xlsx": false, "~report.xlsx": false, ".~lock.report.xlsx": true, "lock#": false, "report.ods": false,
	} {
		if got := Ignored(name); got != want {
			t.Errorf("Ignored(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestShortenKeepsNamesWithinLimits(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Ђорђе-", 60) + ".xlsx"
	got := shorten(long)
	kept, tag, cut := strings.Cut(strings.TrimSuffix(got, ".xlsx"), "~")
	if len(got) > maxName || !strings.HasSuffix(got, ".xlsx") || !cut || len(tag) != 8 || !strings.HasPrefix(long, kept) {
		t.Fatalf("shorten = %q (%d bytes)", got, len(got))
	}
	if other := shorten(strings.Repeat("Ђорђе-", 60) + "x.xlsx"); other == got {
		t.Fatalf("two long names that differ past the cut are both %q", got)
	}
	if shorten("report.xlsx") != "report.xlsx" {
		t.Fatal("a short name changed")
	}
}

func FuzzShorten(f *testing.F) {
	for _, s := range []string{"report.xlsx", strings.Repeat("Ђ", 200) + ".xlsx", strings.Repeat("a", 300), ".x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := shorten(name)
		if len(got) > maxName && len(name) > maxName {
			t.Fatalf("shorten(%q) is %d bytes", name, len(got))
		}
		if len(name) <= maxName && got != name {
			t.Fatalf("a short name changed: %q -> %q", name, got)
		}
		_ = Ignored(name)
	})
}

func FuzzNotWorkbook(f *testing.F) {
	for _, s := range [][]byte{[]byte("PK\x03\x04rest"), {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, []byte("%PDF-1.4"),
		[]byte("a,b,c\n1,2,3\n"), []byte("\x89PNG\r\n\x1a\n"), nil} {
		f.Add(s, "file")
		f.Add(s, "file.xlsx")
	}
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		what, not := notWorkbook(name, data[:min(len(data), headSize)])
		if not && what == "" {
			t.Fatal("rejected without saying what the file is")
		}
		ext := strings.ToLower(filepath.Ext(name))
		if intakeWorkbookExts[ext] && not {
			t.Fatalf("a %s file was not handed to the checker", ext)
		}
	})
}

func BenchmarkIntakePass(b *testing.B) {
	cat := defaultCatalogue(b)
	var srcs [][]byte
	var names []string
	for _, j := range cat.Jurisdictions {
		entries, _ := os.ReadDir(filepath.Join(intakeSamples, "valid", j.Code))
		for _, en := range entries {
			data, err := os.ReadFile(filepath.Join(intakeSamples, "valid", j.Code, en.Name()))
			if err != nil {
				b.Fatal(err)
			}
			srcs = append(srcs, data)
			names = append(names, j.Code+"/"+en.Name())
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		root := b.TempDir()
		for i, n := range names {
			p := filepath.Join(root, "inbox", filepath.FromSlash(n))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, srcs[i], 0o644); err != nil {
				b.Fatal(err)
			}
		}
		db, err := store.Open(filepath.Join(root, "roadmap.db"))
		if err != nil {
			b.Fatal(err)
		}
		in := &Intake{Root: root, Ledger: db, Checker: NewChecker(cat), Catalogue: cat}
		b.StartTimer()
		sum, err := in.Pass(intakeCtx)
		if err != nil || sum.Accepted != len(names) {
			b.Fatalf("%d of %d accepted: %v", sum.Accepted, len(names), err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(names)), "files/op")
}

// TestReindexKeepsInboxOrderAtTheSameInstant: under a fixed clock (the demo,
// a scripted pass) several versions arrive at one instant; reindex must
// replay them in the order the pass took them, not in the order of their
// hash-named archive copies, or the versions would be renumbered.
func TestReindexKeepsInboxOrderAtTheSameInstant(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	fixed := e.clock
	e.in.Now = func() time.Time { return fixed }
	names := []string{"a-first.xlsx", "b-second.xlsx", "c-third.xlsx"}
	for i, name := range names {
		e.drop(editedSample(t, "AL", "2026-H1", fmt.Sprintf("version %d", i+1)), "AL", name)
	}
	e.pass()
	versions := func() map[string]int {
		t.Helper()
		h, err := e.db.History(intakeCtx, "AL", intakeH1)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, s := range h {
			out[s.Name] = s.Version
		}
		return out
	}
	before := versions()
	want := map[string]int{"a-first.xlsx": 1, "b-second.xlsx": 2, "c-third.xlsx": 3}
	if !reflect.DeepEqual(before, want) {
		t.Fatalf("the pass numbered %v, want %v", before, want)
	}
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(filepath.Join(e.root, "roadmap.db"+suffix)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	e.openLedger()
	e.in.Now = func() time.Time { return fixed }
	if _, err := e.in.Reindex(intakeCtx); err != nil {
		t.Fatal(err)
	}
	if after := versions(); !reflect.DeepEqual(after, want) {
		t.Fatalf("reindex numbered %v, want %v", after, want)
	}
}

// A file dropped in the shared inbox and one of the same name in the
// Commission's own folder each keep their notes: the rejection of the one
// never replaces the receipt of the other.
func TestFeedbackOfSharedAndOwnDropsKeptApart(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	e.drop(validSample("AL", "2026-H1"), "AL", "report.xlsx")
	e.drop(filepath.Join(intakeSamples, "broken", "negative-count.xlsx"), "", "report.xlsx")
	e.pass()
	if receipt := e.read("feedback/AL/report.xlsx" + ReceiptSuffix); !strings.Contains(receipt, "ACCEPTED") {
		t.Errorf("AL's own drop lost its receipt:\n%s", receipt)
	}
	if e.exists("feedback/AL/report.xlsx" + ErrorsSuffix) {
		t.Error("AL's accepted drop has an errors note")
	}
	if note := e.read("feedback/AL/" + sharedPrefix + "report.xlsx" + ErrorsSuffix); !strings.Contains(note, "Dropped in:         inbox\n") {
		t.Errorf("the shared-inbox drop's errors note:\n%s", note)
	}
}

// TestIntakeCreatesWithThePolicy: every folder and file the intake creates
// (kept originals and their notes, rejections, feedback, annotated copies)
// has the data folder's one permission policy.
func TestIntakeCreatesWithThePolicy(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	e.drop(validSample("AL", "2026-H1"), "AL", "report.xlsx")
	e.drop(filepath.Join(intakeSamples, "broken", "negative-count.xlsx"), "BA", "broken.xlsx")
	e.pass()
	n := 0
	for _, top := range []string{datadir.ArchiveName, datadir.RejectedName, datadir.FeedbackName} {
		err := filepath.WalkDir(filepath.Join(e.root, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			want := datadir.FileMode
			if d.IsDir() {
				want = datadir.DirMode
			}
			if got := info.Mode().Perm(); got != want {
				t.Errorf("%s: mode %o, want %o", p, got, want)
			}
			n++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 10 {
		t.Errorf("only %d entries looked at", n)
	}
}

// keptAs says whether stored is where the intake keeps an original named name
// with that hash in dir: dir<hash16 or "symlink">-<8 hex of the drop>-name.
func keptAs(stored, dir, hash, name string) bool {
	prefix := hash
	if len(prefix) > 16 {
		prefix = prefix[:16]
	}
	rest, ok := strings.CutPrefix(stored, dir+prefix+"-")
	if !ok {
		return false
	}
	tag, rest, ok := strings.Cut(rest, "-")
	return ok && len(tag) == 8 && rest == name
}

// An inbox on another file system than the data folder (a share mounted at
// inbox/) cannot move a file over the size limit into rejected/: it is then
// copied, as mv does, and leaves the inbox with its feedback written. It
// stayed in the inbox, recorded but never answered, failing every pass.
func TestOversizedFileFromAnotherFileSystem(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	e.in.Checker.MaxSize = 1 << 10
	e.in.rename = func(from, to string) error {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: syscall.EXDEV}
	}
	big := bytes.Repeat([]byte("x"), 4<<10)
	if err := os.WriteFile(filepath.Join(e.root, "inbox", "AL", "big.xlsx"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	o := outcomeOf(t, e.pass(), "AL/big.xlsx")
	if o.State != roadmap.Rejected {
		t.Fatalf("big file: %s", o.State)
	}
	kept, err := os.ReadFile(filepath.Join(e.root, filepath.FromSlash(o.Stored)))
	if err != nil || !bytes.Equal(kept, big) {
		t.Fatalf("kept original: %d bytes, %v", len(kept), err)
	}
	if e.exists("inbox/AL/big.xlsx") {
		t.Error("the oversized file is still in the inbox")
	}
	if !e.exists("feedback/AL/big.xlsx" + ErrorsSuffix) {
		t.Error("no feedback for the oversized file")
	}
}

// Item 11 of issue 9: a file over the size limit is rejected from its size
// alone: never read, moved (the same file, not a copy) into rejected/, and
// the other files of the pass are taken as usual.
func TestOversizedFileMovedUnread(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	e.in.Checker.MaxSize = 1 << 20
	huge := filepath.Join(e.root, "inbox", "AL", "huge.xlsx")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: 3 GB that take no disk, and that nothing may read.
	if err := f.Truncate(3 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	before, err := os.Lstat(huge)
	if err != nil {
		t.Fatal(err)
	}
	e.drop(validSample("AL", "2026-H1"), "AL", "report.xlsx")
	sum := e.pass()
	o := outcomeOf(t, sum, "AL/huge.xlsx")
	if o.State != roadmap.Rejected || len(findingsOf(o.Submission, roadmap.CodeTooLarge)) != 1 || o.Submission.Hash != "" {
		t.Fatalf("huge file: %s, hash %q, findings %v", o.State, o.Submission.Hash, o.Submission.Findings)
	}
	kept, err := os.Lstat(filepath.Join(e.root, filepath.FromSlash(o.Stored)))
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, kept) {
		t.Error("the oversized file was copied, not moved")
	}
	if kept.Mode().Perm() != datadir.FileMode {
		t.Errorf("the moved file has mode %o, want the data folder's %o", kept.Mode().Perm(), datadir.FileMode)
	}
	if e.exists("inbox/AL/huge.xlsx") {
		t.Error("the oversized file is still in the inbox")
	}
	if o := outcomeOf(t, sum, "AL/report.xlsx"); o.State != roadmap.Accepted {
		t.Errorf("the other file: %s", o.State)
	}
}
