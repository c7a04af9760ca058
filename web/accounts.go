package web

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// RoleSEESAC is the role that sees every jurisdiction, drafts, SEESAC's notes
// and the outbox. Every other role is a jurisdiction code of the catalogue.
const RoleSEESAC = "seesac"

// Password bounds: bcrypt reads at most 72 bytes, and a password shorter than
// ten characters falls to an offline guess once a hash leaks.
const (
	MinPassword = 10
	MaxPassword = 72
	// maxAccountsFile bounds what the parser reads: a line is about 120 bytes.
	maxAccountsFile = 1 << 20
)

var accountName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Account is one person's or office's access to the portal.
type Account struct {
	Name string
	// Role is RoleSEESAC or a jurisdiction code.
	Role string
	// Hash is the bcrypt hash of the password.
	Hash string
}

// Jurisdiction is the account's jurisdiction code, "" for SEESAC.
func (a Account) Jurisdiction() string {
	if a.Role == RoleSEESAC {
		return ""
	}
	return a.Role
}

// SEESAC reports whether the account sees every jurisdiction.
func (a Account) SEESAC() bool { return a.Role == RoleSEESAC }

// ErrNoAccount is returned for a name that has no account.
var ErrNoAccount = errors.New("no such account")

// CheckName says what is wrong with an account name, or nil.
func CheckName(name string) error {
	if !accountName.MatchString(name) {
		return fmt.Errorf("account name %q: use 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit", name)
	}
	return nil
}

// CheckRole says what is wrong with a role, given the catalogue's
// jurisdiction codes, or nil.
func CheckRole(role string, codes []string) error {
	if role == RoleSEESAC || slices.Contains(codes, role) {
		return nil
	}
	return fmt.Errorf("role %q: write %s or a jurisdiction code (%s)", role, RoleSEESAC, strings.Join(codes, ", "))
}

// CheckPassword says what is wrong with a new password, or nil.
func CheckPassword(pw []byte) error {
	switch n := len([]rune(string(pw))); {
	case n < MinPassword:
		return fmt.Errorf("the password is too short: use at least %d characters", MinPassword)
	case len(pw) > MaxPassword:
		return fmt.Errorf("the password is too long: use at most %d bytes", MaxPassword)
	}
	return nil
}

// ParseAccounts reads an accounts file: one account a line, "NAME ROLE HASH"
// separated by spaces, blank lines and lines starting with # ignored.
func ParseAccounts(r io.Reader) ([]Account, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxAccountsFile+1))
	if err != nil {
		return nil, fmt.Errorf("read accounts: %w", err)
	}
	if len(data) > maxAccountsFile {
		return nil, fmt.Errorf("the accounts file is larger than %d bytes", maxAccountsFile)
	}
	var out []Account
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxAccountsFile)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("accounts line %d: want NAME ROLE HASH, got %d fields", n, len(f))
		}
		a := Account{Name: f[0], Role: f[1], Hash: f[2]}
		if err := CheckName(a.Name); err != nil {
			return nil, fmt.Errorf("accounts line %d: %w", n, err)
		}
		if !accountName.MatchString(a.Role) {
			return nil, fmt.Errorf("accounts line %d: role %q is not a role", n, a.Role)
		}
		if _, err := bcrypt.Cost([]byte(a.Hash)); err != nil {
			return nil, fmt.Errorf("accounts line %d: the password hash of %s is not a bcrypt hash", n, a.Name)
		}
		if seen[a.Name] {
			return nil, fmt.Errorf("accounts line %d: %s has a second line", n, a.Name)
		}
		seen[a.Name] = true
		out = append(out, a)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read accounts: %w", err)
	}
	return out, nil
}

// FormatAccounts writes accounts as ParseAccounts reads them.
func FormatAccounts(w io.Writer, accounts []Account) error {
	var b strings.Builder
	b.WriteString("# Portal accounts: NAME ROLE BCRYPT-HASH. Managed with 'roadmap user'; do not edit by hand.\n")
	for _, a := range accounts {
		fmt.Fprintf(&b, "%s %s %s\n", a.Name, a.Role, a.Hash)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Accounts is the accounts file. Every read goes to the file, so that an
// account added or removed with `roadmap user` counts at the next login of a
// running portal. Its methods may be called from several goroutines.
type Accounts struct {
	Path string
	// WriteFile replaces the file whole (written aside, then renamed),
	// readable by the service account only: its hashes are for no one else.
	WriteFile func(path string, data []byte) error
	// Cost is bcrypt's cost for new hashes (bcrypt.DefaultCost if 0).
	Cost int

	mu    sync.Mutex
	dummy []byte // see Authenticate
}

// List is every account, in the file's order; no file is no account.
func (s *Accounts) List() ([]Account, error) {
	f, err := os.Open(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	defer f.Close()
	as, err := ParseAccounts(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path, err)
	}
	return as, nil
}

// Find is the account with that name.
func (s *Accounts) Find(name string) (Account, error) {
	as, err := s.List()
	if err != nil {
		return Account{}, err
	}
	for _, a := range as {
		if a.Name == name {
			return a, nil
		}
	}
	return Account{}, ErrNoAccount
}

// Authenticate is the account whose name and password these are. It returns
// ErrNoAccount for a wrong name or password alike.
func (s *Accounts) Authenticate(name string, password []byte) (Account, error) {
	a, err := s.Find(name)
	if errors.Is(err, ErrNoAccount) || len(password) > MaxPassword {
		// A hash of the same cost is compared all the same, so that a wrong
		// name takes as long to refuse as a wrong password.
		_ = bcrypt.CompareHashAndPassword(s.dummyHash(), password)
		return Account{}, ErrNoAccount
	}
	if err != nil {
		return Account{}, err
	}
	if bcrypt.CompareHashAndPassword([]byte(a.Hash), password) != nil {
		return Account{}, ErrNoAccount
	}
	return a, nil
}

// Add creates an account; the name must be new.
func (s *Accounts) Add(name, role string, password []byte) error {
	return s.change(func(as []Account) ([]Account, error) {
		for _, a := range as {
			if a.Name == name {
				return nil, fmt.Errorf("the account %s exists already: 'roadmap user passwd %s' changes its password", name, name)
			}
		}
		h, err := s.hash(password)
		if err != nil {
			return nil, err
		}
		return append(as, Account{Name: name, Role: role, Hash: h}), nil
	})
}

// SetPassword replaces an account's password.
func (s *Accounts) SetPassword(name string, password []byte) error {
	return s.change(func(as []Account) ([]Account, error) {
		i := slices.IndexFunc(as, func(a Account) bool { return a.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("%w: %s", ErrNoAccount, name)
		}
		h, err := s.hash(password)
		if err != nil {
			return nil, err
		}
		as[i].Hash = h
		return as, nil
	})
}

// Remove deletes an account.
func (s *Accounts) Remove(name string) error {
	return s.change(func(as []Account) ([]Account, error) {
		i := slices.IndexFunc(as, func(a Account) bool { return a.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("%w: %s", ErrNoAccount, name)
		}
		return slices.Delete(as, i, i+1), nil
	})
}

func (s *Accounts) change(edit func([]Account) ([]Account, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	as, err := s.List()
	if err != nil {
		return err
	}
	if as, err = edit(as); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := FormatAccounts(&b, as); err != nil {
		return err
	}
	if err := s.WriteFile(s.Path, b.Bytes()); err != nil {
		return fmt.Errorf("write accounts: %w", err)
	}
	return nil
}

func (s *Accounts) dummyHash() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dummy == nil {
		s.dummy, _ = bcrypt.GenerateFromPassword([]byte("no account has this password"), s.cost())
	}
	return s.dummy
}

func (s *Accounts) cost() int {
	if s.Cost == 0 {
		return bcrypt.DefaultCost
	}
	return s.Cost
}

func (s *Accounts) hash(password []byte) (string, error) {
	if err := CheckPassword(password); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword(password, s.cost())
	if err != nil {
		return "", fmt.Errorf("hash the password: %w", err)
	}
	return string(h), nil
}
