package roadmap

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Cadence is how often the Commissions report.
type Cadence string

// Cadences.
const (
	HalfYearly Cadence = "half-yearly"
	Yearly     Cadence = "yearly"
)

// PeriodOf is the reporting period of this cadence that t falls in.
func (c Cadence) PeriodOf(t time.Time) Period {
	if c == Yearly {
		return YearOf(t)
	}
	return HalfOf(t)
}

// Fits reports whether p is a reporting period of this cadence. A calendar
// year always fits: the baseline is a year whatever the cadence.
func (c Cadence) Fits(p Period) bool {
	if p.IsZero() {
		return false
	}
	return p.IsYear() || c != Yearly
}

// Kind is what an indicator measures, which decides how its cells are typed,
// checked and combined.
type Kind string

// Kinds of indicator.
const (
	Count    Kind = "count"    // whole numbers ≥ 0
	Quantity Kind = "quantity" // decimals ≥ 0 with a unit (kg, tonnes)
	Percent  Kind = "percent"  // 0–100
	Status   Kind = "status"   // one level of an ordered scale
)

// Direction says which way is progress.
type Direction string

// Directions.
const (
	HigherBetter Direction = "higher"
	LowerBetter  Direction = "lower"
	Neutral      Direction = "neutral"
)

// Aggregation is the rule that makes a regional figure from the jurisdictions'.
type Aggregation string

// Aggregation rules.
const (
	Sum          Aggregation = "sum"          // counts and quantities
	Mean         Aggregation = "mean"         // percents
	Range        Aggregation = "range"        // percents: lowest and highest
	Distribution Aggregation = "distribution" // status: how many at each level
	Pooled       Aggregation = "pooled"       // percents defined as a ratio: total numerator over total denominator
)

// PartsRule says how a breakdown's parts relate to the total.
type PartsRule string

// Parts rules.
const (
	PartsEqualTotal  PartsRule = "equal"   // the parts must add up to the total exactly
	PartsAtMostTotal PartsRule = "at-most" // the parts may not exceed the total
)

// Catalogue is a roadmap's indicator catalogue: who reports, on which goals and
// indicators, and how often. It is data (templates/catalogue.yaml by default),
// never code. Its YAML keys and validate tags are the catalogue file's one
// schema: templates reads the file straight into these types (its kinds
// parse themselves) and states the structural rules with
// go-playground/validator (docs/configuration.md).
type Catalogue struct {
	ID           string `yaml:"id" json:"id" validate:"required,code"`
	Title        string `yaml:"title" json:"title" validate:"required"`
	Short        string `yaml:"short" json:"short"`
	Version      string `yaml:"version" json:"version" validate:"required"`
	Illustrative bool   `yaml:"illustrative" json:"illustrative"`
	Note         string `yaml:"note" json:"note,omitempty"`
	// Cadence is how often indicators are reported unless an indicator says
	// otherwise; NarrativeCadence is how often the narrative is (the
	// catalogue's cadence when the file leaves it out; the loader fills it in).
	Cadence          Cadence `yaml:"cadence" json:"cadence" validate:"required"`
	NarrativeCadence Cadence `yaml:"narrative_cadence" json:"narrative_cadence"`
	Baseline         Period  `yaml:"baseline" json:"baseline" validate:"required"`
	// Succeeds names the catalogue this one replaces and From the first
	// period it governs (docs/cycle.md). Previous is that catalogue, linked
	// by the loader; nil for a catalogue that succeeds none.
	Succeeds      *Succession    `yaml:"succeeds" json:"succeeds,omitempty"`
	From          Period         `yaml:"from" json:"from,omitempty"`
	Previous      *Catalogue     `yaml:"-" json:"previous,omitempty"`
	Footnotes     []Footnote     `yaml:"footnotes" json:"footnotes,omitempty" validate:"dive"`
	Jurisdictions []Jurisdiction `yaml:"jurisdictions" json:"jurisdictions" validate:"min=1,dive"`
	Goals         []Goal         `yaml:"goals" json:"goals" validate:"min=1,dive"`
	Indicators    []Indicator    `yaml:"indicators" json:"indicators" validate:"min=1,dive"`

	// Hash is the SHA-256 (hex) of the catalogue file's bytes, set by the loader.
	Hash string `yaml:"-" json:"hash"`
}

// Succession names the catalogue a catalogue replaces: its id, and the file
// that holds it (relative to the successor's file; empty for a built-in one).
type Succession struct {
	ID   string `yaml:"id" json:"id" validate:"required,code"`
	File string `yaml:"file" json:"file,omitempty"`
}

// Footnote is a text that a report prints where a jurisdiction that carries it is
// first named (the Kosovo* footnote), in one or more forms (un, eu).
type Footnote struct {
	ID    string            `yaml:"id" json:"id" validate:"required,code"`
	Forms map[string]string `yaml:"forms" json:"forms" validate:"min=1,dive,keys,code,endkeys,required"`
}

// Jurisdiction is one reporting party.
type Jurisdiction struct {
	Code       string   `yaml:"code" json:"code" validate:"required,code"`
	Name       string   `yaml:"name" json:"name" validate:"required"`
	Capital    string   `yaml:"capital" json:"capital"`
	LocalNames []string `yaml:"local_names" json:"local_names,omitempty" validate:"dive,required"`
	// Footnote is the id of a Footnote that goes with the name ("kosovo").
	Footnote string `yaml:"footnote" json:"footnote,omitempty"`
}

// Goal is one of the roadmap's goals.
type Goal struct {
	Code   string `yaml:"code" json:"code" validate:"required,code"`
	Number int    `yaml:"number" json:"number" validate:"gte=1"`
	Title  string `yaml:"title" json:"title" validate:"required"`
}

// Indicator is a key performance indicator (KPI).
type Indicator struct {
	Code        string      `yaml:"code" json:"code" validate:"required,code"`
	Goal        string      `yaml:"goal" json:"goal" validate:"required"`
	Title       string      `yaml:"title" json:"title" validate:"required"`
	Definition  string      `yaml:"definition" json:"definition" validate:"required"`
	Kind        Kind        `yaml:"kind" json:"kind" validate:"required"`
	Unit        string      `yaml:"unit" json:"unit,omitempty"`
	Levels      []string    `yaml:"levels" json:"levels,omitempty" validate:"dive,required"`
	Breakdown   *Breakdown  `yaml:"breakdown" json:"breakdown,omitempty"`
	Direction   Direction   `yaml:"direction" json:"direction" validate:"required"`
	Target      *Target     `yaml:"target" json:"target,omitempty"`
	Required    bool        `yaml:"required" json:"required"`
	Aggregation Aggregation `yaml:"aggregation" json:"aggregation" validate:"required"`
	// Decimals is how many decimals a report prints for the indicator's
	// figures, the same in every table, chart and data file; nil means the
	// kind's default (DecimalPlaces).
	Decimals *int `yaml:"decimals" json:"decimals,omitempty" validate:"omitempty,min=0,max=4"`
	// Cadence is how often the indicator is reported (the catalogue's when
	// the file leaves it out; the loader fills it in).
	Cadence Cadence `yaml:"cadence" json:"cadence"`
	// Baseline is the year the indicator's target and change are measured
	// from: the catalogue's baseline when the file leaves it out (the loader
	// fills it in), a later year for an indicator that starts after it
	// (docs/ratings.md).
	Baseline Period `yaml:"baseline" json:"baseline"`
	// Measure says whether a figure is a flow over the period or a state at
	// its end, which decides how a year is derived from its halves (the
	// loader fills in flow for counts and quantities, stock otherwise).
	Measure Measure `yaml:"measure" json:"measure"`
	// Ratio defines a percent as a ratio of two reported rows; nil if the
	// share is not made of reported figures.
	Ratio *Ratio `yaml:"ratio" json:"ratio,omitempty"`
	// Continues is the code of the indicator of the previous catalogue whose
	// series this one carries on; "" for a series that starts here.
	Continues string `yaml:"continues" json:"continues,omitempty"`
	// Changed says what changed against the indicator it continues (a wider
	// definition), for the report's note where the series changes; "" when
	// it measures the same thing.
	Changed string `yaml:"changed" json:"changed,omitempty"`
}

// Measure is what a figure measures over its period.
type Measure string

// Measures.
const (
	Flow  Measure = "flow"  // a total over the period: a year is the sum of its halves
	Stock Measure = "stock" // a state at the end of the period: a year is its second half
)

// Ratio defines a percent as 100 × Numerator / Denominator, both row codes
// of reported counts or quantities ("G4.2/female" over "G4.2").
type Ratio struct {
	Numerator   string `yaml:"numerator" json:"numerator" validate:"required"`
	Denominator string `yaml:"denominator" json:"denominator" validate:"required"`
}

// DecimalPlaces is the number of decimals a report prints for the
// indicator: its Decimals, else none for counts and one for quantities and
// percentages.
func (ind *Indicator) DecimalPlaces() int {
	switch {
	case ind.Decimals != nil:
		return *ind.Decimals
	case ind.Kind == Quantity || ind.Kind == Percent:
		return 1
	}
	return 0
}

// Breakdown splits an indicator's total into parts (by sex, by item, by stage).
type Breakdown struct {
	By    string    `yaml:"by" json:"by" validate:"required"`
	Parts []Part    `yaml:"parts" json:"parts" validate:"min=2,dive"`
	Rule  PartsRule `yaml:"rule" json:"rule" validate:"required"`
}

// Part is one part of a breakdown.
type Part struct {
	Code  string `yaml:"code" json:"code" validate:"required,code"`
	Label string `yaml:"label" json:"label" validate:"required"`
}

// Target is what an indicator should reach: a status level, or a relative
// change against the baseline (-0.3 is "30 % below the baseline").
type Target struct {
	Level  string   `yaml:"level" json:"level,omitempty"`
	Change *float64 `yaml:"change" json:"change,omitempty" validate:"omitempty,gte=-1"`
	By     Period   `yaml:"by" json:"by,omitempty"`
}

// Row is one line of the KPI sheet: an indicator's total or one of its parts.
type Row struct {
	Code      string // stable: "G3.1" for the total, "G3.1/female" for a part
	Indicator *Indicator
	Part      *Part // nil for the total
}

// RowCode is the stable code of an indicator's total (part == "") or of a part.
func RowCode(indicator, part string) string {
	if part == "" {
		return indicator
	}
	return indicator + "/" + part
}

// Rows lists the indicator's rows: the total first, then each part.
func (ind *Indicator) Rows() []Row {
	rows := []Row{{Code: ind.Code, Indicator: ind}}
	if ind.Breakdown != nil {
		for i := range ind.Breakdown.Parts {
			p := &ind.Breakdown.Parts[i]
			rows = append(rows, Row{Code: RowCode(ind.Code, p.Code), Indicator: ind, Part: p})
		}
	}
	return rows
}

// Row finds a row by its code: an indicator's code, or a code and part
// ("G4.2/female").
func (c *Catalogue) Row(code string) (Row, bool) {
	ic, part, _ := strings.Cut(code, "/")
	ind, ok := c.Indicator(ic)
	if !ok {
		return Row{}, false
	}
	for _, row := range ind.Rows() {
		if (row.Part == nil && part == "") || (row.Part != nil && row.Part.Code == part) {
			return row, true
		}
	}
	return Row{}, false
}

// LevelIndex is the position of level on the indicator's scale, or -1.
func (ind *Indicator) LevelIndex(level string) int {
	for i, l := range ind.Levels {
		if l == level {
			return i
		}
	}
	return -1
}

// Rows lists every row of the KPI sheet in catalogue order.
func (c *Catalogue) Rows() []Row {
	var rows []Row
	for i := range c.Indicators {
		rows = append(rows, c.Indicators[i].Rows()...)
	}
	return rows
}

// Codes lists the jurisdiction codes in the catalogue's order.
func (c *Catalogue) Codes() []string {
	codes := make([]string, len(c.Jurisdictions))
	for i, j := range c.Jurisdictions {
		codes[i] = j.Code
	}
	return codes
}

// Jurisdiction finds a jurisdiction by code, as typed or regardless of case
// and surrounding spaces ("al" on a command line, an inbox/al/ folder, a
// cover cell): the one lookup of a code that a person wrote.
func (c *Catalogue) Jurisdiction(code string) (*Jurisdiction, bool) {
	for i := range c.Jurisdictions {
		if c.Jurisdictions[i].Code == code {
			return &c.Jurisdictions[i], true
		}
	}
	code = strings.TrimSpace(code)
	for i := range c.Jurisdictions {
		if strings.EqualFold(c.Jurisdictions[i].Code, code) {
			return &c.Jurisdictions[i], true
		}
	}
	return nil, false
}

// Goal finds a goal by code.
func (c *Catalogue) Goal(code string) (*Goal, bool) {
	for i := range c.Goals {
		if c.Goals[i].Code == code {
			return &c.Goals[i], true
		}
	}
	return nil, false
}

// Indicator finds an indicator by code.
func (c *Catalogue) Indicator(code string) (*Indicator, bool) {
	for i := range c.Indicators {
		if c.Indicators[i].Code == code {
			return &c.Indicators[i], true
		}
	}
	return nil, false
}

// IndicatorsOf lists the indicators of a goal in catalogue order.
func (c *Catalogue) IndicatorsOf(goal string) []*Indicator {
	var out []*Indicator
	for i := range c.Indicators {
		if c.Indicators[i].Goal == goal {
			out = append(out, &c.Indicators[i])
		}
	}
	return out
}

// Footnote finds the text of a footnote in the given form ("un", "eu"), falling
// back to any form the footnote has.
func (c *Catalogue) Footnote(id, form string) string {
	for _, f := range c.Footnotes {
		if f.ID != id {
			continue
		}
		if t, ok := f.Forms[form]; ok {
			return t
		}
		forms := make([]string, 0, len(f.Forms))
		for k := range f.Forms {
			forms = append(forms, k)
		}
		sort.Strings(forms)
		if len(forms) > 0 {
			return f.Forms[forms[0]]
		}
	}
	return ""
}

// parseEnum reads one of the allowed values of a catalogue kind into v; the
// empty text leaves the zero value, which the catalogue's check reports as
// missing.
func parseEnum[T ~string](b []byte, v *T, allowed ...T) error {
	t := T(b)
	if t != "" && !slices.Contains(allowed, t) {
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = string(a)
		}
		return fmt.Errorf("%q is not allowed: write one of %s", string(t), strings.Join(names, ", "))
	}
	*v = t
	return nil
}

// UnmarshalText reads half-yearly or yearly.
func (c *Cadence) UnmarshalText(b []byte) error { return parseEnum(b, c, HalfYearly, Yearly) }

// UnmarshalText reads count, quantity, percent or status.
func (k *Kind) UnmarshalText(b []byte) error {
	return parseEnum(b, k, Count, Quantity, Percent, Status)
}

// UnmarshalText reads higher, lower or neutral.
func (d *Direction) UnmarshalText(b []byte) error {
	return parseEnum(b, d, HigherBetter, LowerBetter, Neutral)
}

// UnmarshalText reads sum, mean, range, distribution or pooled.
func (a *Aggregation) UnmarshalText(b []byte) error {
	return parseEnum(b, a, Sum, Mean, Range, Distribution, Pooled)
}

// UnmarshalText reads flow or stock.
func (m *Measure) UnmarshalText(b []byte) error { return parseEnum(b, m, Flow, Stock) }

// UnmarshalText reads equal or at-most.
func (r *PartsRule) UnmarshalText(b []byte) error {
	return parseEnum(b, r, PartsEqualTotal, PartsAtMostTotal)
}
