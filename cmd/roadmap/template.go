package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/templates"
)

func runTemplate(_ context.Context, e *env, args []string) int {
	f := e.newFlags(true,
		"--jurisdiction J --period P [-o FILE]",
		"--all --period P [-o DIR]")
	jur := f.String("jurisdiction", "", "the jurisdiction `CODE` (AL, BA, ...: see roadmap catalogue)")
	per := f.String("period", "", "the reporting `PERIOD`: 2026-H1, 2026-H2 or 2026")
	all := f.Bool("all", false, "write one workbook per jurisdiction of the catalogue")
	out := f.String("o", "", "the output `PATH`: a file, or a folder (default: the current folder, named roadmap-J-P.xlsx)")
	if ops, code, ok := e.parse(f, args); !ok {
		return code
	} else if len(ops) > 0 {
		return e.usageError("takes no arguments, got %q (use --jurisdiction and --period)", ops[0])
	}
	switch {
	case *per == "":
		return e.usageError("--period is required: write %s", roadmap.PeriodForms)
	case *all && *jur != "":
		return e.usageError("give either --jurisdiction or --all, not both")
	case !*all && *jur == "":
		return e.usageError("--jurisdiction is required (or --all for every jurisdiction)")
	}
	period, err := roadmap.ParsePeriod(*per)
	if err != nil {
		return e.usageError("%v", err)
	}
	s, err := e.load(f)
	if err != nil {
		return e.fail(err)
	}
	cat := s.Catalogue
	if err := templates.CheckRound(cat, period); err != nil {
		return e.usageError("%v", err)
	}

	var paths []string
	if *all {
		dir := *out
		if dir == "" {
			dir = "."
		}
		paths, err = templates.WriteAll(dir, cat, period)
	} else {
		j, ok := cat.Jurisdiction(*jur)
		if !ok {
			return e.usageError("jurisdiction %q is not in the catalogue: use one of %s", *jur, jurisdictionCodes(cat))
		}
		path := *out
		if path == "" || isDir(path) {
			path = filepath.Join(path, templates.FileName(j.Code, period))
		}
		err = templates.WriteFile(path, cat, j.Code, period)
		if err == nil {
			paths = []string{path}
		}
	}
	if err != nil {
		return e.fail(err)
	}
	if f.json {
		if err := e.printJSON(struct {
			Period string   `json:"period"`
			Files  []string `json:"files"`
		}{period.String(), paths}); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	for _, p := range paths {
		fmt.Fprintf(e.stdout, "wrote %s\n", p)
	}
	return exitOK
}

// isDir reports whether path is an existing folder; anything else (a file, a
// name not yet taken) is written as a file, and its errors are reported then.
func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}
