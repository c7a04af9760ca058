package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/seesac/roadmap"
)

func runValidate(ctx context.Context, e *env, args []string) int {
	f := e.newFlags(true, "FILE... [--folder J] [--json]")
	var folder string
	f.StringVar(&folder, "folder", "", "check each FILE as if dropped into inbox/`J`/, so that it must carry J's data")
	files, code, ok := e.parse(f, args)
	if !ok {
		return code
	}
	if len(files) == 0 {
		return e.usageError("give the workbook FILE(s) to check")
	}
	for _, file := range files {
		if _, err := os.Lstat(file); err != nil {
			return e.usageError("cannot check %s: %v", file, err)
		}
	}
	s, err := e.load(f)
	if err != nil {
		return e.fail(err)
	}
	if folder != "" {
		j, ok := s.Catalogue.Jurisdiction(folder)
		if !ok {
			return e.usageError("--folder %q is not a jurisdiction of the catalogue: use one of %s", folder, jurisdictionCodes(s.Catalogue))
		}
		folder = j.Code
	}
	results, err := e.validate(ctx, s, files, folder)
	if err != nil {
		return e.fail(err)
	}
	if f.json {
		err = e.printJSON(results)
	} else {
		e.printValidation(results, s.Location)
	}
	if err != nil {
		return e.fail(err)
	}
	for _, r := range results {
		if !r.OK {
			return exitProblem
		}
	}
	return exitOK
}

// validation is what `validate --json` prints for one file.
type validation struct {
	File         string            `json:"file"`
	OK           bool              `json:"ok"`
	Jurisdiction string            `json:"jurisdiction"`
	Period       roadmap.Period    `json:"period"`
	Hash         string            `json:"hash,omitempty"`
	Findings     []roadmap.Finding `json:"findings"`
	// DuplicateOf is the recorded version with the same content, if any:
	// ingest would count the file as a duplicate of it.
	DuplicateOf *recordedVersion `json:"duplicate_of,omitempty"`
}

type recordedVersion struct {
	Version  int       `json:"version"`
	Name     string    `json:"name"`
	Received time.Time `json:"received"`
}

// validate checks files exactly as ingest would, as received now: a dry run
// of the intake (the same reading, rules and checks, compared with the
// ledger's previous period when there is a ledger), which writes nothing.
func (e *env) validate(ctx context.Context, s *setup, files []string, folder string) ([]validation, error) {
	log := e.logger(s.Config.Log.Format)
	db, err := readLedger(ctx, s)
	if err != nil {
		return nil, err
	}
	if db != nil {
		defer db.Close()
	}
	checker, err := newChecker(ctx, s, db, log)
	if err != nil {
		return nil, err
	}
	in := newIntake(s, db, checker, log, 0, e.now)
	out := make([]validation, 0, len(files))
	for _, file := range files {
		o, err := in.DryRun(ctx, file, folder)
		if err != nil {
			return nil, err
		}
		sub := o.Submission
		if sub == nil {
			return nil, fmt.Errorf("%s: not checked: %s", file, o.Waiting)
		}
		v := validation{File: file, OK: !roadmap.HasErrors(sub.Findings), Jurisdiction: sub.Jurisdiction,
			Period: sub.Period, Hash: sub.Hash, Findings: sub.Findings}
		if v.Findings == nil {
			v.Findings = []roadmap.Finding{}
		}
		if db != nil && v.OK && sub.Hash != "" {
			prior, err := db.InForce(ctx, sub.Jurisdiction, sub.Period)
			if err != nil {
				return nil, err
			}
			if prior != nil && prior.Hash == sub.Hash {
				v.DuplicateOf = &recordedVersion{Version: prior.Version, Name: prior.Name, Received: prior.Received.UTC()}
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func (e *env) printValidation(results []validation, loc *time.Location) {
	accepted := 0
	for _, r := range results {
		errs, warns := roadmap.CountFindings(r.Findings, roadmap.Error), roadmap.CountFindings(r.Findings, roadmap.Warning)
		if r.OK {
			accepted++
			fmt.Fprintf(e.stdout, "%s: accepted as %s %s%s\n", roadmap.Printable(r.File), r.Jurisdiction, r.Period, countText(warns, "warning"))
		} else {
			fmt.Fprintf(e.stdout, "%s: rejected%s%s\n", roadmap.Printable(r.File), countText(errs, "error"), countText(warns, "warning"))
		}
		for _, f := range r.Findings {
			fmt.Fprintf(e.stdout, "  %s\n", f)
		}
		if d := r.DuplicateOf; d != nil {
			fmt.Fprintf(e.stdout, "  its content is already recorded as version %d of %s %s (%s, received %s): ingest would count it as a duplicate\n",
				d.Version, r.Jurisdiction, r.Period, roadmap.Printable(d.Name), d.Received.In(loc).Format(timeLayout))
		}
	}
	fmt.Fprintf(e.stdout, "%d file(s) checked: %d accepted, %d rejected; nothing was recorded\n",
		len(results), accepted, len(results)-accepted)
}

// countText is ", 2 warnings" (or "" for none).
func countText(n int, what string) string {
	switch n {
	case 0:
		return ""
	case 1:
		return ", 1 " + what
	}
	return fmt.Sprintf(", %d %ss", n, what)
}
