package render

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/render/pdf"
)

// WritePDF lays out the report r as a PDF and writes it to w. Every date it
// embeds comes from the report (AsOf is the document's creation date), so the
// same report gives the same bytes.
//
// The regional report shows every jurisdiction; the jurisdiction report puts
// its jurisdiction (Focus) beside the regional figure, and keeps the others
// only in the charts, for context, with the focus highlighted.
func WritePDF(w io.Writer, r *Report) error {
	l, err := newLayout(r)
	if err != nil {
		return err
	}
	l.cover()
	l.insideCover()
	if r.NoData {
		// Nothing to report yet: a short note on who is missing, not pages
		// of "not reported".
		l.statusNote()
		if err := l.doc.Write(w); err != nil {
			return fmt.Errorf("write %s status note for %s: %w", r.Kind, r.Period, err)
		}
		return nil
	}
	l.keyMessages()
	l.doc.Contents("Contents", l.contentsLines(), 2)
	l.summary()
	for i := range r.Goals {
		l.goal(&r.Goals[i])
	}
	l.gaps()
	l.partners()
	l.annexes()
	if err := l.doc.Write(w); err != nil {
		return fmt.Errorf("write %s report for %s: %w", r.Kind, r.Period, err)
	}
	return nil
}

// layout is the state of one report being laid out.
type layout struct {
	doc   *pdf.Doc
	r     *Report
	names map[string]string // code → name as printed ("Kosovo*")
	// noted records the footnotes already placed: each goes on the page where
	// its jurisdiction is first named, once.
	noted map[string]bool
}

func newLayout(r *Report) (*layout, error) {
	header := r.Roadmap.Short
	if header == "" {
		header = r.Roadmap.Title
	}
	doc, err := pdf.New(pdf.Options{
		Title:       strings.TrimSpace(header + " – " + r.Title + " – " + state(r)),
		Period:      r.PeriodLabel,
		Author:      "SEESAC",
		Subject:     state(r) + " " + strings.ToLower(r.Title[:1]) + r.Title[1:] + ", " + r.PeriodLabel + ": " + r.Roadmap.Title,
		Draft:       r.Draft,
		Created:     r.AsOf,
		ChapterRoom: goalRoom,
	})
	if err != nil {
		return nil, fmt.Errorf("start report PDF: %w", err)
	}
	return layoutOn(doc, r), nil
}

// layoutOn is the layout of r on doc.
func layoutOn(doc *pdf.Doc, r *Report) *layout {
	l := &layout{doc: doc, r: r, names: map[string]string{}, noted: map[string]bool{}}
	for _, j := range r.Jurisdictions {
		l.names[j.Code] = j.Name
	}
	return l
}

// name is how the report prints a jurisdiction.
func (l *layout) name(code string) string {
	if n, ok := l.names[code]; ok {
		return n
	}
	return code
}

// named places the footnotes of the jurisdictions just drawn on this page,
// the first time each is named.
func (l *layout) named(codes ...string) {
	for _, fn := range l.r.Footnotes {
		if l.noted[fn.ID] {
			continue
		}
		for _, c := range codes {
			if listed(fn.Jurisdictions, c) {
				l.doc.Footnote(fn.Mark, fn.Text)
				l.noted[fn.ID] = true
				break
			}
		}
	}
}

// shown lists the jurisdictions whose figures the report's tables show.
func (l *layout) shown() []string {
	if l.r.Focus != nil {
		return []string{l.r.Focus.Code}
	}
	codes := make([]string, len(l.r.Jurisdictions))
	for i, j := range l.r.Jurisdictions {
		codes[i] = j.Code
	}
	return codes
}

func (l *layout) allCodes() []string {
	codes := make([]string, len(l.r.Jurisdictions))
	for i, j := range l.r.Jurisdictions {
		codes[i] = j.Code
	}
	return codes
}

// contentsLines counts the lines of the headings of level 1 and 2 that
// follow the contents, so that it reserves the right number of pages: a
// goal's long title wraps onto a second line.
func (l *layout) contentsLines() int {
	n := 1 + 3 + 1 + 2 + 1 + 1 // summary and its sections, annexes and theirs, gaps, partners
	for _, g := range l.r.Goals {
		n += 2 + len(g.Indicators)
	}
	return n
}

// goalRoom is the share of a page that must be left for a goal (a
// chapter) to start on it rather than on a new page.
const goalRoom = 0.4

// state is "Draft" or "Final", for the document's title and subject.
func state(r *Report) string {
	if r.Draft {
		return "Draft"
	}
	return "Final"
}

// longDate is a day as the report prints it, in the report's zone.
func (l *layout) longDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(l.zone()).Format("2 January 2006")
}

// stamp is a time as the report prints it, in the report's zone with the
// zone's abbreviation ("1 Dec 2026 08:00 CET").
func (l *layout) stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(l.zone()).Format("2 Jan 2006 15:04 MST")
}

func (l *layout) zone() *time.Location { return l.r.Zone() }

func (l *layout) cover() {
	r, d := l.r, l.doc
	d.Cover()
	before := 18.0
	if b := r.Branding; b != nil && len(b.Logos) > 0 {
		d.Logos(16, b.Logos...)
		before = 8
	}
	d.Text(r.Roadmap.Title, pdf.Style{Size: 11, Color: pdf.Muted, Before: before, After: 10})
	d.Text(r.Title, pdf.Style{Size: 24, Bold: true, Color: pdf.Accent, Line: 10, After: 4})
	d.Text("Period reviewed: "+r.PeriodLabel, pdf.Style{Size: 13, After: 8})

	state := "FINAL"
	stateColor := pdf.Accent
	if r.Draft {
		state, stateColor = "DRAFT – not for circulation", pdf.DraftRed
	}
	d.Text(state, pdf.Style{Size: 14, Bold: true, Color: stateColor, After: 8})

	var facts [][]pdf.Cell
	add := func(k, v string) {
		if v != "" {
			facts = append(facts, []pdf.Cell{{Text: k, Bold: true}, pdf.Txt(v)})
		}
	}
	if m := r.Meeting; m != nil {
		add("Meeting", m.Name())
		add("Place", m.Place)
		when := m.Date.Long()
		if m.Planned {
			when += " (planned, not yet confirmed)"
		}
		add("Date", when)
	}
	if r.Number > 0 {
		add("Report number", fmt.Sprint(r.Number))
	}
	add("Period reviewed", fmt.Sprintf("%s (%s)", r.PeriodLabel, r.Period))
	if r.Focus != nil {
		add("Jurisdiction", r.Focus.Name)
	}
	add("Data as of", l.stamp(r.AsOf)+" (files received later are not included)")
	if !r.Deadline.IsZero() {
		add("Submissions due", l.longDate(r.Deadline)) // the deadline day, where it ends
	}
	add("Catalogue", strings.TrimSpace(r.Roadmap.ID+" version "+r.Roadmap.Version))
	if r.Focus == nil {
		add("Jurisdictions", strings.Join(l.namesOf(l.allCodes()), ", "))
	}
	d.Table(pdf.Table{Columns: []pdf.Column{{Title: "", Width: 1}, {Title: "", Width: 3.2}}, Rows: facts, Size: 9.5})
	if r.Focus == nil {
		l.named(l.allCodes()...)
	} else {
		l.named(r.Focus.Code)
	}
	if r.Roadmap.Illustrative {
		note := r.Roadmap.Note
		if note == "" {
			note = "The indicator catalogue is illustrative, not the official list."
		}
		d.Space(6)
		d.Table(pdf.Table{Columns: []pdf.Column{{Title: "Illustrative catalogue"}}, Rows: [][]pdf.Cell{{{Text: note + " Figures follow this catalogue; replace it with the official one before presenting them.", Fill: pdf.Color{R: 255, G: 243, B: 205}}}}, Size: 9.5})
	}
	if r.NoData {
		d.Space(4)
		d.Text("No jurisdiction had submitted data for this period by the cut-off: this is a short status note, not a progress report.", pdf.Style{Size: 10.5, Bold: true, Color: pdf.DraftRed})
	}
}

// statusNote is the whole body of a report on a period nobody has reported
// for yet: who is missing and when submissions are due.
func (l *layout) statusNote() {
	r, d := l.r, l.doc
	d.Heading(1, "Status of submissions", 0)
	due := "No submission deadline is set for this period."
	if !r.Deadline.IsZero() {
		due = "Submissions are due by " + l.longDate(r.Deadline) + "."
		if r.AsOf.After(r.Deadline) {
			due = "Submissions were due by " + l.longDate(r.Deadline) + "."
		}
	}
	d.Paragraph(fmt.Sprintf("As of %s no Commission had submitted data for %s, so there are no figures to report yet. %s The progress report will be built once data arrives.",
		l.stamp(r.AsOf), r.PeriodLabel, due))
	var missing []string
	for _, c := range r.Completeness {
		missing = append(missing, c.Jurisdiction)
	}
	d.Paragraph("Awaited from: " + strings.Join(l.namesOf(missing), ", ") + ".")
	l.named(missing...)
}

func (l *layout) namesOf(codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = l.name(c)
	}
	return out
}

func (l *layout) summary() {
	r, d := l.r, l.doc
	d.Heading(1, "Summary", 0)
	if r.NoData {
		d.Paragraph("No jurisdiction had submitted data for " + r.PeriodLabel + " by " + l.stamp(r.AsOf) + ". The tables below show every figure as not reported.")
	}

	d.Heading(2, "Completeness of submissions", 0)
	d.Note("Status of each Commission's submission for " + r.PeriodLabel + " as of the cut-off; the version used is the latest received by then.")
	rows := make([][]pdf.Cell, 0, len(r.Completeness))
	reported := 0
	for _, c := range r.Completeness {
		state := pdf.Cell{Text: string(c.State), Fill: timelinessShade(c.State)}
		row := []pdf.Cell{{Text: l.name(c.Jurisdiction), Bold: r.Focus != nil && r.Focus.Code == c.Jurisdiction}, state}
		if !c.State.Submitted() {
			row = append(row, pdf.Txt("0"), pdf.Missing(), pdf.Missing(), pdf.Txt(""))
		} else {
			reported++
			final := "final"
			if !c.Final {
				final = "marked draft"
			}
			row = append(row, pdf.Txt(fmt.Sprint(c.Versions)), pdf.Txt(fmt.Sprint(c.Version)), pdf.Txt(l.stamp(c.Received)), pdf.Txt(final))
		}
		rows = append(rows, row)
	}
	d.Need(12 + 6*float64(len(rows)))
	d.Table(pdf.Table{Columns: []pdf.Column{
		{Title: "Jurisdiction", Width: 2.5}, {Title: "Submission", Width: 1.2}, {Title: "Versions received", Width: 1.1, Align: "R"},
		{Title: "Version used", Width: 0.9, Align: "R"}, {Title: "Received", Width: 2.2}, {Title: "Cover says", Width: 1.2},
	}, Rows: rows})
	l.named(l.allCodes()...)
	d.Note(fmt.Sprintf("%d of %d jurisdictions submitted data for the period.", reported, len(r.Completeness)))

	d.Heading(2, "Goal status", 0)
	d.Note("Each goal is rated from its indicators by the rules in the annex \"How statuses are rated\".")
	grows := make([][]pdf.Cell, 0, len(r.Goals))
	for _, g := range r.Goals {
		grows = append(grows, []pdf.Cell{
			pdf.Txt(fmt.Sprintf("Goal %d: %s", g.Number, g.Title)),
			{Text: string(g.Status), Fill: ratingShade(g.Status), Bold: true},
			pdf.Txt(g.StatusReason),
		})
	}
	d.Table(pdf.Table{Columns: []pdf.Column{{Title: "Goal", Width: 3}, {Title: "Status", Width: 1}, {Title: "Why", Width: 3}}, Rows: grows, Size: 8})

	t := l.headlines()
	first := t
	first.Rows = t.Rows[:min(len(t.Rows), 2)]
	d.Heading(2, "Headline figures", d.TableHeight(first))
	d.Table(t)
}

// headlines is one line per indicator total: the regional figure now and
// before (the jurisdiction's beside it in a jurisdiction report).
func (l *layout) headlines() pdf.Table {
	r := l.r
	var rows [][]pdf.Cell
	cols := []pdf.Column{{Title: "Indicator", Width: 2.6}, {Title: "Unit", Width: 0.8}}
	regionW, changeW := 1.3, 1.6
	if r.Focus != nil {
		// Narrower figures, wider changes: "+1,349 (+5.9 %)" must not wrap.
		cols = []pdf.Column{{Title: "Indicator (unit)", Width: 2.3}}
		regionW, changeW = 1.2, 1.8
		cols = append(cols, pdf.Column{Title: r.Focus.Name + ", current period", Width: 1.1, Align: "R"}, pdf.Column{Title: "Change on previous period", Width: 1.7, Align: "R"})
	}
	cols = append(cols,
		pdf.Column{Title: "Region, current period", Width: regionW, Align: "R"},
		pdf.Column{Title: "Region, previous period", Width: regionW, Align: "R"},
		pdf.Column{Title: "Regional change (like for like)", Width: changeW, Align: "R"},
		pdf.Column{Title: "Covers", Width: 0.8, Align: "R"},
	)
	for _, g := range r.Goals {
		for i := range g.Indicators {
			ind := &g.Indicators[i]
			t := ind.Total()
			// The current period is the reviewed one unless the row names
			// its own (a yearly figure in a half-year's report).
			label := ind.Title
			if ind.Shown != r.Period {
				label += " (" + ind.Shown.String() + ")"
			}
			row := []pdf.Cell{pdf.Txt(label), pdf.Txt(unitOf(ind))}
			if r.Focus != nil {
				// No room for a unit column beside the jurisdiction's: the
				// unit goes with the indicator's name, after its year.
				var notes []string
				if ind.Shown != r.Period {
					notes = append(notes, ind.Shown.String())
				}
				if u := unitOf(ind); u != "" && u != "number" {
					notes = append(notes, u)
				}
				label = ind.Title
				if len(notes) > 0 {
					label += " (" + strings.Join(notes, ", ") + ")"
				}
				row = []pdf.Cell{pdf.Txt(label)}
			}
			if r.Focus != nil {
				jr := l.focusRow(t)
				row = append(row, figureCell(ind, jr.Current), changeCell(ind, jr.ChangePrevious))
			}
			row = append(row, regionalCell(ind, t.Regional), regionalCell(ind, t.RegionalPrevious), changeCell(ind, t.ChangePrevious),
				pdf.Txt(fmt.Sprintf("%d of %d", t.Regional.Covered, t.Regional.Of)))
			rows = append(rows, row)
		}
	}
	return pdf.Table{Columns: cols, Rows: rows, Size: 7.5}
}

func (l *layout) focusRow(t *RowReport) JurisdictionRow {
	for _, jr := range t.Jurisdictions {
		if l.r.Focus != nil && jr.Jurisdiction == l.r.Focus.Code {
			return jr
		}
	}
	return JurisdictionRow{}
}

func (l *layout) goal(g *GoalSection) {
	d := l.doc
	status := pdf.Table{Columns: []pdf.Column{{Title: "Goal status", Width: 1}, {Title: "Why", Width: 4}},
		Rows: [][]pdf.Cell{{{Text: string(g.Status), Fill: ratingShade(g.Status), Bold: true}, pdf.Txt(g.StatusReason)}}, Size: 8.5}
	// The goal's heading keeps its status, its synthesis and the start of
	// its first indicator with it: a goal whose opening cannot be followed
	// by its first indicator on this page starts on the next, so that the
	// opening never ends a page. A synthesis too long for that keeps only
	// its start with the heading, and runs on.
	title := fmt.Sprintf("Goal %d: %s", g.Number, g.Title)
	trends := l.goalSynthesis(g)
	opening := d.TableHeight(status) + trends.h
	keep := d.TableHeight(status) + min(trends.h, 40)
	var first []part
	if len(g.Indicators) > 0 {
		ind := &g.Indicators[0]
		first = l.indicatorParts(ind)
		h2 := d.HeadingHeight(2, ind.Title)
		room := d.Left() - d.HeadingHeight(1, title) - opening - h2
		if with := opening + h2 + firstKeep(first, room); with <= pdf.Body-d.HeadingHeight(1, title) {
			keep = with
		}
	}
	d.Heading(1, title, keep)
	d.Table(status)
	trends.draw()
	for i := range g.Indicators {
		ind := &g.Indicators[i]
		if i == 0 {
			// Its start was promised to the opening: it begins here
			// whenever that fits, even where a later block would move.
			l.drawBlock(ind.Title, first, firstKeep(first, d.Left()-d.HeadingHeight(2, ind.Title)))
			continue
		}
		parts := l.indicatorParts(ind)
		l.drawBlock(ind.Title, parts, blockKeep(parts, d.Left()-d.HeadingHeight(2, ind.Title)))
	}
	l.narratives(g)
}

// part is one piece of an indicator's block: its height, how much of its
// top must stay together on a page (start; all of it unless it says), and
// how to draw it.
type part struct {
	h     float64
	draw  func()
	start float64
}

// top is how much of the part must begin on the page it starts on.
func (p part) top() float64 {
	if p.start > 0 {
		return p.start
	}
	return p.h
}

// Room a block may take and still be kept whole on one page: the page less
// the heading, and a margin for a footnote.
const wholeBlock = pdf.Body - 30

// drawBlock draws one indicator's block: its heading, kept with keep
// millimetres of what follows, then its parts (rating, tables, charts),
// each of which keeps its own start together.
func (l *layout) drawBlock(title string, parts []part, keep float64) {
	l.doc.Heading(2, title, keep)
	for _, p := range parts {
		p.draw()
	}
}

// indicatorParts are the pieces of an indicator's block, below its heading.
func (l *layout) indicatorParts(ind *IndicatorReport) []part {
	parts := []part{l.intro(ind)}
	if ind.Kind == roadmap.Status {
		return append(parts, l.statusParts(ind)...)
	}
	parts = append(parts, l.figuresTable(ind))
	if len(ind.Rows) > 1 {
		parts = append(parts, l.breakdownTable(ind))
	}
	return append(parts, l.charts(ind))
}

// splitRoom is the share of a page that, left below an indicator's heading,
// is too much to leave empty: a block that does not fit in it whole begins
// there and runs on to the next page. With less left, a block that fits
// on a page moves to the next one whole, so that its chart stays with its
// table, and the page is left at most this share empty.
const splitRoom = 0.3

// blockKeep is how much of a block must follow its heading when room
// millimetres are left below it: the whole block where it fits there or
// where it fits on a page and the room is too little to begin it in; else
// its start (the intro and the first table's first rows).
func blockKeep(parts []part, room float64) float64 {
	total, start := blockHeights(parts)
	if total <= room || (total <= wholeBlock && room < splitRoom*pdf.Body) {
		return total
	}
	return start
}

// firstKeep is blockKeep for the first indicator of a goal, which begins on
// its goal's page whenever its start fits, whatever is left: moving it
// would leave the goal's opening alone at the bottom of the page.
func firstKeep(parts []part, room float64) float64 {
	total, start := blockHeights(parts)
	if total <= room {
		return total
	}
	return start
}

// blockHeights are a block's height and that of its start: its intro and
// as much of the next part as that part keeps together.
func blockHeights(parts []part) (total, start float64) {
	for _, p := range parts {
		total += p.h
	}
	start = parts[0].h
	if len(parts) > 1 {
		start += parts[1].top()
	}
	return total, start
}

// intro is the indicator's definition, rating and progress.
func (l *layout) intro(ind *IndicatorReport) part {
	d := l.doc
	rating := "Rating: " + string(ind.Rating)
	if ind.RatingReason != "" {
		rating += " – " + ind.RatingReason
	}
	ratingStyle := pdf.Style{Size: 8.5, Bold: true, Color: ratingText(ind.Rating), After: 1}
	progressStyle := pdf.Style{Size: 8.5, After: 2}
	h := d.TextHeight(rating, ratingStyle)
	if ind.Definition != "" {
		h += d.NoteHeight(ind.Definition)
	}
	progress := ""
	if p := ind.Progress; p != nil {
		progress = l.progressText(ind, p)
		h += d.TextHeight(progress, progressStyle)
	}
	if ind.Series != "" {
		h += d.NoteHeight(ind.Series)
	}
	return part{h: h, draw: func() {
		if ind.Definition != "" {
			d.Note(ind.Definition)
		}
		if ind.Series != "" {
			d.Note(ind.Series)
		}
		d.Text(rating, ratingStyle)
		if progress != "" {
			d.Text(progress, progressStyle)
		}
	}}
}

// labelled is a small bold label over a table, kept with the table (or, for
// a long one, with its first rows), and a note under it.
func (l *layout) labelled(label string, t pdf.Table, note string, after func()) part {
	d := l.doc
	st := pdf.Style{Size: 8.5, Bold: true, Before: 1, After: 1}
	lh := 0.0
	if label != "" {
		lh = d.TextHeight(label, st)
	}
	th := d.TableHeight(t)
	nh := 0.0
	if note != "" {
		nh = d.NoteHeight(note)
	}
	start := lh + min(th+nh, 60)
	return part{h: lh + th + nh, start: start, draw: func() {
		d.Need(start)
		if label != "" {
			d.Text(label, st)
		}
		d.Table(t)
		if after != nil {
			after()
		}
		if note != "" {
			d.Note(note)
		}
	}}
}

// charts sets the bar chart by jurisdiction beside the trend of the regional
// figure (and, in a jurisdiction report, of the jurisdiction's).
func (l *layout) charts(ind *IndicatorReport) part {
	r, d := l.r, l.doc
	unit := ind.Unit
	if unit == "" && ind.Kind == roadmap.Percent {
		unit = "%"
	}
	total := ind.Total()
	bars := make([]pdf.Bar, 0, len(total.Jurisdictions))
	var codes []string
	for _, jr := range total.Jurisdictions {
		bars = append(bars, pdf.Bar{Label: l.name(jr.Jurisdiction), Value: figureValue(jr.Current), Highlight: r.Focus != nil && r.Focus.Code == jr.Jurisdiction})
		codes = append(codes, jr.Jurisdiction)
	}
	maxV := 0.0
	if ind.Kind == roadmap.Percent {
		maxV = 100
	}
	bar := pdf.BarChart{Title: fmt.Sprintf("%s by jurisdiction, %s", ind.Title, ind.Shown.Label()), Unit: unit, Bars: bars, Decimals: ind.Decimals, Max: maxV}
	trend := l.trend(ind, unit, maxV)
	// The trend's note (on the baseline and gaps) runs under both charts, where it takes two lines, not five.
	note := trend.Note
	trend.Note = ""
	if len(bars) > sideBySide {
		// Too many jurisdictions for half a page's width: the bars take
		// the whole width, so that no name is cut, and the trend follows.
		bh, th := d.ChartsHeight(bar), d.ChartsHeight(trend)+d.NoteHeight(note)
		return part{h: bh + th, start: bh, draw: func() {
			d.Need(bh)
			d.Charts(bar)
			d.Need(th)
			d.Charts(trend)
			d.Note(note)
			l.named(codes...)
		}}
	}
	h := d.ChartsHeight(bar, trend) + d.NoteHeight(note)
	return part{h: h, draw: func() {
		d.Need(h)
		d.Charts(bar, trend)
		d.Note(note)
		l.named(codes...)
	}}
}

// sideBySide is the most jurisdictions whose tables and charts are laid out
// across the page (a column or a bar chart beside the trend each); with more,
// tables are turned a jurisdiction a row and charts take the whole width.
const sideBySide = 8

// trend is the line chart of the regional figure over every period since the
// baseline. Counts and quantities of half-years after a baseline year are not
// comparable with it: the baseline stands apart, as a hollow marker, and the
// note says why.
func (l *layout) trend(ind *IndicatorReport, unit string, maxV float64) pdf.LineChart {
	r := l.r
	total := ind.Total()
	labels := make([]string, len(ind.Periods))
	derived := false
	for i, p := range ind.Periods {
		labels[i] = p.String()
		if i < len(total.Series) && total.Series[i].Derived {
			labels[i] += DerivedMark
			derived = true
		}
	}
	name := total.Regional.Label()
	switch ind.Aggregation {
	case roadmap.Mean:
		name = "Mean of the jurisdictions"
	case roadmap.Range:
		name = "Region (highest)"
	}
	reg := make([]float64, len(total.Series))
	low := make([]float64, len(total.Series))
	part := make([]float64, len(total.Series))
	partial := false
	for i, s := range total.Series {
		reg[i], low[i], part[i] = math.NaN(), math.NaN(), math.NaN()
		v := math.NaN()
		switch {
		case ind.Aggregation == roadmap.Range && s.Max != nil && s.Min != nil:
			v, low[i] = *s.Max, *s.Min
		case s.Value != nil:
			v = *s.Value
		}
		// A figure that lacks a jurisdiction would read as a dip (a sum)
		// or a shift (a share): it is drawn apart, never joined to the
		// complete line. A range keeps its two lines.
		if s.Partial && ind.Aggregation != roadmap.Range {
			part[i] = v
			partial = partial || !math.IsNaN(v)
			continue
		}
		reg[i] = v
	}
	series := []pdf.Series{{Name: name, Values: reg}}
	if partial {
		series = append(series, pdf.Series{Name: "partial (a jurisdiction not reported)", Values: part, Points: true})
	}
	if ind.Aggregation == roadmap.Range {
		series = append(series, pdf.Series{Name: "Region (lowest)", Values: low, Dashed: true})
	}
	var focus []float64
	if r.Focus != nil {
		jr := l.focusRow(total)
		focus = make([]float64, len(jr.Series))
		for i, f := range jr.Series {
			focus[i] = figureValue(f)
		}
		series = append(series, pdf.Series{Name: r.Focus.Name, Values: focus, Color: pdf.Highlight, Dashed: true})
	}
	first := ""
	if len(ind.Periods) > 0 {
		first = ind.Periods[0].String()
	}
	const gaps = "A gap in a line is a period not reported."
	notes := []string{gaps}
	if partial {
		notes = append(notes, "A hollow marker is a regional figure that lacks a jurisdiction (partial), not joined to the line.")
	}
	if derived {
		notes = append(notes, DerivedMark+" a year derived from its two half-years.")
	}
	c := pdf.LineChart{Title: trendTitle(ind.Periods), Unit: unit, Labels: labels, Series: series,
		Decimals: ind.Decimals, Max: maxV, Height: 38, Note: "Trend: " + strings.Join(notes, " ")}
	flow := ind.Kind == roadmap.Count || ind.Kind == roadmap.Quantity
	if flow && len(ind.Periods) > 1 && ind.Periods[0].IsYear() && !ind.Periods[1].IsYear() {
		c.Apart, c.ApartName = 1, first+", a whole year"
		base := "region " + valueOr(reg[0], ind.Decimals)
		if r.Focus != nil && len(focus) > 0 {
			base = r.Focus.Name + " " + valueOr(focus[0], ind.Decimals) + ", " + base
		}
		c.Note = fmt.Sprintf("Trend: the %s baseline (%s) covers a whole year, later periods half a year, so it is shown apart, as a hollow marker, not joined to the line. %s",
			first, base, strings.Join(notes, " "))
	}
	return c
}

// trendTitle names a trend chart by its axis: "Trend, 2018 to 2025", or
// "Trend, 2025" for a series that starts with the year shown.
func trendTitle(periods []roadmap.Period) string {
	switch len(periods) {
	case 0:
		return "Trend"
	case 1:
		return "Trend, " + periods[0].String()
	}
	return "Trend, " + periods[0].String() + " to " + periods[len(periods)-1].String()
}

// valueOr prints a chart value, or "not reported" for a gap.
func valueOr(v float64, decimals int) string {
	if math.IsNaN(v) {
		return NotReported
	}
	return roadmap.FormatNumber(v, decimals)
}

func (l *layout) progressText(ind *IndicatorReport, p *Progress) string {
	s := "Target: " + p.Target
	switch {
	case p.Level != "":
		s += fmt.Sprintf(". In %s, %d of %d reporting jurisdictions at or above %q", p.Year, p.AtTarget, p.Covered, p.Level)
	case p.Baseline != nil && p.Year == p.Since:
		s += ". " + ind.Number(*p.Baseline) + " in " + p.Since.String() + ", the baseline year (over " + strings.Join(l.namesOf(p.Jurisdictions), ", ") + ")"
	case p.Year.Before(p.Since):
		s += ". Measured from " + p.Since.String() + ": no full year since the baseline yet"
	case p.Change != nil:
		s += ". " + FormatPercent(*p.Change) + " from " + p.Since.String() + " to " + p.Year.String()
		if len(p.Jurisdictions) > 0 {
			s += " (over " + strings.Join(l.namesOf(p.Jurisdictions), ", ") + ")"
		}
		if p.PerYear != nil {
			s += ", on average " + FormatPercent(*p.PerYear) + " a year"
		}
		if p.Needed != nil {
			s += "; the target needs " + FormatPercent(*p.Needed) + " a year"
		}
	case p.Baseline != nil && p.Current != nil:
		// A zero baseline: no relative change, but the figures are there.
		s += ". From " + ind.Number(*p.Baseline) + " in " + p.Since.String() + " to " + ind.Number(*p.Current) +
			" in " + p.Year.String() + " (no relative change from zero)"
	default:
		s += ". Progress cannot be computed: figures missing"
	}
	switch {
	case p.Met:
		s += "; target reached."
	case p.Due:
		s += "; target not reached by its date."
	default:
		s += "; target not yet reached."
	}
	return s
}

// figuresTable is the indicator's total by jurisdiction, then the region.
func (l *layout) figuresTable(ind *IndicatorReport) part {
	t := ind.Total()
	baseline := "Baseline " + ind.Baseline.String()
	onBaseline := "Change on baseline"
	if len(t.Jurisdictions) > 0 && t.Jurisdictions[0].Year != ind.Shown {
		onBaseline += " (year " + t.Jurisdictions[0].Year.String() + ")"
	}
	u, cu := unitTag(ind), unitTag(ind)
	if ind.Kind == roadmap.Percent {
		cu = " (pp)" // the change of a percentage is in points
	}
	cols := []pdf.Column{
		{Title: "Jurisdiction", Width: 1.9}, {Title: "Current " + ind.Shown.String() + u, Width: 1.15, Align: "R"},
		{Title: "Previous " + ind.Previous.String() + u, Width: 1.15, Align: "R"}, {Title: baseline + u, Width: 1.15, Align: "R"},
		{Title: "Change on previous" + cu, Width: 1.8, Align: "R"}, {Title: onBaseline + cu, Width: 1.8, Align: "R"},
	}
	var rows [][]pdf.Cell
	for _, code := range l.shown() {
		for _, jr := range t.Jurisdictions {
			if jr.Jurisdiction == code {
				rows = append(rows, []pdf.Cell{pdf.Txt(l.name(code)), figureCell(ind, jr.Current), figureCell(ind, jr.Previous), figureCell(ind, jr.Baseline), changeCell(ind, jr.ChangePrevious), changeCell(ind, jr.ChangeBaseline)})
			}
		}
	}
	region := []pdf.Cell{{Text: t.Regional.Label(), Bold: true}, boldCell(regionalCell(ind, t.Regional)), boldCell(regionalCell(ind, t.RegionalPrevious)), boldCell(regionalCell(ind, t.RegionalBaseline)), boldCell(changeCell(ind, t.ChangePrevious)), pdf.Txt("")}
	rows = append(rows, region)
	note := "Region: " + t.Regional.CoverageNamed(l.name) + "."
	if t.Regional.Partial || t.RegionalPrevious.Partial || t.RegionalBaseline.Partial {
		note += " " + PartialNote + "."
	}
	if hasDerived(t) {
		note += " " + DerivedNote + "."
	}
	for _, c := range l.comments(ind) {
		note += "\n" + c
	}
	return l.labelled("", pdf.Table{Columns: cols, Rows: rows, Size: 8}, note, func() { l.named(l.shown()...) })
}

// comments are the Commissions' comments on the indicator's current
// figures, each naming the jurisdiction and the figure it explains, for the
// jurisdictions the report's tables show.
func (l *layout) comments(ind *IndicatorReport) []string {
	var out []string
	for _, code := range l.shown() {
		for ri := range ind.Rows {
			row := &ind.Rows[ri]
			for _, jr := range row.Jurisdictions {
				if jr.Jurisdiction != code || jr.Comment == "" {
					continue
				}
				what := ind.Figure(jr.Current)
				if row.Part != "" {
					what = row.Label + " " + what
				}
				out = append(out, fmt.Sprintf("Comment from %s on its figure (%s): %s", l.name(code), what, jr.Comment))
			}
		}
	}
	return out
}

// hasDerived reports whether any figure of the table is derived.
func hasDerived(t *RowReport) bool {
	if t.Regional.Derived || t.RegionalPrevious.Derived || t.RegionalBaseline.Derived {
		return true
	}
	for _, jr := range t.Jurisdictions {
		if jr.Current.Derived || jr.Previous.Derived || jr.Baseline.Derived || jr.Annual.Derived {
			return true
		}
	}
	return false
}

// breakdownTable shows the parts of the total for the period: by
// jurisdiction in the regional report, the jurisdiction and the region in a
// jurisdiction report.
func (l *layout) breakdownTable(ind *IndicatorReport) part {
	if len(l.shown()) > sideBySide {
		return l.breakdownByRow(ind)
	}
	cols := []pdf.Column{{Title: "Part" + unitTag(ind), Width: 1.3}}
	shown := l.shown()
	for _, c := range shown {
		cols = append(cols, pdf.Column{Title: l.name(c), Width: 1, Align: "R"})
	}
	cols = append(cols, pdf.Column{Title: "Region", Width: 1.1, Align: "R"})
	var rows [][]pdf.Cell
	for ri := range ind.Rows {
		row := &ind.Rows[ri]
		cells := []pdf.Cell{{Text: row.Label, Bold: row.Part == ""}}
		for _, c := range shown {
			for _, jr := range row.Jurisdictions {
				if jr.Jurisdiction == c {
					cells = append(cells, figureCell(ind, jr.Current))
				}
			}
		}
		cells = append(cells, boldCell(regionalCell(ind, row.Regional)))
		rows = append(rows, cells)
	}
	return l.labelled("Breakdown, "+ind.Shown.Label()+unitTag(ind), pdf.Table{Columns: cols, Rows: rows, Size: 7.5}, "", nil)
}

// breakdownByRow is the breakdown a jurisdiction a row, the parts across,
// for more jurisdictions than fit across the page.
func (l *layout) breakdownByRow(ind *IndicatorReport) part {
	cols := []pdf.Column{{Title: "Jurisdiction", Width: 2.2}}
	for ri := range ind.Rows {
		cols = append(cols, pdf.Column{Title: ind.Rows[ri].Label + unitTag(ind), Width: 1, Align: "R"})
	}
	var rows [][]pdf.Cell
	for _, c := range l.shown() {
		cells := []pdf.Cell{pdf.Txt(l.name(c))}
		for ri := range ind.Rows {
			for _, jr := range ind.Rows[ri].Jurisdictions {
				if jr.Jurisdiction == c {
					cells = append(cells, figureCell(ind, jr.Current))
				}
			}
		}
		rows = append(rows, cells)
	}
	region := []pdf.Cell{{Text: ind.Total().Regional.Label(), Bold: true}}
	for ri := range ind.Rows {
		region = append(region, boldCell(regionalCell(ind, ind.Rows[ri].Regional)))
	}
	rows = append(rows, region)
	return l.labelled("Breakdown, "+ind.Shown.Label(), pdf.Table{Columns: cols, Rows: rows, Size: 7.5}, "", nil)
}

// statusParts show a status indicator as a matrix (rows: the indicator and
// its parts; columns: jurisdictions) and its distribution over the scale.
func (l *layout) statusParts(ind *IndicatorReport) []part {
	r := l.r
	codes := l.allCodes()
	m := pdf.Matrix{Corner: "Item", Across: "Jurisdiction", Columns: l.namesOf(codes), Levels: ind.Levels}
	for ri := range ind.Rows {
		row := &ind.Rows[ri]
		cells := make([]string, len(codes))
		for ci, c := range codes {
			for _, jr := range row.Jurisdictions {
				if jr.Jurisdiction == c {
					cells[ci] = jr.Current.Level
				}
			}
		}
		label := row.Label
		if row.Part == "" {
			label = ind.Title
		}
		m.Rows = append(m.Rows, pdf.MatrixRow{Label: label, Cells: cells})
	}
	scale := make([]string, len(ind.Levels))
	for i, lv := range ind.Levels {
		scale[i] = fmt.Sprintf("%d. %s", i+1, lv)
	}
	t := ind.Total()
	marked := func(p roadmap.Period, r Regional) string {
		if r.Derived {
			return p.Label() + " " + DerivedMark
		}
		return p.Label()
	}
	matrix := l.labelled("Status by jurisdiction, "+marked(ind.Shown, t.Regional), m.Table(), "Scale, lowest first: "+strings.Join(scale, "; ")+".", func() { l.named(codes...) })

	var rows [][]pdf.Cell
	for i := len(t.Regional.Levels) - 1; i >= 0; i-- {
		lc := t.Regional.Levels[i]
		rows = append(rows, []pdf.Cell{
			{Text: lc.Level, Fill: pdf.Shade(i, len(t.Regional.Levels))},
			pdf.Txt(fmt.Sprint(lc.Count)),
			pdf.Txt(strings.Join(l.namesOf(lc.Jurisdictions), ", ")),
			pdf.Txt(fmt.Sprint(countAt(t.RegionalPrevious.Levels, lc.Level))),
		})
	}
	if len(t.Regional.Missing) > 0 {
		rows = append(rows, []pdf.Cell{pdf.Missing(), pdf.Txt(fmt.Sprint(len(t.Regional.Missing))), pdf.Txt(strings.Join(l.namesOf(t.Regional.Missing), ", ")), pdf.Txt("")})
	}
	note := ""
	if r.Focus != nil {
		jr := l.focusRow(t)
		note = fmt.Sprintf("%s: %s now, %s in %s, %s in the baseline; change on previous period: %s.",
			r.Focus.Name, jr.Current, jr.Previous, ind.Shown.Prev().Label(), jr.Baseline, jr.ChangePrevious)
	}
	dist := l.labelled("Distribution over the scale", pdf.Table{Columns: []pdf.Column{
		{Title: "Level", Width: 1.5}, {Title: "Jurisdictions, " + marked(ind.Shown, t.Regional), Width: 1, Align: "R"},
		{Title: "Which", Width: 3.5}, {Title: "Previous, " + marked(ind.Shown.Prev(), t.RegionalPrevious), Width: 1, Align: "R"},
	}, Rows: rows, Size: 8}, note, nil)
	return []part{matrix, dist}
}

func countAt(levels []LevelCount, level string) int {
	for _, lc := range levels {
		if lc.Level == level {
			return lc.Count
		}
	}
	return 0
}

// narratives are the Commissions' progress on a goal, a short entry per
// jurisdiction; their challenges and needs go to "Remaining gaps and needs
// for support".
func (l *layout) narratives(g *GoalSection) {
	var items []jurisdictionText
	for _, n := range g.Narratives {
		if strings.TrimSpace(n.Progress) != "" {
			items = append(items, jurisdictionText{n.Jurisdiction, []string{n.Progress}})
		}
	}
	title := fmt.Sprintf("Goal %d: progress by jurisdiction", g.Number)
	if l.r.Focus != nil {
		title = fmt.Sprintf("Goal %d: progress reported by %s", g.Number, l.r.Focus.Name)
	}
	l.byJurisdiction(3, title, items, "No Commission reported progress on this goal for "+l.r.PeriodLabel+".")
	if len(g.NoNarrative) > 0 {
		l.doc.Note("No narrative on this goal from " + strings.Join(l.namesOf(g.NoNarrative), ", ") + ".")
		l.named(g.NoNarrative...)
	}
}

// jurisdictionText is one jurisdiction's paragraphs under a heading.
type jurisdictionText struct {
	code  string
	texts []string
}

// byJurisdiction draws a heading and, per jurisdiction, its name and
// paragraphs; none is the paragraph printed when there is nothing.
func (l *layout) byJurisdiction(level int, heading string, items []jurisdictionText, none string) {
	d := l.doc
	nameStyle := pdf.Style{Size: 9.5, Bold: true, Before: 1.5, After: 0.5}
	textStyle := pdf.Style{Size: 9, After: 1}
	// Each entry keeps the jurisdiction's name with its first paragraph, and
	// the heading with the first entry.
	keeps := make([]float64, len(items))
	for i, it := range items {
		// A short entry stays whole; a long one keeps at least its name
		// with the start of its first paragraph.
		keep := d.TextHeight(l.name(it.code), nameStyle)
		whole := keep
		for _, t := range it.texts {
			whole += d.TextHeight(t, textStyle)
		}
		switch {
		case whole <= 50:
			keep = whole
		case len(it.texts) > 0:
			keep += min(d.TextHeight(it.texts[0], textStyle), 30)
		}
		keeps[i] = keep
	}
	keep := 25.0
	if len(keeps) > 0 {
		keep = keeps[0]
	}
	d.Heading(level, heading, keep)
	if len(items) == 0 {
		d.Paragraph(none)
	}
	for i, it := range items {
		d.Need(keeps[i])
		d.Text(l.name(it.code), nameStyle)
		l.named(it.code)
		for _, t := range it.texts {
			d.Text(t, textStyle)
		}
	}
}

func (l *layout) annexes() {
	r, d := l.r, l.doc
	d.Heading(1, "Annexes", 0)

	d.Heading(2, "A. Indicator definitions", 0)
	if r.Roadmap.Illustrative && r.Roadmap.Note != "" {
		d.Note(r.Roadmap.Note)
	}
	rows := make([][]pdf.Cell, 0, len(r.Definitions))
	for _, def := range r.Definitions {
		text := def.Title
		if def.Definition != "" {
			text += ": " + def.Definition
		}
		kind := string(def.Kind)
		if def.Unit != "" {
			kind += " (" + def.Unit + ")"
		}
		if len(def.Levels) > 0 {
			kind += ": " + strings.Join(def.Levels, " → ")
		}
		if def.Breakdown != "" {
			kind += "; " + def.Breakdown
		}
		target := def.Target
		if target == "" {
			target = "none"
		}
		rows = append(rows, []pdf.Cell{pdf.Txt(text), pdf.Txt(kind), pdf.Txt(string(def.Direction)), pdf.Txt(target), pdf.Txt(def.Aggregation)})
	}
	d.Table(pdf.Table{Columns: []pdf.Column{{Title: "Indicator", Width: 3.6}, {Title: "Kind and breakdown", Width: 2}, {Title: "Better", Width: 0.75}, {Title: "Target", Width: 1.2}, {Title: "Regional figure", Width: 1.3}}, Rows: rows, Size: 7})

	d.Heading(2, "B. How statuses are rated", 0)
	// The notes that close the report keep the last rule with them, so that
	// they never stand alone on a last page.
	notes, body := 0.0, 0.0
	if len(r.Footnotes) > 0 {
		for _, fn := range r.Footnotes {
			body += d.NoteHeight(fn.Mark + " " + fn.Text)
		}
		notes = body + 14 // and the heading
	}
	for i, p := range r.RatingRules {
		if i == len(r.RatingRules)-1 {
			d.Need(d.TextHeight(p, pdf.Style{Size: 9.5, After: 2.5}) + notes)
		}
		d.Paragraph(p)
	}
	if len(r.Footnotes) > 0 {
		d.Heading(3, "Notes", body)
		for _, fn := range r.Footnotes {
			d.Note(fn.Mark + " " + fn.Text)
		}
	}
}

// unitOf is the unit a header names for the indicator's figures: its unit,
// "%" for a percentage, "number" for a count without one, "" for a status.
func unitOf(ind *IndicatorReport) string {
	switch {
	case ind.Unit != "":
		return ind.Unit
	case ind.Kind == roadmap.Percent:
		return "%"
	case ind.Kind == roadmap.Status:
		return ""
	}
	return "number"
}

// unitTag is the unit in brackets after a header: " (firearms)"; "" for a status.
func unitTag(ind *IndicatorReport) string {
	if ind.Kind == roadmap.Status {
		return ""
	}
	return " (" + unitOf(ind) + ")"
}

// Cells.

func figureValue(f Figure) float64 {
	if f.Number == nil {
		return math.NaN()
	}
	return *f.Number
}

func figureCell(ind *IndicatorReport, f Figure) pdf.Cell {
	if !f.Reported() {
		return pdf.Missing()
	}
	return pdf.Txt(ind.Figure(f))
}

func regionalCell(ind *IndicatorReport, r Regional) pdf.Cell {
	if !r.Reported() {
		return pdf.Missing()
	}
	if r.Rule == roadmap.Distribution {
		// One level a line: "4 × fully aligned" must not break after the 4.
		var lines []string
		for i := len(r.Levels) - 1; i >= 0; i-- {
			if lc := r.Levels[i]; lc.Count > 0 {
				lines = append(lines, fmt.Sprintf("%d × %s", lc.Count, lc.Level))
			}
		}
		// The marks every regional figure carries (Regional.format).
		if r.Derived {
			lines[len(lines)-1] += " " + DerivedMark
		}
		if r.Partial {
			lines = append(lines, "(partial)")
		}
		return pdf.Txt(strings.Join(lines, "\n"))
	}
	return pdf.Txt(ind.Regional(r))
}

func changeCell(ind *IndicatorReport, c Change) pdf.Cell {
	if !c.Known() {
		return pdf.Cell{Text: "–", Color: pdf.Muted}
	}
	return pdf.Txt(ind.Change(c))
}

func boldCell(c pdf.Cell) pdf.Cell {
	c.Bold = true
	return c
}

func ratingShade(r Rating) pdf.Color {
	switch r {
	case Achieved:
		return pdf.Color{R: 150, G: 210, B: 160}
	case OnTrack:
		return pdf.Color{R: 190, G: 228, B: 196}
	case OffTrack:
		return pdf.Color{R: 255, G: 230, B: 160}
	case Missed:
		return pdf.Color{R: 246, G: 200, B: 200}
	case NotRated:
		return pdf.Color{R: 214, G: 226, B: 240} // figures exist: a quiet blue, unlike the grey of no data
	case NoData:
		return pdf.Light
	}
	return pdf.Color{}
}

func ratingText(r Rating) pdf.Color {
	switch r {
	case Achieved, OnTrack:
		return pdf.Color{R: 30, G: 110, B: 50}
	case OffTrack:
		return pdf.Color{R: 150, G: 95, B: 0}
	case Missed:
		return pdf.DraftRed
	}
	return pdf.Muted
}

func timelinessShade(t roadmap.Timeliness) pdf.Color {
	switch t {
	case roadmap.OnTime:
		return pdf.Color{R: 190, G: 228, B: 196}
	case roadmap.Late, roadmap.NotDue:
		return pdf.Color{R: 255, G: 230, B: 160}
	}
	return pdf.Color{R: 246, G: 200, B: 200}
}

func listed(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
