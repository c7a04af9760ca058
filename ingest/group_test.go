package ingest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/store"
)

// groupFiles are five files that interact when committed together, in inbox
// order: AL's 2024-H1 report, then for 2024-H2 a first version whose
// figures moved a lot since, the same content again (a duplicate), a
// second version, and the first sent again (a third version).
var groupPeriod = roadmap.MustPeriod("2024-H2")

func groupFiles(t *testing.T) []struct{ src, folder, name string } {
	t.Helper()
	v1 := scaledSample(t, "AL", groupPeriod.String(), 10)
	return []struct{ src, folder, name string }{
		{validSample("AL", "2024-H1"), "AL", "a-previous.xlsx"},
		{v1, "AL", "b-v1.xlsx"},
		{v1, "AL", "c-same.xlsx"},
		{editedSample(t, "AL", groupPeriod.String(), "Corrected after the police's final count."), "AL", "d-v2.xlsx"},
		{v1, "AL", "e-v1-again.xlsx"},
	}
}

// scaledSample is a valid sample with its first figure of at least divisor
// that has no parts divided by it (rounded down: a count stays whole, a
// percentage in range).
func scaledSample(t *testing.T, j, p string, divisor float64) string {
	t.Helper()
	f, err := excelize.OpenFile(validSample(j, p))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(roadmap.SheetKPI)
	if err != nil {
		t.Fatal(err)
	}
	code := func(i int) string { // row i of the sheet, from 1
		if i > len(rows) || len(rows[i-1]) == 0 {
			return ""
		}
		return rows[i-1][0]
	}
	for i := roadmap.KPIFirstRow; i <= len(rows); i++ {
		c := code(i)
		if c == "" || strings.Contains(c, "/") || strings.HasPrefix(code(i+1), c+"/") {
			continue
		}
		cell := fmt.Sprintf("%s%d", roadmap.KPIColValue, i)
		v, err := f.GetCellValue(roadmap.SheetKPI, cell)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := strconv.ParseFloat(v, 64); err == nil && n >= divisor {
			if err := f.SetCellValue(roadmap.SheetKPI, cell, math.Floor(n/divisor)); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	out := filepath.Join(t.TempDir(), "scaled.xlsx")
	if err := f.SaveAs(out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGroupCommitsAsOneAtATime takes the same files in one group and one
// at a time: the same states, versions, findings, stored places and
// receipts.
func TestGroupCommitsAsOneAtATime(t *testing.T) {
	t.Parallel()
	files := groupFiles(t)
	together, apart := newIntakeEnv(t), newIntakeEnv(t)
	together.in.wholeGroups = true
	// The same drops: the same modification times. They arrive in each
	// inbox at another moment, so their source keys differ, and with them
	// the drop's tag in each stored name (untagged).
	dropped := time.Date(2026, 7, 20, 8, 0, 0, 0, time.UTC)
	for _, f := range files {
		for _, e := range []*intakeEnv{together, apart} {
			if err := os.Chtimes(e.drop(f.src, f.folder, f.name), dropped, dropped); err != nil {
				t.Fatal(err)
			}
		}
	}
	sum := together.pass()
	for _, f := range files {
		rel := f.folder + "/" + f.name
		one, err := apart.in.ProcessFile(intakeCtx, rel)
		if err != nil {
			t.Fatal(err)
		}
		grouped := outcomeOf(t, sum, rel)
		g, o := grouped.Submission, one.Submission
		if grouped.State != one.State || g.Version != o.Version || g.ID != o.ID || untagged(grouped.Stored) != untagged(one.Stored) {
			t.Errorf("%s: in a group %s v%d #%d at %s, alone %s v%d #%d at %s", rel, grouped.State, g.Version, g.ID,
				grouped.Stored, one.State, o.Version, o.ID, one.Stored)
		}
		if !reflect.DeepEqual(g.Findings, o.Findings) {
			t.Errorf("%s: findings in a group %+v, alone %+v", rel, g.Findings, o.Findings)
		}
		receipt := "feedback/AL/" + f.name + ReceiptSuffix
		if a, b := together.read(receipt), apart.read(receipt); a != b {
			t.Errorf("%s: receipt in a group:\n%s\nalone:\n%s", rel, a, b)
		}
	}
	// The figures of the first version moved against 2024-H1's, which
	// were in the same group.
	if got := findingsOf(outcomeOf(t, sum, "AL/b-v1.xlsx").Submission, roadmap.CodeLargeChange); len(got) == 0 {
		t.Error("no comparison with the previous period recorded in the same group")
	}
	assertGroupHistory(t, together)
}

func assertGroupHistory(t *testing.T, e *intakeEnv) {
	t.Helper()
	hist, err := e.db.History(intakeCtx, "AL", groupPeriod)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range hist {
		got = append(got, fmt.Sprintf("%s v%d %s", s.Name, s.Version, s.State))
	}
	want := []string{"b-v1.xlsx v1 superseded", "c-same.xlsx v0 duplicate", "d-v2.xlsx v2 superseded", "e-v1-again.xlsx v3 accepted"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("history %q, want %q", got, want)
	}
}

// TestGroupSurvivesAFailureAfterEachStep interrupts a group commit after
// each of its steps (the originals written but not synced, made durable,
// the ledger committed, the feedback written, the inbox cleared), then runs
// a clean pass: every file ends recorded once, in inbox order, kept once.
func TestGroupSurvivesAFailureAfterEachStep(t *testing.T) {
	t.Parallel()
	files := groupFiles(t)
	for _, step := range []string{stepWritten, stepStore, stepRecord, stepFeedback, stepRemove} {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			e := newIntakeEnv(t)
			e.in.wholeGroups = true
			for _, f := range files {
				e.drop(f.src, f.folder, f.name)
			}
			e.crashingPass(t, step)
			inInbox, recorded := len(e.files("inbox")), len(e.events(store.EventReceived))
			before := step == stepWritten || step == stepStore
			switch {
			case before && (inInbox != len(files) || recorded != 0),
				(step == stepRecord || step == stepFeedback) && (inInbox != len(files) || recorded != len(files)),
				step == stepRemove && (inInbox != 0 || recorded != len(files)):
				t.Fatalf("after %s: %d in the inbox, %d recorded", step, inInbox, recorded)
			}
			e.openLedger()
			e.in.wholeGroups = true
			e.pass()
			if left := e.files("inbox"); len(left) != 0 {
				t.Fatalf("left in the inbox: %q", left)
			}
			if got := len(e.events(store.EventReceived)); got != len(files) {
				t.Fatalf("%d received events for %d files", got, len(files))
			}
			originals := 0
			for _, f := range e.files("archive") {
				if filepath.Ext(f) == ".xlsx" {
					originals++
				}
			}
			if originals != len(files) {
				t.Fatalf("%d originals kept for %d files: %q", originals, len(files), e.files("archive"))
			}
			assertGroupHistory(t, e)
		})
	}
}

// TestCancelledPassCommitsNothing: a pass whose context ends leaves every
// file in the inbox, unrecorded, and says why once.
func TestCancelledPassCommitsNothing(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	e.in.wholeGroups = true
	files := groupFiles(t)
	for _, f := range files {
		e.drop(f.src, f.folder, f.name)
	}
	ctx, cancel := context.WithCancel(intakeCtx)
	cancel()
	_, err := e.in.Pass(ctx)
	if !errors.Is(err, context.Canceled) || strings.Count(err.Error(), context.Canceled.Error()) != 1 {
		t.Fatalf("pass: %v", err)
	}
	if in, recorded := len(e.files("inbox")), len(e.events(store.EventReceived)); in != len(files) || recorded != 0 {
		t.Fatalf("%d in the inbox, %d recorded", in, recorded)
	}
}

// untagged is a stored original's path without its drop's tag (storedName).
func untagged(stored string) string {
	return dropTag.ReplaceAllString(stored, "${1}-")
}

var dropTag = regexp.MustCompile(`(/[0-9a-f]{16})-[0-9a-f]{8}-`)
