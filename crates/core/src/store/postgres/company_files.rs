//! The company's files a manager shared (schema 10): each sealed for its name, written and
//! removed as the desk's share says, in one transaction with its audit event.

use postgres::{Client, GenericClient, Transaction};

use super::events;
use super::sealed::Sealer;
use crate::Result;
use crate::domain::company_files::{CompanyFiles, SharedFile};
use crate::store::EventDraft;

/// Where a file's text is sealed: its name is its row.
fn place(name: &str) -> String {
    format!("company_files.body:{name}")
}

/// Every shared file, by name.
pub(super) fn shared(conn: &mut impl GenericClient, seal: &Sealer) -> Result<Vec<SharedFile>> {
    conn.query(
        "SELECT name, body, shared_by, shared_at FROM company_files ORDER BY name",
        &[],
    )?
    .iter()
    .map(|row| {
        let name: String = row.try_get(0)?;
        Ok(SharedFile {
            text: seal.open_at(&place(&name), row.try_get(1)?)?,
            shared_by: row.try_get(2)?,
            shared_at: row.try_get(3)?,
            name,
        })
    })
    .collect()
}

/// Writes the files of `files` named in `write`, removes those named in `remove`, and appends
/// `event`, as one transaction.
pub(super) fn share(
    client: &mut Client,
    seal: &Sealer,
    files: &CompanyFiles,
    (write, remove): (&[String], &[String]),
    event: &EventDraft<'_>,
) -> Result<()> {
    let mut tx = client.transaction()?;
    tx.execute("DELETE FROM company_files WHERE name = ANY($1)", &[&remove])?;
    for name in write {
        let Some(text) = files.get(name) else {
            continue;
        };
        tx.execute(
            "INSERT INTO company_files (name, body, shared_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET body = excluded.body,
                 shared_at = excluded.shared_at",
            &[name, &seal.seal_at(&place(name), text), &event.at],
        )?;
    }
    events::append(&mut tx, event)?;
    tx.commit()?;
    Ok(())
}

/// Seals every shared file again (a rotation of the team key); returns how many.
pub(super) fn reseal(tx: &mut Transaction<'_>, old: &Sealer, new: &Sealer) -> Result<u64> {
    let mut values = 0;
    for row in tx.query("SELECT name, body FROM company_files", &[])? {
        let name: &str = row.try_get(0)?;
        let text = old.open_at(&place(name), row.try_get(1)?)?;
        tx.execute(
            "UPDATE company_files SET body = $2 WHERE name = $1",
            &[&name, &new.seal_at(&place(name), &text)],
        )?;
        values += 1;
    }
    Ok(values)
}
