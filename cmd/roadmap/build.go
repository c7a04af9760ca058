package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/render"
)

func runBuild(ctx context.Context, e *env, args []string) int {
	f := e.newFlags(true,
		"--meeting ID [--draft] [--as-of T] [-o DIR] [--json]",
		"--period P [--jurisdiction J] [--draft] [--as-of T] [-o DIR] [--json]")
	var meetingID, periodText, jurisdiction, asOfText, outDir string
	var draft bool
	f.StringVar(&meetingID, "meeting", "", "build the report of the meeting with this `ID` (its kind chooses the report)")
	f.StringVar(&periodText, "period", "", "build the report on period `P` (2026-H1, 2026-H2 or 2026) instead")
	f.StringVar(&jurisdiction, "jurisdiction", "", "with --period: the report on jurisdiction `J` alone")
	f.BoolVar(&draft, "draft", false, "mark the report as a draft")
	f.StringVar(&asOfText, "as-of", "", "use only files received by time `T` (2026-11-20, 2026-11-20T07:00 in the configured zone, or RFC 3339); default now")
	f.StringVar(&outDir, "o", "", "write to `DIR` instead of DATA/reports/MEETING (or DATA/reports/PERIOD)")
	if code, ok := e.parseNone(f, args); !ok {
		return code
	}
	switch {
	case meetingID == "" && periodText == "":
		return e.usageError("give --meeting ID or --period P")
	case meetingID != "" && periodText != "":
		return e.usageError("give --meeting or --period, not both")
	case meetingID != "" && jurisdiction != "":
		return e.usageError("--jurisdiction goes with --period: a meeting's kind decides its report")
	}
	s, err := e.load(f)
	if err != nil {
		return e.fail(err)
	}
	req := render.BuildRequest{Draft: draft, OutDir: outDir}
	if meetingID != "" {
		m, ok := s.Calendar.Find(meetingID)
		if !ok {
			return e.usageError("no meeting %q in the calendar: 'roadmap meetings' lists them", meetingID)
		}
		req.Meeting = m
	} else {
		if req.Period, err = roadmap.ParsePeriod(periodText); err != nil {
			return e.usageError("%v", err)
		}
		if jurisdiction != "" {
			j, ok := s.Catalogue.Jurisdiction(jurisdiction)
			if !ok {
				return e.usageError("jurisdiction %q is not in the catalogue: use one of %s", jurisdiction, jurisdictionCodes(s.Catalogue))
			}
			req.Jurisdiction = j.Code
		}
	}
	if asOfText != "" {
		if req.AsOf, err = parseAsOf(asOfText, s.Location); err != nil {
			return e.usageError("%v", err)
		}
		if now := e.now(); req.AsOf.After(now) {
			return e.usageError("--as-of %s is later than now (%s): a report can only use files already received; leave --as-of out to build as of now",
				req.AsOf.Format(time.RFC3339), now.In(s.Location).Format(time.RFC3339))
		}
		req.AsOfGiven = true
	}

	db, err := openLedger(ctx, s)
	if err != nil {
		return e.fail(err)
	}
	defer db.Close()
	res, err := newBuilder(s, db, e.logger(s.Config.Log.Format), e.now).Build(ctx, req)
	if err != nil {
		return e.fail(err)
	}
	return e.printBuild(res, f.json, s.Location)
}

// buildOutput is what `build --json` prints.
type buildOutput struct {
	PDF        string            `json:"pdf"`
	Manifest   string            `json:"manifest"`
	Report     render.ReportKind `json:"report"`
	Title      string            `json:"title"`
	Kind       roadmap.BuildKind `json:"kind"`
	Period     roadmap.Period    `json:"period"`
	AsOf       time.Time         `json:"as_of"`
	NoData     bool              `json:"no_data"`
	Inputs     int               `json:"inputs"`
	InputsHash string            `json:"inputs_hash"`
	OutputHash string            `json:"output_hash"`
}

func (e *env) printBuild(res *render.Result, asJSON bool, loc *time.Location) int {
	if asJSON {
		out := buildOutput{
			PDF: res.PDF, Manifest: res.Manifest, Report: res.Report.Kind, Title: res.Report.Title,
			Kind: res.Build.Kind, Period: res.Report.Period, AsOf: res.Report.AsOf.UTC(), NoData: res.Report.NoData,
			Inputs: len(res.Entry.Inputs), InputsHash: res.Entry.InputsHash, OutputHash: res.Entry.OutputHash,
		}
		if err := e.printJSON(out); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	fmt.Fprintf(e.stdout, "%s\n", res.PDF)
	note := fmt.Sprintf("%d input files", len(res.Entry.Inputs))
	if res.Report.NoData {
		note = "no jurisdiction has reported for " + res.Report.Period.String() + "; the report says so"
	}
	fmt.Fprintf(e.stdout, "%s, %s, as of %s (%s); manifest %s\n", res.Report.Title, res.Build.Kind,
		res.Report.AsOf.In(loc).Format(time.RFC3339), note, res.Manifest)
	return exitOK
}

// parseAsOf reads a cut-off: RFC 3339, or a day or a wall-clock time in loc.
// A bare day means the end of that day, so that "--as-of 2026-11-20" takes
// every file received on the 20th.
func parseAsOf(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if d, err := roadmap.ParseDate(s); err == nil {
		return d.End(loc), nil
	}
	return time.Time{}, errors.New(`--as-of ` + fmt.Sprintf("%q", s) + ` is not a time: write 2026-11-20, 2026-11-20T07:00 or 2026-11-20T07:00:00+01:00`)
}
