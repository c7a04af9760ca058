package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/store"
)

// reindexFixture is a data folder after two passes: accepted files for two
// periods and jurisdictions, a rejected one, a duplicate and a second
// version; and one recorded build and delivery. It returns the jurisdictions
// and periods it has files for.
func reindexFixture(t *testing.T) (data string, keys [][2]string) {
	t.Helper()
	data = newDataFolder(t)
	valid := filepath.Join(samplesDir, "workbooks", "valid")
	drop(t, data, "AL", filepath.Join(valid, "AL", "roadmap-AL-2025-H2.xlsx"), "")
	drop(t, data, "AL", filepath.Join(valid, "AL", "roadmap-AL-2026-H1.xlsx"), "")
	drop(t, data, "BA", filepath.Join(valid, "BA", "roadmap-BA-2026-H1.xlsx"), "")
	drop(t, data, "AL", filepath.Join(samplesDir, "workbooks", "broken", "parts-do-not-add-up.xlsx"), "")
	ingestAt(t, intakeClock, data)
	drop(t, data, "AL", filepath.Join(valid, "AL", "roadmap-AL-2026-H1.xlsx"), "again.xlsx")
	drop(t, data, "BA", secondVersion(t, filepath.Join(valid, "BA", "roadmap-BA-2026-H1.xlsx")), "")
	ingestAt(t, intakeClock.Add(time.Hour), data)

	db, err := store.Open(datadir.New(data).Ledger())
	if err != nil {
		t.Fatal(err)
	}
	b := roadmap.Build{Meeting: "rcm-16", Kind: roadmap.Draft, Started: intakeClock.Add(3 * time.Hour),
		AsOf: intakeClock.Add(3 * time.Hour), InputsHash: "abc", Outputs: []string{"reports/rcm-16/x.pdf"}, OK: true, Scheduled: true}
	if err := db.RecordBuild(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if err := db.Audit(context.Background(), store.Event{Time: intakeClock.Add(4 * time.Hour), Kind: store.EventDelivered, Detail: "x.pdf to seesac"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return data, [][2]string{{"AL", "2025-H2"}, {"AL", "2026-H1"}, {"BA", "2026-H1"}}
}

// snapshot is what the ledger says of the fixture: every history (without
// the ledger's own ids), the latest values and the builds.
type snapshot struct {
	History map[string][]historyVersion
	Latest  []roadmap.Value
	Builds  []roadmap.Build
}

func snapshotOf(t *testing.T, data string, keys [][2]string) snapshot {
	t.Helper()
	s := snapshot{History: map[string][]historyVersion{}}
	for _, k := range keys {
		h := historyAt(t, data, k[0], k[1]).Versions
		for i := range h {
			h[i].ID = 0
		}
		s.History[k[0]+" "+k[1]] = h
	}
	db, err := store.Open(datadir.New(data).Ledger())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	latest, err := db.Latest(context.Background(), "BA", roadmap.MustPeriod("2026-H1"))
	if err != nil || latest == nil {
		t.Fatalf("latest BA 2026-H1: %v, %v", latest, err)
	}
	s.Latest = latest.Values
	if s.Builds, err = db.Builds(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := range s.Builds {
		s.Builds[i].ID = 0
	}
	return s
}

func TestReindex(t *testing.T) {
	t.Parallel()
	data, keys := reindexFixture(t)
	before := snapshotOf(t, data, keys)
	if h := before.History["BA 2026-H1"]; len(h) != 2 || h[0].State != roadmap.Superseded || h[1].State != roadmap.Accepted || h[1].Version != 2 {
		t.Fatalf("fixture BA 2026-H1 history: %+v", h)
	}
	if h := before.History["AL 2026-H1"]; len(h) != 2 {
		t.Fatalf("fixture AL 2026-H1 history (accepted, duplicate): %+v", h)
	}
	// The broken sample is a copy of AL's 2025-H2 round, whose figures it spoils.
	if h := before.History["AL 2025-H2"]; len(h) != 2 || h[0].State != roadmap.Rejected {
		t.Fatalf("fixture AL 2025-H2 history (accepted, rejected): %+v", h)
	}

	// The ledger rebuilt over the existing one keeps its builds.
	r := runAt(t, intakeClock, "reindex", "--data", data, "--json").want(t, exitOK)
	var out reindexOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if out.Recorded != 6 || out.Builds != 1 || out.Deliveries != 1 || len(out.Disagreements) != 0 || out.OldLedger != "" {
		t.Errorf("reindex over the ledger: %+v", out)
	}
	if got := snapshotOf(t, data, keys); !reflect.DeepEqual(got, before) {
		t.Errorf("after reindex:\n%+v\nbefore:\n%+v", got, before)
	}

	// roadmap.db lost: the archive rebuilds every submission.
	if err := os.Remove(datadir.New(data).Ledger()); err != nil {
		t.Fatal(err)
	}
	r = runAt(t, intakeClock, "reindex", "--data", data).want(t, exitOK)
	if r.stdout != "rebuilt "+datadir.New(data).Ledger()+" from 6 kept file(s)\n" {
		t.Errorf("reindex text: %q", r.stdout)
	}
	got := snapshotOf(t, data, keys)
	want := before
	want.Builds = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after losing roadmap.db:\n%+v\nbefore:\n%+v", got, want)
	}
	for _, leftover := range []string{datadir.LedgerName + store.RebuildSuffix, datadir.LedgerName + "-wal", datadir.LedgerName + store.RebuildSuffix + "-wal"} {
		if _, err := os.Stat(filepath.Join(data, leftover)); !os.IsNotExist(err) {
			t.Errorf("%s left behind: %v", leftover, err)
		}
	}
}

// A reindex that fails leaves the ledger as it was.
func TestReindexFailureKeepsTheLedger(t *testing.T) {
	t.Parallel()
	data, _ := reindexFixture(t)
	notes, err := filepath.Glob(filepath.Join(data, "archive", "AL", "2025-H2", "*.intake.json"))
	if err != nil || len(notes) != 1 {
		t.Fatalf("notes: %v, %v", notes, err)
	}
	if err := os.WriteFile(notes[0], []byte("{not json"), 0o640); err != nil {
		t.Fatal(err)
	}
	db := datadir.New(data).Ledger()
	before := mustRead(t, db)
	r := runAt(t, intakeClock, "reindex", "--data", data).want(t, exitProblem)
	if !strings.Contains(r.stderr, "the note beside archive/AL/2025-H2/") {
		t.Errorf("stderr: %s", r.stderr)
	}
	if string(mustRead(t, db)) != string(before) {
		t.Error("a failed reindex changed the ledger")
	}
	if _, err := os.Stat(db + store.RebuildSuffix); !os.IsNotExist(err) {
		t.Errorf("the partial ledger was left behind: %v", err)
	}

	release, err := datadir.New(data).Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if r := runAt(t, intakeClock, "reindex", "--data", data).want(t, exitProblem); !strings.Contains(r.stderr, "is in use") {
		t.Errorf("lock held: %s", r.stderr)
	}
}
