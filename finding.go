package roadmap

import "fmt"

// Severity of a finding: an error rejects the file, a warning is recorded and reported.
type Severity string

// Severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Code is a finding's stable identifier. Scripts, tests and the metrics key on it;
// its wording never changes once published.
type Code string

// Finding codes. Errors reject a file; warnings are recorded with it.
const (
	// The file itself.
	CodeNotWorkbook       Code = "not-a-workbook"   // not a zip/xlsx at all (says what it looks like)
	CodeEncryptedOrXLS    Code = "encrypted-or-xls" // an OLE container: password-protected or Excel 97–2003
	CodeODS               Code = "ods"              // an OpenDocument spreadsheet
	CodeDamaged           Code = "damaged"          // a zip that excelize cannot read, or a parser panic
	CodeTooLarge          Code = "too-large"        // over the size limit
	CodeSymlink           Code = "symlink"          // a symbolic link in the inbox, never followed
	CodeUnsupportedFile   Code = "unsupported-file" // another kind of file (says which)
	CodeNotTemplate       Code = "not-our-template" // a workbook, but not the roadmap's KPI template
	CodeNoMetadata        Code = "metadata-missing" // the metadata sheet was removed
	CodeTemplateVersion   Code = "unknown-template-version"
	CodeCatalogueVersion  Code = "catalogue-mismatch" // made from another catalogue (id or version)
	CodeWrongJurisdiction Code = "wrong-jurisdiction" // unknown, or against folder/metadata/cover
	CodeWrongPeriod       Code = "wrong-period"       // unknown, or against metadata/cover, or not of the cadence
	CodeMissingRow        Code = "row-missing"        // a KPI row code was deleted from the sheet
	CodeUnknownRow        Code = "row-unknown"        // a row code that the catalogue does not know
	CodeDuplicateRow      Code = "row-duplicate"      // the same row code twice

	// The values.
	CodeMissingValue   Code = "value-missing"      // a required value left blank
	CodeWrongType      Code = "value-wrong-type"   // text where a number is expected, a fraction in a count
	CodeAmbiguous      Code = "value-ambiguous"    // "1,234" style text that could be read two ways
	CodeOutOfRange     Code = "value-out-of-range" // negative count, percent over 100
	CodeNotOnScale     Code = "status-not-on-scale"
	CodePartsExceed    Code = "parts-exceed-total"
	CodePartsNotSum    Code = "parts-do-not-add-up"
	CodeShareNotRatio  Code = "share-contradicts-figures" // a ratio's share that its own figures contradict
	CodeFormulaNoValue Code = "formula-without-value"     // a formula whose result was never saved

	// SEESAC's synthesis workbook.
	CodeSynthesisMisplaced Code = "synthesis-misplaced" // a synthesis outside inbox/_seesac/, or a KPI workbook in it
	CodeSynthesisMeeting   Code = "synthesis-meeting"   // names no meeting of the calendar that has a regional report still ahead

	// Warnings.
	CodeLargeChange     Code = "large-change"
	CodeSameAsPrevious  Code = "same-as-previous"
	CodeNoNarrative     Code = "narrative-missing"
	CodeLate            Code = "late"
	CodeCoverIncomplete Code = "cover-incomplete"
	CodeDraftSubmitted  Code = "marked-draft"
)

// Finding is one problem found in a submitted file, down to the cell. Message is
// one plain-English sentence that a focal point can act on.
type Finding struct {
	Severity  Severity `json:"severity"`
	Code      Code     `json:"code"`
	Sheet     string   `json:"sheet,omitempty"`
	Cell      string   `json:"cell,omitempty"`
	Indicator string   `json:"indicator,omitempty"`
	Message   string   `json:"message"`
}

// String is the finding on one line: "error KPI!F7 (G3.1) value-out-of-range: ...".
func (f Finding) String() string {
	where := f.Sheet
	if f.Cell != "" {
		where += "!" + f.Cell
	}
	if f.Indicator != "" {
		where += " (" + f.Indicator + ")"
	}
	if where != "" {
		where += " "
	}
	return fmt.Sprintf("%s %s%s: %s", f.Severity, where, f.Code, f.Message)
}

// CountFindings is how many of fs have severity sev: the one count that
// receipts, the ledger's audit, history, validate, ingest and status print.
func CountFindings(fs []Finding, sev Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity == sev {
			n++
		}
	}
	return n
}

// HasErrors reports whether any finding is an error.
func HasErrors(fs []Finding) bool { return CountFindings(fs, Error) > 0 }
