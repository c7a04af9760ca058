package ingest

import (
	"io/fs"
	"syscall"
	"time"
)

// arrival is when the file came to be as it is in the inbox: its change
// time (see arrival_linux.go).
func arrival(info fs.FileInfo) (t time.Time, ok bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(st.Ctimespec.Sec, st.Ctimespec.Nsec), true
}
