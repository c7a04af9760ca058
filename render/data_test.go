package render

import (
	"context"
	"encoding/csv"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
	shared "github.com/seesac/roadmap/internal/fixture"
	"github.com/seesac/roadmap/render/pdf/pdftest"
	"github.com/seesac/roadmap/samples"
	"github.com/seesac/roadmap/templates"
)

func TestMain(m *testing.M) { shared.Main(m, periodFolder) }

// periodBuild is a report on the samples' last period, built through the
// real builder (with its data files) and PDF writer, and the text of its
// PDF's pages.
type periodBuild struct {
	res   *Result
	pages []string
}

// periodFolder holds the regional report and Kosovo*'s, built once per test
// binary for the tests that read them (none changes them); periodBuilds
// holds what each build made, by jurisdiction ("" for the regional report).
var (
	periodFolder = shared.New(buildPeriods)
	periodBuilds = map[string]*periodBuild{}
)

func buildPeriods(dir string) error {
	l, err := layoutOnce()
	if err != nil {
		return err
	}
	s, m := l.snap, l.meeting
	b := &Builder{Root: dir, Ledger: &memLedger{subs: s.Submissions}, Catalogue: s.Catalogue, Calendar: s.Calendar,
		Now: func() time.Time { return s.AsOf }, Write: WritePDF}
	for _, j := range []string{"", "XK"} {
		res, err := b.Build(context.Background(), BuildRequest{Period: m.Period, Jurisdiction: j, AsOf: s.AsOf})
		if err != nil {
			return err
		}
		body, err := os.ReadFile(res.PDF)
		if err != nil {
			return err
		}
		pages, err := pdftest.Pages(body)
		if err != nil {
			return err
		}
		periodBuilds[j] = &periodBuild{res: res, pages: pages}
	}
	return nil
}

// builtPeriod is the report on the samples' last period for jurisdiction
// ("" for the regional one), from periodFolder.
func builtPeriod(t testing.TB, jurisdiction string) *periodBuild {
	t.Helper()
	periodFolder.Path(t)
	return periodBuilds[jurisdiction]
}

// TestDataMatchesPDF builds the regional report and a jurisdiction report
// through the real builder and PDF writer, reads the data CSV and workbook
// back (they must hold the same rows) and checks them against the text
// extracted from the PDF both ways: every figure the data says the report
// prints is in the PDF, and every figure-like cell of the PDF's goal
// chapters is a figure of the data.
func TestDataMatchesPDF(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		jurisdiction string
	}{{"regional", ""}, {"jurisdiction", "XK"}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := builtPeriod(t, tc.jurisdiction)
			checkDataMatchesPDF(t, b.res, b.pages, tc.jurisdiction)
		})
	}
}

// checkDataMatchesPDF reads the build's data CSV and workbook (they must hold
// the same rows) and checks them against the text of its PDF's pages both
// ways. focus is the jurisdiction of a jurisdiction report, "" for a
// regional one.
func checkDataMatchesPDF(t *testing.T, res *Result, pages []string, focus string) {
	t.Helper()
	rows := readDataCSV(t, res.DataCSV)
	x := readDataXLSX(t, res.DataXLSX)
	if len(x) != len(rows) {
		t.Fatalf("the data workbook has %d rows, the CSV %d", len(x), len(rows))
	}
	for i := range rows {
		if !slices.EqualFunc(rows[i], x[i], sameCell) {
			t.Fatalf("row %d: the workbook holds\n%q\nthe CSV\n%q", i, x[i], rows[i])
		}
	}
	if rows[0][0] != DataColumns[0] || len(rows) < 1000 {
		t.Fatalf("data file has %d rows, header %v", len(rows), rows[0])
	}
	col := func(name string) int { return slices.Index(DataColumns, name) }
	checkManifestFiles(t, res)
	text := "\n" + strings.Join(goalPages(pages, res.Report), "\n") + "\n"

	printed := map[string]bool{}
	cur, prev, base := res.Report.Period.String(), res.Report.Period.Prev().String(), res.Report.Periods[0].String()
	missing := 0
	for _, r := range rows[1:] {
		for _, c := range []string{"Value as printed", "Regional figure", "Change on previous period", "Change on baseline", "Regional change on previous period"} {
			if v := r[col(c)]; v != "" {
				printed[v] = true
				printed[strings.TrimPrefix(v, "mean ")] = true // a chart labels the mean's line by its number
				// A chart labels a point by its number, without the marks
				// of a partial or derived figure that its legend explains.
				bare := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(v, "mean "), " (partial)"), " "+DerivedMark)
				printed[bare] = true
			}
		}
		// The tables print every shown jurisdiction's current, previous
		// and baseline figures, and the region's current one.
		shown := focus == "" || r[col("Jurisdiction code")] == focus
		// Parts print their current figure only.
		period, total := r[col("Period")], r[col("Part code")] == ""
		want := []string{}
		if shown && (period == cur || total && (period == prev || period == base)) && r[col("Reported")] == "yes" && r[col("Level")] == "" {
			want = append(want, r[col("Value as printed")])
		}
		if shown && total && period == cur && r[col("Change on previous period")] != "–" && r[col("Level")] == "" {
			want = append(want, r[col("Change on previous period")])
		}
		if period == cur && r[col("Regional rule")] != string(roadmap.Distribution) {
			want = append(want, r[col("Regional figure")])
		}
		for _, w := range want {
			if !strings.Contains(text, "\n"+pdftest.Flatten(w)+"\n") {
				missing++
				if missing < 10 {
					t.Errorf("%s %s %s %s: the data says %q is printed; the PDF lacks it", r[col("Jurisdiction code")], r[col("Indicator code")], r[col("Part code")], period, w)
				}
			}
		}
	}
	// Every figure-like cell of the goal chapters is a figure of the data.
	figure := regexp.MustCompile(`^(mean )?[+−]?\d[\d,]*(\.\d+)?( \([+−]?[\d,]+\.\d %\))?$`)
	for _, line := range strings.Split(text, "\n") {
		if !figure.MatchString(line) || printed[line] || tickLike(line, len(res.Report.Jurisdictions)) {
			continue
		}
		t.Errorf("the PDF prints %q, which is no figure of the data file, in\n%s", line, around(text, line))
	}
}

// goalPages are the pages of the goal chapters: from the first goal's heading
// to the annexes.
func goalPages(pages []string, r *Report) []string {
	first := "Goal 1: " + pdftest.Flatten(r.Goals[0].Title)
	start, end := -1, len(pages)
	for i, p := range pages {
		if start < 0 && i > 2 && strings.Contains(p, first) {
			start = i
		}
		if start >= 0 && strings.Contains(p, "\nAnnexes\n") {
			end = i
			break
		}
	}
	if start < 0 {
		return pages
	}
	return pages[start:end]
}

var year = regexp.MustCompile(`^(19|20)\d\d$`)

// around is the text near the first line that is s.
func around(text, s string) string {
	i := strings.Index(text, "\n"+s+"\n")
	return text[max(i-200, 0):min(i+60, len(text))]
}

// tickLike is a label of a chart's axis (a round number of at most two
// significant digits) or a small count (jurisdictions at a level), not a figure.
func tickLike(s string, jurisdictions int) bool {
	if year.MatchString(s) {
		return true // a period on a chart's axis or in a column header
	}
	// Ticks are multiples of 1, 2, 2.5 or 5 times a power of ten.
	sig := strings.TrimRight(strings.TrimLeft(strings.NewReplacer(",", "", "−", "", ".", "").Replace(s), "0"), "0")
	if !strings.Contains(s, ".") && (len(sig) <= 2 || len(sig) == 3 && strings.HasSuffix(sig, "5")) {
		return true
	}
	n, err := strconv.Atoi(s)
	return err == nil && n <= jurisdictions
}

// sameCell compares a CSV cell with a workbook cell: numbers to the 15
// significant digits a spreadsheet keeps.
func sameCell(a, b string) bool {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	if errA != nil || errB != nil {
		return a == b
	}
	return math.Abs(x-y) <= 1e-12*math.Max(math.Abs(x), 1)
}

func readDataCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// readDataXLSX reads the Data sheet as text, numbers written back as the CSV
// writes them.
func readDataXLSX(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(DataSheet)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		for len(rows[i]) < len(DataColumns) {
			rows[i] = append(rows[i], "")
		}
	}
	return rows
}

func checkManifestFiles(t *testing.T, res *Result) {
	t.Helper()
	m, err := ReadManifest(filepath.Dir(res.PDF))
	if err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, f := range m.Builds[0].Files {
		roles = append(roles, f.Role)
		p := filepath.Join(filepath.Dir(res.PDF), f.Name)
		if sha(t, p) != f.Hash {
			t.Errorf("manifest hash of %s does not match the file", f.Name)
		}
	}
	if !slices.Contains(roles, RoleDataXLSX) || !slices.Contains(roles, RoleDataCSV) {
		t.Errorf("manifest lists %v", roles)
	}
}

// sixteenStates is the 16-state yearly test catalogue and its samples as
// the ledger would hold them.
func sixteenStates(t *testing.T) (*roadmap.Catalogue, []roadmap.Submission) {
	t.Helper()
	cat, err := templates.LoadCatalogue(filepath.Join("..", "templates", "testdata", "caribbean.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := samples.Build(cat)
	if err != nil {
		t.Fatal(err)
	}
	return cat, sampleSubmissions(data)
}

// TestSixteenJurisdictions builds the report of the 16-state yearly test
// catalogue: its tables switch layout rather than break a number or a word
// (every figure of the data is found whole in the PDF, no name is cut), and
// its data agrees with the PDF as the Western Balkans report's does.
func TestSixteenJurisdictions(t *testing.T) {
	t.Parallel()
	cat, subs := sixteenStates(t)
	if len(cat.Jurisdictions) != 16 {
		t.Fatalf("%d jurisdictions", len(cat.Jurisdictions))
	}
	last := subs[len(subs)-1].Period
	asOf := last.Last().AddDate(1, 0, 0)
	b := &Builder{Root: t.TempDir(), Ledger: &memLedger{subs: subs}, Catalogue: cat, Now: func() time.Time { return asOf }, Write: WritePDF}
	res, err := b.Build(context.Background(), BuildRequest{Period: last, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(res.PDF)
	if err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("ROADMAP_PDF_OUT_16"); out != "" {
		if err := os.WriteFile(out, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pages, err := pdftest.Pages(body)
	if err != nil {
		t.Fatal(err)
	}
	checkDataMatchesPDF(t, res, pages, "")
	text := strings.Join(pages, "\n")
	if strings.Contains(text, "…") {
		t.Error("some text is cut with an ellipsis")
	}
	for _, j := range cat.Jurisdictions {
		if n := strings.Count("\n"+text+"\n", "\n"+j.Name+"\n"); n < 10 {
			t.Errorf("%s is named whole on only %d lines: its name is broken in tables", j.Name, n)
		}
	}
}

// TestCompanionsByteIdentical: two builds of the same draft (two folders,
// the same ledger and cut-off) write the same bytes for the PDF, the data
// files, the data-quality note and the synthesis workbook.
func TestCompanionsByteIdentical(t *testing.T) {
	t.Parallel()
	s, m := layoutSnapshot(t)
	var entries [2]ManifestBuild
	for i := range entries {
		b := &Builder{Root: t.TempDir(), Ledger: &memLedger{subs: s.Submissions}, Catalogue: s.Catalogue, Calendar: s.Calendar,
			Now: func() time.Time { return s.AsOf }, Write: WritePDF, WriteNote: WriteQualityNote,
			WriteSynthesis: func(w io.Writer, m *roadmap.Meeting, syn roadmap.Synthesis) error {
				return templates.WriteSynthesis(w, s.Catalogue, m, syn)
			}}
		res, err := b.Build(context.Background(), BuildRequest{Meeting: m, Draft: true, AsOf: s.AsOf})
		if err != nil {
			t.Fatal(err)
		}
		if res.DataXLSX == "" || res.DataCSV == "" || res.QualityNote == "" || res.Synthesis == "" {
			t.Fatalf("result %+v", res)
		}
		entries[i] = res.Entry
	}
	if entries[0].OutputHash != entries[1].OutputHash || len(entries[0].Files) != 4 || !slices.Equal(entries[0].Files, entries[1].Files) {
		t.Errorf("two builds differ:\n%+v\n%+v", entries[0], entries[1])
	}
}

// TestHeadersNameTheirPeriod: a table heads its figures with the period they
// are for. In a report reviewing 2026-H1 the Roadmap 2025–2030's yearly
// figures are those of 2025, so no breakdown or distribution may say
// January–June 2026 above them, and the headline table, whose rows mix
// periods, names none in a code (each yearly row names its year).
func TestHeadersNameTheirPeriod(t *testing.T) {
	t.Parallel()
	_, m := layoutSnapshot(t)
	pages := builtPeriod(t, "").pages
	text := strings.Join(pages, "\n")
	if want := "Breakdown, " + roadmap.MustPeriod("2025").Label(); !strings.Contains(text, want) {
		t.Errorf("no breakdown is headed %q", want)
	}
	// A narrow column's header wraps: the extracted text has a line each.
	// 2024 is derived from its half-years: its header carries the mark.
	if want := "\nJurisdictions,\n2025\nWhich\nPrevious,\n2024 " + DerivedMark + "\n"; !strings.Contains(text, want) {
		t.Errorf("no distribution over the scale is headed %q", want)
	}
	for _, bad := range []string{"Breakdown, " + m.Period.Label(), "Jurisdictions,\n" + m.Period.String(), "Region,\n" + m.Period.String()} {
		if strings.Contains(text, bad) {
			t.Errorf("a table of yearly figures is headed %q", bad)
		}
	}
	// The status matrix of a yearly indicator holds the year's levels, in
	// the regional report and in a jurisdiction's.
	for _, j := range []string{"", "XK"} {
		text := strings.Join(strings.Fields(strings.Join(builtPeriod(t, j).pages, "\n")), " ")
		if bad := "Status by jurisdiction, " + m.Period.Label(); strings.Contains(text, bad) {
			t.Errorf("report %q: the matrix of a yearly status is headed %q", j, bad)
		}
		if want := "Status by jurisdiction, 2025"; !strings.Contains(text, want) {
			t.Errorf("report %q: no status matrix is headed %q", j, want)
		}
	}
	// A jurisdiction report's headline table names the year of a yearly
	// figure beside the indicator, as the regional one does.
	xk := strings.Join(strings.Fields(strings.Join(builtPeriod(t, "XK").pages, "\n")), " ")
	for _, want := range []string{"Firearms seized (2025, firearms)", "SALW control strategy and action plan (2025)"} {
		if !strings.Contains(xk, want) {
			t.Errorf("the jurisdiction report's headline figures do not name %q", want)
		}
	}
}

// The change of a percentage is in percentage points, and so is the unit
// its column header names.
func TestPercentChangesHeadedInPoints(t *testing.T) {
	t.Parallel()
	text := strings.Join(strings.Fields(strings.Join(builtPeriod(t, "").pages, "\n")), " ")
	for _, want := range []string{"Change on previous (pp)", "Change on baseline (pp)"} {
		if !strings.Contains(text, want) {
			t.Errorf("no column is headed %q", want)
		}
	}
	for _, bad := range []string{"Change on previous (%)", "Change on baseline (%)"} {
		if strings.Contains(text, bad) {
			t.Errorf("a column of changes in points is headed %q", bad)
		}
	}
}

// BenchmarkWriteDataXLSX writes the regional report's data workbook, which
// every build writes beside its PDF.
func BenchmarkWriteDataXLSX(b *testing.B) {
	r := regionalFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteDataXLSX(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

// The data workbook says when its data were taken in the report's zone, as
// the report does, not in UTC.
func TestDataWorkbookTimeInZone(t *testing.T) {
	t.Parallel()
	r := regionalFixture(t)
	zone, err := time.LoadLocation("Europe/Belgrade")
	if err != nil {
		t.Fatal(err)
	}
	r.Location = zone
	rows := aboutRows(t, r)
	want := r.AsOf.In(r.Location).Format(time.RFC3339)
	for _, row := range rows {
		if len(row) == 2 && row[0] == "Data as of" {
			if row[1] != want {
				t.Errorf("Data as of %q, want %q (the report's zone)", row[1], want)
			}
			return
		}
	}
	t.Errorf("no Data as of row in %v", rows)
}

// The note under a table with a partial regional figure says once what
// "(partial)" means.
func TestPartialNoteSaidOnce(t *testing.T) {
	t.Parallel()
	text := strings.Join(strings.Fields(strings.Join(builtPeriod(t, "").pages, "\n")), " ")
	if strings.Contains(text, "(partial): partial:") {
		t.Error(`a note reads "(partial): partial:"`)
	}
	if !strings.Contains(text, "(partial): a regional figure that lacks a jurisdiction") {
		t.Error("no note says what (partial) means")
	}
}

// The data sheet's columns are wide enough to read a jurisdiction's and an
// indicator's name when the workbook is opened (they had the default width,
// "Bosnia and" cut off by the next column).
func TestDataWorkbookColumnWidths(t *testing.T) {
	t.Parallel()
	f := dataWorkbook(t, regionalFixture(t))
	for header, least := range map[string]float64{"Jurisdiction": 22, "Indicator": 40, "Value as printed": 14, "Source SHA-256": 60} {
		col, err := excelize.ColumnNumberToName(slices.Index(DataColumns, header) + 1)
		if err != nil {
			t.Fatal(err)
		}
		w, err := f.GetColWidth(DataSheet, col)
		if err != nil {
			t.Fatal(err)
		}
		if w < least {
			t.Errorf("column %s (%s) is %.1f wide, want at least %.0f", col, header, w, least)
		}
	}
}

// The data workbook names Kosovo*, so it carries the footnote the report
// carries (on its About sheet, as a sheet of data has no foot).
func TestDataWorkbookCarriesFootnote(t *testing.T) {
	t.Parallel()
	r := regionalFixture(t)
	if len(r.Footnotes) == 0 {
		t.Fatal("the fixture's report has no footnote")
	}
	rows := aboutRows(t, r)
	var about strings.Builder
	for _, row := range rows {
		about.WriteString(strings.Join(row, "\t") + "\n")
	}
	for _, fn := range r.Footnotes {
		if !strings.Contains(about.String(), fn.Mark+" "+fn.Text) {
			t.Errorf("the About sheet lacks the footnote %q:\n%s", fn.Text, about.String())
		}
	}
}

// dataWorkbook is r's data workbook, written and opened again.
func dataWorkbook(t *testing.T, r *Report) *excelize.File {
	t.Helper()
	var buf strings.Builder
	if err := WriteDataXLSX(&buf, r); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// aboutRows are the rows of the About sheet of r's data workbook.
func aboutRows(t *testing.T, r *Report) [][]string {
	t.Helper()
	rows, err := dataWorkbook(t, r).GetRows(DataAboutSheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
