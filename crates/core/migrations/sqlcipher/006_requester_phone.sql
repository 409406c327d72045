-- Schema 6: the requester's phone number, optional (requests also come by phone).
ALTER TABLE cases ADD COLUMN requester_phone TEXT;
