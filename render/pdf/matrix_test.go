package pdf

import (
	"fmt"
	"reflect"
	"testing"
)

// A matrix of more jurisdictions than fit across the page is drawn a
// jurisdiction a row, with every level where the untransposed one had it.
func TestMatrixTransposesWhenTooWide(t *testing.T) {
	t.Parallel()
	levels := []string{"none", "draft", "adopted"}
	build := func(n int) Matrix {
		m := Matrix{Corner: "Item", Across: "Jurisdiction", Levels: levels,
			Rows: []MatrixRow{{Label: "Law"}, {Label: "Strategy"}}}
		for i := range n {
			m.Columns = append(m.Columns, fmt.Sprintf("J%02d", i))
			m.Rows[0].Cells = append(m.Rows[0].Cells, levels[i%3])
			if i != 3 {
				m.Rows[1].Cells = append(m.Rows[1].Cells, levels[(i+1)%3])
			} else {
				m.Rows[1].Cells = append(m.Rows[1].Cells, "")
			}
		}
		return m
	}

	narrow := build(MaxMatrixColumns).Table()
	if len(narrow.Columns) != MaxMatrixColumns+1 || len(narrow.Rows) != 2 {
		t.Fatalf("%d jurisdictions: %d columns, %d rows; want them across", MaxMatrixColumns, len(narrow.Columns), len(narrow.Rows))
	}

	wide := build(16).Table()
	var titles []string
	for _, c := range wide.Columns {
		titles = append(titles, c.Title)
	}
	if want := []string{"Jurisdiction", "Law", "Strategy"}; !reflect.DeepEqual(titles, want) {
		t.Fatalf("16 jurisdictions: columns %q, want %q", titles, want)
	}
	if len(wide.Rows) != 16 {
		t.Fatalf("16 jurisdictions: %d rows, want one each", len(wide.Rows))
	}
	for i, row := range wide.Rows {
		if row[0].Text != fmt.Sprintf("J%02d", i) {
			t.Errorf("row %d is %q", i, row[0].Text)
		}
		if got, want := row[1].Text, levels[i%3]; got != want {
			t.Errorf("row %d law = %q, want %q", i, got, want)
		}
		if i == 3 {
			if !row[2].Missing {
				t.Errorf("row 3 strategy = %q, want it shown as not reported", row[2].Text)
			}
		} else if got, want := row[2].Text, levels[(i+1)%3]; got != want {
			t.Errorf("row %d strategy = %q, want %q", i, got, want)
		}
	}
}
