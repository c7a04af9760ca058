package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/web"
)

// userCmd runs the program with stdin as its standard input.
func userCmd(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return cli{stdin: stdin}.run(t, args...)
}

func TestUserCommands(t *testing.T) {
	t.Parallel()
	data := newDataFolder(t)
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte("focal point of Tiranë\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := userCmd(t, "", "user", "add", "al-focal", "--role", "AL", "--password-file", pwFile, "--data", data).want(t, exitOK)
	if strings.Contains(r.stdout+r.stderr, "Tiranë") {
		t.Errorf("the password was printed: %s%s", r.stdout, r.stderr)
	}
	// Without a file, the password is the first line of standard input.
	userCmd(t, "the seesac password\n", "user", "add", "seesac", "--role", "seesac", "--data", data).want(t, exitOK)

	info, err := os.Stat(datadir.New(data).Accounts())
	if err != nil || info.Mode().Perm() != datadir.PrivateMode {
		t.Fatalf("accounts file: %v, %v", info, err)
	}
	accounts := &web.Accounts{Path: datadir.New(data).Accounts()}
	if _, err := accounts.Authenticate("al-focal", []byte("focal point of Tiranë")); err != nil {
		t.Errorf("al-focal cannot log in: %v", err)
	}
	if _, err := accounts.Authenticate("seesac", []byte("the seesac password")); err != nil {
		t.Errorf("seesac cannot log in: %v", err)
	}

	r = userCmd(t, "", "user", "list", "--json", "--data", data).want(t, exitOK)
	var rows []struct{ Name, Role string }
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) != 2 || rows[0].Role != "AL" || rows[1].Role != "seesac" {
		t.Errorf("list: %s (%v)", r.stdout, err)
	}
	if strings.Contains(r.stdout, "$2") {
		t.Errorf("list shows a hash: %s", r.stdout)
	}
	// Flags may come before the action too, as before any command's operands.
	for _, args := range [][]string{{"user", "list", "--data", data}, {"user", "--data", data, "list"}, {"user", "--data=" + data, "--", "list"}} {
		r = userCmd(t, "", args...).want(t, exitOK)
		if !strings.Contains(r.stdout, "al-focal  AL") {
			t.Errorf("%v: %s", args, r.stdout)
		}
	}

	userCmd(t, "another long password\n", "user", "passwd", "al-focal", "--data", data).want(t, exitOK)
	if _, err := accounts.Authenticate("al-focal", []byte("another long password")); err != nil {
		t.Errorf("passwd did not change the password: %v", err)
	}
	userCmd(t, "", "user", "remove", "al-focal", "--data", data).want(t, exitOK)
	if _, err := accounts.Find("al-focal"); err == nil {
		t.Error("remove left the account")
	}

	for _, c := range []struct {
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"", []string{"user", "add", "x", "--role", "ZZ"}, exitUsage, "role \"ZZ\""},
		{"", []string{"user", "add", "x"}, exitUsage, "--role is required"},
		{"", []string{"user", "add", "--role", "AL"}, exitUsage, "give one account name"},
		{"short\n", []string{"user", "add", "x", "--role", "AL"}, exitProblem, "too short"},
		{"long enough password\n", []string{"user", "add", "seesac", "--role", "AL"}, exitProblem, "exists already"},
		{"", []string{"user", "remove", "nobody"}, exitProblem, "no such account"},
		{"", []string{"user", "passwd", "nobody"}, exitProblem, "no such account"},
		{"", []string{"user", "frob"}, exitUsage, `unknown action "frob": use add, list, remove or passwd`},
		{"", []string{"user"}, exitUsage, "give what to do: add, list, remove or passwd"},
	} {
		r := userCmd(t, c.stdin, append(c.args, "--data", data)...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, r.code, r.stderr, c.code, c.want)
		}
	}
	r = userCmd(t, "", "user", "list", "--data", filepath.Join(t.TempDir(), "none")).want(t, exitProblem)
	if !strings.Contains(r.stderr, "roadmap init") {
		t.Errorf("no data folder: %s", r.stderr)
	}
}
