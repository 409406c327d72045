-- Schema 15: each case counts its writes and names its last writer, so that an action decided
-- on a case as it was seen is refused once someone else has changed it (two windows, the app
-- and a script, or two agents on a team desk). Every older case starts at revision 1.
ALTER TABLE cases ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE cases ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
