package roadmap

import "time"

// MessageState is where a message of the outbox stands.
type MessageState string

// Message states. A message is recorded pending before it is sent, and ends
// sent or failed; only an operator's retry takes a failed message back to
// pending.
const (
	MessagePending MessageState = "pending"
	MessageSent    MessageState = "sent"
	MessageFailed  MessageState = "failed" // permanently: the server refused it, or the tries ran out
)

// Message is one e-mail of the outbox (docs/delivery.md). Key says what it
// is about ("receipt:AL:2026-H1:v3", "report:rcm-16:final"): a message is
// recorded once per key and never sent twice.
type Message struct {
	Key string `json:"key"`
	// Jurisdiction is whose contacts the message goes to ("" for SEESAC).
	Jurisdiction string       `json:"jurisdiction,omitempty"`
	To           []string     `json:"to"`
	Subject      string       `json:"subject"`
	Body         string       `json:"body,omitempty"`
	Attachments  []Attachment `json:"attachments,omitempty"`
	State        MessageState `json:"state"`
	Tries        int          `json:"tries"`
	LastError    string       `json:"last_error,omitempty"`
	Created      time.Time    `json:"created"`
	// NextTry is when a pending message is due; zero once sent or failed.
	NextTry time.Time `json:"next_try,omitzero"`
	// Attempted is when the last try started: a try with no outcome recorded
	// was cut off by a crash, and the next one resends with the same
	// Message-ID.
	Attempted time.Time `json:"attempted,omitzero"`
	Sent      time.Time `json:"sent,omitzero"`
	// Via is where a sent message went: "smtp HOST" or the .eml file's path
	// relative to the data folder.
	Via string `json:"via,omitempty"`
}

// Attachment is a file sent with a message, stored by the hash of its
// content so that the same report or template is kept once however many
// messages carry it.
type Attachment struct {
	Name string `json:"name"`
	Hash string `json:"hash"` // SHA-256 of Data, hex
	Size int64  `json:"size"`
	// Data is the content; loaded only to send.
	Data []byte `json:"-"`
}
