package roadmap

import (
	"fmt"
	"net"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DeliveryConfig is how messages leave (docs/configuration.md, "Delivery keys"): the sender's
// address and the SMTP server; with no server, messages are written as .eml
// files into the data folder's outbox/.
type DeliveryConfig struct {
	// From is the sender, "Name <address>" or a bare address. Its domain
	// also names the Message-IDs.
	From string     `yaml:"from"`
	SMTP SMTPConfig `yaml:"smtp"`
	// PendingAlert: /healthz reports degraded while a message has been
	// pending longer than this.
	PendingAlert time.Duration `yaml:"pending_alert"`
	// MaxAttachmentMB is the most a message's attachments may weigh
	// together; a report above it is named by its path instead.
	MaxAttachmentMB int `yaml:"max_attachment_mb"`
}

// SMTPConfig is the mail server. Host "" (the key left out) means none.
type SMTPConfig struct {
	Host string `yaml:"host"`
	// Port 0 is the usual port of the TLS mode: 587, 465 or 25.
	Port int `yaml:"port"`
	// TLS is starttls (mandatory STARTTLS), tls (implicit TLS) or none,
	// allowed for a loopback host only.
	TLS          string `yaml:"tls"`
	Username     string `yaml:"username"`
	PasswordFile string `yaml:"password_file"`
	// Timeout bounds connecting and each exchange with the server.
	Timeout time.Duration `yaml:"timeout"`
}

// The TLS modes of SMTPConfig.TLS.
const (
	TLSStartTLS = "starttls"
	TLSImplicit = "tls"
	TLSNone     = "none"
)

// Configured reports whether an SMTP server is set.
func (c SMTPConfig) Configured() bool { return c.Host != "" }

// Address is host:port, with the usual port of the TLS mode when none is set.
func (c SMTPConfig) Address() string {
	port := c.Port
	if port == 0 {
		switch c.TLS {
		case TLSImplicit:
			port = 465
		case TLSNone:
			port = 25
		default:
			port = 587
		}
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(port))
}

// NotifyConfig says which messages are sent and when, in the configured
// time zone (docs/delivery.md). Each can be switched off.
type NotifyConfig struct {
	// CallForData is how long after a round's period ends the call for data
	// goes out, with the jurisdiction's template; 0 is off.
	CallForData Offset `yaml:"call_for_data"`
	// Reminders are how long before the deadline reminders go to the
	// jurisdictions with nothing accepted; empty is off.
	Reminders []Offset `yaml:"reminders"`
	// Late sends the late notice the day after the deadline.
	Late bool `yaml:"late"`
	// Receipts sends the receipt, rejection or duplicate notice of each file.
	Receipts bool `yaml:"receipts"`
	// Reports lists the builds sent to SEESAC: draft, final.
	Reports []BuildKind `yaml:"reports"`
}

// Contacts are the addresses of each jurisdiction code, and of SEESAC under
// ContactSEESAC.
type Contacts map[string][]string

// ContactSEESAC is the contacts key of SEESAC.
const ContactSEESAC = "seesac"

// Defaults of delivery.
const (
	DefaultFrom            = "Roadmap reports <roadmap@localhost>"
	DefaultPendingAlert    = time.Hour
	DefaultMaxAttachmentMB = 10
	DefaultSMTPTimeout     = 30 * time.Second
)

// DefaultNotify sends everything at the times docs/configuration.md shows.
func DefaultNotify() NotifyConfig {
	return NotifyConfig{
		CallForData: Offset(7 * day), Reminders: []Offset{Offset(14 * day), Offset(3 * day)},
		Late: true, Receipts: true, Reports: []BuildKind{Draft, Final},
	}
}

const day = 24 * time.Hour

// maxOffset bounds notification offsets: a year is already far outside any
// reporting round.
const maxOffset = 366 * day

// Offset is a notification lead or delay: "7d" (days), or a Go duration such
// as "36h"; "0" or "off" switches the notice off.
type Offset time.Duration

// ParseOffset reads "7d", "36h", "90m", "0" or "off".
func ParseOffset(s string) (Offset, error) {
	t := strings.TrimSpace(s)
	bad := fmt.Errorf("%q is not a time: write days such as 7d, hours such as 36h, or off", s)
	var d time.Duration
	switch {
	case t == "off" || t == "0":
		return 0, nil
	case strings.HasSuffix(t, "d"):
		n, err := strconv.Atoi(strings.TrimSuffix(t, "d"))
		if err != nil || n < 0 || n > int(maxOffset/day) {
			return 0, bad
		}
		d = time.Duration(n) * day
	default:
		var err error
		if d, err = time.ParseDuration(t); err != nil {
			return 0, bad
		}
	}
	if d < 0 || d > maxOffset {
		return 0, fmt.Errorf("%q is out of range: write a time between 0 and %dd", s, maxOffset/day)
	}
	return Offset(d), nil
}

// Duration is the offset as a time.Duration.
func (o Offset) Duration() time.Duration { return time.Duration(o) }

// Days is the offset in whole days and whether it is one.
func (o Offset) Days() (int, bool) { return int(time.Duration(o) / day), time.Duration(o)%day == 0 }

// String prints what ParseOffset reads: "7d", "36h0m0s", "off".
func (o Offset) String() string {
	if o == 0 {
		return "off"
	}
	if n, whole := o.Days(); whole {
		return strconv.Itoa(n) + "d"
	}
	return time.Duration(o).String()
}

// MarshalText writes the offset as String does.
func (o Offset) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText reads the offset as ParseOffset does.
func (o *Offset) UnmarshalText(b []byte) error {
	v, err := ParseOffset(string(b))
	if err != nil {
		return err
	}
	*o = v
	return nil
}

// loopback reports whether host names this machine only.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validateDelivery checks delivery, contacts and notify.
func (c Config) validateDelivery() []Problem {
	var ps []Problem
	add := func(key, format string, args ...any) {
		ps = append(ps, Problem{Key: key, Message: fmt.Sprintf(format, args...)})
	}
	if _, err := mail.ParseAddress(c.Delivery.From); err != nil {
		add("delivery.from", "%q is not an e-mail address; write one such as \"Roadmap reports <roadmap@seesac.example>\"", c.Delivery.From)
	}
	if c.Delivery.PendingAlert <= 0 {
		add("delivery.pending_alert", "must be longer than zero, such as 1h")
	}
	if c.Delivery.MaxAttachmentMB < 1 || c.Delivery.MaxAttachmentMB > 100 {
		add("delivery.max_attachment_mb", "must be between 1 and 100, not %d", c.Delivery.MaxAttachmentMB)
	}
	s := c.Delivery.SMTP
	if s.Configured() {
		if strings.ContainsAny(s.Host, " /@") || (strings.Contains(s.Host, ":") && net.ParseIP(s.Host) == nil) {
			add("delivery.smtp.host", "%q is not a host name; write one such as smtp.example.org", s.Host)
		}
		if s.Port < 0 || s.Port > 65535 {
			add("delivery.smtp.port", "must be between 1 and 65535, not %d", s.Port)
		}
		switch s.TLS {
		case TLSStartTLS, TLSImplicit:
		case TLSNone:
			if !loopback(s.Host) {
				add("delivery.smtp.tls", "none sends passwords and reports in clear text, which is allowed only to a server on this machine (localhost), not %s; write starttls or tls", s.Host)
			}
		default:
			add("delivery.smtp.tls", "must be starttls, tls or none, not %q", s.TLS)
		}
		if (s.Username == "") != (s.PasswordFile == "") {
			add("delivery.smtp.username", "username and password_file go together: set both to log in, or neither")
		}
		if s.Timeout <= 0 {
			add("delivery.smtp.timeout", "must be longer than zero, such as 30s")
		}
	} else if s.Port != 0 || s.Username != "" || s.PasswordFile != "" {
		add("delivery.smtp.host", "is missing; name the mail server, or leave smtp out to write .eml files into outbox/")
	}
	keys := make([]string, 0, len(c.Contacts))
	for k := range c.Contacts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if len(c.Contacts[k]) == 0 {
			add("contacts."+k, "lists no address; write at least one, or leave %s out", k)
		}
		for i, a := range c.Contacts[k] {
			if _, err := mail.ParseAddress(a); err != nil {
				add(fmt.Sprintf("contacts.%s[%d]", k, i), "%q is not an e-mail address", a)
			}
		}
	}
	for i, r := range c.Notify.Reminders {
		if r == 0 {
			add(fmt.Sprintf("notify.reminders[%d]", i), "off is not a reminder; to send none, write reminders: []")
		}
	}
	seen := map[BuildKind]bool{}
	for i, k := range c.Notify.Reports {
		key := fmt.Sprintf("notify.reports[%d]", i)
		switch {
		case k != Draft && k != Final:
			add(key, "must be draft or final, not %q", k)
		case seen[k]:
			add(key, "%s is listed twice", k)
		}
		seen[k] = true
	}
	return ps
}

// checkContacts reports contacts keyed by a code the catalogue does not know,
// or spelled otherwise than the catalogue does: messages look a
// jurisdiction's contacts up under its code as written in the catalogue.
func (c Config) checkContacts(cat *Catalogue) []Problem {
	var ps []Problem
	codes := []string{ContactSEESAC}
	for _, j := range cat.Jurisdictions {
		codes = append(codes, j.Code)
	}
	for k := range c.Contacts {
		if k == ContactSEESAC {
			continue
		}
		j, ok := cat.Jurisdiction(k)
		switch {
		case !ok:
			ps = append(ps, Problem{Key: "contacts." + k, Message: fmt.Sprintf("%q is not a jurisdiction of the catalogue; write one of %s", k, strings.Join(codes, ", "))})
		case j.Code != k:
			ps = append(ps, Problem{Key: "contacts." + k, Message: "write the code as the catalogue does: " + j.Code})
		}
	}
	slices.SortFunc(ps, func(a, b Problem) int { return strings.Compare(a.Key, b.Key) })
	return ps
}
