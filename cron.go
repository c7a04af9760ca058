package roadmap

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

// Cron jobs the daemon knows (configuration key cron[].job).
const JobStatusDigest = "status-digest"

// CronJobs lists the jobs a cron entry may name.
var CronJobs = []string{JobStatusDigest}

// MinCronInterval is the shortest interval between two runs of a cron
// entry: the daemon's own loop ticks once a minute, and a job every second
// would only fill the log.
const MinCronInterval = time.Minute

// ParseCronSpec reads a cron spec: five fields, or a descriptor such as
// "@daily" or "@every 1h", optionally after CRON_TZ=Zone. Parsing runs under
// recover because robfig/cron panics on "CRON_TZ=UTC" without fields
// (docs/traps.md).
func ParseCronSpec(spec string) (s cron.Schedule, err error) {
	defer func() {
		if v := recover(); v != nil {
			s, err = nil, fmt.Errorf("cron spec %q is not valid: write five fields such as \"0 6 * * 1\" (06:00 on Mondays)", spec)
		}
	}()
	s, err = cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("cron spec %q is not valid: %w", spec, err)
	}
	return s, nil
}

// CheckCronSpec is the rule for a cron entry of the configuration: a spec
// ParseCronSpec reads that can fire ("0 0 30 2 *", 30 February, never does)
// and fires at most once a minute ("@every 1s" is refused).
func CheckCronSpec(spec string) error {
	s, err := ParseCronSpec(spec)
	if err != nil {
		return err
	}
	// From a fixed instant, so that the answer is the same every day. The
	// library looks five years ahead: a spec with no time in them never fires.
	from := time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	first := s.Next(from)
	if first.IsZero() {
		return fmt.Errorf("cron spec %q never fires (no day matches it): write one that does, such as \"0 6 * * 1\"", spec)
	}
	prev := first
	for range 3 {
		next := s.Next(prev)
		if !next.IsZero() && next.Sub(prev) < MinCronInterval {
			return fmt.Errorf("cron spec %q fires every %s: once a minute at most, such as \"0 6 * * 1\" (06:00 on Mondays)", spec, next.Sub(prev))
		}
		prev = next
	}
	return nil
}
