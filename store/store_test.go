package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seesac/roadmap"
)

var (
	h1  = roadmap.MustPeriod("2026-H1")
	t0  = time.Date(2026, 11, 2, 9, 15, 0, 123456789, time.UTC)
	ctx = context.Background()
)

func open(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "roadmap.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func sub(j string, p roadmap.Period, hash string, received time.Time, state roadmap.State) *roadmap.Submission {
	return &roadmap.Submission{
		Hash: hash, Name: hash + ".xlsx", Folder: j, Size: 1234, Received: received,
		Jurisdiction: j, Period: p, TemplateVersion: "1", CatalogueID: "wb-salw", CatalogueVersion: "2024.1",
		CatalogueHash: "cafe", State: state, Path: "archive/" + j + "/" + p.String() + "/" + hash + ".xlsx",
		Cover: roadmap.Cover{Institution: "Komisioni", Contact: "Ђорђе Њежић", Email: "a@b.c", Date: "2026-10-30", Final: true},
		Values: []roadmap.Value{
			{Row: "G3.1", Period: p, Indicator: "G3.1", Reported: true, Number: 0, Cell: "F2"},
			{Row: "G3.1/border", Period: p, Indicator: "G3.1", Part: "border", Reported: false, Cell: "F3"},
			{Row: "G3.2", Period: p, Indicator: "G3.2", Reported: true, Number: 12.5, Comment: "Tarčin", Cell: "F4"},
			// A yearly figure in a half-year's round keeps its own period.
			{Row: "G1.1", Period: roadmap.Period{Year: p.Year}, Indicator: "G1.1", Reported: true, Level: "drafting", Cell: "F5"},
		},
		Narratives: []roadmap.Narrative{{Goal: "G1", Progress: "С́ецање", Challenges: "", Support: "funds"}},
		Findings:   []roadmap.Finding{{Severity: roadmap.Warning, Code: roadmap.CodeLargeChange, Sheet: "KPI", Cell: "F4", Indicator: "G3.2", Message: "Large change."}},
	}
}

func record(t *testing.T, db *DB, s *roadmap.Submission) {
	t.Helper()
	if err := db.Record(ctx, s, "src:"+s.Hash+":"+s.Received.String()); err != nil {
		t.Fatal(err)
	}
}

func TestVersionsAndSupersession(t *testing.T) {
	t.Parallel()
	db, _ := open(t)
	a1 := sub("AL", h1, "a1", t0, roadmap.Accepted)
	record(t, db, a1)
	rej := sub("AL", h1, "r1", t0.Add(time.Hour), roadmap.Rejected)
	rej.Findings = append(rej.Findings, roadmap.Finding{Severity: roadmap.Error, Code: roadmap.CodeMissingValue, Message: "Fill it in."})
	record(t, db, rej)
	a2 := sub("AL", h1, "a2", t0.Add(2*time.Hour), roadmap.Accepted)
	record(t, db, a2)
	other := sub("BA", h1, "b1", t0.Add(3*time.Hour), roadmap.Accepted)
	record(t, db, other)
	dup := sub("AL", h1, "a1", t0.Add(4*time.Hour), roadmap.Duplicate)
	record(t, db, dup)

	if a1.Version != 1 || a2.Version != 2 || other.Version != 1 || rej.Version != 0 || dup.Version != 0 {
		t.Fatalf("versions a1=%d a2=%d b1=%d rej=%d dup=%d", a1.Version, a2.Version, other.Version, rej.Version, dup.Version)
	}
	if a1.ID == 0 || a2.ID == a1.ID {
		t.Fatalf("ids not set: %d %d", a1.ID, a2.ID)
	}
	hist, err := db.History(ctx, "AL", h1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range hist {
		got = append(got, fmt.Sprintf("%s v%d %s", s.Hash, s.Version, s.State))
	}
	want := []string{"a1 v1 superseded", "r1 v0 rejected", "a2 v2 accepted", "a1 v0 duplicate"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("history = %q, want %q", got, want)
	}
	if len(hist[1].Findings) != 2 || hist[1].Findings[1].Code != roadmap.CodeMissingValue {
		t.Fatalf("history findings = %+v", hist[1].Findings)
	}
	latest, err := db.Latest(ctx, "AL", h1)
	if err != nil || latest == nil || latest.Hash != "a2" || len(latest.Values) != 4 {
		t.Fatalf("latest = %+v, %v", latest, err)
	}
	if none, err := db.Latest(ctx, "ME", h1); none != nil || err != nil {
		t.Fatalf("latest ME = %+v, %v", none, err)
	}
	byHash, err := db.AcceptedByHash(ctx, "a1")
	if err != nil || byHash == nil || byHash.ID != a1.ID || byHash.State != roadmap.Superseded {
		t.Fatalf("AcceptedByHash(a1) = %+v, %v", byHash, err)
	}
	if s, err := db.AcceptedByHash(ctx, "r1"); s != nil || err != nil {
		t.Fatalf("a rejected hash was found as accepted: %+v, %v", s, err)
	}

	events, err := db.Events(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, fmt.Sprintf("%s:%d", e.Kind, e.Submission))
	}
	wantKinds := []string{
		fmt.Sprintf("received:%d", a1.ID), fmt.Sprintf("accepted:%d", a1.ID),
		fmt.Sprintf("received:%d", rej.ID), fmt.Sprintf("rejected:%d", rej.ID),
		fmt.Sprintf("received:%d", a2.ID), fmt.Sprintf("accepted:%d", a2.ID), fmt.Sprintf("superseded:%d", a1.ID),
		fmt.Sprintf("received:%d", other.ID), fmt.Sprintf("accepted:%d", other.ID),
		fmt.Sprintf("received:%d", dup.ID), fmt.Sprintf("duplicate:%d", dup.ID),
	}
	if !reflect.DeepEqual(kinds, wantKinds) {
		t.Fatalf("audit = %q\nwant    %q", kinds, wantKinds)
	}
}

func TestRecordRefusesTheSameSourceTwice(t *testing.T) {
	t.Parallel()
	db, _ := open(t)
	s := sub("AL", h1, "a1", t0, roadmap.Accepted)
	if err := db.Record(ctx, s, "inbox/AL/a.xlsx|1|t|a1"); err != nil {
		t.Fatal(err)
	}
	again := sub("AL", h1, "a1", t0, roadmap.Accepted)
	if err := db.Record(ctx, again, "inbox/AL/a.xlsx|1|t|a1"); !errors.Is(err, ErrRecorded) {
		t.Fatalf("second Record = %v, want ErrRecorded", err)
	}
	hist, _ := db.History(ctx, "AL", h1)
	if len(hist) != 1 || hist[0].State != roadmap.Accepted {
		t.Fatalf("history after refused duplicate source = %+v", hist)
	}
	got, err := db.BySource(ctx, "inbox/AL/a.xlsx|1|t|a1")
	if err != nil || got == nil || got.ID != s.ID || len(got.Values) != 4 || len(got.Narratives) != 1 {
		t.Fatalf("BySource = %+v, %v", got, err)
	}
	if none, err := db.BySource(ctx, "nope"); none != nil || err != nil {
		t.Fatalf("BySource(unknown) = %+v, %v", none, err)
	}
}

func TestRecordRejectsBadInput(t *testing.T) {
	t.Parallel()
	db, _ := open(t)
	for name, s := range map[string]*roadmap.Submission{
		"superseded":         sub("AL", h1, "x", t0, roadmap.Superseded),
		"no state":           sub("AL", h1, "x", t0, ""),
		"accepted no period": sub("AL", roadmap.Period{}, "x", t0, roadmap.Accepted),
	} {
		if err := db.Record(ctx, s, "src-"+name); err == nil {
			t.Errorf("%s: Record succeeded", name)
		}
	}
	if err := db.Record(ctx, sub("AL", h1, "x", t0, roadmap.Accepted), ""); err == nil {
		t.Error("empty source accepted")
	}
	if err := db.Audit(ctx, Event{Time: t0, Kind: "deleted"}); err == nil {
		t.Error("unknown audit kind accepted")
	}
}

func TestValuesRoundTripNotReportedIsNotZero(t *testing.T) {
	t.Parallel()
	db, _ := open(t)
	s := sub("AL", h1, "a1", t0, roadmap.Accepted)
	record(t, db, s)
	got, err := db.Latest(ctx, "AL", h1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Values, s.Values) {
		t.Fatalf("values:\n got %+v\nwant %+v", got.Values, s.Values)
	}
	zero, _ := got.Value("G3.1")
	blank, _ := got.Value("G3.1/border")
	if !zero.Reported || zero.Number != 0 || blank.Reported {
		t.Fatalf("zero %+v / blank %+v", zero, blank)
	}
	if !reflect.DeepEqual(got.Narratives, s.Narratives) || !reflect.DeepEqual(got.Findings, s.Findings) ||
		got.Cover != s.Cover {
		t.Fatalf("details differ: %+v", got)
	}
	// The database itself tells a blank apart from a zero.
	var nulls int
	if err := db.r.QueryRow(`SELECT count(*) FROM kpi_values WHERE reported = 0 AND number IS NULL`).Scan(&nulls); err != nil || nulls != 1 {
		t.Fatalf("not-reported rows with NULL number = %d, %v", nulls, err)
	}
}

func TestTimesRoundTripExactly(t *testing.T) {
	t.Parallel()
	db, _ := open(t)
	belgrade := time.FixedZone("CET", 3600)
	received := time.Date(2026, 3, 1, 23, 59, 59, 999999999, belgrade)
	s := sub("ME", h1, "m1", received, roadmap.Accepted)
	record(t, db, s)
	got, err := db.Latest(ctx, "ME", h1)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Received.Equal(received) || got.Received.Location() != time.UTC {
		t.Fatalf("received %v (%v), want %v in UTC", got.Received, got.Received.Location(), received)
	}
	b := &roadmap.Build{Meeting: "rcm-16", Kind: roadmap.Draft, Started: t0, AsOf: received, InputsHash: "ff",
		Outputs: []string{"reports/rcm-16/a.pdf"}, OK: true, Scheduled: true}
	if err := db.RecordBuild(ctx, b); err != nil {
		t.Fatal(err)
	}
	failed := &roadmap.Build{Meeting: "rcm-16", Kind: roadmap.Final, Started: t0.Add(time.Minute), AsOf: t0, OK: false, Error: "no data"}
	if err := db.RecordBuild(ctx, failed); err != nil {
		t.Fatal(err)
	}
	builds, err := db.Builds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []roadmap.Build{*b, *failed}
	for i := range want {
		want[i].Started, want[i].AsOf = want[i].Started.UTC(), want[i].AsOf.UTC()
	}
	if !reflect.DeepEqual(builds, want) {
		t.Fatalf("builds:\n got %+v\nwant %+v", builds, want)
	}
	events, err := db.Events(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].Kind != EventBuilt || events[1].Kind != EventBuildFailed || !events[0].Time.Equal(t0) {
		t.Fatalf("build events = %+v", events)
	}
}

func TestAcceptedAsOf(t *testing.T) {
	t.Parallel()
	db, _ := open(t)
	a1 := sub("AL", h1, "a1", t0, roadmap.Accepted)
	a2 := sub("AL", h1, "a2", t0.Add(48*time.Hour), roadmap.Accepted)
	b1 := sub("BA", h1, "b1", t0.Add(time.Hour), roadmap.Accepted)
	rej := sub("RS", h1, "r1", t0.Add(time.Minute), roadmap.Rejected)
	for _, s := range []*roadmap.Submission{a1, b1, rej, a2} {
		record(t, db, s)
	}
	states := func(asOf time.Time) []string {
		t.Helper()
		subs, err := db.Accepted(ctx, asOf)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range subs {
			if len(s.Values) != 4 || len(s.Narratives) != 1 || len(s.Findings) != 1 {
				t.Fatalf("%s loaded without details: %+v", s.Hash, s)
			}
			out = append(out, s.Hash+" "+string(s.State))
		}
		return out
	}
	if got := states(t0.Add(-time.Nanosecond)); got != nil {
		t.Fatalf("before anything: %q", got)
	}
	// At the exact received time the file counts (received ≤ asOf).
	if got, want := states(t0), []string{"a1 accepted"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("as of t0: %q, want %q", got, want)
	}
	// a1 was superseded later, but as of a day after t0 it is still AL's latest.
	if got, want := states(t0.Add(24*time.Hour)), []string{"a1 accepted", "b1 accepted"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("as of t0+1d: %q, want %q", got, want)
	}
	if got, want := states(t0.Add(72*time.Hour)), []string{"a1 superseded", "b1 accepted", "a2 accepted"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("as of t0+3d: %q, want %q", got, want)
	}
}

func TestConcurrentRecordNeverBusy(t *testing.T) {
	t.Parallel()
	db, _ := open(t)
	const workers, each = 8, 26
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				// All workers fight over the same two jurisdictions and
				// periods, so every Record reads then updates.
				j := []string{"AL", "BA"}[i%2]
				s := sub(j, h1, fmt.Sprintf("w%d-%d", w, i), t0.Add(time.Duration(w*each+i)*time.Second), roadmap.Accepted)
				if err := db.Record(ctx, s, "src-"+s.Hash); err != nil {
					errs <- err
				}
				if _, err := db.Latest(ctx, j, h1); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, j := range []string{"AL", "BA"} {
		hist, err := db.History(ctx, j, h1)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != workers*each/2 {
			t.Fatalf("%s has %d submissions", j, len(hist))
		}
		seen := map[int]bool{}
		current := 0
		for _, s := range hist {
			if seen[s.Version] {
				t.Fatalf("%s version %d twice", j, s.Version)
			}
			seen[s.Version] = true
			if s.State == roadmap.Accepted {
				current++
			}
		}
		if current != 1 || !seen[1] || !seen[len(hist)] {
			t.Fatalf("%s: %d current versions, versions %v", j, current, seen)
		}
	}
}

func TestMigrationsIdempotentOnReopen(t *testing.T) {
	t.Parallel()
	db, path := open(t)
	record(t, db, sub("AL", h1, "a1", t0, roadmap.Accepted))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		again, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var versions int
		if err := again.r.QueryRow(`SELECT count(*) FROM schema_version`).Scan(&versions); err != nil {
			t.Fatal(err)
		}
		entries, _ := migrations.ReadDir("migrations")
		if versions != len(entries) {
			t.Fatalf("%d schema versions recorded for %d migrations", versions, len(entries))
		}
		hist, err := again.History(ctx, "AL", h1)
		if err != nil || len(hist) != 1 {
			t.Fatalf("history after reopen = %+v, %v", hist, err)
		}
		var mode string
		if err := again.r.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
			t.Fatalf("journal_mode = %q, %v", mode, err)
		}
		again.Close()
	}
}

// An up-to-date ledger is opened without the write lock: a command opening
// it while the daemon is in the middle of a commit does not wait for it.
// A ledger made by an older program gets the steps it lacks, together.
func TestOpenMigratesOnlyWhatIsMissing(t *testing.T) {
	t.Parallel()
	db, path := open(t)
	tx, err := db.w.BeginTx(ctx, nil) // immediate: holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	opened := make(chan error, 1)
	go func() {
		again, err := Open(path)
		if err == nil {
			again.Close()
		}
		opened <- err
	}()
	select {
	case err := <-opened:
		if err != nil {
			t.Fatalf("open beside a writer: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("opening an up-to-date ledger waited for the writer's lock")
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}

	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// A ledger made by a program that knew only the first step.
	steps, err := migrationSteps()
	if err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", old)
	if err != nil {
		t.Fatal(err)
	}
	first, err := migrations.ReadFile("migrations/" + steps[0].name)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL DEFAULT '')`,
		string(first),
		fmt.Sprintf(`INSERT INTO schema_version (version, name) VALUES (%d, '%s')`, steps[0].version, steps[0].name),
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	up, err := Open(old)
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	var versions int
	if err := up.r.QueryRow(`SELECT count(*) FROM schema_version WHERE version > ?`, steps[0].version).Scan(&versions); err != nil {
		t.Fatal(err)
	}
	if versions != len(steps)-1 {
		t.Fatalf("%d steps applied to the old ledger, want %d", versions, len(steps)-1)
	}
	if pending, err := pendingSteps(ctx, up.r, steps); err != nil || len(pending) != 0 {
		t.Fatalf("still pending: %v, %v", pending, err)
	}
}

func TestAuditIsAppendOnly(t *testing.T) {
	t.Parallel()
	db, _ := open(t)
	if err := db.Audit(ctx, Event{Time: t0, Kind: EventDelivered, Detail: "reports/rcm-16 to seesac"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.Exec(`UPDATE audit SET detail = 'x'`); err == nil {
		t.Fatal("audit row updated")
	}
	if _, err := db.w.Exec(`DELETE FROM audit`); err == nil {
		t.Fatal("audit row deleted")
	}
	events, err := db.Events(ctx, t0)
	if err != nil || len(events) != 1 || events[0].Detail != "reports/rcm-16 to seesac" {
		t.Fatalf("events = %+v, %v", events, err)
	}
}

func TestReadersCannotWrite(t *testing.T) {
	t.Parallel()
	db, _ := open(t)
	if _, err := db.r.Exec(`INSERT INTO audit (time, kind) VALUES ('x', 'built')`); err == nil {
		t.Fatal("the read pool wrote")
	}
}

func TestOpenRejectsBadPath(t *testing.T) {
	t.Parallel()
	if _, err := Open(filepath.Join(t.TempDir(), "a?b.db")); err == nil {
		t.Fatal("a path with '?' was accepted")
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing", "dir", "x.db")); err == nil {
		t.Fatal("a path in a missing folder was accepted")
	}
	if _, err := os.Stat(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("Open created folders")
	}
}

func BenchmarkRecord(b *testing.B) {
	db, err := Open(filepath.Join(b.TempDir(), "roadmap.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s := sub("AL", h1, fmt.Sprint(i), t0, roadmap.Accepted)
		if err := db.Record(ctx, s, fmt.Sprint("src", i)); err != nil {
			b.Fatal(err)
		}
	}
}

// OpenReadOnly reads what Open wrote, writes nothing, never creates a file
// and refuses a ledger whose schema it does not know.
func TestOpenReadOnly(t *testing.T) {
	t.Parallel()
	db, path := open(t)
	record(t, db, sub("AL", h1, "a1", t0, roadmap.Accepted))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := ro.History(ctx, "AL", h1)
	if err != nil || len(hist) != 1 || hist[0].Version != 1 {
		t.Fatalf("History through a read-only ledger = %+v, %v", hist, err)
	}
	if err := ro.Record(ctx, sub("AL", h1, "a2", t0.Add(time.Hour), roadmap.Accepted), "src-2"); err == nil {
		t.Error("Record through a read-only ledger succeeded")
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the ledger file changed under a read-only open")
	}

	missing := filepath.Join(t.TempDir(), "none.db")
	if _, err := OpenReadOnly(ctx, missing); err == nil {
		t.Error("OpenReadOnly of a missing file succeeded")
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OpenReadOnly created %s", missing)
	}

	old := filepath.Join(t.TempDir(), "old.db")
	w, err := sql.Open("sqlite", old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Exec(`CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL DEFAULT '')`); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := OpenReadOnly(ctx, old); err == nil || !strings.Contains(err.Error(), "run 'roadmap ingest'") {
		t.Errorf("OpenReadOnly of a ledger without its schema = %v, want a message saying how to bring it up to date", err)
	}
}

// A ledger written by a newer program (a schema step this one does not know)
// is refused by both ways of opening it, and left as it was.
func TestNewerSchemaRefused(t *testing.T) {
	t.Parallel()
	db, path := open(t)
	if _, err := db.w.Exec(`INSERT INTO schema_version (version, name) VALUES (9999, '9999_future.sql')`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before := mustReadFile(t, path)
	if _, err := Open(path); !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "made by a newer roadmap: upgrade the binary") {
		t.Errorf("Open of a newer ledger = %v, want ErrNewerSchema", err)
	}
	if _, err := OpenReadOnly(ctx, path); !errors.Is(err, ErrNewerSchema) {
		t.Errorf("OpenReadOnly of a newer ledger = %v, want ErrNewerSchema", err)
	}
	if !bytes.Equal(before, mustReadFile(t, path)) {
		t.Error("opening a newer ledger changed it")
	}
}

// An empty file or one that is not a database is not a ledger, whichever
// way it is opened.
func TestNotALedger(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, body := range map[string]string{"empty.db": "", "text.db": "these are not the droids\n"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := OpenReadOnly(ctx, path); !errors.Is(err, ErrNotLedger) {
			t.Errorf("OpenReadOnly(%s) = %v, want ErrNotLedger", name, err)
		}
		if name != "empty.db" {
			if _, err := Open(path); !errors.Is(err, ErrNotLedger) {
				t.Errorf("Open(%s) = %v, want ErrNotLedger", name, err)
			}
		}
		if got := string(mustReadFile(t, path)); got != body {
			t.Errorf("%s changed: %d bytes now", name, len(got))
		}
	}
	folder := filepath.Join(dir, "folder.db")
	if err := os.Mkdir(folder, 0o750); err != nil {
		t.Fatal(err)
	}
	for _, open := range []func() error{
		func() error { _, err := Open(folder); return err },
		func() error { _, err := OpenReadOnly(ctx, folder); return err },
	} {
		if err := open(); !errors.Is(err, ErrNotLedger) || !strings.Contains(err.Error(), "is a folder") {
			t.Errorf("a folder in the ledger's place: %v", err)
		}
	}
}

// A read-only open leaves no file behind and changes none: neither when the
// ledger was closed cleanly (no write-ahead log) nor when a writer has it
// open (its -wal and -shm are used as they are).
func TestOpenReadOnlyLeavesNoTrace(t *testing.T) {
	t.Parallel()
	db, path := open(t)
	record(t, db, sub("AL", h1, "a1", t0, roadmap.Accepted))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	read := func() {
		t.Helper()
		ro, err := OpenReadOnly(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if h, err := ro.History(ctx, "AL", h1); err != nil || len(h) == 0 {
			t.Fatalf("History = %d versions, %v", len(h), err)
		}
		if err := ro.Close(); err != nil {
			t.Fatal(err)
		}
	}
	before := tree(t, dir)
	read()
	if after := tree(t, dir); !reflect.DeepEqual(before, after) {
		t.Errorf("a read-only open of a closed ledger changed its folder:\nbefore %v\nafter  %v", before, after)
	}

	w, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	record(t, w, sub("AL", h1, "a2", t0.Add(time.Hour), roadmap.Accepted))
	before = tree(t, dir)
	read()
	if after := tree(t, dir); !reflect.DeepEqual(before, after) {
		t.Errorf("a read-only open beside a writer changed the folder:\nbefore %v\nafter  %v", before, after)
	}
}

// tree is every file of dir with its size, time and content hash; for
// SQLite's -shm file, which is shared memory where every reader, however
// read-only, marks what it reads, only its size.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(e.Name(), "-shm") {
			out[e.Name()] = fmt.Sprint(info.Size())
			continue
		}
		out[e.Name()] = fmt.Sprintf("%d %s %x", info.Size(), info.ModTime().Format(time.RFC3339Nano), sha256.Sum256(mustReadFile(t, filepath.Join(dir, e.Name()))))
	}
	return out
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPeriodHistoryAndLastAccepted(t *testing.T) {
	t.Parallel()
	db, _ := open(t)
	h2 := h1.Next()
	a1 := sub("AL", h1, "a1", t0, roadmap.Accepted)
	a2 := sub("AL", h1, "a2", t0.Add(48*time.Hour), roadmap.Accepted)
	b1 := sub("BA", h1, "b1", t0.Add(time.Hour), roadmap.Accepted)
	rej := sub("RS", h1, "r1", t0.Add(72*time.Hour), roadmap.Rejected)
	other := sub("AL", h2, "x1", t0.Add(96*time.Hour), roadmap.Accepted)
	for _, s := range []*roadmap.Submission{a1, b1, a2, rej, other} {
		record(t, db, s)
	}
	subs, err := db.PeriodHistory(ctx, h1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range subs {
		if len(s.Findings) != 1 || s.Values != nil {
			t.Errorf("%s: findings %d, values %d; want its findings only", s.Hash, len(s.Findings), len(s.Values))
		}
		got = append(got, s.Hash+" "+string(s.State))
	}
	if want := []string{"a1 superseded", "b1 accepted", "a2 accepted", "r1 rejected"}; !reflect.DeepEqual(got, want) {
		t.Errorf("history of %s: %q, want %q", h1, got, want)
	}
	for _, tc := range []struct {
		p    roadmap.Period
		j    string
		want time.Time
	}{
		{h1, "", a2.Received}, // a rejected file is not new data
		{h1, "AL", a2.Received},
		{h1, "BA", b1.Received},
		{h1, "RS", time.Time{}},
		{h2, "", other.Received},
		{h2.Next(), "", time.Time{}},
	} {
		last, err := db.LastAccepted(ctx, tc.p, tc.j)
		if err != nil || !last.Equal(tc.want) {
			t.Errorf("last accepted of %s %q = %s, %v; want %s", tc.p, tc.j, last, err, tc.want)
		}
	}
}

func TestPortalEventsAndLookups(t *testing.T) {
	t.Parallel()
	db, _ := open(t)
	al := sub("AL", h1, "aa", t0, roadmap.Accepted)
	record(t, db, al)
	// A workbook of BA's dropped in AL's folder: it came from AL.
	mixed := sub("BA", h1, "bb", t0.Add(time.Hour), roadmap.Rejected)
	mixed.Folder, mixed.Version = "AL", 0
	record(t, db, mixed)
	ba := sub("BA", h1, "cc", t0.Add(2*time.Hour), roadmap.Accepted)
	record(t, db, ba)

	got, err := db.Submission(ctx, ba.ID)
	if err != nil || got == nil || got.Jurisdiction != "BA" || len(got.Findings) != 1 {
		t.Fatalf("Submission(%d) = %+v, %v", ba.ID, got, err)
	}
	if got, err := db.Submission(ctx, 999); got != nil || err != nil {
		t.Errorf("Submission(999) = %+v, %v; want nil", got, err)
	}
	subs, err := db.From(ctx, "AL")
	if err != nil || len(subs) != 2 || subs[0].ID != mixed.ID || subs[1].ID != al.ID {
		t.Errorf("From(AL) = %+v, %v; want the mixed drop, then AL's own", subs, err)
	}

	for _, k := range []string{EventLogin, EventLoginRefused, EventLogout, EventUpload, EventDownload} {
		if err := db.Audit(ctx, Event{Time: t0, Kind: k, Account: "al-focal", Jurisdiction: "AL", Detail: k}); err != nil {
			t.Fatalf("audit %s: %v", k, err)
		}
	}
	events, err := db.Events(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range events {
		if e.Account == "al-focal" {
			n++
		}
	}
	if n != 5 {
		t.Errorf("%d portal events carry the account, want 5: %+v", n, events)
	}
}

// Item 2 of issue 9: a commit is durable when it returns (the intake removes
// the sender's file right after it): the writer runs with synchronous=FULL,
// under which WAL mode keeps a committed transaction through a power loss.
func TestWriterCommitsDurably(t *testing.T) {
	t.Parallel()
	db, _ := open(t)
	var level int
	if err := db.w.QueryRow(`PRAGMA synchronous`).Scan(&level); err != nil {
		t.Fatal(err)
	}
	if level != 2 {
		t.Errorf("the writer's synchronous level is %d, want 2 (FULL)", level)
	}
}
