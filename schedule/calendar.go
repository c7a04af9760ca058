package schedule

import (
	_ "embed"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

//go:embed calendar.yaml
var defaultCalendar []byte

// DefaultCalendar is the embedded calendar: the regional meetings held so far
// and the cadence continued, marked planned, to the end of 2028.
func DefaultCalendar() ([]roadmap.Meeting, error) {
	ms, err := ParseCalendar(defaultCalendar)
	if err != nil {
		return nil, fmt.Errorf("built-in calendar: %w", err)
	}
	return ms, nil
}

// meetingKeys are the pinned keys of a meeting (design.md); any other key is
// most likely a typo that would otherwise silently drop a value.
var meetingKeys = map[string]bool{
	"id": true, "kind": true, "number": true, "date": true, "place": true,
	"jurisdiction": true, "period": true, "deadline": true, "planned": true,
}

// Problem is one thing wrong with a calendar, with its place, so that an
// operator can find and fix it.
type Problem struct {
	Where   string `json:"where"`   // "meetings[3] (rcm-16), line 42"
	Message string `json:"message"` // one sentence, plain English
}

func (p Problem) String() string { return p.Where + ": " + p.Message }

// ValidationError lists every problem found in a calendar or a build plan,
// not just the first, so that one edit can fix them all.
type ValidationError struct {
	What     string // "meeting calendar", "build plan"
	Problems []Problem
}

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return e.What + ": " + strings.Join(lines, "; ")
}

func calendarError(probs ...Problem) *ValidationError {
	return &ValidationError{What: "meeting calendar", Problems: probs}
}

// ParseCalendar reads a YAML document whose key "meetings" lists the meetings,
// and validates them. On any problem it returns a *ValidationError naming every
// problem with the meeting's position, id and line.
func ParseCalendar(data []byte) ([]roadmap.Meeting, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("meeting calendar: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil, calendarError(Problem{Where: "calendar", Message: `the file is empty: list the meetings under the key "meetings"`})
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, calendarError(Problem{Where: fmt.Sprintf("line %d", root.Line), Message: `the file must be a mapping with the key "meetings"`})
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "meetings" {
			list = root.Content[i+1]
		}
	}
	if list == nil {
		return nil, calendarError(Problem{Where: "calendar", Message: `there is no key "meetings": list the meetings under it`})
	}
	return decodeMeetings(list)
}

func decodeMeetings(list *yaml.Node) ([]roadmap.Meeting, error) {
	if list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
		return []roadmap.Meeting{}, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, calendarError(Problem{Where: fmt.Sprintf("meetings, line %d", list.Line), Message: "meetings must be a list, one entry per meeting starting with \"- id:\""})
	}
	var probs []Problem
	ms := make([]roadmap.Meeting, 0, len(list.Content))
	lines := make([]int, 0, len(list.Content))
	for i, n := range list.Content {
		where := fmt.Sprintf("meetings[%d], line %d", i, n.Line)
		if n.Kind != yaml.MappingNode {
			probs = append(probs, Problem{where, "each meeting must be a set of keys such as id, kind, date and period"})
			continue
		}
		var m roadmap.Meeting
		ok := true
		for k := 0; k+1 < len(n.Content); k += 2 {
			key, val := n.Content[k], n.Content[k+1]
			if !meetingKeys[key.Value] {
				probs = append(probs, Problem{fmt.Sprintf("meetings[%d], line %d", i, key.Line),
					fmt.Sprintf("unknown key %q: the keys are id, kind, number, date, place, jurisdiction, period, deadline and planned", key.Value)})
				ok = false
				continue
			}
			if err := decodeKey(&m, key.Value, val); err != nil {
				probs = append(probs, Problem{fmt.Sprintf("meetings[%d], line %d, %s", i, val.Line, key.Value), err.Error()})
				ok = false
			}
		}
		if ok {
			ms = append(ms, m)
			lines = append(lines, n.Line)
		}
	}
	probs = append(probs, validate(ms, func(i int) string {
		return fmt.Sprintf("meetings[%d] (%s), line %d", i, ms[i].ID, lines[i])
	})...)
	if len(probs) > 0 {
		return nil, calendarError(probs...)
	}
	return ms, nil
}

// decodeKey decodes one key so that a bad value is reported against its key
// and line, in words rather than as a Go type error.
func decodeKey(m *roadmap.Meeting, key string, val *yaml.Node) error {
	var err error
	switch key {
	case "number":
		if err = val.Decode(&m.Number); err != nil {
			return fmt.Errorf("number %q is not a whole number", val.Value)
		}
		return nil
	case "planned":
		if err = val.Decode(&m.Planned); err != nil {
			return fmt.Errorf("planned %q must be true or false", val.Value)
		}
		return nil
	}
	if val.Kind != yaml.ScalarNode {
		return fmt.Errorf("%s must be a single value, not a list or a set of keys", key)
	}
	switch key {
	case "id":
		m.ID = val.Value
	case "kind":
		m.Kind = roadmap.MeetingKind(val.Value)
	case "place":
		m.Place = val.Value
	case "jurisdiction":
		m.Jurisdiction = val.Value
	case "date":
		err = m.Date.UnmarshalText([]byte(val.Value))
	case "deadline":
		err = m.Deadline.UnmarshalText([]byte(val.Value))
	case "period":
		err = m.Period.UnmarshalText([]byte(val.Value))
	}
	return err
}

// ValidateCalendar checks meetings that were decoded elsewhere (for example
// from roadmap.yaml) by the same rules as ParseCalendar, and returns a
// *ValidationError naming every problem, or nil.
func ValidateCalendar(meetings []roadmap.Meeting) error {
	probs := validate(meetings, func(i int) string {
		return fmt.Sprintf("meetings[%d] (%s)", i, meetings[i].ID)
	})
	if len(probs) > 0 {
		return calendarError(probs...)
	}
	return nil
}

func validate(ms []roadmap.Meeting, where func(int) string) []Problem {
	var probs []Problem
	seen := map[string]int{}
	for i, m := range ms {
		add := func(msg string) { probs = append(probs, Problem{where(i), msg}) }
		switch {
		case m.ID == "":
			add(`the meeting has no id: give it a short unique name such as "rcm-16"`)
		case !safeID(m.ID):
			add(fmt.Sprintf("id %q may only use letters, digits, '-', '_' and '.', and must not start with '.', because it names the meeting's report folder", m.ID))
		case datadir.CheckReportName(m.ID) != nil:
			add(fmt.Sprintf("id %s: choose another id", datadir.CheckReportName(m.ID)))
		default:
			if j, dup := seen[m.ID]; dup {
				add(fmt.Sprintf("id %q is already used by meetings[%d]: each meeting needs its own id", m.ID, j))
			} else {
				seen[m.ID] = i
			}
		}
		switch m.Kind {
		case roadmap.Regional, roadmap.HighLevel:
		case roadmap.Local:
			if m.Jurisdiction == "" {
				add("a local meeting needs a jurisdiction, such as AL")
			}
		case "":
			add("the meeting has no kind: write regional, local or high-level")
		default:
			add(fmt.Sprintf("kind %q is not known: write regional, local or high-level", m.Kind))
		}
		if m.Date.IsZero() {
			add("the meeting has no date: write it as 2026-12-15")
		}
		if m.Period.IsZero() {
			add(`the meeting has no period: name the period it reviews, such as "2026-H1"`)
		}
		if !m.Period.IsZero() && !m.Date.IsZero() && roadmap.DateOf(m.Period.Last()).Compare(m.Date) >= 0 {
			add(fmt.Sprintf("the period %s ends on or after the meeting's date %s: a meeting reviews a period that has ended", m.Period, m.Date))
		}
		if !m.Deadline.IsZero() && !m.Date.IsZero() && m.Deadline.Compare(m.Date) >= 0 {
			add(fmt.Sprintf("the deadline %s is not before the meeting's date %s: submissions must be due before the meeting", m.Deadline, m.Date))
		}
	}
	return probs
}

func safeID(id string) bool {
	if strings.HasPrefix(id, ".") {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}
