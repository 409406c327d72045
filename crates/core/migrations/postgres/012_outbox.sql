-- Team desk schema 12: the outbox. Each letter sent by email is a message here before it
-- leaves, its Message-ID and Date fixed at the first try so a retry sends the same message;
-- its letter is marked sent only once the server took it. Nothing here is personal (the text
-- is the letter's, sealed there; the address is read from the case at each try; a failure is
-- kept as the step and the server's code), so nothing is sealed. Two agents retrying the same
-- message at once: the one whose update moves it to 'sending' sends it, the other is told.

CREATE TABLE outbox (
    id         bigserial PRIMARY KEY,
    case_id    bigint  NOT NULL REFERENCES cases (id),
    letter_id  bigint  NOT NULL UNIQUE REFERENCES letters (id),
    kind       text    NOT NULL,
    addressee  text    NOT NULL CHECK (addressee IN ('requester', 'customer')),
    message_id text    NOT NULL UNIQUE,
    dated      text    NOT NULL,
    state      text    NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts   integer NOT NULL DEFAULT 0,
    last_error text,
    queued_at  text    NOT NULL,
    queued_by  text    NOT NULL DEFAULT session_user,
    updated_at text    NOT NULL
);
CREATE INDEX outbox_by_case ON outbox (case_id, kind);

REVOKE ALL ON outbox FROM PUBLIC;
REVOKE ALL ON SEQUENCE outbox_id_seq FROM PUBLIC;
GRANT SELECT ON outbox TO @team@_viewer, @team@_agent, @team@_manager;
GRANT INSERT, UPDATE, DELETE ON outbox TO @team@_agent, @team@_manager;
GRANT USAGE ON SEQUENCE outbox_id_seq TO @team@_agent, @team@_manager;

-- A copy brings the outbox too; the ids handed out next follow the copied ones.
CREATE OR REPLACE FUNCTION finish_copy_in(p_at text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
BEGIN
    IF NOT copying_in() THEN
        RAISE EXCEPTION 'no copy is being loaded by %', session_user USING ERRCODE = '42501';
    END IF;
    PERFORM setval('cases_id', coalesce((SELECT max(id) FROM cases), 0) + 1, false);
    PERFORM setval('notes_id', coalesce((SELECT max(id) FROM notes), 0) + 1, false);
    PERFORM setval('letters_id_seq', coalesce((SELECT max(id) FROM letters), 0) + 1, false);
    PERFORM setval('outbox_id_seq', coalesce((SELECT max(id) FROM outbox), 0) + 1, false);
    UPDATE copy_in SET finished_at = p_at;
    ANALYZE cases, items, notes, case_words, letters, events, outbox;
END
$$;
