// Package roadmap is the vocabulary of the SALW Control Roadmap reporting engine:
// jurisdictions, periods, goals, indicators and their breakdowns, the values a
// Commission reports, the findings of a check, submissions, meetings and the
// layout of the Commission workbook that every stage agrees on.
//
// The package does no I/O. Loading the catalogue and writing workbooks live in
// templates/, reading and checking them in ingest/, the ledger in store/, reports
// in render/ and the meeting calendar in schedule/; cmd/roadmap wires them.
package roadmap
