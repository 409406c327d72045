-- Team desk schema 2: the team. Each agent is a LOGIN role in one of the three groups, and has
-- a row here with the team key wrapped under a key only their passphrase gives (the server
-- never sees a passphrase, a login password or the team key: the desktop sends the SCRAM
-- verifier it computed and the wrapping it sealed). An agent reads only their own wrapping
-- (row-level security); everyone on the team may read who is on it.

CREATE TABLE agents (
    name             text PRIMARY KEY,
    role             text NOT NULL CHECK (role IN ('agent', 'manager', 'viewer')),
    wrapped_team_key bytea NOT NULL,
    added_at         text NOT NULL,
    added_by         text NOT NULL
);
ALTER TABLE agents ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_wrapping ON agents FOR SELECT USING (name = session_user);
REVOKE ALL ON agents FROM PUBLIC;
GRANT SELECT ON agents TO @team@_viewer, @team@_agent, @team@_manager;

-- Who is on the team, without the wrappings.
CREATE VIEW team WITH (security_barrier) AS
    SELECT name, role, added_at, added_by FROM agents;
ALTER VIEW team OWNER TO CURRENT_USER;
REVOKE ALL ON team FROM PUBLIC;
GRANT SELECT ON team TO @team@_viewer, @team@_agent, @team@_manager;

-- Adds an agent: their login role (with the SCRAM verifier the desktop computed), their group,
-- and their wrapping of the team key. Managers (and the administrator, for the first manager).
CREATE FUNCTION add_agent(p_name text, p_role text, p_verifier text, p_wrapped bytea, p_at text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
DECLARE
    who text := session_user;
BEGIN
    IF p_name !~ '^[a-z][a-z0-9_]{0,62}$' THEN
        RAISE EXCEPTION 'an agent''s name is lower-case letters, digits and _, starting with a letter'
            USING ERRCODE = '22023';
    END IF;
    IF p_role NOT IN ('agent', 'manager', 'viewer') THEN
        RAISE EXCEPTION 'the role is agent, manager or viewer' USING ERRCODE = '22023';
    END IF;
    IF p_verifier !~ '^SCRAM-SHA-256\$' THEN
        RAISE EXCEPTION 'a SCRAM-SHA-256 verifier is expected, never a password' USING ERRCODE = '22023';
    END IF;
    IF NOT (pg_has_role(who, '@team@_manager', 'MEMBER')
            OR (SELECT rolcreaterole FROM pg_roles WHERE rolname = who)) THEN
        RAISE EXCEPTION 'only a manager adds agents' USING ERRCODE = '42501';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I',
                   p_name, p_verifier, '@team@_' || p_role);
    INSERT INTO agents (name, role, wrapped_team_key, added_at, added_by)
    VALUES (p_name, p_role, p_wrapped, p_at, who);
END
$$;
REVOKE ALL ON FUNCTION add_agent(text, text, text, bytea, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION add_agent(text, text, text, bytea, text) TO @team@_manager;
