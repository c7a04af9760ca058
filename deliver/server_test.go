package deliver

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

// This file is a real SMTP server for the tests (emersion/go-smtp) on a
// loopback port, with STARTTLS or implicit TLS on a certificate made for
// the test, PLAIN login over TLS only, and knobs that make it answer 4xx or
// 5xx, drop the connection in the middle of a message, or enforce a size
// limit.

const (
	testUser     = "roadmap"
	testPassword = "s3cret"
)

// mailServer is the server and what it received.
type mailServer struct {
	addr  string
	roots *x509.CertPool

	mu       sync.Mutex
	received []received
	// rcptErr, dataErr: answers to RCPT TO and to the end of DATA.
	rcptErr, dataErr *smtp.SMTPError
	// dropInData closes the connection after part of the message.
	dropInData bool
}

type received struct {
	from, user string
	to         []string
	tls        bool
	data       []byte
}

// serve starts a server; implicit serves TLS from the first byte, otherwise
// STARTTLS is offered (unless plain, which offers no TLS at all).
func serve(t *testing.T, implicit, plain bool, maxBytes int64) *mailServer {
	t.Helper()
	cert, roots := selfSigned(t)
	ms := &mailServer{roots: roots}
	srv := smtp.NewServer(&backend{ms: ms})
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = maxBytes
	if !plain {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		l = tls.NewListener(l, srv.TLSConfig)
	}
	ms.addr = l.Addr().String()
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

func (ms *mailServer) config(mode string) roadmap.SMTPConfig {
	host, port, _ := net.SplitHostPort(ms.addr)
	p, _ := strconv.Atoi(port)
	return roadmap.SMTPConfig{Host: host, Port: p, TLS: mode, Username: testUser, Timeout: 5 * time.Second}
}

// transport is an SMTP transport that trusts the test's certificate.
func (ms *mailServer) transport(mode, password string) *SMTP {
	return &SMTP{Config: ms.config(mode), Password: password, TLS: &tls.Config{RootCAs: ms.roots, MinVersion: tls.VersionTLS12}}
}

func (ms *mailServer) messages() []received {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]received(nil), ms.received...)
}

type backend struct{ ms *mailServer }

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{ms: b.ms, conn: c}, nil
}

type session struct {
	ms   *mailServer
	conn *smtp.Conn
	cur  received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != testUser || password != testPassword {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication failed"}
		}
		s.cur.user = username
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.cur.user == "" {
		return smtp.ErrAuthRequired
	}
	s.cur.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.ms.mu.Lock()
	defer s.ms.mu.Unlock()
	if s.ms.rcptErr != nil {
		return s.ms.rcptErr
	}
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	s.ms.mu.Lock()
	drop, dataErr := s.ms.dropInData, s.ms.dataErr
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
	_, s.cur.tls = s.conn.TLSConnectionState()
	s.cur.data = data
	s.ms.mu.Lock()
	s.ms.received = append(s.ms.received, s.cur)
	s.ms.mu.Unlock()
	s.cur = received{user: s.cur.user}
	return nil
}

func (s *session) Reset()        { s.cur = received{user: s.cur.user} }
func (s *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and localhost, and the pool
// that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
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

// parse reads a received message as a mail client would.
func parse(t *testing.T, data []byte) *mail.Message {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a message: %v\n%s", err, data)
	}
	return m
}

// silent accepts connections and never answers: a server that hangs.
func silent(t *testing.T) string {
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
