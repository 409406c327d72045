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
