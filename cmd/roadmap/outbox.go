package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/deliver"
	"github.com/seesac/roadmap/store"
)

func runOutbox(ctx context.Context, e *env, args []string) int {
	f := e.newFlags(true, "[--json]", "retry KEY")
	ops, code, ok := e.parse(f, args)
	if !ok {
		return code
	}
	switch {
	case len(ops) == 0:
	case ops[0] == "retry" && len(ops) == 2:
	case ops[0] == "retry":
		return e.usageError("retry takes one message key, such as receipt:AL:2026-H1:v3 ('roadmap outbox' lists them)")
	default:
		return e.usageError("unknown action %q: run 'roadmap outbox' to list the messages, 'roadmap outbox retry KEY' to queue a failed one again", ops[0])
	}
	s, err := e.load(f)
	if err != nil {
		return e.fail(err)
	}
	if len(ops) == 2 {
		return e.retryMessage(ctx, s, ops[1])
	}
	db, err := readLedger(ctx, s)
	if err != nil {
		return e.fail(err)
	}
	var ms []roadmap.Message
	if db != nil {
		defer db.Close()
		if ms, err = db.Messages(ctx); err != nil {
			return e.fail(err)
		}
	}
	out := outboxOutput{Messages: make([]roadmap.Message, 0, len(ms))}
	for _, m := range ms {
		m.Body = ""
		out.Messages = append(out.Messages, m)
		switch m.State {
		case roadmap.MessagePending:
			out.Pending++
		case roadmap.MessageSent:
			out.Sent++
		case roadmap.MessageFailed:
			out.Failed++
		}
	}
	if f.json {
		if err := e.printJSON(out); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	if err := e.printOutbox(s, out); err != nil {
		return e.fail(err)
	}
	return exitOK
}

// outboxOutput is what `outbox --json` prints: the counts by state and
// every message, newest first, without its body.
type outboxOutput struct {
	Pending  int               `json:"pending"`
	Sent     int               `json:"sent"`
	Failed   int               `json:"failed"`
	Messages []roadmap.Message `json:"messages"`
}

func (e *env) printOutbox(s *setup, out outboxOutput) error {
	if len(out.Messages) == 0 {
		fmt.Fprintln(e.stdout, "the outbox is empty: no message has been recorded for delivery")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tSTATE\tTRIES\tRECORDED\tTO\tSUBJECT\tVIA OR LAST ERROR")
	for _, m := range out.Messages {
		detail := m.Via
		switch m.State {
		case roadmap.MessagePending:
			detail = "next try " + m.NextTry.In(s.Location).Format(timeLayout)
			if m.LastError != "" {
				detail += ": " + m.LastError
			}
		case roadmap.MessageFailed:
			detail = m.LastError
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", m.Key, m.State, m.Tries, m.Created.In(s.Location).Format(timeLayout),
			strings.Join(m.To, ", "), m.Subject, oneLine(detail))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("print outbox: %w", err)
	}
	fmt.Fprintf(e.stdout, "%d pending, %d sent, %d failed", out.Pending, out.Sent, out.Failed)
	if out.Failed > 0 {
		fmt.Fprint(e.stdout, "; 'roadmap outbox retry KEY' queues a failed message again")
	}
	fmt.Fprintln(e.stdout)
	return nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 120 {
		return string(r[:119]) + "…"
	}
	return s
}

// retryMessage takes a failed message back to pending; the daemon sends it
// at its next look at the outbox.
func (e *env) retryMessage(ctx context.Context, s *setup, key string) int {
	db, err := openLedger(ctx, s)
	if err != nil {
		return e.fail(err)
	}
	defer db.Close()
	if err := db.Retry(ctx, key, e.now()); err != nil {
		if errors.Is(err, store.ErrNoMessage) || errors.Is(err, store.ErrNotFailed) {
			return e.fail(fmt.Errorf("%w ('roadmap outbox' lists the messages and their states)", err))
		}
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "%s is queued again; 'roadmap serve' sends it within %s\n", key, deliver.DefaultInterval)
	return exitOK
}
