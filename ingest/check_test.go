package ingest

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/templates"
)

func templatesKPIRow(cat *roadmap.Catalogue, code string) (int, bool) {
	return templates.KPIRow(cat, testPeriod, code)
}

func TestValidWorkbookInEveryVariant(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	c := NewChecker(cat)
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			data, want := validBook(t, v)
			sub := c.CheckBytes("report.xlsx", data, "AL", testReceived)
			for _, f := range sub.Findings {
				t.Errorf("unexpected finding: %s", f)
			}
			if sub.State != roadmap.Accepted {
				t.Fatalf("state %s, want accepted", sub.State)
			}
			if sub.Jurisdiction != "AL" || sub.Period != testPeriod {
				t.Errorf("identity %s %s", sub.Jurisdiction, sub.Period)
			}
			if sub.Cover.Date != "2026-07-15" {
				t.Errorf("cover date %q, want 2026-07-15", sub.Cover.Date)
			}
			if len(sub.Values) != len(cat.Rows()) {
				t.Fatalf("%d values for %d rows", len(sub.Values), len(cat.Rows()))
			}
			for _, got := range sub.Values {
				w := want[got.Row]
				if got.Reported != w.Reported || !sameNumber(got.Number, w.Number) || got.Level != w.Level {
					t.Errorf("%s: got %+v, want %+v", got.Row, got, w)
				}
			}
		})
	}
}

// findingCase is one finding a workbook can earn, produced by editing an
// otherwise valid workbook.
type findingCase struct {
	name     string
	code     roadmap.Code
	sev      roadmap.Severity
	sheet    string
	cell     func(b *book) string // nil: the finding names no cell
	ind      string
	contains []string // in every variant's message
	folder   *string  // nil: "AL", the book's own folder
	edit     func(b *book)
	setup    func(c *Checker, typed map[string]roadmap.Value)
}

func at(code string) func(b *book) string   { return func(b *book) string { return b.ref(code) } }
func fixed(ref string) func(b *book) string { return func(*book) string { return ref } }

// belowTable is the first row below the KPI table.
func (b *book) belowTable() int { return roadmap.KPIFirstRow + len(b.cat.Rows()) }

// previousOf is an accepted submission of the previous period with the
// typed values, changed by edit.
func previousOf(typed map[string]roadmap.Value, edit func(row string, v *roadmap.Value)) *roadmap.Submission {
	prev := &roadmap.Submission{Jurisdiction: testJurisdiction, Period: testPeriod.Prev(), State: roadmap.Accepted}
	cat, _ := builtin()
	for _, row := range cat.InForce(prev.Period).RowsDue(prev.Period) {
		v := typed[row.Code]
		v.Row, v.Indicator, v.Period = row.Code, row.Indicator.Code, prev.Period
		if edit != nil {
			edit(row.Code, &v)
		}
		prev.Values = append(prev.Values, v)
	}
	return prev
}

func strp(s string) *string { return &s }

var findingCases = []findingCase{
	{name: "required value blank", code: roadmap.CodeMissingValue, sev: roadmap.Error, sheet: roadmap.SheetKPI, cell: at("G3.2"), ind: "G3.2",
		contains: []string{"Ammunition seized", "must be reported"},
		edit:     func(b *book) { b.clear("G3.2") }},
	{name: "fraction in a count", code: roadmap.CodeWrongType, sev: roadmap.Error, sheet: roadmap.SheetKPI, cell: at("G3.1/border"), ind: "G3.1",
		contains: []string{"(Firearms seized, at the border) says", "1", "5", "counts whole firearms", "such as 2", "leave it blank"},
		edit:     func(b *book) { b.num("G3.1/border", 1.5) }},
	{name: "words in a count", code: roadmap.CodeWrongType, sev: roadmap.Error, sheet: roadmap.SheetKPI, cell: at("G3.2"), ind: "G3.2",
		contains: []string{`"n/a"`, "not a number"},
		edit:     func(b *book) { b.text("G3.2", "n/a") }},
	{name: "ambiguous thousands", code: roadmap.CodeAmbiguous, sev: roadmap.Error, sheet: roadmap.SheetKPI, cell: at("G3.2"), ind: "G3.2",
		contains: []string{`"1,234"`, "1234", "1.234"},
		edit:     func(b *book) { b.text("G3.2", "1,234") }},
	{name: "percent over 100", code: roadmap.CodeOutOfRange, sev: roadmap.Error, sheet: roadmap.SheetKPI, cell: at("G7.1"), ind: "G7.1",
		contains: []string{"120", "cannot be more than 100"},
		edit:     func(b *book) { b.num("G7.1", 120) }},
	{name: "negative count", code: roadmap.CodeOutOfRange, sev: roadmap.Error, sheet: roadmap.SheetKPI, cell: at("G7.3"), ind: "G7.3",
		contains: []string{"-3", "cannot be negative"},
		edit:     func(b *book) { b.num("G7.3", -3) }},
	{name: "status not on the scale", code: roadmap.CodeNotOnScale, sev: roadmap.Error, sheet: roadmap.SheetKPI, cell: at("G1.1"), ind: "G1.1",
		contains: []string{`"Partially Aligned"`, `"not started", "drafting", "partly aligned" or "fully aligned"`},
		edit:     func(b *book) { b.text("G1.1", "  Partially Aligned ") }},
	{name: "parts exceed total", code: roadmap.CodePartsExceed, sev: roadmap.Error, sheet: roadmap.SheetKPI, cell: at("G6.1"), ind: "G6.1",
		contains: []string{"Weapons destroyed", "add up to", "more than the total of 5"},
		edit:     func(b *book) { b.num("G6.1", 5) }},
	{name: "parts do not add up", code: roadmap.CodePartsNotSum, sev: roadmap.Error, sheet: roadmap.SheetKPI, cell: at("G3.1"), ind: "G3.1",
		contains: []string{"Firearms seized", "must add up to the total", "9999"},
		edit:     func(b *book) { b.num("G3.1", 9999) }},
	{name: "share against its own figures", code: roadmap.CodeShareNotRatio, sev: roadmap.Error, sheet: roadmap.SheetKPI, cell: at("G4.3"), ind: "G4.3",
		contains: []string{"(Share of women among officials trained) says 90 %", "give 30 of 100, which is 30.0 %", "correct the share or the figures"},
		edit:     func(b *book) { b.womenTrained(100, 30, 90) }},
	{name: "formula never calculated", code: roadmap.CodeFormulaNoValue, sev: roadmap.Error, sheet: roadmap.SheetKPI, cell: at("G3.2"), ind: "G3.2",
		contains: []string{"formula", "save it again"},
		edit: func(b *book) {
			b.clear("G3.2")
			b.must(b.f.SetCellFormula(roadmap.SheetKPI, b.ref("G3.2"), "F2*2"))
		}},
	{name: "row deleted", code: roadmap.CodeMissingRow, sev: roadmap.Error, sheet: roadmap.SheetKPI, ind: "G3.2",
		contains: []string{"G3.2", "missing"},
		edit: func(b *book) {
			row, _ := templatesKPIRow(b.cat, "G3.2")
			b.must(b.f.RemoveRow(roadmap.SheetKPI, row))
		}},
	{name: "unknown row code", code: roadmap.CodeUnknownRow, sev: roadmap.Error, sheet: roadmap.SheetKPI,
		cell:     func(b *book) string { return fmt.Sprintf("A%d", b.belowTable()) },
		contains: []string{`"G9.9"`},
		edit: func(b *book) {
			b.set(roadmap.SheetKPI, fmt.Sprintf("A%d", b.belowTable()), "G9.9")
			b.set(roadmap.SheetKPI, fmt.Sprintf("F%d", b.belowTable()), 5)
		}},
	{name: "row code twice", code: roadmap.CodeDuplicateRow, sev: roadmap.Error, sheet: roadmap.SheetKPI, ind: "G3.2",
		cell:     func(b *book) string { return fmt.Sprintf("A%d", b.belowTable()) },
		contains: []string{"G3.2", "twice"},
		edit: func(b *book) {
			b.set(roadmap.SheetKPI, fmt.Sprintf("A%d", b.belowTable()), " G3.2 ")
			b.set(roadmap.SheetKPI, fmt.Sprintf("F%d", b.belowTable()), 7)
		}},
	{name: "metadata sheet deleted", code: roadmap.CodeNoMetadata, sev: roadmap.Error,
		contains: []string{roadmap.SheetMeta, "removed"},
		edit:     func(b *book) { b.must(b.f.DeleteSheet(roadmap.SheetMeta)) }},
	{name: "unknown template version", code: roadmap.CodeTemplateVersion, sev: roadmap.Error, sheet: roadmap.SheetMeta, cell: fixed("B1"),
		contains: []string{`template version "99"`},
		edit:     func(b *book) { b.set(roadmap.SheetMeta, "B1", "99") }},
	{name: "other catalogue version", code: roadmap.CodeCatalogueVersion, sev: roadmap.Error, sheet: roadmap.SheetMeta, cell: fixed("B3"),
		contains: []string{`"2020.1"`, `"2024.1-illustrative"`},
		edit:     func(b *book) { b.set(roadmap.SheetMeta, "B3", "2020.1") }},
	{name: "dropped in another jurisdiction's folder", code: roadmap.CodeWrongJurisdiction, sev: roadmap.Error, sheet: roadmap.SheetCover, cell: fixed("B3"),
		folder:   strp("RS"),
		contains: []string{"Albania (AL)", "Serbia (RS)"},
		edit:     func(*book) {}},
	{name: "cover names another jurisdiction", code: roadmap.CodeWrongJurisdiction, sev: roadmap.Error, sheet: roadmap.SheetCover, cell: fixed("B3"),
		contains: []string{`"ME"`, "Albania (AL)"},
		edit:     func(b *book) { b.set(roadmap.SheetCover, "B3", "ME") }},
	{name: "cover names another period", code: roadmap.CodeWrongPeriod, sev: roadmap.Error, sheet: roadmap.SheetCover, cell: fixed("B4"),
		contains: []string{`"2024-H1"`, "2024-H2"},
		edit:     func(b *book) { b.set(roadmap.SheetCover, "B4", "2024-H1") }},
	{name: "metadata period not a period", code: roadmap.CodeWrongPeriod, sev: roadmap.Error, sheet: roadmap.SheetMeta, cell: fixed("B6"),
		contains: []string{`"2026-Q3"`},
		edit:     func(b *book) { b.set(roadmap.SheetMeta, "B6", "2026-Q3") }},
	{name: "large change", code: roadmap.CodeLargeChange, sev: roadmap.Warning, sheet: roadmap.SheetKPI, cell: at("G3.2"), ind: "G3.2",
		contains: []string{"Ammunition seized", "1505 for 2024-H2", "more than 3 times", "the 150.5 reported for 2024-H1"},
		setup: func(c *Checker, typed map[string]roadmap.Value) {
			c.Previous = func(j string, p roadmap.Period) *roadmap.Submission {
				if j != testJurisdiction || p != testPeriod.Prev() {
					return nil
				}
				return previousOf(typed, func(row string, v *roadmap.Value) {
					if row == "G3.2" {
						v.Number /= 10
					}
				})
			}
		}},
	{name: "large drop", code: roadmap.CodeLargeChange, sev: roadmap.Warning, sheet: roadmap.SheetKPI, cell: at("G5.2"), ind: "G5.2",
		contains: []string{"less than 1/3 of", "2024-H1"},
		setup: func(c *Checker, typed map[string]roadmap.Value) {
			c.Previous = func(string, roadmap.Period) *roadmap.Submission {
				return previousOf(typed, func(row string, v *roadmap.Value) {
					if row == "G5.2" {
						v.Number *= 4
					}
				})
			}
		}},
	{name: "same as previous period", code: roadmap.CodeSameAsPrevious, sev: roadmap.Warning, sheet: roadmap.SheetKPI,
		contains: []string{"2024-H1", "2024-H2"},
		setup: func(c *Checker, typed map[string]roadmap.Value) {
			c.Previous = func(string, roadmap.Period) *roadmap.Submission { return previousOf(typed, nil) }
		}},
	{name: "goal without narrative", code: roadmap.CodeNoNarrative, sev: roadmap.Warning, sheet: roadmap.SheetNarrative, cell: fixed("C3"),
		contains: []string{"goal 2 (G2)"},
		edit: func(b *book) {
			b.set(roadmap.SheetNarrative, "C3", nil)
			b.set(roadmap.SheetNarrative, "D3", " ")
		}},
	{name: "late", code: roadmap.CodeLate, sev: roadmap.Warning,
		contains: []string{"2026-07-20", "2026-07-15"},
		setup: func(c *Checker, _ map[string]roadmap.Value) {
			c.Calendar = roadmap.NewCalendar([]roadmap.Meeting{
				{ID: "rcm", Kind: roadmap.Regional, Period: testPeriod, Deadline: roadmap.Date{Year: 2026, Month: 7, Day: 15}},
			}, time.UTC)
		}},
	{name: "no e-mail", code: roadmap.CodeCoverIncomplete, sev: roadmap.Warning, sheet: roadmap.SheetCover, cell: fixed("B7"),
		contains: []string{"e-mail"},
		edit:     func(b *book) { b.set(roadmap.SheetCover, "B7", nil) }},
	{name: "no contact", code: roadmap.CodeCoverIncomplete, sev: roadmap.Warning, sheet: roadmap.SheetCover, cell: fixed("B6"),
		contains: []string{"contact person"},
		edit:     func(b *book) { b.set(roadmap.SheetCover, "B6", "   ") }},
	{name: "e-mail malformed", code: roadmap.CodeCoverIncomplete, sev: roadmap.Warning, sheet: roadmap.SheetCover, cell: fixed("B7"),
		contains: []string{`"focal point at example"`},
		edit:     func(b *book) { b.set(roadmap.SheetCover, "B7", "focal point at example") }},
	{name: "marked draft", code: roadmap.CodeDraftSubmitted, sev: roadmap.Warning, sheet: roadmap.SheetCover, cell: fixed("B9"),
		contains: []string{"draft"},
		edit:     func(b *book) { b.set(roadmap.SheetCover, "B9", "draft") }},
}

// TestFindingsInEveryVariant checks each finding in every way a workbook
// may store its figures; a finding on another sheet than the KPI sheet, in
// the ways that store that sheet differently (its date system).
func TestFindingsInEveryVariant(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	for _, tc := range findingCases {
		for _, v := range variants {
			if tc.sheet != roadmap.SheetKPI && !v.storesOtherSheets() {
				continue
			}
			t.Run(tc.name+"/"+v.name, func(t *testing.T) {
				t.Parallel()
				// A case that changes nothing checks the shared workbook.
				data, typed := validBook(t, v)
				b := &book{t: t, cat: cat.InForce(testPeriod), period: testPeriod, v: v}
				if tc.edit != nil {
					b, _ = filledBook(t, v)
					tc.edit(b)
					data = b.bytes()
				}
				c := NewChecker(cat)
				if tc.setup != nil {
					tc.setup(c, typed)
				}
				folder := "AL"
				if tc.folder != nil {
					folder = *tc.folder
				}
				sub := c.CheckBytes("report.xlsx", data, folder, testReceived)
				cell := ""
				if tc.cell != nil {
					cell = tc.cell(b)
				}
				assertOnly(t, sub, tc.code)
				got := findingsOf(sub, tc.code)
				if len(got) != 1 {
					t.Fatalf("want one %s finding, got %v", tc.code, sub.Findings)
				}
				f := got[0]
				if f.Severity != tc.sev || f.Sheet != tc.sheet || f.Cell != cell || f.Indicator != tc.ind {
					t.Errorf("got %s %s!%s (%s), want %s %s!%s (%s)", f.Severity, f.Sheet, f.Cell, f.Indicator, tc.sev, tc.sheet, cell, tc.ind)
				}
				if err := isSentence(f.Message); err != nil {
					t.Error(err)
				}
				for _, s := range tc.contains {
					if !strings.Contains(f.Message, s) {
						t.Errorf("message %q lacks %q", f.Message, s)
					}
				}
				wantState := roadmap.Accepted
				if tc.sev == roadmap.Error {
					wantState = roadmap.Rejected
				}
				if sub.State != wantState {
					t.Errorf("state %s, want %s", sub.State, wantState)
				}
			})
		}
	}
}

// assertOnly fails unless code is the only kind of finding.
func assertOnly(t *testing.T, sub *roadmap.Submission, code roadmap.Code) {
	t.Helper()
	for _, f := range sub.Findings {
		if f.Code != code {
			t.Errorf("unexpected finding besides %s: %s", code, f)
		}
	}
}

// TestAcceptedSpellings: values as Commissions type them, each read as the
// one number or level it can mean.
func TestAcceptedSpellings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, row string
		put       func(b *book, ref string)
		number    float64
		level     string
	}{
		{"status in capitals with extra spaces", "G1.1", func(b *book, ref string) { b.set(roadmap.SheetKPI, ref, "  FULLY   Aligned ") }, 0, "fully aligned"},
		{"percent typed with a sign", "G7.1", func(b *book, ref string) { b.set(roadmap.SheetKPI, ref, "45 %") }, 45, ""},
		{"percent typed with a sign, no space", "G2.2", func(b *book, ref string) { b.set(roadmap.SheetKPI, ref, "12.5%") }, 12.5, ""},
		{"percent cell formatted as percent", "G7.1", func(b *book, ref string) {
			b.must(b.f.SetCellFloat(roadmap.SheetKPI, ref, 0.45, -1, 64))
			id, err := b.f.NewStyle(&excelize.Style{NumFmt: 9})
			b.must(err)
			b.must(b.f.SetCellStyle(roadmap.SheetKPI, ref, ref, id))
		}, 45, ""},
		{"percent cell with a custom percent format", "G7.1", func(b *book, ref string) {
			b.must(b.f.SetCellFloat(roadmap.SheetKPI, ref, 0.075, -1, 64))
			code := `0.0" "%`
			id, err := b.f.NewStyle(&excelize.Style{CustomNumFmt: &code})
			b.must(err)
			b.must(b.f.SetCellStyle(roadmap.SheetKPI, ref, ref, id))
		}, 7.5, ""},
		{"dots grouping thousands", "G3.2", func(b *book, ref string) { b.set(roadmap.SheetKPI, ref, "1.234.567") }, 1234567, ""},
		{"commas grouping thousands", "G3.2", func(b *book, ref string) { b.set(roadmap.SheetKPI, ref, "30,000,000") }, 30000000, ""},
		{"narrow no-break space grouping", "G3.2", func(b *book, ref string) { b.set(roadmap.SheetKPI, ref, "28\u202f500") }, 28500, ""},
		{"English thousands and decimals", "G3.3", func(b *book, ref string) { b.set(roadmap.SheetKPI, ref, "1,234.5") }, 1234.5, ""},
		{"continental thousands and decimals", "G3.3", func(b *book, ref string) { b.set(roadmap.SheetKPI, ref, "1.234,5") }, 1234.5, ""},
		{"decimal comma", "G3.3", func(b *book, ref string) { b.set(roadmap.SheetKPI, ref, "12,75") }, 12.75, ""},
		{"leading zero decimal comma", "G6.2", func(b *book, ref string) { b.set(roadmap.SheetKPI, ref, "0,125") }, 0.125, ""},
		{"number with trailing spaces", "G3.2", func(b *book, ref string) { b.set(roadmap.SheetKPI, ref, "1505\u00a0 ") }, 1505, ""},
		{"formula result stored as text", "G3.2", func(b *book, ref string) {
			b.must(b.f.SetCellFloat(roadmap.SheetKPI, ref, 1505, -1, 64))
			b.must(b.f.SetCellFormula(roadmap.SheetKPI, ref, "1500+5"))
		}, 1505, ""},
	}
	cat := defaultCatalogue(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := filledBook(t, variants[0])
			tc.put(b, b.ref(tc.row))
			sub := NewChecker(cat).CheckBytes("report.xlsx", b.bytes(), "AL", testReceived)
			for _, f := range sub.Findings {
				t.Errorf("unexpected finding: %s", f)
			}
			v, ok := sub.Value(tc.row)
			if !ok || !v.Reported || !sameNumber(v.Number, tc.number) || v.Level != tc.level || v.Cell != b.ref(tc.row) {
				t.Errorf("%s: got %+v, want %v %q", tc.row, v, tc.number, tc.level)
			}
		})
	}
}

// TestShareContradictsItsFigures: Kosovo*'s 2026 officials trained are 100,
// 30 of them women, but its share of women says 90 %, which the report would
// print beside a regional share of 30 % pooled from the same figures.
func TestShareContradictsItsFigures(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	b := newJurisdictionBook(t, cat, "XK", roadmap.MustPeriod("2026-H2"), variants[0])
	b.fillValid()
	b.womenTrained(100, 30, 90)
	sub := NewChecker(cat).CheckBytes("report.xlsx", b.bytes(), "XK", testReceived)
	want := roadmap.Finding{Severity: roadmap.Error, Code: roadmap.CodeShareNotRatio, Sheet: roadmap.SheetKPI, Cell: "F19", Indicator: "G4.3",
		Message: "Cell F19 (Share of women among officials trained) says 90 %, but cells F17 (officials trained in SALW control, female) and F16 (officials trained in SALW control) give 30 of 100, which is 30.0 %: correct the share or the figures."}
	if len(sub.Findings) != 1 || sub.Findings[0] != want || sub.State != roadmap.Rejected {
		t.Fatalf("%s with findings %v, want rejected with\n%s", sub.State, sub.Findings, want)
	}
}

// womenTrained types the officials trained (G4.2), the women among them
// and the men, and the share of women (G4.3).
func (b *book) womenTrained(total, women, share float64) {
	b.num("G4.2", total)
	b.num("G4.2/female", women)
	b.num("G4.2/male", total-women)
	b.num("G4.3", share)
}

// TestShareWithinItsRounding: a share that agrees with its figures as far as
// its rounding allows is accepted, and so is a share whose figures are not
// all reported, or figures without their share: nothing to compare.
func TestShareWithinItsRounding(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	for _, tc := range []struct {
		name string
		edit func(b *book)
	}{
		{"a third typed as a whole percent", func(b *book) { b.womenTrained(3, 1, 33) }},
		{"half a point off", func(b *book) { b.womenTrained(100, 30, 29.5) }},
		{"a part left blank", func(b *book) {
			b.clear("G4.2/female")
			b.num("G4.3", 90)
		}},
		{"no one trained", func(b *book) { b.womenTrained(0, 0, 90) }},
		{"figures without their share", func(b *book) { b.clear("G4.3") }},
	} {
		for _, v := range variants {
			t.Run(tc.name+"/"+v.name, func(t *testing.T) {
				t.Parallel()
				b, _ := filledBook(t, v)
				tc.edit(b)
				sub := NewChecker(cat).CheckBytes("report.xlsx", b.bytes(), "AL", testReceived)
				for _, f := range sub.Findings {
					t.Errorf("unexpected finding: %s", f)
				}
				if sub.State != roadmap.Accepted {
					t.Errorf("state %s, want accepted", sub.State)
				}
			})
		}
	}
}

// TestBlankIsNotZero: a blank optional cell is not reported and raises
// nothing; a typed 0 is reported as zero.
func TestBlankIsNotZero(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	b, _ := filledBook(t, variants[0])
	b.clear("G3.3")
	b.set(roadmap.SheetKPI, b.ref("G7.3"), 0)
	b.set(roadmap.SheetKPI, "G"+strings.TrimPrefix(b.ref("G3.3"), "F"), "  No seizures of explosives were weighed. ")
	sub := NewChecker(cat).CheckBytes("report.xlsx", b.bytes(), "AL", testReceived)
	if len(sub.Findings) != 0 {
		t.Fatalf("findings: %v", sub.Findings)
	}
	if v, _ := sub.Value("G3.3"); v.Reported || v.Number != 0 || v.Comment != "No seizures of explosives were weighed." {
		t.Errorf("blank G3.3: %+v", v)
	}
	if v, _ := sub.Value("G7.3"); !v.Reported || v.Number != 0 {
		t.Errorf("zero G7.3: %+v", v)
	}
}

// TestCoverAndNarrativesRead: what the cover and narrative sheets say is
// carried into the submission in every variant (dates included).
func TestCoverAndNarrativesRead(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	for _, v := range variants {
		data, _ := validBook(t, v)
		sub := NewChecker(cat).CheckBytes("report.xlsx", data, "AL", testReceived)
		want := roadmap.Cover{Institution: "Komisioni për Kontrollin e Armëve", Contact: "Ђорђе Њежић", Email: "focal.point@example.org", Date: "2026-07-15", Final: true}
		if sub.Cover != want {
			t.Errorf("%s: cover %+v", v.name, sub.Cover)
		}
		if len(sub.Narratives) != len(cat.Goals) || sub.Narratives[2].Goal != "G3" || sub.Narratives[2].Progress != "Napredak u Tarčinu za G3." || sub.Narratives[2].Challenges != "С́ецање." {
			t.Errorf("%s: narratives %+v", v.name, sub.Narratives)
		}
	}
}

func TestParseNumberText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in     string
		n, alt float64
		err    error
	}{
		{"0", 0, 0, nil},
		{"1500", 1500, 0, nil},
		{"-3", -3, 0, nil},
		{"−3", -3, 0, nil},
		{"+7", 7, 0, nil},
		{"1.5", 1.5, 0, nil},
		{"1,5", 1.5, 0, nil},
		{".5", 0.5, 0, nil},
		{"1 234", 1234, 0, nil},
		{"1 234,5", 1234.5, 0, nil},
		{"1'234'567", 1234567, 0, nil},
		{"1,234,567", 1234567, 0, nil},
		{"1.234.567", 1234567, 0, nil},
		{"1,234.56", 1234.56, 0, nil},
		{"1.234,56", 1234.56, 0, nil},
		{"0,123", 0.123, 0, nil},
		{"1234,567", 1234.567, 0, nil},
		{"1e3", 1000, 0, nil},
		{"1,234", 1234, 1.234, errAmbiguous},
		{"1.234", 1234, 1.234, errAmbiguous},
		{"-12,345", -12345, -12.345, errAmbiguous},
		{"", 0, 0, errNotNumber},
		{"-", 0, 0, errNotNumber},
		{"n/a", 0, 0, errNotNumber},
		{"12 kg", 0, 0, errNotNumber},
		{"1,23,456", 0, 0, errNotNumber},
		{"1.234,5.6", 0, 0, errNotNumber},
		{"12 34", 0, 0, errNotNumber},
		{"1 234.567.8", 0, 0, errNotNumber},
		{"NaN", 0, 0, errNotNumber},
		{"Inf", 0, 0, errNotNumber},
		{"0x10", 0, 0, errNotNumber},
		{"1_000", 0, 0, errNotNumber},
	}
	for _, tc := range cases {
		n, alt, err := parseNumberText(tc.in)
		if !errors.Is(err, tc.err) || (tc.err == nil && err != nil) || n != tc.n || alt != tc.alt {
			t.Errorf("parseNumberText(%q) = %v, %v, %v; want %v, %v, %v", tc.in, n, alt, err, tc.n, tc.alt, tc.err)
		}
	}
}

func TestClassifyFormat(t *testing.T) {
	t.Parallel()
	cases := map[string]fmtKind{
		"General":                fmtGeneral,
		"0.00":                   fmtGeneral,
		"#,##0":                  fmtGeneral,
		"0%":                     fmtPercent,
		`0.0" "%`:                fmtPercent,
		`0" %"`:                  fmtGeneral, // the sign is quoted text: no scaling
		"yyyy-mm-dd":             fmtDate,
		"[$-409]d mmm yyyy;@":    fmtDate,
		"DD.MM.YYYY":             fmtDate,
		"[h]:mm":                 fmtDate,
		`0 "days"`:               fmtGeneral,
		`#,##0\ "kg"`:            fmtGeneral,
		"[Red]0.00":              fmtGeneral,
		"@":                      fmtText,
		`_-* #,##0_-;-* #,##0_-`: fmtGeneral,
	}
	for code, want := range cases {
		if got := classifyFormat(code); got != want {
			t.Errorf("classifyFormat(%q) = %v, want %v", code, got, want)
		}
	}
}

// TestIsEmail: a bare address is one; a display name, a list or a word is not.
func TestIsEmail(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"a@example.org": true, "focal.point@mup.gov.al": true,
		"focal point at example": false, "A <a@example.org>": false, "a@b.c, d@e.f": false, "a@localhost": false, "": false,
	} {
		if got := isEmail(in); got != want {
			t.Errorf("isEmail(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestEveryCodeTested: each finding code of the root package is produced by
// at least one test case above, so that none is declared and never made.
func TestEveryCodeTested(t *testing.T) {
	t.Parallel()
	all := []roadmap.Code{
		roadmap.CodeNotWorkbook, roadmap.CodeEncryptedOrXLS, roadmap.CodeODS, roadmap.CodeDamaged, roadmap.CodeTooLarge,
		roadmap.CodeSymlink, roadmap.CodeUnsupportedFile, roadmap.CodeNotTemplate, roadmap.CodeNoMetadata, roadmap.CodeTemplateVersion,
		roadmap.CodeCatalogueVersion, roadmap.CodeWrongJurisdiction, roadmap.CodeWrongPeriod, roadmap.CodeMissingRow, roadmap.CodeUnknownRow,
		roadmap.CodeDuplicateRow, roadmap.CodeMissingValue, roadmap.CodeWrongType, roadmap.CodeAmbiguous, roadmap.CodeOutOfRange,
		roadmap.CodeNotOnScale, roadmap.CodePartsExceed, roadmap.CodePartsNotSum, roadmap.CodeShareNotRatio, roadmap.CodeFormulaNoValue, roadmap.CodeLargeChange,
		roadmap.CodeSameAsPrevious, roadmap.CodeNoNarrative, roadmap.CodeLate, roadmap.CodeCoverIncomplete, roadmap.CodeDraftSubmitted,
	}
	tested := map[roadmap.Code]bool{
		// TestFileFindings and TestCheckPath.
		roadmap.CodeNotWorkbook: true, roadmap.CodeEncryptedOrXLS: true, roadmap.CodeODS: true, roadmap.CodeDamaged: true,
		roadmap.CodeTooLarge: true, roadmap.CodeSymlink: true, roadmap.CodeUnsupportedFile: true, roadmap.CodeNotTemplate: true,
	}
	for _, tc := range findingCases {
		tested[tc.code] = true
	}
	for _, c := range all {
		if !tested[c] {
			t.Errorf("no test case produces %s", c)
		}
	}
}

// Item 17 of issue 9: numbers at the edges of what a float holds are shown
// as typed, never as a 309-digit figure or rounded to other digits, and a
// value no indicator can mean is "too large", not "not a number"; a negative
// zero is zero.
func TestNumbersAtTheEdges(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	var quantity, count string
	for _, ind := range cat.InForce(testPeriod).Indicators {
		switch {
		case ind.Kind == roadmap.Quantity && quantity == "":
			quantity = ind.Code
		case ind.Kind == roadmap.Count && ind.Breakdown == nil && count == "":
			count = ind.Code
		}
	}
	const placeholder = "123454321"
	for _, tc := range []struct {
		name, row string
		raw       string // the cell's number as stored in the sheet's XML
		text      string // or the cell's text
		shows     string // what the message quotes; "" for an accepted value
	}{
		{"largest float, stored", quantity, "1.797E+308", "", "1.797E+308"},
		{"beyond the largest float, typed", quantity, "", "1.7976931348623159e308", `"1.7976931348623159e308"`},
		{"beyond the largest float, stored", quantity, "1.8E+308", "", "1.8E+308"},
		{"1e308, stored", count, "1E+308", "", "1E+308"},
		{"2^53+1, stored", count, "9007199254740993", "", "9007199254740993"},
		{"2^53+1, typed", count, "", "9007199254740993", `"9007199254740993"`},
		{"negative zero, stored", quantity, "-0", "", ""},
		{"negative zero, typed", quantity, "", "-0", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := filledBook(t, variants[0])
			if tc.text != "" {
				b.text(tc.row, tc.text)
			} else {
				b.must(b.f.SetCellFloat(roadmap.SheetKPI, b.ref(tc.row), 123454321, -1, 64))
			}
			data := b.bytes()
			if tc.raw != "" {
				data = rewriteZip(t, data, func(name, body string) string {
					return strings.Replace(body, "<v>"+placeholder+"</v>", "<v>"+tc.raw+"</v>", 1)
				})
			}
			sub := NewChecker(cat).CheckBytes("r.xlsx", data, "AL", testReceived)
			if tc.shows == "" {
				if sub.State != roadmap.Accepted {
					t.Fatalf("rejected: %v", sub.Findings)
				}
				for _, v := range sub.Values {
					if v.Row == tc.row && (v.Number != 0 || math.Signbit(v.Number)) {
						t.Errorf("stored %v, want a plain 0", v.Number)
					}
				}
				return
			}
			fs := findingsOf(sub, roadmap.CodeOutOfRange)
			if len(fs) != 1 || sub.State != roadmap.Rejected {
				t.Fatalf("findings %v, want one %s", sub.Findings, roadmap.CodeOutOfRange)
			}
			msg := fs[0].Message
			if !strings.Contains(msg, "says "+tc.shows+",") || !strings.Contains(msg, "too large") || len(msg) > 200 {
				t.Errorf("message %q: want it to show %s and say too large, briefly", msg, tc.shows)
			}
		})
	}
}
