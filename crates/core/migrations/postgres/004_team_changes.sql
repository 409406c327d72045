-- Team desk schema 4: the team after it is set up. A manager removes an agent (their login role
-- and their wrapping of the team key go; what they did stays on the trail under their name),
-- and anyone on the team changes their own passphrase: the desktop sends the new SCRAM verifier
-- and the team key wrapped under the new passphrase, never the passphrase.

CREATE FUNCTION remove_agent(p_name text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
DECLARE
    who text := session_user;
    removed_role text;
BEGIN
    IF NOT (pg_has_role(who, '@team@_manager', 'MEMBER')
            OR (SELECT rolcreaterole FROM pg_roles WHERE rolname = who)) THEN
        RAISE EXCEPTION 'only a manager removes agents' USING ERRCODE = '42501';
    END IF;
    DELETE FROM agents WHERE name = p_name RETURNING role INTO removed_role;
    IF removed_role IS NULL THEN
        RAISE EXCEPTION '% is not on the team', p_name USING ERRCODE = '22023';
    END IF;
    IF removed_role = 'manager' AND NOT EXISTS (SELECT FROM agents WHERE role = 'manager') THEN
        RAISE EXCEPTION 'the team would be left without a manager: add another manager first'
            USING ERRCODE = '22023';
    END IF;
    EXECUTE format('DROP ROLE %I', p_name);
END
$$;
REVOKE ALL ON FUNCTION remove_agent(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION remove_agent(text) TO @team@_manager;

CREATE FUNCTION change_own_passphrase(p_verifier text, p_wrapped bytea) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
DECLARE
    who text := session_user;
BEGIN
    IF p_verifier !~ '^SCRAM-SHA-256\$' THEN
        RAISE EXCEPTION 'a SCRAM-SHA-256 verifier is expected, never a password' USING ERRCODE = '22023';
    END IF;
    UPDATE agents SET wrapped_team_key = p_wrapped WHERE name = who;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not on the team', who USING ERRCODE = '22023';
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD %L', who, p_verifier);
END
$$;
REVOKE ALL ON FUNCTION change_own_passphrase(text, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION change_own_passphrase(text, bytea)
    TO @team@_viewer, @team@_agent, @team@_manager;
