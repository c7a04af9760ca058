package render

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/templates"
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
	// figures is the period the KPI sheet's figures cover, as its Value
	// header says ("Value for 2025" in the 2025-H2 round), else the round.
	figures roadmap.Period
}

// readSamples reads every sample workbook with excelize alone, without the
// ingest reader, so that the expected figures do not share its code. It
// returns none when the samples have not been generated.
func readSamples() ([]rawSample, error) {
	paths, err := filepath.Glob(filepath.Join(samplesDir, "*", "*.xlsx"))
	if err != nil {
		return nil, err
	}
	var out []rawSample
	for _, path := range paths {
		s, err := readSample(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func readSample(path string) (rawSample, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return rawSample{}, err
	}
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		return rawSample{}, err
	}
	defer f.Close()
	ptext, err := f.GetCellValue(roadmap.SheetCover, roadmap.CoverPeriod)
	if err != nil {
		return rawSample{}, err
	}
	p, err := roadmap.ParsePeriod(ptext)
	if err != nil {
		return rawSample{}, err
	}
	rows, err := f.GetRows(roadmap.SheetKPI, excelize.Options{RawCellValue: true})
	if err != nil {
		return rawSample{}, err
	}
	sum := sha256.Sum256(data)
	s := rawSample{
		file: filepath.Base(path), jurisdiction: filepath.Base(filepath.Dir(path)), period: p,
		hash: hex.EncodeToString(sum[:]), cells: map[string]string{}, figures: p,
	}
	if len(rows) > 0 && len(rows[0]) >= roadmap.KPIValueColIndex {
		if y, ok := strings.CutPrefix(rows[0][roadmap.KPIValueColIndex-1], "Value for "); ok {
			if s.figures, err = roadmap.ParsePeriod(y); err != nil {
				return rawSample{}, fmt.Errorf("KPI header %q", y)
			}
		}
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
	return s, nil
}

// submission turns a raw sample into what the ledger would hold: a value per
// row of its sheet, filed under the period the sheet's header names.
func (s rawSample) submission(cat *roadmap.Catalogue, received time.Time) (roadmap.Submission, error) {
	sub := roadmap.Submission{
		ID: int64(len(s.hash)), Hash: s.hash, Name: s.file, Jurisdiction: s.jurisdiction, Period: s.period,
		Version: 1, State: roadmap.Accepted, Received: received,
	}
	for _, row := range cat.InForce(s.period).Rows() {
		if _, on := s.cells[row.Code]; !on {
			continue
		}
		v := roadmap.Value{Row: row.Code, Indicator: row.Indicator.Code, Period: s.figures}
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
					return sub, fmt.Errorf("%s %s: %q is not a number", s.file, row.Code, c)
				}
				v.Number = n
			}
		}
		sub.Values = append(sub.Values, v)
	}
	return sub, nil
}

// ledgerBook is every sample cell by jurisdiction, the period the figure
// covers, and row code.
type ledgerBook map[string]map[roadmap.Period]map[string]string

// source finds the indicator of the catalogue governing q whose series ind
// (an indicator of rc) continues, from the catalogue's continues keys.
func source(rc, gov *roadmap.Catalogue, ind *roadmap.Indicator) *roadmap.Indicator {
	x, cur := rc, ind
	for x != gov {
		if cur.Continues == "" || x.Previous == nil {
			return nil
		}
		prev, ok := x.Previous.Indicator(cur.Continues)
		if !ok {
			return nil
		}
		x, cur = x.Previous, prev
	}
	return cur
}

// want is jurisdiction j's figure of row (of ind, an indicator of rc) for
// period q, computed from the cells: the cell of the figure filed under q,
// or a year made from the two half-years of a half-yearly indicator (the sum
// of a count, the second half of a level or a stock share, 100 × the summed
// numerator over the summed denominator of a share defined as a ratio).
// ok is false when it is not reported.
func (b ledgerBook) want(t *testing.T, cat, rc *roadmap.Catalogue, ind *roadmap.Indicator, j string, q roadmap.Period, row string) (cell string, derived, ok bool) {
	src := source(rc, cat.InForce(q), ind)
	if src == nil {
		return "", false, false
	}
	code := src.Code + strings.TrimPrefix(row, ind.Code)
	if c, on := b[j][q][code]; on {
		return c, false, c != ""
	}
	if !q.IsYear() || src.Cadence != roadmap.HalfYearly {
		return "", false, false
	}
	h1, h2 := b[j][roadmap.Period{Year: q.Year, Half: 1}], b[j][roadmap.Period{Year: q.Year, Half: 2}]
	both := func(code string) (float64, bool) {
		if h1[code] == "" || h2[code] == "" {
			return 0, false
		}
		return number(t, h1[code]) + number(t, h2[code]), true
	}
	switch {
	case src.Kind == roadmap.Percent && src.Ratio != nil && row == ind.Code:
		n, okN := both(src.Ratio.Numerator)
		d, okD := both(src.Ratio.Denominator)
		if !okN || !okD || d == 0 {
			return "", false, false
		}
		return strconv.FormatFloat(math.Round(1000*n/d)/10, 'f', -1, 64), true, true
	case src.Kind == roadmap.Count || src.Kind == roadmap.Quantity:
		n, ok := both(code)
		if !ok {
			return "", false, false
		}
		return strconv.FormatFloat(n, 'f', -1, 64), true, true
	case src.Kind == roadmap.Status || src.Measure == roadmap.Stock:
		if h1[code] == "" || h2[code] == "" {
			return "", false, false
		}
		return h2[code], true, true
	}
	return "", false, false // a share of a flow with no numerator: not derived
}

func number(t *testing.T, s string) float64 {
	t.Helper()
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return n
}

// wantRegional is the regional figure of row for q from the cells.
type wantRegional struct {
	covered          int
	value            float64
	min, max         float64
	levels           map[string]int
	derived, partial bool
}

func (b ledgerBook) regional(t *testing.T, cat, rc *roadmap.Catalogue, ind *roadmap.Indicator, q roadmap.Period, row string) wantRegional {
	w := wantRegional{levels: map[string]int{}, min: math.Inf(1), max: math.Inf(-1)}
	var total, num, den float64
	for _, jj := range rc.Jurisdictions {
		c, derived, ok := b.want(t, cat, rc, ind, jj.Code, q, row)
		if !ok {
			continue
		}
		if ind.Aggregation == roadmap.Pooled && row == ind.Code {
			nInd, _ := rc.Indicator(strings.Split(ind.Ratio.Numerator, "/")[0])
			dInd, _ := rc.Indicator(strings.Split(ind.Ratio.Denominator, "/")[0])
			n, _, okN := b.want(t, cat, rc, nInd, jj.Code, q, ind.Ratio.Numerator)
			d, _, okD := b.want(t, cat, rc, dInd, jj.Code, q, ind.Ratio.Denominator)
			if !okN || !okD || number(t, d) == 0 {
				continue
			}
			num += number(t, n)
			den += number(t, d)
		}
		w.covered++
		w.derived = w.derived || derived
		if ind.Kind == roadmap.Status {
			w.levels[c]++
			continue
		}
		n := number(t, c)
		total += n
		w.min, w.max = math.Min(w.min, n), math.Max(w.max, n)
	}
	w.partial = w.covered > 0 && w.covered < len(rc.Jurisdictions)
	switch {
	case ind.Aggregation == roadmap.Pooled && row == ind.Code && den > 0:
		w.value = 100 * num / den
	case ind.Aggregation == roadmap.Mean, ind.Aggregation == roadmap.Pooled:
		w.value = total / float64(max(w.covered, 1))
	default:
		w.value = total
	}
	return w
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// checkRegional compares a regional figure with the one computed from cells.
func checkRegional(t *testing.T, where string, ind *roadmap.Indicator, got Regional, w wantRegional) {
	t.Helper()
	if got.Covered != w.covered || got.Partial != w.partial || got.Derived != w.derived {
		t.Errorf("%s: covers %d partial=%t derived=%t, the workbooks %d partial=%t derived=%t", where, got.Covered, got.Partial, got.Derived, w.covered, w.partial, w.derived)
		return
	}
	if w.covered == 0 {
		if got.Value != nil || got.Min != nil || got.Reported() {
			t.Errorf("%s: nobody reported but the figure is %s", where, regional(got))
		}
		return
	}
	switch ind.Aggregation {
	case roadmap.Sum, roadmap.Mean, roadmap.Pooled:
		if got.Value == nil || !near(*got.Value, w.value) {
			t.Errorf("%s: %s = %s, the workbooks give %v", where, ind.Aggregation, num(got.Value), w.value)
		}
	case roadmap.Range:
		if got.Min == nil || got.Max == nil || *got.Min != w.min || *got.Max != w.max {
			t.Errorf("%s: range %s–%s, the workbooks give %v–%v", where, num(got.Min), num(got.Max), w.min, w.max)
		}
	case roadmap.Distribution:
		for _, l := range got.Levels {
			if l.Count != w.levels[l.Level] {
				t.Errorf("%s: %d at %q, the workbooks give %d", where, l.Count, l.Level, w.levels[l.Level])
			}
		}
	}
}

// sampleLedger is the ledger the sample workbooks make, with the cells by
// jurisdiction and the period each figure covers, and the workbooks as read.
type sampleLedger struct {
	snap Snapshot
	book ledgerBook
	raws []rawSample
}

// sampleLedgerOnce reads the sample workbooks once per test binary: the
// tests share what it read and only read it.
var sampleLedgerOnce = sync.OnceValues(func() (*sampleLedger, error) {
	// The built-in succession: Phase I up to 2024-H2, the Roadmap 2025–2030
	// from 2025-H1.
	cat, err := templates.DefaultCatalogue()
	if err != nil {
		return nil, err
	}
	raws, err := readSamples()
	if err != nil {
		return nil, err
	}
	received := time.Date(2026, 11, 12, 9, 0, 0, 0, time.UTC)
	l := &sampleLedger{book: ledgerBook{}, raws: raws}
	var subs []roadmap.Submission
	for _, r := range raws {
		sub, err := r.submission(cat, received)
		if err != nil {
			return nil, err
		}
		subs = append(subs, sub)
		if l.book[r.jurisdiction] == nil {
			l.book[r.jurisdiction] = map[roadmap.Period]map[string]string{}
		}
		l.book[r.jurisdiction][r.figures] = r.cells
	}
	l.snap = Snapshot{Catalogue: cat, Submissions: subs, AsOf: received.Add(time.Hour)}
	return l, nil
})

// sampleSnapshot is the ledger the sample workbooks make (on the built-in
// succession of catalogues), read once and shared: t must not change it.
func sampleSnapshot(t *testing.T) (Snapshot, ledgerBook, []rawSample) {
	t.Helper()
	l, err := sampleLedgerOnce()
	if err != nil {
		t.Fatal(err)
	}
	if len(l.raws) == 0 {
		t.Skipf("no sample workbooks in %s yet (go generate ./samples)", samplesDir)
	}
	return l.snap, l.book, l.raws
}

// samplePeriods are the rounds of the samples, in time order.
func samplePeriods(raws []rawSample) []roadmap.Period {
	var ps []roadmap.Period
	for _, r := range raws {
		if !slices.Contains(ps, r.period) {
			ps = append(ps, r.period)
		}
	}
	slices.SortFunc(ps, func(a, b roadmap.Period) int { return a.Compare(b) })
	return ps
}

// TestCombineSamples compares Combine's figures with figures computed
// directly from the sample workbooks' cells, for the report of every round
// and every period of each indicator's series: the Phase I half-years, the
// years derived from them, and the Roadmap 2025–2030's yearly figures,
// including the period ME did not report and the figures left blank.
func TestCombineSamples(t *testing.T) {
	t.Parallel()
	snap, book, raws := sampleSnapshot(t)
	cat := snap.Catalogue
	compared := 0
	for _, p := range samplePeriods(raws) {
		rep := Combine(snap, Request{Period: p})
		rc := cat.InForce(p)
		for _, g := range rep.Goals {
			for _, ir := range g.Indicators {
				ind, _ := rc.Indicator(ir.Code)
				for _, row := range ir.Rows {
					for i, q := range ir.Periods {
						where := p.String() + " report: " + row.Code + " " + q.String()
						checkRegional(t, where, ind, row.Series[i], book.regional(t, cat, rc, ind, q, row.Code))
						for _, jr := range row.Jurisdictions {
							c, derived, ok := book.want(t, cat, rc, ind, jr.Jurisdiction, q, row.Code)
							f := jr.Series[i]
							if f.Reported() != ok || f.Derived != derived || (ok && f.Level == "" && !near(*f.Number, number(t, c))) || (ok && f.Level != "" && f.Level != c) {
								t.Errorf("%s %s: %s (derived %t), the workbooks %q (derived %t, reported %t)", where, jr.Jurisdiction, fig(f), f.Derived, c, derived, ok)
							}
						}
						compared++
					}
					where := p.String() + " report: " + row.Code
					checkRegional(t, where+" previous "+ir.Previous.String(), ind, row.RegionalPrevious, book.regional(t, cat, rc, ind, ir.Previous, row.Code))
					checkRegional(t, where+" current "+ir.Shown.String(), ind, row.Regional, book.regional(t, cat, rc, ind, ir.Shown, row.Code))
					checkRegional(t, where+" baseline", ind, row.RegionalBaseline, book.regional(t, cat, rc, ind, ind.Baseline, row.Code))
				}
			}
		}
	}
	t.Logf("compared %d regional figures over %d workbooks", compared, len(raws))
	if compared < 3000 {
		t.Errorf("only %d figures compared", compared)
	}
}

// TestSamplesReport2026H1: the report on 2026-H1 (a round that holds only
// narratives) shows the 2025 yearly figures with their year, and trends from
// the 2018 baseline through the 2019–2024 years derived from Phase I's
// half-years to 2025, the derived points marked.
func TestSamplesReport2026H1(t *testing.T) {
	t.Parallel()
	snap, _, _ := sampleSnapshot(t)
	rep := Combine(snap, Request{Period: roadmap.MustPeriod("2026-H1")})
	if rep.Catalogue.ID != "wb-salw-roadmap-2030" || len(rep.Succession) != 2 || rep.Succession[0].Governs != "up to 2024-H2" {
		t.Errorf("catalogue %s, succession %+v", rep.Catalogue.ID, rep.Succession)
	}
	g31 := indicatorOf(t, rep, "G3.1")
	var axis []string
	for _, p := range g31.Periods {
		axis = append(axis, p.String())
	}
	if g31.Shown != roadmap.MustPeriod("2025") || strings.Join(axis, " ") != "2018 2019 2020 2021 2022 2023 2024 2025" {
		t.Fatalf("G3.1 shows %s on the axis %v", g31.Shown, axis)
	}
	t31 := g31.Total()
	for i, rg := range t31.Series {
		if want := i > 0 && i < 7; rg.Derived != want || !rg.Reported() {
			t.Errorf("G3.1 %s: derived=%t reported=%t", g31.Periods[i], rg.Derived, rg.Reported())
		}
	}
	// ME did not report 2021-H1, so its 2021 is not derived and the
	// regional 2021 is partial.
	if rg := t31.Series[3]; !rg.Partial || !slices.Contains(rg.Missing, "ME") {
		t.Errorf("G3.1 2021 = %s, want partial without ME", regional(rg))
	}
	if !strings.Contains(g31.Series, "Phase I") && !strings.Contains(g31.Series, "continues") {
		t.Errorf("G3.1 series note %q", g31.Series)
	}
	if g74 := indicatorOf(t, rep, "G7.4"); !strings.Contains(g74.Series, "Thefts and losses from state stockpiles") || !strings.Contains(g74.Series, "definition changed") || !g74.Total().Series[1].Derived {
		t.Errorf("G7.4 series note %q", g74.Series)
	}
	if g23 := indicatorOf(t, rep, "G2.3"); !strings.Contains(g23.Series, "New in") || len(g23.Periods) != 1 || !g23.Total().Regional.Reported() {
		t.Errorf("G2.3: note %q, axis %v, 2025 %s", g23.Series, g23.Periods, regional(g23.Total().Regional))
	}
	if len(rep.Derived) == 0 {
		t.Error("no derived figure listed for the manifest")
	}
}

// TestNewIndicatorIsRatedFromItsOwnBaseline: G2.3, new in the Roadmap
// 2025–2030 catalogue, has no figures for the catalogue's 2018 and is
// measured from its own baseline, 2025. The report on 2026-H1 (which judges
// 2025, the baseline year itself) says so instead of "no data"; with the
// 2026 figures of a 2026-H2 round added, it is rated against 2025.
func TestNewIndicatorIsRatedFromItsOwnBaseline(t *testing.T) {
	t.Parallel()
	snap, _, _ := sampleSnapshot(t)
	y2025 := roadmap.MustPeriod("2025")
	rep := Combine(snap, Request{Period: roadmap.MustPeriod("2026-H1")})
	g23 := indicatorOf(t, rep, "G2.3")
	if g23.Rating != NotRated || g23.Baseline != y2025 || !strings.Contains(g23.RatingReason, "in 2025, the baseline year") || !strings.Contains(g23.RatingReason, "too early to judge") {
		t.Errorf("G2.3 on 2026-H1: %s (%s), baseline %s; want not rated, too early, from its 2025 baseline", g23.Rating, g23.RatingReason, g23.Baseline)
	}
	if p := g23.Progress; p == nil || p.Since != y2025 || !strings.Contains(p.Target, "against 2025") {
		t.Errorf("G2.3 progress %+v, want measured from 2025", p)
	}
	for _, g := range rep.Goals {
		if g.Code == "G2" && strings.Contains(g.StatusReason, "no data") {
			t.Errorf("goal 2: %s (%s): G2.3 still counts as no data", g.Status, g.StatusReason)
		}
	}
	for _, d := range rep.Definitions {
		if d.Code == "G2.3" && !strings.Contains(d.Target, "its 2025 baseline") {
			t.Errorf("Annex A target of G2.3 = %q, want it to name its 2025 baseline", d.Target)
		}
	}

	// The 2026-H2 round brings the 2026 figures: 20 % up on 2025 in one
	// year, against the 10 % a year that +50 % by 2030 needs.
	later := snap
	later.Submissions = slices.Clone(snap.Submissions)
	base := g23.Total()
	for i, jr := range base.Jurisdictions {
		if jr.Current.Number == nil {
			continue
		}
		s := sub(jr.Jurisdiction, roadmap.MustPeriod("2026-H2"), 1, snap.AsOf, map[string]any{"G2.3": math.Round(*jr.Current.Number * 1.2)})
		s.ID, s.Values[0].Period = int64(900000+i), roadmap.MustPeriod("2026")
		later.Submissions = append(later.Submissions, s)
	}
	ir := indicatorOf(t, Combine(later, Request{Period: roadmap.MustPeriod("2026-H2")}), "G2.3")
	if ir.Rating != OnTrack || !strings.HasPrefix(ir.RatingReason, "From "+ir.Number(*base.Regional.Value)+" in 2025 to ") || !strings.Contains(ir.RatingReason, "a year since 2025") {
		t.Errorf("G2.3 on 2026-H2: %s (%s), want on track from the 2025 regional %s", ir.Rating, ir.RatingReason, regional(base.Regional))
	}
}

// TestRatingsNeverContradictTheFigures runs every indicator of the report on
// every sample round, regional and for each jurisdiction, and checks that no
// rating says the opposite of the figures printed beside it (the progress
// sentence under the rating): achieved only when the figures reached the
// target; on track only when they moved the target's way and the date has
// not passed; missed only when the date passed unmet. It also checks that
// "missed" is used, for Phase I targets that expired unmet.
func TestRatingsNeverContradictTheFigures(t *testing.T) {
	t.Parallel()
	snap, _, raws := sampleSnapshot(t)
	seen := map[Rating]int{}
	missedPhaseI := false
	scopes := []string{""}
	for _, j := range snap.Catalogue.Jurisdictions {
		scopes = append(scopes, j.Code)
	}
	for _, p := range samplePeriods(raws) {
		for _, j := range scopes {
			rep := Combine(snap, Request{Period: p, Jurisdiction: j})
			for _, g := range rep.Goals {
				for _, ir := range g.Indicators {
					where := p.String() + " " + j + " " + ir.Code + " " + string(ir.Rating) + " (" + ir.RatingReason + ")"
					seen[ir.Rating]++
					checkRating(t, where, &ir)
					if ir.Rating == Missed && rep.Catalogue.ID == "wb-salw-roadmap" {
						missedPhaseI = true
					}
				}
			}
		}
	}
	t.Logf("ratings: %v", seen)
	if !missedPhaseI {
		t.Error(`no Phase I target is "missed", though its date (2023, 2024) passed`)
	}
	for _, r := range []Rating{Achieved, OnTrack, OffTrack, Missed, NotRated} {
		if seen[r] == 0 {
			t.Errorf("no indicator is %q in any sample period", r)
		}
	}
}

func checkRating(t *testing.T, where string, ir *IndicatorReport) {
	t.Helper()
	p := ir.Progress
	if p == nil {
		if ir.Rating != NotRated && ir.Rating != NoData {
			t.Errorf("%s: an indicator without a target must be described, not rated", where)
		}
		return
	}
	if p.Level != "" {
		switch ir.Rating {
		case Achieved:
			if p.AtTarget != p.Covered || p.Covered == 0 {
				t.Errorf("%s: achieved, but %d of %d at the level", where, p.AtTarget, p.Covered)
			}
		case OnTrack, OffTrack:
			if p.AtTarget == p.Covered || p.Due {
				t.Errorf("%s: %d of %d at the level, due %t", where, p.AtTarget, p.Covered, p.Due)
			}
		case Missed:
			if p.AtTarget == p.Covered || !p.Due {
				t.Errorf("%s: missed, but %d of %d at the level, due %t", where, p.AtTarget, p.Covered, p.Due)
			}
		}
		return
	}
	if p.Baseline == nil || p.Current == nil {
		// Before its baseline year has ended, an indicator is too early to
		// rate, not short of figures.
		if early := p.Year.Before(p.Since); ir.Rating != NoData && (!early || ir.Rating != NotRated) {
			t.Errorf("%s: rated without figures", where)
		}
		return
	}
	tc, moved := *p.TargetChange, *p.Current-*p.Baseline
	towards := moved != 0 && (moved < 0) == (tc < 0)
	reached := towards && (p.Change == nil || (tc < 0 && *p.Change <= tc) || (tc > 0 && *p.Change >= tc))
	if !strings.Contains(ir.RatingReason, ir.Number(*p.Baseline)) || !strings.Contains(ir.RatingReason, ir.Number(*p.Current)) {
		t.Errorf("%s: the reason does not print the figures it judged (%s, %s)", where, ir.Number(*p.Baseline), ir.Number(*p.Current))
	}
	switch ir.Rating {
	case Achieved:
		if !reached {
			t.Errorf("%s: achieved, but the figures went from %v to %v against a target of %v", where, *p.Baseline, *p.Current, tc)
		}
	case OnTrack:
		if !towards || reached || p.Due {
			t.Errorf("%s: on track, but the figures went from %v to %v against a target of %v (due %t)", where, *p.Baseline, *p.Current, tc, p.Due)
		}
	case OffTrack:
		if reached || p.Due {
			t.Errorf("%s: off track, but the figures reached the target or its date passed", where)
		}
	case Missed:
		if reached || !p.Due {
			t.Errorf("%s: missed, but the figures reached the target or its date is ahead", where)
		}
	}
}
