-- The outbox: every message the program sends is recorded here, under a
-- stable key, before it is sent (docs/delivery.md). Attachments are kept by
-- the SHA-256 of their content in blobs, so that the same report or template
-- is stored once however many messages carry it, and a message can be sent
-- again exactly as it was recorded even after the file it came from changed.

CREATE TABLE blobs (
    hash TEXT PRIMARY KEY,
    data BLOB NOT NULL
);

CREATE TABLE outbox (
    key          TEXT    PRIMARY KEY,
    jurisdiction TEXT    NOT NULL DEFAULT '',
    recipients   TEXT    NOT NULL,              -- JSON array of addresses
    subject      TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    attachments  TEXT    NOT NULL DEFAULT '[]', -- JSON array of {name, hash, size}
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    tries        INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT    NOT NULL DEFAULT '',
    created      TEXT    NOT NULL,
    next_try     TEXT    NOT NULL DEFAULT '',   -- '' unless pending
    attempted    TEXT    NOT NULL DEFAULT '',   -- when the last try started
    -- 1 from the start of a try until its outcome is recorded: a pending
    -- message found in flight was cut off by a crash, maybe after the server
    -- took it, and is sent again with the same Message-ID.
    in_flight    INTEGER NOT NULL DEFAULT 0 CHECK (in_flight IN (0, 1)),
    sent         TEXT    NOT NULL DEFAULT '',
    via          TEXT    NOT NULL DEFAULT '',
    CHECK ((state = 'pending') = (next_try <> ''))
);
CREATE INDEX outbox_due ON outbox (state, next_try);
