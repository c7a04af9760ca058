package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

func validateJSON(t *testing.T, now time.Time, code int, args ...string) []map[string]any {
	t.Helper()
	r := runAt(t, now, append([]string{"validate", "--json"}, args...)...).want(t, code)
	var out []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("validate --json: %v\n%s", err, r.stdout)
	}
	return out
}

func TestValidate(t *testing.T) {
	t.Parallel()
	data := dataDir(t) // an empty data folder: validate needs no ledger
	good := filepath.Join(samplesDir, "workbooks", "valid", "AL", "roadmap-AL-2026-H1.xlsx")
	bad := filepath.Join(samplesDir, "workbooks", "broken", "percent-over-100.xlsx")

	r := runAt(t, intakeClock, "validate", "--data", data, good).want(t, exitOK)
	if r.stdout != good+": accepted as AL 2026-H1\n1 file(s) checked: 1 accepted, 0 rejected; nothing was recorded\n" {
		t.Errorf("validate a good file:\n%s", r.stdout)
	}
	r = runAt(t, intakeClock, "validate", "--data", data, good, bad).want(t, exitProblem)
	if !strings.Contains(r.stdout, bad+": rejected, 1 error") || !strings.Contains(r.stdout, "\n  error KPI!F5 (G2.2) value-out-of-range: Cell F5 ") {
		t.Errorf("validate a bad file:\n%s", r.stdout)
	}

	out := validateJSON(t, intakeClock, exitProblem, "--data", data, good, bad)
	if len(out) != 2 {
		t.Fatalf("validate --json: %d results for 2 files", len(out))
	}
	for i, want := range []struct {
		file, period string
		ok           bool
	}{{good, "2026-H1", true}, {bad, "2025-H2", false}} {
		v := out[i]
		var keys []string
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"file", "findings", "hash", "jurisdiction", "ok", "period"}) {
			t.Errorf("result %d has keys %v", i, keys)
		}
		if v["file"] != want.file || v["ok"] != want.ok || v["jurisdiction"] != "AL" || v["period"] != want.period {
			t.Errorf("result %d: %v", i, v)
		}
	}
	if fs := out[0]["findings"].([]any); len(fs) != 0 {
		t.Errorf("findings of the good file: %v", fs)
	}
	f := out[1]["findings"].([]any)[0].(map[string]any)
	if f["severity"] != "error" || f["code"] != "value-out-of-range" || f["sheet"] != "KPI" || f["cell"] != "F5" || f["indicator"] != "G2.2" {
		t.Errorf("finding of the bad file: %v", f)
	}

	// --folder: a workbook checked as if dropped into another's folder.
	out = validateJSON(t, intakeClock, exitProblem, "--data", data, "--folder", "rs", good)
	if codes := errorCodes(findingsOf(t, out[0])); !slices.Equal(codes, []roadmap.Code{roadmap.CodeWrongJurisdiction}) {
		t.Errorf("--folder RS: %v", codes)
	}
	if _, err := os.Stat(datadir.New(data).Ledger()); !os.IsNotExist(err) {
		t.Errorf("validate created a ledger: %v", err)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"validate"}, "roadmap validate: give the workbook FILE(s) to check"},
		{[]string{"validate", "--folder", "QQ", good}, `roadmap validate: --folder "QQ" is not a jurisdiction of the catalogue: use one of AL, BA, XK, ME, MK, RS`},
		{[]string{"validate", "no-such.xlsx"}, "roadmap validate: cannot check no-such.xlsx: lstat no-such.xlsx: no such file or directory"},
	} {
		r := runAt(t, intakeClock, append(tt.args, "--data", data)...).want(t, exitUsage)
		if first := strings.SplitN(r.stderr, "\n", 2)[0]; first != tt.want {
			t.Errorf("%v: %q, want %q", tt.args, first, tt.want)
		}
	}
}

func findingsOf(t *testing.T, v map[string]any) []roadmap.Finding {
	t.Helper()
	b, err := json.Marshal(v["findings"])
	if err != nil {
		t.Fatal(err)
	}
	var fs []roadmap.Finding
	if err := json.Unmarshal(b, &fs); err != nil {
		t.Fatal(err)
	}
	return fs
}

// Validate checks as ingest would, against the ledger when there is one, and
// records nothing: the previous period is compared, a file already accepted
// is named as a duplicate, and the ledger is unchanged.
func TestValidateWithLedger(t *testing.T) {
	t.Parallel()
	data := newDataFolder(t)
	v1 := filepath.Join(samplesDir, "workbooks", "valid", "BA", "roadmap-BA-2020-H2.xlsx")
	prev := filepath.Join(samplesDir, "workbooks", "valid", "BA", "roadmap-BA-2020-H1.xlsx")
	drop(t, data, "BA", prev, "")
	drop(t, data, "BA", v1, "")
	ingestAt(t, intakeClock, data)
	db := datadir.New(data).Ledger()
	before := mustRead(t, db)

	r := runAt(t, intakeClock, "validate", "--data", data, v1).want(t, exitOK)
	// The samples' BA 2020-H2 destruction figures fall to under a third of
	// 2020-H1's (a destruction event): ingest warns, and so must validate.
	if !strings.Contains(r.stdout, "warning KPI!F24 (G6.1) large-change:") {
		t.Errorf("no comparison with the previous period:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "its content is already recorded as version 1 of BA 2020-H2 (roadmap-BA-2020-H2.xlsx, received 2026-10-01 11:00 CEST): ingest would count it as a duplicate") {
		t.Errorf("the duplicate is not named:\n%s", r.stdout)
	}
	out := validateJSON(t, intakeClock, exitOK, "--data", data, v1)
	if d, ok := out[0]["duplicate_of"].(map[string]any); !ok || d["version"] != 1.0 {
		t.Errorf("duplicate_of: %v", out[0]["duplicate_of"])
	}
	if h := historyAt(t, data, "BA", "2020-H2"); len(h.Versions) != 1 {
		t.Errorf("validate recorded something: %+v", h.Versions)
	}
	if after := mustRead(t, db); string(after) != string(before) {
		t.Error("validate changed the ledger file")
	}
}

// A report is late from the day after its deadline in the configured zone:
// AL's 2026-H1 deadline is its local meeting's, 9 October 2026, earlier than
// the regional meeting's 13 November.
func TestValidateDeadline(t *testing.T) {
	t.Parallel()
	data := dataDir(t)
	good := filepath.Join(samplesDir, "workbooks", "valid", "AL", "roadmap-AL-2026-H1.xlsx")
	belgrade, err := time.LoadLocation("Europe/Belgrade")
	if err != nil {
		t.Fatal(err)
	}
	onTime := time.Date(2026, 10, 9, 23, 59, 0, 0, belgrade)
	if r := runAt(t, onTime, "validate", "--data", data, good).want(t, exitOK); strings.Contains(r.stdout, "late") {
		t.Errorf("on the deadline day:\n%s", r.stdout)
	}
	late := time.Date(2026, 10, 10, 0, 1, 0, 0, belgrade)
	r := runAt(t, late, "validate", "--data", data, good).want(t, exitOK)
	if !strings.Contains(r.stdout, "warning late: ") || !strings.Contains(r.stdout, "after the deadline of 2026-10-09") {
		t.Errorf("after the deadline:\n%s", r.stdout)
	}
}
