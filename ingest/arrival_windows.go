package ingest

import (
	"io/fs"
	"syscall"
	"time"
)

// arrival is when the file came to be in the inbox: its creation time,
// which a copy sets to the moment of copying (see arrival_linux.go).
func arrival(_ string, info fs.FileInfo) (t time.Time, ok bool) {
	d, ok := info.Sys().(*syscall.Win32FileAttributeData)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(0, d.CreationTime.Nanoseconds()), true
}
