package templates

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
)

func defaultCat(t testing.TB) *roadmap.Catalogue {
	t.Helper()
	cat, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func caribbean(t testing.TB) *roadmap.Catalogue {
	t.Helper()
	cat, err := LoadCatalogue(filepath.Join("testdata", "caribbean.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// writeTemplate writes a template to a real file and opens it again.
func writeTemplate(t *testing.T, cat *roadmap.Catalogue, j string, p roadmap.Period) (string, *excelize.File) {
	t.Helper()
	file := filepath.Join(t.TempDir(), FileName(j, p))
	if err := WriteFile(file, cat, j, p); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatalf("open written template: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return file, f
}

func cell(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref)
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, ref, err)
	}
	return v
}

// sheetStates reads each sheet's visibility and protection straight from the
// package's XML, since excelize reports neither "very hidden" nor whether a
// sheet is protected at all.
func sheetStates(t *testing.T, file string) (state map[string]string, protected map[string]bool) {
	t.Helper()
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	read := func(name string) []byte {
		for _, zf := range zr.File {
			if zf.Name == name {
				rc, err := zf.Open()
				if err != nil {
					t.Fatal(err)
				}
				defer rc.Close()
				b, err := io.ReadAll(rc)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
		}
		t.Fatalf("%s not in the package", name)
		return nil
	}
	var wb struct {
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(read("xl/workbook.xml"), &wb); err != nil {
		t.Fatal(err)
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(read("xl/_rels/workbook.xml.rels"), &rels); err != nil {
		t.Fatal(err)
	}
	state, protected = map[string]string{}, map[string]bool{}
	for _, s := range wb.Sheets {
		st := s.State
		if st == "" {
			st = "visible"
		}
		state[s.Name] = st
		for _, r := range rels.Rels {
			if r.ID == s.RID {
				var ws struct {
					Protection *struct {
						Sheet bool `xml:"sheet,attr"`
					} `xml:"sheetProtection"`
				}
				if err := xml.Unmarshal(read(path.Join("xl", strings.TrimPrefix(r.Target, "/xl/"))), &ws); err != nil {
					t.Fatal(err)
				}
				protected[s.Name] = ws.Protection != nil && ws.Protection.Sheet
			}
		}
	}
	return state, protected
}

func TestTemplateSheets(t *testing.T) {
	t.Parallel()
	cat := defaultCat(t)
	file, f := writeTemplate(t, cat, "AL", roadmap.MustPeriod("2026-H2"))
	want := []string{roadmap.SheetCover, roadmap.SheetInstructions, roadmap.SheetKPI, roadmap.SheetNarrative, roadmap.SheetMeta}
	if got := f.GetSheetList(); !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	if f.GetActiveSheetIndex() != 0 {
		t.Errorf("the workbook opens on sheet %d, want the cover", f.GetActiveSheetIndex())
	}
	state, protected := sheetStates(t, file)
	wantState := map[string]string{
		roadmap.SheetCover: "visible", roadmap.SheetInstructions: "visible", roadmap.SheetKPI: "visible",
		roadmap.SheetNarrative: "visible", roadmap.SheetMeta: "veryHidden",
	}
	if !reflect.DeepEqual(state, wantState) {
		t.Errorf("visibility = %v, want %v", state, wantState)
	}
	for _, s := range want {
		if !protected[s] {
			t.Errorf("sheet %s is not protected", s)
		}
	}
}

func TestTemplateCover(t *testing.T) {
	t.Parallel()
	cat := defaultCat(t)
	_, f := writeTemplate(t, cat, "XK", roadmap.MustPeriod("2026-H2"))
	s := roadmap.SheetCover
	for ref, want := range map[string]string{
		roadmap.CoverJurisdiction: "XK",
		"C3":                      "Kosovo*",
		roadmap.CoverPeriod:       "2026-H2",
		"C4":                      "July–December 2026",
	} {
		if got := cell(t, f, s, ref); got != want {
			t.Errorf("Cover!%s = %q, want %q", ref, got, want)
		}
	}
	all, err := f.GetRows(s)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, r := range all {
		text.WriteString(strings.Join(r, " ") + "\n")
	}
	if !strings.Contains(text.String(), "Security Council resolution 1244") {
		t.Errorf("the cover of XK lacks the footnote:\n%s", text.String())
	}
	if !strings.Contains(text.String(), "Illustrative catalogue") {
		t.Errorf("the cover does not say the catalogue is illustrative:\n%s", text.String())
	}
	dvs, err := f.GetDataValidations(s)
	if err != nil {
		t.Fatal(err)
	}
	bySqref := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		bySqref[dv.Sqref] = dv
	}
	if dv := bySqref[roadmap.CoverDate]; dv == nil || dv.Type != "date" || dv.Operator != "between" || dv.Formula1 != "46204" {
		t.Errorf("date validation = %+v, want a date from 2026-07-01 (46204)", dv)
	}
	if dv := bySqref[roadmap.CoverStatus]; dv == nil || dv.Type != "list" || dv.Formula1 != `"draft,final"` {
		t.Errorf("status validation = %+v, want a draft/final list", dv)
	}
	for ref, wantLocked := range map[string]bool{
		roadmap.CoverJurisdiction: true, roadmap.CoverPeriod: true, "A3": true, "A1": true,
		roadmap.CoverInstitution: false, roadmap.CoverContact: false, roadmap.CoverEmail: false,
		roadmap.CoverDate: false, roadmap.CoverStatus: false,
	} {
		if got := locked(t, f, s, ref); got != wantLocked {
			t.Errorf("Cover!%s locked = %v, want %v", ref, got, wantLocked)
		}
	}
}

// locked reports whether a cell is locked when its sheet is protected; a cell
// without a protection setting is locked, as in Excel.
func locked(t *testing.T, f *excelize.File, sheet, ref string) bool {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st.Protection == nil || st.Protection.Locked
}

func TestTemplateKPISheet(t *testing.T) {
	t.Parallel()
	cat := defaultCat(t)
	_, f := writeTemplate(t, cat, "ME", roadmap.MustPeriod("2026-H2"))
	s := roadmap.SheetKPI
	rows := cat.Rows()
	if got := cell(t, f, s, roadmap.KPIColCode+"1"); got != "Code" {
		t.Errorf("header A1 = %q", got)
	}
	if got := cell(t, f, s, roadmap.KPIColValue+"1"); got != "Value for 2026" {
		t.Errorf("header F1 = %q", got)
	}
	for i, r := range rows {
		row := roadmap.KPIFirstRow + i
		at := func(col string) string { return cell(t, f, s, cellAt(col, row)) }
		if got := at(roadmap.KPIColCode); got != r.Code {
			t.Fatalf("row %d code = %q, want %q", row, got, r.Code)
		}
		if got := at(roadmap.KPIColGoal); got != r.Indicator.Goal {
			t.Errorf("row %d goal = %q", row, got)
		}
		if got := at(roadmap.KPIColIndicator); got != r.Indicator.Title {
			t.Errorf("row %d title = %q", row, got)
		}
		if got := at(roadmap.KPIColValue); got != "" {
			t.Errorf("row %d value = %q, want blank", row, got)
		}
		if r.Part != nil && at(roadmap.KPIColBreakdown) != r.Part.Label {
			t.Errorf("row %d part = %q, want %q", row, at(roadmap.KPIColBreakdown), r.Part.Label)
		}
		if r.Indicator.Kind == roadmap.Quantity && at(roadmap.KPIColUnit) != r.Indicator.Unit {
			t.Errorf("row %d unit = %q, want %q", row, at(roadmap.KPIColUnit), r.Indicator.Unit)
		}
		if g := at(roadmap.KPIColGuidance); !strings.Contains(g, "Blank means not reported") {
			t.Errorf("row %d guidance = %q", row, g)
		}
		for _, col := range []string{roadmap.KPIColCode, roadmap.KPIColGoal, roadmap.KPIColIndicator, roadmap.KPIColBreakdown, roadmap.KPIColUnit, roadmap.KPIColGuidance} {
			if !locked(t, f, s, cellAt(col, row)) {
				t.Errorf("KPI!%s is unlocked", cellAt(col, row))
			}
		}
		for _, col := range []string{roadmap.KPIColValue, roadmap.KPIColComment} {
			if locked(t, f, s, cellAt(col, row)) {
				t.Errorf("KPI!%s is locked; it is an input", cellAt(col, row))
			}
		}
	}
	if got := cell(t, f, s, cellAt(roadmap.KPIColCode, roadmap.KPIFirstRow+len(rows))); got != "" {
		t.Errorf("a row after the last: %q", got)
	}
	if locked(t, f, s, "F1") != true {
		t.Errorf("the header is unlocked")
	}
	panes, err := f.GetPanes(s)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v (%v), want the header frozen", panes, err)
	}
	// The guidance of a split indicator says how its parts relate to the total.
	g61, _ := KPIRow(cat, roadmap.MustPeriod("2026-H2"), "G6.1/surplus")
	if got := cell(t, f, s, cellAt(roadmap.KPIColGuidance, g61)); !strings.Contains(got, "may not exceed the total") {
		t.Errorf("G6.1/surplus guidance = %q", got)
	}
}

func TestTemplateValidations(t *testing.T) {
	t.Parallel()
	cat := defaultCat(t)
	_, f := writeTemplate(t, cat, "RS", roadmap.MustPeriod("2026-H2"))
	dvs, err := f.GetDataValidations(roadmap.SheetKPI)
	if err != nil {
		t.Fatal(err)
	}
	bySqref := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		bySqref[dv.Sqref] = dv
	}
	rows := cat.Rows()
	if len(dvs) != len(rows) {
		t.Errorf("%d validations for %d rows", len(dvs), len(rows))
	}
	for i, r := range rows {
		ref := cellAt(roadmap.KPIColValue, roadmap.KPIFirstRow+i)
		dv := bySqref[ref]
		if dv == nil {
			t.Errorf("%s (%s): no validation", ref, r.Code)
			continue
		}
		if !dv.AllowBlank || !dv.ShowErrorMessage {
			t.Errorf("%s (%s): blank allowed %v, error shown %v; want both", ref, r.Code, dv.AllowBlank, dv.ShowErrorMessage)
		}
		got := []string{dv.Type, dv.Operator, dv.Formula1, dv.Formula2}
		var want []string
		switch r.Indicator.Kind {
		case roadmap.Count:
			want = []string{"whole", "greaterThanOrEqual", "0", ""}
		case roadmap.Quantity:
			want = []string{"decimal", "greaterThanOrEqual", "0", ""}
		case roadmap.Percent:
			want = []string{"decimal", "between", "0", "100"}
		case roadmap.Status:
			want = []string{"list", "", `"` + strings.Join(r.Indicator.Levels, ",") + `"`, ""}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s (%s, %s): validation %q, want %q", ref, r.Code, r.Indicator.Kind, got, want)
		}
	}
}

func TestTemplateNarrativeAndMeta(t *testing.T) {
	t.Parallel()
	cat := defaultCat(t)
	_, f := writeTemplate(t, cat, "MK", roadmap.MustPeriod("2025-H2"))
	s := roadmap.SheetNarrative
	for i, g := range cat.Goals {
		row := roadmap.NarrFirstRow + i
		if got := cell(t, f, s, cellAt(roadmap.NarrColGoal, row)); got != g.Code {
			t.Errorf("Narrative row %d = %q, want %q", row, got, g.Code)
		}
		if got := cell(t, f, s, cellAt(roadmap.NarrColTitle, row)); got != g.Title {
			t.Errorf("Narrative row %d title = %q", row, got)
		}
		for _, col := range []string{roadmap.NarrColProgress, roadmap.NarrColChallenge, roadmap.NarrColSupport} {
			if locked(t, f, s, cellAt(col, row)) {
				t.Errorf("Narrative!%s is locked", cellAt(col, row))
			}
		}
		for _, col := range []string{roadmap.NarrColGoal, roadmap.NarrColTitle} {
			if !locked(t, f, s, cellAt(col, row)) {
				t.Errorf("Narrative!%s is unlocked", cellAt(col, row))
			}
		}
	}
	if got := readMeta(t, f); !reflect.DeepEqual(got, map[string]string{
		roadmap.MetaTemplateVersion:  roadmap.TemplateVersion,
		roadmap.MetaCatalogueID:      cat.ID,
		roadmap.MetaCatalogueVersion: cat.Version,
		roadmap.MetaCatalogueHash:    cat.Hash,
		roadmap.MetaJurisdiction:     "MK",
		roadmap.MetaPeriod:           "2025-H2",
	}) {
		t.Errorf("metadata = %v", got)
	}
}

func readMeta(t *testing.T, f *excelize.File) map[string]string {
	t.Helper()
	rows, err := f.GetRows(roadmap.SheetMeta)
	if err != nil {
		t.Fatalf("metadata sheet: %v", err)
	}
	out := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			out[r[0]] = r[1]
		}
	}
	return out
}

// TestTemplateFilledByAnotherProgram fills a template the way another
// program would, by the codes in column A, saves it back and checks that the
// metadata, the values and the validations are all still there.
func TestTemplateFilledByAnotherProgram(t *testing.T) {
	t.Parallel()
	cat := defaultCat(t)
	file, f := writeTemplate(t, cat, "BA", roadmap.MustPeriod("2026-H2"))
	values := map[string]any{"G3.1": 120, "G3.1/border": 20, "G3.1/inland": 100, "G1.1": "drafting", "G7.1": 62.5, "G3.3": 14.25}
	rows, err := f.GetRows(roadmap.SheetKPI)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) == 0 {
			continue
		}
		if v, ok := values[r[0]]; ok {
			if err := f.SetCellValue(roadmap.SheetKPI, cellAt(roadmap.KPIColValue, i+1), v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SetCellValue(roadmap.SheetNarrative, cellAt(roadmap.NarrColProgress, roadmap.NarrFirstRow), "Напредак у Сарајеву; napredak u Sarajevu."); err != nil {
		t.Fatal(err)
	}
	filled := filepath.Join(filepath.Dir(file), "filled.xlsx")
	if err := f.SaveAs(filled); err != nil {
		t.Fatal(err)
	}
	g, err := excelize.OpenFile(filled)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if got := readMeta(t, g); got[roadmap.MetaJurisdiction] != "BA" || got[roadmap.MetaPeriod] != "2026-H2" || got[roadmap.MetaCatalogueHash] != cat.Hash {
		t.Errorf("metadata after filling = %v", got)
	}
	for code, v := range values {
		row, ok := KPIRow(cat, roadmap.MustPeriod("2026-H2"), code)
		if !ok {
			t.Fatalf("KPIRow(%s) not found", code)
		}
		want := fmt.Sprint(v)
		if got := cell(t, g, roadmap.SheetKPI, cellAt(roadmap.KPIColValue, row)); got != want {
			t.Errorf("%s = %q, want %q", code, got, want)
		}
	}
	if got := cell(t, g, roadmap.SheetNarrative, cellAt(roadmap.NarrColProgress, roadmap.NarrFirstRow)); got != "Напредак у Сарајеву; napredak u Sarajevu." {
		t.Errorf("narrative = %q", got)
	}
	dvs, err := g.GetDataValidations(roadmap.SheetKPI)
	if err != nil || len(dvs) != len(cat.Rows()) {
		t.Errorf("%d validations after filling (%v), want %d", len(dvs), err, len(cat.Rows()))
	}
	state, protected := sheetStates(t, filled)
	if state[roadmap.SheetMeta] != "veryHidden" || !protected[roadmap.SheetKPI] {
		t.Errorf("after filling: meta %s, KPI protected %v", state[roadmap.SheetMeta], protected[roadmap.SheetKPI])
	}
}

// TestTemplatesOfAnotherRoadmap writes every template of a roadmap with
// sixteen states, four goals, yearly periods and a long status scale.
func TestTemplatesOfAnotherRoadmap(t *testing.T) {
	t.Parallel()
	cat := caribbean(t)
	dir := filepath.Join(t.TempDir(), "templates")
	paths, err := WriteAll(dir, cat, roadmap.MustPeriod("2027"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 16 {
		t.Fatalf("%d templates, want 16", len(paths))
	}
	for i, p := range paths {
		j := cat.Jurisdictions[i].Code
		if filepath.Base(p) != "roadmap-"+j+"-2027.xlsx" {
			t.Errorf("path %s", p)
		}
		f, err := excelize.OpenFile(p)
		if err != nil {
			t.Fatal(err)
		}
		meta := readMeta(t, f)
		if meta[roadmap.MetaJurisdiction] != j || meta[roadmap.MetaPeriod] != "2027" || meta[roadmap.MetaCatalogueID] != "caribbean-firearms" {
			t.Errorf("%s metadata = %v", p, meta)
		}
		f.Close()
	}
	file, f := writeTemplate(t, cat, "HT", roadmap.MustPeriod("2027"))
	if got := cell(t, f, roadmap.SheetCover, "C4"); got != "2027" {
		t.Errorf("period label = %q", got)
	}
	wantSheets := []string{roadmap.SheetCover, roadmap.SheetInstructions, roadmap.SheetKPI, roadmap.SheetNarrative, roadmap.SheetMeta, roadmap.SheetLists}
	if got := f.GetSheetList(); !reflect.DeepEqual(got, wantSheets) {
		t.Errorf("sheets = %q, want %q", got, wantSheets)
	}
	state, _ := sheetStates(t, file)
	if state[roadmap.SheetLists] != "veryHidden" {
		t.Errorf("lists sheet is %s, want veryHidden", state[roadmap.SheetLists])
	}
	// The status scale has commas in its levels, so it cannot be an inline
	// list: the drop-down points at the lists sheet, which holds the levels.
	a1, _ := KPIRow(cat, roadmap.MustPeriod("2027"), "A-1")
	dvs, err := f.GetDataValidations(roadmap.SheetKPI)
	if err != nil {
		t.Fatal(err)
	}
	var list *excelize.DataValidation
	for _, dv := range dvs {
		if dv.Sqref == cellAt(roadmap.KPIColValue, a1) {
			list = dv
		}
	}
	if list == nil || list.Type != "list" || list.Formula1 != "'_lists'!$A$1:$A$6" {
		t.Fatalf("A-1 validation = %+v", list)
	}
	ind, _ := cat.Indicator("A-1")
	cols, err := f.GetCols(roadmap.SheetLists)
	if err != nil || len(cols) != 1 || !reflect.DeepEqual(cols[0], ind.Levels) {
		t.Errorf("lists sheet = %q (%v), want %q", cols, err, ind.Levels)
	}
	var codes []string
	rows, err := f.GetRows(roadmap.SheetKPI)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[roadmap.KPIFirstRow-1:] {
		codes = append(codes, r[0])
	}
	if got := strings.Join(codes, " "); got != "A-1 B-1 B-2 C-1 C-1/female C-1/male C-2 C-2/female C-2/male D-1" {
		t.Errorf("codes = %s", got)
	}
	narr, err := f.GetRows(roadmap.SheetNarrative)
	if err != nil || len(narr) != 1+4 {
		t.Errorf("narrative has %d rows (%v), want a header and 4 goals", len(narr), err)
	}
}

func TestTemplateRejects(t *testing.T) {
	t.Parallel()
	cat := defaultCat(t)
	yearly := caribbean(t)
	tests := []struct {
		cat    *roadmap.Catalogue
		j      string
		period roadmap.Period
		want   string
	}{
		{cat, "FR", roadmap.MustPeriod("2026-H2"), `jurisdiction "FR" is not in the catalogue: use one of AL, BA, XK, ME, MK, RS`},
		{cat, "AL", roadmap.Period{}, "no reporting period given: write " + roadmap.PeriodForms},
		{yearly, "JM", roadmap.MustPeriod("2027-H2"), "period 2027-H2 is not a reporting round of Caribbean Firearms Roadmap, whose rounds are calendar years (such as 2026)"},
		{nil, "AL", roadmap.MustPeriod("2026-H2"), "no catalogue to write a template from"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		err := WriteWorkbook(&buf, tt.cat, tt.j, tt.period)
		if err == nil || err.Error() != tt.want {
			t.Errorf("WriteWorkbook(%s, %v) = %v, want %q", tt.j, tt.period, err, tt.want)
		}
		if buf.Len() != 0 {
			t.Errorf("WriteWorkbook(%s, %v) wrote %d bytes despite the error", tt.j, tt.period, buf.Len())
		}
	}
	dir := t.TempDir()
	if _, err := WriteAll(dir, yearly, roadmap.MustPeriod("2027-H1")); err == nil {
		t.Errorf("WriteAll accepted a half-year for a yearly catalogue")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("WriteAll left %d files after refusing", len(entries))
	}
}

func TestTemplateDeterministic(t *testing.T) {
	t.Parallel()
	cat := defaultCat(t)
	p := roadmap.MustPeriod("2026-H2")
	var a, b bytes.Buffer
	if err := WriteWorkbook(&a, cat, "AL", p); err != nil {
		t.Fatal(err)
	}
	if err := WriteWorkbook(&b, cat, "AL", p); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("two writes differ (%d and %d bytes)", a.Len(), b.Len())
	}
	file := filepath.Join(t.TempDir(), "t.xlsx")
	if err := WriteFile(file, cat, "AL", p); err != nil {
		t.Fatal(err)
	}
	c, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), c) {
		t.Errorf("WriteFile and WriteWorkbook differ")
	}
	var other bytes.Buffer
	if err := WriteWorkbook(&other, cat, "RS", p); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Bytes(), other.Bytes()) {
		t.Errorf("the templates of AL and RS are identical")
	}
}

func TestWriteFileLeavesNoTemporaryFile(t *testing.T) {
	t.Parallel()
	cat := defaultCat(t)
	dir := t.TempDir()
	if err := WriteFile(filepath.Join(dir, "a.xlsx"), cat, "AL", roadmap.MustPeriod("2026-H2")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "b.xlsx"), cat, "AL", roadmap.MustPeriod("2026-H2")); err == nil {
		t.Errorf("WriteFile into a missing folder succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "a.xlsx" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %q, want only a.xlsx", names)
	}
}

// TestTemplateAnyScript writes labels in several scripts and reads them back.
func TestTemplateAnyScript(t *testing.T) {
	t.Parallel()
	cat := caribbean(t)
	cat.Goals[0].Title = "Усклађивање закона о оружју"
	cat.Indicators[0].Title = "Νόμος για τα όπλα"
	cat.Indicators[3].Breakdown.Parts[0].Label = "Жене"
	cat.Jurisdictions[0].Name = "Crna Gora / Црна Гора"
	_, f := writeTemplate(t, cat, "AG", roadmap.MustPeriod("2027"))
	c1, _ := KPIRow(cat, roadmap.MustPeriod("2027"), "C-1/female")
	for _, c := range []struct{ sheet, ref, want string }{
		{roadmap.SheetNarrative, cellAt(roadmap.NarrColTitle, roadmap.NarrFirstRow), "Усклађивање закона о оружју"},
		{roadmap.SheetKPI, cellAt(roadmap.KPIColIndicator, roadmap.KPIFirstRow), "Νόμος για τα όπλα"},
		{roadmap.SheetKPI, cellAt(roadmap.KPIColBreakdown, c1), "Жене"},
		{roadmap.SheetCover, "C3", "Crna Gora / Црна Гора"},
	} {
		if got := cell(t, f, c.sheet, c.ref); got != c.want {
			t.Errorf("%s!%s = %q, want %q", c.sheet, c.ref, got, c.want)
		}
	}
}

func TestFileNameAndKPIRow(t *testing.T) {
	t.Parallel()
	if got := FileName("AL", roadmap.MustPeriod("2026-H2")); got != "roadmap-AL-2026-H2.xlsx" {
		t.Errorf("FileName = %s", got)
	}
	if got := FileName("JM", roadmap.MustPeriod("2027")); got != "roadmap-JM-2027.xlsx" {
		t.Errorf("FileName = %s", got)
	}
	cat := defaultCat(t)
	if row, ok := KPIRow(cat, roadmap.MustPeriod("2026-H2"), "G1.1"); !ok || row != roadmap.KPIFirstRow {
		t.Errorf("KPIRow(G1.1) = %d, %v", row, ok)
	}
	if _, ok := KPIRow(cat, roadmap.MustPeriod("2026-H2"), "G9.9"); ok {
		t.Errorf("KPIRow found an unknown code")
	}
}

func TestLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text  string
		width float64
		want  int
	}{
		{"", 10, 1},
		{"short", 10, 1},
		{"one two three four", 10, 2},
		{"a\nb\nc", 10, 3},
		{strings.Repeat("x", 25), 10, 3},
	}
	for _, tt := range tests {
		if got := lines(tt.text, tt.width); got != tt.want {
			t.Errorf("lines(%q, %v) = %d, want %d", tt.text, tt.width, got, tt.want)
		}
	}
}

func BenchmarkWriteAll(b *testing.B) {
	cat := defaultCat(b)
	p := roadmap.MustPeriod("2026-H2")
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := WriteAll(dir, cat, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteWorkbook(b *testing.B) {
	cat := defaultCat(b)
	p := roadmap.MustPeriod("2026-H2")
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteWorkbook(io.Discard, cat, "AL", p); err != nil {
			b.Fatal(err)
		}
	}
}
