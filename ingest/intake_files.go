package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

// intakeWorkbookExts are handed to the checker, which tells an .xls, an .ods or a
// damaged file apart and says so.
var intakeWorkbookExts = map[string]bool{
	".xlsx": true, ".xlsm": true, ".xltx": true, ".xltm": true, ".xls": true, ".xlsb": true, ".ods": true, ".fods": true,
}

// intakeOtherKinds names the files that Commissions send by mistake.
var intakeOtherKinds = map[string]string{
	".pdf": "a PDF document", ".doc": "a Word document", ".docx": "a Word document", ".docm": "a Word document",
	".odt": "an OpenDocument text", ".rtf": "a text document", ".txt": "a plain text file",
	".csv": "a CSV text file", ".tsv": "a text file of figures", ".zip": "a zip archive", ".7z": "a 7-Zip archive",
	".rar": "a RAR archive", ".gz": "a compressed archive", ".jpg": "a picture", ".jpeg": "a picture",
	".png": "a picture", ".gif": "a picture", ".bmp": "a picture", ".tif": "a picture", ".tiff": "a picture",
	".heic": "a picture", ".ppt": "a PowerPoint presentation", ".pptx": "a PowerPoint presentation",
	".msg": "an e-mail message", ".eml": "an e-mail message", ".htm": "a web page", ".html": "a web page",
	".xml": "an XML file", ".json": "a JSON file", ".lnk": "a Windows shortcut", ".url": "an internet shortcut",
	".numbers": "an Apple Numbers spreadsheet (export it to Excel first)", ".exe": "a program",
}

var (
	intakeZipMagic = []byte("PK\x03\x04")
	intakeOLEMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// notWorkbook says what a file is when it is plainly not a workbook, from its
// name and its first bytes. A file with a workbook's extension, or with none
// but a zip or OLE container inside, goes to the checker, which tells the
// causes apart.
func notWorkbook(name string, head []byte) (string, bool) {
	ext := strings.ToLower(filepath.Ext(name))
	if intakeWorkbookExts[ext] {
		return "", false
	}
	if what, ok := intakeOtherKinds[ext]; ok {
		return what, true
	}
	n := len(head)
	if bytes.HasPrefix(head, intakeZipMagic) || bytes.HasPrefix(head, intakeOLEMagic) {
		return "", false
	}
	if n == 0 {
		return "an empty file", true
	}
	ct := http.DetectContentType(head)
	switch {
	case strings.HasPrefix(ct, "application/pdf"):
		return "a PDF document", true
	case strings.HasPrefix(ct, "image/"):
		return "a picture", true
	case strings.HasPrefix(ct, "text/html"):
		return "a web page", true
	case strings.HasPrefix(ct, "text/xml"):
		return "an XML file", true
	case strings.HasPrefix(ct, "text/plain"):
		return "a plain text file", true
	case strings.Contains(ct, "gzip"), strings.Contains(ct, "rar"), strings.Contains(ct, "7z"):
		return "a compressed archive", true
	}
	return "a file of a kind this service does not read", true
}

// sidecarSuffix names the note kept beside every stored original: the
// original's name, inbox folder, received time and source key. It is what
// lets Reindex rebuild the ledger exactly (see the package doc).
const sidecarSuffix = ".intake.json"

type sidecar struct {
	Name     string    `json:"name"`
	Folder   string    `json:"folder,omitempty"`
	Inbox    string    `json:"inbox"`
	Received time.Time `json:"received"`
	Size     int64     `json:"size"`
	Hash     string    `json:"hash,omitempty"`
	Source   string    `json:"source"`
}

// sidecarJSON is a note as written. A file name need not be UTF-8 (on Linux
// it is any bytes), and a JSON string would replace the bytes that are not:
// such a name, and the inbox path and source key that contain it, are also
// kept exactly in a _bytes field (base64), which reading prefers, so that a
// reindex records the very name and drop key the intake did.
type sidecarJSON struct {
	sidecarFields
	NameBytes   []byte `json:"name_bytes,omitempty"`
	InboxBytes  []byte `json:"inbox_bytes,omitempty"`
	SourceBytes []byte `json:"source_bytes,omitempty"`
}

// sidecarFields is sidecar without its methods.
type sidecarFields sidecar

func (n sidecar) MarshalJSON() ([]byte, error) {
	out := sidecarJSON{sidecarFields: sidecarFields(n)}
	exact := func(s string) []byte {
		if utf8.ValidString(s) {
			return nil
		}
		return []byte(s)
	}
	out.NameBytes, out.InboxBytes, out.SourceBytes = exact(n.Name), exact(n.Inbox), exact(n.Source)
	return json.Marshal(out)
}

func (n *sidecar) UnmarshalJSON(b []byte) error {
	var in sidecarJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*n = sidecar(in.sidecarFields)
	for _, f := range []struct {
		dst   *string
		exact []byte
	}{{&n.Name, in.NameBytes}, {&n.Inbox, in.InboxBytes}, {&n.Source, in.SourceBytes}} {
		if f.exact != nil {
			*f.dst = string(f.exact)
		}
	}
	return nil
}

// store keeps the original at s.Path: a copy written to a temporary file,
// checked against the hash and renamed, its modification time set to the
// received time; then the sidecar. With flush nil both are synced, side by
// side, and then their folder; otherwise they are added to flush, and are
// durable only once it is synced (a group commit). Storing again is
// harmless: the name comes from the content, so it is the same file.
func (in *Intake) store(d drop, s *roadmap.Submission, source string, flush *datadir.Flush) error {
	dst := in.abs(s.Path)
	if _, err := datadir.MkdirAll(filepath.Dir(dst)); err != nil {
		return err
	}
	note, err := json.MarshalIndent(sidecar{Name: d.name, Folder: d.folder, Inbox: datadir.InboxPath(d.rel),
		Received: s.Received.UTC(), Size: s.Size, Hash: s.Hash, Source: source}, "", "  ")
	if err != nil {
		return err
	}
	note = append(note, '\n')
	if flush != nil {
		// The note's own time says nothing: only the original's is the
		// received time.
		if err := in.keepOriginal(d, s, dst, datadir.Write{ModTime: s.Received}); err != nil {
			return err
		}
		if d.symlink() {
			flush.AddLink(dst)
		} else {
			flush.Add(dst)
		}
		if err := datadir.WriteBytes(dst+sidecarSuffix, datadir.Write{}, note); err != nil {
			return err
		}
		flush.Add(dst + sidecarSuffix)
		return nil
	}
	// The original and its note are written and flushed side by side: both
	// must be on disk before the ledger commits, in either order, and two
	// flushes at once cost the disk about one.
	var wg sync.WaitGroup
	var noteErr error
	wg.Go(func() {
		noteErr = datadir.WriteBytes(dst+sidecarSuffix, datadir.Write{Sync: true}, note)
	})
	err = in.keepOriginal(d, s, dst, datadir.Write{ModTime: s.Received, Sync: true})
	wg.Wait()
	if err := errors.Join(err, noteErr); err != nil {
		return err
	}
	return datadir.SyncDir(filepath.Dir(dst))
}

// keepOriginal writes the original at dst, as w says, with its received
// time.
func (in *Intake) keepOriginal(d drop, s *roadmap.Submission, dst string, w datadir.Write) error {
	switch {
	case in.oversized(d):
		// Never read: moved into place on the data folder's file system,
		// so it costs no second copy of its size. An inbox on another file
		// system (a share mounted at inbox/) cannot move it: it is copied
		// as a stream, as mv does, and leaves the inbox when finished.
		rename := in.rename
		if rename == nil {
			rename = os.Rename
		}
		err := rename(d.abs, dst)
		if errors.Is(err, syscall.EXDEV) {
			err = copyUnread(d.abs, dst, w)
		}
		if err != nil {
			return fmt.Errorf("move the oversized file: %w", err)
		}
		// Moved, it keeps the sender's mode: it gets the data folder's.
		if err := os.Chmod(dst, datadir.FileMode); err != nil {
			return err
		}
		return os.Chtimes(dst, s.Received, s.Received)
	case d.symlink():
		// Kept as a link with the same target: never followed, not even to
		// copy what it points at.
		target, err := os.Readlink(d.abs)
		if err != nil {
			return err
		}
		return datadir.Symlink(target, dst)
	case d.data != nil && hashBytes(d.data) == s.Hash:
		// The content as hashed, held since: no second read of the file.
		return datadir.WriteBytes(dst, w, d.data)
	default:
		return copyVerified(d.abs, dst, s.Hash, w)
	}
}

// copyVerified copies src to dst through a temporary file and fails, leaving
// dst as it was, if the bytes copied do not have the expected hash.
func copyVerified(src, dst, hash string, w datadir.Write) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return datadir.WriteFile(dst, w, func(w io.Writer) error {
		h := sha256.New()
		if _, err := io.Copy(io.MultiWriter(w, h), in); err != nil {
			return err
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != hash {
			return errors.New("the file changed while it was copied")
		}
		return nil
	})
}

// copyUnread copies the file at src to dst as a stream, never holding it
// whole: for a file over the size limit that cannot be moved.
func copyUnread(src, dst string, w datadir.Write) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	return datadir.WriteFile(dst, w, func(out io.Writer) error {
		_, err := io.Copy(out, f)
		return err
	})
}
