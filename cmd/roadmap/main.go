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

// Exit codes, pinned (README.md, "Command line").
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
	folder  folderUse
}

// folderUse is what a command needs of its data folder (see env.checkFolder).
type folderUse int

const (
	// needsFolder: an initialised data folder, always.
	needsFolder folderUse = iota
	// mayLackFolder: an initialised data folder when one is named (--data or
	// $ROADMAP_DATA); with neither, and no ./roadmap-data, the command runs
	// on the built-in defaults, as it needs nothing else from a folder.
	mayLackFolder
	// makesFolder: the command creates the data folder.
	makesFolder
)

// commands is the dispatch table, in the order of the README; each command's
// function lives in its own file.
var commands = []command{
	{"init", "creates the data folder layout and a commented roadmap.yaml", runInit, makesFolder},
	{"template", "writes blank KPI workbooks", runTemplate, mayLackFolder},
	{"validate", "checks workbooks exactly as ingest would, records nothing", runValidate, mayLackFolder},
	{"ingest", "one pass over the inbox: accept, reject, write feedback", runIngest, needsFolder},
	{"build", "builds reports now", runBuild, needsFolder},
	{"serve", "the daemon: watches the inbox, builds on schedule", runServe, needsFolder},
	{"status", "completeness for the current and next period, next and last builds", runStatus, needsFolder},
	{"meetings", "the calendar with each meeting's planned builds", runMeetings, mayLackFolder},
	{"history", "all versions of a submission", runHistory, needsFolder},
	{"reindex", "rebuilds the database from archive/", runReindex, needsFolder},
	{"catalogue", "prints the KPI catalogue in use", runCatalogue, mayLackFolder},
	{"demo", "a complete run on the bundled samples; prints the report's path", runDemo, makesFolder},
	{"outbox", "messages recorded for delivery and their state; retry KEY re-queues a failed one", runOutbox, needsFolder},
	{"user", "manages the portal's accounts: add, list, remove, passwd", runUser, needsFolder},
}

// run is the whole program but for the process: tests call it with their own
// arguments, streams and context.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv, now: time.Now}
	return e.dispatch(ctx, args)
}
