package roadmap

// The Commission workbook's layout. The template writer (templates/), the sample
// generator (samples/) and the reader (ingest/) all use these names, so that a
// workbook written by one is read by the other. Rows and columns are 1-based, as
// in Excel.
const (
	// TemplateVersion is the layout version written into every template's
	// metadata. A reader accepts only the versions it knows.
	TemplateVersion = "1"

	SheetCover        = "Cover"
	SheetInstructions = "Instructions"
	SheetKPI          = "KPI"
	SheetNarrative    = "Narrative"
	// SheetMeta is very hidden in a template; LibreOffice saves it back as
	// merely hidden, so readers find it by name whatever its visibility.
	SheetMeta = "_roadmap_meta"
	// SheetLists holds long drop-down lists (status levels), very hidden.
	SheetLists = "_lists"
)

// Cover sheet: labels in column A, values in column B.
const (
	CoverJurisdiction = "B3" // code, locked
	CoverPeriod       = "B4" // e.g. 2026-H1, locked
	CoverInstitution  = "B5"
	CoverContact      = "B6"
	CoverEmail        = "B7"
	CoverDate         = "B8"
	CoverStatus       = "B9" // "draft" or "final"
)

// KPI sheet: a header in row KPIHeaderRow, then one row per catalogue Row in
// catalogue order. A reader finds rows by the code in KPIColCode, not by position.
const (
	KPIHeaderRow     = 1
	KPIFirstRow      = 2
	KPIColCode       = "A" // the stable row code ("G3.1", "G3.1/female")
	KPIColGoal       = "B"
	KPIColIndicator  = "C"
	KPIColBreakdown  = "D"
	KPIColUnit       = "E"
	KPIColValue      = "F" // the input cell
	KPIColComment    = "G" // free text, input
	KPIColGuidance   = "H" // what may be typed, locked
	KPIValueColIndex = 6
)

// Narrative sheet: a header row, then one row per goal with the goal code in
// column A and three long-text input cells.
const (
	NarrHeaderRow    = 1
	NarrFirstRow     = 2
	NarrColGoal      = "A"
	NarrColTitle     = "B"
	NarrColProgress  = "C"
	NarrColChallenge = "D"
	NarrColSupport   = "E"
)

// Metadata sheet: keys in column A, values in column B.
const (
	MetaTemplateVersion  = "template_version"
	MetaCatalogueID      = "catalogue_id"
	MetaCatalogueVersion = "catalogue_version"
	MetaCatalogueHash    = "catalogue_hash"
	MetaJurisdiction     = "jurisdiction"
	MetaPeriod           = "period"
)
