-- Schema 13: an appeal against a refusal, where the case's law gives the right. The request's
-- own dates stay as they were; the appeal has its arrival, due date, extension, the outcome it
-- was against and its decision. No personal data: the grounds and the reasons are event texts,
-- which retention redacts.
ALTER TABLE cases ADD COLUMN appeal_received_on TEXT;
ALTER TABLE cases ADD COLUMN appeal_due_on TEXT;
ALTER TABLE cases ADD COLUMN appeal_extended_until TEXT;
ALTER TABLE cases ADD COLUMN appeal_extension_granted_on TEXT;
ALTER TABLE cases ADD COLUMN appeal_against TEXT;
ALTER TABLE cases ADD COLUMN appeal_decided_on TEXT;
ALTER TABLE cases ADD COLUMN appeal_granted INTEGER;
CREATE INDEX cases_by_appeal ON cases (appeal_received_on) WHERE appeal_received_on IS NOT NULL;
