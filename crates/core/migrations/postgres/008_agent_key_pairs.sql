-- Team desk schema 8: each agent's key pair, so that a manager can hand a new team key to every
-- agent without knowing their passphrases (rotation). The public half is on the server for the
-- team to read; the secret half only wrapped under the agent's passphrase, as the team key is.
-- A key pair is made on the desktop when an agent is added, or, for one added before this
-- schema, the first time they sign in; a new passphrase comes with a new pair.

ALTER TABLE agents ADD COLUMN public_key bytea CHECK (octet_length(public_key) = 32),
                   ADD COLUMN wrapped_private_key bytea;

-- Who is on the team, and each one's public key (nothing secret).
CREATE OR REPLACE VIEW team WITH (security_barrier) AS
    SELECT name, role, added_at, added_by, public_key FROM agents;

DROP FUNCTION add_agent(text, text, text, bytea, text);
CREATE FUNCTION add_agent(p_name text, p_role text, p_verifier text, p_wrapped bytea, p_at text,
                          p_public bytea, p_wrapped_private bytea)
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
    INSERT INTO agents (name, role, wrapped_team_key, added_at, added_by, public_key,
                        wrapped_private_key)
    VALUES (p_name, p_role, p_wrapped, p_at, who, p_public, p_wrapped_private);
END
$$;
REVOKE ALL ON FUNCTION add_agent(text, text, text, bytea, text, bytea, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION add_agent(text, text, text, bytea, text, bytea, bytea)
    TO @team@_manager;

-- An agent added before this schema gives themselves a key pair, once.
CREATE FUNCTION set_own_key_pair(p_public bytea, p_wrapped_private bytea) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE agents SET public_key = p_public, wrapped_private_key = p_wrapped_private
    WHERE name = session_user AND public_key IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% already has a key pair, or is not on the team', session_user
            USING ERRCODE = '22023';
    END IF;
END
$$;
REVOKE ALL ON FUNCTION set_own_key_pair(bytea, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION set_own_key_pair(bytea, bytea)
    TO @team@_viewer, @team@_agent, @team@_manager;

-- A new passphrase: a new login verifier, the team key wrapped anew, and a new key pair.
DROP FUNCTION change_own_passphrase(text, bytea);
CREATE FUNCTION change_own_passphrase(p_verifier text, p_wrapped bytea, p_public bytea,
                                      p_wrapped_private bytea) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
DECLARE
    who text := session_user;
BEGIN
    IF p_verifier !~ '^SCRAM-SHA-256\$' THEN
        RAISE EXCEPTION 'a SCRAM-SHA-256 verifier is expected, never a password' USING ERRCODE = '22023';
    END IF;
    UPDATE agents SET wrapped_team_key = p_wrapped, public_key = p_public,
                      wrapped_private_key = p_wrapped_private
    WHERE name = who;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not on the team', who USING ERRCODE = '22023';
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD %L', who, p_verifier);
END
$$;
REVOKE ALL ON FUNCTION change_own_passphrase(text, bytea, bytea, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION change_own_passphrase(text, bytea, bytea, bytea)
    TO @team@_viewer, @team@_agent, @team@_manager;
