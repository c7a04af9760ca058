package schedule

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
)

func belgrade(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Belgrade")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at is a wall-clock instant in loc, "2026-12-01 07:00".
func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func regional(id, day string) roadmap.Meeting {
	return roadmap.Meeting{ID: id, Kind: roadmap.Regional, Date: date(day), Period: roadmap.MustPeriod("2026-H1")}
}

func built(id string, kind roadmap.BuildKind, when time.Time) roadmap.Build {
	return roadmap.Build{Meeting: id, Kind: kind, Started: when, AsOf: when, OK: true, Scheduled: true}
}

// show prints a plan one step per line, times in loc, for comparisons.
func show(plan []Planned, loc *time.Location) string {
	var b strings.Builder
	for _, p := range plan {
		fmt.Fprintf(&b, "%s %s %s", p.At.In(loc).Format("2006-01-02 15:04 MST"), p.Meeting.ID, p.Kind)
		if p.Done {
			b.WriteString(" done")
		}
		if p.Missed {
			b.WriteString(" missed")
		}
		if p.Rebuild {
			b.WriteString(" rebuild")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestPlanDefaultSteps(t *testing.T) {
	t.Parallel()
	loc := belgrade(t)
	ms, err := DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	now := at(loc, "2026-11-21 12:00")
	builds := []roadmap.Build{
		built("local-16-rs", roadmap.Draft, at(loc, "2026-11-09 07:00")),
		{Meeting: "local-16-rs", Kind: roadmap.Final, Started: at(loc, "2026-11-20 07:00"), OK: false, Error: "disk full"},
	}
	plan := Plan(ms, DefaultSteps(), builds, now, loc)
	if len(plan) != 2*len(ms) {
		t.Fatalf("%d planned builds for %d meetings, want two each", len(plan), len(ms))
	}
	var window []Planned
	for _, p := range plan {
		if !p.At.Before(at(loc, "2026-11-09 00:00")) && p.At.Before(at(loc, "2026-12-13 00:00")) {
			window = append(window, p)
		}
	}
	want := `2026-11-09 07:00 CET local-16-rs draft done
2026-11-13 07:00 CET local-16-mk final
2026-11-15 07:00 CET local-16-me final
2026-11-20 07:00 CET local-16-rs final missed
2026-12-01 07:00 CET rcm-16 draft
2026-12-12 07:00 CET rcm-16 final
`
	if got := show(window, loc); got != want {
		t.Errorf("plan around rcm-16:\n%s\nwant:\n%s", got, want)
	}
}

func TestPlanDaylightSaving(t *testing.T) {
	t.Parallel()
	loc := belgrade(t)
	steps := map[roadmap.MeetingKind][]roadmap.BuildStep{roadmap.Regional: {
		{Kind: roadmap.Draft, DaysBefore: 7, At: "02:30"},
		{Kind: roadmap.Final, DaysBefore: 7, At: "07:00"},
	}}
	tests := []struct {
		name    string
		meeting string // the builds fall seven days earlier, on the night the clocks change
		from    time.Time
		draft   string // the planned instants in UTC
		final   string
	}{
		// 2026-03-29: 02:00 CET becomes 03:00 CEST, so 02:30 does not exist that night.
		{"spring", "2026-04-05", time.Date(2026, 3, 28, 20, 0, 0, 0, time.UTC), "2026-03-29 01:30", "2026-03-29 05:00"},
		// 2026-10-25: 03:00 CEST becomes 02:00 CET, so 02:30 happens twice;
		// the plan takes one of them (time.Date's choice, the second).
		{"autumn", "2026-11-01", time.Date(2026, 10, 24, 20, 0, 0, 0, time.UTC), "2026-10-25 01:30", "2026-10-25 06:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := []roadmap.Meeting{regional("rcm-x", tt.meeting)}
			plan := Plan(ms, steps, nil, tt.from, loc)
			if len(plan) != 2 {
				t.Fatalf("plan = %v", plan)
			}
			if got := plan[0].At.UTC().Format("2006-01-02 15:04"); got != tt.draft {
				t.Errorf("02:30 step at %s UTC, want %s", got, tt.draft)
			}
			if got := plan[1].At.UTC().Format("2006-01-02 15:04"); got != tt.final {
				t.Errorf("07:00 step at %s UTC, want %s", got, tt.final)
			}
			if h, m, _ := plan[1].At.In(loc).Clock(); h != 7 || m != 0 {
				t.Errorf("07:00 step at %02d:%02d local", h, m)
			}

			// Tick every minute through the night as the daemon would, recording
			// each build: each step must run exactly once, at its planned minute.
			var ledger []roadmap.Build
			for now := tt.from; now.Before(tt.from.Add(16 * time.Hour)); now = now.Add(time.Minute) {
				for _, p := range Due(ms, steps, ledger, nil, now, loc) {
					if now.Sub(p.At) >= time.Minute {
						t.Errorf("%s ran at %s, more than a minute after %s", p.Kind, now, p.At)
					}
					ledger = append(ledger, built(p.Meeting.ID, p.Kind, now))
				}
			}
			if len(ledger) != 2 || ledger[0].Kind != roadmap.Draft || ledger[1].Kind != roadmap.Final {
				t.Errorf("builds over the night: %+v, want one draft then one final", ledger)
			}
		})
	}
}

func TestPlanMeetingMovedAfterDraft(t *testing.T) {
	t.Parallel()
	loc := belgrade(t)
	draftBuilt := at(loc, "2026-12-01 07:00") // for rcm-16 on 2026-12-15
	ledger := []roadmap.Build{built("rcm-16", roadmap.Draft, draftBuilt)}
	tests := []struct {
		name    string
		newDate string
		now     string
		want    string // the draft's line of the plan
		due     bool
	}{
		{"kept", "2026-12-15", "2026-12-02 12:00", "2026-12-01 07:00 CET rcm-16 draft done", false},
		{"moved a week later: the early draft no longer counts", "2026-12-22", "2026-12-02 12:00", "2026-12-08 07:00 CET rcm-16 draft", false},
		{"moved later, new draft time reached", "2026-12-22", "2026-12-08 07:00", "2026-12-08 07:00 CET rcm-16 draft missed", true},
		{"moved earlier: the draft already made counts", "2026-12-10", "2026-12-02 12:00", "2026-11-26 07:00 CET rcm-16 draft done", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := []roadmap.Meeting{regional("rcm-16", tt.newDate)}
			now := at(loc, tt.now)
			plan := Plan(ms, DefaultSteps(), ledger, now, loc)
			if got := strings.SplitN(show(plan, loc), "\n", 2)[0]; got != tt.want {
				t.Errorf("draft = %q, want %q", got, tt.want)
			}
			due := Due(ms, DefaultSteps(), ledger, nil, now, loc)
			if (len(due) == 1 && due[0].Kind == roadmap.Draft) != tt.due || len(due) > 1 {
				t.Errorf("due = %v, want draft due: %v", show(due, loc), tt.due)
			}
		})
	}
}

func TestPlanMeetingRemoved(t *testing.T) {
	t.Parallel()
	loc := belgrade(t)
	now := at(loc, "2026-12-13 08:00")
	ledger := []roadmap.Build{built("rcm-16", roadmap.Draft, at(loc, "2026-12-01 07:00"))}
	kept := []roadmap.Meeting{regional("rcm-17", "2027-07-06")}
	plan := Plan(kept, DefaultSteps(), ledger, now, loc)
	for _, p := range plan {
		if p.Meeting.ID == "rcm-16" {
			t.Errorf("removed meeting still planned: %+v", p)
		}
	}
	if len(plan) != 2 {
		t.Errorf("plan = %s, want rcm-17's two builds", show(plan, loc))
	}
	if due := Due(kept, DefaultSteps(), ledger, nil, now, loc); len(due) != 0 {
		t.Errorf("due = %s, want nothing", show(due, loc))
	}
	if plan := Plan(nil, DefaultSteps(), ledger, now, loc); len(plan) != 0 {
		t.Errorf("an empty calendar plans %s", show(plan, loc))
	}
}

func TestDueCatchUpAfterDowntime(t *testing.T) {
	t.Parallel()
	loc := belgrade(t)
	ms := []roadmap.Meeting{
		regional("past", "2026-11-20"),   // held while the daemon was down
		regional("today", "2026-11-26"),  // meets today: draft and final passed unbuilt, still worth having
		regional("soon", "2026-12-01"),   // draft passed, final ahead
		regional("later", "2026-12-05"),  // draft passed, final ahead
		regional("far", "2027-01-30"),    // nothing due yet
		regional("built", "2026-12-02"),  // draft made before the downtime
		regional("failed", "2026-12-04"), // draft tried and failed
		{ID: "local", Kind: roadmap.Local, Jurisdiction: "AL", Date: date("2026-12-03"), Period: roadmap.MustPeriod("2026-H1")},
	}
	ledger := []roadmap.Build{
		built("built", roadmap.Draft, at(loc, "2026-11-18 07:00")),
		{Meeting: "failed", Kind: roadmap.Draft, Started: at(loc, "2026-11-20 07:00"), OK: false},
		built("2026-H1", roadmap.Draft, at(loc, "2026-11-21 07:00")), // an ad-hoc build by period counts for no meeting
	}
	now := at(loc, "2026-11-26 12:00")
	want := `2026-11-12 07:00 CET today draft missed
2026-11-17 07:00 CET soon draft missed
2026-11-19 07:00 CET local draft missed
2026-11-20 07:00 CET failed draft missed
2026-11-21 07:00 CET later draft missed
2026-11-23 07:00 CET today final missed
`
	due := Due(ms, DefaultSteps(), ledger, nil, now, loc)
	if got := show(due, loc); got != want {
		t.Errorf("due after downtime:\n%s\nwant:\n%s", got, want)
	}
	// Run them; the next tick finds nothing: each missed build runs once.
	for _, p := range due {
		ledger = append(ledger, built(p.Meeting.ID, p.Kind, now))
	}
	next := now.Add(time.Minute)
	if again := Due(ms, DefaultSteps(), ledger, nil, next, loc); len(again) != 0 {
		t.Errorf("due again:\n%s", show(again, loc))
	}
	for _, p := range Plan(ms, DefaultSteps(), ledger, next, loc) {
		if p.Missed {
			t.Errorf("still missed after catching up: %+v", p)
		}
		if p.Meeting.ID == "past" && p.Done {
			t.Errorf("a past meeting's build was made: %+v", p)
		}
	}
}

func TestDueNewData(t *testing.T) {
	t.Parallel()
	loc := belgrade(t)
	ms := []roadmap.Meeting{regional("rcm-16", "2026-12-15")}
	draftAt := at(loc, "2026-12-01 07:00")
	finalAt := at(loc, "2026-12-12 07:00")
	tests := []struct {
		name      string
		ledger    []roadmap.Build
		lastInput string
		now       string
		want      string
	}{
		{"no new data", []roadmap.Build{built("rcm-16", roadmap.Draft, draftAt)}, "2026-11-30 10:00", "2026-12-03 08:00", ""},
		{"new data the same day: draft waits for tomorrow", []roadmap.Build{built("rcm-16", roadmap.Draft, draftAt)}, "2026-12-01 09:00", "2026-12-01 23:59", ""},
		{"new data, next day: draft rebuilt", []roadmap.Build{built("rcm-16", roadmap.Draft, draftAt)}, "2026-12-01 09:00", "2026-12-02 00:00", "2026-12-01 07:00 CET rcm-16 draft done rebuild\n"},
		{"rebuilt today already", []roadmap.Build{built("rcm-16", roadmap.Draft, draftAt), built("rcm-16", roadmap.Draft, at(loc, "2026-12-02 00:00"))}, "2026-12-02 09:00", "2026-12-02 18:00", ""},
		{"built by hand as of an old cut-off: rebuilt", []roadmap.Build{{Meeting: "rcm-16", Kind: roadmap.Draft, Started: at(loc, "2026-12-03 10:00"), AsOf: at(loc, "2026-11-01 00:00"), OK: true}}, "2026-11-20 09:00", "2026-12-04 08:00", "2026-12-01 07:00 CET rcm-16 draft done rebuild\n"},
		{"once the final is due, the draft is not rebuilt", []roadmap.Build{built("rcm-16", roadmap.Draft, draftAt)}, "2026-12-10 09:00", "2026-12-12 07:00", "2026-12-12 07:00 CET rcm-16 final missed\n"},
		{"final rebuilt on new data at once", []roadmap.Build{built("rcm-16", roadmap.Draft, draftAt), built("rcm-16", roadmap.Final, finalAt)}, "2026-12-12 09:00", "2026-12-12 09:01", "2026-12-12 07:00 CET rcm-16 final done rebuild\n"},
		{"meeting over: nothing", []roadmap.Build{built("rcm-16", roadmap.Draft, draftAt), built("rcm-16", roadmap.Final, finalAt)}, "2026-12-15 23:00", "2026-12-16 00:00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := at(loc, tt.lastInput)
			lastInput := func(m roadmap.Meeting) time.Time {
				if m.ID != "rcm-16" {
					t.Errorf("lastInput asked for %s", m.ID)
				}
				return input
			}
			got := show(Due(ms, DefaultSteps(), tt.ledger, lastInput, at(loc, tt.now), loc), loc)
			if got != tt.want {
				t.Errorf("due:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// BenchmarkDue: the daemon asks every minute over the whole default calendar
// and a ledger of a few hundred builds.
func BenchmarkDue(b *testing.B) {
	loc := belgrade(b)
	ms, err := DefaultCalendar()
	if err != nil {
		b.Fatal(err)
	}
	var ledger []roadmap.Build
	for _, p := range Plan(ms, DefaultSteps(), nil, at(loc, "2026-11-26 12:00"), loc) {
		ledger = append(ledger, built(p.Meeting.ID, p.Kind, p.At))
	}
	now := at(loc, "2026-11-26 12:00")
	last := func(roadmap.Meeting) time.Time { return now }
	b.ReportAllocs()
	for b.Loop() {
		Due(ms, DefaultSteps(), ledger, last, now, loc)
	}
}

// Item 6 of issue 9: a build run by hand with an explicit cut-off (an empty
// --as-of 1970 draft, a far-future final) never stands in for a planned
// build; one run by hand as of now does.
func TestManualAsOfNeverStandsIn(t *testing.T) {
	t.Parallel()
	loc := belgrade(t)
	ms := []roadmap.Meeting{regional("rcm-16", "2026-12-15")}
	now := at(loc, "2026-12-13 09:00")
	pinned := []roadmap.Build{
		{Meeting: "rcm-16", Kind: roadmap.Draft, Started: at(loc, "2026-12-02 10:00"), AsOf: time.Unix(0, 0), OK: true, AsOfGiven: true},
		{Meeting: "rcm-16", Kind: roadmap.Final, Started: at(loc, "2026-12-12 10:00"), AsOf: at(loc, "9999-12-31 00:00"), OK: true, AsOfGiven: true},
	}
	want := "2026-12-01 07:00 CET rcm-16 draft missed\n2026-12-12 07:00 CET rcm-16 final missed\n"
	if got := show(Due(ms, DefaultSteps(), pinned, nil, now, loc), loc); got != want {
		t.Errorf("due beside builds with an explicit cut-off:\n%s\nwant:\n%s", got, want)
	}
	byHand := []roadmap.Build{{Meeting: "rcm-16", Kind: roadmap.Final, Started: at(loc, "2026-12-12 10:00"), AsOf: at(loc, "2026-12-12 10:00"), OK: true}}
	for _, p := range Plan(ms, DefaultSteps(), byHand, now, loc) {
		if p.Kind == roadmap.Final && !p.Done {
			t.Errorf("a final built by hand as of now does not count: %+v", p)
		}
	}
}

func TestByMeeting(t *testing.T) {
	t.Parallel()
	loc := belgrade(t)
	cal := roadmap.NewCalendar([]roadmap.Meeting{regional("rcm-b", "2026-12-15"), regional("rcm-a", "2026-07-07"), regional("rcm-c", "2026-12-15")}, loc)
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, loc)
	plan := Plan(cal.Meetings, DefaultSteps(), nil, now, loc)
	ahead, past := ByMeeting(cal, plan, now, false)
	if past != 1 || len(ahead) != 2 || ahead[0].Meeting.ID != "rcm-b" || ahead[1].Meeting.ID != "rcm-c" {
		t.Fatalf("ahead %+v, past %d; want rcm-b then rcm-c (the calendar's order within a day), one past", ahead, past)
	}
	if len(ahead[0].Steps) != 2 || ahead[0].Steps[0].Kind != roadmap.Draft || ahead[0].Steps[0].Meeting.ID != "rcm-b" {
		t.Errorf("rcm-b steps %+v, want its draft and final", ahead[0].Steps)
	}
	all, past := ByMeeting(cal, plan, now, true)
	if past != 0 || len(all) != 3 || all[0].Meeting.ID != "rcm-a" {
		t.Errorf("all: %d meetings, first %s, past %d", len(all), all[0].Meeting.ID, past)
	}
}
