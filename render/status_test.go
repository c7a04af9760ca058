package render

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/store"
)

// TestMeetingStatusAgreesWithCompleteness: the status of a meeting's
// jurisdictions, read from a real ledger, gives each the same state as the
// report's completeness table at the same instant.
func TestMeetingStatusAgreesWithCompleteness(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cat := catalogue(t)
	cal := calendar16()
	db, err := store.Open(filepath.Join(t.TempDir(), "roadmap.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	warn := roadmap.Finding{Severity: roadmap.Warning, Code: roadmap.CodeLate, Message: "late"}
	al1 := sub("AL", h1, 1, oct(20), nil)
	al1.Findings = []roadmap.Finding{warn}
	al2 := sub("AL", h1, 2, oct(22), nil)
	ba := sub("BA", h1, 1, oct(21), nil)
	rej := sub("ME", h1, 0, oct(21), nil)
	rej.State, rej.Findings = roadmap.Rejected, []roadmap.Finding{{Severity: roadmap.Error, Code: roadmap.CodeNotTemplate, Message: "no"}}
	for i, s := range []roadmap.Submission{al1, al2, ba, rej} {
		s.Hash = string(rune('a'+i)) + s.Hash
		if err := db.Record(ctx, &s, s.Hash); err != nil {
			t.Fatal(err)
		}
	}
	for _, now := range []time.Time{oct(25), time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)} {
		st, err := MeetingStatus(ctx, db, cat, cal, cal.Meetings[0], now)
		if err != nil {
			t.Fatal(err)
		}
		if len(st) != len(cat.Jurisdictions) {
			t.Fatalf("a regional meeting concerns every jurisdiction: %+v", st)
		}
		accepted, err := db.Accepted(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		r := Combine(Snapshot{Catalogue: cat, Submissions: accepted, AsOf: now, Calendar: cal}, Request{Period: h1, Meeting: &cal.Meetings[0]})
		for i, c := range r.Completeness {
			if st[i].Code != c.Jurisdiction || st[i].State != c.State {
				t.Errorf("at %s: status %s %s, report %s %s", now, st[i].Code, st[i].State, c.Jurisdiction, c.State)
			}
		}
		byCode := map[string]SubmissionStatus{}
		for _, s := range st {
			byCode[s.Code] = s
		}
		if al := byCode["AL"]; al.State != roadmap.Late || al.Version != 2 || al.Warnings != 0 || al.Deadline == nil || al.Deadline.Day() != 9 {
			t.Errorf("AL = %+v, want late by its first version, version 2 current, due 9 October", al)
		}
		if me := byCode["ME"]; me.Rejected != 1 || me.Version != 0 {
			t.Errorf("ME = %+v, want one rejected file and no version", me)
		}
	}
	st, err := MeetingStatus(ctx, nil, cat, cal, cal.Meetings[1], oct(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 || st[0].Code != "AL" || st[0].State != roadmap.NotDue {
		t.Errorf("a local meeting without a ledger: %+v, want AL alone, not due", st)
	}
}
