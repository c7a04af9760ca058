package deliver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strconv"

	gomail "github.com/wneessen/go-mail"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
)

// Transport hands one composed e-mail on. It returns where the message
// went, for the record ("smtp HOST:PORT", "outbox/NAME.eml"), or an error;
// a *Refused error means the message itself will never be taken.
type Transport interface {
	Send(ctx context.Context, key string, msg *gomail.Msg) (via string, err error)
}

// Refused is a permanent failure of one message: the server answered 5xx
// to it (a refused recipient, a message over the size limit). Retrying
// cannot help; an operator can retry it once the cause is fixed.
type Refused struct{ Err error }

func (e *Refused) Error() string { return e.Err.Error() }
func (e *Refused) Unwrap() error { return e.Err }

// SMTP sends through a mail server with go-mail: mandatory STARTTLS or
// implicit TLS, plain text only in the tls: none mode the configuration
// allows for a loopback host; login when a user name is set; every dial and
// exchange bounded by the configured timeout; and the connection closed at
// once when ctx is cancelled, so that a stopping daemon is never held by a
// server that does not answer.
type SMTP struct {
	Config   roadmap.SMTPConfig
	Password string
	// TLS is the client's TLS configuration; nil is the system's roots and
	// the configured host name (tests set their own root).
	TLS *tls.Config
}

// Send delivers msg in one connection.
func (s *SMTP) Send(ctx context.Context, key string, msg *gomail.Msg) (string, error) {
	cfg := s.Config
	addr := cfg.Address()
	host, portText, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portText)
	tlsConfig := s.TLS
	if tlsConfig == nil {
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	tlsConfig = tlsConfig.Clone()
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = host
	}
	opts := []gomail.Option{
		gomail.WithPort(port), gomail.WithTimeout(cfg.Timeout), gomail.WithTLSConfig(tlsConfig),
		gomail.WithDialContextFunc(dialer(ctx, cfg.TLS == roadmap.TLSImplicit, tlsConfig)),
	}
	switch cfg.TLS {
	case roadmap.TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case roadmap.TLSImplicit:
		// The dialer makes the TLS connection; go-mail must not ask for
		// STARTTLS on top of it.
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if cfg.Username != "" {
		// PLAIN where the server offers it, else LOGIN (all Microsoft 365
		// and Exchange offer), else the strongest mechanism it offers that
		// takes a password. PLAIN and LOGIN refuse a connection that is not
		// TLS, except in the loopback-only none mode.
		prefer := []gomail.SMTPAuthType{gomail.SMTPAuthPlain, gomail.SMTPAuthLogin}
		if cfg.TLS == roadmap.TLSNone {
			prefer = []gomail.SMTPAuthType{gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc}
		}
		opts = append(opts, gomail.WithOpportunisticSMTPAuth(prefer...), gomail.WithUsername(cfg.Username), gomail.WithPassword(s.Password))
	}
	c, err := gomail.NewClient(host, opts...)
	if err != nil {
		return "", fmt.Errorf("smtp %s: %w", addr, err)
	}
	via := "smtp " + addr
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600 {
			return via, &Refused{Err: fmt.Errorf("smtp %s refused the message: %w", addr, err)}
		}
		if ctx.Err() != nil {
			return via, fmt.Errorf("smtp %s: stopped while sending: %w", addr, ctx.Err())
		}
		return via, fmt.Errorf("smtp %s: %w", addr, err)
	}
	return via, nil
}

// dialer connects (with TLS at once in the implicit mode) and ties the
// connection to ctx: cancelling ctx closes it, which ends any exchange in
// progress.
func dialer(ctx context.Context, implicit bool, cfg *tls.Config) gomail.DialContextFunc {
	return func(dctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		conn, err := d.DialContext(dctx, network, addr)
		if err != nil {
			return nil, err
		}
		if implicit {
			tc := tls.Client(conn, cfg)
			if err := tc.HandshakeContext(dctx); err != nil {
				conn.Close()
				return nil, fmt.Errorf("TLS: %w", err)
			}
			conn = tc
		}
		stop := context.AfterFunc(ctx, func() { conn.Close() })
		return &stoppable{Conn: conn, stop: stop}, nil
	}
}

// stoppable releases the cancellation hook with the connection.
type stoppable struct {
	net.Conn
	stop func() bool
}

func (c *stoppable) Close() error {
	c.stop()
	return c.Conn.Close()
}

// Files writes each message as an .eml file into the data folder's outbox/
// instead of sending it: the embedded default when no SMTP server is
// configured, so that a new installation and the demo show exactly what
// would go out. A message written there counts as sent, so the file is
// synced before the ledger says so.
type Files struct {
	Data datadir.Dir
}

// Send writes msg to outbox/KEY.eml, atomically.
func (f *Files) Send(_ context.Context, key string, msg *gomail.Msg) (string, error) {
	dir := f.Data.Outbox()
	if _, err := datadir.MkdirAll(dir); err != nil {
		return "", fmt.Errorf("outbox folder: %w", err)
	}
	path := filepath.Join(dir, FileName(key))
	if err := datadir.WriteFile(path, datadir.Write{Sync: true}, func(w io.Writer) error { _, err := msg.WriteTo(w); return err }); err != nil {
		return "", err
	}
	if err := datadir.SyncDir(dir); err != nil {
		return "", err
	}
	if rel, ok := f.Data.Rel(path); ok {
		return rel, nil
	}
	return path, nil
}

// FileName is the .eml file name of a key: its separators made "_".
func FileName(key string) string {
	b := []byte(key)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b) + ".eml"
}
