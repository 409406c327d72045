//! Fails if the app's security settings are loosened: the CSP, the prototype freeze, remote
//! content, the one capability and its exact permissions.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_csp_is_strict() {
    let config = json(&manifest_dir().join("tauri.conf.json"));
    let csp = config["app"]["security"]["csp"]
        .as_str()
        .expect("a CSP string");
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    assert!(directives.contains(&"default-src 'self'"), "{csp}");
    assert!(directives.contains(&"script-src 'self'"), "{csp}");
    assert!(directives.contains(&"object-src 'none'"), "{csp}");
    for forbidden in [
        "unsafe-eval",
        "unsafe-inline",
        "https:",
        "*",
        "data:",
        "blob:",
    ] {
        assert!(
            !csp.contains(forbidden),
            "CSP must not allow {forbidden}: {csp}"
        );
    }
    for source in csp.split([';', ' ']).filter(|s| s.contains("://")) {
        assert_eq!(
            source, "http://ipc.localhost",
            "only Tauri's own IPC origin: {csp}"
        );
    }
    assert_eq!(config["app"]["security"]["freezePrototype"], true);
    assert_eq!(config["app"]["withGlobalTauri"], false);
    assert!(
        config["app"]["security"]
            .get("dangerousDisableAssetCspModification")
            .is_none()
    );
}

#[test]
fn no_remote_content_is_loaded() {
    let config = json(&manifest_dir().join("tauri.conf.json"));
    assert_eq!(config["build"]["frontendDist"], "../ui");
    assert!(config["build"].get("devUrl").is_none(), "no dev server URL");
    for window in config["app"]["windows"].as_array().expect("windows") {
        assert!(
            window
                .get("url")
                .is_none_or(|u| !u.as_str().unwrap_or("").contains("://"))
        );
    }
    // The UI itself references nothing outside the app.
    for entry in std::fs::read_dir(manifest_dir().join("../ui")).expect("ui/") {
        let path = entry.expect("entry").path();
        // Text that names a URL without loading it: the SVG namespace and a form placeholder.
        let text = std::fs::read_to_string(&path)
            .unwrap_or_default()
            .replace("xmlns=\"http://www.w3.org/2000/svg\"", "")
            .replace("placeholder: \"https://", "");
        for needle in [
            "http://",
            "https://",
            "//cdn",
            "eval(",
            "new Function",
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
        ] {
            assert!(
                !text.contains(needle),
                "{} contains {needle}",
                path.display()
            );
        }
    }
}

#[test]
fn one_capability_lists_exactly_our_commands_and_the_save_dialog() {
    let dir = manifest_dir().join("capabilities");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("capabilities/")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "exactly one capability file: {files:?}");
    let capability = json(&files[0]);
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
    assert!(
        capability.get("remote").is_none(),
        "no remote URLs get IPC access"
    );
    let granted: BTreeSet<&str> = capability["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| p.as_str().expect("plain permission identifiers, no scopes"))
        .collect();
    let build_rs = std::fs::read_to_string(manifest_dir().join("build.rs")).expect("build.rs");
    let mut expected: BTreeSet<String> = build_rs
        .lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix('"').and_then(|l| l.strip_suffix("\",")))
        .map(|command| format!("allow-{}", command.replace('_', "-")))
        .collect();
    expected.insert("dialog:allow-save".into());
    let granted: BTreeSet<String> = granted.into_iter().map(String::from).collect();
    assert_eq!(granted, expected);
    let config = json(&manifest_dir().join("tauri.conf.json"));
    assert_eq!(
        config["app"]["security"]["capabilities"],
        serde_json::json!(["main"])
    );
}

/// The window renders what core says and keeps no list of core's spellings of its own: a file
/// naming three or more spellings of one vocabulary holds a copy that will drift.
#[test]
fn the_ui_keeps_no_copy_of_cores_vocabularies() {
    use privacydesk_core::{
        Action, Channel, DenialBasis, Identity, Jurisdiction, Kind, Outcome, State,
    };
    fn spellings<T: ToString>(all: &[T]) -> Vec<String> {
        all.iter()
            .map(|v| format!("\"{}\"", v.to_string()))
            .collect()
    }
    let vocabularies = [
        ("kinds", spellings(Kind::ALL)),
        ("states", spellings(State::ALL)),
        ("outcomes", spellings(Outcome::ALL)),
        ("denial bases", spellings(DenialBasis::ALL)),
        ("jurisdictions", spellings(Jurisdiction::ALL)),
        ("channels", spellings(Channel::ALL)),
        ("actions", spellings(Action::ALL)),
        ("identities", spellings(Identity::ALL)),
    ];
    let mut read = 0;
    for entry in std::fs::read_dir(manifest_dir().join("../ui")).expect("ui/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "js") {
            continue;
        }
        read += 1;
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for (name, spelled) in &vocabularies {
            let named: Vec<&String> = spelled
                .iter()
                .filter(|s| text.contains(s.as_str()))
                .collect();
            assert!(
                named.len() < 3,
                "{} copies core's {name}: {named:?}; take them from the catalog",
                path.display()
            );
        }
    }
    assert!(read >= 5, "the UI's modules were read");
}
