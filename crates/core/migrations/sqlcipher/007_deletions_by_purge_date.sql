-- Schema 7: scheduled deletions by purge date. The yearly metrics count an account closure in
-- the year its deletion was scheduled (purge date − 30 days), however long after that a legal
-- hold let it close; this walks just that range. Partial: only cases a deletion was scheduled on.
CREATE INDEX cases_by_purge ON cases (
    purge_on, kind, state, outcome, closed_on, received_on, legal_hold
) WHERE purge_on IS NOT NULL;
