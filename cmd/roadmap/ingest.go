package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/ingest"
)

func runIngest(ctx context.Context, e *env, args []string) int {
	f := e.newFlags(true, "[--stable DURATION] [--json]")
	var stable optionalDuration
	f.Var(&stable, "stable", "take a file once its size and time have not changed for `DURATION`, such as 5s (default: intake.stable of the configuration; 0 takes every file at once)")
	if ops, code, ok := e.parse(f, args); !ok {
		return code
	} else if len(ops) > 0 {
		return e.usageError("takes no arguments, got %q (drop files into the inbox; 'roadmap validate FILE' checks one)", ops[0])
	}
	s, err := e.load(f)
	if err != nil {
		return e.fail(err)
	}
	if !stable.set {
		stable.d = s.Config.Intake.Stable
	}
	sum, err := e.ingest(ctx, s, stable.d)
	if sum != nil {
		var perr error
		if f.json {
			perr = e.printJSON(ingestOutputOf(sum))
		} else {
			e.printIngest(sum)
		}
		err = errors.Join(err, perr)
	}
	if err != nil {
		// Rejected files are the product working; this is the pass itself
		// failing, such as a folder it cannot write.
		return e.fail(err)
	}
	return exitOK
}

// optionalDuration is a duration flag that knows whether it was given, so
// that an absent --stable falls back to the configuration.
type optionalDuration struct {
	d   time.Duration
	set bool
}

func (o *optionalDuration) String() string {
	if o == nil || !o.set {
		return ""
	}
	return o.d.String()
}

func (o *optionalDuration) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("write a duration such as 5s or 0: %w", err)
	}
	if d < 0 {
		return errors.New("a duration cannot be negative")
	}
	o.d, o.set = d, true
	return nil
}

// ingest makes one intake pass over s's inbox under the data folder's lock.
// The summary is nil when the pass could not start; otherwise it lists what
// was done even when some files failed (err says which).
func (e *env) ingest(ctx context.Context, s *setup, stable time.Duration) (*ingest.Summary, error) {
	log := e.logger(s.Config.Log.Format)
	release, err := lockData(s, log)
	if err != nil {
		return nil, err
	}
	defer release()
	db, err := openLedger(ctx, s)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	checker, err := newChecker(ctx, s, db, log)
	if err != nil {
		return nil, err
	}
	in := newIntake(s, db, checker, log, stable, e.now)
	in.Answered = answer(newPlanner(s, db, log, e.now)) // 'roadmap serve' sends them
	sum, err := in.Pass(ctx)
	return &sum, err
}

// ingestOutput is what `ingest --json` prints: the counts and, per file, what
// became of it (without its values, which 'roadmap history' and the feedback
// receipt show).
type ingestOutput struct {
	Accepted   int          `json:"accepted"`
	Rejected   int          `json:"rejected"`
	Duplicates int          `json:"duplicates"`
	Skipped    int          `json:"skipped"`
	Files      []ingestFile `json:"files"`
}

type ingestFile struct {
	File         string            `json:"file"`
	State        string            `json:"state"` // accepted, rejected, duplicate or skipped
	Reason       string            `json:"reason,omitempty"`
	Jurisdiction string            `json:"jurisdiction,omitempty"`
	Period       roadmap.Period    `json:"period,omitzero"`
	Version      int               `json:"version,omitempty"`
	Hash         string            `json:"hash,omitempty"`
	Stored       string            `json:"stored,omitempty"`
	Feedback     []string          `json:"feedback"`
	Findings     []roadmap.Finding `json:"findings"`
	Resumed      bool              `json:"resumed,omitempty"`
}

// skipped is the state shown for a file left in the inbox for a later pass.
const skipped = "skipped"

func ingestOutputOf(sum *ingest.Summary) ingestOutput {
	out := ingestOutput{Accepted: sum.Accepted, Rejected: sum.Rejected, Duplicates: sum.Duplicates,
		Skipped: sum.Waiting, Files: []ingestFile{}}
	for _, o := range sum.Outcomes {
		f := ingestFile{File: o.File, State: string(o.State), Reason: o.Waiting, Stored: o.Stored,
			Feedback: o.Feedback, Resumed: o.Resumed, Findings: []roadmap.Finding{}}
		if f.State == "" {
			f.State = skipped
		}
		if f.Feedback == nil {
			f.Feedback = []string{}
		}
		if s := o.Submission; s != nil {
			f.Jurisdiction, f.Period, f.Version, f.Hash = s.Jurisdiction, s.Period, s.Version, s.Hash
			if s.Findings != nil {
				f.Findings = s.Findings
			}
		}
		out.Files = append(out.Files, f)
	}
	return out
}

func (e *env) printIngest(sum *ingest.Summary) {
	for _, f := range ingestOutputOf(sum).Files {
		// SEESAC's synthesis is the one accepted file of no jurisdiction.
		of := f.Jurisdiction + " " + f.Period.String()
		if f.Jurisdiction == "" {
			of = "SEESAC's synthesis for " + f.Period.String()
		}
		var what string
		switch roadmap.State(f.State) {
		case roadmap.Accepted:
			what = fmt.Sprintf("accepted as version %d of %s", f.Version, of)
		case roadmap.Duplicate:
			what = fmt.Sprintf("duplicate of a version of %s already accepted; not counted again", of)
		case roadmap.Rejected:
			what = "rejected" + countText(roadmap.CountFindings(f.Findings, roadmap.Error), "error")
		default:
			what = "skipped: " + f.Reason
		}
		if f.Resumed {
			what += " (finishing an interrupted pass)"
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", roadmap.Printable(f.File), what)
		if f.Stored != "" {
			fmt.Fprintf(e.stdout, "  kept as %s\n", roadmap.Printable(f.Stored))
		}
		if len(f.Feedback) > 0 {
			names := make([]string, len(f.Feedback))
			for i, n := range f.Feedback {
				names[i] = roadmap.Printable(n)
			}
			fmt.Fprintf(e.stdout, "  feedback: %s\n", strings.Join(names, ", "))
		}
	}
	fmt.Fprintf(e.stdout, "%d accepted, %d rejected, %d duplicate(s), %d skipped\n",
		sum.Accepted, sum.Rejected, sum.Duplicates, sum.Waiting)
}
