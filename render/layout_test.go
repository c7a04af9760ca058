package render

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/render/pdf/pdftest"
	"github.com/seesac/roadmap/samples"
	"github.com/seesac/roadmap/templates"
)

// layoutSnapshot is the bundled samples as the ledger would hold them: six
// jurisdictions, the 2018 baseline and every half-year to 2026-H1 (16
// periods), the full default catalogue, a report that never came (ME
// 2021-H1) and a KPI left blank (BA 2020-H2 G3.3). One narrative carries an
// emoji, as pasted from a phone.
func layoutSnapshot(t testing.TB) (Snapshot, *roadmap.Meeting) {
	t.Helper()
	cat, err := templates.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	data, err := samples.Build(cat)
	if err != nil {
		t.Fatal(err)
	}
	var subs []roadmap.Submission
	for i, w := range data.Valid {
		sum := sha256.Sum256([]byte(w.Path))
		s := roadmap.Submission{
			ID: int64(i + 1), Hash: fmt.Sprintf("%x", sum), Name: path.Base(w.Path), Jurisdiction: w.Jurisdiction,
			Period: w.Period, Version: 1, State: roadmap.Accepted, Received: w.Period.Last().AddDate(0, 2, i%20),
			Path:  "archive/" + w.Jurisdiction + "/" + w.Period.String() + "/" + path.Base(w.Path),
			Cover: w.Cover, Values: w.Values, Narratives: append([]roadmap.Narrative(nil), w.Narratives...),
		}
		if w.Jurisdiction == "AL" && len(s.Narratives) > 0 {
			s.Narratives[0].Support = "Training for border police 👮🏽‍♀️ in Tiranë."
		}
		subs = append(subs, s)
	}
	var meeting *roadmap.Meeting
	last := roadmap.MustPeriod("2026-H1")
	for i := range data.Calendar {
		if m := &data.Calendar[i]; m.Kind == roadmap.Regional && m.Period == last {
			meeting = m
		}
	}
	if meeting == nil {
		t.Fatal("the sample calendar has no regional meeting reviewing 2026-H1")
	}
	asOf := meeting.Date.At(7, 0, time.UTC).AddDate(0, 0, -14)
	return Snapshot{Catalogue: cat, Submissions: subs, AsOf: asOf, Calendar: roadmap.NewCalendar(data.Calendar, time.UTC)}, meeting
}

func regionalFixture(t testing.TB) *Report {
	s, m := layoutSnapshot(t)
	return Combine(s, Request{Period: m.Period, Meeting: m, Draft: true})
}

func writeReport(t testing.TB, r *Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePDF(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWritePDFRegional renders the regional report; with ROADMAP_PDF_OUT set
// it keeps it there, to be looked at (pdftoppm -png -r 60).
func TestWritePDFRegional(t *testing.T) {
	r := regionalFixture(t)
	b := writeReport(t, r)
	if out := os.Getenv("ROADMAP_PDF_OUT"); out != "" {
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text, err := pdftest.Text(b)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{r.Title, r.Roadmap.Title, r.PeriodLabel, "DRAFT", "Contents", "Summary", "Annexes", "Sources", "How statuses are rated",
		"References to Kosovo shall be understood to be in the context of Security Council resolution 1244 (1999).",
		r.Roadmap.Note, "Training for border police □ in Tiranë."}
	for _, j := range r.Jurisdictions {
		want = append(want, j.Name)
	}
	for _, g := range r.Goals {
		want = append(want, fmt.Sprintf("Goal %d: %s", g.Number, g.Title))
		for _, ind := range g.Indicators {
			want = append(want, ind.Code+" "+ind.Title)
		}
	}
	// A hash wraps inside its cell; read it with the line breaks taken out.
	joined := strings.ReplaceAll(text, " ", "")
	for _, s := range r.Sources {
		if !strings.Contains(joined, s.Hash) {
			t.Errorf("sources lack the hash of %s", s.Name)
		}
	}
	if len(r.Sources) < 90 {
		t.Errorf("only %d sources: the fixture lost its history", len(r.Sources))
	}
	for _, w := range want {
		if !strings.Contains(text, pdftest.Flatten(w)) {
			t.Errorf("report text lacks %q", w)
		}
	}
	if n := strings.Count(text, "References to Kosovo"); n != 2 {
		t.Errorf("the Kosovo footnote appears %d times, want once where Kosovo* is first named and once in the annex", n)
	}
}

// TestWritePDFNotReported: ME sent nothing for 2021-H1 and BA left G3.3 blank
// in 2020-H2; a report on those periods shows "not reported" in their place.
func TestWritePDFNotReported(t *testing.T) {
	s, _ := layoutSnapshot(t)
	for _, p := range []string{"2021-H1", "2020-H2"} {
		r := Combine(s, Request{Period: roadmap.MustPeriod(p)})
		pages, err := pdftest.Pages(writeReport(t, r))
		if err != nil {
			t.Fatal(err)
		}
		all := strings.Join(pages, "\n")
		switch p {
		case "2021-H1":
			if !strings.Contains(all, "Montenegro\noverdue") {
				t.Error("the completeness table does not show Montenegro as overdue")
			}
		case "2020-H2":
			// The G3.3 table: Bosnia and Herzegovina's current value is not reported.
			if !strings.Contains(all, "Bosnia and Herzegovina\nnot reported") {
				t.Error("BA's blank G3.3 is not shown as not reported")
			}
		}
	}
}

func TestWritePDFJurisdiction(t *testing.T) {
	s, m := layoutSnapshot(t)
	r := Combine(s, Request{Period: m.Period, Jurisdiction: "XK"})
	b := writeReport(t, r)
	if out := os.Getenv("ROADMAP_PDF_OUT_J"); out != "" {
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text, err := pdftest.Text(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{r.Title, "Kosovo*", "Region (total)", "References to Kosovo shall be understood", "FINAL"} {
		if !strings.Contains(text, w) {
			t.Errorf("jurisdiction report lacks %q", w)
		}
	}
	if strings.Contains(text, "DRAFT") {
		t.Error("a final report says DRAFT")
	}
}

func TestWritePDFNoData(t *testing.T) {
	s, _ := layoutSnapshot(t)
	r := Combine(s, Request{Period: roadmap.MustPeriod("2030-H1")})
	text, err := pdftest.Text(writeReport(t, r))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "No jurisdiction had submitted data") || !strings.Contains(text, NotReported) {
		t.Error("a report without data does not say so")
	}
}

func TestWritePDFByteIdentical(t *testing.T) {
	a := writeReport(t, regionalFixture(t))
	b := writeReport(t, regionalFixture(t))
	if !bytes.Equal(a, b) {
		t.Fatal("the same report written twice differs")
	}
	r := regionalFixture(t)
	if !bytes.Contains(a, []byte("/CreationDate (D:"+r.AsOf.UTC().Format("20060102150405"))) {
		t.Error("the creation date is not the report's as-of time")
	}
}

func BenchmarkRegionalReport(b *testing.B) {
	r := regionalFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := WritePDF(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJurisdictionReports(b *testing.B) {
	s, m := layoutSnapshot(b)
	var reports []*Report
	for _, j := range s.Catalogue.Jurisdictions {
		reports = append(reports, Combine(s, Request{Period: m.Period, Jurisdiction: j.Code, Meeting: m}))
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range reports {
			if err := WritePDF(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestWritePDFIndicatorBlocks: in the regional report and every
// jurisdiction report, each indicator's charts are on the page of its
// heading (a block that fits on a page is never split); the trend's title is
// never cut, and the note under counts says the baseline year stands apart;
// Goal 3, whose indicators are all neutral but reported, reads "not rated".
func TestWritePDFIndicatorBlocks(t *testing.T) {
	s, m := layoutSnapshot(t)
	reports := []*Report{regionalFixture(t)}
	for _, j := range s.Catalogue.Jurisdictions {
		reports = append(reports, Combine(s, Request{Period: m.Period, Jurisdiction: j.Code, Meeting: m}))
	}
	for _, r := range reports {
		pages, err := pdftest.Pages(writeReport(t, r))
		if err != nil {
			t.Fatal(err)
		}
		text := pdftest.Flatten(strings.Join(pages, "\n"))
		if strings.Contains(text, "…") {
			t.Errorf("%s: some text is cut with an ellipsis", r.Title)
		}
		trend := fmt.Sprintf("Trend, %s to %s", r.Periods[0], r.Periods[len(r.Periods)-1])
		for _, g := range r.Goals {
			for _, ind := range g.Indicators {
				if ind.Kind == roadmap.Status {
					continue
				}
				bar := ind.Title + " by jurisdiction, " + r.PeriodLabel
				page := -1
				for i, p := range pages {
					if strings.Contains(pdftest.Flatten(p), bar) {
						page = i
					}
				}
				if page < 0 {
					t.Errorf("%s: no bar chart %q", r.Title, bar)
					continue
				}
				on := pdftest.Flatten(pages[page])
				if !strings.Contains(on, ind.Code+" "+ind.Title) || !strings.Contains(on, trend) {
					t.Errorf("%s: the charts of %s are not on the page of its heading (page %d)", r.Title, ind.Code, page+1)
				}
				if ind.Kind == roadmap.Count && !strings.Contains(on, "covers a whole year, later periods half a year, so it is shown apart") {
					t.Errorf("%s: %s lacks the note on the baseline year", r.Title, ind.Code)
				}
			}
		}
		if !strings.Contains(text, "not rated Figures reported, but its indicators cannot be rated") {
			t.Errorf("%s: Goal 3 does not read not rated", r.Title)
		}
	}
}
