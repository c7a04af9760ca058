package main

import (
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The daemon serves the portal on web.listen and /healthz and /metrics on
// listen, each only there; a reload with the same web settings keeps the
// portal's listener.
func TestServePortal(t *testing.T) {
	t.Parallel()
	dir := serveData(t, "listen: 127.0.0.1:0\nweb:\n  listen: 127.0.0.1:0")
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
	d.reload <- syscall.SIGHUP
	eventually(t, "the reload", func() bool { return strings.Contains(d.log.String(), "configuration reloaded") })
	if code, _ := status(portal + "/login"); code != http.StatusOK {
		t.Errorf("after a reload the portal answers %d", code)
	}
	if code := d.shutdown(t); code != exitOK {
		t.Errorf("exit %d", code)
	}
}
