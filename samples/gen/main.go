// Command gen writes the sample workbooks, broken files, broken.yaml and
// calendar.yaml from the default catalogue: go run ./samples/gen [-o DIR].
// The default DIR is the samples folder itself, when run by go generate or from
// the module root.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/seesac/roadmap/samples"
	"github.com/seesac/roadmap/templates"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", defaultDir(), "folder to write the samples into")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "gen: run from the module root or the samples folder, or name the output folder with -o DIR")
		return 2
	}
	cat, err := templates.DefaultCatalogue()
	if err != nil {
		fmt.Fprintln(stderr, "gen:", err)
		return 1
	}
	if err := samples.Generate(*out, cat); err != nil {
		fmt.Fprintln(stderr, "gen:", err)
		return 1
	}
	d, err := samples.Build(cat)
	if err != nil {
		fmt.Fprintln(stderr, "gen:", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %d valid workbooks, %d broken files, %s and %s into %s\n",
		len(d.Valid), len(d.Broken), samples.BrokenIndex, samples.CalendarFile, *out)
	return 0
}

// defaultDir is the samples folder: "." under go generate (which runs in the
// package's folder), "samples" from the module root, and "" (so -o is needed)
// anywhere else.
func defaultDir() string {
	if exists("gen/main.go") && exists("generate.go") {
		return "."
	}
	if exists("go.mod") && exists("samples/generate.go") {
		return "samples"
	}
	return ""
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
