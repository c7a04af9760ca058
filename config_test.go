package roadmap_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
)

func parseString(t *testing.T, s string) roadmap.Config {
	t.Helper()
	cfg, err := roadmap.ParseConfig(strings.NewReader(s))
	if err != nil {
		t.Fatalf("ParseConfig(%q): %v", s, err)
	}
	return cfg
}

func TestDefaultConfigIsValid(t *testing.T) {
	t.Parallel()
	cfg := roadmap.DefaultConfig()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.Timezone != "Europe/Belgrade" || cfg.Footnote != "un" || cfg.Log.Format != "text" || cfg.Listen != "" || cfg.Catalogue != "" {
		t.Errorf("defaults: %+v", cfg)
	}
	if cfg.Intake.Stable != 5*time.Second || cfg.Intake.Rescan != time.Minute || cfg.Intake.MaxSizeMB != 20 {
		t.Errorf("intake defaults: %+v", cfg.Intake)
	}
	if cfg.Intake.MaxSize() != 20<<20 {
		t.Errorf("MaxSize = %d", cfg.Intake.MaxSize())
	}
	if cfg.Checks.ChangeFactor != 3 {
		t.Errorf("change factor = %g", cfg.Checks.ChangeFactor)
	}
	if cfg.Meetings != nil || cfg.Cron != nil {
		t.Errorf("meetings and cron must default to nil (the built-in calendar, no extra jobs)")
	}
	want := []roadmap.BuildStep{{Kind: roadmap.Draft, DaysBefore: 14, At: "07:00"}, {Kind: roadmap.Final, DaysBefore: 3, At: "07:00"}}
	for _, k := range roadmap.MeetingKinds {
		if !reflect.DeepEqual(cfg.Plan(k), want) {
			t.Errorf("plan of %s = %+v", k, cfg.Plan(k))
		}
	}
	// Each call is a fresh value: changing one must not change the next.
	cfg.Plans[roadmap.Regional][0].DaysBefore = 99
	if roadmap.DefaultConfig().Plans[roadmap.Regional][0].DaysBefore != 14 {
		t.Error("DefaultConfig shares its plans between calls")
	}
	loc, err := cfg.Location()
	if err != nil || loc.String() != "Europe/Belgrade" {
		t.Errorf("Location = %v, %v", loc, err)
	}
}

// The file that `roadmap init` writes says exactly what the defaults are.
func TestInitYAMLIsTheDefaults(t *testing.T) {
	t.Parallel()
	got, err := roadmap.ParseConfig(bytes.NewReader(roadmap.InitYAML()))
	if err != nil {
		t.Fatal(err)
	}
	if want := roadmap.DefaultConfig(); !reflect.DeepEqual(got, want) {
		t.Errorf("ParseConfig(InitYAML()) =\n%+v\nwant DefaultConfig() =\n%+v", got, want)
	}
}

// Uncommenting the calendar example of the init file gives a valid calendar
// with the meeting pinned by docs/cycle.md.
func TestInitYAMLMeetingsExample(t *testing.T) {
	t.Parallel()
	text := string(roadmap.InitYAML())
	i := strings.Index(text, "# meetings:")
	if i < 0 {
		t.Fatal("the init file has no commented meetings example")
	}
	var b strings.Builder
	b.WriteString(text[:i])
	for _, line := range strings.Split(text[i:], "\n") {
		b.WriteString(strings.TrimPrefix(line, "# "))
		b.WriteString("\n")
	}
	cfg := parseString(t, b.String())
	if len(cfg.Meetings) != 2 {
		t.Fatalf("meetings = %+v", cfg.Meetings)
	}
	want := roadmap.Meeting{
		ID: "rcm-16", Kind: roadmap.Regional, Number: 16, Date: roadmap.Date{Year: 2026, Month: time.December, Day: 15},
		Place: "Tirana", Jurisdiction: "AL", Period: roadmap.MustPeriod("2026-H1"),
		Deadline: roadmap.Date{Year: 2026, Month: time.November, Day: 13}, Planned: true,
	}
	if cfg.Meetings[0] != want {
		t.Errorf("meetings[0] = %+v\nwant %+v", cfg.Meetings[0], want)
	}
	if m := cfg.Meetings[1]; m.Kind != roadmap.Local || m.Jurisdiction != "AL" {
		t.Errorf("meetings[1] = %+v", m)
	}
}

func TestParseConfigKeepsDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		yaml  string
		check func(t *testing.T, c roadmap.Config)
	}{
		{"empty file", "", func(t *testing.T, c roadmap.Config) {
			if !reflect.DeepEqual(c, roadmap.DefaultConfig()) {
				t.Errorf("%+v", c)
			}
		}},
		{"only comments", "# nothing here\n", func(t *testing.T, c roadmap.Config) {
			if !reflect.DeepEqual(c, roadmap.DefaultConfig()) {
				t.Errorf("%+v", c)
			}
		}},
		{"null keeps the default", "timezone:\nintake:\n  stable: ~\n", func(t *testing.T, c roadmap.Config) {
			if c.Timezone != "Europe/Belgrade" || c.Intake.Stable != 5*time.Second {
				t.Errorf("%+v", c)
			}
		}},
		{"one intake key", "intake:\n  stable: 10s\n", func(t *testing.T, c roadmap.Config) {
			if c.Intake.Stable != 10*time.Second || c.Intake.Rescan != time.Minute || c.Intake.MaxSizeMB != 20 {
				t.Errorf("%+v", c.Intake)
			}
		}},
		{"one plan switched off", "plans:\n  local: []\n", func(t *testing.T, c roadmap.Config) {
			if len(c.Plans[roadmap.Local]) != 0 || len(c.Plans[roadmap.Regional]) != 2 || len(c.Plans[roadmap.HighLevel]) != 2 {
				t.Errorf("%+v", c.Plans)
			}
		}},
		{"a plan replaced whole", "plans:\n  regional:\n    - {kind: final, days_before: 2, at: \"18:30\"}\n", func(t *testing.T, c roadmap.Config) {
			want := []roadmap.BuildStep{{Kind: roadmap.Final, DaysBefore: 2, At: "18:30"}}
			if !reflect.DeepEqual(c.Plans[roadmap.Regional], want) {
				t.Errorf("%+v", c.Plans[roadmap.Regional])
			}
		}},
		{"empty calendar is not the built-in one", "meetings: []\n", func(t *testing.T, c roadmap.Config) {
			if c.Meetings == nil || len(c.Meetings) != 0 {
				t.Errorf("meetings = %#v, want an empty non-nil list", c.Meetings)
			}
		}},
		{"every setting", `timezone: UTC
catalogue: other.yaml
footnote: eu
intake: {stable: 2s, rescan: 5m, max_size_mb: 50}
checks: {change_factor: 2.5}
cron:
  - {name: weekly, spec: "0 8 * * 1", job: status-digest}
log: {format: json}
listen: "127.0.0.1:8080"
meetings:
  - {id: hlm-2027, kind: high-level, date: 2027-01-31, place: Berlin, period: "2026"}
`, func(t *testing.T, c roadmap.Config) {
			want := roadmap.DefaultConfig()
			want.Timezone, want.Catalogue, want.Footnote = "UTC", "other.yaml", "eu"
			want.Intake = roadmap.IntakeConfig{Stable: 2 * time.Second, Rescan: 5 * time.Minute, MaxSizeMB: 50}
			want.Checks.ChangeFactor = 2.5
			want.Cron = []roadmap.CronEntry{{Name: "weekly", Spec: "0 8 * * 1", Job: "status-digest"}}
			want.Log.Format, want.Listen = "json", "127.0.0.1:8080"
			want.Meetings = []roadmap.Meeting{{ID: "hlm-2027", Kind: roadmap.HighLevel, Date: roadmap.Date{Year: 2027, Month: time.January, Day: 31}, Place: "Berlin", Period: roadmap.MustPeriod("2026")}}
			if !reflect.DeepEqual(c, want) {
				t.Errorf("got\n%+v\nwant\n%+v", c, want)
			}
		}},
		{"anchors and aliases", "plans:\n  regional: &p\n    - {kind: draft, days_before: 21, at: \"06:00\"}\n  local: *p\n", func(t *testing.T, c roadmap.Config) {
			if c.Plans[roadmap.Local][0].DaysBefore != 21 || c.Plans[roadmap.Regional][0].At != "06:00" {
				t.Errorf("%+v", c.Plans)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, parseString(t, tt.yaml)) })
	}
}

// One file per kind of mistake; the whole message is pinned, because it is
// what an operator reads.
func TestParseConfigErrors(t *testing.T) {
	t.Parallel()
	periodForms := `"2026-H1" (January–June), "2026-H2" (July–December) or "2026" (a calendar year)`
	tests := []struct{ file, want string }{
		{"unknown-key", `roadmap.yaml:1: timezon: unknown setting; the settings here are timezone, catalogue, footnote, intake, checks, plans, cron, log, listen, web, branding, meetings, delivery, contacts, notify
roadmap.yaml:3: intake.stabel: unknown setting; the settings here are stable, rescan, max_size_mb`},
		{"timezone", `roadmap.yaml:1: timezone: "Europe/Belgrad" is not a known time zone; write an IANA name such as Europe/Belgrade or UTC`},
		{"footnote", `roadmap.yaml:1: footnote: must be un or eu, not "UN"`},
		{"durations", `roadmap.yaml:2: intake.stable: want a duration such as 5s, 90s or 2m, not "5"
roadmap.yaml:3: intake.rescan: must be longer than zero, such as 60s: network shares send no change events`},
		{"limits", `roadmap.yaml:2: intake.max_size_mb: must be between 1 and 1024, not 0
roadmap.yaml:4: checks.change_factor: must be more than 1 (3 warns when a value is over three times larger or smaller than the previous period's), not 1`},
		{"numbers", `roadmap.yaml:2: intake.max_size_mb: want a whole number, not "2.5"
roadmap.yaml:4: checks.change_factor: want a number, not "three"`},
		{"plans", `roadmap.yaml:3: plans.regionl: "regionl" is not a meeting kind; write regional, local or high-level
roadmap.yaml:7: plans.local[0].kind: must be draft or final, not "drafts"
roadmap.yaml:8: plans.local[0].days_before: must be zero or more, not -1
roadmap.yaml:9: plans.local[0].at: "7am" is not a time of day; write it as 07:00
roadmap.yaml:13: plans.local[2].kind: a second final in the same plan (the first is plans.local[1]); a meeting has at most one draft and one final
roadmap.yaml:15: plans.local[2].at: "24:00" is not a time of day; write it as 07:00`},
		{"cron", `roadmap.yaml:5: cron[1].name: "weekly-status" is also the name of cron[0]; names must differ
roadmap.yaml:5: cron[1].job: is missing; name the job to run: status-digest
roadmap.yaml:6: cron[1].spec: is missing; write a cron schedule such as "0 8 * * 1" (Mondays at 08:00)
roadmap.yaml:7: cron[2].name: is missing; give the job a name for the log
roadmap.yaml:10: cron[3].spec: cron spec "@every 1s" fires every 1s: once a minute at most, such as "0 6 * * 1" (06:00 on Mondays)
roadmap.yaml:13: cron[4].spec: cron spec "0 0 30 2 *" never fires (no day matches it): write one that does, such as "0 6 * * 1"
roadmap.yaml:14: cron[4].job: "coffee" is not a job the daemon knows; write status-digest`},
		{"log-listen", `roadmap.yaml:2: log.format: must be text or json, not "xml"
roadmap.yaml:3: listen: "localhost" is not an address; write host:port such as 127.0.0.1:8080, or leave it empty`},
		{"branding", `roadmap.yaml:3: branding.logos[0]: "/etc/logo.png" must be a file inside the data folder, written relative to it, such as branding/logo.png
roadmap.yaml:4: branding.logos[1]: "../outside.png" must be a file inside the data folder, written relative to it, such as branding/logo.png
roadmap.yaml:5: branding.logos[2]: "branding/logo.gif" is not a PNG or JPEG file (.png, .jpg, .jpeg)`},
		{"listen-port", `roadmap.yaml:1: listen: "127.0.0.1:99999" has no valid port; write host:port such as 127.0.0.1:8080`},
		{"web", `roadmap.yaml:2: web.listen: "portal" is not an address; write host:port such as 127.0.0.1:8443, or leave it empty
roadmap.yaml:3: web.tls_cert: give both web.tls_cert and web.tls_key, or neither (TLS is then the reverse proxy's)`},
		{"meetings", `roadmap.yaml:8: meetings[1].id: "rcm-16" is also the id of meetings[0]; ids must be unique
roadmap.yaml:12: meetings[2].jurisdiction: is missing; a local meeting names its jurisdiction, such as AL
roadmap.yaml:16: meetings[3].id: "RCM 17" cannot name a folder; use lower-case letters, digits, "-", "_" and ".", such as rcm-16
roadmap.yaml:16: meetings[3].period: is missing; write the period the meeting reviews: ` + periodForms + `
roadmap.yaml:17: meetings[3].kind: "regionl" is not a meeting kind; write regional, local or high-level
roadmap.yaml:19: meetings[3].deadline: 2027-07-06 is not before the meeting day 2027-07-06
roadmap.yaml:20: meetings[4].id: is missing; give each meeting an id such as rcm-16
roadmap.yaml:20: meetings[4].date: is missing; write the meeting day as 2026-12-15
roadmap.yaml:20: meetings[4].period: is missing; write the period the meeting reviews: ` + periodForms + `
roadmap.yaml:21: meetings[4].number: must be zero or more, not -1
roadmap.yaml:25: meetings[5].period: 2026-H1 has not ended by the meeting day 2026-06-30; a meeting reviews a period that has ended
roadmap.yaml:26: meetings[6].id: "status" cannot name a folder of reports/: reports/status is kept for the program's own use; choose another id
roadmap.yaml:27: meetings[7].id: "manifest.json" cannot name a folder of reports/: reports/manifest.json is kept for the program's own use; choose another id`},
		{"meeting-values", `roadmap.yaml:4: meetings[0].number: want a whole number, not "sixteen"
roadmap.yaml:5: meetings[0].date: date "2026-13-01" is not valid: write it as 2026-12-15
roadmap.yaml:6: meetings[0].period: period "2026-H3" is not valid: write ` + periodForms + `
roadmap.yaml:7: meetings[0].deadline: date "15.11.2026" is not valid: write it as 2026-12-15
roadmap.yaml:8: meetings[0].planned: want true or false, not "yes"`},
		{"shapes", `roadmap.yaml:1: intake: want a group of settings (key: value lines), not "5"
roadmap.yaml:3: checks.change_factor: want a single value, not a list
roadmap.yaml:6: plans.regional: want a list (lines starting with "- "), not a group of settings
roadmap.yaml:8: meetings: want a list (lines starting with "- "), not a group of settings`},
		{"duplicate-key", `roadmap.yaml:3: timezone: set twice (first on line 1); keep one`},
		{"not-a-mapping", `roadmap.yaml:1: want a group of settings (key: value lines), not a list`},
		{"not-yaml", `configuration is not valid YAML: yaml: line 3: found unexpected end of stream`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "config", tt.file+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, err = roadmap.ParseConfig(f)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", err, tt.want)
			}
			var ps roadmap.Problems
			if isYAML := tt.file != "not-yaml"; errors.As(err, &ps) != isYAML {
				t.Errorf("errors.As(Problems) = %v, want %v", !isYAML, isYAML)
			}
		})
	}
}

func TestParseConfigTooLarge(t *testing.T) {
	t.Parallel()
	big := "# " + strings.Repeat("x", 5<<20) + "\n"
	_, err := roadmap.ParseConfig(strings.NewReader(big))
	if err == nil || err.Error() != "configuration is larger than 4 MiB: is it the right file?" {
		t.Errorf("err = %v", err)
	}
}

// An alias that expands one anchor many times over is stopped, not walked.
func TestParseConfigAliasBomb(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("x: &a [")
	b.WriteString(strings.Repeat("{kind: draft, days_before: 1, at: \"07:00\"},", 2000))
	b.WriteString("]\nplans:\n")
	for i := range 200 {
		b.WriteString("  k")
		b.WriteString(strings.Repeat("x", i))
		b.WriteString(": *a\n")
	}
	_, err := roadmap.ParseConfig(strings.NewReader(b.String()))
	if err == nil || !strings.Contains(err.Error(), "the file is too large or repeats its anchors too often to be read") {
		t.Errorf("err = %v", err)
	}
}

func TestValidateWithoutFile(t *testing.T) {
	t.Parallel()
	c := roadmap.DefaultConfig()
	c.Timezone = ""
	c.Intake.Stable = 0
	err := c.Validate()
	want := `timezone: is empty; write an IANA time zone such as Europe/Belgrade or UTC
intake.stable: must be longer than zero, such as 5s`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
	if _, err := c.Location(); err == nil {
		t.Error("Location of an empty zone name should fail")
	}
}

func TestCheckCatalogue(t *testing.T) {
	t.Parallel()
	cat := &roadmap.Catalogue{Cadence: roadmap.Yearly, Jurisdictions: []roadmap.Jurisdiction{{Code: "AG"}, {Code: "BS"}}}
	c := parseString(t, `meetings:
  - {id: ok, kind: local, jurisdiction: AG, date: 2027-03-01, period: "2026"}
  - {id: bad, kind: local, jurisdiction: AL, date: 2027-03-01, period: 2026-H2}
`)
	err := c.CheckCatalogue(cat)
	want := `meetings[1].jurisdiction: "AL" is not in the catalogue; write one of AG, BS
meetings[1].period: 2026-H2 is not a reporting period of the catalogue in force for it, whose rounds are calendar years (such as 2026); write one, or a year such as 2026`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
	cat.Jurisdictions = append(cat.Jurisdictions, roadmap.Jurisdiction{Code: "AL"})
	cat.Cadence = roadmap.HalfYearly
	if err := c.CheckCatalogue(cat); err != nil {
		t.Error(err)
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add(string(roadmap.InitYAML()))
	f.Add("")
	f.Add("plans:\n  regional: &p [{kind: draft, days_before: 1, at: \"07:00\"}]\n  local: *p\n")
	f.Add("meetings:\n  - {id: rcm-16, kind: regional, date: 2026-12-15, period: 2026-H1, deadline: 2026-11-13}\n")
	f.Add("intake: {stable: 1h, rescan: 1ns, max_size_mb: 7}\ncron: [{name: a, spec: '* * * * *', job: b}]\n")
	f.Add("delivery: {from: a@b.c, smtp: {host: localhost, tls: none}}\ncontacts: {AL: [x@y.z]}\nnotify: {call_for_data: 3d, reminders: [36h]}\n")
	entries, _ := os.ReadDir(filepath.Join("testdata", "config"))
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("testdata", "config", e.Name()))
		if err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		cfg, err := roadmap.ParseConfig(strings.NewReader(s))
		if err != nil {
			var ps roadmap.Problems
			if errors.As(err, &ps) && len(ps) == 0 {
				t.Fatal("Problems without a problem")
			}
			return
		}
		// What ParseConfig accepts is valid, and usable as it is.
		if err := cfg.Validate(); err != nil {
			t.Fatalf("accepted a configuration that does not validate: %v", err)
		}
		if _, err := cfg.Location(); err != nil {
			t.Fatalf("accepted a time zone that does not load: %v", err)
		}
	})
}
