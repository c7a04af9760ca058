package samples

import (
	"embed"
	"io/fs"
)

// valid embeds the valid sample workbooks so that `roadmap demo` runs from the
// binary alone, on a machine without this source folder.
//
//go:embed workbooks/valid
var valid embed.FS

// Valid is the valid sample workbooks as a file system: one folder per
// jurisdiction (AL/, BA/, …), holding that jurisdiction's workbooks, as
// Generate wrote them under ValidDir.
func Valid() fs.FS {
	sub, err := fs.Sub(valid, ValidDir)
	if err != nil {
		panic(err) // ValidDir is a constant path inside the embedded tree
	}
	return sub
}
