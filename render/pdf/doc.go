// Package pdf is the document toolkit the report writer draws with: an A4
// document over fpdf with the embedded DejaVu Sans fonts (never the core fonts),
// text made safe for them, a running header and "Page X of Y" footer, a DRAFT
// mark, headings with bookmarks and a contents page, keep-with-next, wrapping
// tables that repeat their header across pages, vector bar and line charts, a
// status matrix and page footnotes. The same inputs give the same bytes.
//
// It knows nothing of roadmaps: render/layout.go turns the report model into
// calls on a Doc.
package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
)

// Page geometry of the A4 portrait page, in millimetres.
const (
	PageWidth    = 210.0
	PageHeight   = 297.0
	MarginLeft   = 18.0
	MarginRight  = 18.0
	MarginTop    = 22.0
	MarginBottom = 20.0
	// ContentWidth is the width between the margins.
	ContentWidth = PageWidth - MarginLeft - MarginRight
)

const family = "DejaVu"

// fontKey is family as fpdf keeps it (GetFontFamily).
const fontKey = "dejavu"

// Color is an RGB colour, each part 0–255.
type Color struct{ R, G, B int }

// Colours used throughout, chosen to stay legible when printed in grey.
var (
	Black     = Color{0, 0, 0}
	Text      = Color{33, 37, 41}
	Muted     = Color{108, 117, 125}
	Rule      = Color{173, 181, 189}
	Light     = Color{233, 236, 239}
	Accent    = Color{31, 78, 121}
	Highlight = Color{214, 96, 41}
	DraftRed  = Color{200, 30, 30}
	White     = Color{255, 255, 255}
)

// Options are the document-wide settings.
type Options struct {
	Title   string    // running header, left, and the PDF title
	Period  string    // running header, right
	Author  string    // PDF metadata
	Subject string    // PDF metadata
	Draft   bool      // DRAFT on every page
	Created time.Time // creation and modification date: fixed, so that output is reproducible
	// Uncompressed leaves page streams readable, for debugging and tests.
	Uncompressed bool
	// ChapterRoom is the share of a page's height that must be left for a
	// chapter (a level-1 heading) to start on that page; with less it starts
	// on a new page. Zero: every chapter starts on a new page unless the
	// page holds only the last third of a page of the chapter before.
	ChapterRoom float64
}

// Doc is a document being written. Methods draw at the current position and
// break pages themselves; the first fpdf error sticks and Write returns it.
type Doc struct {
	f    *fpdf.Fpdf
	opt  Options
	san  sanitizer
	toc  *contents
	outl []Entry

	plain     map[int]bool     // pages without running header (the cover)
	footnotes map[int][]string // page → footnotes drawn at its bottom
	bottom    float64          // page-break line of the current page (raised by footnotes)
}

// Entry is one heading as it appears in the contents.
type Entry struct {
	Level int
	Title string
	Page  int
	link  int
}

// New starts a document. Its first page is added by the first drawing call
// that needs one, or by AddPage / Cover.
func New(opt Options) (*Doc, error) {
	reg, err := parseCmap(dejavusans.TTF)
	if err != nil {
		return nil, fmt.Errorf("regular font: %w", err)
	}
	bold, err := parseCmap(dejavusansbold.TTF)
	if err != nil {
		return nil, fmt.Errorf("bold font: %w", err)
	}
	d := &Doc{
		opt:       opt,
		plain:     map[int]bool{},
		footnotes: map[int][]string{},
	}
	d.san = sanitizer{glyphs: reg.intersect(bold), replacement: "?"}
	if d.san.glyphs.has([]rune(Replacement)[0]) {
		d.san.replacement = Replacement
	}
	f := fpdf.New("P", "mm", "A4", "")
	d.f = f
	f.SetCatalogSort(true)
	created := opt.Created.UTC()
	f.SetCreationDate(created)
	f.SetModificationDate(created)
	// Page streams are compressed by Write (deflatePages), with one zlib
	// writer for the document instead of fpdf's one per page.
	f.SetCompression(false)
	f.SetMargins(MarginLeft, MarginTop, MarginRight)
	f.SetAutoPageBreak(true, MarginBottom)
	d.bottom = PageHeight - MarginBottom
	f.AliasNbPages("{nb}")
	f.AddUTF8FontFromBytes(family, "", dejavusans.TTF)
	f.AddUTF8FontFromBytes(family, "B", dejavusansbold.TTF)
	f.SetFont(family, "", 10)
	f.SetTitle(d.clean(opt.Title), true)
	f.SetAuthor(d.clean(opt.Author), true)
	f.SetSubject(d.clean(opt.Subject), true)
	f.SetCreator("roadmap", true)
	f.SetProducer("roadmap (fpdf)", true)
	f.SetLang("en")
	f.SetHeaderFuncMode(d.header, true)
	f.SetFooterFunc(d.footer)
	f.SetAcceptPageBreakFunc(func() bool { return true })
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("start PDF: %w", err)
	}
	return d, nil
}

// Clean returns text as it will be drawn: characters the fonts cannot show are
// replaced by a visible box.
func (d *Doc) Clean(text string) string { return d.clean(text) }

func (d *Doc) clean(text string) string { return d.san.clean(text) }

// Err is the first error met while drawing, if any.
func (d *Doc) Err() error { return d.f.Error() }

// Page is the current page number (0 before the first page).
func (d *Doc) Page() int { return d.f.PageNo() }

// Y is the current vertical position in millimetres from the top.
func (d *Doc) Y() float64 { return d.f.GetY() }

// Left is the room left above the bottom of the current page, in millimetres.
func (d *Doc) Left() float64 {
	if d.f.PageNo() == 0 {
		return 0
	}
	return d.bottom - d.f.GetY()
}

// AddPage starts a new page.
func (d *Doc) AddPage() { d.f.AddPage() }

// Need starts a new page unless h millimetres are left on this one, so that a
// block of that height is not split.
func (d *Doc) Need(h float64) {
	if d.f.PageNo() == 0 || d.Left() < h {
		d.f.AddPage()
	}
}

// Space moves down h millimetres, or to the top of the next page if that would
// pass the bottom.
func (d *Doc) Space(h float64) {
	if d.f.PageNo() == 0 {
		d.f.AddPage()
	}
	if d.Left() < h {
		d.f.AddPage()
		return
	}
	d.f.SetY(d.f.GetY() + h)
}

// Write finishes the document and writes it to w: it fills in the contents
// page, numbers the pages and returns the first error met while drawing.
func (d *Doc) Write(w io.Writer) error {
	if err := d.finish(); err != nil {
		return err
	}
	if d.opt.Uncompressed {
		if err := d.f.Output(w); err != nil {
			return fmt.Errorf("write PDF: %w", err)
		}
		return nil
	}
	var buf bytes.Buffer
	if err := d.f.Output(&buf); err != nil {
		return fmt.Errorf("write PDF: %w", err)
	}
	return deflatePages(w, buf.Bytes())
}

// finish completes the drawing: a first page if there is none, the contents.
func (d *Doc) finish() error {
	if d.f.PageNo() == 0 {
		d.f.AddPage()
	}
	d.fillContents()
	if err := d.f.Error(); err != nil {
		return fmt.Errorf("draw PDF: %w", err)
	}
	return nil
}

// Outline lists every heading drawn so far, in order.
func (d *Doc) Outline() []Entry { return d.outl }

// The setters below skip a change to what is already set: fpdf writes every
// font, colour and line-width change into the page, and the tables and charts
// ask for the same ones over and over. fpdf's own state, read back with its
// getters, says what is set, also after it changes it itself (a new page).
// After a switch back to an earlier page, resetState sets them all again.

func (d *Doc) setColor(c Color) {
	if r, g, b := d.f.GetTextColor(); r != c.R || g != c.G || b != c.B {
		d.f.SetTextColor(c.R, c.G, c.B)
	}
}

func (d *Doc) setFill(c Color) {
	if r, g, b := d.f.GetFillColor(); r != c.R || g != c.G || b != c.B {
		d.f.SetFillColor(c.R, c.G, c.B)
	}
}

func (d *Doc) setDraw(c Color) {
	if r, g, b := d.f.GetDrawColor(); r != c.R || g != c.G || b != c.B {
		d.f.SetDrawColor(c.R, c.G, c.B)
	}
}

func (d *Doc) lineWidth(w float64) {
	if d.f.GetLineWidth() != w {
		d.f.SetLineWidth(w)
	}
}

func (d *Doc) font(bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	if pt, _ := d.f.GetFontSize(); pt == size && d.f.GetFontStyle() == style && d.f.GetFontFamily() == fontKey {
		return
	}
	d.f.SetFont(family, style, size)
}

// header draws the running header and the DRAFT mark. It runs at the start of
// each page, before the content, so the watermark lies underneath.
func (d *Doc) header() {
	f := d.f
	page := f.PageNo()
	d.bottom = PageHeight - MarginBottom
	f.SetAutoPageBreak(true, MarginBottom)
	if d.opt.Draft {
		d.watermark()
	}
	if d.plain[page] {
		return
	}
	d.font(false, 7.5)
	d.setColor(Muted)
	f.SetXY(MarginLeft, 10)
	title := d.clean(d.opt.Title)
	period := d.clean(d.opt.Period)
	pw := f.GetStringWidth(period) + 2
	dw := 0.0
	if d.opt.Draft {
		d.font(true, 7.5)
		dw = f.GetStringWidth("DRAFT") + 4
		d.font(false, 7.5)
	}
	f.CellFormat(ContentWidth-pw-dw, 5, fit(f, shortTitle(f, title, ContentWidth-pw-dw-4), ContentWidth-pw-dw-4), "", 0, "L", false, 0, "")
	if d.opt.Draft {
		d.font(true, 7.5)
		d.setColor(DraftRed)
		f.CellFormat(dw, 5, "DRAFT", "", 0, "R", false, 0, "")
		d.font(false, 7.5)
		d.setColor(Muted)
	}
	f.CellFormat(pw, 5, period, "", 0, "R", false, 0, "")
	d.setDraw(Rule)
	d.lineWidth(0.2)
	f.Line(MarginLeft, 15.5, PageWidth-MarginRight, 15.5)
	d.font(false, 10)
	d.setColor(Text)
}

func (d *Doc) watermark() {
	f := d.f
	f.SetAlpha(0.10, "Normal")
	d.font(true, 110)
	d.setColor(DraftRed)
	f.TransformBegin()
	f.TransformRotate(55, PageWidth/2, PageHeight/2)
	w := f.GetStringWidth("DRAFT")
	f.Text(PageWidth/2-w/2, PageHeight/2+14, "DRAFT")
	f.TransformEnd()
	f.SetAlpha(1, "Normal")
}

// footer draws the page's footnotes and "Page X of Y".
func (d *Doc) footer() {
	f := d.f
	page := f.PageNo()
	auto, margin := f.GetAutoPageBreak()
	f.SetAutoPageBreak(false, margin)
	if notes := d.footnotes[page]; len(notes) > 0 {
		h := d.footnoteHeight(notes)
		y := PageHeight - MarginBottom + 2 - h
		d.setDraw(Rule)
		d.lineWidth(0.2)
		f.Line(MarginLeft, y, MarginLeft+40, y)
		f.SetXY(MarginLeft, y+1)
		d.font(false, 7)
		d.setColor(Text)
		for _, n := range notes {
			f.MultiCell(ContentWidth, 3.2, n, "", "L", false)
		}
	}
	d.setDraw(Rule)
	d.lineWidth(0.2)
	f.Line(MarginLeft, PageHeight-14, PageWidth-MarginRight, PageHeight-14)
	d.font(false, 7.5)
	d.setColor(Muted)
	f.SetXY(MarginLeft, PageHeight-13)
	if d.opt.Draft {
		d.setColor(DraftRed)
		f.CellFormat(ContentWidth/2, 5, "DRAFT – not for circulation", "", 0, "L", false, 0, "")
		d.setColor(Muted)
	}
	f.SetXY(MarginLeft, PageHeight-13)
	f.CellFormat(ContentWidth, 5, fmt.Sprintf("Page %d of {nb}", page), "", 0, "R", false, 0, "")
	f.SetAutoPageBreak(auto, margin)
	d.font(false, 10)
	d.setColor(Text)
}

func (d *Doc) footnoteHeight(notes []string) float64 {
	d.font(false, 7)
	h := 2.0
	for _, n := range notes {
		h += 3.2 * float64(max(1, len(d.f.SplitText(n, ContentWidth))))
	}
	return h
}

// Footnote attaches a note to the bottom of the current page, drawn as
// "mark text" below a short rule; the page's content stops above it.
// If the current page has no room left for it, the note is drawn right here
// instead, so that it is never lost.
func (d *Doc) Footnote(mark, text string) {
	if d.f.PageNo() == 0 {
		d.f.AddPage()
	}
	page := d.f.PageNo()
	note := d.clean(strings.TrimSpace(mark + " " + text))
	notes := append(append([]string(nil), d.footnotes[page]...), note)
	h := d.footnoteHeight(notes)
	bottom := PageHeight - MarginBottom - h - 2
	if d.f.GetY() > bottom {
		d.Note(note)
		return
	}
	d.footnotes[page] = notes
	d.bottom = bottom
	d.f.SetAutoPageBreak(true, PageHeight-bottom)
}

// shortTitle drops the leading " – "-separated parts of a title too wide for
// w (the roadmap's name before the report's), keeping at least the last
// two, so that a running header is not cut mid-word where dropping a part
// makes it fit.
func shortTitle(f *fpdf.Fpdf, s string, w float64) string {
	for f.GetStringWidth(s) > w && strings.Count(s, " – ") > 1 {
		_, s, _ = strings.Cut(s, " – ")
	}
	return s
}

// fit shortens s with an ellipsis until it is at most w wide in the current font.
func fit(f *fpdf.Fpdf, s string, w float64) string {
	if f.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 {
		r = r[:len(r)-1]
		t := strings.TrimRight(string(r), " ") + "…"
		if f.GetStringWidth(t) <= w {
			return t
		}
	}
	return "…"
}

// errInvalid marks a call the toolkit cannot draw (a table without columns).
var errInvalid = errors.New("invalid drawing request")

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
