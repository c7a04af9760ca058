// Package render turns the ledger's accepted submissions into progress reports.
//
// Combine is pure: from a Snapshot (the catalogue, the accepted versions as of a
// cut-off time, the calendar) and a Request (period, jurisdiction, draft) it
// computes the Report model, every figure a report prints. Dump prints that
// model as stable text for golden tests. Builder reads a snapshot from a Ledger,
// writes the PDF and a manifest.json atomically, and records the build.
package render
