package roadmap

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The settings below parse themselves: the configuration's reader hands
// each its text, and a value that is not one of its kind is reported at its
// key and line in the words of its UnmarshalText (docs/configuration.md).
// An empty text leaves the zero value, which Config.Validate reports as
// missing where the setting is required.

// UnmarshalText reads regional, local or high-level.
func (k *MeetingKind) UnmarshalText(b []byte) error {
	v := MeetingKind(b)
	if v != "" && !v.Known() {
		return fmt.Errorf("%q is not a meeting kind; write regional, local or high-level", v)
	}
	*k = v
	return nil
}

// UnmarshalText reads draft or final.
func (k *BuildKind) UnmarshalText(b []byte) error {
	v := BuildKind(b)
	if v != "" && v != Draft && v != Final {
		return fmt.Errorf("must be draft or final, not %q", v)
	}
	*k = v
	return nil
}

// FootnoteForm is the form of the footnotes a report prints (the Kosovo*
// footnote): the UN's or the EU's wording.
type FootnoteForm string

// Footnote forms.
const (
	FootnoteUN FootnoteForm = "un"
	FootnoteEU FootnoteForm = "eu"
)

// Check fails unless the form is un or eu.
func (f FootnoteForm) Check() error {
	if f != FootnoteUN && f != FootnoteEU {
		return fmt.Errorf("must be un or eu, not %q", string(f))
	}
	return nil
}

// UnmarshalText reads un or eu.
func (f *FootnoteForm) UnmarshalText(b []byte) error {
	if err := FootnoteForm(b).Check(); err != nil {
		return err
	}
	*f = FootnoteForm(b)
	return nil
}

// LogFormat is how the daemon writes its log lines.
type LogFormat string

// Log formats.
const (
	LogText LogFormat = "text"
	LogJSON LogFormat = "json"
)

// LogFormats lists the log formats.
var LogFormats = []LogFormat{LogText, LogJSON}

// Check fails unless the format is text or json.
func (f LogFormat) Check() error {
	if !slices.Contains(LogFormats, f) {
		return fmt.Errorf("must be text or json, not %q", string(f))
	}
	return nil
}

// UnmarshalText reads text or json.
func (f *LogFormat) UnmarshalText(b []byte) error {
	if err := LogFormat(b).Check(); err != nil {
		return err
	}
	*f = LogFormat(b)
	return nil
}

// Clock is a wall-clock time of day on the 24-hour clock, "07:00".
type Clock string

// Parse is the clock's hour and minute.
func (c Clock) Parse() (hour, minute int, err error) {
	h, m, ok := strings.Cut(string(c), ":")
	bad := fmt.Errorf("%q is not a time of day; write it as 07:00", string(c))
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, 0, bad
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 || strings.ContainsAny(string(c), "+-") {
		return 0, 0, bad
	}
	return hour, minute, nil
}

// UnmarshalText reads "HH:MM".
func (c *Clock) UnmarshalText(b []byte) error {
	if _, _, err := Clock(b).Parse(); err != nil {
		return err
	}
	*c = Clock(b)
	return nil
}
