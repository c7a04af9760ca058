package ingest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/seesac/roadmap"
)

// hostileChildEnv, when set to a file, makes the test binary a child that
// checks that one file and prints what became of it (TestHostileChild), so
// that the parent can read the child's peak memory.
const hostileChildEnv = "ROADMAP_HOSTILE_FILE"

// hostileLimit is the most memory checking one hostile file may take, the
// whole test process included.
const hostileLimit = 100 << 20

// withSheet is the workbook src with the worksheet XML named sheet edited.
func withSheet(t *testing.T, src []byte, sheet string, edit func(string) string) []byte {
	t.Helper()
	found := false
	out := rewriteZip(t, src, func(name, body string) string {
		if name != sheet {
			return body
		}
		found = true
		return edit(body)
	})
	if !found {
		t.Fatalf("no %s in the workbook", sheet)
	}
	return out
}

// TestHostileWorkbooksStayUnder100MB checks, each in a child process whose
// peak memory it reads, workbooks whose KPI sheet (xl/worksheets/sheet3.xml)
// declares far more than it holds: a row numbered 1,048,576, a cell there,
// half a million rows without numbers, a dimension of the whole sheet, a
// cell in the last column. Each is checked within the limit and gets a
// finding or an acceptance, never a crash.
func TestHostileWorkbooksStayUnder100MB(t *testing.T) {
	t.Parallel()
	if os.Getenv(hostileChildEnv) != "" {
		t.Skip("the child runs TestHostileChild only")
	}
	src := benchWorkbook(t)
	const kpi = "xl/worksheets/sheet3.xml"
	cases := []struct {
		name  string
		edit  func(string) string
		state roadmap.State
	}{
		{"last row", func(s string) string {
			return strings.Replace(s, "</sheetData>", `<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>`, 1)
		}, roadmap.Rejected},
		{"a cell in the last row", func(s string) string {
			return strings.Replace(s, "</sheetData>", `<row><c r="B1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>`, 1)
		}, roadmap.Rejected},
		{"rows without numbers", func(s string) string {
			return strings.Replace(s, "</sheetData>", strings.Repeat("<row/>", 500_000)+"</sheetData>", 1)
		}, roadmap.Rejected},
		{"dimension of the whole sheet", func(s string) string {
			return strings.Replace(s, `<dimension ref="A1">`, `<dimension ref="A1:XFD1048576">`, 1)
		}, roadmap.Accepted},
		{"last column", func(s string) string {
			return strings.Replace(s, "</sheetData>", `<row r="40"><c r="XFD40" t="inlineStr"><is><t>x</t></is></c></row></sheetData>`, 1)
		}, roadmap.Accepted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := withSheet(t, src, kpi, tc.edit)
			path := filepath.Join(t.TempDir(), "hostile.xlsx")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestHostileChild$", "-test.count=1")
			cmd.Env = programEnv(hostileChildEnv + "=" + path)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("the child failed: %v\n%s", err, out)
			}
			want := "state: " + string(tc.state)
			if !strings.Contains(string(out), want) {
				t.Errorf("child said %q, want %q", out, want)
			}
			peak, err := childPeak(string(out))
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			t.Logf("%s: a %d-byte file, peak %d MB", tc.name, len(data), peak>>20)
			if peak > hostileLimit {
				t.Errorf("peak memory %d MB, limit %d MB", peak>>20, hostileLimit>>20)
			}
		})
	}
}

// TestHostileChild is the child process of TestHostileWorkbooksStayUnder100MB.
func TestHostileChild(t *testing.T) {
	t.Parallel()
	path := os.Getenv(hostileChildEnv)
	if path == "" {
		t.Skip("only run as the child of TestHostileWorkbooksStayUnder100MB")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sub := NewChecker(defaultCatalogue(t)).CheckBytes("hostile.xlsx", data, "AL", testReceived)
	fmt.Printf("state: %s\n", sub.State)
	for _, f := range sub.Findings {
		fmt.Printf("finding: %s\n", f)
	}
	printPeak(t)
}

// printPeak prints this process's peak resident memory (the VmHWM line of
// /proc/self/status), for the parent to read with childPeak.
func printPeak(t testing.TB) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if strings.HasPrefix(line, "VmHWM:") {
			fmt.Print(line)
		}
	}
}

// childPeak is the peak resident memory, in bytes, that the child printed
// from its own /proc/self/status. The parent cannot use the child's rusage:
// on Linux a child's maxrss includes the parent's resident memory at the
// fork (the child shares the parent's memory until exec), so a busy parent
// would make every child look as large as itself.
func childPeak(out string) (int64, error) {
	for line := range strings.Lines(out) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("the child's peak memory %q: %v", rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("the child did not print its peak memory")
}
