package samples

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"sync"
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

// builtin is the built-in catalogue, read once: tests only read it.
var builtin = sync.OnceValues(templates.DefaultCatalogue)

func defaultCatalogue(t testing.TB) *roadmap.Catalogue {
	t.Helper()
	cat, err := builtin()
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

// compareSamples compares the files Generate owns in two folders byte for
// byte: those that differ, those only in a, those only in b.
func compareSamples(t *testing.T, a, b string) (differ, onlyA, onlyB []string) {
	t.Helper()
	fa, fb := generatedFiles(t, a), generatedFiles(t, b)
	for _, f := range fa {
		x, err := os.ReadFile(filepath.Join(a, f))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, f))
		switch {
		case os.IsNotExist(err):
			onlyA = append(onlyA, f)
		case err != nil:
			t.Fatal(err)
		case !bytes.Equal(x, y):
			differ = append(differ, f)
		}
	}
	for _, f := range fb {
		if !slices.Contains(fa, f) {
			onlyB = append(onlyB, f)
		}
	}
	return differ, onlyA, onlyB
}

// TestCommittedSamplesAreCurrent regenerates the samples and compares them byte
// for byte with the committed ones. When it fails, run go generate ./samples/...
// and review the difference.
func TestCommittedSamplesAreCurrent(t *testing.T) {
	t.Parallel()
	differ, missing, extra := compareSamples(t, generated.Path(t), ".")
	if len(differ)+len(missing)+len(extra) > 0 {
		t.Errorf("committed samples are stale (run go generate ./samples/...):\n differ: %v\n missing: %v\n not generated: %v", differ, missing, extra)
	}
}

// TestGenerateIsDeterministic checks that two runs of Generate write the same
// files, byte for byte. The committed samples are an earlier run's, made by
// another process (go generate): when the shared run matches them, two runs
// already agree. Only when they do not (stale samples) is Generate run a
// second time here, so that a nondeterminism shows apart from staleness.
func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	a := generated.Path(t)
	if differ, missing, extra := compareSamples(t, a, "."); len(differ)+len(missing)+len(extra) > 0 {
		b := t.TempDir()
		if err := Generate(b, cat); err != nil {
			t.Fatal(err)
		}
		differ, onlyA, onlyB := compareSamples(t, a, b)
		if len(onlyA)+len(onlyB) > 0 {
			t.Fatalf("two runs wrote different file lists: only the first %v, only the second %v", onlyA, onlyB)
		}
		for _, f := range differ {
			t.Errorf("%s differs between two runs", f)
		}
	}
	_, d := build(t)
	want := d.Files()
	sort.Strings(want)
	if fa := generatedFiles(t, a); !slices.Equal(fa, want) {
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
