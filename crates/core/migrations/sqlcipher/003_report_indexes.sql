-- Reports read only the period they cover: each count below walks one range of one covering
-- index, never the whole history; a search for an email address is one index lookup
-- (benchmarked at 1,000,000 cases in BENCHMARKS.md).
DROP INDEX cases_for_reports;
DROP INDEX cases_by_received;
DROP INDEX cases_by_closed;

-- What came in during a period, by kind.
CREATE INDEX cases_by_received ON cases (received_on, kind);

-- Every case by the day it closed, the open ones (NULL) first: what was answered in a period
-- and how, and what was still open at its end.
CREATE INDEX cases_by_closed ON cases (
    closed_on, kind, outcome, denial_basis, received_on, due_on, purge_on, legal_hold
);

-- Extensions granted in a period, by kind.
CREATE INDEX cases_by_extension ON cases (extension_granted_on, kind)
WHERE extension_granted_on IS NOT NULL;


-- A requester's cases by email address, whatever its case: what a search for an address reads.
CREATE INDEX cases_by_email ON cases (requester_email COLLATE NOCASE);
