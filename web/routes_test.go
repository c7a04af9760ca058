package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestEveryRouteAsEveryRole walks every route as anonymous, SEESAC, AL and
// BA, with the ids of every jurisdiction's objects, and checks who gets what.
func TestEveryRouteAsEveryRole(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	roles := []string{"", "seesac", "al", "ba"}
	clients := map[string]*http.Client{}
	for _, r := range roles {
		clients[r] = f.as(t, r)
	}
	const (
		ok     = http.StatusOK
		login  = http.StatusSeeOther // to the login page
		home   = http.StatusSeeOther // to the home page
		denied = http.StatusForbidden
		none   = http.StatusNotFound
	)
	sub := func(id int64, file string) string { return fmt.Sprintf("/submissions/%d/%s", id, file) }
	build := func(id int64, n int) string { return fmt.Sprintf("/builds/%d/%d", id, n) }
	routes := []struct {
		path string
		want [4]int // anonymous, seesac, AL, BA
	}{
		{"/", [4]int{login, ok, ok, ok}},
		{"/login", [4]int{ok, home, home, home}},
		{"/static/style.css", [4]int{ok, ok, ok, ok}},
		{"/jurisdictions/AL", [4]int{login, ok, ok, denied}},
		{"/jurisdictions/BA", [4]int{login, ok, denied, ok}},
		{"/jurisdictions/ZZ", [4]int{login, none, none, none}},
		{sub(f.alSub, "note"), [4]int{login, ok, ok, none}},
		{sub(f.alSub, "annotated"), [4]int{login, none, none, none}},
		{sub(f.alRejected, "note"), [4]int{login, ok, ok, none}},
		{sub(f.alRejected, "annotated"), [4]int{login, ok, ok, none}},
		{sub(f.alSub, "original"), [4]int{login, ok, ok, none}},
		{sub(f.alRejected, "original"), [4]int{login, ok, ok, none}},
		{sub(f.baSub, "note"), [4]int{login, ok, none, ok}},
		{sub(f.baSub, "original"), [4]int{login, ok, none, ok}},
		{sub(f.baSub, "roadmap.db"), [4]int{login, none, none, none}},
		{sub(99999, "note"), [4]int{login, none, none, none}},
		{build(f.regionalFinal, 0), [4]int{login, ok, ok, ok}},
		{build(f.regionalFinal, 1), [4]int{login, ok, none, none}},
		{build(f.regionalFinal, 2), [4]int{login, ok, none, none}},
		{build(f.regionalFinal, 3), [4]int{login, none, none, none}},
		{build(f.regionalDraft, 0), [4]int{login, ok, none, none}},
		{build(f.localFinal, 0), [4]int{login, ok, none, ok}},
		{build(f.localFinal, -1), [4]int{login, none, none, none}},
		{build(99999, 0), [4]int{login, none, none, none}},
		{"/templates/AL", [4]int{login, ok, ok, none}},
		{"/templates/BA", [4]int{login, ok, none, ok}},
		{"/templates/ZZ", [4]int{login, none, none, none}},
		{"/no/such/page", [4]int{none, none, none, none}},
	}
	for _, rt := range routes {
		for i, role := range roles {
			resp, body := get(t, clients[role], f.ts.URL+rt.path)
			if resp.StatusCode != rt.want[i] {
				t.Errorf("GET %s as %q: %s, want %d", rt.path, role, resp.Status, rt.want[i])
				continue
			}
			checkHeaders(t, resp, rt.path)
			if loc := resp.Header.Get("Location"); resp.StatusCode == http.StatusSeeOther {
				want := "/login"
				if role != "" {
					want = "/"
				}
				if loc != want {
					t.Errorf("GET %s as %q: redirected to %q, want %q", rt.path, role, loc, want)
				}
			}
			if resp.StatusCode == ok && (strings.HasPrefix(rt.path, "/submissions/") || strings.HasPrefix(rt.path, "/builds/") || strings.HasPrefix(rt.path, "/templates/")) {
				if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") {
					t.Errorf("GET %s as %q: Content-Disposition %q", rt.path, role, cd)
				}
			}
			// Another jurisdiction's object is never named in a refusal.
			if resp.StatusCode == none && role == "al" && strings.Contains(body, "BA-2026") {
				t.Errorf("GET %s as al: the refusal names BA's file", rt.path)
			}
		}
	}

	// Pages show only what the account may see.
	_, alHome := get(t, clients["al"], f.ts.URL+"/")
	// Meetings are named as a focal point knows them, not by their ids.
	for _, want := range []string{"Albania", "roadmap-AL-2026-H1.xlsx", "negative-count.xlsx", build(f.regionalFinal, 0), "/templates/AL",
		"The next meeting, the <strong>Regional Roadmap Coordination Meeting 16</strong>", "Regional Roadmap Coordination Meeting 16 (Tirana): <a"} {
		if !strings.Contains(alHome, want) {
			t.Errorf("AL's home lacks %q", want)
		}
	}
	for _, never := range []string{"Receipt: Albania", "roadmap-BA-2026-H1.xlsx", build(f.regionalDraft, 0), build(f.regionalFinal, 1), build(f.localFinal, 0), "<strong>rcm-16</strong>", "rcm-16 ("} {
		if strings.Contains(alHome, never) {
			t.Errorf("AL's home shows %q", never)
		}
	}
	_, seesacHome := get(t, clients["seesac"], f.ts.URL+"/")
	for _, want := range []string{"Completeness of the round", "Bosnia and Herzegovina", build(f.regionalDraft, 0), build(f.regionalFinal, 2), "local-16-ba", "Receipt: Albania 2026-H1"} {
		if !strings.Contains(seesacHome, want) {
			t.Errorf("SEESAC's home lacks %q", want)
		}
	}
}

func checkHeaders(t *testing.T, resp *http.Response, path string) {
	t.Helper()
	h := resp.Header
	for k, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
	} {
		if !strings.Contains(h.Get(k), want) {
			t.Errorf("GET %s: %s = %q, want %q in it", path, k, h.Get(k), want)
		}
	}
	if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("GET %s: CSP %q is not strict", path, h.Get("Content-Security-Policy"))
	}
}
