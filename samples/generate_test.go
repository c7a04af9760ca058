package samples

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/internal/fixture"
	"github.com/seesac/roadmap/templates"
)

// generated is one generation of the default samples, shared by the tests that
// compare against it: generating them all takes about a second of CPU.
var generated = fixture.New(func(dir string) error {
	cat, err := templates.DefaultCatalogue()
	if err != nil {
		return err
	}
	return Generate(dir, cat)
})

func TestMain(m *testing.M) { fixture.Main(m, generated) }

func defaultCatalogue(t testing.TB) *roadmap.Catalogue {
	t.Helper()
	cat, err := templates.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// generatedFiles lists the files under dir that Generate owns, relative and
// slash-separated, sorted.
func generatedFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Join(dir, "workbooks"), func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() {
			rel, err := filepath.Rel(dir, path)
			if err != nil {
				return err
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, f := range []string{BrokenIndex, CalendarFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// TestCommittedSamplesAreCurrent regenerates the samples and compares them byte
// for byte with the committed ones. When it fails, run go generate ./samples/...
// and review the difference.
func TestCommittedSamplesAreCurrent(t *testing.T) {
	t.Parallel()
	tmp := generated.Path(t)
	fresh, committed := generatedFiles(t, tmp), generatedFiles(t, ".")
	var differ, missing, extra []string
	for _, f := range fresh {
		want, err := os.ReadFile(filepath.Join(tmp, f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(f)
		switch {
		case os.IsNotExist(err):
			missing = append(missing, f)
		case err != nil:
			t.Fatal(err)
		case !bytes.Equal(got, want):
			differ = append(differ, f)
		}
	}
	for _, f := range committed {
		if !slices.Contains(fresh, f) {
			extra = append(extra, f)
		}
	}
	if len(differ)+len(missing)+len(extra) > 0 {
		t.Errorf("committed samples are stale (run go generate ./samples/...):\n differ: %v\n missing: %v\n not generated: %v", differ, missing, extra)
	}
}

// TestGenerateIsDeterministic writes the samples a second time and compares
// every byte with the shared first run, so that a nondeterminism shows even
// when the committed files are stale.
func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	a, b := generated.Path(t), t.TempDir()
	if err := Generate(b, cat); err != nil {
		t.Fatal(err)
	}
	fa, fb := generatedFiles(t, a), generatedFiles(t, b)
	if !slices.Equal(fa, fb) {
		t.Fatalf("two runs wrote different file lists:\n%v\n%v", fa, fb)
	}
	for _, f := range fa {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", f)
		}
	}
	d, err := Build(cat)
	if err != nil {
		t.Fatal(err)
	}
	want := d.Files()
	sort.Strings(want)
	if !slices.Equal(fa, want) {
		t.Errorf("Data.Files() does not match what Generate wrote:\n files: %v\n wrote: %v", want, fa)
	}
}

func TestBuildIsRepeatable(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	a, err := Build(cat)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(cat)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("Build gave two different models for the same catalogue")
	}
}

func TestGenerateNeedsABaseline(t *testing.T) {
	t.Parallel()
	cat := *defaultCatalogue(t).Chain()[0]
	cat.Baseline = roadmap.Period{}
	if err := Generate(t.TempDir(), &cat); err == nil {
		t.Error("Generate accepted a catalogue without a baseline")
	}
}
