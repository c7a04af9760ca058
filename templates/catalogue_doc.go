package templates

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/go-playground/validator/v10"
	"go.yaml.in/yaml/v3"

	"github.com/seesac/roadmap"
)

// catalogueTypes lists every type of the catalogue's schema, for the test
// that validates each once (a mistyped validate tag only panics when its
// struct is first validated).
var catalogueTypes = []any{roadmap.Catalogue{}, roadmap.Succession{}, roadmap.Ratio{}, roadmap.Footnote{}, roadmap.Jurisdiction{}, roadmap.Goal{}, roadmap.Indicator{}, roadmap.Breakdown{}, roadmap.Part{}, roadmap.Target{}}

var catalogueType = reflect.TypeFor[roadmap.Catalogue]()

var textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()

// codePattern is what a code may look like: it ends up in row codes
// ("G3.1/female"), file names and folder names, so no spaces and no slash.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

// validate is built once: a Validate caches what it learns about each struct.
var validate = newValidate()

func newValidate() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	if err := v.RegisterValidation("code", func(fl validator.FieldLevel) bool {
		return codePattern.MatchString(fl.Field().String())
	}); err != nil {
		panic(fmt.Sprintf("register code validation: %v", err))
	}
	return v
}

// fieldMessages turns each validation tag into a plain sentence; the
// validator's own text is never shown. Every tag used above must be here
// (a test checks).
var fieldMessages = map[string]func(fe validator.FieldError) string{
	"required": func(fe validator.FieldError) string {
		return "is missing or empty: it is required"
	},
	"min": func(fe validator.FieldError) string {
		if fe.Kind() == reflect.Slice || fe.Kind() == reflect.Map {
			if fe.Param() == "1" {
				return "is missing or empty: list at least one"
			}
			return fmt.Sprintf("must list at least %s", fe.Param())
		}
		return fmt.Sprintf("must be at least %s", fe.Param())
	},
	"max": func(fe validator.FieldError) string {
		return fmt.Sprintf("must be at most %s", fe.Param())
	},
	"gte": func(fe validator.FieldError) string {
		if fe.Param() == "-1" {
			return fmt.Sprintf("%v is below -1: a change cannot be more than 100 %% down (write -0.3 for 30 %% below the baseline)", fe.Value())
		}
		return fmt.Sprintf("must be a number, %s or more", fe.Param())
	},
	"code": func(fe validator.FieldError) string {
		return fmt.Sprintf("%q is not a valid code: use up to 32 letters, digits, '.', '-' or '_', without spaces or '/'", fmt.Sprint(fe.Value()))
	},
}

func (c *checker) validate(d *roadmap.Catalogue) {
	err := validate.Struct(d)
	if err == nil {
		return
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		c.add("", "the catalogue could not be checked: %v", err)
		return
	}
	for _, fe := range verrs {
		path := fe.Namespace()
		// Drop the struct's own name ("Catalogue.").
		if _, rest, ok := strings.Cut(path, "."); ok {
			path = rest
		}
		if c.bad[path] {
			continue // already reported as a value of the wrong type
		}
		msg := "has a value that is not allowed"
		if f, ok := fieldMessages[fe.Tag()]; ok {
			msg = f(fe)
		}
		c.add(path, "%s", msg)
	}
}

// walk follows the YAML tree along the catalogue's types to record the line of
// every place, to report unknown keys (typos), repeated keys and values of
// the wrong shape, each where it is.
func (c *checker) walk(n *yaml.Node, path string, t reflect.Type) {
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return
		}
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		// A period or a kind reads itself; one that cannot is reported here,
		// in its own words, and left out of the decoding, which would
		// otherwise stop at it.
		if n.Kind != yaml.ScalarNode {
			c.wrongType(path, n, "a single value")
			return
		}
		if err := reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			c.bad = setBad(c.bad, path)
			c.typeProblems = true
			c.problems = append(c.problems, roadmap.Problem{Line: n.Line, Key: path, Message: err.Error()})
			n.Tag, n.Value = "!!null", ""
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		c.walk(n, path, t.Elem())
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			c.wrongType(path, n, "a set of keys (key: value lines)")
			return
		}
		fields := yamlFields(t)
		c.mapping(n, path, func(k, v *yaml.Node) {
			if k.ShortTag() == "!!merge" {
				c.walkMerge(v, path, t)
				return
			}
			p := join(path, k.Value)
			ft, ok := fields[k.Value]
			if !ok {
				c.problems = append(c.problems, roadmap.Problem{Line: k.Line, Key: p, Message: unknownKey(k.Value, fields)})
				return
			}
			c.lines[p] = k.Line
			c.walk(v, p, ft)
		})
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			c.wrongType(path, n, "a set of keys (key: value lines)")
			return
		}
		c.mapping(n, path, func(k, v *yaml.Node) {
			p := fmt.Sprintf("%s[%s]", path, k.Value)
			c.lines[p] = k.Line
			c.walk(v, p, t.Elem())
		})
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			c.wrongType(path, n, "a list")
			return
		}
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			c.lines[p] = item.Line
			c.walk(item, p, t.Elem())
		}
	default:
		want := map[reflect.Kind]string{
			reflect.String:  "text",
			reflect.Int:     "a whole number",
			reflect.Float64: "a number",
			reflect.Bool:    "true or false",
		}[t.Kind()]
		if n.Kind != yaml.ScalarNode {
			c.wrongType(path, n, want)
			return
		}
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			c.wrongType(path, n, want)
		}
	}
}

func (c *checker) walkMerge(v *yaml.Node, path string, t reflect.Type) {
	if v.Kind == yaml.SequenceNode {
		for _, item := range v.Content {
			c.walk(item, path, t)
		}
		return
	}
	c.walk(v, path, t)
}

// mapping calls fn for each key and value, reporting a key written twice.
func (c *checker) mapping(n *yaml.Node, path string, fn func(k, v *yaml.Node)) {
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.ShortTag() != "!!merge" {
			if line, ok := first[k.Value]; ok {
				c.typeProblems = true
				c.problems = append(c.problems, roadmap.Problem{Line: k.Line, Key: join(path, k.Value), Message: fmt.Sprintf("key %q is written twice: the first is at line %d", k.Value, line)})
				continue
			}
			first[k.Value] = k.Line
		}
		fn(k, v)
	}
}

func setBad(bad map[string]bool, path string) map[string]bool {
	if bad == nil {
		bad = map[string]bool{}
	}
	bad[path] = true
	return bad
}

func (c *checker) wrongType(path string, n *yaml.Node, want string) {
	c.bad = setBad(c.bad, path)
	c.typeProblems = true
	c.problems = append(c.problems, roadmap.Problem{Line: n.Line, Key: path, Message: fmt.Sprintf("should be %s, not %s", want, describeNode(n))})
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a set of keys"
	case yaml.SequenceNode:
		return "a list"
	}
	v := n.Value
	if len([]rune(v)) > 40 {
		v = string([]rune(v)[:40]) + "…"
	}
	return fmt.Sprintf("%q", v)
}

func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			out[name] = f.Type
		}
	}
	return out
}

// unknownKey suggests the closest known key, since an unknown key is most
// often a typo that would otherwise silently leave a setting at its default.
func unknownKey(key string, fields map[string]reflect.Type) string {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	best, bestD := "", 3
	for _, name := range names {
		if d := editDistance(strings.ToLower(key), name); d < bestD {
			best, bestD = name, d
		}
	}
	if best != "" {
		return fmt.Sprintf("unknown key %q: did you mean %q?", key, best)
	}
	return fmt.Sprintf("unknown key %q: the keys allowed here are %s", key, strings.Join(names, ", "))
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
