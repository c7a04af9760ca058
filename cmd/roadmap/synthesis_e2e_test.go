package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/render"
	"github.com/seesac/roadmap/render/pdf/pdftest"
)

// TestSynthesisLoop runs SEESAC's round trip through the real program: the
// regional draft writes the synthesis workbook; SEESAC edits it as a person
// or a script would (finding cells by their labels, never by position),
// saves it and drops it into inbox/_seesac/; the intake accepts it there and
// refuses it in a Commission's folder, refuses a Commission's workbook in
// SEESAC's folder and a synthesis for a meeting that has taken place; the
// final report prints SEESAC's key message, trends, partner table and gap,
// and says whose text it is.
func TestSynthesisLoop(t *testing.T) {
	t.Parallel()
	_, demo := demoAtWallClock(t)
	data := sharedDemo.Copy(t, "data")
	at := func(h int) time.Time { return demo.Received.Add(time.Duration(h) * time.Hour) }

	runAt(t, at(2), "build", "--data", data, "--meeting", "rcm-16", "--draft").want(t, exitOK)
	generated := filepath.Join(data, "reports", "rcm-16", render.SynthesisName("rcm-16"))
	m, err := render.ReadManifest(filepath.Dir(generated))
	if err != nil {
		t.Fatal(err)
	}
	listed := false
	for _, b := range m.Builds {
		for _, f := range b.Files {
			listed = listed || f.Role == render.RoleSynthesis && f.Name == filepath.Base(generated)
		}
	}
	if !listed {
		t.Error("the manifest does not list the synthesis workbook")
	}

	edited := filepath.Join(t.TempDir(), "rcm-16 synthesis (SEESAC edit).xlsx")
	emptied := editSynthesis(t, generated, edited, "")
	stale := filepath.Join(t.TempDir(), "old-synthesis.xlsx")
	editSynthesis(t, generated, stale, "rcm-15")

	drop(t, data, roadmap.SeesacFolder, edited, "")
	drop(t, data, "AL", edited, "synthesis-in-al.xlsx")
	drop(t, data, roadmap.SeesacFolder, stale, "")
	commission := validSamples(t, func(name string) bool { return strings.Contains(name, "2026-H1") })["AL"]
	if len(commission) == 0 {
		t.Fatal("no Albanian sample for 2026-H1")
	}
	drop(t, data, roadmap.SeesacFolder, commission[0], "")

	out := ingestAt(t, at(3), data)
	files := byFile(out)
	if f := files[roadmap.SeesacFolder+"/"+filepath.Base(edited)]; f.State != string(roadmap.Accepted) {
		t.Errorf("SEESAC's synthesis in its own folder: %+v", f)
	}
	for name, code := range map[string]roadmap.Code{
		"AL/synthesis-in-al.xlsx":                                 roadmap.CodeSynthesisMisplaced,
		roadmap.SeesacFolder + "/old-synthesis.xlsx":              roadmap.CodeSynthesisMeeting,
		roadmap.SeesacFolder + "/" + filepath.Base(commission[0]): roadmap.CodeSynthesisMisplaced,
	} {
		f := files[name]
		if f.State != string(roadmap.Rejected) || !containsCode(errorCodes(f.Findings), code) {
			t.Errorf("%s: %s %v, want rejected with %s", name, f.State, errorCodes(f.Findings), code)
		}
	}
	note, err := os.ReadFile(filepath.Join(data, "feedback", roadmap.SeesacFolder, filepath.Base(edited)+".receipt.txt"))
	if err != nil || !strings.Contains(string(note), "Version: 1") {
		t.Errorf("SEESAC's receipt: %v\n%s", err, note)
	}

	r := runAt(t, at(4), "build", "--data", data, "--meeting", "rcm-16", "--json").want(t, exitOK)
	var built buildOutput
	if err := json.Unmarshal([]byte(r.stdout), &built); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(built.PDF)
	if err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("ROADMAP_PDF_OUT_SYNTHESIS"); out != "" {
		// Kept to be looked at (pdftoppm -png -r 60).
		if err := os.WriteFile(out, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pages, err := pdftest.Pages(body)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Flatten(strings.Join(pages, "\n"))
	for _, want := range []string{
		"SEESAC's first message: seizures rose where border cooperation deepened.",
		"SEESAC on Goal 3: trafficking routes shifted inland.",
		"European Union", "Border equipment for Ђорђе Њежић's unit", "1,250,000 EUR", "ongoing",
		"Forensic ballistics capacity",
		"Key messages and trends by SEESAC (synthesis received",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the final report lacks %q", want)
		}
	}
	if strings.Contains(text, "No SEESAC synthesis was received") {
		t.Error("the final report says no synthesis was received")
	}
	// The generated second message was emptied by SEESAC: it is left out.
	if emptied == "" || strings.Contains(text, pdftest.Flatten(emptied)) {
		t.Errorf("a key message SEESAC emptied (%q) is still printed", emptied)
	}
}

func containsCode(cs []roadmap.Code, c roadmap.Code) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// editSynthesis edits the synthesis workbook src as SEESAC would and saves
// it as dst, finding every cell by its label or header, never by position.
// meeting, when set, makes it a synthesis for that meeting instead. It
// returns the generated key message it emptied.
func editSynthesis(t *testing.T, src, dst, meeting string) (emptied string) {
	t.Helper()
	f, err := excelize.OpenFile(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set := func(sheet, cell, v string) {
		if err := f.SetCellStr(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	// Key messages: the cell right of the label.
	right := func(sheet, label string) string {
		cells, err := f.SearchSheet(sheet, "^"+label+"$", true)
		if err != nil || len(cells) != 1 {
			t.Fatalf("%s: label %q found at %v (%v)", sheet, label, cells, err)
		}
		col, row, _ := excelize.CellNameToCoordinates(cells[0])
		name, _ := excelize.CoordinatesToCellName(col+1, row)
		return name
	}
	set(roadmap.SheetKeyMessages, right(roadmap.SheetKeyMessages, "Key message 1"), "SEESAC's first message: seizures rose where border cooperation deepened.")
	second := right(roadmap.SheetKeyMessages, "Key message 2")
	if emptied, err = f.GetCellValue(roadmap.SheetKeyMessages, second); err != nil {
		t.Fatal(err)
	}
	set(roadmap.SheetKeyMessages, second, "")

	// A table: the column under a header, the row of a key or the first free row.
	under := func(sheet, header string) (col, row int) {
		cells, err := f.SearchSheet(sheet, "^"+header+"$", true)
		if err != nil || len(cells) == 0 {
			t.Fatalf("%s: header %q not found (%v)", sheet, header, err)
		}
		col, row, _ = excelize.CellNameToCoordinates(cells[0])
		return col, row
	}
	cell := func(col, row int) string {
		name, _ := excelize.CoordinatesToCellName(col, row)
		return name
	}
	goalCol, _ := under(roadmap.SheetTrends, "Goal code")
	textCol, _ := under(roadmap.SheetTrends, "Key regional trends")
	g3, err := f.SearchSheet(roadmap.SheetTrends, "^G3$", true)
	if err != nil || len(g3) != 1 {
		t.Fatalf("goal G3 in the trends: %v %v", g3, err)
	}
	if c, row, _ := excelize.CellNameToCoordinates(g3[0]); c == goalCol {
		set(roadmap.SheetTrends, cell(textCol, row), "SEESAC on Goal 3: trafficking routes shifted inland.")
	}

	fill := func(sheet string, values map[string]string) {
		first := ""
		for h := range values {
			first = h
			break
		}
		c, headerRow := under(sheet, first)
		row := headerRow + 1
		for {
			v, _ := f.GetCellValue(sheet, cell(c, row))
			if v == "" {
				break
			}
			row++
		}
		for h, v := range values {
			hc, _ := under(sheet, h)
			set(sheet, cell(hc, row), v)
		}
	}
	fill(roadmap.SheetPartners, map[string]string{
		"Organisation": "European Union", "Jurisdictions": "Albania, Serbia", "Goals": "Goal 3",
		"Activity": "Border equipment for Ђорђе Њежић's unit", "Period": "2025–2027", "Funding": "1,250,000", "Currency": "EUR", "Status": "ongoing",
	})
	fill(roadmap.SheetGaps, map[string]string{
		"Goal": "Goal 5", "Jurisdictions": "all", "Remaining gap": "Forensic ballistics capacity", "Support needed": "Equipment and training",
	})
	if meeting != "" {
		ids, err := f.SearchSheet(roadmap.SheetMeta, "^"+roadmap.MetaMeeting+"$", true)
		if err != nil || len(ids) != 1 {
			t.Fatalf("meeting key: %v %v", ids, err)
		}
		c, row, _ := excelize.CellNameToCoordinates(ids[0])
		set(roadmap.SheetMeta, cell(c+1, row), meeting)
	}
	if err := f.SaveAs(dst); err != nil {
		t.Fatal(err)
	}
	return emptied
}
