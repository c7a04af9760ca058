package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunWritesIntoTheGivenFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var out, errs bytes.Buffer
	if code := run([]string{"-o", dir}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	if !strings.Contains(out.String(), "95 valid workbooks") {
		t.Errorf("output %q", out.String())
	}
	for _, f := range []string{"broken.yaml", "calendar.yaml", "workbooks/valid/ME/roadmap-ME-2026-H1.xlsx"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}

func TestRunBadUsage(t *testing.T) {
	t.Parallel()
	var out, errs bytes.Buffer
	if code := run([]string{"-o", t.TempDir(), "extra"}, &out, &errs); code != 2 {
		t.Errorf("stray argument: exit %d, want 2", code)
	}
	if code := run([]string{"-nope"}, &out, &errs); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
}
