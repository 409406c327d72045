-- Schema 9: whether the requester's identity was checked. Fulfilling a request that discloses,
-- changes or deletes data needs `verified` or `not_needed` (with its reason in the verify
-- event's note). Cases verified before this schema count as verified.
ALTER TABLE cases ADD COLUMN identity TEXT NOT NULL DEFAULT 'unchecked';
UPDATE cases SET identity = 'verified'
WHERE id IN (SELECT case_id FROM events WHERE action = 'verify' AND case_id IS NOT NULL);
