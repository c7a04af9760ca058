package datadir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// The permission policy: one for every folder and one for every file the
// program creates in the data folder (see the package doc), and one for the
// files that hold secrets (the portal's password hashes), which only the
// service account reads.
const (
	DirMode     fs.FileMode = 0o750
	FileMode    fs.FileMode = 0o640
	PrivateMode fs.FileMode = 0o600
)

// Names of the layout.
const (
	InboxName      = "inbox"
	ArchiveName    = "archive"
	RejectedName   = "rejected"
	FeedbackName   = "feedback"
	ReportsName    = "reports"
	OutboxName     = "outbox"
	SeesacName     = "_seesac"    // inbox/_seesac/: SEESAC's own drops
	UnknownName    = "_unknown"   // rejected/_unknown/, feedback/_unknown/: no jurisdiction known
	DuplicatesName = "duplicates" // archive/J/P/duplicates/
	StatusName     = "status"     // reports/status/: the daemon's digests
	ManifestName   = "manifest.json"
	LedgerName     = "roadmap.db"
	ConfigName     = "roadmap.yaml"
	LockName       = "roadmap.lock"
	FolderLockName = ".roadmap-folder.lock" // Windows only: the lock file of LockFolder
	AccountsName   = "accounts"             // the portal's accounts
)

// topFolders are the folders init creates, in order.
var topFolders = []string{InboxName, ArchiveName, RejectedName, FeedbackName, ReportsName, OutboxName}

// Dir is a data folder. Its zero value is not usable; New makes one.
type Dir struct {
	root string
}

// New is the data folder at root, which need not exist yet.
func New(root string) Dir { return Dir{root: root} }

// Root is the data folder's own path, as given to New.
func (d Dir) Root() string { return d.root }

// Abs is the path of rel, a path relative to the data folder written with
// slashes (as the ledger stores them).
func (d Dir) Abs(rel string) string { return filepath.Join(d.root, filepath.FromSlash(rel)) }

// Rel is p relative to the data folder, with slashes, and whether p is
// inside it.
func (d Dir) Rel(p string) (string, bool) {
	r, err := filepath.Rel(d.root, p)
	if err != nil || !filepath.IsLocal(r) {
		return filepath.ToSlash(p), false
	}
	return filepath.ToSlash(r), true
}

// Inbox is the inbox folder.
func (d Dir) Inbox() string { return filepath.Join(d.root, InboxName) }

// Ledger is the ledger's file.
func (d Dir) Ledger() string { return filepath.Join(d.root, LedgerName) }

// Config is the configuration file.
func (d Dir) Config() string { return filepath.Join(d.root, ConfigName) }

// Accounts is the portal's accounts file (written with Write.Private).
func (d Dir) Accounts() string { return filepath.Join(d.root, AccountsName) }

// LockFile is the lock file (see Lock).
func (d Dir) LockFile() string { return filepath.Join(d.root, LockName) }

// Outbox is the folder of messages written as files.
func (d Dir) Outbox() string { return filepath.Join(d.root, OutboxName) }

// Seesac is SEESAC's own drop folder, inbox/_seesac/.
func (d Dir) Seesac() string { return filepath.Join(d.root, InboxName, SeesacName) }

// StatusDigests is the folder of the daemon's status digests, reports/status/.
func (d Dir) StatusDigests() string { return filepath.Join(d.root, ReportsName, StatusName) }

// Report is the folder of the reports built under name (a meeting id, or a
// period with a jurisdiction), reports/NAME/. It fails for a name that is not
// a plain folder name or that the layout reserves (CheckReportName).
func (d Dir) Report(name string) (string, error) {
	if err := CheckReportName(name); err != nil {
		return "", err
	}
	return filepath.Join(d.root, ReportsName, name), nil
}

// reservedReports are names under reports/ that a build may not take.
var reservedReports = map[string]bool{StatusName: true, ManifestName: true}

// CheckReportName says why name cannot name a folder of reports/: it must be
// one plain file name, not hidden, not starting with '_' (names the layout
// keeps for itself), and not one the layout reserves (status, manifest.json).
// Meeting ids are checked with it when the calendar is loaded.
func CheckReportName(name string) error {
	switch {
	case name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\:`) || !filepath.IsLocal(name):
		return fmt.Errorf("%q cannot name a folder of %s/", name, ReportsName)
	case strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_"):
		return fmt.Errorf("%q cannot name a folder of %s/: names starting with %q are kept for the program", name, ReportsName, name[:1])
	case reservedReports[strings.ToLower(name)]:
		return fmt.Errorf("%q cannot name a folder of %s/: %s/%s is kept for the program's own use", name, ReportsName, ReportsName, name)
	}
	return nil
}

// ReservedInboxFolder reports whether a folder of the inbox belongs to the
// layout (inbox/_seesac/) rather than to a Commission.
func ReservedInboxFolder(name string) bool { return strings.EqualFold(name, SeesacName) }

// ArchivePath is where an accepted original of jurisdiction j and period p
// is kept, relative to the data folder: archive/J/P/NAME.
func ArchivePath(j, period, name string) string { return path.Join(ArchiveName, j, period, name) }

// DuplicatePath is where an original whose content was already accepted is
// kept: archive/J/P/duplicates/NAME.
func DuplicatePath(j, period, name string) string {
	return path.Join(ArchiveName, j, period, DuplicatesName, name)
}

// RejectedPath is where a rejected original is kept: rejected/J/NAME.
func RejectedPath(j, name string) string { return path.Join(RejectedName, j, name) }

// FeedbackPath is where a note to a sender is written: feedback/J/NAME.
func FeedbackPath(j, name string) string { return path.Join(FeedbackName, j, name) }

// InboxPath is a path of the inbox (given with slashes relative to it) as a
// path relative to the data folder: inbox/AL/x.xlsx.
func InboxPath(rel string) string { return path.Join(InboxName, rel) }

// FromInbox is the path in the inbox (with slashes) of a path relative to
// the data folder that InboxPath made; ok is false for any other path.
func FromInbox(rel string) (string, bool) {
	return strings.CutPrefix(rel, InboxName+"/")
}

// Kept is what the place of a kept original says about it.
type Kept struct {
	// Rejected is set for rejected/J/NAME; otherwise it is archived.
	Rejected bool
	// Duplicate is set for archive/J/P/duplicates/NAME.
	Duplicate bool
	// Folder is J; Period is P ("" for a rejected original).
	Folder, Period string
	Name           string
}

// ParseKept reads a path relative to the data folder, with slashes, as the
// place of a kept original: ok is false for any other path.
func ParseKept(rel string) (k Kept, ok bool) {
	parts := strings.Split(rel, "/")
	switch {
	case parts[0] == ArchiveName && len(parts) == 4:
		return Kept{Folder: parts[1], Period: parts[2], Name: parts[3]}, true
	case parts[0] == ArchiveName && len(parts) == 5 && parts[3] == DuplicatesName:
		return Kept{Duplicate: true, Folder: parts[1], Period: parts[2], Name: parts[4]}, true
	case parts[0] == RejectedName && len(parts) == 3:
		return Kept{Rejected: true, Folder: parts[1], Name: parts[2]}, true
	}
	return Kept{}, false
}

// KeptFolders are the folders, relative to the data folder, that hold kept
// originals (the ones a reindex reads).
func KeptFolders() []string { return []string{ArchiveName, RejectedName} }

// Check fails, naming the folder and what to do, unless it is an initialised
// data folder: one with its inbox folder.
func (d Dir) Check() error {
	why := ""
	if info, err := os.Stat(d.root); errors.Is(err, fs.ErrNotExist) {
		why = "it does not exist"
	} else if err != nil {
		return fmt.Errorf("data folder %s: %w", d.root, err)
	} else if !info.IsDir() {
		why = "it is not a folder"
	} else if info, err := os.Stat(d.Inbox()); errors.Is(err, fs.ErrNotExist) || err == nil && !info.IsDir() {
		why = "it has no inbox folder"
	} else if err != nil {
		return fmt.Errorf("data folder %s: %w", d.root, err)
	}
	if why == "" {
		return nil
	}
	return fmt.Errorf("%s is not a roadmap data folder (%s): check --data, or run 'roadmap init --data %s' to make one", d.root, why, d.root)
}

// Init creates what is missing of the layout: the data folder, its folders,
// a folder of the inbox per jurisdiction code given and SEESAC's own. It never changes
// what is there, and returns what it created, in order.
func (d Dir) Init(jurisdictions []string) ([]string, error) {
	dirs := []string{d.root}
	for _, top := range topFolders {
		dirs = append(dirs, filepath.Join(d.root, top))
		if top == InboxName {
			for _, j := range jurisdictions {
				dirs = append(dirs, filepath.Join(d.root, top, j))
			}
			dirs = append(dirs, d.Seesac())
		}
	}
	var created []string
	for _, p := range dirs {
		made, err := MkdirAll(p)
		created = append(created, made...)
		if err != nil {
			return created, err
		}
	}
	return created, nil
}
