package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/templates"
)

func TestConfigChanges(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
	path := filepath.Join("..", "..", "samples", "roadmap.example.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := roadmap.ParseConfigFile(path, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
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
