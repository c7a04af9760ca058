package deliver

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

// notifyHour is the local time of day at which the notices of a round fall
// due (docs/delivery.md): people read them at the start of a working day.
const notifyHour = 8

// Notices decides which messages are due and writes them: receipts of the
// files taken, the call for data, reminders and late notices of a round, and
// the reports to SEESAC. It only composes messages; the caller records them
// in the outbox. Who receives a message is decided here and only here:
// a Commission's messages go to its own contacts only.
type Notices struct {
	Contacts  roadmap.Contacts
	Notify    roadmap.NotifyConfig
	Catalogue *roadmap.Catalogue
	// Calendar decides the deadlines; notices fall due at 08:00 in its
	// zone, and dates are written as its calendar shows them.
	Calendar *roadmap.Calendar
	// Template writes jurisdiction j's blank workbook for period p.
	Template func(j string, p roadmap.Period) (name string, data []byte, err error)
	// Data is the data folder, from which feedback and reports are read.
	Data datadir.Dir
	// MaxAttachment is the most a message's attachments may weigh together;
	// above it a report is named by its path instead.
	MaxAttachment int64
}

// Verdict is what became of one file of the inbox, as the intake reports it.
type Verdict struct {
	// Folder is the inbox folder the file came from: a jurisdiction code,
	// or "" for the shared inbox.
	Folder string
	// File is the file's path in the inbox ("AL/report.xlsx").
	File       string
	Submission *roadmap.Submission
	// Feedback lists the files written for the sender, relative to Root:
	// the note (.txt) and, for a rejected workbook, the annotated copy.
	Feedback []string
}

// Receipt is the message that tells the sender of a file what became of
// it: accepted (with what was recorded), rejected (with every problem and
// the annotated workbook), or a duplicate. It is nil when none is due:
// receipts are off, the jurisdiction has no contacts, or the file came into
// the shared inbox and its content names no jurisdiction of the catalogue.
//
// The recipients are those of the folder the file came from, whatever the
// file claims. A file from the shared inbox goes to the contacts of the
// jurisdiction its content names, without the annotated copy (the sender
// may not be that Commission: the copy could carry someone else's figures),
// and says so.
func (n *Notices) Receipt(v Verdict) (*roadmap.Message, error) {
	s := v.Submission
	if !n.Notify.Receipts || s == nil {
		return nil, nil
	}
	j, shared := v.Folder, v.Folder == ""
	if shared {
		if _, ok := n.Catalogue.Jurisdiction(s.Jurisdiction); !ok {
			return nil, nil
		}
		j = s.Jurisdiction
	}
	to := n.Contacts[j]
	if len(to) == 0 {
		return nil, nil
	}
	m := &roadmap.Message{Jurisdiction: j, To: slices.Clone(to)}
	about := j
	if !s.Period.IsZero() {
		about += " " + s.Period.String()
	}
	switch s.State {
	case roadmap.Accepted, roadmap.Superseded:
		m.Key = fmt.Sprintf("receipt:%s:%s:v%d", j, s.Period, s.Version)
		m.Subject = fmt.Sprintf("[Roadmap] %s: accepted (version %d)", about, s.Version)
	case roadmap.Duplicate:
		m.Key = fmt.Sprintf("duplicate:%s:%s", j, dropKey(s))
		m.Subject = fmt.Sprintf("[Roadmap] %s: already received, nothing new recorded", about)
	case roadmap.Rejected:
		m.Key = fmt.Sprintf("rejection:%s:%s", j, dropKey(s))
		m.Subject = fmt.Sprintf("[Roadmap] %s: not accepted (%s to correct)", about, plural(countErrors(s), "problem"))
	default:
		return nil, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Your file %q was received on %s.\n", s.Name, n.shown(s.Received))
	if shared {
		fmt.Fprintf(&b, "It was dropped in the shared inbox, not in the folder of %s, and its content\n", j)
		fmt.Fprintf(&b, "names %s, so this note goes to the contacts of %s. If it did not come from you,\n", j, j)
		b.WriteString("please tell SEESAC. Next time, save the workbook into your own folder.\n")
	}
	b.WriteString("\n")
	for _, f := range v.Feedback {
		switch strings.ToLower(path.Ext(f)) {
		case ".txt":
			note, err := os.ReadFile(n.Data.Abs(f))
			if err != nil {
				return nil, fmt.Errorf("receipt of %s: %w", v.File, err)
			}
			b.Write(note)
		case ".xlsx":
			if shared {
				continue
			}
			data, err := os.ReadFile(n.Data.Abs(f))
			if err != nil {
				return nil, fmt.Errorf("receipt of %s: %w", v.File, err)
			}
			m.Attachments = append(m.Attachments, roadmap.Attachment{Name: path.Base(f), Data: data})
		}
	}
	if len(m.Attachments) > 0 {
		b.WriteString("\nThe marked-up copy of your workbook is attached.\n")
	}
	b.WriteString(signature)
	m.Body = b.String()
	return m, nil
}

// dropKey names one drop in a key by when it was received and the start
// of its content's hash, "20261102T093000Z-1a2b3c4d": unlike the ledger's
// ids, both survive a reindex, so a key recorded before one never names a
// different file after it. A drop whose content was never read (a symbolic
// link, a file over the size limit) has no hash: the start of its name's
// stands in, "20261102T093000Z-name-5e6f7a8b", so that two such drops of
// one second keep a message each.
func dropKey(s *roadmap.Submission) string {
	h := s.Hash
	if len(h) > 8 {
		h = h[:8]
	}
	if h == "" {
		sum := sha256.Sum256([]byte(s.Name))
		h = "name-" + hex.EncodeToString(sum[:4])
	}
	return s.Received.UTC().Format("20060102T150405Z") + "-" + h
}

const signature = "\n-- \nSent by the Roadmap reporting engine on behalf of SEESAC. Replies are not read;\nwrite to SEESAC if something is wrong.\n"

func countErrors(s *roadmap.Submission) int {
	n := 0
	for _, f := range s.Findings {
		if f.Severity == roadmap.Error {
			n++
		}
	}
	return n
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Accepted reports whether jurisdiction j has an accepted file for period p.
type Accepted func(j string, p roadmap.Period) (bool, error)

// Recorded reports whether a message with the key is in the outbox already;
// Round then does not compose it again (a call for data writes a template).
type Recorded func(key string) (bool, error)

// Round lists the notices of the reporting rounds that are due at now: for
// every period reviewed by a meeting still ahead and every jurisdiction with
// contacts, the call for data once the period has ended (with the
// jurisdiction's template), the latest reminder whose time has come before
// the deadline, and the late notice from the day after the deadline until
// the last meeting that reviews the period, the last two only while nothing
// is accepted. A notice whose time has passed (its deadline or meeting gone)
// is never sent late. recorded may be nil.
func (n *Notices) Round(now time.Time, accepted Accepted, recorded Recorded) ([]roadmap.Message, error) {
	var out []roadmap.Message
	type round struct {
		j string
		p roadmap.Period
	}
	seen := map[round]bool{}
	today := roadmap.DateOf(now.In(n.loc()))
	for _, mt := range n.Calendar.Meetings {
		if mt.Date.Compare(today) < 0 {
			continue
		}
		for _, jur := range n.Catalogue.Jurisdictions {
			j, p := jur.Code, mt.Period
			if seen[round{j, p}] || len(n.Contacts[j]) == 0 || !mt.Concerns(j) {
				continue
			}
			seen[round{j, p}] = true
			due, ok := n.Calendar.Deadline(j, p)
			if !ok {
				continue
			}
			ms, err := n.round(now, j, p, due, accepted, recorded)
			if err != nil {
				return nil, err
			}
			out = append(out, ms...)
		}
	}
	return out, nil
}

func (n *Notices) round(now time.Time, j string, p roadmap.Period, due time.Time, accepted Accepted, recorded Recorded) ([]roadmap.Message, error) {
	loc := n.loc()
	dueDay := roadmap.DateOf(due.In(loc))
	meeting := n.meetingFor(j, p)
	var out []roadmap.Message
	if o := n.Notify.CallForData; o != 0 {
		ended := roadmap.DateOf(p.Last()).AddDays(1).At(notifyHour, 0, loc)
		if at := shift(ended, o); !now.Before(at) && now.Before(due) {
			done := false
			if recorded != nil {
				var err error
				if done, err = recorded(callKey(j, p)); err != nil {
					return nil, err
				}
			}
			if !done {
				m, err := n.call(j, p, dueDay, meeting)
				if err != nil {
					return nil, err
				}
				out = append(out, *m)
			}
		}
	}
	var reminder roadmap.Offset
	for _, r := range n.Notify.Reminders {
		at := shift(dueDay.At(notifyHour, 0, loc), -r)
		if !now.Before(at) && now.Before(due) && (reminder == 0 || r < reminder) {
			reminder = r
		}
	}
	late := n.Notify.Late && !now.Before(dueDay.AddDays(1).At(notifyHour, 0, loc)) && n.ahead(j, p, now)
	if reminder == 0 && !late {
		return out, nil
	}
	done, err := accepted(j, p)
	if err != nil || done {
		return out, err
	}
	if reminder != 0 {
		out = append(out, n.reminder(j, p, dueDay, meeting, reminder, roadmap.DateOf(now.In(loc))))
	}
	if late {
		out = append(out, n.late(j, p, dueDay, meeting))
	}
	return out, nil
}

// shift moves t by o: by calendar days when o is whole days (so that a
// reminder keeps its hour across a change of summer time), else by o.
func shift(t time.Time, o roadmap.Offset) time.Time {
	if days, whole := o.Days(); whole {
		return t.AddDate(0, 0, days)
	}
	return t.Add(o.Duration())
}

// meetingFor is the first meeting reviewing p that j reports for (a
// regional one, or j's own local one), to name in the notices.
func (n *Notices) meetingFor(j string, p roadmap.Period) *roadmap.Meeting {
	var best *roadmap.Meeting
	for _, m := range n.Calendar.Reviewing(p) {
		if m.Concerns(j) && (best == nil || m.Date.Compare(best.Date) < 0) {
			best = &m
		}
	}
	return best
}

// ahead reports whether a meeting that reviews p and concerns j is still
// to be held at now: until the last of them, a late report is still wanted.
func (n *Notices) ahead(j string, p roadmap.Period, now time.Time) bool {
	today := roadmap.DateOf(now.In(n.loc()))
	for _, m := range n.Calendar.Reviewing(p) {
		if m.Concerns(j) && m.Date.Compare(today) > 0 {
			return true
		}
	}
	return false
}

func callKey(j string, p roadmap.Period) string { return fmt.Sprintf("call:%s:%s", j, p) }

func (n *Notices) call(j string, p roadmap.Period, due roadmap.Date, mt *roadmap.Meeting) (*roadmap.Message, error) {
	name, data, err := n.Template(j, p)
	if err != nil {
		return nil, fmt.Errorf("call for data %s %s: template: %w", j, p, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Dear colleagues,\n\nThe reporting round of %s for %s is open.\n", n.name(j), p.Label())
	fmt.Fprintf(&b, "Attached is your KPI workbook for it, %s. Fill it in and save it into\n", name)
	fmt.Fprintf(&b, "your folder of the inbox (inbox/%s/): within a minute you receive a receipt, or\n", j)
	b.WriteString("the list of problems to correct.\n\n")
	fmt.Fprintf(&b, "Due: %s%s.\n", due.Long(), meetingText(mt))
	b.WriteString(signature)
	return &roadmap.Message{
		Key: callKey(j, p), Jurisdiction: j, To: slices.Clone(n.Contacts[j]),
		Subject:     fmt.Sprintf("[Roadmap] %s %s: call for data, due %s", j, p, due.Long()),
		Body:        b.String(),
		Attachments: []roadmap.Attachment{{Name: name, Data: data}},
	}, nil
}

func (n *Notices) reminder(j string, p roadmap.Period, due roadmap.Date, mt *roadmap.Meeting, r roadmap.Offset, today roadmap.Date) roadmap.Message {
	left := int(due.At(12, 0, time.UTC).Sub(today.At(12, 0, time.UTC)) / (24 * time.Hour))
	var b strings.Builder
	fmt.Fprintf(&b, "Dear colleagues,\n\nNo report of %s for %s has been accepted yet.\n", n.name(j), p.Label())
	fmt.Fprintf(&b, "It is due on %s%s: %s left.\n", due.Long(), meetingText(mt), plural(left, "day"))
	fmt.Fprintf(&b, "Save the filled-in workbook into your folder of the inbox (inbox/%s/).\n", j)
	b.WriteString("If you have sent it already, look for its note in your feedback folder: it may\nhave been rejected.\n")
	b.WriteString(signature)
	return roadmap.Message{
		Key: fmt.Sprintf("reminder:%s:%s:%s", j, p, r), Jurisdiction: j, To: slices.Clone(n.Contacts[j]),
		Subject: fmt.Sprintf("[Roadmap] %s %s: reminder, due %s", j, p, due.Long()),
		Body:    b.String(),
	}
}

func (n *Notices) late(j string, p roadmap.Period, due roadmap.Date, mt *roadmap.Meeting) roadmap.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "Dear colleagues,\n\nThe report of %s for %s was due on %s%s,\n", n.name(j), p.Label(), due.Long(), meetingText(mt))
	b.WriteString("and none has been accepted. Please send it as soon as you can: it is still taken,\n")
	b.WriteString("and marked as late. Without it, the report shows your jurisdiction as not reported.\n")
	b.WriteString(signature)
	return roadmap.Message{
		Key: fmt.Sprintf("late:%s:%s", j, p), Jurisdiction: j, To: slices.Clone(n.Contacts[j]),
		Subject: fmt.Sprintf("[Roadmap] %s %s: late, was due %s", j, p, due.Long()),
		Body:    b.String(),
	}
}

func (n *Notices) name(j string) string {
	if jur, ok := n.Catalogue.Jurisdiction(j); ok && jur.Name != "" {
		return jur.Name
	}
	return j
}

func meetingText(m *roadmap.Meeting) string {
	if m == nil {
		return ""
	}
	s := fmt.Sprintf(", for the %s on %s", m.Name(), m.Date.Long())
	if m.Place != "" {
		s += " in " + m.Place
	}
	return s
}

// Report is the message that sends a meeting's report build to SEESAC: the
// PDF, its data workbook, the data-quality note and, with a regional draft,
// the synthesis workbook to edit, as the build lists them, attached while
// together they stay under MaxAttachment, else named by their paths in the
// data folder. It is nil when none is due: the build
// failed, its kind is not in notify.reports, or SEESAC has no contacts.
func (n *Notices) Report(b roadmap.Build, m roadmap.Meeting) (*roadmap.Message, error) {
	to := n.Contacts[roadmap.ContactSEESAC]
	if !b.OK || len(to) == 0 || !slices.Contains(n.Notify.Reports, b.Kind) {
		return nil, nil
	}
	// The build lists what it wrote: the report, its companions (the data
	// workbook, the data-quality note, with a regional draft the synthesis
	// workbook), the CSV and the manifest. The PDFs and workbooks are sent.
	var files []string
	for _, o := range b.Outputs {
		if ext := strings.ToLower(path.Ext(o)); ext == ".pdf" || ext == ".xlsx" {
			files = append(files, o)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("report %s %s: the build lists no PDF", m.ID, b.Kind)
	}
	slices.Sort(files)
	files = slices.Compact(files)
	var atts []roadmap.Attachment
	var total int64
	for _, f := range files {
		data, err := os.ReadFile(n.Data.Abs(f))
		if err != nil {
			return nil, fmt.Errorf("report %s %s: %w", m.ID, b.Kind, err)
		}
		total += int64(len(data))
		atts = append(atts, roadmap.Attachment{Name: path.Base(f), Data: data})
	}
	var body strings.Builder
	fmt.Fprintf(&body, "The %s report for the %s (%s) on %s", b.Kind, m.Name(), m.ID, m.Date.Long())
	if m.Place != "" {
		fmt.Fprintf(&body, " in %s", m.Place)
	}
	fmt.Fprintf(&body, " is ready.\nIt covers %s, with the files accepted up to %s.\n\n", m.Period.Label(), n.shown(b.AsOf))
	if total > n.MaxAttachment {
		fmt.Fprintf(&body, "Together the files are %s, more than the %s a message may carry, so\nthey are not attached. They are in the data folder:\n", size(total), size(n.MaxAttachment))
		for _, f := range files {
			fmt.Fprintf(&body, "  %s\n", f)
		}
		atts = nil
	} else {
		body.WriteString("Attached:\n")
		for _, a := range atts {
			fmt.Fprintf(&body, "  %s (%s)\n", a.Name, size(int64(len(a.Data))))
		}
	}
	if b.Kind == roadmap.Draft {
		fmt.Fprintf(&body, "\nThe synthesis workbook, when there is one, is SEESAC's to edit: save it into\ninbox/_seesac/ and the final report takes it up.\n")
	}
	body.WriteString(signature)
	return &roadmap.Message{
		Key: fmt.Sprintf("report:%s:%s", m.ID, b.Kind), To: slices.Clone(to),
		Subject:     fmt.Sprintf("[Roadmap] %s %s: %s report", m.ID, m.Period, b.Kind),
		Body:        body.String(),
		Attachments: atts,
	}, nil
}

// ReportsDue lists the builds whose report is due to SEESAC at now: for
// each meeting not yet held, the first successful scheduled build of each
// kind in notify.reports (a report is sent once; a later rebuild is in the
// data folder).
func (n *Notices) ReportsDue(builds []roadmap.Build, now time.Time) []ReportDue {
	today := roadmap.DateOf(now.In(n.loc()))
	var out []ReportDue
	for _, m := range n.Calendar.Meetings {
		if m.Date.Compare(today) < 0 {
			continue
		}
		for _, k := range n.Notify.Reports {
			for _, b := range builds {
				if b.Meeting == m.ID && b.Kind == k && b.OK && b.Scheduled {
					out = append(out, ReportDue{Build: b, Meeting: m})
					break
				}
			}
		}
	}
	return out
}

// ReportDue is a build whose report is due, with its meeting.
type ReportDue struct {
	Build   roadmap.Build
	Meeting roadmap.Meeting
}

func (n *Notices) loc() *time.Location {
	if n.Calendar == nil || n.Calendar.Location == nil {
		return time.UTC
	}
	return n.Calendar.Location
}

// shown is t as a reader of the configured zone sees it.
func (n *Notices) shown(t time.Time) string {
	return t.In(n.loc()).Format("2 January 2006, 15:04 MST")
}

func size(b int64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%d KB", b>>10)
	}
	return fmt.Sprintf("%d bytes", b)
}
