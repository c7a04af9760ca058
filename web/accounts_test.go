package web

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/seesac/roadmap/datadir"
)

// writeFileForTest replaces a file through a temporary one, as the data
// folder's writer does.
func writeFileForTest(path string, data []byte) error {
	return datadir.WriteBytes(path, datadir.Write{Private: true}, data)
}

func TestAccountsLifecycle(t *testing.T) {
	t.Parallel()
	path := datadir.New(t.TempDir()).Accounts()
	s := &Accounts{Path: path, WriteFile: writeFileForTest, Cost: bcrypt.MinCost}
	if as, err := s.List(); err != nil || len(as) != 0 {
		t.Fatalf("no file: got %v, %v; want no account", as, err)
	}
	if err := s.Add("seesac", RoleSEESAC, []byte("correct horse battery")); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("al", "AL", []byte("tiranë-2026-focal")); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("al", "AL", []byte("another password")); err == nil {
		t.Error("a second account of the same name was added")
	}
	if err := s.Add("short", "AL", []byte("short")); err == nil || !strings.Contains(err.Error(), "too short") {
		t.Errorf("short password: got %v", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != datadir.PrivateMode {
		t.Errorf("mode %v, want %v", info.Mode().Perm(), datadir.PrivateMode)
	}
	data, _ := os.ReadFile(path)
	if bytes.Contains(data, []byte("correct horse")) || bytes.Contains(data, []byte("tiranë")) {
		t.Error("the file holds a password in clear")
	}

	a, err := s.Authenticate("al", []byte("tiranë-2026-focal"))
	if err != nil || a.Role != "AL" || a.Jurisdiction() != "AL" || a.SEESAC() {
		t.Fatalf("authenticate al: %+v, %v", a, err)
	}
	for _, c := range []struct{ name, pw string }{
		{"al", "wrong password"}, {"nobody", "tiranë-2026-focal"}, {"al", strings.Repeat("x", 100)},
	} {
		if _, err := s.Authenticate(c.name, []byte(c.pw)); !errors.Is(err, ErrNoAccount) {
			t.Errorf("authenticate %s/%s: %v, want ErrNoAccount", c.name, c.pw, err)
		}
	}

	if err := s.SetPassword("al", []byte("a new long password")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate("al", []byte("tiranë-2026-focal")); err == nil {
		t.Error("the old password still works")
	}
	if _, err := s.Authenticate("al", []byte("a new long password")); err != nil {
		t.Errorf("the new password: %v", err)
	}
	if err := s.Remove("al"); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove("al"); !errors.Is(err, ErrNoAccount) {
		t.Errorf("second remove: %v", err)
	}
	as, err := s.List()
	if err != nil || len(as) != 1 || as[0].Name != "seesac" || !as[0].SEESAC() {
		t.Errorf("after remove: %+v, %v", as, err)
	}
}

func TestCheckRoleAndName(t *testing.T) {
	t.Parallel()
	codes := []string{"AL", "BA"}
	for role, ok := range map[string]bool{"seesac": true, "AL": true, "BA": true, "al": false, "XX": false, "": false} {
		if err := CheckRole(role, codes); (err == nil) != ok {
			t.Errorf("CheckRole(%q) = %v", role, err)
		}
	}
	for name, ok := range map[string]bool{"al": true, "focal.point-AL_1": true, "": false, "-x": false, "a b": false, "ä": false} {
		if err := CheckName(name); (err == nil) != ok {
			t.Errorf("CheckName(%q) = %v", name, err)
		}
	}
}

func TestParseAccountsRefuses(t *testing.T) {
	t.Parallel()
	const h = "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"
	for _, c := range []struct{ text, want string }{
		{"al AL", "want NAME ROLE HASH"},
		{"al AL notahash", "not a bcrypt hash"},
		{"al AL " + h + "\nal BA " + h, "second line"},
		{"a/b AL " + h, "account name"},
		{"al A$ " + h, "not a role"},
	} {
		_, err := ParseAccounts(strings.NewReader(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.text, err, c.want)
		}
	}
	as, err := ParseAccounts(strings.NewReader("# comment\n\n  al AL " + h + "  \n"))
	if err != nil || len(as) != 1 || as[0].Hash != h {
		t.Errorf("valid file: %+v, %v", as, err)
	}
}

// FuzzParseAccounts: whatever the file holds, the parser returns accounts
// that format back to a file it reads the same, or an error; never a panic.
func FuzzParseAccounts(f *testing.F) {
	f.Add("al AL $2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy\n")
	f.Add("# c\nseesac seesac $2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy")
	f.Add("a b c d\n")
	f.Fuzz(func(t *testing.T, text string) {
		as, err := ParseAccounts(strings.NewReader(text))
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := FormatAccounts(&b, as); err != nil {
			t.Fatal(err)
		}
		again, err := ParseAccounts(&b)
		if err != nil {
			t.Fatalf("formatted accounts do not parse: %v", err)
		}
		if len(again) != len(as) {
			t.Fatalf("round trip: %d accounts, then %d", len(as), len(again))
		}
		for i := range as {
			if as[i] != again[i] {
				t.Fatalf("round trip: %+v, then %+v", as[i], again[i])
			}
		}
	})
}
