-- Team desk schema 7: a copy loaded in bulk, seals computed inline, words found by case, and
-- authors the server's.
--
-- load_events checks and keeps a whole batch of copied events in three statements rather than a
-- statement per event: an event's seal depends only on its own fields and the seal before it,
-- which the batch itself carries, so every seal is recomputed at once and each event's link to
-- the one before is checked against the batch (the first against the chain's head).
--
-- The keyed word index (case_words) no longer refers to cases by a foreign key: a copy writes
-- some eighty words per case, and the check of each against cases cost as much as writing it. A
-- word's case is always one the app has just written; cases are never deleted (retention
-- redacts them), and search reads cases through their words, so a word without its case would
-- find nothing.
--
-- A note's author, and a letter's, is the login that writes it, whatever the client says
-- (cases already record their writer so): only the manager loading a copy keeps the copied
-- authors.

CREATE OR REPLACE FUNCTION load_events(p_seq bigint[], p_case_id bigint[], p_at text[],
                                       p_actor text[], p_action text[], p_details text[],
                                       p_prev_hash text[], p_hash text[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
DECLARE
    previous text;
    last_seq bigint;
    n        integer := coalesce(array_length(p_seq, 1), 0);
    wrong    integer;
BEGIN
    IF NOT copying_in() THEN
        RAISE EXCEPTION 'events are loaded only into a new team desk, by the manager copying into it'
            USING ERRCODE = '42501';
    END IF;
    IF n = 0 THEN
        RETURN;
    END IF;
    IF coalesce(array_length(p_case_id, 1), 0) <> n OR coalesce(array_length(p_at, 1), 0) <> n
       OR coalesce(array_length(p_actor, 1), 0) <> n OR coalesce(array_length(p_action, 1), 0) <> n
       OR coalesce(array_length(p_details, 1), 0) <> n
       OR coalesce(array_length(p_prev_hash, 1), 0) <> n
       OR coalesce(array_length(p_hash, 1), 0) <> n THEN
        RAISE EXCEPTION 'a batch of events has columns of different lengths' USING ERRCODE = '22023';
    END IF;
    SELECT c.head, c.count INTO previous, last_seq FROM chain AS c WHERE c.id = 1 FOR UPDATE;

    SELECT min(e.i) INTO wrong
    FROM unnest(p_seq, p_prev_hash) WITH ORDINALITY AS e(seq, prev_hash, i)
    WHERE e.seq IS DISTINCT FROM last_seq + e.i
       OR e.prev_hash IS DISTINCT FROM CASE WHEN e.i = 1 THEN previous ELSE p_hash[e.i - 1] END;
    IF wrong IS NOT NULL THEN
        RAISE EXCEPTION 'event % does not follow the trail loaded so far', p_seq[wrong]
            USING ERRCODE = '22023';
    END IF;

    SELECT min(e.i) INTO wrong
    FROM unnest(p_seq, p_case_id, p_at, p_actor, p_action, p_details, p_prev_hash, p_hash)
         WITH ORDINALITY AS e(seq, case_id, at, actor, action, details, prev_hash, hash, i)
    WHERE event_seal(e.prev_hash, e.seq, e.case_id, e.at, e.actor, e.action, e.details)
          IS DISTINCT FROM e.hash;
    IF wrong IS NOT NULL THEN
        RAISE EXCEPTION 'event %''s seal does not match what it records', p_seq[wrong]
            USING ERRCODE = '22023';
    END IF;

    INSERT INTO events (seq, case_id, at, actor, action, details, prev_hash, hash)
    SELECT * FROM unnest(p_seq, p_case_id, p_at, p_actor, p_action, p_details, p_prev_hash, p_hash);
    UPDATE chain SET head = p_hash[n], count = p_seq[n] WHERE id = 1;
END
$$;

ALTER TABLE case_words DROP CONSTRAINT IF EXISTS case_words_case_id_fkey;

CREATE FUNCTION notes_record_the_author() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT copying_in() THEN
        NEW.author := session_user;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER notes_record_the_author BEFORE INSERT ON notes
FOR EACH ROW EXECUTE FUNCTION notes_record_the_author();

-- A letter's author changes only to whoever changes it (a draft saved again is the saver's; a
-- manager's redaction keeps the author).
CREATE FUNCTION letters_record_the_author() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT copying_in() THEN
            NEW.author := session_user;
        END IF;
    ELSIF NEW.author IS DISTINCT FROM OLD.author THEN
        NEW.author := session_user;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER letters_record_the_author BEFORE INSERT OR UPDATE ON letters
FOR EACH ROW EXECUTE FUNCTION letters_record_the_author();

-- An event's seal as one expression whose names are bound when it is defined (a SQL-standard
-- body): the planner folds it into the statement that calls it, where schema 6's definition,
-- with its own search_path, was called row by row (seven times slower, on every append and
-- every loaded event). The same bytes; who may call it is unchanged.
CREATE OR REPLACE FUNCTION event_seal(p_previous text, p_seq bigint, p_case_id bigint, p_at text,
                                      p_actor text, p_action text, p_details text) RETURNS text
LANGUAGE sql IMMUTABLE
RETURN encode(sha256(
    seal_field(p_previous) || seal_field(p_seq::text)
    || seal_field(coalesce(p_case_id::text, '')) || seal_field(p_at)
    || seal_field(p_actor) || seal_field(p_action) || seal_field(p_details)), 'hex');

-- Whether a case holds a word is one lookup in either index of the words: by word (a search's
-- rare words) or by case (its common ones, checked case by case in the list's order). With the
-- case alone in the second, the planner read all of a case's eighty words to find one.
DROP INDEX case_words_by_case;
CREATE INDEX case_words_by_case ON case_words (case_id, token);
