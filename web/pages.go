package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/seesac/roadmap"
)

// How many builds SEESAC's home lists.
const latestBuilds = 12

// DefaultRefresh is how often a Commission's home reloads while its upload
// waits for a verdict: the intake takes a file within seconds.
const DefaultRefresh = 5 * time.Second

func parsePages() map[string]*template.Template {
	funcs := template.FuncMap{
		"when": func(loc *time.Location, t any) string {
			switch v := t.(type) {
			case time.Time:
				return v.In(loc).Format("2 Jan 2006, 15:04 MST")
			case *time.Time:
				if v == nil {
					return "—"
				}
				return v.In(loc).Format("2 Jan 2006, 15:04 MST")
			}
			return ""
		},
		"day": func(t *time.Time) string {
			if t == nil {
				return "—"
			}
			return t.Format("2 Jan 2006")
		},
		"date": func(d roadmap.Date) string {
			if d.IsZero() {
				return "—"
			}
			return d.At(12, 0, time.UTC).Format("2 Jan 2006")
		},
		"plural": plural,
		// slug makes a state a class name: "on time" -> "on-time".
		"slug": func(s roadmap.Timeliness) string { return strings.ReplaceAll(string(s), " ", "-") },
	}
	pages := map[string]*template.Template{}
	for _, name := range []string{"login", "seesac", "commission", "jurisdiction", "problem"} {
		pages[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(assets,
			"templates/layout.html", "templates/parts.html", "templates/"+name+".html"))
	}
	return pages
}

// seesacView is SEESAC's home.
type seesacView struct {
	Location *time.Location
	Status   *Status
	Builds   []buildView
	Outbox   bool
	// Messages are the outbox's messages not delivered: pending or failed.
	Messages []roadmap.Message
}

// buildView is a build with the files the account may download.
type buildView struct {
	roadmap.Build
	Title string
	Files []fileLink
}

type fileLink struct {
	Name, URL string
}

func (s *Server) seesacHome(w http.ResponseWriter, r *http.Request, a Account) {
	ctx := r.Context()
	st, err := s.Cycle.Status(ctx)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	v := seesacView{Location: s.Location, Status: st}
	all, err := s.Ledger.Builds(ctx)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	for i := len(all) - 1; i >= 0 && len(v.Builds) < latestBuilds; i-- {
		v.Builds = append(v.Builds, s.buildView(Account{Role: RoleSEESAC}, all[i]))
	}
	if s.Outbox != nil {
		v.Outbox = true
		all, err := s.Outbox.Messages(ctx)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		for _, m := range all {
			if m.State != roadmap.MessageSent {
				v.Messages = append(v.Messages, m)
			}
		}
	}
	s.render(w, r, http.StatusOK, "seesac", page{Title: "Reporting cycle", Account: &a, Data: v})
}

// buildView lists the files of b that a may download.
func (s *Server) buildView(a Account, b roadmap.Build) buildView {
	v := buildView{Build: b, Title: b.Meeting}
	if m, ok := s.Cycle.Meeting(b.Meeting); ok {
		v.Title = s.meetingTitle(m)
	}
	for i, o := range b.Outputs {
		if s.mayDownload(a, b, i) {
			v.Files = append(v.Files, fileLink{Name: path.Base(o), URL: fmt.Sprintf("/builds/%d/%d", b.ID, i)})
		}
	}
	return v
}

// meetingTitle names a meeting as its readers know it, never by its id:
// "Regional Roadmap Coordination Meeting 16 (Tirana)", "Local Coordination
// Meeting 16 (Bosnia and Herzegovina, Sarajevo)".
func (s *Server) meetingTitle(m roadmap.Meeting) string {
	var where []string
	if m.Jurisdiction != "" {
		where = append(where, s.Cycle.Name(m.Jurisdiction))
	}
	if m.Place != "" {
		where = append(where, m.Place)
	}
	if len(where) == 0 {
		return m.Name()
	}
	return m.Name() + " (" + strings.Join(where, ", ") + ")"
}

// mayDownload reports whether a may download output i of build b. SEESAC
// may download everything; a Commission only the report document of a
// successful final build for a meeting of the calendar that concerns it (a
// regional or high-level meeting, or its own local one): never a draft, the
// data behind it or SEESAC's notes.
func (s *Server) mayDownload(a Account, b roadmap.Build, i int) bool {
	if i < 0 || i >= len(b.Outputs) || !b.OK {
		return false
	}
	if a.SEESAC() {
		return true
	}
	if b.Kind != roadmap.Final || i != 0 || !strings.HasSuffix(b.Outputs[0], ".pdf") {
		return false
	}
	m, ok := s.Cycle.Meeting(b.Meeting)
	return ok && (m.Kind != roadmap.Local || m.Jurisdiction == a.Role)
}

func (s *Server) buildFile(w http.ResponseWriter, r *http.Request, a Account) {
	id, err1 := strconv.ParseInt(r.PathValue("id"), 10, 64)
	n, err2 := strconv.Atoi(r.PathValue("n"))
	if err1 != nil || err2 != nil {
		s.problem(w, r, http.StatusNotFound, "There is no such file.")
		return
	}
	builds, err := s.Ledger.Builds(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	i := slices.IndexFunc(builds, func(b roadmap.Build) bool { return b.ID == id })
	if i < 0 || !s.mayDownload(a, builds[i], n) {
		s.problem(w, r, http.StatusNotFound, "There is no such file.")
		return
	}
	b := builds[i]
	s.serveFile(w, r, a, b.Outputs[n], path.Base(b.Outputs[n]), Event{Detail: fmt.Sprintf("build %d (%s %s): %s", b.ID, b.Meeting, b.Kind, path.Base(b.Outputs[n]))})
}

// versionView is one submission as a history lists it.
type versionView struct {
	roadmap.Submission
	Errors, Warnings []roadmap.Finding
	// NoteURL and AnnotatedURL are "" when there is no such file of this
	// submission (a later file of the same name replaced its notes).
	NoteURL, AnnotatedURL string
	// OriginalURL downloads the file as it was received, under the name it
	// was dropped with; "" when none was kept (a link has no content).
	OriginalURL string
}

// Verdict says in words what became of the file.
func (v versionView) Verdict() string {
	switch v.State {
	case roadmap.Accepted:
		return fmt.Sprintf("Accepted as version %d", v.Version)
	case roadmap.Superseded:
		return fmt.Sprintf("Accepted as version %d, since replaced by a newer version", v.Version)
	case roadmap.Duplicate:
		return "Already received: the same content as an earlier file"
	case roadmap.Rejected:
		return "Rejected"
	}
	return string(v.State)
}

// history is every submission of jurisdiction code, newest first.
func (s *Server) history(ctx context.Context, code string) ([]versionView, error) {
	subs, err := s.Ledger.From(ctx, code)
	if err != nil {
		return nil, err
	}
	var out []versionView
	claimed := map[string]bool{}
	for i := range subs {
		sub := &subs[i]
		if s.Feedback.Home(sub) != code {
			continue
		}
		v := versionView{Submission: *sub}
		for _, f := range sub.Findings {
			if f.Severity == roadmap.Error {
				v.Errors = append(v.Errors, f)
			} else {
				v.Warnings = append(v.Warnings, f)
			}
		}
		// Newest first: the first submission naming a note owns it.
		note, annotated := s.Feedback.FeedbackFiles(sub)
		if note != "" && !claimed[note] {
			claimed[note] = true
			v.NoteURL = fmt.Sprintf("/submissions/%d/note", sub.ID)
			if annotated != "" && s.exists(annotated) {
				v.AnnotatedURL = fmt.Sprintf("/submissions/%d/annotated", sub.ID)
			}
		}
		if sub.Path != "" && s.exists(sub.Path) {
			v.OriginalURL = fmt.Sprintf("/submissions/%d/original", sub.ID)
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *Server) exists(rel string) bool {
	root, err := os.OpenRoot(s.Root)
	if err != nil {
		return false
	}
	defer root.Close()
	// Lstat: a kept original may be a symbolic link a sender dropped
	// (rejected, kept as it came), which must not stand for what it points at.
	info, err := root.Lstat(rel)
	return err == nil && info.Mode().IsRegular()
}

func (s *Server) feedbackFile(w http.ResponseWriter, r *http.Request, a Account) {
	notFound := func() { s.problem(w, r, http.StatusNotFound, "There is no such file.") }
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	which := r.PathValue("file")
	if err != nil || (which != "note" && which != "annotated" && which != "original") {
		notFound()
		return
	}
	sub, err := s.Ledger.Submission(r.Context(), id)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if sub == nil {
		notFound()
		return
	}
	home := s.Feedback.Home(sub)
	if !canSee(a, home) {
		// The same answer as for an id that does not exist: another
		// jurisdiction's ids tell nothing.
		notFound()
		return
	}
	hist, err := s.history(r.Context(), home)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	i := slices.IndexFunc(hist, func(v versionView) bool { return v.ID == id })
	if i < 0 {
		notFound()
		return
	}
	if which == "original" {
		if hist[i].OriginalURL == "" {
			notFound()
			return
		}
		s.serveFile(w, r, a, sub.Path, sub.Name, Event{Jurisdiction: home, Submission: id, Detail: "original " + path.Base(sub.Path)})
		return
	}
	note, annotated := s.Feedback.FeedbackFiles(sub)
	rel, url := note, hist[i].NoteURL
	if which == "annotated" {
		rel, url = annotated, hist[i].AnnotatedURL
	}
	if url == "" {
		s.problem(w, r, http.StatusNotFound, "This note has been replaced by the note on a later file of the same name.")
		return
	}
	s.serveFile(w, r, a, rel, path.Base(rel), Event{Jurisdiction: home, Submission: id, Detail: which + " " + path.Base(rel)})
}

// JurisdictionView is a jurisdiction's page, and the history part of a
// Commission's home.
type JurisdictionView struct {
	Location *time.Location
	Code     string
	Name     string
	Versions []versionView
}

func (s *Server) jurisdiction(w http.ResponseWriter, r *http.Request, a Account) {
	code := r.PathValue("code")
	name := s.Cycle.Name(code)
	if name == "" {
		s.problem(w, r, http.StatusNotFound, "There is no such jurisdiction.")
		return
	}
	if !canSee(a, code) {
		s.problem(w, r, http.StatusForbidden, "This page belongs to another jurisdiction: each Commission sees only its own submissions.")
		return
	}
	hist, err := s.history(r.Context(), code)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "jurisdiction", page{Title: name, Account: &a,
		Data: JurisdictionView{Location: s.Location, Code: code, Name: name, Versions: hist}})
}

// commissionView is a Commission's home.
type commissionView struct {
	JurisdictionView
	Round   *Round
	MaxMB   int64
	Waiting []string
	Reports []buildView
}

func (s *Server) commissionHome(w http.ResponseWriter, r *http.Request, a Account, status int, uploadError string) {
	ctx := r.Context()
	code := a.Role
	v := commissionView{JurisdictionView: JurisdictionView{Location: s.Location, Code: code, Name: s.Cycle.Name(code)},
		MaxMB: s.MaxUpload >> 20}
	var err error
	if v.Round, err = s.Cycle.Round(ctx, code); err != nil {
		s.internal(w, r, err)
		return
	}
	if v.Waiting, err = s.Inbox.Waiting(code); err != nil {
		s.internal(w, r, err)
		return
	}
	if v.Versions, err = s.history(ctx, code); err != nil {
		s.internal(w, r, err)
		return
	}
	builds, err := s.Ledger.Builds(ctx)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	for i := len(builds) - 1; i >= 0; i-- {
		if b := s.buildView(a, builds[i]); len(b.Files) > 0 {
			v.Reports = append(v.Reports, b)
		}
	}
	p := page{Title: v.Name, Account: &a, Data: v, Error: uploadError}
	if len(v.Waiting) > 0 {
		p.Refresh = max(1, int(s.Refresh/time.Second))
		p.Notice = "Your file is being checked. This page reloads by itself until the verdict is shown below."
	}
	s.render(w, r, status, "commission", p)
}

// upload takes a Commission's workbook into its own inbox folder. The form
// is read as a stream: the CSRF token first (it precedes the file in the
// form), then the file, written through the inbox's size limit.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, a Account) {
	fail := func(status int, msg string) { s.commissionHome(w, r, a, status, msg) }
	if a.SEESAC() {
		s.problem(w, r, http.StatusForbidden, "Uploads are for the Commissions: each sends its own workbook.")
		return
	}
	limit := s.MaxUpload
	r.Body = http.MaxBytesReader(w, r.Body, limit+maxFormBody)
	mr, err := r.MultipartReader()
	if err != nil {
		fail(http.StatusBadRequest, "Choose a workbook to send.")
		return
	}
	part, err := mr.NextPart()
	if err != nil || part.FormName() != "csrf_token" {
		s.problem(w, r, http.StatusForbidden, "This form has expired: go back, reload the page and send it again.")
		return
	}
	token, _ := io.ReadAll(io.LimitReader(part, maxField))
	if !validCSRF(s.State.key, cookie(r), string(token)) {
		s.problem(w, r, http.StatusForbidden, "This form has expired: go back, reload the page and send it again.")
		return
	}
	part, err = mr.NextPart()
	if err != nil || part.FormName() != "workbook" || part.FileName() == "" {
		fail(http.StatusBadRequest, "Choose a workbook to send.")
		return
	}
	name, ok := uploadName(part.FileName())
	if !ok {
		fail(http.StatusBadRequest, fmt.Sprintf("This file's name cannot be kept in your folder: rename it (letters, digits, spaces, - and _; none of < > : \" | ? *; not starting with a dot; at most %d letters, accented ones counting double) and send it again.", maxUploadName))
		return
	}
	if !s.Inbox.Accepts(name) {
		fail(http.StatusUnsupportedMediaType, "Only Excel workbooks (.xlsx) can be sent: save the template you filled in as an Excel workbook and choose that file.")
		return
	}
	err = s.Inbox.Drop(a.Role, name, &limitReader{r: part, left: limit})
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, ErrTooLarge) || errors.As(err, &tooBig):
		fail(http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is larger than %d MB, the limit: a filled template is far smaller, so check that you chose the right file.", limit>>20))
		return
	case errors.Is(err, fs.ErrExist):
		fail(http.StatusConflict, "A file of this name is still being checked: wait for its verdict below, then send again if needed.")
		return
	case err != nil:
		s.internal(w, r, err)
		return
	}
	s.audit(r, Event{Kind: EventUpload, Account: a.Name, Jurisdiction: a.Role, Detail: "inbox/" + a.Role + "/" + name})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// limitReader fails with ErrTooLarge once more than left bytes are read.
type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, ErrTooLarge
	}
	return n, err
}

// uploadName is the base of a file name a browser sent (some send a
// Windows path), when it is a name the inbox can hold: no folder part, not
// hidden, printable, not too long.
// maxUploadName is the longest upload name kept, in bytes: room for the
// feedback notes' suffixes within a file system's 255.
const maxUploadName = 180

func uploadName(name string) (string, bool) {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") ||
		len(name) > maxUploadName || !utf8.ValidString(name) {
		return "", false
	}
	for _, c := range name {
		if !unicode.IsPrint(c) || strings.ContainsRune(`<>:"|?*`, c) {
			return "", false
		}
	}
	return name, true
}

// dispositionOf is the Content-Disposition of a download named name, the
// name quoted and, beyond ASCII, encoded as RFC 6266 says.
func dispositionOf(name string) string {
	if d := mime.FormatMediaType("attachment", map[string]string{"filename": name}); d != "" {
		return d
	}
	return "attachment"
}

func contentTypeOf(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".pdf":
		return "application/pdf"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".json":
		return "application/json"
	}
	return "application/octet-stream"
}
