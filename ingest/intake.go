package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

// Ledger is what the intake needs of the ledger; *store.DB implements it.
type Ledger interface {
	// Record writes a submission and its audit events in one transaction,
	// setting its ID and, when accepted, its Version. It fails if source is
	// already recorded.
	Record(ctx context.Context, s *roadmap.Submission, source string) error
	// BySource is the submission recorded for a drop, with its values and
	// findings, or nil.
	BySource(ctx context.Context, source string) (*roadmap.Submission, error)
	// AcceptedByHash is the first accepted (or since superseded)
	// submission with that content, or nil.
	AcceptedByHash(ctx context.Context, hash string) (*roadmap.Submission, error)
	// InForce is the accepted version of j's report for p, or nil.
	InForce(ctx context.Context, j string, p roadmap.Period) (*roadmap.Submission, error)
}

// Intake takes the files dropped into Root/inbox: it decides what is ready,
// checks it, keeps the original, records it in the ledger, tells the sender
// and clears the inbox, in the crash-safe order the package doc describes.
// Its methods may be called from several goroutines; passes run one at a time.
type Intake struct {
	// Root is the data folder (inbox/, archive/, rejected/, feedback/).
	Root   string
	Ledger Ledger
	// Check reads and checks one file (Checker.Check). It must not write.
	Check func(path, folder string, received time.Time) *roadmap.Submission
	// Stable is how long a file's size and modification time must stay the
	// same before it is taken; 0 takes files at once (scripted use).
	Stable    time.Duration
	Now       func() time.Time
	Log       *slog.Logger
	Catalogue *roadmap.Catalogue
	// Location is the zone in which feedback shows times (the calendar's);
	// nil shows UTC.
	Location *time.Location
	// Checker and Calendar check SEESAC's synthesis workbooks, dropped into
	// inbox/_seesac/ (synthesis.go); without them such a drop is an error.
	Checker  *Checker
	Calendar *roadmap.Calendar

	mu   sync.Mutex
	seen map[string]stamp // per inbox path: how it looked and since when

	// failAfter, when set, is called after each step of taking a file; an
	// error stops there, as a crash would (tests use it).
	failAfter func(step string) error
	// sleep waits out the stability window (tests replace it).
	sleep func(ctx context.Context, d time.Duration) error
}

// The steps of taking a file, in order (see the package doc).
const (
	stepStore    = "store"    // the original copied to archive/ or rejected/
	stepRecord   = "record"   // the ledger transaction committed
	stepFeedback = "feedback" // the feedback files written
	stepRemove   = "remove"   // the file removed from the inbox
)

// Outcome is what became of one file of the inbox.
type Outcome struct {
	// File is the file's path in the inbox, with slashes: "AL/report.xlsx".
	File string `json:"file"`
	// State is the submission's state, or "" when the file was left in the
	// inbox for now (Waiting says why).
	State   roadmap.State `json:"state,omitempty"`
	Waiting string        `json:"waiting,omitempty"`
	// Submission is what was recorded (nil when waiting).
	Submission *roadmap.Submission `json:"submission,omitempty"`
	// Stored is where the original now is, relative to Root.
	Stored string `json:"stored,omitempty"`
	// Feedback lists the files written for the sender, relative to Root.
	Feedback []string `json:"feedback,omitempty"`
	// Resumed is set when an earlier, interrupted pass had already recorded
	// this drop and this one only finished it.
	Resumed bool `json:"resumed,omitempty"`
}

// Summary is what a pass did.
type Summary struct {
	Accepted   int       `json:"accepted"`
	Rejected   int       `json:"rejected"`
	Duplicates int       `json:"duplicates"`
	Waiting    int       `json:"waiting"`
	Outcomes   []Outcome `json:"outcomes"`
}

func (s *Summary) add(o Outcome) {
	switch o.State {
	case roadmap.Accepted:
		s.Accepted++
	case roadmap.Rejected:
		s.Rejected++
	case roadmap.Duplicate:
		s.Duplicates++
	case "":
		s.Waiting++
	}
	s.Outcomes = append(s.Outcomes, o)
}

// Pass makes one pass over the inbox: every file that is ready is taken,
// files still changing are left for the next pass. An error with one file
// does not stop the others; the errors are returned together.
func (in *Intake) Pass(ctx context.Context) (Summary, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	var sum Summary
	if err := in.validate(); err != nil {
		return sum, err
	}
	drops, err := in.scan()
	if err != nil {
		return sum, err
	}
	ready, waiting, err := in.settle(ctx, drops)
	if err != nil {
		return sum, err
	}
	var errs []error
	for _, d := range ready {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		o, err := in.take(ctx, d)
		if err != nil {
			in.log().Error("intake failed", "file", d.rel, "err", err)
			errs = append(errs, err)
			continue
		}
		sum.add(o)
	}
	for _, d := range waiting {
		sum.add(Outcome{File: d.rel, Waiting: "still being written"})
	}
	sort.Slice(sum.Outcomes, func(i, j int) bool { return sum.Outcomes[i].File < sum.Outcomes[j].File })
	return sum, errors.Join(errs...)
}

// ProcessFile takes one file of the inbox now, without waiting for it to be
// stable (the caller, such as a watcher, has decided it is). path is the
// file's path, absolute or relative to the inbox; it must be in the inbox or
// in one of its subfolders. A file that the intake ignores (a lock file, a
// hidden file, a partial download) is left alone and reported as waiting.
func (in *Intake) ProcessFile(ctx context.Context, file string) (Outcome, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if err := in.validate(); err != nil {
		return Outcome{}, err
	}
	inbox := in.data().Inbox()
	if !filepath.IsAbs(file) {
		file = filepath.Join(inbox, file)
	}
	rel, err := filepath.Rel(inbox, file)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return Outcome{}, fmt.Errorf("intake %q: the file is not in the inbox %q", file, inbox)
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	if len(parts) > 2 {
		return Outcome{}, fmt.Errorf("intake %q: only the inbox and its folders one level down are read", file)
	}
	name := parts[len(parts)-1]
	if Ignored(name) || (len(parts) == 2 && Ignored(parts[0])) {
		return Outcome{File: filepath.ToSlash(rel), Waiting: "ignored: " + ignoreReason(name)}, nil
	}
	info, err := os.Lstat(file)
	if err != nil {
		return Outcome{}, fmt.Errorf("intake %q: %w", file, err)
	}
	if info.IsDir() {
		return Outcome{}, fmt.Errorf("intake %q: this is a folder", file)
	}
	d := drop{abs: file, rel: filepath.ToSlash(rel), name: name, info: info}
	if len(parts) == 2 {
		d.folder, d.folderKnown = in.folderOf(parts[0])
	} else {
		d.folderKnown = true
	}
	return in.take(ctx, d)
}

func (in *Intake) validate() error {
	switch {
	case in.Root == "":
		return errors.New("intake: no data folder")
	case in.Ledger == nil:
		return errors.New("intake: no ledger")
	case in.Check == nil:
		return errors.New("intake: no checker")
	case in.Catalogue == nil:
		return errors.New("intake: no catalogue")
	}
	return nil
}

func (in *Intake) now() time.Time {
	if in.Now != nil {
		return in.Now()
	}
	return time.Now()
}

func (in *Intake) log() *slog.Logger {
	if in.Log != nil {
		return in.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (in *Intake) fail(step string) error {
	if in.failAfter == nil {
		return nil
	}
	return in.failAfter(step)
}

// drop is one candidate file of the inbox.
type drop struct {
	abs  string // absolute path
	rel  string // path in the inbox, with slashes
	name string
	// folder is the inbox subfolder: a catalogue jurisdiction code, spelled
	// as the catalogue does, or "" for the inbox itself; or, when
	// folderKnown is false, the name of a folder that names no jurisdiction.
	folder      string
	folderKnown bool
	info        fs.FileInfo // from Lstat: a symbolic link is never followed
	// data is the content as it was hashed, when small enough to hold
	// (identify); the original is then kept from it without reading the
	// file again.
	data []byte
}

func (d drop) symlink() bool { return d.info.Mode()&fs.ModeSymlink != 0 }

// folderOf maps an inbox subfolder to a jurisdiction code, whatever its case.
func (in *Intake) folderOf(name string) (string, bool) {
	if j, ok := in.Catalogue.Jurisdiction(name); ok {
		return j.Code, true
	}
	return name, false
}

// scan lists the candidate files of inbox/ and inbox/<folder>/, in name order.
func (in *Intake) scan() ([]drop, error) {
	inbox := in.data().Inbox()
	entries, err := os.ReadDir(inbox)
	if err != nil {
		return nil, fmt.Errorf("read the inbox: %w", err)
	}
	var drops []drop
	for _, e := range entries {
		if Ignored(e.Name()) {
			continue
		}
		abs := filepath.Join(inbox, e.Name())
		info, err := os.Lstat(abs)
		if err != nil {
			continue // gone since the listing
		}
		if !info.IsDir() {
			drops = append(drops, drop{abs: abs, rel: e.Name(), name: e.Name(), folderKnown: true, info: info})
			continue
		}
		folder, known := in.folderOf(e.Name())
		sub, err := os.ReadDir(abs)
		if err != nil {
			return nil, fmt.Errorf("read the inbox folder %q: %w", e.Name(), err)
		}
		for _, f := range sub {
			if Ignored(f.Name()) {
				continue
			}
			p := filepath.Join(abs, f.Name())
			info, err := os.Lstat(p)
			if err != nil {
				continue
			}
			if info.IsDir() {
				in.log().Warn("a folder inside an inbox folder is not read", "folder", e.Name()+"/"+f.Name())
				continue
			}
			drops = append(drops, drop{abs: p, rel: e.Name() + "/" + f.Name(), name: f.Name(),
				folder: folder, folderKnown: known, info: info})
		}
	}
	return drops, nil
}

// stamp is how a file looked: a write changes its size or its time.
type stamp struct {
	size  int64
	mtime time.Time
	since time.Time // first seen looking like this, by the intake's clock
}

func stampOf(info fs.FileInfo) stamp { return stamp{size: info.Size(), mtime: info.ModTime()} }

func (s stamp) same(t stamp) bool { return s.size == t.size && s.mtime.Equal(t.mtime) }

// settle splits the drops into those ready to take and those still being
// written. A file is ready when it has looked the same for Stable: either
// across passes (by the intake's clock) or, for a file first seen now,
// across a wait of Stable within this pass.
func (in *Intake) settle(ctx context.Context, drops []drop) (ready, waiting []drop, err error) {
	if in.Stable <= 0 {
		return drops, nil, nil
	}
	if in.seen == nil {
		in.seen = make(map[string]stamp)
	}
	now := in.now()
	current := make(map[string]bool, len(drops))
	var unsure []drop
	for _, d := range drops {
		current[d.rel] = true
		st := stampOf(d.info)
		prev, ok := in.seen[d.rel]
		if ok && prev.same(st) && now.Sub(prev.since) >= in.Stable {
			ready = append(ready, d)
			continue
		}
		if !ok || !prev.same(st) {
			st.since = now
			in.seen[d.rel] = st
		}
		unsure = append(unsure, d)
	}
	for rel := range in.seen {
		if !current[rel] {
			delete(in.seen, rel)
		}
	}
	if len(unsure) == 0 {
		return ready, nil, nil
	}
	sleep := in.sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	if err := sleep(ctx, in.Stable); err != nil {
		return nil, nil, err
	}
	for _, d := range unsure {
		info, err := os.Lstat(d.abs)
		if err != nil {
			delete(in.seen, d.rel) // gone: nothing to take
			continue
		}
		if stampOf(info).same(stampOf(d.info)) {
			d.info = info
			ready = append(ready, d)
			continue
		}
		in.seen[d.rel] = stamp{size: info.Size(), mtime: info.ModTime(), since: in.now()}
		waiting = append(waiting, d)
	}
	sort.Slice(ready, func(i, j int) bool { return ready[i].rel < ready[j].rel })
	return ready, waiting, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Ignored reports whether a name in the inbox is not a submission, now or
// ever: lock files of Excel (~$name) and LibreOffice (.~lock.name#), hidden
// files, partial downloads and uploads (*.tmp, *.part, *.crdownload) and the
// files Windows leaves in shared folders.
func Ignored(name string) bool { return ignoreReason(name) != "" }

func ignoreReason(name string) string {
	lower := strings.ToLower(name)
	switch {
	case strings.HasPrefix(name, "~$"):
		return "an Excel lock file"
	case strings.HasPrefix(name, ".~lock.") && strings.HasSuffix(name, "#"):
		return "a LibreOffice lock file"
	case strings.HasPrefix(name, "."):
		return "a hidden file"
	case strings.HasSuffix(lower, ".tmp"), strings.HasSuffix(lower, ".part"), strings.HasSuffix(lower, ".crdownload"):
		return "a file still being copied"
	case lower == "thumbs.db", lower == "desktop.ini":
		return "a file Windows keeps in folders"
	}
	return ""
}

// take runs the steps for one file. Nothing is written before the check is
// done; from then on every step is idempotent, and a drop that the ledger
// already knows (by its source key) resumes after the ledger step.
func (in *Intake) take(ctx context.Context, d drop) (Outcome, error) {
	out := Outcome{File: d.rel}
	if !d.folderKnown && datadir.ReservedInboxFolder(d.folder) {
		return in.takeSynthesis(ctx, d)
	}
	if !d.symlink() && !d.info.Mode().IsRegular() {
		in.log().Warn("not a regular file: left in the inbox", "file", d.rel, "mode", d.info.Mode().String())
		out.Waiting = "not a regular file"
		return out, nil
	}
	hash, data, err := identify(d)
	if errors.Is(err, fs.ErrNotExist) {
		out.Waiting = "gone before it could be read"
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("intake %s: %w", d.rel, err)
	}
	if now, err := os.Lstat(d.abs); err != nil || !stampOf(now).same(stampOf(d.info)) {
		out.Waiting = "changed while it was read"
		return out, nil
	}
	d.data = data
	source := sourceKey(d, hash)
	prior, err := in.Ledger.BySource(ctx, source)
	if err != nil {
		return out, fmt.Errorf("intake %s: %w", d.rel, err)
	}
	if prior != nil {
		out.Resumed = true
		in.log().Info("finishing a drop recorded by an interrupted pass", "file", d.rel, "submission", prior.ID)
		return in.finish(ctx, d, prior, out)
	}

	s, err := in.examine(ctx, d, hash)
	if err != nil {
		return out, fmt.Errorf("intake %s: %w", d.rel, err)
	}
	if s == nil {
		out.Waiting = "changed while it was checked"
		return out, nil
	}
	if err := in.store(d, s, source); err != nil {
		return out, fmt.Errorf("intake %s: keep the original: %w", d.rel, err)
	}
	if err := in.fail(stepStore); err != nil {
		return out, err
	}
	if err := in.Ledger.Record(ctx, s, source); err != nil {
		return out, fmt.Errorf("intake %s: %w", d.rel, err)
	}
	if err := in.fail(stepRecord); err != nil {
		return out, err
	}
	return in.finish(ctx, d, s, out)
}

// finish does the steps after the ledger: it makes sure the original is
// kept, writes the feedback and removes the file from the inbox.
func (in *Intake) finish(ctx context.Context, d drop, s *roadmap.Submission, out Outcome) (Outcome, error) {
	out.State, out.Submission, out.Stored = s.State, s, s.Path
	if _, err := os.Lstat(in.abs(s.Path)); errors.Is(err, fs.ErrNotExist) {
		// Cannot happen after an interrupted pass (the copy comes first),
		// but a hand-tidied archive must not lose the file.
		if err := in.store(d, s, sourceKey(d, s.Hash)); err != nil {
			return out, fmt.Errorf("intake %s: keep the original: %w", d.rel, err)
		}
	}
	fb, err := in.feedback(ctx, d, s)
	if err != nil {
		return out, fmt.Errorf("intake %s: feedback: %w", d.rel, err)
	}
	out.Feedback = fb
	if err := in.fail(stepFeedback); err != nil {
		return out, err
	}
	if err := os.Remove(d.abs); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return out, fmt.Errorf("intake %s: clear the inbox: %w", d.rel, err)
	}
	if err := in.fail(stepRemove); err != nil {
		return out, err
	}
	in.log().Info("intake", "file", d.rel, "outcome", string(s.State), "jurisdiction", s.Jurisdiction,
		"period", s.Period.String(), "version", s.Version, "submission", s.ID, "stored", s.Path)
	return out, nil
}

// holdLimit is the largest file whose content identify keeps in memory for
// the later steps; a larger one (which the checker rejects as too large
// anyway) is hashed as a stream and copied from the file.
const holdLimit = 64 << 20

// identify hashes a file's content and, when it is small enough, returns
// the content as hashed; a symbolic link has no content of its own (it is
// never followed) and no hash.
func identify(d drop) (string, []byte, error) {
	if d.symlink() {
		return "", nil, nil
	}
	f, err := os.Open(d.abs)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	if size := d.info.Size(); size <= holdLimit {
		// One byte more than the size it had shows a file that grew.
		data := make([]byte, 0, size+1)
		for {
			n, err := f.Read(data[len(data):cap(data)])
			data = data[:len(data)+n]
			if err == io.EOF || (err == nil && len(data) == cap(data)) {
				break
			}
			if err != nil {
				return "", nil, fmt.Errorf("read: %w", err)
			}
		}
		if int64(len(data)) == size {
			return hashBytes(data), data, nil
		}
		// It changed size since it was listed: hash what is there now;
		// take notices the change and leaves it for the next pass.
		h := sha256.New()
		h.Write(data)
		if _, err := io.Copy(h, f); err != nil {
			return "", nil, fmt.Errorf("read: %w", err)
		}
		return hex.EncodeToString(h.Sum(nil)), nil, nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", nil, fmt.Errorf("read: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil, nil
}

// sourceKey names one drop: the same file left in the inbox gives the same
// key on every pass, and the same content dropped again later (a new
// modification time) gives another.
func sourceKey(d drop, hash string) string {
	what := hash
	if d.symlink() {
		target, _ := os.Readlink(d.abs)
		what = "symlink:" + target
	}
	return fmt.Sprintf("%s|%d|%s|%s", datadir.InboxPath(d.rel), d.info.Size(), d.info.ModTime().UTC().Format(time.RFC3339Nano), what)
}

// examine decides what a drop is, writing nothing. It returns nil when the
// file changed between hashing and checking.
func (in *Intake) examine(ctx context.Context, d drop, hash string) (*roadmap.Submission, error) {
	received := in.now().UTC()
	s := in.decide(d, hash, received)
	if s == nil {
		return nil, nil
	}
	dup, err := in.duplicate(ctx, s)
	if err != nil {
		return nil, err
	}
	if dup {
		s.State = roadmap.Duplicate
	}
	p, err := in.destination(s, d)
	if err != nil {
		return nil, err
	}
	s.Path = p
	return s, nil
}

// duplicate says whether an accepted file is a duplicate: the same content as
// the version in force. A file equal to an earlier, superseded version is
// not: sending v1 again after v2 restores v1's content as a new version.
func (in *Intake) duplicate(ctx context.Context, s *roadmap.Submission) (bool, error) {
	if s.State != roadmap.Accepted {
		return false, nil
	}
	cur, err := in.Ledger.InForce(ctx, s.Jurisdiction, s.Period)
	if err != nil {
		return false, err
	}
	return cur != nil && cur.Hash == s.Hash, nil
}

// decide classifies and checks a drop, as of received.
func (in *Intake) decide(d drop, hash string, received time.Time) *roadmap.Submission {
	base := &roadmap.Submission{Name: d.name, Folder: d.folder, Size: d.info.Size(), Received: received,
		Hash: hash, State: roadmap.Rejected}
	reject := func(code roadmap.Code, msg string) *roadmap.Submission {
		base.Findings = []roadmap.Finding{{Severity: roadmap.Error, Code: code, Message: msg}}
		return base
	}
	switch {
	case d.symlink():
		return reject(roadmap.CodeSymlink,
			"This is a shortcut (symbolic link) to a file elsewhere, which is never followed: copy the workbook itself into the folder.")
	case !d.folderKnown:
		return reject(roadmap.CodeWrongJurisdiction, fmt.Sprintf(
			"The folder %q in the inbox is not a jurisdiction's folder, so this file cannot be attributed: put it in your own jurisdiction's folder (%s) or in the inbox itself.",
			d.folder, in.folderList()))
	}
	if what, ok := notWorkbook(d.abs, d.name); ok {
		return reject(roadmap.CodeUnsupportedFile, fmt.Sprintf(
			"This is %s, not a KPI workbook: fill in the Excel template you were sent and save it into this folder as an Excel workbook (.xlsx).", what))
	}
	s := in.Check(d.abs, d.folder, received)
	if s == nil {
		return reject(roadmap.CodeDamaged, "This file could not be read: save it again from Excel and send it again.")
	}
	if s.Hash == "" {
		s.Hash = hash
	}
	if s.Hash != hash {
		return nil
	}
	s.Name, s.Folder, s.Received = d.name, d.folder, received
	if s.Size == 0 {
		s.Size = d.info.Size()
	}
	// The folder is how a Commission is kept to its own jurisdiction: a
	// mismatch rejects the file whatever the checker made of it.
	if d.folder != "" && s.Jurisdiction != "" && s.Jurisdiction != d.folder && !hasCode(s.Findings, roadmap.CodeWrongJurisdiction) {
		s.Findings = append(s.Findings, roadmap.Finding{Severity: roadmap.Error, Code: roadmap.CodeWrongJurisdiction,
			Sheet: roadmap.SheetCover, Cell: roadmap.CoverJurisdiction, Message: fmt.Sprintf(
				"This workbook carries the report of %s but was put in the folder of %s, and each Commission may only send its own report: send the template made for your own jurisdiction.",
				s.Jurisdiction, d.folder)})
	}
	if roadmap.HasErrors(s.Findings) {
		s.State = roadmap.Rejected
	} else {
		s.State = roadmap.Accepted
	}
	if s.State == roadmap.Rejected && d.folder != "" {
		// The sender is the folder: a rejection counts against the
		// Commission that sent it, whatever the file claims (the claim is
		// one of its findings).
		s.Jurisdiction = d.folder
	}
	return s
}

func hasCode(fs []roadmap.Finding, code roadmap.Code) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

func (in *Intake) folderList() string {
	codes := make([]string, len(in.Catalogue.Jurisdictions))
	for i, j := range in.Catalogue.Jurisdictions {
		codes[i] = datadir.InboxPath(j.Code)
	}
	return strings.Join(codes, ", ")
}

// homeOf is the jurisdiction folder a drop's rejection and feedback go to:
// the inbox folder it came from (the only one its sender can see), else the
// jurisdiction its data names if the catalogue knows it, else _unknown. Only
// catalogue codes ever become folder names.
func (in *Intake) homeOf(s *roadmap.Submission, d drop) string {
	if d.folderKnown && d.folder != "" {
		return d.folder
	}
	if _, ok := in.Catalogue.Jurisdiction(s.Jurisdiction); ok {
		return s.Jurisdiction
	}
	return datadir.UnknownName
}

// destination is where the original is kept, relative to Root, with
// slashes: archive/J/P/<hash>-<drop>-<name> when accepted,
// archive/J/P/duplicates/ when it equals the version in force,
// rejected/J/<hash>-<drop>-<name> otherwise. The name starts with the content
// hash and a tag of the drop (see storedName), so every drop keeps its own
// original and note, and none is ever written over.
func (in *Intake) destination(s *roadmap.Submission, d drop) (string, error) {
	name := storedName(s.Hash, d)
	switch s.State {
	case roadmap.Accepted, roadmap.Duplicate:
		if _, ok := in.Catalogue.Jurisdiction(s.Jurisdiction); !ok || s.Period.IsZero() {
			return "", fmt.Errorf("an accepted file without a known jurisdiction (%q) and period", s.Jurisdiction)
		}
		if s.State == roadmap.Duplicate {
			return datadir.DuplicatePath(s.Jurisdiction, s.Period.String(), name), nil
		}
		return datadir.ArchivePath(s.Jurisdiction, s.Period.String(), name), nil
	default:
		return datadir.RejectedPath(in.homeOf(s, d), name), nil
	}
}

// maxName keeps stored and feedback names within common file-name limits
// (255 bytes) once a prefix or a suffix is added.
const maxName = 180

// storedName is the name an original is kept under: the start of its content
// hash, then 8 hex digits of its drop's source key (the same for the same
// drop taken again after a crash, another for every later drop, even of the
// same content under the same name), then its name.
func storedName(hash string, d drop) string {
	prefix := "symlink"
	if !d.symlink() && len(hash) >= 16 {
		prefix = hash[:16]
	}
	tag := sha256.Sum256([]byte(sourceKey(d, hash)))
	return prefix + "-" + hex.EncodeToString(tag[:4]) + "-" + shorten(d.name)
}

// shorten cuts an over-long name in its middle, keeping its extension.
func shorten(name string) string {
	if len(name) <= maxName {
		return name
	}
	ext := filepath.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	n := maxName - len(ext)
	for n > 0 && !utf8.RuneStart(name[n]) {
		n--
	}
	return name[:n] + ext
}

func (in *Intake) abs(rel string) string { return in.data().Abs(rel) }

// data is the data folder the intake works in.
func (in *Intake) data() datadir.Dir { return datadir.New(in.Root) }
