-- Schema 8: the list shows every open case before any closed one, and closed cases most
-- recently closed first (a search for a person used to open on their oldest closed cases).
-- `queue_on` is the list's sort key (Case::queue_on): for a closed case, 9999-12-31 minus the
-- days from 1970-01-01 to its closing day; a held deletion moves to 8999-12-31, after every
-- open case and before every closed one.
UPDATE cases
SET queue_on = date(
    '9999-12-31',
    printf('-%d days', max(0, julianday(coalesce(closed_on, due_on)) - julianday('1970-01-01')))
)
WHERE state = 'closed';
UPDATE cases SET queue_on = '8999-12-31' WHERE state <> 'closed' AND queue_on = '9999-12-31';
