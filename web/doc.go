// Package web is the portal: SEESAC sees the reporting cycle at a glance and
// each Commission submits its workbook and reads its own feedback in a
// browser. It holds the accounts file, the sessions, the authorisation of
// every page and download, and the server-rendered pages (html/template, no
// JavaScript). It reads the ledger and the data folder through the small
// interfaces in source.go, which cmd/roadmap wires; docs/portal.md describes
// it.
package web
