package roadmap_test

import (
	"strings"
	"testing"

	"github.com/seesac/roadmap"
)

func TestCheckCronSpec(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		spec string
		want string // "" for valid, else a word of the message
	}{
		{"0 6 * * 1", ""},
		{"* * * * *", ""},
		{"@daily", ""},
		{"@every 1h", ""},
		{"CRON_TZ=Europe/Belgrade 0 6 * * 1", ""},
		{"@every 1h30m", ""},
		{"TZ=Europe/Belgrade", "not valid"},
		{"61 * * * *", "not valid"},
		{"CRON_TZ=Mars/Olympus 0 6 * * *", "not valid"},
		{"0 0 30 2 *", "never fires"},
		{"0 0 31 4 *", "never fires"},
		{"@every 1s", "once a minute at most"},
		{"@every 30s", "once a minute at most"},
		{"CRON_TZ=UTC", "not valid"}, // panics inside robfig/cron
		{"0 8 * *", "not valid"},
		{"", "not valid"},
	} {
		err := roadmap.CheckCronSpec(tt.spec)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q: %v", tt.spec, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.spec)):
			t.Errorf("%q: %v, want a message with %q naming the spec", tt.spec, err, tt.want)
		}
	}
}

func FuzzParseCronSpec(f *testing.F) {
	for _, s := range []string{"0 6 * * 1", "@every 1s", "CRON_TZ=UTC", "0 0 30 2 *", "*/5 * * * *"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		_ = roadmap.CheckCronSpec(spec) // must not panic
	})
}
