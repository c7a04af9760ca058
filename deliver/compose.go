package deliver

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/seesac/roadmap"
)

// MessageID is the Message-ID of the message recorded under key, without
// the angle brackets: the key with its separators made dots, at the domain
// of the sender's address ("receipt.AL.2026-H1.v3@seesac.example"). The same
// key always gives the same Message-ID.
func MessageID(key, from string) string {
	domain := "localhost"
	if a, err := mail.ParseAddress(from); err == nil {
		if i := strings.LastIndexByte(a.Address, '@'); i >= 0 && i+1 < len(a.Address) {
			domain = a.Address[i+1:]
		}
	}
	var b strings.Builder
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('.')
		}
	}
	return b.String() + "@" + domain
}

// Compose makes the e-mail of a recorded message, with the attachments'
// content loaded. Everything in it comes from the record (the Date header is
// when the message was recorded, the MIME boundary is derived from the key),
// so that the same message composes to the same bytes every time.
func Compose(m *roadmap.Message, from string) (*gomail.Msg, error) {
	sum := sha256.Sum256([]byte(m.Key))
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent(), gomail.WithBoundary("roadmap-"+hex.EncodeToString(sum[:12])))
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("message %s: sender %q: %w", m.Key, from, err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("message %s: recipients: %w", m.Key, err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(MessageID(m.Key, from))
	msg.SetDateWithValue(m.Created)
	msg.SetUserAgent("roadmap")
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	for _, a := range m.Attachments {
		if int64(len(a.Data)) != a.Size {
			return nil, fmt.Errorf("message %s: attachment %s is not loaded", m.Key, a.Name)
		}
		msg.AttachReadSeeker(a.Name, bytes.NewReader(a.Data))
	}
	return msg, nil
}
