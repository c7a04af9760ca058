package samples

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.yaml.in/yaml/v3"

	"github.com/seesac/roadmap"
)

func open(t *testing.T, rel string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(filepath.FromSlash(rel), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("open %s: %v", rel, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func cell(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, ref, err)
	}
	return v
}

func meta(t *testing.T, f *excelize.File) map[string]string {
	t.Helper()
	rows, err := f.GetRows(roadmap.SheetMeta, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("metadata: %v", err)
	}
	m := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			m[r[0]] = r[1]
		}
	}
	return m
}

// TestValidSamplesReadBack opens every committed valid sample the way a reader
// would (rows by code, raw values) and checks that it says what the model says.
func TestValidSamplesReadBack(t *testing.T) {
	t.Parallel()
	cat, d := build(t)
	for _, w := range d.Valid {
		t.Run(w.Jurisdiction+"-"+w.Period.String(), func(t *testing.T) {
			info, err := os.Stat(filepath.FromSlash(w.Path))
			if err != nil {
				t.Fatal(err)
			}
			if info.Size() > 25<<10 {
				t.Errorf("%s is %d bytes, want at most 25 KB", w.Path, info.Size())
			}
			f := open(t, w.Path)
			m := meta(t, f)
			if m[roadmap.MetaJurisdiction] != w.Jurisdiction || m[roadmap.MetaPeriod] != w.Period.String() ||
				m[roadmap.MetaTemplateVersion] != roadmap.TemplateVersion || m[roadmap.MetaCatalogueHash] != cat.InForce(w.Period).Hash {
				t.Errorf("metadata %v", m)
			}
			if got := cell(t, f, roadmap.SheetCover, roadmap.CoverJurisdiction); got != w.Jurisdiction {
				t.Errorf("cover jurisdiction %q", got)
			}
			if got := cell(t, f, roadmap.SheetCover, roadmap.CoverContact); got != w.Cover.Contact {
				t.Errorf("cover contact %q, want %q", got, w.Cover.Contact)
			}
			if got := cell(t, f, roadmap.SheetCover, roadmap.CoverStatus); got != "final" {
				t.Errorf("cover status %q", got)
			}
			serial, err := strconv.ParseFloat(cell(t, f, roadmap.SheetCover, roadmap.CoverDate), 64)
			if err != nil {
				t.Fatalf("cover date is not a date serial: %v", err)
			}
			date, err := excelize.ExcelDateToTime(serial, false)
			if err != nil || date.Format(time.DateOnly) != w.Cover.Date {
				t.Errorf("cover date %v (%v), want %s", date, err, w.Cover.Date)
			}

			rows, err := f.GetRows(roadmap.SheetKPI, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			byCode := map[string][]string{}
			for _, r := range rows[roadmap.KPIFirstRow-1:] {
				if len(r) > 0 {
					byCode[r[0]] = r
				}
			}
			for _, v := range w.Values {
				r := byCode[v.Row]
				got := ""
				if len(r) >= roadmap.KPIValueColIndex {
					got = r[roadmap.KPIValueColIndex-1]
				}
				switch {
				case !v.Reported:
					if got != "" {
						t.Errorf("%s should be blank, is %q", v.Row, got)
					}
				case v.Level != "":
					if got != v.Level {
						t.Errorf("%s = %q, want %q", v.Row, got, v.Level)
					}
				default:
					n, err := strconv.ParseFloat(got, 64)
					if err != nil || n != v.Number {
						t.Errorf("%s = %q, want %v", v.Row, got, v.Number)
					}
				}
			}

			narr, err := f.GetRows(roadmap.SheetNarrative)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range w.Narratives {
				found := false
				for _, r := range narr[roadmap.NarrFirstRow-1:] {
					if len(r) > 0 && r[0] == n.Goal {
						found = true
						progress := ""
						if len(r) >= 3 {
							progress = r[2]
						}
						if progress != n.Progress {
							t.Errorf("narrative %s progress %q, want %q", n.Goal, progress, n.Progress)
						}
					}
				}
				if !found {
					t.Errorf("no narrative row for %s", n.Goal)
				}
			}
		})
	}
}

func TestBrokenIndex(t *testing.T) {
	t.Parallel()
	cat, d := build(t)
	data, err := os.ReadFile(BrokenIndex)
	if err != nil {
		t.Fatal(err)
	}
	var list []Broken
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&list); err != nil {
		t.Fatal(err)
	}
	if len(list) != len(d.Broken) {
		t.Fatalf("broken.yaml lists %d files, the model %d", len(list), len(d.Broken))
	}
	known := map[roadmap.Code]bool{}
	for _, c := range []roadmap.Code{
		roadmap.CodeNotWorkbook, roadmap.CodeEncryptedOrXLS, roadmap.CodeODS, roadmap.CodeDamaged,
		roadmap.CodeUnsupportedFile, roadmap.CodeNotTemplate, roadmap.CodeNoMetadata, roadmap.CodeTemplateVersion,
		roadmap.CodeCatalogueVersion, roadmap.CodeWrongJurisdiction, roadmap.CodeWrongPeriod, roadmap.CodeMissingRow,
		roadmap.CodeUnknownRow, roadmap.CodeDuplicateRow, roadmap.CodeMissingValue, roadmap.CodeWrongType,
		roadmap.CodeOutOfRange, roadmap.CodeNotOnScale, roadmap.CodePartsExceed, roadmap.CodePartsNotSum,
		roadmap.CodeShareNotRatio, roadmap.CodeFormulaNoValue,
	} {
		known[c] = true
	}
	have := map[roadmap.Code]int{}
	for i, b := range list {
		if b != d.Broken[i] {
			t.Errorf("broken.yaml entry %d is %+v, the model says %+v", i, b, d.Broken[i])
		}
		if !known[b.Code] {
			t.Errorf("%s: code %q is not an error code of finding.go", b.File, b.Code)
		}
		if _, ok := cat.Jurisdiction(b.Folder); !ok {
			t.Errorf("%s: folder %q is not a jurisdiction", b.File, b.Folder)
		}
		if b.Description == "" || !strings.HasPrefix(b.File, BrokenDir+"/") {
			t.Errorf("entry %+v", b)
		}
		if _, err := os.Stat(filepath.FromSlash(b.File)); err != nil {
			t.Errorf("%s: %v", b.File, err)
		}
		have[b.Code]++
	}
	// The kinds issue 2 names, at least.
	for _, c := range []roadmap.Code{roadmap.CodeWrongJurisdiction, roadmap.CodeOutOfRange, roadmap.CodeNotOnScale,
		roadmap.CodePartsExceed, roadmap.CodePartsNotSum, roadmap.CodeNotWorkbook, roadmap.CodeNoMetadata,
		roadmap.CodeTemplateVersion, roadmap.CodeEncryptedOrXLS, roadmap.CodeODS, roadmap.CodeNotTemplate,
		roadmap.CodeWrongPeriod, roadmap.CodeWrongType, roadmap.CodeMissingValue} {
		if have[c] == 0 {
			t.Errorf("no broken sample for %s", c)
		}
	}
	if have[roadmap.CodeWrongJurisdiction] < 2 {
		t.Error("want a wrong-jurisdiction sample by folder and one by cover")
	}
}

// TestBrokenSamplesAreBrokenAsDescribed checks each broken file for the one
// thing that is wrong with it.
func TestBrokenSamplesAreBrokenAsDescribed(t *testing.T) {
	t.Parallel()
	cat, d := build(t)
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.FromSlash(BrokenDir + "/" + name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	kpi := func(f *excelize.File, code string) string {
		row, err := kpiRow(f, code)
		if err != nil {
			t.Fatal(err)
		}
		return cell(t, f, roadmap.SheetKPI, cellAt(roadmap.KPIColValue, row))
	}
	wb := func(name string) *excelize.File { return open(t, BrokenDir+"/"+name) }
	ole := []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

	if b := read("encrypted.xlsx"); !bytes.HasPrefix(b, ole) {
		t.Error("encrypted.xlsx does not start with the OLE magic")
	}
	for _, name := range []string{"not-a-workbook.xlsx", "scanned-report.xlsx", "figures.csv"} {
		if b := read(name); bytes.HasPrefix(b, []byte("PK")) || bytes.HasPrefix(b, ole) {
			t.Errorf("%s looks like a workbook container", name)
		}
	}
	if b := read("scanned-report.xlsx"); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Error("scanned-report.xlsx is not a PDF")
	}
	ods := read("saved-as-ods.ods")
	z, err := zip.NewReader(bytes.NewReader(ods), int64(len(ods)))
	if err != nil {
		t.Fatal(err)
	}
	if z.File[0].Name != "mimetype" || z.File[0].Method != zip.Store {
		t.Error("the .ods does not start with a stored mimetype entry")
	}
	if !bytes.Contains(ods[:100], []byte("application/vnd.oasis.opendocument.spreadsheet")) {
		t.Error("the .ods mimetype is not at the start of the file")
	}
	damaged := read("damaged.xlsx")
	if !bytes.HasPrefix(damaged, []byte("PK")) {
		t.Error("damaged.xlsx does not start like a zip")
	}
	if _, err := zip.NewReader(bytes.NewReader(damaged), int64(len(damaged))); err == nil {
		t.Error("damaged.xlsx opens as a zip")
	}

	if f := wb("not-our-template.xlsx"); slices.Contains(f.GetSheetList(), roadmap.SheetKPI) || slices.Contains(f.GetSheetList(), roadmap.SheetMeta) {
		t.Error("not-our-template.xlsx has the template's sheets")
	}
	if f := wb("metadata-missing.xlsx"); slices.Contains(f.GetSheetList(), roadmap.SheetMeta) || !slices.Contains(f.GetSheetList(), roadmap.SheetKPI) {
		t.Errorf("metadata-missing.xlsx sheets: %v", f.GetSheetList())
	}
	if m := meta(t, wb("old-template-version.xlsx")); m[roadmap.MetaTemplateVersion] != "0" {
		t.Errorf("old-template-version.xlsx metadata %v", m)
	}
	if m := meta(t, wb("other-catalogue.xlsx")); m[roadmap.MetaCatalogueVersion] == cat.Version {
		t.Errorf("other-catalogue.xlsx has the catalogue's version")
	}
	if f := wb("wrong-jurisdiction-cover.xlsx"); cell(t, f, roadmap.SheetCover, roadmap.CoverJurisdiction) == meta(t, f)[roadmap.MetaJurisdiction] {
		t.Error("wrong-jurisdiction-cover.xlsx: cover and metadata agree")
	}
	if f := wb("wrong-period.xlsx"); cell(t, f, roadmap.SheetCover, roadmap.CoverPeriod) == meta(t, f)[roadmap.MetaPeriod] {
		t.Error("wrong-period.xlsx: cover and metadata agree")
	}
	for _, b := range d.Broken {
		if b.Code == roadmap.CodeWrongJurisdiction && strings.HasSuffix(b.File, "folder.xlsx") {
			if j := meta(t, open(t, b.File))[roadmap.MetaJurisdiction]; j == b.Folder {
				t.Errorf("%s belongs in folder %s, the folder it is to be dropped in", b.File, j)
			}
		}
	}
	if got := kpi(wb("percent-over-100.xlsx"), "G2.2"); got != "140" {
		t.Errorf("percent-over-100.xlsx G2.2 = %q", got)
	}
	if got := kpi(wb("negative-count.xlsx"), "G3.2"); !strings.HasPrefix(got, "-") {
		t.Errorf("negative-count.xlsx G3.2 = %q", got)
	}
	if got := kpi(wb("text-in-number.xlsx"), "G3.2"); got != "about 12 thousand" {
		t.Errorf("text-in-number.xlsx G3.2 = %q", got)
	}
	if got := kpi(wb("required-missing.xlsx"), "G7.4"); got != "" {
		t.Errorf("required-missing.xlsx G7.4 = %q", got)
	}
	if f := wb("superseded-catalogue.xlsx"); meta(t, f)[roadmap.MetaCatalogueID] != cat.Previous.ID || meta(t, f)[roadmap.MetaPeriod] != cat.From.String() {
		t.Errorf("superseded-catalogue.xlsx metadata %v, want %s for %s", meta(t, f), cat.Previous.ID, cat.From)
	}
	if got := kpi(wb("status-not-on-scale.xlsx"), "G1.1"); got != "mostly done" {
		t.Errorf("status-not-on-scale.xlsx G1.1 = %q", got)
	}
	if got := kpi(wb("fraction-in-count.xlsx"), "G4.1"); !strings.HasSuffix(got, ".5") {
		t.Errorf("fraction-in-count.xlsx G4.1 = %q", got)
	}
	{
		f := wb("formula-without-value.xlsx")
		row, _ := kpiRow(f, "G4.1")
		formula, err := f.GetCellFormula(roadmap.SheetKPI, cellAt(roadmap.KPIColValue, row))
		if err != nil || formula == "" {
			t.Errorf("formula-without-value.xlsx G4.1 has no formula (%v)", err)
		}
	}
	nums := func(f *excelize.File, codes ...string) []float64 {
		var out []float64
		for _, c := range codes {
			n, err := strconv.ParseFloat(kpi(f, c), 64)
			if err != nil {
				t.Fatalf("%s: %v", c, err)
			}
			out = append(out, n)
		}
		return out
	}
	if n := nums(wb("parts-exceed-total.xlsx"), "G6.1", "G6.1/surplus", "G6.1/seized"); n[1]+n[2] <= n[0] {
		t.Errorf("parts-exceed-total.xlsx G6.1 parts %v", n)
	}
	if n := nums(wb("parts-do-not-add-up.xlsx"), "G3.1", "G3.1/border", "G3.1/inland"); n[1]+n[2] >= n[0] {
		t.Errorf("parts-do-not-add-up.xlsx G3.1 parts %v", n)
	}
	{
		f := wb("row-missing.xlsx")
		if _, err := kpiRow(f, "G3.2"); err == nil {
			t.Error("row-missing.xlsx still has G3.2")
		}
		if _, err := kpiRow(f, "G4.1"); err != nil {
			t.Error("row-missing.xlsx lost other rows")
		}
	}
	dup := 0
	rows, _ := wb("row-duplicate.xlsx").GetRows(roadmap.SheetKPI)
	for _, r := range rows {
		if len(r) > 0 && r[0] == "G3.2" {
			dup++
		}
	}
	if dup != 2 {
		t.Errorf("row-duplicate.xlsx has G3.2 %d times", dup)
	}
	if _, err := kpiRow(wb("row-unknown.xlsx"), "G3.9"); err != nil {
		t.Error("row-unknown.xlsx has no row G3.9")
	}
}
