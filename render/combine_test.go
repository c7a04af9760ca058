package render

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/templates"
)

var (
	h1     = roadmap.MustPeriod("2026-H1")
	h2prev = roadmap.MustPeriod("2025-H2")
	y2018  = roadmap.MustPeriod("2018")
	asOf   = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
)

// catalogue is the Phase I catalogue on its own (half-yearly figures, in
// force for every period): the unit tests of the figures and ratings work on
// half-years; the succession of catalogues has its own tests.
func catalogue(t testing.TB) *roadmap.Catalogue {
	t.Helper()
	cat, err := templates.LoadCatalogue("../templates/phase1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// sub makes an accepted submission; vals maps row codes to a float64 (a
// number), a string (a level) or nil (left blank).
func sub(j string, p roadmap.Period, version int, received time.Time, vals map[string]any) roadmap.Submission {
	s := roadmap.Submission{
		ID: int64(version), Hash: j + p.String() + "v" + string(rune('0'+version)), Name: j + "-" + p.String() + ".xlsx",
		Jurisdiction: j, Period: p, Version: version, State: roadmap.Accepted, Received: received,
		Cover: roadmap.Cover{Final: true},
	}
	rows := make([]string, 0, len(vals))
	for r := range vals {
		rows = append(rows, r)
	}
	slices.Sort(rows)
	for _, r := range rows {
		ind, part, _ := strings.Cut(r, "/")
		v := roadmap.Value{Row: r, Indicator: ind, Part: part}
		switch x := vals[r].(type) {
		case float64:
			v.Reported, v.Number = true, x
		case string:
			v.Reported, v.Level = true, x
		}
		s.Values = append(s.Values, v)
	}
	return s
}

func day(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }

func find(t testing.TB, r *Report, row string) *RowReport {
	t.Helper()
	for gi := range r.Goals {
		for ii := range r.Goals[gi].Indicators {
			ir := &r.Goals[gi].Indicators[ii]
			for ri := range ir.Rows {
				if ir.Rows[ri].Code == row {
					return &ir.Rows[ri]
				}
			}
		}
	}
	t.Fatalf("row %s not in report", row)
	return nil
}

func indicatorOf(t testing.TB, r *Report, code string) *IndicatorReport {
	t.Helper()
	for gi := range r.Goals {
		for ii := range r.Goals[gi].Indicators {
			if r.Goals[gi].Indicators[ii].Code == code {
				return &r.Goals[gi].Indicators[ii]
			}
		}
	}
	t.Fatalf("indicator %s not in report", code)
	return nil
}

func jrow(t testing.TB, rr *RowReport, j string) *JurisdictionRow {
	t.Helper()
	for i := range rr.Jurisdictions {
		if rr.Jurisdictions[i].Jurisdiction == j {
			return &rr.Jurisdictions[i]
		}
	}
	t.Fatalf("jurisdiction %s not in row %s", j, rr.Code)
	return nil
}

func eqp(p *float64, want float64) bool { return p != nil && *p == want }

func TestCombineRegionalFiguresByRule(t *testing.T) {
	t.Parallel()
	cat := catalogue(t)
	s := Snapshot{Catalogue: cat, AsOf: asOf, Submissions: []roadmap.Submission{
		sub("AL", h1, 1, day(1), map[string]any{
			"G3.1": 100.0, "G3.1/border": 60.0, "G3.1/inland": 40.0, "G3.3": 2.5,
			"G2.2": 40.0, "G4.2": 100.0, "G4.2/female": 10.0, "G4.3": 10.0, "G1.1": "drafting",
		}),
		sub("BA", h1, 1, day(2), map[string]any{
			"G3.1": 50.0, "G3.1/border": 0.0, "G3.1/inland": 50.0, "G3.3": nil,
			"G2.2": 60.0, "G4.2": 100.0, "G4.2/female": 30.0, "G4.3": 30.0, "G1.1": "fully aligned",
		}),
		sub("RS", h1, 1, day(2), map[string]any{
			"G3.1": 0.0, "G4.2": 50.0, "G4.2/female": 5.0, "G4.3": 10.0, "G1.1": "fully aligned",
		}),
	}}
	r := Combine(s, Request{Period: h1})

	g31 := find(t, r, "G3.1")
	if !eqp(g31.Regional.Value, 150) || g31.Regional.Covered != 3 || g31.Regional.Of != 6 {
		t.Errorf("G3.1 regional = %s, want sum 150 over 3 of 6", regional(g31.Regional))
	}
	if want := []string{"XK", "ME", "MK"}; !slices.Equal(g31.Regional.Missing, want) {
		t.Errorf("G3.1 missing = %v, want %v", g31.Regional.Missing, want)
	}
	if got := g31.Regional.Coverage(); got != "covers 3 of 6 jurisdictions (sum over those that reported; XK, ME, MK not reported)" {
		t.Errorf("coverage = %q", got)
	}
	if me := jrow(t, g31, "ME"); me.Current.Reported() || me.Current.String() != NotReported {
		t.Errorf("ME did not report but shows %s", me.Current)
	}
	if rs := jrow(t, g31, "RS"); !eqp(rs.Current.Number, 0) {
		t.Errorf("RS reported 0, got %s", fig(rs.Current))
	}
	if b := find(t, r, "G3.1/border"); !eqp(b.Regional.Value, 60) || b.Regional.Covered != 2 || !slices.Equal(b.Regional.MinBy, []string{"BA"}) {
		t.Errorf("G3.1/border regional = %s, want 60 over AL and BA (RS left the parts blank)", regional(b.Regional))
	}

	g33 := find(t, r, "G3.3")
	if ba := jrow(t, g33, "BA"); ba.Current.Number != nil {
		t.Errorf("BA left G3.3 blank but got %v", *ba.Current.Number)
	}
	if !eqp(g33.Regional.Value, 2.5) || g33.Regional.Covered != 1 {
		t.Errorf("G3.3 regional = %s, want 2.5 over AL only", regional(g33.Regional))
	}

	// A share without numerators is the plain mean, and says so.
	if g22 := find(t, r, "G2.2"); !eqp(g22.Regional.Value, 50) || g22.Regional.Covered != 2 || g22.Regional.Label() != "Mean of 2 jurisdictions" {
		t.Errorf("G2.2 mean = %s labelled %q, want 50 over 2", regional(g22.Regional), g22.Regional.Label())
	}
	// The share of women trained is pooled from the by-sex breakdown:
	// 45 women of 250 officials, not the mean of 10, 30 and 10 %.
	g43 := find(t, r, "G4.3")
	if !eqp(g43.Regional.Value, 18) || g43.Regional.Covered != 3 || !eqp(g43.Regional.Min, 10) || !eqp(g43.Regional.Max, 30) ||
		!slices.Equal(g43.Regional.MinBy, []string{"AL", "RS"}) || g43.Regional.Label() != "Region (pooled share)" || g43.Regional.String() != "18 (partial)" {
		t.Errorf("G4.3 pooled = %s (%s), want 18 over 3", regional(g43.Regional), g43.Regional)
	}
	g11 := find(t, r, "G1.1")
	counts := map[string]int{}
	for _, l := range g11.Regional.Levels {
		counts[l.Level] = l.Count
	}
	if counts["fully aligned"] != 2 || counts["drafting"] != 1 || counts["not started"] != 0 || len(g11.Regional.Levels) != 4 || g11.Regional.Covered != 3 {
		t.Errorf("G1.1 distribution = %s", regional(g11.Regional))
	}
	if got := g11.Regional.String(); got != "2 × fully aligned, 1 × drafting (partial)" || !g11.Regional.Partial {
		t.Errorf("G1.1 distribution text = %q", got)
	}
	// A row nobody reported is not reported, not zero.
	if g62 := find(t, r, "G6.2"); g62.Regional.Value != nil || g62.Regional.Covered != 0 || g62.Regional.String() != NotReported || g62.Regional.Partial {
		t.Errorf("G6.2 nobody reported, got %s", regional(g62.Regional))
	}
}

func TestCombineLatestVersionAsOf(t *testing.T) {
	t.Parallel()
	cat := catalogue(t)
	v1 := sub("AL", h1, 1, day(1), map[string]any{"G3.2": 100.0})
	v1.State = roadmap.Superseded
	v2 := sub("AL", h1, 2, day(3), map[string]any{"G3.2": 120.0})
	v3 := sub("AL", h1, 3, asOf.Add(time.Second), map[string]any{"G3.2": 999.0})
	rej := sub("AL", h1, 0, day(4), map[string]any{"G3.2": 777.0})
	rej.State = roadmap.Rejected
	// Given out of order on purpose: the ledger's order must not matter.
	s := Snapshot{Catalogue: cat, AsOf: asOf, Submissions: []roadmap.Submission{v2, rej, v3, v1}}
	s.Calendar = roadmap.NewCalendar([]roadmap.Meeting{{ID: "rcm", Kind: roadmap.Regional, Period: h1, Deadline: roadmap.DateOf(day(2))}}, time.UTC)
	r := Combine(s, Request{Period: h1})
	if al := jrow(t, find(t, r, "G3.2"), "AL"); !eqp(al.Current.Number, 120) {
		t.Errorf("AL G3.2 = %s, want 120 from version 2", fig(al.Current))
	}
	c := r.Completeness[0]
	if c.Jurisdiction != "AL" || c.Versions != 2 || c.Version != 2 || c.State != roadmap.OnTime || !c.Received.Equal(day(3)) || !c.FirstReceived.Equal(day(1)) {
		t.Errorf("AL completeness = %+v, want 2 versions, v2 used, on time by its first version", c)
	}
	for _, c := range r.Completeness[1:] {
		if c.State != roadmap.Overdue || c.Versions != 0 {
			t.Errorf("%s completeness = %+v, want overdue", c.Jurisdiction, c)
		}
	}
	// Moving the cut-off back to before version 2 gives version 1.
	s.AsOf = day(2)
	r = Combine(s, Request{Period: h1})
	if al := jrow(t, find(t, r, "G3.2"), "AL"); !eqp(al.Current.Number, 100) {
		t.Errorf("as of day 2, AL G3.2 = %s, want 100 from version 1", fig(al.Current))
	}
}

// oct is a morning of October 2026.
func oct(d int) time.Time { return time.Date(2026, 10, d, 9, 0, 0, 0, time.UTC) }

// calendar16 is the 2026-H1 round of the built-in calendar in short: the
// regional rcm-16 (due 13 November) and AL's local meeting (due 9 October).
func calendar16() *roadmap.Calendar {
	return roadmap.NewCalendar([]roadmap.Meeting{
		{ID: "rcm-16", Kind: roadmap.Regional, Period: h1, Date: roadmap.Date{Year: 2026, Month: 12, Day: 15}, Deadline: roadmap.Date{Year: 2026, Month: 11, Day: 13}},
		{ID: "local-16-al", Kind: roadmap.Local, Jurisdiction: "AL", Period: h1, Date: roadmap.Date{Year: 2026, Month: 10, Day: 30}, Deadline: roadmap.Date{Year: 2026, Month: 10, Day: 9}},
	}, time.UTC)
}

// TestCombineCompletenessTimeliness: each jurisdiction's row follows the
// calendar's one deadline rule, its own (earliest) deadline for the period:
// AL's local meeting is due on 9 October, before the regional 13 November,
// so AL's file of 20 October is late in the regional report too; BA's is on
// time; a jurisdiction with nothing is not due before its deadline and
// overdue after it, and missing when no meeting gives it one.
func TestCombineCompletenessTimeliness(t *testing.T) {
	t.Parallel()
	cat := catalogue(t)
	cal := calendar16()
	subs := []roadmap.Submission{sub("AL", h1, 1, oct(20), nil), sub("BA", h1, 1, oct(20), nil)}
	for _, tc := range []struct {
		asOf time.Time
		want map[string]roadmap.Timeliness
	}{
		{oct(21), map[string]roadmap.Timeliness{"AL": roadmap.Late, "BA": roadmap.OnTime, "ME": roadmap.NotDue}},
		{asOf, map[string]roadmap.Timeliness{"AL": roadmap.Late, "BA": roadmap.OnTime, "ME": roadmap.Overdue}},
	} {
		s := Snapshot{Catalogue: cat, AsOf: tc.asOf, Submissions: subs, Calendar: cal}
		r := Combine(s, Request{Period: h1, Meeting: &cal.Meetings[0]})
		for _, c := range r.Completeness {
			if w, ok := tc.want[c.Jurisdiction]; ok && c.State != w {
				t.Errorf("as of %s, %s: %s, want %s", tc.asOf, c.Jurisdiction, c.State, w)
			}
		}
		if r.NoData {
			t.Error("NoData with two submissions")
		}
		if want := cal.EndOfDay(cal.Meetings[0].Deadline); !r.Deadline.Equal(want) {
			t.Errorf("the regional report's deadline is %s, want the meeting's day %s", r.Deadline, want)
		}
	}
	r := Combine(Snapshot{Catalogue: cat, AsOf: asOf, Submissions: subs}, Request{Period: h1})
	for _, c := range r.Completeness {
		if want := map[bool]roadmap.Timeliness{true: roadmap.OnTime, false: roadmap.Missing}[c.Versions > 0]; c.State != want {
			t.Errorf("without a calendar, %s: %s, want %s", c.Jurisdiction, c.State, want)
		}
	}
}

func TestCombineChangesAndAnnual(t *testing.T) {
	t.Parallel()
	cat := catalogue(t)
	h2025 := roadmap.MustPeriod("2025-H1")
	s := Snapshot{Catalogue: cat, AsOf: asOf, Submissions: []roadmap.Submission{
		sub("AL", y2018, 1, day(1), map[string]any{"G5.2": 1000.0, "G7.1": 50.0, "G1.1": "not started"}),
		sub("AL", h2025, 1, day(1), map[string]any{"G5.2": 300.0, "G7.1": 55.0, "G1.1": "drafting"}),
		sub("AL", h2prev, 1, day(1), map[string]any{"G5.2": 400.0, "G7.1": 60.0, "G1.1": "drafting"}),
		sub("AL", h1, 1, day(1), map[string]any{"G5.2": 300.0, "G7.1": 75.0, "G1.1": "fully aligned"}),
		sub("BA", h1, 1, day(1), map[string]any{"G5.2": 200.0}),
		sub("BA", y2018, 1, day(1), map[string]any{"G5.2": 0.0}),
	}}
	r := Combine(s, Request{Period: h1})
	g52 := find(t, r, "G5.2")
	al := jrow(t, g52, "AL")
	// The year compared with the baseline is 2025, the last full year,
	// derived from its two half-years.
	if !eqp(al.Previous.Number, 400) || !eqp(al.Baseline.Number, 1000) || !eqp(al.Annual.Number, 700) || !al.Annual.Derived || al.Year != roadmap.MustPeriod("2025") {
		t.Errorf("AL G5.2 previous/baseline/annual = %s/%s/%s (%s), want 400/1000/700† (2025)", fig(al.Previous), fig(al.Baseline), fig(al.Annual), al.Year)
	}
	if !eqp(al.ChangePrevious.Absolute, -100) || !eqp(al.ChangePrevious.Relative, -0.25) {
		t.Errorf("AL Δprevious = %s, want -100/-0.25", chg(al.ChangePrevious))
	}
	if !eqp(al.ChangeBaseline.Absolute, -300) || !eqp(al.ChangeBaseline.Relative, -0.3) {
		t.Errorf("AL Δbaseline = %s, want -300/-0.3 (the year 2025 against the baseline year)", chg(al.ChangeBaseline))
	}
	if got := al.ChangeBaseline.String(); got != "−300 (−30.0 %)" {
		t.Errorf("AL Δbaseline text = %q", got)
	}
	if got := al.Annual.String(); got != "700 "+DerivedMark {
		t.Errorf("derived figure printed %q", got)
	}
	ba := jrow(t, g52, "BA")
	if ba.Annual.Reported() || ba.ChangePrevious.Known() || ba.ChangeBaseline.Known() {
		t.Errorf("BA has no 2025: annual %s, changes %s %s, want all unknown", fig(ba.Annual), chg(ba.ChangePrevious), chg(ba.ChangeBaseline))
	}
	// The regional change is like for like: only AL reported both periods.
	if !eqp(g52.ChangePrevious.Absolute, -100) {
		t.Errorf("regional Δprevious = %s, want -100 over AL only", chg(g52.ChangePrevious))
	}
	// Percents are states: a year is its second half; changes are in
	// percentage points, never relative.
	g71 := jrow(t, find(t, r, "G7.1"), "AL")
	if !eqp(g71.Annual.Number, 60) || !eqp(g71.ChangeBaseline.Absolute, 10) || g71.ChangeBaseline.Relative != nil || !g71.ChangeBaseline.Points {
		t.Errorf("AL G7.1 annual/Δbaseline = %s/%s, want 60 and +10 pp", fig(g71.Annual), chg(g71.ChangeBaseline))
	}
	if got := g71.ChangePrevious.String(); got != "+15 pp" {
		t.Errorf("percent change printed %q, want +15 pp", got)
	}
	g11 := jrow(t, find(t, r, "G1.1"), "AL")
	if g11.ChangePrevious.Steps == nil || *g11.ChangePrevious.Steps != 2 || *g11.ChangeBaseline.Steps != 1 {
		t.Errorf("AL G1.1 steps = %s/%s, want +2/+1 (2025 ended at drafting)", chg(g11.ChangePrevious), chg(g11.ChangeBaseline))
	}
	if got := g11.ChangePrevious.String(); got != "+2 levels" {
		t.Errorf("steps text = %q", got)
	}
	// A zero baseline has an absolute change but no relative one.
	if bb := jrow(t, g52, "BA"); bb.Baseline.Number == nil || *bb.Baseline.Number != 0 {
		t.Errorf("BA baseline 0 reported, got %s", fig(bb.Baseline))
	}

	// Progress against the change target, over AL only (BA lacks 2025).
	p := indicatorOf(t, r, "G5.2").Progress
	if p == nil || !eqp(p.Baseline, 1000) || !eqp(p.Current, 700) || !eqp(p.Change, -0.3) || !p.Met || !p.Due ||
		!slices.Equal(p.Jurisdictions, []string{"AL"}) || p.Target != "−30.0 % against 2018 by 2024" {
		t.Errorf("G5.2 progress = %+v", p)
	}
	if ir := indicatorOf(t, r, "G5.2"); ir.Rating != Achieved {
		t.Errorf("G5.2 rating = %s (%s), want achieved", ir.Rating, ir.RatingReason)
	}
}

func TestCombineSeries(t *testing.T) {
	t.Parallel()
	cat := catalogue(t)
	s := Snapshot{Catalogue: cat, AsOf: asOf, Submissions: []roadmap.Submission{
		sub("AL", y2018, 1, day(1), map[string]any{"G3.2": 10.0}),
		sub("BA", y2018, 1, day(1), map[string]any{"G3.2": 5.0}),
		sub("AL", roadmap.MustPeriod("2019-H2"), 1, day(1), map[string]any{"G3.2": 7.0}),
		sub("AL", h1, 1, day(1), map[string]any{"G3.2": 3.0}),
	}}
	r := Combine(s, Request{Period: h1})
	if len(r.Periods) != 16 || r.Periods[0] != y2018 || r.Periods[1] != roadmap.MustPeriod("2019-H1") || r.Periods[15] != h1 {
		t.Fatalf("periods = %v, want 2018, 2019-H1 … 2026-H1", r.Periods)
	}
	g := find(t, r, "G3.2")
	if len(g.Series) != 16 || !eqp(g.Series[0].Value, 15) || g.Series[1].Reported() || !eqp(g.Series[2].Value, 7) || !eqp(g.Series[15].Value, 3) {
		t.Errorf("regional series = %v", g.Series)
	}
	if ba := jrow(t, g, "BA"); !eqp(ba.Series[0].Number, 5) || ba.Series[2].Reported() {
		t.Errorf("BA series = %v", ba.Series)
	}
	// The sources are every file used, newest period first.
	var got []string
	for _, src := range r.Sources {
		got = append(got, src.Period.String()+" "+src.Jurisdiction)
	}
	if want := []string{"2026-H1 AL", "2019-H2 AL", "2018 AL", "2018 BA"}; !slices.Equal(got, want) {
		t.Errorf("sources = %v, want %v", got, want)
	}
}

func TestAxis(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ base, rev, want string }{
		{"2018", "2019-H2", "2018 2019-H1 2019-H2"},
		{"2018", "2018", "2018"},
		{"2018", "2021", "2018 2019 2020 2021"},
		{"2018-H2", "2019-H2", "2018-H2 2019-H1 2019-H2"},
		{"2018", "2017-H2", "2017-H2 2018"},
	} {
		var got []string
		for _, p := range Axis(roadmap.MustPeriod(tc.base), roadmap.MustPeriod(tc.rev)) {
			got = append(got, p.String())
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("Axis(%s, %s) = %v, want %s", tc.base, tc.rev, got, tc.want)
		}
	}
}

func TestRatingRules(t *testing.T) {
	t.Parallel()
	cat := catalogue(t) // G1.1: fully aligned by 2023; G5.2: −30 % against 2018 by 2024
	all := []string{"AL", "BA", "XK", "ME", "MK", "RS"}
	h21, h22 := roadmap.MustPeriod("2021-H1"), roadmap.MustPeriod("2021-H2")
	// levels: each jurisdiction's level in 2018 and in the period reviewed.
	levels := func(p roadmap.Period, pairs ...[2]string) []roadmap.Submission {
		var subs []roadmap.Submission
		for i, l := range pairs {
			subs = append(subs, sub(all[i], y2018, 1, day(1), map[string]any{"G1.1": l[0]}),
				sub(all[i], p, 1, day(1), map[string]any{"G1.1": l[1]}))
		}
		return subs
	}
	// incidents: AL's 2018 figure and the two halves of the year judged.
	incidents := func(year int, base, first, second float64) []roadmap.Submission {
		return []roadmap.Submission{
			sub("AL", y2018, 1, day(1), map[string]any{"G5.2": base}),
			sub("AL", roadmap.Period{Year: year, Half: 1}, 1, day(1), map[string]any{"G5.2": first}),
			sub("AL", roadmap.Period{Year: year, Half: 2}, 1, day(1), map[string]any{"G5.2": second}),
		}
	}
	const (
		none, drafting, partly, fully = "not started", "drafting", "partly aligned", "fully aligned"
	)
	for _, tc := range []struct {
		name      string
		indicator string
		period    roadmap.Period
		subs      []roadmap.Submission
		want      Rating
	}{
		{"level: all at the target", "G1.1", h22, levels(h22, [2]string{none, fully}, [2]string{drafting, fully}), Achieved},
		// 2 levels in 3 years; 1 level needed in the 2 years to 2023.
		{"level: the one below on pace", "G1.1", h22, levels(h22, [2]string{none, fully}, [2]string{none, partly}), OnTrack},
		// 1 level in 3 years; 2 needed in 2 years.
		{"level: the one below too slow", "G1.1", h22, levels(h22, [2]string{none, fully}, [2]string{none, drafting}), OffTrack},
		{"level: date passed, one below", "G1.1", h1, levels(h1, [2]string{none, fully}, [2]string{none, partly}), Missed},
		{"level: date passed, all at it", "G1.1", h1, levels(h1, [2]string{none, fully}), Achieved},
		{"level: nobody reported", "G1.1", h22, nil, NoData},
		// 2021 against 2018: 3 of the 6 years to 2024, so −5 % a year is needed.
		{"change: target reached", "G5.2", h22, incidents(2021, 1000, 300, 300), Achieved},
		{"change: fast enough", "G5.2", h22, incidents(2021, 1000, 400, 400), OnTrack},
		{"change: the right way, too slow", "G5.2", h22, incidents(2021, 1000, 470, 470), OffTrack},
		{"change: the other way", "G5.2", h22, incidents(2021, 1000, 550, 550), OffTrack},
		{"change: date passed, not reached", "G5.2", roadmap.MustPeriod("2024-H2"), incidents(2024, 1000, 400, 400), Missed},
		{"change: date passed, reached", "G5.2", h1, incidents(2025, 1000, 300, 300), Achieved},
		{"change: no baseline", "G5.2", h22, incidents(2021, 1000, 300, 300)[1:], NoData},
		{"change: a half missing, so no year", "G5.2", h22, incidents(2021, 1000, 300, 300)[:2], NoData},
		// A half-year's swing does not count: 2021-H1 is judged on 2020.
		{"change: judged on the last full year", "G5.2", h21, append(incidents(2020, 1000, 480, 480),
			sub("AL", h21, 1, day(1), map[string]any{"G5.2": 100.0})), OffTrack},
		{"no target, higher is better", "G4.1", h1, []roadmap.Submission{sub("AL", h1, 1, day(1), map[string]any{"G4.1": 5.0})}, NotRated},
		{"no target, neutral", "G3.1", h1, []roadmap.Submission{sub("AL", h1, 1, day(1), map[string]any{"G3.1": 5.0})}, NotRated},
		{"no target, not reported", "G3.1", h1, nil, NoData},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := Combine(Snapshot{Catalogue: cat, AsOf: asOf, Submissions: tc.subs}, Request{Period: tc.period})
			ir := indicatorOf(t, r, tc.indicator)
			if ir.Rating != tc.want {
				t.Errorf("%s rated %s (%s), want %s", tc.indicator, ir.Rating, ir.RatingReason, tc.want)
			}
			if ir.RatingReason == "" {
				t.Error("no reason given")
			}
		})
	}
}

func TestRateGoal(t *testing.T) {
	t.Parallel()
	ir := func(rs ...Rating) []IndicatorReport {
		var out []IndicatorReport
		for _, r := range rs {
			out = append(out, IndicatorReport{Rating: r})
		}
		return out
	}
	for _, tc := range []struct {
		in     []IndicatorReport
		want   Rating
		counts string
	}{
		{ir(Achieved, OnTrack, NotRated, NoData), OnTrack, "1 achieved, 1 on track, 1 not rated, 1 no data."},
		{ir(Achieved, Achieved, NotRated), Achieved, "2 achieved, 1 not rated."},
		{ir(OnTrack, OffTrack), OffTrack, "1 on track, 1 off track."},
		{ir(Achieved, Missed), OffTrack, "1 achieved, 1 missed."},
		{ir(NotRated, NoData), NotRated, "No indicator with a target to rate: 1 not rated, 1 no data."},
		{ir(NoData, NoData), NoData, "Nothing reported for its indicators."},
		{nil, NoData, "Nothing reported for its indicators."},
	} {
		got, why, counts := rateGoal(tc.in)
		if got != tc.want || why != tc.counts {
			t.Errorf("rateGoal(%v) = %s (%s), want %s (%s)", tc.in, got, why, tc.want, tc.counts)
		}
		n := 0
		for _, c := range counts {
			n += c.Count
		}
		if n != len(tc.in) {
			t.Errorf("rateGoal(%v) counts %v", tc.in, counts)
		}
	}
}

func TestCombineJurisdictionReport(t *testing.T) {
	t.Parallel()
	cat := catalogue(t)
	al := sub("AL", h1, 1, day(1), map[string]any{"G3.2": 10.0})
	al.Narratives = []roadmap.Narrative{{Goal: "G3", Progress: "Tiranë: Ђорђе Њежић"}}
	al.Findings = []roadmap.Finding{{Severity: roadmap.Warning, Code: roadmap.CodeLargeChange, Indicator: "G3.2", Message: "Large change."}}
	xk := sub("XK", h1, 1, day(1), map[string]any{"G3.2": 20.0})
	xk.Narratives = []roadmap.Narrative{{Goal: "G3", Progress: "Prishtinë / Priština"}}
	xk.Findings = []roadmap.Finding{{Severity: roadmap.Warning, Code: roadmap.CodeLate, Message: "Late."}}
	meeting := &roadmap.Meeting{ID: "lcm-al-2026-2", Kind: roadmap.Local, Jurisdiction: "AL", Period: h1}
	s := Snapshot{Catalogue: cat, AsOf: asOf, Submissions: []roadmap.Submission{al, xk}}

	r := Combine(s, Request{Period: h1, Jurisdiction: "AL", Meeting: meeting, Footnote: "eu"})
	if r.Kind != JurisdictionReport || r.Focus == nil || r.Focus.Code != "AL" || r.Title != "Jurisdiction report: Albania" {
		t.Errorf("kind/focus/title = %s/%v/%q", r.Kind, r.Focus, r.Title)
	}
	if g := find(t, r, "G3.2"); !eqp(g.Regional.Value, 30) {
		t.Errorf("the regional figure beside AL must still cover everyone: %s", regional(g.Regional))
	}
	g3 := r.Goals[2]
	if len(g3.Narratives) != 1 || g3.Narratives[0].Jurisdiction != "AL" {
		t.Errorf("narratives = %+v, want AL's only", g3.Narratives)
	}
	if len(r.Warnings) != 1 || r.Warnings[0].Jurisdiction != "AL" {
		t.Errorf("warnings = %+v, want AL's only", r.Warnings)
	}
	if len(r.Footnotes) != 1 || !strings.Contains(r.Footnotes[0].Text, "ICJ Opinion") || !slices.Equal(r.Footnotes[0].Jurisdictions, []string{"XK"}) {
		t.Errorf("footnotes = %+v, want the EU form for XK", r.Footnotes)
	}

	r = Combine(s, Request{Period: h1, Meeting: &roadmap.Meeting{ID: "rcm-16", Kind: roadmap.Regional, Number: 16, Period: h1}})
	if r.Kind != RegionalReport || r.Title != "Regional progress report 16" || r.Number != 16 {
		t.Errorf("kind/title/number = %s/%q/%d", r.Kind, r.Title, r.Number)
	}
	if len(r.Goals[2].Narratives) != 2 || len(r.Warnings) != 2 {
		t.Errorf("regional report: %d narratives on G3 and %d warnings, want 2 and 2", len(r.Goals[2].Narratives), len(r.Warnings))
	}
	if !slices.Equal(r.Goals[2].NoNarrative, nil) || !slices.Contains(r.Goals[0].NoNarrative, "XK") {
		t.Errorf("no narrative lists: G3 %v, G1 %v", r.Goals[2].NoNarrative, r.Goals[0].NoNarrative)
	}
	if len(r.Footnotes) != 1 || !strings.HasPrefix(r.Footnotes[0].Text, "References to Kosovo") {
		t.Errorf("footnotes = %+v, want the UN form by default", r.Footnotes)
	}
}

func TestCombineNoData(t *testing.T) {
	t.Parallel()
	cat := catalogue(t)
	r := Combine(Snapshot{Catalogue: cat, AsOf: asOf}, Request{Period: h1, Draft: true})
	if !r.NoData || !r.Draft {
		t.Fatalf("NoData=%t Draft=%t, want both", r.NoData, r.Draft)
	}
	if len(r.Goals) != len(cat.Goals) || len(r.Definitions) != len(cat.Indicators) || len(r.Completeness) != 6 {
		t.Errorf("an empty report must still have every section: %d goals, %d definitions, %d completeness",
			len(r.Goals), len(r.Definitions), len(r.Completeness))
	}
	for _, g := range r.Goals {
		if g.Status != NoData {
			t.Errorf("goal %s = %s, want no data", g.Code, g.Status)
		}
		for _, ir := range g.Indicators {
			for _, row := range ir.Rows {
				if row.Regional.Value != nil || row.Regional.Covered != 0 {
					t.Errorf("%s has a figure without data", row.Code)
				}
			}
		}
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v    float64
		want string
	}{{0, "0"}, {1234567, "1,234,567"}, {12.5, "12.5"}, {-1234.567, "−1,234.57"}, {999, "999"}, {0.001, "0"}} {
		if got := FormatNumber(tc.v); got != tc.want {
			t.Errorf("FormatNumber(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
	for ratio, want := range map[float64]string{-0.3: "−30.0 %", 67.587: "+6,758.7 %", -12.3456: "−1,234.6 %", 9.99949: "+999.9 %", 0.00001: "0.0 %"} {
		if got := FormatPercent(ratio); got != want {
			t.Errorf("FormatPercent(%v) = %q, want %q", ratio, got, want)
		}
	}
	if got := (Figure{}).String(); got != NotReported {
		t.Errorf("empty figure = %q", got)
	}
}

// history is a full snapshot: every jurisdiction, every period from the
// baseline to 2026-H1 (16 periods), every row of the catalogue.
func history(b testing.TB) Snapshot {
	cat := catalogue(b)
	var subs []roadmap.Submission
	for ji, j := range cat.Jurisdictions {
		for pi, p := range Axis(cat.Baseline, h1) {
			vals := map[string]any{}
			for ri, row := range cat.Rows() {
				if row.Indicator.Kind == roadmap.Status {
					vals[row.Code] = row.Indicator.Levels[(ji+pi)%len(row.Indicator.Levels)]
				} else {
					vals[row.Code] = float64((ji+1)*(pi+1)*7 + ri)
				}
			}
			s := sub(j.Code, p, 1, p.Last().AddDate(0, 2, 0), vals)
			for _, g := range cat.Goals {
				s.Narratives = append(s.Narratives, roadmap.Narrative{Goal: g.Code, Progress: strings.Repeat("Progress in "+j.Capital+". ", 20)})
			}
			subs = append(subs, s)
		}
	}
	return Snapshot{Catalogue: cat, Submissions: subs, AsOf: asOf}
}

func BenchmarkCombineRegional(b *testing.B) {
	s := history(b)
	b.ReportAllocs()
	for b.Loop() {
		Combine(s, Request{Period: h1, Meeting: rcm16})
	}
}

func BenchmarkCombineAllJurisdictions(b *testing.B) {
	s := history(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, j := range s.Catalogue.Jurisdictions {
			Combine(s, Request{Period: h1, Jurisdiction: j.Code})
		}
	}
}

// TestGoalNotRatedIsNotNoData: a goal whose indicators are all neutral but
// reported must not read "no data" (Goal 3 of the catalogue: seizures and
// persons charged); only a goal with nothing reported has no data.
func TestGoalNotRatedIsNotNoData(t *testing.T) {
	t.Parallel()
	cat := catalogue(t)
	goal := func(r *Report, code string) GoalSection {
		for _, g := range r.Goals {
			if g.Code == code {
				return g
			}
		}
		t.Fatalf("no goal %s", code)
		return GoalSection{}
	}
	reported := Combine(Snapshot{Catalogue: cat, AsOf: asOf, Submissions: []roadmap.Submission{
		sub("AL", h1, 1, day(1), map[string]any{"G3.1": 12.0}),
	}}, Request{Period: h1})
	if g := goal(reported, "G3"); g.Status != NotRated || !strings.Contains(g.StatusReason, "No indicator with a target to rate: 1 not rated, 3 no data") {
		t.Errorf("G3 with seizures reported: %s (%s), want not rated", g.Status, g.StatusReason)
	}
	if ir := indicatorOf(t, reported, "G3.2"); ir.Rating != NoData {
		t.Errorf("G3.2 not reported by anyone: %s, want no data", ir.Rating)
	}
	empty := Combine(Snapshot{Catalogue: cat, AsOf: asOf}, Request{Period: h1})
	if g := goal(empty, "G3"); g.Status != NoData {
		t.Errorf("G3 with nothing reported: %s, want no data", g.Status)
	}
	// In a jurisdiction report only that jurisdiction's figures count.
	other := Combine(Snapshot{Catalogue: cat, AsOf: asOf, Submissions: []roadmap.Submission{
		sub("AL", h1, 1, day(1), map[string]any{"G3.1": 12.0}),
	}}, Request{Period: h1, Jurisdiction: "RS"})
	if g := goal(other, "G3"); g.Status != NoData {
		t.Errorf("G3 in Serbia's report when only Albania reported: %s, want no data", g.Status)
	}
}
