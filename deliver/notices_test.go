package deliver

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

var belgrade = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Belgrade")
	if err != nil {
		panic(err)
	}
	return loc
}()

func testNotices(t *testing.T) *Notices {
	t.Helper()
	day := func(s string) roadmap.Date {
		d, err := roadmap.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	meetings := []roadmap.Meeting{
		{ID: "rcm-16", Kind: roadmap.Regional, Date: day("2026-12-15"), Place: "Tirana", Period: roadmap.MustPeriod("2026-H1"), Deadline: day("2026-11-13")},
		{ID: "lcm-al", Kind: roadmap.Local, Jurisdiction: "AL", Date: day("2026-11-20"), Place: "Tirana", Period: roadmap.MustPeriod("2026-H1"), Deadline: day("2026-11-06")},
		{ID: "rcm-15", Kind: roadmap.Regional, Date: day("2026-07-08"), Period: roadmap.MustPeriod("2025-H2"), Deadline: day("2026-05-15")},
	}
	return &Notices{
		Contacts: roadmap.Contacts{
			"AL":     {"focal.point@example.al", "Deputy <deputy@example.al>"},
			"BA":     {"kontakt@example.ba"},
			"seesac": {"reports@seesac.example"},
		},
		Notify: roadmap.DefaultNotify(),
		Catalogue: &roadmap.Catalogue{Jurisdictions: []roadmap.Jurisdiction{
			{Code: "AL", Name: "Albania"}, {Code: "BA", Name: "Bosnia and Herzegovina"}, {Code: "ME", Name: "Montenegro"}}},
		Calendar: roadmap.NewCalendar(meetings, belgrade),
		Template: func(j string, p roadmap.Period) (string, []byte, error) {
			return j + "-" + p.String() + ".xlsx", []byte("template " + j), nil
		},
		Data:          datadir.New(t.TempDir()),
		MaxAttachment: 10 << 20,
	}
}

func write(t *testing.T, root, rel, text string) string {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return rel
}

// Every receipt goes to the contacts of the folder the file came from,
// whatever the file claims; a shared-inbox drop goes to the jurisdiction its
// content names, without the annotated copy, or to nobody.
func TestReceiptRecipients(t *testing.T) {
	t.Parallel()
	n := testNotices(t)
	recv := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	errFinding := roadmap.Finding{Severity: roadmap.Error, Code: roadmap.CodeWrongJurisdiction, Message: "wrong"}
	note := write(t, n.Data.Root(), "feedback/AL/x.errors.txt", "Roadmap KPI report: NOT ACCEPTED\n")
	annotated := write(t, n.Data.Root(), "feedback/AL/x.annotated.xlsx", "PK annotated")
	receipt := write(t, n.Data.Root(), "feedback/BA/inbox-y.receipt.txt", "Roadmap KPI report: ACCEPTED\n")
	tests := []struct {
		name    string
		v       Verdict
		key     string
		to      []string
		subject string
		attach  []string
	}{
		{"accepted in its own folder",
			Verdict{Folder: "AL", File: "AL/a.xlsx", Submission: &roadmap.Submission{ID: 1, Name: "a.xlsx", Received: recv,
				Jurisdiction: "AL", Period: roadmap.MustPeriod("2026-H1"), Version: 3, State: roadmap.Accepted}},
			"receipt:AL:2026-H1:v3", []string{"focal.point@example.al", "Deputy <deputy@example.al>"},
			"[Roadmap] AL 2026-H1: accepted (version 3)", nil},
		{"another jurisdiction's data in AL's folder goes to AL, with the marked copy",
			Verdict{Folder: "AL", File: "AL/x.xlsx", Feedback: []string{note, annotated}, Submission: &roadmap.Submission{ID: 2, Hash: "00ab12cd99",
				Name: "x.xlsx", Received: recv, Jurisdiction: "BA", Period: roadmap.MustPeriod("2026-H1"), State: roadmap.Rejected,
				Findings: []roadmap.Finding{errFinding}}},
			"rejection:AL:20261102T093000Z-00ab12cd", []string{"focal.point@example.al", "Deputy <deputy@example.al>"},
			"[Roadmap] AL 2026-H1: not accepted (1 problem to correct)", []string{"x.annotated.xlsx"}},
		{"shared inbox, content names BA",
			Verdict{Folder: "", File: "y.xlsx", Feedback: []string{receipt}, Submission: &roadmap.Submission{ID: 3, Name: "y.xlsx",
				Received: recv, Jurisdiction: "BA", Period: roadmap.MustPeriod("2026-H1"), State: roadmap.Duplicate}},
			"duplicate:BA:20261102T093000Z-name-a354c0d7", []string{"kontakt@example.ba"}, "[Roadmap] BA 2026-H1: already received, nothing new recorded", nil},
		{"shared inbox, rejected with its copy: the copy stays behind",
			Verdict{Folder: "", File: "x.xlsx", Feedback: []string{note, annotated}, Submission: &roadmap.Submission{ID: 4, Hash: "ffffffff", Name: "x.xlsx",
				Received: recv, Jurisdiction: "AL", State: roadmap.Rejected, Findings: []roadmap.Finding{errFinding, errFinding}}},
			"rejection:AL:20261102T093000Z-ffffffff", []string{"focal.point@example.al", "Deputy <deputy@example.al>"}, "[Roadmap] AL: not accepted (2 problems to correct)", nil},
		{"shared inbox, no jurisdiction named", Verdict{Folder: "", File: "z.pdf", Submission: &roadmap.Submission{ID: 5,
			Name: "z.pdf", State: roadmap.Rejected}}, "", nil, "", nil},
		{"shared inbox, a code outside the catalogue", Verdict{Folder: "", File: "z.xlsx", Submission: &roadmap.Submission{ID: 6,
			Name: "z.xlsx", Jurisdiction: "QQ", State: roadmap.Rejected}}, "", nil, "", nil},
		{"a jurisdiction without contacts", Verdict{Folder: "ME", File: "ME/m.xlsx", Submission: &roadmap.Submission{ID: 7,
			Name: "m.xlsx", Jurisdiction: "ME", Version: 1, State: roadmap.Accepted}}, "", nil, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := n.Receipt(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if tc.key == "" {
				if m != nil {
					t.Fatalf("a message to %v, want none", m.To)
				}
				return
			}
			if m == nil {
				t.Fatal("no message")
			}
			var names []string
			for _, a := range m.Attachments {
				names = append(names, a.Name)
			}
			if m.Key != tc.key || !reflect.DeepEqual(m.To, tc.to) || m.Subject != tc.subject || !slices.Equal(names, tc.attach) {
				t.Errorf("got key %q to %v subject %q attachments %v\nwant %q %v %q %v", m.Key, m.To, m.Subject, names, tc.key, tc.to, tc.subject, tc.attach)
			}
			if len(tc.v.Feedback) > 0 && !strings.Contains(m.Body, "Roadmap KPI report:") {
				t.Errorf("the feedback note is not in the body:\n%s", m.Body)
			}
			if (tc.v.Folder == "") != strings.Contains(m.Body, "shared inbox") {
				t.Errorf("shared-inbox warning wrong:\n%s", m.Body)
			}
		})
	}
	n.Notify.Receipts = false
	if m, _ := n.Receipt(tests[0].v); m != nil {
		t.Error("a receipt with receipts off")
	}
}

// Drops whose content was not read (symbolic links, files over the size
// limit) have no hash: two of them rejected in the same second were given
// one key, and the second sender's rejection was never recorded.
func TestUnreadDropsHaveTheirOwnKeys(t *testing.T) {
	t.Parallel()
	n := testNotices(t)
	recv := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	keys := map[string]string{}
	for _, name := range []string{"link.xlsx", "huge.xlsx"} {
		m, err := n.Receipt(Verdict{Folder: "AL", File: "AL/" + name, Submission: &roadmap.Submission{Name: name, Received: recv,
			State: roadmap.Rejected, Findings: []roadmap.Finding{{Severity: roadmap.Error, Code: roadmap.CodeSymlink, Message: "a link"}}}})
		if err != nil || m == nil {
			t.Fatalf("%s: %v, %v", name, m, err)
		}
		if other, ok := keys[m.Key]; ok {
			t.Errorf("%s and %s share the key %s", other, name, m.Key)
		}
		keys[m.Key] = name
	}
}

// The notices of a round fall due at their times in the configured zone,
// each once per key; reminders and the late notice stop once a file is
// accepted.
func TestRoundNotices(t *testing.T) {
	t.Parallel()
	n := testNotices(t)
	acceptedAL := false
	accepted := func(j string, p roadmap.Period) (bool, error) { return j == "AL" && acceptedAL, nil }
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, belgrade)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	keys := func(now string) []string {
		ms, err := n.Round(at(now), accepted, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			out = append(out, m.Key)
			if len(m.To) == 0 || m.To[0] != n.Contacts[m.Jurisdiction][0] {
				t.Errorf("%s goes to %v, not to %s's contacts", m.Key, m.To, m.Jurisdiction)
			}
		}
		return out
	}
	steps := []struct {
		now  string
		want []string
	}{
		{"2026-07-08 07:59", nil},
		{"2026-07-08 08:00", []string{"call:AL:2026-H1", "call:BA:2026-H1"}},
		{"2026-10-23 08:00", []string{"call:AL:2026-H1", "reminder:AL:2026-H1:14d", "call:BA:2026-H1"}},
		{"2026-11-04 09:00", []string{"call:AL:2026-H1", "reminder:AL:2026-H1:3d", "call:BA:2026-H1", "reminder:BA:2026-H1:14d"}},
		{"2026-11-07 07:59", []string{"call:BA:2026-H1", "reminder:BA:2026-H1:14d"}},
		{"2026-11-07 08:00", []string{"late:AL:2026-H1", "call:BA:2026-H1", "reminder:BA:2026-H1:14d"}},
		{"2026-12-14 23:00", []string{"late:AL:2026-H1", "late:BA:2026-H1"}},
		{"2026-12-15 00:00", nil},
	}
	for _, s := range steps {
		if got := keys(s.now); !slices.Equal(got, s.want) {
			t.Errorf("at %s: %v, want %v", s.now, got, s.want)
		}
	}
	acceptedAL = true
	if got := keys("2026-11-07 08:00"); !slices.Equal(got, []string{"call:BA:2026-H1", "reminder:BA:2026-H1:14d"}) {
		t.Errorf("with AL accepted: %v", got)
	}
	ms, err := n.Round(at("2026-11-04 09:00"), accepted, nil)
	if err != nil {
		t.Fatal(err)
	}
	call := ms[1]
	if call.Subject != "[Roadmap] BA 2026-H1: call for data, due 13 November 2026" || len(call.Attachments) != 1 ||
		call.Attachments[0].Name != "BA-2026-H1.xlsx" || !strings.Contains(call.Body, "for the Regional Roadmap Coordination Meeting on 15 December 2026 in Tirana") {
		t.Errorf("call for data: %+v", call)
	}
	if r := ms[2]; !strings.Contains(r.Body, "9 days left") || r.Subject != "[Roadmap] BA 2026-H1: reminder, due 13 November 2026" {
		t.Errorf("reminder: %s\n%s", r.Subject, r.Body)
	}
	// A call already recorded is not composed again (its template not written).
	n.Template = func(string, roadmap.Period) (string, []byte, error) {
		t.Fatal("template written again")
		return "", nil, nil
	}
	ms, err = n.Round(at("2026-07-09 08:00"), accepted, func(key string) (bool, error) { return strings.HasPrefix(key, "call:"), nil })
	if err != nil || len(ms) != 0 {
		t.Errorf("with the calls recorded: %v, %v", ms, err)
	}
	n.Notify = roadmap.NotifyConfig{}
	if got := keys("2026-11-07 08:00"); got != nil {
		t.Errorf("everything off: %v", got)
	}
}

// A report goes to SEESAC with its PDF, data workbook and, with a draft, the
// synthesis workbook; over the size limit it names them instead.
func TestReportMessage(t *testing.T) {
	t.Parallel()
	n := testNotices(t)
	root := n.Data.Root()
	outputs := []string{
		write(t, root, "reports/rcm-16/rcm-16-regional-draft.pdf", "%PDF-1.7"),
		write(t, root, "reports/rcm-16/rcm-16-regional-draft-data.xlsx", "PK data"),
		write(t, root, "reports/rcm-16/rcm-16-regional-draft-data.csv", "a,b"),
		write(t, root, "reports/rcm-16/rcm-16-regional-draft-quality.pdf", "%PDF-1.7 note"),
		write(t, root, "reports/rcm-16/rcm-16-synthesis.xlsx", "PK synthesis"),
		write(t, root, "reports/rcm-16/manifest.json", "{}"),
	}
	meeting, _ := n.Calendar.Find("rcm-16")
	b := roadmap.Build{Meeting: "rcm-16", Kind: roadmap.Draft, OK: true, Scheduled: true,
		AsOf: time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC), Outputs: outputs}
	m, err := n.Report(b, *meeting)
	if err != nil || m == nil {
		t.Fatalf("Report = %v, %v", m, err)
	}
	var names []string
	for _, a := range m.Attachments {
		names = append(names, a.Name)
	}
	want := []string{"rcm-16-regional-draft-data.xlsx", "rcm-16-regional-draft-quality.pdf", "rcm-16-regional-draft.pdf", "rcm-16-synthesis.xlsx"}
	if m.Key != "report:rcm-16:draft" || !slices.Equal(m.To, []string{"reports@seesac.example"}) ||
		m.Subject != "[Roadmap] rcm-16 2026-H1: draft report" || !slices.Equal(names, want) {
		t.Errorf("got %q to %v %q %v", m.Key, m.To, m.Subject, names)
	}
	n.MaxAttachment = 10
	m, err = n.Report(b, *meeting)
	if err != nil || len(m.Attachments) != 0 || !strings.Contains(m.Body, "reports/rcm-16/rcm-16-regional-draft.pdf") {
		t.Errorf("over the limit: %v\n%s", err, m.Body)
	}
	b.Kind = roadmap.Final
	n.Notify.Reports = []roadmap.BuildKind{roadmap.Draft}
	if m, _ := n.Report(b, *meeting); m != nil {
		t.Error("a final report with only drafts configured")
	}
	builds := []roadmap.Build{
		{Meeting: "rcm-16", Kind: roadmap.Draft, OK: false, Scheduled: true},
		{Meeting: "rcm-16", Kind: roadmap.Draft, OK: true, Scheduled: false},
		{Meeting: "rcm-16", Kind: roadmap.Draft, OK: true, Scheduled: true, InputsHash: "first"},
		{Meeting: "rcm-16", Kind: roadmap.Draft, OK: true, Scheduled: true, InputsHash: "second"},
		{Meeting: "rcm-15", Kind: roadmap.Draft, OK: true, Scheduled: true},
	}
	due := n.ReportsDue(builds, time.Date(2026, 12, 1, 7, 0, 0, 0, belgrade))
	if len(due) != 1 || due[0].Build.InputsHash != "first" || due[0].Meeting.ID != "rcm-16" {
		t.Errorf("ReportsDue = %+v", due)
	}
}
