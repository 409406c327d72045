//! The layers' invariants (ARCHITECTURE.md), checked over the source: a grep-level test that
//! fails when a rule of the map stops being true.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `crates/core/src`, with its path from there and its text.
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
            let name = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            (name, text)
        })
        .collect()
}

/// The code of a file without its comments (doc comments name layers freely) and without its
/// `#[cfg(test)]` module at the end.
fn code(text: &str) -> String {
    let body = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    body.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_test_file(name: &str) -> bool {
    name.ends_with("/tests.rs") || name.contains("/tests/")
}

/// Files under `folder` (or, with `outside`, not under it) whose code names any of `words`.
fn offenders(folder: &str, outside: bool, words: &[&str]) -> Vec<String> {
    sources()
        .into_iter()
        .filter(|(name, _)| name.starts_with(folder) != outside && !is_test_file(name))
        .filter_map(|(name, text)| {
            let code = code(&text);
            let found: Vec<&str> = words.iter().copied().filter(|w| code.contains(w)).collect();
            (!found.is_empty()).then(|| format!("{name}: {}", found.join(", ")))
        })
        .collect()
}

#[test]
fn architecture_invariant_nothing_under_domain_does_io_or_knows_a_layer_above_it() {
    let found = offenders(
        "domain/",
        false,
        &[
            "rusqlite",
            "postgres",
            "std::fs",
            "std::net",
            "std::process",
            "std::thread",
            "std::env",
            "crate::store",
            "crate::desk",
            "crate::files",
        ],
    );
    assert!(found.is_empty(), "domain/ holds pure rules: {found:#?}");
}

#[test]
fn architecture_invariant_nothing_outside_store_names_the_sql_engine_or_writes_sql() {
    let found = offenders(
        "store/",
        true,
        &[
            "rusqlite",
            "postgres",
            "SELECT ",
            "INSERT INTO",
            "UPDATE ",
            "DELETE FROM",
            "PRAGMA ",
        ],
    );
    assert!(found.is_empty(), "SQL lives in store/: {found:#?}");
}

#[test]
fn architecture_invariant_the_desk_sees_the_store_only_through_its_interface() {
    let found = offenders("desk/", false, &["sqlcipher", "SqlCipher"]);
    assert!(found.is_empty(), "desk/ names no engine: {found:#?}");
}

#[test]
fn architecture_invariant_files_and_store_know_nothing_of_the_desk() {
    let mut found = offenders("files/", false, &["crate::desk", "crate::store"]);
    found.extend(offenders("store/", false, &["crate::desk", "Desk"]));
    assert!(found.is_empty(), "the layers point one way: {found:#?}");
}

#[test]
fn architecture_invariant_every_state_change_is_a_row_of_the_transition_table() {
    // A case's state is set by `workflow::apply` alone, and written back by `carry_out`
    // alone (which also writes the effects and the event).
    let set_state = offenders("", false, &[".state = "])
        .into_iter()
        .filter(|o| !o.starts_with("domain/workflow/apply.rs:"))
        .collect::<Vec<_>>();
    assert!(
        set_state.is_empty(),
        "state set outside apply: {set_state:#?}"
    );
    let writers = offenders("desk/", false, &["update_case("])
        .into_iter()
        .filter(|o| !o.starts_with("desk/act.rs:"))
        .collect::<Vec<_>>();
    assert!(
        writers.is_empty(),
        "cases written outside act.rs: {writers:#?}"
    );
}

#[test]
fn every_source_file_says_what_it_holds() {
    let missing: Vec<String> = sources()
        .into_iter()
        .filter(|(name, _)| !is_test_file(name))
        .filter(|(_, text)| !text.starts_with("//!"))
        .map(|(name, _)| name)
        .collect();
    assert!(
        missing.is_empty(),
        "each file opens with a //! line: {missing:?}"
    );
}

#[test]
fn the_checks_see_what_they_check() {
    // A check that reads no file would pass for ever.
    let names: Vec<String> = sources().into_iter().map(|(name, _)| name).collect();
    for expected in [
        "domain/workflow/mod.rs",
        "store/sqlcipher/cases.rs",
        "desk/act.rs",
        "files/case_csv.rs",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected} not read");
    }
    assert!(
        code("// rusqlite\nlet x = 1;\n#[cfg(test)]\nmod tests { rusqlite }")
            .find("rusqlite")
            .is_none()
    );
}
