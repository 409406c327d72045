-- Letters to the requester or the customer: drafts while the agent edits them, then kept
-- exactly as sent. The `letter_sent` audit event holds the SHA-256 of the sent body, so
-- `verify` proves it was not altered afterwards.
CREATE TABLE letters (
    id       INTEGER PRIMARY KEY,
    case_id  INTEGER NOT NULL REFERENCES cases (id),
    kind     TEXT NOT NULL,
    body     TEXT NOT NULL,
    -- Who saved the draft last, or who marked it sent.
    author   TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    -- NULL while a draft.
    sent_at  TEXT
);
CREATE INDEX letters_by_case ON letters (case_id, id);
-- At most one draft of each kind per case: saving a draft replaces it.
CREATE UNIQUE INDEX letters_one_draft ON letters (case_id, kind) WHERE sent_at IS NULL;

-- A sent letter never changes, except that retention may empty it; it is never deleted.
CREATE TRIGGER sent_letters_are_kept BEFORE UPDATE ON letters
WHEN OLD.sent_at IS NOT NULL AND (NEW.body <> '' OR NEW.sent_at IS NOT OLD.sent_at
    OR NEW.kind <> OLD.kind OR NEW.case_id <> OLD.case_id)
BEGIN SELECT RAISE(ABORT, 'a sent letter is kept as sent'); END;
CREATE TRIGGER sent_letters_are_never_deleted BEFORE DELETE ON letters
WHEN OLD.sent_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a sent letter is kept as sent'); END;
