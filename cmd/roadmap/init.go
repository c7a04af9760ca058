package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/seesac/roadmap"
)

// The data folder's layout, pinned by design.md. inbox/ also gets a folder per
// jurisdiction of the catalogue, since share permissions on those folders are
// how a Commission is kept to its own data.
var dataFolders = []string{"inbox", "archive", "rejected", "feedback", "reports"}

// Folders are shared with the operator's group (the inbox is often a share);
// everything else stays private to the service account.
const (
	dirMode  = 0o750
	fileMode = 0o640
)

func runInit(_ context.Context, e *env, args []string) int {
	f := e.newFlags(true, "[--data DIR] [--catalogue FILE] [--json]")
	if code, ok := e.parseNone(f, args); !ok {
		return code
	}
	s, err := e.load(f)
	if err != nil {
		return e.fail(err)
	}
	// A catalogue named on the command line is written into the new
	// roadmap.yaml, so that every later command uses it without the flag.
	catalogue := ""
	if f.catalogue != "" {
		if catalogue, err = filepath.Abs(f.catalogue); err != nil {
			return e.fail(err)
		}
	}
	created, err := initData(s.Data, s.Catalogue, catalogue)
	if err != nil {
		return e.fail(err)
	}
	if f.json {
		if err := e.printJSON(struct {
			Data    string   `json:"data"`
			Created []string `json:"created"`
		}{s.Data, created}); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	for _, p := range created {
		fmt.Fprintf(e.stdout, "created %s\n", p)
	}
	if len(created) == 0 {
		fmt.Fprintf(e.stdout, "%s is already set up; nothing created\n", s.Data)
	} else {
		fmt.Fprintf(e.stdout, "%s is ready: edit %s, then drop workbooks into %s\n",
			s.Data, filepath.Join(s.Data, configName), filepath.Join(s.Data, "inbox"))
	}
	return exitOK
}

// initData creates what is missing of the layout under dir and returns what it
// created, in order. It never overwrites or changes what is there, so running
// it again is harmless. A new roadmap.yaml names the catalogue file given
// (an absolute path), or leaves the built-in one in force when it is "".
func initData(dir string, cat *roadmap.Catalogue, catalogue string) ([]string, error) {
	var created []string
	mkdir := func(p string) error {
		info, err := os.Lstat(p)
		switch {
		case err == nil && info.IsDir():
			return nil
		case err == nil:
			return fmt.Errorf("%s exists and is not a folder", p)
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("create %s: %w", p, err)
		}
		if err := os.Mkdir(p, dirMode); err != nil {
			return fmt.Errorf("create %s: %w", p, err)
		}
		created = append(created, p)
		return nil
	}
	dirs := []string{dir}
	for _, d := range dataFolders {
		dirs = append(dirs, filepath.Join(dir, d))
		if d == "inbox" {
			for _, j := range cat.Jurisdictions {
				dirs = append(dirs, filepath.Join(dir, d, j.Code))
			}
		}
	}
	for _, d := range dirs {
		if err := mkdir(d); err != nil {
			return created, err
		}
	}
	cfg := filepath.Join(dir, configName)
	// O_EXCL: an operator's roadmap.yaml (or a link in its place) is never replaced.
	file, err := os.OpenFile(cfg, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
	if errors.Is(err, fs.ErrExist) {
		return created, nil
	}
	if err != nil {
		return created, fmt.Errorf("create %s: %w", cfg, err)
	}
	text, err := initYAML(catalogue)
	if err != nil {
		_ = file.Close()
		_ = os.Remove(cfg)
		return created, err
	}
	if _, err := file.Write(text); err != nil {
		_ = file.Close()
		_ = os.Remove(cfg)
		return created, fmt.Errorf("write %s: %w", cfg, err)
	}
	if err := file.Close(); err != nil {
		_ = os.Remove(cfg)
		return created, fmt.Errorf("write %s: %w", cfg, err)
	}
	return append(created, cfg), nil
}

// initYAML is the commented default roadmap.yaml, naming catalogue when it is
// not "".
func initYAML(catalogue string) ([]byte, error) {
	text := roadmap.InitYAML()
	if catalogue == "" {
		return text, nil
	}
	value, err := yaml.Marshal(catalogue)
	if err != nil {
		return nil, fmt.Errorf("catalogue path %q: %w", catalogue, err)
	}
	const blank = "\ncatalogue: \"\"\n"
	if !bytes.Contains(text, []byte(blank)) {
		return nil, errors.New("the default roadmap.yaml has no catalogue line to fill in")
	}
	line := "\ncatalogue: " + strings.TrimSpace(string(value)) + "\n"
	return bytes.Replace(text, []byte(blank), []byte(line), 1), nil
}
