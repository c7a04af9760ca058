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
	"runtime"
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
	// RecordAll is Record for several submissions, in order, in one
	// transaction: all are recorded or none.
	RecordAll(ctx context.Context, subs []roadmap.Recording) error
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
	// Checker checks each file: Examine on all cores, Compare (which reads
	// the ledger through its Previous) one file after another in inbox
	// order, seeing the earlier files of its group (group.checker).
	// With Calendar it also checks SEESAC's synthesis workbooks, dropped
	// into inbox/_seesac/ (synthesis.go); without a calendar such a drop is
	// an error.
	Checker  *Checker
	Calendar *roadmap.Calendar
	// Stable is how long a file's size and modification time must stay the
	// same before it is taken; 0 takes files at once (scripted use).
	Stable    time.Duration
	Now       func() time.Time
	Log       *slog.Logger
	Catalogue *roadmap.Catalogue
	// Location is the zone in which feedback shows times (the calendar's);
	// nil shows UTC.
	Location *time.Location
	// Answered, when set, is told what became of each file once its
	// feedback is written and before the file leaves the inbox (the program
	// records the sender's receipt for delivery there). An error leaves the
	// file in the inbox: the next pass finishes it (Resumed) and tells
	// Answered again, so that an interruption between the two never loses
	// the answer. Answered must therefore take the same outcome twice
	// without harm.
	Answered func(ctx context.Context, out Outcome) error

	mu     sync.Mutex
	dropMu sync.Mutex // places one upload at a time (Drop)
	stable *stability // per inbox path: how it looked and since when

	// rename moves a file (os.Rename unless a test fails it).
	rename func(from, to string) error
	// failAfter, when set, is called after each step of taking a file; an
	// error stops there, as a crash would (tests use it).
	failAfter func(step string) error
	// wholeGroups makes a group wait for the files after it to be checked
	// (up to maxGroup), so that tests know where groups end.
	wholeGroups bool
	// sleep waits out the stability window, and tick is the monotonic clock
	// that measures it (tests replace both).
	sleep func(ctx context.Context, d time.Duration) error
	tick  func() time.Time
}

// The steps of taking a file, in order (see the package doc).
const (
	stepWritten  = "written"  // a group's originals and notes written, not yet synced
	stepStore    = "store"    // the original copied to archive/ or rejected/ (durable)
	stepRecord   = "record"   // the ledger transaction committed
	stepFeedback = "feedback" // the feedback files written, Answered told
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
// files still changing are left for the next pass. Files are checked on all
// cores and committed in inbox order, in groups (see take). An error with
// one file does not stop the others; the errors are returned together.
func (in *Intake) Pass(ctx context.Context) (Summary, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	var sum Summary
	if err := in.validate(); err != nil {
		return sum, err
	}
	files, _, err := listInbox(in.data().Inbox(), in.log())
	if err != nil {
		return sum, err
	}
	drops := make([]drop, len(files))
	for i, e := range files {
		drops[i] = in.dropOf(e)
	}
	ready, waiting, err := in.settle(ctx, drops)
	if err != nil {
		return sum, err
	}
	outcomes, errs := in.take(ctx, ready)
	for _, o := range outcomes {
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
	outs, err := in.ProcessFiles(ctx, []string{file})
	if len(outs) == 0 {
		return Outcome{}, err
	}
	return outs[0], err
}

// ProcessFiles is ProcessFile for several files at once, checked on all
// cores and committed in the order given; it returns an outcome for each
// file that could be looked at, and the errors together.
func (in *Intake) ProcessFiles(ctx context.Context, files []string) ([]Outcome, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if err := in.validate(); err != nil {
		return nil, err
	}
	inbox := in.data().Inbox()
	var outs []Outcome
	var drops []drop
	var errs []error
	for _, file := range files {
		e, ok, why := placeOf(inbox, file)
		if !ok && e.rel == "" {
			errs = append(errs, fmt.Errorf("intake %q: %s", file, why))
			continue
		}
		if !ok {
			outs = append(outs, Outcome{File: e.rel, Waiting: "ignored: " + why})
			continue
		}
		info, err := os.Lstat(e.abs)
		if err != nil {
			errs = append(errs, fmt.Errorf("intake %q: %w", file, err))
			continue
		}
		if info.IsDir() {
			errs = append(errs, fmt.Errorf("intake %q: this is a folder", file))
			continue
		}
		e.info = info
		drops = append(drops, in.dropOf(e))
	}
	taken, terrs := in.take(ctx, drops)
	return append(outs, taken...), errors.Join(append(errs, terrs...)...)
}

// DryRun runs the intake on one file anywhere (roadmap validate) as if it had
// been dropped into inbox/folder/ now ("" for the inbox itself): the same
// reading, rules, checks and ledger look-ups as a pass, up to the first
// write, which it never makes. The ledger may be nil: nothing is then
// compared or found to be a duplicate.
func (in *Intake) DryRun(ctx context.Context, file, folder string) (Outcome, error) {
	if in.Checker == nil || in.Catalogue == nil {
		return Outcome{}, errors.New("intake: no checker or no catalogue")
	}
	info, err := os.Lstat(file)
	if err != nil {
		return Outcome{}, fmt.Errorf("check %q: %w", file, err)
	}
	name := filepath.Base(file)
	e := entry{abs: file, rel: name, name: name, dir: folder, info: info}
	if folder != "" {
		e.rel = folder + "/" + name
	}
	d := in.dropOf(e)
	p := in.prepare(ctx, d, in.now().UTC())
	out := Outcome{File: file}
	switch {
	case p.err != nil:
		return out, p.err
	case p.waiting == notRegular:
		// In the inbox such a thing is left alone; asked about, it is a
		// rejection like any other file that is not a workbook.
		s := in.Checker.newSubmission(name, d.folder, p.received)
		p.sub = in.Checker.finish(s, fileFinding(roadmap.CodeUnsupportedFile,
			"This is a folder or a special file, not a workbook: put the workbook file itself into the folder."))
	case p.waiting != "":
		out.Waiting = p.waiting
		return out, nil
	}
	s, _, err := in.judge(ctx, p, nil)
	if err != nil {
		return out, err
	}
	out.State, out.Submission = s.State, s
	return out, nil
}

func (in *Intake) validate() error {
	switch {
	case in.Root == "":
		return errors.New("intake: no data folder")
	case in.Ledger == nil:
		return errors.New("intake: no ledger")
	case in.Checker == nil:
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
	// data is the content as it was hashed, when it is within the checker's
	// size limit; the original is then kept from it without reading the
	// file again.
	data []byte
}

func (d drop) symlink() bool { return d.info.Mode()&fs.ModeSymlink != 0 }

// dropOf is an entry of the inbox with its folder read as a jurisdiction.
func (in *Intake) dropOf(e entry) drop {
	d := drop{abs: e.abs, rel: e.rel, name: e.name, info: e.info, folderKnown: true}
	if e.dir != "" {
		d.folder, d.folderKnown = in.folderOf(e.dir)
	}
	return d
}

// synthesisDrop reports whether d is in inbox/_seesac/, SEESAC's own folder.
func (in *Intake) synthesisDrop(d drop) bool {
	return !d.folderKnown && datadir.ReservedInboxFolder(d.folder)
}

// duplicate says whether an accepted file is a duplicate: the same content as
// the version in force (a file of g, or else the ledger's), which it
// returns. A file equal to an earlier, superseded version is not: sending
// v1 again after v2 restores v1's content as a new version.
func (in *Intake) duplicate(ctx context.Context, s *roadmap.Submission, g *group) (*roadmap.Submission, error) {
	if s.State != roadmap.Accepted {
		return nil, nil
	}
	cur, ok := g.inForce(s.Jurisdiction, s.Period)
	if !ok {
		var err error
		if cur, err = in.Ledger.InForce(ctx, s.Jurisdiction, s.Period); err != nil {
			return nil, err
		}
	}
	if cur != nil && cur.Hash == s.Hash {
		return cur, nil
	}
	return nil, nil
}

// folderOf maps an inbox subfolder to a jurisdiction code, whatever its case.
func (in *Intake) folderOf(name string) (string, bool) {
	if j, ok := in.Catalogue.Jurisdiction(name); ok {
		return j.Code, true
	}
	return name, false
}

// settle splits the drops into those ready to take and those still being
// written. A file is ready when it has looked the same for Stable: either
// across passes (on the monotonic clock) or, for a file first seen now or
// changed since, across a wait of Stable within this pass.
func (in *Intake) settle(ctx context.Context, drops []drop) (ready, waiting []drop, err error) {
	if in.Stable <= 0 {
		return drops, nil, nil
	}
	if in.stable == nil || in.stable.window != in.Stable {
		in.stable = newStability(in.Stable, in.tick)
	}
	present := make(map[string]bool, len(drops))
	var unsure []drop
	for _, d := range drops {
		present[d.rel] = true
		in.stable.see(d.rel, d.info)
		if in.stable.stable(d.rel) {
			ready = append(ready, d)
			continue
		}
		unsure = append(unsure, d)
	}
	in.stable.keep(present)
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
			in.stable.forget(d.rel) // gone: nothing to take
			continue
		}
		if l := in.stable.see(d.rel, info); l.same(d.info) {
			d.info = info
			ready = append(ready, d)
			continue
		}
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

// prepared is a drop read and checked, ready for its commit: everything that
// needs neither the ledger nor a write, which is why it can run on all cores.
type prepared struct {
	d        drop
	received time.Time
	hash     string
	sub      *roadmap.Submission // the check, without what needs the ledger
	waiting  string              // why the file is left in the inbox for now
	err      error
}

// notRegular is why a special file (a pipe, a device) is left in the inbox.
const notRegular = "not a regular file"

// take checks the drops on all cores (a bounded pool of GOMAXPROCS workers,
// holding a group and a few files ahead of the commits) and commits them in
// the order given, in groups (stage, commitGroup), so that versions,
// duplicates and comparisons with the previous period come out as in a
// pass that took them one by one. Each file
// is received at the moment its turn is given out, in that order. An error
// with one file does not stop the others.
func (in *Intake) take(ctx context.Context, drops []drop) ([]Outcome, []error) {
	if len(drops) == 0 {
		return nil, nil
	}
	workers := min(runtime.GOMAXPROCS(0), len(drops))
	received := make([]time.Time, len(drops))
	for i := range drops {
		received[i] = in.now().UTC()
	}
	results := make([]chan *prepared, len(drops))
	for i := range results {
		results[i] = make(chan *prepared, 1)
	}
	// ahead bounds the files read and checked but not yet committed, and so
	// the memory they hold: a whole group and a few more, so that the
	// workers go on checking while a group is flushed.
	ahead := make(chan struct{}, maxGroup+2*workers)
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for i := range drops {
			ahead <- struct{}{}
			jobs <- i
		}
	}()
	for range workers {
		go func() {
			for i := range jobs {
				results[i] <- in.prepare(ctx, drops[i], received[i])
			}
		}()
	}
	var outs []Outcome
	var errs []error
	done := func(o Outcome, err error, file string) {
		if err != nil {
			in.log().Error("intake failed", "file", file, "err", err)
			errs = append(errs, err)
			return
		}
		outs = append(outs, o)
	}
	cancelled := func() bool {
		err := ctx.Err()
		if err != nil && (len(errs) == 0 || !errors.Is(errs[len(errs)-1], err)) {
			errs = append(errs, err)
		}
		return err != nil
	}
	g := &group{}
	flush := func() {
		// A cancelled pass commits nothing more: the group's files stay in
		// the inbox for the next pass, which rewrites the same originals.
		if !cancelled() {
			for _, r := range in.commitGroup(ctx, g) {
				done(r.out, r.err, r.out.File)
			}
		}
		g = &group{}
	}
	for i := range drops {
		p := <-results[i]
		<-ahead
		if cancelled() {
			continue
		}
		if o, later, err := in.stage(ctx, g, p, flush); !later {
			done(o, err, p.d.rel)
		}
		// A group ends when it is full or when the next file is not
		// checked yet: the disk is flushed for what is ready, while the
		// workers go on checking.
		if len(g.members) >= maxGroup || i+1 == len(drops) || (len(results[i+1]) == 0 && !in.wholeGroups) {
			flush()
		}
	}
	flush()
	return outs, errs
}

// prepare reads and checks one drop as received at the given time, writing
// nothing and asking nothing of the ledger. A file that is not regular, gone
// or changing is left for later (waiting).
func (in *Intake) prepare(ctx context.Context, d drop, received time.Time) *prepared {
	p := &prepared{d: d, received: received}
	if ctx.Err() != nil || in.synthesisDrop(d) {
		// The commit loop reports a cancellation, and takes SEESAC's
		// synthesis, which is checked against the calendar, in turn.
		return p
	}
	if !d.symlink() && !d.info.Mode().IsRegular() {
		p.waiting = notRegular
		return p
	}
	hash, data, head, err := in.identify(d)
	if errors.Is(err, fs.ErrNotExist) {
		p.waiting = "gone before it could be read"
		return p
	}
	if err != nil {
		p.err = fmt.Errorf("intake %s: %w", d.rel, err)
		return p
	}
	if now, err := os.Lstat(d.abs); err != nil || now.Size() != d.info.Size() || !now.ModTime().Equal(d.info.ModTime()) {
		p.waiting = "changed while it was read"
		return p
	}
	p.d.data, p.hash = data, hash
	p.sub = in.decide(p.d, hash, head, received)
	return p
}

// stage does what needs the ledger for one prepared drop, in inbox order,
// and writes its original and note unsynced into g, whose commit
// (commitGroup) makes them durable, records them and finishes them; later
// is then true. A drop that needs no commit (left waiting, failed, or
// already recorded by an interrupted pass, which resumes after the ledger
// step) is done at once and its outcome returned. flush commits g, for a
// drop that must come after it (SEESAC's synthesis, an oversized file).
func (in *Intake) stage(ctx context.Context, g *group, p *prepared, flush func()) (out Outcome, later bool, err error) {
	d := p.d
	out = Outcome{File: d.rel}
	if in.synthesisDrop(d) {
		flush()
		out, err = in.takeSynthesis(ctx, d, p.received)
		return out, false, err
	}
	if p.err != nil {
		return out, false, p.err
	}
	if p.waiting != "" {
		if p.waiting == notRegular {
			in.log().Warn("not a regular file: left in the inbox", "file", d.rel, "mode", d.info.Mode().String())
		}
		out.Waiting = p.waiting
		return out, false, nil
	}
	source := sourceKey(d, p.hash)
	prior, err := in.Ledger.BySource(ctx, source)
	if err != nil {
		return out, false, fmt.Errorf("intake %s: %w", d.rel, err)
	}
	if prior != nil {
		out.Resumed = true
		in.log().Info("finishing a drop recorded by an interrupted pass", "file", d.rel, "submission", prior.ID)
		out, err = in.finish(ctx, d, prior, nil, out)
		return out, false, err
	}
	s, original, err := in.judge(ctx, p, g)
	if err != nil {
		return out, false, fmt.Errorf("intake %s: %w", d.rel, err)
	}
	if s.Path, err = in.destination(s, d); err != nil {
		return out, false, fmt.Errorf("intake %s: %w", d.rel, err)
	}
	if in.oversized(d) {
		// Moved, not copied: recorded first, so that a crash between the
		// two leaves the file in the inbox and recorded, and the next pass
		// moves it (finish, resuming). The group before it is committed
		// first, so that the ledger keeps inbox order.
		flush()
		if err := in.Ledger.Record(ctx, s, source); err != nil {
			return out, false, fmt.Errorf("intake %s: %w", d.rel, err)
		}
		if err := in.store(d, s, source, nil); err != nil {
			return out, false, fmt.Errorf("intake %s: keep the original: %w", d.rel, err)
		}
		out, err = in.finish(ctx, d, s, nil, out)
		return out, false, err
	}
	if err := in.store(d, s, source, &g.flush); err != nil {
		return out, false, fmt.Errorf("intake %s: keep the original: %w", d.rel, err)
	}
	g.add(member{d: d, sub: s, source: source, original: original})
	return out, true, nil
}

// finish does the steps after the ledger: it makes sure the original is
// kept, writes the feedback and removes the file from the inbox.
func (in *Intake) finish(ctx context.Context, d drop, s, original *roadmap.Submission, out Outcome) (Outcome, error) {
	out.State, out.Submission, out.Stored = s.State, s, s.Path
	if out.Resumed {
		if _, err := os.Lstat(in.abs(s.Path)); errors.Is(err, fs.ErrNotExist) {
			// Cannot happen after an interrupted pass (the copy comes
			// first), but a hand-tidied archive must not lose the file.
			if err := in.store(d, s, sourceKey(d, s.Hash), nil); err != nil {
				return out, fmt.Errorf("intake %s: keep the original: %w", d.rel, err)
			}
		}
	}
	fb, err := in.feedback(ctx, d, s, original)
	if err != nil {
		return out, fmt.Errorf("intake %s: feedback: %w", d.rel, err)
	}
	out.Feedback = fb
	if in.Answered != nil {
		if err := in.Answered(ctx, out); err != nil {
			return out, fmt.Errorf("intake %s: the file stays in the inbox, its answer could not be recorded: %w", d.rel, err)
		}
	}
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

// headSize is how much of a file's start decide looks at to tell its kind.
const headSize = 512

// identify hashes a file's content and returns its first bytes and, when it
// is within the checker's size limit, the whole content as hashed (the
// checker reads those bytes, and the original is kept from them: the file is
// read once). A larger file is hashed as a stream: the checker rejects it
// for its size alone. A symbolic link has no content of its own (it is never
// followed) and no hash.
func (in *Intake) identify(d drop) (hash string, data, head []byte, err error) {
	if d.symlink() || in.oversized(d) {
		return "", nil, nil, nil
	}
	f, err := os.Open(d.abs)
	if err != nil {
		return "", nil, nil, err
	}
	defer f.Close()
	if size := d.info.Size(); size <= in.Checker.maxSize() {
		// One byte more than the size it had shows a file that grew.
		data := make([]byte, 0, size+1)
		for {
			n, err := f.Read(data[len(data):cap(data)])
			data = data[:len(data)+n]
			if err == io.EOF || (err == nil && len(data) == cap(data)) {
				break
			}
			if err != nil {
				return "", nil, nil, fmt.Errorf("read: %w", err)
			}
		}
		head := data[:min(len(data), headSize)]
		if int64(len(data)) == size {
			return hashBytes(data), data, head, nil
		}
		// It changed size since it was listed: hash what is there now;
		// prepare notices the change and leaves it for the next pass.
		h := sha256.New()
		h.Write(data)
		if _, err := io.Copy(h, f); err != nil {
			return "", nil, nil, fmt.Errorf("read: %w", err)
		}
		return hex.EncodeToString(h.Sum(nil)), nil, head, nil
	}
	h := sha256.New()
	head = make([]byte, headSize)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", nil, nil, fmt.Errorf("read: %w", err)
	}
	head = head[:n]
	h.Write(head)
	if _, err := io.Copy(h, f); err != nil {
		return "", nil, nil, fmt.Errorf("read: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil, head, nil
}

// oversized reports whether a drop is over the checker's size limit. Such a
// file is rejected from its size alone: never read nor hashed (it has no
// hash), and moved into rejected/ rather than copied, so that one sender's
// huge file neither fills the disk twice nor holds up the others' files.
func (in *Intake) oversized(d drop) bool {
	return !d.symlink() && d.info.Size() > in.Checker.maxSize()
}

// sourceKey names one drop: the same file left in the inbox gives the same
// key on every pass, and the same content dropped again later gives another,
// even when the copy kept the file's modification time (its arrival in the
// inbox differs: arrival).
func sourceKey(d drop, hash string) string {
	what := hash
	if hash == "" && !d.symlink() {
		what = "oversized"
	}
	if d.symlink() {
		target, _ := os.Readlink(d.abs)
		what = "symlink:" + target
	}
	key := fmt.Sprintf("%s|%d|%s|%s", datadir.InboxPath(d.rel), d.info.Size(), d.info.ModTime().UTC().Format(time.RFC3339Nano), what)
	if t, ok := arrival(d.abs, d.info); ok {
		key += "|arrived " + t.UTC().Format(time.RFC3339Nano)
	}
	return key
}

// decide applies the intake's rules of files and the checks that need only
// the file, as of received: a symbolic link, a folder that names no
// jurisdiction and a file of another kind are rejected before any workbook
// is opened. d.data is the content (nil over the size limit), head its
// first bytes.
func (in *Intake) decide(d drop, hash string, head []byte, received time.Time) *roadmap.Submission {
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
	if in.oversized(d) {
		s := in.Checker.oversized(d.name, d.folder, d.info.Size(), "", received)
		s.Name, s.Folder, s.Received = d.name, d.folder, received
		return s
	}
	if what, ok := notWorkbook(d.name, head); ok {
		return reject(roadmap.CodeUnsupportedFile, fmt.Sprintf(
			"This is %s, not a KPI workbook: fill in the Excel template you were sent and save it into this folder as an Excel workbook (.xlsx).", what))
	}
	var s *roadmap.Submission
	if d.data == nil {
		s = in.Checker.oversized(d.name, d.folder, d.info.Size(), hash, received)
	} else {
		s = in.Checker.Examine(d.name, d.data, d.folder, received)
	}
	s.Name, s.Folder, s.Received, s.Hash = d.name, d.folder, received, hash
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

// judge completes a checked drop with what needs the ledger, writing
// nothing: the comparison with the previous period (warnings only, so the
// state stands) and the duplicate test, both seeing the files of g (nil for
// none) as if they were already recorded. For a duplicate it also returns
// the version in force it equals. The ledger may be nil (a dry run without
// one).
func (in *Intake) judge(ctx context.Context, p *prepared, g *group) (s, original *roadmap.Submission, err error) {
	s = p.sub
	if s.State != roadmap.Rejected {
		// A rejected file records no figures, and its jurisdiction is the
		// folder that sent it, not the one its figures are for.
		g.checker(in.Checker).Compare(s)
	}
	if s.State == roadmap.Accepted && in.Ledger != nil {
		if original, err = in.duplicate(ctx, s, g); err != nil {
			return nil, nil, err
		}
		if original != nil {
			s.State = roadmap.Duplicate
		}
	}
	return s, original, nil
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
	switch {
	case !d.symlink() && len(hash) >= 16:
		prefix = hash[:16]
	case !d.symlink():
		prefix = "oversized" // never read, so never hashed
	}
	tag := sha256.Sum256([]byte(sourceKey(d, hash)))
	return prefix + "-" + hex.EncodeToString(tag[:4]) + "-" + shorten(d.name)
}

// shorten cuts an over-long name, keeping its extension, and puts 8 hex
// digits of the whole name's hash where it cut, so that two long names that
// differ only past the cut stay apart.
func shorten(name string) string {
	if len(name) <= maxName {
		return name
	}
	ext := filepath.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	sum := sha256.Sum256([]byte(name))
	tag := "~" + hex.EncodeToString(sum[:4])
	n := maxName - len(ext) - len(tag)
	for n > 0 && !utf8.RuneStart(name[n]) {
		n--
	}
	return name[:n] + tag + ext
}

func (in *Intake) abs(rel string) string { return in.data().Abs(rel) }

// data is the data folder the intake works in.
func (in *Intake) data() datadir.Dir { return datadir.New(in.Root) }
