package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/deliver"
	"github.com/seesac/roadmap/ingest"
	"github.com/seesac/roadmap/store"
	"github.com/seesac/roadmap/templates"
)

// This file builds the delivery side (docs/delivery.md) from a setup: what
// is due (deliver.Notices), where it goes (an SMTP server or outbox/), and
// the planner that records messages in the ledger's outbox.

// newNotices decides the messages of s's configuration.
func newNotices(s *setup) *deliver.Notices {
	cat := s.Catalogue
	return &deliver.Notices{
		Contacts: s.Config.Contacts, Notify: s.Config.Notify, Catalogue: cat, Calendar: s.Calendar,
		Data: s.data(), MaxAttachment: int64(s.Config.Delivery.MaxAttachmentMB) << 20,
		Template: func(j string, p roadmap.Period) (string, []byte, error) {
			var b bytes.Buffer
			if err := templates.WriteWorkbook(&b, cat, j, p); err != nil {
				return "", nil, err
			}
			return templates.FileName(j, p), b.Bytes(), nil
		},
	}
}

// newPlanner records s's messages in db at the clock now.
func newPlanner(s *setup, db *store.DB, log *slog.Logger, now func() time.Time) *deliver.Planner {
	return &deliver.Planner{Notices: newNotices(s), Ledger: db, Now: now, Log: log}
}

// newTransport is the configured SMTP server, or .eml files into outbox/
// when there is none. tlsConfig nil is the system's roots.
func newTransport(s *setup, tlsConfig *tls.Config) (deliver.Transport, error) {
	cfg := s.Config.Delivery.SMTP
	if !cfg.Configured() {
		return &deliver.Files{Data: s.data()}, nil
	}
	var password string
	if cfg.PasswordFile != "" {
		b, err := os.ReadFile(cfg.PasswordFile)
		if err != nil {
			return nil, fmt.Errorf("delivery.smtp.password_file: %w", err)
		}
		password = strings.TrimRight(string(b), "\r\n")
	}
	return &deliver.SMTP{Config: cfg, Password: password, TLS: tlsConfig}, nil
}

// newSender sends db's outbox with s's transport.
func newSender(s *setup, db *store.DB, log *slog.Logger, now func() time.Time, tlsConfig *tls.Config) (*deliver.Sender, error) {
	t, err := newTransport(s, tlsConfig)
	if err != nil {
		return nil, err
	}
	return deliver.NewSender(db, t, s.Config.Delivery.From, now, log), nil
}

// verdictOf is what delivery needs of one file the intake took; ok is false
// for a file left in the inbox.
func verdictOf(o ingest.Outcome) (deliver.Verdict, bool) {
	if o.State == "" || o.Submission == nil {
		return deliver.Verdict{}, false
	}
	return deliver.Verdict{Folder: o.Submission.Folder, File: o.File, Submission: o.Submission, Feedback: o.Feedback}, true
}

// answer is the intake's Answered: the receipt of a file taken, recorded
// for delivery before the file leaves the inbox (a receipt already recorded
// is not recorded again).
func answer(p *deliver.Planner) func(context.Context, ingest.Outcome) error {
	return func(ctx context.Context, o ingest.Outcome) error {
		v, ok := verdictOf(o)
		if !ok {
			return nil
		}
		return p.Verdicts(ctx, v)
	}
}
