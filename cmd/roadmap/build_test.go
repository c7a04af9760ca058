package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/render"
	"github.com/seesac/roadmap/store"
)

func TestBuildCommand(t *testing.T) {
	t.Parallel()
	_, demo := demoAtWallClock(t)
	data := sharedDemo.Copy(t, "data")
	demoPDF, err := os.ReadFile(demo.Reports[0].PDF)
	if err != nil {
		t.Fatal(err)
	}
	// The demo built its reports an hour after the files arrived.
	asOf := demo.Received.Add(time.Hour).Format(time.RFC3339)

	t.Run("rebuild with --as-of is byte-identical", func(t *testing.T) {
		out := t.TempDir()
		r := runAt(t, wallClock, "build", "--data", data, "--meeting", "rcm-16", "--as-of", asOf, "-o", out, "--json").want(t, exitOK)
		var got buildOutput
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatalf("%v\n%s", err, r.stdout)
		}
		if got.PDF != filepath.Join(out, "rcm-16-regional-final.pdf") || got.Report != render.RegionalReport || got.Inputs != demoInputs(demo.Accepted) || got.NoData {
			t.Errorf("build --json: %+v", got)
		}
		b, err := os.ReadFile(got.PDF)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, demoPDF) {
			t.Error("the same ledger and cut-off gave a different PDF")
		}
	})

	t.Run("draft into the meeting folder", func(t *testing.T) {
		r := runAt(t, wallClock, "build", "--data", data, "--meeting", "rcm-16", "--draft").want(t, exitOK)
		pdf := filepath.Join(data, "reports", "rcm-16", "rcm-16-regional-draft.pdf")
		if !strings.HasPrefix(r.stdout, pdf+"\n") || !strings.Contains(r.stdout, "draft, as of 2031-03-04T16:16:17+01:00") {
			t.Errorf("stdout:\n%s", r.stdout)
		}
		m, err := render.ReadManifest(filepath.Dir(pdf))
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Builds) != 2 {
			t.Errorf("the meeting's manifest lists %d builds, want the demo's final and this draft", len(m.Builds))
		}
	})

	t.Run("jurisdiction that did not report", func(t *testing.T) {
		r := runAt(t, wallClock, "build", "--data", data, "--period", "2021-h1", "--jurisdiction", "me", "--json").want(t, exitOK)
		var got buildOutput
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatal(err)
		}
		if got.PDF != filepath.Join(data, "reports", "2021-H1-ME", "2021-H1-me-final.pdf") || got.Report != render.JurisdictionReport {
			t.Errorf("build --json: %+v", got)
		}
	})

	t.Run("period nobody reported", func(t *testing.T) {
		r := runAt(t, wallClock, "build", "--data", data, "--period", "2027-H1").want(t, exitOK)
		if !strings.Contains(r.stdout, "no jurisdiction has reported for 2027-H1") {
			t.Errorf("stdout:\n%s", r.stdout)
		}
	})

	t.Run("a failed build exits 1", func(t *testing.T) {
		blocker := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(blocker, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		r := runAt(t, wallClock, "build", "--data", data, "--period", "2026-H1", "-o", blocker).want(t, exitProblem)
		if !strings.Contains(r.stderr, "create the report folder") {
			t.Errorf("stderr: %s", r.stderr)
		}
	})

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"nothing to build", nil, "give --meeting ID or --period P"},
		{"both", []string{"--meeting", "rcm-16", "--period", "2026-H1"}, "not both"},
		{"jurisdiction with a meeting", []string{"--meeting", "rcm-16", "--jurisdiction", "AL"}, "--jurisdiction goes with --period"},
		{"unknown meeting", []string{"--meeting", "rcm-99"}, `no meeting "rcm-99"`},
		{"bad period", []string{"--period", "2026-H3"}, "is not valid"},
		{"unknown jurisdiction", []string{"--period", "2026-H1", "--jurisdiction", "FR"}, "use one of AL, BA, XK, ME, MK, RS"},
		{"bad cut-off", []string{"--period", "2026-H1", "--as-of", "yesterday"}, "is not a time"},
		{"operand", []string{"--period", "2026-H1", "extra"}, "takes no arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runAt(t, wallClock, append([]string{"build", "--data", data}, tc.args...)...).want(t, exitUsage)
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, r.stderr)
			}
		})
	}
}

func TestParseAsOf(t *testing.T) {
	t.Parallel()
	loc := time.FixedZone("CET", 3600)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2026-11-20T07:00:00Z", time.Date(2026, 11, 20, 7, 0, 0, 0, time.UTC)},
		{"2026-11-20T07:00", time.Date(2026, 11, 20, 7, 0, 0, 0, loc)},
		{"2026-11-20 07:00", time.Date(2026, 11, 20, 7, 0, 0, 0, loc)},
		{"2026-11-20T07:00:30", time.Date(2026, 11, 20, 7, 0, 30, 0, loc)},
		{"2026-11-20", time.Date(2026, 11, 21, 0, 0, 0, 0, loc).Add(-time.Nanosecond)},
	} {
		got, err := parseAsOf(tc.in, loc)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("parseAsOf(%q) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "20.11.2026", "2026-13-01", "now"} {
		if _, err := parseAsOf(bad, loc); err == nil {
			t.Errorf("parseAsOf(%q) accepted", bad)
		}
	}
}

// FuzzParseAsOf: --as-of is typed by operators; no text makes it panic, and
// what it accepts prints and reads back to the same instant.
func FuzzParseAsOf(f *testing.F) {
	for _, s := range []string{"2026-11-20", "2026-11-20T07:00", "2026-11-20T07:00:00+01:00", "x", "2026-02-30"} {
		f.Add(s)
	}
	loc := time.FixedZone("CET", 3600)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseAsOf(s, loc)
		if err != nil {
			return
		}
		back, err := parseAsOf(got.Format(time.RFC3339Nano), loc)
		if err != nil || !back.Equal(got) {
			t.Fatalf("%q → %s → %s, %v", s, got, back, err)
		}
	})
}

// Item 6 of issue 9: an as-of later than now is refused; every accepted
// as-of is used as given, the first instant of year 1 included; a build with
// an explicit as-of is recorded as such.
func TestBuildAsOfAsGiven(t *testing.T) {
	t.Parallel()
	data := ingestedFolder(t)
	for _, future := range []string{"9999-12-31", intakeClock.Add(time.Second).Format(time.RFC3339)} {
		r := runAt(t, intakeClock, "build", "--data", data, "--meeting", "rcm-16", "--as-of", future).want(t, exitUsage)
		if !strings.Contains(r.stderr, "later than now") {
			t.Errorf("--as-of %s: stderr\n%s", future, r.stderr)
		}
	}
	r := runAt(t, intakeClock, "build", "--data", data, "--meeting", "rcm-16", "--as-of", "0001-01-01T00:00:00Z", "--json").want(t, exitOK)
	var got buildOutput
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if !got.AsOf.IsZero() || !got.NoData || got.Inputs != 0 {
		t.Errorf("as of the first instant of year 1: %+v, want that cut-off and no data", got)
	}
	m, err := render.ReadManifest(filepath.Join(data, "reports", "rcm-16"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Builds) != 1 || m.Builds[0].AsOf != "0001-01-01T00:00:00Z" {
		t.Errorf("manifest: %+v", m.Builds)
	}
	runAt(t, intakeClock, "build", "--data", data, "--meeting", "rcm-16", "--draft").want(t, exitOK)
	db, err := store.OpenReadOnly(context.Background(), datadir.New(data).Ledger())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	builds, err := db.Builds(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(builds) != 2 || !builds[0].AsOfGiven || !builds[0].AsOf.IsZero() || builds[1].AsOfGiven || !builds[1].AsOf.Equal(intakeClock) {
		t.Errorf("recorded builds: %+v", builds)
	}
}
