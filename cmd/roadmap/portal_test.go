package main

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/web"
)

// The daemon serves the portal on web.listen and /healthz and /metrics on
// listen, each only there; a reload with the same web settings keeps the
// portal's listener.
func TestServePortal(t *testing.T) {
	t.Parallel()
	dir := serveData(t, "listen: 127.0.0.1:0\nweb:\n  listen: 127.0.0.1:0")
	accounts := &web.Accounts{Path: datadir.New(dir).Accounts(), WriteFile: writePrivate, Cost: bcrypt.MinCost}
	if err := accounts.Add("al", "AL", []byte("albania password")); err != nil {
		t.Fatal(err)
	}
	d := startServe(t, dir, func() time.Time { return before })
	addrOf := func(msg string) string {
		t.Helper()
		var addr string
		eventually(t, "the address of "+msg, func() bool {
			_, rest, ok := strings.Cut(d.log.String(), `msg="`+msg+`" addr=`)
			if ok {
				addr, _, _ = strings.Cut(rest, "\n")
			}
			return ok
		})
		return "http://" + addr
	}
	operator, portal := addrOf("serving /healthz and /metrics"), addrOf("serving the portal")
	status := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Security-Policy") + "\n" + string(b)
	}
	for _, c := range []struct {
		url  string
		code int
		want string
	}{
		{portal + "/login", http.StatusOK, `name="csrf_token"`},
		{portal + "/healthz", http.StatusNotFound, "frame-ancestors 'none'"},
		{portal + "/metrics", http.StatusNotFound, ""},
		{operator + "/healthz", http.StatusOK, "ok"},
		{operator + "/login", http.StatusNotFound, ""},
	} {
		if code, body := status(c.url); code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("GET %s: %d, want %d with %q:\n%s", c.url, code, c.code, c.want, body)
		}
	}
	session := portalLogin(t, portal, "al", "albania password")
	if body := portalGet(t, portal+"/", session); !strings.Contains(body, "Albania: SALW Commission") {
		t.Errorf("AL's home:\n%s", body)
	}
	d.reload <- syscall.SIGHUP
	eventually(t, "the reload", func() bool { return strings.Contains(d.log.String(), "configuration reloaded") })
	// Same listener, and still signed in.
	if body := portalGet(t, portal+"/", session); !strings.Contains(body, "Albania: SALW Commission") {
		t.Errorf("after a reload, AL's home:\n%s", body)
	}
	if code := d.shutdown(t); code != exitOK {
		t.Errorf("exit %d", code)
	}
}

// portalClient follows no redirect: the tests look at them.
var portalClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// portalLogin signs in to the portal at base and returns the session's
// Cookie header. Cookies are handled by hand, not with a cookie jar: the
// session cookie is Secure, and the tests serve plain HTTP on the loopback
// address.
func portalLogin(t *testing.T, base, name, password string) string {
	t.Helper()
	resp, err := portalClient.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	token := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindSubmatch(body)
	if token == nil || len(resp.Cookies()) == 0 {
		t.Fatalf("no login form or no cookie:\n%s", body)
	}
	form := url.Values{"username": {name}, "password": {password}, "csrf_token": {string(token[1])}}
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", resp.Cookies()[0].String())
	if resp, err = portalClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) == 0 {
		t.Fatalf("login of %s: %s", name, resp.Status)
	}
	c := resp.Cookies()[0]
	return c.Name + "=" + c.Value
}

// portalGet fetches url with the session cookie and returns the body of a
// 200 answer.
func portalGet(t *testing.T, url, cookie string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Cookie", cookie)
	resp, err := portalClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return string(body)
}
