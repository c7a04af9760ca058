package samples

import (
	"bytes"
	"os"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/seesac/roadmap"
)

// TestCalendarFile reads calendar.yaml with exactly the pinned keys and checks
// the meetings the brief names.
func TestCalendarFile(t *testing.T) {
	t.Parallel()
	cat, d := build(t)
	data, err := os.ReadFile(CalendarFile)
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Timezone string            `yaml:"timezone"`
		Meetings []roadmap.Meeting `yaml:"meetings"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil {
		t.Fatal(err)
	}
	if file.Timezone != "Europe/Belgrade" {
		t.Errorf("timezone %q", file.Timezone)
	}
	if !reflect.DeepEqual(file.Meetings, d.Calendar) {
		t.Errorf("calendar.yaml does not say what the model says:\n%+v\n%+v", file.Meetings, d.Calendar)
	}
	ids := map[string]bool{}
	var rcm16 *roadmap.Meeting
	for i, m := range file.Meetings {
		if ids[m.ID] {
			t.Errorf("duplicate id %s", m.ID)
		}
		ids[m.ID] = true
		if m.Deadline.IsZero() || m.Deadline.Compare(m.Date) >= 0 {
			t.Errorf("%s: deadline %s is not before the meeting on %s", m.ID, m.Deadline, m.Date)
		}
		if m.Period.Last().After(m.Deadline.At(0, 0, m.Period.Last().Location())) && m.Kind != roadmap.HighLevel {
			t.Errorf("%s: submissions due %s, before %s ends", m.ID, m.Deadline, m.Period)
		}
		if (m.Kind == roadmap.Local) != (m.Jurisdiction != "") {
			t.Errorf("%s: kind %s with jurisdiction %q", m.ID, m.Kind, m.Jurisdiction)
		}
		if i > 0 && m.Date.Compare(file.Meetings[i-1].Date) < 0 {
			t.Errorf("%s is listed after a later meeting", m.ID)
		}
		if m.ID == "rcm-16" {
			rcm16 = &file.Meetings[i]
		}
	}
	if rcm16 == nil {
		t.Fatal("no rcm-16")
	}
	want := roadmap.Meeting{ID: "rcm-16", Kind: roadmap.Regional, Number: 16, Date: roadmap.Date{Year: 2026, Month: 12, Day: 15},
		Place: "Tirana", Period: roadmap.MustPeriod("2026-H1"), Deadline: roadmap.Date{Year: 2026, Month: 11, Day: 13}, Planned: true}
	if *rcm16 != want {
		t.Errorf("rcm-16 = %+v, want %+v", *rcm16, want)
	}
	for _, j := range cat.Jurisdictions {
		found := false
		for _, m := range file.Meetings {
			if m.Kind == roadmap.Local && m.Jurisdiction == j.Code && m.Period == rcm16.Period &&
				m.Date.Compare(rcm16.Date) < 0 && m.Date.Compare(rcm16.Date.AddDays(-45)) >= 0 {
				found = true
			}
		}
		if !found {
			t.Errorf("no local meeting for %s in the weeks before rcm-16", j.Code)
		}
	}
}
