package roadmap

import "strconv"

// The reporting cycle (docs/cycle.md): each item of a catalogue (an
// indicator, the narrative) has its own cadence; a round is the workbook of
// one jurisdiction and period that holds every item due in it; a catalogue
// governs the periods from its From until its successor takes over.

// Chain lists the catalogue and those it succeeds, oldest first.
func (c *Catalogue) Chain() []*Catalogue {
	var out []*Catalogue
	for x := c; x != nil; x = x.Previous {
		out = append([]*Catalogue{x}, out...)
	}
	return out
}

// InForce is the catalogue of the chain that governs period p: the newest
// whose From is at or before p's start (the oldest governs everything before).
func (c *Catalogue) InForce(p Period) *Catalogue {
	x := c
	for x.Previous != nil && !x.From.IsZero() && p.First().Before(x.From.First()) {
		x = x.Previous
	}
	return x
}

// Successor is the catalogue of c's chain that succeeds old; nil when old is
// the newest (or not in the chain).
func (c *Catalogue) Successor(old *Catalogue) *Catalogue {
	for x := c; x != nil; x = x.Previous {
		if x.Previous == old {
			return x
		}
	}
	return nil
}

// Governs says in words which periods old governs in c's chain:
// "up to 2024-H2", "from 2025-H1", "all periods".
func (c *Catalogue) Governs(old *Catalogue) string {
	next := c.Successor(old)
	switch {
	case next != nil && !old.From.IsZero() && old.Previous != nil:
		return "from " + old.From.String() + " to " + lastBefore(next.From).String()
	case next != nil:
		return "up to " + lastBefore(next.From).String()
	case !old.From.IsZero() && old.Previous != nil:
		return "from " + old.From.String()
	}
	return "all periods"
}

// lastBefore is the half-year just before the period p starts.
func lastBefore(p Period) Period {
	return HalfOf(p.First().AddDate(0, 0, -1))
}

// Find looks a catalogue of the chain up by id.
func (c *Catalogue) Find(id string) (*Catalogue, bool) {
	for x := c; x != nil; x = x.Previous {
		if x.ID == id {
			return x, true
		}
	}
	return nil, false
}

// RoundCadence is how often a jurisdiction sends a workbook: every half-year
// when any item (an indicator or the narrative) is half-yearly, else yearly.
// An item whose cadence is not set has the catalogue's.
func (c *Catalogue) RoundCadence() Cadence {
	cadences := []Cadence{c.NarrativeCadence}
	for i := range c.Indicators {
		cadences = append(cadences, c.Indicators[i].Cadence)
	}
	for _, x := range cadences {
		if x == HalfYearly || (x == "" && c.Cadence == HalfYearly) {
			return HalfYearly
		}
	}
	return Yearly
}

// IsRound reports whether a workbook can be made for period p: the baseline
// year, or a period of the round cadence.
func (c *Catalogue) IsRound(p Period) bool {
	if p.IsZero() {
		return false
	}
	if p == c.Baseline {
		return true
	}
	if c.RoundCadence() == Yearly {
		return p.IsYear()
	}
	return !p.IsYear()
}

// Reviewable reports whether a report can review period p: a round of the
// catalogue in force for it, or a calendar year (a year of progress, whose
// figures are yearly or derived from their half-years).
func (c *Catalogue) Reviewable(p Period) bool {
	return !p.IsZero() && (p.IsYear() || c.InForce(p).IsRound(p))
}

// RoundWords says which periods are rounds, for messages: "half-years
// (2026-H1, 2026-H2)" or "calendar years (2026)".
func (c *Catalogue) RoundWords() string {
	if c.RoundCadence() == Yearly {
		return "calendar years (such as 2026)"
	}
	return "half-years (such as 2026-H1 or 2026-H2)"
}

// itemPeriod is the period an item of the given cadence covers in round: the
// round itself, or for a yearly item in a half-yearly round, the year that
// the second half closes (nothing is due in a first half).
func itemPeriod(cadence Cadence, round Period) (Period, bool) {
	switch {
	case round.IsZero():
		return Period{}, false
	case round.IsYear(), cadence != Yearly:
		return round, true
	case round.Half == 2:
		return Period{Year: round.Year}, true
	}
	return Period{}, false
}

// PeriodIn is the period the indicator's figure covers in round, and whether
// it is due in that round at all.
func (ind *Indicator) PeriodIn(round Period) (Period, bool) {
	return itemPeriod(ind.Cadence, round)
}

// NarrativePeriod is the period the narrative covers in round, and whether it
// is due in that round.
func (c *Catalogue) NarrativePeriod(round Period) (Period, bool) {
	return itemPeriod(c.NarrativeCadence, round)
}

// YearRound is the round whose workbook brings the yearly figures of year
// (its second half), and false when no indicator is reported for the year
// as such (every figure is half-yearly, the year derived from its halves).
func (c *Catalogue) YearRound(year Period) (Period, bool) {
	if !year.IsYear() {
		return Period{}, false
	}
	round := Period{Year: year.Year, Half: 2}
	for _, ind := range c.Due(round) {
		if p, _ := ind.PeriodIn(round); p == year {
			return round, true
		}
	}
	return Period{}, false
}

// Due lists the indicators due in round, in catalogue order.
func (c *Catalogue) Due(round Period) []*Indicator {
	var out []*Indicator
	for i := range c.Indicators {
		if _, ok := c.Indicators[i].PeriodIn(round); ok {
			out = append(out, &c.Indicators[i])
		}
	}
	return out
}

// RowsDue lists the KPI-sheet rows of the indicators due in round.
func (c *Catalogue) RowsDue(round Period) []Row {
	var rows []Row
	for _, ind := range c.Due(round) {
		rows = append(rows, ind.Rows()...)
	}
	return rows
}

// Shown is the period of an indicator's figure that a report reviewing
// reviewed presents: the period itself for a half-yearly indicator, and for
// a yearly one the latest year ended by the end of reviewed.
func (ind *Indicator) Shown(reviewed Period) Period {
	if ind.Cadence != Yearly || reviewed.IsYear() {
		return reviewed
	}
	if reviewed.Half == 2 {
		return Period{Year: reviewed.Year}
	}
	return Period{Year: reviewed.Year - 1}
}

// Lineage is an indicator's series back through the succession: the
// indicator itself in c, then each indicator of an earlier catalogue that it
// continues, newest first.
type Lineage []LineageStep

// LineageStep is one catalogue's indicator in a lineage.
type LineageStep struct {
	Catalogue *Catalogue
	Indicator *Indicator
}

// Lineage follows ind (an indicator of c) back through the catalogues it
// continues.
func (c *Catalogue) Lineage(ind *Indicator) Lineage {
	out := Lineage{{c, ind}}
	for x, cur := c, ind; cur.Continues != "" && x.Previous != nil; {
		prev, ok := x.Previous.Indicator(cur.Continues)
		if !ok {
			break
		}
		x, cur = x.Previous, prev
		out = append(out, LineageStep{x, cur})
	}
	return out
}

// At is the step of the lineage whose catalogue governs p; false when the
// series did not exist then.
func (l Lineage) At(root *Catalogue, p Period) (LineageStep, bool) {
	gov := root.InForce(p)
	for _, s := range l {
		if s.Catalogue == gov {
			return s, true
		}
	}
	return LineageStep{}, false
}

// YearsDerived says whether DeriveYear can make the indicator's years from
// half-years: not for a share of a flow that the catalogue does not define as
// a ratio of reported figures.
func (ind *Indicator) YearsDerived() bool {
	return ind.Kind != Percent || ind.Measure != Flow || ind.Ratio != nil
}

// DeriveYear derives an indicator row's figure for a year from its two
// half-years, by the indicator's measure (docs/cycle.md): a flow is the sum of
// the halves, a stock or level is the second half, and a share of a flow is
// recomputed from the yearly numerator and denominator where the catalogue
// defines it as a ratio (and not derived otherwise). get returns
// the reported value of a row for a half-year. A year with either half
// missing is not derived (ok false), nor is a share with no ratio.
func (ind *Indicator) DeriveYear(year int, row string, get func(p Period, row string) (Value, bool)) (Value, bool) {
	h1, h2 := Period{Year: year, Half: 1}, Period{Year: year, Half: 2}
	sum := func(row string) (float64, bool) {
		a, okA := get(h1, row)
		b, okB := get(h2, row)
		if !okA || !okB || !a.Reported || !b.Reported {
			return 0, false
		}
		return a.Number + b.Number, true
	}
	out := Value{Row: row, Indicator: ind.Code, Period: Period{Year: year}}
	if i := len(ind.Code); len(row) > i {
		out.Part = row[i+1:]
	}
	share := ind.Kind == Percent && ind.Measure == Flow
	switch {
	case share && ind.Ratio != nil && row == ind.Code:
		num, okN := sum(ind.Ratio.Numerator)
		den, okD := sum(ind.Ratio.Denominator)
		if !okN || !okD || den == 0 {
			return Value{}, false
		}
		out.Reported, out.Number = true, roundTo(100*num/den, 1)
	case share:
		return Value{}, false
	case ind.Measure == Flow:
		n, ok := sum(row)
		if !ok {
			return Value{}, false
		}
		out.Reported, out.Number = true, n
	default:
		a, okA := get(h1, row)
		b, okB := get(h2, row)
		if !okA || !okB || !a.Reported || !b.Reported {
			return Value{}, false
		}
		out.Reported, out.Number, out.Level = true, b.Number, b.Level
	}
	return out, true
}

// roundTo rounds x to the given number of decimals.
func roundTo(x float64, decimals int) float64 {
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	v, _ := strconv.ParseFloat(s, 64)
	return v
}
