package samples

import (
	"math"
	"math/rand/v2"
	"strings"

	"github.com/seesac/roadmap"
)

// scale is a jurisdiction's size against Albania's, from the 2018 estimates of
// civilian firearms and population: Serbia is the biggest, Montenegro the smallest.
var scale = map[string]float64{
	"AL": 1.0,
	"BA": 1.25,
	"XK": 0.95,
	"ME": 0.45,
	"MK": 0.8,
	"RS": 2.3,
}

// profile is the recipe of a count, quantity or percent indicator's series.
type profile struct {
	// base is the value over a half-year for a jurisdiction of scale 1 at the
	// baseline; for a percent, the level at the baseline in points.
	base float64
	// trend is the relative change per half-year; for a percent, points per half-year.
	trend float64
	// noise is the relative spread of one period's value; for a percent, points.
	noise float64
	// flow marks a total over the period (it doubles over a year); otherwise
	// the value is a state at the end of the period.
	flow bool
	// shares gives each breakdown part's share of the total at the baseline and
	// its change per half-year; the last part of an "equal" breakdown takes the rest.
	shares map[string][2]float64
	// monotone keeps a percent from falling back (a standard once met stays met).
	monotone bool
	// ceiling caps a percent below 100.
	ceiling float64
}

// profiles holds the recipes of the default catalogue's indicators, with the
// magnitudes of docs/domain.md; any other indicator gets a plain recipe by kind.
var profiles = map[string]profile{
	"G2.2": {base: 9, trend: 3.8, noise: 4, ceiling: 92},
	"G3.1": {base: 740, trend: 0.012, noise: 0.08, flow: true,
		shares: map[string][2]float64{"border": {0.27, 0.004}}},
	"G3.2": {base: 16500, trend: 0.01, noise: 0.18, flow: true},
	"G3.3": {base: 38, trend: -0.01, noise: 0.35, flow: true},
	"G3.4": {base: 56, trend: 0.01, noise: 0.12, flow: true,
		shares: map[string][2]float64{"female": {0.06, 0.001}}},
	"G4.1": {base: 8, trend: 0.06, noise: 0.2, flow: true},
	"G4.2": {base: 120, trend: 0.05, noise: 0.15, flow: true,
		shares: map[string][2]float64{"female": {0.14, 0.011}}},
	"G5.1": {base: 330, trend: 0.0, noise: 0.25, flow: true},
	"G5.2": {base: 275, trend: -0.018, noise: 0.06, flow: true},
	"G5.3": {base: 48, trend: -0.015, noise: 0.12, flow: true,
		shares: map[string][2]float64{"female": {0.22, 0.001}}},
	"G6.2": {base: 9, trend: 0.0, noise: 0.4, flow: true},
	"G7.1": {base: 42, trend: 3.4, noise: 2.5, monotone: true, ceiling: 100},
	"G7.3": {base: 3, trend: -0.04, noise: 1, flow: true},
}

// campaign is a one-off figure that a series would never produce: an amnesty
// or a large legalisation drive, with the comment a Commission would add.
type campaign struct {
	jurisdiction string
	period       roadmap.Period
	row          string
	number       float64
	comment      string
}

var campaigns = []campaign{
	{"RS", roadmap.Period{Year: 2023, Half: 1}, "G5.1", 77914,
		"Амнестија и легализација, мај–јун 2023: 77.914 комада оружја и око 3 милиона метака."},
	{"MK", roadmap.Period{Year: 2024, Half: 2}, "G5.1", 6120,
		"Кампања за легализација „Ѕвонче за мир“, октомври–декември 2024."},
}

// hist is a jurisdiction's underlying figures on the grid, by the row codes
// of the series' first indicator (its root in the succession).
type hist struct {
	at map[roadmap.Period]map[string]roadmap.Value
}

// history draws a jurisdiction's figures on the grid: every indicator of the
// first catalogue, and every indicator a later catalogue starts.
func history(cat *roadmap.Catalogue, j string) *hist {
	chain := cat.Chain()
	var inds []*roadmap.Indicator
	for k, c := range chain {
		for i := range c.Indicators {
			if k == 0 || c.Indicators[i].Continues == "" {
				inds = append(inds, &c.Indicators[i])
			}
		}
	}
	g := grid(cat)
	h := &hist{at: map[roadmap.Period]map[string]roadmap.Value{}}
	for k, vs := range jurisdictionSeries(inds, chain[0].Baseline, j, g) {
		m := map[string]roadmap.Value{}
		for _, v := range vs {
			m[v.Row] = v
		}
		h.at[g[k]] = m
	}
	return h
}

// rootRows maps each row code of gov to the row code of its series' root.
func rootRows(gov *roadmap.Catalogue) map[string]string {
	out := map[string]string{}
	for i := range gov.Indicators {
		ind := &gov.Indicators[i]
		lin := gov.Lineage(ind)
		root := lin[len(lin)-1].Indicator.Code
		for _, r := range ind.Rows() {
			out[r.Code] = root + strings.TrimPrefix(r.Code, ind.Code)
		}
	}
	return out
}

// round is what jurisdiction j reports in round p under gov: each row due,
// for the period it covers, taken from the grid or made from its half-years.
func (h *hist) round(gov *roadmap.Catalogue, j string, p roadmap.Period) []roadmap.Value {
	roots := rootRows(gov)
	get := func(q roadmap.Period, row string) (roadmap.Value, bool) {
		v, ok := h.at[q][roots[row]]
		return v, ok
	}
	var out []roadmap.Value
	for _, ind := range gov.Due(p) {
		vp, _ := ind.PeriodIn(p)
		for _, r := range ind.Rows() {
			v, ok := get(vp, r.Code)
			if !ok && vp.IsYear() {
				v, ok = ind.DeriveYear(vp.Year, r.Code, get)
				if !ok {
					v, ok = meanOfHalves(vp.Year, r.Code, get)
				}
			}
			v.Row, v.Indicator, v.Period, v.Part = r.Code, ind.Code, vp, ""
			if r.Part != nil {
				v.Part = r.Part.Code
			}
			if !ok || blankOn(j, vp, r.Code) {
				v = roadmap.Value{Row: v.Row, Indicator: v.Indicator, Part: v.Part, Period: vp}
			}
			out = append(out, v)
		}
	}
	return out
}

// meanOfHalves is a year's share of a flow that the catalogue does not
// define as a ratio (the share of firearms traced): what a Commission would
// report for the year, the mean of its two half-years.
func meanOfHalves(year int, row string, get func(roadmap.Period, string) (roadmap.Value, bool)) (roadmap.Value, bool) {
	a, okA := get(roadmap.Period{Year: year, Half: 1}, row)
	b, okB := get(roadmap.Period{Year: year, Half: 2}, row)
	if !okA || !okB || !a.Reported || !b.Reported {
		return roadmap.Value{}, false
	}
	return roadmap.Value{Reported: true, Number: round((a.Number+b.Number)/2, 1)}, true
}

// jurisdictionSeries computes every row's value of the given indicators for
// each period, in their row order: series[k] are the values of periods[k].
func jurisdictionSeries(inds []*roadmap.Indicator, baseline roadmap.Period, j string, periods []roadmap.Period) [][]roadmap.Value {
	s := scale[j]
	if s == 0 {
		s = 1
	}
	out := make([][]roadmap.Value, len(periods))
	for _, ind := range inds {
		r := stream(j, ind.Code)
		var rows [][]roadmap.Value
		switch {
		case ind.Kind == roadmap.Status:
			rows = statusSeries(r, ind, len(periods))
		case ind.Code == "G4.3":
			rows = shareOfWomen(ind, out)
		case ind.Code == "G6.1":
			rows = destroyed(r, ind, s, baseline, periods)
		default:
			rows = numberSeries(r, ind, s, baseline, periods)
		}
		for k, p := range periods {
			row := rows[k]
			for n := range row {
				row[n].Period = p
				applyCampaign(j, p, &row[n])
			}
			out[k] = append(out[k], row...)
		}
	}
	return out
}

func applyCampaign(j string, p roadmap.Period, v *roadmap.Value) {
	for _, c := range campaigns {
		if c.jurisdiction == j && c.period == p && c.row == v.Row {
			v.Number, v.Comment = c.number, c.comment
		}
	}
}

func blankOn(j string, p roadmap.Period, row string) bool {
	for _, b := range blankValues {
		if b.Jurisdiction == j && b.Period == p && b.Row == row {
			return true
		}
	}
	return false
}

// values makes the reported values of an indicator's rows: total first.
func values(ind *roadmap.Indicator, total float64, parts []float64) []roadmap.Value {
	rows := ind.Rows()
	vs := make([]roadmap.Value, len(rows))
	for n, row := range rows {
		vs[n] = roadmap.Value{Row: row.Code, Indicator: ind.Code, Reported: true, Number: total}
		if row.Part != nil {
			vs[n].Part = row.Part.Code
			vs[n].Number = parts[n-1]
		}
	}
	return vs
}

func decimalsOf(ind *roadmap.Indicator) int {
	if ind.Kind == roadmap.Count {
		return 0
	}
	return 1
}

// numberSeries follows a profile: a slow trend with noise around it.
func numberSeries(r *rand.Rand, ind *roadmap.Indicator, s float64, baseline roadmap.Period, periods []roadmap.Period) [][]roadmap.Value {
	pr, ok := profiles[ind.Code]
	if !ok {
		pr = profile{base: 100, trend: 0.01, noise: 0.15, flow: true}
		if ind.Kind == roadmap.Percent {
			pr = profile{base: 30, trend: 2, noise: 3, ceiling: 100}
		}
	}
	dec := decimalsOf(ind)
	out := make([][]roadmap.Value, len(periods))
	prev := 0.0
	for k, p := range periods {
		t := halfYears(baseline, p)
		var total float64
		if ind.Kind == roadmap.Percent {
			total = pr.base + pr.trend*t + (r.Float64()*2-1)*pr.noise
			if pr.monotone {
				total = math.Max(total, prev)
			}
			total = round(math.Min(math.Max(total, 0), pr.ceiling), 1)
			prev = total
		} else {
			// Counts near zero (thefts) need additive noise, not relative.
			mean := pr.base * s * math.Pow(1+pr.trend, t)
			if pr.flow {
				mean *= length(p)
			}
			if pr.noise >= 1 {
				total = mean * r.Float64() * 2
			} else {
				total = mean * spread(r, pr.noise)
			}
			total = round(math.Max(total, 0), dec)
			if ind.Kind == roadmap.Count && total < 1 && pr.base >= 5 {
				total = 1
			}
		}
		out[k] = values(ind, total, split(r, ind, pr, total, t, dec))
	}
	return out
}

// split divides a total among an indicator's breakdown parts. Under the "equal"
// rule the parts add up to the total exactly; under "at-most" they leave a small
// unattributed rest, as real figures do.
func split(r *rand.Rand, ind *roadmap.Indicator, pr profile, total, t float64, dec int) []float64 {
	if ind.Breakdown == nil {
		return nil
	}
	parts := ind.Breakdown.Parts
	m := math.Pow(10, float64(dec))
	units := math.Round(total * m)
	out := make([]float64, len(parts))
	left := units
	equal := ind.Breakdown.Rule != roadmap.PartsAtMostTotal
	for n, part := range parts {
		last := n == len(parts)-1
		if last && equal {
			out[n] = left / m
			break
		}
		sh, ok := pr.shares[part.Code]
		share := sh[0] + sh[1]*t
		if !ok {
			share = 1 / float64(len(parts))
		}
		share *= spread(r, 0.15)
		if !equal {
			share *= 0.97
		}
		u := math.Min(math.Floor(units*share), left)
		out[n] = u / m
		left -= u
	}
	return out
}

// shareOfWomen derives "share of women among officials trained" from the
// number trained by sex, so that the two agree as they would in a real report.
func shareOfWomen(ind *roadmap.Indicator, done [][]roadmap.Value) [][]roadmap.Value {
	out := make([][]roadmap.Value, len(done))
	for k, vs := range done {
		var total, female float64
		for _, v := range vs {
			switch v.Row {
			case "G4.2":
				total = v.Number
			case "G4.2/female":
				female = v.Number
			}
		}
		pct := 0.0
		if total > 0 {
			pct = round(female/total*100, 1)
		}
		out[k] = values(ind, pct, nil)
	}
	return out
}

// destroyed is the weapons-destroyed series: a steady trickle of seized weapons,
// and now and then a destruction event of thousands, mostly surplus stocks.
func destroyed(r *rand.Rand, ind *roadmap.Indicator, s float64, baseline roadmap.Period, periods []roadmap.Period) [][]roadmap.Value {
	out := make([][]roadmap.Value, len(periods))
	for k, p := range periods {
		event := r.Float64() < 0.22
		var total float64
		surplusShare := 0.08
		if event {
			total = math.Min(math.Round(4200*math.Sqrt(s)*(1+2.5*r.Float64())), 28000)
			surplusShare = 0.72
		} else {
			total = math.Round(240 * s * length(p) * spread(r, 0.3))
		}
		pr := profile{shares: map[string][2]float64{
			"surplus": {surplusShare, 0},
			"seized":  {1 - surplusShare, 0},
		}}
		out[k] = values(ind, total, split(r, ind, pr, total, halfYears(baseline, p), 0))
	}
	return out
}

// statusFloor is the lowest level a series may start on, where the scale's
// first levels are not a sequence: a strategy that is "none" does not become
// "expired", so the strategy series start on "expired" (most strategies of the
// region had lapsed by 2018) and climb from there.
var statusFloor = map[string]int{"G1.2": 1}

// statusSeries climbs an ordered scale: each jurisdiction starts low and moves
// up a level now and then, never down.
func statusSeries(r *rand.Rand, ind *roadmap.Indicator, n int) [][]roadmap.Value {
	out := make([][]roadmap.Value, n)
	top := len(ind.Levels) - 1
	level := min(statusFloor[ind.Code]+r.IntN(max(1, (top+1)/2)), max(top, 0))
	for k := range n {
		if k > 0 && level < top && r.Float64() < 0.17 {
			level++
		}
		v := roadmap.Value{Row: ind.Code, Indicator: ind.Code}
		if top >= 0 {
			v.Reported, v.Level = true, ind.Levels[level]
		}
		out[k] = []roadmap.Value{v}
	}
	return out
}
