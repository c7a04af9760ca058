package roadmap

import (
	"math"
	"testing"
)

func TestFormatNumber(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		v    float64
		dec  int
		want string
	}{
		{0, 0, "0"}, {12, 0, "12"}, {1234, 0, "1,234"}, {1234567, 0, "1,234,567"},
		{1234567.891, 2, "1,234,567.89"}, {-1500, 0, "-1,500"}, {-0.04, 1, "0.0"},
		{999.96, 1, "1,000.0"}, {100, 1, "100.0"}, {math.NaN(), 0, ""},
		{11269, -1, "11,269"}, {1234.5, -1, "1,234.5"}, {0.25, -1, "0.25"}, {-77914, -1, "-77,914"},
		{math.Inf(1), 0, "∞"}, {math.Inf(-1), 2, "-∞"},
	} {
		if got := FormatNumber(c.v, c.dec); got != c.want {
			t.Errorf("FormatNumber(%v, %d) = %q, want %q", c.v, c.dec, got, c.want)
		}
	}
}

func TestPrintable(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"roadmap-AL-2026-H1.xlsx":   "roadmap-AL-2026-H1.xlsx",
		"Tiranë Приштина 2026.xlsx": "Tiranë Приштина 2026.xlsx",
		"evil\x1b[31m.xlsx":         `"evil\x1b[31m.xlsx"`,
		"a\r\nb.xlsx":               `"a\r\nb.xlsx"`,
		"csi\u009b2J.xlsx":          `"csi\u009b2J.xlsx"`,
		"latin1-\xe9.xlsx":          `"latin1-\xe9.xlsx"`,
		"tab\t.xlsx":                `"tab\t.xlsx"`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %s, want %s", in, got, want)
		}
	}
}
