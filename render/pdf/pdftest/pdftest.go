// Package pdftest reads the text back out of a PDF for tests. It parses the
// file with an independent PDF reader (github.com/ledongthuc/pdf) and decodes
// each string through the font's own ToUnicode map, as a reader's
// copy-and-paste does, so a test sees the text a person would get.
//
// The decoding of the map is ours: fpdf writes the identity map as a single
// range <0000>–<FFFF>, which poppler and the viewers read as intended but
// which the library, following the letter of the PDF spec (a range may only
// vary in its last byte), folds onto the first 256 code points.
package pdftest

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// Pages returns the text of each page, one line per non-empty text object (a
// cell, a line of a paragraph, a label), in drawing order.
func Pages(doc []byte) ([]string, error) {
	pages, err := Lines(doc)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(pages))
	for i, lines := range pages {
		texts := make([]string, len(lines))
		for j, l := range lines {
			texts[j] = l.Text
		}
		out[i] = strings.Join(texts, "\n")
	}
	return out, nil
}

// Line is one non-empty text object of a page: its text and where its
// baseline starts, in millimetres from the page's top left corner (as the
// text operator placed it; a transformed object, such as a draft's
// rotated watermark, is placed in its own coordinates).
type Line struct {
	X, Y float64
	Text string
}

// Lines returns the text objects of each page with their places, in
// drawing order.
func Lines(doc []byte) (pages [][]Line, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("read PDF: %v", r)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return nil, fmt.Errorf("open PDF: %w", err)
	}
	const mm = 72 / 25.4 // points per millimetre
	maps := map[string]*toUnicode{}
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		height := p.V.Key("MediaBox").Index(3).Float64()
		if height == 0 {
			height = p.V.Key("Parent").Key("MediaBox").Index(3).Float64()
		}
		fonts := p.Resources().Key("Font")
		var lines []Line
		var text strings.Builder
		var x, y float64
		var cur *toUnicode
		flush := func() {
			if strings.TrimSpace(text.String()) != "" {
				lines = append(lines, Line{X: x / mm, Y: (height - y) / mm, Text: text.String()})
			}
			text.Reset()
		}
		show := func(raw string) {
			if cur == nil {
				text.WriteString(raw)
				return
			}
			text.WriteString(cur.decode(raw))
		}
		pdf.Interpret(p.V.Key("Contents"), func(stk *pdf.Stack, op string) {
			args := make([]pdf.Value, stk.Len())
			for i := len(args) - 1; i >= 0; i-- {
				args[i] = stk.Pop()
			}
			switch op {
			case "BT":
				flush()
				x, y = 0, 0
			case "Td":
				if len(args) == 2 {
					x, y = x+args[0].Float64(), y+args[1].Float64()
				}
			case "Tf":
				if len(args) == 2 {
					name := args[0].Name()
					if _, ok := maps[name]; !ok {
						maps[name] = readToUnicode(fonts.Key(name).Key("ToUnicode"))
					}
					cur = maps[name]
				}
			case "Tj", "'":
				if len(args) == 1 {
					show(args[0].RawString())
				}
			case "\"":
				if len(args) == 3 {
					show(args[2].RawString())
				}
			case "TJ":
				if len(args) == 1 {
					for j := 0; j < args[0].Len(); j++ {
						if x := args[0].Index(j); x.Kind() == pdf.String {
							show(x.RawString())
						}
					}
				}
			}
		})
		flush()
		pages = append(pages, lines)
	}
	return pages, nil
}

// Text is the text of the whole document, every run of white space (line
// breaks of wrapped paragraphs included) turned into one space, so that a
// test can look for a sentence wherever the lines happened to break.
func Text(doc []byte) (string, error) {
	pages, err := Pages(doc)
	if err != nil {
		return "", err
	}
	return Flatten(strings.Join(pages, "\n")), nil
}

// Flatten turns every run of white space into one space.
func Flatten(s string) string { return strings.Join(strings.Fields(s), " ") }

// toUnicode is a font's map from 2-byte codes to text.
type toUnicode struct {
	chars  map[uint16]string
	ranges []codeRange
}

type codeRange struct {
	lo, hi uint16
	dst    uint16 // the text of lo, as a UTF-16 unit; later codes count on from it
}

func (m *toUnicode) decode(raw string) string {
	var out []uint16
	for i := 0; i+1 < len(raw); i += 2 {
		code := uint16(raw[i])<<8 | uint16(raw[i+1])
		if s, ok := m.chars[code]; ok {
			out = append(out, utf16.Encode([]rune(s))...)
			continue
		}
		found := false
		for _, r := range m.ranges {
			if code >= r.lo && code <= r.hi {
				out = append(out, r.dst+(code-r.lo))
				found = true
				break
			}
		}
		if !found {
			out = append(out, 0xFFFD)
		}
	}
	return string(utf16.Decode(out))
}

func readToUnicode(v pdf.Value) *toUnicode {
	if v.IsNull() {
		return nil
	}
	rc := v.Reader()
	defer rc.Close()
	body, err := io.ReadAll(rc)
	if err != nil {
		panic(fmt.Sprintf("read ToUnicode: %v", err))
	}
	m := &toUnicode{chars: map[uint16]string{}}
	for _, block := range sections(string(body), "beginbfchar", "endbfchar") {
		h := hexStrings(block)
		for i := 0; i+1 < len(h); i += 2 {
			m.chars[code(h[i])] = string(utf16.Decode(units(h[i+1])))
		}
	}
	for _, block := range sections(string(body), "beginbfrange", "endbfrange") {
		h := hexStrings(block)
		for i := 0; i+2 < len(h); i += 3 {
			m.ranges = append(m.ranges, codeRange{lo: code(h[i]), hi: code(h[i+1]), dst: code(h[i+2])})
		}
	}
	return m
}

// sections returns the text between each begin and end keyword.
func sections(s, begin, end string) []string {
	var out []string
	for {
		_, rest, ok := strings.Cut(s, begin)
		if !ok {
			return out
		}
		block, after, ok := strings.Cut(rest, end)
		if !ok {
			return out
		}
		out = append(out, block)
		s = after
	}
}

// hexStrings decodes every <hex> string in s, in order.
func hexStrings(s string) [][]byte {
	var out [][]byte
	for {
		_, rest, ok := strings.Cut(s, "<")
		if !ok {
			return out
		}
		h, after, ok := strings.Cut(rest, ">")
		if !ok {
			return out
		}
		b, err := hex.DecodeString(strings.Join(strings.Fields(h), ""))
		if err == nil {
			out = append(out, b)
		}
		s = after
	}
}

func code(b []byte) uint16 {
	if len(b) < 2 {
		return 0
	}
	return uint16(b[0])<<8 | uint16(b[1])
}

func units(b []byte) []uint16 {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, code(b[i:]))
	}
	return u
}
