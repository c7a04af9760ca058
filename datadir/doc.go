// Package datadir owns the data folder: its layout (which folder holds
// what), the names it reserves, the permissions of every folder and file the
// program creates in it, and the primitives that write there safely (atomic
// replacement, directory sync, sweeping temporary files left by a crash,
// the lock that keeps one writer at a time).
//
// No other package spells a folder name of the layout or a file mode: they
// ask a Dir for the path, and write through WriteFile, MkdirAll and the rest.
// The layout is described in docs/ and the README:
//
//	roadmap.yaml          configuration
//	roadmap.db            the ledger (SQLite)
//	roadmap.lock          held by the one process that takes files from the inbox
//	inbox/                drops; inbox/J/ per jurisdiction
//	inbox/_seesac/        SEESAC's own drops (the edited synthesis workbook)
//	archive/J/P/          accepted originals; archive/J/P/duplicates/ content already accepted
//	rejected/J/           rejected originals (J = _unknown when not known)
//	feedback/J/           the notes to each sender
//	reports/NAME/         one folder per build name (a meeting id, or a period)
//	reports/status/       the daemon's status digests
//	outbox/               messages written as files when no mail server is set
//
// # Permissions
//
// Folders are created 0750 and files 0640: the service account writes, the
// operator's group (which the shares of inbox/J/ and feedback/J/ are granted
// to) reads, and nobody else sees anything. The modes are applied exactly,
// whatever the process's umask.
package datadir
