package datadir

import (
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
)

// TestFlushSyncsFilesLinksAndFolders syncs files in two folders and a
// symbolic link whose target does not exist (a link is never followed),
// both with the system's one flush and with the file-by-file fallback.
func TestFlushSyncsFilesLinksAndFolders(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	var f Flush
	var files []string
	for _, dir := range []string{"a", "b"} {
		if _, err := MkdirAll(filepath.Join(root, dir)); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"one", "two"} {
			p := filepath.Join(root, dir, name)
			if err := WriteBytes(p, Write{}, []byte(name)); err != nil {
				t.Fatal(err)
			}
			f.Add(p)
			files = append(files, p)
		}
	}
	link := filepath.Join(root, "a", "link")
	if err := Symlink("nowhere", link); err != nil {
		t.Fatal(err)
	}
	f.AddLink(link)
	if len(f.dirs) != 2 {
		t.Fatalf("folders to sync: %q", f.dirs)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if len(f.files) != 0 || len(f.dirs) != 0 {
		t.Fatalf("not emptied: %q %q", f.files, f.dirs)
	}
	if err := f.Sync(); err != nil {
		t.Fatalf("nothing to sync: %v", err)
	}
	if err := syncFiles(files); err != nil {
		t.Fatalf("file by file: %v", err)
	}
	if err := syncFiles([]string{filepath.Join(root, "gone")}); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a missing file: %v", err)
	}
}
