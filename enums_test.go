package roadmap_test

import (
	"testing"

	"github.com/seesac/roadmap"
)

func TestClockParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		h, m   int
		failed bool
	}{
		{"07:00", 7, 0, false}, {"00:00", 0, 0, false}, {"23:59", 23, 59, false}, {"02:30", 2, 30, false},
		{"24:00", 0, 0, true}, {"7:00", 0, 0, true}, {"07:60", 0, 0, true}, {"0700", 0, 0, true}, {"", 0, 0, true}, {"-1:00", 0, 0, true}, {"+7:00", 0, 0, true},
	}
	for _, tt := range tests {
		h, m, err := roadmap.Clock(tt.in).Parse()
		if (err != nil) != tt.failed || h != tt.h || m != tt.m {
			t.Errorf("Clock(%q).Parse() = %d, %d, %v", tt.in, h, m, err)
		}
	}
}

func TestEnumsParseThemselves(t *testing.T) {
	t.Parallel()
	var k roadmap.MeetingKind
	if err := k.UnmarshalText([]byte("regionl")); err == nil || err.Error() != `"regionl" is not a meeting kind; write regional, local or high-level` {
		t.Errorf("meeting kind: %v", err)
	}
	if err := k.UnmarshalText([]byte("high-level")); err != nil || k != roadmap.HighLevel {
		t.Errorf("high-level: %v %q", err, k)
	}
	var b roadmap.BuildKind
	if err := b.UnmarshalText([]byte("drafts")); err == nil {
		t.Error("build kind drafts accepted")
	}
	var f roadmap.FootnoteForm
	if err := f.UnmarshalText([]byte("UN")); err == nil {
		t.Error("footnote UN accepted: the forms are lower-case")
	}
	var l roadmap.LogFormat
	if err := l.UnmarshalText([]byte("json")); err != nil || l != roadmap.LogJSON {
		t.Errorf("log json: %v", err)
	}
	var c roadmap.Clock
	if err := c.UnmarshalText([]byte("7am")); err == nil || err.Error() != `"7am" is not a time of day; write it as 07:00` {
		t.Errorf("clock: %v", err)
	}
}
