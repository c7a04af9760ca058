package pdf

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/render/pdf/pdftest"
)

var fixed = time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)

// scriptStrings are the test strings of docs/domain.md: every script of the region,
// the Montenegrin letters that exist only with a combining acute included.
var scriptStrings = []string{
	"Tarčin", "Prishtinë / Priština", "Скопје", "Tiranë", "Ђорђе Њежић", "С́ецање",
	"Ç ç Ë ë", "Č Ć Đ Š Ž", "Dž Lj Nj", "Ђ Ј Љ Њ Ћ Џ", "Ѓ Ќ Ѕ", "Ś Ź", "З́",
}

// sample draws one of everything the toolkit offers, as the report does.
func sample(t testing.TB, draft bool) *Doc {
	t.Helper()
	d, err := New(Options{Title: "Western Balkans SALW Control Roadmap – Regional progress report 16", Period: "January–June 2026", Draft: draft, Created: fixed})
	if err != nil {
		t.Fatal(err)
	}
	d.Cover()
	d.Text("Regional progress report 16", Style{Size: 24, Bold: true, Color: Accent, Before: 50, After: 6})
	d.Text("Period reviewed: January–June 2026\nMeeting: Tirana, 15 December 2026", Style{Size: 12, After: 4})
	d.Contents("Contents", 30, 2)

	d.Heading(1, "Summary", 0)
	d.Paragraph("Focal points reported from Tarčin, Prishtinë / Priština, Скопје and Tiranë. " + strings.Repeat("The Commission met its partners and agreed next steps. ", 12))
	d.Footnote("*", "References to Kosovo shall be understood to be in the context of Security Council resolution 1244 (1999).")
	nan := math.NaN()
	d.Table(Table{
		Columns: []Column{{Title: "Jurisdiction", Width: 3}, {Title: "Current", Width: 1.3, Align: "R"}, {Title: "Previous", Width: 1.3, Align: "R"}, {Title: "Baseline 2018", Width: 1.3, Align: "R"}, {Title: "Change", Width: 1.1, Align: "R"}},
		Rows: [][]Cell{
			{Txt("Albania"), Num(1534, 0), Num(1320, 0), Num(980, 0), Txt("+16.2 %")},
			{Txt("Bosnia and Herzegovina"), Num(2345678, 0), Missing(), Num(2100000, 0), Missing()},
			{Txt("Kosovo*"), Num(nan, 0), Num(12, 0), Num(0, 0), Missing()},
			{{Text: "Region (5 of 6)", Bold: true}, {Text: roadmap.FormatNumber(2347224, 0), Bold: true}, Missing(), Num(2100992, 0), Txt("")},
		},
	})
	d.Heading(1, "Goal 3: Illicit flows of firearms, ammunition and explosives significantly reduced", 0)
	d.Heading(2, "G3.1 Firearms seized", 0)
	d.BarChart(BarChart{Title: "Firearms seized, January–June 2026", Unit: "firearms", Bars: []Bar{
		{Label: "Albania", Value: 1534}, {Label: "Bosnia and Herzegovina", Value: 2345}, {Label: "Kosovo*", Value: nan},
		{Label: "Montenegro", Value: 0, Highlight: true}, {Label: "North Macedonia", Value: 812}, {Label: "Serbia – a very long name that must be shortened somewhere", Value: 3120},
	}})
	labels := []string{}
	vals := []float64{}
	for i := range 16 {
		labels = append(labels, fmt.Sprintf("%d-H%d", 2019+i/2, 1+i%2))
		v := 1000 + 120*float64(i)
		if i == 5 || i == 6 {
			v = nan
		}
		vals = append(vals, v)
	}
	d.LineChart(LineChart{Title: "Firearms seized in the region, 2019–2026", Unit: "firearms", Labels: labels, Series: []Series{{Name: "Region", Values: vals}, {Name: "Albania", Values: scale(vals, 0.3), Color: Highlight, Dashed: true}}})
	d.Heading(2, "G1.1 Legislation aligned with the EU framework", 0)
	d.StatusMatrix(Matrix{Corner: "Instrument", Columns: []string{"Albania", "Bosnia and Herzegovina", "Kosovo*", "Montenegro", "North Macedonia", "Serbia"},
		Levels: []string{"not started", "drafting", "partly aligned", "fully aligned"},
		Rows: []MatrixRow{
			{Label: "Weapons law", Cells: []string{"fully aligned", "drafting", "", "partly aligned", "not started", "fully aligned"}},
			{Label: "Deactivation rules", Cells: []string{"partly aligned", "partly aligned", "drafting", "", "fully aligned", "drafting"}},
		}})
	d.Heading(2, "Narratives", 0)
	for _, s := range scriptStrings {
		d.Paragraph(s)
	}
	return d
}

func scale(v []float64, k float64) []float64 {
	out := make([]float64, len(v))
	for i := range v {
		out[i] = v[i] * k
	}
	return out
}

func render(t testing.TB, d *Doc) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := d.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSample renders the sample; with ROADMAP_PDF_OUT set it keeps the file,
// so that a person can look at it (pdftoppm -png -r 60).
func TestSample(t *testing.T) {
	t.Parallel()
	b := render(t, sample(t, true))
	if out := os.Getenv("ROADMAP_PDF_OUT"); out != "" {
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text, err := pdftest.Text(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Regional progress report 16", "DRAFT", "not reported", "2,345,678", "Page 1 of", "References to Kosovo shall be understood"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
}

func TestScriptsSurviveRoundTrip(t *testing.T) {
	t.Parallel()
	for _, draft := range []bool{false, true} {
		b := render(t, sample(t, draft))
		text, err := pdftest.Text(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range scriptStrings {
			if !strings.Contains(text, s) {
				t.Errorf("draft=%v: %q did not survive the round trip", draft, s)
			}
		}
		if strings.Contains(text, Replacement) {
			t.Errorf("draft=%v: a script string was replaced: %q", draft, text)
		}
	}
}

func TestEmojiIsReplacedNotFatal(t *testing.T) {
	t.Parallel()
	d, err := New(Options{Title: "Emoji", Created: fixed})
	if err != nil {
		t.Fatal(err)
	}
	d.Heading(1, "Narrative 🎉 heading", 0)
	d.Paragraph("Progress was good 👍🏽 and the team 👨‍👩‍👧 met; flags 🇦🇱 too. Tab\there, bell\a gone.")
	d.Table(Table{Columns: []Column{{Title: "Note 🚀"}}, Rows: [][]Cell{{Txt("cell 😀 end")}}})
	d.BarChart(BarChart{Title: "Bars", Bars: []Bar{{Label: "🚀 rocket", Value: 1}}})
	b := render(t, d)
	text, err := pdftest.Text(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Narrative □ heading",
		"Progress was good □ and the team □ met; flags □ too. Tab here, bell gone.",
		"cell □ end", "Note □", "□ rocket",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q in %q", want, text)
		}
	}
}

func TestByteIdentical(t *testing.T) {
	t.Parallel()
	a := render(t, sample(t, true))
	b := render(t, sample(t, true))
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same document differ")
	}
	if !bytes.Contains(a, []byte("/CreationDate (D:20261130070000")) {
		t.Error("creation date is not the injected time")
	}
	c, err := New(Options{Title: "x", Created: fixed.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Options{Title: "x", Created: fixed})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(render(t, c), render(t, d)) {
		t.Error("the creation time does not reach the document")
	}
}

func TestTableRepeatsHeaderAcrossPages(t *testing.T) {
	t.Parallel()
	d, err := New(Options{Title: "Long table", Created: fixed})
	if err != nil {
		t.Fatal(err)
	}
	tb := Table{Columns: []Column{{Title: "Row name", Width: 3}, {Title: "Value column", Width: 1, Align: "R"}}}
	for i := range 150 {
		long := ""
		if i%10 == 0 {
			long = " — " + strings.Repeat("a long description that wraps over lines ", 4)
		}
		tb.Rows = append(tb.Rows, []Cell{Txt(fmt.Sprintf("row %03d%s", i, long)), Num(float64(i*1000), 0)})
	}
	d.Table(tb)
	pages, err := pdftest.Pages(render(t, d))
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 3 {
		t.Fatalf("table of 150 rows fills %d pages, want ≥ 3", len(pages))
	}
	seen := map[string]int{}
	for i, p := range pages {
		lines := strings.Split(p, "\n")
		// The header is the first thing after the running header on every page.
		if idx := strings.Index(p, "Row name\nValue column"); idx < 0 {
			t.Errorf("page %d does not repeat the header row: %q", i+1, p[:min(len(p), 200)])
		} else if first := strings.Index(p, "row "); first >= 0 && first < idx {
			t.Errorf("page %d: a row comes before the header", i+1)
		}
		for _, l := range lines {
			if strings.HasPrefix(l, "row ") {
				seen[l[:7]]++
			}
		}
	}
	for i := range 150 {
		if k := fmt.Sprintf("row %03d", i); seen[k] != 1 {
			t.Errorf("%s drawn %d times", k, seen[k])
		}
	}
	if !strings.Contains(strings.Join(pages, "\n"), "149,000") {
		t.Error("numbers lack thousands separators")
	}
}

func TestContentsPageNumbers(t *testing.T) {
	t.Parallel()
	d, err := New(Options{Title: "Contents", Created: fixed})
	if err != nil {
		t.Fatal(err)
	}
	d.Cover()
	d.Text("Cover", Style{})
	d.Contents("Contents", 10, 2)
	d.Heading(1, "Chapter Ђ one", 0)
	d.Paragraph(strings.Repeat("Text. ", 900))
	d.Heading(2, "Section Č two", 0)
	d.Heading(1, "Chapter three", 0)
	d.Heading(3, "Not listed", 0)
	b := render(t, d)
	pages, err := pdftest.Pages(b)
	if err != nil {
		t.Fatal(err)
	}
	outline := d.Outline()
	if len(outline) != 4 {
		t.Fatalf("outline has %d entries", len(outline))
	}
	toc := pdftest.Flatten(pages[1])
	for _, e := range outline[:3] {
		// The heading really is on the page the contents gives for it.
		if !strings.Contains(pdftest.Flatten(pages[e.Page-1]), e.Title) {
			t.Errorf("%q is not on page %d", e.Title, e.Page)
		}
		if want := fmt.Sprintf("%s %d", e.Title, e.Page); !strings.Contains(toc, want) {
			t.Errorf("contents lacks %q: %q", want, toc)
		}
	}
	if outline[0].Page != 3 || outline[2].Page < outline[1].Page {
		t.Errorf("unexpected pages %+v", outline)
	}
	if strings.Contains(toc, "Not listed") {
		t.Error("a level-3 heading is listed although the contents stops at level 2")
	}
	// Bookmarks carry the UTF-16 titles, so that non-ASCII headings read right.
	if !bytes.Contains(b, []byte("/Outlines")) {
		t.Error("no bookmarks")
	}
}

func TestContentsOverflowIsAnError(t *testing.T) {
	t.Parallel()
	d, err := New(Options{Title: "x", Created: fixed})
	if err != nil {
		t.Fatal(err)
	}
	d.Contents("Contents", 1, 2)
	for i := range 50 {
		d.Heading(2, fmt.Sprintf("Section %d", i), 1)
	}
	if err := d.Write(&bytes.Buffer{}); err == nil {
		t.Fatal("50 headings in a contents reserved for 46 did not fail")
	}
}

func TestFootnoteAtPageBottom(t *testing.T) {
	t.Parallel()
	d, err := New(Options{Title: "x", Created: fixed})
	if err != nil {
		t.Fatal(err)
	}
	d.Paragraph("Kosovo* is named here.")
	d.Footnote("*", "References to Kosovo shall be understood to be in the context of Security Council resolution 1244 (1999).")
	d.Paragraph(strings.Repeat("Filler text that flows to the next page. ", 200))
	pages, err := pdftest.Pages(render(t, d))
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 2 {
		t.Fatal("filler did not reach a second page")
	}
	p1 := pdftest.Flatten(pages[0])
	note := "* References to Kosovo shall be understood to be in the context of Security Council resolution 1244 (1999)."
	if !strings.Contains(p1, note) {
		t.Errorf("page 1 lacks the footnote: %q", p1)
	}
	// Drawn after the body text of the page, before the page number.
	if i, j := strings.Index(p1, "Filler"), strings.Index(p1, note); i > j {
		t.Error("footnote drawn above the text")
	}
	if strings.Contains(pages[1], "References to Kosovo") {
		t.Error("footnote repeated on page 2")
	}
}

func TestNiceTicks(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{
		{0, 3120, "[0 1000 2000 3000 4000]"},
		{0, 100, "[0 25 50 75 100]"},
		{0, 0, "[0 0.25 0.5 0.75 1]"},
		{0, 7, "[0 2 4 6 8]"},
		{-30, 45, "[-40 -20 0 20 40 60]"},
		{0, 2345678, "[0 1e+06 2e+06 3e+06]"},
	} {
		if got := fmt.Sprint(NiceTicks(c.lo, c.hi, 5)); got != c.want {
			t.Errorf("NiceTicks(%v, %v) = %s, want %s", c.lo, c.hi, got, c.want)
		}
	}
}

func TestSanitizer(t *testing.T) {
	t.Parallel()
	d, err := New(Options{Created: fixed})
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"plain":             "plain",
		"С́ецање":           "С́ецање",
		"a👍🏽b":              "a□b",
		"👨‍👩‍👧 family":      "□ family",
		"x\r\ny\tz\x00":     "x\ny z",
		"中文":                "□□", // DejaVu Sans has no CJK
		"ok ❤️ ok":          "ok ❤ ok",
		"bad \xff byte":     "bad □ byte",
		"₽ ₴ € 1,234 – “q”": "₽ ₴ € 1,234 – “q”",
	} {
		if got := d.Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range append(scriptStrings, "👍🏽", "a\u200db", "\xff\xfe", "中文 🇦🇱") {
		f.Add(s)
	}
	d, err := New(Options{Created: fixed})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := d.Clean(s)
		for _, r := range out {
			if r > 0xFFFF || (r < 0x20 && r != '\n') {
				t.Fatalf("Clean(%q) kept %U", s, r)
			}
			if string(r) != Replacement && !d.san.glyphs.has(r) && r != '\n' {
				t.Fatalf("Clean(%q) kept %U, which the font lacks", s, r)
			}
		}
	})
}

func FuzzParseCmap(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 'c', 'm', 'a', 'p', 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 40})
	f.Add([]byte("not a font"))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := parseCmap(b)
		if err == nil {
			for i := 1; i < len(g.ranges); i++ {
				if g.ranges[i].lo <= g.ranges[i-1].hi {
					t.Fatalf("ranges overlap: %v", g.ranges)
				}
			}
		}
	})
}

func BenchmarkSampleDocument(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		d := sample(b, true)
		if err := d.Write(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDeflateMatchesFpdf: Write compresses the page streams itself, with one
// zlib writer per document; the file must be byte for byte the one fpdf
// writes when it compresses them itself.
func TestDeflateMatchesFpdf(t *testing.T) {
	t.Parallel()
	for _, draft := range []bool{false, true} {
		ours := render(t, sample(t, draft))
		d := sample(t, draft)
		if err := d.finish(); err != nil {
			t.Fatal(err)
		}
		d.f.SetCompression(true)
		var theirs bytes.Buffer
		if err := d.f.Output(&theirs); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ours, theirs.Bytes()) {
			t.Fatalf("draft=%v: deflated output (%d bytes) differs from fpdf's compressed output (%d bytes)", draft, len(ours), theirs.Len())
		}
		if !bytes.Contains(ours, []byte("/Filter /FlateDecode /Length")) {
			t.Error("no compressed page stream")
		}
	}
}

func TestDeflateRejectsOtherLayouts(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{"", "%PDF-1.4\nno xref", "%PDF-1.4\nstartxref\n5\n%%EOF\n", "%PDF-1.4\nxref\n0 3\n0000000000 65535 f \nstartxref\n9\n%%EOF\n"} {
		if err := deflatePages(io.Discard, []byte(doc)); err == nil {
			t.Errorf("%q: no error", doc)
		}
	}
}

// TestJoined: a line never joins a gap (not reported) nor the points set
// apart (a whole baseline year before half-years).
func TestJoined(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	for _, tc := range []struct {
		values []float64
		apart  int
		want   string
	}{
		{[]float64{1, 2, 3, 4}, 0, "[1 2 3]"},
		{[]float64{10, 2, 3, 4}, 1, "[2 3]"},
		{[]float64{10, 2, nan, 4, 5}, 1, "[4]"},
		{[]float64{nan, 2, 3}, 0, "[2]"},
		{[]float64{1, 2}, 2, "[]"},
	} {
		if got := fmt.Sprint(joined(tc.values, len(tc.values), tc.apart)); got != tc.want {
			t.Errorf("joined(%v, apart %d) = %s, want %s", tc.values, tc.apart, got, tc.want)
		}
	}
}

// TestChartTitlesWrapNeverCut: a title too long for its chart wraps onto
// more lines; every word of it is in the PDF and no ellipsis replaces any.
func TestChartTitlesWrapNeverCut(t *testing.T) {
	t.Parallel()
	d, err := New(Options{Title: "Charts", Created: fixed})
	if err != nil {
		t.Fatal(err)
	}
	title := "Trend, 2018 to 2026-H1 (gaps: not reported); the 2018 baseline covers a whole year, later periods half a year, which this title explains at length"
	bar := BarChart{Title: title + " (bars)", Bars: []Bar{{Label: "Albania", Value: 3}, {Label: "Serbia", Value: math.NaN()}}}
	line := LineChart{Title: title, Labels: []string{"2018", "2019-H1", "2019-H2"}, Apart: 1, ApartName: "2018, a whole year",
		Series: []Series{{Name: "Region", Values: []float64{10, 4, 5}}}, Note: "A note under the chart that is long enough to wrap onto a second line in half the page width."}
	d.AddPage()
	one := d.ChartsHeight(line)
	two := d.ChartsHeight(bar, line)
	if two <= one {
		t.Errorf("side by side, the titles take more lines: height %.1f, alone %.1f", two, one)
	}
	y := d.Y()
	d.Charts(bar, line)
	if got := d.Y() - y; math.Abs(got-two) > 0.01 {
		t.Errorf("Charts took %.1f mm, ChartsHeight said %.1f", got, two)
	}
	text, err := pdftest.Text(render(t, d))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{title, title + " (bars)", "2018, a whole year", line.Note, NotReported} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if strings.Contains(text, "…") {
		t.Error("something was cut with an ellipsis")
	}
}

// TestChapterPageBreaks: a chapter starts on a new page, unless the page so
// far holds only a short tail of the chapter before (a page left nearly
// empty otherwise).
func TestChapterPageBreaks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lines   int
		newPage bool
	}{{3, false}, {40, true}} {
		d, err := New(Options{Title: "x", Created: fixed})
		if err != nil {
			t.Fatal(err)
		}
		d.AddPage()
		d.Heading(1, "One", 0)
		d.AddPage()
		for range tc.lines {
			d.Text("A line of the chapter before.", Style{})
		}
		page := d.Page()
		d.Heading(1, "Two", 0)
		if got := d.Page() != page; got != tc.newPage {
			t.Errorf("after %d lines: new page %v, want %v", tc.lines, got, tc.newPage)
		}
	}
}

// FuzzDeflatePages: the rewriting of fpdf's output must fail cleanly, never
// panic, whatever bytes it is given.
func FuzzDeflatePages(f *testing.F) {
	d, err := New(Options{Title: "fuzz", Created: fixed, Uncompressed: true})
	if err != nil {
		f.Fatal(err)
	}
	d.Text("Tiranë, Скопје", Style{})
	var buf bytes.Buffer
	if err := d.Write(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("%PDF-1.4\nxref\n0 2\n0000000000 65535 f \n-000000001 00000 n \ntrailer\n<<>>\nstartxref\n9\n%%EOF\n"))
	f.Add([]byte("startxref\n0\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		_ = deflatePages(io.Discard, doc)
	})
}

// A running header too long for its line (a draft's, beside DRAFT and the
// period) drops its leading parts, the roadmap's name first, rather than
// cutting the report's own name mid-word ("Bosnia and Herzegov…").
func TestRunningHeaderDropsLeadingParts(t *testing.T) {
	t.Parallel()
	d, err := New(Options{Title: "Western Balkans SALW Control Roadmap 2025–2030 – Jurisdiction report: Bosnia and Herzegovina – Draft",
		Period: "January–June 2026", Draft: true, Created: fixed})
	if err != nil {
		t.Fatal(err)
	}
	d.AddPage()
	d.Paragraph("Body.")
	text, err := pdftest.Text(render(t, d))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "…") {
		t.Errorf("the running header is cut with an ellipsis: %q", text)
	}
	if !strings.Contains(text, "Jurisdiction report: Bosnia and Herzegovina – Draft") {
		t.Errorf("the running header lacks the report's name: %q", text)
	}
}
