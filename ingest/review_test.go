package ingest

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
)

// A report received in the small hours of the day after the deadline, in the
// calendar's zone, is late; the warning must name the day it arrived there,
// not the UTC day, which is still the deadline day and would read "arrived on
// the 13th, after the deadline of the 13th".
func TestLateWarningNamesTheDayInTheDeadlinesZone(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	data, _ := validBook(t, variants[0])
	belgrade, err := time.LoadLocation("Europe/Belgrade")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	c := NewChecker(cat)
	// The deadline day 13 July ends at 21:59:59 UTC in Belgrade.
	c.Calendar = roadmap.NewCalendar([]roadmap.Meeting{
		{ID: "rcm", Kind: roadmap.Regional, Period: testPeriod, Deadline: roadmap.Date{Year: 2026, Month: 7, Day: 13}},
	}, belgrade)
	received := time.Date(2026, 7, 13, 22, 30, 0, 0, time.UTC) // 00:30 on 14 July in Belgrade
	sub := c.CheckBytes("report.xlsx", data, "AL", received)
	late := findingsOf(sub, roadmap.CodeLate)
	if len(late) != 1 {
		t.Fatalf("want one late warning, got %v", sub.Findings)
	}
	if msg := late[0].Message; !strings.Contains(msg, "arrived on 2026-07-14") || !strings.Contains(msg, "deadline of 2026-07-13") {
		t.Errorf("the warning names the wrong days: %s", msg)
	}
}

// A small file whose sheets unpack to many megabytes of rows is refused
// before the parser holds a sheet whole: 9 MB of such a file took 3.5 GB.
func TestHugeSheetIsTooLargeBeforeParsing(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(validSample("AL", "2026-H1"))
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	huge := rewriteZip(t, data, func(name, body string) string {
		if name != "xl/worksheets/sheet3.xml" {
			return body
		}
		var b strings.Builder
		for r := 100; b.Len() <= sheetXMLLimit; r++ {
			fmt.Fprintf(&b, `<row r="%d"><c r="B%d"><v>1</v></c><c r="H%d"><v>1</v></c></row>`, r, r, r)
			rows++
		}
		return strings.Replace(body, "</sheetData>", b.String()+"</sheetData>", 1)
	})
	if int64(len(huge)) > DefaultMaxSize {
		t.Fatalf("the file is %d bytes, over the size limit: it would not reach the parser", len(huge))
	}
	sub := NewChecker(defaultCatalogue(t)).CheckBytes("report.xlsx", huge, "AL", testReceived)
	if sub.State != roadmap.Rejected || len(findingsOf(sub, roadmap.CodeTooLarge)) != 1 {
		t.Fatalf("%d extra rows: got %s %v, want rejected as too large", rows, sub.State, sub.Findings)
	}
	if err := isSentence(sub.Findings[0].Message); err != nil {
		t.Error(err)
	}
}
