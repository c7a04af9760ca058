package roadmap_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/seesac/roadmap"
)

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want roadmap.Period
		out  string
	}{
		{"2026-H1", roadmap.Period{Year: 2026, Half: 1}, "2026-H1"},
		{"2026-H2", roadmap.Period{Year: 2026, Half: 2}, "2026-H2"},
		{"2026", roadmap.Period{Year: 2026}, "2026"},
		{"2018", roadmap.Period{Year: 2018}, "2018"},
		{" 2019-h2 ", roadmap.Period{Year: 2019, Half: 2}, "2019-H2"},
		{"1900", roadmap.Period{Year: 1900}, "1900"},
		{"9999-H2", roadmap.Period{Year: 9999, Half: 2}, "9999-H2"},
	}
	for _, tt := range tests {
		got, err := roadmap.ParsePeriod(tt.in)
		if err != nil {
			t.Errorf("ParsePeriod(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want || got.String() != tt.out {
			t.Errorf("ParsePeriod(%q) = %+v (%q), want %+v (%q)", tt.in, got, got, tt.want, tt.out)
		}
	}
}

func TestParsePeriodBad(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "2026-H3", "2026-H0", "2026-H", "2026H1", "2026-S1", "26-H1", "02026", "1899", "+202", "2026-H01", "2026-1", "H1-2026", "2026 H1", "２０２６", "2026-H1x"} {
		_, err := roadmap.ParsePeriod(in)
		if err == nil {
			t.Errorf("ParsePeriod(%q) accepted", in)
			continue
		}
		want := `period "` + in + `" is not valid: write "2026-H1" (January–June), "2026-H2" (July–December) or "2026" (a calendar year)`
		if err.Error() != want {
			t.Errorf("ParsePeriod(%q) error\n%s\nwant\n%s", in, err, want)
		}
	}
}

func TestMustPeriodPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("MustPeriod of bad text did not panic")
		}
	}()
	roadmap.MustPeriod("2026-H9")
}

func TestPeriodZero(t *testing.T) {
	t.Parallel()
	var p roadmap.Period
	if !p.IsZero() || p.IsYear() || p.String() != "" {
		t.Errorf("zero period: IsZero %v IsYear %v String %q", p.IsZero(), p.IsYear(), p)
	}
	if !roadmap.MustPeriod("2026").IsYear() || roadmap.MustPeriod("2026-H1").IsYear() {
		t.Error("IsYear")
	}
}

func TestPeriodLabel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"2026-H1": "January–June 2026", "2026-H2": "July–December 2026", "2018": "2018"} {
		if got := roadmap.MustPeriod(in).Label(); got != want {
			t.Errorf("%s.Label() = %q, want %q", in, got, want)
		}
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestPeriodFirstLast(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p           string
		first, last time.Time
	}{
		{"2026-H1", day(2026, time.January, 1), day(2026, time.June, 30)},
		{"2026-H2", day(2026, time.July, 1), day(2026, time.December, 31)},
		{"2026", day(2026, time.January, 1), day(2026, time.December, 31)},
		{"2024-H1", day(2024, time.January, 1), day(2024, time.June, 30)},
	}
	for _, tt := range tests {
		p := roadmap.MustPeriod(tt.p)
		if !p.First().Equal(tt.first) || !p.Last().Equal(tt.last) {
			t.Errorf("%s: First %v Last %v, want %v %v", tt.p, p.First(), p.Last(), tt.first, tt.last)
		}
		if !p.Contains(tt.first) || !p.Contains(tt.last.Add(23*time.Hour)) || p.Contains(tt.first.Add(-time.Second)) || p.Contains(tt.last.AddDate(0, 0, 1)) {
			t.Errorf("%s: Contains at the edges is wrong", tt.p)
		}
	}
	// Contains reads the calendar day in t's own zone: 30 June 23:30 in
	// Belgrade is 21:30 UTC the same day, but 1 July 00:30 in Belgrade is
	// still 30 June in UTC.
	bg, err := time.LoadLocation("Europe/Belgrade")
	if err != nil {
		t.Fatal(err)
	}
	h1 := roadmap.MustPeriod("2026-H1")
	if h1.Contains(time.Date(2026, time.July, 1, 0, 30, 0, 0, bg)) {
		t.Error("1 July 00:30 Belgrade time counted in H1")
	}
}

func TestPeriodPrevNext(t *testing.T) {
	t.Parallel()
	tests := []struct{ p, prev, next string }{
		{"2026-H1", "2025-H2", "2026-H2"},
		{"2026-H2", "2026-H1", "2027-H1"},
		{"2026", "2025", "2027"},
		{"2019-H1", "2018-H2", "2019-H2"},
	}
	for _, tt := range tests {
		p := roadmap.MustPeriod(tt.p)
		if got := p.Prev().String(); got != tt.prev {
			t.Errorf("%s.Prev() = %s, want %s", tt.p, got, tt.prev)
		}
		if got := p.Next().String(); got != tt.next {
			t.Errorf("%s.Next() = %s, want %s", tt.p, got, tt.next)
		}
		if p.Next().Prev() != p || p.Prev().Next() != p {
			t.Errorf("%s: Prev and Next do not undo each other", tt.p)
		}
	}
}

func TestHalfOfYearOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		t          time.Time
		half, year string
	}{
		{day(2026, time.January, 1), "2026-H1", "2026"},
		{time.Date(2026, time.June, 30, 23, 59, 59, 0, time.UTC), "2026-H1", "2026"},
		{day(2026, time.July, 1), "2026-H2", "2026"},
		{time.Date(2026, time.December, 31, 23, 59, 0, 0, time.UTC), "2026-H2", "2026"},
	}
	for _, tt := range tests {
		if got := roadmap.HalfOf(tt.t).String(); got != tt.half {
			t.Errorf("HalfOf(%v) = %s, want %s", tt.t, got, tt.half)
		}
		if got := roadmap.YearOf(tt.t).String(); got != tt.year {
			t.Errorf("YearOf(%v) = %s, want %s", tt.t, got, tt.year)
		}
	}
}

func TestCadence(t *testing.T) {
	t.Parallel()
	d := day(2026, time.August, 15)
	if got := roadmap.HalfYearly.PeriodOf(d).String(); got != "2026-H2" {
		t.Errorf("half-yearly PeriodOf = %s", got)
	}
	if got := roadmap.Yearly.PeriodOf(d).String(); got != "2026" {
		t.Errorf("yearly PeriodOf = %s", got)
	}
	fits := []struct {
		c    roadmap.Cadence
		p    string
		want bool
	}{
		{roadmap.HalfYearly, "2026-H1", true},
		{roadmap.HalfYearly, "2018", true}, // the baseline is a year whatever the cadence
		{roadmap.Yearly, "2026", true},
		{roadmap.Yearly, "2026-H2", false},
	}
	for _, f := range fits {
		if got := f.c.Fits(roadmap.MustPeriod(f.p)); got != f.want {
			t.Errorf("%s.Fits(%s) = %v", f.c, f.p, got)
		}
	}
	if roadmap.HalfYearly.Fits(roadmap.Period{}) {
		t.Error("the zero period fits no cadence")
	}
}

func TestPeriodCompare(t *testing.T) {
	t.Parallel()
	// The order of a series in time: a half-year before the year it closes.
	want := []string{"2018", "2019-H1", "2019-H2", "2019", "2020-H1", "2020-H2", "2020", "2021"}
	ps := make([]roadmap.Period, len(want))
	for i, s := range want {
		ps[len(want)-1-i] = roadmap.MustPeriod(s)
	}
	slices.SortFunc(ps, roadmap.Period.Compare)
	var got []string
	for _, p := range ps {
		got = append(got, p.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("sorted = %v, want %v", got, want)
	}
	a, b := roadmap.MustPeriod("2019-H2"), roadmap.MustPeriod("2019")
	if a.Compare(a) != 0 || a.Compare(b) != -1 || b.Compare(a) != 1 || !a.Before(b) || b.Before(a) || a.Before(a) {
		t.Error("Compare/Before of 2019-H2 and 2019")
	}
}

func TestPeriodText(t *testing.T) {
	t.Parallel()
	type doc struct {
		P roadmap.Period `json:"p" yaml:"p"`
	}
	for _, s := range []string{"2026-H1", "2026-H2", "2026"} {
		b, err := json.Marshal(doc{roadmap.MustPeriod(s)})
		if err != nil || string(b) != `{"p":"`+s+`"}` {
			t.Errorf("json %s: %s %v", s, b, err)
		}
		var back doc
		if err := json.Unmarshal(b, &back); err != nil || back.P.String() != s {
			t.Errorf("json back %s: %+v %v", s, back, err)
		}
		y, err := yaml.Marshal(doc{roadmap.MustPeriod(s)})
		if err != nil {
			t.Fatal(err)
		}
		var yback doc
		if err := yaml.Unmarshal(y, &yback); err != nil || yback.P.String() != s {
			t.Errorf("yaml round trip %s: %q %+v %v", s, y, yback, err)
		}
	}
	var empty doc
	if err := json.Unmarshal([]byte(`{"p":" "}`), &empty); err != nil || !empty.P.IsZero() {
		t.Errorf("blank text: %+v %v", empty, err)
	}
	err := json.Unmarshal([]byte(`{"p":"2026-H3"}`), &empty)
	if err == nil || !strings.Contains(err.Error(), roadmap.PeriodForms) {
		t.Errorf("bad text: %v", err)
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026-H1", "2026-H2", "2026", " 2019-h1", "2026-H3", "", "-H1", "9999-H2", "0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := roadmap.ParsePeriod(s)
		if err != nil {
			if !strings.Contains(err.Error(), roadmap.PeriodForms) {
				t.Fatalf("error without the accepted forms: %v", err)
			}
			return
		}
		if p.IsZero() || p.Half < 0 || p.Half > 2 {
			t.Fatalf("ParsePeriod(%q) = %+v", s, p)
		}
		back, err := roadmap.ParsePeriod(p.String())
		if err != nil || back != p {
			t.Fatalf("round trip of %q: %q -> %+v, %v", s, p, back, err)
		}
		if !p.Contains(p.First()) || !p.Contains(p.Last()) || p.Last().Before(p.First()) {
			t.Fatalf("%s: First %v Last %v", p, p.First(), p.Last())
		}
		if p.Prev().Compare(p) != -1 || p.Next().Compare(p) != 1 {
			t.Fatalf("%s: Prev/Next out of order", p)
		}
	})
}
