package render

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/seesac/roadmap"
)

// The report model: everything a report shows, computed by Combine from a
// Snapshot and a Request. The layout (PDF) and the text dump only read it; they
// never compute a figure themselves, so that the figures are tested once, here.
//
// A value that a jurisdiction did not report is a Figure with Number == nil and
// Level == "": it must be printed as "not reported" (NotReported), never as 0.

// NotReported is how a report shows a value that was not reported.
const NotReported = "not reported"

// ReportKind says which report a Report is.
type ReportKind string

// Report kinds.
const (
	RegionalReport     ReportKind = "regional"     // every jurisdiction, for a regional or high-level meeting
	JurisdictionReport ReportKind = "jurisdiction" // one jurisdiction beside the region, for a local meeting
)

// Report is the whole content of one progress report.
type Report struct {
	Kind ReportKind
	// Title is the report's title for the cover and the running header:
	// "Regional progress report 16" or "Jurisdiction report: Albania".
	Title string
	// Number is the report's number in its series (the meeting's number); 0 if none.
	Number int
	// Period is the period the report reviews; PeriodLabel is it in words
	// ("January–June 2026").
	Period      roadmap.Period
	PeriodLabel string
	// Meeting is the meeting the report is for; nil for a build by period.
	Meeting *roadmap.Meeting
	// Draft marks a draft: the layout prints DRAFT on every page.
	Draft bool
	// AsOf is the cut-off: only files received at or before it are used. It is
	// also the PDF's creation date, so that a rebuild is byte-identical.
	AsOf time.Time
	// Deadline is when submissions were due (zero if none): the focus
	// jurisdiction's deadline, or the regional meeting's deadline day.
	Deadline time.Time
	// Location is the zone the report prints times in (the configured
	// timezone); nil means UTC.
	Location *time.Location

	Roadmap RoadmapInfo

	// Focus is the jurisdiction of a jurisdiction report; nil for a regional report.
	Focus *JurisdictionRef
	// Jurisdictions lists every jurisdiction of the catalogue, in catalogue order
	// (the order of every per-jurisdiction list below).
	Jurisdictions []JurisdictionRef

	// Periods is the time axis of the half-yearly series: the baseline, then
	// each half-year after it up to and including Period (2018, 2019-H1, …,
	// 2026-H1; years for a yearly catalogue). Each indicator has its own axis
	// (IndicatorReport.Periods): a yearly indicator's runs over years.
	Periods []roadmap.Period

	// Catalogue is the catalogue in force for Period; Succession lists the
	// catalogues of the chain, oldest first, with the periods each governs.
	Catalogue  RoadmapInfo
	Succession []CatalogueSpan

	// Derived lists every figure the report shows that was derived from two
	// half-years rather than reported (see docs/cycle.md), for the data
	// export and the manifest.
	Derived []DerivedFigure

	// NoData is true when no jurisdiction reported for Period as of AsOf; the
	// report still has every section and says so.
	NoData bool

	// Completeness has one entry per jurisdiction, in catalogue order.
	Completeness []Completeness

	// Goals has one section per goal of the catalogue, in catalogue order.
	Goals []GoalSection

	// Warnings are the data-quality warnings recorded with the files used for
	// Period (for a jurisdiction report, only that jurisdiction's files).
	Warnings []QualityWarning

	// Sources lists every file used for any period of Periods, by period
	// (newest first) then jurisdiction in catalogue order.
	Sources []Source

	// Definitions has one entry per indicator, in catalogue order.
	Definitions []Definition

	// RatingRules explains, one paragraph per entry, how indicator and goal
	// statuses are rated, for the annex: the rule in Combine's doc, in words
	// for readers (the package variable RatingRules).
	RatingRules []string

	// Synthesis is SEESAC's synthesis as the report prints it: the one SEESAC
	// sent (SynthesisFrom says which) or, without one, the text generated
	// from the figures (key messages and trends; no support, no gaps).
	Synthesis     roadmap.Synthesis
	SynthesisFrom *roadmap.ReceivedSynthesis
	// OtherGaps are the synthesis's gaps that name no goal of the catalogue.
	OtherGaps []roadmap.Gap

	// Branding is the logos, acknowledgement and disclaimer the builder was
	// configured with; nil: none. Combine leaves it to the builder.
	Branding *Branding

	// Footnotes are the footnotes of the jurisdictions named in the report
	// (the Kosovo* footnote), in the form the Request asked for. The layout
	// prints each where its jurisdiction is first named.
	Footnotes []FootnoteText
}

// Zone is the zone the report prints times in: its Location, else UTC.
func (r *Report) Zone() *time.Location {
	if r.Location != nil {
		return r.Location
	}
	return time.UTC
}

// RoadmapInfo names the roadmap and the catalogue the figures follow.
type RoadmapInfo struct {
	ID      string // catalogue id
	Title   string // the roadmap's full title
	Short   string // its short name, for headers
	Version string // catalogue version
	Hash    string // catalogue file's SHA-256
	// Illustrative is true when the catalogue is not the official KPI list;
	// the layout must then print Note prominently.
	Illustrative bool
	Note         string
}

// CatalogueSpan is one catalogue of a succession and the periods it governs.
type CatalogueSpan struct {
	ID      string
	Version string
	Short   string
	Governs string // "up to 2024-H2", "from 2025-H1", "all periods"
}

// DerivedFigure is one figure derived from its two half-years.
type DerivedFigure struct {
	Jurisdiction string
	Row          string // the row code of the indicator in force ("G3.1/border")
	Period       roadmap.Period
	From         []roadmap.Period // the half-years it was made from
	Source       string           // the row code it was derived from, when another catalogue's
	Rule         string           // "sum of the two half-years", …
}

// JurisdictionRef is a jurisdiction as a report names it.
type JurisdictionRef struct {
	Code    string
	Name    string // "Kosovo*" carries its footnote mark in the catalogue's name
	Capital string
	// Footnote is the id of the footnote that goes with the name ("kosovo"), or "".
	Footnote string
}

// FootnoteText is one footnote in the requested form.
type FootnoteText struct {
	ID            string
	Mark          string   // "*"
	Jurisdictions []string // codes of the jurisdictions that carry it
	Text          string
}

// Completeness is one jurisdiction's submission for the reviewed period.
type Completeness struct {
	Jurisdiction string // code
	// State is where the submission stands at the cut-off.
	State roadmap.Timeliness
	// Deadline is the jurisdiction's own deadline (roadmap.Calendar.Deadline);
	// zero when the calendar gives none.
	Deadline time.Time
	// Versions is the number of accepted versions received by the cut-off.
	Versions int
	// The version used (the latest received by the cut-off); zero values when Missing.
	Version  int
	File     string
	Received time.Time
	Hash     string
	// FirstReceived is when the first accepted version arrived; it decides
	// on time or late.
	FirstReceived time.Time
	Final         bool // the cover says final (false: the Commission marked it draft)
}

// Rating is an indicator's or a goal's status.
type Rating string

// Ratings (docs/ratings.md). Achieved, OnTrack, OffTrack and Missed judge an
// indicator with a target; NotRated is an indicator without a target (its
// figures are described, not judged) or one too early to judge; NoData when
// the figures to judge are missing.
const (
	Achieved Rating = "achieved"  // the target is reached
	OnTrack  Rating = "on track"  // not yet reached, but moving fast enough to reach it by its date
	OffTrack Rating = "off track" // not reached, and too slow or going the wrong way
	Missed   Rating = "missed"    // the target date has passed and the target was not reached
	NoData   Rating = "no data"
	NotRated Rating = "not rated"
)

// RatingOrder lists the ratings in the order a goal counts them.
var RatingOrder = []Rating{Achieved, OnTrack, OffTrack, Missed, NotRated, NoData}

// RatingCount is how many of a goal's indicators have one rating.
type RatingCount struct {
	Rating Rating
	Count  int
}

// GoalSection is one goal of the roadmap with its indicators.
type GoalSection struct {
	Code   string // "G3"
	Number int
	Title  string
	// Status is the goal's rating by the rule in RatingRules; StatusReason
	// says in one sentence how it came about; Counts is how many of its
	// indicators are in each state, in RatingOrder (states with none left out).
	Status       Rating
	StatusReason string
	Counts       []RatingCount
	Indicators   []IndicatorReport
	// Narratives are the Commissions' texts on this goal, in catalogue order of
	// jurisdiction, only those that wrote something (for a jurisdiction report,
	// only that jurisdiction's).
	Narratives []NarrativeEntry
	// NoNarrative lists the jurisdictions that reported for the period but wrote
	// nothing on this goal (for a jurisdiction report, at most that one).
	NoNarrative []string
	// Gaps are the synthesis's remaining gaps recorded against this goal.
	Gaps []roadmap.Gap
}

// NarrativeEntry is one Commission's text on a goal.
type NarrativeEntry struct {
	Jurisdiction string // code
	Progress     string
	Challenges   string
	Support      string
}

// IndicatorReport is one KPI: its rows (total and parts), progress and rating.
type IndicatorReport struct {
	Code        string // "G3.1"
	Goal        string
	Title       string
	Definition  string
	Kind        roadmap.Kind
	Unit        string
	Levels      []string // the scale of a status indicator, lowest first
	Direction   roadmap.Direction
	Aggregation roadmap.Aggregation
	// Decimals is how many decimals every figure of the indicator prints
	// with (the catalogue's setting): Number, Regional and Change do so.
	Decimals int
	// Shown is the period of the figures shown as current: the reviewed
	// period, or for a yearly indicator the latest year ended by its end
	// (a report on 2026-H1 shows the 2025 figures). Previous is the period
	// before Shown, Baseline the chain's baseline.
	Shown, Previous, Baseline roadmap.Period
	// Cadence is how often the indicator is reported.
	Cadence roadmap.Cadence
	// Periods is the axis of the indicator's series: the baseline, then each
	// period of its cadence up to Shown (years for a yearly indicator, the
	// Phase I years derived from their halves).
	Periods []roadmap.Period
	// Series says where the series starts or changed: "Continues Phase I
	// indicator G7.3 (…) up to 2024", "New in the Roadmap 2025–2030: figures from 2025".
	// "" when the indicator is the same throughout.
	Series string
	// Rows is the total first, then each part of the breakdown.
	Rows []RowReport
	// Progress against the target; nil when the indicator has no target.
	Progress *Progress
	// Rating and the one sentence that explains it (RatingReason).
	Rating       Rating
	RatingReason string
	// Women is the pooled share of women for an indicator broken down by
	// sex; nil for others and when no jurisdiction reported both figures.
	Women *WomenShare
}

// Total is the indicator's total row.
func (ir *IndicatorReport) Total() *RowReport { return &ir.Rows[0] }

// RowReport is one line of the KPI sheet (a total or one part) across
// jurisdictions and periods.
type RowReport struct {
	Code  string // "G3.1" or "G3.1/female"
	Part  string // part code; "" for the total
	Label string // "Total" or the part's label ("Female")
	// Jurisdictions has one entry per jurisdiction of the catalogue, in
	// catalogue order, reporters or not (also in a jurisdiction report, whose
	// layout picks Focus beside the regional figure).
	Jurisdictions []JurisdictionRow
	// Regional figures for the indicator's Shown period, the one before it
	// and the baseline.
	Regional         Regional
	RegionalPrevious Regional
	RegionalBaseline Regional
	// ChangePrevious is the regional figure's change against the previous
	// period, over the jurisdictions that reported both (like for like); nil
	// fields when none did. Not computed for ranges and distributions, which
	// have no single figure.
	ChangePrevious Change
	// Series is the regional figure for each period of the indicator's
	// Periods; a point that lacks a jurisdiction is Partial and is drawn
	// apart from the complete line.
	Series []Regional
}

// JurisdictionRow is one jurisdiction's values for one row.
type JurisdictionRow struct {
	Jurisdiction string // code
	Current      Figure // the indicator's Shown period
	Previous     Figure // the period before it
	Baseline     Figure // the baseline year
	// Annual is what is compared with the baseline year: the latest full year
	// ended by the end of the reviewed period (Year), derived from its two
	// half-years where the indicator is half-yearly. It is Current for a
	// yearly indicator.
	Annual         Figure
	Year           roadmap.Period
	ChangePrevious Change // Current against Previous
	ChangeBaseline Change // Annual against Baseline
	// Series is the value for each period of the indicator's Periods.
	Series []Figure
	// Comment is what the Commission wrote beside the current value, or "".
	Comment string
}

// Figure is one value: a number (count, quantity, percent) or a status level.
// Both unset means not reported — never zero. Derived marks a year made
// from its two half-years (docs/cycle.md), which every view must show.
type Figure struct {
	Number  *float64
	Level   string
	Derived bool
}

// DerivedMark is the mark a report puts after a derived figure, and
// DerivedNote the words that explain it.
const (
	DerivedMark = "†"
	DerivedNote = "† a year derived from its two half-years (sum for flows, second half for stocks and levels, shares from their numerator and denominator)"
	PartialNote = "(partial): a regional figure that lacks a jurisdiction; it is not joined to the complete series"
)

// Reported reports whether the figure holds a value.
func (f Figure) Reported() bool { return f.Number != nil || f.Level != "" }

// String is the figure as a report prints it: the level, the number (whole
// numbers with thousands separators, others with up to two decimals) or
// "not reported".
func (f Figure) String() string { return f.format(FormatNumber) }

// format prints the figure with num printing its number, and the derived
// mark after a year made from its halves.
func (f Figure) format(num func(float64) string) string {
	mark := ""
	if f.Derived {
		mark = " " + DerivedMark
	}
	switch {
	case f.Level != "":
		return f.Level + mark
	case f.Number != nil:
		return num(*f.Number) + mark
	}
	return NotReported
}

// Change is the change of a value between two periods. Nil fields mean it
// cannot be computed: a side not reported, or (Relative) a base of zero.
type Change struct {
	Absolute *float64 // new − old
	Relative *float64 // (new − old) / old; 0.25 is +25 %; never for a percent
	// Points marks the change of a percent, which is printed in percentage
	// points ("+3.2 pp") and has no relative change.
	Points bool
	// Steps is the number of levels moved up the scale (negative: down), for
	// status indicators.
	Steps *int
}

// Known reports whether any part of the change could be computed.
func (c Change) Known() bool { return c.Absolute != nil || c.Steps != nil }

// String prints the change: "+12 (+25.0 %)", "−3 (n/a)", "+1 level", or "–"
// when unknown.
func (c Change) String() string { return c.format(FormatNumber) }

// format prints the change with num printing its absolute part.
func (c Change) format(num func(float64) string) string {
	switch {
	case c.Steps != nil:
		n := *c.Steps
		unit := "levels"
		if n == 1 || n == -1 {
			unit = "level"
		}
		if n == 0 {
			return "no change"
		}
		return signed(strconv.Itoa(abs(n)), n < 0) + " " + unit
	case c.Absolute != nil && c.Points:
		s := signed(strings.TrimPrefix(num(math.Abs(*c.Absolute)), "−"), *c.Absolute < 0)
		if strings.Trim(s, "+−0.,") == "" {
			s = num(0)
		}
		return s + " pp"
	case c.Absolute != nil:
		s := signed(strings.TrimPrefix(num(math.Abs(*c.Absolute)), "−"), *c.Absolute < 0)
		if strings.Trim(s, "+−0.,") == "" {
			s = num(0)
		}
		if c.Relative != nil {
			return s + " (" + FormatPercent(*c.Relative) + ")"
		}
		return s
	}
	return "–"
}

// Regional is a regional figure by the indicator's aggregation rule.
type Regional struct {
	Rule roadmap.Aggregation
	// Value is the sum (sum), the mean (mean) or the pooled share (pooled:
	// total numerator over total denominator) over the jurisdictions that
	// reported; nil when none did, and for range and distribution.
	Value *float64
	// Partial is true when some jurisdictions reported and some did not: the
	// figure is not comparable with a complete one.
	Partial bool
	// Derived is true when any figure in it was derived from two half-years.
	Derived bool
	// Min and Max are the lowest and highest value (range; also set for sum
	// and mean as a courtesy), with the jurisdictions that have them.
	Min, Max     *float64
	MinBy, MaxBy []string
	// Levels is the distribution over the scale (distribution): one entry per
	// level, lowest first.
	Levels []LevelCount
	// Covered is how many jurisdictions reported; Of is how many there are.
	Covered int
	Of      int
	// Reporters and Missing list the jurisdictions (codes, catalogue order)
	// that did and did not report.
	Reporters []string
	Missing   []string
}

// Reported reports whether at least one jurisdiction reported.
func (r Regional) Reported() bool { return r.Covered > 0 }

// Coverage is the sentence a report prints under a regional figure:
// "covers 5 of 6 jurisdictions (sum over those that reported; ME not reported)".
func (r Regional) Coverage() string { return r.CoverageNamed(func(code string) string { return code }) }

// CoverageNamed is Coverage with the jurisdictions named by name.
func (r Regional) CoverageNamed(name func(code string) string) string {
	s := "covers " + strconv.Itoa(r.Covered) + " of " + strconv.Itoa(r.Of) + " jurisdictions"
	var notes []string
	if r.Rule == roadmap.Sum && r.Covered > 0 && r.Covered < r.Of {
		notes = append(notes, "sum over those that reported")
	}
	if len(r.Missing) > 0 && r.Covered > 0 {
		missing := make([]string, len(r.Missing))
		for i, c := range r.Missing {
			missing[i] = name(c)
		}
		notes = append(notes, strings.Join(missing, ", ")+" not reported")
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, "; ") + ")"
	}
	return s
}

// Label names the regional figure by its rule, for the first cell of its
// row: "Region (sum)", "Region (pooled share)", "Mean of 5 jurisdictions",
// "Range of 6 jurisdictions"; never just "Region" for a share.
func (r Regional) Label() string {
	switch r.Rule {
	case roadmap.Mean:
		return "Mean of " + plural(r.Covered, "jurisdiction")
	case roadmap.Range:
		return "Range of " + plural(r.Covered, "jurisdiction")
	case roadmap.Pooled:
		return "Region (pooled share)"
	case roadmap.Distribution:
		return "Region (levels)"
	}
	return "Region (sum)"
}

// String prints the figure alone: "1,234", "mean 45.5", "12.0–80.5",
// "2 × fully aligned, 1 × drafting", or "not reported", followed by the
// derived mark and "(partial)" when a jurisdiction is missing.
func (r Regional) String() string { return r.format(FormatNumber) }

// format prints the figure with num printing its numbers, and its marks.
func (r Regional) format(num func(float64) string) string {
	s := r.figure(num)
	if r.Covered == 0 {
		return s
	}
	if r.Derived {
		s += " " + DerivedMark
	}
	if r.Partial {
		s += " (partial)"
	}
	return s
}

// figure is the figure alone, without marks.
func (r Regional) figure(num func(float64) string) string {
	if r.Covered == 0 {
		return NotReported
	}
	switch r.Rule {
	case roadmap.Range:
		if r.Min != nil && r.Max != nil {
			return num(*r.Min) + "–" + num(*r.Max)
		}
	case roadmap.Distribution:
		var parts []string
		for i := len(r.Levels) - 1; i >= 0; i-- {
			if l := r.Levels[i]; l.Count > 0 {
				parts = append(parts, strconv.Itoa(l.Count)+" × "+l.Level)
			}
		}
		return strings.Join(parts, ", ")
	case roadmap.Mean:
		if r.Value != nil {
			return "mean " + num(*r.Value)
		}
	}
	if r.Value != nil {
		return num(*r.Value)
	}
	return NotReported
}

// LevelCount is how many jurisdictions are at one level of a status scale.
type LevelCount struct {
	Level         string
	Count         int
	Jurisdictions []string // codes, catalogue order
}

// Progress is an indicator's progress against its target.
type Progress struct {
	// Target in words: "fully aligned by 2030" or "−30.0 % against 2018 by 2024".
	Target string
	By     roadmap.Period // when the target is due; zero if not said
	// Year is the period judged: the latest full year ended by the end of
	// the reviewed period (its Shown period for a status); Since is the
	// baseline year it is compared with.
	Year, Since roadmap.Period
	// Due is true once Year reaches the target's date: an unmet target is
	// then missed.
	Due bool

	// A level target: how many of the reporting jurisdictions are at or above
	// the target level (AtTarget of Covered), the share (nil if none
	// reported), and how many of those below it gain levels fast enough to
	// reach it by its date (OnPace).
	Level    string
	AtTarget int
	Covered  int
	Share    *float64
	OnPace   int

	// A change target: the regional figure of Year against the baseline,
	// over the jurisdictions that reported both (Jurisdictions).
	TargetChange *float64 // -0.3 is 30 % below the baseline
	Baseline     *float64
	Current      *float64
	Change       *float64 // relative change achieved; nil if it cannot be computed
	// PerYear is the average yearly change achieved since the baseline
	// (Change over the years elapsed); Needed is the average yearly change
	// the target needs (TargetChange over the years from the baseline to By).
	PerYear, Needed *float64
	// Jurisdictions are those the change is computed over (codes, catalogue order).
	Jurisdictions []string

	// Met reports whether the target is reached now; from a zero baseline
	// (Change nil, Baseline 0) any move the target's way reaches it.
	Met bool
}

// QualityWarning is one warning recorded with a file used for the period.
type QualityWarning struct {
	Jurisdiction string
	File         string
	Version      int
	Finding      roadmap.Finding
}

// Source is one input file of the report.
type Source struct {
	Jurisdiction string
	Period       roadmap.Period
	Name         string // the file's name as dropped
	Version      int
	Received     time.Time
	Hash         string // SHA-256 of the file's bytes, hex
	Path         string // where the original is archived, relative to the data folder
}

// Definition is one indicator's definition for the annex.
type Definition struct {
	Code        string
	Goal        string
	Title       string
	Definition  string
	Kind        roadmap.Kind
	Unit        string
	Levels      []string
	Breakdown   string // "by sex: Female, Male (parts add up to the total)"; "" if none
	Direction   roadmap.Direction
	Target      string // in words; "" if none
	Aggregation string // the regional rule in words
	Required    bool
}

// FormatNumber prints a number the way a report does: whole numbers with
// thousands separators ("12,345"), others with up to two decimals ("12.5").
func FormatNumber(v float64) string {
	s := roadmap.FormatNumber(v, 2)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if rest, neg := strings.CutPrefix(s, "-"); neg {
		return "−" + rest
	}
	return s
}

// FormatPercent prints a ratio as a signed percentage with one decimal:
// 0.25 → "+25.0 %", -0.3 → "−30.0 %".
func FormatPercent(ratio float64) string {
	p := ratio * 100
	s := strconv.FormatFloat(math.Abs(p), 'f', 1, 64)
	if s == "0.0" {
		return "0.0 %"
	}
	whole, frac, _ := strings.Cut(s, ".")
	if w, err := strconv.ParseFloat(whole, 64); err == nil && len(whole) > 3 {
		whole = FormatNumber(w) // thousands separators: "+6,758.7 %"
	}
	return signed(whole+"."+frac, p < 0) + " %"
}

// signed puts a plus or a true minus sign (U+2212) before s.
func signed(s string, neg bool) string {
	if neg {
		return "−" + s
	}
	return "+" + s
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
