package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/mail"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
)

// Defaults of a Checker's limits.
const (
	DefaultMaxSize      = 20 << 20 // bytes: a filled template is a few tens of kilobytes
	DefaultChangeFactor = 3        // a value more than 3 times, or less than a third of, the previous one
)

// knownTemplateVersions are the workbook layouts this reader understands.
var knownTemplateVersions = []string{roadmap.TemplateVersion}

// Checker reads a Commission workbook and checks it against a catalogue. It
// is safe for concurrent use; each Check reads its own file.
type Checker struct {
	Catalogue *roadmap.Catalogue
	// MaxSize is the largest file accepted, in bytes (DefaultMaxSize if 0).
	MaxSize int64
	// ChangeFactor: a value that changed by more than this factor, up or
	// down, against the previous accepted period is a warning
	// (DefaultChangeFactor if 0).
	ChangeFactor float64
	// TmpDir is where the workbook parser spills large sheets ("" for the
	// system's temporary folder).
	TmpDir string
	// Previous returns the latest accepted submission of jurisdiction for
	// period p, or nil if there is none. The checker asks for the period just
	// before the one being checked, never for one before the catalogue's
	// baseline. Nil means no comparison.
	Previous func(jurisdiction string, p roadmap.Period) *roadmap.Submission
	// Calendar decides the submission deadline of a report and whether the
	// file came in time (roadmap.Calendar). Nil means no deadline check.
	Calendar *roadmap.Calendar
}

// NewChecker is a Checker for cat with the default limits.
func NewChecker(cat *roadmap.Catalogue) *Checker {
	return &Checker{Catalogue: cat, MaxSize: DefaultMaxSize, ChangeFactor: DefaultChangeFactor}
}

func (c *Checker) maxSize() int64 {
	if c.MaxSize > 0 {
		return c.MaxSize
	}
	return DefaultMaxSize
}

func (c *Checker) changeFactor() float64 {
	if c.ChangeFactor > 1 {
		return c.ChangeFactor
	}
	return DefaultChangeFactor
}

// CheckBytes reads and checks a workbook already in memory, named name,
// found in the inbox subfolder folder ("AL", or "" for the inbox itself),
// received at the given time: Examine, then Compare. It never panics: every
// problem, including an unreadable file, is a finding of the returned
// submission, whose State is Rejected if any finding is an error and
// Accepted otherwise.
func (c *Checker) CheckBytes(name string, data []byte, folder string, received time.Time) *roadmap.Submission {
	sub := c.Examine(name, data, folder, received)
	c.Compare(sub)
	return sub
}

// Examine is every check that needs only the file: all of CheckBytes but the
// comparison with the previous period. It reads nothing else and is safe to
// call from several goroutines at once.
func (c *Checker) Examine(name string, data []byte, folder string, received time.Time) *roadmap.Submission {
	sub := c.newSubmission(name, folder, received)
	sub.Size = int64(len(data))
	if sub.Size > c.maxSize() {
		sub.Hash = hashBytes(data)
		return c.finish(sub, c.tooLarge(sub.Size))
	}
	return c.check(sub, data)
}

// oversized is the check of a file over the size limit, known by its size
// and hash alone: it is not read.
func (c *Checker) oversized(name, folder string, size int64, hash string, received time.Time) *roadmap.Submission {
	sub := c.newSubmission(name, folder, received)
	sub.Size, sub.Hash = size, hash
	return c.finish(sub, c.tooLarge(size))
}

// Compare adds the warnings of the comparison with the previous accepted
// period (Previous), to a submission that Examine identified (its
// jurisdiction and period known): values that moved a lot, or a report that
// repeats the previous one. It reads the ledger, so the intake calls it one
// file at a time, in inbox order, when it commits each file.
func (c *Checker) Compare(sub *roadmap.Submission) {
	if c.Previous == nil || c.Catalogue == nil || sub.Jurisdiction == "" || sub.Period.IsZero() || len(sub.Values) == 0 {
		return
	}
	c.comparePrevious(sub)
	c.finish(sub)
}

func (c *Checker) newSubmission(name, folder string, received time.Time) *roadmap.Submission {
	sub := &roadmap.Submission{Name: name, Folder: folder, Received: received, State: roadmap.Rejected}
	if c.Catalogue != nil {
		// The catalogue the values were checked against, which is the one
		// that gives them their meaning.
		sub.CatalogueID = c.Catalogue.ID
		sub.CatalogueVersion = c.Catalogue.Version
		sub.CatalogueHash = c.Catalogue.Hash
	}
	return sub
}

// workbookName reports whether a file name claims to be a spreadsheet, or
// claims nothing (no extension).
func workbookName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case "", ".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods":
		return true
	}
	return false
}

func (c *Checker) tooLarge(size int64) roadmap.Finding {
	return fileFinding(roadmap.CodeTooLarge, fmt.Sprintf(
		"This file is %s, more than the limit of %s for a report: send the KPI template filled in, without pictures, attachments or extra sheets.",
		megabytes(size), megabytes(c.maxSize())))
}

func megabytes(n int64) string {
	return strconv.FormatFloat(math.Ceil(float64(n)/(1<<20)*10)/10, 'f', -1, 64) + " MB"
}

func fileFinding(code roadmap.Code, msg string) roadmap.Finding {
	return roadmap.Finding{Severity: roadmap.Error, Code: code, Message: msg}
}

func (c *Checker) finish(sub *roadmap.Submission, fs ...roadmap.Finding) *roadmap.Submission {
	sub.Findings = append(sub.Findings, fs...)
	if roadmap.HasErrors(sub.Findings) {
		sub.State = roadmap.Rejected
	} else {
		sub.State = roadmap.Accepted
	}
	return sub
}

func hashBytes(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// check runs every check on data. A panic anywhere below, in the parser or in
// this package, is recovered here and turns into a finding on the file.
func (c *Checker) check(sub *roadmap.Submission, data []byte) (out *roadmap.Submission) {
	sub.Hash = hashBytes(data)
	defer func() {
		if r := recover(); r != nil {
			sub.Values, sub.Narratives = nil, nil
			out = c.finish(sub, *damaged())
		}
	}()
	if c.Catalogue == nil {
		return c.finish(sub, fileFinding(roadmap.CodeNotTemplate,
			"No indicator catalogue is configured, so no workbook can be checked: ask the operator to configure the catalogue."))
	}
	f, rows := sniff(data)
	if f != nil {
		if f.Code == roadmap.CodeNotWorkbook && !workbookName(sub.Name) {
			// Named as another kind of file, and it is one: a file type this
			// inbox does not take, rather than a workbook that is not one.
			f.Code = roadmap.CodeUnsupportedFile
		}
		return c.finish(sub, *f)
	}
	wb, f := readWorkbook(data, c.TmpDir, rows)
	if f != nil {
		return c.finish(sub, *f)
	}
	r := &run{c: c, cat: c.Catalogue, sub: sub, wb: wb}
	r.checkAll()
	return c.finish(sub)
}

// run is one check of one workbook.
type run struct {
	c   *Checker
	cat *roadmap.Catalogue
	sub *roadmap.Submission
	wb  *workbook

	lines map[string]*kpiLine // row code (lower case) → first line carrying it
	// superseded is set when the workbook's catalogue does not govern its
	// period (a template of the previous roadmap, filled in for a later one).
	superseded bool
}

func (r *run) add(sev roadmap.Severity, code roadmap.Code, sheet, cellRef, indicator, msg string) {
	r.sub.Findings = append(r.sub.Findings, roadmap.Finding{
		Severity: sev, Code: code, Sheet: sheet, Cell: cellRef, Indicator: indicator, Message: msg,
	})
}

func (r *run) errorf(code roadmap.Code, sheet, cellRef, indicator, format string, args ...any) {
	r.add(roadmap.Error, code, sheet, cellRef, indicator, fmt.Sprintf(format, args...))
}

func (r *run) warnf(code roadmap.Code, sheet, cellRef, indicator, format string, args ...any) {
	r.add(roadmap.Warning, code, sheet, cellRef, indicator, fmt.Sprintf(format, args...))
}

func (r *run) checkAll() {
	if !r.checkTemplate() {
		return
	}
	identified := r.checkIdentity()
	if r.superseded {
		return // its rows are another catalogue's: reading them would only add noise
	}
	r.checkCover()
	r.readValues()
	byRow := make(map[string]roadmap.Value, len(r.sub.Values))
	for _, v := range r.sub.Values {
		byRow[v.Row] = v
	}
	r.checkParts(byRow)
	r.checkShares(byRow)
	r.readNarratives()
	if identified {
		r.checkDeadline()
	}
}

// checkTemplate decides whether the workbook is our template, of a layout and
// catalogue we can read. It returns false when reading on would only produce
// noise.
func (r *run) checkTemplate() bool {
	wb := r.wb
	if !wb.HasMeta {
		if wb.HasKPI && r.knownCodes() > 0 {
			r.errorf(roadmap.CodeNoMetadata, "", "", "",
				"The hidden sheet that identifies this template (%s) has been removed, perhaps because the sheets were copied into a new workbook: copy your figures into the template you were sent for your jurisdiction and period, and send that file.",
				roadmap.SheetMeta)
			return true
		}
		r.errorf(roadmap.CodeNotTemplate, "", "", "",
			"This workbook is not the %s KPI template (it has no %s sheet with indicator codes): fill in the template you were sent for your jurisdiction and period, and send that file.",
			orTitle(r.cat), roadmap.SheetKPI)
		return false
	}
	if wb.Meta[roadmap.MetaKind].Value == roadmap.KindSynthesis {
		r.errorf(roadmap.CodeSynthesisMisplaced, "", "", "",
			"This is SEESAC's synthesis workbook, not a Commission's KPI report: only SEESAC sends it, into the inbox folder %s/. Commissions send the KPI template made for their jurisdiction and period.",
			roadmap.SeesacFolder)
		return false
	}
	version := wb.Meta[roadmap.MetaTemplateVersion]
	if !contains(knownTemplateVersions, version.Value) {
		found := "no template version"
		if version.Value != "" {
			found = fmt.Sprintf("template version %q", version.Value)
		}
		r.errorf(roadmap.CodeTemplateVersion, roadmap.SheetMeta, version.Cell, "",
			"This workbook was made from %s, which this system cannot read (it reads version %s): copy your figures into a new template for your jurisdiction and period, and send that file.",
			found, strings.Join(knownTemplateVersions, ", "))
		return false
	}
	id, ver := wb.Meta[roadmap.MetaCatalogueID], wb.Meta[roadmap.MetaCatalogueVersion]
	made, known := r.cat.Find(id.Value)
	if !known || ver.Value != made.Version {
		cellRef, want := id.Cell, r.cat
		if known {
			cellRef, want = ver.Cell, made
		}
		r.errorf(roadmap.CodeCatalogueVersion, roadmap.SheetMeta, cellRef, "",
			"This workbook was made for the indicator list %q version %q, but reports are now checked against %q version %q: copy your figures into a new template for your jurisdiction and period, and send that file.",
			id.Value, ver.Value, want.ID, want.Version)
		return false
	}
	// The workbook is read against the catalogue it was made from; whether
	// that catalogue governs its period is checked once the period is known.
	r.cat = made
	r.sub.CatalogueID, r.sub.CatalogueVersion, r.sub.CatalogueHash = made.ID, made.Version, made.Hash
	if !wb.HasKPI {
		r.errorf(roadmap.CodeNotTemplate, "", "", "",
			"The %s sheet of this workbook is missing, perhaps renamed or deleted: copy your figures into the template you were sent for your jurisdiction and period, and send that file.",
			roadmap.SheetKPI)
		return false
	}
	return true
}

func (r *run) knownCodes() int {
	known := map[string]bool{}
	for _, cat := range r.cat.Chain() {
		for _, row := range cat.Rows() {
			known[strings.ToLower(row.Code)] = true
		}
	}
	n := 0
	for _, l := range r.wb.KPI {
		if known[strings.ToLower(l.Code)] {
			n++
		}
	}
	return n
}

// checkIdentity finds whose report this is and for which period, from the
// metadata, the cover and the inbox folder, which must all agree. It reports
// whether both are known.
func (r *run) checkIdentity() bool {
	j, jOK := r.identifyJurisdiction()
	p, pOK := r.identifyPeriod()
	if jOK {
		r.sub.Jurisdiction = j
	}
	if pOK {
		r.sub.Period = p
	}
	r.sub.TemplateVersion = r.wb.Meta[roadmap.MetaTemplateVersion].Value
	return jOK && pOK
}

func (r *run) identifyJurisdiction() (string, bool) {
	meta := r.wb.Meta[roadmap.MetaJurisdiction]
	cover := strings.TrimSpace(r.wb.Cover[roadmap.CoverJurisdiction].Text)
	code, sheet, ref := meta.Value, roadmap.SheetMeta, meta.Cell
	if !r.wb.HasMeta || code == "" {
		code, sheet, ref = cover, roadmap.SheetCover, roadmap.CoverJurisdiction
	}
	if code == "" {
		r.errorf(roadmap.CodeWrongJurisdiction, roadmap.SheetCover, roadmap.CoverJurisdiction, "",
			"The workbook does not say which jurisdiction it is for (cell %s on the Cover is empty): fill in the template you were sent for your jurisdiction.",
			roadmap.CoverJurisdiction)
		return "", false
	}
	j, ok := r.cat.Jurisdiction(code)
	if !ok {
		r.errorf(roadmap.CodeWrongJurisdiction, sheet, ref, "",
			"The workbook says it is for the jurisdiction %q, which is not one of %s: fill in the template you were sent for your jurisdiction.",
			code, r.jurisdictionCodes())
		return "", false
	}
	good := true
	if cover != "" && !strings.EqualFold(cover, j.Code) {
		r.errorf(roadmap.CodeWrongJurisdiction, roadmap.SheetCover, roadmap.CoverJurisdiction, "",
			"Cell %s on the Cover says %q, but this template was made for %s (%s): put back %s, or fill in the template made for your jurisdiction.",
			roadmap.CoverJurisdiction, cover, j.Name, j.Code, j.Code)
		good = false
	}
	if r.sub.Folder != "" && !strings.EqualFold(r.sub.Folder, j.Code) {
		folder := fmt.Sprintf("the folder %q", r.sub.Folder)
		if fj, ok := r.cat.Jurisdiction(r.sub.Folder); ok {
			folder = fmt.Sprintf("the folder of %s (%s)", fj.Name, fj.Code)
		}
		r.errorf(roadmap.CodeWrongJurisdiction, roadmap.SheetCover, roadmap.CoverJurisdiction, "",
			"This workbook carries the report of %s (%s), but it was put in %s, and each Commission may only send its own report: send the template made for your own jurisdiction, or ask the %s Commission to send this one.",
			j.Name, j.Code, folder, j.Code)
		// The data's jurisdiction is known all the same: the rejection is
		// filed under it.
	}
	return j.Code, good
}

func (r *run) jurisdictionCodes() string {
	return listOr(r.cat.Codes())
}

func (r *run) identifyPeriod() (roadmap.Period, bool) {
	meta := r.wb.Meta[roadmap.MetaPeriod]
	cover := strings.TrimSpace(r.wb.Cover[roadmap.CoverPeriod].Text)
	text, sheet, ref := meta.Value, roadmap.SheetMeta, meta.Cell
	if !r.wb.HasMeta || text == "" {
		text, sheet, ref = cover, roadmap.SheetCover, roadmap.CoverPeriod
	}
	if text == "" {
		r.errorf(roadmap.CodeWrongPeriod, roadmap.SheetCover, roadmap.CoverPeriod, "",
			"The workbook does not say which period it reports on (cell %s on the Cover is empty): fill in the template you were sent for the period.",
			roadmap.CoverPeriod)
		return roadmap.Period{}, false
	}
	p, err := roadmap.ParsePeriod(text)
	if err != nil {
		r.errorf(roadmap.CodeWrongPeriod, sheet, ref, "",
			"The workbook says it reports on the period %q, which is not a period: the period is written %s, so fill in the template you were sent for the period.",
			text, roadmap.PeriodForms)
		return roadmap.Period{}, false
	}
	gov := r.c.Catalogue.InForce(p)
	if !r.wb.HasMeta {
		// No catalogue is named: the rows are read as the catalogue in
		// force for the period would have them.
		r.cat = gov
	}
	if gov != r.cat {
		r.superseded = true
		r.errorf(roadmap.CodeCatalogueVersion, roadmap.SheetMeta, r.wb.Meta[roadmap.MetaCatalogueID].Cell, "",
			"This workbook was made from the %s (%s version %s), which governs reports %s, but for %s the catalogue in force is the %s (%s version %s): ask for the template for %s, which has that catalogue's indicators, and copy your figures into it.",
			orTitle(r.cat), r.cat.ID, r.cat.Version, r.c.Catalogue.Governs(r.cat), p, orTitle(gov), gov.ID, gov.Version, p)
		return roadmap.Period{}, false
	}
	if !r.cat.IsRound(p) {
		r.errorf(roadmap.CodeWrongPeriod, sheet, ref, "",
			"The workbook reports on %s, but reports under this roadmap cover %s: fill in the template you were sent for a reporting period.",
			p, r.cat.RoundWords())
		return roadmap.Period{}, false
	}
	if cover != "" {
		cp, err := roadmap.ParsePeriod(cover)
		if err != nil || cp != p {
			r.errorf(roadmap.CodeWrongPeriod, roadmap.SheetCover, roadmap.CoverPeriod, "",
				"Cell %s on the Cover says %q, but this template was made for %s: put back %s, or fill in the template made for the period you report on.",
				roadmap.CoverPeriod, cover, p, p)
			return p, false
		}
	}
	return p, true
}

// checkCover reads who reported and warns when the Commission cannot be
// reached about its report.
func (r *run) checkCover() {
	if !r.wb.HasCover {
		r.warnf(roadmap.CodeCoverIncomplete, "", "", "",
			"The Cover sheet is missing, so there is no contact person for this report: use the template you were sent, which has a Cover sheet, next time.")
		return
	}
	text := func(ref string) string { return cleanText(r.wb.Cover[ref].Text) }
	cv := roadmap.Cover{
		Institution: text(roadmap.CoverInstitution),
		Contact:     text(roadmap.CoverContact),
		Email:       text(roadmap.CoverEmail),
		Date:        r.coverDate(r.wb.Cover[roadmap.CoverDate]),
	}
	switch status := strings.ToLower(text(roadmap.CoverStatus)); status {
	case "final":
		cv.Final = true
	case "draft":
		r.warnf(roadmap.CodeDraftSubmitted, roadmap.SheetCover, roadmap.CoverStatus, "",
			"The Cover marks this report as a draft (cell %s): it is recorded and may be used in reports, so choose final in cell %s and send it again once it is approved.",
			roadmap.CoverStatus, roadmap.CoverStatus)
	}
	r.sub.Cover = cv
	if cv.Contact == "" {
		r.warnf(roadmap.CodeCoverIncomplete, roadmap.SheetCover, roadmap.CoverContact, "",
			"The Cover names no contact person (cell %s is empty): type the name of the person SEESAC can ask about this report.",
			roadmap.CoverContact)
	}
	switch {
	case cv.Email == "":
		r.warnf(roadmap.CodeCoverIncomplete, roadmap.SheetCover, roadmap.CoverEmail, "",
			"The Cover gives no e-mail address (cell %s is empty): type the address where SEESAC can reach the contact person.",
			roadmap.CoverEmail)
	case !isEmail(cv.Email):
		r.warnf(roadmap.CodeCoverIncomplete, roadmap.SheetCover, roadmap.CoverEmail, "",
			"Cell %s on the Cover says %q, which is not an e-mail address: type an address such as name@example.org.",
			roadmap.CoverEmail, cv.Email)
	}
}

// isEmail reports whether s is one bare e-mail address (name@example.org),
// not a display name with an address nor a list.
func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".")
}

// coverDate is the cover's date as ISO 2006-01-02 when the cell holds a date,
// or as typed otherwise.
func (r *run) coverDate(c cell) string {
	text := cleanText(c.Text)
	if text == "" {
		return ""
	}
	if c.Type == excelize.CellTypeDate {
		// t="d": an ISO 8601 date-time written by some producers.
		if len(text) >= 10 {
			if t, err := time.Parse(time.DateOnly, text[:10]); err == nil {
				return t.Format(time.DateOnly)
			}
		}
		return text
	}
	if !c.isText() {
		if n, err := strconv.ParseFloat(text, 64); err == nil && c.Format == fmtDate {
			if t, err := excelize.ExcelDateToTime(n, r.wb.Date1904); err == nil {
				return t.Format(time.DateOnly)
			}
		}
		return text
	}
	for _, layout := range []string{time.DateOnly, "2.1.2006", "2.1.2006."} {
		if t, err := time.Parse(layout, text); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return text
}

// looksLikeCode matches what a row code looks like ("G3.1", "G3.1/female"),
// so that a note typed in column A below the table is not taken for a row.
var looksLikeCode = regexp.MustCompile(`^[A-Za-z]+[0-9]+(\.[0-9]+)*(/\S+)?$`)

// readValues finds each catalogue row by its code in column A and reads its
// value, one Value per catalogue row in catalogue order.
func (r *run) readValues() {
	rows := r.cat.Rows()
	if !r.sub.Period.IsZero() {
		rows = r.cat.RowsDue(r.sub.Period)
	}
	known := make(map[string]bool, len(rows))
	for _, row := range rows {
		known[strings.ToLower(row.Code)] = true
	}
	r.lines = map[string]*kpiLine{}
	for i := range r.wb.KPI {
		l := &r.wb.KPI[i]
		key := strings.ToLower(l.Code)
		switch {
		case !known[key]:
			if looksLikeCode.MatchString(l.Code) || !l.Value.blank() {
				r.errorf(roadmap.CodeUnknownRow, roadmap.SheetKPI, fmt.Sprintf("%s%d", roadmap.KPIColCode, l.Row), "",
					"Cell %s%d holds the code %q, which is not an indicator of this template, so its row cannot be read: put back the code that was there, or delete the row if it was added.",
					roadmap.KPIColCode, l.Row, l.Code)
			}
		case r.lines[key] != nil:
			first := r.lines[key]
			r.errorf(roadmap.CodeDuplicateRow, roadmap.SheetKPI, fmt.Sprintf("%s%d", roadmap.KPIColCode, l.Row), l.Code,
				"The code %s appears twice, in rows %d and %d, so it is unclear which figure counts: delete the row that was copied and keep the figure in one row only.",
				l.Code, first.Row, l.Row)
		default:
			r.lines[key] = l
		}
	}
	r.sub.Values = make([]roadmap.Value, 0, len(rows))
	for _, row := range rows {
		v := roadmap.Value{Row: row.Code, Indicator: row.Indicator.Code}
		v.Period, _ = row.Indicator.PeriodIn(r.sub.Period)
		if row.Part != nil {
			v.Part = row.Part.Code
		}
		l := r.lines[strings.ToLower(row.Code)]
		if l == nil && r.sub.Period.IsZero() {
			continue // the period is unknown, so which rows are due is too
		}
		if l == nil {
			r.errorf(roadmap.CodeMissingRow, roadmap.SheetKPI, "", row.Indicator.Code,
				"The row of %s (code %s) is missing from the KPI sheet, perhaps deleted: copy your figures into a new template, which has every row, and send that file.",
				describe(row), row.Code)
			r.sub.Values = append(r.sub.Values, v)
			continue
		}
		v.Cell = l.Value.Ref
		v.Comment = l.Comment
		r.readValue(row, l.Value, &v)
		r.sub.Values = append(r.sub.Values, v)
	}
}

// describe names a row for a message: "Firearms seized, at the border".
func describe(row roadmap.Row) string {
	s := row.Indicator.Title
	if row.Part != nil {
		s += ", " + lowerFirst(row.Part.Label)
	}
	return s
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	// Keep acronyms and names ("EU", "Interpol") as they are.
	if next, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsUpper(next) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// readValue interprets one value cell as the row's indicator kind. v is left
// not reported unless the cell holds a valid value.
func (r *run) readValue(row roadmap.Row, c cell, v *roadmap.Value) {
	ind := row.Indicator
	at := fmt.Sprintf("Cell %s (%s)", c.Ref, describe(row))
	fail := func(code roadmap.Code, format string, args ...any) {
		r.errorf(code, roadmap.SheetKPI, c.Ref, ind.Code, "%s "+format, append([]any{at}, args...)...)
	}
	if c.blank() {
		switch {
		case c.Formula:
			fail(roadmap.CodeFormulaNoValue,
				"holds a formula whose result was never saved, because the program that wrote the file did not calculate it: open the file in Excel or LibreOffice and save it again, or type the figure itself.")
		case ind.Required && row.Part == nil:
			fail(roadmap.CodeMissingValue, "is empty, but %s must be reported: %s.", lowerFirst(ind.Title), howToFillRequired(ind, v.Period))
		}
		return
	}
	text := cleanText(c.Text)
	switch c.Type {
	case excelize.CellTypeError:
		fail(roadmap.CodeWrongType, "shows the error %s, because its formula cannot be calculated: %s.", text, howToFill(ind))
		return
	case excelize.CellTypeBool:
		word := "TRUE"
		if text == "0" {
			word = "FALSE"
		}
		fail(roadmap.CodeWrongType, "says %s, which is not a figure: %s.", word, howToFill(ind))
		return
	}
	if ind.Kind == roadmap.Status {
		r.readLevel(row, c, text, v, fail)
		return
	}
	n, shown, ok := r.readNumber(row, c, text, fail)
	if !ok {
		return
	}
	if !r.validNumber(row, n, shown, fail) {
		return
	}
	v.Reported, v.Number = true, n
}

// readLevel matches a status cell against the scale whatever the case and
// spacing, and stores the level as the scale spells it.
func (r *run) readLevel(row roadmap.Row, c cell, text string, v *roadmap.Value, fail func(roadmap.Code, string, ...any)) {
	ind := row.Indicator
	want := normalLevel(text)
	for _, level := range ind.Levels {
		if normalLevel(level) == want {
			v.Reported, v.Level = true, level
			return
		}
	}
	quoted := make([]string, len(ind.Levels))
	for i, l := range ind.Levels {
		quoted[i] = strconv.Quote(l)
	}
	fail(roadmap.CodeNotOnScale, "says %q, which is not a level of this indicator: choose one of %s from the list, or leave it blank if not known.",
		text, listOr(quoted))
}

func normalLevel(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// readNumber reads a number cell as Commissions type them: a stored number
// (scaled by 100 when formatted as a percent), or text with spaces,
// thousands separators or a percent sign. It returns the number and the cell
// as the Commission sees it, for messages.
func (r *run) readNumber(row roadmap.Row, c cell, text string, fail func(roadmap.Code, string, ...any)) (float64, string, bool) {
	ind := row.Indicator
	if !c.isText() && c.Type != excelize.CellTypeDate {
		n, err := strconv.ParseFloat(text, 64)
		if math.IsInf(n, 0) && errors.Is(err, strconv.ErrRange) {
			// Beyond what a float holds: what was typed, not "not a number".
			fail(roadmap.CodeOutOfRange, tooLarge, text)
			return 0, "", false
		}
		if err == nil && !math.IsNaN(n) && !math.IsInf(n, 0) {
			switch c.Format {
			case fmtDate:
				shown := text
				if t, err := excelize.ExcelDateToTime(n, r.wb.Date1904); err == nil {
					shown = t.Format(time.DateOnly)
				}
				fail(roadmap.CodeWrongType, "shows the date %s, perhaps because the spreadsheet turned what was typed into a date: format the cell as a number and type %s.",
					shown, howToFill(ind))
				return 0, "", false
			case fmtPercent:
				pct := round(n * 100)
				if ind.Kind == roadmap.Percent {
					return pct, formatNumber(pct) + " %", true
				}
				return round(n), formatNumber(pct) + " %", true
			}
			n = plainZero(round(n))
			return n, shownNumber(text, n), true
		}
	}
	if c.Type == excelize.CellTypeDate {
		fail(roadmap.CodeWrongType, "holds the date %s, not a figure: %s.", text, howToFill(ind))
		return 0, "", false
	}
	body, percent := strings.CutSuffix(text, "%")
	body = strings.TrimSpace(body)
	if percent && ind.Kind != roadmap.Percent {
		fail(roadmap.CodeWrongType, "says %q, a percentage, but this indicator is not a percentage: %s.", text, howToFill(ind))
		return 0, "", false
	}
	n, alt, err := parseNumberText(body)
	switch {
	case errors.Is(err, errTooLarge):
		fail(roadmap.CodeOutOfRange, tooLarge, strconv.Quote(text))
		return 0, "", false
	case errors.Is(err, errAmbiguous):
		fail(roadmap.CodeAmbiguous, "says %q, which could mean %s or %s depending on the thousands separator: type the number without thousands separators (%s), with a point only for decimals (%s).",
			text, formatNumber(n), formatNumber(alt), formatNumber(n), formatNumber(alt))
		return 0, "", false
	case err != nil:
		fail(roadmap.CodeWrongType, "says %q, which is not a number: %s.", text, howToFill(ind))
		return 0, "", false
	}
	n = plainZero(round(n))
	return n, strconv.Quote(text), true
}

// tooLarge is the message for a figure beyond what an indicator can mean
// (and beyond what a float holds): plain words, the value as typed.
const tooLarge = "says %s, which is too large: no figure of this indicator comes near it; check the number and type it again."

// shownNumber is a stored number as a message quotes it: plainly, or, for a
// figure too large to print digit by digit (1e308) or exactly (2^53+1), the
// text the cell holds.
func shownNumber(text string, n float64) string {
	if math.Abs(n) >= 1e15 {
		return text
	}
	return formatNumber(n)
}

// plainZero turns a negative zero ("-0", typed or stored) into zero, so that
// no receipt or report says "-0 kg".
func plainZero(n float64) float64 {
	if n == 0 {
		return 0
	}
	return n
}

// maxFigure bounds counts and quantities: no SALW figure comes near it, and
// a larger one is a typing slip.
const maxFigure = 1e12

// validNumber applies the indicator kind's range and type rules, each beside
// its sentence; the first rule broken is the one to fix first.
func (r *run) validNumber(row roadmap.Row, n float64, shown string, fail func(roadmap.Code, string, ...any)) bool {
	ind := row.Indicator
	switch ind.Kind {
	case roadmap.Count, roadmap.Quantity, roadmap.Percent:
	default:
		fail(roadmap.CodeWrongType, "belongs to an indicator of a kind (%q) this system cannot check: ask SEESAC for a corrected template.", ind.Kind)
		return false
	}
	switch {
	case n < 0:
		fail(roadmap.CodeOutOfRange, "says %s, but a figure here cannot be negative: type 0 or more, or leave it blank if not known.", shown)
	case ind.Kind == roadmap.Percent && n > 100:
		fail(roadmap.CodeOutOfRange, "says %s, but a percentage cannot be more than 100: type a share from 0 to 100 (45 for 45 %%), or leave it blank if not known.", shown)
	case n > maxFigure:
		fail(roadmap.CodeOutOfRange, tooLarge, shown)
	case ind.Kind == roadmap.Count && n != math.Trunc(n):
		what := "whole numbers"
		if ind.Unit != "" {
			what = "whole " + ind.Unit
		}
		fail(roadmap.CodeWrongType, "says %s, but this indicator counts %s: type a whole number such as %s, or leave it blank if not known.",
			shown, what, formatNumber(math.Max(0, math.Round(n))))
	default:
		return true
	}
	return false
}

// howToFill says what the cell takes, ending a finding's sentence.
func howToFill(ind *roadmap.Indicator) string {
	switch ind.Kind {
	case roadmap.Count:
		return "type a whole number, 0 or more, without thousands separators, or leave it blank if not known"
	case roadmap.Quantity:
		unit := ""
		if ind.Unit != "" {
			unit = " of " + ind.Unit
		}
		return "type a number" + unit + ", 0 or more, without thousands separators, or leave it blank if not known"
	case roadmap.Percent:
		return "type a percentage from 0 to 100 (45 for 45 %), or leave it blank if not known"
	case roadmap.Status:
		return "choose a level from the list, or leave it blank if not known"
	}
	return "type the figure, or leave it blank if not known"
}

// howToFillRequired says what to type in a required cell left blank.
func howToFillRequired(ind *roadmap.Indicator, p roadmap.Period) string {
	period := "the period"
	if !p.IsZero() {
		period = p.String()
	}
	switch ind.Kind {
	case roadmap.Count:
		return "type the whole number for " + period + ", or 0 if there were none"
	case roadmap.Quantity:
		return "type the figure for " + period + ", or 0 if there was none"
	case roadmap.Percent:
		return "type the percentage for " + period + ", from 0 to 100"
	case roadmap.Status:
		return "choose the level reached at the end of " + period + " from the list"
	}
	return "type the figure for " + period
}

// checkParts compares each breakdown's reported parts with its total
// (byRow: the values read, by row code).
func (r *run) checkParts(byRow map[string]roadmap.Value) {
	for i := range r.cat.Indicators {
		ind := &r.cat.Indicators[i]
		if ind.Breakdown == nil || ind.Kind == roadmap.Status || len(ind.Breakdown.Parts) == 0 {
			continue
		}
		total, due := byRow[ind.Code]
		if !due {
			continue
		}
		if !total.Reported {
			continue
		}
		sum, all := 0.0, true
		var cells []string
		for _, p := range ind.Breakdown.Parts {
			v := byRow[roadmap.RowCode(ind.Code, p.Code)]
			if v.Cell != "" {
				cells = append(cells, v.Cell)
			}
			if !v.Reported {
				all = false
				continue
			}
			sum += v.Number
		}
		sum = round(sum)
		where := "cells " + listAnd(cells)
		if len(cells) == 1 {
			where = "cell " + cells[0]
		}
		const eps = 1e-9
		switch {
		case sum > total.Number+eps*math.Max(1, total.Number):
			r.errorf(roadmap.CodePartsExceed, roadmap.SheetKPI, total.Cell, ind.Code,
				"The parts of %s (%s) add up to %s, more than the total of %s in cell %s: correct the parts or the total so that the parts do not exceed it.",
				ind.Title, where, formatNumber(sum), formatNumber(total.Number), total.Cell)
		case ind.Breakdown.Rule == roadmap.PartsEqualTotal && all && math.Abs(sum-total.Number) > eps*math.Max(1, total.Number):
			r.errorf(roadmap.CodePartsNotSum, roadmap.SheetKPI, total.Cell, ind.Code,
				"The parts of %s (%s) add up to %s, but the total in cell %s is %s: the parts must add up to the total, so correct the parts or the total.",
				ind.Title, where, formatNumber(sum), total.Cell, formatNumber(total.Number))
		}
	}
}

// checkShares compares each share that the catalogue defines as a ratio of
// two rows (G4.3, women among the officials trained of G4.2) with the share
// its numerator and denominator give, when the workbook reports all three:
// a share that contradicts its own figures would be printed beside a
// regional share pooled from those figures (docs/cycle.md). A share typed
// without its figures, or figures without their share, is left as it is.
func (r *run) checkShares(byRow map[string]roadmap.Value) {
	for i := range r.cat.Indicators {
		ind := &r.cat.Indicators[i]
		if ind.Ratio == nil || ind.Kind != roadmap.Percent {
			continue
		}
		share, num, den := byRow[ind.Code], byRow[ind.Ratio.Numerator], byRow[ind.Ratio.Denominator]
		if !share.Reported || !num.Reported || !den.Reported || den.Number <= 0 {
			continue
		}
		want := num.Number / den.Number * 100
		// A Commission may type the share rounded: to a whole percent, or to
		// the decimals reports print it with.
		decimals := ind.DecimalPlaces()
		tolerance := math.Max(0.5, 0.5*math.Pow10(-decimals))
		if math.Abs(share.Number-want) <= tolerance+1e-9 {
			continue
		}
		numRow, _ := r.cat.Row(ind.Ratio.Numerator)
		denRow, _ := r.cat.Row(ind.Ratio.Denominator)
		r.errorf(roadmap.CodeShareNotRatio, roadmap.SheetKPI, share.Cell, ind.Code,
			"Cell %s (%s) says %s %%, but cells %s (%s) and %s (%s) give %s of %s, which is %s %%: correct the share or the figures.",
			share.Cell, ind.Title, formatNumber(share.Number),
			num.Cell, lowerFirst(describe(numRow)), den.Cell, lowerFirst(describe(denRow)),
			formatNumber(num.Number), formatNumber(den.Number), strconv.FormatFloat(want, 'f', decimals, 64))
	}
}

// readNarratives keeps one narrative per goal, in catalogue order, and warns
// about goals without any text.
func (r *run) readNarratives() {
	if !r.wb.HasNarrative {
		r.warnf(roadmap.CodeNoNarrative, "", "", "",
			"The %s sheet is missing, so this report has no narrative for any goal: use the template you were sent and describe the progress, challenges and support needed for each goal.",
			roadmap.SheetNarrative)
		for _, g := range r.cat.Goals {
			r.sub.Narratives = append(r.sub.Narratives, roadmap.Narrative{Goal: g.Code})
		}
		return
	}
	byGoal := map[string]*narrativeLine{}
	for i := range r.wb.Narratives {
		l := &r.wb.Narratives[i]
		if key := strings.ToLower(l.Goal); byGoal[key] == nil {
			byGoal[key] = l
		}
	}
	for _, g := range r.cat.Goals {
		n := roadmap.Narrative{Goal: g.Code}
		l := byGoal[strings.ToLower(g.Code)]
		if l != nil {
			n.Progress, n.Challenges, n.Support = cleanText(l.Progress), cleanText(l.Challenges), cleanText(l.Support)
		}
		r.sub.Narratives = append(r.sub.Narratives, n)
		if !n.Empty() {
			continue
		}
		if l == nil {
			r.warnf(roadmap.CodeNoNarrative, roadmap.SheetNarrative, "", "",
				"The row of goal %d (%s) is missing from the %s sheet, so there is no narrative for it: use the template you were sent, which has a row for every goal.",
				g.Number, g.Code, roadmap.SheetNarrative)
			continue
		}
		r.warnf(roadmap.CodeNoNarrative, roadmap.SheetNarrative, fmt.Sprintf("%s%d", roadmap.NarrColProgress, l.Row), "",
			"There is no narrative for goal %d (%s): describe in a few sentences in cells %s%d to %s%d the progress made in the period, the challenges, and any support needed.",
			g.Number, g.Code, roadmap.NarrColProgress, l.Row, roadmap.NarrColSupport, l.Row)
	}
}

// comparePrevious warns about values that moved a lot against the previous
// accepted period, or a report that repeats it exactly.
func (c *Checker) comparePrevious(sub *roadmap.Submission) {
	// The figures are read as the catalogue in force for the round has them
	// (Phase I's G7.3 is not the Roadmap 2025–2030's).
	r := &run{c: c, cat: c.Catalogue.InForce(sub.Period), sub: sub}
	prevRound := previousRound(r.sub)
	if prevRound.Before(c.Catalogue.Baseline) {
		// The baseline is the first period reported: nothing before it is
		// compared, and a half-year is never set against the baseline
		// year, whose figures cover twice as long.
		return
	}
	prev := r.c.Previous(r.sub.Jurisdiction, prevRound)
	if prev == nil {
		return
	}
	factor := r.c.changeFactor()
	same, reported := true, 0
	for _, v := range r.sub.Values {
		pv, ok := prev.Value(v.Row)
		// Only a figure of the period just before is compared: a yearly
		// figure is never set against a half-year's.
		ok = ok && pv.Period == v.Period.Prev()
		if v.Reported {
			reported++
		}
		if !ok || pv.Reported != v.Reported || pv.Number != v.Number || pv.Level != v.Level {
			same = false
		}
		row, known := r.cat.Row(v.Row)
		if !v.Reported || !ok || !pv.Reported || !known || row.Indicator.Kind == roadmap.Status {
			continue
		}
		prevPeriod := pv.Period
		// A change from or to zero has no ratio; small counts (0 thefts, then
		// 1) move like that all the time, so only a ratio is judged.
		if v.Number <= 0 || pv.Number <= 0 {
			continue
		}
		ratio := v.Number / pv.Number
		var how string
		switch {
		case ratio > factor:
			how = fmt.Sprintf("more than %s times", formatNumber(factor))
		case ratio < 1/factor:
			how = fmt.Sprintf("less than 1/%s of", formatNumber(factor))
		default:
			continue
		}
		r.warnf(roadmap.CodeLargeChange, roadmap.SheetKPI, v.Cell, v.Indicator,
			"Cell %s (%s) says %s for %s, %s the %s reported for %s: check the figure, and if it is right, explain the change in the Comment column (%s%s).",
			v.Cell, describe(row), formatNumber(v.Number), v.Period, how, formatNumber(pv.Number), prevPeriod,
			roadmap.KPIColComment, strings.TrimPrefix(v.Cell, roadmap.KPIColValue))
	}
	if same && reported > 0 && len(prev.Values) > 0 {
		r.warnf(roadmap.CodeSameAsPrevious, roadmap.SheetKPI, "", "",
			"Every value in this report for %s is the same as in the report for %s: check that the figures were updated for %s and not copied from the earlier report.",
			r.sub.Period, prev.Period, r.sub.Period)
	}
}

// previousRound is the round that holds the figures of the periods just
// before those of sub: the round before, or, for a round that holds only a
// year's figures (the H2 round of yearly indicators), the same half-year a
// year earlier.
func previousRound(sub *roadmap.Submission) roadmap.Period {
	p := sub.Period
	for _, v := range sub.Values {
		if v.Period == p {
			return p.Prev()
		}
	}
	if len(sub.Values) > 0 && !p.IsYear() && sub.Values[0].Period.IsYear() {
		return roadmap.Period{Year: p.Year - 1, Half: p.Half}
	}
	return p.Prev()
}

// checkDeadline warns about a report received after its calendar deadline.
func (r *run) checkDeadline() {
	cal, j, p, at := r.c.Calendar, r.sub.Jurisdiction, r.sub.Period, r.sub.Received
	if cal == nil || cal.Timeliness(j, p, at, at) != roadmap.Late {
		return
	}
	deadline, _ := cal.Deadline(j, p)
	// Both days are named in the deadline's zone: the received time is UTC,
	// whose day can still be the deadline day for a file that came after it.
	r.warnf(roadmap.CodeLate, "", "", "",
		"This report for %s arrived on %s, after the deadline of %s: a late report may miss the meeting's report, so send the next one before its deadline.",
		r.sub.Period, r.sub.Received.In(deadline.Location()).Format(time.DateOnly), deadline.Format(time.DateOnly))
}

// cleanText trims the spaces a spreadsheet user leaves around a value,
// the non-breaking kinds included.
func cleanText(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' })
}

// round removes the binary noise of stored decimals (0.45*100 is
// 45.00000000000001) by keeping 12 significant digits.
func round(f float64) float64 {
	if f == math.Trunc(f) {
		// A whole number has no noise to remove: 2^53 keeps its digits.
		return f
	}
	g, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 12, 64), 64)
	if err != nil {
		return f
	}
	return g
}

// formatNumber writes a number for a message, plainly and without
// separators, so that the message is not ambiguous itself.
func formatNumber(f float64) string { return strconv.FormatFloat(round(f), 'f', -1, 64) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func listOr(items []string) string  { return list(items, "or") }
func listAnd(items []string) string { return list(items, "and") }

func list(items []string, conj string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	case 2:
		return items[0] + " " + conj + " " + items[1]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

func orTitle(cat *roadmap.Catalogue) string {
	if cat.Short != "" {
		return cat.Short
	}
	return cat.Title
}
