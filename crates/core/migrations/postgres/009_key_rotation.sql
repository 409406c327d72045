-- Team desk schema 9: rotating the team key. A manager seals every personal value again under
-- a new key, rebuilds the search indexes with it and seals the new key to each agent's public
-- key (schema 8), all in one transaction that holds the tables still; each agent takes theirs
-- the next time they sign in, wrapping it under their own passphrase. Someone removed before
-- the rotation, who may have kept the old key, cannot open anything written after it.
--
-- A desk signed in before a rotation still holds the old key: everything it wrote would be
-- sealed under it. Each connection says which generation of the key it holds
-- (privacydesk.key_generation, set when it signs in), and every statement writing personal
-- data is refused under any other ("sign in again"). That guards honest desktops; it is not
-- a permission (what the server enforces stays the grants and policies).

CREATE TABLE team_key (
    id         integer PRIMARY KEY CHECK (id = 1),
    generation integer NOT NULL,
    rotated_at text,
    rotated_by text
);
INSERT INTO team_key (id, generation) VALUES (1, 1);
REVOKE ALL ON team_key FROM PUBLIC;
GRANT SELECT ON team_key TO @team@_viewer, @team@_agent, @team@_manager;

-- The team key sealed to an agent's public key by a rotation, until they take it.
ALTER TABLE agents ADD COLUMN key_box bytea,
                   ADD COLUMN key_generation integer NOT NULL DEFAULT 1;
ALTER TABLE agents ALTER COLUMN wrapped_team_key DROP NOT NULL;

CREATE TABLE key_rotation (
    id          integer PRIMARY KEY CHECK (id = 1),
    by          text    NOT NULL,
    started_at  text    NOT NULL,
    finished_at text
);
REVOKE ALL ON key_rotation FROM PUBLIC;

-- Whether the connected manager is rotating the key now (in this transaction).
CREATE FUNCTION rotating() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
    SELECT EXISTS (SELECT FROM key_rotation WHERE by = session_user AND finished_at IS NULL)
$$;
REVOKE ALL ON FUNCTION rotating() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rotating() TO @team@_viewer, @team@_agent, @team@_manager;

CREATE FUNCTION written_under_the_team_key() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
BEGIN
    IF coalesce(current_setting('privacydesk.key_generation', true), '')
       IS DISTINCT FROM (SELECT generation::text FROM team_key WHERE id = 1) THEN
        RAISE EXCEPTION 'a manager rotated the team key since this desk signed in: nothing was saved; sign in again'
            USING ERRCODE = '55000';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER cases_under_the_team_key BEFORE INSERT OR UPDATE ON cases
FOR EACH STATEMENT EXECUTE FUNCTION written_under_the_team_key();
CREATE TRIGGER items_under_the_team_key BEFORE INSERT OR UPDATE ON items
FOR EACH STATEMENT EXECUTE FUNCTION written_under_the_team_key();
CREATE TRIGGER notes_under_the_team_key BEFORE INSERT OR UPDATE ON notes
FOR EACH STATEMENT EXECUTE FUNCTION written_under_the_team_key();
CREATE TRIGGER letters_under_the_team_key BEFORE INSERT OR UPDATE ON letters
FOR EACH STATEMENT EXECUTE FUNCTION written_under_the_team_key();
CREATE TRIGGER customers_under_the_team_key BEFORE INSERT OR UPDATE ON customers
FOR EACH STATEMENT EXECUTE FUNCTION written_under_the_team_key();
CREATE TRIGGER saved_views_under_the_team_key BEFORE INSERT OR UPDATE ON saved_views
FOR EACH STATEMENT EXECUTE FUNCTION written_under_the_team_key();
CREATE TRIGGER case_words_under_the_team_key BEFORE INSERT OR UPDATE ON case_words
FOR EACH STATEMENT EXECUTE FUNCTION written_under_the_team_key();

-- Begins a rotation: a manager's, one at a time; the tables held still until the commit; the
-- connection's generation is the new one from here on (rolled back with the rest).
CREATE FUNCTION begin_key_rotation(p_at text) RETURNS integer
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
    LOCK TABLE cases, items, notes, letters, customers, saved_views, case_words, agents
        IN EXCLUSIVE MODE;
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
REVOKE ALL ON FUNCTION begin_key_rotation(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION begin_key_rotation(text) TO @team@_manager;

-- Ends a rotation: the new key sealed to every other agent (each must be given theirs), the
-- rotating manager's own wrapping of it; everyone else's wrapping of the old key goes.
CREATE FUNCTION finish_key_rotation(p_names text[], p_boxes bytea[], p_own_wrapped bytea,
                                    p_at text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
DECLARE
    who text := session_user;
    generation_now integer := (SELECT generation FROM team_key WHERE id = 1);
    missing text;
BEGIN
    IF NOT rotating() THEN
        RAISE EXCEPTION 'no rotation of the team key is under way by %', who USING ERRCODE = '42501';
    END IF;
    SELECT string_agg(a.name, ', ' ORDER BY a.name) INTO missing FROM agents AS a
    WHERE a.name <> who AND a.name <> ALL (coalesce(p_names, ARRAY[]::text[]));
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'the new team key was not sealed for %', missing USING ERRCODE = '22023';
    END IF;
    UPDATE agents AS a SET key_box = b.box, wrapped_team_key = NULL
    FROM unnest(p_names, p_boxes) AS b(name, box)
    WHERE a.name = b.name AND a.name <> who;
    UPDATE agents SET wrapped_team_key = p_own_wrapped, key_box = NULL,
                      key_generation = generation_now
    WHERE name = who;
    UPDATE team_key SET rotated_at = p_at, rotated_by = who WHERE id = 1;
    UPDATE key_rotation SET finished_at = p_at;
END
$$;
REVOKE ALL ON FUNCTION finish_key_rotation(text[], bytea[], bytea, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION finish_key_rotation(text[], bytea[], bytea, text) TO @team@_manager;

-- An agent takes the key sealed to them: their own wrapping of it replaces the box.
CREATE FUNCTION take_team_key(p_wrapped bytea) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE agents SET wrapped_team_key = p_wrapped, key_box = NULL,
                      key_generation = (SELECT generation FROM team_key WHERE id = 1)
    WHERE name = session_user AND key_box IS NOT NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no new team key waits for %', session_user USING ERRCODE = '22023';
    END IF;
END
$$;
REVOKE ALL ON FUNCTION take_team_key(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION take_team_key(bytea) TO @team@_viewer, @team@_agent, @team@_manager;

-- While rotating, a manager writes each sealed value again; otherwise a note is never changed
-- and a case's writer stays who last worked it (a rotation is nobody's step on a case).
GRANT UPDATE (body) ON notes TO @team@_manager;
CREATE FUNCTION notes_change_only_in_a_rotation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT rotating() THEN
        RAISE EXCEPTION 'a note is kept as written' USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER notes_change_only_in_a_rotation BEFORE UPDATE ON notes
FOR EACH ROW EXECUTE FUNCTION notes_change_only_in_a_rotation();

CREATE OR REPLACE FUNCTION cases_record_the_writer() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF rotating() THEN
        NEW.updated_by := OLD.updated_by;
        NEW.revision := OLD.revision;
        NEW.updated_at := OLD.updated_at;
        RETURN NEW;
    END IF;
    NEW.updated_by := session_user;
    NEW.revision := OLD.revision + 1;
    RETURN NEW;
END
$$;

CREATE POLICY rotating_views ON saved_views FOR UPDATE TO @team@_manager
    USING (rotating()) WITH CHECK (rotating());

-- A rotation is a manager's record.
CREATE OR REPLACE FUNCTION append_event(p_case_id bigint, p_at text, p_action text, p_details text)
RETURNS TABLE (seq bigint, hash text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
DECLARE
    previous text;
    next_seq bigint;
    sealed   text;
    who      text := session_user;
BEGIN
    IF p_action IN ('export_cases', 'report_monthly', 'report_yearly', 'set_retention',
                    'set_customer', 'team_add', 'team_remove', 'copied_in', 'copied_out',
                    'team_key_rotated')
       AND NOT (pg_has_role(who, '@team@_manager', 'MEMBER')
                OR (SELECT rolcreaterole FROM pg_roles WHERE rolname = who)) THEN
        RAISE EXCEPTION 'only a manager may record %', p_action USING ERRCODE = '42501';
    END IF;
    SELECT c.head, c.count + 1 INTO previous, next_seq FROM chain AS c WHERE c.id = 1 FOR UPDATE;
    sealed := event_seal(previous, next_seq, p_case_id, p_at, who, p_action, p_details);
    INSERT INTO events (seq, case_id, at, actor, action, details, prev_hash, hash)
    VALUES (next_seq, p_case_id, p_at, who, p_action, p_details, previous, sealed);
    UPDATE chain SET head = sealed, count = next_seq WHERE id = 1;
    RETURN QUERY SELECT next_seq, sealed;
END
$$;
