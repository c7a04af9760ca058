package roadmap

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period is a reporting period: a calendar year (Half == 0) or one of its halves
// (Half 1 is January–June, Half 2 is July–December). The zero Period is invalid.
type Period struct {
	Year int
	Half int
}

// PeriodForms names the accepted spellings, for messages.
const PeriodForms = `"2026-H1" (January–June), "2026-H2" (July–December) or "2026" (a calendar year)`

// ParsePeriod reads "2026-H1", "2026-H2" or "2026". Surrounding spaces and a
// lower-case "h" are accepted; anything else is an error that shows the accepted forms.
func ParsePeriod(s string) (Period, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	year, half, hasHalf := strings.Cut(t, "-H")
	bad := fmt.Errorf("period %q is not valid: write %s", s, PeriodForms)
	if len(year) != 4 {
		return Period{}, bad
	}
	y, err := strconv.Atoi(year)
	if err != nil || y < 1900 || y > 9999 {
		return Period{}, bad
	}
	if !hasHalf {
		return Period{Year: y}, nil
	}
	switch half {
	case "1":
		return Period{Year: y, Half: 1}, nil
	case "2":
		return Period{Year: y, Half: 2}, nil
	}
	return Period{}, bad
}

// MustPeriod is ParsePeriod for constants in code and tests; it panics on bad text.
func MustPeriod(s string) Period {
	p, err := ParsePeriod(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String prints the period as ParsePeriod reads it; the zero Period prints "".
func (p Period) String() string {
	switch {
	case p.IsZero():
		return ""
	case p.Half == 0:
		return fmt.Sprintf("%04d", p.Year)
	default:
		return fmt.Sprintf("%04d-H%d", p.Year, p.Half)
	}
}

// Label is the period in words, for reports: "January–June 2026", "2026".
func (p Period) Label() string {
	switch p.Half {
	case 1:
		return fmt.Sprintf("January–June %d", p.Year)
	case 2:
		return fmt.Sprintf("July–December %d", p.Year)
	}
	return p.String()
}

// IsZero reports whether p is the zero (unset) period.
func (p Period) IsZero() bool { return p.Year == 0 && p.Half == 0 }

// IsYear reports whether p is a whole calendar year.
func (p Period) IsYear() bool { return !p.IsZero() && p.Half == 0 }

// First is the first day of the period, at midnight UTC.
func (p Period) First() time.Time {
	m := time.January
	if p.Half == 2 {
		m = time.July
	}
	return time.Date(p.Year, m, 1, 0, 0, 0, 0, time.UTC)
}

// Last is the last day of the period, at midnight UTC.
func (p Period) Last() time.Time {
	m, d := time.December, 31
	if p.Half == 1 {
		m, d = time.June, 30
	}
	return time.Date(p.Year, m, d, 0, 0, 0, 0, time.UTC)
}

// Prev is the period of the same length just before p.
func (p Period) Prev() Period {
	switch p.Half {
	case 0:
		return Period{Year: p.Year - 1}
	case 1:
		return Period{Year: p.Year - 1, Half: 2}
	}
	return Period{Year: p.Year, Half: 1}
}

// Next is the period of the same length just after p.
func (p Period) Next() Period {
	switch p.Half {
	case 0:
		return Period{Year: p.Year + 1}
	case 1:
		return Period{Year: p.Year, Half: 2}
	}
	return Period{Year: p.Year + 1, Half: 1}
}

// Contains reports whether the calendar day of t (in t's location) falls in p.
func (p Period) Contains(t time.Time) bool {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return !d.Before(p.First()) && !d.After(p.Last())
}

// HalfOf is the half-year that the calendar day of t falls in.
func HalfOf(t time.Time) Period {
	if t.Month() <= time.June {
		return Period{Year: t.Year(), Half: 1}
	}
	return Period{Year: t.Year(), Half: 2}
}

// YearOf is the calendar year that t falls in.
func YearOf(t time.Time) Period { return Period{Year: t.Year()} }

// Compare orders periods by their last day, then the shorter first, so that a
// series 2018, 2019-H1, 2019-H2, 2019, 2020-H1 reads in time order. It returns
// -1, 0 or +1.
func (p Period) Compare(q Period) int {
	if c := p.Last().Compare(q.Last()); c != 0 {
		return c
	}
	return -p.First().Compare(q.First())
}

// Before reports whether p sorts before q.
func (p Period) Before(q Period) bool { return p.Compare(q) < 0 }

// MarshalText writes the period as ParsePeriod reads it.
func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads a period; the empty text leaves the zero Period.
func (p *Period) UnmarshalText(b []byte) error {
	if strings.TrimSpace(string(b)) == "" {
		*p = Period{}
		return nil
	}
	q, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}
