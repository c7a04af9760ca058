package store

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seesac/roadmap"
)

func TestRebuildCarriesOverAndSwaps(t *testing.T) {
	t.Parallel()
	db, path := open(t)
	record(t, db, sub("AL", h1, "old", t0, roadmap.Accepted))
	b := &roadmap.Build{Meeting: "rcm-16", Kind: roadmap.Draft, Started: t0, AsOf: t0, OK: true}
	if err := db.RecordBuild(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := db.Audit(ctx, Event{Time: t0, Kind: EventDelivered, Detail: "rcm-16 draft"}); err != nil {
		t.Fatal(err)
	}
	msg := &roadmap.Message{Key: "report:rcm-16:draft", To: []string{"reports@seesac.example"}, Subject: "s", Body: "b",
		Attachments: []roadmap.Attachment{{Name: "r.pdf", Data: []byte("%PDF")}}}
	if _, err := db.Enqueue(ctx, msg, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.Attempt(ctx, msg.Key, t0); err != nil {
		t.Fatal(err)
	}
	// The old ledger stays open, as a crashed writer's would, with its WAL.
	carried, err := Rebuild(ctx, path, func(n *DB) error {
		record(t, n, sub("BA", h1, "new", t0.Add(time.Hour), roadmap.Accepted))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if carried.Builds != 1 || carried.Deliveries != 1 || carried.Messages != 1 || carried.Unreadable != "" {
		t.Errorf("carried %+v, want one build, one delivery and one message", carried)
	}
	for _, leftover := range []string{path + RebuildSuffix, path + RebuildSuffix + "-wal"} {
		if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind", leftover)
		}
	}
	got, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	if al, _ := got.Latest(ctx, "AL", h1); al != nil {
		t.Error("the old ledger's submission survived the swap")
	}
	if ba, _ := got.Latest(ctx, "BA", h1); ba == nil {
		t.Error("the rebuilt ledger lacks what fill recorded")
	}
	if builds, _ := got.Builds(ctx); len(builds) != 1 || builds[0].Meeting != "rcm-16" {
		t.Errorf("builds after the swap: %+v", builds)
	}
	// The message keeps its state, even in flight, and its attachment.
	m, err := got.Message(ctx, msg.Key)
	if err != nil || m.State != roadmap.MessagePending || m.Tries != 1 {
		t.Fatalf("message after the swap: %+v, %v", m, err)
	}
	if fl, _ := got.InFlight(ctx, msg.Key); !fl {
		t.Error("the in-flight mark was lost")
	}
	if err := got.Load(ctx, m); err != nil || string(m.Attachments[0].Data) != "%PDF" {
		t.Errorf("attachment after the swap: %v", err)
	}
}

func TestRebuildFailureKeepsTheOldLedger(t *testing.T) {
	t.Parallel()
	db, path := open(t)
	record(t, db, sub("AL", h1, "old", t0, roadmap.Accepted))
	db.Close()
	boom := errors.New("boom")
	if _, err := Rebuild(ctx, path, func(*DB) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("err %v, want the fill's", err)
	}
	if _, err := os.Stat(path + RebuildSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Error("the half-made ledger was left behind")
	}
	old, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if al, _ := old.Latest(ctx, "AL", h1); al == nil {
		t.Error("a failed rebuild lost the old ledger")
	}
}

func TestRebuildOverAnUnreadableLedger(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "roadmap.db")
	if err := os.WriteFile(path, []byte("not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	carried, err := Rebuild(ctx, path, func(*DB) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if carried.Unreadable == "" || carried.Builds != 0 {
		t.Errorf("carried %+v, want the old ledger named unreadable", carried)
	}
	if _, err := OpenReadOnly(ctx, path); err != nil {
		t.Errorf("the new ledger is not in place: %v", err)
	}
}

// The portal's audit trail (sign-ins, refused sign-ins, uploads, downloads,
// sign-outs) is no kept file's to rebuild: a reindex carries it over, and a
// download names the submission of the rebuilt ledger recorded for the same
// drop.
func TestRebuildCarriesThePortalsAuditTrail(t *testing.T) {
	t.Parallel()
	db, path := open(t)
	// A submission the rebuild numbers differently: BA's comes first in it.
	al := sub("AL", h1, "al", t0, roadmap.Accepted)
	record(t, db, al)
	portal := []Event{
		{Time: t0.Add(time.Minute), Kind: EventLoginRefused, Account: "al", Detail: "wrong user name or password, from 192.0.2.1"},
		{Time: t0.Add(2 * time.Minute), Kind: EventLogin, Account: "al", Jurisdiction: "AL", Detail: "from 192.0.2.1"},
		{Time: t0.Add(3 * time.Minute), Kind: EventUpload, Account: "al", Jurisdiction: "AL", Detail: "report.xlsx"},
		{Time: t0.Add(4 * time.Minute), Kind: EventDownload, Account: "al", Jurisdiction: "AL", Submission: al.ID, Detail: "original al.xlsx"},
		{Time: t0.Add(5 * time.Minute), Kind: EventLogout, Account: "al", Jurisdiction: "AL"},
	}
	for _, e := range portal {
		if err := db.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	var newAL int64
	if _, err := Rebuild(ctx, path, func(n *DB) error {
		record(t, n, sub("BA", h1, "ba", t0.Add(-time.Hour), roadmap.Accepted))
		again := sub("AL", h1, "al", t0, roadmap.Accepted)
		record(t, n, again)
		newAL = again.ID
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	events, err := got.Events(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var kept []Event
	for _, e := range events {
		if e.Account != "" {
			kept = append(kept, e)
		}
	}
	if len(kept) != len(portal) {
		t.Fatalf("the portal's events after a rebuild: %+v, want the %d of before", kept, len(portal))
	}
	for i, e := range kept {
		want := portal[i]
		if want.Submission != 0 {
			want.Submission = newAL
		}
		if !e.Time.Equal(want.Time) || e.Kind != want.Kind || e.Account != want.Account || e.Jurisdiction != want.Jurisdiction ||
			e.Submission != want.Submission || e.Detail != want.Detail {
			t.Errorf("event %d after the rebuild: %+v, want %+v", i, e, want)
		}
	}
}
