package roadmap

import (
	_ "embed"
	"encoding"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/seesac/roadmap/datadir"
)

// Config is the operator's roadmap.yaml: time zone, catalogue, intake limits,
// check thresholds, build plans, extra cron jobs, logging, the optional HTTP
// listener and the meeting calendar. Its YAML keys are pinned: operators and
// scripts write them.
type Config struct {
	// Timezone is the IANA zone of the calendar and of build times.
	Timezone string `yaml:"timezone"`
	// Catalogue is the path of a catalogue YAML file; "" is the built-in one. A
	// relative path is read from the folder of the configuration file.
	Catalogue string `yaml:"catalogue"`
	// Footnote is the form of the Kosovo* footnote in reports: "un" or "eu".
	Footnote FootnoteForm `yaml:"footnote"`
	Intake   IntakeConfig `yaml:"intake"`
	Checks   ChecksConfig `yaml:"checks"`
	// Plans is the build plan of each meeting kind. A kind with an empty plan
	// gets no scheduled builds.
	Plans map[MeetingKind][]BuildStep `yaml:"plans"`
	// Cron lists extra scheduled jobs beside the meeting builds.
	Cron []CronEntry `yaml:"cron"`
	Log  LogConfig   `yaml:"log"`
	// Listen is the address of the HTTP listener for /healthz and /metrics; "" is off.
	Listen string `yaml:"listen"`
	// Web is the portal's listener, apart from the operator's.
	Web WebConfig `yaml:"web"`
	// Branding is what the reports carry besides their content: logos, the
	// funding acknowledgement and the disclaimer.
	Branding BrandingConfig `yaml:"branding"`
	// Meetings is the calendar. Nil (the key absent) means the built-in calendar;
	// an empty list means no meetings at all.
	Meetings []Meeting `yaml:"meetings"`
	// Delivery, Contacts and Notify are the e-mail side (config_delivery.go).
	Delivery DeliveryConfig `yaml:"delivery"`
	Contacts Contacts       `yaml:"contacts"`
	Notify   NotifyConfig   `yaml:"notify"`
}

// IntakeConfig sets how the inbox is watched.
type IntakeConfig struct {
	// Stable is how long a file's size and modification time must stay unchanged
	// before it is taken, so that a file still being copied is left alone.
	Stable time.Duration `yaml:"stable"`
	// Rescan is the interval of full inbox scans: network shares send no events.
	Rescan time.Duration `yaml:"rescan"`
	// MaxSizeMB is the largest file accepted, in mebibytes.
	MaxSizeMB int `yaml:"max_size_mb"`
}

// MaxSize is the size limit in bytes.
func (c IntakeConfig) MaxSize() int64 { return int64(c.MaxSizeMB) << 20 }

// ChecksConfig sets the thresholds of the warnings.
type ChecksConfig struct {
	// ChangeFactor: a value more than this many times larger, or smaller, than
	// the previous accepted period's gets a large-change warning.
	ChangeFactor float64 `yaml:"change_factor"`
}

// CronEntry is an extra scheduled job: Spec in the five-field cron syntax, in
// the configured time zone; Job names what runs (the daemon knows the names).
type CronEntry struct {
	Name string `yaml:"name"`
	Spec string `yaml:"spec"`
	Job  string `yaml:"job"`
}

// WebConfig sets the portal (docs/portal.md).
type WebConfig struct {
	// Listen is the portal's address; "" is off.
	Listen string `yaml:"listen"`
	// TLSCert and TLSKey are the certificate and key files the portal serves
	// HTTPS with; both empty leaves TLS to a reverse proxy.
	TLSCert string `yaml:"tls_cert"`
	TLSKey  string `yaml:"tls_key"`
	// BehindProxy takes the client's address from the X-Forwarded-For header
	// a reverse proxy appends, for the per-address login limit.
	BehindProxy bool `yaml:"behind_proxy"`
}

// BrandingConfig is the reports' branding.
type BrandingConfig struct {
	// Logos are PNG or JPEG files in the data folder (paths relative to it),
	// printed on the cover from left to right.
	Logos []string `yaml:"logos"`
	// Acknowledgement and Disclaimer are printed on the inside cover.
	Acknowledgement string `yaml:"acknowledgement"`
	Disclaimer      string `yaml:"disclaimer"`
}

// LogConfig sets the daemon's log output.
type LogConfig struct {
	// Format is "text" or "json".
	Format LogFormat `yaml:"format"`
}

// Defaults of the configuration, named so that documentation and tests agree.
const (
	DefaultTimezone     = "Europe/Belgrade"
	DefaultFootnote     = "un"
	DefaultStable       = 5 * time.Second
	DefaultRescan       = 60 * time.Second
	DefaultMaxSizeMB    = 20
	DefaultChangeFactor = 3
	DefaultLogFormat    = "text"

	// maxMaxSizeMB bounds the size limit: a KPI workbook is a few hundred KB,
	// and the reader holds a file's sheets in memory.
	maxMaxSizeMB = 1024
	// maxConfigSize bounds what ParseConfig reads: a calendar of decades is
	// a few hundred KB.
	maxConfigSize = 4 << 20
	// maxConfigNodes bounds the work of walking a file, whose aliases could
	// otherwise expand one small anchor many times over.
	maxConfigNodes = 200_000
)

// MeetingKinds lists the known meeting kinds in the order they are documented.
var MeetingKinds = []MeetingKind{Regional, Local, HighLevel}

// Known reports whether k is one of MeetingKinds.
func (k MeetingKind) Known() bool { return slices.Contains(MeetingKinds, k) }

// DefaultPlan is the build plan of every meeting kind unless configured: a
// draft 14 days and the final 3 days before the meeting, both at 07:00.
func DefaultPlan() []BuildStep {
	return []BuildStep{
		{Kind: Draft, DaysBefore: 14, At: "07:00"},
		{Kind: Final, DaysBefore: 3, At: "07:00"},
	}
}

// DefaultConfig is the configuration in force when roadmap.yaml is absent or
// says nothing. Its Meetings is nil: the built-in calendar.
func DefaultConfig() Config {
	plans := make(map[MeetingKind][]BuildStep, len(MeetingKinds))
	for _, k := range MeetingKinds {
		plans[k] = DefaultPlan()
	}
	return Config{
		Timezone:  DefaultTimezone,
		Footnote:  DefaultFootnote,
		Intake:    IntakeConfig{Stable: DefaultStable, Rescan: DefaultRescan, MaxSizeMB: DefaultMaxSizeMB},
		Checks:    ChecksConfig{ChangeFactor: DefaultChangeFactor},
		Plans:     plans,
		Log:       LogConfig{Format: DefaultLogFormat},
		Listen:    "",
		Catalogue: "",
		Delivery: DeliveryConfig{From: DefaultFrom, PendingAlert: DefaultPendingAlert,
			MaxAttachmentMB: DefaultMaxAttachmentMB, SMTP: SMTPConfig{TLS: TLSStartTLS, Timeout: DefaultSMTPTimeout}},
		Notify: DefaultNotify(),
	}
}

//go:embed config_default.yaml
var initYAML []byte

// InitYAML is the commented roadmap.yaml that `roadmap init` writes: every
// setting at its default, with the meeting calendar shown commented out.
func InitYAML() []byte { return slices.Clone(initYAML) }

// Location loads the configured time zone.
func (c Config) Location() (*time.Location, error) {
	if c.Timezone == "" {
		// time.LoadLocation reads "" as UTC, which would hide a missing setting.
		return nil, errors.New("no time zone is configured")
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", c.Timezone, err)
	}
	return loc, nil
}

// Plan is the build plan of a meeting kind (nil when it has none).
func (c Config) Plan(k MeetingKind) []BuildStep { return c.Plans[k] }

// ConfigFileName is the configuration's name in the data folder, and in
// problems when its path is not known.
const ConfigFileName = "roadmap.yaml"

// ParseConfig reads roadmap.yaml (ParseConfigFile named ConfigFileName).
func ParseConfig(r io.Reader) (Config, error) { return ParseConfigFile(ConfigFileName, r) }

// ParseConfigFile reads a configuration over the defaults: a key left out
// keeps its default, an unknown key is an error, and the result is
// validated. Problems lists every problem with file, line and key (the
// configuration is returned with them, a value that could not be read at
// its default); other errors are about the file as a whole (unreadable, not
// YAML).
func ParseConfigFile(file string, r io.Reader) (Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxConfigSize+1))
	if err != nil {
		return Config{}, fmt.Errorf("read configuration: %w", err)
	}
	if len(data) > maxConfigSize {
		return Config{}, fmt.Errorf("configuration is larger than %d MiB: is it the right file?", maxConfigSize>>20)
	}
	cfg := DefaultConfig()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Config{}, fmt.Errorf("configuration is not valid YAML: %w", err)
	}
	w := walker{lines: map[string]int{}}
	if len(doc.Content) > 0 {
		w.value(doc.Content[0], "", reflect.ValueOf(&cfg).Elem())
	}
	// A value that could not be read kept its default, so checking the meaning
	// of the rest adds only new problems, and the operator sees them all at once.
	problems := w.problems
	var ps Problems
	if err := cfg.Validate(); errors.As(err, &ps) {
		for _, p := range ps {
			if w.failed(p.Key) {
				continue
			}
			p.Line = w.line(p.Key)
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		sortByLine(problems)
		// What could be read is returned with the problems, so that a loader
		// can go on to check the catalogue it names and report all at once.
		return cfg, Problems(problems).In(file)
	}
	return cfg, nil
}

// walker reads a YAML node tree into a typed value, field by field, so that
// every problem is reported with its key path rather than only the first, and
// so that what the file leaves out keeps the value already there (the default).
type walker struct {
	problems []Problem
	lines    map[string]int
	nodes    int
}

var (
	durationType  = reflect.TypeFor[time.Duration]()
	unmarshalType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func (w *walker) fail(path string, n *yaml.Node, format string, args ...any) {
	w.problems = append(w.problems, Problem{Key: path, Line: n.Line, Message: fmt.Sprintf(format, args...)})
}

// failed reports whether reading key, or a setting that holds it, was
// already reported: its value is the default, and saying it is also missing
// would only repeat the problem.
func (w *walker) failed(key string) bool {
	for _, p := range w.problems {
		if key == p.Key || strings.HasPrefix(key, p.Key+".") || strings.HasPrefix(key, p.Key+"[") || p.Key == "" {
			return true
		}
	}
	return false
}

// line finds the line of a key, or of its nearest parent that was read.
func (w *walker) line(path string) int {
	for path != "" {
		if l, ok := w.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a group of settings"
	}
	return fmt.Sprintf("%q", n.Value)
}

// value stores node n into v. A null node leaves v as it was.
func (w *walker) value(n *yaml.Node, path string, v reflect.Value) {
	w.nodes++
	if w.nodes > maxConfigNodes {
		if w.nodes == maxConfigNodes+1 {
			w.fail(path, n, "the file is too large or repeats its anchors too often to be read")
		}
		return
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if path != "" {
		if _, ok := w.lines[path]; !ok {
			w.lines[path] = n.Line
		}
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	t := v.Type()
	switch {
	case t == durationType:
		if w.scalar(n, path) {
			d, err := time.ParseDuration(n.Value)
			if err != nil {
				w.fail(path, n, "want a duration such as 5s, 90s or 2m, not %q", n.Value)
				return
			}
			v.SetInt(int64(d))
		}
	case reflect.PointerTo(t).Implements(unmarshalType):
		if w.scalar(n, path) {
			if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
				w.fail(path, n, "%s", err.Error())
			}
		}
	case t.Kind() == reflect.String:
		if w.scalar(n, path) {
			v.SetString(n.Value)
		}
	case t.Kind() == reflect.Int:
		if w.scalar(n, path) {
			i, err := strconv.Atoi(n.Value)
			if err != nil {
				w.fail(path, n, "want a whole number, not %q", n.Value)
				return
			}
			v.SetInt(int64(i))
		}
	case t.Kind() == reflect.Float64:
		if w.scalar(n, path) {
			f, err := strconv.ParseFloat(n.Value, 64)
			if err != nil {
				w.fail(path, n, "want a number, not %q", n.Value)
				return
			}
			v.SetFloat(f)
		}
	case t.Kind() == reflect.Bool:
		if w.scalar(n, path) {
			switch strings.ToLower(n.Value) {
			case "true":
				v.SetBool(true)
			case "false":
				v.SetBool(false)
			default:
				w.fail(path, n, "want true or false, not %q", n.Value)
			}
		}
	case t.Kind() == reflect.Struct:
		w.structure(n, path, v)
	case t.Kind() == reflect.Slice:
		w.list(n, path, v)
	case t.Kind() == reflect.Map:
		w.mapping(n, path, v)
	default:
		// Only reachable if a field of an unsupported type is added to Config;
		// the tests decode every field, so this says which one to support.
		w.fail(path, n, "internal error: settings of type %s cannot be read", t)
	}
}

func (w *walker) scalar(n *yaml.Node, path string) bool {
	if n.Kind != yaml.ScalarNode {
		w.fail(path, n, "want a single value, not %s", describe(n))
		return false
	}
	return true
}

// pairs yields a mapping's keys and values, reporting keys given twice.
func (w *walker) pairs(n *yaml.Node, path string, each func(key string, k, val *yaml.Node)) bool {
	if n.Kind != yaml.MappingNode {
		w.fail(path, n, "want a group of settings (key: value lines), not %s", describe(n))
		return false
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.AliasNode {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			w.fail(path, k, "a key must be a plain word, not %s", describe(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			w.fail(join(path, k.Value), k, "set twice (first on line %d); keep one", first)
			continue
		}
		seen[k.Value] = k.Line
		each(k.Value, k, val)
	}
	return true
}

func (w *walker) structure(n *yaml.Node, path string, v reflect.Value) {
	t := v.Type()
	fields := map[string]int{}
	var names []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name == "" || name == "-" || !t.Field(i).IsExported() {
			continue
		}
		fields[name] = i
		names = append(names, name)
	}
	w.pairs(n, path, func(key string, k, val *yaml.Node) {
		i, ok := fields[key]
		if !ok {
			w.fail(join(path, key), k, "unknown setting; the settings here are %s", strings.Join(names, ", "))
			return
		}
		w.value(val, join(path, key), v.Field(i))
	})
}

// list replaces the slice: a list in the file is the whole list.
func (w *walker) list(n *yaml.Node, path string, v reflect.Value) {
	if n.Kind != yaml.SequenceNode {
		w.fail(path, n, "want a list (lines starting with \"- \"), not %s", describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		w.value(item, fmt.Sprintf("%s[%d]", path, i), s.Index(i))
	}
	v.Set(s)
}

// mapping sets the keys the file names and keeps the others.
func (w *walker) mapping(n *yaml.Node, path string, v reflect.Value) {
	t := v.Type()
	if v.IsNil() {
		v.Set(reflect.MakeMap(t))
	}
	w.pairs(n, path, func(key string, _, val *yaml.Node) {
		elem := reflect.New(t.Elem()).Elem()
		if old := v.MapIndex(reflect.ValueOf(key).Convert(t.Key())); old.IsValid() {
			elem.Set(old)
		}
		w.value(val, join(path, key), elem)
		v.SetMapIndex(reflect.ValueOf(key).Convert(t.Key()), elem)
	})
}

// meetingID is what a meeting id may look like: it names the folder
// reports/ID/, so it must be one safe path element on every system.
var meetingID = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// Validate checks the meaning of every setting and returns Problems listing
// every problem with its key, or nil.
func (c Config) Validate() error {
	var ps []Problem
	add := func(key, format string, args ...any) {
		ps = append(ps, Problem{Key: key, Message: fmt.Sprintf(format, args...)})
	}
	if c.Timezone == "" {
		add("timezone", "is empty; write an IANA time zone such as Europe/Belgrade or UTC")
	} else if _, err := time.LoadLocation(c.Timezone); err != nil {
		add("timezone", "%q is not a known time zone; write an IANA name such as Europe/Belgrade or UTC", c.Timezone)
	}
	if err := c.Footnote.Check(); err != nil {
		add("footnote", "%s", err.Error())
	}
	if c.Intake.Stable <= 0 {
		add("intake.stable", "must be longer than zero, such as 5s")
	}
	if c.Intake.Rescan <= 0 {
		add("intake.rescan", "must be longer than zero, such as 60s: network shares send no change events")
	}
	if c.Intake.MaxSizeMB < 1 || c.Intake.MaxSizeMB > maxMaxSizeMB {
		add("intake.max_size_mb", "must be between 1 and %d, not %d", maxMaxSizeMB, c.Intake.MaxSizeMB)
	}
	if !(c.Checks.ChangeFactor > 1) {
		add("checks.change_factor", "must be more than 1 (3 warns when a value is over three times larger or smaller than the previous period's), not %g", c.Checks.ChangeFactor)
	}
	kinds := make([]string, 0, len(c.Plans))
	for k := range c.Plans {
		kinds = append(kinds, string(k))
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		key := "plans." + k
		if !MeetingKind(k).Known() {
			add(key, "%q is not a meeting kind; write regional, local or high-level", k)
			continue
		}
		seen := map[BuildKind]int{}
		for i, s := range c.Plans[MeetingKind(k)] {
			sk := fmt.Sprintf("%s[%d]", key, i)
			switch s.Kind {
			case Draft, Final:
				if j, dup := seen[s.Kind]; dup {
					add(sk+".kind", "a second %s in the same plan (the first is %s[%d]); a meeting has at most one draft and one final", s.Kind, key, j)
				}
				seen[s.Kind] = i
			default:
				add(sk+".kind", "must be draft or final, not %q", s.Kind)
			}
			if s.DaysBefore < 0 {
				add(sk+".days_before", "must be zero or more, not %d", s.DaysBefore)
			}
			if _, _, err := s.At.Parse(); err != nil {
				add(sk+".at", "%s", err.Error())
			}
		}
	}
	names := map[string]int{}
	for i, e := range c.Cron {
		key := fmt.Sprintf("cron[%d]", i)
		if e.Name == "" {
			add(key+".name", "is missing; give the job a name for the log")
		} else if j, dup := names[e.Name]; dup {
			add(key+".name", "%q is also the name of cron[%d]; names must differ", e.Name, j)
		} else {
			names[e.Name] = i
		}
		if strings.TrimSpace(e.Spec) == "" {
			add(key+".spec", "is missing; write a cron schedule such as \"0 8 * * 1\" (Mondays at 08:00)")
		} else if err := CheckCronSpec(e.Spec); err != nil {
			add(key+".spec", "%s", err.Error())
		}
		if e.Job == "" {
			add(key+".job", "is missing; name the job to run: %s", strings.Join(CronJobs, ", "))
		} else if !slices.Contains(CronJobs, e.Job) {
			add(key+".job", "%q is not a job the daemon knows; write %s", e.Job, strings.Join(CronJobs, ", "))
		}
	}
	if err := c.Log.Format.Check(); err != nil {
		add("log.format", "%s", err.Error())
	}
	for _, l := range []struct{ key, addr, example string }{
		{"listen", c.Listen, "127.0.0.1:8080"}, {"web.listen", c.Web.Listen, "127.0.0.1:8443"},
	} {
		if l.addr == "" {
			continue
		}
		if _, port, err := net.SplitHostPort(l.addr); err != nil {
			add(l.key, "%q is not an address; write host:port such as %s, or leave it empty", l.addr, l.example)
		} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
			add(l.key, "%q has no valid port; write host:port such as %s", l.addr, l.example)
		}
	}
	for i, l := range c.Branding.Logos {
		key := fmt.Sprintf("branding.logos[%d]", i)
		ext := strings.ToLower(filepath.Ext(l))
		switch {
		case l == "" || filepath.IsAbs(l) || !filepath.IsLocal(l):
			add(key, "%q must be a file inside the data folder, written relative to it, such as branding/logo.png", l)
		case ext != ".png" && ext != ".jpg" && ext != ".jpeg":
			add(key, "%q is not a PNG or JPEG file (.png, .jpg, .jpeg)", l)
		}
	}
	if (c.Web.TLSCert == "") != (c.Web.TLSKey == "") {
		add("web.tls_cert", "give both web.tls_cert and web.tls_key, or neither (TLS is then the reverse proxy's)")
	}
	ps = append(ps, validateMeetings(c.Meetings)...)
	ps = append(ps, c.validateDelivery()...)
	if len(ps) > 0 {
		return Problems(ps)
	}
	return nil
}

func validateMeetings(ms []Meeting) []Problem {
	var ps []Problem
	add := func(key, format string, args ...any) {
		ps = append(ps, Problem{Key: key, Message: fmt.Sprintf(format, args...)})
	}
	ids := map[string]int{}
	for i, m := range ms {
		key := fmt.Sprintf("meetings[%d]", i)
		switch {
		case m.ID == "":
			add(key+".id", "is missing; give each meeting an id such as rcm-16")
		case !meetingID.MatchString(m.ID):
			add(key+".id", "%q cannot name a folder; use lower-case letters, digits, \"-\", \"_\" and \".\", such as rcm-16", m.ID)
		case datadir.CheckReportName(m.ID) != nil:
			add(key+".id", "%s; choose another id", datadir.CheckReportName(m.ID))
		default:
			if j, dup := ids[m.ID]; dup {
				add(key+".id", "%q is also the id of meetings[%d]; ids must be unique", m.ID, j)
			} else {
				ids[m.ID] = i
			}
		}
		switch {
		case m.Kind == "":
			add(key+".kind", "is missing; write regional, local or high-level")
		case !m.Kind.Known():
			add(key+".kind", "%q is not a meeting kind; write regional, local or high-level", m.Kind)
		case m.Kind == Local && m.Jurisdiction == "":
			add(key+".jurisdiction", "is missing; a local meeting names its jurisdiction, such as AL")
		}
		if m.Number < 0 {
			add(key+".number", "must be zero or more, not %d", m.Number)
		}
		if m.Date.IsZero() {
			add(key+".date", "is missing; write the meeting day as 2026-12-15")
		}
		if m.Period.IsZero() {
			add(key+".period", "is missing; write the period the meeting reviews: %s", PeriodForms)
		}
		if !m.Period.IsZero() && !m.Date.IsZero() && DateOf(m.Period.Last()).Compare(m.Date) >= 0 {
			add(key+".period", "%s has not ended by the meeting day %s; a meeting reviews a period that has ended", m.Period, m.Date)
		}
		if !m.Deadline.IsZero() && !m.Date.IsZero() && m.Deadline.Compare(m.Date) >= 0 {
			add(key+".deadline", "%s is not before the meeting day %s", m.Deadline, m.Date)
		}
	}
	return ps
}

// CheckCatalogue checks the configuration against the catalogue in force:
// every local meeting names one of its jurisdictions, every reviewed period
// fits its cadence and every contacts key is one of its jurisdictions (or
// seesac). It returns Problems, or nil.
func (c Config) CheckCatalogue(cat *Catalogue) error {
	var ps []Problem
	codes := make([]string, 0, len(cat.Jurisdictions))
	for _, j := range cat.Jurisdictions {
		codes = append(codes, j.Code)
	}
	for i, m := range c.Meetings {
		key := fmt.Sprintf("meetings[%d]", i)
		if m.Jurisdiction != "" {
			if _, ok := cat.Jurisdiction(m.Jurisdiction); !ok {
				ps = append(ps, Problem{Key: key + ".jurisdiction", Message: fmt.Sprintf("%q is not in the catalogue; write one of %s", m.Jurisdiction, strings.Join(codes, ", "))})
			}
		}
		if !m.Period.IsZero() && !cat.Reviewable(m.Period) {
			ps = append(ps, Problem{Key: key + ".period", Message: fmt.Sprintf("%s is not a reporting period of the catalogue in force for it, whose rounds are %s; write one, or a year such as %d", m.Period, cat.InForce(m.Period).RoundWords(), m.Period.Year)})
		}
	}
	ps = append(ps, c.checkContacts(cat)...)
	if len(ps) > 0 {
		return Problems(ps)
	}
	return nil
}

// Locate sets the line of each problem that has none from the YAML text
// the configuration was read from, so that problems found after reading
// (against the catalogue) point into the file like the others.
func (ps Problems) Locate(data []byte) {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return
	}
	w := walker{lines: map[string]int{}}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		w.nodes++
		if w.nodes > maxConfigNodes || n == nil {
			return
		}
		if path != "" {
			if _, ok := w.lines[path]; !ok {
				w.lines[path] = n.Line
			}
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				key := join(path, n.Content[i].Value)
				w.lines[key] = n.Content[i].Line
				walk(n.Content[i+1], key)
			}
		case yaml.SequenceNode:
			for i, item := range n.Content {
				walk(item, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	walk(doc.Content[0], "")
	for i, p := range ps {
		if p.Line == 0 {
			ps[i].Line = w.line(p.Key)
		}
	}
}
