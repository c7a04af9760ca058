package roadmap

import (
	"testing"
)

// chain is a two-catalogue succession like the built-in one: half-yearly
// figures up to 2024-H2, then yearly figures with half-yearly narratives.
func chain() *Catalogue {
	old := &Catalogue{ID: "phase1", Cadence: HalfYearly, NarrativeCadence: HalfYearly, Baseline: MustPeriod("2018"),
		Indicators: []Indicator{
			{Code: "A", Kind: Count, Cadence: HalfYearly, Measure: Flow},
			{Code: "S", Kind: Percent, Cadence: HalfYearly, Measure: Stock},
			{Code: "W", Kind: Percent, Cadence: HalfYearly, Measure: Flow, Ratio: &Ratio{Numerator: "A/f", Denominator: "A"}},
			{Code: "T", Kind: Percent, Cadence: HalfYearly, Measure: Flow},
			{Code: "L", Kind: Status, Cadence: HalfYearly, Measure: Stock, Levels: []string{"no", "yes"}},
			{Code: "X", Kind: Count, Cadence: HalfYearly, Measure: Flow},
		}}
	old.Indicators[0].Breakdown = &Breakdown{By: "sex", Parts: []Part{{Code: "f"}, {Code: "m"}}}
	return &Catalogue{ID: "2030", Cadence: Yearly, NarrativeCadence: HalfYearly, Baseline: MustPeriod("2018"),
		Succeeds: &Succession{ID: "phase1"}, From: MustPeriod("2025-H1"), Previous: old,
		Indicators: []Indicator{
			{Code: "A2", Kind: Count, Cadence: Yearly, Measure: Flow, Continues: "A"},
			{Code: "N", Kind: Count, Cadence: Yearly, Measure: Flow},
		}}
}

func TestInForceAndGoverns(t *testing.T) {
	t.Parallel()
	c := chain()
	for p, want := range map[string]string{"2018": "phase1", "2024-H2": "phase1", "2024": "phase1", "2025-H1": "2030", "2025": "2030", "2031-H2": "2030"} {
		if got := c.InForce(MustPeriod(p)).ID; got != want {
			t.Errorf("InForce(%s) = %s, want %s", p, got, want)
		}
	}
	if got := c.Governs(c.Previous) + " | " + c.Governs(c); got != "up to 2024-H2 | from 2025-H1" {
		t.Errorf("Governs: %s", got)
	}
	if alone := c.Previous; alone.InForce(MustPeriod("2030-H1")) != alone || c.Previous.Governs(alone) != "all periods" {
		t.Error("a catalogue on its own governs every period")
	}
	if x, ok := c.Find("phase1"); !ok || x != c.Previous {
		t.Error("Find(phase1)")
	}
	if chain := c.Chain(); len(chain) != 2 || chain[0] != c.Previous || chain[1] != c {
		t.Errorf("Chain = %v", chain)
	}
}

func TestRoundsAndDueItems(t *testing.T) {
	t.Parallel()
	c := chain()
	for _, tc := range []struct {
		round, figures, narrative string
		ok                        bool
	}{
		{"2026-H1", "", "2026-H1", true},
		{"2026-H2", "2026", "2026-H2", true},
		{"2026", "", "", false}, // not a round of a half-yearly cycle
		{"2018", "", "", true},  // the baseline year is
	} {
		p := MustPeriod(tc.round)
		gov := c.InForce(p)
		if gov.IsRound(p) != tc.ok {
			t.Errorf("IsRound(%s) = %t", p, !tc.ok)
		}
		if !tc.ok || p.IsYear() {
			continue
		}
		ind := &gov.Indicators[0]
		got, due := ind.PeriodIn(p)
		if (tc.figures != "") != due || (due && got.String() != tc.figures) {
			t.Errorf("%s: figures due %t for %s, want %q", p, due, got, tc.figures)
		}
		if n, ok := gov.NarrativePeriod(p); !ok || n.String() != tc.narrative {
			t.Errorf("%s: narrative for %s", p, n)
		}
	}
	if got := len(c.RowsDue(MustPeriod("2026-H1"))); got != 0 {
		t.Errorf("%d rows due in 2026-H1", got)
	}
	yearly := &Catalogue{Cadence: Yearly, Baseline: MustPeriod("2018")}
	if yearly.RoundCadence() != Yearly || !yearly.IsRound(MustPeriod("2027")) || yearly.IsRound(MustPeriod("2027-H2")) || yearly.Reviewable(MustPeriod("2027-H1")) {
		t.Error("a yearly catalogue has yearly rounds only")
	}
	if !c.Reviewable(MustPeriod("2019")) || !c.Reviewable(MustPeriod("2026-H1")) {
		t.Error("a year and a round can be reviewed")
	}
}

func TestShownAndLineage(t *testing.T) {
	t.Parallel()
	c := chain()
	a2 := &c.Indicators[0]
	for reviewed, want := range map[string]string{"2026-H1": "2025", "2026-H2": "2026", "2026": "2026"} {
		if got := a2.Shown(MustPeriod(reviewed)).String(); got != want {
			t.Errorf("a report on %s shows %s, want %s", reviewed, got, want)
		}
	}
	if got := c.Previous.Indicators[0].Shown(MustPeriod("2024-H1")).String(); got != "2024-H1" {
		t.Errorf("a half-yearly indicator shows %s", got)
	}
	lin := c.Lineage(a2)
	if len(lin) != 2 || lin[1].Indicator.Code != "A" {
		t.Fatalf("lineage %v", lin)
	}
	if s, ok := lin.At(c, MustPeriod("2021")); !ok || s.Indicator.Code != "A" {
		t.Error("2021 is Phase I's A")
	}
	if s, ok := c.Lineage(&c.Indicators[1]).At(c, MustPeriod("2021")); ok {
		t.Errorf("a new indicator has no Phase I step: %v", s)
	}
}

func TestDeriveYear(t *testing.T) {
	t.Parallel()
	old := chain().Previous
	h1, h2 := MustPeriod("2021-H1"), MustPeriod("2021-H2")
	vals := map[Period]map[string]Value{
		h1: {"A": {Reported: true, Number: 100}, "A/f": {Reported: true, Number: 10}, "S": {Reported: true, Number: 40}, "T": {Reported: true, Number: 5}, "L": {Reported: true, Level: "no"}, "X": {Reported: true, Number: 3}},
		h2: {"A": {Reported: true, Number: 300}, "A/f": {Reported: true, Number: 90}, "S": {Reported: true, Number: 55}, "T": {Reported: true, Number: 7}, "L": {Reported: true, Level: "yes"}, "X": {}},
	}
	get := func(p Period, row string) (Value, bool) {
		v, ok := vals[p][row]
		return v, ok
	}
	for _, tc := range []struct {
		ind, row string
		ok       bool
		number   float64
		level    string
	}{
		{"A", "A", true, 400, ""},   // a flow: the sum
		{"A", "A/f", true, 100, ""}, // its part too
		{"S", "S", true, 55, ""},    // a stock: the second half
		{"W", "W", true, 25, ""},    // a ratio: 100 × 100 / 400
		{"T", "T", false, 0, ""},    // a share without a ratio: not derived
		{"L", "L", true, 0, "yes"},  // a level: the second half
		{"X", "X", false, 0, ""},    // a half not reported: not derived
	} {
		var ind *Indicator
		for i := range old.Indicators {
			if old.Indicators[i].Code == tc.ind {
				ind = &old.Indicators[i]
			}
		}
		v, ok := ind.DeriveYear(2021, tc.row, get)
		if ok != tc.ok || (ok && (v.Number != tc.number || v.Level != tc.level || v.Period != MustPeriod("2021") || v.Row != tc.row)) {
			t.Errorf("%s %s: %+v %t, want %v %q %t", tc.ind, tc.row, v, ok, tc.number, tc.level, tc.ok)
		}
	}
	delete(vals, h1)
	if _, ok := old.Indicators[0].DeriveYear(2021, "A", get); ok {
		t.Error("a year with a missing half was derived")
	}
}

// A year's figures come with its second half's round where the catalogue in
// force has yearly indicators; under Phase I a year is derived from its
// halves and no round brings it.
func TestYearRound(t *testing.T) {
	t.Parallel()
	c := chain()
	for _, tc := range []struct {
		year, round string
		ok          bool
	}{
		{"2026", "2026-H2", true},
		{"2025", "2025-H2", true},
		{"2024", "", false},
		{"2026-H2", "", false},
	} {
		p := MustPeriod(tc.year)
		got, ok := c.InForce(p).YearRound(p)
		if ok != tc.ok || (ok && got.String() != tc.round) {
			t.Errorf("YearRound(%s) = %s, %t; want %s, %t", p, got, ok, tc.round, tc.ok)
		}
	}
}
