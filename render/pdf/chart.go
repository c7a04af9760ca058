package pdf

import (
	"math"
	"strings"
)

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
	Title    string
	Unit     string // axis caption
	Bars     []Bar
	Decimals int
	Max      float64 // fixed upper end of the axis (100 for percents); from the data when zero
}

const (
	chartTitleH = 6.0
	barH        = 5.2
	barGap      = 2.0
	axisH       = 9.0
)

// BarChart draws c at the current position; it is kept on one page.
func (d *Doc) BarChart(c BarChart) {
	h := chartTitleH + float64(len(c.Bars))*(barH+barGap) + axisH + 3
	d.Need(h)
	f := d.f
	y0 := f.GetY()
	d.chartTitle(c.Title, y0)
	top := y0 + chartTitleH

	// Label column: as wide as the longest label, within limits; longer ones
	// are shortened with an ellipsis.
	d.font(false, 8)
	labelW := 20.0
	for _, b := range c.Bars {
		labelW = math.Max(labelW, f.GetStringWidth(d.clean(b.Label))+3)
	}
	labelW = math.Min(labelW, 52)
	valueW := 20.0
	x0 := MarginLeft + labelW
	plotW := ContentWidth - labelW - valueW

	lo, hi := 0.0, c.Max
	for _, b := range c.Bars {
		if finite(b.Value) {
			lo = math.Min(lo, b.Value)
			if c.Max == 0 {
				hi = math.Max(hi, b.Value)
			}
		}
	}
	ticks := NiceTicks(lo, hi, 5)
	lo, hi = ticks[0], ticks[len(ticks)-1]
	scale := func(v float64) float64 { return x0 + (v-lo)/(hi-lo)*plotW }
	plotH := float64(len(c.Bars))*(barH+barGap) + barGap

	// Grid lines and ticks.
	f.SetLineWidth(0.15)
	d.setDraw(Light)
	for _, t := range ticks {
		x := scale(t)
		f.Line(x, top, x, top+plotH)
	}
	d.setDraw(Muted)
	f.Line(x0, top+plotH, x0+plotW, top+plotH)
	d.font(false, 7)
	d.setColor(Muted)
	for _, t := range ticks {
		x := scale(t)
		f.Line(x, top+plotH, x, top+plotH+1)
		s := FormatNumber(t, tickDecimals(ticks))
		w := f.GetStringWidth(s)
		f.Text(x-w/2, top+plotH+4, s)
	}
	if c.Unit != "" {
		u := d.clean(c.Unit)
		f.Text(x0+plotW-f.GetStringWidth(u), top+plotH+7.8, u)
	}

	for i, b := range c.Bars {
		y := top + barGap + float64(i)*(barH+barGap)
		d.font(b.Highlight, 8)
		d.setColor(Text)
		label := fit(f, d.clean(b.Label), labelW-3)
		f.Text(x0-2-f.GetStringWidth(label), y+barH*0.72, label)
		if !finite(b.Value) {
			d.font(false, 7.5)
			d.setColor(Muted)
			d.setDraw(Rule)
			f.SetDashPattern([]float64{0.8, 0.8}, 0)
			f.Rect(scale(0), y, 12, barH, "D")
			f.SetDashPattern(nil, 0)
			f.Text(scale(0)+14, y+barH*0.72, NotReported)
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
		f.Text(xb+1.2, y+barH*0.72, FormatNumber(b.Value, c.Decimals))
	}
	f.SetXY(MarginLeft, y0+h)
	d.font(false, 10)
	d.setColor(Text)
}

func (d *Doc) chartTitle(title string, y float64) {
	d.font(true, 8.5)
	d.setColor(Text)
	d.f.SetXY(MarginLeft, y)
	d.f.CellFormat(ContentWidth, 5, fit(d.f, d.clean(title), ContentWidth), "", 0, "L", false, 0, "")
}

// Series is one line of a line chart; a NaN value is a gap (not reported).
type Series struct {
	Name   string
	Values []float64 // one per label
	Color  Color     // Accent when zero
	Dashed bool
}

// LineChart is a trend over periods.
type LineChart struct {
	Title    string
	Unit     string
	Labels   []string // the periods, oldest first
	Series   []Series
	Decimals int
	Max      float64 // fixed upper end (100 for percents); from the data when zero
	Height   float64 // plot height in mm; 45 when zero
}

// LineChart draws c at the current position; it is kept on one page. Points
// that were not reported leave a gap in the line; a point with no reported
// neighbour is drawn as a dot.
func (d *Doc) LineChart(c LineChart) {
	plotH := c.Height
	if plotH == 0 {
		plotH = 45
	}
	legendH := 0.0
	if len(c.Series) > 1 {
		legendH = 6
	}
	h := chartTitleH + plotH + 12 + legendH
	d.Need(h)
	f := d.f
	y0 := f.GetY()
	d.chartTitle(c.Title, y0)
	top := y0 + chartTitleH + 2

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
	ticks := NiceTicks(lo, hi, 5)
	lo, hi = ticks[0], ticks[len(ticks)-1]
	dec := tickDecimals(ticks)
	d.font(false, 7)
	axisW := 0.0
	for _, t := range ticks {
		axisW = math.Max(axisW, f.GetStringWidth(FormatNumber(t, dec)))
	}
	x0 := MarginLeft + axisW + 3
	plotW := PageWidth - MarginRight - 4 - x0
	n := len(c.Labels)
	xAt := func(i int) float64 {
		if n <= 1 {
			return x0 + plotW/2
		}
		return x0 + 3 + float64(i)*(plotW-6)/float64(n-1)
	}
	yAt := func(v float64) float64 { return top + plotH - (v-lo)/(hi-lo)*plotH }

	f.SetLineWidth(0.15)
	d.setColor(Muted)
	for _, t := range ticks {
		y := yAt(t)
		d.setDraw(Light)
		f.Line(x0, y, x0+plotW, y)
		s := FormatNumber(t, dec)
		f.Text(x0-1.5-f.GetStringWidth(s), y+1.2, s)
	}
	d.setDraw(Muted)
	f.Line(x0, top, x0, top+plotH)
	f.Line(x0, top+plotH, x0+plotW, top+plotH)

	// Period labels: skip some when they would touch, always keeping the last.
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

	for si, s := range c.Series {
		col := s.Color
		if col == (Color{}) {
			col = Accent
		}
		d.setDraw(col)
		d.setFill(col)
		f.SetLineWidth(0.6)
		if s.Dashed {
			f.SetDashPattern([]float64{1.5, 1}, 0)
		}
		for i := 1; i < len(s.Values) && i < n; i++ {
			a, b := s.Values[i-1], s.Values[i]
			if finite(a) && finite(b) {
				f.Line(xAt(i-1), yAt(a), xAt(i), yAt(b))
			}
		}
		f.SetDashPattern(nil, 0)
		for i, v := range s.Values {
			if i < n && finite(v) {
				f.Circle(xAt(i), yAt(v), 0.7, "F")
			}
		}
		// Label the latest reported value, where the reader looks first.
		for i := min(len(s.Values), n) - 1; i >= 0; i-- {
			if v := s.Values[i]; finite(v) {
				d.font(true, 7)
				d.setColor(col)
				t := FormatNumber(v, c.Decimals)
				x := math.Min(xAt(i)-f.GetStringWidth(t)/2, x0+plotW-f.GetStringWidth(t))
				f.Text(x, yAt(v)-2-float64(si)*3, t)
				break
			}
		}
	}
	if len(c.Series) > 1 {
		y := top + plotH + 8
		x := x0
		for _, s := range c.Series {
			col := s.Color
			if col == (Color{}) {
				col = Accent
			}
			d.setDraw(col)
			f.SetLineWidth(0.6)
			if s.Dashed {
				f.SetDashPattern([]float64{1.5, 1}, 0)
			}
			f.Line(x, y-1, x+7, y-1)
			f.SetDashPattern(nil, 0)
			d.font(false, 7.5)
			d.setColor(Text)
			name := d.clean(s.Name)
			f.Text(x+9, y, name)
			x += 14 + f.GetStringWidth(name)
		}
	}
	f.SetLineWidth(0.2)
	f.SetXY(MarginLeft, y0+h)
	d.font(false, 10)
	d.setColor(Text)
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
		s := strings.TrimRight(strings.TrimRight(FormatNumber(t, 6), "0"), ".")
		if _, frac, ok := strings.Cut(s, "."); ok {
			dec = max(dec, len(frac))
		}
	}
	return min(dec, 3)
}
