package roadmap_test

import (
	"slices"
	"testing"

	"github.com/seesac/roadmap"
)

// smallCatalogue is built in code so that the root package's helpers are
// tested without the loader; it is not the Western Balkans one on purpose.
func smallCatalogue() *roadmap.Catalogue {
	return &roadmap.Catalogue{
		ID:      "test",
		Cadence: roadmap.Yearly,
		Footnotes: []roadmap.Footnote{
			{ID: "star", Forms: map[string]string{"un": "UN text", "eu": "EU text"}},
			{ID: "only-eu", Forms: map[string]string{"eu": "EU only", "zz": "ZZ"}},
		},
		Jurisdictions: []roadmap.Jurisdiction{{Code: "AG", Name: "Antigua and Barbuda"}, {Code: "BS", Name: "Bahamas", Footnote: "star"}},
		Goals:         []roadmap.Goal{{Code: "A", Number: 1}, {Code: "B", Number: 2}},
		Indicators: []roadmap.Indicator{
			{Code: "A.1", Goal: "A", Kind: roadmap.Count, Breakdown: &roadmap.Breakdown{By: "sex", Rule: roadmap.PartsEqualTotal,
				Parts: []roadmap.Part{{Code: "female", Label: "Women"}, {Code: "male", Label: "Men"}}}},
			{Code: "B.1", Goal: "B", Kind: roadmap.Status, Levels: []string{"none", "draft", "adopted"}},
			{Code: "A.2", Goal: "A", Kind: roadmap.Percent},
		},
	}
}

func TestCatalogueRows(t *testing.T) {
	t.Parallel()
	c := smallCatalogue()
	var codes []string
	for _, r := range c.Rows() {
		codes = append(codes, r.Code)
		if r.Indicator == nil {
			t.Fatalf("row %s has no indicator", r.Code)
		}
		if (r.Part == nil) != (r.Code == r.Indicator.Code) {
			t.Errorf("row %s: part %v", r.Code, r.Part)
		}
	}
	want := []string{"A.1", "A.1/female", "A.1/male", "B.1", "A.2"}
	if !slices.Equal(codes, want) {
		t.Errorf("rows = %v, want %v", codes, want)
	}
	// Rows point into the catalogue, not at copies.
	if rows := c.Rows(); rows[1].Part != &c.Indicators[0].Breakdown.Parts[0] || rows[0].Indicator != &c.Indicators[0] {
		t.Error("rows do not point into the catalogue")
	}
	if roadmap.RowCode("G3.1", "") != "G3.1" || roadmap.RowCode("G3.1", "female") != "G3.1/female" {
		t.Error("RowCode")
	}
}

func TestCatalogueLookups(t *testing.T) {
	t.Parallel()
	c := smallCatalogue()
	if j, ok := c.Jurisdiction("BS"); !ok || j.Name != "Bahamas" {
		t.Errorf("Jurisdiction(BS) = %v, %v", j, ok)
	}
	if j, ok := c.Jurisdiction(" bs "); !ok || j.Code != "BS" {
		t.Errorf("Jurisdiction(%q) = %v, %v; a code a person typed is found regardless of case and spaces", " bs ", j, ok)
	}
	if _, ok := c.Jurisdiction("B"); ok {
		t.Error("Jurisdiction(B) found")
	}
	if g, ok := c.Goal("B"); !ok || g.Number != 2 {
		t.Errorf("Goal(B) = %v, %v", g, ok)
	}
	if _, ok := c.Goal("C"); ok {
		t.Error("Goal(C) found")
	}
	if i, ok := c.Indicator("A.2"); !ok || i.Kind != roadmap.Percent {
		t.Errorf("Indicator(A.2) = %v, %v", i, ok)
	}
	if _, ok := c.Indicator("A.1/female"); ok {
		t.Error("a row code is not an indicator code")
	}
	var of []string
	for _, i := range c.IndicatorsOf("A") {
		of = append(of, i.Code)
	}
	if !slices.Equal(of, []string{"A.1", "A.2"}) {
		t.Errorf("IndicatorsOf(A) = %v", of)
	}
	if len(c.IndicatorsOf("Z")) != 0 {
		t.Error("IndicatorsOf(Z)")
	}
	st, _ := c.Indicator("B.1")
	if st.LevelIndex("draft") != 1 || st.LevelIndex("Draft") != -1 || st.LevelIndex("") != -1 {
		t.Error("LevelIndex")
	}
}

func TestCatalogueFootnote(t *testing.T) {
	t.Parallel()
	c := smallCatalogue()
	tests := []struct{ id, form, want string }{
		{"star", "un", "UN text"},
		{"star", "eu", "EU text"},
		{"only-eu", "un", "EU only"}, // falls back to the first form by name, whatever the map order
		{"missing", "un", ""},
	}
	for _, tt := range tests {
		for range 20 {
			if got := c.Footnote(tt.id, tt.form); got != tt.want {
				t.Fatalf("Footnote(%s, %s) = %q, want %q", tt.id, tt.form, got, tt.want)
			}
		}
	}
}
