package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/seesac/roadmap/render/pdf"
)

// WriteQualityNote lays out the data-quality note that goes to SEESAC with
// every report: the submissions used, the warnings recorded with them (down
// to the sheet and cell, in the words the Commissions received) and every
// source file with its hash. None of it belongs in the report a donor reads,
// but all of it is what SEESAC needs to follow up and to audit a figure.
func WriteQualityNote(w io.Writer, r *Report) error {
	doc, err := pdf.New(pdf.Options{
		Title:   "Data-quality note – " + r.Title + " – " + state(r),
		Period:  r.PeriodLabel,
		Author:  "SEESAC",
		Subject: "Data-quality note for SEESAC on the " + strings.ToLower(state(r)) + " " + strings.ToLower(r.Title[:1]) + r.Title[1:] + ", " + r.PeriodLabel,
		Draft:   r.Draft,
		Created: r.AsOf,
	})
	if err != nil {
		return fmt.Errorf("start data-quality note: %w", err)
	}
	l := layoutOn(doc, r)
	l.qualityNote()
	if err := doc.Write(w); err != nil {
		return fmt.Errorf("write data-quality note for %s: %w", r.Period, err)
	}
	return nil
}

func (l *layout) qualityNote() {
	r, d := l.r, l.doc
	d.Heading(1, "Data-quality note for SEESAC", 0)
	d.Paragraph(fmt.Sprintf("For SEESAC only: what %s (%s) was built from, as of %s. The report itself carries no file names, cell references or warnings.",
		r.Title, strings.ToLower(state(r)), l.stamp(r.AsOf)))

	d.Heading(2, "Submissions for "+r.PeriodLabel, 0)
	rows := make([][]pdf.Cell, 0, len(r.Completeness))
	for _, c := range r.Completeness {
		if !c.State.Submitted() {
			rows = append(rows, []pdf.Cell{pdf.Txt(l.name(c.Jurisdiction)), {Text: string(c.State), Fill: timelinessShade(c.State)}, pdf.Missing(), pdf.Txt(""), pdf.Txt(""), pdf.Txt("")})
			continue
		}
		rows = append(rows, []pdf.Cell{pdf.Txt(l.name(c.Jurisdiction)), {Text: string(c.State), Fill: timelinessShade(c.State)}, pdf.Txt(c.File),
			pdf.Txt(fmt.Sprintf("%d of %d", c.Version, c.Versions)), pdf.Txt(l.stamp(c.FirstReceived)), pdf.Txt(l.stamp(c.Received))})
	}
	d.Table(pdf.Table{Columns: []pdf.Column{{Title: "Jurisdiction", Width: 1.5}, {Title: "Submission", Width: 0.9}, {Title: "File used", Width: 2.4},
		{Title: "Version used", Width: 0.9, Align: "R"}, {Title: "First received", Width: 1.5}, {Title: "Used version received", Width: 1.5}}, Rows: rows, Size: 7.5})
	l.named(l.allCodes()...)

	d.Heading(2, "Data-quality warnings", 0)
	if len(r.Warnings) == 0 {
		d.Paragraph("No warnings were recorded with the files used for " + r.PeriodLabel + ".")
	} else {
		rows := make([][]pdf.Cell, 0, len(r.Warnings))
		for _, w := range r.Warnings {
			where := strings.Trim(w.Finding.Sheet+" "+w.Finding.Cell, " ")
			rows = append(rows, []pdf.Cell{pdf.Txt(l.name(w.Jurisdiction)), pdf.Txt(fmt.Sprintf("%s (v%d)", w.File, w.Version)), pdf.Txt(where), pdf.Txt(w.Finding.Indicator), pdf.Txt(w.Finding.Message)})
		}
		d.Table(pdf.Table{Columns: []pdf.Column{{Title: "Jurisdiction", Width: 1.4}, {Title: "File", Width: 2}, {Title: "Where", Width: 0.9}, {Title: "KPI", Width: 0.6}, {Title: "Warning", Width: 3.2}}, Rows: rows, Size: 7.5})
	}

	d.Heading(2, "Sources", 0)
	d.Note("Every file the figures come from, with its version, when it was received and the SHA-256 of its bytes, so that each figure can be traced and the report rebuilt; the report's data file names the source of each figure.")
	if len(r.Sources) == 0 {
		d.Paragraph("No file was used: nothing had been received by the cut-off.")
	} else {
		rows := make([][]pdf.Cell, 0, len(r.Sources))
		for _, s := range r.Sources {
			rows = append(rows, []pdf.Cell{pdf.Txt(s.Period.String()), pdf.Txt(l.name(s.Jurisdiction)), pdf.Txt(s.Name), pdf.Txt(fmt.Sprint(s.Version)), pdf.Txt(l.stamp(s.Received)), pdf.Txt(hashLines(s.Hash))})
		}
		d.Table(pdf.Table{Columns: []pdf.Column{{Title: "Period", Width: 0.8}, {Title: "Jurisdiction", Width: 1.3}, {Title: "File", Width: 2}, {Title: "Ver.", Width: 0.4, Align: "R"}, {Title: "Received", Width: 1.5}, {Title: "SHA-256", Width: 2.6}}, Rows: rows, Size: 6.5})
	}
	for _, fn := range r.Footnotes {
		if l.noted[fn.ID] {
			continue
		}
		d.Note(fn.Mark + " " + fn.Text)
	}
}

// hashLines prints a SHA-256 as two halves of 32 characters, one a line, so
// that it can be compared with sha256sum's output at a glance rather than
// wrapping wherever its cell runs out.
func hashLines(h string) string {
	if len(h) != 64 {
		return h
	}
	return h[:32] + "\n" + h[32:]
}
