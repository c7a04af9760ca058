package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// Item 12 of issue 9: control characters in a sender's file name (an escape
// sequence, a carriage return, a newline) never reach the terminal or the
// log raw: ingest, history and the log print the name escaped.
func TestHostileNamesPrintedEscaped(t *testing.T) {
	t.Parallel()
	data := newDataFolder(t)
	const hostile = "evil\x1b[31mred\r\nfake: accepted\x07.xlsx"
	valid := filepath.Join(samplesDir, "workbooks", "valid", "AL", "roadmap-AL-2026-H1.xlsx")
	drop(t, data, "AL", valid, hostile)
	drop(t, data, "BA", valid, "other\x1b]0;title\x07.xlsx") // AL's data in BA's folder: rejected

	clean := func(what, out string) {
		t.Helper()
		for _, r := range out {
			if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 {
				t.Errorf("%s prints the control character %U raw:\n%q", what, r, out)
				return
			}
		}
		if strings.Contains(out, "\nfake: accepted") {
			t.Errorf("%s lets a name start a line of its own:\n%q", what, out)
		}
	}
	r := runTicking(t, intakeClock, "ingest", "--data", data, "--stable", "0").want(t, exitOK)
	clean("ingest", r.stdout)
	clean("ingest's log", r.stderr)
	if !strings.Contains(r.stdout, `\x1b[31mred\r\nfake`) {
		t.Errorf("ingest does not show the name escaped:\n%s", r.stdout)
	}
	notes, err := filepath.Glob(filepath.Join(data, "feedback", "*", "*.txt"))
	if err != nil || len(notes) != 2 {
		t.Fatalf("notes %v, %v", notes, err)
	}
	for _, n := range notes {
		clean("the note "+filepath.Base(n), string(mustRead(t, n)))
	}
	for _, j := range []string{"AL", "BA"} {
		r = runAt(t, intakeClock, "history", "--data", data, "--jurisdiction", j, "--period", "2026-H1").want(t, exitOK)
		clean("history "+j, r.stdout)
	}
	r = runAt(t, intakeClock, "reindex", "--data", data).want(t, exitOK)
	clean("reindex", r.stdout)
	clean("reindex's log", r.stderr)
}

// Item 10 of issue 9: the notes on two drops never share a name, whatever
// the senders call their files: a file named inbox-x.xlsx in AL's folder and
// x.xlsx dropped into the shared inbox (AL's data both), and two names that
// differ only past the length at which names are cut.
func TestFeedbackNamesNeverCollide(t *testing.T) {
	t.Parallel()
	data := newDataFolder(t)
	valid := filepath.Join(samplesDir, "workbooks", "valid", "AL")
	long := strings.Repeat("a", 200)
	drop(t, data, "AL", filepath.Join(valid, "roadmap-AL-2025-H2.xlsx"), "inbox-x.xlsx")
	drop(t, data, "", filepath.Join(valid, "roadmap-AL-2026-H1.xlsx"), "x.xlsx")
	drop(t, data, "AL", filepath.Join(valid, "roadmap-AL-2025-H1.xlsx"), long+"1.xlsx")
	drop(t, data, "AL", filepath.Join(valid, "roadmap-AL-2024-H2.xlsx"), long+"2.xlsx")
	out := ingestAt(t, intakeClock, data)
	seen := map[string]string{}
	for _, f := range out.Files {
		if len(f.Feedback) == 0 {
			t.Errorf("%s: no feedback", f.File)
		}
		for _, fb := range f.Feedback {
			if other, ok := seen[fb]; ok {
				t.Errorf("%s and %s share the note %s", other, f.File, fb)
			}
			seen[fb] = f.File
		}
	}
}
