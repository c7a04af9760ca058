package templates

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

// FileName is the name a template is saved under, e.g. "roadmap-AL-2026-H2.xlsx".
// Ingest does not rely on it (the metadata sheet says what the file is); it
// only keeps a folder of templates readable.
func FileName(jurisdiction string, period roadmap.Period) string {
	return fmt.Sprintf("roadmap-%s-%s.xlsx", jurisdiction, period)
}

// NewWorkbook builds the blank Commission workbook for one jurisdiction and
// period, described in docs/workbook.md with the layout of
// roadmap's workbook.go. The caller owns the file: it may fill it (the sample
// generator does) before writing it, and must Close it.
func NewWorkbook(cat *roadmap.Catalogue, jurisdiction string, period roadmap.Period) (*excelize.File, error) {
	j, err := checkTarget(cat, jurisdiction, period)
	if err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	b := &builder{f: f, cat: cat.InForce(period), j: j, period: period}
	if err := b.build(); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("template for %s %s: %w", jurisdiction, period, err)
	}
	return f, nil
}

// WriteWorkbook writes the blank workbook for one jurisdiction and period to w.
func WriteWorkbook(w io.Writer, cat *roadmap.Catalogue, jurisdiction string, period roadmap.Period) error {
	f, err := NewWorkbook(cat, jurisdiction, period)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write template for %s %s: %w", jurisdiction, period, err)
	}
	return nil
}

// WriteFile writes the blank workbook to path through a temporary file in the
// same folder, renamed into place, so that a watcher or a reader never sees a
// half-written workbook.
func WriteFile(path string, cat *roadmap.Catalogue, jurisdiction string, period roadmap.Period) error {
	f, err := NewWorkbook(cat, jurisdiction, period)
	if err != nil {
		return err
	}
	defer f.Close()
	return saveAtomically(path, f)
}

// WriteAll writes one blank workbook per jurisdiction of the catalogue into dir
// (created if missing), named by FileName, and returns their paths in
// catalogue order.
func WriteAll(dir string, cat *roadmap.Catalogue, period roadmap.Period) ([]string, error) {
	if cat == nil || len(cat.Jurisdictions) == 0 {
		return nil, errors.New("the catalogue lists no jurisdictions, so there is no template to write")
	}
	if err := checkPeriod(cat, period); err != nil {
		return nil, err
	}
	if _, err := datadir.MkdirAll(dir); err != nil {
		return nil, fmt.Errorf("create template folder: %w", err)
	}
	paths := make([]string, 0, len(cat.Jurisdictions))
	for _, j := range cat.Jurisdictions {
		name := FileName(j.Code, period)
		if filepath.Base(name) != name {
			return paths, fmt.Errorf("jurisdiction code %q cannot be part of a file name", j.Code)
		}
		p := filepath.Join(dir, name)
		if err := WriteFile(p, cat, j.Code, period); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// KPIRow is the KPI-sheet row that carries the given row code in the
// template for period written from cat, for programs that fill a template
// by code.
func KPIRow(cat *roadmap.Catalogue, period roadmap.Period, code string) (int, bool) {
	for _, l := range kpiLayout(cat.InForce(period), period) {
		if l.row != nil && l.row.Code == code {
			return l.line, true
		}
	}
	return 0, false
}

// kpiLine is one line of the KPI sheet below its header: a catalogue row, or
// (row nil) the title of a block of figures of one period.
type kpiLine struct {
	line   int
	row    *roadmap.Row
	period roadmap.Period
	title  string
}

// kpiLayout lays out the KPI sheet of a round: the rows due in it, in
// catalogue order, grouped by the period they cover. A block title line goes
// before each group only when the round holds figures of more than one
// period; the Value header names the period otherwise.
func kpiLayout(cat *roadmap.Catalogue, round roadmap.Period) []kpiLine {
	var out []kpiLine
	blocks := map[roadmap.Period][]roadmap.Row{}
	var order []roadmap.Period
	for _, r := range cat.RowsDue(round) {
		p, _ := r.Indicator.PeriodIn(round)
		if _, ok := blocks[p]; !ok {
			order = append(order, p)
		}
		blocks[p] = append(blocks[p], r)
	}
	slices.SortFunc(order, func(a, b roadmap.Period) int { return a.Compare(b) })
	line := roadmap.KPIFirstRow
	for _, p := range order {
		if len(order) > 1 {
			out = append(out, kpiLine{line: line, period: p, title: blockTitle(cat, p)})
			line++
		}
		for i := range blocks[p] {
			out = append(out, kpiLine{line: line, row: &blocks[p][i], period: p})
			line++
		}
	}
	return out
}

// blockTitle names a block of figures: "Yearly figures for 2026
// (January–December 2026)", "Figures for July–December 2026 (2026-H2)".
func blockTitle(cat *roadmap.Catalogue, p roadmap.Period) string {
	if p.IsYear() && p != cat.Baseline {
		return fmt.Sprintf("Yearly figures for %d (January–December %d)", p.Year, p.Year)
	}
	return "Figures for " + periodWords(p)
}

// roundContents says, one line per block, what the round's workbook holds
// and which period each block covers, for the cover and the instructions.
func roundContents(cat *roadmap.Catalogue, round roadmap.Period) []string {
	var out []string
	seen := map[roadmap.Period]bool{}
	for _, r := range cat.RowsDue(round) {
		p, _ := r.Indicator.PeriodIn(round)
		if !seen[p] {
			seen[p] = true
			out = append(out, roadmap.SheetKPI+" sheet: "+lowerFirstWord(blockTitle(cat, p))+".")
		}
	}
	if len(out) == 0 {
		out = append(out, roadmap.SheetKPI+" sheet: no figures are due in this round. "+nextFigures(cat, round))
	}
	if p, ok := cat.NarrativePeriod(round); ok {
		out = append(out, roadmap.SheetNarrative+" sheet: progress, challenges and support needed in "+periodWords(p)+".")
	}
	return out
}

// nextFigures says where the yearly figures of a first half-year's year go.
func nextFigures(cat *roadmap.Catalogue, round roadmap.Period) string {
	if round.Half != 1 || len(cat.Due(roadmap.Period{Year: round.Year, Half: 2})) == 0 {
		return ""
	}
	return fmt.Sprintf("The yearly figures for %d are due in the %d-H2 round.", round.Year, round.Year)
}

func lowerFirstWord(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// saveAtomically writes the workbook through a temporary file renamed into
// place, with the data folder's permission policy: a template handed out must
// never be seen half-written.
func saveAtomically(path string, f *excelize.File) error {
	return datadir.WriteFile(path, datadir.Write{Sync: true}, func(w io.Writer) error { return f.Write(w) })
}

func checkTarget(cat *roadmap.Catalogue, jurisdiction string, period roadmap.Period) (*roadmap.Jurisdiction, error) {
	if cat == nil {
		return nil, errors.New("no catalogue to write a template from")
	}
	j, ok := cat.Jurisdiction(jurisdiction)
	if !ok {
		codes := make([]string, len(cat.Jurisdictions))
		for i, j := range cat.Jurisdictions {
			codes[i] = j.Code
		}
		return nil, fmt.Errorf("jurisdiction %q is not in the catalogue: use one of %s", jurisdiction, strings.Join(codes, ", "))
	}
	if err := checkPeriod(cat, period); err != nil {
		return nil, err
	}
	return j, nil
}

// CheckRound says why a template cannot be made for period, if it cannot:
// no period, or one that is not a round of the catalogue in force for it.
func CheckRound(cat *roadmap.Catalogue, period roadmap.Period) error { return checkPeriod(cat, period) }

func checkPeriod(cat *roadmap.Catalogue, period roadmap.Period) error {
	if period.IsZero() {
		return fmt.Errorf("no reporting period given: write %s", roadmap.PeriodForms)
	}
	if gov := cat.InForce(period); !gov.IsRound(period) {
		return fmt.Errorf("period %s is not a reporting round of %s, whose rounds are %s", period, orTitle(gov), gov.RoundWords())
	}
	return nil
}

// builder writes one workbook; styles are created once per file and reused.
type builder struct {
	f      *excelize.File
	cat    *roadmap.Catalogue
	j      *roadmap.Jurisdiction
	period roadmap.Period
	st     styles
	lists  int // columns used so far on the lists sheet
}

type styles struct {
	title, subtitle, label, text, note, header, code, cell, cellWrap int
	input, inputWrap, inputDate, locked                              int
}

const (
	// fontFamily is Excel's default, which has Latin, Greek and Cyrillic;
	// LibreOffice substitutes a metric-compatible font where it is missing.
	fontFamily = "Calibri"
	fillInput  = "FFF2CC" // pale yellow: "type here", the usual convention
	fillHeader = "DDEBF7"
	gridColour = "BFBFBF"
)

func (b *builder) build() error {
	steps := []func() error{
		b.makeStyles,
		b.sheets,
		b.cover,
		b.instructions,
		b.kpi,
		b.narrative,
		b.meta,
		b.props,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) makeStyles() error {
	border := []excelize.Border{
		{Type: "left", Color: gridColour, Style: 1},
		{Type: "right", Color: gridColour, Style: 1},
		{Type: "top", Color: gridColour, Style: 1},
		{Type: "bottom", Color: gridColour, Style: 1},
	}
	top := func(wrap bool) *excelize.Alignment {
		return &excelize.Alignment{Vertical: "top", WrapText: wrap}
	}
	unlocked := &excelize.Protection{Locked: false}
	locked := &excelize.Protection{Locked: true}
	yellow := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fillInput}}
	dateFmt := "yyyy-mm-dd"
	// Every font is named: a style without a family makes LibreOffice fall
	// back to its default serif font, unlike the rest of the workbook.
	font := func(bold, italic bool, size float64, colour string) *excelize.Font {
		return &excelize.Font{Family: fontFamily, Size: size, Bold: bold, Italic: italic, Color: colour}
	}
	defs := []struct {
		id *int
		s  excelize.Style
	}{
		{&b.st.title, excelize.Style{Font: font(true, false, 16, ""), Alignment: top(true), Protection: locked}},
		{&b.st.subtitle, excelize.Style{Font: font(true, false, 12, ""), Alignment: top(true), Protection: locked}},
		{&b.st.label, excelize.Style{Font: font(true, false, 11, ""), Alignment: top(true), Protection: locked}},
		{&b.st.text, excelize.Style{Font: font(false, false, 11, ""), Alignment: top(true), Protection: locked}},
		{&b.st.note, excelize.Style{Font: font(false, true, 11, "595959"), Alignment: top(true), Protection: locked}},
		{&b.st.header, excelize.Style{Font: font(true, false, 11, ""), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fillHeader}}, Border: border, Alignment: top(true), Protection: locked}},
		{&b.st.code, excelize.Style{Font: font(true, false, 11, ""), Border: border, Alignment: top(false), Protection: locked}},
		{&b.st.cell, excelize.Style{Font: font(false, false, 11, ""), Border: border, Alignment: top(false), Protection: locked}},
		{&b.st.cellWrap, excelize.Style{Font: font(false, false, 11, ""), Border: border, Alignment: top(true), Protection: locked}},
		{&b.st.input, excelize.Style{Font: font(false, false, 11, ""), Border: border, Fill: yellow, Alignment: top(false), Protection: unlocked}},
		{&b.st.inputWrap, excelize.Style{Font: font(false, false, 11, ""), Border: border, Fill: yellow, Alignment: top(true), Protection: unlocked}},
		{&b.st.inputDate, excelize.Style{Font: font(false, false, 11, ""), Border: border, Fill: yellow, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}, Protection: unlocked, CustomNumFmt: &dateFmt}},
		{&b.st.locked, excelize.Style{Border: border, Font: font(true, false, 11, ""), Alignment: top(false), Protection: locked}},
	}
	for _, d := range defs {
		id, err := b.f.NewStyle(&d.s)
		if err != nil {
			return fmt.Errorf("style: %w", err)
		}
		*d.id = id
	}
	return nil
}

// sheets creates the sheets in their pinned order; the lists sheet is added by
// the KPI sheet only when a status scale is too long for an inline list.
func (b *builder) sheets() error {
	if err := b.f.SetSheetName(b.f.GetSheetName(0), roadmap.SheetCover); err != nil {
		return err
	}
	for _, s := range []string{roadmap.SheetInstructions, roadmap.SheetKPI, roadmap.SheetNarrative, roadmap.SheetMeta} {
		if _, err := b.f.NewSheet(s); err != nil {
			return fmt.Errorf("sheet %s: %w", s, err)
		}
	}
	b.f.SetActiveSheet(0)
	return b.f.SetSheetVisible(roadmap.SheetMeta, false, true)
}

// protect locks a sheet against accidental edits. There is no password: the
// protection keeps the layout that ingest reads intact, it is not a security
// control, and a forgotten password would only stop a Commission from working.
func (b *builder) protect(sheet string) error {
	return b.f.ProtectSheet(sheet, &excelize.SheetProtectionOptions{
		SelectLockedCells:   true,
		SelectUnlockedCells: true,
		FormatColumns:       true,
		FormatRows:          true,
	})
}

func (b *builder) set(sheet, cell string, value any, style int) error {
	if err := b.f.SetCellValue(sheet, cell, value); err != nil {
		return fmt.Errorf("%s!%s: %w", sheet, cell, err)
	}
	if err := b.f.SetCellStyle(sheet, cell, cell, style); err != nil {
		return fmt.Errorf("%s!%s: %w", sheet, cell, err)
	}
	return nil
}

func (b *builder) jurisdictionName() string {
	name := b.j.Name
	if b.j.Footnote != "" && !strings.HasSuffix(name, "*") {
		name += "*"
	}
	return name
}

func (b *builder) cover() error {
	s := roadmap.SheetCover
	title := b.cat.Short
	if title == "" {
		title = b.cat.Title
	}
	rows := []struct {
		cell  string
		value any
		style int
	}{
		{"A1", title + ": report of the Commission", b.st.title},
		{"A2", b.cat.Title, b.st.note},
		{"A3", "Jurisdiction", b.st.label},
		{roadmap.CoverJurisdiction, b.j.Code, b.st.locked},
		{"C3", b.jurisdictionName(), b.st.label},
		{"A4", "Reporting period", b.st.label},
		{roadmap.CoverPeriod, b.period.String(), b.st.locked},
		{"C4", b.period.Label(), b.st.label},
		{"A5", "Reporting institution", b.st.label},
		{roadmap.CoverInstitution, "", b.st.input},
		{"A6", "Contact person", b.st.label},
		{roadmap.CoverContact, "", b.st.input},
		{"A7", "E-mail", b.st.label},
		{roadmap.CoverEmail, "", b.st.input},
		{"A8", "Date of submission", b.st.label},
		{roadmap.CoverDate, "", b.st.inputDate},
		{"C8", "Type the date as " + b.period.Last().AddDate(0, 0, 15).Format(time.DateOnly) + ".", b.st.note},
		{"A9", "Status", b.st.label},
		{roadmap.CoverStatus, "", b.st.input},
		{"C9", "Choose draft while you work and final when the report is approved.", b.st.note},
		{"A11", "Fill in the yellow cells here and on the KPI and Narrative sheets. The Instructions sheet explains how.", b.st.text},
		{"A12", "This workbook holds:", b.st.label},
	}
	for _, r := range rows {
		if err := b.set(s, r.cell, r.value, r.style); err != nil {
			return err
		}
	}
	next := 13
	for _, line := range roundContents(b.cat, b.period) {
		if err := b.set(s, fmt.Sprintf("A%d", next), line, b.st.text); err != nil {
			return err
		}
		next++
	}
	if b.cat.Illustrative {
		note := b.cat.Note
		if note == "" {
			note = "The indicators in this workbook are illustrative."
		}
		if err := b.set(s, fmt.Sprintf("A%d", next), note, b.st.note); err != nil {
			return err
		}
		next++
	}
	if b.j.Footnote != "" {
		if text := b.cat.Footnote(b.j.Footnote, "un"); text != "" {
			if err := b.set(s, fmt.Sprintf("A%d", next), "* "+text, b.st.note); err != nil {
				return err
			}
			next++
		}
	}
	if err := b.set(s, fmt.Sprintf("A%d", next+1), fmt.Sprintf("Template version %s, catalogue %s version %s.", roadmap.TemplateVersion, b.cat.ID, b.cat.Version), b.st.note); err != nil {
		return err
	}
	// Long texts in column A run over the empty columns to their right, so
	// they are merged across the sheet's width to wrap instead of clipping.
	for row := 1; row <= next+1; row++ {
		if row >= 3 && row <= 10 {
			note, err := b.f.GetCellValue(s, fmt.Sprintf("C%d", row))
			if err != nil {
				return err
			}
			if err := b.f.SetRowHeight(s, row, rowHeight(lines(note, coverWidthC))); err != nil {
				return err
			}
			continue
		}
		v, err := b.f.GetCellValue(s, fmt.Sprintf("A%d", row))
		if err != nil {
			return err
		}
		if v == "" {
			continue
		}
		if err := b.f.MergeCell(s, fmt.Sprintf("A%d", row), fmt.Sprintf("C%d", row)); err != nil {
			return err
		}
		if err := b.f.SetRowHeight(s, row, rowHeight(lines(v, coverWidthA+coverWidthB+coverWidthC))*styleScale(row)); err != nil {
			return err
		}
	}
	widths := []struct {
		col string
		w   float64
	}{{"A", coverWidthA}, {"B", coverWidthB}, {"C", coverWidthC}}
	for _, w := range widths {
		if err := b.f.SetColWidth(s, w.col, w.col, w.w); err != nil {
			return err
		}
	}

	date := excelize.NewDataValidation(true)
	date.Sqref = roadmap.CoverDate
	first := b.period.First()
	if err := date.SetRange(excelDate(first), excelDate(first.AddDate(3, 0, 0)), excelize.DataValidationTypeDate, excelize.DataValidationOperatorBetween); err != nil {
		return err
	}
	date.SetError(excelize.DataValidationErrorStyleStop, "Date", fmt.Sprintf("Type a date between %s and %s, such as %s.",
		first.Format(time.DateOnly), first.AddDate(3, 0, 0).Format(time.DateOnly), b.period.Last().AddDate(0, 0, 15).Format(time.DateOnly)))
	if err := b.f.AddDataValidation(s, date); err != nil {
		return err
	}
	status := excelize.NewDataValidation(true)
	status.Sqref = roadmap.CoverStatus
	if err := status.SetDropList([]string{"draft", "final"}); err != nil {
		return err
	}
	status.SetError(excelize.DataValidationErrorStyleStop, "Draft or final", "Choose draft or final from the list.")
	if err := b.f.AddDataValidation(s, status); err != nil {
		return err
	}
	if err := b.fitWidth(s, "portrait"); err != nil {
		return err
	}
	return b.protect(s)
}

const (
	coverWidthA = 24
	coverWidthB = 30
	coverWidthC = 50
)

// styleScale makes the cover's title rows taller for their larger font.
func styleScale(row int) float64 {
	if row == 1 {
		return 1.5
	}
	return 1
}

// excelDate is the Excel serial number of a day (1900 date system).
func excelDate(t time.Time) int {
	const epochOffset = 25569 // days from 1899-12-30 to 1970-01-01
	return int(t.Unix()/86400) + epochOffset
}

func (b *builder) instructions() error {
	s := roadmap.SheetInstructions
	kpi, narr := roadmap.SheetKPI, roadmap.SheetNarrative
	paras := []struct {
		text  string
		style int
	}{
		{"How to fill in this workbook", b.st.title},
		{fmt.Sprintf("This workbook is the report of %s for %s under the %s. It holds every item due in this round, each for its own period:", b.jurisdictionName(), periodWords(b.period), orTitle(b.cat)), b.st.text},
		{"• " + strings.Join(roundContents(b.cat, b.period), "\n• "), b.st.text},
		{"Type only in the yellow cells. The other cells are locked so that the report can be read automatically: do not add, delete, rename or move sheets, rows or columns, and do not change the codes in column A of the " + kpi + " sheet.", b.st.text},
		{"1. Cover", b.st.subtitle},
		{"Fill in the reporting institution, the contact person, their e-mail and the date. Choose draft while you are still working and final when the report is approved. The jurisdiction and the period are already filled in.", b.st.text},
		{"2. " + kpi + " sheet", b.st.subtitle},
		{"There is one row per indicator, and one more row for each part of an indicator that is split (for example by sex). Type the figure for the period named above the rows (or in the Value column's header) in the Value column. The Guidance column says what may be typed in each row; the cell refuses anything else.", b.st.text},
		{"Type plain numbers, without thousands separators or units: 1250, not 1,250 or 1250 kg. For a percentage type 45 for 45 %. For a status, choose one level from the drop-down list.", b.st.text},
		{"Where an indicator is split into parts, fill in the total and every part. The Guidance column says whether the parts must add up to the total or may not exceed it.", b.st.text},
		{"Leave a value blank when the figure is not available. Blank means not reported; it is never read as zero. Type 0 only when the true figure is zero (for example, no weapons were stolen). Use the Comment column to say why a figure is missing or to explain an unusual one.", b.st.text},
		{"3. " + narr + " sheet", b.st.subtitle},
		{"For each goal, describe in a few sentences the progress made in the period, the main challenges, and any support needed. Any language and script may be used.", b.st.text},
		{"4. Sending the report", b.st.subtitle},
		{"Save the workbook as an Excel file (.xlsx) and place it in your Commission's folder of the shared inbox. You will receive a note for every file: either it was accepted, or a list of the cells to correct.", b.st.text},
		{"To correct or update a report, change the same workbook and send it again. The newest version replaces the earlier one for the same period; earlier versions are kept on record. Do not start from a template of another period or jurisdiction: the workbook knows which one it is for.", b.st.text},
	}
	// Narrow enough to print on a portrait page even where Calibri is
	// replaced by a wider font: LibreOffice does not shrink a single column
	// that is wider than the page, whatever the fit-to-width setting.
	const width = 65
	for i, p := range paras {
		cell := fmt.Sprintf("A%d", i+1)
		if err := b.set(s, cell, p.text, p.style); err != nil {
			return err
		}
		h := rowHeight(lines(p.text, width))
		if p.style == b.st.title {
			h *= 1.5
		}
		if err := b.f.SetRowHeight(s, i+1, h); err != nil {
			return err
		}
	}
	if err := b.f.SetColWidth(s, "A", "A", width); err != nil {
		return err
	}
	if err := b.fitWidth(s, "portrait"); err != nil {
		return err
	}
	return b.protect(s)
}

// periodWords is "July–December 2026 (2026-H2)", or "2026" for a year.
func periodWords(p roadmap.Period) string {
	if p.Label() == p.String() {
		return p.String()
	}
	return fmt.Sprintf("%s (%s)", p.Label(), p)
}

func orTitle(cat *roadmap.Catalogue) string {
	if cat.Short != "" {
		return cat.Short
	}
	return cat.Title
}

// KPI sheet column widths, in characters.
var kpiWidths = []struct {
	col string
	w   float64
}{
	{roadmap.KPIColCode, 16},
	{roadmap.KPIColGoal, 6},
	{roadmap.KPIColIndicator, 40},
	{roadmap.KPIColBreakdown, 18},
	{roadmap.KPIColUnit, 11},
	{roadmap.KPIColValue, 16},
	{roadmap.KPIColComment, 30},
	{roadmap.KPIColGuidance, 55},
}

func kpiWidth(col string) float64 {
	for _, w := range kpiWidths {
		if w.col == col {
			return w.w
		}
	}
	return 10
}

func (b *builder) kpi() error {
	s := roadmap.SheetKPI
	header := []struct{ col, text string }{
		{roadmap.KPIColCode, "Code"},
		{roadmap.KPIColGoal, "Goal"},
		{roadmap.KPIColIndicator, "Indicator"},
		{roadmap.KPIColBreakdown, "Part"},
		{roadmap.KPIColUnit, "Unit"},
		{roadmap.KPIColValue, "Value"},
		{roadmap.KPIColComment, "Comment"},
		{roadmap.KPIColGuidance, "Guidance: what to type"},
	}
	for _, h := range header {
		if err := b.set(s, cellAt(h.col, roadmap.KPIHeaderRow), h.text, b.st.header); err != nil {
			return err
		}
	}
	for _, w := range kpiWidths {
		if err := b.f.SetColWidth(s, w.col, w.col, w.w); err != nil {
			return err
		}
	}
	layout := kpiLayout(b.cat, b.period)
	blocks := 0
	for _, l := range layout {
		if l.row == nil {
			blocks++
		}
	}
	if blocks == 0 && len(layout) > 0 {
		if err := b.set(s, cellAt(roadmap.KPIColValue, roadmap.KPIHeaderRow), "Value for "+layout[0].period.String(), b.st.header); err != nil {
			return err
		}
	}
	if len(layout) == 0 {
		msg := strings.TrimSpace("No figures are due in this round. " + nextFigures(b.cat, b.period))
		if err := b.set(s, cellAt(roadmap.KPIColIndicator, roadmap.KPIFirstRow), msg, b.st.cellWrap); err != nil {
			return err
		}
		if err := b.f.SetRowHeight(s, roadmap.KPIFirstRow, rowHeight(lines(msg, kpiWidth(roadmap.KPIColIndicator)))); err != nil {
			return err
		}
	}
	for _, l := range layout {
		if l.row == nil {
			if err := b.set(s, cellAt(roadmap.KPIColIndicator, l.line), l.title, b.st.label); err != nil {
				return err
			}
			continue
		}
		if err := b.kpiRow(l.line, *l.row); err != nil {
			return fmt.Errorf("KPI row %s: %w", l.row.Code, err)
		}
	}
	return b.finishTable(s, roadmap.KPIHeaderRow, cellAt(roadmap.KPIColCode, roadmap.KPIFirstRow))
}

func cellAt(col string, row int) string { return fmt.Sprintf("%s%d", col, row) }

func (b *builder) kpiRow(row int, r roadmap.Row) error {
	s := roadmap.SheetKPI
	ind := r.Indicator
	part := ""
	if r.Part != nil {
		part = r.Part.Label
	} else if ind.Breakdown != nil {
		part = "Total"
	}
	unit := ind.Unit
	if ind.Kind == roadmap.Percent && unit == "" {
		unit = "%"
	}
	if ind.Kind == roadmap.Status {
		unit = "level"
	}
	guidance := guidanceFor(r)
	cells := []struct {
		col   string
		value string
		style int
	}{
		{roadmap.KPIColCode, r.Code, b.st.code},
		{roadmap.KPIColGoal, ind.Goal, b.st.cell},
		{roadmap.KPIColIndicator, ind.Title, b.st.cellWrap},
		{roadmap.KPIColBreakdown, part, b.st.cellWrap},
		{roadmap.KPIColUnit, unit, b.st.cellWrap},
		{roadmap.KPIColValue, "", b.st.input},
		{roadmap.KPIColComment, "", b.st.inputWrap},
		{roadmap.KPIColGuidance, guidance, b.st.cellWrap},
	}
	n := 1
	for _, c := range cells {
		if err := b.set(s, cellAt(c.col, row), c.value, c.style); err != nil {
			return err
		}
		if c.style == b.st.cellWrap {
			n = max(n, lines(c.value, kpiWidth(c.col)))
		}
	}
	if err := b.f.SetRowHeight(s, row, rowHeight(n)); err != nil {
		return err
	}
	dv, err := b.validation(r)
	if err != nil {
		return err
	}
	dv.Sqref = cellAt(roadmap.KPIColValue, row)
	return b.f.AddDataValidation(s, dv)
}

// validation is the Excel data validation of a row's value cell, matching
// what ingest accepts for the indicator's kind. Blank is always allowed:
// it means "not reported".
func (b *builder) validation(r roadmap.Row) (*excelize.DataValidation, error) {
	ind := r.Indicator
	dv := excelize.NewDataValidation(true)
	var err error
	switch ind.Kind {
	case roadmap.Count:
		err = dv.SetRange(0, "", excelize.DataValidationTypeWhole, excelize.DataValidationOperatorGreaterThanOrEqual)
		dv.SetError(excelize.DataValidationErrorStyleStop, "Whole number", "Type a whole number, 0 or more, or leave the cell blank if not reported.")
	case roadmap.Quantity:
		err = dv.SetRange(0, "", excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorGreaterThanOrEqual)
		dv.SetError(excelize.DataValidationErrorStyleStop, "Number", fmt.Sprintf("Type a number of %s, 0 or more, or leave the cell blank if not reported.", ind.Unit))
	case roadmap.Percent:
		err = dv.SetRange(0, 100, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween)
		dv.SetError(excelize.DataValidationErrorStyleStop, "Percentage", "Type a percentage from 0 to 100 (45 for 45 %), or leave the cell blank if not reported.")
	case roadmap.Status:
		err = b.levelList(dv, ind)
		dv.SetError(excelize.DataValidationErrorStyleStop, "Status", "Choose a level from the list, or leave the cell blank if not reported.")
	default:
		err = fmt.Errorf("indicator %s has unknown kind %q", ind.Code, ind.Kind)
	}
	return dv, err
}

// levelList offers the status levels as a drop-down. An inline list cannot
// hold commas or quotes and is limited to 255 characters, so longer scales
// are written to the very hidden lists sheet and referenced from there.
func (b *builder) levelList(dv *excelize.DataValidation, ind *roadmap.Indicator) error {
	if inlineList(ind.Levels) {
		return dv.SetDropList(ind.Levels)
	}
	if b.lists == 0 {
		if _, err := b.f.NewSheet(roadmap.SheetLists); err != nil {
			return err
		}
		if err := b.f.SetSheetVisible(roadmap.SheetLists, false, true); err != nil {
			return err
		}
	}
	b.lists++
	col, err := excelize.ColumnNumberToName(b.lists)
	if err != nil {
		return err
	}
	for i, l := range ind.Levels {
		if err := b.f.SetCellStr(roadmap.SheetLists, cellAt(col, i+1), l); err != nil {
			return err
		}
	}
	dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$1:$%s$%d", roadmap.SheetLists, col, col, len(ind.Levels)))
	return nil
}

func inlineList(levels []string) bool {
	total := 0
	for _, l := range levels {
		if strings.ContainsAny(l, `,"`) {
			return false
		}
		total += utf8.RuneCountInString(l) + 1
	}
	return total <= 200
}

// guidanceFor says in a sentence or two what may be typed in the row's value
// cell; the total row also carries the indicator's definition.
func guidanceFor(r roadmap.Row) string {
	ind := r.Indicator
	var what string
	switch ind.Kind {
	case roadmap.Count:
		what = "A whole number, 0 or more."
	case roadmap.Quantity:
		what = fmt.Sprintf("A number of %s, 0 or more; decimals allowed.", ind.Unit)
	case roadmap.Percent:
		what = "A percentage from 0 to 100: type 45 for 45 %."
	case roadmap.Status:
		what = "Choose one level from the list: " + strings.Join(ind.Levels, "; ") + "."
	}
	need := "Optional."
	if ind.Required {
		need = "Required."
	}
	parts := []string{need, what}
	if ind.Breakdown != nil {
		rule := "The parts must add up to the total."
		if ind.Breakdown.Rule == roadmap.PartsAtMostTotal {
			rule = "The parts together may not exceed the total."
		}
		parts = append(parts, rule)
	}
	if r.Part == nil && ind.Definition != "" {
		parts = append(parts, ind.Definition)
	}
	parts = append(parts, "Blank means not reported.")
	return strings.Join(parts, " ")
}

// lines estimates how many lines text takes when wrapped in a column of the
// given width (in characters), so that rows can be made tall enough: Excel
// does not grow rows to fit wrapped text in a file it did not write itself.
func lines(text string, width float64) int {
	w := int(width * 1.1) // proportional fonts fit a little more than the nominal width
	if w < 1 {
		w = 1
	}
	n := 0
	for _, para := range strings.Split(text, "\n") {
		n++
		col := 0
		for _, word := range strings.Fields(para) {
			l := utf8.RuneCountInString(word)
			switch {
			case col == 0:
				col = l
			case col+1+l <= w:
				col += 1 + l
			default:
				n++
				col = l
			}
			for col > w {
				n++
				col -= w
			}
		}
	}
	return n
}

func rowHeight(lines int) float64 { return 15 * float64(max(lines, 1)) }

// fitWidth prints a sheet one page wide, as many pages tall as needed.
func (b *builder) fitWidth(sheet, orient string) error {
	fit, tall := 1, 0
	if err := b.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &orient, FitToWidth: &fit, FitToHeight: &tall}); err != nil {
		return err
	}
	yes := true
	return b.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &yes})
}

func (b *builder) narrative() error {
	s := roadmap.SheetNarrative
	header := []struct {
		col, text string
		w         float64
	}{
		{roadmap.NarrColGoal, "Goal", 8},
		{roadmap.NarrColTitle, "Title", 40},
		{roadmap.NarrColProgress, "Progress in " + b.narrativeWords(), 50},
		{roadmap.NarrColChallenge, "Challenges", 50},
		{roadmap.NarrColSupport, "Support needed", 50},
	}
	for _, h := range header {
		if err := b.set(s, cellAt(h.col, roadmap.NarrHeaderRow), h.text, b.st.header); err != nil {
			return err
		}
		if err := b.f.SetColWidth(s, h.col, h.col, h.w); err != nil {
			return err
		}
	}
	for i, g := range b.cat.Goals {
		row := roadmap.NarrFirstRow + i
		cells := []struct {
			col, value string
			style      int
		}{
			{roadmap.NarrColGoal, g.Code, b.st.code},
			{roadmap.NarrColTitle, g.Title, b.st.cellWrap},
			{roadmap.NarrColProgress, "", b.st.inputWrap},
			{roadmap.NarrColChallenge, "", b.st.inputWrap},
			{roadmap.NarrColSupport, "", b.st.inputWrap},
		}
		for _, c := range cells {
			if err := b.set(s, cellAt(c.col, row), c.value, c.style); err != nil {
				return err
			}
		}
		// Room for a paragraph of text in the input cells.
		if err := b.f.SetRowHeight(s, row, rowHeight(max(6, lines(g.Title, 40)))); err != nil {
			return err
		}
	}
	return b.finishTable(s, roadmap.NarrHeaderRow, cellAt(roadmap.NarrColGoal, roadmap.NarrFirstRow))
}

// narrativeWords is the period the narrative covers, in words.
func (b *builder) narrativeWords() string {
	if p, ok := b.cat.NarrativePeriod(b.period); ok {
		return p.Label()
	}
	return "the period"
}

func (b *builder) meta() error {
	s := roadmap.SheetMeta
	kv := [][2]string{
		{roadmap.MetaTemplateVersion, roadmap.TemplateVersion},
		{roadmap.MetaCatalogueID, b.cat.ID},
		{roadmap.MetaCatalogueVersion, b.cat.Version},
		{roadmap.MetaCatalogueHash, b.cat.Hash},
		{roadmap.MetaJurisdiction, b.j.Code},
		{roadmap.MetaPeriod, b.period.String()},
	}
	for i, p := range kv {
		if err := b.f.SetCellStr(s, cellAt("A", i+1), p[0]); err != nil {
			return err
		}
		// Stored as text so that a spreadsheet never turns "2026" or a
		// version such as "1" into a number.
		if err := b.f.SetCellStr(s, cellAt("B", i+1), p[1]); err != nil {
			return err
		}
	}
	return b.protect(s)
}

func (b *builder) props() error {
	return b.f.SetDocProps(&excelize.DocProperties{
		Title:   fmt.Sprintf("%s: %s %s", orTitle(b.cat), b.j.Code, b.period),
		Subject: "Commission report",
		Creator: "roadmap",
	})
}

// finishTable ends a sheet laid out as a table (KPI, Narrative): its header
// rows stay in view while scrolling, it prints landscape to the page's width,
// and everything but its input cells is locked.
func (b *builder) finishTable(s string, headerRows int, firstCell string) error {
	if err := b.f.SetPanes(s, &excelize.Panes{
		Freeze:      true,
		YSplit:      headerRows,
		TopLeftCell: firstCell,
		ActivePane:  "bottomLeft",
	}); err != nil {
		return err
	}
	if err := b.fitWidth(s, "landscape"); err != nil {
		return err
	}
	return b.protect(s)
}
