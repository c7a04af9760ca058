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

// Thresholds of the rating rules.
const (
	// stallBand: a like-for-like change smaller than this share of the
	// previous figure counts as no change.
	stallBand = 0.05
)

// RatingRules is the rule by which Combine rates indicators and goals, in
// words, for the report's annex. Rate's doc repeats it; keep the two in step.
var RatingRules = []string{
	"Each indicator is rated against its target where it has one, otherwise by the direction of its change. " +
		"In the regional report the rules apply to all jurisdictions together; in a jurisdiction report, to that jurisdiction alone. " +
		"Only jurisdictions that reported the figures compared are counted.",
	"An indicator with a target level (a status) is on track when at least half of the jurisdictions that reported are at or above the target level; " +
		"at risk when fewer than half are, but at least half are no more than one level below it; off track otherwise.",
	"An indicator with a target change against the baseline compares the sum of the last twelve months (for half-yearly counts: the period reviewed and the one before it) " +
		"with the baseline year, over the jurisdictions that reported both. It is on track when the change has reached the target; " +
		"at risk when it goes the target's way but has not reached it; off track when it goes the other way or not at all.",
	"An indicator without a target whose direction is higher or lower is better compares the period reviewed with the previous period, over the jurisdictions that reported both " +
		"(the sum for counts and quantities, the mean for percentages, the number of levels moved up minus down for statuses). " +
		"It is on track when it moved the right way by at least 5 % (or, for a status, on balance up); at risk when it moved less than that; off track when it moved the wrong way by 5 % or more.",
	"A neutral indicator without a target (where more can mean better work or a bigger problem, such as seizures) is not rated: its figures are reported but not judged. " +
		"An indicator whose figures for the period are missing has no data.",
	"A goal is on track when all its rated indicators are on track; off track when at least half of them are off track; at risk otherwise. " +
		"A goal none of whose indicators can be rated is not rated when figures were reported for it (its indicators are neutral), and has no data when nothing was reported.",
}

// Combine computes the report for r from s. It is pure: the same snapshot and
// request give the same report.
//
// For each jurisdiction and period it uses the latest accepted version: among
// the snapshot's accepted or superseded submissions received at or before
// s.AsOf, the one received last (ties broken by the higher version number).
// A value left blank is not reported (a nil Number), never zero, and regional
// figures are computed over the jurisdictions that reported, saying how many.
//
// Indicators and goals are rated by this rule (RatingRules says it in words
// for the report's annex; keep the two in step), over all jurisdictions in
// the regional report and over the one jurisdiction in a jurisdiction report,
// counting only those that reported the figures compared:
//
//   - a target level: on track if at least half are at or above it; at risk
//     if not, but at least half are at most one level below; else off track;
//   - a target change against the baseline: the sum of the last twelve months
//     (for half-yearly counts: the reviewed half-year plus the one before)
//     over those that reported it and the baseline; on track if the change
//     reached the target, at risk if it goes the target's way, else off track;
//   - no target, direction higher or lower: the like-for-like change against
//     the previous period (sum for counts, mean for percents, net levels moved
//     for statuses); on track if it went the right way by 5 % or more (a
//     status: net up), at risk if it moved less, off track if it went the
//     wrong way by 5 % or more (a status: net down);
//   - neutral without a target: not rated if reported for the period, no
//     data if not; any other rule with nothing to compare: no data;
//   - a goal: on track if all its rated indicators are; off track if at least
//     half of them are off track; at risk otherwise. If none is rated: not
//     rated when any of its indicators is not rated (figures exist, but its
//     indicators are neutral), no data when all have no data. A minister
//     must not read "no data" where figures were reported.
func Combine(s Snapshot, r Request) *Report {
	c := newCombiner(s, r)
	return c.report()
}

// combiner holds the indexes Combine builds once.
type combiner struct {
	cat  *roadmap.Catalogue
	s    Snapshot
	req  Request
	jurs []string // catalogue order
	// scope is the jurisdictions rated and narrated: all, or the focus.
	scope []string
	// used is the latest version per jurisdiction and period; versions lists
	// every version received per jurisdiction and period, oldest first.
	used     map[key]*roadmap.Submission
	versions map[key][]*roadmap.Submission
	values   map[*roadmap.Submission]map[string]roadmap.Value
	axis     []roadmap.Period
	prev     roadmap.Period
}

type key struct {
	j string
	p roadmap.Period
}

func newCombiner(s Snapshot, r Request) *combiner {
	c := &combiner{
		cat:      s.Catalogue,
		s:        s,
		req:      r,
		used:     map[key]*roadmap.Submission{},
		versions: map[key][]*roadmap.Submission{},
		values:   map[*roadmap.Submission]map[string]roadmap.Value{},
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
	for k, vs := range c.versions {
		slices.SortStableFunc(vs, func(a, b *roadmap.Submission) int {
			return cmp.Or(a.Received.Compare(b.Received), cmp.Compare(a.Version, b.Version), cmp.Compare(a.ID, b.ID))
		})
		latest := vs[len(vs)-1]
		c.used[k] = latest
		m := make(map[string]roadmap.Value, len(latest.Values))
		for _, v := range latest.Values {
			m[v.Row] = v
		}
		c.values[latest] = m
	}
	c.axis = Axis(c.cat.Baseline, r.Period)
	c.prev = r.Period.Prev()
	return c
}

// Axis is the time axis of a report's series: the baseline, then each period
// of the reviewed period's length after it, up to and including reviewed. A
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
		Roadmap: RoadmapInfo{
			ID: cat.ID, Title: cat.Title, Short: cat.Short, Version: cat.Version,
			Hash: cat.Hash, Illustrative: cat.Illustrative, Note: cat.Note,
		},
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
		rep.Definitions = append(rep.Definitions, definition(&cat.Indicators[i]))
	}
	rep.Footnotes = c.footnotes()
	c.synthesise(rep)
	return rep
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

// figure is what jurisdiction j reported for row in period p.
func (c *combiner) figure(j string, p roadmap.Period, row string, kind roadmap.Kind) Figure {
	sub := c.used[key{j, p}]
	if sub == nil {
		return Figure{}
	}
	v, ok := c.values[sub][row]
	if !ok || !v.Reported {
		return Figure{}
	}
	if kind == roadmap.Status {
		return Figure{Level: v.Level}
	}
	n := v.Number
	return Figure{Number: &n}
}

func (c *combiner) goal(g roadmap.Goal) GoalSection {
	gs := GoalSection{Code: g.Code, Number: g.Number, Title: g.Title}
	for _, ind := range c.cat.IndicatorsOf(g.Code) {
		gs.Indicators = append(gs.Indicators, c.indicator(ind))
	}
	gs.Status, gs.StatusReason = rateGoal(gs.Indicators)
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

// flowAgainstYear reports whether a half-year's figure of ind must be summed
// over twelve months before it is compared with a yearly baseline.
func (c *combiner) flowAgainstYear(ind *roadmap.Indicator) bool {
	flow := ind.Kind == roadmap.Count || ind.Kind == roadmap.Quantity
	return flow && c.req.Period.Half != 0 && c.cat.Baseline.IsYear()
}

func (c *combiner) indicator(ind *roadmap.Indicator) IndicatorReport {
	ir := IndicatorReport{
		Code: ind.Code, Goal: ind.Goal, Title: ind.Title, Definition: ind.Definition,
		Kind: ind.Kind, Unit: ind.Unit, Levels: slices.Clone(ind.Levels),
		Direction: ind.Direction, Aggregation: ind.Aggregation, Decimals: ind.DecimalPlaces(),
	}
	for _, row := range ind.Rows() {
		ir.Rows = append(ir.Rows, c.row(ind, row))
	}
	ir.Progress = c.progress(ind, ir.Total())
	ir.Rating, ir.RatingReason = c.rate(ind, ir.Total(), ir.Progress)
	return ir
}

func (c *combiner) row(ind *roadmap.Indicator, row roadmap.Row) RowReport {
	rr := RowReport{Code: row.Code, Label: "Total"}
	if row.Part != nil {
		rr.Part, rr.Label = row.Part.Code, row.Part.Label
	}
	cur, prev, base := c.req.Period, c.prev, c.cat.Baseline
	flow := c.flowAgainstYear(ind)
	for _, j := range c.jurs {
		jr := JurisdictionRow{
			Jurisdiction: j,
			Current:      c.figure(j, cur, row.Code, ind.Kind),
			Previous:     c.figure(j, prev, row.Code, ind.Kind),
			Baseline:     c.figure(j, base, row.Code, ind.Kind),
		}
		jr.Annual = jr.Current
		if flow {
			jr.Annual = Figure{}
			if jr.Current.Number != nil && jr.Previous.Number != nil {
				n := *jr.Current.Number + *jr.Previous.Number
				jr.Annual = Figure{Number: &n}
			}
		}
		jr.Comment = c.comment(j, cur, row.Code)
		jr.ChangePrevious = change(ind, jr.Previous, jr.Current)
		jr.ChangeBaseline = change(ind, jr.Baseline, jr.Annual)
		for _, p := range c.axis {
			jr.Series = append(jr.Series, c.figure(j, p, row.Code, ind.Kind))
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
	rr.Regional = aggregate(ind, c.jurs, pick(func(jr JurisdictionRow) Figure { return jr.Current }))
	rr.RegionalPrevious = aggregate(ind, c.jurs, pick(func(jr JurisdictionRow) Figure { return jr.Previous }))
	rr.RegionalBaseline = aggregate(ind, c.jurs, pick(func(jr JurisdictionRow) Figure { return jr.Baseline }))
	// A range or a distribution has no single figure whose change could be
	// printed under it.
	if ind.Aggregation == roadmap.Sum || ind.Aggregation == roadmap.Mean {
		old, now, _ := likeForLike(ind, rr.Jurisdictions, c.jurs,
			func(jr JurisdictionRow) Figure { return jr.Previous },
			func(jr JurisdictionRow) Figure { return jr.Current })
		rr.ChangePrevious = change(ind, old, now)
	}
	for i := range c.axis {
		rr.Series = append(rr.Series, aggregate(ind, c.jurs, pick(func(jr JurisdictionRow) Figure { return jr.Series[i] })))
	}
	return rr
}

// change is the change from old to now; unknown when either is not reported.
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
	ch := Change{Absolute: &d}
	if *old.Number != 0 {
		r := d / *old.Number
		ch.Relative = &r
	}
	return ch
}

// aggregate makes the regional figure of figs (one per jurisdiction of jurs)
// by the indicator's rule, over those that reported.
func aggregate(ind *roadmap.Indicator, jurs []string, figs []Figure) Regional {
	rg := Regional{Rule: ind.Aggregation, Of: len(jurs)}
	status := ind.Aggregation == roadmap.Distribution || ind.Kind == roadmap.Status
	if status {
		for _, l := range ind.Levels {
			rg.Levels = append(rg.Levels, LevelCount{Level: l})
		}
	}
	var sum float64
	for i, f := range figs {
		j := jurs[i]
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
			continue
		}
		if f.Number == nil {
			rg.Missing = append(rg.Missing, j)
			continue
		}
		n := *f.Number
		rg.Covered++
		rg.Reporters = append(rg.Reporters, j)
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
	if rg.Covered > 0 {
		switch ind.Aggregation {
		case roadmap.Sum:
			rg.Value = ptr(sum)
		case roadmap.Mean:
			rg.Value = ptr(sum / float64(rg.Covered))
		}
	}
	return rg
}

// likeForLike combines old and new figures over the jurisdictions of the rows
// (restricted to scope) that reported both: the sum for sums, the mean
// otherwise. For statuses it returns no figures; use levelMoves.
func likeForLike(ind *roadmap.Indicator, rows []JurisdictionRow, scope []string, old, now func(JurisdictionRow) Figure) (Figure, Figure, []string) {
	var a, b float64
	var both []string
	for _, jr := range rows {
		if !slices.Contains(scope, jr.Jurisdiction) {
			continue
		}
		o, n := old(jr), now(jr)
		if o.Number == nil || n.Number == nil {
			continue
		}
		a += *o.Number
		b += *n.Number
		both = append(both, jr.Jurisdiction)
	}
	if len(both) == 0 || ind.Kind == roadmap.Status {
		return Figure{}, Figure{}, nil
	}
	if ind.Aggregation != roadmap.Sum {
		a /= float64(len(both))
		b /= float64(len(both))
	}
	return Figure{Number: &a}, Figure{Number: &b}, both
}

func (c *combiner) progress(ind *roadmap.Indicator, total *RowReport) *Progress {
	t := ind.Target
	if t == nil || (t.Level == "" && t.Change == nil) {
		return nil
	}
	pr := &Progress{By: t.By, Target: targetText(ind, c.cat.Baseline.String())}
	if t.Level != "" {
		pr.Level = t.Level
		ti := ind.LevelIndex(t.Level)
		for _, jr := range total.Jurisdictions {
			li := ind.LevelIndex(jr.Current.Level)
			if !slices.Contains(c.scope, jr.Jurisdiction) || li < 0 {
				continue
			}
			pr.Covered++
			if ti >= 0 && li >= ti {
				pr.AtTarget++
			}
		}
		if pr.Covered > 0 {
			pr.Share = ptr(float64(pr.AtTarget) / float64(pr.Covered))
			pr.Met = pr.AtTarget == pr.Covered
		}
		return pr
	}
	pr.TargetChange = ptr(*t.Change)
	var base, now float64
	for _, jr := range total.Jurisdictions {
		if !slices.Contains(c.scope, jr.Jurisdiction) || jr.Baseline.Number == nil || jr.Annual.Number == nil {
			continue
		}
		base += *jr.Baseline.Number
		now += *jr.Annual.Number
		pr.Jurisdictions = append(pr.Jurisdictions, jr.Jurisdiction)
	}
	if len(pr.Jurisdictions) == 0 {
		return pr
	}
	pr.Baseline, pr.Current = ptr(base), ptr(now)
	switch {
	case base != 0:
		pr.Change = ptr((now - base) / base)
		if *t.Change < 0 {
			pr.Met = *pr.Change <= *t.Change
		} else {
			pr.Met = *pr.Change >= *t.Change
		}
	case now != 0 && (now < 0) == (*t.Change < 0):
		// No relative change from a zero baseline, but any move the
		// target's way goes past it.
		pr.Met = true
	}
	return pr
}

// rate rates an indicator by the rules of RatingRules, over c.scope.
func (c *combiner) rate(ind *roadmap.Indicator, total *RowReport, pr *Progress) (Rating, string) {
	if pr != nil && pr.Level != "" {
		if pr.Covered == 0 {
			return NoData, "No jurisdiction reported a level."
		}
		ti := ind.LevelIndex(pr.Level)
		near := 0
		for _, jr := range total.Jurisdictions {
			li := ind.LevelIndex(jr.Current.Level)
			if slices.Contains(c.scope, jr.Jurisdiction) && li >= 0 && li >= ti-1 {
				near++
			}
		}
		what := strconv.Itoa(pr.AtTarget) + " of " + strconv.Itoa(pr.Covered) + " at the target level (" + pr.Level + ")"
		switch {
		case 2*pr.AtTarget >= pr.Covered:
			return OnTrack, what + "."
		case 2*near >= pr.Covered:
			return AtRisk, what + "; at least half within one level of it."
		}
		return OffTrack, what + "; fewer than half within one level of it."
	}
	if pr != nil && pr.TargetChange != nil {
		if pr.Baseline == nil {
			return NoData, "No jurisdiction reported both the baseline and the last twelve months."
		}
		// ch has the sign of the change; from a zero baseline only its
		// absolute value is known.
		tc, ch := *pr.TargetChange, *pr.Current-*pr.Baseline
		what := "From " + FormatNumber(*pr.Baseline) + " in the baseline to " + FormatNumber(*pr.Current) + " (no relative change from zero), target " + FormatPercent(tc) + "."
		if pr.Change != nil {
			what = "Change against the baseline " + FormatPercent(*pr.Change) + ", target " + FormatPercent(tc) + "."
		}
		switch {
		case pr.Met:
			return OnTrack, what
		case tc != 0 && ch != 0 && (ch < 0) == (tc < 0):
			return AtRisk, what
		}
		return OffTrack, what
	}
	if ind.Direction != roadmap.HigherBetter && ind.Direction != roadmap.LowerBetter {
		if !c.reportedNow(total) {
			return NoData, "Neutral indicator without a target; no jurisdiction reported it for the period."
		}
		return NotRated, "Neutral indicator without a target: figures reported, not judged."
	}
	sign := 1.0
	if ind.Direction == roadmap.LowerBetter {
		sign = -1
	}
	if ind.Kind == roadmap.Status {
		net, n := 0, 0
		for _, jr := range total.Jurisdictions {
			if slices.Contains(c.scope, jr.Jurisdiction) && jr.ChangePrevious.Steps != nil {
				net += *jr.ChangePrevious.Steps
				n++
			}
		}
		if n == 0 {
			return NoData, "No jurisdiction reported a level for both periods."
		}
		net *= int(sign)
		what := "Net " + strconv.Itoa(net) + " levels in the right direction since the previous period."
		switch {
		case net > 0:
			return OnTrack, what
		case net == 0:
			return AtRisk, what
		}
		return OffTrack, what
	}
	old, now, both := likeForLike(ind, total.Jurisdictions, c.scope,
		func(jr JurisdictionRow) Figure { return jr.Previous },
		func(jr JurisdictionRow) Figure { return jr.Current })
	if len(both) == 0 {
		return NoData, "No jurisdiction reported both this period and the previous one."
	}
	d := (*now.Number - *old.Number) * sign
	what := "From " + FormatNumber(*old.Number) + " to " + FormatNumber(*now.Number) + " since the previous period, over " + plural(len(both), "jurisdiction") + "."
	band := stallBand * math.Abs(*old.Number)
	switch {
	case math.Abs(d) < band || d == 0:
		return AtRisk, what
	case d > 0:
		return OnTrack, what
	}
	return OffTrack, what
}

// reportedNow reports whether any jurisdiction in scope reported the row for
// the period reviewed.
func (c *combiner) reportedNow(total *RowReport) bool {
	for _, jr := range total.Jurisdictions {
		if jr.Current.Reported() && slices.Contains(c.scope, jr.Jurisdiction) {
			return true
		}
	}
	return false
}

// rateGoal rates a goal from its indicators by the last rule of RatingRules.
func rateGoal(inds []IndicatorReport) (Rating, string) {
	var on, risk, off, notRated int
	for _, ir := range inds {
		switch ir.Rating {
		case OnTrack:
			on++
		case AtRisk:
			risk++
		case OffTrack:
			off++
		case NotRated:
			notRated++
		}
	}
	rated := on + risk + off
	counts := strconv.Itoa(on) + " on track, " + strconv.Itoa(risk) + " at risk, " + strconv.Itoa(off) + " off track."
	switch {
	case rated == 0 && notRated > 0:
		s := "Figures reported, but its indicators cannot be rated: " + plural(notRated, "neutral indicator") + " without a target"
		if n := len(inds) - notRated; n > 0 {
			s += ", " + strconv.Itoa(n) + " with no data"
		}
		return NotRated, s + "."
	case rated == 0:
		return NoData, "Nothing reported for its indicators."
	case on == rated:
		return OnTrack, "All " + strconv.Itoa(rated) + " rated indicators on track."
	case 2*off >= rated:
		return OffTrack, counts
	}
	return AtRisk, counts
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

// sources lists the files used: the axis periods and the previous period.
func (c *combiner) sources() []Source {
	periods := slices.Clone(c.axis)
	if !slices.Contains(periods, c.prev) {
		periods = append(periods, c.prev)
	}
	slices.SortFunc(periods, func(a, b roadmap.Period) int { return b.Compare(a) })
	var out []Source
	for _, p := range periods {
		for _, j := range c.jurs {
			sub := c.used[key{j, p}]
			if sub == nil {
				continue
			}
			out = append(out, Source{Jurisdiction: j, Period: p, Name: sub.Name, Version: sub.Version, Received: sub.Received, Hash: sub.Hash, Path: sub.Path})
		}
	}
	return out
}

// UsedSubmissions are the submissions a report over the same snapshot and
// request uses, in the order of Report.Sources.
func UsedSubmissions(s Snapshot, r Request) []*roadmap.Submission {
	c := newCombiner(s, r)
	var out []*roadmap.Submission
	for _, src := range c.sources() {
		out = append(out, c.used[key{src.Jurisdiction, src.Period}])
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
	roadmap.Mean:         "mean of the jurisdictions that reported",
	roadmap.Range:        "lowest and highest of the jurisdictions that reported",
	roadmap.Distribution: "number of jurisdictions at each level",
}

func definition(ind *roadmap.Indicator) Definition {
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
		d.Target = targetText(ind, "the baseline")
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
