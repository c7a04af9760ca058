package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Dump prints the whole report model as stable text, one fact per line, for
// golden tests and for reading a report without a PDF viewer. Numbers are
// printed exactly (not rounded as in the PDF), not reported values as
// "not reported", times in UTC RFC 3339.
func Dump(r *Report) string {
	d := &dumper{}
	d.line(0, "report %s %q", r.Kind, r.Title)
	d.line(1, "number: %d", r.Number)
	d.line(1, "period: %s (%s)", r.Period, r.PeriodLabel)
	if m := r.Meeting; m != nil {
		d.line(1, "meeting: %s %s no.%d %s %q jurisdiction=%s period=%s deadline=%s planned=%t",
			m.ID, m.Kind, m.Number, m.Date, m.Place, m.Jurisdiction, m.Period, m.Deadline, m.Planned)
	} else {
		d.line(1, "meeting: none")
	}
	d.line(1, "draft: %t", r.Draft)
	d.line(1, "as-of: %s", ts(r.AsOf))
	d.line(1, "deadline: %s", ts(r.Deadline))
	d.line(1, "roadmap: id=%s version=%s hash=%s illustrative=%t", r.Roadmap.ID, r.Roadmap.Version, r.Roadmap.Hash, r.Roadmap.Illustrative)
	d.line(2, "title: %s", r.Roadmap.Title)
	d.line(2, "short: %s", r.Roadmap.Short)
	d.line(2, "note: %s", r.Roadmap.Note)
	if r.Focus != nil {
		d.line(1, "focus: %s %q", r.Focus.Code, r.Focus.Name)
	} else {
		d.line(1, "focus: none")
	}
	var js []string
	for _, j := range r.Jurisdictions {
		js = append(js, fmt.Sprintf("%s=%q(%s)", j.Code, j.Name, j.Footnote))
	}
	d.line(1, "jurisdictions: %s", strings.Join(js, " "))
	var ps []string
	for _, p := range r.Periods {
		ps = append(ps, p.String())
	}
	d.line(1, "periods: %s", strings.Join(ps, " "))
	for _, c := range r.Succession {
		d.line(1, "catalogue: %s %s governs %s", c.ID, c.Version, c.Governs)
	}
	d.line(1, "no-data: %t", r.NoData)

	d.line(0, "completeness")
	for _, c := range r.Completeness {
		d.line(1, "%s %s versions=%d version=%d file=%q received=%s first=%s final=%t hash=%s",
			c.Jurisdiction, c.State, c.Versions, c.Version, c.File, ts(c.Received), ts(c.FirstReceived), c.Final, c.Hash)
	}

	for _, g := range r.Goals {
		d.line(0, "goal %s (%d) %s", g.Code, g.Number, g.Title)
		d.line(1, "status: %s — %s", g.Status, g.StatusReason)
		var counts []string
		for _, c := range g.Counts {
			counts = append(counts, fmt.Sprintf("%s=%d", c.Rating, c.Count))
		}
		d.line(1, "counts: %s", strings.Join(counts, " "))
		for _, ir := range g.Indicators {
			d.indicator(&ir)
		}
		for _, n := range g.Narratives {
			d.line(1, "narrative %s", n.Jurisdiction)
			d.line(2, "progress: %s", oneLine(n.Progress))
			d.line(2, "challenges: %s", oneLine(n.Challenges))
			d.line(2, "support: %s", oneLine(n.Support))
		}
		if len(g.NoNarrative) > 0 {
			d.line(1, "no narrative: %s", strings.Join(g.NoNarrative, " "))
		}
		for _, x := range g.Gaps {
			d.line(1, "gap %q: %s | %s", x.Jurisdictions, oneLine(x.Gap), oneLine(x.Support))
		}
	}

	d.line(0, "synthesis meeting=%s period=%s", r.Synthesis.Meeting, r.Synthesis.Period)
	if s := r.SynthesisFrom; s != nil {
		d.line(1, "from %q v%d received=%s hash=%s", s.File, s.Version, ts(s.Received), s.Hash)
	} else {
		d.line(1, "generated")
	}
	for _, m := range r.Synthesis.KeyMessages {
		d.line(1, "key message: %s", oneLine(m))
	}
	for _, t := range r.Synthesis.Trends {
		d.line(1, "trends %s: %s", t.Goal, oneLine(t.Text))
	}
	for _, p := range r.Synthesis.Partners {
		d.line(1, "partner %q %q %q %q %q %q %q %q", p.Organisation, p.Jurisdictions, p.Goals, p.Activity, p.Period, p.Funding, p.Currency, p.Status)
	}
	for _, x := range r.OtherGaps {
		d.line(1, "gap across goals %q: %s | %s", x.Jurisdictions, oneLine(x.Gap), oneLine(x.Support))
	}

	d.line(0, "warnings")
	for _, w := range r.Warnings {
		d.line(1, "%s v%d %q: %s", w.Jurisdiction, w.Version, w.File, w.Finding)
	}
	d.line(0, "sources")
	for _, s := range r.Sources {
		d.line(1, "%s %s v%d %q received=%s hash=%s path=%s", s.Period, s.Jurisdiction, s.Version, s.Name, ts(s.Received), s.Hash, s.Path)
	}
	d.line(0, "definitions")
	for _, def := range r.Definitions {
		d.line(1, "%s [%s] goal=%s kind=%s unit=%q direction=%s required=%t", def.Code, def.Title, def.Goal, def.Kind, def.Unit, def.Direction, def.Required)
		d.line(2, "definition: %s", def.Definition)
		if len(def.Levels) > 0 {
			d.line(2, "levels: %s", strings.Join(def.Levels, " < "))
		}
		if def.Breakdown != "" {
			d.line(2, "breakdown: %s", def.Breakdown)
		}
		if def.Target != "" {
			d.line(2, "target: %s", def.Target)
		}
		d.line(2, "regional: %s", def.Aggregation)
	}
	d.line(0, "derived")
	for _, x := range r.Derived {
		d.line(1, "%s %s %s from %v source=%s: %s", x.Jurisdiction, x.Row, x.Period, x.From, x.Source, x.Rule)
	}
	d.line(0, "rating rules")
	for _, s := range r.RatingRules {
		d.line(1, "%s", s)
	}
	d.line(0, "footnotes")
	for _, f := range r.Footnotes {
		d.line(1, "%s%s %s: %s", f.ID, f.Mark, strings.Join(f.Jurisdictions, ","), f.Text)
	}
	return d.b.String()
}

type dumper struct{ b strings.Builder }

func (d *dumper) line(indent int, format string, args ...any) {
	d.b.WriteString(strings.Repeat("  ", indent))
	fmt.Fprintf(&d.b, format, args...)
	d.b.WriteByte('\n')
}

func (d *dumper) indicator(ir *IndicatorReport) {
	d.line(1, "indicator %s %s [%s %s %s %s unit=%q decimals=%d] shown=%s previous=%s baseline=%s", ir.Code, ir.Title, ir.Kind, ir.Cadence, ir.Aggregation, ir.Direction, ir.Unit, ir.Decimals,
		ir.Shown, ir.Previous, ir.Baseline)
	if ir.Series != "" {
		d.line(2, "series: %s", ir.Series)
	}
	if w := ir.Women; w != nil {
		d.line(2, "women: %s of %s = %.4f over %s", num(&w.Women), num(&w.Total), w.Share, strings.Join(w.Jurisdictions, ","))
	}
	d.line(2, "rating: %s — %s", ir.Rating, ir.RatingReason)
	if p := ir.Progress; p != nil {
		if p.Level != "" {
			d.line(2, "progress: target=%q year=%s level=%q at-target=%d of %d on-pace=%d share=%s met=%t due=%t", p.Target, p.Year, p.Level, p.AtTarget, p.Covered, p.OnPace, num(p.Share), p.Met, p.Due)
		} else {
			d.line(2, "progress: target=%q change-target=%s since=%s year=%s baseline=%s current=%s change=%s per-year=%s needed=%s over=%s met=%t due=%t",
				p.Target, num(p.TargetChange), p.Since, p.Year, num(p.Baseline), num(p.Current), num(p.Change), num(p.PerYear), num(p.Needed), strings.Join(p.Jurisdictions, ","), p.Met, p.Due)
		}
	}
	for _, row := range ir.Rows {
		d.line(2, "row %s %q", row.Code, row.Label)
		d.line(3, "regional: %s | %s | %s", regional(row.Regional), row.Regional.Coverage(), row.Regional)
		d.line(3, "regional previous: %s", regional(row.RegionalPrevious))
		d.line(3, "regional baseline: %s", regional(row.RegionalBaseline))
		d.line(3, "regional change: %s", chg(row.ChangePrevious))
		for _, jr := range row.Jurisdictions {
			d.line(3, "%s current=%s previous=%s baseline=%s annual=%s Δprevious=%s Δbaseline=%s",
				jr.Jurisdiction, fig(jr.Current), fig(jr.Previous), fig(jr.Baseline), fig(jr.Annual), chg(jr.ChangePrevious), chg(jr.ChangeBaseline))
			if jr.Comment != "" {
				d.line(4, "comment: %s", oneLine(jr.Comment))
			}
		}
		var s []string
		for i, rg := range row.Series {
			s = append(s, ir.Periods[i].String()+"="+regional(rg))
		}
		d.line(3, "series region: %s", strings.Join(s, " "))
		for _, jr := range row.Jurisdictions {
			s = s[:0]
			for i, f := range jr.Series {
				s = append(s, ir.Periods[i].String()+"="+fig(f))
			}
			d.line(3, "series %s: %s", jr.Jurisdiction, strings.Join(s, " "))
		}
	}
}

// regional prints every field of a regional figure compactly.
func regional(rg Regional) string {
	if rg.Covered == 0 {
		return fmt.Sprintf("%s %s (0/%d)", rg.Rule, NotReported, rg.Of)
	}
	var s string
	if len(rg.Levels) > 0 {
		var parts []string
		for _, l := range rg.Levels {
			parts = append(parts, fmt.Sprintf("%q:%d[%s]", l.Level, l.Count, strings.Join(l.Jurisdictions, ",")))
		}
		s = strings.Join(parts, " ")
	} else {
		s = fmt.Sprintf("value=%s min=%s%v max=%s%v", num(rg.Value), num(rg.Min), rg.MinBy, num(rg.Max), rg.MaxBy)
	}
	marks := ""
	if rg.Partial {
		marks += " partial"
	}
	if rg.Derived {
		marks += " derived"
	}
	return fmt.Sprintf("%s %s (%d/%d missing=%s)%s", rg.Rule, s, rg.Covered, rg.Of, strings.Join(rg.Missing, ","), marks)
}

func fig(f Figure) string {
	mark := ""
	if f.Derived {
		mark = DerivedMark
	}
	switch {
	case f.Level != "":
		return strconv.Quote(f.Level) + mark
	case f.Number != nil:
		return num(f.Number) + mark
	}
	return "-"
}

func chg(c Change) string {
	switch {
	case c.Steps != nil:
		return fmt.Sprintf("%+d", *c.Steps)
	case c.Absolute != nil && c.Points:
		return fmt.Sprintf("%spp", num(c.Absolute))
	case c.Absolute != nil:
		return fmt.Sprintf("%s/%s", num(c.Absolute), num(c.Relative))
	}
	return "-"
}

// num prints a number exactly, or "-" for nil.
func num(v *float64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func ts(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func oneLine(s string) string { return strconv.Quote(s) }
