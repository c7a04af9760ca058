package roadmap

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FormatNumber writes a figure as reports and messages show it: thousands
// separated by commas and a point for decimals, whatever the reader's locale
// ("1,234,567.89"). decimals is the number of decimals, or -1 for as many as
// the value needs. A negative value that rounds to zero prints without its
// sign; NaN (a figure not reported) prints as "".
func FormatNumber(v float64, decimals int) string {
	switch {
	case math.IsNaN(v):
		return ""
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "-∞"
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', max(decimals, -1), 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// Printable is a name a sender chose (a file name) made safe to print on a
// terminal or in a log line: unchanged when every character is printable,
// else quoted with Go's escapes ("evil\x1b[31m.xlsx"), so that an escape
// sequence, a carriage return or a newline in it is shown, never obeyed, and
// bytes that are not UTF-8 show as \xNN.
func Printable(name string) string {
	for _, r := range name {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return strconv.Quote(name)
		}
	}
	return name
}
