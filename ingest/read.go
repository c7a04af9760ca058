package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
)

// Limits on what excelize may unpack from one workbook. A real template is
// well under a megabyte unpacked; the caps stop a zip bomb long before memory
// or the temporary folder runs out.
const (
	unzipSizeLimit    = 200 << 20 // all entries together
	unzipXMLSizeLimit = 16 << 20  // one sheet or the shared strings in memory; larger spill to TmpDir
	// sheetXMLLimit caps the sheets and shared strings together, unpacked.
	// The parser holds a sheet it reads whole at some twenty times its XML
	// size: a 9 MB file of 150 MB of rows took 3.5 GB. A template's sheets
	// are some tens of kilobytes.
	sheetXMLLimit = 8 << 20
	// maxRows bounds the row numbers a sheet may declare. A KPI sheet has
	// some tens of rows; excelize allocates a row for every number up to the
	// last one declared, so a sheet naming row 1,048,576 in a few bytes
	// would cost some hundred megabytes.
	maxRows = 10_000
)

// fmtKind is what a cell's number format makes of a number.
type fmtKind int

const (
	fmtGeneral fmtKind = iota
	fmtPercent         // 0.45 shows as 45 %
	fmtDate            // a serial day number shows as a date
	fmtText            // "@": whatever is typed stays text
)

// cell is one cell as the file stores it, before any interpretation.
type cell struct {
	Ref     string // "F7"
	Text    string // the raw value: a number as stored, a string, a cached formula result
	Type    excelize.CellType
	Formula bool // the cell holds a formula (Text is then its cached result, if any)
	Format  fmtKind
}

// blank reports whether the cell holds nothing at all once spaces are removed.
func (c cell) blank() bool { return strings.TrimSpace(c.Text) == "" }

// isText reports whether the file stores the cell's value as text.
func (c cell) isText() bool {
	switch c.Type {
	case excelize.CellTypeSharedString, excelize.CellTypeInlineString:
		return true
	case excelize.CellTypeFormula: // t="str": a formula whose result is text
		return true
	}
	return false
}

// kpiLine is one row of the KPI sheet that carries something in column A.
type kpiLine struct {
	Row     int
	Code    string // column A, spaces trimmed
	Value   cell   // column F
	Comment string // column G, spaces trimmed
}

// narrativeLine is one row of the narrative sheet.
type narrativeLine struct {
	Row                           int
	Goal                          string
	Progress, Challenges, Support string
}

// metaEntry is one key of the metadata sheet with where its value sits.
type metaEntry struct {
	Value string
	Cell  string
}

// workbook is what the reader takes out of a file: the raw contents of the
// sheets the template defines, found by name, with no judgement made yet.
type workbook struct {
	Sheets       []string
	HasKPI       bool
	HasMeta      bool
	HasCover     bool
	HasNarrative bool
	Meta         map[string]metaEntry
	Cover        map[string]cell // by the pinned cover cell references
	KPI          []kpiLine       // in sheet order
	Narratives   []narrativeLine // in sheet order
	Date1904     bool
	// Synthesis is what a synthesis workbook says (its metadata names it
	// one); nil for any other workbook.
	Synthesis *roadmap.Synthesis
}

// sniff looks at the first bytes of data and says whether it can be an xlsx
// workbook. A nil finding means "a zip that is an OOXML spreadsheet, go on",
// and rows is then the last row any of its sheets declares (see
// declaredRows); otherwise the finding names what the file looks like instead.
func sniff(data []byte) (found *roadmap.Finding, rows int) {
	fail := func(code roadmap.Code, msg string) *roadmap.Finding {
		return &roadmap.Finding{Severity: roadmap.Error, Code: code, Message: msg}
	}
	notWorkbook := func(what string) *roadmap.Finding {
		return fail(roadmap.CodeNotWorkbook, fmt.Sprintf(
			"This file is not an Excel workbook but %s: open the KPI template you were sent, fill it in and save it as an Excel workbook (.xlsx).", what))
	}
	switch {
	case len(data) == 0:
		return fail(roadmap.CodeNotWorkbook, "This file is empty (0 bytes), perhaps because it was copied before it was fully saved: save the workbook again and send the new copy."), 0
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return sniffZip(data, fail, notWorkbook)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return sniffOLE(data, fail, notWorkbook), 0
	case bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return notWorkbook("an empty zip archive"), 0
	case bytes.HasPrefix(data, []byte("%PDF")):
		return notWorkbook("a PDF document"), 0
	case bytes.HasPrefix(data, []byte("\x89PNG")):
		return notWorkbook("a PNG image"), 0
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return notWorkbook("a JPEG image (a photo or a scan)"), 0
	case bytes.HasPrefix(data, []byte("GIF8")):
		return notWorkbook("a GIF image"), 0
	case bytes.HasPrefix(data, []byte(`{\rtf`)):
		return notWorkbook("an RTF text document"), 0
	}
	if looksText(data) {
		head := strings.ToLower(string(data[:min(len(data), 1024)]))
		switch {
		case strings.Contains(head, "urn:schemas-microsoft-com:office:spreadsheet"):
			return notWorkbook("an Excel 2003 XML spreadsheet"), 0
		case strings.Contains(head, "<html") || strings.Contains(head, "<!doctype html"):
			return notWorkbook("a web page (HTML), perhaps exported from a web application with a spreadsheet name"), 0
		case strings.HasPrefix(strings.TrimSpace(head), "<?xml"):
			return notWorkbook("an XML file"), 0
		case strings.ContainsAny(head, ",;\t"):
			return notWorkbook("a plain text or CSV file"), 0
		}
		return notWorkbook("a plain text file"), 0
	}
	m := mimetype.Detect(data)
	if m.Extension() != "" && !m.Is("application/octet-stream") {
		return notWorkbook(fmt.Sprintf("a %s file", strings.TrimPrefix(m.Extension(), "."))), 0
	}
	return notWorkbook("a file of an unknown kind"), 0
}

// looksText reports whether the start of data reads as text: valid UTF-8 (or
// plain bytes of a legacy code page) without the control bytes of a binary.
func looksText(data []byte) bool {
	head := data[:min(len(data), 512)]
	for _, b := range head {
		if b == 0 || (b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f') {
			return false
		}
	}
	// A cut in the middle of a multi-byte rune at the end is not binary.
	for i := 0; i < 3 && len(head) > 0 && !utf8.Valid(head); i++ {
		head = head[:len(head)-1]
	}
	return utf8.Valid(head) || !bytes.ContainsAny(head, "\x7f")
}

func sniffZip(data []byte, fail func(roadmap.Code, string) *roadmap.Finding, notWorkbook func(string) *roadmap.Finding) (*roadmap.Finding, int) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return damaged(), 0
	}
	names := make(map[string]*zip.File, len(zr.File))
	var sheetXML uint64
	var sheets []*zip.File
	for _, f := range zr.File {
		names[f.Name] = f
		isSheet := strings.HasPrefix(f.Name, "xl/worksheets/") && strings.HasSuffix(f.Name, ".xml")
		if isSheet {
			sheets = append(sheets, f)
		}
		if isSheet || f.Name == "xl/sharedStrings.xml" {
			sheetXML += f.UncompressedSize64
		}
	}
	tooLarge := func() *roadmap.Finding {
		return fail(roadmap.CodeTooLarge, fmt.Sprintf("The sheets of this workbook unpack to more than %d MB, far more than a KPI report needs: send the KPI template filled in, without extra sheets or rows.", sheetXMLLimit>>20))
	}
	if sheetXML > sheetXMLLimit {
		return tooLarge(), 0
	}
	if mt, ok := names["mimetype"]; ok {
		kind := readSmall(mt, 100)
		switch {
		case kind == "application/vnd.oasis.opendocument.spreadsheet":
			return fail(roadmap.CodeODS, "This file is an OpenDocument spreadsheet (.ods), not an Excel workbook: in LibreOffice choose File, Save As, pick the file type \"Excel 2007-365 (.xlsx)\", keep the current format when asked, and send the .xlsx file."), 0
		case strings.Contains(kind, "opendocument.text"):
			return notWorkbook("an OpenDocument text document (.odt)"), 0
		case strings.HasPrefix(kind, "application/vnd.oasis.opendocument"):
			return notWorkbook("an OpenDocument file"), 0
		case strings.HasPrefix(kind, "application/epub"):
			return notWorkbook("an e-book (EPUB)"), 0
		}
	}
	if _, ok := names["[Content_Types].xml"]; !ok {
		return notWorkbook("a zip archive: if the workbook is inside it, take it out and send the workbook itself"), 0
	}
	rows, over := 0, false
	for _, f := range sheets {
		n, err := declaredRows(f, sheetXMLLimit)
		switch {
		case errors.Is(err, errSheetTooLarge):
			over = true
		case err != nil:
			return damaged(), 0
		}
		rows = max(rows, n)
	}
	switch {
	case over:
		return tooLarge(), 0
	case rows > maxRows:
		return fail(roadmap.CodeTooLarge, fmt.Sprintf("A sheet of this workbook has rows down to row %d, far more than a KPI report needs: send the KPI template filled in, without extra rows.", rows)), 0
	case names["xl/workbook.xml"] != nil:
		return nil, rows
	case names["xl/workbook.bin"] != nil:
		return fail(roadmap.CodeUnsupportedFile, "This file is an Excel binary workbook (.xlsb), which cannot be read: in Excel choose File, Save As, pick \"Excel Workbook (*.xlsx)\" and send that file."), 0
	case names["word/document.xml"] != nil:
		return notWorkbook("a Word document"), 0
	case names["ppt/presentation.xml"] != nil:
		return notWorkbook("a PowerPoint presentation"), 0
	}
	// Strict OOXML and other producers may place the workbook part elsewhere;
	// excelize follows the package relationships, so let it decide.
	return nil, rows
}

// errSheetTooLarge is a sheet that unpacks to more than it claimed, past the limit.
var errSheetTooLarge = errors.New("the sheet unpacks to more than the limit")

// declaredRows is an upper bound of the last row a worksheet declares, found
// by scanning its XML for row numbers without parsing it, so that it can run
// before excelize allocates a row for every number up to the last: the
// largest row number in a row's or a cell's r attribute ("12", "F12"), or the
// number of row elements if larger (a row may leave r out and is then
// numbered in order). Other r attributes only make the bound larger.
func declaredRows(f *zip.File, limit int64) (int, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return 0, err
	}
	if int64(len(data)) > limit {
		return 0, errSheetTooLarge
	}
	last, elements := 0, 0
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("row"))
		if j < 0 {
			break
		}
		at := i + j
		i = at + 3
		if at > 0 && (data[at-1] == '<' || data[at-1] == ':') && i < len(data) && (data[i] == ' ' || data[i] == '>' || data[i] == '/') {
			elements++
		}
	}
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte(` r="`))
		if j < 0 {
			break
		}
		i += j + 4
		end := bytes.IndexByte(data[i:], '"')
		if end < 0 {
			break
		}
		value := data[i : i+end]
		digits := len(value)
		for digits > 0 && value[digits-1] >= '0' && value[digits-1] <= '9' {
			digits--
		}
		n := 0
		for _, c := range value[digits:] {
			n = min(n*10+int(c-'0'), maxRows+1)
		}
		last = max(last, n)
		i += end
	}
	return max(last, elements), nil
}

func readSmall(f *zip.File, limit int64) string {
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, limit))
	return strings.TrimSpace(string(b))
}

// sniffOLE tells apart the two things an Excel user sends in an OLE compound
// file: a workbook saved with a password (Excel wraps the encrypted xlsx in an
// OLE container with an EncryptedPackage stream) and an old .xls (a Workbook
// or Book stream). Both start with the same eight bytes.
func sniffOLE(data []byte, fail func(roadmap.Code, string) *roadmap.Finding, notWorkbook func(string) *roadmap.Finding) (found *roadmap.Finding) {
	const (
		encrypted = "This file is an encrypted (password-protected) workbook, or an old Excel 97–2003 .xls; it looks encrypted: open it in Excel, remove the password (File, Info, Protect Workbook, Encrypt with Password, clear the password) and send it again as .xlsx."
		oldXLS    = "This file is an encrypted (password-protected) workbook, or an old Excel 97–2003 .xls; it looks like an old .xls: open it in Excel or LibreOffice, save it as an Excel Workbook (.xlsx) and send that file."
		unsure    = "This file is an encrypted (password-protected) workbook, or an old Excel 97–2003 .xls: open it in Excel, remove any password, save it as an Excel Workbook (.xlsx) and send that file."
	)
	defer func() {
		// mscfb is a parser of outside input like any other: a panic in it
		// must not cost more than the guess.
		if recover() != nil {
			found = fail(roadmap.CodeEncryptedOrXLS, unsure)
		}
	}()
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return fail(roadmap.CodeEncryptedOrXLS, unsure)
	}
	var streams []string
	for e, err := doc.Next(); err == nil && len(streams) < 1000; e, err = doc.Next() {
		streams = append(streams, e.Name)
	}
	has := func(name string) bool {
		for _, s := range streams {
			if strings.EqualFold(s, name) {
				return true
			}
		}
		return false
	}
	switch {
	case has("EncryptedPackage") || has("EncryptionInfo"):
		return fail(roadmap.CodeEncryptedOrXLS, encrypted)
	case has("Workbook") || has("Book"):
		return fail(roadmap.CodeEncryptedOrXLS, oldXLS)
	case has("WordDocument"):
		return notWorkbook("an old Word document (.doc)")
	case has("PowerPoint Document"):
		return notWorkbook("an old PowerPoint presentation (.ppt)")
	}
	return fail(roadmap.CodeEncryptedOrXLS, unsure)
}

func damaged() *roadmap.Finding {
	return &roadmap.Finding{Severity: roadmap.Error, Code: roadmap.CodeDamaged,
		Message: "This file looks like an Excel workbook but is damaged or incomplete, perhaps cut off while it was copied: open it in Excel or LibreOffice, save it again as .xlsx and send the new copy."}
}

// readWorkbook opens data with excelize and takes out the template's sheets.
// Any failure of the parser, a panic included, becomes a finding: a file from
// outside must never stop the program.
// rows is the last row any sheet declares (sniff): the sheets are read up to
// it.
func readWorkbook(data []byte, tmpDir string, rows int) (wb *workbook, found *roadmap.Finding) {
	defer func() {
		if r := recover(); r != nil {
			wb, found = nil, damaged()
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    unzipSizeLimit,
		UnzipXMLSizeLimit: unzipXMLSizeLimit,
		TmpDir:            tmpDir,
	})
	if f != nil {
		defer f.Close()
	}
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookPassword) || errors.Is(err, excelize.ErrWorkbookFileFormat) {
			return nil, &roadmap.Finding{Severity: roadmap.Error, Code: roadmap.CodeEncryptedOrXLS,
				Message: "This file is an encrypted (password-protected) workbook, or an old Excel 97–2003 .xls: open it in Excel, remove any password, save it as an Excel Workbook (.xlsx) and send that file."}
		}
		if strings.Contains(err.Error(), "unzip size") {
			return nil, &roadmap.Finding{Severity: roadmap.Error, Code: roadmap.CodeTooLarge,
				Message: fmt.Sprintf("This workbook unpacks to more than %d MB, far more than a KPI report needs: send the KPI template filled in, without pictures or extra sheets.", unzipSizeLimit>>20)}
		}
		return nil, damaged()
	}
	r := &sheetReader{f: f, rows: rows, formats: map[int]fmtKind{}}
	wb, err = r.read()
	if err != nil {
		return nil, damaged()
	}
	return wb, nil
}

// sheetReader reads the template's sheets from one open file.
type sheetReader struct {
	f       *excelize.File
	rows    int             // the last row any sheet declares
	formats map[int]fmtKind // style id → what its number format does
}

// read takes out the sheets the template defines, by name and whatever their
// visibility (LibreOffice saves a very hidden sheet back as merely hidden).
// Other sheets are ignored: the annotated feedback copy adds a "Findings"
// sheet, and a Commission that fixes that copy in place and sends it back is
// sending a valid template.
func (r *sheetReader) read() (*workbook, error) {
	wb := &workbook{
		Sheets: r.f.GetSheetList(),
		Meta:   map[string]metaEntry{},
		Cover:  map[string]cell{},
	}
	for _, s := range wb.Sheets {
		switch s {
		case roadmap.SheetKPI:
			wb.HasKPI = true
		case roadmap.SheetMeta:
			wb.HasMeta = true
		case roadmap.SheetCover:
			wb.HasCover = true
		case roadmap.SheetNarrative:
			wb.HasNarrative = true
		}
	}
	props, err := r.f.GetWorkbookProps()
	if err != nil {
		return nil, fmt.Errorf("workbook properties: %w", err)
	}
	if props.Date1904 != nil {
		wb.Date1904 = *props.Date1904
	}
	if wb.HasMeta {
		if err := r.readMeta(wb); err != nil {
			return nil, err
		}
	}
	if wb.HasCover {
		if err := r.readCover(wb); err != nil {
			return nil, err
		}
	}
	if wb.HasKPI {
		if err := r.readKPI(wb); err != nil {
			return nil, err
		}
	}
	if wb.HasNarrative {
		if err := r.readNarrative(wb); err != nil {
			return nil, err
		}
	}
	if wb.Meta[roadmap.MetaKind].Value == roadmap.KindSynthesis {
		if err := r.readSynthesis(wb); err != nil {
			return nil, err
		}
	}
	return wb, nil
}

// eachRow calls fn with each row of a sheet that has a value in one of the
// columns given (0-based), up to the last row the workbook declares: cols
// holds those columns' values at their indexes. excelize parses the sheet
// once, at the first cell read, and answers the rest from memory; that one
// parse also reports broken XML, which a row stream would silently cut
// short. Reading the parsed sheet rather than streaming it is what lets the
// KPI sheet's values and their types, formats and formulas come from one
// parse.
func (r *sheetReader) eachRow(sheet string, want []int, fn func(row int, cols []string)) error {
	names := make([]string, len(want))
	width := 0
	for i, c := range want {
		name, err := excelize.ColumnNumberToName(c + 1)
		if err != nil {
			return err
		}
		names[i] = name
		width = max(width, c+1)
	}
	cols := make([]string, width)
	for row := 1; row <= r.rows; row++ {
		empty := true
		for i, c := range want {
			v, err := r.f.GetCellValue(sheet, names[i]+strconv.Itoa(row))
			if err != nil {
				return fmt.Errorf("sheet %s row %d: %w", sheet, row, err)
			}
			cols[c] = v
			empty = empty && v == ""
		}
		if !empty {
			fn(row, cols)
		}
	}
	return nil
}

func col(cols []string, i int) string {
	if i < len(cols) {
		return cols[i]
	}
	return ""
}

// colIndex is the 0-based index of a column letter.
func colIndex(name string) int {
	n, err := excelize.ColumnNameToNumber(name)
	if err != nil {
		return -1
	}
	return n - 1
}

func (r *sheetReader) readMeta(wb *workbook) error {
	return r.eachRow(roadmap.SheetMeta, []int{0, 1}, func(row int, cols []string) {
		key := strings.TrimSpace(col(cols, 0))
		if key == "" {
			return
		}
		if _, dup := wb.Meta[key]; dup {
			return
		}
		wb.Meta[key] = metaEntry{Value: strings.TrimSpace(col(cols, 1)), Cell: fmt.Sprintf("B%d", row)}
	})
}

var coverCells = []string{
	roadmap.CoverJurisdiction, roadmap.CoverPeriod, roadmap.CoverInstitution,
	roadmap.CoverContact, roadmap.CoverEmail, roadmap.CoverDate, roadmap.CoverStatus,
}

func (r *sheetReader) readCover(wb *workbook) error {
	for _, ref := range coverCells {
		text, err := r.f.GetCellValue(roadmap.SheetCover, ref)
		if err != nil {
			return fmt.Errorf("cover %s: %w", ref, err)
		}
		c, err := r.describe(roadmap.SheetCover, ref, text)
		if err != nil {
			return err
		}
		wb.Cover[ref] = c
	}
	return nil
}

func (r *sheetReader) readKPI(wb *workbook) error {
	codeCol := colIndex(roadmap.KPIColCode)
	valueCol := colIndex(roadmap.KPIColValue)
	commentCol := colIndex(roadmap.KPIColComment)
	err := r.eachRow(roadmap.SheetKPI, []int{codeCol, valueCol, commentCol}, func(row int, cols []string) {
		code := strings.TrimSpace(col(cols, codeCol))
		if code == "" || row == roadmap.KPIHeaderRow {
			return
		}
		wb.KPI = append(wb.KPI, kpiLine{
			Row:     row,
			Code:    code,
			Value:   cell{Ref: roadmap.KPIColValue + fmt.Sprint(row), Text: col(cols, valueCol)},
			Comment: strings.TrimSpace(col(cols, commentCol)),
		})
	})
	if err != nil {
		return err
	}
	// The type, format and formula of each value cell come from the same
	// parsed sheet.
	for i := range wb.KPI {
		v := &wb.KPI[i].Value
		c, err := r.describe(roadmap.SheetKPI, v.Ref, v.Text)
		if err != nil {
			return err
		}
		*v = c
	}
	return nil
}

// describe completes a cell's raw text with its stored type, number format
// and whether it holds a formula.
func (r *sheetReader) describe(sheet, ref, text string) (cell, error) {
	c := cell{Ref: ref, Text: text}
	var err error
	if c.Type, err = r.f.GetCellType(sheet, ref); err != nil {
		return c, fmt.Errorf("%s!%s: %w", sheet, ref, err)
	}
	formula, err := r.f.GetCellFormula(sheet, ref)
	if err != nil {
		return c, fmt.Errorf("%s!%s: %w", sheet, ref, err)
	}
	c.Formula = formula != ""
	if c.Type == excelize.CellTypeFormula {
		// t="str" is a formula's cached text result, even when the formula
		// itself has been stripped.
		c.Formula = true
	}
	style, err := r.f.GetCellStyle(sheet, ref)
	if err != nil {
		return c, fmt.Errorf("%s!%s: %w", sheet, ref, err)
	}
	c.Format = r.format(style)
	return c, nil
}

func (r *sheetReader) format(style int) fmtKind {
	if k, ok := r.formats[style]; ok {
		return k
	}
	k := fmtGeneral
	if s, err := r.f.GetStyle(style); err == nil && s != nil {
		if s.CustomNumFmt != nil {
			k = classifyFormat(*s.CustomNumFmt)
		} else {
			k = builtinFormat(s.NumFmt)
		}
	}
	r.formats[style] = k
	return k
}

// builtinFormat classifies Excel's built-in number formats by id (ECMA-376
// part 1, 18.8.30, plus the East Asian date formats Excel also treats as dates).
func builtinFormat(id int) fmtKind {
	switch {
	case id == 9 || id == 10:
		return fmtPercent
	case id >= 14 && id <= 22, id >= 27 && id <= 36, id >= 45 && id <= 47, id >= 50 && id <= 58:
		return fmtDate
	case id == 49:
		return fmtText
	}
	return fmtGeneral
}

// classifyFormat reads a custom format code such as "0.0%", "yyyy-mm-dd" or
// "[$-409]d mmm yyyy;@". Only the first section (positive numbers) counts;
// quoted text, escaped characters and bracketed locale or colour codes are
// skipped so that "0 \"days\"" is not taken for a date.
func classifyFormat(code string) fmtKind {
	section, _, _ := strings.Cut(code, ";")
	var b strings.Builder
	for i := 0; i < len(section); i++ {
		switch ch := section[i]; ch {
		case '"':
			j := strings.IndexByte(section[i+1:], '"')
			if j < 0 {
				i = len(section)
			} else {
				i += j + 1
			}
		case '\\', '_', '*':
			i++ // the next character is literal or a padding character
		case '[':
			j := strings.IndexByte(section[i+1:], ']')
			inner := ""
			if j >= 0 {
				inner = strings.ToLower(section[i+1 : i+1+j])
			}
			// [h], [mm], [ss] are elapsed-time formats: a date-time all the same.
			if inner != "" && strings.Trim(inner, "hms") == "" {
				b.WriteByte('h')
			}
			if j < 0 {
				i = len(section)
			} else {
				i += j + 1
			}
		default:
			b.WriteByte(ch)
		}
	}
	s := strings.ToLower(b.String())
	switch {
	case s == "@":
		return fmtText
	case strings.Contains(s, "%"):
		return fmtPercent
	case s == "general":
		return fmtGeneral
	case strings.ContainsAny(s, "ymdhs"):
		return fmtDate
	}
	return fmtGeneral
}

func (r *sheetReader) readNarrative(wb *workbook) error {
	goalCol := colIndex(roadmap.NarrColGoal)
	progCol := colIndex(roadmap.NarrColProgress)
	chalCol := colIndex(roadmap.NarrColChallenge)
	suppCol := colIndex(roadmap.NarrColSupport)
	return r.eachRow(roadmap.SheetNarrative, []int{goalCol, progCol, chalCol, suppCol}, func(row int, cols []string) {
		goal := strings.TrimSpace(col(cols, goalCol))
		if goal == "" || row == roadmap.NarrHeaderRow {
			return
		}
		wb.Narratives = append(wb.Narratives, narrativeLine{
			Row:        row,
			Goal:       goal,
			Progress:   strings.TrimSpace(col(cols, progCol)),
			Challenges: strings.TrimSpace(col(cols, chalCol)),
			Support:    strings.TrimSpace(col(cols, suppCol)),
		})
	})
}
