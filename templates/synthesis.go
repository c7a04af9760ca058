package templates

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
)

// The synthesis workbook SEESAC edits for a meeting's report: the same
// conventions as a Commission's template (protected sheets, yellow unlocked
// input cells, a very hidden metadata sheet that says what the file is), made
// by the same builder. The layout's names are in roadmap's synthesis.go; the
// reader (ingest) finds every block by its labels, never by position.

// Rows of SEESAC's own tables and of key messages offered beyond the
// generated ones, so that there is room to add without inserting rows.
const (
	synthesisKeyMessages = 10
	synthesisTableRows   = 40
)

// WriteSynthesis writes the synthesis workbook of meeting m for catalogue cat
// to w, filled with s: the key messages and trends (generated, or what
// SEESAC sent last), and SEESAC's support and gaps tables with room to add.
func WriteSynthesis(w io.Writer, cat *roadmap.Catalogue, m *roadmap.Meeting, s roadmap.Synthesis) error {
	if m == nil || cat == nil {
		return fmt.Errorf("synthesis workbook: a meeting and a catalogue are needed")
	}
	f := excelize.NewFile()
	defer f.Close()
	b := &builder{f: f, cat: cat, period: m.Period}
	sb := synthesisBuilder{builder: b, m: m, s: s}
	for _, step := range []func() error{b.makeStyles, sb.keyMessages, sb.trends, sb.partners, sb.gaps, sb.meta, sb.props} {
		if err := step(); err != nil {
			return fmt.Errorf("synthesis workbook for %s: %w", m.ID, err)
		}
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write synthesis workbook for %s: %w", m.ID, err)
	}
	return nil
}

type synthesisBuilder struct {
	*builder
	m *roadmap.Meeting
	s roadmap.Synthesis
}

func (b synthesisBuilder) meetingTitle() string {
	t := b.m.Name()
	if b.m.Place != "" {
		t += ", " + b.m.Place
	}
	return t
}

func (b synthesisBuilder) keyMessages() error {
	s := roadmap.SheetKeyMessages
	if err := b.f.SetSheetName(b.f.GetSheetName(0), s); err != nil {
		return err
	}
	if err := b.set(s, "A1", fmt.Sprintf("SEESAC synthesis: %s, %s", b.meetingTitle(), periodWords(b.m.Period)), b.st.title); err != nil {
		return err
	}
	if err := b.f.MergeCell(s, "A1", "B1"); err != nil {
		return err
	}
	note := "The report prints what the yellow cells say: keep, rewrite or empty each message (an empty one is left out), fill in the other sheets, save, and drop this file into inbox/" +
		roadmap.SeesacFolder + "/. The final report uses the latest file received by its cut-off."
	if err := b.set(s, "A2", note, b.st.note); err != nil {
		return err
	}
	if err := b.f.MergeCell(s, "A2", "B2"); err != nil {
		return err
	}
	if err := b.f.SetRowHeight(s, 2, 48); err != nil {
		return err
	}
	for _, h := range []struct{ cell, text string }{{"A4", "Item"}, {"B4", "Text"}} {
		if err := b.set(s, h.cell, h.text, b.st.header); err != nil {
			return err
		}
	}
	n := max(synthesisKeyMessages, len(b.s.KeyMessages)+3)
	for i := range n {
		row := 5 + i
		text := ""
		if i < len(b.s.KeyMessages) {
			text = b.s.KeyMessages[i]
		}
		if err := b.set(s, cellAt("A", row), fmt.Sprintf("%s %d", roadmap.KeyMessageLabel, i+1), b.st.code); err != nil {
			return err
		}
		if err := b.set(s, cellAt("B", row), text, b.st.inputWrap); err != nil {
			return err
		}
		if err := b.f.SetRowHeight(s, row, rowHeight(max(2, lines(text, 95)))); err != nil {
			return err
		}
	}
	if err := b.f.SetColWidth(s, "A", "A", 16); err != nil {
		return err
	}
	if err := b.f.SetColWidth(s, "B", "B", 100); err != nil {
		return err
	}
	return b.finishTable(s, 4, "A5")
}

func (b synthesisBuilder) trends() error {
	s := roadmap.SheetTrends
	if _, err := b.f.NewSheet(s); err != nil {
		return err
	}
	heads := []struct {
		col, text string
		w         float64
	}{{"A", roadmap.TrendsGoalHeader, 10}, {"B", "Goal", 40}, {"C", roadmap.TrendsTextHeader, 100}}
	for _, h := range heads {
		if err := b.set(s, cellAt(h.col, 1), h.text, b.st.header); err != nil {
			return err
		}
		if err := b.f.SetColWidth(s, h.col, h.col, h.w); err != nil {
			return err
		}
	}
	for i, g := range b.cat.Goals {
		row := 2 + i
		text := b.s.Trend(g.Code)
		if err := b.set(s, cellAt("A", row), g.Code, b.st.code); err != nil {
			return err
		}
		if err := b.set(s, cellAt("B", row), fmt.Sprintf("Goal %d: %s", g.Number, g.Title), b.st.cellWrap); err != nil {
			return err
		}
		if err := b.set(s, cellAt("C", row), text, b.st.inputWrap); err != nil {
			return err
		}
		if err := b.f.SetRowHeight(s, row, rowHeight(max(4, lines(text, 95), lines(g.Title, 38)))); err != nil {
			return err
		}
	}
	return b.finishTable(s, 1, "A2")
}

// table writes a sheet of SEESAC's own: a header row, then rows of input
// cells, the first filled from rows.
func (b synthesisBuilder) table(s string, headers []string, widths []float64, rows [][]string) error {
	if _, err := b.f.NewSheet(s); err != nil {
		return err
	}
	for i, h := range headers {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := b.set(s, cellAt(col, 1), h, b.st.header); err != nil {
			return err
		}
		if err := b.f.SetColWidth(s, col, col, widths[i]); err != nil {
			return err
		}
	}
	for r := range max(synthesisTableRows, len(rows)+10) {
		for i := range headers {
			col, err := excelize.ColumnNumberToName(i + 1)
			if err != nil {
				return err
			}
			v := ""
			if r < len(rows) && i < len(rows[r]) {
				v = rows[r][i]
			}
			if err := b.set(s, cellAt(col, 2+r), v, b.st.inputWrap); err != nil {
				return err
			}
		}
	}
	return b.finishTable(s, 1, "A2")
}

func (b synthesisBuilder) partners() error {
	var rows [][]string
	for _, p := range b.s.Partners {
		rows = append(rows, []string{p.Organisation, p.Jurisdictions, p.Goals, p.Activity, p.Period, p.Funding, p.Currency, p.Status})
	}
	return b.table(roadmap.SheetPartners, roadmap.PartnerHeaders, []float64{28, 24, 14, 50, 16, 14, 10, 16}, rows)
}

func (b synthesisBuilder) gaps() error {
	var rows [][]string
	for _, g := range b.s.Gaps {
		rows = append(rows, []string{g.Goal, g.Jurisdictions, g.Gap, g.Support})
	}
	if err := b.table(roadmap.SheetGaps, roadmap.GapHeaders, []float64{14, 24, 60, 60}, rows); err != nil {
		return err
	}
	// The goal is chosen from the list ("Goal 3"), or typed as its code.
	goals := make([]string, len(b.cat.Goals))
	for i, g := range b.cat.Goals {
		goals[i] = "Goal " + strconv.Itoa(g.Number)
	}
	if len(strings.Join(goals, ",")) > 255 {
		return nil
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("A2:A%d", 1+max(synthesisTableRows, len(rows)+10))
	if err := dv.SetDropList(goals); err != nil {
		return err
	}
	return b.f.AddDataValidation(roadmap.SheetGaps, dv)
}

func (b synthesisBuilder) meta() error {
	s := roadmap.SheetMeta
	if _, err := b.f.NewSheet(s); err != nil {
		return err
	}
	kv := [][2]string{
		{roadmap.MetaKind, roadmap.KindSynthesis},
		{roadmap.MetaTemplateVersion, roadmap.SynthesisVersion},
		{roadmap.MetaCatalogueID, b.cat.ID},
		{roadmap.MetaCatalogueVersion, b.cat.Version},
		{roadmap.MetaCatalogueHash, b.cat.Hash},
		{roadmap.MetaMeeting, b.m.ID},
		{roadmap.MetaPeriod, b.m.Period.String()},
	}
	for i, p := range kv {
		if err := b.f.SetCellStr(s, cellAt("A", i+1), p[0]); err != nil {
			return err
		}
		if err := b.f.SetCellStr(s, cellAt("B", i+1), p[1]); err != nil {
			return err
		}
	}
	if err := b.f.SetSheetVisible(s, false, true); err != nil {
		return err
	}
	return b.protect(s)
}

func (b synthesisBuilder) props() error {
	return b.f.SetDocProps(&excelize.DocProperties{
		Title:   fmt.Sprintf("%s: SEESAC synthesis for %s", orTitle(b.cat), b.m.ID),
		Subject: "SEESAC synthesis",
		Creator: "roadmap",
	})
}
