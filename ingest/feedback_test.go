package ingest

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/templates"
)

func feedbackOpen(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func feedbackFill(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Fill.Color) == 0 {
		return ""
	}
	c := strings.ToUpper(strings.TrimPrefix(st.Fill.Color[0], "#"))
	if len(c) == 8 { // ARGB
		c = c[2:]
	}
	return c
}

func feedbackComment(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	cs, err := f.GetComments(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Cell == cell {
			return commentText(c)
		}
	}
	return ""
}

func TestAnnotateMarksCellsAndKeepsTheTemplate(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	// A round that holds figures, so that the KPI sheet has input cells.
	tpl, err := templates.NewWorkbook(cat, "AL", roadmap.MustPeriod("2025-H2"))
	if err != nil {
		t.Fatal(err)
	}
	if err := tpl.AddComment(roadmap.SheetKPI, excelize.Comment{Cell: "F5", Author: "Focal point", Text: "figure from the police"}); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "report.xlsx")
	if err := tpl.SaveAs(src); err != nil {
		t.Fatal(err)
	}
	tpl.Close()
	findings := []roadmap.Finding{
		{Severity: roadmap.Error, Code: roadmap.CodeOutOfRange, Sheet: roadmap.SheetKPI, Cell: "F5", Indicator: "G2.2", Message: "Cell F5 says 140, more than 100."},
		{Severity: roadmap.Warning, Code: roadmap.CodeLargeChange, Sheet: roadmap.SheetKPI, Cell: "F6", Indicator: "G3.1", Message: "Cell F6 changed a lot."},
		{Severity: roadmap.Error, Code: roadmap.CodePartsNotSum, Sheet: roadmap.SheetKPI, Cell: "F6", Indicator: "G3.1", Message: "The parts do not add up."},
		{Severity: roadmap.Warning, Code: roadmap.CodeCoverIncomplete, Sheet: roadmap.SheetCover, Cell: roadmap.CoverInstitution, Message: "Name the institution."},
		{Severity: roadmap.Error, Code: roadmap.CodeCatalogueVersion, Message: "Made for another catalogue."},
		{Severity: roadmap.Error, Code: roadmap.CodeMissingRow, Sheet: "Gone", Cell: "A1", Message: "On a sheet that is not there."},
	}
	dst := filepath.Join(t.TempDir(), "report.xlsx"+AnnotatedSuffix)
	if err := annotate(src, dst, findings); err != nil {
		t.Fatal(err)
	}
	orig, got := feedbackOpen(t, src), feedbackOpen(t, dst)

	sheets := got.GetSheetList()
	if sheets[0] != FindingsSheet || got.GetActiveSheetIndex() != 0 {
		t.Fatalf("sheets %q, active %d", sheets, got.GetActiveSheetIndex())
	}
	if !reflect.DeepEqual(sheets[1:], orig.GetSheetList()) {
		t.Fatalf("the template's sheets changed: %q -> %q", orig.GetSheetList(), sheets)
	}
	rows, err := got.GetRows(FindingsSheet)
	if err != nil {
		t.Fatal(err)
	}
	listed := strings.Join(func() []string {
		var all []string
		for _, r := range rows {
			all = append(all, strings.Join(r, "|"))
		}
		return all
	}(), "\n")
	for _, f := range findings {
		if !strings.Contains(listed, f.Message) {
			t.Errorf("the Findings sheet lacks %q", f.Message)
		}
	}
	if len(rows) != 3+len(findings) {
		t.Errorf("the Findings sheet has %d rows for %d findings", len(rows), len(findings))
	}

	for cell, want := range map[[2]string]string{
		{roadmap.SheetKPI, "F5"}:                       errorFill,
		{roadmap.SheetKPI, "F6"}:                       errorFill, // an error and a warning: red wins
		{roadmap.SheetCover, roadmap.CoverInstitution}: warningFill,
		{roadmap.SheetKPI, "F7"}:                       feedbackFill(t, orig, roadmap.SheetKPI, "F7"),
	} {
		if fill := feedbackFill(t, got, cell[0], cell[1]); fill != want {
			t.Errorf("%s!%s filled %q, want %q", cell[0], cell[1], fill, want)
		}
	}
	// Only the fill changed: the input cell stays unlocked, its format the same.
	for _, ref := range []string{"F5", "F6"} {
		oid, _ := orig.GetCellStyle(roadmap.SheetKPI, ref)
		gid, _ := got.GetCellStyle(roadmap.SheetKPI, ref)
		o, _ := orig.GetStyle(oid)
		g, _ := got.GetStyle(gid)
		o.Fill, g.Fill = excelize.Fill{}, excelize.Fill{}
		if !reflect.DeepEqual(o, g) {
			t.Errorf("KPI!%s style changed beyond the fill:\n was %+v\n now %+v", ref, o, g)
		}
		if g.Protection == nil || g.Protection.Locked {
			t.Errorf("KPI!%s is locked in the copy", ref)
		}
	}
	if c := feedbackComment(t, got, roadmap.SheetKPI, "F5"); !strings.Contains(c, findings[0].Message) || !strings.Contains(c, "figure from the police") {
		t.Errorf("comment on F5 = %q", c)
	}
	if c := feedbackComment(t, got, roadmap.SheetKPI, "F6"); !strings.Contains(c, findings[1].Message) || !strings.Contains(c, findings[2].Message) {
		t.Errorf("comment on F6 = %q", c)
	}
	if c := feedbackComment(t, got, roadmap.SheetKPI, "F7"); c != "" {
		t.Errorf("comment on an unmarked cell: %q", c)
	}
	for _, s := range []string{roadmap.SheetMeta, roadmap.SheetLists} {
		if idx, _ := orig.GetSheetIndex(s); idx < 0 {
			continue
		}
		ov, _ := orig.GetSheetVisible(s)
		gv, _ := got.GetSheetVisible(s)
		if ov != gv || gv {
			t.Errorf("%s visible %v, was %v", s, gv, ov)
		}
	}

	// Annotating an annotated copy (sent back still wrong) replaces the list.
	again := filepath.Join(t.TempDir(), "again.xlsx")
	if err := annotate(dst, again, findings[:1]); err != nil {
		t.Fatal(err)
	}
	list := feedbackOpen(t, again).GetSheetList()
	n := 0
	for _, s := range list {
		if s == FindingsSheet {
			n++
		}
	}
	if n != 1 || list[0] != FindingsSheet {
		t.Fatalf("sheets after a second annotation: %q", list)
	}
}

// TestAnnotatedCopyReadsLikeTheOriginal: the checker reads an annotated
// valid workbook exactly as the workbook itself.
func TestAnnotatedCopyReadsLikeTheOriginal(t *testing.T) {
	t.Parallel()
	chk := NewChecker(defaultCatalogue(t))
	src := validSample("AL", "2026-H1")
	dst := filepath.Join(t.TempDir(), "copy.xlsx")
	findings := []roadmap.Finding{{Severity: roadmap.Error, Code: roadmap.CodeOutOfRange, Sheet: roadmap.SheetKPI, Cell: "F9", Message: "Too many."}}
	if err := annotate(src, dst, findings); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	a, b := checkFile(t, chk, src, "AL", at), checkFile(t, chk, dst, "AL", at)
	if a.State != roadmap.Accepted || b.State != roadmap.Accepted {
		t.Fatalf("original %s %v, copy %s %v", a.State, a.Findings, b.State, b.Findings)
	}
	if !reflect.DeepEqual(a.Values, b.Values) || !reflect.DeepEqual(a.Narratives, b.Narratives) || a.Cover != b.Cover {
		t.Fatal("the annotated copy reads differently from the original")
	}
}

func TestAnnotatedCopyCanBeCorrectedAndSentAgain(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	e.drop(filepath.Join(intakeSamples, "broken", "negative-count.xlsx"), "AL", "report.xlsx")
	o := outcomeOf(t, e.pass(), "AL/report.xlsx")
	if o.State != roadmap.Rejected {
		t.Fatalf("broken sample: %s", o.State)
	}
	var bad roadmap.Finding
	for _, f := range o.Submission.Findings {
		if f.Code == roadmap.CodeOutOfRange {
			bad = f
		}
	}
	annotated := filepath.Join(e.root, "feedback", "AL", "report.xlsx"+AnnotatedSuffix)
	f := feedbackOpen(t, annotated)
	if feedbackFill(t, f, bad.Sheet, bad.Cell) != errorFill || !strings.Contains(feedbackComment(t, f, bad.Sheet, bad.Cell), bad.Message) {
		t.Fatalf("%s!%s is not marked", bad.Sheet, bad.Cell)
	}
	// The focal point corrects the marked cell in the copy and sends it back.
	if err := f.SetCellInt(bad.Sheet, bad.Cell, 18014); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(filepath.Join(e.root, "inbox", "AL", "report-corrected.xlsx")); err != nil {
		t.Fatal(err)
	}
	o = outcomeOf(t, e.pass(), "AL/report-corrected.xlsx")
	if o.State != roadmap.Accepted || o.Submission.Version != 1 {
		t.Fatalf("corrected copy: %s v%d %v", o.State, o.Submission.Version, o.Submission.Findings)
	}
	if v, _ := o.Submission.Value(bad.Indicator); !v.Reported || v.Number != 18014 {
		t.Fatalf("%s recorded as %+v", bad.Indicator, v)
	}
}

// TestAnnotatedCopyMarksAShareAgainstItsFigures: the share that contradicts
// its own figures is marked on the copy like any other error, with the
// finding as its comment.
func TestAnnotatedCopyMarksAShareAgainstItsFigures(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	e.drop(filepath.Join(intakeSamples, "broken", "share-contradicts-figures.xlsx"), "AL", "report.xlsx")
	o := outcomeOf(t, e.pass(), "AL/report.xlsx")
	fs := findingsOf(o.Submission, roadmap.CodeShareNotRatio)
	if o.State != roadmap.Rejected || len(fs) != 1 || fs[0].Cell == "" {
		t.Fatalf("broken sample: %s with %v", o.State, o.Submission.Findings)
	}
	f := feedbackOpen(t, filepath.Join(e.root, "feedback", "AL", "report.xlsx"+AnnotatedSuffix))
	if feedbackFill(t, f, fs[0].Sheet, fs[0].Cell) != errorFill || !strings.Contains(feedbackComment(t, f, fs[0].Sheet, fs[0].Cell), fs[0].Message) {
		t.Fatalf("%s!%s is not marked", fs[0].Sheet, fs[0].Cell)
	}
}

func TestAnnotateRefusesWhatIsNotAWorkbook(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join(dir, "x.xlsx")
	if err := os.WriteFile(src, []byte("PK\x03\x04 cut off"), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "x.annotated.xlsx")
	if err := annotate(src, dst, nil); err == nil {
		t.Fatal("a damaged file was annotated")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("files left behind: %v", entries)
	}
}

func TestNotesSayWhereWhatAndWhatToDo(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	d := drop{name: "report.xlsx", folder: "AL", folderKnown: true}
	s := &roadmap.Submission{Name: "report.xlsx", Folder: "AL", Received: time.Date(2026, 7, 20, 9, 3, 0, 0, time.UTC),
		Jurisdiction: "AL", Period: intakeH1, Hash: "ab12", State: roadmap.Rejected,
		Findings: []roadmap.Finding{
			{Severity: roadmap.Error, Code: roadmap.CodeOutOfRange, Sheet: "KPI", Cell: "F5", Indicator: "G2.2", Message: "Cell F5 says 140: type a percentage from 0 to 100."},
			{Severity: roadmap.Error, Code: roadmap.CodeNotTemplate, Message: "This is not the template: fill in the template you were sent."},
			{Severity: roadmap.Warning, Code: roadmap.CodeNoNarrative, Sheet: "Narrative", Cell: "C3", Message: "Write a few words on goal G2."},
		}}
	note := e.in.errorsNote(d, s, true)
	for _, want := range []string{
		"NOT ACCEPTED", "Nothing from this file was recorded", "inbox/AL", "20 July 2026, 09:03 UTC", "Albania (AL)",
		"January–June 2026 (2026-H1)", "report.xlsx" + AnnotatedSuffix,
		"1. Sheet \"KPI\", cell F5, indicator G2.2:\n   Cell F5 says 140: type a percentage from 0 to 100.",
		"2. The file:\n   This is not the template",
		"Warnings", "1. Sheet \"Narrative\", cell C3:\n   Write a few words on goal G2.",
	} {
		if !strings.Contains(note, want) {
			t.Errorf("the errors note lacks %q:\n%s", want, note)
		}
	}
	if strings.Contains(e.in.errorsNote(d, s, false), AnnotatedSuffix) {
		t.Error("the note names an annotated copy that was not made")
	}

	s.State, s.Version = roadmap.Accepted, 3
	s.Findings = s.Findings[2:]
	s.Values = []roadmap.Value{
		{Row: "G2.2", Indicator: "G2.2", Reported: true, Number: 67.8, Cell: "F5"},
		{Row: "G3.1/border", Indicator: "G3.1", Part: "border", Cell: "F7"},
		{Row: "G3.1/inland", Indicator: "G3.1", Part: "inland", Reported: true, Number: 0, Cell: "F8"},
		{Row: "G1.1", Indicator: "G1.1", Reported: true, Level: "drafting", Cell: "F2"},
	}
	receipt := e.in.receiptNote(d, s, nil)
	for _, want := range []string{
		"ACCEPTED", "version 3 of Albania (AL)", "replaces version 2",
		"G2.2", "67.8 %", "Seized firearms traced internationally",
		"G3.1/border  F7", "not reported", "Firearms seized – At the border",
		"G3.1/inland  F8    0 firearms", "drafting",
		"Write a few words on goal G2.",
	} {
		if !strings.Contains(receipt, want) {
			t.Errorf("the receipt lacks %q:\n%s", want, receipt)
		}
	}
	if strings.Contains(receipt, "No figures are due") {
		t.Errorf("a receipt with figures says none were due:\n%s", receipt)
	}

	// A round that closes no year holds narratives only: the receipt says
	// so instead of an empty table.
	s.Values = nil
	s.Narratives = []roadmap.Narrative{{Goal: "G1", Progress: "Law adopted."}}
	receipt = e.in.receiptNote(d, s, nil)
	for _, want := range []string{"No figures are due in this round.", "Narrative received for goal(s): G1"} {
		if !strings.Contains(receipt, want) {
			t.Errorf("the narrative-only receipt lacks %q:\n%s", want, receipt)
		}
	}
	if strings.Contains(receipt, "Row  Cell") {
		t.Errorf("the narrative-only receipt prints an empty table:\n%s", receipt)
	}
}

// A focal point reads the received time in the calendar's zone, not in UTC.
func TestFeedbackShowsTimesInTheConfiguredZone(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	belgrade, err := time.LoadLocation("Europe/Belgrade")
	if err != nil {
		t.Fatal(err)
	}
	e.in.Location = belgrade
	e.drop(validSample("AL", "2026-H1"), "AL", "report.xlsx")
	e.pass()
	receipt := e.read("feedback/AL/report.xlsx" + ReceiptSuffix)
	// The test clock gives 09:01 UTC on 20 July 2026: 11:01 in summer time.
	if !strings.Contains(receipt, "Received:           20 July 2026, 11:01 CEST") {
		t.Errorf("receipt does not show the time in Europe/Belgrade:\n%s", receipt)
	}
}
