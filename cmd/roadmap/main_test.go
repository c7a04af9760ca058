package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/templates"
)

// result is one run of the program.
type result struct {
	code           int
	stdout, stderr string
}

// cli is the one way the tests run the program: the real dispatch, with
// the clock, standard input, environment and context the test gives and
// nothing of the process's own, so that tests do not need t.Setenv and can
// run in parallel. The zero value is the real clock, no input, no
// environment and a background context.
type cli struct {
	now   func() time.Time
	stdin string
	env   map[string]string
	ctx   context.Context
}

// at is a clock stopped at t.
func at(t time.Time) func() time.Time { return func() time.Time { return t } }

// ticking is a clock that starts at start and moves on a second at each
// reading, as a real clock moves between the files of a pass.
func ticking(start time.Time) func() time.Time {
	var mu sync.Mutex
	ticks := 0
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		ticks++
		return start.Add(time.Duration(ticks-1) * time.Second)
	}
}

// newEnv is the env the program runs with, writing to stdout and stderr.
func (c cli) newEnv(stdout, stderr io.Writer) *env {
	now := c.now
	if now == nil {
		now = time.Now
	}
	return &env{stdin: strings.NewReader(c.stdin), stdout: stdout, stderr: stderr,
		getenv: func(k string) string { return c.env[k] }, now: now}
}

// run runs the program with args.
func (c cli) run(t testing.TB, args ...string) result {
	t.Helper()
	ctx := c.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	var out, errb bytes.Buffer
	code := c.newEnv(&out, &errb).dispatch(ctx, args)
	return result{code, out.String(), errb.String()}
}

// roadmapCmd runs the program on the real clock.
func roadmapCmd(t *testing.T, args ...string) result {
	t.Helper()
	return cli{}.run(t, args...)
}

func (r result) want(t *testing.T, code int) result {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	return r
}

func TestHelpOnEveryCommand(t *testing.T) {
	t.Parallel()
	for _, c := range commands {
		for _, h := range []string{"-h", "--help"} {
			// Help asked for goes to standard output, flags included.
			r := roadmapCmd(t, c.name, h).want(t, exitOK)
			if !strings.Contains(r.stdout, "usage: roadmap "+c.name) || !strings.Contains(r.stdout, c.summary) || !strings.Contains(r.stdout, "-data DIR") || r.stderr != "" {
				t.Errorf("%s %s: help is\n%s\nstderr:\n%s", c.name, h, r.stdout, r.stderr)
			}
		}
		// "roadmap help X" is "roadmap X -h".
		if r := roadmapCmd(t, "help", c.name).want(t, exitOK); !strings.Contains(r.stdout, "usage: roadmap "+c.name) {
			t.Errorf("help %s: %s", c.name, r.stdout)
		}
	}
}

func TestTopLevelUsage(t *testing.T) {
	t.Parallel()
	r := roadmapCmd(t, "-h").want(t, exitOK)
	for _, c := range commands {
		if !strings.Contains(r.stdout, "  "+c.name+" ") {
			t.Errorf("top-level help does not list %s:\n%s", c.name, r.stdout)
		}
	}
	if r := roadmapCmd(t).want(t, exitUsage); !strings.Contains(r.stderr, "Usage: roadmap COMMAND") {
		t.Errorf("no arguments: %s", r.stderr)
	}
	r = roadmapCmd(t, "frobnicate").want(t, exitUsage)
	if r.stderr != "roadmap: unknown command \"frobnicate\"\nRun 'roadmap -h' for the list of commands.\n" {
		t.Errorf("unknown command: %q", r.stderr)
	}
}

// Every command of the README is in the table, in its order.
func TestCommandTable(t *testing.T) {
	t.Parallel()
	want := []string{"init", "template", "validate", "ingest", "build", "serve", "status", "meetings", "history", "reindex", "catalogue", "demo", "outbox", "user"}
	var got []string
	for _, c := range commands {
		got = append(got, c.name)
		if c.summary == "" || c.run == nil {
			t.Errorf("%s: incomplete entry", c.name)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("commands = %v, want %v", got, want)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string // the first line of stderr
	}{
		{[]string{"init", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"catalogue", "extra"}, `roadmap catalogue: takes no arguments, got "extra"`},
		{[]string{"init", "--data", dir, "extra"}, `roadmap init: takes no arguments, got "extra"`},
		{[]string{"template", "--jurisdiction", "AL"}, "roadmap template: --period is required: write " + roadmap.PeriodForms},
		{[]string{"template", "--period", "2026-H2"}, "roadmap template: --jurisdiction is required (or --all for every jurisdiction)"},
		{[]string{"template", "--all", "--jurisdiction", "AL", "--period", "2026-H2"}, "roadmap template: give either --jurisdiction or --all, not both"},
		{[]string{"template", "--jurisdiction", "AL", "--period", "2026-H3"}, `roadmap template: period "2026-H3" is not valid: write ` + roadmap.PeriodForms},
		{[]string{"template", "--jurisdiction", "QQ", "--period", "2026-H2"}, `roadmap template: jurisdiction "QQ" is not in the catalogue: use one of AL, BA, XK, ME, MK, RS`},
		{[]string{"template", "--jurisdiction", "BB", "--period", "2026-H2", "--catalogue", "testdata/yearly.yaml"},
			"roadmap template: period 2026-H2 is not a reporting round of Yearly, whose rounds are calendar years (such as 2026)"},
		{[]string{"template", "AL"}, `roadmap template: takes no arguments, got "AL" (use --jurisdiction and --period)`},
	}
	for _, tt := range tests {
		r := roadmapCmd(t, tt.args...).want(t, exitUsage)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if lines[0] != tt.want {
			t.Errorf("%v: stderr\n%s\nwant first line\n%s", tt.args, r.stderr, tt.want)
		}
		if hint := "Run 'roadmap " + tt.args[0] + " -h' for help."; lines[len(lines)-1] != hint {
			t.Errorf("%v: no hint in\n%s", tt.args, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("%v: wrote to stdout: %s", tt.args, r.stdout)
		}
	}
}

// Flags may follow operands, as operators type them; "--" ends the flags.
func TestParseInterspersed(t *testing.T) {
	t.Parallel()
	var errb bytes.Buffer
	e := &env{stderr: &errb, getenv: func(string) string { return "" }, cmd: command{name: "x"}}
	f := e.newFlags(true)
	ops, code, ok := e.parse(f, []string{"a.xlsx", "--json", "b.xlsx", "--data", "d", "--", "--c.xlsx"})
	if !ok || code != exitOK || !slices.Equal(ops, []string{"a.xlsx", "b.xlsx", "--c.xlsx"}) || !f.json || f.data != "d" {
		t.Errorf("ops %v code %d ok %v json %v data %q", ops, code, ok, f.json, f.data)
	}
}

func layout(codes ...string) []string {
	dirs := []string{"inbox"}
	for _, c := range codes {
		dirs = append(dirs, filepath.Join("inbox", c))
	}
	dirs = append(dirs, filepath.Join("inbox", "_seesac"))
	return append(dirs, "archive", "rejected", "feedback", "reports", "outbox")
}

func TestInit(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	r := roadmapCmd(t, "init", "--data", data).want(t, exitOK)
	for _, d := range layout("AL", "BA", "XK", "ME", "MK", "RS") {
		p := filepath.Join(data, d)
		if info, err := os.Stat(p); err != nil || !info.IsDir() {
			t.Errorf("%s: %v", d, err)
		} else if info.Mode().Perm() != datadir.DirMode {
			t.Errorf("%s: mode %o, want %o", d, info.Mode().Perm(), datadir.DirMode)
		}
		if !strings.Contains(r.stdout, "created "+p+"\n") {
			t.Errorf("output does not name %s:\n%s", p, r.stdout)
		}
	}
	cfgPath := filepath.Join(data, "roadmap.yaml")
	b, err := os.ReadFile(cfgPath)
	if err != nil || !bytes.Equal(b, roadmap.InitYAML()) {
		t.Fatalf("roadmap.yaml is not InitYAML: %v", err)
	}
	if info, _ := os.Stat(cfgPath); info.Mode().Perm() != datadir.FileMode {
		t.Errorf("roadmap.yaml: mode %o, want %o", info.Mode().Perm(), datadir.FileMode)
	}

	// Again: nothing to do, nothing changed.
	if err := os.WriteFile(cfgPath, []byte("# mine\nfootnote: eu\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	r = roadmapCmd(t, "init", "--data", data).want(t, exitOK)
	if r.stdout != data+" is already set up; nothing created\n" {
		t.Errorf("second init said %q", r.stdout)
	}
	if b, _ := os.ReadFile(cfgPath); string(b) != "# mine\nfootnote: eu\n" {
		t.Errorf("init overwrote roadmap.yaml: %q", b)
	}

	// A folder removed is put back, and only it.
	if err := os.Remove(filepath.Join(data, "inbox", "XK")); err != nil {
		t.Fatal(err)
	}
	r = roadmapCmd(t, "init", "--data", data, "--json").want(t, exitOK)
	var got struct {
		Data    string   `json:"data"`
		Created []string `json:"created"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.Data != data || !slices.Equal(got.Created, []string{filepath.Join(data, "inbox", "XK")}) {
		t.Errorf("init --json = %+v", got)
	}
}

// The jurisdiction folders come from the catalogue in force, and a broken
// roadmap.yaml is reported, not replaced.
func TestInitOtherCatalogueAndBrokenConfig(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	roadmapCmd(t, "init", "--data", data, "--catalogue", "testdata/yearly.yaml").want(t, exitOK)
	entries, err := os.ReadDir(filepath.Join(data, "inbox"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"AG", "BB", "BS", "_seesac"}) {
		t.Errorf("inbox folders = %v", names)
	}
	// The catalogue named to init stays in force without the flag.
	if got := catalogueID(t, roadmapCmd(t, "catalogue", "--data", data, "--json").want(t, exitOK)); got != "test-yearly" {
		t.Errorf("after init --catalogue, the catalogue in force is %q, want test-yearly", got)
	}

	if err := os.WriteFile(filepath.Join(data, "roadmap.yaml"), []byte("timezone: Mars/Olympus\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	r := roadmapCmd(t, "init", "--data", data).want(t, exitProblem)
	want := "roadmap init: " + filepath.Join(data, "roadmap.yaml") + ":1: timezone: \"Mars/Olympus\" is not a known time zone; write an IANA name such as Europe/Belgrade or UTC\n"
	if r.stderr != want {
		t.Errorf("stderr\n%s\nwant\n%s", r.stderr, want)
	}
}

func TestInitOverAFile(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(data, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "archive"), nil, 0o640); err != nil {
		t.Fatal(err)
	}
	r := roadmapCmd(t, "init", "--data", data).want(t, exitProblem)
	if !strings.Contains(r.stderr, filepath.Join(data, "archive")+" exists and is not a folder") {
		t.Errorf("stderr: %s", r.stderr)
	}
}

func TestDataFolderFromEnvironment(t *testing.T) {
	base := t.TempDir()
	t.Chdir(base)
	fromEnv, fromFlag := filepath.Join(base, "env"), filepath.Join(base, "flag")

	roadmapCmd(t, "init").want(t, exitOK)
	if _, err := os.Stat(filepath.Join(base, "roadmap-data", "roadmap.yaml")); err != nil {
		t.Errorf("default ./roadmap-data: %v", err)
	}

	withEnv := cli{env: map[string]string{dataEnv: fromEnv}}
	withEnv.run(t, "init").want(t, exitOK)
	if _, err := os.Stat(filepath.Join(fromEnv, "roadmap.yaml")); err != nil {
		t.Errorf("$ROADMAP_DATA: %v", err)
	}

	// --data wins over $ROADMAP_DATA.
	r := withEnv.run(t, "init", "--data", fromFlag, "--json").want(t, exitOK)
	if _, err := os.Stat(filepath.Join(fromFlag, "roadmap.yaml")); err != nil {
		t.Errorf("--data: %v", err)
	}
	if !strings.Contains(r.stdout, `"data": "`+fromFlag+`"`) {
		t.Errorf("init --json: %s", r.stdout)
	}
	if r := withEnv.run(t, "init").want(t, exitOK); !strings.Contains(r.stdout, "already set up") {
		t.Errorf("env folder re-initialised: %s", r.stdout)
	}
}

// The configuration is DIR/roadmap.yaml when it exists, or --config; its
// catalogue path is read from its own folder.
func TestConfigAndCatalogueResolution(t *testing.T) {
	t.Parallel()
	data := dataDir(t)
	if got := catalogueID(t, roadmapCmd(t, "catalogue", "--data", data, "--json").want(t, exitOK)); got != "wb-salw-roadmap-2030" {
		t.Errorf("no roadmap.yaml: catalogue %s", got)
	}
	if got := catalogueID(t, roadmapCmd(t, "catalogue", "--data", data, "--json", "--config", "testdata/yearly-config.yaml").want(t, exitOK)); got != "test-yearly" {
		t.Errorf("--config: catalogue %s", got)
	}
	// The data folder's own roadmap.yaml, naming a catalogue beside it.
	yearly, err := os.ReadFile("testdata/yearly.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "mine.yaml"), yearly, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "roadmap.yaml"), []byte("catalogue: mine.yaml\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if got := catalogueID(t, roadmapCmd(t, "catalogue", "--data", data, "--json").want(t, exitOK)); got != "test-yearly" {
		t.Errorf("DIR/roadmap.yaml: catalogue %s", got)
	}
	// --catalogue wins over the configuration.
	def, err := templates.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "wb.yaml"), mustRead(t, "../../templates/catalogue.yaml"), 0o640); err != nil {
		t.Fatal(err)
	}
	if got := catalogueID(t, roadmapCmd(t, "catalogue", "--data", data, "--json", "--catalogue", filepath.Join(data, "wb.yaml")).want(t, exitOK)); got != def.ID {
		t.Errorf("--catalogue: catalogue %s", got)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--config", filepath.Join(data, "nope.yaml")}, "roadmap catalogue: read configuration: open " + filepath.Join(data, "nope.yaml") + ": no such file or directory\n"},
		{[]string{"--config", "testdata/bad-config.yaml"}, `roadmap catalogue: testdata/bad-config.yaml:1: timezone: "Mars/Olympus" is not a known time zone; write an IANA name such as Europe/Belgrade or UTC
testdata/bad-config.yaml:3: intake.stable: want a duration such as 5s, 90s or 2m, not "soon"
`},
		{[]string{"--config", "testdata/wrong-jurisdiction-config.yaml"}, `roadmap catalogue: testdata/wrong-jurisdiction-config.yaml:4: meetings[0].jurisdiction: "QQ" is not in the catalogue; write one of AL, BA, XK, ME, MK, RS
`},
		// Every problem of the configuration and of the catalogue it names,
		// cron specs and the calendar included, at once.
		{[]string{"--config", "testdata/all-at-once.yaml"}, `roadmap catalogue: testdata/all-at-once.yaml:3: cron[0].spec: cron spec "0 0 30 2 *" never fires (no day matches it): write one that does, such as "0 6 * * 1"
testdata/all-at-once.yaml:6: cron[1].spec: cron spec "@every 1s" fires every 1s: once a minute at most, such as "0 6 * * 1" (06:00 on Mondays)
testdata/all-at-once.yaml:9: meetings[0].id: "RCM-16" cannot name a folder; use lower-case letters, digits, "-", "_" and ".", such as rcm-16
testdata/all-at-once.yaml:11: meetings[0].number: must be zero or more, not -1
testdata/all-at-once.yaml:13: meetings[0].period: 2027-H1 has not ended by the meeting day 2026-12-15; a meeting reviews a period that has ended
testdata/bad-catalogue.yaml:5: cadence: "monthly" is not allowed: write one of half-yearly, yearly
testdata/bad-catalogue.yaml:7: jurisdictions: is missing or empty: list at least one
testdata/bad-catalogue.yaml:8: goals: is missing or empty: list at least one
testdata/bad-catalogue.yaml:9: indicators: is missing or empty: list at least one
`},
		{[]string{"--catalogue", "testdata/bad-catalogue.yaml"}, `roadmap catalogue: testdata/bad-catalogue.yaml:5: cadence: "monthly" is not allowed: write one of half-yearly, yearly
testdata/bad-catalogue.yaml:7: jurisdictions: is missing or empty: list at least one
testdata/bad-catalogue.yaml:8: goals: is missing or empty: list at least one
testdata/bad-catalogue.yaml:9: indicators: is missing or empty: list at least one
`},
	} {
		r := roadmapCmd(t, append([]string{"catalogue", "--data", dataDir(t)}, tt.args...)...).want(t, exitProblem)
		if r.stderr != tt.want {
			t.Errorf("%v: stderr\n%s\nwant\n%s", tt.args, r.stderr, tt.want)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCatalogueJSON(t *testing.T) {
	t.Parallel()
	r := roadmapCmd(t, "catalogue", "--data", dataDir(t), "--json").want(t, exitOK)
	var got roadmap.Catalogue
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	want, err := templates.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&got, want) {
		t.Errorf("catalogue --json differs from DefaultCatalogue():\n%+v\n%+v", got, *want)
	}
	if got.Hash == "" || len(got.Hash) != 64 {
		t.Errorf("hash %q", got.Hash)
	}
}

func TestCatalogueText(t *testing.T) {
	t.Parallel()
	r := roadmapCmd(t, "catalogue", "--data", dataDir(t)).want(t, exitOK)
	cat, err := templates.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	wants := []string{"ILLUSTRATIVE: ", "version " + cat.Version, "sha256:" + cat.Hash, "figures yearly, narrative half-yearly, baseline 2018",
		"Succession (oldest first)", "wb-salw-roadmap       2024.1-illustrative  up to 2024-H2", "wb-salw-roadmap-2030  2025.1-illustrative  from 2025-H1",
		"wb-salw-roadmap G7.3", "new", "Сарајево", "place: border+inland (equal)", "fully aligned", "-50% by 2030", "distribution", "not started < drafting < partly aligned < fully aligned",
		"Security Council resolution 1244"}
	for _, j := range cat.Jurisdictions {
		wants = append(wants, "  "+j.Code+"  ")
	}
	for _, ind := range cat.Indicators {
		wants = append(wants, "\n  "+ind.Code+" ")
	}
	for _, w := range wants {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("catalogue output lacks %q", w)
		}
	}
	if !strings.Contains(r.stdout, "Indicators (19, 29 rows on the KPI sheet)") {
		t.Errorf("indicator count line missing:\n%s", r.stdout)
	}
	r = roadmapCmd(t, "catalogue", "--data", dataDir(t), "--catalogue", "testdata/yearly.yaml").want(t, exitOK)
	if strings.Contains(r.stdout, "ILLUSTRATIVE") || !strings.Contains(r.stdout, "yes by 2030") || !strings.Contains(r.stdout, "from testdata/yearly.yaml") {
		t.Errorf("yearly catalogue:\n%s", r.stdout)
	}
}

// metadata reads the template's metadata sheet with excelize, as ingest will.
func metadata(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("excelize cannot open %s: %v", path, err)
	}
	defer f.Close()
	for _, s := range []string{roadmap.SheetCover, roadmap.SheetKPI, roadmap.SheetNarrative, roadmap.SheetMeta} {
		if idx, err := f.GetSheetIndex(s); err != nil || idx < 0 {
			t.Errorf("%s: no sheet %s", path, s)
		}
	}
	rows, err := f.GetRows(roadmap.SheetMeta)
	if err != nil {
		t.Fatal(err)
	}
	meta := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			meta[r[0]] = r[1]
		}
	}
	return meta
}

func TestTemplateOne(t *testing.T) {
	out := filepath.Join(t.TempDir(), "al.xlsx")
	r := roadmapCmd(t, "template", "--jurisdiction", "AL", "--period", "2026-H2", "-o", out, "--data", dataDir(t)).want(t, exitOK)
	if r.stdout != "wrote "+out+"\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	meta := metadata(t, out)
	if meta[roadmap.MetaJurisdiction] != "AL" || meta[roadmap.MetaPeriod] != "2026-H2" || meta[roadmap.MetaTemplateVersion] != roadmap.TemplateVersion {
		t.Errorf("metadata %v", meta)
	}

	// Default: the current folder, named by templates.FileName; a code in
	// lower case is accepted.
	dir := t.TempDir()
	t.Chdir(dir)
	r = roadmapCmd(t, "template", "--jurisdiction", "xk", "--period", "2026-H1", "--data", dataDir(t), "--json").want(t, exitOK)
	name := templates.FileName("XK", roadmap.MustPeriod("2026-H1"))
	var got struct {
		Period string   `json:"period"`
		Files  []string `json:"files"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.Period != "2026-H1" || !slices.Equal(got.Files, []string{name}) {
		t.Errorf("--json = %+v, %v", got, err)
	}
	if meta := metadata(t, filepath.Join(dir, name)); meta[roadmap.MetaJurisdiction] != "XK" {
		t.Errorf("metadata %v", meta)
	}

	// -o naming a folder puts the file in it.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o750); err != nil {
		t.Fatal(err)
	}
	roadmapCmd(t, "template", "--jurisdiction", "ME", "--period", "2025-H2", "-o", sub, "--data", dataDir(t)).want(t, exitOK)
	if _, err := os.Stat(filepath.Join(sub, templates.FileName("ME", roadmap.MustPeriod("2025-H2")))); err != nil {
		t.Error(err)
	}

	// A folder that does not exist is a problem, not bad usage.
	r = roadmapCmd(t, "template", "--jurisdiction", "ME", "--period", "2025-H2", "-o", filepath.Join(dir, "no", "such", "x.xlsx"), "--data", dataDir(t)).want(t, exitProblem)
	if !strings.HasPrefix(r.stderr, "roadmap template: write ") {
		t.Errorf("stderr %q", r.stderr)
	}
}

func TestTemplateAll(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "templates")
	r := roadmapCmd(t, "template", "--all", "--period", "2026-H2", "-o", out, "--data", dataDir(t)).want(t, exitOK)
	cat, err := templates.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	var want string
	for _, j := range cat.Jurisdictions {
		p := filepath.Join(out, templates.FileName(j.Code, roadmap.MustPeriod("2026-H2")))
		want += "wrote " + p + "\n"
		if meta := metadata(t, p); meta[roadmap.MetaJurisdiction] != j.Code || meta[roadmap.MetaCatalogueHash] != cat.Hash {
			t.Errorf("%s: metadata %v", p, meta)
		}
	}
	if r.stdout != want {
		t.Errorf("stdout\n%s\nwant\n%s", r.stdout, want)
	}

	// Another roadmap: its own jurisdictions and yearly periods.
	out = t.TempDir()
	roadmapCmd(t, "template", "--all", "--period", "2026", "-o", out, "--catalogue", "testdata/yearly.yaml", "--data", dataDir(t)).want(t, exitOK)
	for _, code := range []string{"AG", "BS", "BB"} {
		meta := metadata(t, filepath.Join(out, templates.FileName(code, roadmap.MustPeriod("2026"))))
		if meta[roadmap.MetaCatalogueID] != "test-yearly" || meta[roadmap.MetaPeriod] != "2026" {
			t.Errorf("%s: metadata %v", code, meta)
		}
	}
}

// catalogueID is the id of the catalogue that `catalogue --json` printed.
func catalogueID(t *testing.T, r result) string {
	t.Helper()
	var c roadmap.Catalogue
	if err := json.Unmarshal([]byte(r.stdout), &c); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	return c.ID
}
