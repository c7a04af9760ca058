package render

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

// ManifestName is the file, beside the PDFs of a report folder, that records
// what each build of the folder was made from.
const ManifestName = datadir.ManifestName

// Manifest is the content of manifest.json: one entry per output file of the
// folder (a draft and a final build share a meeting's folder), sorted by file
// name. A rebuild of the same file replaces its entry. It holds no wall-clock
// time, so that the same ledger and cut-off give the same manifest.
type Manifest struct {
	Builds []ManifestBuild `json:"builds"`
}

// ManifestBuild records one build: its parameters, its inputs and its output.
type ManifestBuild struct {
	Output       string            `json:"output"`      // the PDF's file name
	OutputHash   string            `json:"output_hash"` // SHA-256 of the PDF, hex
	Report       ReportKind        `json:"report"`      // regional | jurisdiction
	Title        string            `json:"title"`
	Kind         roadmap.BuildKind `json:"kind"` // draft | final
	Meeting      string            `json:"meeting,omitempty"`
	Period       roadmap.Period    `json:"period"`
	Jurisdiction string            `json:"jurisdiction,omitempty"`
	AsOf         string            `json:"as_of"`              // RFC 3339, UTC
	Deadline     string            `json:"deadline,omitempty"` // RFC 3339, UTC
	Footnote     string            `json:"footnote"`           // form of the footnotes
	Catalogue    ManifestCatalogue `json:"catalogue"`
	// InputsHash is the SHA-256 over the sorted input hashes and the
	// catalogue's hash (see InputsHash): equal for equal inputs.
	InputsHash string          `json:"inputs_hash"`
	Inputs     []ManifestInput `json:"inputs"`
	// Synthesis is SEESAC's synthesis the report used; nil when it used
	// the generated text.
	Synthesis *ManifestInput `json:"synthesis,omitempty"`
	// Files are the other files the build wrote beside the document.
	Files []ManifestFile `json:"files,omitempty"`
	// Derived lists the figures the report shows that were derived from two
	// half-years (docs/cycle.md), not reported as such.
	Derived []ManifestDerived `json:"derived,omitempty"`
}

// ManifestDerived is one derived figure: whose, which row and year, from
// which half-years, and by which rule.
type ManifestDerived struct {
	Jurisdiction string           `json:"jurisdiction"`
	Row          string           `json:"row"`
	Period       roadmap.Period   `json:"period"`
	From         []roadmap.Period `json:"from"`
	Source       string           `json:"source,omitempty"` // the row derived from, when its code differs
	Rule         string           `json:"rule"`
}

// ManifestFile is a file a build wrote beside its document.
type ManifestFile struct {
	Name string `json:"name"`
	Role string `json:"role"` // RoleDataXLSX, RoleDataCSV, …
	Hash string `json:"hash"` // SHA-256, hex
}

// Roles of the files beside a report document.
const (
	RoleDataXLSX = "data-xlsx" // the figures behind the report, as a workbook
	RoleDataCSV  = "data-csv"  // the same, as CSV
	// RoleQualityNote is the data-quality note for SEESAC: sources and warnings.
	RoleQualityNote = "quality-note"
	// RoleSynthesis is the synthesis workbook for SEESAC to edit, written
	// with a regional draft for a meeting.
	RoleSynthesis = "synthesis"
)

// ManifestCatalogue names the catalogue a build used.
type ManifestCatalogue struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Hash    string `json:"hash"`
}

// ManifestInput is one input file.
type ManifestInput struct {
	Jurisdiction string         `json:"jurisdiction"`
	Period       roadmap.Period `json:"period"`
	Name         string         `json:"name"`
	Version      int            `json:"version"`
	Received     string         `json:"received"` // RFC 3339, UTC
	Hash         string         `json:"hash"`
	Path         string         `json:"path,omitempty"`
}

// InputsHash is the SHA-256 (hex) over the sorted hashes of the input files
// and the catalogue's hash: two builds with the same inputs have the same one,
// whatever order the ledger gave them in.
func InputsHash(inputHashes []string, catalogueHash string) string {
	hs := slices.Clone(inputHashes)
	slices.Sort(hs)
	h := sha256.New()
	for _, x := range hs {
		h.Write([]byte("input " + x + "\n"))
	}
	h.Write([]byte("catalogue " + catalogueHash + "\n"))
	return hex.EncodeToString(h.Sum(nil))
}

// ReadManifest reads a report folder's manifest; a folder without one has an
// empty manifest.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return m, fmt.Errorf("read manifest: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("read manifest %s: %w", filepath.Join(dir, ManifestName), err)
	}
	return m, nil
}

// put adds or replaces the entry of e.Output, keeping the entries sorted.
func (m *Manifest) put(e ManifestBuild) {
	m.Builds = slices.DeleteFunc(m.Builds, func(x ManifestBuild) bool { return x.Output == e.Output })
	m.Builds = append(m.Builds, e)
	slices.SortFunc(m.Builds, func(a, b ManifestBuild) int { return strings.Compare(a.Output, b.Output) })
}

// encode is the manifest's deterministic JSON, indented, ending in a newline.
func (m Manifest) encode() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	return append(b, '\n'), nil
}

// asOfText is a cut-off in RFC 3339, UTC: every instant, the zero time of
// year 1 included, since a cut-off is always one (unlike a deadline, which
// rfc3339 leaves out when there is none).
func asOfText(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
