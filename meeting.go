package roadmap

import (
	"fmt"
	"time"
)

// MeetingKind decides which report a meeting gets and its build plan.
type MeetingKind string

// Meeting kinds.
const (
	Regional  MeetingKind = "regional"   // regional progress report
	Local     MeetingKind = "local"      // jurisdiction report
	HighLevel MeetingKind = "high-level" // regional report over a year
)

// Date is a calendar day without a time or zone, written 2006-01-02.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads 2006-01-02.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not valid: write it as 2026-12-15", s)
	}
	return DateOf(t), nil
}

// DateOf is the calendar day of t in t's location.
func DateOf(t time.Time) Date { return Date{t.Year(), t.Month(), t.Day()} }

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }

// At is the instant of the given wall-clock time on this day in loc.
func (d Date) At(hour, min int, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, min, 0, 0, loc)
}

// End is the last instant of this day in loc: the one end-of-day convention
// (a deadline day, a cut-off given as a day) of docs/cycle.md.
func (d Date) End(loc *time.Location) time.Time {
	return d.AddDays(1).At(0, 0, loc).Add(-time.Nanosecond)
}

// AddDays moves the date by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.At(12, 0, time.UTC).AddDate(0, 0, n)) }

// Long is the date in words, as reports and messages print it: "9 October 2026".
func (d Date) Long() string { return d.At(12, 0, time.UTC).Format("2 January 2006") }

// Compare orders dates: -1, 0 or +1.
func (d Date) Compare(e Date) int { return d.At(0, 0, time.UTC).Compare(e.At(0, 0, time.UTC)) }

// String prints 2006-01-02; the zero Date prints "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText writes 2006-01-02.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads 2006-01-02; the empty text leaves the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	e, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = e
	return nil
}

// Meeting is one entry of the calendar. Its YAML keys are pinned (docs/cycle.md).
type Meeting struct {
	ID           string      `yaml:"id" json:"id"`
	Kind         MeetingKind `yaml:"kind" json:"kind"`
	Number       int         `yaml:"number,omitempty" json:"number,omitempty"`
	Date         Date        `yaml:"date" json:"date"`
	Place        string      `yaml:"place,omitempty" json:"place,omitempty"`
	Jurisdiction string      `yaml:"jurisdiction,omitempty" json:"jurisdiction,omitempty"`
	Period       Period      `yaml:"period" json:"period"`
	Deadline     Date        `yaml:"deadline,omitempty" json:"deadline,omitempty"`
	Planned      bool        `yaml:"planned,omitempty" json:"planned,omitempty"`
}

// BuildKind is a draft or the final report.
type BuildKind string

// Build kinds.
const (
	Draft BuildKind = "draft"
	Final BuildKind = "final"
)

// BuildStep is one planned build of a meeting's report: DaysBefore the meeting
// day, at the wall-clock time At ("07:00") in the configured zone.
type BuildStep struct {
	Kind       BuildKind `yaml:"kind" json:"kind"`
	DaysBefore int       `yaml:"days_before" json:"days_before"`
	At         Clock     `yaml:"at" json:"at"`
}

// Build is one run of a report build, as recorded in the ledger.
type Build struct {
	ID         int64     `json:"id"`
	Meeting    string    `json:"meeting"` // meeting id, or the period for an ad-hoc build
	Kind       BuildKind `json:"kind"`
	Started    time.Time `json:"started"`
	AsOf       time.Time `json:"as_of"`
	InputsHash string    `json:"inputs_hash"` // over the input files' hashes and the catalogue's
	Outputs    []string  `json:"outputs,omitempty"`
	OK         bool      `json:"ok"`
	Error      string    `json:"error,omitempty"`
	Scheduled  bool      `json:"scheduled"` // run by the daemon's plan, not by hand
	// AsOfGiven marks a build run by hand with an explicit cut-off (--as-of):
	// it shows the data as it was then, so it never stands in for a planned
	// build, which must show the data as it is.
	AsOfGiven bool `json:"as_of_given,omitempty"`
}

// Name is the meeting in words, as a reader knows it: "Regional Roadmap
// Coordination Meeting 16", "Local Coordination Meeting 16", never its id.
func (m Meeting) Name() string {
	var name string
	switch m.Kind {
	case Regional:
		name = "Regional Roadmap Coordination Meeting"
	case Local:
		name = "Local Coordination Meeting"
	case HighLevel:
		name = "High-level meeting"
	default:
		name = string(m.Kind)
	}
	if m.Number > 0 {
		name += fmt.Sprintf(" %d", m.Number)
	}
	return name
}
