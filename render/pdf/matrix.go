package pdf

// Matrix is a status matrix: one row per item, one column per jurisdiction,
// each cell the level reached, shaded by its rank on the scale (from the
// lowest, reddish, to the highest, green). An empty cell is not reported.
type Matrix struct {
	Corner  string   // title of the row-label column
	Columns []string // jurisdictions
	Across  string   // what the columns are ("Jurisdiction"): the corner title when drawn transposed
	Rows    []MatrixRow
	Levels  []string // the ordered scale, lowest first
}

// MatrixRow is one item of a status matrix.
type MatrixRow struct {
	Label string
	Cells []string // a level of the scale, or "" when not reported
}

// Shade is the background for level rank of a scale of n levels: light red
// for the lowest, through amber, to light green for the highest. A level
// outside the scale gets no shade.
func Shade(rank, n int) Color {
	if rank < 0 || rank >= n {
		return Color{}
	}
	low, mid, high := Color{246, 200, 200}, Color{255, 230, 160}, Color{190, 228, 196}
	if n == 1 {
		return high
	}
	t := float64(rank) / float64(n-1)
	if t <= 0.5 {
		return mix(low, mid, t*2)
	}
	return mix(mid, high, (t-0.5)*2)
}

func mix(a, b Color, t float64) Color {
	m := func(x, y int) int { return x + int(float64(y-x)*t+0.5) }
	return Color{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B)}
}

// StatusMatrix draws m as a table that breaks across pages like any other.
func (d *Doc) StatusMatrix(m Matrix) { d.Table(m.Table()) }

// Table is the table StatusMatrix draws, for a layout that measures it first
// (TableHeight) or draws it itself.
func (m Matrix) Table() Table {
	if len(m.Columns) > MaxMatrixColumns {
		return m.transposed().table()
	}
	return m.table()
}

// MaxMatrixColumns is how many jurisdictions fit across an A4 page as
// columns, level names still legible; a matrix with more is drawn
// transposed, a jurisdiction a row, rather than breaking every level name
// letter by letter.
const MaxMatrixColumns = 8

// transposed is m with its rows and columns swapped.
func (m Matrix) transposed() Matrix {
	t := Matrix{Corner: m.Across, Levels: m.Levels}
	for _, r := range m.Rows {
		t.Columns = append(t.Columns, r.Label)
	}
	for i, c := range m.Columns {
		row := MatrixRow{Label: c}
		for _, r := range m.Rows {
			level := ""
			if i < len(r.Cells) {
				level = r.Cells[i]
			}
			row.Cells = append(row.Cells, level)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func (m Matrix) table() Table {
	cols := []Column{{Title: m.Corner, Width: 1.6}}
	for _, c := range m.Columns {
		cols = append(cols, Column{Title: c, Width: 1, Align: "C"})
	}
	t := Table{Columns: cols, Size: 7.5}
	for _, r := range m.Rows {
		row := []Cell{{Text: r.Label, Bold: true}}
		for i := range m.Columns {
			level := ""
			if i < len(r.Cells) {
				level = r.Cells[i]
			}
			if level == "" {
				row = append(row, Missing())
				continue
			}
			row = append(row, Cell{Text: level, Fill: Shade(indexOf(m.Levels, level), len(m.Levels))})
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
