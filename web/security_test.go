package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"golang.org/x/crypto/bcrypt"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/store"
)

func TestLoginCookieAndLogout(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client(t)
	resp := f.login(t, c, "al", passwords["al"])
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %s", resp.Status)
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || !session.Secure || session.SameSite != http.SameSiteStrictMode ||
		session.MaxAge <= 0 || session.Expires.IsZero() {
		t.Fatalf("session cookie %+v: want HttpOnly, Secure, SameSite=Strict and an expiry", session)
	}
	// Logging out needs the form's token.
	if resp, err := c.PostForm(f.ts.URL+"/logout", url.Values{}); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("logout without a token: %v %v", resp.Status, err)
	}
	token := f.csrfOf(t, c, "/")
	if resp, err := c.PostForm(f.ts.URL+"/logout", url.Values{"csrf_token": {token}}); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %v %v", resp.Status, err)
	}
	if resp, _ := get(t, c, f.ts.URL+"/"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Errorf("after logout, / is %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	// The old cookie is worth nothing once logged out.
	old := f.client(t)
	u, _ := url.Parse(f.ts.URL)
	old.Jar.SetCookies(u, []*http.Cookie{session})
	if resp, _ := get(t, old, f.ts.URL+"/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the logged-out cookie still opens /: %s", resp.Status)
	}
	// Nor after its time: a session expires.
	c2 := f.as(t, "al")
	f.srv.State.sessions.mu.Lock()
	for k, v := range f.srv.State.sessions.m {
		v.expires = fixtureNow
		f.srv.State.sessions.m[k] = v
	}
	f.srv.State.sessions.mu.Unlock()
	if resp, _ := get(t, c2, f.ts.URL+"/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("an expired session still opens /: %s", resp.Status)
	}
}

// Sign-ins sent all at once are limited like sign-ins sent one by one: each
// request checked the limit before any failure was counted, so a burst of
// guesses all reached the password check (100 at once from one address,
// where the limits are 5 per account and 20 per address).
func TestLoginLimitHoldsForABurst(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// A password check as slow as in production, so that the burst is
	// under way while the first guesses are checked.
	f.srv.Accounts.Cost = bcrypt.DefaultCost
	if err := f.srv.Accounts.SetPassword("al", []byte(passwords["al"])); err != nil {
		t.Fatal(err)
	}
	c := f.client(t)
	token := f.csrfOf(t, c, "/login")
	const burst = 40
	codes := make([]int, burst)
	var wg sync.WaitGroup
	for i := range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.PostForm(f.ts.URL+"/login", url.Values{"username": {"al"}, "password": {fmt.Sprintf("guess %d", i)}, "csrf_token": {token}})
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	checked := 0
	for _, code := range codes {
		if code == http.StatusUnauthorized {
			checked++
		}
	}
	if checked > maxFailsAccount {
		t.Errorf("%d of %d guesses sent at once were checked, want at most %d", checked, burst, maxFailsAccount)
	}
}

func TestLoginRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client(t)
	// No token, or another browser's token: refused before the password is looked at.
	resp, err := c.PostForm(f.ts.URL+"/login", url.Values{"username": {"al"}, "password": {passwords["al"]}})
	if err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("login without a token: %v %v", resp.Status, err)
	}
	other := f.csrfOf(t, f.client(t), "/login")
	f.csrfOf(t, c, "/login")
	resp, err = c.PostForm(f.ts.URL+"/login", url.Values{"username": {"al"}, "password": {passwords["al"]}, "csrf_token": {other}})
	if err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("login with another browser's token: %v %v", resp.Status, err)
	}

	for i := 0; i < maxFailsAccount; i++ {
		if resp := f.login(t, c, "al", "wrong password"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %s", i, resp.Status)
		}
	}
	// Now even the right password waits, with a message that says why.
	token := f.csrfOf(t, c, "/login")
	resp, err = c.PostForm(f.ts.URL+"/login", url.Values{"username": {"al"}, "password": {passwords["al"]}, "csrf_token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	body := new(bytes.Buffer)
	body.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body.String(), "Too many failed sign-ins") {
		t.Fatalf("after %d failures: %s\n%s", maxFailsAccount, resp.Status, body)
	}
	// Another account from the same address is not locked yet...
	if resp := f.login(t, f.client(t), "ba", passwords["ba"]); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("ba locked out by al's failures: %s", resp.Status)
	}
	// ...until the address has failed too often.
	for i := maxFailsAccount; i < maxFailsAddress; i++ {
		f.login(t, c, "nobody"+string(rune('a'+i)), "wrong password")
	}
	if resp := f.login(t, f.client(t), "seesac", passwords["seesac"]); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("after %d failures from one address: %s", maxFailsAddress, resp.Status)
	}

	events, err := f.db.Events(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, e := range events {
		kinds[e.Kind]++
		if strings.Contains(e.Detail, "password") && strings.Contains(e.Detail, passwords["al"]) {
			t.Errorf("an audit event holds a password: %+v", e)
		}
	}
	if kinds[EventLoginRefused] < maxFailsAddress || kinds[EventLogin] != 1 {
		t.Errorf("audit kinds %v", kinds)
	}
}

// upload posts a file to /upload as c, the token first as a browser sends it.
func (f *fixture) upload(t *testing.T, c *http.Client, name string, data []byte) (*http.Response, string) {
	t.Helper()
	token := f.csrfOf(t, c, "/")
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("csrf_token", token)
	part, _ := w.CreateFormFile("workbook", name)
	part.Write(data)
	w.Close()
	resp, err := c.Post(f.ts.URL+"/upload", w.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := new(bytes.Buffer)
	body.ReadFrom(resp.Body)
	return resp, body.String()
}

func TestUploads(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	al := f.as(t, "al")
	workbook, err := os.ReadFile(sampleFile(t, "valid/AL/roadmap-AL-2025-H2.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if resp, body := f.upload(t, f.as(t, "seesac"), "x.xlsx", workbook); resp.StatusCode != http.StatusForbidden {
		t.Errorf("SEESAC upload: %s\n%s", resp.Status, body)
	}
	if resp, body := f.upload(t, al, "report.pdf", []byte("%PDF-1.4")); resp.StatusCode != http.StatusUnsupportedMediaType ||
		!strings.Contains(body, "Only Excel workbooks") {
		t.Errorf("a PDF: %s\n%s", resp.Status, body)
	}
	f.srv.MaxUpload = 1000
	if resp, body := f.upload(t, al, "big.xlsx", workbook); resp.StatusCode != http.StatusRequestEntityTooLarge ||
		!strings.Contains(body, "larger than") {
		t.Errorf("too large: %s\n%s", resp.Status, body)
	}
	f.srv.MaxUpload = 20 << 20
	if names, _ := f.intake.Waiting("AL"); len(names) != 0 {
		t.Errorf("refused uploads left files in the inbox: %v", names)
	}

	// A browser on Windows sends the whole path; only its base is kept.
	resp, body := f.upload(t, al, `C:\Users\focal\roadmap-AL-2025-H2.xlsx`, workbook)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %s\n%s", resp.Status, body)
	}
	// The daemon's watcher takes it; the home page shows the verdict.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, home := get(t, al, f.ts.URL+"/")
		if strings.Contains(home, "roadmap-AL-2025-H2.xlsx") && strings.Contains(home, "Accepted as version 1") && !strings.Contains(home, "Being checked") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no verdict on the home page:\n%s", home)
		}
		time.Sleep(20 * time.Millisecond)
	}
	events, err := f.db.Events(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range events {
		if e.Kind == EventUpload && e.Account == "al" && e.Detail == "inbox/AL/roadmap-AL-2025-H2.xlsx" {
			found = true
		}
	}
	if !found {
		t.Errorf("no upload event for al: %+v", events)
	}
}

// A new password ends the sessions signed in with the old one (a stolen
// session is what a password change is for), and an account removed and
// added again under its name, perhaps for another person or role, does not
// inherit the sessions of the one removed.
func TestAccountChangesEndSessions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	al, ba := f.as(t, "al"), f.as(t, "ba")
	if resp, _ := get(t, al, f.ts.URL+"/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("signed in: %s", resp.Status)
	}
	if err := f.srv.Accounts.SetPassword("al", []byte("a new password 2")); err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, al, f.ts.URL+"/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the session of the old password after a new one: %s", resp.Status)
	}
	if err := f.srv.Accounts.Remove("ba"); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.Accounts.Add("ba", "AL", []byte("another person 3")); err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, ba, f.ts.URL+"/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the session of a removed account, after one of its name was added: %s", resp.Status)
	}
}

// A workbook whose name the inbox cannot take (a colon a Mac allows, a
// name too long) is refused with what to rename, not as a file of another
// kind: the sender chose an Excel workbook, and "only Excel workbooks"
// would send them looking for the wrong mistake.
func TestUploadNameRefusedAsAName(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	al := f.as(t, "al")
	for _, name := range []string{"AL report: 2026.xlsx", strings.Repeat("é", 100) + ".xlsx"} {
		resp, body := f.upload(t, al, name, []byte("PK"))
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "rename") || strings.Contains(body, "Only Excel workbooks") {
			t.Errorf("%q: %s\n%s", name, resp.Status, body)
		}
	}
}

func TestUploadNames(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"report.xlsx": "report.xlsx", `C:\a\b\Tiranë.xlsx`: "Tiranë.xlsx", "/etc/x.xlsx": "x.xlsx",
		".hidden.xlsx": "", "~$lock.xlsx": "", "..": "", "a\x00b.xlsx": "", "a<b>.xlsx": "", "": "",
	} {
		got, ok := uploadName(name)
		if got != want || ok != (want != "") {
			t.Errorf("uploadName(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

// FuzzUploadName: whatever name a browser sends, what is kept is a plain
// name of the inbox folder: no folder part, not hidden, printable.
func FuzzUploadName(f *testing.F) {
	for _, s := range []string{"report.xlsx", `C:\a\Tiranë.xlsx`, "../../x.xlsx", ".x", "a\x00b", "~$x.xlsx"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got, ok := uploadName(name)
		if !ok {
			return
		}
		if got == "" || strings.ContainsAny(got, `/\<>:"|?*`) || strings.HasPrefix(got, ".") || got != strings.TrimSpace(got) {
			t.Fatalf("uploadName(%q) = %q", name, got)
		}
		for _, c := range got {
			if !unicode.IsPrint(c) {
				t.Fatalf("uploadName(%q) = %q holds %U", name, got, c)
			}
		}
	})
}

// Anonymous posts are refused, whatever they carry.
func TestAnonymousPostsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client(t)
	token := f.csrfOf(t, c, "/login")
	for _, path := range []string{"/upload", "/logout"} {
		resp, err := c.PostForm(f.ts.URL+path, url.Values{"csrf_token": {token}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("anonymous POST %s: %s", path, resp.Status)
		}
	}
	if names, _ := f.intake.Waiting("AL"); len(names) != 0 {
		t.Errorf("an anonymous post left files: %v", names)
	}
}

func TestDownloadsAreAudited(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ba := f.as(t, "ba")
	if resp, _ := get(t, ba, f.ts.URL+fmt.Sprintf("/builds/%d/0", f.localFinal)); resp.StatusCode != http.StatusOK {
		t.Fatalf("download: %s", resp.Status)
	}
	events, err := f.db.Events(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if e.Kind == EventDownload && e.Account == "ba" && strings.Contains(e.Detail, "local-16-ba-final.pdf") {
			return
		}
	}
	t.Errorf("no download event for ba: %+v", events)
}

// A Commission downloads its own file as it was received, under the name it
// dropped it with, and the download is audited.
func TestOriginalAsReceived(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	al := f.as(t, "al")
	_, page := get(t, al, f.ts.URL+"/")
	url := fmt.Sprintf("/submissions/%d/original", f.alSub)
	if !strings.Contains(page, `href="`+url+`"`) {
		t.Fatalf("AL's home has no link to %s", url)
	}
	resp, body := get(t, al, f.ts.URL+url)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("download: %s", resp.Status)
	}
	want, err := os.ReadFile(sampleFile(t, "valid/AL/roadmap-AL-2026-H1.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if body != string(want) {
		t.Errorf("downloaded %d bytes, not the %d bytes dropped", len(body), len(want))
	}
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename=roadmap-AL-2026-H1.xlsx` {
		t.Errorf("Content-Disposition %q, want the name it was dropped with", cd)
	}
	events, err := f.db.Events(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(events, func(e store.Event) bool {
		return e.Kind == EventDownload && e.Account == "al" && e.Submission == f.alSub && strings.HasPrefix(e.Detail, "original ")
	}) {
		t.Errorf("no audited download of the original: %+v", events)
	}
}

// A Commission that plants a symbolic link in its inbox folder gets it
// rejected, and the link is kept as it was dropped: its "original" must not
// lead the portal to what it points at, even inside the data folder (the
// accounts file, another jurisdiction's originals, the ledger).
func TestPlantedLinkNotServed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ba := filepath.Base(f.baOriginal(t))
	for name, target := range map[string]string{
		"accounts.xlsx": "../../" + filepath.Base(datadir.New(f.root).Accounts()),
		"ba.xlsx":       "../../archive/BA/2026-H1/" + ba,
	} {
		if err := os.Symlink(target, filepath.Join(f.root, "inbox", "AL", name)); err != nil {
			t.Fatal(err)
		}
	}
	// The fixture's watcher may take them first: either way both are
	// recorded once the pass returns, after the fixture's three files.
	ctx := context.Background()
	if _, err := f.intake.Pass(ctx); err != nil {
		t.Fatal(err)
	}
	al := f.as(t, "al")
	_, page := get(t, al, f.ts.URL+"/")
	for id := int64(4); id <= 5; id++ {
		sub, err := f.db.Submission(ctx, id)
		if err != nil || sub == nil || sub.State != roadmap.Rejected {
			t.Fatalf("submission %d: %+v, %v", id, sub, err)
		}
		url := fmt.Sprintf("/submissions/%d/original", id)
		if strings.Contains(page, `href="`+url+`"`) {
			t.Errorf("AL's home offers %s, the link %s", url, sub.Name)
		}
		if resp, body := get(t, al, f.ts.URL+url); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s (%s): %s, %d bytes served", url, sub.Name, resp.Status, len(body))
		}
	}
}

// baOriginal is the path of BA's kept original in the fixture.
func (f *fixture) baOriginal(t *testing.T) string {
	t.Helper()
	sub, err := f.db.Submission(context.Background(), f.baSub)
	if err != nil || sub == nil {
		t.Fatalf("BA's submission: %v", err)
	}
	return filepath.Join(f.root, sub.Path)
}
