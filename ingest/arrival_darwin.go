package ingest

import (
	"io/fs"
	"syscall"
	"time"
)

// arrival is when the file came to be in the inbox: its birth time (see
// arrival_linux.go).
func arrival(_ string, info fs.FileInfo) (t time.Time, ok bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(st.Birthtimespec.Sec, st.Birthtimespec.Nsec), true
}
