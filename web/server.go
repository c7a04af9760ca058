package web

import (
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seesac/roadmap"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Server is the portal. Set its fields, then serve Handler(); the fields are
// not changed afterwards.
type Server struct {
	// Root is the data folder: every file served is opened inside it, by a
	// path that the ledger or the intake's rules give, never the request.
	Root     string
	Accounts *Accounts
	Cycle    Cycle
	Ledger   Ledger
	Feedback Feedback
	Inbox    Inbox
	// MaxUpload is the intake's size limit, in bytes.
	MaxUpload int64
	// Outbox is the messages recorded for delivery; SEESAC's home lists
	// those not delivered (nil: no outbox section).
	Outbox Outbox
	// Template writes the blank workbook of a jurisdiction and period, and
	// names it.
	Template func(jurisdiction string, p roadmap.Period) (name string, data []byte, err error)
	// Audit records an event in the audit log.
	Audit func(ctx context.Context, e Event) error
	// Location is the zone in which times are shown (the calendar's).
	Location *time.Location
	Now      func() time.Time
	Log      *slog.Logger
	// SessionTTL is how long a login lasts (DefaultSessionTTL if 0).
	SessionTTL time.Duration
	// Refresh is how often a Commission's home reloads while its upload
	// awaits a verdict (DefaultRefresh if 0).
	Refresh time.Duration
	// BehindProxy takes the client's address from X-Forwarded-For, as the
	// reverse proxy appends it, for the per-address login limit.
	BehindProxy bool

	// State is the sessions, the CSRF key and the login failures; nil makes
	// a new one. A daemon passes the same State to the Server of each
	// configuration, so that a reload signs nobody out.
	State *State

	once  sync.Once
	pages map[string]*template.Template
}

// State is what the portal keeps in memory.
type State struct {
	key      []byte
	sessions sessions
	limiter  limiter
}

// NewState is a State with a new random key and no session.
func NewState() *State {
	st := &State{key: make([]byte, 32)}
	_, _ = rand.Read(st.key)
	return st
}

// Content-Security-Policy of every response: no script at all, styles and
// images from the portal only, forms only to the portal, never in a frame.
const csp = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'"

// Bounds on what a request may send besides an upload.
const (
	maxFormBody = 64 << 10
	maxField    = 256
)

func (s *Server) init() {
	s.once.Do(func() {
		if s.State == nil {
			s.State = NewState()
		}
		s.pages = parsePages()
		if s.SessionTTL == 0 {
			s.SessionTTL = DefaultSessionTTL
		}
		if s.Refresh == 0 {
			s.Refresh = DefaultRefresh
		}
		if s.Location == nil {
			s.Location = time.UTC
		}
		if s.Now == nil {
			s.Now = time.Now
		}
		if s.Log == nil {
			s.Log = slog.New(slog.DiscardHandler)
		}
	})
}

// Handler is the portal's routes behind its security headers.
func (s *Server) Handler() http.Handler {
	s.init()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.signedIn(s.logout))
	mux.HandleFunc("POST /upload", s.signedIn(s.upload))
	mux.HandleFunc("GET /jurisdictions/{code}", s.signedIn(s.jurisdiction))
	mux.HandleFunc("GET /submissions/{id}/{file}", s.signedIn(s.feedbackFile))
	mux.HandleFunc("GET /builds/{id}/{n}", s.signedIn(s.buildFile))
	mux.HandleFunc("GET /templates/{code}", s.signedIn(s.template))
	mux.HandleFunc("GET /static/style.css", s.style)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.problem(w, r, http.StatusNotFound, "There is no such page.")
	})
	return s.headers(mux)
}

func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) style(w http.ResponseWriter, r *http.Request) {
	data, _ := assets.ReadFile("static/style.css")
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=3600")
	_, _ = w.Write(data)
}

// cookie is the session cookie of the request ("" when it has none).
func cookie(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil || len(c.Value) > maxField {
		return ""
	}
	return c.Value
}

// setCookie gives the browser a session cookie, for ttl.
func (s *Server) setCookie(w http.ResponseWriter, token string, ttl time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", MaxAge: int(ttl / time.Second),
		Expires: s.Now().Add(ttl), HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode,
	})
}

// anchor is the request's cookie, or a new anonymous one set on w, which the
// CSRF token of the page's forms is derived from.
func (s *Server) anchor(w http.ResponseWriter, r *http.Request) string {
	if c := cookie(r); c != "" {
		return c
	}
	t := newToken()
	s.setCookie(w, t, time.Hour)
	return t
}

// account is the signed-in account of the request, read afresh from the
// accounts file, so that a removed account is out at its next click, and so
// is one whose password changed since it signed in (or that was removed and
// added again under its name).
func (s *Server) account(r *http.Request) (Account, bool) {
	c := cookie(r)
	if c == "" {
		return Account{}, false
	}
	sess, ok := s.State.sessions.get(c, s.Now())
	if !ok {
		return Account{}, false
	}
	a, err := s.Accounts.Find(sess.account)
	if err != nil {
		if !errors.Is(err, ErrNoAccount) {
			s.Log.Error("portal: accounts file unreadable", "err", err)
		}
		return Account{}, false
	}
	if a.Hash != sess.hash {
		s.State.sessions.remove(c)
		return Account{}, false
	}
	return a, true
}

// signedIn serves h to a signed-in account; others are sent to the login
// page (GET) or refused (anything else).
func (s *Server) signedIn(h func(http.ResponseWriter, *http.Request, Account)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.account(r)
		if !ok {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			s.problem(w, r, http.StatusForbidden, "Your session has ended: sign in again.")
			return
		}
		if r.Method == http.MethodPost && r.URL.Path != "/upload" {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
			if !validCSRF(s.State.key, cookie(r), r.PostFormValue("csrf_token")) {
				s.problem(w, r, http.StatusForbidden, "This form has expired: go back, reload the page and send it again.")
				return
			}
		}
		h(w, r, a)
	}
}

// canSee reports whether a sees what belongs to jurisdiction code.
func canSee(a Account, code string) bool { return a.SEESAC() || (code != "" && a.Role == code) }

// page is what every page template gets.
type page struct {
	Title   string
	Account *Account
	CSRF    string
	Notice  string
	Error   string
	// Refresh, when not 0, reloads the page after that many seconds (a
	// verdict is awaited), which works without JavaScript.
	Refresh int
	Data    any
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.CSRF = csrfToken(s.State.key, s.anchor(w, r))
	// A handler that knows the account passes it: the file is read once.
	if p.Account == nil {
		if a, ok := s.account(r); ok {
			p.Account = &a
		}
	}
	var b strings.Builder
	if err := s.pages[name].ExecuteTemplate(&b, "layout", p); err != nil {
		s.Log.Error("portal: page not rendered", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, b.String())
}

// problem shows a refusal or an error as a page of its own.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, "problem", page{Title: http.StatusText(status), Error: msg})
}

// internal logs err in full and shows the person only that something failed.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	s.Log.Error("portal: request failed", "path", r.URL.Path, "err", err)
	s.problem(w, r, http.StatusInternalServerError, "Something went wrong on our side; it has been logged. Try again later.")
}

func (s *Server) audit(r *http.Request, e Event) {
	if s.Audit == nil {
		return
	}
	if err := s.Audit(r.Context(), e); err != nil {
		s.Log.Error("portal: audit event not recorded", "kind", e.Kind, "account", e.Account, "err", err)
	}
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	a, ok := s.account(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if a.SEESAC() {
		s.seesacHome(w, r, a)
		return
	}
	s.commissionHome(w, r, a, http.StatusOK, "")
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.account(r); ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", page{Title: "Sign in"})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if !validCSRF(s.State.key, cookie(r), r.PostFormValue("csrf_token")) {
		s.render(w, r, http.StatusForbidden, "login", page{Title: "Sign in", Data: r.PostFormValue("username"),
			Error: "The sign-in form had expired. Please sign in again."})
		return
	}
	name, pw := r.PostFormValue("username"), r.PostFormValue("password")
	if len(name) > maxField {
		name = name[:maxField]
	}
	addr := clientAddr(r, s.BehindProxy)
	now := s.Now()
	accountKey, addressKey := "account:"+name, "address:"+addr
	if wait := s.State.limiter.take(now, map[string]int{accountKey: maxFailsAccount, addressKey: maxFailsAddress}); wait > 0 {
		s.audit(r, Event{Kind: EventLoginRefused, Account: name, Detail: "too many failed sign-ins, from " + addr})
		minutes := int((wait + time.Minute - 1) / time.Minute)
		s.render(w, r, http.StatusTooManyRequests, "login", page{Title: "Sign in", Data: name, Error: fmt.Sprintf(
			"Too many failed sign-ins for this account or from this address. Wait %d minute%s and try again; if you have forgotten your password, ask SEESAC's administrator to set a new one.",
			minutes, plural(minutes))})
		return
	}
	a, err := s.Accounts.Authenticate(name, []byte(pw))
	if err != nil {
		if !errors.Is(err, ErrNoAccount) {
			// Not the sender's failure: its try is given back.
			s.State.limiter.forgive(accountKey, now)
			s.State.limiter.forgive(addressKey, now)
			s.internal(w, r, err)
			return
		}
		s.audit(r, Event{Kind: EventLoginRefused, Account: name, Detail: "wrong user name or password, from " + addr})
		s.render(w, r, http.StatusUnauthorized, "login", page{Title: "Sign in", Data: name, Error: "The user name or the password is wrong."})
		return
	}
	s.State.limiter.reset(accountKey)
	s.State.limiter.forgive(addressKey, now)
	// A new token at login: a cookie planted before it is worth nothing after.
	token := newToken()
	s.State.sessions.add(token, a, now.Add(s.SessionTTL))
	s.setCookie(w, token, s.SessionTTL)
	s.audit(r, Event{Kind: EventLogin, Account: a.Name, Jurisdiction: a.Jurisdiction(), Detail: "from " + addr})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, a Account) {
	s.State.sessions.remove(cookie(r))
	s.setCookie(w, newToken(), time.Hour)
	s.audit(r, Event{Kind: EventLogout, Account: a.Name, Jurisdiction: a.Jurisdiction()})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// serveFile sends a file of the data folder as a download named name. rel comes from
// the ledger or the intake's rules, never from the request, and is opened
// inside the data folder, so that neither a stored path nor a symbolic link
// leads out of it.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, a Account, rel, name string, e Event) {
	root, err := os.OpenRoot(s.Root)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	defer root.Close()
	// A symbolic link is never followed, even one that stays inside the data
	// folder: a sender's rejected link is kept as dropped, and following it
	// would hand out the file it names (the accounts, another jurisdiction's
	// originals).
	if info, err := root.Lstat(rel); err == nil && !info.Mode().IsRegular() {
		s.problem(w, r, http.StatusNotFound, "This file is no longer there.")
		return
	}
	f, err := root.Open(rel)
	if err != nil {
		s.Log.Warn("portal: a file to download is missing", "file", rel, "err", err)
		s.problem(w, r, http.StatusNotFound, "This file is no longer there.")
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		s.problem(w, r, http.StatusNotFound, "This file is no longer there.")
		return
	}
	e.Kind, e.Account = EventDownload, a.Name
	if e.Detail == "" {
		e.Detail = rel
	}
	s.audit(r, e)
	attachment(w, name)
	http.ServeContent(w, r, "", info.ModTime(), f)
}

// attachment makes the response a download named name, with the type its
// extension says.
func attachment(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Disposition", dispositionOf(name))
	w.Header().Set("Content-Type", contentTypeOf(name))
}

func (s *Server) template(w http.ResponseWriter, r *http.Request, a Account) {
	code := r.PathValue("code")
	if !canSee(a, code) || s.Cycle.Name(code) == "" {
		s.problem(w, r, http.StatusNotFound, "There is no such template.")
		return
	}
	round, err := s.Cycle.Round(r.Context(), code)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if round == nil {
		s.problem(w, r, http.StatusNotFound, "No round is open: the calendar has no meeting ahead.")
		return
	}
	name, data, err := s.Template(code, round.Meeting.Period)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.audit(r, Event{Kind: EventDownload, Account: a.Name, Jurisdiction: code, Detail: "template " + name})
	attachment(w, name)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}
