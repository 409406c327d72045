-- Team desk schema 13: mail that arrived in the privacy mailbox. Each message is kept once,
-- known by the blind index of its Message-ID (message_key), its original bytes kept as
-- evidence. What the desk read from it is personal (the sender, the subject, the text, the
-- names of the files) and is sealed on the desktop like the rest, each value for its place;
-- the server sees the size, the dates, the state and the case. A message is kept on the case
-- it answers, or waits in the queue ('new') until an agent opens a case from it, merges it
-- into one or marks it as spam; of two agents deciding at once, the first one's stands.

CREATE TABLE intake (
    id             bigserial PRIMARY KEY,
    message_key    bytea   NOT NULL UNIQUE,
    message_id     bytea   NOT NULL,
    from_address   bytea,
    from_name      bytea,
    subject        bytea   NOT NULL,
    body           bytea   NOT NULL,
    attachments    bytea   NOT NULL,
    -- What was wrong with the message, in the desk's own words (nothing of the message).
    problems       text    NOT NULL,
    arrived_at     text    NOT NULL,
    imported_at    text    NOT NULL,
    imported_by    text    NOT NULL DEFAULT session_user,
    state          text    NOT NULL CHECK (state IN ('new', 'on_case', 'case_opened', 'spam')),
    case_id        bigint  REFERENCES cases (id),
    sender         text    CHECK (sender IN ('requester', 'customer', 'other')),
    names_case     text,
    decided_by     text,
    decided_at     text,
    size           bigint  NOT NULL,
    sha256         text    NOT NULL,
    original       bytea
);
CREATE INDEX intake_by_state ON intake (state, id);
CREATE INDEX intake_by_case ON intake (case_id) WHERE case_id IS NOT NULL;

REVOKE ALL ON intake FROM PUBLIC;
REVOKE ALL ON SEQUENCE intake_id_seq FROM PUBLIC;
GRANT SELECT ON intake TO @team@_viewer, @team@_agent, @team@_manager;
GRANT INSERT, UPDATE ON intake TO @team@_agent, @team@_manager;
GRANT USAGE ON SEQUENCE intake_id_seq TO @team@_agent, @team@_manager;

-- How far each mailbox the desk reads over IMAP was read (its UIDVALIDITY and the last UID
-- handed over), so that a fetch reads only what came since; any agent's fetch moves it on.
-- The name is the company's account and mailbox, nothing of a requester's.
CREATE TABLE mailboxes (
    name      text   PRIMARY KEY,
    validity  bigint NOT NULL,
    last_uid  bigint NOT NULL,
    read_at   text   NOT NULL
);
REVOKE ALL ON mailboxes FROM PUBLIC;
GRANT SELECT ON mailboxes TO @team@_viewer, @team@_agent, @team@_manager;
GRANT INSERT, UPDATE ON mailboxes TO @team@_agent, @team@_manager;

-- Who decided is who is logged in, whatever the desktop says.
CREATE FUNCTION intake_record_the_decider() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.imported_by := session_user;
        NEW.decided_by := CASE WHEN NEW.decided_at IS NULL THEN NULL ELSE session_user END;
    ELSIF NEW.decided_at IS DISTINCT FROM OLD.decided_at THEN
        NEW.decided_by := session_user;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER intake_records_the_decider BEFORE INSERT OR UPDATE ON intake
FOR EACH ROW WHEN (NOT copying_in()) EXECUTE FUNCTION intake_record_the_decider();
CREATE TRIGGER intake_under_the_team_key BEFORE INSERT OR UPDATE ON intake
FOR EACH STATEMENT EXECUTE FUNCTION written_under_the_team_key();

-- A rotation holds the kept mail still too, and seals it again.
CREATE OR REPLACE FUNCTION begin_key_rotation(p_at text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
DECLARE
    who text := session_user;
    next_generation integer;
BEGIN
    IF NOT pg_has_role(who, '@team@_manager', 'MEMBER') THEN
        RAISE EXCEPTION 'only a manager rotates the team key' USING ERRCODE = '42501';
    END IF;
    PERFORM 1 FROM chain WHERE id = 1 FOR UPDATE;
    LOCK TABLE cases, items, notes, letters, customers, saved_views, case_words, agents,
        company_files, intake IN EXCLUSIVE MODE;
    IF coalesce(current_setting('privacydesk.key_generation', true), '')
       IS DISTINCT FROM (SELECT generation::text FROM team_key WHERE id = 1) THEN
        RAISE EXCEPTION 'a manager rotated the team key since this desk signed in: sign in again'
            USING ERRCODE = '55000';
    END IF;
    DELETE FROM key_rotation;
    INSERT INTO key_rotation (id, by, started_at) VALUES (1, who, p_at);
    UPDATE team_key SET generation = generation + 1 WHERE id = 1
        RETURNING generation INTO next_generation;
    PERFORM set_config('privacydesk.key_generation', next_generation::text, false);
    RETURN next_generation;
END
$$;

-- A copy brings the kept mail too; the ids handed out next follow the copied ones.
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
    PERFORM setval('intake_id_seq', coalesce((SELECT max(id) FROM intake), 0) + 1, false);
    UPDATE copy_in SET finished_at = p_at;
    ANALYZE cases, items, notes, case_words, letters, events, outbox, intake;
END
$$;
