package templates

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/seesac/roadmap"
)

// The built-in catalogues: the one in force (catalogue.yaml, the Roadmap
// 2025–2030) and the Phase I catalogue it succeeds (phase1.yaml). A
// catalogue names its predecessor by id; a built-in one is found here.
var (
	//go:embed catalogue.yaml
	defaultCatalogue []byte
	//go:embed phase1.yaml
	phase1Catalogue []byte
)

// builtins are the embedded catalogue files by name.
var builtins = []struct {
	name string
	data []byte
}{{DefaultFileName, defaultCatalogue}, {"phase1.yaml", phase1Catalogue}}

// DefaultFileName names the embedded catalogue in problems.
const DefaultFileName = "catalogue.yaml"

// maxSuccession bounds a chain of catalogues, so that two files that name
// each other are reported instead of followed for ever.
const maxSuccession = 8

// DefaultCatalogue is the embedded, illustrative Western Balkans catalogue in
// force, linked to the catalogues it succeeds.
func DefaultCatalogue() (*roadmap.Catalogue, error) { return ParseCatalogue(defaultCatalogue) }

// ParseCatalogue reads and checks a catalogue and sets its Hash. Problems are
// reported all at once as roadmap.Problems naming "catalogue.yaml". A
// catalogue it succeeds is looked up among the built-in ones.
func ParseCatalogue(data []byte) (*roadmap.Catalogue, error) {
	return parseCatalogue(DefaultFileName, data, builtinResolver(0))
}

// LoadCatalogue reads and checks the catalogue file at path (an operator's
// replacement for the embedded one). Problems name the file as given. A
// catalogue it succeeds is read from the file its succeeds key names
// (relative to path's folder), or else found among the built-in ones.
func LoadCatalogue(path string) (*roadmap.Catalogue, error) {
	return loadCatalogue(path, 0)
}

func loadCatalogue(path string, depth int) (*roadmap.Catalogue, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read catalogue: %w", err)
	}
	return parseCatalogue(path, data, func(s roadmap.Succession) (*roadmap.Catalogue, error) {
		if s.File == "" {
			return builtinResolver(depth)(s)
		}
		if depth >= maxSuccession {
			return nil, fmt.Errorf("more than %d catalogues succeed one another: check that no two files name each other", maxSuccession)
		}
		return loadCatalogue(filepath.Join(filepath.Dir(path), filepath.FromSlash(s.File)), depth+1)
	})
}

// builtinIDs are the ids of the built-in catalogues, in the order of
// builtins, read once: finding a predecessor by id must not decode every
// embedded file each time a catalogue is loaded.
var builtinIDs = sync.OnceValue(func() []string {
	ids := make([]string, len(builtins))
	for i, b := range builtins {
		var head struct {
			ID string `yaml:"id"`
		}
		if yaml.Unmarshal(b.data, &head) == nil {
			ids[i] = head.ID
		}
	}
	return ids
})

// builtinResolver finds a predecessor by id among the embedded catalogues.
func builtinResolver(depth int) func(roadmap.Succession) (*roadmap.Catalogue, error) {
	return func(s roadmap.Succession) (*roadmap.Catalogue, error) {
		if depth >= maxSuccession {
			return nil, fmt.Errorf("more than %d catalogues succeed one another", maxSuccession)
		}
		ids := builtinIDs()
		for i, b := range builtins {
			if ids[i] == s.ID {
				return parseCatalogue(b.name, b.data, builtinResolver(depth+1))
			}
		}
		return nil, fmt.Errorf("no built-in catalogue has the id %q (built in: %s): name its file with succeeds: {id: %s, file: FILE}", s.ID, strings.Join(ids, ", "), s.ID)
	}
}

func parseCatalogue(file string, data []byte, resolve func(roadmap.Succession) (*roadmap.Catalogue, error)) (*roadmap.Catalogue, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, roadmap.Problems{syntaxProblem(err)}.In(file)
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, roadmap.Problems{{Line: 1, Message: "the file is empty: a catalogue needs an id, a title, jurisdictions, goals and indicators"}}.In(file)
	}
	// The walk comes first: it records every line, reports every value of
	// the wrong shape, and sets aside a period that cannot be read, so that
	// decoding straight into the catalogue's types goes through.
	c := &checker{lines: map[string]int{"": root.Content[0].Line}}
	c.walk(root.Content[0], "", catalogueType)
	cat := &roadmap.Catalogue{}
	decodeErr := root.Decode(cat)
	var typeErr *yaml.TypeError
	if decodeErr != nil && !errors.As(decodeErr, &typeErr) {
		return nil, roadmap.Problems(append(c.sorted(), syntaxProblem(decodeErr))).In(file)
	}
	if typeErr != nil && !c.typeProblems {
		// The walk checks the same types as the decoder; this is a safety net
		// that still names the line if the two ever disagree.
		for _, msg := range typeErr.Errors {
			c.problems = append(c.problems, roadmap.Problem{Line: lineOf(msg), Message: "this value has the wrong type for its key"})
		}
	}
	c.validate(cat)
	c.crossCheck(cat)
	if len(c.problems) > 0 {
		return nil, roadmap.Problems(c.sorted()).In(file)
	}
	sum := sha256.Sum256(data)
	cat.Hash = hex.EncodeToString(sum[:])
	fillDefaults(cat)
	if cat.Succeeds != nil {
		c.link(cat, resolve)
		if len(c.problems) > 0 {
			return nil, roadmap.Problems(c.sorted()).In(file)
		}
	}
	return cat, nil
}

var (
	yamlLine       = regexp.MustCompile(`line (\d+)`)
	yamlLinePrefix = regexp.MustCompile(`^line (\d+): `)
)

func lineOf(msg string) int {
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			return n
		}
	}
	return 1
}

// syntaxProblem turns a YAML parser error into a problem. The parser's own
// words are kept after "yaml: line N:" because they describe the text (a tab,
// a missing colon), which is what the reader has to fix.
func syntaxProblem(err error) roadmap.Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if m := yamlLinePrefix.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	for _, h := range yamlHints {
		if strings.Contains(msg, h.clue) {
			msg += " (" + h.hint + ")"
			break
		}
	}
	return roadmap.Problem{Line: max(line, 1), Message: "the file is not valid YAML: " + msg}
}

// yamlHints add what to do to the parser's most common complaints.
var yamlHints = []struct{ clue, hint string }{
	{"mapping values are not allowed", `a value that contains ": " must be written in quotes`},
	{"found a tab character", "indent with spaces, not tabs"},
	{"found character that cannot start any token", "indent with spaces, not tabs, and put values that start with a special character in quotes"},
}

// checker collects problems and remembers the line of every place in the file.
type checker struct {
	lines        map[string]int
	problems     []roadmap.Problem
	typeProblems bool
	bad          map[string]bool // places already reported as the wrong type
}

func (c *checker) add(path, format string, args ...any) {
	c.problems = append(c.problems, roadmap.Problem{Line: c.line(path), Key: path, Message: fmt.Sprintf(format, args...)})
}

// line is the line of path, or of its nearest parent that is in the file
// (a missing key is reported where its parent is).
func (c *checker) line(path string) int {
	for {
		if l, ok := c.lines[path]; ok {
			return l
		}
		if path == "" {
			return 1
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			path = ""
		} else {
			path = path[:i]
		}
	}
}

func (c *checker) sorted() []roadmap.Problem {
	out := c.problems
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Key < out[j].Key
	})
	// The same problem found twice (a place reached through a YAML alias)
	// is reported once.
	uniq := out[:0]
	for i, p := range out {
		if i > 0 && p == out[i-1] {
			continue
		}
		uniq = append(uniq, p)
	}
	return uniq
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (c *checker) crossCheck(d *roadmap.Catalogue) {
	cadence := d.Cadence
	var baseline roadmap.Period
	if p := d.Baseline; !p.IsZero() {
		if p.IsYear() {
			baseline = p
		} else {
			c.add("baseline", "the baseline must be a whole calendar year such as %d, not %s", p.Year, p)
		}
	}

	footnotes := map[string]bool{}
	seen := map[string]string{}
	for i, f := range d.Footnotes {
		path := fmt.Sprintf("footnotes[%d]", i)
		c.unique(seen, "footnote id", f.ID, path+".id")
		footnotes[f.ID] = true
	}

	seen = map[string]string{}
	for i, j := range d.Jurisdictions {
		path := fmt.Sprintf("jurisdictions[%d]", i)
		// Codes are looked up regardless of case (Catalogue.Jurisdiction),
		// so "al" and "AL" would be one jurisdiction.
		c.unique(seen, "jurisdiction code", strings.ToUpper(j.Code), path+".code")
		if j.Footnote != "" && !footnotes[j.Footnote] {
			c.add(path+".footnote", "footnote %q is not defined: add it under footnotes, or use one of: %s", j.Footnote, listOf(keys(footnotes)))
		}
	}

	goals := map[string]bool{}
	var goalCodes []string
	seen = map[string]string{}
	numbers := map[string]string{}
	for i, g := range d.Goals {
		path := fmt.Sprintf("goals[%d]", i)
		c.unique(seen, "goal code", g.Code, path+".code")
		if g.Number != 0 {
			c.unique(numbers, "goal number", strconv.Itoa(g.Number), path+".number")
		}
		if g.Code != "" && !goals[g.Code] {
			goals[g.Code] = true
			goalCodes = append(goalCodes, g.Code)
		}
	}

	seen = map[string]string{}
	for i := range d.Indicators {
		ind := &d.Indicators[i]
		path := fmt.Sprintf("indicators[%d]", i)
		c.unique(seen, "indicator code", ind.Code, path+".code")
		if ind.Goal != "" && len(goals) > 0 && !goals[ind.Goal] {
			c.add(path+".goal", "goal %q is not one of the catalogue's goals (%s)", ind.Goal, listOf(goalCodes))
		}
		icad := cadence
		if ind.Cadence != "" {
			icad = ind.Cadence
		}
		c.checkIndicator(ind, path, icad, baseline)
	}
	c.checkCycle(d, baseline)
}

func (c *checker) checkIndicator(ind *roadmap.Indicator, path string, cadence roadmap.Cadence, baseline roadmap.Period) {
	kind := ind.Kind
	known := kind == roadmap.Count || kind == roadmap.Quantity || kind == roadmap.Percent || kind == roadmap.Status
	if !known {
		return // the validator reported the kind; the rest depends on it
	}
	if kind == roadmap.Status {
		if len(ind.Levels) == 0 && !c.bad[path+".levels"] {
			c.add(path+".levels", "a status indicator needs its levels, in order from the lowest to the highest, e.g. levels: [none, draft, adopted]")
		} else if len(ind.Levels) == 1 {
			c.add(path+".levels", "a status indicator needs at least two levels")
		}
		levels := map[string]string{}
		for k, l := range ind.Levels {
			c.unique(levels, "level", l, fmt.Sprintf("%s.levels[%d]", path, k))
		}
		if ind.Breakdown != nil {
			c.add(path+".breakdown", "a status indicator cannot be split into parts: remove the breakdown")
		}
	} else if len(ind.Levels) > 0 {
		c.add(path+".levels", "only a status indicator has levels, and this one is a %s: remove the levels or change the kind", kind)
	}
	if ind.Decimals != nil && *ind.Decimals != 0 && (kind == roadmap.Count || kind == roadmap.Status) {
		c.add(path+".decimals", "a %s is printed without decimals: remove decimals or set it to 0", kind)
	}
	if kind == roadmap.Quantity && strings.TrimSpace(ind.Unit) == "" && !c.bad[path+".unit"] {
		c.add(path+".unit", "a quantity needs a unit, such as kg or tonnes")
	}

	agg := ind.Aggregation
	allowed := map[roadmap.Kind][]roadmap.Aggregation{
		roadmap.Count:    {roadmap.Sum},
		roadmap.Quantity: {roadmap.Sum},
		roadmap.Percent:  {roadmap.Mean, roadmap.Range, roadmap.Pooled},
		roadmap.Status:   {roadmap.Distribution},
	}[kind]
	validAgg := agg == roadmap.Sum || agg == roadmap.Mean || agg == roadmap.Range || agg == roadmap.Distribution || agg == roadmap.Pooled
	if agg == roadmap.Pooled && ind.Ratio == nil {
		c.add(path+".aggregation", "a pooled share needs its ratio: add ratio: {numerator: ROW, denominator: ROW}, or combine by mean or range")
	}
	if validAgg && !containsAgg(allowed, agg) {
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = string(a)
		}
		c.add(path+".aggregation", "a %s indicator cannot be combined by %s: use %s", kind, agg, strings.Join(names, " or "))
	}

	if bd := ind.Breakdown; bd != nil {
		parts := map[string]string{}
		for k, p := range bd.Parts {
			c.unique(parts, "part code", p.Code, fmt.Sprintf("%s.breakdown.parts[%d].code", path, k))
		}
	}

	baseline = c.checkIndicatorBaseline(ind, path, baseline)
	if t := ind.Target; t != nil {
		tp := path + ".target"
		switch {
		case t.Level == "" && t.Change == nil:
			c.add(tp, "a target needs a level (for a status) or a change against the baseline (for a number), e.g. change: -0.3")
		case kind == roadmap.Status && t.Change != nil:
			c.add(tp+".change", "a status indicator's target is a level, not a change: write level: one of %s", listOf(ind.Levels))
		case kind != roadmap.Status && t.Level != "":
			c.add(tp+".level", "only a status indicator has a target level; for a %s write a change against the baseline, e.g. change: -0.3", kind)
		case kind == roadmap.Status && len(ind.Levels) > 0 && !containsStr(ind.Levels, t.Level):
			c.add(tp+".level", "target level %q is not on the indicator's scale (%s)", t.Level, listOf(ind.Levels))
		}
		if p := t.By; !p.IsZero() {
			switch {
			case (cadence == roadmap.HalfYearly || cadence == roadmap.Yearly) && !cadence.Fits(p):
				c.add(tp+".by", "%s is not a reporting period of a %s catalogue: write a calendar year such as %d", p, cadence, p.Year)
			case !baseline.IsZero() && !baseline.Before(p):
				c.add(tp+".by", "the target period %s must come after the baseline %s", p, baseline)
			}
		}
	}
}

// checkIndicatorBaseline checks an indicator's own baseline (docs/ratings.md)
// against the catalogue's and the target's date, and returns the baseline
// its target is measured from: its own when that one is sound, else the
// catalogue's, so that one mistake is reported once.
func (c *checker) checkIndicatorBaseline(ind *roadmap.Indicator, path string, baseline roadmap.Period) roadmap.Period {
	p := ind.Baseline
	if p.IsZero() {
		return baseline
	}
	bp := path + ".baseline"
	var by roadmap.Period
	if ind.Target != nil {
		by = ind.Target.By
	}
	switch {
	case !p.IsYear():
		c.add(bp, "an indicator's baseline is a whole calendar year, such as %d, not %s: targets are judged on full years", p.Year, p)
	case !baseline.IsZero() && p.Before(baseline):
		c.add(bp, "the indicator's baseline %s comes before the catalogue's baseline %s: write %s or a later year, or remove it to use the catalogue's", p, baseline, baseline)
	case !by.IsZero() && !p.Before(by):
		c.add(bp, "the indicator's baseline %s must come before its target's date %s", p, by)
	default:
		return p
	}
	return baseline
}

// unique reports value if it was already seen; the message names the first place.
func (c *checker) unique(seen map[string]string, what, value, path string) {
	if value == "" {
		return
	}
	if first, ok := seen[value]; ok {
		c.add(path, "%s %q is used twice: it is also at line %d (%s)", what, value, c.line(first), first)
		return
	}
	seen[value] = path
}

func containsAgg(list []roadmap.Aggregation, a roadmap.Aggregation) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func listOf(items []string) string {
	if len(items) == 0 {
		return "none defined"
	}
	return strings.Join(items, ", ")
}
