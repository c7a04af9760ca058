package roadmap_test

import (
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
)

func TestConfigChanges(t *testing.T) {
	t.Parallel()
	m := func(id string, day int) roadmap.Meeting {
		return roadmap.Meeting{ID: id, Kind: roadmap.Regional, Date: roadmap.Date{Year: 2026, Month: 12, Day: day}, Period: roadmap.MustPeriod("2026-H1")}
	}
	old := roadmap.DefaultConfig()
	old.Meetings = []roadmap.Meeting{m("a", 1), m("b", 2), m("c", 3)}
	if got := old.Changes(old); len(got) != 0 {
		t.Errorf("no change reported as %v", got)
	}
	next := roadmap.DefaultConfig()
	next.Intake.Stable = 2 * time.Second
	next.Footnote = "eu"
	next.Plans[roadmap.Local] = nil
	next.Cron = []roadmap.CronEntry{{Name: "digest", Spec: "0 8 * * 1", Job: "status-digest"}}
	next.Listen = "127.0.0.1:9000"
	next.Meetings = []roadmap.Meeting{m("a", 1), m("c", 4), m("d", 5)}
	got := strings.Join(old.Changes(next), "; ")
	want := "footnote: un -> eu; intake.stable: 5s -> 2s; plans changed; cron: 0 entries -> 1; listen: none -> 127.0.0.1:9000; meetings: added d; removed b; changed c"
	if got != want {
		t.Errorf("changes:\n got %s\nwant %s", got, want)
	}
}
