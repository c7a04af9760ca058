package ingest

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/templates"
)

var synthesisMeeting = roadmap.Meeting{ID: "rcm-16", Kind: roadmap.Regional, Number: 16, Period: roadmap.MustPeriod("2026-H1"),
	Date: roadmap.Date{Year: 2026, Month: 12, Day: 15}, Place: "Tirana"}

func synthesisCalendar() *roadmap.Calendar {
	return roadmap.NewCalendar([]roadmap.Meeting{synthesisMeeting,
		{ID: "local-16-al", Kind: roadmap.Local, Jurisdiction: "AL", Period: roadmap.MustPeriod("2026-H1"), Date: roadmap.Date{Year: 2026, Month: 10, Day: 30}}}, time.UTC)
}

func synthesisWorkbook(t testing.TB, cat *roadmap.Catalogue, m roadmap.Meeting, s roadmap.Synthesis) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := templates.WriteSynthesis(&buf, cat, &m, s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSynthesisRoundTrip: what the writer puts in, the reader takes out,
// also after rows were inserted above the blocks (labels, not positions).
func TestSynthesisRoundTrip(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	in := roadmap.Synthesis{Meeting: "rcm-16", Period: synthesisMeeting.Period,
		KeyMessages: []string{"First, in Tiranë.", "Second: С́ецање."},
		Trends:      []roadmap.GoalTrend{{Goal: "G1", Text: "Laws aligned."}, {Goal: "G5", Text: "Fewer incidents."}},
		Partners:    []roadmap.Support{{Organisation: "UNDP", Jurisdictions: "all", Goals: "Goal 6", Activity: "Destruction", Period: "2026", Funding: "500000", Currency: "USD", Status: "planned"}},
		Gaps:        []roadmap.Gap{{Goal: "Goal 2", Jurisdictions: "Kosovo*", Gap: "Tracing", Support: "Training"}},
	}
	data := synthesisWorkbook(t, cat, synthesisMeeting, in)
	c := NewChecker(cat)
	got, fs := c.CheckSynthesis(data, synthesisCalendar(), testReceived)
	if len(fs) > 0 || got == nil {
		t.Fatalf("findings %v", fs)
	}
	if strings.Join(got.KeyMessages, "|") != strings.Join(in.KeyMessages, "|") || got.Trend("G5") != "Fewer incidents." ||
		len(got.Partners) != 1 || got.Partners[0] != in.Partners[0] || len(got.Gaps) != 1 || got.Gaps[0] != in.Gaps[0] {
		t.Errorf("read back %+v", got)
	}

	// SEESAC inserts rows above every block: still read by its labels.
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	// The title names the meeting as SEESAC knows it, not by its id.
	if title, _ := f.GetCellValue(roadmap.SheetKeyMessages, "A1"); title != "SEESAC synthesis: Regional Roadmap Coordination Meeting 16, Tirana, January–June 2026 (2026-H1)" {
		t.Errorf("title %q", title)
	}
	for _, s := range []string{roadmap.SheetKeyMessages, roadmap.SheetTrends, roadmap.SheetPartners, roadmap.SheetGaps} {
		if err := f.InsertRows(s, 1, 2); err != nil {
			t.Fatal(err)
		}
	}
	var moved bytes.Buffer
	if err := f.Write(&moved); err != nil {
		t.Fatal(err)
	}
	got2, fs := c.CheckSynthesis(moved.Bytes(), synthesisCalendar(), testReceived)
	if len(fs) > 0 || got2 == nil || got2.Trend("G1") != "Laws aligned." || len(got2.KeyMessages) != 2 || len(got2.Partners) != 1 {
		t.Errorf("after inserted rows: %+v %v", got2, fs)
	}
}

func TestSynthesisRefusals(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	c := NewChecker(cat)
	ok := synthesisWorkbook(t, cat, synthesisMeeting, roadmap.Synthesis{})
	local := synthesisMeeting
	local.ID, local.Kind = "local-16-al", roadmap.Local
	unknown := synthesisMeeting
	unknown.ID = "rcm-99"
	for name, tc := range map[string]struct {
		data     []byte
		received time.Time
		code     roadmap.Code
	}{
		"a Commission's workbook": {fillFixture(t), testReceived, roadmap.CodeSynthesisMisplaced},
		"after the meeting":       {ok, time.Date(2026, 12, 16, 0, 0, 1, 0, time.UTC), roadmap.CodeSynthesisMeeting},
		"a local meeting":         {synthesisWorkbook(t, cat, local, roadmap.Synthesis{}), testReceived, roadmap.CodeSynthesisMeeting},
		"an unknown meeting":      {synthesisWorkbook(t, cat, unknown, roadmap.Synthesis{}), testReceived, roadmap.CodeSynthesisMeeting},
		"not a workbook":          {[]byte("hello"), testReceived, roadmap.CodeNotWorkbook},
	} {
		s, fs := c.CheckSynthesis(tc.data, synthesisCalendar(), tc.received)
		if s != nil || len(fs) != 1 || fs[0].Code != tc.code {
			t.Errorf("%s: %v %v, want %s", name, s, fs, tc.code)
		}
	}
	// A synthesis given to the Commissions' checker is refused as misplaced.
	sub := c.CheckBytes("synthesis.xlsx", ok, "AL", testReceived)
	if sub.State != roadmap.Rejected || len(sub.Findings) != 1 || sub.Findings[0].Code != roadmap.CodeSynthesisMisplaced {
		t.Errorf("a synthesis checked as a KPI report: %s %v", sub.State, sub.Findings)
	}
}

// FuzzCheckSynthesis: any bytes give a synthesis or findings, never both,
// never a panic, and what is read stays within the reader's bounds.
func FuzzCheckSynthesis(f *testing.F) {
	cat := defaultCatalogue(f)
	f.Add(synthesisWorkbook(f, cat, synthesisMeeting, roadmap.Synthesis{KeyMessages: []string{"a"}, Partners: []roadmap.Support{{Organisation: "x"}}}))
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	c := NewChecker(cat)
	cal := synthesisCalendar()
	f.Fuzz(func(t *testing.T, data []byte) {
		t.Parallel() // the seeds, when run as tests; no effect while fuzzing
		s, fs := c.CheckSynthesis(data, cal, testReceived)
		if (s == nil) == (len(fs) == 0) {
			t.Fatalf("synthesis %v with findings %v", s, fs)
		}
		for _, x := range fs {
			if x.Code == "" || !strings.HasSuffix(x.Message, ".") {
				t.Fatalf("incomplete finding %+v", x)
			}
		}
		if s != nil && (len(s.KeyMessages) > maxKeyMessages || len(s.Partners) > maxTableRows || len(s.Gaps) > maxTableRows) {
			t.Fatalf("unbounded synthesis: %d messages, %d partners, %d gaps", len(s.KeyMessages), len(s.Partners), len(s.Gaps))
		}
	})
}
