package render

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/seesac/roadmap"
)

// WomenShare is the pooled share of women of an indicator broken down by sex:
// the women counted over the jurisdictions that reported both the total and
// the women, divided by their total.
type WomenShare struct {
	Share         float64 // 0.25 is 25 %
	Women, Total  float64
	Jurisdictions []string // codes, catalogue order
}

// synthesise sets the report's synthesis (SEESAC's, else the generated
// one), files the synthesis's gaps under their goals and computes the
// pooled shares of women. It only reads figures Combine already made.
func (c *combiner) synthesise(rep *Report) {
	for gi := range rep.Goals {
		for ii := range rep.Goals[gi].Indicators {
			ind := &rep.Goals[gi].Indicators[ii]
			if src, ok := c.cat.Indicator(ind.Code); ok {
				ind.Women = c.women(src, ind)
			}
		}
	}
	rep.Synthesis = GenerateSynthesis(rep)
	if s := c.req.Synthesis; s != nil {
		own := rep.Synthesis
		rep.SynthesisFrom = s
		rep.Synthesis = s.Synthesis
		if rep.Focus != nil {
			// SEESAC's messages and trends speak for the region: a
			// jurisdiction report keeps its own, made from its figures.
			rep.Synthesis.KeyMessages, rep.Synthesis.Trends = own.KeyMessages, own.Trends
		}
		rep.Synthesis.Partners = slices.DeleteFunc(slices.Clone(s.Partners), func(p roadmap.Support) bool { return !concerns(rep, p.Jurisdictions) })
		rep.Synthesis.Gaps = slices.DeleteFunc(slices.Clone(s.Gaps), func(g roadmap.Gap) bool { return !concerns(rep, g.Jurisdictions) })
	}
	for _, g := range rep.Synthesis.Gaps {
		if i := goalOf(rep, g.Goal); i >= 0 {
			rep.Goals[i].Gaps = append(rep.Goals[i].Gaps, g)
		} else {
			rep.OtherGaps = append(rep.OtherGaps, g)
		}
	}
}

// concerns reports whether a line of SEESAC's tables that names the given
// jurisdictions belongs in the report: always in the regional report; in a
// jurisdiction report when it names that jurisdiction (by name or code) or
// none, or says it is regional.
func concerns(rep *Report, jurisdictions string) bool {
	if rep.Focus == nil {
		return true
	}
	j := strings.ToLower(strings.TrimSpace(jurisdictions))
	if j == "" || strings.Contains(j, "all") || strings.Contains(j, "region") {
		return true
	}
	name := strings.ToLower(strings.TrimSuffix(rep.Focus.Name, "*"))
	if strings.Contains(j, name) {
		return true
	}
	return slices.ContainsFunc(strings.FieldsFunc(j, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '/' }),
		func(w string) bool { return w == strings.ToLower(rep.Focus.Code) })
}

// goalOf finds the goal a synthesis line names: by code ("G3"), number
// ("Goal 3", "3") or title; -1 when none.
func goalOf(rep *Report, s string) int {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return -1
	}
	for i, g := range rep.Goals {
		n := strconv.Itoa(g.Number)
		if s == strings.ToLower(g.Code) || s == n || s == "goal "+n || strings.HasPrefix(s, "goal "+n+":") || s == strings.ToLower(g.Title) {
			return i
		}
	}
	return -1
}

// women is the pooled share of women of an indicator broken down by sex
// (a part coded "female"), over the jurisdictions in scope that reported
// both the total and the women for the period.
func (c *combiner) women(src *roadmap.Indicator, ind *IndicatorReport) *WomenShare {
	if src.Breakdown == nil || !strings.EqualFold(src.Breakdown.By, "sex") || (ind.Kind != roadmap.Count && ind.Kind != roadmap.Quantity) {
		return nil
	}
	fi := slices.IndexFunc(ind.Rows, func(r RowReport) bool { return r.Part == "female" })
	if fi < 0 {
		return nil
	}
	w := &WomenShare{}
	total, female := ind.Total(), &ind.Rows[fi]
	for i, jr := range total.Jurisdictions {
		f := female.Jurisdictions[i].Current
		if !slices.Contains(c.scope, jr.Jurisdiction) || jr.Current.Number == nil || f.Number == nil {
			continue
		}
		w.Total += *jr.Current.Number
		w.Women += *f.Number
		w.Jurisdictions = append(w.Jurisdictions, jr.Jurisdiction)
	}
	if len(w.Jurisdictions) == 0 || w.Total == 0 {
		return nil
	}
	w.Share = w.Women / w.Total
	return w
}

// GenerateSynthesis writes the synthesis a report offers when SEESAC has
// sent none, from the report's own figures: key messages (who reported,
// how the goals stand, the largest changes, targets, women's share) and,
// per goal, its key regional trends. It leaves the support and gaps tables
// empty: only SEESAC knows them.
func GenerateSynthesis(r *Report) roadmap.Synthesis {
	g := generator{r: r, names: map[string]string{}}
	for _, j := range r.Jurisdictions {
		g.names[j.Code] = j.Name
	}
	s := roadmap.Synthesis{Period: r.Period, KeyMessages: g.keyMessages()}
	if r.Meeting != nil {
		s.Meeting = r.Meeting.ID
	}
	for i := range r.Goals {
		s.Trends = append(s.Trends, roadmap.GoalTrend{Goal: r.Goals[i].Code, Text: g.trends(&r.Goals[i])})
	}
	return s
}

type generator struct {
	r     *Report
	names map[string]string
}

func (g generator) list(codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = g.names[c]
	}
	return joinWords(names)
}

// joinWords is "A", "A and B", "A, B and C".
func joinWords(w []string) string {
	switch len(w) {
	case 0:
		return ""
	case 1:
		return w[0]
	}
	return strings.Join(w[:len(w)-1], ", ") + " and " + w[len(w)-1]
}

func (g generator) keyMessages() []string {
	r := g.r
	var out []string
	var reported, late, missing []string
	for _, c := range r.Completeness {
		if r.Focus != nil && c.Jurisdiction != r.Focus.Code {
			continue
		}
		switch {
		case !c.State.Submitted():
			missing = append(missing, c.Jurisdiction)
		case c.State == roadmap.Late:
			late = append(late, c.Jurisdiction)
			reported = append(reported, c.Jurisdiction)
		default:
			reported = append(reported, c.Jurisdiction)
		}
	}
	switch {
	case r.Focus != nil && len(missing) > 0:
		out = append(out, fmt.Sprintf("%s had not submitted data for %s by the cut-off.", r.Focus.Name, r.PeriodLabel))
	case r.Focus != nil:
		out = append(out, fmt.Sprintf("%s submitted its data for %s%s.", r.Focus.Name, r.PeriodLabel, map[bool]string{true: ", after the deadline", false: ""}[len(late) > 0]))
	default:
		m := fmt.Sprintf("%d of %d Commissions submitted data for %s", len(reported), len(r.Completeness), r.PeriodLabel)
		if len(missing) > 0 {
			m += "; still awaited: " + g.list(missing)
		}
		if len(late) > 0 {
			m += "; after the deadline: " + g.list(late)
		}
		out = append(out, m+".")
	}

	byRating := map[Rating][]string{}
	for _, goal := range r.Goals {
		byRating[goal.Status] = append(byRating[goal.Status], "Goal "+strconv.Itoa(goal.Number))
	}
	var parts []string
	for _, rt := range RatingOrder {
		if gs := byRating[rt]; len(gs) > 0 {
			word := string(rt)
			if rt == NoData {
				word = "without data"
			}
			parts = append(parts, word+": "+joinWords(gs))
		}
	}
	if len(parts) > 0 {
		out = append(out, "Goals "+strings.Join(parts, "; ")+".")
	}

	if m := g.largestChanges(3); m != "" {
		out = append(out, m)
	}
	met, targets := 0, 0
	for _, goal := range r.Goals {
		for _, ind := range goal.Indicators {
			if ind.Progress != nil {
				targets++
				if ind.Progress.Met {
					met++
				}
			}
		}
	}
	if targets > 0 {
		out = append(out, fmt.Sprintf("%d of %d indicators with a target have reached it.", met, targets))
	}
	if m := g.womenMessage(); m != "" {
		out = append(out, m)
	}
	return out
}

// largestChanges names up to n indicators with the largest relative
// like-for-like change on the previous period.
func (g generator) largestChanges(n int) string {
	type mover struct {
		ind *IndicatorReport
		rel float64
		c   Change
	}
	var ms []mover
	for gi := range g.r.Goals {
		for ii := range g.r.Goals[gi].Indicators {
			ind := &g.r.Goals[gi].Indicators[ii]
			c := ind.Total().ChangePrevious
			if g.r.Focus != nil {
				c = g.focus(ind.Total()).ChangePrevious
			}
			if c.Relative != nil && ind.Kind != roadmap.Status {
				ms = append(ms, mover{ind, *c.Relative, c})
			}
		}
	}
	slices.SortStableFunc(ms, func(a, b mover) int {
		x, y := a.rel, b.rel
		if x < 0 {
			x = -x
		}
		if y < 0 {
			y = -y
		}
		switch {
		case x > y:
			return -1
		case x < y:
			return 1
		}
		return 0
	})
	var parts []string
	for _, m := range ms[:min(n, len(ms))] {
		parts = append(parts, fmt.Sprintf("%s %s", strings.ToLower(m.ind.Title[:1])+m.ind.Title[1:], FormatPercent(m.rel)))
	}
	if len(parts) == 0 {
		return ""
	}
	return "Largest changes on the previous period: " + joinWords(parts) + "."
}

func (g generator) focus(row *RowReport) JurisdictionRow {
	for _, jr := range row.Jurisdictions {
		if g.r.Focus != nil && jr.Jurisdiction == g.r.Focus.Code {
			return jr
		}
	}
	return JurisdictionRow{}
}

func (g generator) womenMessage() string {
	var parts []string
	for _, goal := range g.r.Goals {
		for _, ind := range goal.Indicators {
			if w := ind.Women; w != nil {
				parts = append(parts, fmt.Sprintf("%s of %s", FormatShare(w.Share), strings.ToLower(ind.Title[:1])+ind.Title[1:]))
			}
		}
	}
	if len(parts) == 0 {
		return ""
	}
	if g.r.Focus != nil {
		// A jurisdiction report's shares are its own figures.
		return "Women were " + joinWords(parts) + "."
	}
	return "Women were " + joinWords(parts) + " (pooled over the jurisdictions that reported by sex)."
}

// trends is the generated text on one goal: its status, then each
// indicator's figure, change and target.
func (g generator) trends(goal *GoalSection) string {
	var b strings.Builder
	verb := "is " + string(goal.Status)
	if goal.Status == NoData {
		verb = "has no data"
	}
	fmt.Fprintf(&b, "Goal %d %s: %s", goal.Number, verb, lowerFirst(goal.StatusReason))
	for i := range goal.Indicators {
		ind := &goal.Indicators[i]
		t := ind.Total()
		b.WriteString(" ")
		switch {
		case g.r.Focus != nil:
			jr := g.focus(t)
			fmt.Fprintf(&b, "%s: %s%s", ind.Title, ind.Figure(jr.Current), unitAfter(ind, jr.Current.Reported()))
			if jr.ChangePrevious.Known() {
				fmt.Fprintf(&b, " (%s on the previous period)", ind.Change(jr.ChangePrevious))
			}
			if t.Regional.Reported() {
				fmt.Fprintf(&b, "; region %s", ind.Regional(t.Regional))
			}
		case ind.Kind == roadmap.Status:
			fmt.Fprintf(&b, "%s: %s", ind.Title, ind.Regional(t.Regional))
		default:
			// The unit follows the number: "345.7 kg (partial)".
			fig, partial := strings.CutSuffix(ind.Regional(t.Regional), " (partial)")
			fmt.Fprintf(&b, "%s: %s%s", ind.Title, fig, unitAfter(ind, t.Regional.Reported()))
			if partial {
				b.WriteString(" (partial)")
			}
			if t.ChangePrevious.Known() {
				fmt.Fprintf(&b, " (%s on the previous period, like for like)", ind.Change(t.ChangePrevious))
			}
			if t.Regional.Reported() && t.Regional.Covered < t.Regional.Of {
				fmt.Fprintf(&b, ", covering %d of %d jurisdictions", t.Regional.Covered, t.Regional.Of)
			}
		}
		if p := ind.Progress; p != nil {
			met := "not yet reached"
			if p.Met {
				met = "reached"
			}
			fmt.Fprintf(&b, "; target %s: %s", p.Target, met)
		}
		b.WriteString(".")
	}
	return b.String()
}

// unitAfter is " kg" after a reported figure with a unit, "" otherwise.
func unitAfter(ind *IndicatorReport, reported bool) string {
	u := unitOf(ind)
	if !reported || u == "" || u == "number" {
		return ""
	}
	if u == "%" {
		return " %"
	}
	return " " + u
}

// FormatShare prints a share as a percentage with one decimal: 0.253 → "25.3 %".
func FormatShare(v float64) string {
	return strconv.FormatFloat(v*100, 'f', 1, 64) + " %"
}
