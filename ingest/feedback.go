package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

// Suffixes of the feedback files, added to the dropped file's name.
const (
	ReceiptSuffix   = ".receipt.txt"    // accepted or duplicate: what was recorded
	ErrorsSuffix    = ".errors.txt"     // rejected: every problem and what to do
	AnnotatedSuffix = ".annotated.xlsx" // rejected workbook: a marked-up copy
	FindingsSheet   = "Findings"        // the first sheet of the annotated copy
	annotateLimit   = int64(200 << 20)  // unzip limit when opening a copy to annotate
	errorFill       = "FF9C9C"          // red
	warningFill     = "FFD966"          // amber
	commentAuthor   = "Roadmap check"   // shown on the cell comments
	timeShown       = "2 January 2006, 15:04 MST"
	messageWidth    = 90 // characters: the width of the Findings sheet's message column
)

// sharedPrefix starts the names of the notes on a file dropped in the inbox
// itself rather than in a jurisdiction's folder; ownPrefix starts those of a
// file from a jurisdiction's folder whose own name starts with either, so
// that no name a sender chooses makes its notes those of another file.
const (
	sharedPrefix = "inbox-"
	ownPrefix    = "own-"
)

// feedback writes the sender's notes in feedback/J/ and removes the notes a
// previous drop of the same name left there that no longer apply. It returns
// the files written, relative to Root. original is, for a duplicate, the
// version in force it equals, as it was when the file was judged (a later
// file of the same group may supersede it); nil asks the ledger.
func (in *Intake) feedback(ctx context.Context, d drop, s, original *roadmap.Submission) ([]string, error) {
	receipt, errs, annotated := feedbackPaths(in.homeOf(s, d), d.name, d.folder)
	if _, err := datadir.MkdirAll(in.abs(path.Dir(receipt))); err != nil {
		return nil, err
	}
	var written, stale []string
	switch s.State {
	case roadmap.Rejected:
		annotatedOK := false
		if in.canAnnotate(d, s) {
			err := annotate(in.abs(s.Path), in.abs(annotated), s.Findings)
			if err == nil {
				annotatedOK = true
			} else {
				in.log().Warn("no annotated copy", "file", d.rel, "err", err)
			}
		}
		text := in.errorsNote(d, s, annotatedOK)
		if err := writeText(in.abs(errs), text); err != nil {
			return nil, err
		}
		written = append(written, errs)
		if annotatedOK {
			written = append(written, annotated)
		} else {
			stale = append(stale, annotated)
		}
		stale = append(stale, receipt)
	default:
		var err error
		switch {
		case s.State == roadmap.Duplicate && original != nil:
		case s.State == roadmap.Duplicate:
			original, err = in.Ledger.InForce(ctx, s.Jurisdiction, s.Period)
		case s.Version > 1:
			// A version with the content of an earlier one (v1 sent again
			// to undo v2) says so.
			original, err = in.Ledger.AcceptedByHash(ctx, s.Hash)
			if original != nil && original.Version >= s.Version {
				original = nil
			}
		}
		if err != nil {
			return nil, err
		}
		if err := writeText(in.abs(receipt), in.receiptNote(d, s, original)); err != nil {
			return nil, err
		}
		written = append(written, receipt)
		stale = append(stale, errs, annotated)
	}
	for _, p := range stale {
		if err := os.Remove(in.abs(p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return written, err
		}
	}
	return written, nil
}

// feedbackPaths are where the notes on a file named name, dropped in the
// inbox folder folder ("" for the inbox itself), are written, relative to the
// data folder: home is the jurisdiction folder they go to.
func feedbackPaths(home, name, folder string) (receipt, errs, annotated string) {
	// A drop in the shared inbox lands in the same feedback/J/ as the
	// Commission's own drops: its notes carry a prefix, and a Commission's
	// file whose name starts with a prefix gets another, so the two never
	// share a name (a file called inbox-x.xlsx and x.xlsx from the inbox).
	base := shorten(name)
	switch {
	case folder == "":
		base = shorten(sharedPrefix + name)
	case strings.HasPrefix(name, sharedPrefix) || strings.HasPrefix(name, ownPrefix):
		base = shorten(ownPrefix + name)
	}
	return datadir.FeedbackPath(home, base+ReceiptSuffix), datadir.FeedbackPath(home, base+ErrorsSuffix), datadir.FeedbackPath(home, base+AnnotatedSuffix)
}

// Home is the jurisdiction folder that a recorded submission's feedback went
// to (see homeOf): whose submission it is, for the portal.
func (in *Intake) Home(s *roadmap.Submission) string {
	_, known := in.Catalogue.Jurisdiction(s.Folder)
	return in.homeOf(s, drop{folder: s.Folder, folderKnown: known || s.Folder == ""})
}

// FeedbackFiles are where the notes on a recorded submission were written,
// relative to the data folder: its receipt or list of errors, and for a
// rejected one the annotated workbook (which may be absent when the file
// could not be copied). A later drop of the same name in the same folder
// writes over them.
func (in *Intake) FeedbackFiles(s *roadmap.Submission) (note, annotated string) {
	receipt, errs, annotated := feedbackPaths(in.Home(s), s.Name, s.Folder)
	if s.State == roadmap.Rejected {
		return errs, annotated
	}
	return receipt, ""
}

// writeText writes a note. Notes are only renamed into place, not synced: a
// power failure just after may cost a note to the sender, never a record,
// and saves a disk flush per file (see the package doc).
func writeText(dst, text string) error {
	return datadir.WriteBytes(dst, datadir.Write{}, []byte(text))
}

// canAnnotate: only a workbook (a zip) that was kept as a file can be copied
// with its problems marked.
func (in *Intake) canAnnotate(d drop, s *roadmap.Submission) bool {
	if d.symlink() || hasCode(s.Findings, roadmap.CodeTooLarge) {
		return false
	}
	f, err := os.Open(in.abs(s.Path))
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(intakeZipMagic))
	if _, err := io.ReadFull(f, head); err != nil {
		return false
	}
	return bytes.Equal(head, intakeZipMagic)
}

func (in *Intake) jurisdictionLabel(code string) string {
	if j, ok := in.Catalogue.Jurisdiction(code); ok {
		return fmt.Sprintf("%s (%s)", j.Name, j.Code)
	}
	if code == "" {
		return "not known"
	}
	return strconv.Quote(code)
}

func periodLabel(p roadmap.Period) string {
	if p.IsZero() {
		return "not known"
	}
	if p.IsYear() {
		return p.String()
	}
	return fmt.Sprintf("%s (%s)", p.Label(), p)
}

func inboxLabel(d drop) string {
	if d.folder == "" {
		return datadir.InboxName
	}
	return datadir.InboxPath(d.folder)
}

// shown is t as the notes print it, in the configured zone.
func (in *Intake) shown(t time.Time) string {
	if in.Location == nil {
		return t.UTC().Format(timeShown)
	}
	return t.In(in.Location).Format(timeShown)
}

// header is the part common to both notes: which file, when, what it is.
func (in *Intake) header(b *strings.Builder, title string, d drop, s *roadmap.Submission) {
	fmt.Fprintf(b, "%s\n%s\n\n", title, strings.Repeat("=", len([]rune(title))))
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "File:\t%s\n", roadmap.Printable(s.Name))
	fmt.Fprintf(tw, "Dropped in:\t%s\n", inboxLabel(d))
	fmt.Fprintf(tw, "Received:\t%s\n", in.shown(s.Received))
	fmt.Fprintf(tw, "Jurisdiction:\t%s\n", in.jurisdictionLabel(s.Jurisdiction))
	fmt.Fprintf(tw, "Period:\t%s\n", periodLabel(s.Period))
	if s.Hash != "" {
		fmt.Fprintf(tw, "Content (SHA-256):\t%s\n", s.Hash)
	}
	tw.Flush()
	b.WriteString("\n")
}

// location says where a finding is, in words.
func location(f roadmap.Finding) string {
	var w string
	switch {
	case f.Sheet != "" && f.Cell != "":
		w = fmt.Sprintf("Sheet %q, cell %s", f.Sheet, f.Cell)
	case f.Sheet != "":
		w = fmt.Sprintf("Sheet %q", f.Sheet)
	default:
		w = "The file"
	}
	if f.Indicator != "" {
		w += ", indicator " + f.Indicator
	}
	return w
}

func listFindings(b *strings.Builder, fs []roadmap.Finding, sev roadmap.Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity != sev {
			continue
		}
		n++
		fmt.Fprintf(b, "%d. %s:\n   %s\n   [%s]\n", n, location(f), f.Message, f.Code)
	}
	return n
}

// errorsNote is the rejection: every problem with where it is and what to do.
func (in *Intake) errorsNote(d drop, s *roadmap.Submission, annotated bool) string {
	var b strings.Builder
	in.header(&b, "Roadmap KPI report: NOT ACCEPTED", d, s)
	fmt.Fprintf(&b, "Nothing from this file was recorded. Correct the %d problem(s) below, then save the\n", roadmap.CountFindings(s.Findings, roadmap.Error))
	fmt.Fprintf(&b, "workbook again into %s: it will be checked again within a minute.\n\n", inboxLabel(d))
	if annotated {
		fmt.Fprintf(&b, "%s, next to this note, is a copy of your workbook with every problem\n", roadmap.Printable(shorten(d.name)+AnnotatedSuffix))
		fmt.Fprintf(&b, "cell filled red (warnings amber) and a comment on it; its first sheet, %q,\n", FindingsSheet)
		b.WriteString("lists them all. You may correct that copy and send it: the extra sheet is ignored.\n\n")
	}
	b.WriteString("Problems to correct\n-------------------\n")
	listFindings(&b, s.Findings, roadmap.Error)
	if roadmap.CountFindings(s.Findings, roadmap.Warning) > 0 {
		b.WriteString("\nWarnings (they do not stop a file being accepted, but please check them)\n")
		b.WriteString("-------------------------------------------------------------------------\n")
		listFindings(&b, s.Findings, roadmap.Warning)
	}
	return b.String()
}

// receiptNote says what was recorded, value by value, with the version and
// the warnings; for a duplicate, which earlier file it repeats.
func (in *Intake) receiptNote(d drop, s *roadmap.Submission, original *roadmap.Submission) string {
	var b strings.Builder
	if s.State == roadmap.Duplicate {
		in.header(&b, "Roadmap KPI report: ALREADY RECEIVED", d, s)
		b.WriteString("This file has exactly the same content as a file already accepted, so nothing new\n")
		b.WriteString("was recorded and nothing is counted twice.\n")
		if original != nil {
			fmt.Fprintf(&b, "The same content was accepted as version %d of %s %s, received %s (%q).\n",
				original.Version, original.Jurisdiction, original.Period, in.shown(original.Received), original.Name)
		}
		b.WriteString("To change your report, edit the workbook and send it again.\n")
		return b.String()
	}
	in.header(&b, "Roadmap KPI report: ACCEPTED", d, s)
	fmt.Fprintf(&b, "Recorded as version %d of %s for %s.", s.Version, in.jurisdictionLabel(s.Jurisdiction), periodLabel(s.Period))
	if s.Version > 1 {
		fmt.Fprintf(&b, " It replaces version %d, which is kept.", s.Version-1)
	}
	if original != nil {
		fmt.Fprintf(&b, " It has the same content as version %d, received %s.", original.Version, in.shown(original.Received))
	}
	b.WriteString("\nTo correct anything, send the whole workbook again: the newest accepted file counts.\n\n")
	b.WriteString("What was recorded\n-----------------\n")
	if len(s.Values) == 0 {
		// A round that closes no year holds narratives only (docs/cycle.md).
		b.WriteString("No figures are due in this round.\n")
	} else {
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "Row\tCell\tValue\tIndicator")
		for _, v := range s.Values {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Row, v.Cell, in.shownValue(v), in.rowTitle(v))
		}
		tw.Flush()
	}
	var told bool
	for _, n := range s.Narratives {
		if !n.Empty() {
			if !told {
				b.WriteString("\nNarrative received for goal(s):")
				told = true
			}
			b.WriteString(" " + n.Goal)
		}
	}
	if told {
		b.WriteString("\n")
	}
	if roadmap.CountFindings(s.Findings, roadmap.Warning) > 0 {
		b.WriteString("\nWarnings (the file was accepted; please check these)\n")
		b.WriteString("---------------------------------------------------\n")
		listFindings(&b, s.Findings, roadmap.Warning)
	}
	return b.String()
}

func (in *Intake) shownValue(v roadmap.Value) string {
	switch {
	case !v.Reported:
		return "not reported"
	case v.Level != "":
		return v.Level
	}
	n := strconv.FormatFloat(v.Number, 'f', -1, 64)
	if ind, ok := in.Catalogue.Indicator(v.Indicator); ok {
		switch {
		case ind.Kind == roadmap.Percent:
			n += " %"
		case ind.Unit != "":
			n += " " + ind.Unit
		}
	}
	return n
}

func (in *Intake) rowTitle(v roadmap.Value) string {
	ind, ok := in.Catalogue.Indicator(v.Indicator)
	if !ok {
		return ""
	}
	t := ind.Title
	if v.Part != "" && ind.Breakdown != nil {
		for _, p := range ind.Breakdown.Parts {
			if p.Code == v.Part {
				t += " – " + p.Label
			}
		}
	}
	return t
}

// annotate writes a copy of the workbook at src to dst with a first sheet
// listing the findings, each finding's cell filled (red for errors, amber
// for warnings) and carrying a comment with the message. Everything else is
// kept as it is (the metadata sheet, protection, validations), so that the
// copy is still the template: corrected and dropped again, it is read like
// the original. A panic in the workbook library becomes an error.
func annotate(src, dst string, findings []roadmap.Finding) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("annotate: the workbook library failed: %v", r)
		}
	}()
	f, err := excelize.OpenFile(src, excelize.Options{UnzipSizeLimit: annotateLimit})
	if err != nil {
		return fmt.Errorf("open %s: %w", src, err)
	}
	defer f.Close()
	if idx, _ := f.GetSheetIndex(FindingsSheet); idx >= 0 {
		// A corrected annotated copy comes back with the old list.
		if err := f.DeleteSheet(FindingsSheet); err != nil {
			return err
		}
	}
	if err := markCells(f, findings); err != nil {
		return err
	}
	if err := findingsSheet(f, findings); err != nil {
		return err
	}
	return datadir.WriteFile(dst, datadir.Write{}, func(w io.Writer) error { return f.Write(w) })
}

type cellKey struct{ sheet, cell string }

// markCells fills and comments every cell that a finding names.
func markCells(f *excelize.File, findings []roadmap.Finding) error {
	marks := map[cellKey][]roadmap.Finding{}
	var order []cellKey
	for _, fd := range findings {
		if fd.Sheet == "" || fd.Cell == "" {
			continue
		}
		if idx, _ := f.GetSheetIndex(fd.Sheet); idx < 0 {
			continue
		}
		if _, _, err := excelize.CellNameToCoordinates(fd.Cell); err != nil {
			continue
		}
		k := cellKey{fd.Sheet, fd.Cell}
		if _, ok := marks[k]; !ok {
			order = append(order, k)
		}
		marks[k] = append(marks[k], fd)
	}
	sort.Slice(order, func(i, j int) bool {
		if order[i].sheet != order[j].sheet {
			return order[i].sheet < order[j].sheet
		}
		return order[i].cell < order[j].cell
	})
	type styleKey struct {
		base int
		fill string
	}
	styles := map[styleKey]int{} // one new style per (old style, colour): workbooks cap styles
	comments := map[string]map[string]string{}
	for _, k := range order {
		fill := warningFill
		if roadmap.HasErrors(marks[k]) {
			fill = errorFill
		}
		base, err := f.GetCellStyle(k.sheet, k.cell)
		if err != nil {
			return fmt.Errorf("style of %s!%s: %w", k.sheet, k.cell, err)
		}
		id, ok := styles[styleKey{base, fill}]
		if !ok {
			st, err := f.GetStyle(base)
			if err != nil {
				return fmt.Errorf("style of %s!%s: %w", k.sheet, k.cell, err)
			}
			// Only the fill changes: the protection (unlocked input cells),
			// number format and borders stay the template's.
			st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}}
			if id, err = f.NewStyle(st); err != nil {
				return fmt.Errorf("style of %s!%s: %w", k.sheet, k.cell, err)
			}
			styles[styleKey{base, fill}] = id
		}
		if err := f.SetCellStyle(k.sheet, k.cell, k.cell, id); err != nil {
			return err
		}
		if comments[k.sheet] == nil {
			comments[k.sheet] = map[string]string{}
			existing, err := f.GetComments(k.sheet)
			if err != nil {
				return err
			}
			for _, c := range existing {
				comments[k.sheet][c.Cell] = commentText(c)
			}
		}
		var msgs []string
		for _, fd := range marks[k] {
			msgs = append(msgs, strings.ToUpper(string(fd.Severity[:1]))+string(fd.Severity[1:])+": "+fd.Message)
		}
		text := strings.Join(msgs, "\n")
		if old, ok := comments[k.sheet][k.cell]; ok {
			// One note per cell: keep what the Commission wrote under ours.
			if err := f.DeleteComment(k.sheet, k.cell); err != nil {
				return err
			}
			if old != "" && !strings.Contains(old, text) {
				text += "\n\n" + old
			}
		}
		if err := f.AddComment(k.sheet, excelize.Comment{Cell: k.cell, Author: commentAuthor, Text: text,
			Width: 320, Height: 120}); err != nil {
			return fmt.Errorf("comment on %s!%s: %w", k.sheet, k.cell, err)
		}
	}
	return nil
}

func commentText(c excelize.Comment) string {
	if len(c.Paragraph) == 0 {
		return c.Text
	}
	var b strings.Builder
	for _, r := range c.Paragraph {
		b.WriteString(r.Text)
	}
	return strings.TrimPrefix(b.String(), c.Author+":")
}

// findingsSheet adds the list of findings as the first, active sheet.
func findingsSheet(f *excelize.File, findings []roadmap.Finding) error {
	if _, err := f.NewSheet(FindingsSheet); err != nil {
		return err
	}
	if err := moveFirst(f, FindingsSheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	intro, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	fills := map[roadmap.Severity]int{}
	for sev, colour := range map[roadmap.Severity]string{roadmap.Error: errorFill, roadmap.Warning: warningFill} {
		if fills[sev], err = f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}},
			Alignment: &excelize.Alignment{Vertical: "top"}}); err != nil {
			return err
		}
	}
	set := func(cell string, v any, style int) error {
		if err := f.SetCellValue(FindingsSheet, cell, v); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(FindingsSheet, cell, cell, style)
		}
		return nil
	}
	if err := set("A1", fmt.Sprintf("What the check found: %d error(s) in red, %d warning(s) in amber. Correct the marked cells on the other sheets, then save this workbook and send it again; this sheet is ignored.",
		roadmap.CountFindings(findings, roadmap.Error), roadmap.CountFindings(findings, roadmap.Warning)), intro); err != nil {
		return err
	}
	if err := f.MergeCell(FindingsSheet, "A1", "F1"); err != nil {
		return err
	}
	if err := f.SetRowHeight(FindingsSheet, 1, 32); err != nil {
		return err
	}
	header := []string{"Severity", "Sheet", "Cell", "Indicator", "What is wrong and what to do", "Code"}
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 3)
		if err := set(cell, h, bold); err != nil {
			return err
		}
	}
	row := 4
	for _, sev := range []roadmap.Severity{roadmap.Error, roadmap.Warning} {
		for _, fd := range findings {
			if fd.Severity != sev {
				continue
			}
			for i, v := range []string{string(fd.Severity), fd.Sheet, fd.Cell, fd.Indicator, fd.Message, string(fd.Code)} {
				cell, _ := excelize.CoordinatesToCellName(i+1, row)
				style := wrap
				if i == 0 {
					style = fills[sev]
				}
				if err := set(cell, v, style); err != nil {
					return err
				}
			}
			// Rows do not grow to fit wrapped text by themselves.
			lines := 1 + utf8.RuneCountInString(fd.Message)/messageWidth
			if err := f.SetRowHeight(FindingsSheet, row, 15*float64(lines)); err != nil {
				return err
			}
			row++
		}
	}
	for col, width := range map[string]float64{"A": 10, "B": 14, "C": 8, "D": 12, "E": messageWidth, "F": 24} {
		if err := f.SetColWidth(FindingsSheet, col, col, width); err != nil {
			return err
		}
	}
	landscape, wide, tall, fit := "landscape", 1, 0, true
	if err := f.SetPageLayout(FindingsSheet, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return err
	}
	if err := f.SetSheetProps(FindingsSheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetPanes(FindingsSheet, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	idx, err := f.GetSheetIndex(FindingsSheet)
	if err != nil {
		return err
	}
	f.SetActiveSheet(idx)
	return nil
}

// moveFirst moves a sheet before all others. Names scoped to one sheet (print
// areas, filters) refer to it by position, which MoveSheet does not adjust:
// they are taken out and put back by sheet name around the move.
func moveFirst(f *excelize.File, sheet string) error {
	first := f.GetSheetList()[0]
	if first == sheet {
		return nil
	}
	var scoped []excelize.DefinedName
	for _, dn := range f.GetDefinedName() {
		if dn.Scope != "" && dn.Scope != "Workbook" {
			scoped = append(scoped, dn)
			if err := f.DeleteDefinedName(&excelize.DefinedName{Name: dn.Name, Scope: dn.Scope}); err != nil {
				return fmt.Errorf("defined name %s: %w", dn.Name, err)
			}
		}
	}
	if err := f.MoveSheet(sheet, first); err != nil {
		return err
	}
	for _, dn := range scoped {
		if err := f.SetDefinedName(&dn); err != nil {
			return fmt.Errorf("defined name %s: %w", dn.Name, err)
		}
	}
	return nil
}
