package roadmap_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seesac/roadmap"
)

// The keys docs/configuration.md pins read into the settings they name.
func TestParseDeliveryConfig(t *testing.T) {
	t.Parallel()
	c := parseString(t, `delivery:
  from: "Roadmap reports <roadmap@seesac.example>"
  smtp:
    host: smtp.example.org
    port: 587
    tls: starttls
    username: roadmap
    password_file: /etc/roadmap/smtp-password
contacts:
  seesac: [reports@seesac.example]
  AL: [focal.point@example.al]
notify:
  call_for_data: 7d
  reminders: [14d, 3d]
  late: true
  receipts: true
  reports: [draft, final]
`)
	if c.Delivery.From != "Roadmap reports <roadmap@seesac.example>" || !c.Delivery.SMTP.Configured() ||
		c.Delivery.SMTP.Address() != "smtp.example.org:587" || c.Delivery.SMTP.Username != "roadmap" {
		t.Errorf("delivery = %+v", c.Delivery)
	}
	if !reflect.DeepEqual(c.Contacts, roadmap.Contacts{"seesac": {"reports@seesac.example"}, "AL": {"focal.point@example.al"}}) {
		t.Errorf("contacts = %v", c.Contacts)
	}
	if !reflect.DeepEqual(c.Notify, roadmap.DefaultNotify()) {
		t.Errorf("notify = %+v, want the defaults it spells out", c.Notify)
	}
	off := parseString(t, "notify: {call_for_data: off, reminders: [], late: false, receipts: false, reports: []}\n")
	if off.Notify.CallForData != 0 || len(off.Notify.Reminders) != 0 || off.Notify.Late || off.Notify.Receipts || len(off.Notify.Reports) != 0 {
		t.Errorf("everything off = %+v", off.Notify)
	}
	if d := roadmap.DefaultConfig(); d.Delivery.SMTP.Configured() || len(d.Contacts) != 0 {
		t.Errorf("by default nothing is sent anywhere: %+v %v", d.Delivery, d.Contacts)
	}
	for tls, addr := range map[string]string{"tls": "mail.example:465", "starttls": "mail.example:587"} {
		if got := (roadmap.SMTPConfig{Host: "mail.example", TLS: tls}).Address(); got != addr {
			t.Errorf("Address with %s = %s, want %s", tls, got, addr)
		}
	}
}

// Every problem of the delivery settings is reported with its key and line.
func TestParseDeliveryConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, yaml, want string }{
		{"addresses", `delivery:
  from: roadmap
contacts:
  AL: [focal.point@example.al, "not an address"]
  seesac: []
`, `roadmap.yaml:2: delivery.from: "roadmap" is not an e-mail address; write one such as "Roadmap reports <roadmap@seesac.example>"
roadmap.yaml:4: contacts.AL[1]: "not an address" is not an e-mail address
roadmap.yaml:5: contacts.seesac: lists no address; write at least one, or leave seesac out`},
		{"plain text to a remote server", `delivery:
  smtp:
    host: smtp.example.org
    tls: none
    username: roadmap
`, `roadmap.yaml:4: delivery.smtp.tls: none sends passwords and reports in clear text, which is allowed only to a server on this machine (localhost), not smtp.example.org; write starttls or tls
roadmap.yaml:5: delivery.smtp.username: username and password_file go together: set both to log in, or neither`},
		{"tls mode and port", `delivery:
  smtp: {host: smtp.example.org, port: 70000, tls: ssl, timeout: 0s}
`, `roadmap.yaml:2: delivery.smtp.port: must be between 1 and 65535, not 70000
roadmap.yaml:2: delivery.smtp.tls: must be starttls, tls or none, not "ssl"
roadmap.yaml:2: delivery.smtp.timeout: must be longer than zero, such as 30s`},
		{"no host", `delivery:
  smtp:
    username: roadmap
    password_file: /x
`, `roadmap.yaml:3: delivery.smtp.host: is missing; name the mail server, or leave smtp out to write .eml files into outbox/`},
		{"notify", `notify:
  call_for_data: 1w
  reminders: [14d, off, -3d]
  reports: [draft, draft, proof]
`, `roadmap.yaml:2: notify.call_for_data: "1w" is not a time: write days such as 7d, hours such as 36h, or off
roadmap.yaml:3: notify.reminders[2]: "-3d" is not a time: write days such as 7d, hours such as 36h, or off
roadmap.yaml:3: notify.reminders[1]: off is not a reminder; to send none, write reminders: []
roadmap.yaml:4: notify.reports[2]: must be draft or final, not "proof"
roadmap.yaml:4: notify.reports[1]: draft is listed twice`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := roadmap.ParseConfig(strings.NewReader(tc.yaml))
			if err == nil || err.Error() != tc.want {
				t.Errorf("got:\n%v\nwant:\n%s", err, tc.want)
			}
		})
	}
}

// Plain SMTP is allowed to this machine only.
func TestDeliveryPlainLoopback(t *testing.T) {
	t.Parallel()
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		parseString(t, "delivery:\n  smtp: {host: \""+host+"\", port: 2525, tls: none}\n")
	}
}

// A contact for a code the catalogue does not know is an error, located in
// the file like every other problem.
func TestCheckContacts(t *testing.T) {
	t.Parallel()
	text := "timezone: UTC\ncontacts:\n  seesac: [a@seesac.example]\n  AL: [b@example.al]\n  XX: [c@example.xx]\n"
	c := parseString(t, text)
	cat := &roadmap.Catalogue{Cadence: roadmap.HalfYearly, Jurisdictions: []roadmap.Jurisdiction{{Code: "AL"}, {Code: "BA"}}}
	err := c.CheckCatalogue(cat)
	var ce roadmap.Problems
	if !errors.As(err, &ce) {
		t.Fatalf("CheckCatalogue = %v", err)
	}
	ce.Locate([]byte(text))
	ce.In(roadmap.ConfigFileName)
	want := `roadmap.yaml:5: contacts.XX: "XX" is not a jurisdiction of the catalogue; write one of seesac, AL, BA`
	if ce.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", ce, want)
	}
}

// Messages find a jurisdiction's contacts under its code as the catalogue
// spells it: a key in another case ("al") passed the check and then matched
// no jurisdiction, so AL silently received nothing. It is refused with the
// spelling to use.
func TestContactsSpelledAsTheCatalogue(t *testing.T) {
	t.Parallel()
	text := "timezone: UTC\ncontacts:\n  al: [b@example.al]\n  BA: [c@example.ba]\n"
	c := parseString(t, text)
	cat := &roadmap.Catalogue{Cadence: roadmap.HalfYearly, Jurisdictions: []roadmap.Jurisdiction{{Code: "AL"}, {Code: "BA"}}}
	var ce roadmap.Problems
	if !errors.As(c.CheckCatalogue(cat), &ce) {
		t.Fatal("contacts keyed al accepted")
	}
	ce.Locate([]byte(text))
	ce.In(roadmap.ConfigFileName)
	want := `roadmap.yaml:3: contacts.al: write the code as the catalogue does: AL`
	if ce.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", ce, want)
	}
}

func TestParseOffset(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{"7d": 7 * 24 * time.Hour, "36h": 36 * time.Hour, "off": 0, "0": 0, " 3d ": 72 * time.Hour, "90m": 90 * time.Minute} {
		got, err := roadmap.ParseOffset(in)
		if err != nil || got.Duration() != want {
			t.Errorf("ParseOffset(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "7", "1w", "-1d", "367d", "9999h", "7 d"} {
		if _, err := roadmap.ParseOffset(in); err == nil {
			t.Errorf("ParseOffset(%q) accepted", in)
		}
	}
}

// Whatever ParseOffset accepts prints back to the same offset.
func FuzzParseOffset(f *testing.F) {
	for _, s := range []string{"7d", "14d", "36h", "off", "0", "1h30m", "366d", "-1d", "99999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := roadmap.ParseOffset(s)
		if err != nil {
			return
		}
		if o < 0 || o.Duration() > 366*24*time.Hour {
			t.Fatalf("ParseOffset(%q) = %v, out of range", s, o)
		}
		back, err := roadmap.ParseOffset(o.String())
		if err != nil || back != o {
			t.Fatalf("ParseOffset(%q) = %v, printed %q, read back %v, %v", s, o, o.String(), back, err)
		}
	})
}

// Uncommenting the init file's examples of a mail server and of contacts
// gives valid settings.
func TestInitYAMLDeliveryExamples(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	inSMTP, inContacts := false, false
	for _, line := range strings.Split(string(roadmap.InitYAML()), "\n") {
		switch {
		case strings.HasPrefix(line, "  # smtp:"):
			inSMTP = true
		case strings.HasPrefix(line, "# contacts:"):
			inContacts = true
		case strings.TrimSpace(line) == "":
			inSMTP, inContacts = false, false
		}
		switch {
		case inSMTP:
			line = strings.Replace(line, "# ", "", 1)
		case inContacts:
			line = strings.TrimPrefix(line, "# ")
		}
		b.WriteString(line + "\n")
	}
	c := parseString(t, b.String())
	if c.Delivery.SMTP.Address() != "smtp.example.org:587" || c.Delivery.SMTP.PasswordFile != "/etc/roadmap/smtp-password" {
		t.Errorf("smtp = %+v", c.Delivery.SMTP)
	}
	if len(c.Contacts["AL"]) != 2 || len(c.Contacts["seesac"]) != 1 {
		t.Errorf("contacts = %v", c.Contacts)
	}
}
