package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/seesac/roadmap"
)

func runCatalogue(_ context.Context, e *env, args []string) int {
	f := e.newFlags(true, "[--catalogue FILE] [--json]")
	if code, ok := e.parseNone(f, args); !ok {
		return code
	}
	s, err := e.load(f)
	if err != nil {
		return e.fail(err)
	}
	if f.json {
		err = e.printJSON(s.Catalogue)
	} else {
		err = printCatalogue(e.stdout, s.Catalogue, s.CataloguePath)
	}
	if err != nil {
		return e.fail(err)
	}
	return exitOK
}

// printCatalogue writes the catalogue as tables for a person to read.
func printCatalogue(w io.Writer, c *roadmap.Catalogue, path string) error {
	source := "built-in"
	if path != "" {
		source = path
	}
	fmt.Fprintf(w, "%s (%s)\n", c.Title, c.Short)
	fmt.Fprintf(w, "catalogue %s, version %s, from %s\n", c.ID, c.Version, source)
	fmt.Fprintf(w, "hash      sha256:%s\n", c.Hash)
	fmt.Fprintf(w, "cadence   figures %s, narrative %s, baseline %s\n", c.Cadence, c.NarrativeCadence, c.Baseline)
	if c.Illustrative {
		note := c.Note
		if note == "" {
			note = "not the official list"
		}
		fmt.Fprintf(w, "ILLUSTRATIVE: %s\n", note)
	}

	if chain := c.Chain(); len(chain) > 1 {
		fmt.Fprintf(w, "\nSuccession (oldest first)\n")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  CATALOGUE\tVERSION\tGOVERNS\tCADENCE\tINDICATORS\tTITLE")
		for _, x := range chain {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%d\t%s\n", x.ID, x.Version, c.Governs(x), cadenceText(x), len(x.Indicators), x.Short)
		}
		if err := tw.Flush(); err != nil {
			return fmt.Errorf("print catalogue: %w", err)
		}
	}

	fmt.Fprintf(w, "\nJurisdictions (%d)\n", len(c.Jurisdictions))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  CODE\tNAME\tCAPITAL\tLOCAL NAMES\tFOOTNOTE")
	for _, j := range c.Jurisdictions {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", j.Code, j.Name, j.Capital, orDash(strings.Join(j.LocalNames, " / ")), orDash(j.Footnote))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("print catalogue: %w", err)
	}

	fmt.Fprintf(w, "\nGoals (%d)\n", len(c.Goals))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, g := range c.Goals {
		fmt.Fprintf(tw, "  %s\t%d\t%s\n", g.Code, g.Number, g.Title)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("print catalogue: %w", err)
	}

	fmt.Fprintf(w, "\nIndicators (%d, %d rows on the KPI sheet)\n", len(c.Indicators), len(c.Rows()))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  CODE\tGOAL\tKIND\tUNIT\tBREAKDOWN\tCADENCE\tDIRECTION\tTARGET\tREQUIRED\tAGGREGATION\tCONTINUES\tTITLE")
	for _, ind := range c.Indicators {
		req := "no"
		if ind.Required {
			req = "yes"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", ind.Code, ind.Goal, ind.Kind, orDash(ind.Unit),
			breakdownText(ind.Breakdown), ind.Cadence, ind.Direction, targetText(c, &ind), req, ind.Aggregation, continuesText(c, &ind), ind.Title)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("print catalogue: %w", err)
	}

	var scales []string
	for _, ind := range c.Indicators {
		if ind.Kind == roadmap.Status {
			scales = append(scales, fmt.Sprintf("  %s: %s", ind.Code, strings.Join(ind.Levels, " < ")))
		}
	}
	if len(scales) > 0 {
		fmt.Fprintf(w, "\nStatus scales (lowest first)\n%s\n", strings.Join(scales, "\n"))
	}
	for _, fn := range c.Footnotes {
		fmt.Fprintf(w, "\nFootnote %q\n", fn.ID)
		for _, form := range []string{"un", "eu"} {
			if t, ok := fn.Forms[form]; ok {
				fmt.Fprintf(w, "  %s: %s\n", form, t)
			}
		}
	}
	return nil
}

// cadenceText is "half-yearly" or "figures yearly, narrative half-yearly".
func cadenceText(c *roadmap.Catalogue) string {
	if c.NarrativeCadence == c.Cadence {
		return string(c.Cadence)
	}
	return "figures " + string(c.Cadence) + ", narrative " + string(c.NarrativeCadence)
}

// continuesText is "wb-salw-roadmap G7.3" for an indicator that carries on an
// earlier series, "new" for one that starts in a successor, "-" otherwise.
func continuesText(c *roadmap.Catalogue, ind *roadmap.Indicator) string {
	switch {
	case ind.Continues != "" && c.Previous != nil:
		return c.Previous.ID + " " + ind.Continues
	case c.Previous != nil:
		return "new"
	}
	return "-"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// breakdownText is "sex: female+male (equal)".
func breakdownText(b *roadmap.Breakdown) string {
	if b == nil {
		return "-"
	}
	parts := make([]string, len(b.Parts))
	for i, p := range b.Parts {
		parts[i] = p.Code
	}
	return fmt.Sprintf("%s: %s (%s)", b.By, strings.Join(parts, "+"), b.Rule)
}

// targetText is "fully aligned", "-30% by 2024", "+50% from 2025 by 2030"
// for an indicator with its own baseline, or "-".
func targetText(c *roadmap.Catalogue, ind *roadmap.Indicator) string {
	t := ind.Target
	if t == nil {
		return "-"
	}
	var s string
	switch {
	case t.Level != "":
		s = t.Level
	case t.Change != nil:
		s = strconv.FormatFloat(*t.Change*100, 'f', -1, 64) + "%"
		if *t.Change > 0 {
			s = "+" + s
		}
		if ind.Baseline != c.Baseline {
			s += " from " + ind.Baseline.String()
		}
	default:
		return "-"
	}
	if !t.By.IsZero() {
		s += " by " + t.By.String()
	}
	return s
}
