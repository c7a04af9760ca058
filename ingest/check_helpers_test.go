package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/templates"
)

var (
	testJurisdiction = "AL"
	// testPeriod is a half-year of the Phase I catalogue (half-yearly
	// figures), which the built-in succession keeps in force up to 2024-H2.
	testPeriod    = roadmap.MustPeriod("2024-H2")
	testReceived  = time.Date(2026, 7, 20, 9, 30, 0, 0, time.UTC)
	testCoverDate = time.Date(2026, 7, 15, 0, 0, 0, 0, time.UTC)
)

// builtin is the built-in catalogue, read once per test binary: tests only
// read it.
var builtin = sync.OnceValues(templates.DefaultCatalogue)

func defaultCatalogue(t testing.TB) *roadmap.Catalogue {
	t.Helper()
	cat, err := builtin()
	if err != nil {
		t.Fatalf("default catalogue: %v", err)
	}
	return cat
}

// variant is one way a Commission's spreadsheet stores the same figures.
// Only the KPI sheet's figures are stored differently; the date system
// (date1904) is the workbook's, so it concerns every sheet.
type variant struct {
	name     string
	date1904 bool
	put      func(b *book, ref string, ind *roadmap.Indicator, v float64)
}

// storesOtherSheets reports whether the variant stores the sheets other
// than the KPI sheet differently from the first variant: only its date
// system can.
func (v variant) storesOtherSheets() bool { return v.name == variants[0].name || v.date1904 }

var variants = []variant{
	{name: "numbers", put: func(b *book, ref string, _ *roadmap.Indicator, v float64) {
		b.must(b.f.SetCellFloat(roadmap.SheetKPI, ref, v, -1, 64))
	}},
	{name: "numbers-as-text", put: func(b *book, ref string, _ *roadmap.Indicator, v float64) {
		// Text with the trailing non-breaking space a copy from a web page leaves.
		b.must(b.f.SetCellStr(roadmap.SheetKPI, ref, " "+formatNumber(v)+"\u00a0"))
	}},
	{name: "thousands-separators", put: func(b *book, ref string, _ *roadmap.Indicator, v float64) {
		b.must(b.f.SetCellStr(roadmap.SheetKPI, ref, grouped(v)))
	}},
	{name: "formulas-with-cached-values", put: func(b *book, ref string, _ *roadmap.Indicator, v float64) {
		b.must(b.f.SetCellFloat(roadmap.SheetKPI, ref, v, -1, 64))
		b.must(b.f.SetCellFormula(roadmap.SheetKPI, ref, formatNumber(v)+"*1"))
		b.numericFormulas = append(b.numericFormulas, ref)
	}},
	{name: "percent-format", put: func(b *book, ref string, ind *roadmap.Indicator, v float64) {
		if ind.Kind != roadmap.Percent {
			b.must(b.f.SetCellFloat(roadmap.SheetKPI, ref, v, -1, 64))
			return
		}
		b.must(b.f.SetCellFloat(roadmap.SheetKPI, ref, v/100, -1, 64))
		b.must(b.f.SetCellStyle(roadmap.SheetKPI, ref, ref, b.percentStyle()))
	}},
	{name: "1904-dates", date1904: true, put: func(b *book, ref string, _ *roadmap.Indicator, v float64) {
		b.must(b.f.SetCellFloat(roadmap.SheetKPI, ref, v, -1, 64))
	}},
}

// grouped writes v with non-breaking spaces between thousands and a decimal
// comma, the way a Balkan locale shows it.
func grouped(v float64) string {
	s := formatNumber(math.Abs(v))
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString("," + frac)
	}
	return b.String()
}

// book is a template being filled in for a test.
type book struct {
	t               testing.TB
	cat             *roadmap.Catalogue // the catalogue in force for period
	period          roadmap.Period     // the round the template was made for
	f               *excelize.File
	v               variant
	pct             int
	numericFormulas []string
}

func newBook(t testing.TB, cat *roadmap.Catalogue, v variant) *book {
	t.Helper()
	return newRoundBook(t, cat, testPeriod, v)
}

// newRoundBook is the template of round p, made from the catalogue in
// force for it.
func newRoundBook(t testing.TB, cat *roadmap.Catalogue, p roadmap.Period, v variant) *book {
	t.Helper()
	return newJurisdictionBook(t, cat, testJurisdiction, p, v)
}

// newJurisdictionBook is jurisdiction j's template of round p.
func newJurisdictionBook(t testing.TB, cat *roadmap.Catalogue, j string, p roadmap.Period, v variant) *book {
	t.Helper()
	f, err := templates.NewWorkbook(cat, j, p)
	if err != nil {
		t.Fatalf("template: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	b := &book{t: t, cat: cat.InForce(p), period: p, f: f, v: v, pct: -1}
	if v.date1904 {
		yes := true
		b.must(f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
	}
	return b
}

// filled is a variant's valid workbook of testPeriod (fillValid on a new
// template), made once per test binary: most tests check it as it is or
// change a cell or two of a copy, instead of making and filling a template
// each (the checker's 180 finding cases did, a quarter of their time).
type filled struct {
	once  sync.Once
	data  []byte
	typed map[string]roadmap.Value
}

var filledBooks = func() map[string]*filled {
	m := make(map[string]*filled, len(variants))
	for _, v := range variants {
		m[v.name] = &filled{}
	}
	return m
}()

// validBook is variant v's valid workbook, as bytes, with the values it
// holds by row code. Neither may be changed.
func validBook(t testing.TB, v variant) ([]byte, map[string]roadmap.Value) {
	t.Helper()
	fb := filledBooks[v.name]
	fb.once.Do(func() {
		b := newBook(t, defaultCatalogue(t), v)
		typed := b.fillValid()
		fb.data, fb.typed = b.bytes(), typed
	})
	if fb.data == nil {
		t.Fatalf("the valid workbook of variant %s could not be made (see the test that made it first)", v.name)
	}
	return fb.data, fb.typed
}

// filledBook is a copy of variant v's valid workbook, open for the test to
// change, with the values it holds by row code (not to be changed). Its
// numeric formulas are already stored as numbers, and excelize writes them
// back as it read them: only those the test adds are rewritten (bytes).
func filledBook(t testing.TB, v variant) (*book, map[string]roadmap.Value) {
	t.Helper()
	data, typed := validBook(t, v)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open the valid workbook: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return &book{t: t, cat: defaultCatalogue(t).InForce(testPeriod), period: testPeriod, f: f, v: v, pct: -1}, typed
}

func (b *book) must(err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
}

func (b *book) percentStyle() int {
	if b.pct < 0 {
		id, err := b.f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
		b.must(err)
		b.pct = id
	}
	return b.pct
}

// ref is the value cell of a row code.
func (b *book) ref(code string) string {
	b.t.Helper()
	row, ok := templates.KPIRow(b.cat, b.period, code)
	if !ok {
		b.t.Fatalf("no row %s", code)
	}
	return fmt.Sprintf("%s%d", roadmap.KPIColValue, row)
}

func (b *book) indicator(code string) *roadmap.Indicator {
	b.t.Helper()
	ind, _, _ := strings.Cut(code, "/")
	i, ok := b.cat.Indicator(ind)
	if !ok {
		b.t.Fatalf("no indicator %s", code)
	}
	return i
}

// num sets a row's value in the book's variant.
func (b *book) num(code string, v float64) { b.v.put(b, b.ref(code), b.indicator(code), v) }

// text types a row's value as text, whatever the variant.
func (b *book) text(code, s string) { b.must(b.f.SetCellStr(roadmap.SheetKPI, b.ref(code), s)) }

func (b *book) clear(code string) { b.must(b.f.SetCellValue(roadmap.SheetKPI, b.ref(code), nil)) }

func (b *book) set(sheet, ref string, v any) { b.must(b.f.SetCellValue(sheet, ref, v)) }

// fillValid fills every input as a careful Commission would: every row, the
// cover and the narrative. It returns the values it typed by row code.
func (b *book) fillValid() map[string]roadmap.Value {
	want := map[string]roadmap.Value{}
	for i, ind := range b.cat.Due(b.period) {
		switch ind.Kind {
		case roadmap.Status:
			level := ind.Levels[len(ind.Levels)/2]
			b.text(ind.Code, level)
			want[ind.Code] = roadmap.Value{Reported: true, Level: level}
		case roadmap.Percent:
			if ind.Ratio != nil {
				continue // typed once its figures are, below
			}
			b.num(ind.Code, 45.5+float64(i))
			want[ind.Code] = roadmap.Value{Reported: true, Number: 45.5 + float64(i)}
		case roadmap.Quantity:
			b.num(ind.Code, 12.5+float64(i))
			want[ind.Code] = roadmap.Value{Reported: true, Number: 12.5 + float64(i)}
		case roadmap.Count:
			if ind.Breakdown == nil {
				n := float64(1500 + i)
				b.num(ind.Code, n)
				want[ind.Code] = roadmap.Value{Reported: true, Number: n}
				continue
			}
			total := 0.0
			for k, p := range ind.Breakdown.Parts {
				n := float64(600 + 100*k + i)
				b.num(roadmap.RowCode(ind.Code, p.Code), n)
				want[roadmap.RowCode(ind.Code, p.Code)] = roadmap.Value{Reported: true, Number: n}
				total += n
			}
			if ind.Breakdown.Rule == roadmap.PartsAtMostTotal {
				total += 10
			}
			b.num(ind.Code, total)
			want[ind.Code] = roadmap.Value{Reported: true, Number: total}
		}
	}
	for _, ind := range b.cat.Due(b.period) {
		if ind.Ratio != nil {
			// The share its figures give, to one decimal as a careful
			// Commission types it.
			share := math.Round(want[ind.Ratio.Numerator].Number/want[ind.Ratio.Denominator].Number*1000) / 10
			b.num(ind.Code, share)
			want[ind.Code] = roadmap.Value{Reported: true, Number: share}
		}
	}
	b.set(roadmap.SheetCover, roadmap.CoverInstitution, "Komisioni për Kontrollin e Armëve")
	b.set(roadmap.SheetCover, roadmap.CoverContact, "Ђорђе Њежић")
	b.set(roadmap.SheetCover, roadmap.CoverEmail, "focal.point@example.org")
	if b.v.date1904 {
		// The serial number of the day in the 1904 date system, as a Mac
		// spreadsheet stores it: read with the 1900 system it would be four
		// years and a day off.
		serial := testCoverDate.Sub(time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)).Hours() / 24
		b.must(b.f.SetCellFloat(roadmap.SheetCover, roadmap.CoverDate, serial, -1, 64))
	} else {
		b.set(roadmap.SheetCover, roadmap.CoverDate, testCoverDate)
	}
	b.set(roadmap.SheetCover, roadmap.CoverStatus, "final")
	for i, g := range b.cat.Goals {
		row := roadmap.NarrFirstRow + i
		b.set(roadmap.SheetNarrative, fmt.Sprintf("%s%d", roadmap.NarrColProgress, row), "Napredak u Tarčinu za "+g.Code+".")
		b.set(roadmap.SheetNarrative, fmt.Sprintf("%s%d", roadmap.NarrColChallenge, row), "С́ецање.")
	}
	return want
}

// fastZip writes the workbooks the tests make and rewrite at deflate's
// fastest level rather than its default: the same kind of file, in half the
// time that hundreds of test workbooks spent compressing.
func fastZip(w io.Writer) *zip.Writer {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		fw, ok := fastFlaters.Get().(*flate.Writer)
		if !ok {
			var err error
			if fw, err = flate.NewWriter(out, flate.BestSpeed); err != nil {
				return nil, err
			}
		}
		fw.Reset(out)
		return pooledFlater{fw}, nil
	})
	return zw
}

// fastFlaters keeps the compressors, which are large, for the next entry.
var fastFlaters sync.Pool

type pooledFlater struct{ *flate.Writer }

func (p pooledFlater) Close() error {
	err := p.Writer.Close()
	fastFlaters.Put(p.Writer)
	return err
}

var strFormula = regexp.MustCompile(`<c r="([A-Z]+[0-9]+)"([^>]*?) t="str"([^>]*)>`)

// bytes writes the book. Formulas written by excelize carry their result as
// text (t="str"); Excel and LibreOffice store a number, so numeric formula
// cells are rewritten to that form.
func (b *book) bytes() []byte {
	b.t.Helper()
	var buf bytes.Buffer
	b.f.SetZipWriter(func(w io.Writer) excelize.ZipWriter { return fastZip(w) })
	b.must(b.f.Write(&buf))
	if len(b.numericFormulas) == 0 {
		return buf.Bytes()
	}
	numeric := map[string]bool{}
	for _, r := range b.numericFormulas {
		numeric[r] = true
	}
	return rewriteZip(b.t, buf.Bytes(), func(name, body string) string {
		if !strings.HasPrefix(name, "xl/worksheets/") {
			return body
		}
		return strFormula.ReplaceAllStringFunc(body, func(m string) string {
			if numeric[strFormula.FindStringSubmatch(m)[1]] {
				return strings.Replace(m, ` t="str"`, "", 1)
			}
			return m
		})
	})
}

// rewriteZip copies a zip archive, passing each entry's text through edit.
// An entry edit leaves as it was is copied still compressed.
func rewriteZip(t testing.TB, data []byte, edit func(name, body string) string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := fastZip(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if edited := edit(f.Name, string(body)); edited != string(body) {
			w, err := zw.Create(f.Name)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write([]byte(edited)); err != nil {
				t.Fatal(err)
			}
			continue
		}
		raw, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateRaw(&f.FileHeader)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// isSentence checks that a message is one plain sentence: a capital first,
// a full stop last, one line, no second sentence and no Go or library text.
func isSentence(msg string) error {
	r, _ := utf8.DecodeRuneInString(msg)
	switch {
	case msg == "":
		return fmt.Errorf("empty message")
	case !unicode.IsUpper(r):
		return fmt.Errorf("does not start with a capital: %q", msg)
	case !strings.HasSuffix(msg, "."):
		return fmt.Errorf("does not end with a full stop: %q", msg)
	case strings.ContainsAny(msg, "\n\t"):
		return fmt.Errorf("spans lines: %q", msg)
	case secondSentence.MatchString(strings.TrimSuffix(msg, ".")):
		return fmt.Errorf("more than one sentence: %q", msg)
	}
	for _, bad := range []string{"Key: '", "Error:Field", "excelize", "zip:", "xml:", "%!", "<nil>", "struct", "validation for"} {
		if strings.Contains(msg, bad) {
			return fmt.Errorf("contains %q: %q", bad, msg)
		}
	}
	return nil
}

var secondSentence = regexp.MustCompile(`[.!?] [A-Z]`)

func findingsOf(sub *roadmap.Submission, code roadmap.Code) []roadmap.Finding {
	var out []roadmap.Finding
	for _, f := range sub.Findings {
		if f.Code == code {
			out = append(out, f)
		}
	}
	return out
}

func errorsOf(sub *roadmap.Submission) []roadmap.Finding {
	var out []roadmap.Finding
	for _, f := range sub.Findings {
		if f.Severity == roadmap.Error {
			out = append(out, f)
		}
	}
	return out
}

func sameNumber(a, b float64) bool {
	return strconv.FormatFloat(a, 'g', 12, 64) == strconv.FormatFloat(b, 'g', 12, 64)
}

// checkFile reads a workbook from disk and checks it in full, as the intake
// would with the bytes it read.
func checkFile(t testing.TB, c *Checker, path, folder string, received time.Time) *roadmap.Submission {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return c.CheckBytes(filepath.Base(path), data, folder, received)
}
