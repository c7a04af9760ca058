package main

import (
	"strings"
	"testing"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/ingest"
)

// SEESAC's synthesis names no jurisdiction: the pass says what it is rather
// than "accepted as version 1 of  2026-H1".
func TestPrintIngestNamesSynthesis(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	e := &env{stdout: &out}
	p := roadmap.MustPeriod("2026-H1")
	e.printIngest(&ingest.Summary{Accepted: 2, Duplicates: 1, Outcomes: []ingest.Outcome{
		{File: "_seesac/rcm-16-synthesis.xlsx", State: roadmap.Accepted, Submission: &roadmap.Submission{Folder: roadmap.SeesacFolder, Period: p, Version: 1}},
		{File: "_seesac/again.xlsx", State: roadmap.Duplicate, Submission: &roadmap.Submission{Folder: roadmap.SeesacFolder, Period: p, Version: 1}},
		{File: "AL/report.xlsx", State: roadmap.Accepted, Submission: &roadmap.Submission{Jurisdiction: "AL", Period: p, Version: 2}},
	}})
	for _, want := range []string{
		"_seesac/rcm-16-synthesis.xlsx: accepted as version 1 of SEESAC's synthesis for 2026-H1\n",
		"_seesac/again.xlsx: duplicate of a version of SEESAC's synthesis for 2026-H1 already accepted; not counted again\n",
		"AL/report.xlsx: accepted as version 2 of AL 2026-H1\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
