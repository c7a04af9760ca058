package render

import (
	"archive/zip"
	"compress/flate"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
)

// The data behind a report: beside every report PDF a workbook and a CSV of
// the same base name ("rcm-16-regional-final-data.xlsx", "…-data.csv") with
// one row per jurisdiction, indicator (and part) and period, holding every
// figure the PDF prints, exactly as it prints it, and the file it came from.
// A reader can re-chart or check the report without copying from a PDF.

// DataRow is one line of a report's data file.
type DataRow struct {
	Jurisdiction     string // code
	JurisdictionName string // as the report names it ("Kosovo*")
	Goal             string
	Indicator        string // code
	IndicatorTitle   string
	Part             string // part code; "" for the total
	PartLabel        string // "Total" or the part's label
	Period           roadmap.Period
	// Value is the number reported (nil for a status or when not reported);
	// Level the status level; Printed the figure as the report prints it.
	Value   *float64
	Level   string
	Printed string
	Unit    string
	// Reported is false for a value not reported (never zero); Derived is
	// true for a value computed from others rather than read from a workbook;
	// Partial is true when the regional figure covers fewer jurisdictions
	// than there are.
	Reported, Derived, Partial bool
	// ChangePrevious and ChangeBaseline are the changes the report prints for
	// the reviewed period ("" for other periods).
	ChangePrevious, ChangeBaseline string
	Comment                        string // the Commission's comment beside the value
	// The regional figure of the row and period, as printed, and its coverage.
	Regional      string
	RegionalValue *float64
	RegionalRule  roadmap.Aggregation
	// RegionalChange is the regional figure's like-for-like change on the
	// previous period, as printed, for the reviewed period ("" otherwise).
	RegionalChange string
	Covered, Of    int
	// The file the value was read from; empty when none was received.
	SourceFile    string
	SourceVersion int
	SourceHash    string
}

// DataColumns are the data file's column headers, in order.
var DataColumns = []string{
	"Jurisdiction code", "Jurisdiction", "Goal", "Indicator code", "Indicator", "Part code", "Part",
	"Period", "Value", "Level", "Value as printed", "Unit", "Reported", "Derived", "Partial regional figure",
	"Change on previous period", "Change on baseline", "Commission comment",
	"Regional figure", "Regional value", "Regional rule", "Regional change on previous period", "Jurisdictions covered", "Jurisdictions in all",
	"Source file", "Source version", "Source SHA-256",
}

// dataColumnWidths are the data sheet's columns wider than the default, in
// characters.
var dataColumnWidths = map[string]float64{
	"Jurisdiction code": 16, "Jurisdiction": 24, "Indicator code": 14, "Indicator": 48, "Part code": 14, "Part": 18, "Level": 20, "Value as printed": 18,
	"Change on previous period": 18, "Change on baseline": 18, "Commission comment": 40,
	"Regional figure": 28, "Regional change on previous period": 18, "Source file": 28, "Source SHA-256": 66,
}

// DataRows lists the report's figures in catalogue order: goal, indicator,
// row (total, then parts), jurisdiction, then period oldest first (the
// report's time axis, and the period before the reviewed one where the axis
// does not hold it).
func DataRows(r *Report) []DataRow {
	type src struct {
		j string
		p roadmap.Period
	}
	sources := map[src]Source{}
	for _, s := range r.Sources {
		sources[src{s.Jurisdiction, s.Period}] = s
	}
	names := map[string]string{}
	for _, j := range r.Jurisdictions {
		names[j.Code] = j.Name
	}
	n := 0 // at most a row per period of the axis and the one before it
	for _, g := range r.Goals {
		for _, ind := range g.Indicators {
			for _, row := range ind.Rows {
				n += len(row.Jurisdictions) * (len(ind.Periods) + 1)
			}
		}
	}
	out := make([]DataRow, 0, n)
	for gi := range r.Goals {
		for ii := range r.Goals[gi].Indicators {
			ind := &r.Goals[gi].Indicators[ii]
			// Each indicator's own axis: years for a yearly indicator (the
			// earlier ones derived from half-years), and the period before
			// the one shown where the axis does not hold it.
			periods := slices.Clone(ind.Periods)
			prev := ind.Previous
			if !slices.Contains(periods, prev) {
				periods = append(periods, prev)
				slices.SortFunc(periods, roadmap.Period.Compare)
			}
			for ri := range ind.Rows {
				row := &ind.Rows[ri]
				for _, jr := range row.Jurisdictions {
					for _, p := range periods {
						f, reg := Figure{}, Regional{}
						switch i := slices.Index(ind.Periods, p); {
						case i >= 0:
							f, reg = jr.Series[i], row.Series[i]
						case p == prev:
							f, reg = jr.Previous, row.RegionalPrevious
						}
						d := DataRow{
							Jurisdiction: jr.Jurisdiction, JurisdictionName: names[jr.Jurisdiction],
							Goal: ind.Goal, Indicator: ind.Code, IndicatorTitle: ind.Title, Part: row.Part, PartLabel: row.Label,
							Period: p, Value: f.Number, Level: f.Level, Printed: ind.Figure(f), Unit: ind.Unit,
							Reported: f.Reported(), Derived: f.Derived, Partial: reg.Partial,
							Regional: ind.Regional(reg), RegionalValue: reg.Value, RegionalRule: reg.Rule, Covered: reg.Covered, Of: reg.Of,
						}
						if p == ind.Shown {
							d.ChangePrevious, d.ChangeBaseline = ind.Change(jr.ChangePrevious), ind.Change(jr.ChangeBaseline)
							d.Comment = jr.Comment
							if row.ChangePrevious.Known() {
								d.RegionalChange = ind.Change(row.ChangePrevious)
							}
						}
						// A reported year's figure is in its year's second
						// round; a derived one comes from two files and
						// names none.
						s, ok := sources[src{jr.Jurisdiction, p}]
						if !ok && p.IsYear() {
							s, ok = sources[src{jr.Jurisdiction, roadmap.Period{Year: p.Year, Half: 2}}]
						}
						if ok && f.Reported() && !f.Derived {
							d.SourceFile, d.SourceVersion, d.SourceHash = s.Name, s.Version, s.Hash
						}
						out = append(out, d)
					}
				}
			}
		}
	}
	return out
}

// record is a row's cells as text, in DataColumns order: numbers in full
// precision with a point, flags as "yes" or "no", blanks where there is nothing.
func (d DataRow) record() []string {
	num := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	}
	flag := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	version := ""
	if d.SourceVersion > 0 {
		version = strconv.Itoa(d.SourceVersion)
	}
	return []string{
		d.Jurisdiction, d.JurisdictionName, d.Goal, d.Indicator, d.IndicatorTitle, d.Part, d.PartLabel,
		d.Period.String(), num(d.Value), d.Level, d.Printed, d.Unit, flag(d.Reported), flag(d.Derived), flag(d.Partial),
		d.ChangePrevious, d.ChangeBaseline, d.Comment,
		d.Regional, num(d.RegionalValue), string(d.RegionalRule), d.RegionalChange, strconv.Itoa(d.Covered), strconv.Itoa(d.Of),
		d.SourceFile, version, d.SourceHash,
	}
}

// WriteDataCSV writes the report's data as CSV (RFC 4180, UTF-8, a header row).
func WriteDataCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(DataColumns); err != nil {
		return fmt.Errorf("write data CSV: %w", err)
	}
	for _, d := range DataRows(r) {
		if err := cw.Write(d.record()); err != nil {
			return fmt.Errorf("write data CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write data CSV: %w", err)
	}
	return nil
}

// Sheets of the data workbook.
const (
	DataSheet      = "Data"
	DataAboutSheet = "About"
)

// WriteDataXLSX writes the report's data as a workbook: the rows on the Data
// sheet (numbers as numbers, under a frozen header), and an About sheet
// saying which report they belong to. The same report gives the same bytes.
func WriteDataXLSX(w io.Writer, r *Report) error {
	f := excelize.NewFile()
	defer f.Close()
	f.SetZipWriter(fastZip)
	if err := fillData(f, r); err != nil {
		return fmt.Errorf("write data workbook: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write data workbook: %w", err)
	}
	return nil
}

func fillData(f *excelize.File, r *Report) error {
	if err := f.SetSheetName(f.GetSheetName(0), DataSheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(DataSheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	// Columns wide enough to read names and printed figures when the
	// workbook is opened; the others keep the default width.
	// In column order: the same report gives the same bytes.
	for i, header := range DataColumns {
		if width, ok := dataColumnWidths[header]; ok {
			if err := sw.SetColWidth(i+1, i+1, width); err != nil {
				return err
			}
		}
	}
	header := make([]any, len(DataColumns))
	for i, c := range DataColumns {
		header[i] = excelize.Cell{Value: c, StyleID: bold}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	numeric := make([]bool, len(DataColumns))
	for _, c := range []string{"Value", "Regional value", "Jurisdictions covered", "Jurisdictions in all", "Source version"} {
		numeric[slices.Index(DataColumns, c)] = true
	}
	rows := DataRows(r)
	cells := make([]any, len(DataColumns))
	for i, d := range rows {
		rec := d.record()
		for c, s := range rec {
			switch {
			case s == "":
				// Left out, not an empty string: a blank is an empty
				// cell to a spreadsheet, and one cell fewer to write.
				cells[c] = nil
			case numeric[c]:
				cells[c] = s
				if v, err := strconv.ParseFloat(s, 64); err == nil {
					cells[c] = v
				}
			default:
				cells[c] = s
			}
		}
		if err := sw.SetRow("A"+strconv.Itoa(i+2), cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := f.NewSheet(DataAboutSheet); err != nil {
		return err
	}
	about := [][2]string{
		{"Report", r.Title},
		{"Period reviewed", r.PeriodLabel + " (" + r.Period.String() + ")"},
		{"Draft or final", map[bool]string{true: "draft", false: "final"}[r.Draft]},
		{"Data as of", r.AsOf.In(r.Zone()).Format(time.RFC3339)},
		{"Catalogue", r.Roadmap.ID + " version " + r.Roadmap.Version + " (SHA-256 " + r.Roadmap.Hash + ")"},
		{"Rows", "one per jurisdiction, indicator (and part) and period; a value not reported is blank, never zero"},
		{"Value as printed", "the figure exactly as the report prints it, with the indicator's fixed decimals"},
		{"Source SHA-256", "the SHA-256 of the Commission's file the value was read from, as listed in the manifest"},
	}
	for _, fn := range r.Footnotes {
		about = append(about, [2]string{"Note", fn.Mark + " " + fn.Text})
	}
	for i, kv := range about {
		if err := f.SetSheetRow(DataAboutSheet, "A"+strconv.Itoa(i+1), &[]any{kv[0], kv[1]}); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(DataAboutSheet, "A", "A", 20); err != nil {
		return err
	}
	if err := f.SetColWidth(DataAboutSheet, "B", "B", 100); err != nil {
		return err
	}
	created := r.AsOf.UTC().Format(time.RFC3339)
	return f.SetDocProps(&excelize.DocProperties{
		Title: r.Title + " – data", Subject: r.PeriodLabel, Creator: "roadmap",
		Created: created, Modified: created,
	})
}

// fastZip compresses the workbook's parts at flate's best speed, reusing one
// compressor for all of them: every build writes a data workbook, and
// compressing its sheet at the default level took about a third of the time
// of writing it, for a file some 15 % smaller.
func fastZip(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	var fw *flate.Writer
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		if fw == nil {
			var err error
			fw, err = flate.NewWriter(out, flate.BestSpeed)
			return fw, err
		}
		fw.Reset(out)
		return fw, nil
	})
	return zw
}
