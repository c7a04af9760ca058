// Package schedule turns the meeting calendar into report builds: it reads and
// checks the calendar (an embedded default that roadmap.yaml can replace),
// computes the build plan as a pure function of the calendar, the builds
// already recorded and the current time, and runs the due builds from a cron
// runner that recovers from panics, never overlaps itself and catches up after
// downtime.
package schedule
