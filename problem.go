package roadmap

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one thing wrong in an operator's file (roadmap.yaml, a
// catalogue, the built-in calendar), at its place, in one plain sentence: the
// one problem type of every reader of operator files (docs/configuration.md).
type Problem struct {
	File    string `json:"file,omitempty"` // the file's path or name
	Line    int    `json:"line,omitempty"` // 1-based; 0 when not known
	Key     string `json:"key,omitempty"`  // "meetings[2].period", "indicators[3].levels"
	Message string `json:"message"`
}

// String is the one wording: "roadmap.yaml:14: meetings[2].period: message",
// leaving out what is not known.
func (p Problem) String() string {
	var parts []string
	switch {
	case p.File != "" && p.Line > 0:
		parts = append(parts, fmt.Sprintf("%s:%d", p.File, p.Line))
	case p.File != "":
		parts = append(parts, p.File)
	case p.Line > 0:
		parts = append(parts, fmt.Sprintf("line %d", p.Line))
	}
	if p.Key != "" {
		parts = append(parts, p.Key)
	}
	return strings.Join(append(parts, p.Message), ": ")
}

// Problems is every problem found, as one error: one problem a line, so
// that one edit of the files can fix them all.
type Problems []Problem

// Error puts each problem on its own line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// In sets the file of the problems that name none.
func (ps Problems) In(file string) Problems {
	for i := range ps {
		if ps[i].File == "" {
			ps[i].File = file
		}
	}
	return ps
}

// sortByLine orders problems by line, those without a line last, keeping
// the order of problems on one line.
func sortByLine(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		switch {
		case a.Line == b.Line:
			return 0
		case a.Line == 0:
			return 1
		case b.Line == 0:
			return -1
		}
		return cmp.Compare(a.Line, b.Line)
	})
}
