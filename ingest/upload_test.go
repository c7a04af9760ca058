package ingest

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Uploads of one name that arrive together: one is placed, the others are
// refused as waiting files of that name, so that none is replaced unseen
// after its sender was told it was received (each checked the name first,
// and every one renamed itself over the others).
func TestConcurrentDropsReplaceNothing(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := strings.Repeat(string(rune('a'+i)), 1<<20)
			errs[i] = e.in.Drop("AL", "same.xlsx", strings.NewReader(body))
		}()
	}
	wg.Wait()
	placed := -1
	for i, err := range errs {
		switch {
		case err == nil && placed >= 0:
			t.Errorf("drops %d and %d were both placed", placed, i)
		case err == nil:
			placed = i
		case !errors.Is(err, fs.ErrExist):
			t.Errorf("drop %d: %v", i, err)
		}
	}
	if placed < 0 {
		t.Fatal("no drop was placed")
	}
	got, err := os.ReadFile(filepath.Join(e.root, "inbox", "AL", "same.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if want := bytes.Repeat([]byte{byte('a' + placed)}, 1<<20); !bytes.Equal(got, want) {
		t.Errorf("the inbox holds another content than the one drop told it was placed (%d)", placed)
	}
	entries, err := os.ReadDir(filepath.Join(e.root, "inbox", "AL"))
	if err != nil || len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want the one file: %v", len(entries), err)
	}
}
