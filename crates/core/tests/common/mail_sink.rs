//! A throwaway SMTP server on loopback (`scripts/mail-sink`, aiosmtpd) for the mail tests of
//! core and of the app: started on a free port, its messages read back from its Maildir,
//! stopped when dropped.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The throwaway SMTP server, stopped when dropped.
pub struct Sink {
    child: Child,
    pub port: u16,
    maildir: PathBuf,
}

impl Sink {
    pub fn start(maildir: &Path) -> Sink {
        Sink::start_with(maildir, &[])
    }

    /// Started with more arguments (`--tls CERT KEY`: STARTTLS offered and required).
    pub fn start_with(maildir: &Path, arguments: &[&Path]) -> Sink {
        // The repository's scripts folder, from whichever crate's tests include this.
        let script = Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .map(|folder| folder.join("scripts/mail-sink"))
            .find(|script| script.exists())
            .expect("scripts/mail-sink in the repository");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(maildir)
            .args(arguments)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs scripts/mail-sink (pip install aiosmtpd)");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("its output");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the sink says its port");
        let port = line
            .trim()
            .strip_prefix("port ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                panic!("the mail sink did not start (is aiosmtpd installed?): {line:?}")
            });
        Sink {
            child,
            port,
            maildir: maildir.to_path_buf(),
        }
    }

    /// The messages it kept, oldest first.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let mut names: Vec<_> = std::fs::read_dir(self.maildir.join("new"))
            .expect("the maildir")
            .map(|e| e.expect("an entry").path())
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| std::fs::read(p).expect("a message"))
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A throwaway IMAP server on loopback (`scripts/mail-box`, Debian's Dovecot) serving the
/// Maildir of privacy@acme.example (password "secret"); stopped, with its Dovecot, when dropped.
pub struct MailBox {
    child: Child,
    pub port: u16,
    /// The Maildir it serves: a message written into `new/` is in the mailbox.
    pub maildir: PathBuf,
    count: usize,
}

impl MailBox {
    /// Started in `dir`; with `tls` (a certificate and key), STARTTLS is offered.
    pub fn start(dir: &Path, tls: Option<(&Path, &Path)>) -> MailBox {
        use std::os::unix::process::CommandExt;
        let script = Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .map(|folder| folder.join("scripts/mail-box"))
            .find(|script| script.exists())
            .expect("scripts/mail-box in the repository");
        let mut command = Command::new(&script);
        command.arg(dir);
        if let Some((cert, key)) = tls {
            command.arg("--tls").arg(cert).arg(key);
        }
        // Its own process group, so that dropping it stops Dovecot with the script.
        let mut child = command
            .process_group(0)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("scripts/mail-box runs (apt-get install dovecot-imapd)");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("its output");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the mail box says its port");
        let port = line
            .trim()
            .strip_prefix("port ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                panic!("Dovecot did not start (is dovecot-imapd installed?): {line:?}")
            });
        MailBox {
            child,
            port,
            maildir: dir.join("mail/privacy@acme.example"),
            count: 0,
        }
    }

    /// Delivers `message` into the mailbox, as a mail server would (a file in `new/`, then
    /// given to the user Dovecot reads the mail as).
    pub fn deliver(&mut self, message: &[u8]) {
        self.deliver_all(std::iter::once(message));
    }

    /// Delivers each message, in order.
    pub fn deliver_all<'a>(&mut self, messages: impl IntoIterator<Item = &'a [u8]>) {
        let new = self.maildir.join("new");
        for message in messages {
            self.count += 1;
            let tmp = self
                .maildir
                .join("tmp")
                .join(format!("{}.test", self.count));
            std::fs::write(&tmp, message).expect("a message written");
            std::fs::rename(&tmp, new.join(format!("{:08}.test:2,", self.count)))
                .expect("a message delivered");
        }
        // As root, Dovecot reads the mail as nobody (scripts/mail-box).
        let is_root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        if is_root {
            let chowned = Command::new("chown")
                .args(["-R", "nobody:nogroup"])
                .arg(&self.maildir)
                .status()
                .expect("chown runs");
            assert!(chowned.success(), "the mail given to nobody");
        }
    }
}

impl Drop for MailBox {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
}
