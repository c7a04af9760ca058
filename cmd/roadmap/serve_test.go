package main

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/templates"
)

func TestCheckServeConfig(t *testing.T) {
	cfg := roadmap.DefaultConfig()
	if err := checkServeConfig(cfg); err != nil {
		t.Errorf("defaults: %v", err)
	}
	cfg.Cron = []roadmap.CronEntry{
		{Name: "ok", Spec: "0 8 * * 1", Job: jobStatusDigest},
		{Name: "every", Spec: "@every 1h", Job: jobStatusDigest},
		{Name: "job", Spec: "0 8 * * 1", Job: "coffee"},
		{Name: "spec", Spec: "CRON_TZ=UTC", Job: jobStatusDigest}, // panics inside robfig/cron
		{Name: "fields", Spec: "0 8 * *", Job: jobStatusDigest},
	}
	err := checkServeConfig(cfg)
	var ce *roadmap.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v, want a ConfigError", err)
	}
	var keys []string
	for _, p := range ce.Problems {
		keys = append(keys, p.Key)
	}
	if want := []string{"cron[2].job", "cron[3].spec", "cron[4].spec"}; !slices.Equal(keys, want) {
		t.Errorf("problems at %v, want %v:\n%v", keys, want, err)
	}
}

func TestConfigChanges(t *testing.T) {
	d := roadmap.Date{Year: 2026, Month: 12, Day: 15}
	m := func(id string, day int) roadmap.Meeting {
		return roadmap.Meeting{ID: id, Kind: roadmap.Regional, Date: roadmap.Date{Year: d.Year, Month: d.Month, Day: day},
			Period: roadmap.Period{Year: 2026, Half: 1}}
	}
	cat := &roadmap.Catalogue{ID: "wb", Version: "1", Hash: "a"}
	gen := func(edit func(*roadmap.Config), meetings ...roadmap.Meeting) *generation {
		cfg := roadmap.DefaultConfig()
		if edit != nil {
			edit(&cfg)
		}
		return &generation{s: &setup{Config: cfg, Catalogue: cat}, meetings: meetings, format: cfg.Log.Format, listen: cfg.Listen}
	}
	old := gen(nil, m("a", 1), m("b", 2), m("c", 3))
	if got := configChanges(old, gen(nil, m("a", 1), m("b", 2), m("c", 3))); len(got) != 0 {
		t.Errorf("no change reported as %v", got)
	}
	next := gen(func(c *roadmap.Config) {
		c.Intake.Stable = 2 * time.Second
		c.Plans[roadmap.Local] = nil
		c.Listen = "127.0.0.1:9000"
	}, m("a", 1), m("c", 4), m("d", 5))
	got := strings.Join(configChanges(old, next), "; ")
	want := "intake.stable: 5s -> 2s; plans changed; listen: none -> 127.0.0.1:9000; meetings: added d; removed b; changed c"
	if got != want {
		t.Errorf("changes:\n got %s\nwant %s", got, want)
	}
}

// The example configuration in samples/ must be one the daemon runs with.
func TestExampleConfig(t *testing.T) {
	cfg, err := readConfig(filepath.Join("..", "..", "samples", "roadmap.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := checkServeConfig(cfg); err != nil {
		t.Error(err)
	}
	cat, err := templates.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.CheckCatalogue(cat); err != nil {
		t.Error(err)
	}
	if len(cfg.Meetings) == 0 || cfg.Listen == "" || len(cfg.Cron) == 0 || len(cfg.Plan(roadmap.Local)) != 1 {
		t.Errorf("the example should show a calendar, a listener, a cron job and a plan per kind: %+v", cfg)
	}
}
