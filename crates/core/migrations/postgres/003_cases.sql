-- Team desk schema 3: the cases and everything kept on them, as the single desk keeps them, with
-- each personal value sealed on the desktop before it is sent (bytea columns: name, address,
-- phone, details, reasons, a legal hold's grounds, an authorized agent, item addresses and
-- reasons, notes, letters, a customer's contact, a saved view's filter). What the server can
-- read is what reports and queues need: kinds, states, dates, laws, channels, customers and
-- assignees. Search reads keyed blind indexes (`email_index`, `case_words`), never the text.
--
-- What each role may do is granted here and is what any client can do:
--   viewer  reads;
--   agent   logs and works cases, writes notes and letters (a sent letter stays as sent),
--           keeps their own saved views (row-level security);
--   manager also sets the retention period, the customers' settings, and redacts (retention).
-- Every update of a case records who made it (session_user) and counts a revision, in a
-- trigger the writer cannot skip: the lost-update check reads them.

CREATE TABLE cases (
    id                          bigint  PRIMARY KEY,
    reference                   text    NOT NULL UNIQUE,
    kind                        text    NOT NULL,
    state                       text    NOT NULL,
    outcome                     text,
    denial_basis                text,
    denial_reason               bytea,
    requester_name              bytea   NOT NULL,
    requester_email             bytea   NOT NULL,
    email_index                 bytea   NOT NULL,
    requester_phone             bytea,
    is_minor                    boolean NOT NULL,
    customer                    text,
    channel                     text    NOT NULL,
    jurisdiction                text    NOT NULL,
    details                     bytea   NOT NULL,
    received_on                 date    NOT NULL,
    due_on                      date    NOT NULL,
    attention_on                date,
    queue_on                    date    NOT NULL,
    pauses                      text    NOT NULL,
    extended_until              date,
    extension_granted_on        date,
    extension_reason            bytea,
    assignee                    text,
    purge_on                    date,
    legal_hold                  bytea,
    closed_on                   date,
    redacted_on                 date,
    identity                    text    NOT NULL,
    agent_name                  bytea,
    agent_proof                 bytea,
    appeal_received_on          date,
    appeal_due_on               date,
    appeal_extended_until       date,
    appeal_extension_granted_on date,
    appeal_against              text,
    appeal_decided_on           date,
    appeal_granted              boolean,
    calendar                    text,
    created_at                  text    NOT NULL,
    updated_at                  text    NOT NULL,
    updated_by                  text    NOT NULL DEFAULT session_user,
    revision                    bigint  NOT NULL DEFAULT 1
);
CREATE SEQUENCE cases_id OWNED BY cases.id;
CREATE INDEX cases_by_queue ON cases (queue_on, id);
CREATE INDEX cases_by_state_queue ON cases (state, queue_on, id);
CREATE INDEX cases_by_kind_queue ON cases (kind, queue_on, id);
CREATE INDEX cases_open ON cases (queue_on, id) INCLUDE (kind, customer, assignee)
    WHERE state <> 'closed';
CREATE INDEX cases_by_email ON cases (email_index);
CREATE INDEX cases_by_received ON cases (received_on) INCLUDE (kind);
CREATE INDEX cases_by_extension ON cases (extension_granted_on) INCLUDE (kind)
    WHERE extension_granted_on IS NOT NULL;
CREATE INDEX cases_by_closed ON cases (closed_on);
CREATE INDEX cases_by_purge ON cases (purge_on) WHERE purge_on IS NOT NULL;
CREATE INDEX cases_by_appeal ON cases (appeal_received_on) WHERE appeal_received_on IS NOT NULL;
CREATE INDEX cases_awaiting_redaction ON cases (closed_on, id)
    WHERE closed_on IS NOT NULL AND redacted_on IS NULL;

CREATE FUNCTION cases_record_the_writer() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_by := session_user;
    NEW.revision := OLD.revision + 1;
    RETURN NEW;
END
$$;
CREATE TRIGGER cases_record_the_writer BEFORE UPDATE ON cases
FOR EACH ROW EXECUTE FUNCTION cases_record_the_writer();
-- A new case is its writer's, whatever the client says.
CREATE FUNCTION cases_record_the_creator() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_by := session_user;
    NEW.revision := 1;
    RETURN NEW;
END
$$;
CREATE TRIGGER cases_record_the_creator BEFORE INSERT ON cases
FOR EACH ROW EXECUTE FUNCTION cases_record_the_creator();

CREATE TABLE items (
    case_id  bigint NOT NULL REFERENCES cases (id),
    position integer NOT NULL,
    url      bytea  NOT NULL,
    outcome  text   NOT NULL,
    reason   bytea,
    PRIMARY KEY (case_id, position)
);

CREATE TABLE notes (
    id      bigint PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES cases (id),
    at      text   NOT NULL,
    author  text   NOT NULL DEFAULT session_user,
    kind    text   NOT NULL,
    body    bytea  NOT NULL
);
CREATE SEQUENCE notes_id OWNED BY notes.id;
CREATE INDEX notes_by_case ON notes (case_id, id);

-- The keyed index of every word of a case's name, address, details and notes.
CREATE TABLE case_words (
    token   bytea  NOT NULL,
    case_id bigint NOT NULL REFERENCES cases (id),
    PRIMARY KEY (token, case_id)
);
CREATE INDEX case_words_by_case ON case_words (case_id);

CREATE TABLE letters (
    id       bigserial PRIMARY KEY,
    case_id  bigint NOT NULL REFERENCES cases (id),
    kind     text   NOT NULL,
    body     bytea  NOT NULL,
    author   text   NOT NULL DEFAULT session_user,
    saved_at text   NOT NULL,
    sent_at  text
);
CREATE UNIQUE INDEX one_draft_per_kind ON letters (case_id, kind) WHERE sent_at IS NULL;
CREATE INDEX letters_by_case ON letters (case_id, id);

CREATE TABLE reference_counters (
    year integer PRIMARY KEY,
    last bigint  NOT NULL
);

-- A customer's name matches whatever its letter case; it is kept as first written.
CREATE TABLE customers (
    name                         text    NOT NULL,
    contact                      bytea,
    forward_within_business_days integer NOT NULL,
    updated_at                   text    NOT NULL
);
CREATE UNIQUE INDEX customers_by_name ON customers (lower(name));

CREATE TABLE saved_views (
    agent    text NOT NULL DEFAULT session_user,
    name     text NOT NULL,
    filter   bytea NOT NULL,
    saved_at text NOT NULL,
    PRIMARY KEY (agent, name)
);

CREATE TABLE settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

REVOKE ALL ON cases, items, notes, case_words, letters, reference_counters, customers,
    saved_views, settings FROM PUBLIC;
REVOKE ALL ON SEQUENCE cases_id, notes_id, letters_id_seq FROM PUBLIC;
GRANT SELECT ON cases, items, notes, case_words, letters, reference_counters, customers,
    settings TO @team@_viewer, @team@_agent, @team@_manager;
GRANT INSERT, UPDATE ON cases, items, reference_counters TO @team@_agent, @team@_manager;
GRANT INSERT ON notes, case_words TO @team@_agent, @team@_manager;
GRANT INSERT, UPDATE, DELETE ON letters TO @team@_agent, @team@_manager;
GRANT USAGE ON SEQUENCE cases_id, notes_id, letters_id_seq TO @team@_agent, @team@_manager;
GRANT INSERT, UPDATE ON customers, settings TO @team@_manager;
GRANT DELETE ON notes, case_words TO @team@_manager;

-- A sent letter is kept as sent: only a manager's redaction touches it.
ALTER TABLE letters ENABLE ROW LEVEL SECURITY;
CREATE POLICY letters_read ON letters FOR SELECT USING (true);
CREATE POLICY letters_write ON letters FOR INSERT WITH CHECK (true);
CREATE POLICY drafts_change ON letters FOR UPDATE TO @team@_agent USING (sent_at IS NULL)
    WITH CHECK (true);
CREATE POLICY drafts_go ON letters FOR DELETE TO @team@_agent USING (sent_at IS NULL);
CREATE POLICY managers_redact ON letters FOR UPDATE TO @team@_manager USING (true);
CREATE POLICY managers_remove ON letters FOR DELETE TO @team@_manager USING (true);

-- Each agent's views are their own.
ALTER TABLE saved_views ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_views ON saved_views USING (agent = session_user)
    WITH CHECK (agent = session_user);
GRANT SELECT, INSERT, UPDATE, DELETE ON saved_views TO @team@_viewer, @team@_agent,
    @team@_manager;
