package render

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/render/pdf"
)

// The parts of the report that carry SEESAC's synthesis: the key messages
// after the cover, each goal's key regional trends, the remaining gaps and
// needs for support, and the partner and donor support.

// synthesisSource says where the synthesis text comes from, in one sentence.
func (l *layout) synthesisSource() string {
	r := l.r
	if s := r.SynthesisFrom; s != nil && r.Focus != nil {
		return fmt.Sprintf("Key messages and trends generated from the figures; partner and donor support and remaining gaps from SEESAC's synthesis (received %s, version %d).", l.stamp(s.Received), s.Version)
	}
	if s := r.SynthesisFrom; s != nil {
		return fmt.Sprintf("Key messages and trends by SEESAC (synthesis received %s, version %d).", l.stamp(s.Received), s.Version)
	}
	if r.Draft && r.Focus == nil {
		return "Key messages and trends generated from the figures, for SEESAC to review in the synthesis workbook that comes with this draft."
	}
	if r.Focus != nil {
		return "Key messages and trends generated from the figures."
	}
	return "No SEESAC synthesis was received by the cut-off: the key messages and trends are generated from the figures."
}

// keyMessages is the page after the cover: the executive summary's key
// messages, numbered.
func (l *layout) keyMessages() {
	r, d := l.r, l.doc
	d.AddPage()
	d.Heading(1, "Key messages", 0)
	d.Note(l.synthesisSource())
	if len(r.Synthesis.KeyMessages) == 0 {
		d.Paragraph("No key messages were written.")
	}
	all := strings.Join(r.Synthesis.KeyMessages, "\n")
	for i, m := range r.Synthesis.KeyMessages {
		d.Text(fmt.Sprintf("%d.  %s", i+1, m), pdf.Style{Size: 10.5, After: 3, Line: 5.2})
	}
	// The footnotes of the jurisdictions the messages name.
	for _, j := range r.Jurisdictions {
		if strings.Contains(all, j.Name) {
			l.named(j.Code)
		}
	}
}

// goalSynthesis is the goal's key regional trends and, where figures by sex
// exist, a short paragraph on women's share.
func (l *layout) goalSynthesis(g *GoalSection) part {
	d := l.doc
	title := "Key regional trends"
	if l.r.Focus != nil {
		title = "Key trends for " + l.r.Focus.Name
	}
	text := l.r.Synthesis.Trend(g.Code)
	gender := l.genderText(g)
	label := pdf.Style{Size: 9.5, Bold: true, Before: 2, After: 1}
	body := pdf.Style{Size: 9.5, After: 2}
	h := d.TextHeight(title, label)
	if text != "" {
		h += d.TextHeight(text, body)
	}
	if gender != "" {
		h += d.TextHeight("Gender", label) + d.TextHeight(gender, body)
	}
	return part{h: h, draw: func() {
		if text != "" {
			d.Text(title, label)
			d.Text(text, body)
		}
		if gender != "" {
			d.Text("Gender", label)
			d.Text(gender, body)
		}
	}}
}

// genderText is the paragraph on women's share of the goal's figures by sex.
func (l *layout) genderText(g *GoalSection) string {
	var parts []string
	for i := range g.Indicators {
		ind := &g.Indicators[i]
		w := ind.Women
		if w == nil {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s of %s (%s of %s%s, over %s)", FormatShare(w.Share), lowerFirst(ind.Title),
			ind.Number(w.Women), ind.Number(w.Total), unitAfter(ind, true), joinWords(l.namesOf(w.Jurisdictions))))
	}
	if len(parts) == 0 {
		return ""
	}
	return "Women were " + joinWords(parts) + ". The shares are pooled: the women counted divided by the total, over the jurisdictions that reported both."
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// gaps is "Remaining gaps and needs for support": per goal, the gaps SEESAC
// recorded in its synthesis, then the challenges and needs the Commissions
// wrote in their narratives.
func (l *layout) gaps() {
	r, d := l.r, l.doc
	d.Heading(1, "Remaining gaps and needs for support", 0)
	d.Note("By goal: the gaps SEESAC recorded in its synthesis, then the challenges and the support needed that each Commission reported for " + r.PeriodLabel + ".")
	for i := range r.Goals {
		g := &r.Goals[i]
		var items []jurisdictionText
		for _, n := range g.Narratives {
			var texts []string
			if c := strings.TrimSpace(n.Challenges); c != "" {
				texts = append(texts, "Challenges: "+c)
			}
			if s := strings.TrimSpace(n.Support); s != "" {
				texts = append(texts, "Support needed: "+s)
			}
			if len(texts) > 0 {
				items = append(items, jurisdictionText{n.Jurisdiction, texts})
			}
		}
		title := fmt.Sprintf("Goal %d: %s", g.Number, g.Title)
		if len(g.Gaps) > 0 {
			t := l.gapTable(g.Gaps)
			d.Heading(3, title, min(d.TableHeight(t), 50))
			d.Table(t)
			l.byJurisdiction(3, "Reported by the Commissions", items, "No Commission reported challenges or needs on this goal.")
			continue
		}
		l.byJurisdiction(3, title, items, "No gap was recorded and no Commission reported challenges or needs on this goal.")
	}
	if len(r.OtherGaps) > 0 {
		t := l.gapTable(r.OtherGaps)
		d.Heading(3, "Across goals", min(d.TableHeight(t), 50))
		d.Table(t)
	}
}

func (l *layout) gapTable(gs []roadmap.Gap) pdf.Table {
	rows := make([][]pdf.Cell, 0, len(gs))
	for _, g := range gs {
		rows = append(rows, []pdf.Cell{pdf.Txt(g.Jurisdictions), pdf.Txt(g.Gap), pdf.Txt(g.Support)})
	}
	return pdf.Table{Columns: []pdf.Column{{Title: "Jurisdictions", Width: 1.4}, {Title: "Remaining gap", Width: 3}, {Title: "Support needed", Width: 3}}, Rows: rows, Size: 8.5}
}

// partners is "Partner and donor support", from SEESAC's synthesis.
func (l *layout) partners() {
	r, d := l.r, l.doc
	ps := r.Synthesis.Partners
	rows := make([][]pdf.Cell, 0, len(ps))
	for _, p := range ps {
		rows = append(rows, []pdf.Cell{{Text: p.Organisation, Bold: true}, pdf.Txt(p.Jurisdictions), pdf.Txt(p.Goals), pdf.Txt(p.Activity), pdf.Txt(p.Period), pdf.Txt(fundingText(p)), pdf.Txt(p.Status)})
	}
	t := pdf.Table{Columns: []pdf.Column{{Title: "Organisation", Width: 1.3}, {Title: "Jurisdictions", Width: 1.2}, {Title: "Goals", Width: 0.7},
		{Title: "Activity", Width: 2.2}, {Title: "Period", Width: 0.9}, {Title: "Funding", Width: 1.2, Align: "R"}, {Title: "Status", Width: 0.9}}, Rows: rows, Size: 8}
	keep := 30.0
	if len(rows) > 0 {
		first := t
		first.Rows = rows[:1]
		keep = d.TableHeight(first) + 10
	}
	d.Heading(1, "Partner and donor support", keep)
	if len(rows) == 0 {
		if r.SynthesisFrom == nil {
			d.Paragraph("No SEESAC synthesis was received, so no partner or donor support is recorded for this report.")
		} else {
			d.Paragraph("The SEESAC synthesis records no partner or donor support for this report.")
		}
		return
	}
	d.Note("Support by implementing partners and donors, as recorded by SEESAC in its synthesis.")
	d.Table(t)
}

// fundingText is a support line's funding and currency; a funding typed as a
// plain number is printed as the report's figures are ("125,000 EUR").
func fundingText(p roadmap.Support) string {
	f := strings.TrimSpace(p.Funding)
	if v, err := strconv.ParseFloat(f, 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
		f = roadmap.FormatNumber(v, -1)
	}
	return strings.TrimSpace(f + " " + strings.TrimSpace(p.Currency))
}
