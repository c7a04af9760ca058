// Package ingest turns the files that Commissions drop into the inbox into
// checked, versioned submissions in the ledger, and tells each sender what
// became of its file.
//
// The Checker checks a workbook's bytes (magic bytes first, a scan of the
// rows the sheets declare, then one excelize parse per sheet with tight
// limits and raw values, inside recover) against the catalogue; it reads no
// file and writes nothing. Examine is everything that needs only the file;
// Compare, the comparison with the previous period, needs the ledger. The
// Intake does everything about files: one listing of inbox/ and inbox/<J>/
// (shared with the Watcher, as is the stability tracker) skips what is not
// a submission (lock files, hidden files, partial copies, SEESAC's folder);
// files still changing wait; it rejects what it cannot take (other kinds of
// file, symbolic links, a folder that names no jurisdiction, another
// jurisdiction's data in a jurisdiction's folder), decides duplicates, keeps
// the originals and writes the feedback. A pass reads and examines the files
// on all cores and commits them in inbox order, in groups that share their
// disk flushes and one ledger transaction; DryRun (roadmap
// validate) is the same path up to the first write.
//
// # Where files go
//
//	archive/J/P/<sha256[:16]>-<name>             accepted originals, never modified
//	archive/J/P/duplicates/<sha256[:16]>-<name>  content already accepted: kept, not counted
//	rejected/J/<sha256[:16]>-<name>              rejected originals (J = _unknown when not known)
//	feedback/J/<name>.receipt.txt                accepted or duplicate: what was recorded
//	feedback/J/<name>.errors.txt                 rejected: every problem, where, what to do
//	feedback/J/<name>.annotated.xlsx             rejected workbook: marked-up copy
//	feedback/J/inbox-<name>.*                    the same, for a file dropped in inbox/ itself
//
// J is the inbox folder the file came from (the only folder its sender can
// see), else the jurisdiction its data names, and only ever a catalogue code
// or _unknown. A duplicate is kept in the archive rather than among the
// rejections because nothing was wrong with it. A symbolic link is kept as a
// link with the same target, never followed. Beside every stored original,
// <stored name>.intake.json notes its original name, inbox folder, received
// time, content hash and source key, and the original's modification time is
// set to its received time: with these the ledger can be rebuilt (Reindex).
//
// # The order of writes, and why it is crash-safe
//
// Files are committed in groups: a run of consecutive files of the pass
// (up to 64, or as many as are checked when the previous group is done).
// For each group, in this order:
//
//  1. read and check: each file read once, its content hash, the check (on
//     all cores), then, in inbox order, the comparison with the previous
//     period and the duplicate test, each seeing the earlier files of its
//     group as if they were recorded (so a group decides versions,
//     duplicates and comparisons as committing one file at a time would).
//     No writes, so an interruption leaves nothing behind.
//  2. store the originals: copy each to its place (a temporary file,
//     checked against the hash, renamed; the note beside it likewise),
//     unsynced; then make them all durable at once: on Linux one syncfs(2)
//     of the data folder's file system, which flushes the files, their
//     names and the folders; elsewhere a sync of each file and then of each
//     folder once. Folders created on the way have their parents synced
//     as they are made. The name comes from the content and the drop, so
//     doing it again writes the same file, and another drop never writes
//     over it.
//  3. the ledger transaction: one for the whole group, recording each
//     submission with its values and findings, the superseded version and
//     the audit events, keyed by the drop's source key (inbox path, size,
//     modification time, hash, and when the file arrived in the inbox: its
//     birth time, which a copy that keeps the modification time still sets
//     and a chmod does not move, or its change time where the file system
//     keeps no birth time), which the ledger refuses to record twice.
//     The ledger's writer commits with synchronous=FULL: when the commit
//     returns it is on disk, so step 5 never removes a file whose record a
//     power cut could still undo.
//  4. for each file: the feedback files (temporary file, then rename; not
//     synced, since the ledger and the archive already hold everything a
//     note says: a power cut can lose a note, never a record), then
//     Intake.Answered, which records the sender's receipt for delivery (an
//     outbox message in the ledger, committed like step 3).
//  5. then its removal from the inbox.
//
// An oversized file (moved, not copied) and SEESAC's synthesis are taken
// alone, after the group before them is committed.
//
// The inbox file is removed last, so until the end of step 5 the drop is
// still in the inbox and the next pass sees it again. That pass computes the
// same source key and asks the ledger: if the drop is not recorded (an
// interruption in steps 1–3, before the group's transaction commits, so
// that none of the group is recorded), it is taken from the start, and
// step 2 only rewrites the same stored file, whatever a power cut left of
// it; if it is recorded (an interruption in steps
// 4–5), it is not recorded again: the pass writes the feedback from what the
// ledger holds, tells Answered again (a receipt already recorded is not
// recorded twice: the outbox keeps one message per key) and removes the
// file. So at any instant each file is either
// still in the inbox or recorded exactly once with its original kept, never
// counted twice and never lost.
//
// This holds for the two failures that matter: the process ending at any
// point (a crash, kill -9, SIGTERM past its budget), and the machine losing
// power at any point, since every step a later one relies on (the stored
// originals, their notes and folders, the ledger commit) is synced before
// that step starts. It does not hold for a disk that lies about syncing (a write
// cache without a battery), nor when the data folder is on a network share
// whose server acknowledges writes it has not stored. Storing the original before the ledger
// commits is what makes the archive a complete record: every recorded
// submission has its file. The worst an interruption can leave is a stored
// copy of a file that is still in the inbox, which the next pass reuses.
//
// # Rebuilding the ledger
//
// Intake.Reindex checks every stored original again, oldest received first,
// and records it under its original source key and received time, with the
// state its place records, so that losing roadmap.db loses nothing.
package ingest
