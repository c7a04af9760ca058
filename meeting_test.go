package roadmap_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/seesac/roadmap"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	d, err := roadmap.ParseDate("2026-12-15")
	if err != nil || d != (roadmap.Date{Year: 2026, Month: time.December, Day: 15}) || d.String() != "2026-12-15" {
		t.Fatalf("ParseDate = %+v, %v", d, err)
	}
	for _, bad := range []string{"", "2026-1-5", "15.12.2026", "2026-02-30", "2026-12-15T07:00", "tomorrow"} {
		_, err := roadmap.ParseDate(bad)
		want := `date "` + bad + `" is not valid: write it as 2026-12-15`
		if err == nil || err.Error() != want {
			t.Errorf("ParseDate(%q) = %v, want %q", bad, err, want)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	t.Parallel()
	d := roadmap.Date{Year: 2026, Month: time.December, Day: 29}
	if got := d.AddDays(3).String(); got != "2027-01-01" {
		t.Errorf("AddDays(3) = %s", got)
	}
	if got := d.AddDays(-14).String(); got != "2026-12-15" {
		t.Errorf("AddDays(-14) = %s", got)
	}
	if got := (roadmap.Date{Year: 2028, Month: time.March, Day: 1}).AddDays(-1).String(); got != "2028-02-29" {
		t.Errorf("leap day: %s", got)
	}
	// Days, not 24-hour steps: across the end of summer time in Belgrade.
	if got := (roadmap.Date{Year: 2026, Month: time.October, Day: 24}).AddDays(2).String(); got != "2026-10-26" {
		t.Errorf("across DST: %s", got)
	}
	a, b := roadmap.Date{Year: 2026, Month: time.November, Day: 13}, roadmap.Date{Year: 2026, Month: time.December, Day: 15}
	if a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("Compare")
	}
}

func TestDateAt(t *testing.T) {
	t.Parallel()
	bg, err := time.LoadLocation("Europe/Belgrade")
	if err != nil {
		t.Fatal(err)
	}
	d := roadmap.Date{Year: 2026, Month: time.December, Day: 1}
	at := d.At(7, 0, bg)
	if want := time.Date(2026, time.December, 1, 6, 0, 0, 0, time.UTC); !at.Equal(want) {
		t.Errorf("At(07:00 Belgrade) = %v, want %v", at.UTC(), want)
	}
	summer := roadmap.Date{Year: 2026, Month: time.July, Day: 1}.At(7, 0, bg)
	if summer.UTC().Hour() != 5 {
		t.Errorf("summer 07:00 Belgrade = %v UTC", summer.UTC())
	}
	if roadmap.DateOf(at) != d {
		t.Errorf("DateOf(At) = %v", roadmap.DateOf(at))
	}
	// DateOf reads the day in t's own zone.
	late := time.Date(2026, time.December, 1, 23, 30, 0, 0, time.UTC)
	if got := roadmap.DateOf(late.In(bg)).String(); got != "2026-12-02" {
		t.Errorf("DateOf in Belgrade = %s", got)
	}
}

func TestDateText(t *testing.T) {
	t.Parallel()
	var zero roadmap.Date
	if !zero.IsZero() || zero.String() != "" {
		t.Error("zero date")
	}
	m := roadmap.Meeting{ID: "rcm-16", Kind: roadmap.Regional, Date: roadmap.Date{Year: 2026, Month: time.December, Day: 15}, Period: roadmap.MustPeriod("2026-H1")}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"rcm-16","kind":"regional","date":"2026-12-15","period":"2026-H1","deadline":""}`
	if string(b) != want {
		t.Errorf("json = %s\nwant %s", b, want)
	}
	var back roadmap.Meeting
	if err := json.Unmarshal(b, &back); err != nil || back != m {
		t.Errorf("back = %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"date":"2026-12-32"}`), &back); err == nil {
		t.Error("bad date accepted")
	}
}

func TestMeetingAndDateInWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		m    roadmap.Meeting
		want string
	}{
		{roadmap.Meeting{ID: "rcm-16", Kind: roadmap.Regional, Number: 16}, "Regional Roadmap Coordination Meeting 16"},
		{roadmap.Meeting{ID: "local-16-al", Kind: roadmap.Local, Number: 16, Jurisdiction: "AL"}, "Local Coordination Meeting 16"},
		{roadmap.Meeting{ID: "paris", Kind: roadmap.HighLevel}, "High-level meeting"},
	} {
		if got := tc.m.Name(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.m.ID, got, tc.want)
		}
	}
	if got := (roadmap.Date{2026, time.October, 9}).Long(); got != "9 October 2026" {
		t.Errorf("Long: %q", got)
	}
}
