package render

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

// Ledger is what a build needs from the ledger (store.DB satisfies it).
type Ledger interface {
	// Accepted returns every accepted or superseded version received at or
	// before asOf, with its values, narratives and findings.
	Accepted(ctx context.Context, asOf time.Time) ([]roadmap.Submission, error)
	// RecordBuild records a build (and audits it).
	RecordBuild(ctx context.Context, b *roadmap.Build) error
}

// Builder builds reports from the ledger into the data folder.
type Builder struct {
	// Root is the data folder; reports go to Root/reports/ by default.
	Root      string
	Ledger    Ledger
	Catalogue *roadmap.Catalogue
	// Calendar is the calendar in force, passed on in the snapshot: it
	// decides each jurisdiction's deadline.
	Calendar *roadmap.Calendar
	// Footnote is the form of the footnotes: "un" (default) or "eu".
	Footnote string
	// Now is the clock; it gives the cut-off when a request has none, and the
	// build's start time in the ledger.
	Now func() time.Time
	Log *slog.Logger
	// Write writes the report's document (render.WritePDF). It must take every
	// date it prints or embeds from the report (AsOf), never from the clock.
	Write func(w io.Writer, r *Report) error
	// WriteNote writes the data-quality note for SEESAC that goes beside the
	// report (render.WriteQualityNote); nil writes none.
	WriteNote func(w io.Writer, r *Report) error
	// Branding is the reports' branding (logos are read from Root at each
	// build, so that a replaced logo shows in the next build).
	Branding roadmap.BrandingConfig
	// Syntheses finds the synthesis SEESAC sent for a meeting (ingest
	// reads them from inbox/_seesac/ drops); nil: none is ever used.
	Syntheses SynthesisSource
	// WriteSynthesis writes the synthesis workbook of meeting m filled with
	// s (templates.WriteSynthesis); with it, every regional draft for a
	// meeting gets MEETING-synthesis.xlsx beside it for SEESAC to edit.
	WriteSynthesis func(w io.Writer, m *roadmap.Meeting, s roadmap.Synthesis) error
}

// SynthesisSource finds the latest synthesis SEESAC sent for a meeting by a
// cut-off; nil when there is none.
type SynthesisSource interface {
	LatestSynthesis(meeting string, asOf time.Time) (*roadmap.ReceivedSynthesis, error)
}

// BuildRequest says which report to build: for a meeting (its kind chooses
// the report: regional and high-level meetings get the regional report, a
// local meeting its jurisdiction's report) or for a period (regional, or a
// jurisdiction report when Jurisdiction is set).
type BuildRequest struct {
	Meeting      *roadmap.Meeting
	Period       roadmap.Period
	Jurisdiction string
	Draft        bool
	// AsOf is the cut-off; zero means now, unless AsOfGiven.
	AsOf time.Time
	// AsOfGiven says that AsOf was given by hand (--as-of) and is used as
	// given, even the zero time; it may not be later than now. The build is
	// recorded as such and never stands in for a planned one.
	AsOfGiven bool
	// OutDir is where the files go; "" means Root/reports/<meeting id>, or
	// Root/reports/<period>[-<jurisdiction>] for a build by period.
	OutDir string
	// Scheduled marks a build run by the daemon's plan, not by hand.
	Scheduled bool
}

// Result is what a build made.
type Result struct {
	Report *Report
	PDF    string // path of the document
	// DataXLSX and DataCSV are the paths of the data behind the document
	// (the figures it prints, with their sources), beside it.
	DataXLSX string
	DataCSV  string
	// QualityNote is the path of the data-quality note for SEESAC; "" when
	// the builder writes none.
	QualityNote string
	// Synthesis is the path of the synthesis workbook written for SEESAC
	// with a regional draft for a meeting; "" otherwise.
	Synthesis string
	Manifest  string // path of the folder's manifest.json
	Entry     ManifestBuild
	Build     roadmap.Build
}

// Build combines the report the request asks for from the ledger as of the
// cut-off, writes it to the output folder under a temporary name and renames
// it, updates the folder's manifest.json the same way, and records the build
// in the ledger. A failed build is recorded too (best effort) and returned as
// an error. The same ledger and cut-off give a byte-identical document when
// Write is deterministic.
func (b *Builder) Build(ctx context.Context, req BuildRequest) (*Result, error) {
	log := b.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := time.Now
	if b.Now != nil {
		now = b.Now
	}
	started := now()
	spec, err := b.resolve(req)
	if err != nil {
		return nil, err
	}
	asOf := req.AsOf
	switch {
	case req.AsOfGiven && asOf.After(started):
		return nil, fmt.Errorf("build %s: the cut-off %s is later than now (%s): a report cannot use files not yet received", spec.name, asOfText(asOf), asOfText(started))
	case !req.AsOfGiven && asOf.IsZero():
		asOf = started
	}
	rec := &roadmap.Build{Meeting: spec.name, Kind: roadmap.Final, Started: started, AsOf: asOf, Scheduled: req.Scheduled, AsOfGiven: req.AsOfGiven}
	if req.Draft {
		rec.Kind = roadmap.Draft
	}
	res, err := b.build(ctx, req, spec, asOf, rec)
	if err != nil {
		rec.OK, rec.Error = false, err.Error()
		if rerr := b.Ledger.RecordBuild(ctx, rec); rerr != nil {
			err = errors.Join(err, fmt.Errorf("record failed build: %w", rerr))
		}
		log.Error("build failed", "meeting", spec.name, "kind", rec.Kind, "as_of", asOf, "err", err)
		return nil, err
	}
	log.Info("build done", "meeting", spec.name, "kind", rec.Kind, "as_of", asOf, "pdf", res.PDF, "inputs", len(res.Entry.Inputs))
	return res, nil
}

// spec is a request made definite.
type spec struct {
	name         string // the meeting id, or the period[-J]: the folder's name and the build's key
	period       roadmap.Period
	jurisdiction string
	meeting      *roadmap.Meeting
}

func (b *Builder) resolve(req BuildRequest) (spec, error) {
	if b.Catalogue == nil || b.Ledger == nil || b.Write == nil {
		return spec{}, errors.New("build: the builder needs a catalogue, a ledger and a writer")
	}
	var s spec
	switch m := req.Meeting; {
	case m != nil && !req.Period.IsZero():
		return s, errors.New("build: give a meeting or a period, not both")
	case m != nil:
		s.name, s.period, s.meeting = m.ID, m.Period, m
		if m.Kind == roadmap.Local {
			if m.Jurisdiction == "" {
				return s, fmt.Errorf("build: local meeting %q names no jurisdiction", m.ID)
			}
			if req.Jurisdiction != "" && req.Jurisdiction != m.Jurisdiction {
				return s, fmt.Errorf("build: meeting %q is %s's local meeting, not %s's", m.ID, m.Jurisdiction, req.Jurisdiction)
			}
			s.jurisdiction = m.Jurisdiction
		} else if req.Jurisdiction != "" {
			return s, fmt.Errorf("build: meeting %q is a %s meeting, whose report is regional: leave out the jurisdiction", m.ID, m.Kind)
		}
	case req.Period.IsZero():
		return s, errors.New("build: give a meeting or a period")
	default:
		s.period, s.jurisdiction = req.Period, req.Jurisdiction
		s.name = req.Period.String()
		if s.jurisdiction != "" {
			s.name += "-" + s.jurisdiction
		}
	}
	if s.period.IsZero() {
		return s, fmt.Errorf("build: meeting %q names no period to review", s.name)
	}
	if req.OutDir == "" {
		if err := datadir.CheckReportName(s.name); err != nil {
			return s, fmt.Errorf("build: %w", err)
		}
	}
	if gov := b.Catalogue.InForce(s.period); !b.Catalogue.Reviewable(s.period) {
		return s, fmt.Errorf("build: %s is not a reporting period of the %s catalogue, whose rounds are %s", s.period, gov.ID, gov.RoundWords())
	}
	if s.jurisdiction != "" {
		j, ok := b.Catalogue.Jurisdiction(s.jurisdiction)
		if !ok {
			return s, fmt.Errorf("build: jurisdiction %q is not in the catalogue", s.jurisdiction)
		}
		s.jurisdiction = j.Code
	}
	return s, nil
}

// FileName names a report's document from the build's name (the meeting id,
// or the period and jurisdiction): "rcm-16-regional-draft.pdf",
// "local-16-ba-final.pdf" (a name that already ends in the jurisdiction keeps
// it once), "2026-H1-al-final.pdf", "2026-H1-regional-final.pdf".
func FileName(name, jurisdiction string, draft bool) string {
	kind, state := "regional", "final"
	if jurisdiction != "" {
		kind = strings.ToLower(jurisdiction)
	}
	if draft {
		state = "draft"
	}
	stem := name
	if suffix := "-" + strings.ToLower(jurisdiction); jurisdiction != "" && strings.HasSuffix(strings.ToLower(name), suffix) {
		stem = name[:len(name)-len(suffix)]
	}
	return stem + "-" + kind + "-" + state + ".pdf"
}

func (b *Builder) build(ctx context.Context, req BuildRequest, s spec, asOf time.Time, rec *roadmap.Build) (*Result, error) {
	subs, err := b.Ledger.Accepted(ctx, asOf)
	if err != nil {
		return nil, fmt.Errorf("build %s: read the ledger as of %s: %w", s.name, asOfText(asOf), err)
	}
	snap := Snapshot{Catalogue: b.Catalogue, Submissions: subs, AsOf: asOf, Calendar: b.Calendar}
	creq := Request{Period: s.period, Jurisdiction: s.jurisdiction, Meeting: s.meeting, Draft: req.Draft, Footnote: b.Footnote}
	if creq.Synthesis, err = b.synthesis(s, asOf); err != nil {
		return nil, fmt.Errorf("build %s: %w", s.name, err)
	}
	rep := Combine(snap, creq)
	if rep.Branding, err = LoadBranding(b.Root, b.Branding); err != nil {
		return nil, fmt.Errorf("build %s: %w", s.name, err)
	}

	dir := req.OutDir
	if dir == "" {
		if dir, err = datadir.New(b.Root).Report(s.name); err != nil {
			return nil, fmt.Errorf("build %s: %w", s.name, err)
		}
	}
	if _, err := datadir.MkdirAll(dir); err != nil {
		return nil, fmt.Errorf("build %s: create the report folder: %w", s.name, err)
	}
	// The builds of one folder take turns, in this process and across
	// processes (the daemon's and an operator's): each writes its files and
	// updates the manifest as a whole, so none loses the other's entry.
	unlock, err := datadir.LockFolder(dir)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", s.name, err)
	}
	defer unlock()
	pdfName := FileName(s.name, s.jurisdiction, req.Draft)
	pdfPath := filepath.Join(dir, pdfName)
	pdfHash, err := writeAtomic(pdfPath, func(w io.Writer) error { return b.Write(w, rep) })
	if err != nil {
		return nil, fmt.Errorf("build %s: write %s: %w", s.name, pdfName, err)
	}

	files, paths, err := b.writeCompanions(dir, pdfName, s, rep)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", s.name, err)
	}

	entry := ManifestBuild{
		Output: pdfName, OutputHash: pdfHash, Report: rep.Kind, Title: rep.Title, Kind: rec.Kind,
		Period: s.period, Jurisdiction: s.jurisdiction, AsOf: asOfText(asOf), Deadline: rfc3339(rep.Deadline),
		Footnote:  footnoteForm(b.Footnote),
		Catalogue: ManifestCatalogue{ID: b.Catalogue.ID, Version: b.Catalogue.Version, Hash: b.Catalogue.Hash},
		Inputs:    []ManifestInput{},
		Files:     files,
	}
	if s.meeting != nil {
		entry.Meeting = s.meeting.ID
	}
	// The inputs are the report's sources: the submissions it read.
	hashes := make([]string, 0, len(rep.Sources))
	for _, u := range rep.Sources {
		hashes = append(hashes, u.Hash)
		entry.Inputs = append(entry.Inputs, ManifestInput{
			Jurisdiction: u.Jurisdiction, Period: u.Period, Name: u.Name, Version: u.Version,
			Received: rfc3339(u.Received), Hash: u.Hash, Path: u.Path,
		})
	}
	if rs := rep.SynthesisFrom; rs != nil {
		// SEESAC's synthesis is an input too: a new one calls for a new build.
		hashes = append(hashes, rs.Hash)
		entry.Synthesis = &ManifestInput{Jurisdiction: roadmap.SeesacFolder, Period: rs.Period, Name: rs.File, Version: rs.Version, Received: rfc3339(rs.Received), Hash: rs.Hash}
	}
	for _, x := range rep.Derived {
		entry.Derived = append(entry.Derived, ManifestDerived{Jurisdiction: x.Jurisdiction, Row: x.Row, Period: x.Period, From: x.From, Source: x.Source, Rule: x.Rule})
	}
	entry.InputsHash = InputsHash(hashes, b.Catalogue.Hash)
	rec.InputsHash = entry.InputsHash

	man, err := ReadManifest(dir)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", s.name, err)
	}
	man.put(entry)
	data, err := man.encode()
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", s.name, err)
	}
	manPath := filepath.Join(dir, ManifestName)
	if _, err := writeAtomic(manPath, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
		return nil, fmt.Errorf("build %s: write %s: %w", s.name, ManifestName, err)
	}

	rec.Outputs = []string{b.rel(pdfPath)}
	for _, f := range files {
		rec.Outputs = append(rec.Outputs, b.rel(paths[f.Role]))
	}
	rec.Outputs = append(rec.Outputs, b.rel(manPath))
	rec.OK = true
	if err := b.Ledger.RecordBuild(ctx, rec); err != nil {
		return nil, fmt.Errorf("build %s: record the build: %w", s.name, err)
	}
	return &Result{Report: rep, PDF: pdfPath, DataXLSX: paths[RoleDataXLSX], DataCSV: paths[RoleDataCSV], QualityNote: paths[RoleQualityNote],
		Synthesis: paths[RoleSynthesis], Manifest: manPath, Entry: entry, Build: *rec}, nil
}

// synthesis is the synthesis SEESAC sent that the report uses: the latest
// received by the cut-off for its meeting or, for a local meeting, for the
// regional meeting that reviews the same period; nil when there is none.
func (b *Builder) synthesis(s spec, asOf time.Time) (*roadmap.ReceivedSynthesis, error) {
	if b.Syntheses == nil || s.meeting == nil {
		return nil, nil
	}
	id := s.meeting.ID
	if s.meeting.Kind == roadmap.Local {
		id = ""
		for _, m := range b.Calendar.Reviewing(s.period) {
			if m.Kind != roadmap.Local {
				id = m.ID
				break
			}
		}
		if id == "" {
			return nil, nil
		}
	}
	rs, err := b.Syntheses.LatestSynthesis(id, asOf)
	if err != nil {
		return nil, fmt.Errorf("read SEESAC's synthesis: %w", err)
	}
	return rs, nil
}

// SynthesisName is the name of the synthesis workbook of a meeting, written
// beside its regional draft: "rcm-16-synthesis.xlsx".
func SynthesisName(meeting string) string { return meeting + "-synthesis.xlsx" }

// DataFileNames are the names of the data workbook and CSV that go with the
// report document pdfName: "rcm-16-regional-final-data.xlsx" and ".csv".
func DataFileNames(pdfName string) (xlsx, csv string) {
	stem := strings.TrimSuffix(pdfName, ".pdf") + "-data"
	return stem + ".xlsx", stem + ".csv"
}

// QualityNoteName is the name of the data-quality note that goes with the
// report document pdfName: "rcm-16-regional-final-quality.pdf".
func QualityNoteName(pdfName string) string {
	return strings.TrimSuffix(pdfName, ".pdf") + "-quality.pdf"
}

// writeCompanions writes the files that go with the document pdfName in dir
// (the data workbook and CSV, the data-quality note where the builder writes
// one, and with a regional draft for a meeting the synthesis workbook) and
// returns them for the manifest, with their paths by role.
func (b *Builder) writeCompanions(dir, pdfName string, s spec, rep *Report) ([]ManifestFile, map[string]string, error) {
	xlsxName, csvName := DataFileNames(pdfName)
	type companion struct {
		name, role string
		write      func(io.Writer, *Report) error
	}
	outs := []companion{{xlsxName, RoleDataXLSX, WriteDataXLSX}, {csvName, RoleDataCSV, WriteDataCSV}}
	if b.WriteNote != nil {
		outs = append(outs, companion{QualityNoteName(pdfName), RoleQualityNote, b.WriteNote})
	}
	if m := s.meeting; b.WriteSynthesis != nil && m != nil && rep.Draft && rep.Kind == RegionalReport {
		outs = append(outs, companion{SynthesisName(m.ID), RoleSynthesis, func(w io.Writer, r *Report) error {
			return b.WriteSynthesis(w, m, r.Synthesis)
		}})
	}
	var files []ManifestFile
	paths := map[string]string{}
	for _, o := range outs {
		p := filepath.Join(dir, o.name)
		h, err := writeAtomic(p, func(w io.Writer) error { return o.write(w, rep) })
		if err != nil {
			return nil, nil, fmt.Errorf("write %s: %w", o.name, err)
		}
		files = append(files, ManifestFile{Name: o.name, Role: o.role, Hash: h})
		paths[o.role] = p
	}
	return files, paths, nil
}

// rel is path relative to the data folder when it is inside it, for the ledger.
func (b *Builder) rel(path string) string {
	if b.Root == "" {
		return filepath.ToSlash(path)
	}
	r, _ := datadir.New(b.Root).Rel(path)
	return r
}

func footnoteForm(f string) string {
	if f == "" {
		return "un"
	}
	return f
}

// writeAtomic writes a file through fill, synced and renamed into place, so
// that a reader never sees a half-written file. It returns the SHA-256 (hex)
// of what was written.
func writeAtomic(path string, fill func(io.Writer) error) (string, error) {
	h := sha256.New()
	err := datadir.WriteFile(path, datadir.Write{Sync: true}, func(w io.Writer) error {
		bw := bufio.NewWriter(io.MultiWriter(w, h))
		if err := fill(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
