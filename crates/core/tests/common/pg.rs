//! A throwaway PostgreSQL cluster for tests: Debian's `postgresql`, `initdb` in a temporary
//! folder (as the `postgres` user when the tests run as root, since initdb refuses root),
//! loopback only, on a free port, stopped and removed when dropped. `scripts/test` starts one
//! for a whole run and names it in `PRIVACYDESK_TEST_PG`; a test run without it starts its own.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// A PostgreSQL cluster for one test, removed when dropped.
pub struct Cluster {
    pub dir: tempfile::TempDir,
    pub port: u16,
    bin: PathBuf,
    as_postgres: bool,
}

pub const ADMIN_PASSWORD: &str = "admin password for a throwaway cluster";

impl Cluster {
    pub fn start() -> Cluster {
        Cluster::start_with(false)
    }

    /// A cluster; with `tls`, serving TLS with a certificate for `localhost` signed by a test
    /// authority whose certificate is `ca.crt` in its folder.
    pub fn start_with(tls: bool) -> Cluster {
        let bin = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin"]
            .iter()
            .map(PathBuf::from)
            .find(|dir| dir.join("initdb").exists())
            .unwrap_or_else(|| {
                panic!("PostgreSQL is not installed: apt-get install postgresql (scripts/install-system-packages)")
            });
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // initdb refuses to run as root: the cluster then belongs to the postgres user.
        let as_postgres = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| out.stdout.trim_ascii() == b"0");
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, ADMIN_PASSWORD).unwrap_or_else(|e| panic!("{e}"));
        if tls {
            make_certificates(dir.path());
        }
        if as_postgres {
            let owner = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status();
            assert!(owner.is_ok_and(|s| s.success()), "chown to postgres");
        }
        let port = free_port();
        let cluster = Cluster {
            dir,
            port,
            bin,
            as_postgres,
        };
        let data = cluster.dir.path().join("data");
        cluster.run(
            "initdb",
            &[
                "-D".into(),
                data.display().to_string(),
                "-U".into(),
                "admin".into(),
                "-A".into(),
                "scram-sha-256".into(),
                format!("--pwfile={}", pwfile.display()),
            ],
        );
        cluster.serve(tls);
        cluster
    }

    /// Starts the server on the cluster's port (again, after a kill: it recovers from its
    /// write-ahead log as after any crash).
    fn serve(&self, tls: bool) {
        let data = self.dir.path().join("data");
        self.run(
            "pg_ctl",
            &[
                "-D".into(),
                data.display().to_string(),
                "-w".into(),
                "-l".into(),
                self.dir.path().join("log").display().to_string(),
                "-o".into(),
                format!(
                    "-p {} -k {} -c listen_addresses=127.0.0.1{}",
                    self.port,
                    self.dir.path().display(),
                    if tls {
                        format!(
                            " -c ssl=on -c ssl_cert_file={0}/server.crt -c ssl_key_file={0}/server.key",
                            self.dir.path().display()
                        )
                    } else {
                        String::new()
                    }
                ),
                "start".into(),
            ],
        );
    }

    /// Kills the server with SIGKILL, its backends first then the postmaster, as a machine
    /// losing power would stop it: no shutdown, no checkpoint.
    pub fn kill(&self) {
        let pid = std::fs::read_to_string(self.dir.path().join("data/postmaster.pid"))
            .ok()
            .and_then(|text| text.lines().next().map(str::to_string))
            .unwrap_or_else(|| panic!("no postmaster.pid: the server is not running"));
        // Stopped first, the postmaster forks no backend between the listing of its children
        // and the kill: a backend forked after the listing would live on, attached to the
        // shared memory, and the server would refuse to start again while it does.
        let _ = Command::new("kill").args(["-STOP", &pid]).status();
        let children = Command::new("pgrep")
            .args(["-P", &pid])
            .output()
            .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
            .unwrap_or_default();
        let mut all: Vec<String> = children.split_whitespace().map(str::to_string).collect();
        all.push(pid.clone());
        // Some backends may end by themselves meanwhile: what is left is killed.
        let _ = Command::new("kill").arg("-KILL").args(&all).status();
        // The server starts again only once every one of them is gone (a killed process that
        // nobody reaped yet, a zombie, is gone all the same).
        let alive = |pid: &String| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                stat.rsplit(')')
                    .next()
                    .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
            })
        };
        let started = std::time::Instant::now();
        while all.iter().any(alive) && started.elapsed() < std::time::Duration::from_secs(10) {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        // A machine that lost power reboots with no process of that number; here the killed
        // postmaster may linger as a zombie (a container's first process may never reap it),
        // which PostgreSQL would take for a server still running: its pid file goes, as the
        // process itself has.
        let _ = std::fs::remove_file(self.dir.path().join("data/postmaster.pid"));
        for socket in [".s.PGSQL.{}", ".s.PGSQL.{}.lock"] {
            let name = socket.replace("{}", &self.port.to_string());
            let _ = std::fs::remove_file(self.dir.path().join(name));
        }
    }

    /// Starts the server again after [`Cluster::kill`].
    pub fn restart(&self) {
        self.serve(false);
    }

    fn run(&self, program: &str, args: &[String]) {
        let path = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let out = command
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        // The server's own log says why it did not start.
        let log = std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default();
        assert!(
            out.status.success(),
            "{program} failed: {}{}\nthe server's log ends:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            log.lines()
                .rev()
                .take(15)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    /// The address of the cluster's maintenance database as `user`.
    pub fn url(&self, user: &str, password: &str) -> String {
        format!(
            "postgres://{user}:{password}@127.0.0.1:{}/postgres",
            self.port
        )
    }

    pub fn admin(&self) -> postgres::Client {
        privacydesk_core::store::postgres::connect(&self.url("admin", ADMIN_PASSWORD))
            .unwrap_or_else(|e| panic!("{e}"))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Stopped however it stands (a test that failed may leave it killed); never a panic
        // while a failing test unwinds.
        let data = self.dir.path().join("data");
        let pg_ctl = self.bin.join("pg_ctl");
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&pg_ctl);
            c
        } else {
            Command::new(&pg_ctl)
        };
        let _ = command
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

/// A test authority and a server certificate for `localhost` it signed, in `dir`.
fn make_certificates(dir: &std::path::Path) {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap_or_else(|e| panic!("openssl: {e}"));
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    std::fs::write(dir.join("san.ext"), "subjectAltName=DNS:localhost\n")
        .unwrap_or_else(|e| panic!("{e}"));
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=PrivacyDesk test authority",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "server.crt",
    ]);
    // PostgreSQL refuses a key others can read.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        dir.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A PostgreSQL server for one test: the run's (`PRIVACYDESK_TEST_PG`, an administrator's
/// address) or, without it, a cluster of the test's own, stopped with it.
pub struct Server {
    own: Option<Cluster>,
    admin: url::Url,
}

impl Server {
    pub fn get() -> Server {
        match std::env::var("PRIVACYDESK_TEST_PG") {
            Ok(address) => Server {
                own: None,
                admin: url::Url::parse(&address)
                    .unwrap_or_else(|e| panic!("PRIVACYDESK_TEST_PG {address:?}: {e}")),
            },
            Err(_) => {
                let cluster = Cluster::start();
                let admin = url::Url::parse(&cluster.url("admin", ADMIN_PASSWORD))
                    .unwrap_or_else(|e| panic!("{e}"));
                Server {
                    own: Some(cluster),
                    admin,
                }
            }
        }
    }

    /// The administrator's address on `database`.
    pub fn admin_on(&self, database: &str) -> String {
        let mut url = self.admin.clone();
        url.set_path(database);
        url.to_string()
    }

    /// `user`'s address on `database`, without a password (a passphrase logs them in).
    pub fn address(&self, user: &str, database: &str) -> String {
        let mut url = self.admin.clone();
        url.set_path(database);
        let _ = url.set_password(None);
        let _ = url.set_username(user);
        url.to_string()
    }
}

/// One of PostgreSQL's own programs (`pg_dump`, `psql`), from Debian's installation.
pub fn tool(name: &str) -> PathBuf {
    ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin"]
        .iter()
        .map(|dir| PathBuf::from(dir).join(name))
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("{name} is not installed: apt-get install postgresql"))
}

/// A name no other test of this run has: `prefix`, the process and a counter.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}
