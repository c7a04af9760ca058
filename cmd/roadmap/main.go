// Command roadmap is the SALW Control Roadmap reporting engine: a daemon that
// watches the Commissions' inbox and builds reports before each meeting, and a
// command line to do any of its steps by hand. This package only wires: flags,
// configuration, exit codes; the work lives in the packages it calls.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	// The time zone database is embedded so that the static binary knows
	// Europe/Belgrade on a machine without /usr/share/zoneinfo.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes, pinned by design.md.
const (
	exitOK      = 0 // done
	exitProblem = 1 // the work found a problem: an invalid file, a failed build
	exitUsage   = 2 // bad usage
)

// command is one line of the command table.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) int
}

// commands is the dispatch table, in the order of design.md; each command's
// function lives in its own file.
var commands = []command{
	{"init", "creates the data folder layout and a commented roadmap.yaml", runInit},
	{"template", "writes blank KPI workbooks", runTemplate},
	{"validate", "checks workbooks exactly as ingest would, records nothing", runValidate},
	{"ingest", "one pass over the inbox: accept, reject, write feedback", runIngest},
	{"build", "builds reports now", runBuild},
	{"serve", "the daemon: watches the inbox, builds on schedule", runServe},
	{"status", "completeness for the current and next period, next and last builds", runStatus},
	{"meetings", "the calendar with each meeting's planned builds", runMeetings},
	{"history", "all versions of a submission", runHistory},
	{"reindex", "rebuilds the database from archive/", runReindex},
	{"catalogue", "prints the KPI catalogue in use", runCatalogue},
	{"demo", "a complete run on the bundled samples; prints the report's path", runDemo},
	{"user", "manages the portal's accounts: add, list, remove, passwd", runUser},
}

// run is the whole program but for the process: tests call it with their own
// arguments, streams and context.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv, now: time.Now}
	return e.dispatch(ctx, args)
}
