package ingest

import (
	"context"
	"fmt"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

// maxGroup bounds the files committed together: their originals and notes
// made durable by one flush, and recorded in one ledger transaction.
const maxGroup = 64

// group is a run of consecutive files of a pass, judged and stored
// (unsynced) in inbox order, waiting for their commit (commitGroup). A
// later file of the group is judged as if the earlier ones were recorded:
// its duplicate test and its comparison with the previous period see them.
type group struct {
	members []member
	flush   datadir.Flush
	// accepted is the latest accepted file of the group for each
	// jurisdiction and period.
	accepted map[reportKey]*roadmap.Submission
}

type reportKey struct {
	jurisdiction string
	period       roadmap.Period
}

// member is one file of a group.
type member struct {
	d        drop
	sub      *roadmap.Submission
	source   string
	original *roadmap.Submission // for a duplicate, the version in force it equals
}

func (g *group) add(m member) {
	g.members = append(g.members, m)
	if m.sub.State != roadmap.Accepted {
		return
	}
	if g.accepted == nil {
		g.accepted = map[reportKey]*roadmap.Submission{}
	}
	g.accepted[reportKey{m.sub.Jurisdiction, m.sub.Period}] = m.sub
}

// inForce is the group's latest accepted file for j and p; ok is false when
// the group has none (the ledger then knows).
func (g *group) inForce(j string, p roadmap.Period) (*roadmap.Submission, bool) {
	if g == nil {
		return nil, false
	}
	s, ok := g.accepted[reportKey{j, p}]
	return s, ok
}

// checker is c with its Previous seeing the group's accepted files first.
func (g *group) checker(c *Checker) *Checker {
	if g == nil || len(g.accepted) == 0 || c.Previous == nil {
		return c
	}
	with := *c
	with.Previous = func(j string, p roadmap.Period) *roadmap.Submission {
		if s, ok := g.inForce(j, p); ok {
			return asRecorded(s)
		}
		return c.Previous(j, p)
	}
	return &with
}

// asRecorded is s as the ledger gives it back: each value carries its
// period (the report's when it has none of its own).
func asRecorded(s *roadmap.Submission) *roadmap.Submission {
	out := *s
	out.Values = make([]roadmap.Value, len(s.Values))
	for i, v := range s.Values {
		if v.Period.IsZero() {
			v.Period = s.Period
		}
		out.Values[i] = v
	}
	return &out
}

// result is what became of one member.
type result struct {
	out Outcome
	err error
}

// commitGroup commits g's files together, in the crash-safe order of the
// package doc: their originals and notes made durable at once, the folders
// synced once each, one ledger transaction for all; then, file by file, the
// feedback and the removal from the inbox. Until the transaction commits,
// every file is still in the inbox and unrecorded, so an interruption
// leaves the next pass to take them all again; after it, each is recorded
// and kept, and the next pass finishes those still in the inbox.
func (in *Intake) commitGroup(ctx context.Context, g *group) []result {
	if len(g.members) == 0 {
		return nil
	}
	all := func(err error) []result {
		rs := make([]result, len(g.members))
		for i, m := range g.members {
			rs[i] = result{Outcome{File: m.d.rel}, err}
		}
		return rs
	}
	if err := in.fail(stepWritten); err != nil {
		return all(err)
	}
	if err := g.flush.Sync(); err != nil {
		return all(fmt.Errorf("intake: keep the originals: %w", err))
	}
	if err := in.fail(stepStore); err != nil {
		return all(err)
	}
	recs := make([]roadmap.Recording, len(g.members))
	for i, m := range g.members {
		recs[i] = roadmap.Recording{Submission: m.sub, Source: m.source}
	}
	if err := in.Ledger.RecordAll(ctx, recs); err != nil {
		return all(fmt.Errorf("intake: record %d file(s): %w", len(recs), err))
	}
	if err := in.fail(stepRecord); err != nil {
		return all(err)
	}
	rs := make([]result, len(g.members))
	for i, m := range g.members {
		out, err := in.finish(ctx, m.d, m.sub, m.original, Outcome{File: m.d.rel})
		rs[i] = result{out, err}
	}
	return rs
}
