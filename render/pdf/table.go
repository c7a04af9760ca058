package pdf

import (
	"fmt"
	"github.com/seesac/roadmap"
	"math"
	"strings"
)

// NotReported is what a table or chart shows for a value that was not
// reported: in words, so that it can never be mistaken for a zero.
const NotReported = "not reported"

// Column is one column of a table.
type Column struct {
	Title string
	Width float64 // share of the table's width (any unit; 1 each when all are zero)
	Align string  // "L" (default), "R" for numbers, "C"
}

// Cell is one cell of a table.
type Cell struct {
	Text    string
	Missing bool  // not reported: drawn as muted "not reported" on a grey ground
	Bold    bool  // totals, the regional figure
	Fill    Color // background; none when zero
	Color   Color // text colour; Text when zero
}

// Txt is a text cell.
func Txt(s string) Cell { return Cell{Text: s} }

// Num is a number cell with thousands separators; NaN is not reported.
func Num(v float64, decimals int) Cell {
	if math.IsNaN(v) {
		return Cell{Missing: true}
	}
	return Cell{Text: roadmap.FormatNumber(v, decimals)}
}

// Missing is a not-reported cell.
func Missing() Cell { return Cell{Missing: true} }

// Table is a table that wraps long text in its cells, breaks across pages and
// repeats its header row on each (a table whose columns have no titles has no
// header row).
type Table struct {
	Columns []Column
	Rows    [][]Cell
	Size    float64 // font size in points; 8.5 when zero
	Width   float64 // total width in mm; the content width when zero
}

const cellPad = 1.3 // horizontal padding inside a cell, mm

// Table draws t at the current position.
func (d *Doc) Table(t Table) {
	if len(t.Columns) == 0 {
		d.f.SetError(fmt.Errorf("%w: a table without columns", errInvalid))
		return
	}
	if d.f.PageNo() == 0 {
		d.f.AddPage()
	}
	size, line, widths, header := d.tableSetup(t)
	d.f.SetCellMargin(cellPad)
	defer d.f.SetCellMargin(1)
	headLines, headH := d.layoutRow(header, widths, size, line)
	drawHeader := func() {
		d.drawRow(header, headLines, widths, t.Columns, size, line, headH)
	}
	if !titled(t.Columns) {
		headH = 0
		drawHeader = func() {}
	}
	if len(t.Rows) == 0 {
		d.Need(headH)
		drawHeader()
		return
	}
	for i, row := range t.Rows {
		lines, h := d.layoutRow(row, widths, size, line)
		maxH := Body - headH - 8
		if h > maxH {
			lines, h = clipRow(lines, line, maxH)
		}
		if i == 0 {
			d.Need(headH + h)
			drawHeader()
		} else if d.Left() < h {
			d.f.AddPage()
			drawHeader()
		}
		d.drawRow(row, lines, widths, t.Columns, size, line, h)
	}
	d.f.SetX(MarginLeft)
	d.Space(2)
}

// tableSetup returns the font size, the line height, the column widths and
// the header row of t.
func (d *Doc) tableSetup(t Table) (size, line float64, widths []float64, header []Cell) {
	size = t.Size
	if size == 0 {
		size = 8.5
	}
	total := t.Width
	if total == 0 {
		total = ContentWidth
	}
	header = make([]Cell, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = Cell{Text: c.Title, Bold: true, Fill: Accent, Color: White}
	}
	widths = columnWidths(t.Columns, total)
	d.font(true, size)
	d.widenForWords(widths, t.Columns, func(s string) float64 { return d.f.GetStringWidth(d.clean(s)) })
	return size, size * 0.42, widths, header
}

// widenForWords makes each column at least as wide as the longest word of
// its title, so that a header never breaks inside a word ("Herzegovin/a"),
// taking the room from the columns that have more than their own words
// need. When the words cannot all fit, the widths stay as they are.
func (d *Doc) widenForWords(widths []float64, cols []Column, width func(string) float64) {
	need := make([]float64, len(cols))
	short, spare := 0.0, 0.0
	for i, c := range cols {
		for _, w := range strings.Fields(c.Title) {
			need[i] = math.Max(need[i], width(w)+2*cellPad+0.5)
		}
		if need[i] > widths[i] {
			short += need[i] - widths[i]
		} else {
			spare += widths[i] - need[i]
		}
	}
	if short == 0 || spare < short {
		return
	}
	for i := range widths {
		if need[i] > widths[i] {
			widths[i] = need[i]
		} else {
			widths[i] -= (widths[i] - need[i]) * short / spare
		}
	}
}

// TableHeight is the height Table takes for t if it does not break across
// pages, so that a layout can keep it with what comes before or after it.
func (d *Doc) TableHeight(t Table) float64 {
	if len(t.Columns) == 0 {
		return 0
	}
	size, line, widths, header := d.tableSetup(t)
	d.f.SetCellMargin(cellPad)
	defer d.f.SetCellMargin(1)
	h := 2.0 // the space after the table
	if titled(t.Columns) {
		_, hh := d.layoutRow(header, widths, size, line)
		h += hh
	}
	for _, row := range t.Rows {
		_, rh := d.layoutRow(row, widths, size, line)
		h += rh
	}
	return h
}

// titled reports whether any column has a title; a table without titles
// (a list of facts) has no header row.
func titled(cols []Column) bool {
	for _, c := range cols {
		if c.Title != "" {
			return true
		}
	}
	return false
}

func columnWidths(cols []Column, total float64) []float64 {
	sum := 0.0
	for _, c := range cols {
		sum += math.Max(c.Width, 0)
	}
	out := make([]float64, len(cols))
	for i, c := range cols {
		if sum == 0 {
			out[i] = total / float64(len(cols))
		} else {
			out[i] = total * math.Max(c.Width, 0) / sum
		}
	}
	return out
}

// layoutRow wraps each cell's text to its column and returns the lines and
// the row's height, which is that of its tallest cell.
func (d *Doc) layoutRow(row []Cell, widths []float64, size, line float64) ([][]string, float64) {
	lines := make([][]string, len(widths))
	n := 1
	for i := range widths {
		var c Cell
		if i < len(row) {
			c = row[i]
		}
		text := d.clean(c.Text)
		if c.Missing {
			text = NotReported
		}
		d.font(c.Bold, size)
		var ls []string
		if text != "" {
			ls = d.f.SplitText(text, widths[i])
		}
		lines[i] = ls
		n = max(n, len(ls))
	}
	return lines, float64(n)*line + 2.2
}

// clipRow shortens a row too tall for any page, ending its cells with "…".
func clipRow(lines [][]string, line, maxH float64) ([][]string, float64) {
	keep := max(1, int((maxH-2.2)/line))
	for i, ls := range lines {
		if len(ls) > keep {
			lines[i] = append(ls[:keep-1:keep-1], ls[keep-1]+" …")
		}
	}
	return lines, float64(keep)*line + 2.2
}

func (d *Doc) drawRow(row []Cell, lines [][]string, widths []float64, cols []Column, size, line, h float64) {
	f := d.f
	x, y := MarginLeft, f.GetY()
	d.lineWidth(0.15)
	d.setDraw(Rule)
	for i, w := range widths {
		var c Cell
		if i < len(row) {
			c = row[i]
		}
		fill := c.Fill
		color := c.Color
		if c.Missing {
			fill, color = Light, Muted
		}
		if color == (Color{}) {
			color = Text
		}
		if fill != (Color{}) {
			d.setFill(fill)
			f.Rect(x, y, w, h, "F")
		}
		align := "L"
		if i < len(cols) && cols[i].Align != "" {
			align = cols[i].Align
		}
		d.font(c.Bold, size)
		if c.Missing {
			d.font(false, size*0.9)
		}
		d.setColor(color)
		for j, l := range lines[i] {
			f.SetXY(x, y+1.1+float64(j)*line)
			f.CellFormat(w, line, l, "", 0, align, false, 0, "")
		}
		x += w
	}
	d.setDraw(Rule)
	f.Line(MarginLeft, y+h, x, y+h)
	f.SetXY(MarginLeft, y+h)
	d.font(false, 10)
	d.setColor(Text)
}
