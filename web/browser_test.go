package web

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// chromium is Debian's browser, which .ci/run installs.
const chromium = "/usr/bin/chromium"

// browserTimeout bounds every browser test: a selector that never appears
// fails the test instead of hanging it.
const browserTimeout = 30 * time.Second

var screenshots = flag.String("screenshots", "", "write screenshots of every page, at desktop and phone width, into `DIR`")

// The one browser of the package, started by TestMain; each test opens a tab.
var (
	browserCtx context.Context
	browserErr error
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(func() int {
		cancel, err := startBrowser()
		if err != nil {
			browserErr = err
		} else {
			defer cancel()
		}
		return m.Run()
	}())
}

func startBrowser() (context.CancelFunc, error) {
	if _, err := os.Stat(chromium); err != nil {
		return nil, fmt.Errorf("no browser at %s (apt-get install chromium): %w", chromium, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.Flag("headless", "new"),
		// The test servers' certificates are their own.
		chromedp.Flag("ignore-certificate-errors", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	// The first run starts the browser, which lives as long as its context:
	// no timeout on it, but one on the wait for it.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			cancelBrowser()
			cancelAlloc()
			return nil, fmt.Errorf("start %s: %w", chromium, err)
		}
	case <-time.After(browserTimeout):
		cancelBrowser()
		cancelAlloc()
		return nil, fmt.Errorf("start %s: no answer within %s", chromium, browserTimeout)
	}
	browserCtx = ctx
	return func() { cancelBrowser(); cancelAlloc() }, nil
}

// tab is a new tab of the package's browser, closed with the test, its
// actions bounded by browserTimeout. Without a browser the test is skipped,
// except on CI, where it fails.
func tab(t *testing.T) context.Context {
	t.Helper()
	if browserErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("browser tests need Chromium on CI: %v", browserErr)
		}
		t.Skipf("no browser: %v", browserErr)
	}
	// A browser context of its own: its cookies are not another tab's (two
	// test servers on 127.0.0.1 would share them, ports apart).
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// Open the tab before the deadline is set, so that the deadline bounds
	// the test's actions, not the tab's life.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, browserTimeout)
	t.Cleanup(cancelTimeout)
	return ctx
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		// Say where the browser was, in a context of its own: ctx may be
		// the one that ran out.
		look, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		url, _ := chromedp.Run(look, chromedp.Location())
		text, _ := chromedp.Run(look, chromedp.Text(chromedp.CSS("body")))
		t.Fatalf("%s: %v\nat %s:\n%s", what, err, url, text)
	}
}

// value runs an action that reads something.
func value[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func signIn(f *fixture, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(f.ts.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), name),
		chromedp.SendKeys(chromedp.ID("password"), passwords[name]),
		chromedp.Click(`//button[normalize-space()="Sign in"]`),
	)
}

// A Commission's focal point signs in, sends its workbook and sees the
// verdict appear, downloads a final report, is refused another
// jurisdiction's page, and signs out.
func TestBrowserCommission(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	f := newFixture(t)
	dir := t.TempDir()
	workbook := filepath.Join(dir, "roadmap-AL-2025-H2.xlsx")
	copyFile(t, sampleFile(t, "valid/AL/roadmap-AL-2025-H2.xlsx"), workbook)

	do(t, ctx, "sign in", signIn(f, "al"), chromedp.WaitVisible(`//h1[contains(., "Albania")]`))
	do(t, ctx, "upload",
		chromedp.SetUploadFiles(chromedp.ID("workbook"), []string{workbook}),
		chromedp.Click(`//button[normalize-space()="Send"]`),
		chromedp.WaitVisible(`//article[.//h3[text()="roadmap-AL-2025-H2.xlsx"]]//p[contains(., "Accepted as version 1")]`),
	)

	downloads := filepath.Join(dir, "downloads")
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	do(t, ctx, "download the final report",
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			events := true
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: &events,
				BrowserContextID: chromedp.FromContext(ctx).BrowserContextID,
			})
			return err
		}),
		chromedp.Click(`//a[text()="rcm-16-final.pdf"]`),
	)
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("the report was not downloaded: %v", err)
		}
		if ev.State != browser.DownloadProgressStateCompleted {
			continue
		}
		data, err := os.ReadFile(filepath.Join(downloads, ev.GUID))
		if err != nil || !strings.HasPrefix(string(data), "%PDF") {
			t.Errorf("downloaded report: %q, %v", data, err)
		}
		break
	}

	do(t, ctx, "another jurisdiction's page", chromedp.Navigate(f.ts.URL+"/jurisdictions/BA"))
	heading := value(t, ctx, "heading", chromedp.Text(chromedp.CSS("h1")))
	text := value(t, ctx, "page", chromedp.Text(chromedp.CSS("main")))
	if heading != "Forbidden" || !strings.Contains(text, "belongs to another jurisdiction") || strings.Contains(text, "BA-2026") {
		t.Errorf("BA's page as AL: %q\n%s", heading, text)
	}

	do(t, ctx, "sign out",
		chromedp.Navigate(f.ts.URL+"/"),
		chromedp.Click(`//button[normalize-space()="Sign out"]`),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.Navigate(f.ts.URL+"/jurisdictions/AL"),
		chromedp.WaitVisible(chromedp.ID("username")),
	)
	if url := value(t, ctx, "location", chromedp.Location()); !strings.HasSuffix(url, "/login") {
		t.Errorf("after signing out, AL's page led to %s", url)
	}
}

// SEESAC signs in and reads the round's completeness, then a
// jurisdiction's page.
func TestBrowserSEESAC(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	f := newFixture(t)
	do(t, ctx, "SEESAC's home", signIn(f, "seesac"), chromedp.WaitVisible(`//h1[text()="Reporting cycle"]`))
	table := value(t, ctx, "completeness", chromedp.Text(`//table[.//th[text()="Rejected tries"]]`))
	do(t, ctx, "AL's page", chromedp.Click(`//a[text()="Albania"]`), chromedp.WaitVisible(`//h1[contains(., "every file received")]`))
	page := value(t, ctx, "AL's page", chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"Albania", "on time", "Bosnia and Herzegovina", "not due"} {
		if !strings.Contains(table, want) {
			t.Errorf("completeness table lacks %q:\n%s", want, table)
		}
	}
	for _, want := range []string{"negative-count.xlsx", "Rejected", "problem", "roadmap-AL-2026-H1.xlsx"} {
		if !strings.Contains(page, want) {
			t.Errorf("AL's page lacks %q:\n%s", want, page)
		}
	}
}

// TestScreenshots writes every page, at a desktop and a phone width, into
// the -screenshots folder, to be looked at.
func TestScreenshots(t *testing.T) {
	if *screenshots == "" {
		t.Skip("no -screenshots folder")
	}
	ctx := tab(t)
	f := newFixture(t)
	if err := os.MkdirAll(*screenshots, 0o755); err != nil {
		t.Fatal(err)
	}
	shoot := func(name string) {
		for _, w := range []struct {
			name          string
			width, height int64
			mobile        bool
		}{{"desktop", 1280, 900, false}, {"phone", 390, 844, true}} {
			opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
			if w.mobile {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
			}
			do(t, ctx, name, chromedp.EmulateViewport(w.width, w.height, opts...))
			img := value(t, ctx, name, chromedp.FullScreenshot(100))
			if err := os.WriteFile(filepath.Join(*screenshots, name+"-"+w.name+".png"), img, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	h1 := chromedp.WaitVisible(chromedp.CSS("h1"))
	do(t, ctx, "login", chromedp.Navigate(f.ts.URL+"/login"), h1)
	shoot("login")
	do(t, ctx, "wrong password", chromedp.SendKeys(chromedp.ID("username"), "al"), chromedp.SendKeys(chromedp.ID("password"), "nope nope nope"),
		chromedp.Click(`//button[normalize-space()="Sign in"]`), chromedp.WaitVisible(chromedp.CSS(".error")))
	shoot("login-refused")
	do(t, ctx, "seesac", signIn(f, "seesac"), chromedp.WaitVisible(`//h1[text()="Reporting cycle"]`))
	shoot("seesac-home")
	do(t, ctx, "jurisdiction", chromedp.Navigate(f.ts.URL+"/jurisdictions/AL"), chromedp.WaitVisible(`//h1[contains(., "every file")]`))
	shoot("jurisdiction-AL")
	do(t, ctx, "not found", chromedp.Navigate(f.ts.URL+"/jurisdictions/ZZ"), chromedp.WaitVisible(`//h1[text()="Not Found"]`))
	shoot("not-found")
	do(t, ctx, "sign out", chromedp.Click(`//button[normalize-space()="Sign out"]`), chromedp.WaitVisible(chromedp.ID("username")))
	do(t, ctx, "al", signIn(f, "al"), chromedp.WaitVisible(`//h1[contains(., "Commission")]`))
	shoot("commission-home")
	do(t, ctx, "forbidden", chromedp.Navigate(f.ts.URL+"/jurisdictions/BA"), chromedp.WaitVisible(`//h1[text()="Forbidden"]`))
	shoot("forbidden")
}
