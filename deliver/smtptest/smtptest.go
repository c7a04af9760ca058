// Package smtptest is a real SMTP server for tests (emersion/go-smtp) on a
// loopback port: STARTTLS or implicit TLS on a certificate made for the
// test, PLAIN (or LOGIN) login over TLS only, and switches that make it answer 4xx or
// 5xx, drop the connection in the middle of a message, or enforce a size
// limit. Tests send to it with the program's own SMTP client; nothing is
// mocked.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"net/mail"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/seesac/roadmap"
)

// The account the server accepts.
const (
	User     = "roadmap"
	Password = "s3cret"
)

// Server is the running server and what it received.
type Server struct {
	// Addr is host:port.
	Addr string
	// Roots trusts the server's certificate.
	Roots *x509.CertPool

	mu       sync.Mutex
	received []Received
	rcptErr  *smtp.SMTPError
	dataErr  *smtp.SMTPError
	drop     bool
}

// Received is one message the server took.
type Received struct {
	From, User string
	To         []string
	TLS        bool
	Data       []byte
}

// Options say how the server runs.
type Options struct {
	// Implicit serves TLS from the first byte; Plain offers no TLS at all;
	// otherwise STARTTLS is offered.
	Implicit, Plain bool
	// MaxBytes is the SIZE limit; 0 is none.
	MaxBytes int64
	// LoginOnly offers the LOGIN mechanism instead of PLAIN, as Microsoft
	// 365 and Exchange do.
	LoginOnly bool
}

// Start runs a server until the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	cert, roots := selfSigned(t)
	ms := &Server{Roots: roots}
	srv := smtp.NewServer(&backend{ms: ms, login: o.LoginOnly})
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = o.MaxBytes
	if !o.Plain {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if o.Implicit {
		l = tls.NewListener(l, srv.TLSConfig)
	}
	ms.Addr = l.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	return ms
}

// Config is the configuration of a client of the server in TLS mode mode,
// logging in as User.
func (ms *Server) Config(mode string) roadmap.SMTPConfig {
	host, port, _ := net.SplitHostPort(ms.Addr)
	p, _ := strconv.Atoi(port)
	return roadmap.SMTPConfig{Host: host, Port: p, TLS: mode, Username: User, Timeout: 5 * time.Second}
}

// ClientTLS is a client TLS configuration that trusts the server.
func (ms *Server) ClientTLS() *tls.Config {
	return &tls.Config{RootCAs: ms.Roots, MinVersion: tls.VersionTLS12}
}

// Messages lists what the server took, in order.
func (ms *Server) Messages() []Received {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]Received(nil), ms.received...)
}

// Fail makes the server answer RCPT TO (rcpt) and the end of DATA (data)
// with these codes and messages; nil answers OK.
func (ms *Server) Fail(rcpt, data *smtp.SMTPError) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.rcptErr, ms.dataErr = rcpt, data
}

// Drop makes the server close the connection in the middle of each message.
func (ms *Server) Drop(on bool) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.drop = on
}

type backend struct {
	ms    *Server
	login bool
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{ms: b.ms, conn: c, login: b.login}, nil
}

type session struct {
	ms    *Server
	conn  *smtp.Conn
	login bool
	cur   Received
}

func (s *session) AuthMechanisms() []string {
	if s.login {
		return []string{sasl.Login}
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	check := func(username, password string) error {
		if username != User || password != Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication failed"}
		}
		s.cur.User = username
		return nil
	}
	if mech == sasl.Login {
		return &loginServer{check: check}, nil
	}
	return sasl.NewPlainServer(func(_, username, password string) error { return check(username, password) }), nil
}

// loginServer is the server side of the LOGIN mechanism (go-sasl has only
// its client): it asks for the user name, then the password.
type loginServer struct {
	step  int
	user  string
	check func(username, password string) error
}

func (l *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	switch l.step {
	case 0:
		l.step = 1
		if response == nil {
			return []byte("Username:"), false, nil
		}
		fallthrough // the user name came with the command
	case 1:
		l.user, l.step = string(response), 2
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(response))
	}
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.cur.User == "" {
		return smtp.ErrAuthRequired
	}
	s.cur.From = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.ms.mu.Lock()
	defer s.ms.mu.Unlock()
	if s.ms.rcptErr != nil {
		return s.ms.rcptErr
	}
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	s.ms.mu.Lock()
	drop, dataErr := s.ms.drop, s.ms.dataErr
	s.ms.mu.Unlock()
	if drop {
		var head [64]byte
		_, _ = io.ReadFull(r, head[:])
		s.conn.Conn().Close()
		return errors.New("dropped")
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if dataErr != nil {
		return dataErr
	}
	_, s.cur.TLS = s.conn.TLSConnectionState()
	s.cur.Data = data
	s.ms.mu.Lock()
	s.ms.received = append(s.ms.received, s.cur)
	s.ms.mu.Unlock()
	s.cur = Received{User: s.cur.User}
	return nil
}

func (s *session) Reset()        { s.cur = Received{User: s.cur.User} }
func (s *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and localhost, and the pool
// that trusts it.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "roadmap test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// Parse reads a received message as a mail client would.
func Parse(t testing.TB, data []byte) *mail.Message {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a message: %v\n%s", err, data)
	}
	return m
}

// Silent accepts connections and never answers, like a server that hangs;
// it returns its address.
func Silent(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}
