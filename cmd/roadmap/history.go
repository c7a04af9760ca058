package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/seesac/roadmap"
)

func runHistory(ctx context.Context, e *env, args []string) int {
	f := e.newFlags(true, "--jurisdiction J --period P [--json]")
	var jurisdiction, periodText string
	f.StringVar(&jurisdiction, "jurisdiction", "", "the jurisdiction `J` (AL, BA, …)")
	f.StringVar(&periodText, "period", "", "the period `P` (2026-H1, 2026-H2, or 2026 for the round that brings its figures)")
	if ops, code, ok := e.parse(f, args); !ok {
		return code
	} else if len(ops) > 0 {
		return e.usageError("takes no arguments, got %q (use --jurisdiction and --period)", ops[0])
	}
	switch {
	case jurisdiction == "":
		return e.usageError("--jurisdiction is required")
	case periodText == "":
		return e.usageError("--period is required: write %s", roadmap.PeriodForms)
	}
	p, err := roadmap.ParsePeriod(periodText)
	if err != nil {
		return e.usageError("%v", err)
	}
	s, err := e.load(f)
	if err != nil {
		return e.fail(err)
	}
	j, ok := s.Catalogue.Jurisdiction(jurisdiction)
	if !ok {
		return e.usageError("jurisdiction %q is not in the catalogue: use one of %s", jurisdiction, jurisdictionCodes(s.Catalogue))
	}
	// A year that is not a round of its own is sent with the round that
	// closes it (its files are that round's), or not sent at all (derived
	// from its halves).
	asked, cat := p, s.Catalogue.InForce(p)
	if p.IsYear() && !cat.IsRound(p) {
		round, ok := cat.YearRound(p)
		if !ok {
			return e.usageError("%s is not a round: its figures are derived from %s and %s; give one of those",
				p, roadmap.Period{Year: p.Year, Half: 1}, roadmap.Period{Year: p.Year, Half: 2})
		}
		p = round
	}
	subs, err := history(ctx, s, j.Code, p)
	if err != nil {
		return e.fail(err)
	}
	if f.json {
		if err := e.printJSON(historyOutput{Jurisdiction: j.Code, Period: p, Versions: subs}); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	if asked != p {
		fmt.Fprintf(e.stdout, "the figures for %s come with the %s round: its files follow\n", asked, p)
	}
	if err := e.printHistory(j, p, subs, s.Location); err != nil {
		return e.fail(err)
	}
	return exitOK
}

// historyOutput is what `history --json` prints.
type historyOutput struct {
	Jurisdiction string           `json:"jurisdiction"`
	Period       roadmap.Period   `json:"period"`
	Versions     []historyVersion `json:"versions"`
}

// historyVersion is one file received for the jurisdiction and period.
type historyVersion struct {
	ID       int64             `json:"id"`
	State    roadmap.State     `json:"state"`
	Version  int               `json:"version,omitempty"` // 0 for a file never accepted
	Received time.Time         `json:"received"`
	Hash     string            `json:"hash"`
	Name     string            `json:"name"`
	Folder   string            `json:"folder,omitempty"`
	Path     string            `json:"path"` // where the original is kept, relative to the data folder
	Errors   int               `json:"errors"`
	Warnings int               `json:"warnings"`
	Findings []roadmap.Finding `json:"findings"`
}

// history lists every file recorded for j and p, oldest first; none when
// there is no ledger yet.
func history(ctx context.Context, s *setup, j string, p roadmap.Period) ([]historyVersion, error) {
	db, err := readLedger(ctx, s)
	if err != nil || db == nil {
		return []historyVersion{}, err
	}
	defer db.Close()
	subs, err := db.History(ctx, j, p)
	if err != nil {
		return nil, err
	}
	out := make([]historyVersion, 0, len(subs))
	for _, sub := range subs {
		v := historyVersion{ID: sub.ID, State: sub.State, Version: sub.Version, Received: sub.Received.UTC(),
			Hash: sub.Hash, Name: sub.Name, Folder: sub.Folder, Path: sub.Path,
			Errors: roadmap.CountFindings(sub.Findings, roadmap.Error), Warnings: roadmap.CountFindings(sub.Findings, roadmap.Warning),
			Findings: sub.Findings}
		if v.Findings == nil {
			v.Findings = []roadmap.Finding{}
		}
		out = append(out, v)
	}
	return out, nil
}

func (e *env) printHistory(j *roadmap.Jurisdiction, p roadmap.Period, vs []historyVersion, loc *time.Location) error {
	if len(vs) == 0 {
		fmt.Fprintf(e.stdout, "nothing has been received for %s (%s), %s\n", j.Name, j.Code, p.Label())
		return nil
	}
	fmt.Fprintf(e.stdout, "%s (%s), %s: %d file(s) received\n", j.Name, j.Code, p.Label(), len(vs))
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tSTATE\tRECEIVED\tHASH\tFILE\tKEPT AS\tFINDINGS")
	for _, v := range vs {
		version := "-"
		if v.Version > 0 {
			version = fmt.Sprint(v.Version)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", version, v.State, v.Received.In(loc).Format(timeLayout),
			shortHash(v.Hash), roadmap.Printable(v.Name), orDash(roadmap.Printable(v.Path)), findingsText(v.Errors, v.Warnings))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("print history: %w", err)
	}
	return nil
}

// shortHash is the first 12 hex digits: enough to tell versions apart and
// to find the kept file, whose name starts with the hash.
func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return orDash(h)
}

func findingsText(errs, warns int) string {
	if errs == 0 && warns == 0 {
		return "none"
	}
	return strings.TrimPrefix(countText(errs, "error")+countText(warns, "warning"), ", ")
}
