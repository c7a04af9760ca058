package templates

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/seesac/roadmap"
)

func TestDefaultCatalogue(t *testing.T) {
	t.Parallel()
	cat, err := DefaultCatalogue()
	if err != nil {
		t.Fatalf("DefaultCatalogue: %v", err)
	}
	if cat.ID != "wb-salw-roadmap-2030" || !cat.Illustrative || cat.Cadence != roadmap.Yearly || cat.NarrativeCadence != roadmap.HalfYearly ||
		cat.Baseline != roadmap.MustPeriod("2018") || cat.From != roadmap.MustPeriod("2025-H1") {
		t.Errorf("header = %q illustrative=%v cadence=%q/%q baseline=%v from=%v", cat.ID, cat.Illustrative, cat.Cadence, cat.NarrativeCadence, cat.Baseline, cat.From)
	}
	phase1 := cat.Previous
	if phase1 == nil || phase1.ID != "wb-salw-roadmap" || !phase1.Illustrative || phase1.Cadence != roadmap.HalfYearly || phase1.Previous != nil {
		t.Fatalf("the catalogue it succeeds = %+v", phase1)
	}
	for p, want := range map[string]*roadmap.Catalogue{"2018": phase1, "2024-H2": phase1, "2024": phase1, "2025-H1": cat, "2025": cat, "2030-H2": cat} {
		if got := cat.InForce(roadmap.MustPeriod(p)); got != want {
			t.Errorf("InForce(%s) = %s, want %s", p, got.ID, want.ID)
		}
	}
	if got := cat.Governs(phase1) + " / " + cat.Governs(cat); got != "up to 2024-H2 / from 2025-H1" {
		t.Errorf("governs: %s", got)
	}
	// Some indicators continue Phase I codes, one is new, one was dropped,
	// one continues under another code.
	var cont, fresh int
	for i := range cat.Indicators {
		if cat.Indicators[i].Continues != "" {
			cont++
		} else {
			fresh++
		}
	}
	g74, _ := cat.Indicator("G7.4")
	_, dropped := cat.Indicator("G6.2")
	if _, had := phase1.Indicator("G6.2"); fresh != 1 || cont < 10 || g74.Continues != "G7.3" || dropped || !had {
		t.Errorf("%d continued, %d new; G7.4 continues %q; G6.2 still there: %v", cont, fresh, g74.Continues, dropped)
	}
	if len(cat.Jurisdictions) != 6 || len(cat.Goals) != 7 {
		t.Errorf("%d jurisdictions and %d goals, want 6 and 7", len(cat.Jurisdictions), len(cat.Goals))
	}
	if n := len(cat.Indicators); n < 15 || n > 20 {
		t.Errorf("%d indicators, want 15–20", n)
	}
	kinds := map[roadmap.Kind]bool{}
	bySex := false
	for _, ind := range cat.Indicators {
		kinds[ind.Kind] = true
		if ind.Breakdown != nil && ind.Breakdown.By == "sex" {
			bySex = true
		}
	}
	if len(kinds) != 4 || !bySex {
		t.Errorf("kinds %v, by-sex breakdown %v: want all four kinds and a by-sex breakdown", kinds, bySex)
	}
	sum := sha256.Sum256(defaultCatalogue)
	if cat.Hash != hex.EncodeToString(sum[:]) {
		t.Errorf("Hash = %s, want the SHA-256 of the embedded file", cat.Hash)
	}
	if got := cat.Footnote("kosovo", "un"); !strings.Contains(got, "1244") {
		t.Errorf("Kosovo footnote = %q", got)
	}
	target := cat.Indicators[0].Target
	if target == nil || target.Level != "fully aligned" {
		t.Errorf("G1.1 target = %+v", target)
	}
	g52, _ := cat.Indicator("G5.2")
	if g52.Target == nil || g52.Target.Change == nil || *g52.Target.Change != -0.5 || g52.Target.By != roadmap.MustPeriod("2030") {
		t.Errorf("G5.2 target = %+v", g52.Target)
	}
	old52, _ := cat.Previous.Indicator("G5.2")
	if old52.Target == nil || *old52.Target.Change != -0.3 || old52.Target.By != roadmap.MustPeriod("2024") || old52.Cadence != roadmap.HalfYearly || old52.Measure != roadmap.Flow {
		t.Errorf("Phase I G5.2 = %+v, target %+v", old52, old52.Target)
	}
}

func TestLoadCatalogueSecondRoadmap(t *testing.T) {
	t.Parallel()
	cat, err := LoadCatalogue(filepath.Join("testdata", "caribbean.yaml"))
	if err != nil {
		t.Fatalf("LoadCatalogue: %v", err)
	}
	if len(cat.Jurisdictions) != 16 || len(cat.Goals) != 4 || cat.Cadence != roadmap.Yearly {
		t.Fatalf("%d jurisdictions, %d goals, cadence %q; want 16, 4, yearly", len(cat.Jurisdictions), len(cat.Goals), cat.Cadence)
	}
	// The breakdown written once with an anchor reaches both indicators.
	c2, ok := cat.Indicator("C-2")
	if !ok || c2.Breakdown == nil || len(c2.Breakdown.Parts) != 2 || c2.Breakdown.Parts[0].Code != "female" {
		t.Errorf("C-2 breakdown = %+v", c2.Breakdown)
	}
	ht, _ := cat.Jurisdiction("HT")
	if !reflect.DeepEqual(ht.LocalNames, []string{"Haïti", "Ayiti"}) {
		t.Errorf("HT local names = %q", ht.LocalNames)
	}
	var codes []string
	for _, r := range cat.Rows() {
		codes = append(codes, r.Code)
	}
	want := "A-1 B-1 B-2 C-1 C-1/female C-1/male C-2 C-2/female C-2/male D-1"
	if got := strings.Join(codes, " "); got != want {
		t.Errorf("rows = %s, want %s", got, want)
	}
}

func TestLoadCatalogueValidAndMissing(t *testing.T) {
	t.Parallel()
	if _, err := LoadCatalogue(filepath.Join("testdata", "valid.yaml")); err != nil {
		t.Fatalf("valid.yaml: %v", err)
	}
	_, err := LoadCatalogue(filepath.Join("testdata", "no-such-file.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: err = %v, want fs.ErrNotExist", err)
	}
}

// TestCatalogueErrors loads one file per kind of mistake and asserts every
// problem it reports, word for word.
func TestCatalogueErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want []string
	}{
		{"syntax.yaml", []string{
			`3: the file is not valid YAML: mapping values are not allowed in this context (a value that contains ": " must be written in quotes)`,
		}},
		{"empty.yaml", []string{
			`1: the file is empty: a catalogue needs an id, a title, jurisdictions, goals and indicators`,
		}},
		{"comment-only.yaml", []string{
			`1: the file is empty: a catalogue needs an id, a title, jurisdictions, goals and indicators`,
		}},
		{"unknown-key.yaml", []string{
			`27: indicators[0].levels: a status indicator needs its levels, in order from the lowest to the highest, e.g. levels: [none, draft, adopted]`,
			`32: indicators[0].lvels: unknown key "lvels": did you mean "levels"?`,
			`59: indicators[2].colour: unknown key "colour": the keys allowed here are aggregation, baseline, breakdown, cadence, changed, code, continues, decimals, definition, direction, goal, kind, levels, measure, ratio, required, target, title, unit`,
		}},
		{"duplicate-key.yaml", []string{
			`59: indicators[2].unit: key "unit" is written twice: the first is at line 58`,
		}},
		{"wrong-type.yaml", []string{
			`24: goals[1].number: should be a whole number, not "two"`,
			`32: indicators[0].levels: should be a list, not "none, some, all"`,
			`68: indicators[3].required: should be true or false, not "perhaps"`,
		}},
		{"missing-required.yaml", []string{
			`2: title: is missing or empty: it is required`,
			`18: goals: is missing or empty: list at least one`,
			`30: indicators[1].definition: is missing or empty: it is required`,
		}},
		{"bad-values.yaml", []string{
			`24: goals[1].number: must be a number, 1 or more`,
			`45: indicators[1].breakdown.rule: "roughly" is not allowed: write one of equal, at-most`,
			`49: indicators[1].direction: "up" is not allowed: write one of higher, lower, neutral`,
			`50: indicators[1].target.change: -1.5 is below -1: a change cannot be more than 100 % down (write -0.3 for 30 % below the baseline)`,
			`66: indicators[3].kind: "ratio" is not allowed: write one of count, quantity, percent, status`,
		}},
		{"bad-code.yaml", []string{
			`13: jurisdictions[0].code: "A A" is not a valid code: use up to 32 letters, digits, '.', '-' or '_', without spaces or '/'`,
			`48: indicators[1].breakdown.parts[1].code: "m/f" is not a valid code: use up to 32 letters, digits, '.', '-' or '_', without spaces or '/'`,
		}},
		{"bad-cadence.yaml", []string{
			`6: cadence: "quarterly" is not allowed: write one of half-yearly, yearly`,
		}},
		{"bad-baseline.yaml", []string{
			`7: baseline: period "last year" is not valid: write ` + roadmap.PeriodForms,
			`50: indicators[1].target.by: period "2024-Q3" is not valid: write ` + roadmap.PeriodForms,
		}},
		{"bad-indicator-baseline.yaml", []string{
			`52: indicators[1].baseline: an indicator's baseline is a whole calendar year, such as 2021, not 2021-H2: targets are judged on full years`,
			`63: indicators[2].baseline: the indicator's baseline 2016 comes before the catalogue's baseline 2018: write 2018 or a later year, or remove it to use the catalogue's`,
			`72: indicators[3].baseline: the indicator's baseline 2024 must come before its target's date 2024`,
		}},
		{"unknown-goal.yaml", []string{
			`54: indicators[2].goal: goal "G9" is not one of the catalogue's goals (G1, G2)`,
		}},
		{"unknown-footnote.yaml", []string{
			`16: jurisdictions[0].footnote: footnote "kosovo" is not defined: add it under footnotes, or use one of: star`,
		}},
		{"duplicate-codes.yaml", []string{
			`17: jurisdictions[1].code: jurisdiction code "AA" is used twice: it is also at line 13 (jurisdictions[0].code)`,
			`23: goals[1].code: goal code "G1" is used twice: it is also at line 20 (goals[0].code)`,
			`48: indicators[1].breakdown.parts[1].code: part code "female" is used twice: it is also at line 47 (indicators[1].breakdown.parts[0].code)`,
			`54: indicators[2].goal: goal "G2" is not one of the catalogue's goals (G1)`,
			`62: indicators[3].code: indicator code "G2.1" is used twice: it is also at line 53 (indicators[2].code)`,
			`63: indicators[3].goal: goal "G2" is not one of the catalogue's goals (G1)`,
		}},
		{"target-level-off-scale.yaml", []string{
			`34: indicators[0].target.level: target level "everything" is not on the indicator's scale (none, some, all)`,
		}},
		{"target-change-on-status.yaml", []string{
			`34: indicators[0].target.change: a status indicator's target is a level, not a change: write level: one of none, some, all`,
			`50: indicators[1].target.level: only a status indicator has a target level; for a count write a change against the baseline, e.g. change: -0.3`,
		}},
		{"levels-on-count.yaml", []string{
			`43: indicators[1].levels: only a status indicator has levels, and this one is a count: remove the levels or change the kind`,
		}},
		{"status-without-levels.yaml", []string{
			`27: indicators[0].levels: a status indicator needs its levels, in order from the lowest to the highest, e.g. levels: [none, draft, adopted]`,
		}},
		{"too-few.yaml", []string{
			`32: indicators[0].levels: a status indicator needs at least two levels`,
			`46: indicators[1].breakdown.parts: must list at least 2`,
		}},
		{"breakdown-on-status.yaml", []string{
			`33: indicators[0].breakdown: a status indicator cannot be split into parts: remove the breakdown`,
		}},
		{"aggregation-kind.yaml", []string{
			`36: indicators[0].aggregation: a status indicator cannot be combined by sum: use distribution`,
			`61: indicators[2].aggregation: a quantity indicator cannot be combined by mean: use sum`,
			`69: indicators[3].aggregation: a percent indicator cannot be combined by sum: use mean or range or pooled`,
		}},
		{"quantity-without-unit.yaml", []string{
			`53: indicators[2].unit: a quantity needs a unit, such as kg or tonnes`,
		}},
		{"bad-decimals.yaml", []string{
			`43: indicators[1].decimals: a count is printed without decimals: remove decimals or set it to 0`,
			`60: indicators[2].decimals: must be at most 4`,
		}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "errors", tt.file)
			cat, err := LoadCatalogue(path)
			if cat != nil {
				t.Errorf("a catalogue was returned despite the problems")
			}
			var ce roadmap.Problems
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v (%T), want roadmap.Problems", err, err)
			}
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = path + ":" + w
			}
			if got := err.Error(); got != strings.Join(want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
			}
			if len(ce) != len(tt.want) {
				t.Errorf("%d problems, want %d", len(ce), len(tt.want))
			}
			for _, p := range ce {
				if p.Line < 1 || p.Message == "" {
					t.Errorf("problem without a place or a message: %+v", p)
				}
				for _, raw := range []string{"Key: '", "Error:Field", "validation for", "catalogueDoc", "indicatorDoc", "!!str", "cannot unmarshal"} {
					if strings.Contains(p.Message, raw) {
						t.Errorf("message leaks library text %q: %s", raw, p.Message)
					}
				}
			}
		})
	}
	files, err := os.ReadDir(filepath.Join("testdata", "errors"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !seen[f.Name()] {
			t.Errorf("testdata/errors/%s has no case in this test", f.Name())
		}
	}
}

func TestParseCatalogueNamesTheEmbeddedFile(t *testing.T) {
	t.Parallel()
	_, err := ParseCatalogue([]byte("id: x\n"))
	var ce roadmap.Problems
	if !errors.As(err, &ce) || ce[0].File != DefaultFileName {
		t.Fatalf("err = %v, want roadmap.Problems naming %s", err, DefaultFileName)
	}
	want := `catalogue.yaml:1: baseline: is missing or empty: it is required
catalogue.yaml:1: cadence: is missing or empty: it is required
catalogue.yaml:1: goals: is missing or empty: list at least one
catalogue.yaml:1: indicators: is missing or empty: list at least one
catalogue.yaml:1: jurisdictions: is missing or empty: list at least one
catalogue.yaml:1: title: is missing or empty: it is required
catalogue.yaml:1: version: is missing or empty: it is required`
	if err.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", err, want)
	}
}

// TestValidateTags validates every type of the schema once: a mistyped validate tag
// panics only when its struct is first validated, which must not be in front
// of an operator. It also checks that every tag has a plain-English message.
func TestValidateTags(t *testing.T) {
	t.Parallel()
	for _, v := range catalogueTypes {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%T: validate panics: %v", v, r)
				}
			}()
			ptr := reflect.New(reflect.TypeOf(v))
			_ = validate.Struct(ptr.Interface())
		}()
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			tag := typ.Field(i).Tag.Get("validate")
			for _, part := range strings.Split(tag, ",") {
				name, _, _ := strings.Cut(part, "=")
				switch name {
				case "", "dive", "keys", "endkeys", "omitempty":
					continue
				}
				if _, ok := fieldMessages[name]; !ok {
					t.Errorf("%T.%s: tag %q has no message", v, typ.Field(i).Name, name)
				}
			}
		}
	}
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] || t == reflect.TypeFor[roadmap.Period]() {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			walk(t.Field(i).Type)
		}
	}
	walk(catalogueType)
	if len(seen) != len(catalogueTypes) {
		t.Errorf("catalogueTypes lists %d types, the catalogue has %d", len(catalogueTypes), len(seen))
	}
}

func FuzzParseCatalogue(f *testing.F) {
	f.Add(defaultCatalogue)
	f.Add(phase1Catalogue)
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("testdata", "errors", "*.yaml"))
	for _, p := range append(seeds, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cat, err := ParseCatalogue(data)
		if err != nil {
			var ce roadmap.Problems
			if !errors.As(err, &ce) || len(ce) == 0 {
				t.Fatalf("err = %v, want roadmap.Problems", err)
			}
			for _, p := range ce {
				if p.Line < 1 || p.Message == "" {
					t.Fatalf("problem without a place or a message: %+v", p)
				}
			}
			return
		}
		// What loads is usable: every reference resolves.
		for _, ind := range cat.Indicators {
			if _, ok := cat.Goal(ind.Goal); !ok {
				t.Fatalf("indicator %s of unknown goal %s loaded", ind.Code, ind.Goal)
			}
			if (ind.Kind == roadmap.Status) != (len(ind.Levels) > 0) {
				t.Fatalf("indicator %s: kind %s with %d levels loaded", ind.Code, ind.Kind, len(ind.Levels))
			}
		}
		_ = cat.Rows()
	})
}

// TestSuccessionFromFiles: a catalogue names the one it succeeds by id and
// file; the loader links them and says what is wrong with a bad link.
func TestSuccessionFromFiles(t *testing.T) {
	t.Parallel()
	next, err := LoadCatalogue(filepath.Join("testdata", "succession", "next.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	old := next.Previous
	if old == nil || old.ID != "caribbean-firearms" || len(old.Jurisdictions) != 16 || old.RoundCadence() != roadmap.Yearly || next.RoundCadence() != roadmap.HalfYearly {
		t.Fatalf("succeeds %+v", old)
	}
	if next.InForce(roadmap.MustPeriod("2030")) != old || next.InForce(roadmap.MustPeriod("2031-H1")) != next || next.Governs(old) != "up to 2030-H2" {
		t.Errorf("in force: 2030 %s, 2031-H1 %s; old governs %s", next.InForce(roadmap.MustPeriod("2030")).ID, next.InForce(roadmap.MustPeriod("2031-H1")).ID, next.Governs(old))
	}
	for _, tc := range []struct{ file, want string }{
		{"wrong-id.yaml", `from: a catalogue takes over at the start of a half-year: write 2031-H1`},
		{"loop.yaml", "catalogues succeed one another"},
	} {
		_, err := LoadCatalogue(filepath.Join("testdata", "succession", tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.file, err, tc.want)
		}
	}
	// The successor of a built-in catalogue is found by id without a file.
	data, err := os.ReadFile(filepath.Join("testdata", "succession", "next.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseCatalogue(data); err == nil || !strings.Contains(err.Error(), `no built-in catalogue has the id "caribbean-firearms"`) && !strings.Contains(err.Error(), "could not be read") {
		t.Errorf("a successor of an unknown catalogue: %v", err)
	}
}
