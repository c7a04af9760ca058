package ingest

import (
	"io/fs"
	"syscall"
	"time"
)

// arrival is when the file came to be as it is in the inbox, as far as the
// system tells: its change time, which creating, copying or renaming it
// sets and which no copying tool can set back (unlike the modification
// time). ok is false where it is unknown.
func arrival(info fs.FileInfo) (t time.Time, ok bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(st.Ctim.Sec, st.Ctim.Nsec), true
}
