package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

// SEESAC's synthesis workbook: written with each regional draft, edited by
// SEESAC and dropped into inbox/_seesac/. That folder is SEESAC's authority
// as inbox/AL/ is Albania's: a synthesis is taken only from there, and
// nothing else is. An accepted synthesis is kept, never modified, at
//
//	archive/_seesac/<meeting>/<sha256[:16]>-<name>   (with its .intake.json)
//
// which is its record: its version is its rank among the meeting's kept
// syntheses by received time, and a report takes the latest received by its
// cut-off (LatestSynthesis). A refused one goes to rejected/_seesac/, and
// every drop gets a note in feedback/_seesac/.

// Limits of what is read from a synthesis: far above what a report needs,
// low enough that a hostile file cannot make the report unbounded.
const (
	maxKeyMessages  = 30
	maxTableRows    = 300
	maxSynthesisLen = 4000 // characters of one cell
)

// readSynthesis reads the synthesis sheets by their labels: key messages are
// the rows labelled "Key message N"; trends the rows under the goal-code
// header; each table the rows under its header row, columns by title.
func (r *sheetReader) readSynthesis(wb *workbook) error {
	s := &roadmap.Synthesis{Meeting: wb.Meta[roadmap.MetaMeeting].Value}
	if p, err := roadmap.ParsePeriod(wb.Meta[roadmap.MetaPeriod].Value); err == nil {
		s.Period = p
	}
	has := func(sheet string) bool { return slices.Contains(wb.Sheets, sheet) }
	if has(roadmap.SheetKeyMessages) {
		err := r.eachRow(roadmap.SheetKeyMessages, []int{0, 1}, func(_ int, cols []string) {
			label := strings.ToLower(strings.TrimSpace(col(cols, 0)))
			if !strings.HasPrefix(label, strings.ToLower(roadmap.KeyMessageLabel)) || len(s.KeyMessages) >= maxKeyMessages {
				return
			}
			if text := clip(col(cols, 1)); text != "" {
				s.KeyMessages = append(s.KeyMessages, text)
			}
		})
		if err != nil {
			return err
		}
	}
	if has(roadmap.SheetTrends) {
		rows, err := r.table(roadmap.SheetTrends, []string{roadmap.TrendsGoalHeader, roadmap.TrendsTextHeader})
		if err != nil {
			return err
		}
		for _, row := range rows {
			if row[0] != "" && row[1] != "" {
				s.Trends = append(s.Trends, roadmap.GoalTrend{Goal: row[0], Text: row[1]})
			}
		}
	}
	if has(roadmap.SheetPartners) {
		rows, err := r.table(roadmap.SheetPartners, roadmap.PartnerHeaders)
		if err != nil {
			return err
		}
		for _, x := range rows {
			s.Partners = append(s.Partners, roadmap.Support{Organisation: x[0], Jurisdictions: x[1], Goals: x[2], Activity: x[3],
				Period: x[4], Funding: x[5], Currency: x[6], Status: x[7]})
		}
	}
	if has(roadmap.SheetGaps) {
		rows, err := r.table(roadmap.SheetGaps, roadmap.GapHeaders)
		if err != nil {
			return err
		}
		for _, x := range rows {
			s.Gaps = append(s.Gaps, roadmap.Gap{Goal: x[0], Jurisdictions: x[1], Gap: x[2], Support: x[3]})
		}
	}
	wb.Synthesis = s
	return nil
}

// table reads the rows under a sheet's header row (the first row that holds
// all of headers, in any column order and case), one slice per non-empty
// row with the cells under headers in their order.
func (r *sheetReader) table(sheet string, headers []string) ([][]string, error) {
	var idx []int
	var out [][]string
	err := r.eachRow(sheet, tableColumns, func(_ int, cols []string) {
		if idx == nil {
			found := make([]int, len(headers))
			for i, h := range headers {
				found[i] = slices.IndexFunc(cols, func(c string) bool { return strings.EqualFold(strings.TrimSpace(c), h) })
				if found[i] < 0 {
					return
				}
			}
			idx = found
			return
		}
		if len(out) >= maxTableRows {
			return
		}
		row := make([]string, len(headers))
		empty := true
		for i, c := range idx {
			row[i] = clip(col(cols, c))
			empty = empty && row[i] == ""
		}
		if !empty {
			out = append(out, row)
		}
	})
	return out, err
}

// tableColumns are the columns a synthesis table is looked for in (A to Z):
// its headers may be in any order.
var tableColumns = func() []int {
	cols := make([]int, 26)
	for i := range cols {
		cols[i] = i
	}
	return cols
}()

// clip trims a cell and bounds its length.
func clip(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > maxSynthesisLen {
		s = string(r[:maxSynthesisLen]) + "…"
	}
	return s
}

// CheckSynthesis reads and checks a synthesis workbook in data for the
// calendar: it must be a synthesis (a Commission's KPI workbook is refused)
// made from the catalogue in use, for a meeting of the calendar whose report
// is regional and whose day, as of received, is still ahead. It writes
// nothing. The synthesis is nil when an error was found.
func (c *Checker) CheckSynthesis(data []byte, cal *roadmap.Calendar, received time.Time) (s *roadmap.Synthesis, findings []roadmap.Finding) {
	defer func() {
		if r := recover(); r != nil {
			s, findings = nil, []roadmap.Finding{*damaged()}
		}
	}()
	fail := func(code roadmap.Code, cell, format string, args ...any) (*roadmap.Synthesis, []roadmap.Finding) {
		sheet := ""
		if cell != "" {
			sheet = roadmap.SheetMeta
		}
		return nil, []roadmap.Finding{{Severity: roadmap.Error, Code: code, Sheet: sheet, Cell: cell, Message: fmt.Sprintf(format, args...)}}
	}
	if int64(len(data)) > c.maxSize() {
		return nil, []roadmap.Finding{c.tooLarge(int64(len(data)))}
	}
	f, rows := sniff(data)
	if f != nil {
		return nil, []roadmap.Finding{*f}
	}
	wb, f := readWorkbook(data, c.TmpDir, rows)
	if f != nil {
		return nil, []roadmap.Finding{*f}
	}
	if wb.Synthesis == nil {
		return fail(roadmap.CodeSynthesisMisplaced, "",
			"This is not a synthesis workbook: the folder %s/ takes only the synthesis workbook written with a regional draft report. A Commission's KPI report goes into that Commission's own folder.",
			roadmap.SeesacFolder)
	}
	meta := wb.Meta
	if v := meta[roadmap.MetaTemplateVersion]; v.Value != roadmap.SynthesisVersion {
		return fail(roadmap.CodeTemplateVersion, v.Cell,
			"This synthesis workbook has layout version %q, which this system cannot read (it reads version %s): copy the text into the synthesis workbook of the latest draft.", v.Value, roadmap.SynthesisVersion)
	}
	if id, ver := meta[roadmap.MetaCatalogueID], meta[roadmap.MetaCatalogueVersion]; c.Catalogue == nil || id.Value != c.Catalogue.ID || ver.Value != c.Catalogue.Version {
		return fail(roadmap.CodeCatalogueVersion, id.Cell,
			"This synthesis workbook was made for another indicator catalogue (%q version %q): copy the text into the synthesis workbook of the latest draft.", id.Value, ver.Value)
	}
	id := meta[roadmap.MetaMeeting]
	m, ok := cal.Find(id.Value)
	switch {
	case !ok:
		return fail(roadmap.CodeSynthesisMeeting, id.Cell,
			"This synthesis workbook is for the meeting %q, which is not in the calendar: use the synthesis workbook written with the draft of the coming meeting's report.", id.Value)
	case m.Kind == roadmap.Local:
		return fail(roadmap.CodeSynthesisMeeting, id.Cell,
			"This synthesis workbook is for %q, a local meeting, whose report has no SEESAC synthesis: use the synthesis workbook of the regional meeting.", m.ID)
	case cal.EndOfDay(m.Date).Before(received):
		return fail(roadmap.CodeSynthesisMeeting, id.Cell,
			"This synthesis workbook is for the meeting %q of %s, which has taken place: use the synthesis workbook written with the draft of the coming meeting's report.", m.ID, m.Date)
	case wb.Synthesis.Period != m.Period:
		return fail(roadmap.CodeSynthesisMeeting, "",
			"This synthesis workbook is for the period %s, but the meeting %q reviews %s: use the synthesis workbook written with that meeting's draft.", wb.Synthesis.Period, m.ID, m.Period)
	}
	return wb.Synthesis, nil
}

// SynthesisPath is where an accepted synthesis of meeting is kept, relative
// to the data folder.
func SynthesisPath(meeting, name string) string {
	return path.Join(datadir.ArchiveName, roadmap.SeesacFolder, meeting, name)
}

// takeSynthesis takes a drop from inbox/_seesac/: checked, kept, told, then
// removed from the inbox, in the order of the package doc. The ledger holds
// no synthesis: its kept file is its record, so there is no step between.
func (in *Intake) takeSynthesis(_ context.Context, d drop, received time.Time) (Outcome, error) {
	out := Outcome{File: d.rel}
	hash, data, _, err := in.identify(d)
	if errors.Is(err, fs.ErrNotExist) {
		out.Waiting = "gone before it could be read"
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("intake %s: %w", d.rel, err)
	}
	d.data = data
	s := &roadmap.Submission{Name: d.name, Folder: roadmap.SeesacFolder, Size: d.info.Size(), Received: received, Hash: hash, State: roadmap.Rejected}
	var syn *roadmap.Synthesis
	switch {
	case d.symlink():
		s.Findings = []roadmap.Finding{{Severity: roadmap.Error, Code: roadmap.CodeSymlink,
			Message: "This is a shortcut (symbolic link) to a file elsewhere, which is never followed: copy the workbook itself into the folder."}}
	case in.Checker == nil:
		return out, fmt.Errorf("intake %s: no checker for SEESAC's synthesis", d.rel)
	default:
		syn, s.Findings = in.Checker.CheckSynthesis(data, in.Calendar, received)
	}
	name := storedName(hash, d)
	if syn != nil {
		s.State = roadmap.Accepted
		s.Period = syn.Period
		s.Path = SynthesisPath(syn.Meeting, name)
		kept, err := in.syntheses(syn.Meeting)
		if err != nil {
			return out, fmt.Errorf("intake %s: %w", d.rel, err)
		}
		s.Version = len(kept) + 1
		for _, k := range kept {
			if k.Hash == hash {
				s.State, s.Version = roadmap.Duplicate, k.Version
			}
		}
	} else {
		s.Path = datadir.RejectedPath(roadmap.SeesacFolder, name)
	}
	if s.State != roadmap.Duplicate {
		if err := in.store(d, s, sourceKey(d, hash), nil); err != nil {
			return out, fmt.Errorf("intake %s: keep the original: %w", d.rel, err)
		}
	}
	note := synthesisNote(d, s, syn, in.shown)
	suffix := ".receipt.txt"
	if s.State == roadmap.Rejected {
		suffix = ".errors.txt"
	}
	fb := datadir.FeedbackPath(roadmap.SeesacFolder, shorten(d.name)+suffix)
	if _, err := datadir.MkdirAll(filepath.Dir(in.abs(fb))); err != nil {
		return out, fmt.Errorf("intake %s: feedback: %w", d.rel, err)
	}
	if err := writeText(in.abs(fb), note); err != nil {
		return out, fmt.Errorf("intake %s: feedback: %w", d.rel, err)
	}
	if err := os.Remove(d.abs); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return out, fmt.Errorf("intake %s: clear the inbox: %w", d.rel, err)
	}
	in.log().Info("intake", "file", d.rel, "outcome", string(s.State), "synthesis", s.Path, "version", s.Version)
	out.State, out.Submission, out.Stored, out.Feedback = s.State, s, s.Path, []string{fb}
	return out, nil
}

// synthesisNote is the feedback on a synthesis drop.
func synthesisNote(d drop, s *roadmap.Submission, syn *roadmap.Synthesis, shown func(time.Time) string) string {
	var b strings.Builder
	switch s.State {
	case roadmap.Rejected:
		fmt.Fprintf(&b, "SEESAC synthesis NOT ACCEPTED: %s\nReceived: %s\n\n", d.name, shown(s.Received))
		for _, f := range s.Findings {
			fmt.Fprintf(&b, "- %s\n", f.Message)
		}
		b.WriteString("\nThe reports keep using the synthesis received before, if any. Fix the file and drop it again.\n")
	default:
		what := "recorded"
		if s.State == roadmap.Duplicate {
			what = "already recorded (the same file was received before)"
		}
		fmt.Fprintf(&b, "SEESAC synthesis %s: %s\nMeeting: %s (%s)\nVersion: %d\nReceived: %s\n\n", what, d.name, syn.Meeting, syn.Period, s.Version, shown(s.Received))
		fmt.Fprintf(&b, "Key messages: %d\nGoals with key trends: %d\nPartner and donor support lines: %d\nRemaining gaps: %d\n\n",
			len(syn.KeyMessages), len(syn.Trends), len(syn.Partners), len(syn.Gaps))
		b.WriteString("The final report uses the latest synthesis received by its cut-off.\n")
	}
	return b.String()
}

// keptSynthesis is one accepted synthesis of a meeting, as kept.
type keptSynthesis struct {
	Path     string // relative to the data folder
	Name     string // as dropped
	Hash     string
	Received time.Time
	Version  int
}

// syntheses lists the kept syntheses of meeting, oldest first, numbered.
func (in *Intake) syntheses(meeting string) ([]keptSynthesis, error) {
	return keptSyntheses(in.Root, meeting)
}

func keptSyntheses(root, meeting string) ([]keptSynthesis, error) {
	rel := SynthesisPath(meeting, "")
	entries, err := os.ReadDir(datadir.New(root).Abs(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list the syntheses of %s: %w", meeting, err)
	}
	var out []keptSynthesis
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), sidecarSuffix) {
			continue
		}
		b, err := os.ReadFile(datadir.New(root).Abs(path.Join(rel, e.Name())))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", e.Name(), err)
		}
		var sc sidecar
		if err := json.Unmarshal(b, &sc); err != nil {
			return nil, fmt.Errorf("read %s: %w", e.Name(), err)
		}
		out = append(out, keptSynthesis{Path: path.Join(rel, strings.TrimSuffix(e.Name(), sidecarSuffix)), Name: sc.Name, Hash: sc.Hash, Received: sc.Received})
	}
	slices.SortFunc(out, func(a, b keptSynthesis) int {
		if c := a.Received.Compare(b.Received); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	for i := range out {
		out[i].Version = i + 1
	}
	return out, nil
}

// Syntheses finds the syntheses SEESAC sent, in a data folder.
type Syntheses struct {
	Root    string
	Checker *Checker
}

// LatestSynthesis is the latest synthesis of meeting received at or before
// asOf, read again from its kept file; nil when there is none.
func (s Syntheses) LatestSynthesis(meeting string, asOf time.Time) (*roadmap.ReceivedSynthesis, error) {
	kept, err := keptSyntheses(s.Root, meeting)
	if err != nil {
		return nil, err
	}
	for i := len(kept) - 1; i >= 0; i-- {
		k := kept[i]
		if k.Received.After(asOf) {
			continue
		}
		data, err := os.ReadFile(datadir.New(s.Root).Abs(k.Path))
		if err != nil {
			return nil, fmt.Errorf("read the synthesis %s: %w", k.Path, err)
		}
		_, rows := sniff(data)
		wb, f := readWorkbook(data, s.Checker.TmpDir, rows)
		if f != nil || wb.Synthesis == nil {
			return nil, fmt.Errorf("read the synthesis %s: it no longer reads as one", k.Path)
		}
		return &roadmap.ReceivedSynthesis{Synthesis: *wb.Synthesis, File: k.Name, Version: k.Version, Received: k.Received, Hash: k.Hash}, nil
	}
	return nil, nil
}
