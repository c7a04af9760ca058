package ingest

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
)

var (
	errNotNumber = errors.New("not a number")
	// errTooLarge: a number beyond what a float holds (1.8e308).
	errTooLarge = errors.New("too large")
	// errAmbiguous: the text reads as two different numbers depending on
	// whether its one separator groups thousands ("1,234" in English) or
	// marks decimals ("1,234" in most of the Western Balkans).
	errAmbiguous = errors.New("ambiguous number")
)

// groupSpaces are the characters people and spreadsheets put between
// thousands: spaces of all widths and the apostrophe.
const groupSpaces = " \u00a0\u202f\u2009'’"

var exponent = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+$`)

// parseNumberText reads a number typed as text, accepting thousands
// separators only where they can be read one way. For an ambiguous text it
// returns errAmbiguous with both readings: n as thousands, alt as decimals.
func parseNumberText(s string) (n, alt float64, err error) {
	s = strings.TrimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "+"):
		neg = s[0] == '-'
		s = s[1:]
	case strings.HasPrefix(s, "−"): // U+2212, the typographic minus
		neg = true
		s = strings.TrimPrefix(s, "−")
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, 0, errNotNumber
	}
	sign := func(f float64) float64 {
		if neg {
			return -f
		}
		return f
	}
	if exponent.MatchString(s) {
		return parse(s, sign)
	}

	spaced := strings.ContainsAny(s, groupSpaces)
	if spaced {
		// Spaces group thousands; whatever single separator is left after
		// the last group is the decimal mark.
		groups := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(groupSpaces, r) })
		if len(groups) < 2 {
			return 0, 0, errNotNumber
		}
		last := groups[len(groups)-1]
		intPart, frac, hasFrac := cutDecimal(last)
		groups[len(groups)-1] = intPart
		if !validGroups(groups) || (hasFrac && !allDigits(frac)) {
			return 0, 0, errNotNumber
		}
		canon := strings.Join(groups, "")
		if hasFrac {
			canon += "." + frac
		}
		return parse(canon, sign)
	}

	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	switch {
	case dots == 0 && commas == 0:
		if !allDigits(s) {
			return 0, 0, errNotNumber
		}
		return parse(s, sign)
	case dots > 0 && commas > 0:
		// Both: the one that comes last is the decimal mark, once; the other
		// groups thousands.
		dec, grp := ".", ","
		if strings.LastIndex(s, ",") > strings.LastIndex(s, ".") {
			dec, grp = ",", "."
		}
		if strings.Count(s, dec) != 1 {
			return 0, 0, errNotNumber
		}
		intPart, frac, _ := strings.Cut(s, dec)
		if !validGroups(strings.Split(intPart, grp)) || !allDigits(frac) {
			return 0, 0, errNotNumber
		}
		return parse(strings.ReplaceAll(intPart, grp, "")+"."+frac, sign)
	}
	sep := "."
	if commas > 0 {
		sep = ","
	}
	parts := strings.Split(s, sep)
	if len(parts) > 2 {
		// Two or more of the same separator can only group thousands.
		if !validGroups(parts) {
			return 0, 0, errNotNumber
		}
		return parse(strings.Join(parts, ""), sign)
	}
	left, right := parts[0], parts[1]
	if !allDigits(right) || (left != "" && !allDigits(left)) {
		return 0, 0, errNotNumber
	}
	if len(right) == 3 && len(left) >= 1 && len(left) <= 3 && left[0] != '0' {
		thousands, _ := strconv.ParseFloat(left+right, 64)
		decimal, _ := strconv.ParseFloat(left+"."+right, 64)
		return sign(thousands), sign(decimal), errAmbiguous
	}
	if left == "" {
		left = "0"
	}
	return parse(left+"."+right, sign)
}

func parse(canon string, sign func(float64) float64) (float64, float64, error) {
	f, err := strconv.ParseFloat(canon, 64)
	if math.IsInf(f, 0) && errors.Is(err, strconv.ErrRange) {
		return 0, 0, errTooLarge
	}
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		// A range error short of infinity is a number too small to tell
		// from zero, which it is.
		return 0, 0, errNotNumber
	}
	return sign(f), 0, nil
}

// cutDecimal splits "234,5" or "234.5" at its decimal mark.
func cutDecimal(s string) (intPart, frac string, ok bool) {
	if i := strings.IndexAny(s, ".,"); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// validGroups reports whether groups read as thousands: one to three digits
// (without a leading zero when more groups follow), then groups of exactly
// three.
func validGroups(groups []string) bool {
	if len(groups) == 0 || len(groups[0]) < 1 || len(groups[0]) > 3 || !allDigits(groups[0]) {
		return false
	}
	if len(groups) > 1 && groups[0][0] == '0' {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !allDigits(g) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
