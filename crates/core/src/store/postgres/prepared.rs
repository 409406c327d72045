//! The reads a desk sends again and again (a list page, its count, a case), prepared once per
//! connection: the server parses and plans each text once, and each run is one round trip that
//! sends only the values.

use std::cell::RefCell;
use std::collections::HashMap;

use postgres::types::{ToSql, Type};
use postgres::{Client, Row, Statement};

use crate::Result;

/// At most this many statements are kept; past it the cache starts again. A desk's filters make
/// a few dozen texts at most (paging is bound, not written into the text).
const MAX_STATEMENTS: usize = 64;

/// The statements prepared on the current connection, by their text.
#[derive(Default)]
pub(super) struct Prepared {
    statements: RefCell<HashMap<String, Statement>>,
}

impl Prepared {
    /// The rows `sql` selects with `params`, prepared with their types the first time.
    pub(super) fn query(
        &self,
        conn: &mut Client,
        sql: &str,
        params: &[(&(dyn ToSql + Sync), Type)],
    ) -> Result<Vec<Row>> {
        let statement = self.statement(conn, sql, params)?;
        let values: Vec<&(dyn ToSql + Sync)> = params.iter().map(|(value, _)| *value).collect();
        Ok(conn.query(&statement, &values)?)
    }

    /// The one row `sql` selects.
    pub(super) fn query_one(
        &self,
        conn: &mut Client,
        sql: &str,
        params: &[(&(dyn ToSql + Sync), Type)],
    ) -> Result<Row> {
        let statement = self.statement(conn, sql, params)?;
        let values: Vec<&(dyn ToSql + Sync)> = params.iter().map(|(value, _)| *value).collect();
        Ok(conn.query_one(&statement, &values)?)
    }

    /// A statement belongs to the connection that prepared it: after logging in again the
    /// cache starts empty.
    pub(super) fn forget(&self) {
        self.statements.borrow_mut().clear();
    }

    fn statement(
        &self,
        conn: &mut Client,
        sql: &str,
        params: &[(&(dyn ToSql + Sync), Type)],
    ) -> Result<Statement> {
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let types: Vec<Type> = params.iter().map(|(_, kind)| kind.clone()).collect();
        let statement = conn.prepare_typed(sql, &types)?;
        let mut statements = self.statements.borrow_mut();
        if statements.len() >= MAX_STATEMENTS {
            statements.clear();
        }
        statements.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }
}
