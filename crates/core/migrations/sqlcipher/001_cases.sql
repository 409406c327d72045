-- Schema 1: cases, their items and notes, the hash-chained audit trail, and full-text search.
CREATE TABLE cases (
    id                   INTEGER PRIMARY KEY,
    reference            TEXT NOT NULL UNIQUE,
    kind                 TEXT NOT NULL,
    state                TEXT NOT NULL,
    outcome              TEXT,
    denial_basis         TEXT,
    denial_reason        TEXT,
    requester_name       TEXT NOT NULL,
    requester_email      TEXT NOT NULL,
    is_minor             INTEGER NOT NULL DEFAULT 0,
    customer             TEXT,
    channel              TEXT NOT NULL,
    jurisdiction         TEXT NOT NULL,
    details              TEXT NOT NULL DEFAULT '',
    received_on          TEXT NOT NULL,
    due_on               TEXT NOT NULL,
    -- When the case next needs action: its due date, or the purge date of a scheduled
    -- deletion; NULL while closed, while the clock is stopped, or while a legal hold stands.
    attention_on         TEXT,
    -- The queue's order: attention_on, or due_on when nothing is pending.
    queue_on             TEXT NOT NULL,
    pauses               TEXT NOT NULL DEFAULT '[]',
    extended_until       TEXT,
    extension_granted_on TEXT,
    extension_reason     TEXT,
    assignee             TEXT,
    purge_on             TEXT,
    legal_hold           TEXT,
    closed_on            TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX cases_by_queue ON cases (queue_on, id);
CREATE INDEX cases_by_state_queue ON cases (state, queue_on, id);
CREATE INDEX cases_by_kind_queue ON cases (kind, queue_on, id);
-- The open cases are a few percent of a years-old database: the desk's default view and its
-- side-bar counts read this small index, never the closed majority.
CREATE INDEX cases_open ON cases (queue_on, id, kind, customer, assignee) WHERE state <> 'closed';
CREATE INDEX cases_by_received ON cases (received_on);
CREATE INDEX cases_by_attention ON cases (attention_on) WHERE attention_on IS NOT NULL;
CREATE INDEX cases_by_closed ON cases (closed_on) WHERE closed_on IS NOT NULL;
-- Covers every column the monthly report counts, so it reads this index and not the table.
CREATE INDEX cases_for_reports ON cases (
    kind, received_on, closed_on, due_on, extension_granted_on, purge_on, legal_hold
);

CREATE TABLE items (
    case_id  INTEGER NOT NULL REFERENCES cases (id),
    position INTEGER NOT NULL,
    url      TEXT NOT NULL,
    outcome  TEXT NOT NULL DEFAULT 'pending',
    reason   TEXT,
    PRIMARY KEY (case_id, position)
) WITHOUT ROWID;

-- Free text written by agents: notes, and the reasons given with actions.
CREATE TABLE notes (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    at      TEXT NOT NULL,
    author  TEXT NOT NULL,
    kind    TEXT NOT NULL,
    body    TEXT NOT NULL
);
CREATE INDEX notes_by_case ON notes (case_id, id);

CREATE TABLE events (
    seq       INTEGER PRIMARY KEY,
    case_id   INTEGER REFERENCES cases (id),
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    details   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX events_by_case ON events (case_id, seq);
CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;

-- The chain head and length, so that cutting events off the end is noticed too.
CREATE TABLE chain (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    head  TEXT NOT NULL,
    count INTEGER NOT NULL
);
INSERT INTO chain (id, head, count)
VALUES (1, '0000000000000000000000000000000000000000000000000000000000000000', 0);

CREATE TABLE reference_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

-- Contentless: the text lives once, in `cases` and `notes`; this holds only the index.
CREATE VIRTUAL TABLE case_search USING fts5 (
    reference, name, email, details, notes,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
