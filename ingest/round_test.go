package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seesac/roadmap"
)

// TestRoundsHoldWhatIsDue: under the Roadmap 2025–2030 (yearly figures,
// half-yearly narratives) the 2026-H2 round's workbook holds the H2
// narrative and the 2026 yearly figures, the 2026-H1 one only its narrative;
// both are checked, and the intake stores each value under its own period
// in the ledger.
func TestRoundsHoldWhatIsDue(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	h1, h2, year := roadmap.MustPeriod("2026-H1"), roadmap.MustPeriod("2026-H2"), roadmap.MustPeriod("2026")
	e := newIntakeEnv(t)
	for _, p := range []roadmap.Period{h1, h2} {
		b := newRoundBook(t, cat, p, variants[0])
		want := b.fillValid()
		b.set(roadmap.SheetNarrative, "C2", "Progress in "+p.Label()+".")
		sub := NewChecker(cat).CheckBytes("round.xlsx", b.bytes(), "AL", testReceived)
		if sub.State != roadmap.Accepted || sub.Period != p {
			t.Fatalf("%s: %s as %s, findings %v", p, sub.State, sub.Period, sub.Findings)
		}
		due := len(cat.RowsDue(p))
		if p == h1 && (due != 0 || len(sub.Values) != 0 || len(want) != 0) {
			t.Errorf("the 2026-H1 round holds %d figures (%d due); only its narrative is due", len(sub.Values), due)
		}
		if p == h2 && (due != len(cat.Rows()) || len(sub.Values) != due) {
			t.Errorf("the 2026-H2 round holds %d figures, want every row of the catalogue (%d)", len(sub.Values), len(cat.Rows()))
		}
		for _, v := range sub.Values {
			if v.Period != year {
				t.Errorf("%s: %s filed under %s, want %s", p, v.Row, v.Period, year)
			}
		}
		if n, _ := sub.Value("G3.1"); p == h2 && (!n.Reported || n.Number != want["G3.1"].Number) {
			t.Errorf("2026-H2 G3.1 = %+v, want %v", n, want["G3.1"].Number)
		}
		if sub.Narratives[0].Progress != "Progress in "+p.Label()+"." {
			t.Errorf("%s narrative %q", p, sub.Narratives[0].Progress)
		}
		path := filepath.Join(t.TempDir(), "AL-"+p.String()+".xlsx")
		if err := os.WriteFile(path, b.bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		e.drop(path, "AL", filepath.Base(path))
	}
	e.pass()
	for _, p := range []roadmap.Period{h1, h2} {
		got, err := e.db.Latest(intakeCtx, "AL", p)
		if err != nil || got == nil {
			t.Fatalf("AL %s not in the ledger: %v", p, err)
		}
		for _, v := range got.Values {
			if v.Period != year {
				t.Errorf("ledger: AL %s %s under %s, want %s", p, v.Row, v.Period, year)
			}
		}
		if p == h2 && len(got.Values) != len(cat.Rows()) {
			t.Errorf("ledger: AL 2026-H2 holds %d values", len(got.Values))
		}
		if got.Narratives[0].Progress == "" {
			t.Errorf("ledger: AL %s lost its narrative", p)
		}
	}
}

// TestSupersededCatalogue: a workbook made from the Phase I catalogue is
// accepted for 2024-H2, a period Phase I governs, and refused for 2025-H1
// with a message naming the catalogue in force.
func TestSupersededCatalogue(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	phase1 := cat.Previous
	for _, tc := range []struct {
		period string
		ok     bool
	}{{"2024-H2", true}, {"2025-H1", false}} {
		p := roadmap.MustPeriod(tc.period)
		// A Phase I template for p, as a Commission that kept last year's
		// file would fill it in.
		b := newRoundBook(t, phase1, p, variants[0])
		b.fillValid()
		sub := NewChecker(cat).CheckBytes("phase1.xlsx", b.bytes(), "AL", testReceived)
		if got := sub.State == roadmap.Accepted; got != tc.ok {
			t.Fatalf("%s: %s, findings %v", p, sub.State, sub.Findings)
		}
		if tc.ok {
			if sub.CatalogueID != phase1.ID || len(sub.Values) != len(phase1.Rows()) {
				t.Errorf("%s: read against %s with %d values", p, sub.CatalogueID, len(sub.Values))
			}
			continue
		}
		if len(sub.Findings) != 1 || sub.Findings[0].Code != roadmap.CodeCatalogueVersion {
			t.Fatalf("%s: findings %v, want the one catalogue mismatch", p, sub.Findings)
		}
		msg := sub.Findings[0].Message
		for _, want := range []string{"governs reports up to 2024-H2", "for 2025-H1 the catalogue in force is", cat.Short, cat.ID, "ask for the template for 2025-H1"} {
			if !strings.Contains(msg, want) {
				t.Errorf("the refusal does not say %q: %s", want, msg)
			}
		}
	}
}

// TestCompareWithTheCatalogueInForce: a Phase I round is compared with the
// round before it as Phase I has its indicators, also those the successor
// dropped or renamed (G7.3).
func TestCompareWithTheCatalogueInForce(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	data, typed := validBook(t, variants[0]) // 2024-H2, under Phase I
	c := NewChecker(cat)
	c.Previous = func(j string, p roadmap.Period) *roadmap.Submission {
		return previousOf(typed, func(row string, v *roadmap.Value) {
			if row == "G7.3" {
				v.Number /= 10
			}
		})
	}
	sub := c.CheckBytes("report.xlsx", data, "AL", testReceived)
	if got := findingsOf(sub, roadmap.CodeLargeChange); len(got) != 1 || got[0].Indicator != "G7.3" {
		t.Errorf("large changes %v, want one on G7.3", got)
	}
}
