package render

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixture is a small but complete snapshot made in code: every jurisdiction
// but ME reports the reviewed period (ME reported only earlier), BA leaves
// G3.3 blank, AL sent a second version and a late one after the cut-off, and
// narratives use the region's scripts.
func fixture(t testing.TB) Snapshot {
	cat := catalogue(t)
	periods := []roadmap.Period{y2018, roadmap.MustPeriod("2025-H1"), h2prev, h1}
	var subs []roadmap.Submission
	for ji, j := range cat.Jurisdictions {
		for pi, p := range periods {
			if j.Code == "ME" && p == h1 {
				continue
			}
			vals := map[string]any{}
			for ri, row := range cat.Rows() {
				ind := row.Indicator
				if j.Code == "BA" && row.Code == "G3.3" && p == h1 {
					continue
				}
				switch ind.Kind {
				case roadmap.Status:
					vals[row.Code] = ind.Levels[(ji+pi)%len(ind.Levels)]
				case roadmap.Percent:
					vals[row.Code] = float64((ji*17+pi*9+ri)%100) + 0.5
				default:
					n := float64((ji+1)*100 + pi*10 + ri)
					if p.IsYear() {
						n *= 2
					}
					if row.Part != nil {
						n = float64(int(n) / len(ind.Breakdown.Parts))
					}
					vals[row.Code] = n
				}
			}
			for _, ind := range cat.Indicators {
				if b := ind.Breakdown; b != nil && b.Rule == roadmap.PartsEqualTotal {
					var sum float64
					for _, part := range b.Parts {
						if v, ok := vals[roadmap.RowCode(ind.Code, part.Code)].(float64); ok {
							sum += v
						}
					}
					vals[ind.Code] = sum
				}
			}
			received := p.Last().AddDate(0, 2, ji)
			s := sub(j.Code, p, 1, received, vals)
			s.ID = int64(ji*10 + pi)
			s.Hash = fmt.Sprintf("%064x", ji*10+pi)
			s.Path = "archive/" + j.Code + "/" + p.String() + "/" + s.Hash[:12] + ".xlsx"
			if p == h1 {
				s.Narratives = []roadmap.Narrative{
					{Goal: "G1", Progress: "Law adopted in " + j.Capital + ".", Challenges: "Tarčin: С́ецање", Support: ""},
					{Goal: "G3", Progress: "Prishtinë / Priština — Скопје — Ђорђе Њежић"},
				}
				s.Findings = []roadmap.Finding{{Severity: roadmap.Warning, Code: roadmap.CodeLargeChange, Sheet: roadmap.SheetKPI, Cell: "F5", Indicator: "G3.1", Message: "The figure is more than twice the previous period's; check it."}}
			}
			subs = append(subs, s)
		}
	}
	// AL corrected its file: version 2 replaces version 1, and a version 3
	// arrived after the cut-off.
	v2 := subs[3]
	subs[3].State = roadmap.Superseded
	v2.Version, v2.ID, v2.Received = 2, 99, v2.Received.AddDate(0, 0, 5)
	v2.Hash = strings.Repeat("a", 64)
	v2.Values = append([]roadmap.Value(nil), v2.Values...)
	for i := range v2.Values {
		if v2.Values[i].Row == "G3.2" {
			v2.Values[i].Number = 4242
		}
	}
	v3 := v2
	v3.Version, v3.ID, v3.Received, v3.Hash = 3, 100, asOf.Add(time.Hour), strings.Repeat("b", 64)
	subs = append(subs, v2, v3)
	return Snapshot{Catalogue: cat, Submissions: subs, AsOf: asOf}
}

var rcm16 = &roadmap.Meeting{ID: "rcm-16", Kind: roadmap.Regional, Number: 16, Date: roadmap.Date{Year: 2026, Month: 12, Day: 15},
	Place: "Tirana", Period: h1, Deadline: roadmap.Date{Year: 2026, Month: 9, Day: 15}, Planned: true}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from the golden file at line %d:\n got: %s\nwant: %s\n(run with -update if the change is intended)", path, i+1, g, w)
			}
		}
	}
}

func TestDumpGolden(t *testing.T) {
	t.Parallel()
	s := fixture(t)
	s.Calendar = roadmap.NewCalendar([]roadmap.Meeting{*rcm16}, time.UTC)
	for _, tc := range []struct {
		name string
		req  Request
	}{
		{"regional", Request{Period: h1, Meeting: rcm16}},
		{"jurisdiction-xk-draft", Request{Period: h1, Jurisdiction: "XK", Draft: true, Footnote: "eu"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Combine(s, tc.req)
			got := Dump(r)
			golden(t, tc.name, got)
			if again := Dump(Combine(s, tc.req)); again != got {
				t.Error("two dumps of the same snapshot differ")
			}
		})
	}
	t.Run("no-data", func(t *testing.T) {
		r := Combine(Snapshot{Catalogue: s.Catalogue, AsOf: asOf}, Request{Period: h1, Draft: true})
		got := Dump(r)
		if !strings.Contains(got, "no-data: true") || strings.Contains(got, "value=0") {
			t.Errorf("the empty report must say no data and show no zero")
		}
		golden(t, "no-data", got)
	})
}

func TestDumpFixtureFacts(t *testing.T) {
	t.Parallel()
	r := Combine(fixture(t), Request{Period: h1, Meeting: rcm16})
	// Version 2 of AL is used, not the one after the cut-off.
	if al := jrow(t, find(t, r, "G3.2"), "AL"); !eqp(al.Current.Number, 4242) {
		t.Errorf("AL G3.2 = %s, want 4242 from version 2", fig(al.Current))
	}
	c := r.Completeness[0]
	if c.Versions != 2 || c.Version != 2 || c.Hash != strings.Repeat("a", 64) {
		t.Errorf("AL completeness %+v", c)
	}
	dump := Dump(r)
	for _, want := range []string{
		"ME missing versions=0",
		"С́ецање",
		"G3.3 \"Total\"",
		"covers 4 of 6 jurisdictions (sum over those that reported; BA, ME not reported)",
		"References to Kosovo",
	} {
		if !strings.Contains(dump, want) {
			t.Errorf("dump lacks %q", want)
		}
	}
}
