package render

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"testing"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/render/pdf"
	"github.com/seesac/roadmap/render/pdf/pdftest"
)

// A range (lowest–highest) has no single regional figure, so it has no
// regional change either: printing the change of the mean under a range
// would show a number that no table in the report lets a reader trace.
func TestReviewRangeHasNoRegionalChange(t *testing.T) {
	t.Parallel()
	cat := catalogue(t)
	ind, _ := cat.Indicator("G2.2")
	ind.Aggregation = roadmap.Range
	s := Snapshot{Catalogue: cat, AsOf: asOf, Submissions: []roadmap.Submission{
		sub("AL", h2prev, 1, day(1), map[string]any{"G2.2": 10.0}),
		sub("BA", h2prev, 1, day(1), map[string]any{"G2.2": 80.0}),
		sub("AL", h1, 1, day(1), map[string]any{"G2.2": 30.0}),
		sub("BA", h1, 1, day(1), map[string]any{"G2.2": 70.0}),
	}}
	r := Combine(s, Request{Period: h1})
	g22 := find(t, r, "G2.2")
	if g22.Regional.String() != "30–70 (partial)" || g22.RegionalPrevious.String() != "10–80 (partial)" || g22.Regional.Label() != "Range of 2 jurisdictions" {
		t.Fatalf("G2.2 range = %s, previous %s", g22.Regional, g22.RegionalPrevious)
	}
	if g22.ChangePrevious.Known() {
		t.Errorf("G2.2 regional change = %s beside a range 10–80 → 30–70; a range has no single figure to change", g22.ChangePrevious)
	}
	if ir := indicatorOf(t, r, "G2.2"); ir.Rating != NotRated {
		t.Errorf("G2.2 rating = %s (%s), want not rated: it has no target", ir.Rating, ir.RatingReason)
	}
}

// A change target over jurisdictions whose baseline adds up to zero has
// figures: the rating must not say that nobody reported them.
func TestReviewChangeTargetZeroBaseline(t *testing.T) {
	t.Parallel()
	cat := catalogue(t)
	s := Snapshot{Catalogue: cat, AsOf: asOf, Submissions: []roadmap.Submission{
		sub("AL", y2018, 1, day(1), map[string]any{"G5.2": 0.0}),
		sub("AL", roadmap.MustPeriod("2025-H1"), 1, day(1), map[string]any{"G5.2": 30.0}),
		sub("AL", h2prev, 1, day(1), map[string]any{"G5.2": 40.0}),
	}}
	r := Combine(s, Request{Period: h1, Jurisdiction: "AL"})
	ir := indicatorOf(t, r, "G5.2")
	if p := ir.Progress; p == nil || !eqp(p.Baseline, 0) || !eqp(p.Current, 70) || p.Met {
		t.Fatalf("G5.2 progress = %+v, want baseline 0, current 70, not met", p)
	}
	// From 0 to 70 incidents against a target of −30 % by 2024: missed.
	if ir.Rating != Missed {
		t.Errorf("G5.2 rating = %s (%s), want missed: from 0 to 70 incidents against a −30 %% target by 2024", ir.Rating, ir.RatingReason)
	}
}

// From a zero baseline, any move the way of a target to rise reaches it.
func TestReviewRiseTargetFromZeroBaseline(t *testing.T) {
	t.Parallel()
	cat := catalogue(t)
	ind, _ := cat.Indicator("G5.2")
	ind.Target = &roadmap.Target{Change: ptr(0.2)}
	s := Snapshot{Catalogue: cat, AsOf: asOf, Submissions: []roadmap.Submission{
		sub("AL", y2018, 1, day(1), map[string]any{"G5.2": 0.0}),
		sub("AL", roadmap.MustPeriod("2025-H1"), 1, day(1), map[string]any{"G5.2": 3.0}),
		sub("AL", h2prev, 1, day(1), map[string]any{"G5.2": 4.0}),
	}}
	ir := indicatorOf(t, Combine(s, Request{Period: h1}), "G5.2")
	if ir.Progress == nil || !ir.Progress.Met || ir.Progress.Change != nil || ir.Rating != Achieved {
		t.Errorf("G5.2 from 0 to 7 against a +20 %% target: progress %+v, rating %s (%s), want met and achieved", ir.Progress, ir.Rating, ir.RatingReason)
	}
}

// A new version of an input changes the build's InputsHash, which is how a
// reader of the ledger tells that two builds were made from different files.
func TestReviewInputsHashFollowsInputs(t *testing.T) {
	t.Parallel()
	b, l := newBuilder(t, fixture(t).Submissions)
	ctx := context.Background()
	build := func(at time.Time) string {
		t.Helper()
		res, err := b.Build(ctx, BuildRequest{Meeting: rcm16, AsOf: at})
		if err != nil {
			t.Fatal(err)
		}
		if res.Build.InputsHash != res.Entry.InputsHash {
			t.Errorf("ledger and manifest inputs hashes differ: %s, %s", res.Build.InputsHash, res.Entry.InputsHash)
		}
		return res.Entry.InputsHash
	}
	first := build(asOf)
	if again := build(asOf); again != first {
		t.Errorf("same ledger and cut-off, inputs hash %s then %s", first, again)
	}
	// AL's version 3 (after the cut-off) replaces version 2 once the cut-off moves.
	if later := build(asOf.Add(2 * time.Hour)); later == first {
		t.Error("AL's version 3 came into the report, but the inputs hash did not change")
	}
	// A corrected baseline file of BA is an input too.
	i := slices.IndexFunc(l.subs, func(s roadmap.Submission) bool { return s.Jurisdiction == "BA" && s.Period == y2018 })
	if i < 0 {
		t.Fatal("no BA baseline in the fixture")
	}
	fix := l.subs[i]
	fix.Version, fix.ID, fix.Hash, fix.Received = 2, 500, strings.Repeat("c", 64), asOf.Add(-time.Hour)
	l.subs = append(l.subs, fix)
	if corrected := build(asOf); corrected == first {
		t.Error("BA's corrected baseline came into the report, but the inputs hash did not change")
	}
}

// The report's sentence on a change target from a zero baseline gives the
// figures, never "figures missing" beside a rating that used them.
func TestProgressTextFromZeroBaseline(t *testing.T) {
	t.Parallel()
	zero, seventy := 0.0, 70.0
	l := &layout{r: &Report{}}
	ind := &IndicatorReport{Kind: roadmap.Count}
	got := l.progressText(ind, &Progress{Target: "−30.0 % against 2018", Baseline: &zero, Current: &seventy, Since: y2018, Year: roadmap.MustPeriod("2025")})
	want := "Target: −30.0 % against 2018. From 0 in 2018 to 70 in 2025 (no relative change from zero); target not yet reached."
	if got != want {
		t.Errorf("progressText = %q, want %q", got, want)
	}
	if got := l.progressText(ind, &Progress{Target: "−30.0 % against 2018"}); !strings.Contains(got, "cannot be computed") {
		t.Errorf("without figures: %q", got)
	}
}

// A pooled share that lacks a jurisdiction (Montenegro did not report
// officials trained in 2021) is drawn apart in the trend chart, as a partial
// sum is, never joined to the line of complete figures.
func TestTrendDrawsPartialShareApart(t *testing.T) {
	t.Parallel()
	r := regionalFixture(t)
	ind := indicatorOf(t, r, "G4.3")
	i := slices.Index(ind.Periods, roadmap.MustPeriod("2021"))
	if i < 0 || !ind.Total().Series[i].Partial {
		t.Fatalf("the fixture's 2021 share of women trained is not partial: periods %v", ind.Periods)
	}
	c := (&layout{r: r}).trend(ind, "%", 100)
	if v := c.Series[0].Values[i]; !math.IsNaN(v) {
		t.Errorf("the partial 2021 share (%.1f) is joined to the line", v)
	}
	k := slices.IndexFunc(c.Series, func(s pdf.Series) bool { return s.Points })
	if k < 0 || math.IsNaN(c.Series[k].Values[i]) {
		t.Errorf("the partial 2021 share is not drawn apart: series %+v", c.Series)
	}
	if !strings.Contains(c.Note, "hollow marker") {
		t.Errorf("the chart's note does not say what a hollow marker is: %q", c.Note)
	}
}

// A partial regional figure reads "345.7 kg (partial)" in the generated
// trends, never "345.7 (partial) kg".
func TestTrendsPartialAfterUnit(t *testing.T) {
	t.Parallel()
	s := GenerateSynthesis(regionalFixture(t))
	found := false
	for _, tr := range s.Trends {
		if strings.Contains(tr.Text, "(partial) kg") {
			t.Errorf("goal %s: %q", tr.Goal, tr.Text)
		}
		found = found || strings.Contains(tr.Text, " kg (partial)")
	}
	if !found {
		t.Errorf("no trend names the partial explosives figure with its unit: %+v", s.Trends)
	}
}

// A funding that is a plain number is printed as the report prints its
// figures, with thousands separated; anything else as typed.
func TestFundingText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ funding, currency, want string }{
		{"125000", "EUR", "125,000 EUR"},
		{" 2500000.5 ", "USD", "2,500,000.5 USD"},
		{"about 40,000", "EUR", "about 40,000 EUR"},
		{"", "", ""},
		{"in kind", "", "in kind"},
	} {
		if got := fundingText(roadmap.Support{Funding: tc.funding, Currency: tc.currency}); got != tc.want {
			t.Errorf("fundingText(%q, %q) = %q, want %q", tc.funding, tc.currency, got, tc.want)
		}
	}
}

// A distribution over a status scale carries the marks every other regional
// figure carries: † for a year derived from its half-years, "(partial)" when
// a jurisdiction is missing.
func TestDistributionCellKeepsMarks(t *testing.T) {
	t.Parallel()
	r := regionalFixture(t)
	ind := indicatorOf(t, r, "G1.1")
	prev := ind.Total().RegionalPrevious
	if !prev.Derived {
		t.Fatalf("the fixture's previous year of G1.1 is not derived: %+v", prev)
	}
	if got := regionalCell(ind, prev).Text; !strings.HasSuffix(got, " "+DerivedMark) {
		t.Errorf("derived distribution printed %q, without %s", got, DerivedMark)
	}
	prev.Partial, prev.Derived = true, false
	if got := regionalCell(ind, prev).Text; !strings.HasSuffix(got, "\n(partial)") {
		t.Errorf("partial distribution printed %q, without (partial)", got)
	}
}

// A share with no numerator and denominator in the catalogue has no derived
// years, and the note on its series does not promise them.
func TestSeriesNoteOfShareWithoutRatio(t *testing.T) {
	t.Parallel()
	r := regionalFixture(t)
	if note := indicatorOf(t, r, "G2.2").Series; strings.Contains(note, "are derived") || !strings.Contains(note, "not derived") {
		t.Errorf("G2.2 (a share without a ratio): %q", note)
	}
	if note := indicatorOf(t, r, "G3.1").Series; !strings.Contains(note, "earlier years are derived from their half-years") {
		t.Errorf("G3.1 (a flow): %q", note)
	}
}

// A source's SHA-256 prints as two halves of 32 characters, one a line, so
// that SEESAC can compare it with sha256sum's output at a glance; it used to
// wrap wherever its cell ran out (31, 32 and 1 characters).
func TestQualityNoteHashInHalves(t *testing.T) {
	t.Parallel()
	r := regionalFixture(t)
	var note bytes.Buffer
	if err := WriteQualityNote(&note, r); err != nil {
		t.Fatal(err)
	}
	pages, err := pdftest.Pages(note.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pages, "\n")
	for _, s := range r.Sources {
		if len(s.Hash) != 64 {
			t.Fatalf("source %s has hash %q", s.Name, s.Hash)
		}
		if !strings.Contains(text, "\n"+s.Hash[:32]+"\n"+s.Hash[32:]+"\n") {
			t.Errorf("the hash of %s is not printed in two halves", s.Name)
		}
	}
}

// SEESAC's synthesis of the regional meeting speaks for the region: a
// jurisdiction report that uses it (its local meeting reviews the same
// period) keeps its own key messages and trends, generated from its own
// figures and ratings, and takes from SEESAC only the support and gaps that
// concern the jurisdiction. It printed "Goal 1 is off track" from the
// regional text under Serbia's own "achieved".
func TestJurisdictionReportKeepsItsOwnTrends(t *testing.T) {
	t.Parallel()
	s, m := layoutSnapshot(t)
	regional := &roadmap.ReceivedSynthesis{Version: 1, Synthesis: roadmap.Synthesis{Meeting: m.ID, Period: m.Period,
		KeyMessages: []string{"REGIONAL MESSAGE"},
		Trends:      []roadmap.GoalTrend{{Goal: "G1", Text: "REGIONAL TREND"}},
		Partners:    []roadmap.Support{{Organisation: "Fund for Serbia", Jurisdictions: "Serbia"}, {Organisation: "Fund for Albania", Jurisdictions: "Albania"}},
	}}
	own := Combine(s, Request{Period: m.Period, Jurisdiction: "RS"})
	r := Combine(s, Request{Period: m.Period, Jurisdiction: "RS", Synthesis: regional})
	if r.SynthesisFrom != regional {
		t.Fatal("the jurisdiction report does not record SEESAC's synthesis as used")
	}
	if !slices.Equal(r.Synthesis.KeyMessages, own.Synthesis.KeyMessages) {
		t.Errorf("key messages %q, want Serbia's own %q", r.Synthesis.KeyMessages, own.Synthesis.KeyMessages)
	}
	if got, want := r.Synthesis.Trend("G1"), own.Synthesis.Trend("G1"); got != want {
		t.Errorf("Goal 1 trends %q, want Serbia's own %q", got, want)
	}
	if len(r.Synthesis.Partners) != 1 || r.Synthesis.Partners[0].Organisation != "Fund for Serbia" {
		t.Errorf("partners %+v, want SEESAC's line for Serbia alone", r.Synthesis.Partners)
	}
	if got := (&layout{r: r}).synthesisSource(); !strings.Contains(got, "generated from the figures") || !strings.Contains(got, "SEESAC") {
		t.Errorf("the key messages' source reads %q", got)
	}
}

// A status matrix of a year derived from its half-years (2024, in a report
// reviewing 2025-H1) says so in its heading, as its distribution does.
func TestDerivedStatusMatrixMarked(t *testing.T) {
	t.Parallel()
	s, _ := layoutSnapshot(t)
	r := Combine(s, Request{Period: roadmap.MustPeriod("2025-H1")})
	var buf bytes.Buffer
	if err := WritePDF(&buf, r); err != nil {
		t.Fatal(err)
	}
	pages, err := pdftest.Pages(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(strings.Join(pages, "\n")), " ")
	if want := "Status by jurisdiction, 2024 " + DerivedMark; !strings.Contains(text, want) {
		t.Errorf("no status matrix is headed %q", want)
	}
}
