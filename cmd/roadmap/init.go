package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
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
	created, err := initData(s.data(), s.Catalogue, catalogue)
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
			s.Data, s.data().Config(), s.data().Inbox())
	}
	return exitOK
}

// initData creates what is missing of the layout and returns what it
// created, in order. It never overwrites or changes what is there, so running
// it again is harmless. A new roadmap.yaml names the catalogue file given
// (an absolute path), or leaves the built-in one in force when it is "".
// inbox/ gets a folder per jurisdiction of the catalogue, since share
// permissions on those folders are how a Commission is kept to its own data.
func initData(d datadir.Dir, cat *roadmap.Catalogue, catalogue string) ([]string, error) {
	codes := make([]string, len(cat.Jurisdictions))
	for i, j := range cat.Jurisdictions {
		codes[i] = j.Code
	}
	created, err := d.Init(codes)
	if err != nil {
		return created, err
	}
	text, err := initYAML(catalogue)
	if err != nil {
		return created, err
	}
	// An operator's roadmap.yaml (or a link in its place) is never replaced.
	made, err := datadir.CreateNew(d.Config(), text)
	if err != nil || !made {
		return created, err
	}
	return append(created, d.Config()), nil
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
