package samples

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"go.yaml.in/yaml/v3"

	"github.com/seesac/roadmap"
)

// brokenCase is one broken sample: either a filled workbook with one thing
// changed (edit, then optionally post on its bytes), or a file that is not our
// workbook at all (raw).
type brokenCase struct {
	name        string
	folder      string
	code        roadmap.Code
	description string
	edit        func(f *excelize.File) error
	post        func(data []byte) []byte
	raw         func() ([]byte, error)
}

// render makes the case's bytes.
func (c brokenCase) render(cat *roadmap.Catalogue, base Workbook) ([]byte, error) {
	if c.raw != nil {
		return c.raw()
	}
	f, err := filled(cat, &base)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if c.edit != nil {
		if err := c.edit(f); err != nil {
			return nil, err
		}
	}
	data, err := save(f, c.name)
	if err != nil {
		return nil, err
	}
	if c.post != nil {
		data = c.post(data)
	}
	return data, nil
}

// brokenBase is the workbook the broken samples start from: the first
// jurisdiction's latest sample that holds figures (a first half-year's round
// of yearly indicators holds none), sent again a week later, so that no
// broken file is byte for byte a valid sample (ingest would call it a
// duplicate).
func brokenBase(d *Data) (Workbook, bool) {
	if len(d.Valid) == 0 {
		return Workbook{}, false
	}
	var base Workbook
	for _, w := range d.Valid {
		if w.Jurisdiction == d.Valid[0].Jurisdiction && (len(w.Values) > 0 || len(base.Values) == 0) {
			base = w
		}
	}
	base.Values = slices.Clone(base.Values)
	base.Narratives = slices.Clone(base.Narratives)
	if t, err := time.Parse(time.DateOnly, base.Cover.Date); err == nil {
		base.Cover.Date = t.AddDate(0, 0, 7).Format(time.DateOnly)
	}
	return base, true
}

// brokenList is the index of the broken samples, as broken.yaml lists them.
func brokenList(cat *roadmap.Catalogue, base Workbook) []Broken {
	cases := brokenCases(cat, base)
	out := make([]Broken, len(cases))
	for i, c := range cases {
		out[i] = Broken{File: BrokenDir + "/" + c.name, Folder: c.folder, Code: c.code, Description: c.description}
	}
	return out
}

// pick finds the first indicator of the catalogue that matches, if any.
func pick(cat *roadmap.Catalogue, match func(*roadmap.Indicator) bool) *roadmap.Indicator {
	for i := range cat.Indicators {
		if match(&cat.Indicators[i]) {
			return &cat.Indicators[i]
		}
	}
	return nil
}

func plainCount(ind *roadmap.Indicator) bool {
	return ind.Kind == roadmap.Count && ind.Breakdown == nil
}

// brokenCases lists one broken sample per kind of failure that ingest must
// recognise. A case that needs a kind of indicator the catalogue lacks is left out.
func brokenCases(cat *roadmap.Catalogue, base Workbook) []brokenCase {
	j, p := base.Jurisdiction, base.Period
	other := ""
	for _, jj := range cat.Jurisdictions {
		if jj.Code != j {
			other = jj.Code
		}
	}
	num := func(row string) float64 {
		v, _ := base.Value(row)
		return v.Number
	}
	var cases []brokenCase
	add := func(c brokenCase) { cases = append(cases, c) }

	if other != "" {
		add(brokenCase{
			name: "wrong-jurisdiction-folder.xlsx", folder: other, code: roadmap.CodeWrongJurisdiction,
			description: fmt.Sprintf("A correct %s workbook for %s dropped into inbox/%s/, the folder of another Commission.", j, p, other),
		})
		add(brokenCase{
			name: "wrong-jurisdiction-cover.xlsx", folder: j, code: roadmap.CodeWrongJurisdiction,
			description: fmt.Sprintf("The metadata says %s but the cover's jurisdiction cell %s was changed to %s.", j, roadmap.CoverJurisdiction, other),
			edit: func(f *excelize.File) error {
				return f.SetCellStr(roadmap.SheetCover, roadmap.CoverJurisdiction, other)
			},
		})
	}
	add(brokenCase{
		name: "wrong-period.xlsx", folder: j, code: roadmap.CodeWrongPeriod,
		description: fmt.Sprintf("The metadata says %s but the cover's period cell %s was changed to %s.", p, roadmap.CoverPeriod, p.Prev()),
		edit: func(f *excelize.File) error {
			return f.SetCellStr(roadmap.SheetCover, roadmap.CoverPeriod, p.Prev().String())
		},
	})
	if ind := pick(cat, func(i *roadmap.Indicator) bool { return i.Kind == roadmap.Percent }); ind != nil {
		add(brokenCase{
			name: "percent-over-100.xlsx", folder: j, code: roadmap.CodeOutOfRange,
			description: fmt.Sprintf("%s, a percentage, is 140.", ind.Code),
			edit:        setKPI(ind.Code, 140.0),
		})
	}
	// Required counts only: an optional one may be new, with no history to
	// compare a figure with.
	counts := []*roadmap.Indicator{}
	for i := range cat.Indicators {
		if plainCount(&cat.Indicators[i]) && cat.Indicators[i].Required {
			counts = append(counts, &cat.Indicators[i])
		}
	}
	if len(counts) > 0 {
		c := counts[0].Code
		add(brokenCase{
			name: "negative-count.xlsx", folder: j, code: roadmap.CodeOutOfRange,
			description: fmt.Sprintf("%s, a count, is -%v.", c, num(c)),
			edit:        setKPI(c, -num(c)),
		})
		add(brokenCase{
			name: "text-in-number.xlsx", folder: j, code: roadmap.CodeWrongType,
			description: fmt.Sprintf("%s holds the text \"about 12 thousand\" instead of a number.", c),
			edit:        setKPI(c, "about 12 thousand"),
		})
		add(brokenCase{
			name: "row-missing.xlsx", folder: j, code: roadmap.CodeMissingRow,
			description: fmt.Sprintf("The KPI row %s was deleted from the sheet.", c),
			edit: func(f *excelize.File) error {
				row, err := kpiRow(f, c)
				if err != nil {
					return err
				}
				return f.RemoveRow(roadmap.SheetKPI, row)
			},
		})
		add(brokenCase{
			name: "row-duplicate.xlsx", folder: j, code: roadmap.CodeDuplicateRow,
			description: fmt.Sprintf("A second row with the code %s was added below the last KPI row.", c),
			edit:        appendKPIRow(c, num(c)+10),
		})
		unknown := "G3.9"
		for _, ok := cat.Indicator(unknown); ok; _, ok = cat.Indicator(unknown) {
			unknown += "9"
		}
		add(brokenCase{
			name: "row-unknown.xlsx", folder: j, code: roadmap.CodeUnknownRow,
			description: fmt.Sprintf("A row with the code %s, which the catalogue does not know, was added below the last KPI row.", unknown),
			edit:        appendKPIRow(unknown, 25.0),
		})
	}
	if len(counts) > 1 {
		c := counts[1].Code
		add(brokenCase{
			name: "fraction-in-count.xlsx", folder: j, code: roadmap.CodeWrongType,
			description: fmt.Sprintf("%s, a count, is %v, not a whole number.", c, num(c)+0.5),
			edit:        setKPI(c, num(c)+0.5),
		})
		add(brokenCase{
			name: "formula-without-value.xlsx", folder: j, code: roadmap.CodeFormulaNoValue,
			description: fmt.Sprintf("%s holds the formula =%v+2 with no saved result, as a program that cannot calculate leaves it.", c, num(c)-2),
			edit: func(f *excelize.File) error {
				cell, err := kpiCell(f, c)
				if err != nil {
					return err
				}
				// Clear the value first: excelize keeps a cell's old value as the
				// formula's cached result, which would make this a valid file.
				if err := f.SetCellValue(roadmap.SheetKPI, cell, nil); err != nil {
					return err
				}
				return f.SetCellFormula(roadmap.SheetKPI, cell, fmt.Sprintf("%v+2", num(c)-2))
			},
		})
	}
	var required *roadmap.Indicator
	for _, ind := range counts[min(1, len(counts)):] {
		if ind.Required {
			required = ind
		}
	}
	if ind := required; ind != nil {
		add(brokenCase{
			name: "required-missing.xlsx", folder: j, code: roadmap.CodeMissingValue,
			description: fmt.Sprintf("%s, a required indicator, is left blank.", ind.Code),
			edit:        setKPI(ind.Code, nil),
		})
	}
	if ind := pick(cat, func(i *roadmap.Indicator) bool { return i.Kind == roadmap.Status && len(i.Levels) > 0 }); ind != nil {
		level := "mostly done"
		add(brokenCase{
			name: "status-not-on-scale.xlsx", folder: j, code: roadmap.CodeNotOnScale,
			description: fmt.Sprintf("%s holds %q, which is not one of its levels (%s).", ind.Code, level, strings.Join(ind.Levels, ", ")),
			edit:        setKPI(ind.Code, level),
		})
	}
	if ind := pick(cat, func(i *roadmap.Indicator) bool {
		return i.Breakdown != nil && i.Breakdown.Rule == roadmap.PartsAtMostTotal && len(i.Breakdown.Parts) > 1 && i.Kind == roadmap.Count
	}); ind != nil {
		total := num(ind.Code)
		a, b := ind.Rows()[1].Code, ind.Rows()[2].Code
		pa, pb := total*0.7, total-total*0.7+total*0.2
		pa, pb = round(pa, 0), round(pb, 0)
		add(brokenCase{
			name: "parts-exceed-total.xlsx", folder: j, code: roadmap.CodePartsExceed,
			description: fmt.Sprintf("%s is %v but its parts %s and %s are %v and %v, more than the total.", ind.Code, total, a, b, pa, pb),
			edit:        setKPIs(map[string]any{a: pa, b: pb}),
		})
	}
	if ind := pick(cat, func(i *roadmap.Indicator) bool {
		return i.Breakdown != nil && i.Breakdown.Rule == roadmap.PartsEqualTotal && len(i.Breakdown.Parts) > 1 && i.Kind == roadmap.Count
	}); ind != nil {
		a := ind.Rows()[1].Code
		pa := num(a) - 25
		add(brokenCase{
			name: "parts-do-not-add-up.xlsx", folder: j, code: roadmap.CodePartsNotSum,
			description: fmt.Sprintf("%s is %v but its parts add up to %v: %s was lowered by 25.", ind.Code, num(ind.Code), num(ind.Code)-25, a),
			edit:        setKPI(a, pa),
		})
	}
	if ind := pick(cat, func(i *roadmap.Indicator) bool { return i.Kind == roadmap.Percent && i.Ratio != nil }); ind != nil {
		n, okN := base.Value(ind.Ratio.Numerator)
		d, okD := base.Value(ind.Ratio.Denominator)
		if okN && okD && n.Reported && d.Reported && d.Number > 0 {
			// Fifty points away from the share its figures give, the way
			// a share copied from another row or year reads.
			share := round(n.Number/d.Number*100, 1)
			typed := round(math.Mod(share+50, 100), 1)
			add(brokenCase{
				name: "share-contradicts-figures.xlsx", folder: j, code: roadmap.CodeShareNotRatio,
				description: fmt.Sprintf("%s, a share defined as %s over %s, is %v, but the same workbook's %s and %s are %v and %v, which give %v %%.",
					ind.Code, ind.Ratio.Numerator, ind.Ratio.Denominator, typed, ind.Ratio.Numerator, ind.Ratio.Denominator, n.Number, d.Number, share),
				edit: setKPI(ind.Code, typed),
			})
		}
	}
	add(brokenCase{
		name: "metadata-missing.xlsx", folder: j, code: roadmap.CodeNoMetadata,
		description: fmt.Sprintf("A filled template whose hidden metadata sheet %s was deleted.", roadmap.SheetMeta),
		edit:        func(f *excelize.File) error { return f.DeleteSheet(roadmap.SheetMeta) },
	})
	add(brokenCase{
		name: "old-template-version.xlsx", folder: j, code: roadmap.CodeTemplateVersion,
		description: fmt.Sprintf("The metadata's %s is \"0\", a version this program does not know.", roadmap.MetaTemplateVersion),
		edit:        setMeta(roadmap.MetaTemplateVersion, "0"),
	})
	add(brokenCase{
		name: "other-catalogue.xlsx", folder: j, code: roadmap.CodeCatalogueVersion,
		description: fmt.Sprintf("The metadata's %s is \"2019.1-draft\": a template made from another version of the catalogue.", roadmap.MetaCatalogueVersion),
		edit:        setMeta(roadmap.MetaCatalogueVersion, "2019.1-draft"),
	})
	if old := cat.Previous; old != nil && !cat.From.IsZero() {
		// A Commission that keeps filling in last year's template after the
		// catalogue changed: the earlier catalogue's workbook for the first
		// period its successor governs.
		last := roadmap.Period{Year: cat.From.Year - 1, Half: 2}
		if cat.From.Half == 2 {
			last = roadmap.Period{Year: cat.From.Year, Half: 1}
		}
		w := Workbook{Jurisdiction: j, Period: cat.From, Cover: base.Cover, Values: history(cat, j).round(old, j, last)}
		add(brokenCase{
			name: "superseded-catalogue.xlsx", folder: j, code: roadmap.CodeCatalogueVersion,
			description: fmt.Sprintf("A %s workbook for %s made from %s, the catalogue that %s succeeds from %s, filled with the figures of the earlier template.", j, cat.From, old.ID, cat.ID, cat.From),
			raw: func() ([]byte, error) {
				f, err := filled(old, &w)
				if err != nil {
					return nil, err
				}
				defer f.Close()
				return save(f, "superseded-catalogue.xlsx")
			},
		})
	}
	add(brokenCase{
		name: "not-our-template.xlsx", folder: j, code: roadmap.CodeNotTemplate,
		description: "A valid workbook of the Commission's own (a list of seizures on Sheet1), not the KPI template.",
		raw:         foreignWorkbook,
	})
	add(brokenCase{
		name: "damaged.xlsx", folder: j, code: roadmap.CodeDamaged,
		description: "A filled workbook cut off half-way, as an interrupted copy leaves it: it starts like a zip but cannot be read.",
		post:        func(b []byte) []byte { return b[:len(b)/2] },
	})
	add(brokenCase{
		name: "not-a-workbook.xlsx", folder: j, code: roadmap.CodeNotWorkbook,
		description: "A plain-text e-mail saved with an .xlsx name.",
		raw:         func() ([]byte, error) { return []byte(textNotWorkbook(base)), nil },
	})
	add(brokenCase{
		name: "scanned-report.xlsx", folder: j, code: roadmap.CodeNotWorkbook,
		description: "A PDF renamed to .xlsx.",
		raw:         func() ([]byte, error) { return minimalPDF(), nil },
	})
	add(brokenCase{
		name: "encrypted.xlsx", folder: j, code: roadmap.CodeEncryptedOrXLS,
		description: "An OLE compound file (magic D0 CF 11 E0 A1 B1 1A E1), as a password-protected workbook or an Excel 97-2003 .xls is stored.",
		raw:         func() ([]byte, error) { return oleFile(), nil },
	})
	add(brokenCase{
		name: "saved-as-ods.ods", folder: j, code: roadmap.CodeODS,
		description: "An OpenDocument spreadsheet (LibreOffice's own format) instead of .xlsx.",
		raw:         odsFile,
	})
	add(brokenCase{
		name: "figures.csv", folder: j, code: roadmap.CodeUnsupportedFile,
		description: "The KPI figures exported as CSV instead of the workbook.",
		raw:         func() ([]byte, error) { return []byte(csvFigures(base)), nil },
	})
	return cases
}

// kpiRow finds the KPI-sheet row of a code.
func kpiRow(f *excelize.File, code string) (int, error) {
	rows, err := codeRows(f, roadmap.SheetKPI, roadmap.KPIColCode, roadmap.KPIFirstRow, code)
	if err != nil {
		return 0, err
	}
	row, ok := rows[code]
	if !ok {
		return 0, fmt.Errorf("the template has no KPI row %s", code)
	}
	return row, nil
}

func kpiCell(f *excelize.File, code string) (string, error) {
	row, err := kpiRow(f, code)
	if err != nil {
		return "", err
	}
	return cellAt(roadmap.KPIColValue, row), nil
}

// setKPI overwrites one value cell: a number, a text, or nil to blank it.
func setKPI(code string, v any) func(*excelize.File) error {
	return setKPIs(map[string]any{code: v})
}

func setKPIs(vs map[string]any) func(*excelize.File) error {
	return func(f *excelize.File) error {
		codes := make([]string, 0, len(vs))
		for c := range vs {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		for _, c := range codes {
			cell, err := kpiCell(f, c)
			if err != nil {
				return err
			}
			switch v := vs[c].(type) {
			case nil:
				err = f.SetCellValue(roadmap.SheetKPI, cell, nil)
			case string:
				err = f.SetCellStr(roadmap.SheetKPI, cell, v)
			case float64:
				err = f.SetCellFloat(roadmap.SheetKPI, cell, v, -1, 64)
			default:
				err = fmt.Errorf("unexpected value %v", v)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
}

// appendKPIRow adds a row with a code and a value below the last KPI row.
func appendKPIRow(code string, value float64) func(*excelize.File) error {
	return func(f *excelize.File) error {
		rows, err := f.GetRows(roadmap.SheetKPI)
		if err != nil {
			return err
		}
		row := len(rows) + 1
		if err := f.SetCellStr(roadmap.SheetKPI, cellAt(roadmap.KPIColCode, row), code); err != nil {
			return err
		}
		return f.SetCellFloat(roadmap.SheetKPI, cellAt(roadmap.KPIColValue, row), value, -1, 64)
	}
}

// setMeta changes one value on the metadata sheet, found by its key.
func setMeta(key, value string) func(*excelize.File) error {
	return func(f *excelize.File) error {
		rows, err := codeRows(f, roadmap.SheetMeta, "A", 1, key)
		if err != nil {
			return err
		}
		row, ok := rows[key]
		if !ok {
			return fmt.Errorf("the metadata sheet has no key %s", key)
		}
		return f.SetCellStr(roadmap.SheetMeta, cellAt("B", row), value)
	}
}

// foreignWorkbook is a spreadsheet a Commission keeps for itself: real, but
// not the template.
func foreignWorkbook() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"Date", "Place", "Item", "Quantity"},
		{"2026-01-14", "Durrës", "pistol", 3},
		{"2026-02-02", "Kakavijë", "rifle", 1},
		{"2026-03-21", "Tiranë", "rounds", 450},
		{"2026-05-09", "Shkodër", "hand grenade", 2},
	}
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", cellAt("A", i+1), &r); err != nil {
			return nil, err
		}
	}
	return save(f, "not-our-template.xlsx")
}

func textNotWorkbook(base Workbook) string {
	return fmt.Sprintf(`From: %s <%s>
Subject: Report %s %s

Dear colleagues,

please find our figures for %s below; the workbook would not open on our side.

Firearms seized: see attachment.

Best regards,
%s
`, base.Cover.Contact, base.Cover.Email, base.Jurisdiction, base.Period, base.Period.Label(), base.Cover.Contact)
}

func csvFigures(base Workbook) string {
	var b strings.Builder
	b.WriteString("code,value\n")
	for _, v := range base.Values {
		if !v.Reported {
			continue
		}
		val := v.Level
		if val == "" {
			val = fmt.Sprint(v.Number)
		}
		fmt.Fprintf(&b, "%s,%s\n", v.Row, val)
	}
	return b.String()
}

// minimalPDF is a one-page PDF with correct cross-reference offsets.
func minimalPDF() []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		"",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	content := "BT /F1 14 Tf 72 770 Td (Report of the Commission - scanned) Tj ET"
	objs[3] = fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content)
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// oleFile is the start of an OLE compound file: the header of a version 3
// container (512-byte sectors) followed by empty sectors. It is enough for any
// reader that looks at the magic bytes, which is all ingest must do.
func oleFile() []byte {
	b := make([]byte, 512+3*512)
	copy(b, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	put16 := func(at int, v uint16) { b[at], b[at+1] = byte(v), byte(v>>8) }
	put32 := func(at int, v uint32) {
		for i := range 4 {
			b[at+i] = byte(v >> (8 * i))
		}
	}
	put16(0x18, 0x003E) // minor version
	put16(0x1A, 0x0003) // major version 3
	put16(0x1C, 0xFFFE) // little-endian
	put16(0x1E, 0x0009) // 512-byte sectors
	put16(0x20, 0x0006) // 64-byte mini sectors
	put32(0x2C, 1)      // one FAT sector
	put32(0x30, 1)      // first directory sector
	put32(0x38, 0x1000) // mini stream cutoff
	put32(0x3C, 0xFFFFFFFE)
	put32(0x44, 0xFFFFFFFE)
	for i := 0x4C; i < 512; i += 4 {
		put32(i, 0xFFFFFFFF)
	}
	put32(0x4C, 0) // the FAT is sector 0
	// Directory sector: the root entry, named in UTF-16 as OLE names it.
	dir := 512 + 512
	for i, r := range "Root Entry" {
		put16(dir+2*i, uint16(r))
	}
	put16(dir+0x40, uint16(2*len("Root Entry")+2))
	b[dir+0x42] = 5 // root storage
	return b
}

// odsFile is a minimal OpenDocument spreadsheet: the mimetype entry first and
// stored, as the format requires, then a manifest and one table.
func odsFile() ([]byte, error) {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	when := time.Date(2026, time.July, 20, 9, 30, 0, 0, time.UTC)
	files := []struct {
		name, body string
		method     uint16
	}{
		{"mimetype", "application/vnd.oasis.opendocument.spreadsheet", zip.Store},
		{"META-INF/manifest.xml", `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
`, zip.Deflate},
		{"content.xml", `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
 <office:body>
  <office:spreadsheet>
   <table:table table:name="KPI">
    <table:table-row><table:table-cell office:value-type="string"><text:p>Code</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Value</text:p></table:table-cell></table:table-row>
    <table:table-row><table:table-cell office:value-type="string"><text:p>G3.1</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="812"><text:p>812</text:p></table:table-cell></table:table-row>
   </table:table>
  </office:spreadsheet>
 </office:body>
</office:document-content>
`, zip.Deflate},
	}
	for _, fl := range files {
		w, err := z.CreateHeader(&zip.FileHeader{Name: fl.name, Method: fl.method, Modified: when})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(fl.body)); err != nil {
			return nil, err
		}
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// brokenYAML writes broken.yaml: the list that the ingest end-to-end test reads.
func brokenYAML(list []Broken) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`# The broken samples: each file, the inbox subfolder to drop it into (inbox/FOLDER/),
# the finding code ingest must report for it, and what is wrong with it.
# Generated by samples/gen: do not edit by hand.
`)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(list); err != nil {
		return nil, fmt.Errorf("write %s: %w", BrokenIndex, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("write %s: %w", BrokenIndex, err)
	}
	return b.Bytes(), nil
}
