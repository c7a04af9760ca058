package templates

import (
	"errors"
	"fmt"
	"strings"

	"github.com/seesac/roadmap"
)

// checkCycle checks what a catalogue says about the reporting cycle
// (docs/cycle.md): the succession keys, and each indicator's ratio and
// continued code.
func (c *checker) checkCycle(d *roadmap.Catalogue, baseline roadmap.Period) {
	switch {
	case !d.From.IsZero() && d.Succeeds == nil:
		c.add("from", "from says when this catalogue takes over from the one it succeeds: add succeeds: {id: ...}, or remove from")
	case d.From.IsZero() && d.Succeeds != nil && !c.bad["from"]:
		c.add("succeeds", "a catalogue that succeeds another needs the first period it governs: add from: such as 2025-H1")
	case d.From.IsYear():
		c.add("from", "a catalogue takes over at the start of a half-year: write %d-H1", d.From.Year)
	case !d.From.IsZero() && !baseline.IsZero() && !baseline.Before(d.From):
		c.add("from", "the first period governed, %s, must come after the baseline %s", d.From, baseline)
	}
	rows := map[string]*roadmap.Indicator{}
	for i := range d.Indicators {
		ind := &d.Indicators[i]
		for _, r := range ind.Rows() {
			rows[r.Code] = ind
		}
	}
	for i := range d.Indicators {
		ind := &d.Indicators[i]
		path := fmt.Sprintf("indicators[%d]", i)
		if ind.Changed != "" && ind.Continues == "" {
			c.add(path+".changed", "changed says what changed against the indicator this one continues: add continues: CODE, or remove changed")
		}
		if ind.Continues != "" && d.Succeeds == nil {
			c.add(path+".continues", "only a catalogue that succeeds another can continue its indicators: add succeeds: {id: ...} and from:")
		}
		r := ind.Ratio
		if r == nil {
			continue
		}
		if ind.Kind != roadmap.Percent {
			c.add(path+".ratio", "only a percent can be a ratio of two reported figures, and this is a %s: remove the ratio", ind.Kind)
			continue
		}
		if ind.Measure == roadmap.Stock {
			c.add(path+".measure", "a share defined as a ratio is a share of figures over the period: write measure: flow, or remove the ratio")
		}
		for _, side := range []struct{ key, row string }{{"numerator", r.Numerator}, {"denominator", r.Denominator}} {
			src, ok := rows[side.row]
			switch {
			case side.row == "":
			case !ok:
				c.add(path+".ratio."+side.key, "%q is not a row of this catalogue: write an indicator code, or a code and part such as G4.2/female", side.row)
			case src.Kind != roadmap.Count && src.Kind != roadmap.Quantity:
				c.add(path+".ratio."+side.key, "%s is a %s; a ratio is made of counts or quantities", side.row, src.Kind)
			case src.Cadence != ind.Cadence:
				c.add(path+".ratio."+side.key, "%s is reported %s, but this share %s: give both the same cadence", side.row, orCatalogue(src.Cadence), orCatalogue(ind.Cadence))
			}
		}
	}
}

// fillDefaults gives each item without a cadence the catalogue's, each
// indicator without a baseline the catalogue's, and each indicator without
// a measure its kind's: a flow for counts and quantities
// (seized, destroyed in the period), a state at the end of the period for
// percents and statuses.
func fillDefaults(cat *roadmap.Catalogue) {
	if cat.NarrativeCadence == "" {
		cat.NarrativeCadence = cat.Cadence
	}
	for i := range cat.Indicators {
		ind := &cat.Indicators[i]
		if ind.Cadence == "" {
			ind.Cadence = cat.Cadence
		}
		if ind.Baseline.IsZero() {
			ind.Baseline = cat.Baseline
		}
		if ind.Measure == "" {
			ind.Measure = roadmap.Stock
			if ind.Kind == roadmap.Count || ind.Kind == roadmap.Quantity {
				ind.Measure = roadmap.Flow
			}
		}
	}
}

func orCatalogue(cadence roadmap.Cadence) string {
	if cadence == "" {
		return "as the catalogue"
	}
	return string(cadence)
}

// link finds the catalogue that cat succeeds and checks that the two fit:
// the right id, a later start, the same jurisdictions, and every continued
// code present in the predecessor.
func (c *checker) link(cat *roadmap.Catalogue, resolve func(roadmap.Succession) (*roadmap.Catalogue, error)) {
	prev, err := resolve(*cat.Succeeds)
	if err != nil {
		msg := err.Error()
		var ps roadmap.Problems
		if errors.As(err, &ps) {
			msg = "it has problems of its own:\n" + ps.Error()
		}
		c.add("succeeds", "the catalogue it succeeds could not be read: %s", msg)
		return
	}
	if prev.ID != cat.Succeeds.ID {
		c.add("succeeds.id", "the file names the catalogue %q, but succeeds says %q: correct the id or the file", prev.ID, cat.Succeeds.ID)
		return
	}
	if _, ok := prev.Find(cat.ID); ok {
		c.add("succeeds", "catalogue %q would succeed itself: each catalogue in a succession needs its own id", cat.ID)
		return
	}
	if !prev.From.IsZero() && !prev.From.Before(cat.From) {
		c.add("from", "%s must come after %s, when %q took over", cat.From, prev.From, prev.ID)
	}
	var codes []string
	for _, j := range cat.Jurisdictions {
		codes = append(codes, j.Code)
	}
	var prevCodes []string
	for _, j := range prev.Jurisdictions {
		prevCodes = append(prevCodes, j.Code)
	}
	if strings.Join(codes, ",") != strings.Join(prevCodes, ",") {
		c.add("jurisdictions", "the jurisdictions (%s) differ from those of %q (%s): a succession keeps the same jurisdictions in the same order", listOf(codes), prev.ID, listOf(prevCodes))
	}
	for i, ind := range cat.Indicators {
		if ind.Continues == "" {
			continue
		}
		old, ok := prev.Indicator(ind.Continues)
		path := fmt.Sprintf("indicators[%d].continues", i)
		switch {
		case !ok:
			c.add(path, "%q is not an indicator of %q, the catalogue this one succeeds", ind.Continues, prev.ID)
		case old.Kind != ind.Kind:
			c.add(path, "%s of %q is a %s, and this indicator is a %s: a series can only continue an indicator of its kind", old.Code, prev.ID, old.Kind, ind.Kind)
		}
	}
	cat.Previous = prev
}
