// Package deliver sends the outbox: it decides which messages are due (the
// receipt of a file, the notices of a round, a report to SEESAC), composes
// each recorded message as an e-mail, hands it to a transport (an SMTP
// server through go-mail, or .eml files in the data folder's outbox/) and
// records the outcome, retrying with exponential backoff.
//
// A message is recorded in the ledger under a stable key before it is sent
// and is never sent twice for one key. The Message-ID is derived from the
// key, so a message sent again after a crash between the server's
// acceptance and the ledger's update carries the same Message-ID and mail
// clients fold the two; that re-send happens at most once, because the
// ledger records the outcome of the re-send before anything else is tried.
// docs/delivery.md describes what is sent when, and to whom.
package deliver
