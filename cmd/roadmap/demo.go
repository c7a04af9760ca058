package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/deliver"
	"github.com/seesac/roadmap/ingest"
	"github.com/seesac/roadmap/render"
	"github.com/seesac/roadmap/samples"
	"github.com/seesac/roadmap/store"
	"github.com/seesac/roadmap/web"
)

// The demo runs on a fixed clock so that it is the same on every machine and
// every day: the files arrive at demoHour on the day before the earliest
// submission deadline of the meetings that review the latest sample period
// (for the built-in calendar: 1 October 2026, before the first Local
// Coordination Meeting's deadline), so that they are on time for every report;
// the reports are built an hour later.
const demoHour = 9

func runDemo(ctx context.Context, e *env, args []string) int {
	f := e.newFlags(true, "[--dir DIR] [--web ADDR] [--json]")
	var dir, webAddr string
	f.StringVar(&dir, "dir", "", "make the demo's data folder in `DIR`, which must be empty or new (default a new temporary folder); it replaces --data")
	f.StringVar(&webAddr, "web", "", "then serve the portal on `ADDR`, such as 127.0.0.1:8443, until interrupted")
	if code, ok := e.parseNone(f, args); !ok {
		return code
	}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "roadmap-demo-")
		if err != nil {
			return e.fail(fmt.Errorf("create a folder for the demo: %w", err))
		}
		dir = tmp
	} else if err := emptyOrNew(dir); err != nil {
		return e.fail(err)
	}
	f.data = dir
	if !f.json {
		fmt.Fprintf(e.stdout, "data folder: %s\n", dir)
	}
	out, err := e.demo(ctx, f)
	if err != nil {
		return e.fail(err)
	}
	if out.Accounts, err = demoAccounts(f.data); err != nil {
		return e.fail(err)
	}
	if f.json {
		if err := e.printJSON(out); err != nil {
			return e.fail(err)
		}
	} else {
		e.printDemo(out, dir)
	}
	if webAddr != "" {
		return e.demoPortal(ctx, f, webAddr)
	}
	return exitOK
}

func (e *env) printDemo(out *demoOutput, dir string) {
	fmt.Fprintf(e.stdout, "ingested %d sample workbooks as of %s: %d accepted, %d rejected\n",
		out.Files, out.Received.Format(time.RFC3339), out.Accepted, out.Rejected)
	for _, r := range out.Reports {
		fmt.Fprintf(e.stdout, "%s (%s): %s\n", r.Title, r.Meeting, r.PDF)
	}
	if out.Outbox != "" {
		fmt.Fprintf(e.stdout, "%d messages written as .eml files into %s ('roadmap outbox --data %s' lists them)\n", out.Messages, out.Outbox, dir)
	} else {
		fmt.Fprintf(e.stdout, "%d messages sent through the configured SMTP server, %d not sent ('roadmap outbox --data %s' says why)\n", out.Messages, out.Unsent, dir)
	}
	for _, a := range out.Accounts {
		fmt.Fprintf(e.stdout, "portal account %s (role %s), password: %s\n", a.Name, a.Role, a.Password)
	}
}

// demoAccount is an account of the demo's portal, with its password.
type demoAccount struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

// demoAccounts creates the demo's portal accounts, SEESAC's and Albania's
// Commission's, with new random passwords.
func demoAccounts(data string) ([]demoAccount, error) {
	accounts := accountsIn(datadir.New(data))
	var out []demoAccount
	for _, a := range []struct{ name, role string }{{"seesac", web.RoleSEESAC}, {"AL", "AL"}} {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		pw := base64.RawURLEncoding.EncodeToString(b)
		if err := accounts.Add(a.name, a.role, []byte(pw)); err != nil {
			return nil, err
		}
		out = append(out, demoAccount{a.name, a.role, pw})
	}
	return out, nil
}

// demoPortal serves the demo's data folder on addr, taking uploads through
// the intake as the daemon does, until ctx is cancelled.
func (e *env) demoPortal(ctx context.Context, f *flags, addr string) int {
	s, err := e.load(f)
	if err != nil {
		return e.fail(err)
	}
	release, err := s.data().Lock()
	if err != nil {
		return e.fail(err)
	}
	defer release()
	log := e.logger(s.Config.Log.Format)
	db, err := store.Open(s.data().Ledger())
	if err != nil {
		return e.fail(err)
	}
	defer db.Close()
	checker, err := newChecker(ctx, s, db, log)
	if err != nil {
		return e.fail(err)
	}
	in := newIntake(s, db, checker, log, 0, e.now)
	watcher := &ingest.Watcher{Root: s.data().Inbox(), Rescan: s.Config.Intake.Rescan, Log: log,
		Process: func(ctx context.Context, paths []string) error { _, err := in.ProcessFiles(ctx, paths); return err }}
	if err := watcher.Open(ctx); err != nil {
		return e.fail(err)
	}
	defer watcher.Close()
	srv, err := listenHTTPS(addr, newPortal(s, db, in, log, e.now).Handler(), portalHTTPLimits, "the portal", "", "", log)
	if err != nil {
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "portal: http://%s/ (sign in with an account above; Ctrl-C stops it)\n", srv.addr)
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	_ = srv.close(sctx)
	return exitOK
}

// demoOutput is what the demo did; `demo --json` prints it.
type demoOutput struct {
	Data     string       `json:"data"`
	Received time.Time    `json:"received"`
	Files    int          `json:"files"`
	Accepted int          `json:"accepted"`
	Rejected int          `json:"rejected"`
	Reports  []demoReport `json:"reports"`
	// Messages went out: as .eml files into Outbox, or through the
	// configured SMTP server (Outbox "").
	Messages int    `json:"messages"`
	Unsent   int    `json:"unsent"`
	Outbox   string `json:"outbox,omitempty"`
	// Accounts are the portal's, with their passwords.
	Accounts []demoAccount `json:"accounts"`
}

type demoReport struct {
	Meeting  string `json:"meeting"`
	Title    string `json:"title"`
	PDF      string `json:"pdf"`
	Manifest string `json:"manifest"`
}

func (e *env) demo(ctx context.Context, f *flags) (*demoOutput, error) {
	out := &demoOutput{Data: f.data}
	s, err := e.load(f)
	if err != nil {
		return nil, err
	}
	if _, err := initData(s.data(), s.Catalogue, ""); err != nil {
		return nil, err
	}
	if err := demoBranding(s.data()); err != nil {
		return nil, err
	}
	// Reload: the data folder now has its roadmap.yaml.
	if s, err = e.load(f); err != nil {
		return nil, err
	}
	periods, err := samples.Periods(s.Catalogue)
	if err != nil {
		return nil, err
	}
	latest := periods[len(periods)-1]
	regional, local := demoMeetings(s.Calendar.Reviewing(latest))
	if regional == nil {
		return nil, fmt.Errorf("the calendar has no regional meeting that reviews %s, the latest sample period", latest)
	}
	received, ok := demoClock(s.Calendar, s.Catalogue, latest)
	if !ok {
		return nil, fmt.Errorf("no meeting that reviews %s has a submission deadline", latest)
	}
	out.Received = received

	if out.Files, err = dropSamples(s.data().Inbox(), s.Catalogue); err != nil {
		return nil, err
	}
	db, err := openLedger(ctx, s)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	checker, err := newChecker(ctx, s, db, log)
	if err != nil {
		return nil, err
	}
	demoContacts(s)
	// The demo's messages are recorded as of an hour after the files came
	// in, when its reports are built.
	planner := newPlanner(s, db, log, func() time.Time { return received.Add(time.Hour) })
	in := newIntake(s, db, checker, log, 0, func() time.Time { return received })
	in.Answered = answer(planner)
	sum, err := in.Pass(ctx)
	if err != nil {
		return nil, fmt.Errorf("ingest the samples: %w", err)
	}
	out.Accepted, out.Rejected = sum.Accepted, sum.Rejected

	b := newBuilder(s, db, log, func() time.Time { return received.Add(time.Hour) })
	var builds []roadmap.Build
	reqs := []render.BuildRequest{{Meeting: regional}}
	if local != nil {
		reqs = append(reqs, render.BuildRequest{Meeting: local})
	} else {
		reqs = append(reqs, render.BuildRequest{Period: latest, Jurisdiction: s.Catalogue.Jurisdictions[0].Code})
	}
	for _, req := range reqs {
		res, err := b.Build(ctx, req)
		if err != nil {
			return nil, err
		}
		name := latest.String()
		if req.Meeting != nil {
			name = req.Meeting.ID
		}
		out.Reports = append(out.Reports, demoReport{Meeting: name, Title: res.Report.Title, PDF: res.PDF, Manifest: res.Manifest})
		builds = append(builds, res.Build)
	}
	if out.Messages, err = demoMessages(ctx, s, db, log, planner, builds); err != nil {
		return nil, err
	}
	if out.Unsent, _, err = db.Pending(ctx); err != nil {
		return nil, err
	}
	if !s.Config.Delivery.SMTP.Configured() {
		out.Outbox = s.data().Outbox()
	}
	return out, nil
}

// demoContacts gives every jurisdiction and SEESAC an example address when
// the configuration (given with --config) names no contacts, so that the
// demo shows every message it would send.
func demoContacts(s *setup) {
	if len(s.Config.Contacts) > 0 {
		return
	}
	s.Config.Contacts = roadmap.Contacts{roadmap.ContactSEESAC: {"SEESAC reports <reports@seesac.example>"}}
	for _, j := range s.Catalogue.Jurisdictions {
		s.Config.Contacts[j.Code] = []string{"Focal point <focal.point@" + strings.ToLower(j.Code) + ".example>"}
	}
}

// demoMessages records the rest of the messages of the demo's run (the
// intake recorded the receipts of its files): the notices of the round due
// at the planner's now and its reports to SEESAC; then it sends them all, as
// .eml files into outbox/, or through the SMTP server of the configuration
// given with --config.
func demoMessages(ctx context.Context, s *setup, db *store.DB, log *slog.Logger, p *deliver.Planner, builds []roadmap.Build) (int, error) {
	var errs []error
	for _, b := range builds {
		errs = append(errs, p.Report(ctx, b))
	}
	errs = append(errs, p.Tick(ctx))
	if err := errors.Join(errs...); err != nil {
		return 0, fmt.Errorf("record the demo's messages: %w", err)
	}
	sender, err := newSender(s, db, log, p.Now, nil)
	if err != nil {
		return 0, err
	}
	total := 0
	for {
		n, err := sender.Step(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// demoMeetings finds, among the meetings that review a period, the regional
// one and the first local one (by date).
func demoMeetings(ms []roadmap.Meeting) (regional, local *roadmap.Meeting) {
	for i := range ms {
		m := &ms[i]
		switch {
		case m.Kind == roadmap.Regional && regional == nil:
			regional = m
		case m.Kind == roadmap.Local && (local == nil || m.Date.Compare(local.Date) < 0):
			local = m
		}
	}
	return regional, local
}

// demoClock is when the demo's files arrive: demoHour on the day before the
// earliest of the catalogue's jurisdictions' deadlines for p
// (roadmap.Calendar.Deadline), so that every file is on time.
func demoClock(cal *roadmap.Calendar, cat *roadmap.Catalogue, p roadmap.Period) (time.Time, bool) {
	var first time.Time
	for _, j := range cat.Jurisdictions {
		if due, ok := cal.Deadline(j.Code, p); ok && (first.IsZero() || due.Before(first)) {
			first = due
		}
	}
	if first.IsZero() {
		return time.Time{}, false
	}
	return roadmap.DateOf(first).AddDays(-1).At(demoHour, 0, first.Location()), true
}

// dropSamples copies the bundled sample workbooks into inbox/<J>/, as each
// Commission would drop its own, and returns how many it copied.
func dropSamples(inbox string, cat *roadmap.Catalogue) (int, error) {
	src := samples.Valid()
	n := 0
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		j := path.Dir(p)
		if _, ok := cat.Jurisdiction(j); !ok {
			return fmt.Errorf("sample %s is in a folder that names no jurisdiction of the catalogue", p)
		}
		data, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(inbox, j, path.Base(p))
		if _, err := datadir.MkdirAll(filepath.Dir(dst)); err != nil {
			return err
		}
		created, err := datadir.CreateNew(dst, data)
		if err != nil {
			return err
		}
		if !created {
			return fmt.Errorf("%s is already in the inbox", dst)
		}
		n++
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("copy the samples into the inbox: %w", err)
	}
	return n, nil
}

// emptyOrNew refuses a folder that already holds something: the demo must not
// mix its files with an operator's.
func emptyOrNew(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("demo folder %s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("demo folder %s is not empty: give a new or empty folder, or leave out --dir", dir)
	}
	return nil
}

// demoBranding writes two placeholder logos into the demo's data folder and
// sets them in its roadmap.yaml with an acknowledgement and a disclaimer,
// every part marked as a placeholder, so that the demo's reports (and any
// rebuild of them) show where an operator's branding goes.
func demoBranding(d datadir.Dir) error {
	if _, err := datadir.MkdirAll(d.Abs("branding")); err != nil {
		return err
	}
	var logos []string
	for _, name := range []string{"placeholder-logo-1.png", "placeholder-logo-2.png"} {
		var buf bytes.Buffer
		if err := png.Encode(&buf, placeholderLogo(240, 80)); err != nil {
			return fmt.Errorf("placeholder logo: %w", err)
		}
		rel := path.Join("branding", name)
		if err := datadir.WriteBytes(d.Abs(rel), datadir.Write{}, buf.Bytes()); err != nil {
			return err
		}
		logos = append(logos, rel)
	}
	cfg, err := os.ReadFile(d.Config())
	if err != nil {
		return err
	}
	const blank = "branding:\n  # logos: [branding/seesac.png, branding/donor.png]\n  acknowledgement: \"\"\n  disclaimer: \"\"\n"
	if !bytes.Contains(cfg, []byte(blank)) {
		return errors.New("demo: the new roadmap.yaml has no blank branding section to fill")
	}
	filled := fmt.Sprintf("branding:\n  logos: [%s]\n  acknowledgement: %q\n  disclaimer: %q\n", strings.Join(logos, ", "),
		"[Placeholder] The funding acknowledgement goes here: set branding.acknowledgement in roadmap.yaml.",
		"[Placeholder] The disclaimer goes here: set branding.disclaimer in roadmap.yaml.")
	return datadir.WriteBytes(d.Config(), datadir.Write{}, bytes.Replace(cfg, []byte(blank), []byte(filled), 1))
}

// placeholderLogo is the usual mark of a missing picture: a grey box with a
// border and its diagonals.
func placeholderLogo(w, h int) image.Image {
	im := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := uint8(235)
			border := x < 2 || y < 2 || x >= w-2 || y >= h-2
			dx := float64(x) / float64(w)
			dy := float64(y) / float64(h)
			diagonal := math.Abs(dx-dy) < 0.008 || math.Abs(dx+dy-1) < 0.008
			if border || diagonal {
				c = 150
			}
			im.SetGray(x, y, color.Gray{Y: c})
		}
	}
	return im
}
