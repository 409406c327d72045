//! Reading the privacy mailbox over IMAP, step by step so that a failure says where it
//! happened: connecting, securing the connection (TLS, or STARTTLS before the login), logging
//! in (password or XOAUTH2), opening the mailbox, then its messages. Nothing on the server is
//! changed: messages are read with `BODY.PEEK[]`, so they stay unread, and none is deleted.
//!
//! The messages after the last one read (by UID, while the mailbox's UIDVALIDITY stays the
//! same) are listed with their sizes, then read in batches; each is handed over with the time
//! the server says it arrived. async-imap runs on a tokio runtime of one thread made for the
//! fetch, so the rest of the desk stays synchronous.

use std::time::Duration;

use async_imap::{Authenticator, Client, Session};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::failure::{Failure, Phase};
use super::login::Login;
use crate::domain::mail::{Incoming, Security};

/// How long one exchange with the server may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// At most this many bytes of messages are read in one command (then the next batch).
const BATCH_BYTES: u64 = 16_000_000;

/// At most this many messages are read in one command.
const BATCH_MESSAGES: usize = 100;

/// Where a mailbox was read up to: its UIDVALIDITY and the last UID handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadUpTo {
    pub validity: u32,
    pub uid: u32,
}

impl ReadUpTo {
    /// As kept in a setting: `validity:uid`.
    pub fn to_text(self) -> String {
        format!("{}:{}", self.validity, self.uid)
    }

    /// A kept setting read back; anything else counts as never read.
    pub fn from_text(text: &str) -> Option<ReadUpTo> {
        let (validity, uid) = text.split_once(':')?;
        Some(ReadUpTo {
            validity: validity.parse().ok()?,
            uid: uid.parse().ok()?,
        })
    }
}

/// One message of the mailbox, as handed over.
#[derive(Debug)]
pub enum Arrival {
    /// Its bytes, and when the server says it arrived.
    Message {
        uid: u32,
        arrived: Option<DateTime<Utc>>,
        original: Vec<u8>,
    },
    /// Larger than the desk keeps: left on the server, not read.
    TooLarge { uid: u32, size: u64 },
}

impl Arrival {
    pub fn uid(&self) -> u32 {
        match self {
            Arrival::Message { uid, .. } | Arrival::TooLarge { uid, .. } => *uid,
        }
    }
}

/// Why a fetch stopped: the server, or the desk refusing what it was handed.
#[derive(Debug)]
pub enum Stopped {
    Server(Failure),
    Desk(crate::Error),
}

/// What a fetch saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Read {
    /// Messages in the mailbox.
    pub in_mailbox: u32,
    /// Messages after the last one read before (all of them when the mailbox is new to the
    /// desk, or its UIDVALIDITY changed).
    pub new: usize,
    /// Where the mailbox is now read up to.
    pub up_to: ReadUpTo,
}

/// Reads the messages of `server`'s mailbox after `after`, handing each to `each` in UID
/// order with how many are to be read in all; a message larger than `max_bytes` is handed over as [`Arrival::TooLarge`]. When
/// `each` fails, the fetch stops there (what was handed over before stays handed over).
pub fn fetch(
    server: &Incoming,
    login: &Login,
    after: Option<ReadUpTo>,
    max_bytes: u64,
    each: &mut dyn FnMut(Arrival, usize) -> crate::Result<()>,
) -> Result<Read, Stopped> {
    // The mailbox is read on a thread of its own, with its own runtime, and each message is
    // handed over here: `each` writes to the store, whose PostgreSQL client must not run
    // inside another runtime. Two messages wait at most (the channel's bound), so a slow
    // store slows the reading rather than filling memory.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<(Arrival, usize)>(2);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            read_on_own_runtime(server, login, after, max_bytes, &mut |arrival, total| {
                sender
                    .send((arrival, total))
                    .map_err(|_| crate::Error::internal("the desk stopped reading the mailbox"))
            })
        });
        let mut refused = None;
        for (arrival, total) in receiver.iter() {
            if let Err(error) = each(arrival, total) {
                refused = Some(error);
                break;
            }
        }
        // The reader's next hand-over fails, and it stops.
        drop(receiver);
        let read = reader.join().map_err(|_| {
            Stopped::Desk(crate::Error::internal(
                "reading the mailbox failed unexpectedly",
            ))
        })?;
        match refused {
            Some(error) => Err(Stopped::Desk(error)),
            None => read,
        }
    })
}

/// [`fetch`]'s reading, on a current-thread runtime made for it.
fn read_on_own_runtime(
    server: &Incoming,
    login: &Login,
    after: Option<ReadUpTo>,
    max_bytes: u64,
    each: &mut dyn FnMut(Arrival, usize) -> crate::Result<()>,
) -> Result<Read, Stopped> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| Stopped::Server(Failure::said(Phase::Connect, &e.to_string())))?;
    runtime.block_on(async {
        let host = server.server.host.as_str();
        let tcp = step(
            Phase::Connect,
            TcpStream::connect((host, server.server.port)),
        )
        .await?;
        match server.server.security {
            Security::None => {
                let mut client = Client::new(tcp);
                greeting(&mut client).await?;
                read_mailbox(client, server, login, after, max_bytes, each).await
            }
            Security::Tls => {
                let tls = secure(host, tcp).await?;
                let mut client = Client::new(tls);
                greeting(&mut client).await?;
                read_mailbox(client, server, login, after, max_bytes, each).await
            }
            Security::StartTls => {
                let mut client = Client::new(tcp);
                greeting(&mut client).await?;
                let said = timed(client.run_command_and_check_ok("STARTTLS", None)).await;
                said.map_err(|e| {
                    Failure::said(
                        Phase::Secure,
                        &format!("the server did not start TLS (STARTTLS): {e}"),
                    )
                })
                .map_err(Stopped::Server)?;
                let tls = secure(host, client.into_inner()).await?;
                let client = Client::new(tls);
                read_mailbox(client, server, login, after, max_bytes, each).await
            }
        }
    })
}

/// Logs in, opens the mailbox and reads what is new in it.
async fn read_mailbox<S>(
    client: Client<S>,
    server: &Incoming,
    login: &Login,
    after: Option<ReadUpTo>,
    max_bytes: u64,
    each: &mut dyn FnMut(Arrival, usize) -> crate::Result<()>,
) -> Result<Read, Stopped>
where
    S: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let mut session = log_in(client, login).await?;
    let mailbox = timed(session.examine(&server.mailbox))
        .await
        .map_err(|e| server_failure(Phase::Select, &e))?;
    let validity = mailbox.uid_validity.unwrap_or(0);
    let last = after
        .filter(|a| a.validity == validity)
        .map_or(0, |a| a.uid);
    let mut listed: Vec<(u32, u64)> = Vec::new();
    if mailbox.exists > 0 {
        let stream = timed(session.uid_fetch(format!("{}:*", last + 1), "(UID RFC822.SIZE)"))
            .await
            .map_err(|e| server_failure(Phase::Fetch, &e))?;
        let fetched: Vec<_> = timed(stream.try_collect::<Vec<_>>())
            .await
            .map_err(|e| server_failure(Phase::Fetch, &e))?;
        // `N:*` names the last message even when its UID is below N: only later ones count.
        listed = fetched
            .iter()
            .filter_map(|f| Some((f.uid?, u64::from(f.size.unwrap_or(0)))))
            .filter(|(uid, _)| *uid > last)
            .collect();
        listed.sort_unstable();
        listed.dedup();
    }
    let new = listed.len();
    let mut up_to = ReadUpTo {
        validity,
        uid: last,
    };
    let mut batch: Vec<u32> = Vec::new();
    let mut batch_bytes = 0;
    for (at, &(uid, size)) in listed.iter().enumerate() {
        if size > max_bytes {
            flush(&mut session, &mut batch, new, each, &mut up_to).await?;
            batch_bytes = 0;
            each(Arrival::TooLarge { uid, size }, new).map_err(Stopped::Desk)?;
            up_to.uid = uid;
            continue;
        }
        batch.push(uid);
        batch_bytes += size;
        let last_one = at + 1 == listed.len();
        if batch.len() >= BATCH_MESSAGES || batch_bytes >= BATCH_BYTES || last_one {
            flush(&mut session, &mut batch, new, each, &mut up_to).await?;
            batch_bytes = 0;
        }
    }
    // A logout that fails changes nothing: everything was read.
    let _ = timed(session.logout()).await;
    Ok(Read {
        in_mailbox: mailbox.exists,
        new,
        up_to,
    })
}

/// Reads the messages of `batch` and hands each over, in UID order.
async fn flush<S>(
    session: &mut Session<S>,
    batch: &mut Vec<u32>,
    total: usize,
    each: &mut dyn FnMut(Arrival, usize) -> crate::Result<()>,
    up_to: &mut ReadUpTo,
) -> Result<(), Stopped>
where
    S: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    if batch.is_empty() {
        return Ok(());
    }
    let set = batch
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let stream = timed(session.uid_fetch(set, "(UID INTERNALDATE BODY.PEEK[])"))
        .await
        .map_err(|e| server_failure(Phase::Fetch, &e))?;
    let mut fetched: Vec<_> = timed(stream.try_collect::<Vec<_>>())
        .await
        .map_err(|e| server_failure(Phase::Fetch, &e))?;
    fetched.sort_by_key(|f| f.uid);
    for message in fetched {
        let Some(uid) = message.uid.filter(|uid| batch.contains(uid)) else {
            continue;
        };
        let arrived = message.internal_date().map(|d| d.with_timezone(&Utc));
        let original = message.body().unwrap_or_default().to_vec();
        each(
            Arrival::Message {
                uid,
                arrived,
                original,
            },
            total,
        )
        .map_err(Stopped::Desk)?;
        up_to.uid = uid;
    }
    batch.clear();
    Ok(())
}

/// The login `login` asks for: LOGIN with the password, or AUTHENTICATE XOAUTH2 with the token.
async fn log_in<S>(client: Client<S>, login: &Login) -> Result<Session<S>, Stopped>
where
    S: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let refused = |e: async_imap::error::Error| server_failure(Phase::Login, &e);
    match login {
        Login::Password { user, password } => {
            let tried = tokio::time::timeout(TIMEOUT, client.login(user, password.expose())).await;
            match tried {
                Err(_) => Err(timed_out(Phase::Login)),
                Ok(Err((e, _))) => Err(refused(e)),
                Ok(Ok(session)) => Ok(session),
            }
        }
        Login::Token { user, token } => {
            let bearer = XOAuth2 {
                response: format!("user={user}\x01auth=Bearer {}\x01\x01", token.expose()),
            };
            let tried = tokio::time::timeout(TIMEOUT, client.authenticate("XOAUTH2", bearer)).await;
            match tried {
                Err(_) => Err(timed_out(Phase::Login)),
                Ok(Err((e, _))) => Err(refused(e)),
                Ok(Ok(session)) => Ok(session),
            }
        }
    }
}

/// XOAUTH2's one response (Google's and Microsoft's SASL mechanism); to an error challenge the
/// empty response ends the exchange, and the server then says NO.
struct XOAuth2 {
    response: String,
}

impl Authenticator for XOAuth2 {
    type Response = String;

    fn process(&mut self, _challenge: &[u8]) -> String {
        std::mem::take(&mut self.response)
    }
}

async fn greeting<S>(client: &mut Client<S>) -> Result<(), Stopped>
where
    S: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    match tokio::time::timeout(TIMEOUT, client.read_response()).await {
        Err(_) => Err(timed_out(Phase::Connect)),
        Ok(Err(e)) => Err(Stopped::Server(Failure::said(
            Phase::Connect,
            &e.to_string(),
        ))),
        Ok(Ok(None)) => Err(Stopped::Server(Failure::said(
            Phase::Connect,
            "the server closed the connection before greeting",
        ))),
        Ok(Ok(Some(_))) => Ok(()),
    }
}

/// TLS over `tcp`, the certificate and the name checked by the system's OpenSSL.
async fn secure(
    host: &str,
    tcp: TcpStream,
) -> Result<tokio_native_tls::TlsStream<TcpStream>, Stopped> {
    let connector = native_tls::TlsConnector::new()
        .map_err(|e| Stopped::Server(Failure::said(Phase::Secure, &e.to_string())))?;
    let connector = tokio_native_tls::TlsConnector::from(connector);
    match tokio::time::timeout(TIMEOUT, connector.connect(host, tcp)).await {
        Err(_) => Err(timed_out(Phase::Secure)),
        Ok(Ok(tls)) => Ok(tls),
        Ok(Err(e)) => {
            let mut detail = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                let said = cause.to_string();
                if !detail.contains(&said) {
                    detail.push_str(": ");
                    detail.push_str(&said);
                }
                source = cause.source();
            }
            let mut failure = Failure::said(Phase::Secure, &detail);
            failure.untrusted_certificate = detail.contains("certificate verify failed");
            Err(Stopped::Server(failure))
        }
    }
}

/// The result of a step that connects, or a failure of `phase`.
async fn step<T>(
    phase: Phase,
    future: impl Future<Output = std::io::Result<T>>,
) -> Result<T, Stopped> {
    match tokio::time::timeout(TIMEOUT, future).await {
        Err(_) => Err(timed_out(phase)),
        Ok(Err(e)) => Err(Stopped::Server(Failure::said(phase, &e.to_string()))),
        Ok(Ok(value)) => Ok(value),
    }
}

/// An exchange given [`TIMEOUT`]; running out of time is a lost connection.
async fn timed<T>(
    future: impl Future<Output = async_imap::error::Result<T>>,
) -> async_imap::error::Result<T> {
    tokio::time::timeout(TIMEOUT, future)
        .await
        .unwrap_or(Err(async_imap::error::Error::ConnectionLost))
}

fn timed_out(phase: Phase) -> Stopped {
    Stopped::Server(Failure::said(
        phase,
        &format!("no answer within {} seconds", TIMEOUT.as_secs()),
    ))
}

/// A failure of `phase` from async-imap's error: a NO or BAD answer is the server refusing.
fn server_failure(phase: Phase, error: &async_imap::error::Error) -> Stopped {
    let permanent = matches!(
        error,
        async_imap::error::Error::No(_) | async_imap::error::Error::Bad(_)
    );
    Stopped::Server(Failure {
        phase,
        code: None,
        permanent,
        untrusted_certificate: false,
        detail: server_words(&error.to_string()),
    })
}

/// The server's own words in async-imap's description of a NO or BAD answer, which wraps
/// them (`no response: code: None, info: Some("…")`); the description itself otherwise.
fn server_words(described: &str) -> String {
    described
        .split_once("Some(\"")
        .and_then(|(_, rest)| rest.split_once("\")"))
        .map(|(words, _)| words.replace("\\\"", "\""))
        .unwrap_or_else(|| described.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_a_mailbox_was_read_up_to_reads_back_and_nonsense_counts_as_never() {
        let up_to = ReadUpTo {
            validity: 1_700_000_000,
            uid: 42,
        };
        assert_eq!(ReadUpTo::from_text(&up_to.to_text()), Some(up_to));
        for text in ["", "1", "a:b", "1:", ":2", "-1:3"] {
            assert_eq!(ReadUpTo::from_text(text), None, "{text}");
        }
    }

    #[test]
    fn the_server_s_words_are_taken_out_of_the_wrapping() {
        assert_eq!(
            server_words(
                r#"no response: code: None, info: Some("[AUTHENTICATIONFAILED] Authentication failed.")"#
            ),
            "[AUTHENTICATIONFAILED] Authentication failed."
        );
        assert_eq!(server_words("connection lost"), "connection lost");
    }
}
