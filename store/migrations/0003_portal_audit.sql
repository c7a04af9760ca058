-- The portal's events in the audit log: logins (and refused logins), logouts,
-- uploads and downloads, each with the account that made it. SQLite cannot
-- change a CHECK constraint in place, so the table is copied into a new one
-- with the wider list of kinds and an account column; ids and rows are kept.

CREATE TABLE audit_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    time          TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('received', 'accepted', 'rejected', 'duplicate',
                                                   'superseded', 'built', 'delivered', 'build-failed',
                                                   'login', 'login-refused', 'logout', 'upload', 'download')),
    jurisdiction  TEXT    NOT NULL DEFAULT '',
    period        TEXT    NOT NULL DEFAULT '',
    submission_id INTEGER REFERENCES submissions (id),
    detail        TEXT    NOT NULL DEFAULT '',
    account       TEXT    NOT NULL DEFAULT ''
);
INSERT INTO audit_new (id, time, kind, jurisdiction, period, submission_id, detail)
    SELECT id, time, kind, jurisdiction, period, submission_id, detail FROM audit ORDER BY id;
DROP TABLE audit;
ALTER TABLE audit_new RENAME TO audit;
CREATE INDEX audit_time ON audit (time, id);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
