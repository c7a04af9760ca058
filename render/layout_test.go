package render

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/render/pdf"
	"github.com/seesac/roadmap/render/pdf/pdftest"
	"github.com/seesac/roadmap/samples"
	"github.com/seesac/roadmap/templates"
)

// layoutSnapshot is the bundled samples as the ledger would hold them: six
// jurisdictions, the 2018 baseline and every half-year to 2026-H1 (16
// periods), the full default catalogue, a report that never came (ME
// 2021-H1) and a KPI left blank (BA 2020-H2 G3.3). One narrative carries an
// emoji, as pasted from a phone. It is made once per test binary and shared:
// a test that changes the submissions clones them first.
func layoutSnapshot(t testing.TB) (Snapshot, *roadmap.Meeting) {
	t.Helper()
	l, err := layoutOnce()
	if err != nil {
		t.Fatal(err)
	}
	return l.snap, l.meeting
}

type layoutLedger struct {
	snap    Snapshot
	meeting *roadmap.Meeting // the regional meeting reviewing 2026-H1
}

var layoutOnce = sync.OnceValues(func() (*layoutLedger, error) {
	cat, err := templates.DefaultCatalogue()
	if err != nil {
		return nil, err
	}
	data, err := samples.Build(cat)
	if err != nil {
		return nil, err
	}
	subs := sampleSubmissions(data)
	for i := range subs {
		if s := &subs[i]; s.Jurisdiction == "AL" && len(s.Narratives) > 0 {
			s.Narratives[0].Support = "Training for border police 👮🏽‍♀️ in Tiranë."
		}
	}
	var meeting *roadmap.Meeting
	last := roadmap.MustPeriod("2026-H1")
	for i := range data.Calendar {
		if m := &data.Calendar[i]; m.Kind == roadmap.Regional && m.Period == last {
			meeting = m
		}
	}
	if meeting == nil {
		return nil, errors.New("the sample calendar has no regional meeting reviewing 2026-H1")
	}
	asOf := meeting.Date.At(7, 0, time.UTC).AddDate(0, 0, -14)
	snap := Snapshot{Catalogue: cat, Submissions: subs, AsOf: asOf, Calendar: roadmap.NewCalendar(data.Calendar, time.UTC)}
	return &layoutLedger{snap: snap, meeting: meeting}, nil
})

// sampleSubmissions are the samples' valid workbooks as the ledger would
// hold them: each accepted as version 1 some two months after its period.
func sampleSubmissions(data *samples.Data) []roadmap.Submission {
	var subs []roadmap.Submission
	for i, w := range data.Valid {
		sum := sha256.Sum256([]byte(w.Path))
		subs = append(subs, roadmap.Submission{
			ID: int64(i + 1), Hash: fmt.Sprintf("%x", sum), Name: path.Base(w.Path), Jurisdiction: w.Jurisdiction,
			Period: w.Period, Version: 1, State: roadmap.Accepted, Received: w.Period.Last().AddDate(0, 2, i%20),
			Path:  "archive/" + w.Jurisdiction + "/" + w.Period.String() + "/" + path.Base(w.Path),
			Cover: w.Cover, Values: w.Values, Narratives: append([]roadmap.Narrative(nil), w.Narratives...),
		})
	}
	return subs
}

// regionalFixture combines the regional draft for the samples' 2026-H1
// meeting anew.
func regionalFixture(t testing.TB) *Report {
	s, m := layoutSnapshot(t)
	return Combine(s, Request{Period: m.Period, Meeting: m, Draft: true})
}

// renderedReport is a report with its PDF and the text of the PDF's pages.
type renderedReport struct {
	r     *Report
	pdf   []byte
	pages []string
}

// regionalDraft is regionalFixture's report rendered, made once per test
// binary for the tests that only read it.
func regionalDraft(t testing.TB) *renderedReport {
	t.Helper()
	d, err := regionalDraftOnce()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var regionalDraftOnce = sync.OnceValues(func() (*renderedReport, error) {
	l, err := layoutOnce()
	if err != nil {
		return nil, err
	}
	r := Combine(l.snap, Request{Period: l.meeting.Period, Meeting: l.meeting, Draft: true})
	var buf bytes.Buffer
	if err := WritePDF(&buf, r); err != nil {
		return nil, err
	}
	pages, err := pdftest.Pages(buf.Bytes())
	if err != nil {
		return nil, err
	}
	return &renderedReport{r: r, pdf: buf.Bytes(), pages: pages}, nil
})

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
	t.Parallel()
	d := regionalDraft(t)
	r := d.r
	if out := os.Getenv("ROADMAP_PDF_OUT"); out != "" {
		if err := os.WriteFile(out, d.pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := pdftest.Flatten(strings.Join(d.pages, "\n"))
	want := []string{r.Title, r.Roadmap.Title, r.PeriodLabel, "DRAFT", "Contents", "Summary", "Annexes", "Indicator definitions", "How statuses are rated",
		"References to Kosovo shall be understood to be in the context of Security Council resolution 1244 (1999).",
		r.Roadmap.Note, "Training for border police □ in Tiranë."}
	for _, j := range r.Jurisdictions {
		want = append(want, j.Name)
	}
	for _, g := range r.Goals {
		want = append(want, fmt.Sprintf("Goal %d: %s", g.Number, g.Title))
		for _, ind := range g.Indicators {
			want = append(want, ind.Title)
		}
	}
	// The sources are in the data-quality note, not in the report; a hash
	// wraps inside its cell: read it with the line breaks taken out.
	var note bytes.Buffer
	if err := WriteQualityNote(&note, r); err != nil {
		t.Fatal(err)
	}
	noteText, err := pdftest.Text(note.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.ReplaceAll(noteText, " ", "")
	for _, s := range r.Sources {
		if !strings.Contains(joined, s.Hash) {
			t.Errorf("the data-quality note lacks the hash of %s", s.Name)
		}
		if strings.Contains(strings.ReplaceAll(text, " ", ""), s.Hash) {
			t.Errorf("the report prints the hash of %s", s.Name)
		}
	}
	// Every round a figure comes from: 2018, the Phase I half-years behind
	// the derived years, 2025-H2 and the reviewed 2026-H1 (not the 2025-H1
	// round, which holds only a narrative the report does not show).
	if len(r.Sources) < 85 {
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
	t.Parallel()
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
	t.Parallel()
	built := builtPeriod(t, "XK")
	r := built.res.Report
	if out := os.Getenv("ROADMAP_PDF_OUT_J"); out != "" {
		body, err := os.ReadFile(built.res.PDF)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := pdftest.Flatten(strings.Join(built.pages, "\n"))
	for _, w := range []string{r.Title, "Kosovo*", "Region (sum)", "References to Kosovo shall be understood", "FINAL"} {
		if !strings.Contains(text, w) {
			t.Errorf("jurisdiction report lacks %q", w)
		}
	}
	if strings.Contains(text, "DRAFT") {
		t.Error("a final report says DRAFT")
	}
}

func TestWritePDFNoData(t *testing.T) {
	t.Parallel()
	s, _ := layoutSnapshot(t)
	m := &roadmap.Meeting{ID: "rcm-23", Kind: roadmap.Regional, Period: roadmap.MustPeriod("2030-H1"), Date: roadmap.Date{Year: 2030, Month: 12, Day: 10},
		Deadline: roadmap.Date{Year: 2030, Month: 9, Day: 15}}
	s.Calendar = roadmap.NewCalendar([]roadmap.Meeting{*m}, time.UTC)
	r := Combine(s, Request{Period: m.Period, Meeting: m})
	pages, err := pdftest.Pages(writeReport(t, r))
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Flatten(strings.Join(pages, "\n"))
	for _, want := range []string{"No jurisdiction had submitted data", "Submissions are due by 15 September 2030",
		"Awaited from: Albania, Bosnia and Herzegovina, Kosovo*, Montenegro, North Macedonia, Serbia."} {
		if !strings.Contains(text, want) {
			t.Errorf("a report without data does not say %q", want)
		}
	}
	if len(pages) > 3 || strings.Contains(text, NotReported) {
		t.Errorf("a period without data gives %d pages, not a short status note", len(pages))
	}
}

func TestWritePDFByteIdentical(t *testing.T) {
	t.Parallel()
	d := regionalDraft(t)
	a := d.pdf
	b := writeReport(t, regionalFixture(t))
	if !bytes.Equal(a, b) {
		t.Fatal("the same report written twice differs")
	}
	if !bytes.Contains(a, []byte("/CreationDate (D:"+d.r.AsOf.UTC().Format("20060102150405"))) {
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
// jurisdiction report, each indicator's two charts are together, on the
// page of its heading or, for a block begun with too much of a page left to
// move it whole, on the next, its rating kept with its heading; the trend's title is
// never cut, and the note under counts says the baseline year stands apart;
// Goal 3, whose indicators are all neutral but reported, reads "not rated".
func TestWritePDFIndicatorBlocks(t *testing.T) {
	t.Parallel()
	s, m := layoutSnapshot(t)
	d := regionalDraft(t)
	reports := []*Report{d.r}
	for _, j := range s.Catalogue.Jurisdictions {
		reports = append(reports, Combine(s, Request{Period: m.Period, Jurisdiction: j.Code, Meeting: m}))
	}
	for i, r := range reports {
		pages := d.pages
		if i > 0 {
			var err error
			if pages, err = pdftest.Pages(writeReport(t, r)); err != nil {
				t.Fatal(err)
			}
		}
		text := pdftest.Flatten(strings.Join(pages, "\n"))
		if strings.Contains(text, "…") {
			t.Errorf("%s: some text is cut with an ellipsis", r.Title)
		}
		for _, g := range r.Goals {
			for _, ind := range g.Indicators {
				if ind.Kind == roadmap.Status {
					continue
				}
				trend := trendTitle(ind.Periods)
				bar := ind.Title + " by jurisdiction, " + ind.Shown.Label()
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
				// The heading names the indicator, and so does the bar
				// chart's title; a block begun low on a page continues on
				// the next, its rating and first table kept with its heading.
				heading := strings.Count(on, ind.Title) >= 2
				if !heading && page > 0 {
					before := pdftest.Flatten(pages[page-1])
					heading = strings.Contains(before, ind.Title+" "+pdftest.Flatten(ind.Definition)) && strings.Contains(before, "Rating: "+string(ind.Rating))
				}
				if !heading || !strings.Contains(on, trend) {
					t.Errorf("%s: the charts of %s are neither on the page of its heading nor on the next (page %d)", r.Title, ind.Code, page+1)
				}
				if ind.Kind == roadmap.Count && ind.Cadence == roadmap.HalfYearly && !strings.Contains(on, "covers a whole year, later periods half a year, so it is shown apart") {
					t.Errorf("%s: %s lacks the note on the baseline year", r.Title, ind.Code)
				}
			}
		}
		if !strings.Contains(text, "not rated No indicator with a target to rate") {
			t.Errorf("%s: Goal 3 does not read not rated", r.Title)
		}
	}
}

// TestReportSpeaksToReaders scans the final regional report and a final
// jurisdiction report for what a donor must not meet: jurisdiction codes,
// indicator codes, cell references and instructions meant for Commissions.
var periodName = regexp.MustCompile(`\b\d{4}-H[12]\b`)

func TestReportSpeaksToReaders(t *testing.T) {
	t.Parallel()
	s, m := layoutSnapshot(t)
	// Montenegro has not reported, Albania's file carries a warning with its
	// cell and an instruction, and Serbia explains a figure: the report must
	// name, not code, all three.
	// The report on 2026-H1 shows the 2025 figures, sent in the 2025-H2 round.
	figures := roadmap.MustPeriod("2025-H2")
	s.Submissions = slices.DeleteFunc(slices.Clone(s.Submissions), func(x roadmap.Submission) bool {
		return x.Jurisdiction == "ME" && (x.Period == m.Period || x.Period == figures)
	})
	for i := range s.Submissions {
		x := &s.Submissions[i]
		if x.Period != m.Period && x.Period != figures {
			continue
		}
		switch {
		case x.Jurisdiction == "AL" && x.Period == m.Period:
			x.Findings = append(x.Findings, roadmap.Finding{Severity: roadmap.Warning, Code: roadmap.CodeLargeChange, Sheet: "KPI", Cell: "F24", Indicator: "G5.1",
				Message: "KPI F24 is 10 times last period's: explain the change in the Comment column (G24)."})
		case x.Jurisdiction == "RS" && x.Period == figures:
			x.Values = slices.Clone(x.Values)
			for k := range x.Values {
				if x.Values[k].Row == "G5.1" {
					x.Values[k].Comment = "Amnesty campaign, May–June."
				}
			}
		}
	}
	final := func(j string) *Report {
		return Combine(s, Request{Period: m.Period, Jurisdiction: j, Meeting: m})
	}
	var codes []string
	for _, j := range s.Catalogue.Jurisdictions {
		codes = append(codes, regexp.QuoteMeta(j.Code))
	}
	forbidden := []struct {
		what string
		re   *regexp.Regexp
	}{
		{"a jurisdiction code", regexp.MustCompile(`\b(` + strings.Join(codes, "|") + `)\b`)},
		{"an indicator code", regexp.MustCompile(`\bG\d+\.\d+\b`)},
		{"a cell reference", regexp.MustCompile(`\b[A-Z]{1,2}[1-9]\d{0,4}\b`)},
		{"an instruction to a Commission", regexp.MustCompile(`(?i)\b(please|your|comment column|fill in|the template|workbook|cell)\b`)},
	}
	for _, r := range []*Report{final(""), final("RS")} {
		pages, err := pdftest.Pages(writeReport(t, r))
		if err != nil {
			t.Fatal(err)
		}
		if text := pdftest.Flatten(strings.Join(pages, "\n")); !strings.Contains(text, "Comment from Serbia on its figure") || !strings.Contains(text, "Amnesty campaign, May–June.") {
			t.Errorf("%s: Serbia's comment is not printed beside its figure", r.Title)
		}
		if text := pdftest.Flatten(strings.Join(pages, "\n")); !strings.Contains(text, "Montenegro not reported") {
			t.Errorf("%s: the coverage does not name Montenegro as missing", r.Title)
		}
		for i, p := range pages {
			// A period ("2026-H1") is how the report names a half-year, not a cell.
			for _, line := range strings.Split(periodName.ReplaceAllString(p, "PERIOD"), "\n") {
				for _, f := range forbidden {
					if hit := f.re.FindString(line); hit != "" {
						t.Errorf("%s, page %d: %s (%q) in %q", r.Title, i+1, f.what, hit, line)
					}
				}
			}
		}
	}
}

// TestGoalPagesAreFilled reads the rendered pages with their text's places:
// a goal's heading and opening text are never the last thing on a page (its
// first indicator's heading and definition follow on the same page), and
// no page among the goals is left more than half empty unless a goal starts
// on the next page (one whose opening and first indicator could not begin
// in the room left). It runs on the final regional report, a jurisdiction
// report and the 16-state catalogue's report.
func TestGoalPagesAreFilled(t *testing.T) {
	t.Parallel()
	s, m := layoutSnapshot(t)
	reports := []*Report{
		Combine(s, Request{Period: m.Period, Meeting: m}),
		Combine(s, Request{Period: m.Period, Meeting: m, Jurisdiction: "BA"}),
	}
	cat, subs := sixteenStates(t)
	last := subs[len(subs)-1].Period
	reports = append(reports, Combine(Snapshot{Catalogue: cat, Submissions: subs, AsOf: last.Last().AddDate(1, 0, 0)}, Request{Period: last}))
	for _, r := range reports {
		checkGoalPages(t, r, writeReport(t, r))
	}
}

// checkGoalPages holds the rules of TestGoalPagesAreFilled on one report.
func checkGoalPages(t *testing.T, r *Report, doc []byte) {
	t.Helper()
	pages, err := pdftest.Lines(doc)
	if err != nil {
		t.Fatal(err)
	}
	texts := make([]string, len(pages))
	starts := make([]bool, len(pages)) // a goal starts on the page
	for i, lines := range pages {
		var words []string
		for _, l := range lines {
			words = append(words, l.Text)
			starts[i] = starts[i] || l.Text == "Goal status"
		}
		texts[i] = pdftest.Flatten(strings.Join(words, " "))
	}
	first, last := -1, -1
	for _, g := range r.Goals {
		page := slices.IndexFunc(texts, func(s string) bool {
			return strings.Contains(s, pdftest.Flatten(fmt.Sprintf("Goal %d: %s Goal status", g.Number, g.Title)))
		})
		if page < 0 {
			t.Errorf("%s: no page opens goal %d", r.Title, g.Number)
			continue
		}
		if first < 0 {
			first = page
		}
		last = page
		if ind := g.Indicators[0]; !strings.Contains(texts[page], pdftest.Flatten(ind.Title+" "+ind.Definition)) {
			t.Errorf("%s: goal %d opens at the foot of page %d without its first indicator, %q", r.Title, g.Number, page+1, ind.Title)
		}
	}
	// The goals run from the first goal's page to the page before the
	// chapter that follows the last one.
	end := slices.IndexFunc(texts[last:], func(s string) bool { return strings.Contains(s, "Remaining gaps and needs for support By goal") })
	if first < 0 || end < 0 {
		t.Fatalf("%s: goals from page %d, gaps at %d", r.Title, first+1, end)
	}
	body := pdf.Body
	for i := first; i < last+end-1; i++ {
		bottom := pdfTop
		for _, l := range pages[i] {
			if l.Y > pdfTop && l.Y < pdfBottom+1 {
				bottom = max(bottom, l.Y)
			}
		}
		if empty := (pdfBottom - bottom) / body; empty > 0.5 && !starts[i+1] {
			t.Errorf("%s: page %d is %.0f %% empty, and what follows could begin on it", r.Title, i+1, 100*empty)
		}
	}
}

// The body of a page, in millimetres from its top: between the running
// header and the foot of the text (the page number is below).
const (
	pdfTop    = pdf.MarginTop
	pdfBottom = pdf.PageHeight - pdf.MarginBottom
)
