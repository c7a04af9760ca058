package ingest

import (
	"io/fs"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// arrival is when the file came to be in the inbox, as far as the system
// tells: its birth time, which creating or copying it sets and which no
// copying tool can set back (unlike the modification time), and which
// neither chmod, chown nor any other change of the file's metadata moves.
// Where the file system keeps no birth time, its change time stands in
// (creating, copying or renaming the file sets it too; a later chmod moves
// it). ok is false where neither is known.
func arrival(path string, info fs.FileInfo) (t time.Time, ok bool) {
	var stx unix.Statx_t
	err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_BTIME, &stx)
	if err == nil && stx.Mask&unix.STATX_BTIME != 0 {
		return time.Unix(stx.Btime.Sec, int64(stx.Btime.Nsec)), true
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(st.Ctim.Sec, st.Ctim.Nsec), true
}
