package ingest

import (
	"encoding/json"
	"testing"
	"time"
)

// A note keeps a name, inbox path and source key exactly, whatever bytes
// they hold (item 15 of issue 9), and reads notes of either form.
func FuzzSidecarRoundTrip(f *testing.F) {
	f.Add("roadmap-AL-2026-H1.xlsx")
	f.Add("latin1-\xe9\xe8.xlsx")
	f.Add("evil\x1b[31m\r\n.xlsx")
	f.Add("\xff\xfe")
	f.Fuzz(func(t *testing.T, name string) {
		n := sidecar{Name: name, Folder: "AL", Inbox: "inbox/AL/" + name, Received: time.Unix(1, 0).UTC(),
			Size: 3, Hash: "ab", Source: "inbox/AL/" + name + "|3|x|ab"}
		b, err := json.MarshalIndent(n, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		var back sidecar
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back != n {
			t.Errorf("%q came back as %q", n.Name, back.Name)
		}
	})
}
