package roadmap

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Changes says what differs from c to next, one phrase per setting, in the
// file's order of keys, for the daemon's "configuration reloaded" line:
// "intake.stable: 5s -> 2s", "plans changed", "cron: 1 entries -> 2",
// "meetings: added rcm-17; changed rcm-16". It walks the configuration by its
// YAML keys, so a new section is compared without code here.
func (c Config) Changes(next Config) []string {
	var out []string
	changes(&out, "", reflect.ValueOf(c), reflect.ValueOf(next))
	return out
}

func changes(out *[]string, key string, a, b reflect.Value) {
	switch {
	case a.Kind() == reflect.Struct && a.Type() != reflect.TypeFor[Date]() && a.Type() != reflect.TypeFor[Period]():
		for i := range a.NumField() {
			f := a.Type().Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			changes(out, join(key, name), a.Field(i), b.Field(i))
		}
	case reflect.DeepEqual(a.Interface(), b.Interface()):
	case a.Type() == reflect.TypeFor[[]Meeting]():
		*out = append(*out, key+": "+calendarChanges(a.Interface().([]Meeting), b.Interface().([]Meeting)))
	case a.Kind() == reflect.Slice && a.Len() != b.Len():
		*out = append(*out, fmt.Sprintf("%s: %d entries -> %d", key, a.Len(), b.Len()))
	case a.Kind() == reflect.Slice || a.Kind() == reflect.Map || a.Kind() == reflect.Pointer:
		*out = append(*out, key+" changed")
	default:
		*out = append(*out, fmt.Sprintf("%s: %s -> %s", key, shown(a), shown(b)))
	}
}

// shown is a setting's value in a change line; an empty one is "none".
func shown(v reflect.Value) string {
	if v.Type() == durationType {
		return v.Interface().(time.Duration).String()
	}
	if s := fmt.Sprint(v.Interface()); s != "" {
		return s
	}
	return "none"
}

// calendarChanges says which meetings were added, removed or changed.
func calendarChanges(old, next []Meeting) string {
	byID := func(ms []Meeting) map[string]Meeting {
		m := make(map[string]Meeting, len(ms))
		for _, x := range ms {
			m[x.ID] = x
		}
		return m
	}
	o, n := byID(old), byID(next)
	var added, removed, changed []string
	for id, m := range n {
		if p, ok := o[id]; !ok {
			added = append(added, id)
		} else if p != m {
			changed = append(changed, id)
		}
	}
	for id := range o {
		if _, ok := n[id]; !ok {
			removed = append(removed, id)
		}
	}
	var parts []string
	for _, g := range []struct {
		what string
		ids  []string
	}{{"added", added}, {"removed", removed}, {"changed", changed}} {
		if len(g.ids) > 0 {
			slices.Sort(g.ids)
			parts = append(parts, g.what+" "+strings.Join(g.ids, ", "))
		}
	}
	if len(parts) == 0 {
		return "reordered"
	}
	return strings.Join(parts, "; ")
}
