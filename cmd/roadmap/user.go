package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/web"
)

// runUser manages the portal's accounts: user add, list, remove, passwd.
func runUser(ctx context.Context, e *env, args []string) int {
	sub, args := userAction(args)
	switch sub {
	case "add":
		return e.userAdd(args)
	case "list":
		return e.userList(args)
	case "remove":
		return e.userRemove(args)
	case "passwd":
		return e.userPasswd(args)
	case "":
		for _, a := range args {
			if a == "-h" || a == "-help" || a == "--help" {
				e.help(e.newFlags(false, userSynopsis...))
				return exitOK
			}
		}
		return e.usageError("give what to do: add, list, remove or passwd")
	}
	return e.usageError("unknown action %q: use add, list, remove or passwd", sub)
}

// userAction takes the action (add, list, remove, passwd) out of args
// wherever it stands, so that flags may come before it as before any other
// command's operands ("roadmap user --data DIR list"). It is the first
// argument that is neither a flag nor a flag's value: every flag of user
// takes a value except --json and -h.
func userAction(args []string) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || !strings.HasPrefix(a, "-") || a == "-" {
			if a == "--" {
				i++
				if i == len(args) {
					break
				}
			}
			return args[i], append(slices.Clone(args[:i]), args[i+1:]...)
		}
		switch name := strings.TrimLeft(a, "-"); {
		case strings.Contains(name, "="), name == "json", name == "h", name == "help":
		default:
			i++ // its value
		}
	}
	return "", args
}

var userSynopsis = []string{
	"add NAME --role ROLE [--password-file FILE]",
	"list [--json]",
	"remove NAME",
	"passwd NAME [--password-file FILE]",
}

// accountsIn is the portal's accounts file of data folder d.
func accountsIn(d datadir.Dir) *web.Accounts {
	return &web.Accounts{Path: d.Accounts(), WriteFile: writePrivate}
}

// writePrivate replaces a file of secrets, synced, readable by the service
// account only.
func writePrivate(path string, data []byte) error {
	return datadir.WriteBytes(path, datadir.Write{Sync: true, Private: true}, data)
}

// account is what a user subcommand works on: the account it names and the
// accounts file of the data folder.
type account struct {
	name     string
	accounts *web.Accounts
	setup    *setup
}

// namedAccount parses a subcommand that takes one account name, runs checks
// (usage errors once the flags are parsed) and opens the accounts file. When
// ok is false the subcommand must return code.
func (e *env) namedAccount(f *flags, args []string, checks ...func() error) (a account, code int, ok bool) {
	ops, code, ok := e.parse(f, args)
	if !ok {
		return a, code, false
	}
	if len(ops) != 1 {
		return a, e.usageError("give one account name"), false
	}
	checks = append([]func() error{func() error { return web.CheckName(ops[0]) }}, checks...)
	for _, check := range checks {
		if err := check(); err != nil {
			return a, e.usageError("%v", err), false
		}
	}
	s, err := e.load(f)
	if err != nil {
		return a, e.fail(err), false
	}
	return account{name: ops[0], accounts: accountsIn(s.data()), setup: s}, exitOK, true
}

// passwordFlag is the --password-file flag of the subcommands that set one.
func passwordFlag(f *flags, which string) *string {
	return f.String("password-file", "", "read the "+which+" from the first line of `FILE` (otherwise typed twice, or the first line of standard input)")
}

func (e *env) userAdd(args []string) int {
	f := e.newFlags(false, userSynopsis[0])
	var role string
	f.StringVar(&role, "role", "", "seesac, or the jurisdiction `CODE` whose Commission the account belongs to")
	pwFile := passwordFlag(f, "password")
	a, code, ok := e.namedAccount(f, args, func() error {
		if role == "" {
			return errors.New("--role is required: seesac or a jurisdiction code")
		}
		return nil
	})
	if !ok {
		return code
	}
	if err := web.CheckRole(role, a.setup.Catalogue.Codes()); err != nil {
		return e.usageError("%v", err)
	}
	if _, err := a.accounts.Find(a.name); err == nil {
		return e.fail(fmt.Errorf("the account %s exists already: 'roadmap user passwd %s' changes its password", a.name, a.name))
	}
	pw, err := e.password(*pwFile, a.name)
	if err == nil {
		err = a.accounts.Add(a.name, role, pw)
	}
	if err != nil {
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "account %s added (role %s)\n", a.name, role)
	return exitOK
}

func (e *env) userList(args []string) int {
	f := e.newFlags(true, userSynopsis[1])
	if code, ok := e.parseNone(f, args); !ok {
		return code
	}
	s, err := e.load(f)
	if err != nil {
		return e.fail(err)
	}
	as, err := accountsIn(s.data()).List()
	if err != nil {
		return e.fail(err)
	}
	if f.json {
		type row struct {
			Name string `json:"name"`
			Role string `json:"role"`
		}
		rows := []row{}
		for _, a := range as {
			rows = append(rows, row{a.Name, a.Role})
		}
		if err := e.printJSON(rows); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	if len(as) == 0 {
		fmt.Fprintln(e.stdout, "no accounts: 'roadmap user add NAME --role ROLE' creates one")
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE")
	for _, a := range as {
		fmt.Fprintf(tw, "%s\t%s\n", a.Name, a.Role)
	}
	if err := tw.Flush(); err != nil {
		return e.fail(err)
	}
	return exitOK
}

func (e *env) userRemove(args []string) int {
	f := e.newFlags(false, userSynopsis[2])
	a, code, ok := e.namedAccount(f, args)
	if !ok {
		return code
	}
	if err := a.accounts.Remove(a.name); err != nil {
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "account %s removed\n", a.name)
	return exitOK
}

func (e *env) userPasswd(args []string) int {
	f := e.newFlags(false, userSynopsis[3])
	pwFile := passwordFlag(f, "new password")
	a, code, ok := e.namedAccount(f, args)
	if !ok {
		return code
	}
	if _, err := a.accounts.Find(a.name); err != nil {
		return e.fail(fmt.Errorf("%w: %s ('roadmap user list' shows the accounts)", err, a.name))
	}
	pw, err := e.password(*pwFile, a.name)
	if err == nil {
		err = a.accounts.SetPassword(a.name, pw)
	}
	if err != nil {
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "password of %s changed\n", a.name)
	return exitOK
}

// password reads a new password: the first line of file, else from the
// terminal without echo (asked twice), else the first line of standard input.
func (e *env) password(file, name string) ([]byte, error) {
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("password file: %w", err)
		}
		return firstLine(data), nil
	}
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(e.stderr, "New password for %s: ", name)
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return nil, fmt.Errorf("read the password: %w", err)
		}
		fmt.Fprint(e.stderr, "Again: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return nil, fmt.Errorf("read the password: %w", err)
		}
		if !bytes.Equal(pw, again) {
			return nil, errors.New("the two passwords differ; nothing changed")
		}
		return pw, nil
	}
	line, err := bufio.NewReader(io.LimitReader(e.stdin, 4096)).ReadBytes('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read the password from standard input: %w", err)
	}
	return firstLine(line), nil
}

// firstLine is data up to its first line break.
func firstLine(data []byte) []byte {
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		data = data[:i]
	}
	return data
}
