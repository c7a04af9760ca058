package deliver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/seesac/roadmap"
)

// PlanLedger is what the planner needs of the ledger; *store.DB implements it.
type PlanLedger interface {
	// Enqueue records a message unless its key is recorded already.
	Enqueue(ctx context.Context, m *roadmap.Message, now time.Time) (bool, error)
	// Has reports whether a message with the key is recorded.
	Has(ctx context.Context, key string) (bool, error)
	Builds(ctx context.Context) ([]roadmap.Build, error)
	// Latest is the accepted version of j's report for p, or nil.
	Latest(ctx context.Context, j string, p roadmap.Period) (*roadmap.Submission, error)
}

// Planner records the messages that fall due in the outbox: on a verdict of
// the intake, after a scheduled build, and at each tick (the notices of the
// rounds, and the reports of builds made while it was not running). The
// outbox keeps one message per key, so recording the same message again is
// harmless. Wake, when set, is called after something was recorded.
type Planner struct {
	Notices *Notices
	Ledger  PlanLedger
	Now     func() time.Time
	Log     *slog.Logger
	Wake    func()
}

// Verdicts records the receipts of files just taken.
func (p *Planner) Verdicts(ctx context.Context, vs ...Verdict) error {
	var errs []error
	for _, v := range vs {
		m, err := p.Notices.Receipt(v)
		if err == nil && m != nil {
			err = p.record(ctx, m)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("receipt of %s: %w", v.File, err))
		}
	}
	return errors.Join(errs...)
}

// Built records the report message of a scheduled build, when one is due
// for it (a build by hand is the operator's to send).
func (p *Planner) Built(ctx context.Context, b roadmap.Build) error {
	if !b.Scheduled {
		return nil
	}
	return p.Report(ctx, b)
}

// Report records the report message of a build of a meeting of the
// calendar, scheduled or not, unless one was recorded for its meeting and
// kind.
func (p *Planner) Report(ctx context.Context, b roadmap.Build) error {
	m, ok := p.Notices.Calendar.Find(b.Meeting)
	if !ok {
		return nil
	}
	return p.report(ctx, ReportDue{Build: b, Meeting: *m})
}

func (p *Planner) report(ctx context.Context, r ReportDue) error {
	key := fmt.Sprintf("report:%s:%s", r.Meeting.ID, r.Build.Kind)
	if has, err := p.Ledger.Has(ctx, key); err != nil || has {
		return err
	}
	m, err := p.Notices.Report(r.Build, r.Meeting)
	if err != nil || m == nil {
		return err
	}
	return p.record(ctx, m)
}

// Tick records the notices of the rounds due now, and the reports of
// scheduled builds not yet recorded.
func (p *Planner) Tick(ctx context.Context) error {
	now := p.now()
	ms, err := p.Notices.Round(now, func(j string, per roadmap.Period) (bool, error) {
		s, err := p.Ledger.Latest(ctx, j, per)
		return s != nil, err
	}, func(key string) (bool, error) { return p.Ledger.Has(ctx, key) })
	if err != nil {
		return err
	}
	var errs []error
	for i := range ms {
		if has, err := p.Ledger.Has(ctx, ms[i].Key); err != nil || has {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, p.record(ctx, &ms[i]))
	}
	builds, err := p.Ledger.Builds(ctx)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, r := range p.Notices.ReportsDue(builds, now) {
		errs = append(errs, p.report(ctx, r))
	}
	return errors.Join(errs...)
}

func (p *Planner) record(ctx context.Context, m *roadmap.Message) error {
	fresh, err := p.Ledger.Enqueue(ctx, m, p.now())
	if err != nil {
		return err
	}
	if fresh {
		p.log().Info("message recorded for delivery", "key", m.Key, "to", m.To, "subject", m.Subject)
		if p.Wake != nil {
			p.Wake()
		}
	}
	return nil
}

func (p *Planner) now() time.Time    { return clockOf(p.Now) }
func (p *Planner) log() *slog.Logger { return loggerOf(p.Log) }
