-- Retention: when a case's requester details were redacted, and the settings that say when.
ALTER TABLE cases ADD COLUMN redacted_on TEXT;

-- Closed cases still holding personal data, oldest closing first: what retention walks.
CREATE INDEX cases_awaiting_redaction ON cases (closed_on)
WHERE closed_on IS NOT NULL AND redacted_on IS NULL;

-- Database-wide settings, one value per key (e.g. retention_months).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
