-- Team desk schema 11: the company's mail settings (mail.toml: the server letters leave
-- through, the mailbox requests are read from; never a password) are one of the files a
-- manager shares, so that every desktop sends from the same account. And recording a change
-- of the mail settings is a manager's.

ALTER TABLE company_files DROP CONSTRAINT company_files_name_check;
ALTER TABLE company_files ADD CONSTRAINT company_files_name_check
    CHECK (name ~ '^(calendars\.toml|mail\.toml|letters/[a-z_]+\.(txt|toml))$');

INSERT INTO manager_actions (action) VALUES ('set_mail');
