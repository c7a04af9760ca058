package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/web"
)

// runUser manages the portal's accounts: user add, list, remove, passwd.
func runUser(ctx context.Context, e *env, args []string) int {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "add":
		return e.userAdd(args)
	case "list":
		return e.userList(args)
	case "remove":
		return e.userRemove(args)
	case "passwd":
		return e.userPasswd(args)
	case "-h", "-help", "--help":
		f := e.newFlags(false, userSynopsis...)
		e.help(f)
		return exitOK
	}
	return e.usageError("want one of add, list, remove, passwd, not %q", sub)
}

var userSynopsis = []string{
	"add NAME --role ROLE [--password-file FILE]",
	"list [--json]",
	"remove NAME",
	"passwd NAME [--password-file FILE]",
}

// accountsOf is the accounts file of the data folder that f names, which
// must have been set up.
func (e *env) accountsOf(f *flags) (*web.Accounts, *setup, error) {
	s, err := e.load(f)
	if err != nil {
		return nil, nil, err
	}
	if info, err := os.Stat(s.Data); err != nil || !info.IsDir() {
		return nil, nil, fmt.Errorf("the data folder %s is not set up: run 'roadmap init --data %s' first", s.Data, s.Data)
	}
	return &web.Accounts{Path: s.data().Accounts(), WriteFile: writePrivate}, s, nil
}

// writePrivate replaces a file of secrets, synced, readable by the service
// account only.
func writePrivate(path string, data []byte) error {
	return datadir.WriteBytes(path, datadir.Write{Sync: true, Private: true}, data)
}

// oneName parses a command that takes one account name.
func (e *env) oneName(f *flags, args []string) (string, int, bool) {
	ops, code, ok := e.parse(f, args)
	if !ok {
		return "", code, false
	}
	if len(ops) != 1 {
		return "", e.usageError("give one account name"), false
	}
	if err := web.CheckName(ops[0]); err != nil {
		return "", e.usageError("%v", err), false
	}
	return ops[0], exitOK, true
}

func (e *env) userAdd(args []string) int {
	f := e.newFlags(false, userSynopsis[0])
	var role, pwFile string
	f.StringVar(&role, "role", "", "seesac, or the jurisdiction `CODE` whose Commission the account belongs to")
	f.StringVar(&pwFile, "password-file", "", "read the password from the first line of `FILE` (otherwise from standard input)")
	name, code, ok := e.oneName(f, args)
	if !ok {
		return code
	}
	if role == "" {
		return e.usageError("--role is required: seesac or a jurisdiction code")
	}
	accounts, s, err := e.accountsOf(f)
	if err != nil {
		return e.fail(err)
	}
	if err := web.CheckRole(role, s.Catalogue.Codes()); err != nil {
		return e.usageError("%v", err)
	}
	if _, err := accounts.Find(name); err == nil {
		return e.fail(fmt.Errorf("the account %s exists already: 'roadmap user passwd %s' changes its password", name, name))
	}
	pw, err := e.password(pwFile, name)
	if err != nil {
		return e.fail(err)
	}
	if err := accounts.Add(name, role, pw); err != nil {
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "account %s added (role %s)\n", name, role)
	return exitOK
}

func (e *env) userList(args []string) int {
	f := e.newFlags(true, userSynopsis[1])
	if code, ok := e.parseNone(f, args); !ok {
		return code
	}
	accounts, _, err := e.accountsOf(f)
	if err != nil {
		return e.fail(err)
	}
	as, err := accounts.List()
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
	name, code, ok := e.oneName(f, args)
	if !ok {
		return code
	}
	accounts, _, err := e.accountsOf(f)
	if err != nil {
		return e.fail(err)
	}
	if err := accounts.Remove(name); err != nil {
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "account %s removed\n", name)
	return exitOK
}

func (e *env) userPasswd(args []string) int {
	f := e.newFlags(false, userSynopsis[3])
	var pwFile string
	f.StringVar(&pwFile, "password-file", "", "read the new password from the first line of `FILE` (otherwise from standard input)")
	name, code, ok := e.oneName(f, args)
	if !ok {
		return code
	}
	accounts, _, err := e.accountsOf(f)
	if err != nil {
		return e.fail(err)
	}
	if _, err := accounts.Find(name); err != nil {
		return e.fail(fmt.Errorf("%w: %s ('roadmap user list' shows the accounts)", err, name))
	}
	pw, err := e.password(pwFile, name)
	if err != nil {
		return e.fail(err)
	}
	if err := accounts.SetPassword(name, pw); err != nil {
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "password of %s changed\n", name)
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
