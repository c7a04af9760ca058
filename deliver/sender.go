package deliver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/seesac/roadmap"
)

// Outbox is what the sender needs of the ledger; *store.DB implements it.
type Outbox interface {
	// Due lists the pending messages due at now, without attachment content.
	Due(ctx context.Context, now time.Time, limit int) ([]roadmap.Message, error)
	// Load reads the content of a message's attachments.
	Load(ctx context.Context, m *roadmap.Message) error
	// InFlight reports whether a try was started and its outcome never recorded.
	InFlight(ctx context.Context, key string) (bool, error)
	// Attempt records that a try starts now (before the server sees it).
	Attempt(ctx context.Context, key string, now time.Time) error
	// Delivered records that the message went out, by way of via.
	Delivered(ctx context.Context, key string, now time.Time, via string) error
	// Postpone keeps the message pending, due again at next.
	Postpone(ctx context.Context, key, reason string, next time.Time) error
	// Fail marks the message failed until an operator retries it.
	Fail(ctx context.Context, key, reason string) error
}

// Defaults of the sender.
const (
	DefaultInterval   = 15 * time.Second
	DefaultBackoff    = time.Minute
	DefaultMaxBackoff = time.Hour
	DefaultMaxTries   = 10
	// batch is how many due messages one step takes.
	batch = 50
)

// Outcomes of a try, as counted in the metrics.
const (
	OutcomeSent      = "sent"
	OutcomePostponed = "postponed"
	OutcomeFailed    = "failed"
)

// Sender sends the due messages of the outbox, one at a time, and records
// each outcome: sent; postponed with exponential backoff after a failure
// that may pass (server unreachable, login refused, 4xx, connection
// dropped); failed after a 5xx answer to the message or when the tries run
// out. Its zero durations are the defaults.
type Sender struct {
	Outbox    Outbox
	Transport Transport
	// From is the sender's address; it also names the Message-IDs.
	From string
	Now  func() time.Time
	Log  *slog.Logger
	// Interval is how often Run looks for due messages when not woken.
	Interval time.Duration
	// Backoff is the wait after the first failed try, doubled after each
	// further one up to MaxBackoff; MaxTries tries in all.
	Backoff    time.Duration
	MaxBackoff time.Duration
	MaxTries   int
	// Counted, when set, is told each try's outcome (the metrics).
	Counted func(outcome string)
	// Plan, when set, runs before each look at the outbox in Run, to record
	// the messages that have fallen due (Planner.Tick); its error is logged.
	Plan func(ctx context.Context) error

	wake chan struct{}
	// accepted, when set, runs after the transport took a message and
	// before the ledger records it; an error stops there, as a crash would
	// (tests use it).
	accepted func(key string) error
}

// NewSender is a sender with the defaults.
func NewSender(outbox Outbox, t Transport, from string, now func() time.Time, log *slog.Logger) *Sender {
	return &Sender{Outbox: outbox, Transport: t, From: from, Now: now, Log: log, wake: make(chan struct{}, 1)}
}

// Wake makes a running sender look for due messages now (a message was
// just recorded); a wake before Run starts is kept for it. It never blocks,
// and does nothing for a sender not made by NewSender.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run sends due messages until ctx is cancelled: at once, then every
// Interval and whenever woken. A send in progress when ctx is cancelled is
// cut off (its connection closed) and the message stays pending.
func (s *Sender) Run(ctx context.Context) {
	interval := s.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if s.Plan != nil {
			if err := s.Plan(ctx); err != nil && ctx.Err() == nil {
				s.log().Error("messages that fell due could not all be recorded; trying again", "err", err)
			}
		}
		if _, err := s.Step(ctx); err != nil && ctx.Err() == nil {
			s.log().Error("the outbox could not be read; trying again", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}

// Step tries every message due now once and returns how many went out.
func (s *Sender) Step(ctx context.Context) (int, error) {
	due, err := s.Outbox.Due(ctx, s.now(), batch)
	if err != nil {
		return 0, err
	}
	sent := 0
	for i := range due {
		if ctx.Err() != nil {
			break
		}
		outcome, err := s.send(ctx, &due[i])
		if err != nil {
			return sent, err
		}
		switch outcome {
		case OutcomeSent:
			sent++
		case OutcomePostponed:
			// The server is down or busy: the other messages would only
			// wait out the same timeout; they go at the next step.
			return sent, nil
		}
	}
	return sent, nil
}

// send makes one try of m and returns its outcome. Its error is the
// ledger's (the outcome could not be recorded); a failed try is an outcome,
// recorded and logged.
func (s *Sender) send(ctx context.Context, m *roadmap.Message) (string, error) {
	log := s.log().With("key", m.Key, "to", m.To)
	// The outcome is recorded even when the daemon is stopping.
	rec := context.WithoutCancel(ctx)
	if err := s.Outbox.Load(ctx, m); err != nil {
		return "", err
	}
	again, err := s.Outbox.InFlight(ctx, m.Key)
	if err != nil {
		return "", err
	}
	if again {
		log.Warn("sending again a message whose last try was cut off: the server may have it already; same Message-ID, so mail clients show it once",
			"message_id", MessageID(m.Key, s.From))
	}
	now := s.now()
	if err := s.Outbox.Attempt(rec, m.Key, now); err != nil {
		return "", err
	}
	tries := m.Tries + 1
	msg, err := Compose(m, s.From)
	var via string
	if err == nil {
		via, err = s.Transport.Send(ctx, m.Key, msg)
	} else {
		err = &Refused{Err: err}
	}
	if err == nil {
		if s.accepted != nil {
			if ierr := s.accepted(m.Key); ierr != nil {
				return "", ierr
			}
		}
		log.Info("message sent", "via", via, "subject", m.Subject, "tries", tries)
		return s.outcome(OutcomeSent, s.Outbox.Delivered(rec, m.Key, s.now(), via))
	}
	var refused *Refused
	switch {
	case errors.As(err, &refused):
		log.Error("message refused: it will not be tried again until an operator retries it ('roadmap outbox retry KEY')", "err", err, "tries", tries)
		return s.outcome(OutcomeFailed, s.Outbox.Fail(rec, m.Key, err.Error()))
	case tries >= s.maxTries():
		log.Error("message failed: the tries ran out; 'roadmap outbox retry KEY' queues it again", "err", err, "tries", tries)
		return s.outcome(OutcomeFailed, s.Outbox.Fail(rec, m.Key, fmt.Sprintf("gave up after %d tries: %v", tries, err)))
	default:
		next := now.Add(s.backoff(tries))
		log.Warn("message not sent; trying again later", "err", err, "tries", tries, "next", next.Format(time.RFC3339))
		return s.outcome(OutcomePostponed, s.Outbox.Postpone(rec, m.Key, err.Error(), next))
	}
}

// outcome counts a recorded outcome.
func (s *Sender) outcome(o string, recordErr error) (string, error) {
	if recordErr != nil {
		return "", recordErr
	}
	if s.Counted != nil {
		s.Counted(o)
	}
	return o, nil
}

// backoff is the wait after the n-th failed try: Backoff, doubled each
// time, at most MaxBackoff.
func (s *Sender) backoff(n int) time.Duration {
	d, most := s.Backoff, s.MaxBackoff
	if d <= 0 {
		d = DefaultBackoff
	}
	if most <= 0 {
		most = DefaultMaxBackoff
	}
	for i := 1; i < n && d < most; i++ {
		d *= 2
	}
	return min(d, most)
}

func (s *Sender) maxTries() int {
	if s.MaxTries <= 0 {
		return DefaultMaxTries
	}
	return s.MaxTries
}

func (s *Sender) now() time.Time    { return clockOf(s.Now) }
func (s *Sender) log() *slog.Logger { return loggerOf(s.Log) }

// clockOf reads now, or the real clock when none is injected.
func clockOf(now func() time.Time) time.Time {
	if now == nil {
		return time.Now()
	}
	return now()
}

// loggerOf is log, or a logger that discards when none is injected.
func loggerOf(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return log
}
