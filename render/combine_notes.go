package render

import (
	"strings"

	"github.com/seesac/roadmap"
)

// The Commissions' words that go with the figures, kept apart from
// combine.go's arithmetic.

// comment is what jurisdiction j wrote beside row's figure for period p
// (filed under the period it covers), trimmed.
func (c *combiner) comment(j string, p roadmap.Period, row string) string {
	return strings.TrimSpace(c.vals[key{j, p}][row].v.Comment)
}
