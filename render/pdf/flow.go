package pdf

import (
	"bytes"
	"fmt"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// Style is how a run of text is set.
type Style struct {
	Size   float64 // points; 10 when zero
	Bold   bool
	Color  Color  // Text when zero
	Align  string // "L" (default), "C", "R" or "J"
	Line   float64
	Before float64 // space above, mm
	After  float64 // space below, mm
}

func (s Style) norm() Style {
	if s.Size == 0 {
		s.Size = 10
	}
	if s.Color == (Color{}) {
		s.Color = Text
	}
	if s.Align == "" {
		s.Align = "L"
	}
	if s.Line == 0 {
		s.Line = s.Size * 0.45
	}
	return s
}

// Text draws a wrapped block of text across the content width.
func (d *Doc) Text(text string, st Style) {
	d.TextAt(MarginLeft, ContentWidth, text, st)
}

// TextAt draws a wrapped block of text in a column from x, w wide.
func (d *Doc) TextAt(x, w float64, text string, st Style) {
	st = st.norm()
	if d.f.PageNo() == 0 {
		d.f.AddPage()
	}
	if st.Before > 0 {
		d.Space(st.Before)
	}
	d.font(st.Bold, st.Size)
	d.setColor(st.Color)
	d.f.SetX(x)
	for _, para := range strings.Split(d.clean(text), "\n") {
		if para == "" {
			d.Space(st.Line)
			continue
		}
		d.f.SetX(x)
		d.f.MultiCell(w, st.Line, para, "", st.Align, false)
	}
	if st.After > 0 {
		d.Space(st.After)
	}
	d.font(false, 10)
	d.setColor(Text)
}

// TextHeight is the height Text takes for text in style st.
func (d *Doc) TextHeight(text string, st Style) float64 {
	st = st.norm()
	d.font(st.Bold, st.Size)
	h := st.Before + st.After
	for _, para := range strings.Split(d.clean(text), "\n") {
		if para == "" {
			h += st.Line
			continue
		}
		h += float64(len(d.f.SplitText(para, ContentWidth))) * st.Line
	}
	d.font(false, 10)
	return h
}

// Paragraph draws body text, justified, with space after it.
func (d *Doc) Paragraph(text string) {
	d.Text(text, Style{Size: 9.5, Align: "L", After: 2.5})
}

// Note draws small muted text (sources, explanations, footnotes placed inline).
func (d *Doc) Note(text string) {
	d.Text(text, noteStyle())
}

// NoteHeight is the height Note takes for text.
func (d *Doc) NoteHeight(text string) float64 { return d.TextHeight(text, noteStyle()) }

func noteStyle() Style { return Style{Size: 7.5, Color: Muted, After: 1.5} }

// headingStyle gives size, space above and below, and how much room must
// follow a heading on its page (keep-with-next) for each level.
func headingStyle(level int) (size, before, after, keep float64) {
	switch level {
	case 1:
		return 16, 2, 4, 60
	case 2:
		return 12.5, 5, 2.5, 45
	default:
		return 10.5, 4, 1.5, 30
	}
}

// HeadingHeight is the height Heading takes for title at level below the top
// of a page: the space above it, its lines, its rule and the space below.
func (d *Doc) HeadingHeight(level int, title string) float64 {
	level = min(max(level, 1), 3)
	size, before, after, _ := headingStyle(level)
	d.font(true, size)
	h := before + float64(len(d.f.SplitText(d.clean(title), ContentWidth)))*size*0.45 + after
	d.font(false, 10)
	if level == 1 {
		h += headingRule
	}
	return h
}

// headingRule is the space a chapter's rule takes under its title.
const headingRule = 1.0

// Body is the height of a page between the margins.
const Body = PageHeight - MarginTop - MarginBottom

// Heading draws a heading, adds a bookmark and a contents entry for it. level
// 1 is a chapter; 2 and 3 are sections within it. A heading never ends a page:
// unless keep millimetres (or a default for the level, when keep is 0) are left
// below it, it moves to the next page with what follows it. A chapter starts
// on a new page unless enough of the page is left (Options.ChapterRoom).
func (d *Doc) Heading(level int, title string, keep float64) {
	level = min(max(level, 1), 3)
	size, before, after, defKeep := headingStyle(level)
	if keep <= 0 {
		keep = defKeep
	}
	title = d.clean(title)
	top := d.f.PageNo() > 0 && d.f.GetY() <= MarginTop+1
	// Chapters start on a new page, unless this page holds no more than the
	// short tail of the chapter before, which would leave it nearly empty.
	tail := d.f.GetY()-MarginTop < Body/3
	if d.opt.ChapterRoom > 0 {
		tail = d.Left() >= d.opt.ChapterRoom*Body
	}
	switch {
	case d.f.PageNo() == 0, !top && d.Left() < d.HeadingHeight(level, title)+keep, level == 1 && !top && !tail:
		d.f.AddPage()
	case !top:
		d.f.SetY(d.f.GetY() + before)
	}
	link := d.f.AddLink()
	d.f.SetLink(link, d.f.GetY(), d.f.PageNo())
	d.f.Bookmark(title, level-1, -1)
	d.outl = append(d.outl, Entry{Level: level, Title: title, Page: d.f.PageNo(), link: link})
	d.font(true, size)
	d.setColor(Accent)
	d.f.SetX(MarginLeft)
	d.f.MultiCell(ContentWidth, size*0.45, title, "", "L", false)
	if level == 1 {
		d.setDraw(Accent)
		d.lineWidth(0.5)
		y := d.f.GetY() + headingRule
		d.f.Line(MarginLeft, y, PageWidth-MarginRight, y)
		d.f.SetY(y)
	}
	d.f.SetY(d.f.GetY() + after)
	d.font(false, 10)
	d.setColor(Text)
}

// contents is the reserved contents page(s), filled in by Write once every
// heading is known.
type contents struct {
	title    string
	first    int // first reserved page
	pages    int
	maxLevel int
}

const (
	tocLine      = 5.2 // one entry
	tocWrap      = 4.2 // a wrapped entry's next line
	tocTop       = MarginTop + 14
	tocPerPage   = 46  // lines of tocLine that fit between tocTop and the bottom margin
	tocPageIndex = 8.0 // width of the page-number column
)

// Contents reserves pages for a table of contents of up to lines lines of
// headings of level ≤ maxLevel (headings after the contents, down to that
// level, are listed; a title too long for one line wraps and takes two);
// the content that follows starts on a new page.
// Write fills it in with their page numbers and links. Reserve generously: a
// contents that does not fit is an error, never a silent cut.
func (d *Doc) Contents(title string, lines, maxLevel int) {
	pages := max(1, (lines+tocPerPage-1)/tocPerPage)
	d.f.AddPage()
	d.toc = &contents{title: d.clean(title), first: d.f.PageNo(), pages: pages, maxLevel: maxLevel}
	d.f.Bookmark(d.toc.title, 0, -1)
	for range pages {
		d.f.AddPage() // the last one starts the content after the contents
	}
}

func (d *Doc) fillContents() {
	t := d.toc
	if t == nil {
		return
	}
	var entries []Entry
	for _, e := range d.outl {
		if e.Page > t.first+t.pages-1 && e.Level <= t.maxLevel {
			entries = append(entries, e)
		}
	}
	last := d.f.PageNo()
	auto, margin := d.f.GetAutoPageBreak()
	d.f.SetAutoPageBreak(false, margin)
	defer func() {
		d.f.SetPage(last)
		d.resetState()
		d.f.SetAutoPageBreak(auto, margin)
	}()
	f := d.f
	page, row, y := t.first-1, tocPerPage, 0.0
	for _, e := range entries {
		indent := float64(e.Level-1) * 6
		bold := e.Level == 1
		size := 9.5
		if bold {
			size = 10
		}
		d.font(bold, size)
		tw := ContentWidth - indent - tocPageIndex - 6
		lines := f.SplitText(e.Title, tw)
		if len(lines) == 0 {
			lines = []string{""}
		}
		if len(lines) > 2 {
			lines = []string{lines[0], fit(f, strings.Join(lines[1:], " "), tw)}
		}
		if row+len(lines) > tocPerPage {
			page, row, y = page+1, 0, tocTop
			if page >= t.first+t.pages {
				f.SetError(fmt.Errorf("%w: the contents does not fit the %d page(s) reserved for %d lines", errInvalid, t.pages, t.pages*tocPerPage))
				return
			}
			f.SetPage(page)
			d.resetState()
			f.SetXY(MarginLeft, MarginTop)
			d.font(true, 16)
			d.setColor(Accent)
			f.CellFormat(ContentWidth, 8, t.title, "", 0, "L", false, 0, "")
			d.setDraw(Accent)
			d.lineWidth(0.5)
			f.Line(MarginLeft, MarginTop+9, PageWidth-MarginRight, MarginTop+9)
		}
		d.font(bold, size)
		d.setColor(Text)
		for i, l := range lines {
			if i > 0 {
				y += tocWrap
			}
			f.SetXY(MarginLeft+indent, y)
			f.CellFormat(f.GetStringWidth(l)+1, tocLine, l, "", 0, "L", false, e.link, "")
		}
		// Dot leaders guide the eye from the title's last line to its page number.
		x0 := MarginLeft + indent + f.GetStringWidth(lines[len(lines)-1]) + 2
		x1 := PageWidth - MarginRight - tocPageIndex - 1
		d.setDraw(Rule)
		d.lineWidth(0.25)
		f.SetDashPattern([]float64{0.3, 1.2}, 0)
		if x1 > x0 {
			f.Line(x0, y+tocLine*0.7, x1, y+tocLine*0.7)
		}
		f.SetDashPattern(nil, 0)
		f.SetXY(PageWidth-MarginRight-tocPageIndex, y)
		f.CellFormat(tocPageIndex, tocLine, fmt.Sprint(e.Page), "", 0, "R", false, e.link, "")
		row += len(lines)
		y += tocLine
	}
}

// resetState makes fpdf write the font, colours and line width again after a switch
// of page: it tracks them for the document, not per page, so without this a
// page filled in later would draw with whatever its stream last set.
func (d *Doc) resetState() {
	d.f.SetFont(family, "", 10)
	d.f.SetFillColor(White.R, White.G, White.B)
	d.f.SetDrawColor(Black.R, Black.G, Black.B)
	d.f.SetLineWidth(0.2)
	d.f.SetTextColor(Text.R, Text.G, Text.B)
}

// Cover starts the title page: it carries no running header.
func (d *Doc) Cover() {
	d.plain[d.f.PageNo()+1] = true
	d.f.AddPage()
}

// Logos draws images (PNG or JPEG bytes, each named uniquely) side by side
// at the current position, h millimetres high (less when they would not fit
// across the page), and moves below them. An image fpdf cannot read (an
// interlaced PNG, say) is the document's error.
func (d *Doc) Logos(h float64, images ...Image) {
	if len(images) == 0 {
		return
	}
	const gap = 6.0
	type placed struct {
		name   string
		opt    fpdf.ImageOptions
		aspect float64
	}
	var ps []placed
	total := 0.0
	for _, im := range images {
		opt := fpdf.ImageOptions{ImageType: im.Type()}
		info := d.f.RegisterImageOptionsReader(im.Name, opt, bytes.NewReader(im.Data))
		if info == nil || info.Height() == 0 {
			if d.f.Error() == nil {
				d.f.SetErrorf("logo %s cannot be read as %s", im.Name, opt.ImageType)
			}
			return
		}
		aspect := info.Width() / info.Height()
		ps = append(ps, placed{im.Name, opt, aspect})
		total += aspect * h
	}
	total += gap * float64(len(ps)-1)
	if total > ContentWidth {
		h *= (ContentWidth - gap*float64(len(ps)-1)) / (total - gap*float64(len(ps)-1))
	}
	x, y := MarginLeft, d.f.GetY()
	for _, p := range ps {
		w := p.aspect * h
		d.f.ImageOptions(p.name, x, y, w, h, false, p.opt, 0, "")
		x += w + gap
	}
	d.f.SetY(y + h)
}

// Image is a picture to draw: PNG or JPEG bytes under a name unique in the
// document (fpdf caches images by name).
type Image struct {
	Name string
	Data []byte
}

// Type is "PNG" or "JPG" from the image's first bytes ("" for neither).
func (im Image) Type() string {
	switch {
	case bytes.HasPrefix(im.Data, []byte("\x89PNG\r\n\x1a\n")):
		return "PNG"
	case bytes.HasPrefix(im.Data, []byte{0xFF, 0xD8, 0xFF}):
		return "JPG"
	}
	return ""
}
