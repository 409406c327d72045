-- Schema 14: the holiday calendar the company chose for a case's law when it was logged
-- (calendars.toml beside the database). NULL, as every older case has it: the law's own.
ALTER TABLE cases ADD COLUMN calendar TEXT;
