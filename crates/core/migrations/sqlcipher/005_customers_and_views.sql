-- Schema 5: per-customer forwarding settings (the company is their processor) and each
-- agent's saved views of the case list.
CREATE TABLE customers (
    -- As written on cases; matched without regard to letter case.
    name                         TEXT PRIMARY KEY COLLATE NOCASE,
    -- Where forwarded requests go (an email address); empty until set.
    contact                      TEXT NOT NULL DEFAULT '',
    -- The contract's time to forward a request to the customer.
    forward_within_business_days INTEGER NOT NULL DEFAULT 5,
    updated_at                   TEXT NOT NULL
) WITHOUT ROWID;

-- Named filter sets, per agent: the filter as JSON (`CaseFilter`).
CREATE TABLE saved_views (
    agent    TEXT NOT NULL,
    name     TEXT NOT NULL,
    filter   TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (agent, name)
) WITHOUT ROWID;
