package render

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
)

// samplesDir holds the sample workbooks, one folder per jurisdiction.
const samplesDir = "../samples/workbooks/valid"

// rawSample is what one sample workbook says, read straight from its cells:
// the KPI sheet's value column by row code, "" where the cell is blank.
type rawSample struct {
	file         string
	jurisdiction string
	period       roadmap.Period
	hash         string
	cells        map[string]string
}

// readSamples reads every sample workbook with excelize alone, without the
// ingest reader, so that the expected figures do not share its code.
func readSamples(t *testing.T) []rawSample {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(samplesDir, "*", "*.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Skipf("no sample workbooks in %s yet (go generate ./samples)", samplesDir)
	}
	var out []rawSample
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		ptext, err := f.GetCellValue(roadmap.SheetCover, roadmap.CoverPeriod)
		if err != nil {
			t.Fatal(err)
		}
		p, err := roadmap.ParsePeriod(ptext)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		rows, err := f.GetRows(roadmap.SheetKPI, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		sum := sha256.Sum256(data)
		s := rawSample{
			file: filepath.Base(path), jurisdiction: filepath.Base(filepath.Dir(path)), period: p,
			hash: hex.EncodeToString(sum[:]), cells: map[string]string{},
		}
		for _, row := range rows[roadmap.KPIFirstRow-1:] {
			if len(row) == 0 || row[0] == "" {
				continue
			}
			v := ""
			if len(row) >= roadmap.KPIValueColIndex {
				v = strings.TrimSpace(row[roadmap.KPIValueColIndex-1])
			}
			s.cells[row[0]] = v
		}
		out = append(out, s)
	}
	return out
}

// submission turns a raw sample into what the ledger would hold.
func (s rawSample) submission(t *testing.T, cat *roadmap.Catalogue, received time.Time) roadmap.Submission {
	sub := roadmap.Submission{
		ID: int64(len(s.hash)), Hash: s.hash, Name: s.file, Jurisdiction: s.jurisdiction, Period: s.period,
		Version: 1, State: roadmap.Accepted, Received: received,
	}
	for _, row := range cat.Rows() {
		v := roadmap.Value{Row: row.Code, Indicator: row.Indicator.Code}
		if row.Part != nil {
			v.Part = row.Part.Code
		}
		if c := s.cells[row.Code]; c != "" {
			v.Reported = true
			if row.Indicator.Kind == roadmap.Status {
				v.Level = c
			} else {
				n, err := strconv.ParseFloat(c, 64)
				if err != nil {
					t.Fatalf("%s %s: %q is not a number", s.file, row.Code, c)
				}
				v.Number = n
			}
		}
		sub.Values = append(sub.Values, v)
	}
	return sub
}

// expected is a regional figure computed from raw cells.
type expected struct {
	covered  int
	value    float64 // sum or mean
	min, max float64
	levels   map[string]int
}

func expect(t *testing.T, ind *roadmap.Indicator, cells []string) expected {
	e := expected{levels: map[string]int{}, min: math.Inf(1), max: math.Inf(-1)}
	var total float64
	for _, c := range cells {
		if c == "" {
			continue
		}
		e.covered++
		if ind.Kind == roadmap.Status {
			e.levels[c]++
			continue
		}
		n, err := strconv.ParseFloat(c, 64)
		if err != nil {
			t.Fatal(err)
		}
		total += n
		e.min, e.max = math.Min(e.min, n), math.Max(e.max, n)
	}
	e.value = total
	if ind.Aggregation == roadmap.Mean && e.covered > 0 {
		e.value = total / float64(e.covered)
	}
	return e
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// checkRegional compares a regional figure with the one computed from cells.
func checkRegional(t *testing.T, where string, ind *roadmap.Indicator, got Regional, e expected) {
	t.Helper()
	if got.Covered != e.covered {
		t.Errorf("%s: covers %d jurisdictions, the workbooks %d", where, got.Covered, e.covered)
		return
	}
	if e.covered == 0 {
		if got.Value != nil || got.Min != nil || got.Reported() {
			t.Errorf("%s: nobody reported but the figure is %s", where, regional(got))
		}
		return
	}
	switch ind.Aggregation {
	case roadmap.Sum, roadmap.Mean:
		if got.Value == nil || !near(*got.Value, e.value) {
			t.Errorf("%s: %s = %s, the workbooks give %v", where, ind.Aggregation, num(got.Value), e.value)
		}
	case roadmap.Range:
		if got.Min == nil || got.Max == nil || *got.Min != e.min || *got.Max != e.max {
			t.Errorf("%s: range %s–%s, the workbooks give %v–%v", where, num(got.Min), num(got.Max), e.min, e.max)
		}
	case roadmap.Distribution:
		for _, l := range got.Levels {
			if l.Count != e.levels[l.Level] {
				t.Errorf("%s: %d at %q, the workbooks give %d", where, l.Count, l.Level, e.levels[l.Level])
			}
		}
	}
}

// TestCombineSamples compares Combine's figures with figures computed
// directly from the sample workbooks' cells, for every period of the series,
// including the period ME did not report and the KPI BA left blank.
func TestCombineSamples(t *testing.T) {
	cat := catalogue(t)
	raws := readSamples(t)
	received := time.Date(2026, 11, 12, 9, 0, 0, 0, time.UTC)
	var subs []roadmap.Submission
	byPeriod := map[roadmap.Period]map[string]rawSample{}
	for _, r := range raws {
		subs = append(subs, r.submission(t, cat, received))
		if byPeriod[r.period] == nil {
			byPeriod[r.period] = map[string]rawSample{}
		}
		byPeriod[r.period][r.jurisdiction] = r
	}
	snap := Snapshot{Catalogue: cat, Submissions: subs, AsOf: received.Add(time.Hour)}
	latest := roadmap.MustPeriod("2026-H1")
	rep := Combine(snap, Request{Period: latest})
	if len(rep.Periods) < 2 || rep.Periods[len(rep.Periods)-1] != latest {
		t.Fatalf("periods %v do not end with %s", rep.Periods, latest)
	}

	cellsOf := func(p roadmap.Period, row string) []string {
		var cells []string
		for _, j := range cat.Jurisdictions {
			cells = append(cells, byPeriod[p][j.Code].cells[row]) // "" when the file or the cell is missing
		}
		return cells
	}
	compared := 0
	for _, ir := range rep.Goals {
		for _, ind := range ir.Indicators {
			ci, _ := cat.Indicator(ind.Code)
			for _, row := range ind.Rows {
				for i, p := range rep.Periods {
					where := row.Code + " " + p.String()
					checkRegional(t, where, ci, row.Series[i], expect(t, ci, cellsOf(p, row.Code)))
					for k, jr := range row.Jurisdictions {
						if blank := cellsOf(p, row.Code)[k] == ""; blank == jr.Series[i].Reported() {
							t.Errorf("%s %s: reported=%t but the cell is %q", where, jr.Jurisdiction, jr.Series[i].Reported(), cellsOf(p, row.Code)[k])
						}
					}
					compared++
				}
			}
		}
	}
	t.Logf("compared %d regional figures over %d workbooks", compared, len(raws))

	// The gaps the samples hold on purpose.
	gap := roadmap.MustPeriod("2021-H1")
	if _, ok := byPeriod[gap]["ME"]; ok {
		t.Fatalf("the samples were expected to have no ME workbook for %s", gap)
	}
	r21 := Combine(snap, Request{Period: gap})
	if c := r21.Completeness[slices.IndexFunc(r21.Completeness, func(c Completeness) bool { return c.Jurisdiction == "ME" })]; c.State != roadmap.Missing {
		t.Errorf("ME %s completeness = %s, want missing", gap, c.State)
	}
	g31 := find(t, r21, "G3.1")
	if me := jrow(t, g31, "ME"); me.Current.Reported() || me.Current.Number != nil {
		t.Errorf("ME did not report %s but G3.1 shows %s", gap, fig(me.Current))
	}
	if !slices.Contains(g31.Regional.Missing, "ME") || g31.Regional.Covered != len(cat.Jurisdictions)-1 {
		t.Errorf("G3.1 %s: %s", gap, g31.Regional.Coverage())
	}
	if !strings.Contains(g31.Regional.Coverage(), "sum over those that reported") {
		t.Errorf("a partial sum must say so: %q", g31.Regional.Coverage())
	}
	ci, _ := cat.Indicator("G3.1")
	checkRegional(t, "G3.1 "+gap.String()+" current", ci, g31.Regional, expect(t, ci, cellsOf(gap, "G3.1")))
	checkRegional(t, "G3.1 "+gap.String()+" previous", ci, g31.RegionalPrevious, expect(t, ci, cellsOf(gap.Prev(), "G3.1")))
	checkRegional(t, "G3.1 baseline", ci, g31.RegionalBaseline, expect(t, ci, cellsOf(cat.Baseline, "G3.1")))

	blankP := roadmap.MustPeriod("2020-H2")
	if c := byPeriod[blankP]["BA"].cells["G3.3"]; c != "" {
		t.Fatalf("the samples were expected to leave BA's G3.3 for %s blank, it holds %q", blankP, c)
	}
	r20 := Combine(snap, Request{Period: blankP})
	g33 := find(t, r20, "G3.3")
	if ba := jrow(t, g33, "BA"); ba.Current.Number != nil {
		t.Errorf("BA left G3.3 blank for %s but shows %s", blankP, fig(ba.Current))
	}
	if !slices.Contains(g33.Regional.Missing, "BA") {
		t.Errorf("G3.3 %s does not list BA as not reported: %s", blankP, g33.Regional.Coverage())
	}
	ci, _ = cat.Indicator("G3.3")
	checkRegional(t, "G3.3 "+blankP.String(), ci, g33.Regional, expect(t, ci, cellsOf(blankP, "G3.3")))
}
