package samples

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/seesac/roadmap"
)

// model is the samples' model of the built-in catalogue, built once: tests
// only read it.
var model = sync.OnceValues(func() (*Data, error) {
	cat, err := builtin()
	if err != nil {
		return nil, err
	}
	return Build(cat)
})

func build(t *testing.T) (*roadmap.Catalogue, *Data) {
	t.Helper()
	cat := defaultCatalogue(t)
	d, err := model()
	if err != nil {
		t.Fatal(err)
	}
	return cat, d
}

func find(d *Data, j, p string) *Workbook {
	for i := range d.Valid {
		if d.Valid[i].Jurisdiction == j && d.Valid[i].Period.String() == p {
			return &d.Valid[i]
		}
	}
	return nil
}

func TestPeriodsCoverBaselineAndHalfYears(t *testing.T) {
	t.Parallel()
	ps, err := Periods(defaultCatalogue(t))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.String())
	}
	want := "2018 2019-H1 2019-H2 2020-H1 2020-H2 2021-H1 2021-H2 2022-H1 2022-H2 2023-H1 2023-H2 2024-H1 2024-H2 2025-H1 2025-H2 2026-H1"
	if strings.Join(got, " ") != want {
		t.Errorf("periods:\n got %s\nwant %s", strings.Join(got, " "), want)
	}

	// A catalogue reported yearly throughout has yearly rounds.
	yearly := *defaultCatalogue(t)
	yearly.NarrativeCadence, yearly.Previous = roadmap.Yearly, nil
	ps, err = Periods(&yearly)
	if err != nil {
		t.Fatal(err)
	}
	if first, last := ps[1].String(), ps[len(ps)-1].String(); first != "2019" || last != "2025" {
		t.Errorf("yearly periods run %s to %s, want 2019 to 2025", first, last)
	}
}

func TestEveryJurisdictionAndPeriodButTheGap(t *testing.T) {
	t.Parallel()
	cat, d := build(t)
	ps, _ := Periods(cat)
	if want := len(cat.Jurisdictions)*len(ps) - 1; len(d.Valid) != want {
		t.Errorf("%d valid samples, want %d", len(d.Valid), want)
	}
	if find(d, "ME", "2021-H1") != nil {
		t.Error("ME 2021-H1 should be missing")
	}
	if len(d.Missing) != 1 || d.Missing[0].Jurisdiction != "ME" || d.Missing[0].Period.String() != "2021-H1" {
		t.Errorf("Missing = %v, want ME 2021-H1", d.Missing)
	}
	for _, j := range cat.Jurisdictions {
		for _, p := range ps {
			if j.Code == "ME" && p.String() == "2021-H1" {
				continue
			}
			w := find(d, j.Code, p.String())
			if w == nil {
				t.Errorf("no sample for %s %s", j.Code, p)
				continue
			}
			if want := "workbooks/valid/" + j.Code + "/roadmap-" + j.Code + "-" + p.String() + ".xlsx"; w.Path != want {
				t.Errorf("path %s, want %s", w.Path, want)
			}
		}
	}
}

func TestValuesFollowTheCatalogueRules(t *testing.T) {
	t.Parallel()
	root, d := build(t)
	for _, w := range d.Valid {
		cat := root.InForce(w.Period)
		rows := cat.RowsDue(w.Period)
		if len(w.Values) != len(rows) {
			t.Fatalf("%s: %d values for %d rows", w.Path, len(w.Values), len(rows))
		}
		for i, v := range w.Values {
			if v.Row != rows[i].Code {
				t.Fatalf("%s: value %d is row %s, want %s", w.Path, i, v.Row, rows[i].Code)
			}
			if p, _ := rows[i].Indicator.PeriodIn(w.Period); v.Period != p {
				t.Fatalf("%s: %s is for %s, want %s", w.Path, v.Row, v.Period, p)
			}
			if !v.Reported {
				continue
			}
			ind := rows[i].Indicator
			switch ind.Kind {
			case roadmap.Count:
				if v.Number < 0 || v.Number != math.Trunc(v.Number) {
					t.Errorf("%s %s: count %v", w.Path, v.Row, v.Number)
				}
			case roadmap.Quantity:
				if v.Number < 0 {
					t.Errorf("%s %s: quantity %v", w.Path, v.Row, v.Number)
				}
			case roadmap.Percent:
				if v.Number < 0 || v.Number > 100 {
					t.Errorf("%s %s: percent %v", w.Path, v.Row, v.Number)
				}
			case roadmap.Status:
				if ind.LevelIndex(v.Level) < 0 {
					t.Errorf("%s %s: level %q not on the scale", w.Path, v.Row, v.Level)
				}
			}
		}
		for _, ind := range cat.Due(w.Period) {
			if ind.Breakdown == nil {
				continue
			}
			total, _ := w.Value(ind.Code)
			sum := 0.0
			for _, r := range ind.Rows()[1:] {
				v, _ := w.Value(r.Code)
				sum += v.Number
			}
			switch ind.Breakdown.Rule {
			case roadmap.PartsEqualTotal:
				if math.Abs(sum-total.Number) > 1e-9 {
					t.Errorf("%s %s: parts add up to %v, total %v", w.Path, ind.Code, sum, total.Number)
				}
			case roadmap.PartsAtMostTotal:
				if sum > total.Number+1e-9 {
					t.Errorf("%s %s: parts %v exceed total %v", w.Path, ind.Code, sum, total.Number)
				}
			}
		}
	}
}

// A status climbs and never falls back, across the switch of catalogues
// too (the samples' status indicators keep their codes).
func TestStatusLevelsNeverFallBack(t *testing.T) {
	t.Parallel()
	cat, d := build(t)
	for _, ind := range cat.Indicators {
		if ind.Kind != roadmap.Status {
			continue
		}
		for _, j := range cat.Jurisdictions {
			last, moved := -1, false
			for _, w := range d.Valid {
				v, due := w.Value(ind.Code)
				if w.Jurisdiction != j.Code || !due {
					continue
				}
				i := ind.LevelIndex(v.Level)
				if i < last {
					t.Errorf("%s %s falls back to %q in %s", j.Code, ind.Code, v.Level, w.Period)
				}
				moved = moved || (last >= 0 && i > last)
				last = i
			}
			if !moved && last < len(ind.Levels)-1 {
				t.Logf("%s %s never moves (stays at %q)", j.Code, ind.Code, ind.Levels[last])
			}
		}
	}
}

// TestMagnitudes checks the figures against docs/domain.md's orders of magnitude.
func TestMagnitudes(t *testing.T) {
	t.Parallel()
	cat, d := build(t)
	num := func(j, p, row string) float64 {
		w := find(d, j, p)
		if w == nil {
			t.Fatalf("no sample %s %s", j, p)
		}
		v, _ := w.Value(row)
		return v.Number
	}
	ps, _ := Periods(cat)
	bigEvent := false
	for _, p := range ps[1:] {
		// Flows over a year (the yearly figures of an H2 round) are about
		// twice a half-year's; a first half-year's round of yearly
		// indicators holds no figures.
		v, due := find(d, "AL", p.String()).Value("G3.1")
		if !due {
			continue
		}
		k := length(v.Period)
		if n := num("AL", p.String(), "G3.1"); n < 600*k || n > 1100*k {
			t.Errorf("AL %s: %v firearms seized, want 600-1,100 a half-year", p, n)
		}
		if n := num("AL", p.String(), "G3.2"); n < 10000*k || n > 40000*k {
			t.Errorf("AL %s: %v rounds seized, want tens of thousands", p, n)
		}
		if n := num("AL", p.String(), "G5.2"); n < 180*k || n > 320*k {
			t.Errorf("AL %s: %v incidents, want about 250-300 a half-year", p, n)
		}
		if p.String() != "2021-H1" && num("RS", p.String(), "G3.1") <= num("ME", p.String(), "G3.1") {
			t.Errorf("%s: Serbia seized no more than Montenegro", p)
		}
		for _, j := range cat.Jurisdictions {
			if w := find(d, j.Code, p.String()); w != nil {
				if v, _ := w.Value("G6.1"); v.Number >= 3000 {
					bigEvent = true
				}
			}
		}
	}
	if !bigEvent {
		t.Error("no destruction event of thousands of weapons")
	}
	// Region-wide incidents a year: about 3,000-3,500 (docs/domain.md).
	year := 0.0
	for _, j := range cat.Jurisdictions {
		year += num(j.Code, "2022-H1", "G5.2") + num(j.Code, "2022-H2", "G5.2")
	}
	if year < 2500 || year > 4000 {
		t.Errorf("region-wide incidents in 2022: %v, want about 3,000-3,500", year)
	}
	// The baseline is a year: its flows are about twice a half-year's.
	if b, h := num("AL", "2018", "G5.2"), num("AL", "2019-H1", "G5.2"); b < 1.6*h || b > 2.6*h {
		t.Errorf("AL incidents: baseline year %v against half-year %v", b, h)
	}
	if v := num("RS", "2023-H1", "G5.1"); v < 70000 {
		t.Errorf("RS 2023-H1 amnesty: %v firearms surrendered, want about 78,000", v)
	}
}

func TestDeliberateGaps(t *testing.T) {
	t.Parallel()
	cat, d := build(t)
	w := find(d, "BA", "2020-H2")
	if v, ok := w.Value("G3.3"); !ok || v.Reported {
		t.Errorf("BA 2020-H2 G3.3 should be blank, is %+v", v)
	}
	if ind, _ := cat.Indicator("G3.3"); ind.Required {
		t.Error("the blank KPI must be one that is not required")
	}
	blanks := 0
	for _, w := range d.Valid {
		for _, v := range w.Values {
			if !v.Reported {
				blanks++
			}
		}
	}
	if w := find(d, "XK", "2025-H2"); w == nil {
		t.Error("no XK 2025-H2 sample")
	} else if v, ok := w.Value("G3.3"); !ok || v.Reported || v.Period != roadmap.MustPeriod("2025") {
		t.Errorf("XK 2025 G3.3 should be blank in the 2025-H2 round, is %+v", v)
	}
	if blanks != 2 {
		t.Errorf("%d blank values in valid samples, want exactly the two gaps", blanks)
	}
	empty := map[string]bool{}
	for _, w := range d.Valid {
		for _, n := range w.Narratives {
			if n.Empty() {
				empty[w.Jurisdiction+" "+w.Period.String()+" "+n.Goal] = true
			}
		}
	}
	if want := map[string]bool{"XK 2019-H2 G7": true, "MK 2022-H1 G2": true, "RS 2025-H2 G6": true}; !reflect.DeepEqual(empty, want) {
		t.Errorf("goals without narrative: %v, want %v", empty, want)
	}
}

func TestCoversAndNarratives(t *testing.T) {
	t.Parallel()
	cat, d := build(t)
	text := &strings.Builder{}
	for _, w := range d.Valid {
		c := w.Cover
		if c.Institution == "" || c.Contact == "" || !strings.Contains(c.Email, "@") || !c.Final {
			t.Errorf("%s: cover incomplete: %+v", w.Path, c)
		}
		date, err := roadmap.ParseDate(c.Date)
		if err != nil {
			t.Fatalf("%s: %v", w.Path, err)
		}
		if date.Compare(roadmap.DateOf(w.Period.Last())) <= 0 {
			t.Errorf("%s: sent %s, before the period ended", w.Path, c.Date)
		}
		if len(w.Narratives) != len(cat.Goals) {
			t.Errorf("%s: %d narratives for %d goals", w.Path, len(w.Narratives), len(cat.Goals))
		}
		text.WriteString(c.Institution + c.Contact)
		for _, n := range w.Narratives {
			text.WriteString(n.Progress + n.Challenges + n.Support)
		}
		for _, v := range w.Values {
			text.WriteString(v.Comment)
		}
	}
	all := text.String()
	for _, s := range []string{"Tarčin", "Prishtinë / Priština", "Скопје", "Tiranë", "Ђорђе Њежић", "С́ецање", "Ѓорѓи", "Ѕвонче", "Çela", "Šćepanović"} {
		if !strings.Contains(all, s) {
			t.Errorf("no sample text contains %q", s)
		}
	}
	for _, r := range all {
		if r > 0xFFFF {
			t.Errorf("sample text has %q outside the Basic Multilingual Plane (an emoji?)", r)
			break
		}
	}
}

// TestOtherCatalogue makes samples for a catalogue the recipes do not know:
// another roadmap with yearly periods and a jurisdiction without a persona.
func TestOtherCatalogue(t *testing.T) {
	t.Parallel()
	cat := &roadmap.Catalogue{
		ID: "caribbean", Version: "1", Cadence: roadmap.Yearly, Baseline: roadmap.Period{Year: 2020},
		Jurisdictions: []roadmap.Jurisdiction{{Code: "JM", Name: "Jamaica", Capital: "Kingston"}, {Code: "TT", Name: "Trinidad and Tobago", Capital: "Port of Spain"}},
		Goals:         []roadmap.Goal{{Code: "A", Number: 1, Title: "Reduce trafficking"}},
		Indicators: []roadmap.Indicator{
			{Code: "A.1", Goal: "A", Kind: roadmap.Count, Required: true,
				Breakdown: &roadmap.Breakdown{By: "sex", Rule: roadmap.PartsEqualTotal, Parts: []roadmap.Part{{Code: "f"}, {Code: "m"}}}},
			{Code: "A.2", Goal: "A", Kind: roadmap.Percent},
			{Code: "A.3", Goal: "A", Kind: roadmap.Status, Levels: []string{"no", "yes"}},
		},
	}
	d, err := Build(cat)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Generate(dir, cat); err != nil {
		t.Fatalf("Generate for another catalogue: %v", err)
	}
	for _, f := range d.Files() {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			t.Error(err)
		}
	}
	if len(d.Valid) != 2*6 { // 2020 to 2025
		t.Errorf("%d samples, want 12", len(d.Valid))
	}
	for _, w := range d.Valid {
		if n, _ := w.Narrative("A"); n.Empty() || !strings.Contains(n.Progress, "Kingston") && !strings.Contains(n.Progress, "Port of Spain") {
			t.Errorf("%s: narrative %+v", w.Path, n)
		}
		tot, _ := w.Value("A.1")
		f, _ := w.Value("A.1/f")
		m, _ := w.Value("A.1/m")
		if f.Number+m.Number != tot.Number {
			t.Errorf("%s: parts %v+%v, total %v", w.Path, f.Number, m.Number, tot.Number)
		}
	}
}
