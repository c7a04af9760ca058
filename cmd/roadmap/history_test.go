package main

import (
	"os"
	"strings"
	"testing"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

// Without a ledger there is no history, and history does not create one.
func TestHistoryEmpty(t *testing.T) {
	t.Parallel()
	data := newDataFolder(t)
	r := runAt(t, intakeClock, "history", "--data", data, "--jurisdiction", "XK", "--period", "2026-H1").want(t, exitOK)
	if r.stdout != "nothing has been received for Kosovo* (XK), January–June 2026\n" {
		t.Errorf("stdout: %q", r.stdout)
	}
	if h := historyAt(t, data, "XK", "2026-H1"); h.Versions == nil || len(h.Versions) != 0 {
		t.Errorf("history --json: %+v", h)
	}
	if _, err := os.Stat(datadir.New(data).Ledger()); !os.IsNotExist(err) {
		t.Errorf("history created the ledger: %v", err)
	}
}

// A year asked for is the round that brings its figures, and says so; a
// Phase I year, derived from its halves, is not a round and names them.
func TestHistoryOfAYear(t *testing.T) {
	t.Parallel()
	data := newDataFolder(t)
	r := runAt(t, intakeClock, "history", "--data", data, "--jurisdiction", "AL", "--period", "2025").want(t, exitOK)
	if want := "the figures for 2025 come with the 2025-H2 round: its files follow\nnothing has been received for Albania (AL), July–December 2025\n"; r.stdout != want {
		t.Errorf("stdout: %q, want %q", r.stdout, want)
	}
	if h := historyAt(t, data, "AL", "2025"); h.Period != roadmap.MustPeriod("2025-H2") {
		t.Errorf("history --json of 2025: period %s", h.Period)
	}
	r = runAt(t, intakeClock, "history", "--data", data, "--jurisdiction", "AL", "--period", "2020").want(t, exitUsage)
	if !strings.HasPrefix(r.stderr, "roadmap history: 2020 is not a round: its figures are derived from 2020-H1 and 2020-H2; give one of those\n") {
		t.Errorf("stderr: %q", r.stderr)
	}
}

func TestHistoryUsage(t *testing.T) {
	t.Parallel()
	data := newDataFolder(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--period", "2026-H1"}, "roadmap history: --jurisdiction is required"},
		{[]string{"--jurisdiction", "AL"}, "roadmap history: --period is required: write "},
		{[]string{"--jurisdiction", "AL", "--period", "2026-H3"}, `roadmap history: period "2026-H3" is not valid`},
		{[]string{"--jurisdiction", "QQ", "--period", "2026-H1"}, `roadmap history: jurisdiction "QQ" is not in the catalogue: use one of AL, BA, XK, ME, MK, RS`},
		{[]string{"--jurisdiction", "AL", "--period", "2026-H1", "extra"}, `roadmap history: takes no arguments, got "extra"`},
	} {
		r := runAt(t, intakeClock, append([]string{"history", "--data", data}, tt.args...)...).want(t, exitUsage)
		if !strings.HasPrefix(r.stderr, tt.want) {
			t.Errorf("%v: %q, want %q…", tt.args, r.stderr, tt.want)
		}
	}
}
