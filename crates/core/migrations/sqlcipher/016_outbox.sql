-- The outbox: each letter sent by email is a message here before it leaves, its Message-ID
-- and Date fixed at the first try so a retry sends the same message; its letter is marked
-- sent only once the server took it. No personal data: the text is the letter's, the address
-- is read from the case at each try, and a failure is kept as the step and the server's code.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    letter_id  INTEGER NOT NULL UNIQUE REFERENCES letters (id),
    kind       TEXT NOT NULL,
    addressee  TEXT NOT NULL CHECK (addressee IN ('requester', 'customer')),
    message_id TEXT NOT NULL UNIQUE,
    dated      TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    queued_at  TEXT NOT NULL,
    queued_by  TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX outbox_by_case ON outbox (case_id, kind);
