package main

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/deliver/smtptest"
)

// deliveryContacts are the contacts of the delivery tests: some
// jurisdictions have none.
const deliveryContacts = `contacts:
  seesac: [reports@seesac.example]
  AL: [al@example.al]
  BA: [ba.one@example.ba, "BA Two <ba.two@example.ba>"]
  RS: [rs@example.rs]
`

// deliveryData is a new data folder whose configuration has the contacts.
func deliveryData(t *testing.T) string {
	t.Helper()
	data := newDataFolder(t)
	if err := os.WriteFile(datadir.New(data).Config(), []byte(deliveryContacts), 0o644); err != nil {
		t.Fatal(err)
	}
	return data
}

// outboxAt runs 'outbox --json'.
func outboxAt(t *testing.T, data string) outboxOutput {
	t.Helper()
	r := runAt(t, intakeClock, "outbox", "--data", data, "--json").want(t, exitOK)
	var out outboxOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("outbox --json: %v\n%s", err, r.stdout)
	}
	return out
}

func sampleOf(t *testing.T, j, period string) string {
	t.Helper()
	return filepath.Join(samplesDir, "workbooks", "valid", j, "roadmap-"+j+"-"+period+".xlsx")
}

// Files dropped for several jurisdictions, into their own folders, into
// another's folder and into the shared inbox: every receipt goes to the
// contacts of the folder the file came from, a shared-inbox drop to those of
// the jurisdiction its content names, and nobody else gets anything.
func TestReceiptRecipientsPerJurisdiction(t *testing.T) {
	t.Parallel()
	data := deliveryData(t)
	drop(t, data, "AL", sampleOf(t, "AL", "2026-H1"), "")
	drop(t, data, "AL", sampleOf(t, "BA", "2026-H1"), "from-ba.xlsx") // BA's data in AL's folder
	drop(t, data, "", sampleOf(t, "RS", "2026-H1"), "")               // shared inbox, names RS
	drop(t, data, "BA", sampleOf(t, "BA", "2025-H2"), "")
	drop(t, data, "ME", sampleOf(t, "ME", "2026-H1"), "")             // no contacts
	drop(t, data, "RS", sampleOf(t, "MK", "2026-H1"), "from-mk.xlsx") // MK's data in RS's folder
	if err := os.WriteFile(filepath.Join(data, "inbox", "notes.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	in := ingestAt(t, intakeClock, data)
	if in.Accepted != 4 || in.Rejected != 3 {
		t.Fatalf("ingest: %d accepted, %d rejected", in.Accepted, in.Rejected)
	}
	out := outboxAt(t, data)
	got := map[string][]string{}
	for _, m := range out.Messages {
		key := m.Key
		if strings.HasPrefix(key, "rejection:") {
			// rejection:J:RECEIVED-HASH: one per folder here.
			key = key[:strings.LastIndexByte(key, ':')]
		}
		if _, dup := got[key]; dup {
			t.Errorf("two messages %s", key)
		}
		got[key] = m.To
	}
	al, ba, rs := []string{"al@example.al"}, []string{"ba.one@example.ba", "BA Two <ba.two@example.ba>"}, []string{"rs@example.rs"}
	want := map[string][]string{
		"receipt:AL:2026-H1:v1": al,
		"rejection:AL":          al, // BA's data in AL's folder
		"receipt:RS:2026-H1:v1": rs, // shared inbox
		"receipt:BA:2025-H2:v1": ba,
		"rejection:RS":          rs, // MK's data in RS's folder
	}
	if len(got) != len(want) {
		t.Errorf("messages %v, want %v", got, want)
	}
	for k, to := range want {
		if !slices.Equal(got[k], to) {
			t.Errorf("%s goes to %v, want %v", k, got[k], to)
		}
	}
	if out.Pending != len(want) || out.Sent != 0 {
		t.Errorf("counts: %+v", out)
	}
	for _, m := range out.Messages {
		if strings.HasPrefix(m.Key, "rejection:") && (len(m.Attachments) != 1 || !strings.HasSuffix(m.Attachments[0].Name, ".annotated.xlsx")) {
			t.Errorf("%s carries %v, want the annotated workbook", m.Key, m.Attachments)
		}
		if m.Key == "receipt:RS:2026-H1:v1" && len(m.Attachments) != 0 {
			t.Errorf("a shared-inbox receipt carries %v", m.Attachments)
		}
	}
}

// 'outbox retry' takes a failed message back to pending, and says what is
// wrong with a key that is unknown or not failed.
func TestOutboxRetry(t *testing.T) {
	t.Parallel()
	data := deliveryData(t)
	drop(t, data, "AL", sampleOf(t, "AL", "2026-H1"), "")
	ingestAt(t, intakeClock, data)
	const key = "receipt:AL:2026-H1:v1"
	r := runAt(t, intakeClock, "outbox", "retry", key, "--data", data).want(t, exitProblem)
	if !strings.Contains(r.stderr, "only a failed message can be retried") {
		t.Errorf("retry of a pending message: %s", r.stderr)
	}
	db := ledger(t, data)
	ctx := context.Background()
	if err := db.Attempt(ctx, key, intakeClock); err != nil {
		t.Fatal(err)
	}
	if err := db.Fail(ctx, key, "550 no such user"); err != nil {
		t.Fatal(err)
	}
	r = runAt(t, intakeClock, "outbox", "--data", data).want(t, exitOK)
	if !strings.Contains(r.stdout, "550 no such user") || !strings.Contains(r.stdout, "0 pending, 0 sent, 1 failed; 'roadmap outbox retry KEY'") {
		t.Errorf("outbox:\n%s", r.stdout)
	}
	runAt(t, intakeClock, "outbox", "retry", key, "--data", data).want(t, exitOK)
	if m, err := db.Message(ctx, key); err != nil || m.State != roadmap.MessagePending {
		t.Errorf("after retry: %+v, %v", m, err)
	}
	r = runAt(t, intakeClock, "outbox", "retry", "receipt:XX", "--data", data).want(t, exitProblem)
	if !strings.Contains(r.stderr, "no message with this key") {
		t.Errorf("retry of an unknown key: %s", r.stderr)
	}
	runAt(t, intakeClock, "outbox", "resend", "--data", data).want(t, exitUsage)
}

// The daemon sends a receipt within moments of the verdict and the draft to
// SEESAC when it is built, through a real SMTP server with STARTTLS and a
// login; a server that answers 4xx keeps the message pending, and the daemon
// still stops at once.
func TestServeDeliversOverSMTP(t *testing.T) {
	t.Parallel()
	ms := smtptest.Start(t, smtptest.Options{})
	cfg := ms.Config(roadmap.TLSStartTLS)
	dir := t.TempDir()
	pw := filepath.Join(dir, "smtp-password")
	if err := os.WriteFile(pw, []byte(smtptest.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	data := serveData(t, fmt.Sprintf(`delivery:
  from: "Roadmap reports <roadmap@seesac.example>"
  smtp: {host: %s, port: %d, tls: starttls, username: %s, password_file: %s, timeout: 5s}
%snotify: {call_for_data: off, reminders: [], late: false}
`, cfg.Host, cfg.Port, cfg.Username, pw, deliveryContacts))
	clock := &testClock{t: before}
	d := startServeTLS(t, data, clock.now, ms.ClientTLS())

	dst := filepath.Join(data, "inbox", "AL", "report.xlsx")
	if err := os.WriteFile(dst, sample(t, "AL/roadmap-AL-2026-H1.xlsx"), 0o644); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the receipt reaches the server", func() bool { return len(ms.Messages()) == 1 })
	rc := ms.Messages()[0]
	m := smtptest.Parse(t, rc.Data)
	if !rc.TLS || rc.User != smtptest.User || !slices.Equal(rc.To, []string{"al@example.al"}) ||
		m.Header.Get("Subject") != "[Roadmap] AL 2026-H1: accepted (version 1)" ||
		m.Header.Get("Message-Id") != "<receipt.AL.2026-H1.v1@seesac.example>" {
		t.Errorf("receipt: tls=%v user=%q to=%v headers=%v", rc.TLS, rc.User, rc.To, m.Header)
	}

	clock.set(draftAt)
	d.tick(t)
	eventually(t, "the draft reaches SEESAC", func() bool { return len(ms.Messages()) == 2 })
	rc = ms.Messages()[1]
	m = smtptest.Parse(t, rc.Data)
	if !slices.Equal(rc.To, []string{"reports@seesac.example"}) || m.Header.Get("Subject") != "[Roadmap] rcm-test 2026-H1: draft report" {
		t.Errorf("draft: to=%v subject=%q", rc.To, m.Header.Get("Subject"))
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	mr := multipart.NewReader(m.Body, params["boundary"])
	for p, err := mr.NextPart(); err == nil; p, err = mr.NextPart() {
		if p.FileName() != "" {
			names = append(names, p.FileName())
		}
	}
	for _, want := range []string{"rcm-test-regional-draft.pdf", "rcm-test-regional-draft-data.xlsx", "rcm-test-synthesis.xlsx"} {
		if !slices.Contains(names, want) {
			t.Errorf("the draft's attachments are %v, want %s among them", names, want)
		}
	}

	ms.Fail(nil, &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"})
	if err := os.WriteFile(dst, sample(t, "BA/roadmap-BA-2026-H1.xlsx"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := ledger(t, data)
	eventually(t, "the rejection is tried and postponed", func() bool {
		ms, err := db.Messages(context.Background())
		return err == nil && slices.ContainsFunc(ms, func(m roadmap.Message) bool {
			return strings.HasPrefix(m.Key, "rejection:AL:") && m.State == roadmap.MessagePending && strings.Contains(m.LastError, "451")
		})
	})
	if code := d.shutdown(t); code != exitOK {
		t.Errorf("serve exited with %d", code)
	}
	n, _, err := db.Pending(context.Background())
	if err != nil || n != 1 {
		t.Errorf("pending after the stop: %d, %v", n, err)
	}
	if !strings.Contains(d.log.String(), "message not sent; trying again later") {
		t.Errorf("no log line for the postponed message:\n%s", d.log.String())
	}
}
