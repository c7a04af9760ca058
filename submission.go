package roadmap

import "time"

// State of a submission in the ledger.
type State string

// States.
const (
	Accepted   State = "accepted"
	Superseded State = "superseded" // accepted, then replaced by a newer version
	Rejected   State = "rejected"
	Duplicate  State = "duplicate" // the exact content was already accepted
)

// Value is what a workbook says for one KPI row. A blank cell is not reported
// (Reported false), which is never the same as zero.
type Value struct {
	Row string `json:"row"` // row code, "G3.1/female"
	// Period is the period the figure covers, which in a round can differ
	// from the workbook's: "2026" for a yearly figure in the 2026-H2 round.
	Period    Period  `json:"period"`
	Indicator string  `json:"indicator"`      // "G3.1"
	Part      string  `json:"part,omitempty"` // "" for the total
	Reported  bool    `json:"reported"`
	Number    float64 `json:"number,omitempty"` // count, quantity, percent
	Level     string  `json:"level,omitempty"`  // status, as spelled on the scale
	Comment   string  `json:"comment,omitempty"`
	Cell      string  `json:"cell,omitempty"` // where it was read, "F7"
}

// Narrative is a Commission's text on one goal.
type Narrative struct {
	Goal       string `json:"goal"`
	Progress   string `json:"progress,omitempty"`
	Challenges string `json:"challenges,omitempty"`
	Support    string `json:"support,omitempty"`
}

// Empty reports whether the Commission wrote nothing for the goal.
func (n Narrative) Empty() bool { return n.Progress == "" && n.Challenges == "" && n.Support == "" }

// Cover is the cover sheet's details of who reported.
type Cover struct {
	Institution string `json:"institution,omitempty"`
	Contact     string `json:"contact,omitempty"`
	Email       string `json:"email,omitempty"`
	Date        string `json:"date,omitempty"` // as read, ISO 2006-01-02 when it was a date
	Final       bool   `json:"final"`
}

// Submission is one file a Commission sent, as recorded in the ledger.
type Submission struct {
	ID               int64       `json:"id"`
	Hash             string      `json:"hash"`             // SHA-256 of the file's bytes, hex
	Name             string      `json:"name"`             // the dropped file's name
	Folder           string      `json:"folder,omitempty"` // inbox subfolder ("AL") or ""
	Size             int64       `json:"size"`
	Received         time.Time   `json:"received"`
	Jurisdiction     string      `json:"jurisdiction,omitempty"`
	Period           Period      `json:"period"`
	TemplateVersion  string      `json:"template_version,omitempty"`
	CatalogueID      string      `json:"catalogue_id,omitempty"`
	CatalogueVersion string      `json:"catalogue_version,omitempty"`
	CatalogueHash    string      `json:"catalogue_hash,omitempty"`
	Version          int         `json:"version,omitempty"` // 1, 2, … within jurisdiction and period; 0 if never accepted
	State            State       `json:"state"`
	Path             string      `json:"path,omitempty"` // where the original is kept, relative to the data folder
	Cover            Cover       `json:"cover"`
	Values           []Value     `json:"values,omitempty"`
	Narratives       []Narrative `json:"narratives,omitempty"`
	Findings         []Finding   `json:"findings,omitempty"`
}

// Value finds the value of a row code.
func (s *Submission) Value(row string) (Value, bool) {
	for _, v := range s.Values {
		if v.Row == row {
			return v, true
		}
	}
	return Value{}, false
}

// Recording is one submission to record in the ledger, with the source key
// of its drop: what the intake hands the ledger for a group of files.
type Recording struct {
	Submission *Submission
	Source     string
}
