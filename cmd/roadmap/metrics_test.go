package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/deliver"
	"github.com/seesac/roadmap/ingest"
)

func TestMetricsOverHTTP(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	m := newDaemonMetrics(now)
	m.setStaleAfter(3 * time.Minute)
	srv, err := serveMetrics("127.0.0.1:0", m, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.close(t.Context()) })
	base := "http://" + srv.addr.String()

	get := func(path string) (int, string, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}

	if code, _, body := get("/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "not been listed yet") {
		t.Errorf("before the first listing: %d %q, want 503 and why", code, body)
	}
	m.scanned(nil)
	if code, _, body := get("/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("after a listing: %d %q, want 200 ok", code, body)
	}

	warn := roadmap.Finding{Severity: roadmap.Warning, Code: roadmap.CodeLate}
	m.filesTaken([]ingest.Outcome{
		{State: roadmap.Accepted, Submission: &roadmap.Submission{Findings: []roadmap.Finding{warn}}},
		{State: roadmap.Accepted, Submission: &roadmap.Submission{}},
	}, 0)
	// A batch: a rejection; a file finished after an interruption (it
	// counts, its findings were counted when it was first recorded); a file
	// still being written (not counted); and one that could not be taken.
	m.filesTaken([]ingest.Outcome{
		{State: roadmap.Rejected, Submission: &roadmap.Submission{Findings: []roadmap.Finding{
			{Severity: roadmap.Error, Code: roadmap.CodeOutOfRange}, {Severity: roadmap.Error, Code: roadmap.CodeOutOfRange}, warn}}},
		{State: roadmap.Duplicate, Resumed: true, Submission: &roadmap.Submission{Findings: []roadmap.Finding{warn}}},
		{Waiting: "still being written"},
	}, 1)
	m.seedLastBuild([]roadmap.Build{
		{OK: true, Started: time.Date(2026, 11, 6, 7, 0, 0, 0, time.UTC)},
		{OK: false, Started: time.Date(2026, 11, 7, 7, 0, 0, 0, time.UTC)},
	})
	m.built(false, time.Time{})
	m.built(true, time.Date(2026, 11, 20, 7, 0, 0, 500_000_000, time.UTC))
	m.messaged(deliver.OutcomeSent)
	m.messaged(deliver.OutcomeSent)
	m.messaged(deliver.OutcomePostponed)
	oldest := now().Add(-30 * time.Minute)
	m.watchOutbox(func(context.Context) (int, time.Time, error) { return 2, oldest, nil }, time.Hour)
	if code, _, body := get("/healthz"); code != http.StatusOK {
		t.Errorf("messages pending for less than the alert time: %d %q, want 200", code, body)
	}

	code, ctype, body := get("/metrics")
	if code != http.StatusOK || ctype != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("/metrics: %d %q", code, ctype)
	}
	want := `# HELP roadmap_files_total Files taken from the inbox since the daemon started, by outcome (failed: left in the inbox to try again).
# TYPE roadmap_files_total counter
roadmap_files_total{outcome="accepted"} 2
roadmap_files_total{outcome="duplicate"} 1
roadmap_files_total{outcome="failed"} 1
roadmap_files_total{outcome="rejected"} 1
# HELP roadmap_findings_total Findings in the files taken since the daemon started, by code and severity.
# TYPE roadmap_findings_total counter
roadmap_findings_total{code="late",severity="warning"} 2
roadmap_findings_total{code="value-out-of-range",severity="error"} 2
# HELP roadmap_builds_total Scheduled report builds since the daemon started, by outcome.
# TYPE roadmap_builds_total counter
roadmap_builds_total{outcome="failed"} 1
roadmap_builds_total{outcome="ok"} 1
# HELP roadmap_messages_total Tries to send a message of the outbox since the daemon started, by outcome (postponed: tried again later).
# TYPE roadmap_messages_total counter
roadmap_messages_total{outcome="failed"} 0
roadmap_messages_total{outcome="postponed"} 1
roadmap_messages_total{outcome="sent"} 2
# HELP roadmap_outbox_pending Messages of the outbox waiting to be sent.
# TYPE roadmap_outbox_pending gauge
roadmap_outbox_pending 2
# HELP roadmap_last_scan_success_timestamp_seconds When the inbox was last listed in full without error (0: not yet).
# TYPE roadmap_last_scan_success_timestamp_seconds gauge
roadmap_last_scan_success_timestamp_seconds 1795165200
# HELP roadmap_last_build_success_timestamp_seconds When the last successful report build started, as the ledger records it (0: never).
# TYPE roadmap_last_build_success_timestamp_seconds gauge
roadmap_last_build_success_timestamp_seconds 1795158000.5
# HELP roadmap_start_time_seconds When the daemon started.
# TYPE roadmap_start_time_seconds gauge
roadmap_start_time_seconds 1795165200
`
	if body != want {
		t.Errorf("/metrics:\n%s\nwant:\n%s", body, want)
	}
	checkExposition(t, body)
	oldest = now().Add(-2 * time.Hour)
	if code, _, body := get("/healthz"); code != http.StatusServiceUnavailable || !strings.HasPrefix(body, "degraded: 2 message(s) waiting to be sent, the oldest since ") {
		t.Errorf("a message pending longer than the alert time: %d %q, want 503 degraded", code, body)
	}

	// A listing that fails, and one that is too old, make /healthz fail.
	m.scanned(errors.New("permission denied"))
	if code, _, body := get("/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "permission denied") {
		t.Errorf("after a failed listing: %d %q", code, body)
	}
	m.scanned(nil)
	clock = clock.Add(4 * time.Minute)
	if code, _, body := get("/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "not been listed since 2026-11-20T09:00:00Z") {
		t.Errorf("after 4 minutes without a listing: %d %q", code, body)
	}
	if code, _, _ := get("/nothing"); code != http.StatusNotFound {
		t.Errorf("/nothing: %d, want 404", code)
	}
}

// checkExposition checks the grammar of the text format, line by line: every
// sample belongs to the family announced before it.
func checkExposition(t *testing.T, body string) {
	t.Helper()
	comment := regexp.MustCompile(`^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$`)
	sample := regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (-?[0-9.e+]+|NaN|[+-]Inf)$`)
	family := ""
	for i, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		if m := comment.FindStringSubmatch(line); m != nil {
			family = m[2]
			if m[1] == "TYPE" && m[3] != "counter" && m[3] != "gauge" {
				t.Errorf("line %d: type %q", i+1, m[3])
			}
			continue
		}
		m := sample.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("line %d is not a sample: %q", i+1, line)
			continue
		}
		if m[1] != family {
			t.Errorf("line %d: sample of %s under the family %s", i+1, m[1], family)
		}
	}
}

func TestEscapeLabel(t *testing.T) {
	t.Parallel()
	if got, want := escapeLabel("a\\b\"c\nd"), `a\\b\"c\nd`; got != want {
		t.Errorf("escapeLabel = %q, want %q", got, want)
	}
}
