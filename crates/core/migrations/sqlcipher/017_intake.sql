-- Mail that arrived in the privacy mailbox: each message kept once, its original bytes as
-- evidence, with what the desk read from it. A message is kept on the case it answers, or
-- waits in the intake queue ('new') until an agent opens a case from it, merges it into one
-- or marks it as spam. message_key is the SHA-256 of the Message-ID, which stays when
-- retention removes the message itself, so that a message fetched again is still known.
CREATE TABLE intake (
    id           INTEGER PRIMARY KEY,
    message_key  TEXT NOT NULL UNIQUE,
    message_id   TEXT NOT NULL,
    from_address TEXT,
    from_name    TEXT,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    attachments  TEXT NOT NULL,
    problems     TEXT NOT NULL,
    arrived_at   TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    imported_by  TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('new', 'on_case', 'case_opened', 'spam')),
    case_id      INTEGER REFERENCES cases (id),
    sender       TEXT CHECK (sender IN ('requester', 'customer', 'other')),
    names_case   TEXT,
    decided_by   TEXT,
    decided_at   TEXT,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    -- Last, so that a list reads no overflow page of it; NULL once redacted.
    original     BLOB
);
CREATE INDEX intake_by_state ON intake (state, id);
CREATE INDEX intake_by_case ON intake (case_id) WHERE case_id IS NOT NULL;

-- How far each mailbox the desk reads over IMAP was read: its UIDVALIDITY and the last UID
-- handed over, so that a fetch reads only what came since (a message read twice is still
-- imported once, by its Message-ID).
CREATE TABLE mailboxes (
    name      TEXT PRIMARY KEY,
    validity  INTEGER NOT NULL,
    last_uid  INTEGER NOT NULL,
    read_at   TEXT NOT NULL
);
