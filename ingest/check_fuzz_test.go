package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/seesac/roadmap"
)

// fuzzSeeds are real files of every kind the checker meets: templates filled
// in by excelize and by LibreOffice, .ods, .xls, an encrypted workbook, and
// the valid and broken samples when they have been generated.
func fuzzSeeds(f *testing.F) [][]byte {
	seeds := [][]byte{fillFixture(f), encryptedWorkbook(f), foreignWorkbook(f)}
	for _, p := range []string{fixtureExcelize, fixtureLibreOffice, fixtureODS, fixtureXLS} {
		if data, err := os.ReadFile(p); err == nil {
			seeds = append(seeds, data)
		}
	}
	valid, _ := filepath.Glob(filepath.Join(samplesDir, "workbooks", "valid", "*", "*2025-H2.xlsx"))
	broken, _ := filepath.Glob(filepath.Join(samplesDir, "workbooks", "broken", "*"))
	for _, p := range append(valid, broken...) {
		if data, err := os.ReadFile(p); err == nil {
			seeds = append(seeds, data)
		}
	}
	return seeds
}

// checkInvariants holds for any input: the submission describes the bytes,
// its state follows its findings, every finding is complete, and an
// accepted submission carries one value per catalogue row that obeys its
// indicator's rules.
func checkInvariants(t *testing.T, cat *roadmap.Catalogue, data []byte, sub *roadmap.Submission) {
	t.Helper()
	if sub == nil {
		t.Fatal("nil submission")
	}
	sum := sha256.Sum256(data)
	if sub.Hash != hex.EncodeToString(sum[:]) || sub.Size != int64(len(data)) {
		t.Fatalf("hash %s size %d for %d bytes", sub.Hash, sub.Size, len(data))
	}
	if (sub.State == roadmap.Rejected) != roadmap.HasErrors(sub.Findings) || (sub.State != roadmap.Rejected && sub.State != roadmap.Accepted) {
		t.Fatalf("state %s with findings %v", sub.State, sub.Findings)
	}
	for _, f := range sub.Findings {
		if (f.Severity != roadmap.Error && f.Severity != roadmap.Warning) || f.Code == "" || !strings.HasSuffix(f.Message, ".") {
			t.Fatalf("incomplete finding %+v", f)
		}
	}
	if sub.State != roadmap.Accepted {
		return
	}
	// One value per row due in the round, of the catalogue in force for it.
	rows := cat.InForce(sub.Period).RowsDue(sub.Period)
	if len(sub.Values) != len(rows) {
		t.Fatalf("accepted with %d values for %d rows", len(sub.Values), len(rows))
	}
	for i, v := range sub.Values {
		ind := rows[i].Indicator
		if v.Row != rows[i].Code || !v.Reported {
			continue
		}
		n := v.Number
		switch ind.Kind {
		case roadmap.Count:
			if n < 0 || n != math.Trunc(n) {
				t.Fatalf("accepted count %s = %v", v.Row, n)
			}
		case roadmap.Quantity:
			if n < 0 || math.IsNaN(n) || math.IsInf(n, 0) {
				t.Fatalf("accepted quantity %s = %v", v.Row, n)
			}
		case roadmap.Percent:
			if n < 0 || n > 100 || math.IsNaN(n) {
				t.Fatalf("accepted percent %s = %v", v.Row, n)
			}
		case roadmap.Status:
			if ind.LevelIndex(v.Level) < 0 {
				t.Fatalf("accepted level %s = %q", v.Row, v.Level)
			}
		}
	}
}

// FuzzCheckBytes: whatever bytes arrive, the checker returns a consistent
// submission and never panics or hangs.
//
//	go test ./ingest -run '^$' -fuzz FuzzCheckBytes -fuzztime 30s
func FuzzCheckBytes(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	cat := defaultCatalogue(f)
	c := NewChecker(cat)
	c.TmpDir = f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		t.Parallel() // the seeds, when run as tests; no effect while fuzzing
		checkInvariants(t, cat, data, c.CheckBytes("fuzz.xlsx", data, "AL", testReceived))
	})
}

// FuzzCheckCell: whatever a Commission types into any KPI value cell, as
// text or as a number, the checks never panic, and a value they accept obeys
// its indicator's rules.
//
//	go test ./ingest -run '^$' -fuzz FuzzCheckCell -fuzztime 30s
func FuzzCheckCell(f *testing.F) {
	for _, s := range []string{"1,234", "1.234,5", "45 %", "1.5", "-3", " FULLY aligned ", "1e308", "NaN", "0x10", "1 234", "−7", "", "=1+1", "120%", "9999999999999999999"} {
		f.Add(uint8(len(s)), s, false)
		f.Add(uint8(len(s)*7), s, true)
	}
	cat := defaultCatalogue(f)
	c := NewChecker(cat)
	rows := cat.InForce(testPeriod).RowsDue(testPeriod)
	f.Fuzz(func(t *testing.T, row uint8, text string, asNumber bool) {
		t.Parallel() // the seeds, when run as tests; no effect while fuzzing
		b, _ := filledBook(t, variants[0])
		code := rows[int(row)%len(rows)].Code
		if n, err := strconv.ParseFloat(text, 64); asNumber && err == nil && !math.IsNaN(n) && !math.IsInf(n, 0) {
			b.must(b.f.SetCellFloat(roadmap.SheetKPI, b.ref(code), n, -1, 64))
		} else if err := b.f.SetCellStr(roadmap.SheetKPI, b.ref(code), text); err != nil {
			t.Skip("excelize refuses the text:", err)
		}
		data := b.bytes()
		checkInvariants(t, cat, data, c.CheckBytes("fuzz.xlsx", data, "AL", testReceived))
	})
}

// FuzzParseNumberText: a number read from text is finite, and its plain
// form reads back as the same number.
func FuzzParseNumberText(f *testing.F) {
	for _, s := range []string{"1,234", "1.234.567", "1 234,5", "0,125", "-12,345", "1e3", "1'000", "12 kg", "−0", ".5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, _, err := parseNumberText(s)
		if err != nil {
			return
		}
		if math.IsNaN(n) || math.IsInf(n, 0) {
			t.Fatalf("%q read as %v", s, n)
		}
		// The plain form uses a point for decimals, so it reads back as n,
		// or as ambiguous with n as its decimal reading ("1.234").
		plain := strconv.FormatFloat(n, 'f', -1, 64)
		back, alt, err := parseNumberText(plain)
		switch {
		case err == nil && back != n:
			t.Fatalf("%q read as %v, its plain form %q as %v", s, n, plain, back)
		case errors.Is(err, errAmbiguous) && alt != n:
			t.Fatalf("%q read as %v, its plain form %q as ambiguous %v", s, n, plain, alt)
		case err != nil && !errors.Is(err, errAmbiguous):
			t.Fatalf("%q read as %v, its plain form %q not at all: %v", s, n, plain, err)
		}
	})
}
