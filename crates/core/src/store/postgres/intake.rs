//! The `intake` table on the team desk: mail that arrived (see `domain::mail::intake`). What a
//! message says is sealed for its place; the server sees its size, dates, state and case.

use postgres::{GenericClient, Row};

use super::sealed::Sealer;
use crate::domain::mail::intake::{
    Filing, IntakeDecision, IntakeItem, IntakeState, KeptMail, NewIntakeItem, Sender, json_list,
};
use crate::{CaseId, Error, IntakeId, Result};

/// The columns [`item`] reads, `i` the intake and `c` its case.
const COLUMNS: &str = "i.id, i.message_id, i.from_address, i.from_name, i.subject, i.body, \
    i.attachments, i.problems, i.arrived_at, i.imported_at, i.imported_by, i.state, i.case_id, \
    c.reference, i.sender, i.names_case, i.decided_by, i.decided_at, i.size, i.sha256";

const FROM: &str = "FROM intake i LEFT JOIN cases c ON c.id = i.case_id";

/// The sealed columns, each sealed for `intake.<column>:<id>`.
const MESSAGE_ID: &str = "intake.message_id";
const FROM_ADDRESS: &str = "intake.from_address";
const FROM_NAME: &str = "intake.from_name";
const SUBJECT: &str = "intake.subject";
const BODY: &str = "intake.body";
const ATTACHMENTS: &str = "intake.attachments";
const ORIGINAL: &str = "intake.original";

fn item(row: &Row, seal: &Sealer) -> Result<IntakeItem> {
    let id: i64 = row.try_get(0)?;
    let damaged = || Error::Damaged(format!("intake message {id} has an unreadable field"));
    let attachments = seal.open(ATTACHMENTS, id, row.try_get(6)?)?;
    let size: i64 = row.try_get(18)?;
    let parse_opt = |at: usize| -> Result<Option<String>> { Ok(row.try_get(at)?) };
    Ok(IntakeItem {
        id: IntakeId(id),
        message_id: seal.open(MESSAGE_ID, id, row.try_get(1)?)?,
        from: seal.open_opt(FROM_ADDRESS, id, row.try_get(2)?)?,
        from_name: seal.open_opt(FROM_NAME, id, row.try_get(3)?)?,
        subject: seal.open(SUBJECT, id, row.try_get(4)?)?,
        text: seal.open(BODY, id, row.try_get(5)?)?,
        attachments: serde_json::from_str(&attachments).map_err(|_| damaged())?,
        problems: serde_json::from_str(row.try_get(7)?).map_err(|_| damaged())?,
        arrived_at: row.try_get(8)?,
        imported_at: row.try_get(9)?,
        imported_by: row.try_get(10)?,
        state: row.try_get::<_, &str>(11)?.parse().map_err(|_| damaged())?,
        case_id: row.try_get::<_, Option<i64>>(12)?.map(CaseId),
        case: parse_opt(13)?.map(|r| r.parse()).transpose()?,
        sender: parse_opt(14)?
            .map(|s| s.parse::<Sender>().map_err(|_| damaged()))
            .transpose()?,
        names_case: parse_opt(15)?.map(|r| r.parse()).transpose()?,
        decided_by: row.try_get(16)?,
        decided_at: row.try_get(17)?,
        size: u64::try_from(size).map_err(|_| damaged())?,
        sha256: row.try_get(19)?,
    })
}

fn select(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    condition: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<Vec<IntakeItem>> {
    conn.query(
        &format!("SELECT {COLUMNS} {FROM} {condition} ORDER BY i.id"),
        params,
    )?
    .iter()
    .map(|row| item(row, seal))
    .collect()
}

/// The messages in `state`, or every one, oldest first.
pub(super) fn list(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    state: Option<IntakeState>,
) -> Result<Vec<IntakeItem>> {
    match state {
        Some(state) => select(conn, seal, "WHERE $1 = i.state", &[&state.as_str()]),
        None => select(conn, seal, "", &[]),
    }
}

/// One message by its number.
pub(super) fn by_id(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    id: IntakeId,
) -> Result<Option<IntakeItem>> {
    Ok(select(conn, seal, "WHERE i.id = $1", &[&id.0])?.pop())
}

/// The messages kept on a case or opened as it.
pub(super) fn for_case(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    case: CaseId,
) -> Result<Vec<IntakeItem>> {
    select(conn, seal, "WHERE i.case_id = $1", &[&case.0])
}

/// The original bytes of a message, unless retention removed them.
pub(super) fn original(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    id: IntakeId,
) -> Result<Option<Vec<u8>>> {
    let Some(row) = conn.query_opt("SELECT original FROM intake WHERE id = $1", &[&id.0])? else {
        return Ok(None);
    };
    row.try_get::<_, Option<&[u8]>>(0)?
        .map(|sealed| seal.open_bytes(ORIGINAL, id.0, sealed))
        .transpose()
}

/// The message already kept with this Message-ID, if any.
pub(super) fn known(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    message_id: &str,
) -> Result<Option<IntakeId>> {
    Ok(conn
        .query_opt(
            "SELECT id FROM intake WHERE message_key = $1",
            &[&seal.message_key(message_id)],
        )?
        .map(|row| row.try_get(0))
        .transpose()?
        .map(IntakeId))
}

/// The sealed values of a message, for the row `id`.
struct Sealed {
    message_id: Vec<u8>,
    from: Option<Vec<u8>>,
    from_name: Option<Vec<u8>>,
    subject: Vec<u8>,
    body: Vec<u8>,
    attachments: Vec<u8>,
    original: Option<Vec<u8>>,
}

impl Sealed {
    #[allow(clippy::too_many_arguments)]
    fn of(
        seal: &Sealer,
        id: i64,
        message_id: &str,
        from: Option<&str>,
        from_name: Option<&str>,
        subject: &str,
        body: &str,
        attachments: &str,
        original: Option<&[u8]>,
    ) -> Sealed {
        Sealed {
            message_id: seal.seal(MESSAGE_ID, id, message_id),
            from: seal.seal_opt(FROM_ADDRESS, id, from),
            from_name: seal.seal_opt(FROM_NAME, id, from_name),
            subject: seal.seal(SUBJECT, id, subject),
            body: seal.seal(BODY, id, body),
            attachments: seal.seal(ATTACHMENTS, id, attachments),
            original: original.map(|o| seal.seal_bytes(ORIGINAL, id, o)),
        }
    }
}

/// Keeps a message; returns its number.
pub(super) fn insert(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    new: &NewIntakeItem<'_>,
) -> Result<IntakeId> {
    let mail = new.mail;
    let id: i64 = conn
        .query_one("SELECT nextval('intake_id_seq')", &[])?
        .try_get(0)?;
    let (state, case, sender, names_case) = match new.filing {
        Filing::OnCase { case, sender, .. } => (
            IntakeState::OnCase,
            Some(case.0),
            Some(sender.as_str()),
            None,
        ),
        Filing::Queue { names_case } => (
            IntakeState::New,
            None,
            None,
            names_case.as_ref().map(|r| r.as_str()),
        ),
    };
    let sealed = Sealed::of(
        seal,
        id,
        &mail.message_id,
        mail.from.as_ref().map(|e| e.as_str()),
        mail.from_name.as_deref(),
        &mail.subject,
        &mail.text,
        &json_list(&mail.attachments),
        Some(new.original),
    );
    let size = i64::try_from(mail.size).unwrap_or(i64::MAX);
    conn.execute(
        "INSERT INTO intake (id, message_key, message_id, from_address, from_name, subject, body,
             attachments, problems, arrived_at, imported_at, state, case_id, sender, names_case,
             size, sha256, original)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        &[
            &id,
            &seal.message_key(&mail.message_id),
            &sealed.message_id,
            &sealed.from,
            &sealed.from_name,
            &sealed.subject,
            &sealed.body,
            &sealed.attachments,
            &json_list(&mail.problems),
            &new.arrived_at,
            &new.at,
            &state.as_str(),
            &case,
            &sender,
            &names_case,
            &size,
            &mail.sha256,
            &sealed.original,
        ],
    )?;
    Ok(IntakeId(id))
}

/// Moves a message out of the queue as an agent decided; false if it had left it already (of
/// two agents deciding at once, the second waits for the first's commit and finds it gone).
pub(super) fn decide(conn: &mut impl GenericClient, decision: &IntakeDecision<'_>) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE intake SET state = $2, case_id = $3, sender = $4, decided_at = $5
         WHERE id = $1 AND state = 'new'",
        &[
            &decision.id.0,
            &decision.to.as_str(),
            &decision.case.map(|c| c.0),
            &decision.sender.map(|s| s.as_str()),
            &decision.at,
        ],
    )? > 0)
}

/// Removes what a case's messages say of the person (see the file's `redact_for_case`): the
/// sealed sender, subject, text, files' names and original.
pub(super) fn redact_for_case(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    case: CaseId,
    redacted: &str,
) -> Result<()> {
    let ids: Vec<i64> = conn
        .query("SELECT id FROM intake WHERE case_id = $1", &[&case.0])?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
    for id in ids {
        conn.execute(
            "UPDATE intake SET from_address = NULL, from_name = NULL, subject = $2, body = $3,
                 attachments = $4, original = NULL
             WHERE id = $1",
            &[
                &id,
                &seal.seal(SUBJECT, id, redacted),
                &seal.seal(BODY, id, ""),
                &seal.seal(ATTACHMENTS, id, "[]"),
            ],
        )?;
    }
    Ok(())
}

/// Every message with its original, for a copy, in id order.
pub(super) fn all(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    each: &mut dyn FnMut(KeptMail) -> Result<()>,
) -> Result<()> {
    for item in list(conn, seal, None)? {
        let original = original(conn, seal, item.id)?;
        each(KeptMail { item, original })?;
    }
    Ok(())
}

/// Writes a copied message as it was.
pub(super) fn put(conn: &mut impl GenericClient, seal: &Sealer, kept: &KeptMail) -> Result<()> {
    let item = &kept.item;
    let id = item.id.0;
    let sealed = Sealed::of(
        seal,
        id,
        &item.message_id,
        item.from.as_deref(),
        item.from_name.as_deref(),
        &item.subject,
        &item.text,
        &json_list(&item.attachments),
        kept.original.as_deref(),
    );
    let size = i64::try_from(item.size).unwrap_or(i64::MAX);
    conn.execute(
        "INSERT INTO intake (id, message_key, message_id, from_address, from_name, subject, body,
             attachments, problems, arrived_at, imported_at, imported_by, state, case_id, sender,
             names_case, decided_by, decided_at, size, sha256, original)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                 $19, $20, $21)",
        &[
            &id,
            &seal.message_key(&item.message_id),
            &sealed.message_id,
            &sealed.from,
            &sealed.from_name,
            &sealed.subject,
            &sealed.body,
            &sealed.attachments,
            &json_list(&item.problems),
            &item.arrived_at,
            &item.imported_at,
            &item.imported_by,
            &item.state.as_str(),
            &item.case_id.map(|c| c.0),
            &item.sender.map(|s| s.as_str()),
            &item.names_case.as_ref().map(|r| r.as_str()),
            &item.decided_by,
            &item.decided_at,
            &size,
            &item.sha256,
            &sealed.original,
        ],
    )?;
    Ok(())
}

/// Seals every kept message again under `new` (a key rotation), one at a time (an original
/// may be tens of megabytes); returns how many values.
pub(super) fn reseal(conn: &mut impl GenericClient, old: &Sealer, new: &Sealer) -> Result<u64> {
    let mut values = 0;
    let ids: Vec<i64> = conn
        .query("SELECT id FROM intake ORDER BY id", &[])?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
    for id in ids {
        let Some(item) = by_id(conn, old, IntakeId(id))? else {
            continue;
        };
        let original = original(conn, old, item.id)?;
        let sealed = Sealed::of(
            new,
            id,
            &item.message_id,
            item.from.as_deref(),
            item.from_name.as_deref(),
            &item.subject,
            &item.text,
            &json_list(&item.attachments),
            original.as_deref(),
        );
        conn.execute(
            "UPDATE intake SET message_key = $2, message_id = $3, from_address = $4,
                 from_name = $5, subject = $6, body = $7, attachments = $8, original = $9
             WHERE id = $1",
            &[
                &id,
                &new.message_key(&item.message_id),
                &sealed.message_id,
                &sealed.from,
                &sealed.from_name,
                &sealed.subject,
                &sealed.body,
                &sealed.attachments,
                &sealed.original,
            ],
        )?;
        values += 5
            + u64::from(item.from.is_some())
            + u64::from(item.from_name.is_some())
            + u64::from(original.is_some());
    }
    Ok(values)
}

/// How far the mailbox `name` was read.
pub(super) fn read_up_to(conn: &mut impl GenericClient, name: &str) -> Result<Option<(u32, u32)>> {
    let Some(row) = conn.query_opt(
        "SELECT validity, last_uid FROM mailboxes WHERE name = $1",
        &[&name],
    )?
    else {
        return Ok(None);
    };
    let (validity, uid): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
    Ok(u32::try_from(validity).ok().zip(u32::try_from(uid).ok()))
}

/// Moves the mailbox `name` on to `uid` (never back while its validity stays the same).
pub(super) fn set_read_up_to(
    conn: &mut impl GenericClient,
    name: &str,
    validity: u32,
    uid: u32,
    at: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO mailboxes (name, validity, last_uid, read_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET
             last_uid = CASE WHEN mailboxes.validity = excluded.validity
                             THEN greatest(mailboxes.last_uid, excluded.last_uid)
                             ELSE excluded.last_uid END,
             validity = excluded.validity, read_at = excluded.read_at",
        &[&name, &i64::from(validity), &i64::from(uid), &at],
    )?;
    Ok(())
}
