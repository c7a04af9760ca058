package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.yaml.in/yaml/v3"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

// The sample workbooks of the repository (samples/), read from the source
// tree so that the broken ones, which the binary does not embed, are there.
const samplesDir = "../../samples"

// intakeClock is when the end-to-end tests drop their files: before every
// deadline for 2026-H1 in the built-in calendar, so that the latest samples
// are on time.
var intakeClock = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)

// brokenSample is one entry of samples/broken.yaml.
type brokenSample struct {
	File        string       `yaml:"file"`
	Folder      string       `yaml:"folder"`
	Code        roadmap.Code `yaml:"code"`
	Description string       `yaml:"description"`
}

func brokenSamples(t *testing.T) []brokenSample {
	t.Helper()
	var list []brokenSample
	if err := yaml.Unmarshal(mustRead(t, filepath.Join(samplesDir, "broken.yaml")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) < 20 {
		t.Fatalf("samples/broken.yaml lists %d broken samples; the generator makes one per failure", len(list))
	}
	return list
}

// validSamples lists the valid sample workbooks as jurisdiction → paths,
// keeping only the periods keep accepts.
func validSamples(t *testing.T, keep func(name string) bool) map[string][]string {
	t.Helper()
	root := filepath.Join(samplesDir, "workbooks", "valid")
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, d := range dirs {
		files, err := filepath.Glob(filepath.Join(root, d.Name(), "*.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if keep(filepath.Base(f)) {
				out[d.Name()] = append(out[d.Name()], f)
			}
		}
	}
	if len(out) != 6 {
		t.Fatalf("valid samples for %d jurisdictions, want 6: %v", len(out), out)
	}
	return out
}

// newDataFolder makes a data folder with 'roadmap init'.
func newDataFolder(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	runAt(t, intakeClock, "init", "--data", dir).want(t, exitOK)
	return dir
}

// drop copies src into the inbox folder of data under name (src's own name
// when name is "").
func drop(t *testing.T, data, folder, src, name string) string {
	t.Helper()
	if name == "" {
		name = filepath.Base(src)
	}
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	dst := filepath.Join(data, "inbox", folder, name)
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return folder + "/" + name
}

// ingestAt runs 'ingest --stable 0 --json' on a clock that starts at start
// and moves on a second at each reading, as a real clock moves between the
// files of a pass.
func ingestAt(t *testing.T, start time.Time, data string) ingestOutput {
	t.Helper()
	r := runTicking(t, start, "ingest", "--data", data, "--stable", "0", "--json").want(t, exitOK)
	var out ingestOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("ingest --json: %v\n%s", err, r.stdout)
	}
	return out
}

func runTicking(t *testing.T, start time.Time, args ...string) result {
	t.Helper()
	return cli{now: ticking(start)}.run(t, args...)
}

func historyAt(t *testing.T, data, j, p string) historyOutput {
	t.Helper()
	r := runAt(t, intakeClock, "history", "--data", data, "--jurisdiction", j, "--period", p, "--json").want(t, exitOK)
	var out historyOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("history --json: %v\n%s", err, r.stdout)
	}
	return out
}

func byFile(out ingestOutput) map[string]ingestFile {
	m := make(map[string]ingestFile, len(out.Files))
	for _, f := range out.Files {
		m[f.File] = f
	}
	return m
}

// errorCodes lists the distinct codes of the errors among fs, sorted.
func errorCodes(fs []roadmap.Finding) []roadmap.Code {
	var codes []roadmap.Code
	for _, f := range fs {
		if f.Severity == roadmap.Error && !slices.Contains(codes, f.Code) {
			codes = append(codes, f.Code)
		}
	}
	slices.Sort(codes)
	return codes
}

func inboxFiles(t *testing.T, data string) []string {
	t.Helper()
	var left []string
	err := filepath.WalkDir(filepath.Join(data, "inbox"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return left
}

// `roadmap ingest` on the samples: the valid ones of the latest two periods
// are accepted, every broken sample is rejected for exactly the reason
// samples/broken.yaml names, each with its feedback and kept file, and a
// second pass finds nothing. Every valid sample's verdict is the ingest
// package's (TestIntakeTakesEverySample), and the demo takes them all
// through this command's intake (TestDemo), so they are not checked a
// third time here.
func TestIngestSamples(t *testing.T) {
	t.Parallel()
	data := newDataFolder(t)
	valid := validSamples(t, func(name string) bool {
		return strings.Contains(name, "-2025-H2.") || strings.Contains(name, "-2026-H1.")
	})
	want := map[string]roadmap.Code{} // inbox file → the error code it must be rejected with; "" accepted
	for j, files := range valid {
		for _, f := range files {
			want[drop(t, data, j, f, "")] = ""
		}
	}
	broken := brokenSamples(t)
	for _, b := range broken {
		rel := drop(t, data, b.Folder, filepath.Join(samplesDir, b.File), "")
		if _, dup := want[rel]; dup {
			t.Fatalf("broken sample %s has the name of a valid one", rel)
		}
		want[rel] = b.Code
	}

	out := ingestAt(t, intakeClock, data)
	got := byFile(out)
	if len(out.Files) != len(want) {
		t.Errorf("ingest reported %d files, %d were dropped", len(out.Files), len(want))
	}
	for rel, code := range want {
		f, ok := got[rel]
		switch {
		case !ok:
			t.Errorf("%s: not in the summary", rel)
		case code == "" && (f.State != string(roadmap.Accepted) || f.Version != 1):
			t.Errorf("%s: %s (version %d), want accepted as version 1; findings %v", rel, f.State, f.Version, f.Findings)
		case code != "" && f.State != string(roadmap.Rejected):
			t.Errorf("%s: %s, want rejected with %s; findings %v", rel, f.State, code, f.Findings)
		case code != "" && !slices.Equal(errorCodes(f.Findings), []roadmap.Code{code}):
			t.Errorf("%s: rejected with %v, want exactly [%s]: %v", rel, errorCodes(f.Findings), code, f.Findings)
		}
		if ok && len(f.Feedback) == 0 {
			t.Errorf("%s: no feedback written", rel)
		}
		if ok && f.Stored != "" {
			if _, err := os.Stat(filepath.Join(data, filepath.FromSlash(f.Stored))); err != nil {
				t.Errorf("%s: kept file: %v", rel, err)
			}
		}
	}
	if out.Accepted+out.Rejected != len(want) || out.Rejected != len(broken) || out.Duplicates != 0 || out.Skipped != 0 {
		t.Errorf("counts: %d accepted, %d rejected, %d duplicates, %d skipped; dropped %d valid and %d broken",
			out.Accepted, out.Rejected, out.Duplicates, out.Skipped, len(want)-len(broken), len(broken))
	}
	if left := inboxFiles(t, data); len(left) != 0 {
		t.Errorf("files left in the inbox: %v", left)
	}

	again := ingestAt(t, intakeClock.Add(time.Hour), data)
	if len(again.Files) != 0 || again.Accepted+again.Rejected+again.Duplicates+again.Skipped != 0 {
		t.Errorf("a second pass found work: %+v", again)
	}
}

// A file dropped again is a duplicate; a newer version supersedes the old
// one; history lists every file received; the text outputs say so.
func TestIngestVersions(t *testing.T) {
	t.Parallel()
	data := newDataFolder(t)
	v1 := filepath.Join(samplesDir, "workbooks", "valid", "AL", "roadmap-AL-2026-H1.xlsx")
	drop(t, data, "AL", v1, "")
	first := ingestAt(t, intakeClock, data)
	if first.Accepted != 1 || first.Files[0].Version != 1 {
		t.Fatalf("first drop: %+v", first)
	}

	// The same content again, under another name and a day later.
	drop(t, data, "AL", v1, "roadmap-AL-2026-H1 (copy).xlsx")
	dup := ingestAt(t, intakeClock.AddDate(0, 0, 1), data)
	if dup.Duplicates != 1 || dup.Accepted != 0 || dup.Files[0].State != string(roadmap.Duplicate) {
		t.Fatalf("the same file again: %+v", dup)
	}

	v2 := secondVersion(t, v1)
	drop(t, data, "AL", v2, "")
	r := runTicking(t, intakeClock.AddDate(0, 0, 2), "ingest", "--data", data, "--stable", "0").want(t, exitOK)
	for _, want := range []string{
		"AL/roadmap-AL-2026-H1.xlsx: accepted as version 2 of AL 2026-H1\n",
		"  feedback: feedback/AL/roadmap-AL-2026-H1.xlsx.receipt.txt\n",
		"1 accepted, 0 rejected, 0 duplicate(s), 0 skipped\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("ingest output lacks %q:\n%s", want, r.stdout)
		}
	}

	h := historyAt(t, data, "al", "2026-H1")
	if h.Jurisdiction != "AL" || h.Period != roadmap.MustPeriod("2026-H1") || len(h.Versions) != 3 {
		t.Fatalf("history: %+v", h)
	}
	wantStates := []struct {
		state   roadmap.State
		version int
		name    string
	}{
		{roadmap.Superseded, 1, "roadmap-AL-2026-H1.xlsx"},
		{roadmap.Duplicate, 0, "roadmap-AL-2026-H1 (copy).xlsx"},
		{roadmap.Accepted, 2, "roadmap-AL-2026-H1.xlsx"},
	}
	for i, w := range wantStates {
		v := h.Versions[i]
		if v.State != w.state || v.Version != w.version || v.Name != w.name {
			t.Errorf("history[%d] = %s v%d %s, want %s v%d %s", i, v.State, v.Version, v.Name, w.state, w.version, w.name)
		}
		if len(v.Hash) != 64 || !strings.Contains(v.Path, v.Hash[:16]) {
			t.Errorf("history[%d]: hash %q, kept as %q", i, v.Hash, v.Path)
		}
		if _, err := os.Stat(filepath.Join(data, filepath.FromSlash(v.Path))); err != nil {
			t.Errorf("history[%d]: %v", i, err)
		}
	}
	if h.Versions[0].Hash != h.Versions[1].Hash || h.Versions[0].Hash == h.Versions[2].Hash {
		t.Errorf("the duplicate must have the first version's hash, the new version its own: %+v", h.Versions)
	}
	if !h.Versions[0].Received.Equal(intakeClock) || !h.Versions[2].Received.Equal(intakeClock.AddDate(0, 0, 2)) {
		t.Errorf("received times: %v, %v", h.Versions[0].Received, h.Versions[2].Received)
	}

	// The text form: one line per file, received in the configured zone
	// ("2026-10-01 11:00 CEST"), the short hash, oldest first.
	text := runAt(t, intakeClock, "history", "--data", data, "--jurisdiction", "AL", "--period", "2026-H1").want(t, exitOK).stdout
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) != 5 || lines[0] != "Albania (AL), January–June 2026: 3 file(s) received" {
		t.Fatalf("history text:\n%s", text)
	}
	for i, w := range wantStates {
		fields := strings.Fields(lines[i+2])
		if fields[1] != string(w.state) || fields[5] != h.Versions[i].Hash[:12] {
			t.Errorf("history line %q: want state %s and hash %s", lines[i+2], w.state, h.Versions[i].Hash[:12])
		}
	}
}

// The pass itself failing is exit 1; rejections are not.
func TestIngestFailures(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nowhere")
	r := runAt(t, intakeClock, "ingest", "--data", missing, "--stable", "0").want(t, exitProblem)
	if !strings.Contains(r.stderr, "run 'roadmap init --data "+missing+"'") {
		t.Errorf("no inbox: %s", r.stderr)
	}

	data := newDataFolder(t)
	release, err := datadir.New(data).Lock()
	if err != nil {
		t.Fatal(err)
	}
	r = runAt(t, intakeClock, "ingest", "--data", data, "--stable", "0").want(t, exitProblem)
	release()
	if !strings.Contains(r.stderr, "is in use by another roadmap process") {
		t.Errorf("lock held: %s", r.stderr)
	}

	// A broken file alone: rejected, and the pass is a success.
	drop(t, data, "AL", filepath.Join(samplesDir, "workbooks", "broken", "damaged.xlsx"), "")
	r = runAt(t, intakeClock, "ingest", "--data", data, "--stable", "0").want(t, exitOK)
	if !strings.Contains(r.stdout, "AL/damaged.xlsx: rejected, 1 error\n") ||
		!strings.Contains(r.stdout, "feedback/AL/damaged.xlsx.errors.txt") {
		t.Errorf("stdout:\n%s", r.stdout)
	}

	// A pass that cannot write the feedback fails (exit 1); the file stays
	// in the inbox, recorded, and the next pass finishes it.
	feedback := filepath.Join(data, "feedback")
	if err := os.Rename(feedback, feedback+".away"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(feedback, []byte("in the way"), 0o640); err != nil {
		t.Fatal(err)
	}
	rel := drop(t, data, "AL", filepath.Join(samplesDir, "workbooks", "valid", "AL", "roadmap-AL-2026-H1.xlsx"), "")
	r = runAt(t, intakeClock, "ingest", "--data", data, "--stable", "0").want(t, exitProblem)
	if !strings.Contains(r.stderr, "roadmap ingest: intake AL/roadmap-AL-2026-H1.xlsx: feedback: ") {
		t.Errorf("stderr: %s", r.stderr)
	}
	if err := os.Remove(feedback); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(feedback+".away", feedback); err != nil {
		t.Fatal(err)
	}
	r = runAt(t, intakeClock.Add(time.Hour), "ingest", "--data", data, "--stable", "0").want(t, exitOK)
	if !strings.Contains(r.stdout, rel+": accepted as version 1 of AL 2026-H1 (finishing an interrupted pass)\n") {
		t.Errorf("the next pass:\n%s", r.stdout)
	}

	for _, args := range [][]string{
		{"ingest", "--data", data, "--stable", "-1s"},
		{"ingest", "--data", data, "--stable", "soon"},
		{"ingest", "--data", data, "inbox/AL/x.xlsx"},
	} {
		runAt(t, intakeClock, args...).want(t, exitUsage)
	}
}

// secondVersion writes a copy of the workbook src, under the same name in a
// new folder, with the contact person changed: a corrected version.
func secondVersion(t *testing.T, src string) string {
	t.Helper()
	wb, err := excelize.OpenFile(src)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if err := wb.SetCellValue(roadmap.SheetCover, roadmap.CoverContact, "Arta Hoxha"); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := wb.SaveAs(dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestIngestSweepsAndKeepsThePolicy: a command that takes the data folder's
// lock first removes the temporary files an interrupted run left behind (not
// a fresh one, which a build may be writing), and the ledger it creates has
// the data folder's file mode.
func TestIngestSweepsAndKeepsThePolicy(t *testing.T) {
	t.Parallel()
	data := newDataFolder(t)
	stale := filepath.Join(data, "archive", datadir.TempPrefix+"interrupted")
	fresh := filepath.Join(data, "reports", datadir.TempPrefix+"being-written")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	ingestAt(t, intakeClock, data)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary file is still there: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a fresh temporary file was swept: %v", err)
	}
	info, err := os.Stat(datadir.New(data).Ledger())
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != datadir.FileMode {
		t.Errorf("roadmap.db: mode %o, want %o", info.Mode().Perm(), datadir.FileMode)
	}
}
