package web

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/ingest"
	"github.com/seesac/roadmap/render"
	"github.com/seesac/roadmap/store"
	"github.com/seesac/roadmap/templates"
)

// The fixture's clock: a month before the regional meeting's deadline.
var fixtureNow = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)

// passwords of the fixture's accounts, by name.
var passwords = map[string]string{
	"seesac": "seesac password 1",
	"al":     "albania password 1",
	"ba":     "bosnia password 1",
}

var meetings = []roadmap.Meeting{
	{ID: "rcm-16", Kind: roadmap.Regional, Number: 16, Date: roadmap.Date{Year: 2026, Month: 12, Day: 15}, Place: "Tirana",
		Period: roadmap.MustPeriod("2026-H1"), Deadline: roadmap.Date{Year: 2026, Month: 11, Day: 13}},
	{ID: "local-16-ba", Kind: roadmap.Local, Number: 16, Date: roadmap.Date{Year: 2026, Month: 11, Day: 20}, Place: "Sarajevo",
		Jurisdiction: "BA", Period: roadmap.MustPeriod("2026-H1"), Deadline: roadmap.Date{Year: 2026, Month: 11, Day: 6}},
}

// fixedCycle is the status a test sets: the status model itself is
// cmd/roadmap's, which its own tests cover with the portal wired in.
type fixedCycle struct {
	cat *roadmap.Catalogue
}

func (c fixedCycle) Status(context.Context) (*Status, error) {
	deadline := meetings[0].Deadline.At(23, 59, time.UTC)
	received := fixtureNow.Add(-time.Hour)
	st := &Status{Now: fixtureNow, Location: time.UTC, Meeting: &meetings[1],
		Upcoming: []Upcoming{
			{Meeting: meetings[1], Builds: []PlannedBuild{{Kind: roadmap.Draft, At: fixtureNow.AddDate(0, 0, 36), State: "planned"}}},
			{Meeting: meetings[0], Builds: []PlannedBuild{{Kind: roadmap.Draft, At: fixtureNow.AddDate(0, 0, 61), State: "planned"},
				{Kind: roadmap.Final, At: fixtureNow.AddDate(0, 0, 72), State: "planned"}}},
		}}
	for _, j := range c.cat.Jurisdictions {
		cp := render.SubmissionStatus{Code: j.Code, Name: j.Name, State: roadmap.NotDue, Deadline: &deadline}
		if j.Code == "AL" || j.Code == "BA" {
			cp.State, cp.Version, cp.Received, cp.Warnings = roadmap.OnTime, 1, &received, 2
		}
		if j.Code == "AL" {
			cp.Rejected = 1
		}
		st.Jurisdictions = append(st.Jurisdictions, cp)
	}
	return st, nil
}

func (c fixedCycle) Round(_ context.Context, code string) (*Round, error) {
	deadline := meetings[0].Deadline.At(23, 59, time.UTC)
	return &Round{Meeting: meetings[0], SubmissionStatus: render.SubmissionStatus{Code: code, Name: c.Name(code), State: roadmap.NotDue, Deadline: &deadline}}, nil
}

func (c fixedCycle) Meeting(id string) (roadmap.Meeting, bool) {
	for _, m := range meetings {
		if m.ID == id {
			return m, true
		}
	}
	return roadmap.Meeting{}, false
}

func (c fixedCycle) Name(code string) string {
	if j, ok := c.cat.Jurisdiction(code); ok {
		return j.Name
	}
	return ""
}

// fixture is a data folder with a real ledger, intake and watcher, some
// submissions and builds, and the portal served over TLS.
type fixture struct {
	root   string
	db     *store.DB
	intake *ingest.Intake
	srv    *Server
	ts     *httptest.Server

	// Submission ids: AL's and BA's accepted workbooks, AL's rejected one.
	alSub, baSub, alRejected int64
	// Build ids: the regional final and draft, BA's local final.
	regionalFinal, regionalDraft, localFinal int64
}

func sampleFile(t testing.TB, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "samples", "workbooks", rel))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func copyFile(t testing.TB, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

var (
	accountsOnce sync.Once
	accountsData []byte
)

// accountsFile writes the fixture's accounts into root, hashing them once
// for the whole package.
func accountsFile(t testing.TB, root string) *Accounts {
	t.Helper()
	accountsOnce.Do(func() {
		dir, err := os.MkdirTemp("", "accounts")
		if err != nil {
			panic(err)
		}
		defer os.RemoveAll(dir)
		a := &Accounts{Path: datadir.New(dir).Accounts(), WriteFile: writeFileForTest, Cost: bcrypt.MinCost}
		for _, n := range []struct{ name, role string }{{"seesac", RoleSEESAC}, {"al", "AL"}, {"ba", "BA"}} {
			if err := a.Add(n.name, n.role, []byte(passwords[n.name])); err != nil {
				panic(err)
			}
		}
		if accountsData, err = os.ReadFile(a.Path); err != nil {
			panic(err)
		}
	})
	path := datadir.New(root).Accounts()
	if err := writeFileForTest(path, accountsData); err != nil {
		t.Fatal(err)
	}
	return &Accounts{Path: path, WriteFile: writeFileForTest, Cost: bcrypt.MinCost}
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	root := t.TempDir()
	cat, err := templates.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := datadir.New(root).Init(cat.Codes()); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(root, "roadmap.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	checker := ingest.NewChecker(cat)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	now := func() time.Time { return fixtureNow }
	in := &ingest.Intake{Root: root, Ledger: db, Checker: checker, Catalogue: cat, Now: now, Log: log, Location: time.UTC}

	copyFile(t, sampleFile(t, "valid/AL/roadmap-AL-2026-H1.xlsx"), filepath.Join(root, "inbox", "AL", "roadmap-AL-2026-H1.xlsx"))
	copyFile(t, sampleFile(t, "valid/BA/roadmap-BA-2026-H1.xlsx"), filepath.Join(root, "inbox", "BA", "roadmap-BA-2026-H1.xlsx"))
	copyFile(t, sampleFile(t, "broken/negative-count.xlsx"), filepath.Join(root, "inbox", "AL", "negative-count.xlsx"))
	sum, err := in.Pass(ctx)
	if err != nil || sum.Accepted != 2 || sum.Rejected != 1 {
		t.Fatalf("fixture intake: %+v, %v", sum, err)
	}
	f := &fixture{root: root, db: db, intake: in}
	for _, o := range sum.Outcomes {
		switch o.File {
		case "AL/roadmap-AL-2026-H1.xlsx":
			f.alSub = o.Submission.ID
		case "BA/roadmap-BA-2026-H1.xlsx":
			f.baSub = o.Submission.ID
		case "AL/negative-count.xlsx":
			f.alRejected = o.Submission.ID
		}
	}

	for _, b := range []struct {
		id      *int64
		meeting string
		kind    roadmap.BuildKind
	}{{&f.regionalDraft, "rcm-16", roadmap.Draft}, {&f.regionalFinal, "rcm-16", roadmap.Final}, {&f.localFinal, "local-16-ba", roadmap.Final}} {
		stem := fmt.Sprintf("reports/%s/%s-%s", b.meeting, b.meeting, b.kind)
		outs := []string{stem + ".pdf", stem + "-data.xlsx", "reports/" + b.meeting + "/manifest.json"}
		for _, o := range outs {
			body := "%PDF-1.7 " + o
			if err := os.MkdirAll(filepath.Join(root, filepath.Dir(o)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, o), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		rec := &roadmap.Build{Meeting: b.meeting, Kind: b.kind, Started: fixtureNow.Add(-time.Hour), AsOf: fixtureNow.Add(-time.Hour),
			Outputs: outs, OK: true}
		if err := db.RecordBuild(ctx, rec); err != nil {
			t.Fatal(err)
		}
		*b.id = rec.ID
	}

	if _, err := db.Enqueue(ctx, &roadmap.Message{Key: "receipt.AL.2026-H1.v1", Jurisdiction: "AL", To: []string{"focal@example.al"},
		Subject: "Receipt: Albania 2026-H1", Body: "Recorded."}, fixtureNow); err != nil {
		t.Fatal(err)
	}

	watcher := &ingest.Watcher{Root: filepath.Join(root, "inbox"), Log: log,
		Process: func(ctx context.Context, paths []string) error { _, err := in.ProcessFiles(ctx, paths); return err }}
	if err := watcher.Open(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { watcher.Close() })

	f.srv = &Server{
		Root: root, Accounts: accountsFile(t, root), Cycle: fixedCycle{cat}, Ledger: db, Feedback: in, Inbox: in, Outbox: db,
		MaxUpload: 20 << 20,
		Template: func(j string, p roadmap.Period) (string, []byte, error) {
			var b strings.Builder
			if err := templates.WriteWorkbook(&b, cat, j, p); err != nil {
				return "", nil, err
			}
			return templates.FileName(j, p), []byte(b.String()), nil
		},
		Audit: func(ctx context.Context, e Event) error {
			return db.Audit(ctx, store.Event{Time: fixtureNow, Kind: e.Kind, Account: e.Account,
				Jurisdiction: e.Jurisdiction, Submission: e.Submission, Detail: e.Detail})
		},
		Location: time.UTC, Now: now, Log: log, Refresh: time.Second,
	}
	f.ts = httptest.NewTLSServer(f.srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

// client is a browser-like HTTP client of the fixture: a cookie jar, no
// redirects followed.
func (f *fixture) client(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// get fetches a path and returns the response and its body.
func get(t testing.TB, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// csrfOf is the CSRF token of the form on the page at path.
func (f *fixture) csrfOf(t testing.TB, c *http.Client, path string) string {
	t.Helper()
	_, body := get(t, c, f.ts.URL+path)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on %s:\n%s", path, body)
	}
	return m[1]
}

// login signs c in as name, with its password, and returns the response.
func (f *fixture) login(t testing.TB, c *http.Client, name, password string) *http.Response {
	t.Helper()
	token := f.csrfOf(t, c, "/login")
	resp, err := c.PostForm(f.ts.URL+"/login", url.Values{"username": {name}, "password": {password}, "csrf_token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// as is a client signed in as name ("" for anonymous).
func (f *fixture) as(t testing.TB, name string) *http.Client {
	t.Helper()
	c := f.client(t)
	if name != "" {
		if resp := f.login(t, c, name, passwords[name]); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s: %s", name, resp.Status)
		}
	}
	return c
}
