package render

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seesac/roadmap"
)

// Snapshot is what a report is computed from, as read from the ledger at a
// cut-off time.
type Snapshot struct {
	Catalogue *roadmap.Catalogue
	// Submissions are every accepted or superseded version received at or
	// before AsOf, of any period. Others (rejected, duplicates, received after
	// AsOf, of an unknown jurisdiction) are ignored by Combine.
	Submissions []roadmap.Submission
	AsOf        time.Time
	// Calendar is the calendar in force: it decides each jurisdiction's
	// deadline and so whether its report came in time. Nil: no deadlines.
	Calendar *roadmap.Calendar
}

// Request says which report to combine.
type Request struct {
	Period roadmap.Period
	// Jurisdiction is the code of the jurisdiction of a jurisdiction report;
	// "" asks for the regional report.
	Jurisdiction string
	// Meeting is the meeting the report is for; nil for a build by period.
	Meeting *roadmap.Meeting
	Draft   bool
	// Footnote is the form of the footnotes: "un" (the default) or "eu".
	Footnote string
	// Synthesis is the latest synthesis SEESAC sent for the meeting by the
	// cut-off; nil: the report prints the one it generates.
	Synthesis *roadmap.ReceivedSynthesis
}

// RatingRules is the rule by which Combine rates indicators and goals, in
// words, for the report's annex and docs/ratings.md. Rate's doc repeats it;
// keep the three in step.
var RatingRules = []string{
	"Only an indicator with a target is rated, against that target and its date. " +
		"In the regional report the rules apply to all jurisdictions together; in a jurisdiction report, to that jurisdiction alone. " +
		"Only jurisdictions that reported the figures compared are counted.",
	"A target change against the baseline is judged on full years, never on one half-year: the latest calendar year ended by the end of the period reviewed " +
		"(for half-yearly indicators, the year made from its two half-years) is compared with the baseline year, over the jurisdictions that reported both. " +
		"The baseline is the catalogue's, or an indicator's own first year when it starts later (its target in Annex A then names that year). " +
		"The indicator has achieved its target when the change has reached it. Otherwise it has missed its target once that year reaches the target's date. " +
		"Before then it is on track when the average yearly change since the baseline (the change so far divided by the years elapsed) goes the target's way " +
		"at least as fast as the average yearly change the target needs (the target divided by the years from the baseline to its date), and off track when it is slower or goes the other way.",
	"A target level (a status) is achieved when every jurisdiction that reported is at or above it, and missed when its date has passed without that. " +
		"Before then it is on track when each jurisdiction below the level has gained levels since the baseline at least as fast, per year, as it must gain them to reach the level by the date; off track otherwise. " +
		"Without a date it is on track when each jurisdiction below the level has moved up since the baseline.",
	"An indicator without a target is described, not rated: its figures and their change since the baseline are reported without a judgement, " +
		"since more can mean better work or a bigger problem (seizures) or no goal was set. An indicator rated too early (no full year since the baseline) is not rated either. " +
		"An indicator whose figures are missing has no data.",
	"A goal counts its indicators in each state. It has achieved its targets when all its rated indicators have; it is on track when each of them has achieved its target or is on track; " +
		"off track when any is off track or missed. A goal none of whose indicators can be rated is not rated when figures were reported for it, and has no data when nothing was reported.",
}

// Combine computes the report for r from s. It is pure: the same snapshot and
// request give the same report.
//
// For each jurisdiction and round it uses the latest accepted version: among
// the snapshot's accepted or superseded submissions received at or before
// s.AsOf, the one received last (ties broken by the higher version number).
// Each value is filed under the period it covers (a round's yearly figures
// under the year). An indicator of the catalogue in force for the reviewed
// period is followed back through the indicators it continues; a year that an
// earlier catalogue reported by half-years is derived from its halves
// (roadmap.Indicator.DeriveYear) and marked. A value left blank is not
// reported (a nil Number), never zero, and regional figures are computed
// over the jurisdictions that reported, saying how many, and marked partial
// when some did not.
//
// Indicators and goals are rated by this rule (RatingRules says it in words
// for the report's annex, docs/ratings.md for operators; keep the three in
// step), over all jurisdictions in the regional report and over the one
// jurisdiction in a jurisdiction report, counting only those that reported
// the figures compared:
//
//   - no target: not rated (described);
//   - a target change against the baseline: the latest full year ended by
//     the end of the reviewed period against the baseline year, like for
//     like; achieved when the change reached the target; missed when not
//     and that year is at or after the target's date; else on track when the
//     average yearly change since the baseline is at least the average yearly
//     change the target needs, the target's way; off track otherwise;
//   - a target level: achieved when all are at or above it; missed when not
//     and the date has passed; else on track when each one below gains
//     levels at least as fast a year as it needs to reach the level by the
//     date (without a date: has moved up since the baseline); off track
//     otherwise;
//   - a goal: counts per state; achieved when all rated are, on track when
//     all rated are achieved or on track, off track when any is off track or
//     missed; not rated or no data when none is rated.
func Combine(s Snapshot, r Request) *Report {
	c := newCombiner(s, r)
	return c.report()
}

// combiner holds the indexes Combine builds once.
type combiner struct {
	root *roadmap.Catalogue // the newest catalogue of the chain
	cat  *roadmap.Catalogue // the catalogue in force for the reviewed period
	s    Snapshot
	req  Request
	jurs []string // catalogue order
	// scope is the jurisdictions rated and narrated: all, or the focus.
	scope []string
	// used is the latest version per jurisdiction and round; versions lists
	// every version received per jurisdiction and round, oldest first.
	used     map[key]*roadmap.Submission
	versions map[key][]*roadmap.Submission
	// vals holds the values of the used versions by jurisdiction and the
	// period each value covers, then row code.
	vals map[key]map[string]valueAt
	axis []roadmap.Period
	prev roadmap.Period
	// read marks the submissions a figure of the report came from.
	read    map[*roadmap.Submission]bool
	derived map[derivedKey]bool
	out     []DerivedFigure
}

type key struct {
	j string
	p roadmap.Period
}

type valueAt struct {
	v   roadmap.Value
	sub *roadmap.Submission
}

type derivedKey struct {
	j, row string
	p      roadmap.Period
}

func newCombiner(s Snapshot, r Request) *combiner {
	c := &combiner{
		root:     s.Catalogue,
		cat:      s.Catalogue.InForce(r.Period),
		s:        s,
		req:      r,
		used:     map[key]*roadmap.Submission{},
		versions: map[key][]*roadmap.Submission{},
		vals:     map[key]map[string]valueAt{},
		read:     map[*roadmap.Submission]bool{},
		derived:  map[derivedKey]bool{},
	}
	for _, j := range c.cat.Jurisdictions {
		c.jurs = append(c.jurs, j.Code)
	}
	if r.Jurisdiction == "" {
		c.scope = c.jurs
	} else if _, ok := c.cat.Jurisdiction(r.Jurisdiction); ok {
		c.scope = []string{r.Jurisdiction}
	}
	for i := range s.Submissions {
		sub := &s.Submissions[i]
		if sub.State != roadmap.Accepted && sub.State != roadmap.Superseded {
			continue
		}
		if !s.AsOf.IsZero() && sub.Received.After(s.AsOf) {
			continue
		}
		if _, ok := c.cat.Jurisdiction(sub.Jurisdiction); !ok || sub.Period.IsZero() {
			continue
		}
		k := key{sub.Jurisdiction, sub.Period}
		c.versions[k] = append(c.versions[k], sub)
	}
	rounds := make([]key, 0, len(c.versions))
	for k, vs := range c.versions {
		slices.SortStableFunc(vs, func(a, b *roadmap.Submission) int {
			return cmp.Or(a.Received.Compare(b.Received), cmp.Compare(a.Version, b.Version), cmp.Compare(a.ID, b.ID))
		})
		c.used[k] = vs[len(vs)-1]
		rounds = append(rounds, k)
	}
	// Rounds in time order, so that a value repeated by a later round (none
	// should be) is the later one, whatever the map's order.
	slices.SortFunc(rounds, func(a, b key) int { return cmp.Or(a.p.Compare(b.p), strings.Compare(a.j, b.j)) })
	for _, k := range rounds {
		sub := c.used[k]
		for _, v := range sub.Values {
			p := v.Period
			if p.IsZero() {
				p = sub.Period
			}
			vk := key{k.j, p}
			if c.vals[vk] == nil {
				c.vals[vk] = map[string]valueAt{}
			}
			c.vals[vk][v.Row] = valueAt{v, sub}
		}
	}
	c.axis = Axis(c.cat.Baseline, r.Period)
	c.prev = r.Period.Prev()
	return c
}

// Axis is the time axis of a series: the baseline, then each period of the
// reviewed period's length after it, up to and including reviewed. A
// half-year series after a yearly baseline starts with the next year's first
// half. A reviewed period at or before the baseline gives both, in time order.
func Axis(baseline, reviewed roadmap.Period) []roadmap.Period {
	if reviewed.IsZero() {
		return []roadmap.Period{baseline}
	}
	if !baseline.Before(reviewed) {
		if reviewed == baseline {
			return []roadmap.Period{baseline}
		}
		return []roadmap.Period{reviewed, baseline}
	}
	axis := []roadmap.Period{baseline}
	var p roadmap.Period
	switch {
	case reviewed.IsYear():
		p = roadmap.Period{Year: baseline.Year + 1}
	case baseline.IsYear():
		p = roadmap.Period{Year: baseline.Year + 1, Half: 1}
	default:
		p = baseline.Next()
	}
	for ; !reviewed.Before(p); p = p.Next() {
		axis = append(axis, p)
	}
	return axis
}

// yearEnded is the latest calendar year ended by the end of p.
func yearEnded(p roadmap.Period) roadmap.Period {
	if p.IsYear() || p.Half == 2 {
		return roadmap.Period{Year: p.Year}
	}
	return roadmap.Period{Year: p.Year - 1}
}

func (c *combiner) report() *Report {
	cat, req := c.cat, c.req
	rep := &Report{
		Kind:        RegionalReport,
		Period:      req.Period,
		PeriodLabel: req.Period.Label(),
		Meeting:     req.Meeting,
		Draft:       req.Draft,
		AsOf:        c.s.AsOf,
		Deadline:    c.deadline(),
		Location:    c.s.Calendar.Zone(),
		Roadmap:     info(cat),
		Catalogue:   info(cat),
		Periods:     c.axis,
		RatingRules: slices.Clone(RatingRules),
	}
	if req.Meeting != nil {
		rep.Number = req.Meeting.Number
	}
	for _, j := range cat.Jurisdictions {
		rep.Jurisdictions = append(rep.Jurisdictions, JurisdictionRef{Code: j.Code, Name: j.Name, Capital: j.Capital, Footnote: j.Footnote})
	}
	rep.Title = "Regional progress report"
	if rep.Number > 0 {
		rep.Title += " " + strconv.Itoa(rep.Number)
	}
	if req.Jurisdiction != "" {
		rep.Kind = JurisdictionReport
		ref := JurisdictionRef{Code: req.Jurisdiction, Name: req.Jurisdiction}
		if j, ok := cat.Jurisdiction(req.Jurisdiction); ok {
			ref = JurisdictionRef{Code: j.Code, Name: j.Name, Capital: j.Capital, Footnote: j.Footnote}
		}
		rep.Focus = &ref
		rep.Title = "Jurisdiction report: " + ref.Name
	}

	rep.NoData = true
	for _, j := range c.jurs {
		if c.used[key{j, req.Period}] != nil {
			rep.NoData = false
		}
	}
	rep.Completeness = c.completeness()
	for _, g := range cat.Goals {
		rep.Goals = append(rep.Goals, c.goal(g))
	}
	rep.Warnings = c.warnings()
	rep.Sources = c.sources()
	for i := range cat.Indicators {
		rep.Definitions = append(rep.Definitions, definition(cat, &cat.Indicators[i]))
	}
	rep.Footnotes = c.footnotes()
	c.synthesise(rep)
	// The catalogues whose figures the report can show: the one in force
	// and those it succeeds.
	for _, x := range c.cat.Chain() {
		rep.Succession = append(rep.Succession, CatalogueSpan{ID: x.ID, Version: x.Version, Short: x.Short, Governs: c.root.Governs(x)})
	}
	rep.Derived = c.out
	return rep
}

func info(cat *roadmap.Catalogue) RoadmapInfo {
	return RoadmapInfo{
		ID: cat.ID, Title: cat.Title, Short: cat.Short, Version: cat.Version,
		Hash: cat.Hash, Illustrative: cat.Illustrative, Note: cat.Note,
	}
}

// deadline is the report's "submissions due": the jurisdiction's own
// deadline in a jurisdiction report, the meeting's deadline day in a regional
// one (each jurisdiction's own deadline is in its completeness row).
func (c *combiner) deadline() time.Time {
	if c.req.Jurisdiction != "" {
		due, _ := c.s.Calendar.Deadline(c.req.Jurisdiction, c.req.Period)
		return due
	}
	if m := c.req.Meeting; m != nil && !m.Deadline.IsZero() {
		return c.s.Calendar.EndOfDay(m.Deadline)
	}
	return time.Time{}
}

// completeness is each jurisdiction's submission as of the cut-off, its
// state decided by the calendar's one timeliness model (roadmap.Calendar).
func (c *combiner) completeness() []Completeness {
	var out []Completeness
	for _, j := range c.jurs {
		vs := c.versions[key{j, c.req.Period}]
		cp := Completeness{Jurisdiction: j, Versions: len(vs)}
		cp.Deadline, _ = c.s.Calendar.Deadline(j, c.req.Period)
		if len(vs) > 0 {
			u := vs[len(vs)-1]
			cp.Version, cp.File, cp.Received, cp.Hash, cp.Final = u.Version, u.Name, u.Received, u.Hash, u.Cover.Final
			cp.FirstReceived = vs[0].Received
		}
		cp.State = c.s.Calendar.Timeliness(j, c.req.Period, cp.FirstReceived, c.s.AsOf)
		out = append(out, cp)
	}
	return out
}

// figure is what jurisdiction j reported for row (a row of ind, an indicator
// of the catalogue in force) for period p: the value filed under p by the
// indicator of the catalogue governing p that ind continues, or the year
// derived from that indicator's two half-years.
func (c *combiner) figure(j string, p roadmap.Period, ind *roadmap.Indicator, row string) Figure {
	step, ok := c.cat.Lineage(ind).At(c.root, p)
	if !ok {
		return Figure{}
	}
	src := step.Indicator.Code + strings.TrimPrefix(row, ind.Code)
	if va, ok := c.vals[key{j, p}][src]; ok {
		if !va.v.Reported {
			return Figure{}
		}
		c.read[va.sub] = true
		return figureOf(ind.Kind, va.v, false)
	}
	if !p.IsYear() || step.Indicator.Cadence != roadmap.HalfYearly {
		return Figure{}
	}
	var from []*roadmap.Submission
	get := func(h roadmap.Period, r string) (roadmap.Value, bool) {
		va, ok := c.vals[key{j, h}][r]
		if ok {
			from = append(from, va.sub)
		}
		return va.v, ok
	}
	v, ok := step.Indicator.DeriveYear(p.Year, src, get)
	if !ok {
		return Figure{}
	}
	for _, sub := range from {
		c.read[sub] = true
	}
	dk := derivedKey{j, row, p}
	if !c.derived[dk] {
		c.derived[dk] = true
		d := DerivedFigure{Jurisdiction: j, Row: row, Period: p, Rule: deriveRule(step.Indicator),
			From: []roadmap.Period{{Year: p.Year, Half: 1}, {Year: p.Year, Half: 2}}}
		if src != row {
			d.Source = src
		}
		c.out = append(c.out, d)
	}
	return figureOf(ind.Kind, v, true)
}

func figureOf(kind roadmap.Kind, v roadmap.Value, derived bool) Figure {
	if kind == roadmap.Status {
		return Figure{Level: v.Level, Derived: derived}
	}
	n := v.Number
	return Figure{Number: &n, Derived: derived}
}

// deriveRule says in words how a year of ind is made from its halves.
func deriveRule(ind *roadmap.Indicator) string {
	switch {
	case ind.Kind == roadmap.Percent && ind.Measure == roadmap.Flow:
		return "share recomputed from the yearly numerator (" + ind.Ratio.Numerator + ") and denominator (" + ind.Ratio.Denominator + ")"
	case ind.Measure == roadmap.Flow:
		return "sum of the two half-years"
	}
	return "the second half-year (a state at the end of the year)"
}

func (c *combiner) goal(g roadmap.Goal) GoalSection {
	gs := GoalSection{Code: g.Code, Number: g.Number, Title: g.Title}
	for _, ind := range c.cat.IndicatorsOf(g.Code) {
		gs.Indicators = append(gs.Indicators, c.indicator(ind))
	}
	gs.Status, gs.StatusReason, gs.Counts = rateGoal(gs.Indicators)
	for _, j := range c.scope {
		sub := c.used[key{j, c.req.Period}]
		if sub == nil {
			continue
		}
		var n roadmap.Narrative
		for _, x := range sub.Narratives {
			if x.Goal == g.Code {
				n = x
			}
		}
		if n.Empty() {
			gs.NoNarrative = append(gs.NoNarrative, j)
			continue
		}
		gs.Narratives = append(gs.Narratives, NarrativeEntry{Jurisdiction: j, Progress: n.Progress, Challenges: n.Challenges, Support: n.Support})
	}
	return gs
}

func (c *combiner) indicator(ind *roadmap.Indicator) IndicatorReport {
	shown := ind.Shown(c.req.Period)
	ir := IndicatorReport{
		Code: ind.Code, Goal: ind.Goal, Title: ind.Title, Definition: ind.Definition,
		Kind: ind.Kind, Unit: ind.Unit, Levels: slices.Clone(ind.Levels),
		Direction: ind.Direction, Aggregation: ind.Aggregation, Decimals: ind.DecimalPlaces(),
		Shown: shown, Previous: shown.Prev(), Baseline: ind.Baseline, Cadence: ind.Cadence,
		Periods: Axis(ind.Baseline, shown), Series: c.seriesNote(ind),
	}
	for _, row := range ind.Rows() {
		ir.Rows = append(ir.Rows, c.row(ind, row, &ir))
	}
	ir.Progress = c.progress(ind, ir.Total())
	ir.Rating, ir.RatingReason = c.rate(ind, ir.Total(), ir.Progress)
	return ir
}

// seriesNote says where an indicator's series starts or changed across the
// succession of catalogues; "" when it is one indicator throughout.
func (c *combiner) seriesNote(ind *roadmap.Indicator) string {
	if c.cat.Previous == nil {
		return ""
	}
	lin := c.cat.Lineage(ind)
	if len(lin) == 1 {
		return "New in the " + orShort(c.cat) + ": figures from " + c.cat.From.String() + " on."
	}
	old := lin[1]
	upTo := c.root.Governs(old.Catalogue)
	var notes []string
	if old.Indicator.Code != ind.Code || old.Indicator.Title != ind.Title {
		notes = append(notes, "continues the "+old.Catalogue.Short+" indicator “"+old.Indicator.Title+"”, "+upTo)
	} else {
		notes = append(notes, "continues the "+old.Catalogue.Short+" series, "+upTo)
	}
	if ind.Changed != "" {
		notes = append(notes, "the definition changed from "+c.cat.From.String()+": "+strings.TrimSuffix(ind.Changed, "."))
	}
	switch {
	case old.Indicator.Cadence == ind.Cadence:
	case ind.YearsDerived():
		notes = append(notes, "reported "+string(old.Indicator.Cadence)+" until then, "+string(ind.Cadence)+" since; earlier years are derived from their half-years ("+DerivedMark+")")
	default:
		notes = append(notes, "reported "+string(old.Indicator.Cadence)+" until then, "+string(ind.Cadence)+" since; earlier years are not derived: a share of a year cannot be made from two half-years' shares without their numerators and denominators")
	}
	s := strings.Join(notes, "; ") + "."
	return strings.ToUpper(s[:1]) + s[1:]
}

func orShort(cat *roadmap.Catalogue) string {
	if cat.Short != "" {
		return cat.Short
	}
	return cat.Title
}

func (c *combiner) row(ind *roadmap.Indicator, row roadmap.Row, ir *IndicatorReport) RowReport {
	rr := RowReport{Code: row.Code, Label: "Total"}
	if row.Part != nil {
		rr.Part, rr.Label = row.Part.Code, row.Part.Label
	}
	year := yearEnded(c.req.Period)
	for _, j := range c.jurs {
		jr := JurisdictionRow{
			Jurisdiction: j,
			Current:      c.figure(j, ir.Shown, ind, row.Code),
			Previous:     c.figure(j, ir.Previous, ind, row.Code),
			Baseline:     c.figure(j, ir.Baseline, ind, row.Code),
			Annual:       c.figure(j, year, ind, row.Code),
			Year:         year,
		}
		jr.Comment = c.comment(j, ir.Shown, row.Code)
		jr.ChangePrevious = change(ind, jr.Previous, jr.Current)
		if year != ir.Baseline {
			// In the baseline year itself nothing has changed yet: "–", not 0.
			jr.ChangeBaseline = change(ind, jr.Baseline, jr.Annual)
		}
		for _, p := range ir.Periods {
			jr.Series = append(jr.Series, c.figure(j, p, ind, row.Code))
		}
		rr.Jurisdictions = append(rr.Jurisdictions, jr)
	}
	pick := func(f func(JurisdictionRow) Figure) []Figure {
		out := make([]Figure, len(rr.Jurisdictions))
		for i, jr := range rr.Jurisdictions {
			out[i] = f(jr)
		}
		return out
	}
	total := row.Part == nil
	rr.Regional = c.aggregate(ind, total, ir.Shown, pick(func(jr JurisdictionRow) Figure { return jr.Current }))
	rr.RegionalPrevious = c.aggregate(ind, total, ir.Previous, pick(func(jr JurisdictionRow) Figure { return jr.Previous }))
	rr.RegionalBaseline = c.aggregate(ind, total, ir.Baseline, pick(func(jr JurisdictionRow) Figure { return jr.Baseline }))
	// A range or a distribution has no single figure whose change could be
	// printed under it.
	if ind.Aggregation == roadmap.Sum || ind.Aggregation == roadmap.Mean || ind.Aggregation == roadmap.Pooled {
		old, now, _ := c.likeForLike(ind, total, rr.Jurisdictions, c.jurs, ir.Previous, ir.Shown,
			func(jr JurisdictionRow) Figure { return jr.Previous },
			func(jr JurisdictionRow) Figure { return jr.Current })
		rr.ChangePrevious = change(ind, old, now)
	}
	for i, p := range ir.Periods {
		rr.Series = append(rr.Series, c.aggregate(ind, total, p, pick(func(jr JurisdictionRow) Figure { return jr.Series[i] })))
	}
	return rr
}

// change is the change from old to now; unknown when either is not
// reported. A percent changes by percentage points, never by a ratio.
func change(ind *roadmap.Indicator, old, now Figure) Change {
	if ind.Kind == roadmap.Status {
		a, b := ind.LevelIndex(old.Level), ind.LevelIndex(now.Level)
		if a < 0 || b < 0 {
			return Change{}
		}
		d := b - a
		return Change{Steps: &d}
	}
	if old.Number == nil || now.Number == nil {
		return Change{}
	}
	d := *now.Number - *old.Number
	if ind.Kind == roadmap.Percent {
		return Change{Absolute: &d, Points: true}
	}
	ch := Change{Absolute: &d}
	if *old.Number != 0 {
		r := d / *old.Number
		ch.Relative = &r
	}
	return ch
}

// aggregate makes the regional figure of figs (one per jurisdiction, in
// catalogue order) for period p by the indicator's rule, over those that
// reported. A pooled share (total only) is the total numerator over the
// total denominator of those that reported both.
func (c *combiner) aggregate(ind *roadmap.Indicator, total bool, p roadmap.Period, figs []Figure) Regional {
	rg := Regional{Rule: ind.Aggregation, Of: len(c.jurs)}
	status := ind.Aggregation == roadmap.Distribution || ind.Kind == roadmap.Status
	if status {
		for _, l := range ind.Levels {
			rg.Levels = append(rg.Levels, LevelCount{Level: l})
		}
	}
	pooled := ind.Aggregation == roadmap.Pooled && total && ind.Ratio != nil
	var sum, num, den float64
	for i, f := range figs {
		j := c.jurs[i]
		if status {
			li := ind.LevelIndex(f.Level)
			if li < 0 {
				rg.Missing = append(rg.Missing, j)
				continue
			}
			rg.Levels[li].Count++
			rg.Levels[li].Jurisdictions = append(rg.Levels[li].Jurisdictions, j)
			rg.Covered++
			rg.Reporters = append(rg.Reporters, j)
			rg.Derived = rg.Derived || f.Derived
			continue
		}
		if pooled {
			n, d, ok := c.ratioParts(j, p, ind)
			if !ok || f.Number == nil {
				rg.Missing = append(rg.Missing, j)
				continue
			}
			num += n
			den += d
		} else if f.Number == nil {
			rg.Missing = append(rg.Missing, j)
			continue
		}
		n := *f.Number
		rg.Covered++
		rg.Reporters = append(rg.Reporters, j)
		rg.Derived = rg.Derived || f.Derived
		sum += n
		switch {
		case rg.Min == nil || n < *rg.Min:
			rg.Min, rg.MinBy = ptr(n), []string{j}
		case n == *rg.Min:
			rg.MinBy = append(rg.MinBy, j)
		}
		switch {
		case rg.Max == nil || n > *rg.Max:
			rg.Max, rg.MaxBy = ptr(n), []string{j}
		case n == *rg.Max:
			rg.MaxBy = append(rg.MaxBy, j)
		}
	}
	rg.Partial = rg.Covered > 0 && rg.Covered < rg.Of
	if rg.Covered > 0 {
		switch {
		case ind.Aggregation == roadmap.Sum:
			rg.Value = ptr(sum)
		case pooled && den > 0:
			rg.Value = ptr(100 * num / den)
		case ind.Aggregation == roadmap.Mean, ind.Aggregation == roadmap.Pooled:
			rg.Value = ptr(sum / float64(rg.Covered))
		}
	}
	return rg
}

// ratioParts is jurisdiction j's numerator and denominator of a share
// defined as a ratio, for period p; false unless both are reported and the
// denominator is not zero.
func (c *combiner) ratioParts(j string, p roadmap.Period, ind *roadmap.Indicator) (float64, float64, bool) {
	part := func(code string) (float64, bool) {
		row, ok := c.cat.Row(code)
		if !ok {
			return 0, false
		}
		f := c.figure(j, p, row.Indicator, code)
		if f.Number == nil {
			return 0, false
		}
		return *f.Number, true
	}
	n, okN := part(ind.Ratio.Numerator)
	d, okD := part(ind.Ratio.Denominator)
	return n, d, okN && okD && d != 0
}

// likeForLike combines old and new figures over the jurisdictions of the rows
// (restricted to scope) that reported both: the sum for sums, the pooled
// share for pooled shares, the mean otherwise. For statuses it returns no
// figures; see levelMoves.
func (c *combiner) likeForLike(ind *roadmap.Indicator, total bool, rows []JurisdictionRow, scope []string, pOld, pNew roadmap.Period, old, now func(JurisdictionRow) Figure) (Figure, Figure, []string) {
	var a, b, na, da, nb, db float64
	var both []string
	pooled := ind.Aggregation == roadmap.Pooled && total && ind.Ratio != nil
	for _, jr := range rows {
		if !slices.Contains(scope, jr.Jurisdiction) {
			continue
		}
		o, n := old(jr), now(jr)
		if o.Number == nil || n.Number == nil {
			continue
		}
		if pooled {
			n1, d1, ok1 := c.ratioParts(jr.Jurisdiction, pOld, ind)
			n2, d2, ok2 := c.ratioParts(jr.Jurisdiction, pNew, ind)
			if !ok1 || !ok2 {
				continue
			}
			na, da, nb, db = na+n1, da+d1, nb+n2, db+d2
		}
		a += *o.Number
		b += *n.Number
		both = append(both, jr.Jurisdiction)
	}
	if len(both) == 0 || ind.Kind == roadmap.Status {
		return Figure{}, Figure{}, nil
	}
	switch {
	case pooled:
		a, b = 100*na/da, 100*nb/db
	case ind.Aggregation != roadmap.Sum:
		a /= float64(len(both))
		b /= float64(len(both))
	}
	return Figure{Number: &a}, Figure{Number: &b}, both
}

// yearsBetween is the number of years from the end of a to the end of b.
func yearsBetween(a, b roadmap.Period) float64 {
	x, y := a.Last(), b.Last()
	months := (y.Year()-x.Year())*12 + int(y.Month()-x.Month())
	return float64(months) / 12
}

func (c *combiner) progress(ind *roadmap.Indicator, total *RowReport) *Progress {
	t := ind.Target
	if t == nil || (t.Level == "" && t.Change == nil) {
		return nil
	}
	base := ind.Baseline
	pr := &Progress{By: t.By, Target: targetText(ind, base.String()), Since: base}
	if t.Level != "" {
		pr.Level = t.Level
		pr.Year = ind.Shown(c.req.Period)
		pr.Due = !t.By.IsZero() && !pr.Year.Last().Before(t.By.Last())
		ti := ind.LevelIndex(t.Level)
		for _, jr := range total.Jurisdictions {
			li := ind.LevelIndex(jr.Current.Level)
			if !slices.Contains(c.scope, jr.Jurisdiction) || li < 0 {
				continue
			}
			pr.Covered++
			if ti >= 0 && li >= ti {
				pr.AtTarget++
				continue
			}
			if c.onPace(ind, jr, li, ti, pr.Year, t.By) {
				pr.OnPace++
			}
		}
		if pr.Covered > 0 {
			pr.Share = ptr(float64(pr.AtTarget) / float64(pr.Covered))
			pr.Met = pr.AtTarget == pr.Covered
		}
		return pr
	}
	pr.TargetChange = ptr(*t.Change)
	pr.Year = yearEnded(c.req.Period)
	pr.Due = !t.By.IsZero() && !pr.Year.Last().Before(t.By.Last())
	old, now, both := c.likeForLike(ind, true, total.Jurisdictions, c.scope, base, pr.Year,
		func(jr JurisdictionRow) Figure { return jr.Baseline },
		func(jr JurisdictionRow) Figure { return jr.Annual })
	if len(both) == 0 {
		return pr
	}
	pr.Jurisdictions = both
	pr.Baseline, pr.Current = old.Number, now.Number
	b, n := *old.Number, *now.Number
	switch {
	case !base.Before(pr.Year):
		// The year judged is the baseline itself: nothing has changed yet.
	case b != 0:
		pr.Change = ptr((n - b) / b)
		if *t.Change < 0 {
			pr.Met = *pr.Change <= *t.Change
		} else {
			pr.Met = *pr.Change >= *t.Change
		}
		if years := yearsBetween(base, pr.Year); years >= 1 {
			pr.PerYear = ptr(*pr.Change / years)
		}
		if span := yearsBetween(base, t.By); !t.By.IsZero() && span > 0 {
			pr.Needed = ptr(*t.Change / span)
		}
	case n != 0 && (n < 0) == (*t.Change < 0):
		// No relative change from a zero baseline, but any move the
		// target's way goes past it.
		pr.Met = true
	}
	return pr
}

// onPace reports whether a jurisdiction below a target level gains levels
// fast enough to reach it by its date: levels gained a year since the
// baseline at least the levels still needed a year until the date. Without
// a date, any level gained since the baseline will do.
func (c *combiner) onPace(ind *roadmap.Indicator, jr JurisdictionRow, li, ti int, now, by roadmap.Period) bool {
	bi := ind.LevelIndex(jr.Baseline.Level)
	if bi < 0 {
		// No baseline level: the earliest level of the series stands in.
		for _, f := range jr.Series {
			if x := ind.LevelIndex(f.Level); x >= 0 {
				bi = x
				break
			}
		}
	}
	if bi < 0 {
		return false
	}
	elapsed := yearsBetween(ind.Baseline, now)
	if by.IsZero() || elapsed <= 0 {
		return li > bi
	}
	left := yearsBetween(now, by)
	if left <= 0 {
		return false
	}
	return float64(li-bi)/elapsed >= float64(ti-li)/left
}

// rate rates an indicator by the rules of RatingRules, over c.scope.
func (c *combiner) rate(ind *roadmap.Indicator, total *RowReport, pr *Progress) (Rating, string) {
	if pr == nil {
		if !c.reportedNow(total) {
			return NoData, "No target, and no figures for " + ind.Shown(c.req.Period).String() + "."
		}
		return NotRated, c.describe(ind, total)
	}
	if pr.Level != "" {
		if pr.Covered == 0 {
			return NoData, "No jurisdiction reported a level for " + pr.Year.String() + "."
		}
		what := strconv.Itoa(pr.AtTarget) + " of " + strconv.Itoa(pr.Covered) + " at the target level (" + pr.Level + ") in " + pr.Year.String()
		below := pr.Covered - pr.AtTarget
		switch {
		case pr.Met:
			return Achieved, what + "."
		case pr.Due:
			return Missed, what + "; the target date (" + pr.By.String() + ") has passed."
		case pr.OnPace == below:
			return OnTrack, what + "; " + onPaceText(pr.OnPace, below, pr.By) + "."
		}
		return OffTrack, what + "; " + onPaceText(pr.OnPace, below, pr.By) + "."
	}
	tc := *pr.TargetChange
	num := numberOf(ind)
	over := " over " + plural(len(pr.Jurisdictions), "jurisdiction")
	target := "target " + FormatPercent(tc) + " against " + pr.Since.String()
	if !pr.By.IsZero() {
		target += " by " + pr.By.String()
	}
	switch {
	case pr.Year.Before(pr.Since):
		return NotRated, "Measured from " + pr.Since.String() + ", a year not ended by the end of the period reviewed; " + target + ": too early to judge."
	case pr.Baseline == nil:
		return NoData, "No jurisdiction reported both the baseline (" + pr.Since.String() + ") and " + pr.Year.String() + "."
	case pr.Year == pr.Since:
		return NotRated, num(*pr.Baseline) + " in " + pr.Since.String() + ", the baseline year," + over + "; " + target + ": too early to judge, no full year since the baseline."
	}
	if pr.Change == nil {
		what := "From " + num(*pr.Baseline) + " in " + pr.Since.String() + " to " + num(*pr.Current) + " in " + pr.Year.String() + over + " (no relative change from zero), target " + FormatPercent(tc) + "."
		if pr.Met {
			return Achieved, what
		}
		if pr.Due {
			return Missed, what
		}
		return OffTrack, what
	}
	what := "From " + num(*pr.Baseline) + " in " + pr.Since.String() + " to " + num(*pr.Current) + " in " + pr.Year.String() + over +
		" (" + FormatPercent(*pr.Change) + "), target " + FormatPercent(tc)
	if !pr.By.IsZero() {
		what += " by " + pr.By.String()
	}
	switch {
	case pr.Met:
		return Achieved, what + "."
	case pr.Due:
		return Missed, what + ": the target date has passed."
	case pr.PerYear == nil:
		return NotRated, what + ": too early to judge, no full year since the baseline."
	}
	pace := "; an average of " + FormatPercent(*pr.PerYear) + " a year since " + pr.Since.String()
	if pr.Needed == nil {
		if (*pr.PerYear < 0) == (tc < 0) && *pr.PerYear != 0 {
			return OnTrack, what + pace + ", the target's way."
		}
		return OffTrack, what + pace + ", not the target's way."
	}
	pace += " against the " + FormatPercent(*pr.Needed) + " a year the target needs"
	if (*pr.PerYear < 0) == (tc < 0) && *pr.PerYear != 0 && math.Abs(*pr.PerYear) >= math.Abs(*pr.Needed) {
		return OnTrack, what + pace + "."
	}
	return OffTrack, what + pace + "."
}

func onPaceText(onPace, below int, by roadmap.Period) string {
	when := "by its date"
	if !by.IsZero() {
		when = "by " + by.String()
	}
	if below == 1 {
		if onPace == 1 {
			return "the other gains levels fast enough to reach it " + when
		}
		return "the other does not gain levels fast enough to reach it " + when
	}
	return "of the other " + strconv.Itoa(below) + ", " + strconv.Itoa(onPace) + " gain levels fast enough to reach it " + when
}

// numberOf prints a number as the report prints ind's figures, with its
// decimals (IndicatorReport.Number).
func numberOf(ind *roadmap.Indicator) func(float64) string {
	ir := &IndicatorReport{Decimals: ind.DecimalPlaces()}
	return ir.Number
}

// describe is the sentence for an indicator without a target: its figures
// since the baseline, without a judgement.
func (c *combiner) describe(ind *roadmap.Indicator, total *RowReport) string {
	if ind.Kind == roadmap.Status {
		return "No target: levels are described, not rated."
	}
	year := yearEnded(c.req.Period)
	old, now, both := c.likeForLike(ind, true, total.Jurisdictions, c.scope, ind.Baseline, year,
		func(jr JurisdictionRow) Figure { return jr.Baseline },
		func(jr JurisdictionRow) Figure { return jr.Annual })
	if len(both) == 0 || year == ind.Baseline {
		return "No target: figures are described, not rated."
	}
	ch := change(ind, old, now)
	num := numberOf(ind)
	return "No target: described, not rated. From " + num(*old.Number) + " in " + ind.Baseline.String() + " to " +
		num(*now.Number) + " in " + year.String() + " (" + ch.format(num) + ") over " + plural(len(both), "jurisdiction") + "."
}

// reportedNow reports whether any jurisdiction in scope reported the row for
// the indicator's Shown period.
func (c *combiner) reportedNow(total *RowReport) bool {
	for _, jr := range total.Jurisdictions {
		if jr.Current.Reported() && slices.Contains(c.scope, jr.Jurisdiction) {
			return true
		}
	}
	return false
}

// rateGoal rates a goal from its indicators by the last rule of RatingRules,
// and counts them per state.
func rateGoal(inds []IndicatorReport) (Rating, string, []RatingCount) {
	n := map[Rating]int{}
	for _, ir := range inds {
		n[ir.Rating]++
	}
	var counts []RatingCount
	var words []string
	for _, r := range RatingOrder {
		if n[r] > 0 {
			counts = append(counts, RatingCount{Rating: r, Count: n[r]})
			words = append(words, strconv.Itoa(n[r])+" "+string(r))
		}
	}
	summary := strings.Join(words, ", ") + "."
	rated := n[Achieved] + n[OnTrack] + n[OffTrack] + n[Missed]
	switch {
	case rated == 0 && n[NotRated] > 0:
		return NotRated, "No indicator with a target to rate: " + summary, counts
	case rated == 0:
		return NoData, "Nothing reported for its indicators.", counts
	case n[Achieved] == rated:
		return Achieved, summary, counts
	case n[OffTrack]+n[Missed] == 0:
		return OnTrack, summary, counts
	}
	return OffTrack, summary, counts
}

func (c *combiner) warnings() []QualityWarning {
	var out []QualityWarning
	for _, j := range c.scope {
		sub := c.used[key{j, c.req.Period}]
		if sub == nil {
			continue
		}
		for _, f := range sub.Findings {
			if f.Severity == roadmap.Error {
				continue
			}
			out = append(out, QualityWarning{Jurisdiction: j, File: sub.Name, Version: sub.Version, Finding: f})
		}
	}
	return out
}

// sources lists the files used: those a figure of the report came from, and
// every file of the reviewed period (its narratives and completeness), by
// period (newest first) then jurisdiction in catalogue order.
func (c *combiner) sources() []Source {
	var subs []*roadmap.Submission
	for k, sub := range c.used {
		if c.read[sub] || k.p == c.req.Period {
			subs = append(subs, sub)
		}
	}
	order := map[string]int{}
	for i, j := range c.jurs {
		order[j] = i
	}
	slices.SortFunc(subs, func(a, b *roadmap.Submission) int {
		return cmp.Or(b.Period.Compare(a.Period), cmp.Compare(order[a.Jurisdiction], order[b.Jurisdiction]))
	})
	out := make([]Source, 0, len(subs))
	for _, sub := range subs {
		out = append(out, Source{Jurisdiction: sub.Jurisdiction, Period: sub.Period, Name: sub.Name, Version: sub.Version, Received: sub.Received, Hash: sub.Hash, Path: sub.Path})
	}
	return out
}

func (c *combiner) footnotes() []FootnoteText {
	form := c.req.Footnote
	if form == "" {
		form = "un"
	}
	var out []FootnoteText
	for _, j := range c.cat.Jurisdictions {
		if j.Footnote == "" {
			continue
		}
		i := slices.IndexFunc(out, func(f FootnoteText) bool { return f.ID == j.Footnote })
		if i < 0 {
			out = append(out, FootnoteText{ID: j.Footnote, Mark: "*", Text: c.cat.Footnote(j.Footnote, form)})
			i = len(out) - 1
		}
		out[i].Jurisdictions = append(out[i].Jurisdictions, j.Code)
	}
	return out
}

// targetText is the indicator's target in words; baseline names the baseline
// ("2018", or "the baseline" where no period is at hand).
func targetText(ind *roadmap.Indicator, baseline string) string {
	t := ind.Target
	var s string
	switch {
	case t == nil:
		return ""
	case t.Level != "":
		s = t.Level
	case t.Change != nil:
		s = FormatPercent(*t.Change) + " against " + baseline
	default:
		return ""
	}
	if !t.By.IsZero() {
		s += " by " + t.By.String()
	}
	return s
}

var aggregationText = map[roadmap.Aggregation]string{
	roadmap.Sum:          "sum over the jurisdictions that reported",
	roadmap.Mean:         "mean of the jurisdictions that reported (not weighted: the shares' numerators are not reported)",
	roadmap.Pooled:       "pooled share: the jurisdictions' numerators added up over their denominators added up",
	roadmap.Range:        "lowest and highest of the jurisdictions that reported",
	roadmap.Distribution: "number of jurisdictions at each level",
}

func definition(cat *roadmap.Catalogue, ind *roadmap.Indicator) Definition {
	d := Definition{
		Code: ind.Code, Goal: ind.Goal, Title: ind.Title, Definition: ind.Definition,
		Kind: ind.Kind, Unit: ind.Unit, Levels: slices.Clone(ind.Levels), Direction: ind.Direction,
		Aggregation: aggregationText[ind.Aggregation], Required: ind.Required,
	}
	if d.Aggregation == "" {
		d.Aggregation = string(ind.Aggregation)
	}
	if b := ind.Breakdown; b != nil {
		var labels []string
		for _, p := range b.Parts {
			labels = append(labels, p.Label)
		}
		rule := "parts add up to the total"
		if b.Rule == roadmap.PartsAtMostTotal {
			rule = "parts may not exceed the total"
		}
		d.Breakdown = "by " + b.By + ": " + strings.Join(labels, ", ") + " (" + rule + ")"
	}
	if ind.Target != nil {
		// An indicator that starts after the catalogue's baseline names its
		// own, since "the baseline" would be read as the catalogue's.
		base := "the baseline"
		if ind.Baseline != cat.Baseline {
			base = "its " + ind.Baseline.String() + " baseline"
		}
		d.Target = targetText(ind, base)
	}
	return d
}

func ptr[T any](v T) *T { return &v }

// plural is "1 neutral indicator" or "3 neutral indicators".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
