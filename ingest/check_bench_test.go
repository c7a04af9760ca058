package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
)

// benchWorkbook is one sample workbook (Albania 2026-H1), or the committed
// excelize fixture when the samples have not been generated.
func benchWorkbook(b testing.TB) []byte {
	b.Helper()
	for _, p := range []string{filepath.Join(samplesDir, "workbooks", "valid", "AL", "roadmap-AL-2026-H1.xlsx"), fixtureExcelize} {
		if data, err := os.ReadFile(p); err == nil {
			b.Logf("workbook %s, %d bytes", p, len(data))
			return data
		}
	}
	b.Skip("no workbook to measure")
	return nil
}

// BenchmarkCheck reads and checks one workbook: everything Check does.
// Compare with BenchmarkExcelizeBaseline in the same run:
//
//	go test ./ingest -run '^$' -bench 'Check$|ExcelizeBaseline' -benchmem -count 5
func BenchmarkCheck(b *testing.B) {
	data := benchWorkbook(b)
	c := NewChecker(defaultCatalogue(b))
	c.TmpDir = b.TempDir()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		sub := c.CheckBytes("roadmap-AL-2026-H1.xlsx", data, "AL", testReceived)
		if sub.State != roadmap.Accepted {
			b.Fatalf("rejected: %v", sub.Findings)
		}
	}
}

// BenchmarkExcelizeBaseline is the floor the checker is measured against:
// opening the same workbook with excelize and reading every row of its KPI
// sheet, nothing else.
func BenchmarkExcelizeBaseline(b *testing.B) {
	data := benchWorkbook(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		rows, err := f.Rows(roadmap.SheetKPI)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			cols, err := rows.Columns()
			if err != nil {
				b.Fatal(err)
			}
			n += len(cols)
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			b.Fatal("no cells read")
		}
	}
}
