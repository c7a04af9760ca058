-- The ledger: every file a Commission sent, what was read from it, what the
-- checks found, the report builds, and an append-only audit log.
--
-- Times are TEXT in UTC, RFC 3339 with exactly nine fractional digits
-- ("2026-11-02T10:15:00.000000000Z"): fixed width, so that text order is time
-- order and a time read back is the instant that was written.

CREATE TABLE submissions (
    id                INTEGER PRIMARY KEY,
    hash              TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    folder            TEXT    NOT NULL DEFAULT '',
    source            TEXT    NOT NULL UNIQUE,
    size              INTEGER NOT NULL,
    received          TEXT    NOT NULL,
    jurisdiction      TEXT    NOT NULL DEFAULT '',
    period            TEXT    NOT NULL DEFAULT '',
    template_version  TEXT    NOT NULL DEFAULT '',
    catalogue_id      TEXT    NOT NULL DEFAULT '',
    catalogue_version TEXT    NOT NULL DEFAULT '',
    catalogue_hash    TEXT    NOT NULL DEFAULT '',
    version           INTEGER NOT NULL DEFAULT 0,
    state             TEXT    NOT NULL CHECK (state IN ('accepted', 'superseded', 'rejected', 'duplicate')),
    path              TEXT    NOT NULL DEFAULT '',
    institution       TEXT    NOT NULL DEFAULT '',
    contact           TEXT    NOT NULL DEFAULT '',
    email             TEXT    NOT NULL DEFAULT '',
    cover_date        TEXT    NOT NULL DEFAULT '',
    final             INTEGER NOT NULL DEFAULT 0,
    -- A version number belongs to an accepted (or later superseded) file only.
    CHECK ((state IN ('accepted', 'superseded')) = (version > 0))
);

-- At most one current version per jurisdiction and period, and version
-- numbers never repeat within them.
CREATE UNIQUE INDEX submissions_current ON submissions (jurisdiction, period) WHERE state = 'accepted';
CREATE UNIQUE INDEX submissions_version ON submissions (jurisdiction, period, version) WHERE version > 0;
CREATE INDEX submissions_hash ON submissions (hash);
CREATE INDEX submissions_received ON submissions (received, id);

-- kpi_values: one row per KPI row read from the file. Reported = 0 is a blank
-- cell (not reported), which is never the same as a reported 0.
CREATE TABLE kpi_values (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    seq           INTEGER NOT NULL,
    row_code      TEXT    NOT NULL,
    indicator     TEXT    NOT NULL,
    part          TEXT    NOT NULL DEFAULT '',
    reported      INTEGER NOT NULL CHECK (reported IN (0, 1)),
    number        REAL,
    level         TEXT    NOT NULL DEFAULT '',
    comment       TEXT    NOT NULL DEFAULT '',
    cell          TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (submission_id, seq),
    CHECK (reported = 1 OR number IS NULL)
);

CREATE TABLE narratives (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    seq           INTEGER NOT NULL,
    goal          TEXT    NOT NULL,
    progress      TEXT    NOT NULL DEFAULT '',
    challenges    TEXT    NOT NULL DEFAULT '',
    support       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (submission_id, seq)
);

CREATE TABLE findings (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    seq           INTEGER NOT NULL,
    severity      TEXT    NOT NULL CHECK (severity IN ('error', 'warning')),
    code          TEXT    NOT NULL,
    sheet         TEXT    NOT NULL DEFAULT '',
    cell          TEXT    NOT NULL DEFAULT '',
    indicator     TEXT    NOT NULL DEFAULT '',
    message       TEXT    NOT NULL,
    PRIMARY KEY (submission_id, seq)
);

CREATE TABLE builds (
    id          INTEGER PRIMARY KEY,
    meeting     TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    started     TEXT    NOT NULL,
    as_of       TEXT    NOT NULL,
    inputs_hash TEXT    NOT NULL DEFAULT '',
    outputs     TEXT    NOT NULL DEFAULT '[]', -- JSON array of paths
    ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
    error       TEXT    NOT NULL DEFAULT '',
    scheduled   INTEGER NOT NULL CHECK (scheduled IN (0, 1))
);
CREATE INDEX builds_meeting ON builds (meeting, kind, started);

CREATE TABLE audit (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    time          TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('received', 'accepted', 'rejected', 'duplicate',
                                                   'superseded', 'built', 'delivered', 'build-failed')),
    jurisdiction  TEXT    NOT NULL DEFAULT '',
    period        TEXT    NOT NULL DEFAULT '',
    submission_id INTEGER REFERENCES submissions (id),
    detail        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_time ON audit (time, id);

-- The audit log is append-only: the database itself refuses to change history.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
