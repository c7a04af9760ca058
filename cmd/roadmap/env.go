package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/schedule"
	"github.com/seesac/roadmap/templates"
)

// env is what a command runs with: its streams, the process environment and
// the clock, injected so that tests run commands whole.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time

	// cmd is the command being run, set by dispatch.
	cmd command
}

// dataEnv names the environment variable that sets the default data folder.
const (
	dataEnv     = "ROADMAP_DATA"
	defaultData = "roadmap-data"
)

// dispatch runs the command named by args[0].
func (e *env) dispatch(ctx context.Context, args []string) int {
	if len(args) == 0 {
		e.usage(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		e.usage(e.stdout)
		return exitOK
	case "help":
		if len(args) == 1 {
			e.usage(e.stdout)
			return exitOK
		}
		return e.dispatch(ctx, []string{args[1], "-h"})
	}
	for _, c := range commands {
		if c.name == name {
			e.cmd = c
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(e.stderr, "roadmap: unknown command %q\nRun 'roadmap -h' for the list of commands.\n", name)
	return exitUsage
}

func (e *env) usage(w io.Writer) {
	fmt.Fprint(w, `roadmap: the SALW Control Roadmap reporting engine.

Usage: roadmap COMMAND [flags]

Commands:
`)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, `
Every command takes --data DIR (default $%s, else ./%s) and --config FILE
(default DIR/%s when it exists, else the built-in defaults).
Run 'roadmap COMMAND -h' for a command's flags.
Exit codes: 0 done, 1 the work found a problem, 2 bad usage.
`, dataEnv, defaultData, datadir.ConfigName)
}

// flags is a command's flag set with the flags every command shares.
type flags struct {
	*flag.FlagSet
	data      string
	config    string
	catalogue string
	json      bool
	synopsis  []string
}

// newFlags makes the current command's flag set. synopsis lists the ways to call
// it, without "roadmap NAME"; withJSON adds --json for commands that report.
func (e *env) newFlags(withJSON bool, synopsis ...string) *flags {
	f := &flags{FlagSet: flag.NewFlagSet("roadmap "+e.cmd.name, flag.ContinueOnError), synopsis: synopsis}
	f.SetOutput(e.stderr)
	// parse prints the full help for -h itself; a mistake gets one line and a hint.
	f.Usage = func() {}
	def := e.getenv(dataEnv)
	if def == "" {
		def = defaultData
	}
	f.StringVar(&f.data, "data", def, "the data `DIR`; $"+dataEnv+" sets its default")
	f.StringVar(&f.config, "config", "", "the configuration `FILE` (default DIR/"+datadir.ConfigName+" when it exists, else built-in defaults)")
	f.StringVar(&f.catalogue, "catalogue", "", "a KPI catalogue `FILE` to use instead of the configured one")
	if withJSON {
		f.BoolVar(&f.json, "json", false, "print the result as JSON")
	}
	return f
}

// parseNone is parse for a command that takes flags only: an operand is a
// usage error.
func (e *env) parseNone(f *flags, args []string) (code int, ok bool) {
	ops, code, ok := e.parse(f, args)
	if ok && len(ops) > 0 {
		return e.usageError("takes no arguments, got %q", ops[0]), false
	}
	return code, ok
}

// parse reads args into f, flags and operands in any order ("--" ends the
// flags). When ok is false the command must return code: 0 after -h, 2 after
// a usage error (already reported).
func (e *env) parse(f *flags, args []string) (operands []string, code int, ok bool) {
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				e.help(f)
				return nil, exitOK, false
			}
			// The flag package has printed the mistake.
			return nil, e.hint(), false
		}
		rest := f.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(operands, rest...), exitOK, true
		}
		if len(rest) == 0 {
			return operands, exitOK, true
		}
		operands = append(operands, rest[0])
		args = rest[1:]
	}
}

// help prints the command's help, asked for with -h, to standard output
// (as `roadmap help` does), so that it can be paged or searched.
func (e *env) help(f *flags) {
	w := e.stdout
	f.SetOutput(w)
	defer f.SetOutput(e.stderr)
	for i, s := range f.synopsis {
		lead := "usage: "
		if i > 0 {
			lead = "       "
		}
		fmt.Fprintf(w, "%sroadmap %s %s\n", lead, e.cmd.name, s)
	}
	if len(f.synopsis) == 0 {
		fmt.Fprintf(w, "usage: roadmap %s [flags]\n", e.cmd.name)
	}
	fmt.Fprintf(w, "\nroadmap %s %s.\n\nflags:\n", e.cmd.name, e.cmd.summary)
	f.PrintDefaults()
}

// usageError reports bad usage with a hint and returns exit code 2.
func (e *env) usageError(format string, args ...any) int {
	fmt.Fprintf(e.stderr, "roadmap %s: %s\n", e.cmd.name, fmt.Sprintf(format, args...))
	return e.hint()
}

func (e *env) hint() int {
	fmt.Fprintf(e.stderr, "Run 'roadmap %s -h' for help.\n", e.cmd.name)
	return exitUsage
}

// fail reports a problem the work found and returns exit code 1.
func (e *env) fail(err error) int {
	fmt.Fprintf(e.stderr, "roadmap %s: %v\n", e.cmd.name, err)
	return exitProblem
}

// printJSON writes v as indented JSON to stdout.
func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// logger is the log of long-running commands, on stderr, in the configured
// format ("text" or "json").
func (e *env) logger(format roadmap.LogFormat) *slog.Logger {
	if format == roadmap.LogJSON {
		return slog.New(slog.NewJSONHandler(e.stderr, nil))
	}
	return slog.New(slog.NewTextHandler(e.stderr, nil))
}

// timeLayout is how a command prints a time for a person: to the minute, in
// the configured zone with its abbreviation (the JSON output has the exact
// time, and a cut-off is printed in RFC 3339 so that it can be given back
// to --as-of).
const timeLayout = "2006-01-02 15:04 MST"

// setup is what a command works with: the data folder, the configuration and
// the catalogue in force.
type setup struct {
	// Data is the data folder (as given, not made absolute).
	Data string
	// ConfigPath is the configuration file read, or "" for the built-in defaults.
	ConfigPath string
	Config     roadmap.Config
	// CataloguePath is the catalogue file read, or "" for the built-in one.
	CataloguePath string
	Catalogue     *roadmap.Catalogue
	// Location is the configured time zone of the calendar and of build times.
	Location *time.Location
	// Calendar is the calendar in force: the configuration's meetings, else
	// the built-in ones, in Location.
	Calendar *roadmap.Calendar
}

// load reads the configuration and the catalogue that f's flags name:
// --config, else DIR/roadmap.yaml when it exists, else the defaults; then
// --catalogue, else the configuration's catalogue (relative to the
// configuration file's folder), else the built-in one.
func (e *env) load(f *flags) (*setup, error) {
	if err := e.checkFolder(f); err != nil {
		return nil, err
	}
	s := &setup{Data: f.data, Config: roadmap.DefaultConfig()}
	switch {
	case f.config != "":
		s.ConfigPath = f.config
	default:
		p := datadir.New(f.data).Config()
		if _, err := os.Stat(p); err == nil {
			s.ConfigPath = p
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("configuration %s: %w", p, err)
		}
	}
	// Every problem of the configuration, the catalogue and the calendar in
	// force is reported at once, each with its file and line.
	var problems roadmap.Problems
	var configData []byte
	if s.ConfigPath != "" {
		data, err := os.ReadFile(s.ConfigPath)
		if err != nil {
			return nil, fmt.Errorf("read configuration: %w", err)
		}
		cfg, err := roadmap.ParseConfigFile(s.ConfigPath, bytes.NewReader(data))
		if !errors.As(err, &problems) && err != nil {
			return nil, fmt.Errorf("%s: %w", s.ConfigPath, err)
		}
		s.Config, configData = cfg, data
	}
	switch {
	case f.catalogue != "":
		s.CataloguePath = f.catalogue
	case s.Config.Catalogue != "":
		s.CataloguePath = s.Config.Catalogue
		if !filepath.IsAbs(s.CataloguePath) && s.ConfigPath != "" {
			s.CataloguePath = filepath.Join(filepath.Dir(s.ConfigPath), s.CataloguePath)
		}
	}
	var err error
	if s.CataloguePath != "" {
		s.Catalogue, err = templates.LoadCatalogue(s.CataloguePath)
	} else {
		s.Catalogue, err = templates.DefaultCatalogue()
	}
	var catProblems roadmap.Problems
	switch {
	case errors.As(err, &catProblems):
		problems = append(problems, catProblems...)
	case err != nil:
		return nil, err
	default:
		var ps roadmap.Problems
		if errors.As(s.Config.CheckCatalogue(s.Catalogue), &ps) {
			ps.Locate(configData)
			problems = append(problems, ps.In(orBuiltIn(s.ConfigPath))...)
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	if s.Location, err = s.Config.Location(); err != nil {
		return nil, err
	}
	meetings := s.Config.Meetings
	if meetings == nil {
		if meetings, err = schedule.DefaultCalendarFor(s.Catalogue); err != nil {
			return nil, err
		}
	}
	s.Calendar = roadmap.NewCalendar(meetings, s.Location)
	return s, nil
}

// checkFolder refuses a data folder that is not one (a mistyped --data),
// naming it, rather than letting a command report on an empty folder as if
// nobody had submitted anything: every command but init and demo needs an
// initialised folder, and those that need nothing else from it run without
// one only when no folder was named and the default one does not exist.
func (e *env) checkFolder(f *flags) error {
	switch e.cmd.folder {
	case makesFolder:
		return nil
	case mayLackFolder:
		named := e.getenv(dataEnv) != ""
		f.Visit(func(fl *flag.Flag) { named = named || fl.Name == "data" })
		if _, err := os.Stat(f.data); !named && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
	}
	return datadir.New(f.data).Check()
}

// jurisdictionCodes lists the catalogue's codes for messages: "AL, BA, XK".
func jurisdictionCodes(cat *roadmap.Catalogue) string {
	return strings.Join(cat.Codes(), ", ")
}
