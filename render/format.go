package render

import "github.com/seesac/roadmap"

// Every figure of an indicator prints with the indicator's fixed number of
// decimals (the catalogue's setting), in the PDF's tables, charts and notes
// and in the data file alike, so that one figure reads the same everywhere.

// Number prints v with the indicator's decimals, thousands separators and a
// true minus sign: "1,234", "45.0", "−3.5".
func (ir *IndicatorReport) Number(v float64) string {
	s := roadmap.FormatNumber(v, ir.Decimals)
	if len(s) > 0 && s[0] == '-' {
		return "−" + s[1:]
	}
	return s
}

// Figure prints a jurisdiction's figure: its level, its number, or "not
// reported", with the derived mark after a year made from its halves.
func (ir *IndicatorReport) Figure(f Figure) string { return f.format(ir.Number) }

// Regional prints a regional figure with the indicator's decimals.
func (ir *IndicatorReport) Regional(r Regional) string { return r.format(ir.Number) }

// Change prints a change with the indicator's decimals.
func (ir *IndicatorReport) Change(c Change) string { return c.format(ir.Number) }
