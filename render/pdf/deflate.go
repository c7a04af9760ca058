package pdf

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// deflatePages writes doc, a PDF that fpdf wrote with compression off, to w
// with its page content streams compressed the way fpdf compresses them (zlib
// at best speed, /Filter /FlateDecode), and the cross-reference table
// rewritten for the new offsets. The result is byte for byte what fpdf writes
// with compression on (TestDeflateMatchesFpdf).
//
// Why: fpdf makes a new zlib writer, with about 1 MB of tables, for every
// page; for a 30-page report those made up most of the memory allocated and
// a third of the time. Here one writer serves every page of the document.
func deflatePages(w io.Writer, doc []byte) error {
	xref, offsets, rest, err := readXref(doc)
	if err != nil {
		return err
	}
	// Objects in file order: fpdf writes the page tree (object 1) after the
	// pages, so object numbers and positions differ in order.
	order := make([]int, 0, len(offsets)-1)
	for n := 1; n < len(offsets); n++ {
		order = append(order, n)
	}
	slices.SortFunc(order, func(a, b int) int { return offsets[a] - offsets[b] })
	first := xref
	if len(order) > 0 {
		first = offsets[order[0]]
	}
	for i, n := range order {
		end := xref
		if i+1 < len(order) {
			end = offsets[order[i+1]]
		}
		if offsets[n] < 0 || offsets[n] > end || (i > 0 && offsets[n] == offsets[order[i-1]]) {
			return fmt.Errorf("deflate PDF: object %d has a bad offset %d", n, offsets[n])
		}
	}

	contents := pageContents(doc, offsets)

	bw := bufio.NewWriterSize(w, 64<<10)
	pos := 0
	put := func(b []byte) {
		bw.Write(b) // a write error sticks in bw and Flush returns it
		pos += len(b)
	}
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	if err != nil {
		return fmt.Errorf("deflate PDF: %w", err)
	}
	put(doc[:first])
	newOffsets := make([]int, len(offsets))
	var num []byte
	for i, n := range order {
		end := xref
		if i+1 < len(order) {
			end = offsets[order[i+1]]
		}
		obj := doc[offsets[n]:end]
		newOffsets[n] = pos
		head, data, ok := plainStream(obj)
		if !ok || !contents[n] {
			put(obj)
			continue
		}
		z.Reset()
		zw.Reset(&z)
		if _, err := zw.Write(data); err != nil {
			return fmt.Errorf("deflate PDF object %d: %w", n, err)
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("deflate PDF object %d: %w", n, err)
		}
		put(head)
		put([]byte("<</Filter /FlateDecode /Length "))
		num = strconv.AppendInt(num[:0], int64(z.Len()), 10)
		put(num)
		put([]byte(">>\nstream\n"))
		put(z.Bytes())
		put([]byte("\nendstream\nendobj\n"))
	}
	start := pos
	var x bytes.Buffer
	x.Grow(20 * (len(offsets) + 2))
	fmt.Fprintf(&x, "xref\n0 %d\n0000000000 65535 f \n", len(offsets))
	for n := 1; n < len(offsets); n++ {
		fmt.Fprintf(&x, "%010d 00000 n \n", newOffsets[n])
	}
	put(x.Bytes())
	put(rest)
	fmt.Fprintf(bw, "startxref\n%d\n%%%%EOF\n", start)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write PDF: %w", err)
	}
	return nil
}

// readXref finds the cross-reference table that fpdf writes at the end of
// the file: it returns where the table starts, each object's offset (index
// 0 unused) and the trailer between the table and "startxref".
func readXref(doc []byte) (xref int, offsets []int, trailer []byte, err error) {
	bad := func(what string) (int, []int, []byte, error) {
		return 0, nil, nil, fmt.Errorf("deflate PDF: %s", what)
	}
	sx := bytes.LastIndex(doc, []byte("startxref\n"))
	if sx < 0 {
		return bad("no startxref")
	}
	numEnd := bytes.IndexByte(doc[sx+10:], '\n')
	if numEnd < 0 {
		return bad("startxref without a newline")
	}
	xref, err = strconv.Atoi(string(doc[sx+10 : sx+10+numEnd]))
	if err != nil || xref < 0 || xref >= sx {
		return bad("startxref out of range")
	}
	t := doc[xref:sx]
	line, t, _ := bytes.Cut(t, []byte("\n"))
	if string(line) != "xref" {
		return bad("no xref table at startxref")
	}
	line, t, _ = bytes.Cut(t, []byte("\n"))
	countText, ok := bytes.CutPrefix(line, []byte("0 "))
	if !ok {
		return bad("xref subsection does not start at object 0")
	}
	count, err := strconv.Atoi(string(countText))
	if err != nil || count < 1 || 20*count > len(t) {
		return bad("bad xref entry count")
	}
	offsets = make([]int, count)
	for n := 1; n < count; n++ {
		e := t[20*n : 20*n+20]
		if !bytes.HasSuffix(e, []byte(" 00000 n \n")) {
			return bad("xref entry " + strconv.Itoa(n) + " is not in use")
		}
		if offsets[n], err = strconv.Atoi(string(e[:10])); err != nil || offsets[n] >= xref {
			return bad("xref entry " + strconv.Itoa(n) + " out of range")
		}
	}
	return xref, offsets, t[20*count:], nil
}

// pageContents finds the objects that hold the pages' content streams: the
// ones page objects name in "/Contents N 0 R". fpdf leaves its other plain
// streams (the fonts' ToUnicode maps) uncompressed, and so must this.
func pageContents(doc []byte, offsets []int) map[int]bool {
	out := map[int]bool{}
	for n := 1; n < len(offsets); n++ {
		obj := doc[offsets[n]:]
		end := bytes.Index(obj, []byte("endobj\n"))
		if end < 0 {
			continue
		}
		obj = obj[:end]
		if bytes.Contains(obj, []byte("stream\n")) || !bytes.Contains(obj, []byte("/Type /Page\n")) {
			continue
		}
		_, after, ok := bytes.Cut(obj, []byte("/Contents "))
		if !ok {
			continue
		}
		sp := bytes.IndexByte(after, ' ')
		if sp < 0 {
			continue
		}
		if c, err := strconv.Atoi(string(after[:sp])); err == nil && c > 0 && c < len(offsets) {
			out[c] = true
		}
	}
	return out
}

// plainStream splits an object "N 0 obj\n<</Length L>>\nstream\n…\nendstream\nendobj\n"
// (an uncompressed stream with no other keys: what fpdf writes for a page's
// content) into its first line and its data; ok is false for any other object.
func plainStream(obj []byte) (head, data []byte, ok bool) {
	nl := bytes.IndexByte(obj, '\n')
	if nl < 0 {
		return nil, nil, false
	}
	head, rest := obj[:nl+1], obj[nl+1:]
	rest, ok = bytes.CutPrefix(rest, []byte("<</Length "))
	if !ok {
		return nil, nil, false
	}
	digits := 0
	for digits < len(rest) && rest[digits] >= '0' && rest[digits] <= '9' {
		digits++
	}
	n, err := strconv.Atoi(string(rest[:digits]))
	if err != nil {
		return nil, nil, false
	}
	rest, ok = bytes.CutPrefix(rest[digits:], []byte(">>\nstream\n"))
	if !ok || n > len(rest) || string(rest[n:]) != "\nendstream\nendobj\n" {
		return nil, nil, false
	}
	return head, rest[:n], true
}
