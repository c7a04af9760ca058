package pdf

import (
	"cmp"
	"github.com/seesac/roadmap"
	"math"
	"slices"
	"strings"
)

// Chart is a chart that Charts can set on a page, alone or beside others:
// BarChart or LineChart.
type Chart interface {
	title() string
	note() string
	// bodyHeight is the height of the chart between its title and its note
	// when it is w millimetres wide.
	bodyHeight(d *Doc, w float64) float64
	drawBody(d *Doc, x, y, w float64)
}

// Bar is one category of a bar chart. A NaN Value is not reported: the chart
// says so in words instead of drawing a zero-length bar.
type Bar struct {
	Label     string
	Value     float64
	Highlight bool // drawn in the highlight colour (the jurisdiction of a jurisdiction report)
}

// BarChart is a horizontal bar chart by category: horizontal, so that long
// category names stay readable on one line.
type BarChart struct {
	Title    string // wrapped, never cut
	Unit     string // axis caption
	Bars     []Bar
	Decimals int
	Max      float64 // fixed upper end of the axis (100 for percents); from the data when zero
	Note     string  // small caption under the chart, wrapped
}

const (
	chartGutter = 8.0 // between charts set side by side
	titleLine   = 4.0 // line height of a chart title (8.5 pt)
	noteLine    = 3.1 // line height of a chart note (7 pt)
	barH        = 4.6
	barGap      = 1.8
	axisH       = 9.0
)

// BarChart draws c across the content width; it is kept on one page.
func (d *Doc) BarChart(c BarChart) { d.Charts(c) }

// LineChart draws c across the content width; it is kept on one page.
func (d *Doc) LineChart(c LineChart) { d.Charts(c) }

// Charts draws the charts side by side, in columns of equal width, at the
// current position, all on one page: titles (wrapped) on a common line, then
// the charts, then their notes.
func (d *Doc) Charts(cs ...Chart) {
	if len(cs) == 0 {
		return
	}
	h, titleH, w := d.chartsLayout(cs)
	d.Need(h)
	f := d.f
	y0 := f.GetY()
	bodyH := 0.0
	for _, c := range cs {
		bodyH = math.Max(bodyH, c.bodyHeight(d, w))
	}
	for i, c := range cs {
		x := MarginLeft + float64(i)*(w+chartGutter)
		d.font(true, 8.5)
		d.setColor(Text)
		for j, l := range d.f.SplitText(d.clean(c.title()), w) {
			f.SetXY(x, y0+float64(j)*titleLine)
			f.CellFormat(w, titleLine+0.5, l, "", 0, "L", false, 0, "")
		}
		c.drawBody(d, x, y0+titleH, w)
		if n := c.note(); n != "" {
			d.font(false, 7)
			d.setColor(Muted)
			for j, l := range d.f.SplitText(d.clean(n), w) {
				f.SetXY(x, y0+titleH+bodyH+1+float64(j)*noteLine)
				f.CellFormat(w, noteLine, l, "", 0, "L", false, 0, "")
			}
		}
	}
	d.lineWidth(0.2)
	f.SetXY(MarginLeft, y0+h)
	d.font(false, 10)
	d.setColor(Text)
}

// ChartsHeight is the height Charts takes for cs, so that a layout can keep
// what comes before them on the same page.
func (d *Doc) ChartsHeight(cs ...Chart) float64 {
	h, _, _ := d.chartsLayout(cs)
	return h
}

// chartsLayout returns the total height, the height of the title band and
// the width of each chart.
func (d *Doc) chartsLayout(cs []Chart) (h, titleH, w float64) {
	if len(cs) == 0 {
		return 0, 0, 0
	}
	w = (ContentWidth - chartGutter*float64(len(cs)-1)) / float64(len(cs))
	lines, notes, bodyH := 0, 0, 0.0
	for _, c := range cs {
		d.font(true, 8.5)
		lines = max(lines, len(d.f.SplitText(d.clean(c.title()), w)))
		if n := c.note(); n != "" {
			d.font(false, 7)
			notes = max(notes, len(d.f.SplitText(d.clean(n), w)))
		}
		bodyH = math.Max(bodyH, c.bodyHeight(d, w))
	}
	titleH = float64(lines)*titleLine + 1.5
	h = titleH + bodyH + 3
	if notes > 0 {
		h += 1 + float64(notes)*noteLine
	}
	return h, titleH, w
}

func (c BarChart) title() string { return c.Title }
func (c BarChart) note() string  { return c.Note }

func (c BarChart) bodyHeight(_ *Doc, _ float64) float64 {
	return float64(len(c.Bars))*(barH+barGap) + barGap + axisH
}

func (c BarChart) drawBody(d *Doc, left, top, width float64) {
	f := d.f
	// Label column: as wide as the longest label (in bold where the bar is
	// highlighted), within limits; longer ones are shortened with an ellipsis.
	labelW := 20.0
	for _, b := range c.Bars {
		d.font(b.Highlight, 7.5)
		labelW = math.Max(labelW, f.GetStringWidth(d.clean(b.Label))+3)
	}
	labelW = math.Min(labelW, math.Max(20, width*0.48))
	lo, hi := 0.0, c.Max
	for _, b := range c.Bars {
		if finite(b.Value) {
			lo = math.Min(lo, b.Value)
			if c.Max == 0 {
				hi = math.Max(hi, b.Value)
			}
		}
	}
	d.font(true, 7.5)
	valueLabelW := 0.0
	for _, b := range c.Bars {
		if finite(b.Value) {
			valueLabelW = math.Max(valueLabelW, f.GetStringWidth(roadmap.FormatNumber(b.Value, c.Decimals))+3)
		}
	}
	valueW := math.Max(valueLabelW, 8)
	x0 := left + labelW
	plotW := width - labelW - valueW
	d.font(false, 7)
	ticks := readableTicks(f.GetStringWidth, lo, hi, plotW)
	lo, hi = ticks[0], ticks[len(ticks)-1]
	scale := func(v float64) float64 { return x0 + (v-lo)/(hi-lo)*plotW }
	plotH := float64(len(c.Bars))*(barH+barGap) + barGap

	// Grid lines and ticks.
	d.lineWidth(0.15)
	d.setDraw(Light)
	for _, t := range ticks {
		x := scale(t)
		f.Line(x, top, x, top+plotH)
	}
	d.setDraw(Muted)
	f.Line(x0, top+plotH, x0+plotW, top+plotH)
	d.font(false, 7)
	d.setColor(Muted)
	dec := tickDecimals(ticks)
	for _, t := range ticks {
		x := scale(t)
		f.Line(x, top+plotH, x, top+plotH+1)
		s := roadmap.FormatNumber(t, dec)
		w := f.GetStringWidth(s)
		f.Text(x-w/2, top+plotH+4, s)
	}
	if c.Unit != "" {
		u := d.clean(c.Unit)
		f.Text(x0+plotW-f.GetStringWidth(u), top+plotH+7.8, u)
	}

	for i, b := range c.Bars {
		y := top + barGap + float64(i)*(barH+barGap)
		d.font(b.Highlight, 7.5)
		d.setColor(Text)
		label := fit(f, d.clean(b.Label), labelW-3)
		f.Text(x0-2-f.GetStringWidth(label), y+barH*0.72, label)
		if !finite(b.Value) {
			d.font(false, 7.5)
			d.setColor(Muted)
			d.setDraw(Rule)
			f.SetDashPattern([]float64{0.8, 0.8}, 0)
			f.Rect(scale(0), y, 8, barH, "D")
			f.SetDashPattern(nil, 0)
			f.Text(scale(0)+10, y+barH*0.72, NotReported)
			continue
		}
		col := Accent
		if b.Highlight {
			col = Highlight
		}
		d.setFill(col)
		xa, xb := scale(math.Min(0, b.Value)), scale(math.Max(0, b.Value))
		if xb-xa < 0.4 {
			xb = xa + 0.4 // a true zero still shows as a hairline, unlike a missing value
		}
		f.Rect(xa, y, xb-xa, barH, "F")
		d.font(b.Highlight, 7.5)
		d.setColor(Text)
		f.Text(xb+1.2, y+barH*0.72, roadmap.FormatNumber(b.Value, c.Decimals))
	}
}

// readableTicks picks round ticks for lo..hi whose labels (measured by width,
// in the current font) do not touch along an axis plotW long.
func readableTicks(width func(string) float64, lo, hi, plotW float64) []float64 {
	var ticks []float64
	for n := 6; n >= 2; n-- {
		ticks = NiceTicks(lo, hi, n)
		dec := tickDecimals(ticks)
		widest := 0.0
		for _, t := range ticks {
			widest = math.Max(widest, width(roadmap.FormatNumber(t, dec)))
		}
		if len(ticks) < 2 || widest+2 <= plotW/float64(len(ticks)-1) {
			return ticks
		}
	}
	return ticks
}

// Series is one line of a line chart; a NaN value is a gap (not reported).
type Series struct {
	Name   string
	Values []float64 // one per label
	Color  Color     // Accent when zero
	Dashed bool
	// Points draws the values as hollow markers, never joined: figures not
	// comparable with the line (a regional total that lacks a jurisdiction).
	Points bool
}

// LineChart is a trend over periods.
type LineChart struct {
	Title    string // wrapped, never cut
	Unit     string
	Labels   []string // the periods, oldest first
	Series   []Series
	Decimals int
	Max      float64 // fixed upper end (100 for percents); from the data when zero
	Height   float64 // plot height in mm; 45 when zero
	// Apart is how many leading points are not comparable with the rest (a
	// baseline year before half-years): they are drawn as hollow markers, set
	// off by a dotted rule and never joined to the line. ApartName names
	// them in the legend ("2018, a whole year").
	Apart     int
	ApartName string
	Note      string // small caption under the chart, wrapped
}

func (c LineChart) title() string { return c.Title }
func (c LineChart) note() string  { return c.Note }

func (c LineChart) plotHeight() float64 {
	if c.Height == 0 {
		return 45
	}
	return c.Height
}

// legend lays the legend's entries out in rows that fit width w.
func (c LineChart) legend(d *Doc, w float64) [][]legendEntry {
	var entries []legendEntry
	if len(c.Series) > 1 || c.Apart > 0 {
		for _, s := range c.Series {
			col := s.Color
			if col == (Color{}) {
				col = Accent
			}
			entries = append(entries, legendEntry{name: d.clean(s.Name), color: col, dashed: s.Dashed, hollow: s.Points})
		}
	}
	if c.Apart > 0 && c.ApartName != "" {
		entries = append(entries, legendEntry{name: d.clean(c.ApartName), color: Muted, hollow: true})
	}
	d.font(false, 7.5)
	var rows [][]legendEntry
	x := 0.0
	for _, e := range entries {
		e.w = 9 + d.f.GetStringWidth(e.name) + 5
		if len(rows) == 0 || x+e.w > w {
			rows = append(rows, nil)
			x = 0
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], e)
		x += e.w
	}
	return rows
}

type legendEntry struct {
	name   string
	color  Color
	dashed bool
	hollow bool
	w      float64
}

const legendLine = 4.5

func (c LineChart) bodyHeight(d *Doc, w float64) float64 {
	return 2 + c.plotHeight() + 6 + float64(len(c.legend(d, w)))*legendLine
}

// drawBody draws the plot. Points that were not reported leave a gap in the
// line; a point with no reported neighbour is drawn as a dot.
func (c LineChart) drawBody(d *Doc, left, y, width float64) {
	f := d.f
	plotH := c.plotHeight()
	top := y + 2

	lo, hi := 0.0, c.Max
	any := false
	for _, s := range c.Series {
		for _, v := range s.Values {
			if finite(v) {
				any = true
				lo = math.Min(lo, v)
				if c.Max == 0 {
					hi = math.Max(hi, v)
				}
			}
		}
	}
	d.font(false, 7)
	ticks := readableTicks(func(string) float64 { return titleLine }, lo, hi, plotH)
	lo, hi = ticks[0], ticks[len(ticks)-1]
	dec := tickDecimals(ticks)
	axisW := 0.0
	for _, t := range ticks {
		axisW = math.Max(axisW, f.GetStringWidth(roadmap.FormatNumber(t, dec)))
	}
	n := len(c.Labels)
	// Room on the right for the labels of the latest values.
	d.font(true, 7)
	endW := 0.0
	for _, s := range c.Series {
		if k := min(len(s.Values), n) - 1; k >= 0 && finite(s.Values[k]) {
			endW = math.Max(endW, f.GetStringWidth(roadmap.FormatNumber(s.Values[k], c.Decimals))+2)
		}
	}
	x0 := left + axisW + 3
	plotW := left + width - endW - x0
	xAt := func(i int) float64 {
		if n <= 1 {
			return x0 + plotW/2
		}
		return x0 + 3 + float64(i)*(plotW-6)/float64(n-1)
	}
	yAt := func(v float64) float64 { return top + plotH - (v-lo)/(hi-lo)*plotH }

	d.font(false, 7)
	d.lineWidth(0.15)
	d.setColor(Muted)
	for _, t := range ticks {
		y := yAt(t)
		d.setDraw(Light)
		f.Line(x0, y, x0+plotW, y)
		s := roadmap.FormatNumber(t, dec)
		f.Text(x0-1.5-f.GetStringWidth(s), y+1.2, s)
	}
	d.setDraw(Muted)
	f.Line(x0, top, x0, top+plotH)
	f.Line(x0, top+plotH, x0+plotW, top+plotH)

	// Period labels: skip some when they would touch, always keeping the
	// first and the last.
	widest := 0.0
	for _, l := range c.Labels {
		widest = math.Max(widest, f.GetStringWidth(d.clean(l)))
	}
	step := 1
	if n > 1 {
		gap := (plotW - 6) / float64(n-1)
		step = max(1, int(math.Ceil((widest+2)/gap)))
	}
	for i, l := range c.Labels {
		x := xAt(i)
		f.Line(x, top+plotH, x, top+plotH+1)
		if show := i == n-1 || (i%step == 0 && n-1-i >= step); !show {
			continue
		}
		l = d.clean(l)
		f.Text(x-f.GetStringWidth(l)/2, top+plotH+4, l)
	}
	if c.Unit != "" {
		u := d.clean(c.Unit)
		f.Text(x0+1, top-1, u)
	}
	if !any {
		d.font(false, 8)
		f.Text(x0+plotW/2-f.GetStringWidth(NotReported)/2, top+plotH/2, NotReported)
	}
	apart := min(max(c.Apart, 0), n)
	if apart > 0 && apart < n {
		// A dotted rule between the points apart and the comparable ones.
		xs := (xAt(apart-1) + xAt(apart)) / 2
		d.setDraw(Rule)
		d.lineWidth(0.2)
		f.SetDashPattern([]float64{0.4, 0.8}, 0)
		f.Line(xs, top, xs, top+plotH)
		f.SetDashPattern(nil, 0)
	}

	type endLabel struct {
		text  string
		x, y  float64
		color Color
	}
	var ends []endLabel
	for si, s := range c.Series {
		col := s.Color
		if col == (Color{}) {
			col = Accent
		}
		d.setDraw(col)
		d.setFill(col)
		d.lineWidth(0.6)
		if s.Dashed {
			f.SetDashPattern([]float64{1.5, 1}, 0)
		}
		if !s.Points {
			for _, i := range joined(s.Values, n, apart) {
				f.Line(xAt(i-1), yAt(s.Values[i-1]), xAt(i), yAt(s.Values[i]))
			}
		}
		f.SetDashPattern(nil, 0)
		for i, v := range s.Values {
			if i >= n || !finite(v) {
				continue
			}
			if i < apart || s.Points {
				d.lineWidth(0.4)
				d.setFill(White)
				f.Circle(xAt(i), yAt(v), 1.1, "FD")
				d.setFill(col)
				continue
			}
			f.Circle(xAt(i), yAt(v), 0.7, "F")
		}
		// Label the latest reported value, where the reader looks first.
		for i := min(len(s.Values), n) - 1; i >= apart; i-- {
			if v := s.Values[i]; finite(v) {
				d.font(true, 7)
				t := roadmap.FormatNumber(v, c.Decimals)
				if i == n-1 {
					ends = append(ends, endLabel{t, xAt(i) + 1.5, yAt(v) + 1, col})
					break
				}
				x := math.Min(xAt(i)-f.GetStringWidth(t)/2, x0+plotW-f.GetStringWidth(t))
				ends = append(ends, endLabel{t, x, yAt(v) - 2 - float64(si)*3, col})
				break
			}
		}
	}
	// Keep the labels of the latest values from overlapping: push them apart
	// vertically, in order.
	slices.SortStableFunc(ends, func(a, b endLabel) int { return cmp.Compare(a.y, b.y) })
	for i := 1; i < len(ends); i++ {
		if ends[i].y-ends[i-1].y < 2.8 && math.Abs(ends[i].x-ends[i-1].x) < 12 {
			ends[i].y = ends[i-1].y + 2.8
		}
	}
	for _, e := range ends {
		d.font(true, 7)
		d.setColor(e.color)
		f.Text(e.x, e.y, e.text)
	}

	rows := c.legend(d, width)
	for ri, row := range rows {
		ly := top + plotH + 8 + float64(ri)*legendLine
		x := left
		for _, e := range row {
			d.setDraw(e.color)
			switch {
			case e.hollow:
				d.lineWidth(0.4)
				d.setFill(White)
				f.Circle(x+3.5, ly-1, 1.1, "FD")
			default:
				d.lineWidth(0.6)
				if e.dashed {
					f.SetDashPattern([]float64{1.5, 1}, 0)
				}
				f.Line(x, ly-1, x+7, ly-1)
				f.SetDashPattern(nil, 0)
			}
			d.font(false, 7.5)
			d.setColor(Text)
			f.Text(x+9, ly, e.name)
			x += e.w
		}
	}
}

// joined lists the points i of the first n values that a line joins to the
// point before them: both reported, and neither among the first apart points.
func joined(values []float64, n, apart int) []int {
	var out []int
	for i := max(apart, 0) + 1; i < len(values) && i < n; i++ {
		if finite(values[i-1]) && finite(values[i]) {
			out = append(out, i)
		}
	}
	return out
}

// NiceTicks returns about n evenly spaced round tick values (steps of 1, 2, 2.5
// or 5 times a power of ten) that cover lo..hi and include zero when the range
// does. An empty range gets 0..1.
func NiceTicks(lo, hi float64, n int) []float64 {
	if !finite(lo) || !finite(hi) {
		lo, hi = 0, 1
	}
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		if hi == 0 {
			hi = 1
		} else if hi > 0 {
			lo = 0
		} else {
			hi = 0
		}
	}
	n = max(n, 2)
	raw := (hi - lo) / float64(n-1)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag * 10
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	start := math.Floor(lo/step) * step
	end := math.Ceil(hi/step) * step
	var out []float64
	for i := 0; ; i++ {
		v := start + float64(i)*step
		if v > end+step/2 || i > 100 {
			break
		}
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

// tickDecimals is how many decimals the ticks need to read distinctly.
func tickDecimals(ticks []float64) int {
	dec := 0
	for _, t := range ticks {
		s := strings.TrimRight(strings.TrimRight(roadmap.FormatNumber(t, 6), "0"), ".")
		if _, frac, ok := strings.Cut(s, "."); ok {
			dec = max(dec, len(frac))
		}
	}
	return min(dec, 3)
}
