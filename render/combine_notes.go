package render

import (
	"strings"

	"github.com/seesac/roadmap"
)

// The Commissions' words that go with the figures, kept apart from
// combine.go's arithmetic.

// comment is what jurisdiction j wrote beside row for period p, trimmed.
func (c *combiner) comment(j string, p roadmap.Period, row string) string {
	sub := c.used[key{j, p}]
	if sub == nil {
		return ""
	}
	return strings.TrimSpace(c.values[sub][row].Comment)
}
