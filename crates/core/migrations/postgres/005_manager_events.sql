-- Team desk schema 5: what only a manager does is recorded only by a manager. An export or a
-- report leaves the server only through a manager's desktop (the desktop asks first; the
-- server refuses the audit event otherwise, and a file whose event is refused is deleted), and
-- so do the retention period, customers' settings and changes to the team.

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
                    'set_customer', 'team_add', 'team_remove')
       AND NOT (pg_has_role(who, '@team@_manager', 'MEMBER')
                OR (SELECT rolcreaterole FROM pg_roles WHERE rolname = who)) THEN
        RAISE EXCEPTION 'only a manager may record %', p_action USING ERRCODE = '42501';
    END IF;
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
