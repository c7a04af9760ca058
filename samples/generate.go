package samples

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/templates"
)

// Generate writes the samples for cat into dir: the valid workbooks, the broken
// files, broken.yaml and calendar.yaml (see the path constants). The folder
// dir/workbooks belongs to the generator: it is emptied first, so that a sample
// dropped from the recipe does not linger. The output depends on the catalogue
// alone, byte for byte.
func Generate(dir string, cat *roadmap.Catalogue) error {
	d, err := Build(cat)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(filepath.Join(dir, "workbooks")); err != nil {
		return fmt.Errorf("clear old samples: %w", err)
	}
	for i := range d.Valid {
		w := &d.Valid[i]
		data, err := validWorkbook(cat, w)
		if err != nil {
			return err
		}
		if err := writeFile(dir, w.Path, data); err != nil {
			return err
		}
	}
	base, ok := brokenBase(d)
	if ok {
		for _, c := range brokenCases(cat, base) {
			data, err := c.render(cat, base)
			if err != nil {
				return fmt.Errorf("broken sample %s: %w", c.name, err)
			}
			if err := writeFile(dir, BrokenDir+"/"+c.name, data); err != nil {
				return err
			}
		}
	}
	index, err := brokenYAML(d.Broken)
	if err != nil {
		return err
	}
	if err := writeFile(dir, BrokenIndex, index); err != nil {
		return err
	}
	return writeFile(dir, CalendarFile, calendarYAML(cat))
}

// Files lists every file Generate writes, relative to its folder and
// slash-separated, in the order it writes them.
func (d *Data) Files() []string {
	var out []string
	for _, w := range d.Valid {
		out = append(out, w.Path)
	}
	for _, b := range d.Broken {
		out = append(out, b.File)
	}
	return append(out, BrokenIndex, CalendarFile)
}

func writeFile(dir, rel string, data []byte) error {
	path := filepath.Join(dir, filepath.FromSlash(rel))
	if _, err := datadir.MkdirAll(filepath.Dir(path)); err != nil {
		return fmt.Errorf("write sample %s: %w", rel, err)
	}
	if err := datadir.WriteBytes(path, datadir.Write{}, data); err != nil {
		return fmt.Errorf("write sample %s: %w", rel, err)
	}
	return nil
}

// validWorkbook is a template from templates.NewWorkbook, filled in as a
// Commission would, as bytes.
func validWorkbook(cat *roadmap.Catalogue, w *Workbook) ([]byte, error) {
	f, err := filled(cat, w)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return save(f, w.Path)
}

func save(f *excelize.File, name string) ([]byte, error) {
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("write sample %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// filled makes the template for the workbook's jurisdiction and period and fills
// in its cover, values and narratives. The caller closes the file.
func filled(cat *roadmap.Catalogue, w *Workbook) (*excelize.File, error) {
	f, err := templates.NewWorkbook(cat, w.Jurisdiction, w.Period)
	if err != nil {
		return nil, fmt.Errorf("sample %s: %w", w.Path, err)
	}
	if err := fill(f, w); err != nil {
		f.Close()
		return nil, fmt.Errorf("sample %s: %w", w.Path, err)
	}
	return f, nil
}

// fill types a workbook's contents into a template the way any program may:
// rows are found by the code in their first column, never by position.
func fill(f *excelize.File, w *Workbook) error {
	if err := fillCover(f, w.Cover); err != nil {
		return err
	}
	codes := make([]string, len(w.Values))
	for i, v := range w.Values {
		codes[i] = v.Row
	}
	rows, err := codeRows(f, roadmap.SheetKPI, roadmap.KPIColCode, roadmap.KPIFirstRow, codes...)
	if err != nil {
		return err
	}
	for _, v := range w.Values {
		row, ok := rows[v.Row]
		if !ok {
			return fmt.Errorf("the template has no KPI row %s", v.Row)
		}
		if err := setValue(f, cellAt(roadmap.KPIColValue, row), v); err != nil {
			return err
		}
		if v.Comment != "" {
			if err := f.SetCellStr(roadmap.SheetKPI, cellAt(roadmap.KPIColComment, row), v.Comment); err != nil {
				return err
			}
		}
	}
	goalCodes := make([]string, len(w.Narratives))
	for i, n := range w.Narratives {
		goalCodes[i] = n.Goal
	}
	goals, err := codeRows(f, roadmap.SheetNarrative, roadmap.NarrColGoal, roadmap.NarrFirstRow, goalCodes...)
	if err != nil {
		return err
	}
	for _, n := range w.Narratives {
		row, ok := goals[n.Goal]
		if !ok {
			return fmt.Errorf("the template has no narrative row for goal %s", n.Goal)
		}
		for _, c := range []struct{ col, text string }{
			{roadmap.NarrColProgress, n.Progress},
			{roadmap.NarrColChallenge, n.Challenges},
			{roadmap.NarrColSupport, n.Support},
		} {
			if c.text == "" {
				continue
			}
			if err := f.SetCellStr(roadmap.SheetNarrative, cellAt(c.col, row), c.text); err != nil {
				return err
			}
		}
	}
	return f.SetDocProps(&excelize.DocProperties{LastModifiedBy: w.Cover.Contact, Modified: w.Cover.Date + "T09:30:00Z"})
}

// setValue writes a value as a Commission's spreadsheet stores it: numbers as
// numbers, levels as text; a value not reported stays blank.
func setValue(f *excelize.File, cell string, v roadmap.Value) error {
	switch {
	case !v.Reported:
		return nil
	case v.Level != "":
		return f.SetCellStr(roadmap.SheetKPI, cell, v.Level)
	default:
		return f.SetCellFloat(roadmap.SheetKPI, cell, v.Number, -1, 64)
	}
}

// fillCover fills the cover's input cells. The date goes in as a real date (a
// serial number under the template's date format), as Excel stores a typed date.
func fillCover(f *excelize.File, c roadmap.Cover) error {
	s := roadmap.SheetCover
	status := "draft"
	if c.Final {
		status = "final"
	}
	for _, kv := range [][2]string{
		{roadmap.CoverInstitution, c.Institution},
		{roadmap.CoverContact, c.Contact},
		{roadmap.CoverEmail, c.Email},
		{roadmap.CoverStatus, status},
	} {
		if err := f.SetCellStr(s, kv[0], kv[1]); err != nil {
			return err
		}
	}
	d, err := time.Parse(time.DateOnly, c.Date)
	if err != nil {
		return fmt.Errorf("cover date: %w", err)
	}
	return f.SetCellInt(s, roadmap.CoverDate, excelSerial(d))
}

// excelSerial is the Excel serial number of a day in the 1900 date system.
func excelSerial(d time.Time) int64 {
	const unixEpoch = 25569 // days from 1899-12-30 to 1970-01-01
	return d.Unix()/86400 + unixEpoch
}

// codeRows finds the rows of codes in a sheet's code column, reading down
// from row first until each is found (a code missing from the sheet is
// missing from the map). It reads the cells where they are: a whole-sheet
// read (GetRows) of a workbook being made would first write the sheet out
// as XML and parse it back, a fifth of the time of generating the samples.
func codeRows(f *excelize.File, sheet, col string, first int, codes ...string) (map[string]int, error) {
	left := map[string]bool{}
	for _, c := range codes {
		left[c] = true
	}
	out := make(map[string]int, len(left))
	for row := first; len(left) > 0 && row < first+templateRows; row++ {
		v, err := f.GetCellValue(sheet, cellAt(col, row))
		if err != nil {
			return nil, fmt.Errorf("read sheet %s: %w", sheet, err)
		}
		if left[v] {
			out[v] = row
			delete(left, v)
		}
	}
	return out, nil
}

// templateRows bounds the search for a code: a template's sheets have some
// tens of rows.
const templateRows = 1000

func cellAt(col string, row int) string { return fmt.Sprintf("%s%d", col, row) }
