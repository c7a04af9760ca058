package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Cookie and session settings.
const (
	// sessionCookie holds a random token. Logged in, the token names a
	// session kept in memory (a restart logs everyone out); anonymous, it only
	// anchors the login form's CSRF token.
	sessionCookie = "roadmap_session"
	// DefaultSessionTTL is how long a login lasts.
	DefaultSessionTTL = 8 * time.Hour
	// maxSessions bounds the sessions kept; the oldest go first.
	maxSessions = 10000
)

// Login limits: failures within loginWindow, per account and per address.
const (
	loginWindow      = 15 * time.Minute
	maxFailsAccount  = 5
	maxFailsAddress  = 20
	maxLimiterRecord = 10000
)

type session struct {
	account string
	// hash is the account's password hash at sign-in: a new password, or
	// another account added under the name, has another, which ends the
	// session.
	hash    string
	expires time.Time
}

// sessions are the logged-in sessions, by the SHA-256 of their token, so that
// the map holds nothing a cookie could be forged from.
type sessions struct {
	mu sync.Mutex
	m  map[string]session
}

func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func (s *sessions) add(token string, a Account, expires time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]session{}
	}
	if len(s.m) >= maxSessions {
		oldest, at := "", time.Time{}
		for k, v := range s.m {
			if oldest == "" || v.expires.Before(at) {
				oldest, at = k, v.expires
			}
		}
		delete(s.m, oldest)
	}
	s.m[tokenKey(token)] = session{account: a.Name, hash: a.Hash, expires: expires}
}

// get is the session of a token, while it lives.
func (s *sessions) get(token string, now time.Time) (session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := tokenKey(token)
	v, ok := s.m[k]
	if !ok {
		return session{}, false
	}
	if !now.Before(v.expires) {
		delete(s.m, k)
		return session{}, false
	}
	return v, true
}

func (s *sessions) remove(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, tokenKey(token))
}

// csrfToken is the token every form of a page carries: an HMAC of the
// session cookie under the server's key, so that a page of another site,
// which can neither read the cookie nor the key, cannot forge it.
func csrfToken(key []byte, cookie string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("csrf\x00" + cookie))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func validCSRF(key []byte, cookie, token string) bool {
	if cookie == "" || token == "" {
		return false
	}
	return hmac.Equal([]byte(csrfToken(key, cookie)), []byte(token))
}

// limiter counts failed logins per key within loginWindow.
type limiter struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

// take counts a try against every key (each with its limit) before the
// password is checked, unless one of them has reached its limit: then it
// counts nothing and says how long to wait. Checking and counting at once
// keeps a burst of requests from all passing the check before any failure
// is counted; a try that succeeds is given back (forgive).
func (l *limiter) take(now time.Time, limits map[string]int) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for key, limit := range limits {
		if ts := l.recent(key, now); len(ts) >= limit {
			wait = max(wait, ts[len(ts)-limit].Add(loginWindow).Sub(now))
		}
	}
	if wait > 0 {
		return wait
	}
	for key := range limits {
		l.record(key, now)
	}
	return 0
}

// forgive gives back one try counted against key at now.
func (l *limiter) forgive(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := l.fails[key]
	for i := len(ts) - 1; i >= 0; i-- {
		if ts[i].Equal(now) {
			l.fails[key] = slices.Delete(ts, i, i+1)
			return
		}
	}
}

// record counts a try against key; l.mu is held.
func (l *limiter) record(key string, now time.Time) {
	if l.fails == nil {
		l.fails = map[string][]time.Time{}
	}
	if len(l.fails) >= maxLimiterRecord {
		for k := range l.fails {
			if len(l.recent(k, now)) == 0 {
				delete(l.fails, k)
			}
		}
	}
	l.fails[key] = append(l.recent(key, now), now)
}

func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

// recent is key's failures within the window; l.mu is held.
func (l *limiter) recent(key string, now time.Time) []time.Time {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && !ts[i].After(now.Add(-loginWindow)) {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = ts
	return ts
}

// clientAddr is the address a request came from: the connection's, or behind
// a reverse proxy the last address of X-Forwarded-For, the one the proxy
// itself appended.
func clientAddr(r *http.Request, behindProxy bool) string {
	if behindProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if a := strings.TrimSpace(parts[len(parts)-1]); a != "" {
				return a
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
