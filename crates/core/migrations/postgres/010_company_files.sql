-- Team desk schema 10: the company's files, shared by the team. A single desk reads its letter
-- templates, their company.toml and calendars.toml beside its database; on a team desk a
-- manager shares them here, so that every desktop fills the same letters and counts the same
-- closure days. Each is sealed on the desktop like any personal value (a signature or a
-- contact may name a person), under the current generation of the team key; only a manager
-- writes them, and the server records who and when.
--
-- And the actions only a manager may record are a table append_event reads, rather than a list
-- written again in each schema that adds one.

CREATE TABLE company_files (
    name      text  PRIMARY KEY
        CHECK (name ~ '^(calendars\.toml|letters/[a-z_]+\.(txt|toml))$'),
    body      bytea NOT NULL,
    shared_at text  NOT NULL,
    shared_by text  NOT NULL DEFAULT session_user
);
REVOKE ALL ON company_files FROM PUBLIC;
GRANT SELECT ON company_files TO @team@_viewer, @team@_agent, @team@_manager;
GRANT INSERT, UPDATE, DELETE ON company_files TO @team@_manager;

CREATE FUNCTION company_files_record_the_sharer() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND rotating() THEN
        NEW.shared_by := OLD.shared_by;
        NEW.shared_at := OLD.shared_at;
        RETURN NEW;
    END IF;
    NEW.shared_by := session_user;
    RETURN NEW;
END
$$;
CREATE TRIGGER company_files_record_the_sharer BEFORE INSERT OR UPDATE ON company_files
FOR EACH ROW EXECUTE FUNCTION company_files_record_the_sharer();
CREATE TRIGGER company_files_under_the_team_key BEFORE INSERT OR UPDATE ON company_files
FOR EACH STATEMENT EXECUTE FUNCTION written_under_the_team_key();

CREATE TABLE manager_actions (action text PRIMARY KEY);
INSERT INTO manager_actions (action) VALUES
    ('export_cases'), ('report_monthly'), ('report_yearly'), ('set_retention'),
    ('set_customer'), ('team_add'), ('team_remove'), ('copied_in'), ('copied_out'),
    ('team_key_rotated'), ('company_files_shared');
REVOKE ALL ON manager_actions FROM PUBLIC;
GRANT SELECT ON manager_actions TO @team@_viewer, @team@_agent, @team@_manager;

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
    IF EXISTS (SELECT FROM manager_actions AS m WHERE m.action = p_action)
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

-- A rotation holds the shared files still too, and seals them again.
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
        company_files IN EXCLUSIVE MODE;
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
