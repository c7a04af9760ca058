package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

// ledgerRows is every submission of a ledger as the columns that make its
// history (not the ledger's own ids), in received order.
func ledgerRows(t *testing.T, data string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+datadir.New(data).Ledger()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT hash, name, folder, source, size, received, jurisdiction, period, version, state, path,
		(SELECT group_concat(code, ' ') FROM findings f WHERE f.submission_id = s.id)
		FROM submissions s ORDER BY received, id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var hash, name, folder, source, received, j, p, state, path string
		var codes sql.NullString
		var size, version int64
		if err := rows.Scan(&hash, &name, &folder, &source, &size, &received, &j, &p, &version, &state, &path, &codes); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s v%d %s %s %q from %q size %d at %s kept %q source %q findings %s",
			state, version, j, p, name, folder, size, received, path, source, codes.String))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Items 3, 4, 9 and 15 of issue 9, on one varied history: a Commission sends
// v1, v2, then v1 again to undo v2 (a new version, v3, equal to v1, whose
// receipt says so), then the same content twice more (duplicates of the
// version in force, each kept with its own record); a file from AL's folder
// carrying BA's data (a rejection counted against AL, the sender); a file
// whose name is not UTF-8. 'reindex' then rebuilds the same ledger, row by
// row: versions, duplicates, received times, names and drop keys.
func TestVariedHistoryAndReindex(t *testing.T) {
	t.Parallel()
	data := newDataFolder(t)
	valid := filepath.Join(samplesDir, "workbooks", "valid")
	v1 := filepath.Join(valid, "AL", "roadmap-AL-2026-H1.xlsx")
	v2 := secondVersion(t, v1)
	at := intakeClock
	pass := func(want ...string) ingestOutput {
		t.Helper()
		out := ingestAt(t, at, data)
		at = at.Add(time.Hour)
		var got []string
		for _, f := range out.Files {
			got = append(got, fmt.Sprintf("%s %s v%d", f.State, f.Jurisdiction, f.Version))
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("pass at %s: %v, want %v", at, got, want)
		}
		return out
	}
	drop(t, data, "AL", v1, "")
	pass("accepted AL v1")
	drop(t, data, "AL", v2, "")
	pass("accepted AL v2")
	drop(t, data, "AL", v1, "")
	undo := pass("accepted AL v3")
	receipt := string(mustRead(t, filepath.Join(data, filepath.FromSlash(undo.Files[0].Feedback[0]))))
	if !strings.Contains(receipt, "replaces version 2") || !strings.Contains(receipt, "same content as version 1") {
		t.Errorf("the receipt of the re-sent v1 does not say it replaces v2 and equals v1:\n%s", receipt)
	}
	drop(t, data, "AL", v1, "")
	first := pass("duplicate AL v0")
	drop(t, data, "AL", v1, "")
	second := pass("duplicate AL v0")
	if first.Files[0].Stored == second.Files[0].Stored {
		t.Errorf("two drops share one stored original: %s", first.Files[0].Stored)
	}
	for _, o := range []ingestOutput{first, second} {
		if _, err := os.Stat(filepath.Join(data, filepath.FromSlash(o.Files[0].Stored))); err != nil {
			t.Errorf("a duplicate's original is not kept: %v", err)
		}
	}
	drop(t, data, "AL", filepath.Join(valid, "BA", "roadmap-BA-2026-H1.xlsx"), "")
	pass("rejected AL v0")
	drop(t, data, "BA", filepath.Join(valid, "BA", "roadmap-BA-2026-H1.xlsx"), "latin1-\xe9\xe8.xlsx")
	pass("accepted BA v1")

	if h := historyAt(t, data, "BA", "2026-H1").Versions; len(h) != 1 {
		t.Errorf("BA's history holds %d files, want only its own one: %+v", len(h), h)
	}
	al := historyAt(t, data, "AL", "2026-H1").Versions
	var states []string
	for _, v := range al {
		states = append(states, fmt.Sprintf("%s v%d", v.State, v.Version))
	}
	if want := []string{"superseded v1", "superseded v2", "accepted v3", "duplicate v0", "duplicate v0", "rejected v0"}; !reflect.DeepEqual(states, want) {
		t.Errorf("AL's history: %v, want %v", states, want)
	}

	before := ledgerRows(t, data)
	runAt(t, at, "reindex", "--data", data).want(t, exitOK)
	after := ledgerRows(t, data)
	if len(before) != len(after) {
		t.Fatalf("reindex recorded %d files, the ledger it replaced %d:\nbefore\n%s\nafter\n%s", len(after), len(before),
			strings.Join(before, "\n"), strings.Join(after, "\n"))
	}
	for i := range before {
		if before[i] != after[i] {
			t.Errorf("row %d differs after reindex:\nbefore %s\nafter  %s", i, before[i], after[i])
		}
	}
	_ = roadmap.Accepted
}
