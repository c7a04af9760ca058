package pdf

import (
	"encoding/binary"
	"sort"
	"strings"
	"unicode"
)

// Replacement is drawn in place of a character the embedded font cannot show:
// a visible box, so that a reader sees that something was there.
const Replacement = "□"

// glyphSet is the set of runes a TrueType font maps to a glyph, read from its
// cmap table (format 4, the Unicode BMP subtable every Windows-compatible font
// has). Only the BMP matters: fpdf cannot write anything above it.
type glyphSet struct {
	ranges []runeRange // sorted, non-overlapping
}

type runeRange struct{ lo, hi rune }

func (g glyphSet) has(r rune) bool {
	i := sort.Search(len(g.ranges), func(i int) bool { return g.ranges[i].hi >= r })
	return i < len(g.ranges) && g.ranges[i].lo <= r
}

// intersect keeps the runes that both sets have, so that text drawn in either
// weight never hits a missing glyph.
func (g glyphSet) intersect(o glyphSet) glyphSet {
	var out []runeRange
	i, j := 0, 0
	for i < len(g.ranges) && j < len(o.ranges) {
		a, b := g.ranges[i], o.ranges[j]
		lo, hi := max(a.lo, b.lo), min(a.hi, b.hi)
		if lo <= hi {
			out = append(out, runeRange{lo, hi})
		}
		if a.hi < b.hi {
			i++
		} else {
			j++
		}
	}
	return glyphSet{ranges: out}
}

// parseCmap reads the runes covered by a TrueType font. It reads embedded,
// trusted fonts, but it still checks every offset so that a damaged font is an
// error and never a panic (see FuzzParseCmap).
func parseCmap(ttf []byte) (glyphSet, error) {
	be := binary.BigEndian
	bad := func(what string) (glyphSet, error) {
		return glyphSet{}, &fontError{what: what}
	}
	if len(ttf) < 12 {
		return bad("too short for a font header")
	}
	numTables := int(be.Uint16(ttf[4:]))
	var cmap []byte
	for i := range numTables {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return bad("table directory past the end")
		}
		if string(ttf[rec:rec+4]) != "cmap" {
			continue
		}
		off, n := int(be.Uint32(ttf[rec+8:])), int(be.Uint32(ttf[rec+12:]))
		if off < 0 || n < 0 || off > len(ttf) || n > len(ttf)-off {
			return bad("cmap table past the end")
		}
		cmap = ttf[off : off+n]
	}
	if len(cmap) < 4 {
		return bad("no cmap table")
	}
	sub := -1
	for i := range int(be.Uint16(cmap[2:])) {
		rec := 4 + 8*i
		if rec+8 > len(cmap) {
			return bad("cmap encoding records past the end")
		}
		platform, encoding := be.Uint16(cmap[rec:]), be.Uint16(cmap[rec+2:])
		if (platform == 3 && encoding == 1) || (platform == 0 && encoding <= 3) {
			off := int(be.Uint32(cmap[rec+4:]))
			if off >= 0 && off+2 <= len(cmap) && be.Uint16(cmap[off:]) == 4 {
				sub = off
				break
			}
		}
	}
	if sub < 0 {
		return bad("no Unicode format 4 cmap subtable")
	}
	t := cmap[sub:]
	if len(t) < 14 {
		return bad("cmap subtable too short")
	}
	segs := int(be.Uint16(t[6:])) / 2
	ends, starts, deltas, rangeOffs := 14, 16+2*segs, 16+4*segs, 16+6*segs
	if rangeOffs+2*segs > len(t) {
		return bad("cmap segments past the end")
	}
	var g glyphSet
	add := func(r rune) {
		if n := len(g.ranges); n > 0 && g.ranges[n-1].hi == r-1 {
			g.ranges[n-1].hi = r
			return
		}
		g.ranges = append(g.ranges, runeRange{r, r})
	}
	last := rune(-1)
	for s := range segs {
		end := rune(be.Uint16(t[ends+2*s:]))
		start := rune(be.Uint16(t[starts+2*s:]))
		delta := be.Uint16(t[deltas+2*s:])
		ro := int(be.Uint16(t[rangeOffs+2*s:]))
		if start > end || start <= last {
			continue // unsorted or overlapping segments: ignore rather than guess
		}
		last = end
		for c := start; c <= end && c != 0xFFFF; c++ {
			gid := uint16(0)
			if ro == 0 {
				gid = uint16(c) + delta
			} else {
				at := rangeOffs + 2*s + ro + 2*int(c-start)
				if at+2 > len(t) {
					break
				}
				if v := be.Uint16(t[at:]); v != 0 {
					gid = v + delta
				}
			}
			if gid != 0 {
				add(c)
			}
		}
	}
	return g, nil
}

type fontError struct{ what string }

func (e *fontError) Error() string { return "read font: " + e.what }

// sanitizer makes any string safe to draw with the embedded fonts.
type sanitizer struct {
	glyphs      glyphSet
	replacement string
}

// clean replaces what the font cannot draw with the replacement box: runes
// outside the Basic Multilingual Plane (emoji), which make fpdf fail the whole
// document, and runes the font has no glyph for, which would print as nothing.
// An emoji sequence (joined with U+200D, with variation selectors or skin-tone
// modifiers, or a flag's two letters) becomes one box; variation selectors are dropped. Tabs become spaces, CR LF becomes LF and other
// control characters are dropped.
func (s *sanitizer) clean(text string) string {
	if s.plain(text) {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	replaced := false // the last thing written was a replacement
	joined := false   // a zero-width joiner follows a replacement
	flag := false     // the last rune was a regional indicator: a flag's first half
	text = strings.ReplaceAll(text, "\r\n", "\n")
	for _, r := range text {
		switch {
		case r == '\n':
			b.WriteRune(r)
			replaced, joined = false, false
			continue
		case r == '\t' || r == '\r':
			b.WriteByte(' ')
			replaced, joined = false, false
			continue
		case unicode.IsControl(r):
			continue
		case replaced && (r == 0x200D):
			joined = true
			continue
		case r == 0xFE0E || r == 0xFE0F:
			continue // variation selectors only choose emoji or text style
		case replaced && (r == 0x20E3 || (r >= 0x1F3FB && r <= 0x1F3FF) || (r >= 0xE0020 && r <= 0xE007F)):
			continue
		}
		if joined {
			// The rune after a joiner belongs to the emoji already replaced,
			// even where the font happens to have it (♀ in 👮🏽‍♀️).
			replaced, joined = true, false
			continue
		}
		if r <= 0xFFFF && r != utf8Error && s.glyphs.has(r) {
			b.WriteRune(r)
			replaced, joined = false, false
			continue
		}
		indicator := r >= 0x1F1E6 && r <= 0x1F1FF
		if !(flag && indicator) {
			b.WriteString(s.replacement)
		}
		replaced, joined = true, false
		flag = indicator && !flag
	}
	return b.String()
}

const utf8Error = unicode.ReplacementChar

// plain is the fast path: ASCII printable text and newlines need no work.
func (s *sanitizer) plain(text string) bool {
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= 0x80 || (c < 0x20 && c != '\n') || c == 0x7F {
			return false
		}
	}
	return true
}
