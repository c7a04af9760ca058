package render

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzReadManifest feeds arbitrary bytes as a report folder's manifest.json:
// reading never panics, and whatever it accepts writes back and reads again
// to the same manifest.
func FuzzReadManifest(f *testing.F) {
	f.Add([]byte(`{"builds":[]}`))
	f.Add([]byte(`{"builds":[{"output":"rcm-16-regional-final.pdf","period":"2026-H1","inputs":[{"period":"2018","version":1}]}]}`))
	f.Add([]byte(`{"builds":[{"period":"2026-H3"}]}`))
	f.Add([]byte(`not json`))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ManifestName), data, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := ReadManifest(dir)
		if err != nil {
			return
		}
		b, err := m.encode()
		if err != nil {
			t.Fatalf("a manifest that was read cannot be written: %v", err)
		}
		if err := os.WriteFile(filepath.Join(dir, ManifestName), b, 0o644); err != nil {
			t.Fatal(err)
		}
		again, err := ReadManifest(dir)
		if err != nil {
			t.Fatalf("a written manifest cannot be read: %v\n%s", err, b)
		}
		if !reflect.DeepEqual(normal(m), normal(again)) {
			t.Fatalf("round trip changed the manifest:\n%+v\n%+v", m, again)
		}
	})
}

// normal treats a nil and an empty list alike, as JSON does not keep them apart
// once omitted.
func normal(m Manifest) Manifest {
	if len(m.Builds) == 0 {
		m.Builds = nil
	}
	for i := range m.Builds {
		if len(m.Builds[i].Inputs) == 0 {
			m.Builds[i].Inputs = nil
		}
	}
	return m
}
