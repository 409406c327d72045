-- Team desk schema 1: the roles, and the audit trail as the server keeps it. Run by the
-- server's administrator (`init`); what it grants is what an agent can do with any client.
--
-- Roles (NOLOGIN groups; each agent is a LOGIN role that is a member of one), named after the
-- database (`@team@` is replaced by its name), since a server's roles are shared by all its
-- databases: an agent of one team desk has no right on another on the same server.
--   @team@_viewer  reads
--   @team@_agent   reads, and appends events through append_event()
--   @team@_manager as an agent (reports, retention, the team follow in later schemas)
-- No role but the owner may insert, update or delete an event: appending goes through
-- append_event(), which runs as the owner, takes the actor from session_user (so no one writes
-- in someone else's name), serialises appends on the chain row (so the hash chain stays one
-- chain) and seals each event exactly as core's domain::audit::seal does.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '@team@_viewer') THEN
        CREATE ROLE @team@_viewer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '@team@_agent') THEN
        CREATE ROLE @team@_agent NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '@team@_manager') THEN
        CREATE ROLE @team@_manager NOLOGIN IN ROLE @team@_agent;
    END IF;
END
$$;

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO @team@_viewer, @team@_agent, @team@_manager',
                   current_database());
END
$$;

REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO @team@_viewer, @team@_agent, @team@_manager;
-- Every desktop checks the schema is the one it knows before anything else.
REVOKE ALL ON schema_version FROM PUBLIC;
GRANT SELECT ON schema_version TO @team@_viewer, @team@_agent, @team@_manager;

CREATE TABLE events (
    seq       bigint PRIMARY KEY,
    case_id   bigint,
    at        text   NOT NULL,
    actor     text   NOT NULL,
    action    text   NOT NULL,
    details   text   NOT NULL,
    prev_hash text   NOT NULL,
    hash      text   NOT NULL
);
CREATE INDEX events_by_case ON events (case_id, seq);

CREATE TABLE chain (
    id    integer PRIMARY KEY CHECK (id = 1),
    head  text    NOT NULL,
    count bigint  NOT NULL
);
INSERT INTO chain (id, head, count)
VALUES (1, '0000000000000000000000000000000000000000000000000000000000000000', 0);

-- Even the owner's own functions may only append: no path rewrites history.
CREATE FUNCTION events_are_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END
$$;
CREATE TRIGGER events_are_never_changed BEFORE UPDATE OR DELETE ON events
FOR EACH ROW EXECUTE FUNCTION events_are_append_only();
CREATE TRIGGER events_are_never_truncated BEFORE TRUNCATE ON events
FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only();

REVOKE ALL ON events, chain FROM PUBLIC;
GRANT SELECT ON events, chain TO @team@_viewer, @team@_agent, @team@_manager;

-- A field as core's seal feeds it: its byte length as 8 little-endian bytes, then its bytes.
CREATE FUNCTION seal_field(value text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT decode(string_agg(lpad(to_hex((octet_length(convert_to(value, 'UTF8'))::bigint
                                          >> (8 * i)) & 255), 2, '0'), '' ORDER BY i), 'hex')
           || convert_to(value, 'UTF8')
    FROM generate_series(0, 7) AS i
$$;

-- Appends one event as the connected agent; returns its sequence number and seal.
CREATE FUNCTION append_event(p_case_id bigint, p_at text, p_action text, p_details text)
RETURNS TABLE (seq bigint, hash text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
DECLARE
    previous text;
    next_seq bigint;
    sealed   text;
    who      text := session_user;
BEGIN
    SELECT c.head, c.count + 1 INTO previous, next_seq FROM chain AS c WHERE c.id = 1 FOR UPDATE;
    sealed := encode(sha256(
        seal_field(previous) || seal_field(next_seq::text)
        || seal_field(coalesce(p_case_id::text, '')) || seal_field(p_at)
        || seal_field(who) || seal_field(p_action) || seal_field(p_details)), 'hex');
    INSERT INTO events (seq, case_id, at, actor, action, details, prev_hash, hash)
    VALUES (next_seq, p_case_id, p_at, who, p_action, p_details, previous, sealed);
    UPDATE chain SET head = sealed, count = next_seq WHERE id = 1;
    RETURN QUERY SELECT next_seq, sealed;
END
$$;
REVOKE ALL ON FUNCTION append_event(bigint, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION append_event(bigint, text, text, text)
    TO @team@_agent, @team@_manager;
