package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/store"
)

// runCancelled runs the program with its clock at now; serve gets a context
// already cancelled, so that if it started at all it stops at once instead
// of running on.
func runCancelled(t *testing.T, now time.Time, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if args[0] == "serve" {
		cancel()
	}
	defer cancel()
	return cli{now: at(now), ctx: ctx}.run(t, args...)
}

// ingestedFolder is a data folder into which two valid samples were taken,
// so that archive/ holds two originals.
func ingestedFolder(t *testing.T) string {
	t.Helper()
	data := newDataFolder(t)
	for _, name := range []string{"roadmap-AL-2026-H1.xlsx", "roadmap-BA-2026-H1.xlsx"} {
		j := name[len("roadmap-") : len("roadmap-")+2]
		drop(t, data, j, filepath.Join(samplesDir, "workbooks", "valid", j, name), "")
	}
	if out := ingestAt(t, intakeClock, data); out.Accepted != 2 {
		t.Fatalf("accepted %d samples, want 2", out.Accepted)
	}
	return data
}

// ledgerCommands are the commands that read or write the ledger, each as it
// is called on data (a validate of a sample, which is outside data).
func ledgerCommands(data string) [][]string {
	sample := filepath.Join(samplesDir, "workbooks", "valid", "AL", "roadmap-AL-2026-H1.xlsx")
	return [][]string{
		{"ingest", "--data", data, "--stable", "0"},
		{"build", "--data", data, "--meeting", "rcm-16", "--draft"},
		{"serve", "--data", data},
		{"status", "--data", data},
		{"meetings", "--data", data},
		{"history", "--data", data, "--jurisdiction", "AL", "--period", "2026-H1"},
		{"validate", "--data", data, sample},
	}
}

// Item 1 of issue 9: a data folder whose archive holds originals but whose
// ledger is missing, empty, not a database or without submissions never
// builds or reports: every command that needs the ledger stops, says to run
// reindex and how many originals it found, and creates nothing.
func TestLedgerMissingBesideAnArchive(t *testing.T) {
	t.Parallel()
	data := ingestedFolder(t)
	ledger := datadir.New(data).Ledger()
	breakings := []struct {
		name  string
		apply func(t *testing.T)
	}{
		{"missing", func(t *testing.T) {}},
		{"empty file", func(t *testing.T) { writeFile(t, ledger, "") }},
		{"not a database", func(t *testing.T) { writeFile(t, ledger, "garbage, not SQLite\n") }},
		{"no submissions", func(t *testing.T) {
			db, err := store.Open(ledger)
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
		}},
	}
	for _, b := range breakings {
		for _, args := range ledgerCommands(data) {
			t.Run(b.name+"/"+args[0], func(t *testing.T) {
				removeLedgerFiles(t, ledger)
				b.apply(t)
				before := snapshotTree(t, data)
				r := runCancelled(t, intakeClock, args...)
				if r.code != exitProblem || !strings.Contains(r.stderr, "roadmap reindex") ||
					!strings.Contains(r.stderr, "2 original") {
					t.Errorf("exit %d, stderr:\n%s\nwant exit 1 naming 'roadmap reindex' and the 2 originals", r.code, r.stderr)
				}
				if after := snapshotTree(t, data); !reflect.DeepEqual(before, after) {
					t.Errorf("the data folder changed:\n%s", treeDiff(before, after))
				}
			})
		}
	}
}

// Item 7 of issue 9: a ledger made by a newer roadmap is refused by every
// command that opens it, and left as it is.
func TestNewerLedgerRefusedByEveryCommand(t *testing.T) {
	t.Parallel()
	data := ingestedFolder(t)
	ledger := datadir.New(data).Ledger()
	db, err := sql.Open("sqlite", ledger)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_version (version, name) VALUES (9999, '9999_future.sql')`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	for _, args := range append(ledgerCommands(data), []string{"reindex", "--data", data}) {
		t.Run(args[0], func(t *testing.T) {
			before := snapshotTree(t, data)
			r := runCancelled(t, intakeClock, args...)
			if r.code != exitProblem || !strings.Contains(r.stderr, "made by a newer roadmap: upgrade the binary") {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 1: made by a newer roadmap: upgrade the binary", r.code, r.stderr)
			}
			if after := snapshotTree(t, data); !reflect.DeepEqual(before, after) {
				t.Errorf("the data folder changed:\n%s", treeDiff(before, after))
			}
		})
	}
}

// Item 13 of issue 9: the read-only commands create and change nothing, in a
// folder with a ledger and in one without.
func TestReadOnlyCommandsTouchNothing(t *testing.T) {
	t.Parallel()
	sample := filepath.Join(samplesDir, "workbooks", "valid", "AL", "roadmap-AL-2026-H1.xlsx")
	readOnly := func(data string) [][]string {
		return [][]string{
			{"status", "--data", data}, {"status", "--data", data, "--json", "--meeting", "rcm-16"},
			{"meetings", "--data", data, "--all"},
			{"history", "--data", data, "--jurisdiction", "AL", "--period", "2026-H1"},
			{"validate", "--data", data, sample}, {"catalogue", "--data", data},
		}
	}
	withLedger := ingestedFolder(t)
	runAt(t, intakeClock, "build", "--data", withLedger, "--meeting", "rcm-16", "--draft").want(t, exitOK)
	for _, data := range []string{withLedger, newDataFolder(t)} {
		for _, args := range readOnly(data) {
			before := snapshotTree(t, data)
			r := runAt(t, intakeClock, args...)
			if r.code != exitOK {
				t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
			}
			if after := snapshotTree(t, data); !reflect.DeepEqual(before, after) {
				t.Errorf("%v changed the data folder:\n%s", args, treeDiff(before, after))
			}
		}
	}
}

// Item 14 of issue 9: every command but init and demo refuses a data folder
// that is not one (a mistyped --data), names it, and creates nothing there.
func TestDataFolderMustBeInitialised(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	empty := filepath.Join(parent, "empty")
	if err := os.Mkdir(empty, 0o750); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(parent, "roadmpa")
	sample := filepath.Join(samplesDir, "workbooks", "valid", "AL", "roadmap-AL-2026-H1.xlsx")
	for _, data := range []string{missing, empty} {
		cmds := append(ledgerCommands(data),
			[]string{"reindex", "--data", data},
			[]string{"catalogue", "--data", data},
			[]string{"template", "--data", data, "--jurisdiction", "AL", "--period", "2026-H2", "-o", filepath.Join(parent, "t.xlsx")},
			[]string{"validate", "--data", data, sample})
		for _, args := range cmds {
			before := snapshotTree(t, parent)
			r := runCancelled(t, intakeClock, args...)
			if r.code != exitProblem || !strings.Contains(r.stderr, data) || !strings.Contains(r.stderr, "not a roadmap data folder") {
				t.Errorf("%v: exit %d, stderr:\n%s\nwant exit 1 naming %s as not a data folder", args, r.code, r.stderr, data)
			}
			if after := snapshotTree(t, parent); !reflect.DeepEqual(before, after) {
				t.Errorf("%v changed %s:\n%s", args, parent, treeDiff(before, after))
			}
		}
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o640); err != nil {
		t.Fatal(err)
	}
}

func removeLedgerFiles(t *testing.T, ledger string) {
	t.Helper()
	for _, p := range []string{ledger, ledger + "-wal", ledger + "-shm"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
}

// snapshotTree is every file and folder under root: for a file its mode,
// size, time and content hash, for a folder its mode (a folder's own time
// changes when SQLite makes and removes its -wal and -shm files while a
// reader reads, which leaves nothing behind). The lock file, which the
// commands that take the folder's lock write their pid into and empty again,
// counts by its content only.
func snapshotTree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			out[rel] = "dir " + info.Mode().String()
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if d.Name() == datadir.LockName {
			out[rel] = fmt.Sprintf("%s %q", info.Mode(), b)
			return nil
		}
		out[rel] = fmt.Sprintf("%s %d %s %x", info.Mode(), info.Size(), info.ModTime().Format(time.RFC3339Nano), sha256.Sum256(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func treeDiff(before, after map[string]string) string {
	var b strings.Builder
	for k, v := range before {
		if w, ok := after[k]; !ok {
			fmt.Fprintf(&b, "  removed %s\n", k)
		} else if w != v {
			fmt.Fprintf(&b, "  changed %s\n", k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			fmt.Fprintf(&b, "  created %s\n", k)
		}
	}
	return b.String()
}

// dataDir is the least a data folder is: a folder with its inbox, no
// configuration (the built-in defaults) and no ledger.
func dataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "inbox"), 0o750); err != nil {
		t.Fatal(err)
	}
	return dir
}
