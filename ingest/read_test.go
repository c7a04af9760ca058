package ingest

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/templates"
)

var updateFixtures = flag.Bool("update-fixtures", false, "rewrite testdata/ workbooks, converting them with LibreOffice (soffice)")

const (
	fixtureExcelize    = "testdata/excelize-filled.xlsx"
	fixtureLibreOffice = "testdata/libreoffice-roundtrip.xlsx"
	fixtureODS         = "testdata/libreoffice.ods"
	fixtureXLS         = "testdata/excel-97.xls"
)

// fillFixture fills a template the way a Commission would, leaving an
// optional value blank and writing comments, so that the round trip through
// LibreOffice carries blanks, text, numbers, levels and a date.
func fillFixture(t testing.TB) []byte {
	b, _ := filledBook(t, variants[0])
	b.clear("G2.2")
	b.set(roadmap.SheetKPI, "G"+strings.TrimPrefix(b.ref("G2.2"), "F"), "Not collected in this period.")
	b.set(roadmap.SheetKPI, "G"+strings.TrimPrefix(b.ref("G3.1"), "F"), "Incl. 12 at Kakavijë/Tarčin crossing.")
	return b.bytes()
}

// TestWriteFixtures regenerates the committed workbooks when asked:
//
//	go test ./ingest -run TestWriteFixtures -update-fixtures
func TestWriteFixtures(t *testing.T) {
	t.Parallel()
	if !*updateFixtures {
		t.Skip("run with -update-fixtures to rewrite testdata/")
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatalf("LibreOffice is needed to write the fixtures: %v", err)
	}
	if err := os.WriteFile(fixtureExcelize, fillFixture(t), 0o644); err != nil {
		t.Fatal(err)
	}
	convert := func(to, want string) {
		out := t.TempDir()
		profile := "file://" + t.TempDir()
		cmd := exec.Command(soffice, "-env:UserInstallation="+profile, "--headless", "--convert-to", to, "--outdir", out, fixtureExcelize)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice --convert-to %s: %v\n%s", to, err, msg)
		}
		ext := filepath.Ext(want)
		got := filepath.Join(out, strings.TrimSuffix(filepath.Base(fixtureExcelize), ".xlsx")+ext)
		data, err := os.ReadFile(got)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(want, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	convert("xlsx", fixtureLibreOffice)
	convert("ods", fixtureODS)
	convert("xls", fixtureXLS)
}

func readFixture(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("fixture %s (regenerate with -update-fixtures): %v", path, err)
	}
	return data
}

// TestLibreOfficeRoundTrip: the same data saved by excelize and by
// LibreOffice (which turns the very hidden metadata sheet into a hidden one
// and rewrites styles, shared strings and number formats) reads the same.
func TestLibreOfficeRoundTrip(t *testing.T) {
	t.Parallel()
	// The committed fixtures are Phase I templates (of testPeriod): read them
	// with Phase I on its own, which then governs every period.
	cat, err := templates.LoadCatalogue("../templates/phase1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := NewChecker(cat)
	orig := c.CheckBytes("excelize.xlsx", readFixture(t, fixtureExcelize), "AL", testReceived)
	lo := c.CheckBytes("libreoffice.xlsx", readFixture(t, fixtureLibreOffice), "AL", testReceived)
	for _, sub := range []*roadmap.Submission{orig, lo} {
		if sub.State != roadmap.Accepted || len(sub.Findings) != 0 {
			t.Errorf("%s: state %s, findings %v", sub.Name, sub.State, sub.Findings)
		}
	}
	if len(orig.Values) != len(cat.Rows()) || len(lo.Values) != len(orig.Values) {
		t.Fatalf("values: %d and %d for %d rows", len(orig.Values), len(lo.Values), len(cat.Rows()))
	}
	reported := 0
	for i := range orig.Values {
		if orig.Values[i] != lo.Values[i] {
			t.Errorf("row %s: excelize %+v, LibreOffice %+v", orig.Values[i].Row, orig.Values[i], lo.Values[i])
		}
		if orig.Values[i].Reported {
			reported++
		}
	}
	if reported != len(orig.Values)-1 {
		t.Errorf("%d values reported, want all but G2.2", reported)
	}
	if v, _ := lo.Value("G2.2"); v.Reported || v.Comment != "Not collected in this period." {
		t.Errorf("G2.2 after LibreOffice: %+v, want blank with its comment", v)
	}
	if orig.Cover != lo.Cover || lo.Cover.Date != "2026-07-15" {
		t.Errorf("cover: excelize %+v, LibreOffice %+v", orig.Cover, lo.Cover)
	}
	for i := range orig.Narratives {
		if orig.Narratives[i] != lo.Narratives[i] {
			t.Errorf("narrative %d: %+v vs %+v", i, orig.Narratives[i], lo.Narratives[i])
		}
	}
	// The round trip is only a test if LibreOffice really changed the file.
	f, err := excelize.OpenReader(bytes.NewReader(readFixture(t, fixtureLibreOffice)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if app, _ := f.GetAppProps(); app == nil || !strings.Contains(app.Application, "LibreOffice") {
		t.Errorf("fixture %s was not written by LibreOffice: %+v", fixtureLibreOffice, app)
	}
}

// zipOf builds a zip archive of the given entries, in order.
func zipOf(t testing.TB, entries ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encryptedWorkbook(t testing.TB) []byte {
	b, _ := filledBook(t, variants[0])
	var buf bytes.Buffer
	if err := b.f.Write(&buf, excelize.Options{Password: "secret"}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func foreignWorkbook(t testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"Region", "Seizures", 2026}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// truncatedPart cuts one part of a workbook two thirds of the way, inside a
// valid zip, as a crashed writer leaves it: the streaming reader would stop
// there without an error.
func truncatedPart(data []byte, part string) func(t testing.TB) []byte {
	return func(t testing.TB) []byte {
		found := false
		out := rewriteZip(t, data, func(name, body string) string {
			if name == part {
				found = true
				return body[:len(body)*2/3]
			}
			return body
		})
		if !found {
			t.Fatalf("no part %s", part)
		}
		return out
	}
}

// TestFileFindings covers the findings about the file itself: what it is,
// whether it can be opened, whether it is our template at all.
func TestFileFindings(t *testing.T) {
	t.Parallel()
	valid := fillFixture(t)
	cases := []struct {
		name     string
		data     func(t testing.TB) []byte
		maxSize  int64
		code     roadmap.Code
		contains []string
	}{
		{"empty", func(testing.TB) []byte { return nil }, 0, roadmap.CodeNotWorkbook, []string{"empty"}},
		{"pdf", func(testing.TB) []byte { return []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj") }, 0, roadmap.CodeNotWorkbook, []string{"PDF document"}},
		{"png", func(testing.TB) []byte { return []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") }, 0, roadmap.CodeNotWorkbook, []string{"PNG image"}},
		{"jpeg scan", func(testing.TB) []byte { return []byte("\xff\xd8\xff\xe0\x00\x10JFIF") }, 0, roadmap.CodeNotWorkbook, []string{"JPEG image"}},
		{"csv", func(testing.TB) []byte { return []byte("code;value\nG3.1;120\n") }, 0, roadmap.CodeNotWorkbook, []string{"CSV"}},
		{"html saved as xls", func(testing.TB) []byte { return []byte("<!DOCTYPE html><html><body><table>") }, 0, roadmap.CodeNotWorkbook, []string{"web page"}},
		{"excel 2003 xml", func(testing.TB) []byte {
			return []byte(`<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">`)
		}, 0, roadmap.CodeNotWorkbook, []string{"Excel 2003 XML"}},
		{"binary junk", func(testing.TB) []byte { return []byte{0x00, 0x01, 0x02, 0x03, 0xfe, 0x00, 0x10, 0x80} }, 0, roadmap.CodeNotWorkbook, []string{"unknown kind"}},
		{"plain zip", func(t testing.TB) []byte { return zipOf(t, [2]string{"report.xlsx", "x"}) }, 0, roadmap.CodeNotWorkbook, []string{"zip archive"}},
		{"word document", func(t testing.TB) []byte {
			return zipOf(t, [2]string{"[Content_Types].xml", "<Types/>"}, [2]string{"word/document.xml", "<w:document/>"})
		}, 0, roadmap.CodeNotWorkbook, []string{"Word document"}},
		{"password-protected", encryptedWorkbook, 0, roadmap.CodeEncryptedOrXLS, []string{"encrypted (password-protected) workbook, or an old Excel 97–2003 .xls", "looks encrypted", "remove the password"}},
		{"excel 97 xls", func(t testing.TB) []byte { return readFixture(t, fixtureXLS) }, 0, roadmap.CodeEncryptedOrXLS, []string{"encrypted (password-protected) workbook, or an old Excel 97–2003 .xls", "looks like an old .xls", "Excel Workbook (.xlsx)"}},
		{"ods from libreoffice", func(t testing.TB) []byte { return readFixture(t, fixtureODS) }, 0, roadmap.CodeODS, []string{"OpenDocument spreadsheet (.ods)", "Excel 2007-365 (.xlsx)"}},
		{"xlsb", func(t testing.TB) []byte {
			return zipOf(t, [2]string{"[Content_Types].xml", "<Types/>"}, [2]string{"xl/workbook.bin", "\x83\x01"})
		}, 0, roadmap.CodeUnsupportedFile, []string{".xlsb"}},
		{"truncated while copying", func(testing.TB) []byte { return valid[:len(valid)/2] }, 0, roadmap.CodeDamaged, []string{"damaged or incomplete"}},
		{"broken KPI sheet xml", truncatedPart(valid, "xl/worksheets/sheet3.xml"), 0, roadmap.CodeDamaged, []string{"damaged or incomplete"}},
		{"broken narrative sheet xml", truncatedPart(valid, "xl/worksheets/sheet4.xml"), 0, roadmap.CodeDamaged, []string{"damaged or incomplete"}},
		{"broken metadata sheet xml", truncatedPart(valid, "xl/worksheets/sheet5.xml"), 0, roadmap.CodeDamaged, []string{"damaged or incomplete"}},
		{"broken shared strings", truncatedPart(valid, "xl/sharedStrings.xml"), 0, roadmap.CodeDamaged, []string{"damaged or incomplete"}},
		{"over the size limit", func(testing.TB) []byte { return valid }, 10_000, roadmap.CodeTooLarge, []string{"limit of 0.1 MB"}},
		{"someone else's workbook", foreignWorkbook, 0, roadmap.CodeNotTemplate, []string{"not the Western Balkans SALW Control Roadmap 2025–2030 KPI template"}},
	}
	cat := defaultCatalogue(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewChecker(cat)
			if tc.maxSize > 0 {
				c.MaxSize = tc.maxSize
			}
			data := tc.data(t)
			sub := c.CheckBytes("report.xlsx", data, "AL", testReceived)
			if len(sub.Findings) != 1 {
				t.Fatalf("want one finding, got %v", sub.Findings)
			}
			f := sub.Findings[0]
			if f.Code != tc.code || f.Severity != roadmap.Error || f.Sheet != "" || f.Cell != "" {
				t.Errorf("got %s, want error %s", f, tc.code)
			}
			if err := isSentence(f.Message); err != nil {
				t.Error(err)
			}
			for _, s := range tc.contains {
				if !strings.Contains(f.Message, s) {
					t.Errorf("message %q lacks %q", f.Message, s)
				}
			}
			if sub.State != roadmap.Rejected || sub.Values != nil {
				t.Errorf("state %s with %d values, want rejected with none", sub.State, len(sub.Values))
			}
			sum := sha256.Sum256(data)
			if sub.Hash != hex.EncodeToString(sum[:]) || sub.Size != int64(len(data)) || sub.Name != "report.xlsx" {
				t.Errorf("hash %s size %d name %q", sub.Hash, sub.Size, sub.Name)
			}
		})
	}
}

// TestDryRun: the intake's dry run on a file anywhere reads what CheckBytes
// reads, never follows a symbolic link, refuses what is not a regular file,
// and judges an oversized file by its size without reading it.
func TestDryRun(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	c := NewChecker(cat)
	in := &Intake{Checker: c, Catalogue: cat, Now: func() time.Time { return testReceived }}
	dir := t.TempDir()
	data := fillFixture(t)
	path := filepath.Join(dir, "AL report.xlsx")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	dry := func(p string) *roadmap.Submission {
		t.Helper()
		o, err := in.DryRun(intakeCtx, p, "AL")
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if o.Submission == nil {
			t.Fatalf("%s: nothing decided: %+v", p, o)
		}
		return o.Submission
	}
	got := dry(path)
	want := c.CheckBytes("AL report.xlsx", data, "AL", testReceived)
	if got.State != roadmap.Accepted || got.Hash != want.Hash || got.Size != want.Size || got.Name != "AL report.xlsx" || got.Folder != "AL" || !got.Received.Equal(testReceived) {
		t.Errorf("dry run: %+v", got)
	}
	if len(got.Values) != len(want.Values) {
		t.Fatalf("values %d, want %d", len(got.Values), len(want.Values))
	}
	for i := range got.Values {
		if got.Values[i] != want.Values[i] {
			t.Errorf("value %d: %+v, want %+v", i, got.Values[i], want.Values[i])
		}
	}
	if gov := cat.InForce(got.Period); got.TemplateVersion != roadmap.TemplateVersion || got.CatalogueID != gov.ID || got.CatalogueVersion != gov.Version || got.CatalogueHash != gov.Hash {
		t.Errorf("template %q catalogue %q %q %q", got.TemplateVersion, got.CatalogueID, got.CatalogueVersion, got.CatalogueHash)
	}

	link := filepath.Join(dir, "link.xlsx")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	sub := dry(link)
	if len(sub.Findings) != 1 || sub.Findings[0].Code != roadmap.CodeSymlink || sub.State != roadmap.Rejected || sub.Hash != "" {
		t.Errorf("symlink: %+v", sub)
	}
	sub = dry(dir)
	if len(sub.Findings) != 1 || sub.Findings[0].Code != roadmap.CodeUnsupportedFile {
		t.Errorf("folder: %+v", sub.Findings)
	}
	if _, err := in.DryRun(intakeCtx, filepath.Join(dir, "gone.xlsx"), "AL"); err == nil {
		t.Error("a missing file gave no error")
	}
	c.MaxSize = 1000
	sub = dry(path)
	if len(sub.Findings) != 1 || sub.Findings[0].Code != roadmap.CodeTooLarge || sub.Hash != "" || sub.Size != int64(len(data)) {
		t.Errorf("too large: hash %s size %d findings %v", sub.Hash, sub.Size, sub.Findings)
	}
	for _, f := range sub.Findings {
		if err := isSentence(f.Message); err != nil {
			t.Error(err)
		}
	}
}

// TestExtraFindingsSheet: the annotated copy of a rejected file carries a
// Findings sheet in front; fixed in place and sent back, it is accepted.
func TestExtraFindingsSheet(t *testing.T) {
	t.Parallel()
	cat := defaultCatalogue(t)
	b, _ := filledBook(t, variants[0])
	idx, err := b.f.NewSheet("Findings")
	b.must(err)
	b.must(b.f.MoveSheet("Findings", roadmap.SheetCover))
	b.f.SetActiveSheet(idx)
	b.set("Findings", "A1", "error KPI!F9 value-missing: Cell F9 is empty.")
	sub := NewChecker(cat).CheckBytes("report.xlsx", b.bytes(), "AL", testReceived)
	if sub.State != roadmap.Accepted || len(sub.Findings) != 0 {
		t.Errorf("state %s, findings %v", sub.State, sub.Findings)
	}
}

// TestOtherFileTypeByName: a file named and made as another type (a CSV
// export) is an unsupported file; the same bytes named .xlsx pretend to be
// a workbook and are not one.
func TestOtherFileTypeByName(t *testing.T) {
	t.Parallel()
	c := NewChecker(defaultCatalogue(t))
	csv := []byte("code,value\nG3.1,955\n")
	for name, want := range map[string]roadmap.Code{"figures.csv": roadmap.CodeUnsupportedFile, "figures.xlsx": roadmap.CodeNotWorkbook, "figures": roadmap.CodeNotWorkbook} {
		sub := c.CheckBytes(name, csv, "AL", testReceived)
		if len(sub.Findings) != 1 || sub.Findings[0].Code != want || !strings.Contains(sub.Findings[0].Message, "CSV") {
			t.Errorf("%s: %v, want %s", name, sub.Findings, want)
		}
	}
}
