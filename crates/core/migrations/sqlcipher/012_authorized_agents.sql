-- Schema 12: a request filed by an authorized agent keeps the agent's name and the proof of
-- the person's permission that was seen. Personal data: retention redacts both.
ALTER TABLE cases ADD COLUMN agent_name TEXT;
ALTER TABLE cases ADD COLUMN agent_proof TEXT;
