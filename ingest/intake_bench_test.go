//go:build linux

package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/store"
)

// inboxSize is the inbox the performance goal names: a pass over 1,000
// workbooks in under 5 seconds on this project's 2-core machine, under 200 MB
// at its peak.
const inboxSize = 1000

// inboxChildEnv, when set to a data folder, makes the test binary a child
// that makes one pass over that folder's inbox and prints how long it took
// (TestInboxPassChild), so that the parent can read the child's peak memory.
const inboxChildEnv = "ROADMAP_BENCH_INBOX_ROOT"

// inboxWorkbooks returns 1,000 distinct workbooks (path → inbox folder):
// copies of the valid samples, each with its own comment in the KPI sheet,
// so that every one is a new version of its report rather than a duplicate.
// Making them takes a while, so they are kept in the system's temporary
// folder under a name that changes with the samples, and made only once.
func inboxWorkbooks(b *testing.B) map[string]string {
	b.Helper()
	samples, err := filepath.Glob(filepath.Join(samplesDir, "workbooks", "valid", "*", "*.xlsx"))
	if err != nil || len(samples) == 0 {
		b.Skip("no sample workbooks (generate them with go run ./samples/gen)")
	}
	sort.Strings(samples)
	h := sha256.New()
	for _, p := range samples {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		h.Write(data)
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("roadmap-inbox%d-%s", inboxSize, hex.EncodeToString(h.Sum(nil))[:12]))
	out := make(map[string]string, inboxSize)
	for i := range inboxSize {
		src := samples[i%len(samples)]
		folder := filepath.Base(filepath.Dir(src))
		out[filepath.Join(dir, folder, fmt.Sprintf("%04d-%s", i, filepath.Base(src)))] = folder
	}
	done := filepath.Join(dir, "complete")
	if _, err := os.Stat(done); err == nil {
		return out
	}
	start := time.Now()
	for p := range out {
		n, _ := strconv.Atoi(strings.SplitN(filepath.Base(p), "-", 2)[0])
		if err := copyWithComment(samples[n%len(samples)], p, fmt.Sprintf("Benchmark copy %d.", n)); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Logf("made %d workbooks in %s in %s", inboxSize, dir, time.Since(start).Round(time.Millisecond))
	return out
}

// copyWithComment writes a copy of the workbook src to dst with comment in
// the Comment column of the first indicator row.
func copyWithComment(src, dst, comment string) error {
	f, err := excelize.OpenFile(src)
	if err != nil {
		return err
	}
	defer f.Close()
	cell := fmt.Sprintf("%s%d", roadmap.KPIColComment, roadmap.KPIHeaderRow+1)
	if err := f.SetCellValue(roadmap.SheetKPI, cell, comment); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return f.SaveAs(dst)
}

// fillInbox makes a data folder whose inbox holds the workbooks.
func fillInbox(b *testing.B, books map[string]string) string {
	b.Helper()
	root, err := os.MkdirTemp(b.TempDir(), "data")
	if err != nil {
		b.Fatal(err)
	}
	for p, folder := range books {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		dst := filepath.Join(root, datadir.InboxName, folder, filepath.Base(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return root
}

// inboxPass makes one pass over root's inbox with a real ledger and the
// real checker, and checks that every file was accepted.
func inboxPass(tb testing.TB, root string, cat *roadmap.Catalogue) {
	db, err := store.Open(filepath.Join(root, "roadmap.db"))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	in := &Intake{Root: root, Ledger: db, Checker: NewChecker(cat), Catalogue: cat}
	sum, err := in.Pass(context.Background())
	if err != nil || sum.Accepted != inboxSize {
		tb.Fatalf("%d of %d accepted, %d rejected, %d duplicates: %v", sum.Accepted, inboxSize, sum.Rejected, sum.Duplicates, err)
	}
}

// BenchmarkInbox1000 times one pass over an inbox of 1,000 distinct
// workbooks, on a real SQLite ledger with the real checker (ns/op, B/op),
// then makes the same pass in a child process with all cores to report its
// wall time (s/pass), its peak resident memory (peak-MB) and the CPU time
// of the whole child process, start-up included (child-cpu-s):
//
//	go test ./ingest -run '^$' -bench Inbox1000 -benchmem -count 3
func BenchmarkInbox1000(b *testing.B) {
	books := inboxWorkbooks(b)
	cat := defaultCatalogue(b)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		root := fillInbox(b, books)
		b.StartTimer()
		inboxPass(b, root, cat)
	}

	root := fillInbox(b, books)
	cmd := exec.Command(os.Args[0], "-test.run=^TestInboxPassChild$", "-test.count=1")
	cmd.Env = programEnv(inboxChildEnv + "=" + root)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("the child pass failed: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	var secs float64
	for _, line := range strings.Split(stdout.String(), "\n") {
		if v, ok := strings.CutPrefix(line, "pass seconds: "); ok {
			secs, _ = strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	if secs == 0 {
		b.Fatalf("the child did not report its pass:\n%s%s", stdout.String(), stderr.String())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Fatal("no resource usage for the child process")
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	peak, err := childPeak(stdout.String())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
	b.ReportMetric(secs, "s/pass")
	b.ReportMetric(cpu.Seconds(), "child-cpu-s")
}

// TestInboxPassChild is the child process of BenchmarkInbox1000; it does
// nothing in a normal test run.
func TestInboxPassChild(t *testing.T) {
	t.Parallel()
	root := os.Getenv(inboxChildEnv)
	if root == "" {
		t.Skip("only run as the child of BenchmarkInbox1000")
	}
	cat := defaultCatalogue(t)
	start := time.Now()
	inboxPass(t, root, cat)
	fmt.Printf("pass seconds: %.3f\n", time.Since(start).Seconds())
	printPeak(t)
}
