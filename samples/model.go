package samples

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/templates"
)

// Paths inside the samples folder, relative and slash-separated.
const (
	ValidDir     = "workbooks/valid"  // then <J>/<templates.FileName(J, P)>
	BrokenDir    = "workbooks/broken" // one file per kind of failure
	BrokenIndex  = "broken.yaml"      // the list of broken files and their codes
	CalendarFile = "calendar.yaml"    // the sample meeting calendar
)

// seed fixes every random draw; changing it changes every sample.
const seed = 20180710 // the London Summit, where the Roadmap was adopted

// lastDay bounds the periods the samples cover: every period that has ended by
// then (2026-H1 for a half-yearly catalogue).
var lastDay = time.Date(2026, time.June, 30, 0, 0, 0, 0, time.UTC)

// Data is everything Generate writes, as a model: tests elsewhere use it to know
// what each sample says without reading the files back.
type Data struct {
	// Valid lists the filled-in workbooks, by jurisdiction in catalogue order,
	// then by period.
	Valid []Workbook
	// Missing lists the jurisdiction and period pairs for which, on purpose, no
	// workbook was written (a Commission that did not report).
	Missing []Gap
	// Broken lists the broken files, as written to broken.yaml.
	Broken []Broken
	// Calendar is the sample meeting calendar, as written to calendar.yaml.
	Calendar []roadmap.Meeting
}

// Workbook is one valid sample: what its cover, KPI and narrative sheets say.
type Workbook struct {
	Path         string // relative to the samples folder, e.g. workbooks/valid/AL/<name>.xlsx
	Jurisdiction string
	Period       roadmap.Period
	Cover        roadmap.Cover
	// Values has one entry per row of the catalogue, in catalogue order; a row
	// left blank on purpose has Reported false.
	Values []roadmap.Value
	// Narratives has one entry per goal, in catalogue order; a goal left without
	// narrative on purpose is Empty.
	Narratives []roadmap.Narrative
}

// Value finds the value of a row code.
func (w *Workbook) Value(row string) (roadmap.Value, bool) {
	for _, v := range w.Values {
		if v.Row == row {
			return v, true
		}
	}
	return roadmap.Value{}, false
}

// Narrative finds the narrative of a goal.
func (w *Workbook) Narrative(goal string) (roadmap.Narrative, bool) {
	for _, n := range w.Narratives {
		if n.Goal == goal {
			return n, true
		}
	}
	return roadmap.Narrative{}, false
}

// Gap is a jurisdiction and period with no workbook.
type Gap struct {
	Jurisdiction string
	Period       roadmap.Period
}

// Broken is one broken file and the finding that ingest must produce for it.
type Broken struct {
	File        string       `yaml:"file"`   // relative to the samples folder
	Folder      string       `yaml:"folder"` // the inbox subfolder to drop it into
	Code        roadmap.Code `yaml:"code"`
	Description string       `yaml:"description"`
}

// The deliberate gaps. They apply only where the catalogue has the jurisdiction,
// period, row or goal named.
var (
	missingReport = Gap{Jurisdiction: "ME", Period: roadmap.Period{Year: 2021, Half: 1}}
	blankValues   = []struct {
		Jurisdiction string
		Period       roadmap.Period
		Row          string
	}{
		{"BA", roadmap.Period{Year: 2020, Half: 2}, "G3.3"},
		{"XK", roadmap.Period{Year: 2025}, "G3.3"},
	}
	blankNarratives = []struct {
		Jurisdiction string
		Period       roadmap.Period
		Goal         string
	}{
		{"XK", roadmap.Period{Year: 2019, Half: 2}, "G7"},
		{"MK", roadmap.Period{Year: 2022, Half: 1}, "G2"},
		{"RS", roadmap.Period{Year: 2025, Half: 2}, "G6"},
	}
)

// Periods lists the rounds the samples cover: the first catalogue's
// baseline, then every round of the catalogue in force for it, until
// mid-2026 (2018, 2019-H1 … 2024-H2 under Phase I, then 2025-H1, 2025-H2
// and 2026-H1 under the Roadmap 2025–2030 for the built-in catalogues).
func Periods(cat *roadmap.Catalogue) ([]roadmap.Period, error) {
	first := cat.Chain()[0]
	if first.Baseline.IsZero() {
		return nil, fmt.Errorf("catalogue %q has no baseline period", first.ID)
	}
	ps := []roadmap.Period{first.Baseline}
	for y := first.Baseline.Year + 1; y <= lastDay.Year(); y++ {
		for _, p := range []roadmap.Period{{Year: y, Half: 1}, {Year: y, Half: 2}, {Year: y}} {
			if !p.Last().After(lastDay) && cat.InForce(p).IsRound(p) {
				ps = append(ps, p)
			}
		}
	}
	return ps, nil
}

// grid is the time axis the samples' underlying figures are drawn on: the
// baseline, then the first catalogue's round cadence (half-years for Phase
// I), until mid-2026. A round's yearly figure is made from it by the
// catalogue's own rule for deriving a year (roadmap.Indicator.DeriveYear), so
// that a year reported under the successor continues the half-years
// reported before it.
func grid(cat *roadmap.Catalogue) []roadmap.Period {
	first := cat.Chain()[0]
	ps := []roadmap.Period{first.Baseline}
	p := first.RoundCadence().PeriodOf(first.Baseline.Last().AddDate(0, 0, 1))
	for !p.Last().After(lastDay) {
		ps = append(ps, p)
		p = p.Next()
	}
	return ps
}

// Build makes the model of the samples for a catalogue, without writing anything.
func Build(cat *roadmap.Catalogue) (*Data, error) {
	periods, err := Periods(cat)
	if err != nil {
		return nil, err
	}
	d := &Data{}
	for _, j := range cat.Jurisdictions {
		hist := history(cat, j.Code)
		who := personaOf(&j)
		for _, p := range periods {
			if j.Code == missingReport.Jurisdiction && p == missingReport.Period {
				d.Missing = append(d.Missing, missingReport)
				continue
			}
			gov := cat.InForce(p)
			w := Workbook{
				Path:         ValidDir + "/" + j.Code + "/" + templates.FileName(j.Code, p),
				Jurisdiction: j.Code,
				Period:       p,
				Cover:        coverOf(who, j.Code, p),
				Values:       hist.round(gov, j.Code, p),
			}
			w.Narratives = narratives(gov, &j, who, &w)
			d.Valid = append(d.Valid, w)
		}
	}
	base, ok := brokenBase(d)
	if ok {
		d.Broken = brokenList(cat, base)
	}
	d.Calendar = calendar(cat)
	return d, nil
}

// stream is the random source of one series: a jurisdiction's indicator. Each
// series has its own stream so that changing one indicator's recipe leaves
// every other sample as it was.
func stream(parts ...string) *rand.Rand {
	h := fnv.New64a()
	for _, s := range parts {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// spread is a factor around 1 within ±rel.
func spread(r *rand.Rand, rel float64) float64 { return 1 + (r.Float64()*2-1)*rel }

// round rounds x to the given number of decimals.
func round(x float64, decimals int) float64 {
	m := math.Pow(10, float64(decimals))
	return math.Round(x*m) / m
}

// halfYears is how many half-years p ends after the baseline ends: 0 for the
// baseline, 1 for 2019-H1, 15 for 2026-H1.
func halfYears(baseline, p roadmap.Period) float64 {
	a, b := baseline.Last(), p.Last()
	months := (b.Year()-a.Year())*12 + int(b.Month()-a.Month())
	return float64(months) / 6
}

// length is the period's length in half-years: flows over a year are twice
// those over a half-year.
func length(p roadmap.Period) float64 {
	if p.IsYear() {
		return 2
	}
	return 1
}

// coverOf fills in the cover: sent some weeks after the period ended, final.
func coverOf(who persona, j string, p roadmap.Period) roadmap.Cover {
	r := stream(j, "cover", p.String())
	sent := p.Last().AddDate(0, 0, 40+r.IntN(35))
	return roadmap.Cover{
		Institution: who.institution,
		Contact:     who.contact,
		Email:       who.email,
		Date:        sent.Format(time.DateOnly),
		Final:       true,
	}
}
