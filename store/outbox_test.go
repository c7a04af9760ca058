package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seesac/roadmap"
)

// A message is recorded once per key with its attachments by content; its
// tries, postponements, failure, retry and delivery are kept.
func TestOutboxLifecycle(t *testing.T) {
	t.Parallel()
	db, _ := open(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	pdf := []byte("%PDF-1.7 report")
	m := &roadmap.Message{Key: "report:rcm-16:draft", To: []string{"reports@seesac.example"}, Subject: "s", Body: "b",
		Attachments: []roadmap.Attachment{{Name: "a.pdf", Data: pdf}, {Name: "copy.pdf", Data: pdf}}}
	if fresh, err := db.Enqueue(ctx, m, t0); err != nil || !fresh {
		t.Fatalf("Enqueue = %v, %v", fresh, err)
	}
	again := &roadmap.Message{Key: m.Key, To: []string{"someone@else.example"}, Subject: "other"}
	if fresh, err := db.Enqueue(ctx, again, t0.Add(time.Minute)); err != nil || fresh {
		t.Fatalf("a second Enqueue of the same key = %v, %v; want false, nil", fresh, err)
	}
	var blobs int
	if err := db.r.QueryRow(`SELECT count(*) FROM blobs`).Scan(&blobs); err != nil || blobs != 1 {
		t.Errorf("blobs = %d, %v; the same content is kept once", blobs, err)
	}
	if due, err := db.Due(ctx, t0.Add(-time.Second), 10); err != nil || len(due) != 0 {
		t.Errorf("due before its time: %v %v", due, err)
	}
	due, err := db.Due(ctx, t0, 10)
	if err != nil || len(due) != 1 || due[0].Subject != "s" || due[0].Attachments[0].Data != nil {
		t.Fatalf("Due = %+v, %v", due, err)
	}
	got := due[0]
	if err := db.Load(ctx, &got); err != nil || string(got.Attachments[1].Data) != string(pdf) {
		t.Fatalf("Load = %v", err)
	}
	if err := db.Attempt(ctx, m.Key, t0); err != nil {
		t.Fatal(err)
	}
	if fl, err := db.InFlight(ctx, m.Key); err != nil || !fl {
		t.Errorf("InFlight after Attempt = %v, %v", fl, err)
	}
	if err := db.Postpone(ctx, m.Key, "421 busy", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if fl, _ := db.InFlight(ctx, m.Key); fl {
		t.Error("still in flight after its outcome was recorded")
	}
	if err := db.Retry(ctx, m.Key, t0); !errors.Is(err, ErrNotFailed) {
		t.Errorf("Retry of a pending message = %v", err)
	}
	if err := db.Attempt(ctx, m.Key, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.Fail(ctx, m.Key, "554 refused"); err != nil {
		t.Fatal(err)
	}
	f, err := db.Message(ctx, m.Key)
	if err != nil || f.State != roadmap.MessageFailed || f.Tries != 2 || f.LastError != "554 refused" || !f.NextTry.IsZero() {
		t.Fatalf("after Fail: %+v, %v", f, err)
	}
	if err := db.Retry(ctx, m.Key, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.Attempt(ctx, m.Key, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.Delivered(ctx, m.Key, t0.Add(time.Hour), "smtp mail.example"); err != nil {
		t.Fatal(err)
	}
	s, err := db.Message(ctx, m.Key)
	if err != nil || s.State != roadmap.MessageSent || s.Tries != 1 || s.LastError != "" || !s.Sent.Equal(t0.Add(time.Hour)) || s.Via != "smtp mail.example" {
		t.Fatalf("after Delivered: %+v, %v", s, err)
	}
	if err := db.Attempt(ctx, m.Key, t0.Add(2*time.Hour)); err == nil {
		t.Error("a sent message was tried again")
	}
	evs, err := db.Events(ctx, t0)
	if err != nil || len(evs) != 1 || evs[0].Kind != EventDelivered {
		t.Errorf("audit = %+v, %v", evs, err)
	}
	if _, err := db.Message(ctx, "nope"); !errors.Is(err, ErrNoMessage) {
		t.Errorf("unknown key: %v", err)
	}
	if err := db.Retry(ctx, "nope", t0); !errors.Is(err, ErrNoMessage) {
		t.Errorf("Retry of an unknown key: %v", err)
	}
}
