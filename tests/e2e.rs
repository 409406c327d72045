//! End to end: the real app in a real WebKit window under Xvfb, driven through `tauri-driver`
//! and `WebKitWebDriver`. Run by `scripts/test` (`xvfb-run`, `--ignored`); each test has its own
//! data directory and database.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

#[path = "../crates/core/tests/common/pg.rs"]
mod pg;

#[path = "../crates/core/tests/common/mail_sink.rs"]
mod mail_sink;

const PASS: &str = "e2e passphrase 1";
const TIMEOUT: Duration = Duration::from_secs(20);

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn app_binary() -> PathBuf {
    let cli = assert_cmd::cargo::cargo_bin("privacydesk");
    let app = cli.with_file_name("privacydesk-app");
    assert!(
        app.exists(),
        "{} is missing: build it with `cargo build -p privacydesk-app`",
        app.display()
    );
    app
}

fn tauri_driver() -> PathBuf {
    let on_path = Command::new("tauri-driver")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if on_path {
        return PathBuf::from("tauri-driver");
    }
    let home =
        PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo/bin/tauri-driver");
    assert!(
        home.exists(),
        "tauri-driver is missing: cargo install tauri-driver --locked"
    );
    home
}

/// Whether WebDriver lost the element because the page replaced it.
fn is_stale(error: &fantoccini::error::CmdError) -> bool {
    format!("{error:?}").contains("StaleElementReference")
}

/// One app under one tauri-driver, with its own database; killed on drop.
struct Desk {
    client: Client,
    driver: Child,
    dir: tempfile::TempDir,
}

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(4444)
}

impl Desk {
    async fn start() -> Result<Desk, Box<dyn std::error::Error>> {
        Desk::start_with(&[]).await
    }

    /// Starts the app with extra environment variables (e.g. a short idle limit).
    async fn start_with(env: &[(&str, &str)]) -> Result<Desk, Box<dyn std::error::Error>> {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY: run the end-to-end tests under xvfb-run"
        );
        let dir = tempfile::tempdir()?;
        let (port, native) = (free_port(), free_port());
        let driver = Command::new(tauri_driver())
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("PRIVACYDESK_DB", dir.path().join("cases.db"))
            .env("PRIVACYDESK_AGENT", "e2e")
            .env("HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({ "application": app_binary() }),
        );
        let started = Instant::now();
        let client = loop {
            match ClientBuilder::native()
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(e) if started.elapsed() > TIMEOUT => {
                    return Err(format!("cannot reach tauri-driver: {e}").into());
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        let desk = Desk {
            client,
            driver,
            dir,
        };
        desk.visible("#unlock-screen").await?;
        Ok(desk)
    }

    async fn find(&self, css: &str) -> Result<Element, Box<dyn std::error::Error>> {
        Ok(self
            .client
            .wait()
            .at_most(TIMEOUT)
            .for_element(Locator::Css(css))
            .await?)
    }

    /// Waits until `css` matches an element that is shown.
    async fn visible(&self, css: &str) -> Result<Element, Box<dyn std::error::Error>> {
        let started = Instant::now();
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && element.is_displayed().await.unwrap_or(false)
            {
                return Ok(element);
            }
            if started.elapsed() > TIMEOUT {
                return Err(format!("{css} never became visible").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the text of `css` contains `expected`, ignoring case (CSS capitalises some
    /// labels); returns the text.
    async fn text_contains(
        &self,
        css: &str,
        expected: &str,
    ) -> Result<String, Box<dyn std::error::Error>> {
        let started = Instant::now();
        let mut last = String::new();
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                last = element.text().await.unwrap_or_default();
                if last.to_lowercase().contains(&expected.to_lowercase()) {
                    return Ok(last);
                }
            }
            if started.elapsed() > TIMEOUT {
                return Err(format!("{css} never said {expected:?}; last: {last:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks `css` once it is shown; if the UI re-rendered it between finding and clicking
    /// (a list reloading after a search, say), finds it again.
    async fn click(&self, css: &str) -> TestResult {
        let started = Instant::now();
        loop {
            match self.visible(css).await?.click().await {
                Ok(_) => return Ok(()),
                Err(e) if is_stale(&e) && started.elapsed() < TIMEOUT => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Leaves a checkbox ticked. A click is a toggle, so a click that landed on a row the list
    /// then drew again (its poll, a search) but came back "stale" must not be repeated blindly:
    /// each try reads the box first.
    async fn tick(&self, css: &str) -> TestResult {
        let started = Instant::now();
        loop {
            let element = self.visible(css).await?;
            let done = match element.is_selected().await {
                Ok(true) => return Ok(()),
                Ok(false) => element.click().await.map(|_| ()),
                Err(e) => Err(e),
            };
            match done {
                Ok(()) => {}
                Err(e) if is_stale(&e) && started.elapsed() < TIMEOUT => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    async fn type_into(&self, css: &str, text: &str) -> TestResult {
        let started = Instant::now();
        loop {
            let element = self.visible(css).await?;
            let typed = match element.clear().await {
                Ok(()) => element.send_keys(text).await,
                Err(e) => Err(e),
            };
            match typed {
                Ok(()) => return Ok(()),
                Err(e) if is_stale(&e) && started.elapsed() < TIMEOUT => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Picks an option of a `<select>` by value, as a person choosing it would (a `change` event).
    async fn choose(&self, css: &str, value: &str) -> TestResult {
        let picked = self
            .client
            .execute(
                "const e = document.querySelector(arguments[0]);
                 e.value = arguments[1];
                 e.dispatchEvent(new Event('change', { bubbles: true }));
                 return e.value === arguments[1];",
                vec![json!(css), json!(value)],
            )
            .await?;
        if picked != json!(true) {
            let options = self
                .client
                .execute(
                    "return [...document.querySelector(arguments[0]).options].map(o => o.value)",
                    vec![json!(css)],
                )
                .await?;
            return Err(format!("{css} has no option {value:?}; it has {options}").into());
        }
        Ok(())
    }

    async fn js(&self, script: &str) -> Result<Value, Box<dyn std::error::Error>> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    async fn create_database(&self) -> TestResult {
        self.text_contains("#unlock-button", "Create database")
            .await?;
        self.type_into("#passphrase", PASS).await?;
        self.type_into("#passphrase-confirm", PASS).await?;
        self.click("#unlock-button").await?;
        self.visible("#desk").await?;
        Ok(())
    }

    /// Fills the new-case form; returns the new reference.
    async fn new_case(
        &self,
        kind: &str,
        name: &str,
        email: &str,
        extra: &[(&str, &str)],
    ) -> Result<String, Box<dyn std::error::Error>> {
        self.click("#new-case-button").await?;
        self.visible("#nc-kind").await?;
        self.choose("#nc-kind", kind).await?;
        self.type_into("#nc-name", name).await?;
        self.type_into("#nc-email", email).await?;
        for (css, value) in extra {
            let element = self.visible(css).await?;
            if element.tag_name().await? == "select" {
                self.choose(css, value).await?;
            } else {
                element.send_keys(value).await?;
            }
        }
        let before = self
            .js("return document.getElementById('toast').textContent")
            .await?;
        self.click("#dialog-ok").await?;
        let started = Instant::now();
        let toast = loop {
            let now = self
                .js("return document.getElementById('toast').textContent")
                .await?;
            let text = now.as_str().unwrap_or_default().to_string();
            if now != before && text.starts_with("Created PR-") {
                break text;
            }
            if started.elapsed() > TIMEOUT {
                let error = self.find("#dialog-error").await?.text().await?;
                return Err(format!("no new case: {error}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let reference = toast.trim_start_matches("Created ").trim().to_string();
        self.text_contains("#detail-reference", &reference).await?;
        Ok(reference)
    }

    /// Clicks an allowed action on the open case and confirms its dialog after `fill`.
    async fn act(&self, action: &str, fields: &[(&str, &str)]) -> TestResult {
        self.click(&format!("#detail button.action[data-action='{action}']"))
            .await?;
        self.visible("#dialog-ok").await?;
        for (css, value) in fields {
            let element = self.visible(css).await?;
            if element.tag_name().await? == "select" {
                self.choose(css, value).await?;
            } else if element.attr("type").await?.as_deref() == Some("checkbox") {
                element.click().await?;
            } else {
                element.send_keys(value).await?;
            }
        }
        self.click("#dialog-ok").await?;
        self.dialog_closes()
            .await
            .map_err(|e| format!("{action}: {e}").into())
    }

    async fn screenshot(&self, name: &str) -> TestResult {
        if let Some(folder) = std::env::var_os("PRIVACYDESK_SCREENSHOTS") {
            let png = self.client.screenshot().await?;
            std::fs::create_dir_all(&folder)?;
            std::fs::write(Path::new(&folder).join(format!("{name}.png")), png)?;
        }
        Ok(())
    }

    async fn finish(self) -> TestResult {
        self.client.clone().close().await?;
        Ok(())
    }
}

#[tokio::test]
#[ignore = "needs a display and tauri-driver: run through scripts/test"]
async fn create_lock_and_unlock_with_a_wrong_passphrase_first() -> TestResult {
    let desk = Desk::start().await?;
    desk.screenshot("01-create-database").await?;
    desk.type_into("#passphrase", "short").await?;
    desk.type_into("#passphrase-confirm", "short").await?;
    desk.click("#unlock-button").await?;
    desk.text_contains("#unlock-error", "at least 8").await?;
    desk.create_database().await?;
    desk.text_contains("#page-info", "of 0").await?;
    desk.click("#lock-button").await?;
    desk.visible("#unlock-screen").await?;
    assert_eq!(
        desk.js("return document.getElementById('desk').hidden")
            .await?,
        json!(true),
        "nothing of a case stays shown"
    );
    desk.type_into("#passphrase", "not the passphrase").await?;
    desk.click("#unlock-button").await?;
    desk.text_contains("#unlock-error", "Wrong passphrase")
        .await?;
    desk.screenshot("02-wrong-passphrase").await?;
    desk.type_into("#passphrase", PASS).await?;
    desk.click("#unlock-button").await?;
    desk.visible("#desk").await?;
    desk.finish().await
}

#[tokio::test]
#[ignore = "needs a display and tauri-driver: run through scripts/test"]
async fn an_idle_desk_locks_itself_and_keeps_nothing_readable() -> TestResult {
    let desk = Desk::start_with(&[("PRIVACYDESK_IDLE_SECONDS", "3")]).await?;
    desk.create_database().await?;
    let reference = desk
        .new_case("access", "Idleton Canary", "idle.canary@example.com", &[])
        .await?;
    desk.click("#reveal").await?;
    desk.text_contains("#detail", "Idleton Canary").await?;
    // No input from here on: the backend drops the key, the window notices on its next poll.
    let started = Instant::now();
    loop {
        let locked = desk
            .js("return !document.getElementById('unlock-screen').hidden")
            .await?;
        if locked == json!(true) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(45),
            "the desk did not lock itself"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    desk.text_contains("#unlock-error", "inactivity").await?;
    let page = desk.js("return document.documentElement.outerHTML").await?;
    let page = page.as_str().unwrap_or_default();
    for canary in ["Idleton", "idle.canary", reference.as_str()] {
        assert!(!page.contains(canary), "{canary} still in the locked page");
    }
    // The backend holds no key either: a direct call is refused as locked.
    let refused = desk
        .js("return window.__TAURI_INTERNALS__.invoke('overview', {}).then(() => 'served', (e) => e.code)")
        .await?;
    assert_eq!(refused, json!("locked"));
    desk.screenshot("07-locked-after-idle").await?;
    desk.type_into("#passphrase", PASS).await?;
    desk.click("#unlock-button").await?;
    desk.text_contains("#case-list", "PR-").await?;
    desk.finish().await
}

#[tokio::test]
#[ignore = "needs a display and tauri-driver: run through scripts/test"]
async fn cases_of_every_kind_are_logged_worked_and_searched() -> TestResult {
    let desk = Desk::start().await?;
    desk.create_database().await?;

    // Access, under GDPR, worked from new to a denial through the identity check and the customer.
    let access = desk
        .new_case(
            "access",
            "Ana Ruiz",
            "ana@example.com",
            &[
                ("#nc-jurisdiction", "gdpr"),
                ("#nc-customer", "Acme Retail Ltd"),
            ],
        )
        .await?;
    desk.text_contains(
        "#deadline-explanation",
        "GDPR: one calendar month from receipt",
    )
    .await?;
    let due = desk.find("#detail-due").await?.text().await?;
    assert!(due.starts_with("20"), "the due date is shown: {due}");
    desk.act("request_id", &[]).await?;
    desk.text_contains("#detail-state", "verifying identity")
        .await?;
    desk.act("verify", &[]).await?;
    desk.act("forward", &[]).await?;
    desk.text_contains("#detail-state", "awaiting customer")
        .await?;
    desk.act("customer_replied", &[]).await?;
    desk.act(
        "close",
        &[
            ("#ac-outcome", "denied"),
            ("#ac-basis", "controller_decision"),
            ("#ac-reason", "The customer declined"),
        ],
    )
    .await?;
    desk.text_contains("#detail-state", "closed").await?;
    desk.text_contains("#timeline", "The customer declined")
        .await?;
    desk.screenshot("03-case-closed").await?;

    // A denial without a reason is refused in the form, and nothing is sent.
    let erasure = desk
        .new_case("erasure", "Ben Okafor", "ben@example.org", &[])
        .await?;
    desk.click("#detail button.action[data-action='close']")
        .await?;
    desk.visible("#ac-outcome").await?;
    // Not verified: it may be refused or withdrawn, not fulfilled.
    assert_eq!(
        desk.js("return [...document.getElementById('ac-outcome').options].map(o => o.value)")
            .await?,
        json!(["denied", "withdrawn"])
    );
    desk.choose("#ac-outcome", "denied").await?;
    desk.text_contains(
        "label[for=ac-reason]",
        "Reason for the refusal (goes to the person)",
    )
    .await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#ac-reason-error", "needed").await?;
    assert_eq!(
        desk.js("return document.getElementById('ac-reason').getAttribute('aria-invalid')")
            .await?,
        json!("true")
    );
    desk.click("#dialog-cancel").await?;
    desk.text_contains("#detail-state", "new").await?;

    // Forum removal: one item removed, one refused with its reason.
    desk.click("#new-case-button").await?;
    desk.visible("#nc-kind").await?;
    desk.choose("#nc-kind", "forum_removal").await?;
    desk.type_into("#nc-name", "Cleo Haddad").await?;
    desk.type_into("#nc-email", "cleo@example.com").await?;
    // One address a line; \u{E007} is WebDriver's Enter key.
    desk.type_into(
        "#nc-items",
        "https://forum.example.com/t/1\u{E007}https://forum.example.com/t/2",
    )
    .await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#toast", "Created").await?;
    desk.text_contains("#detail", "https://forum.example.com/t/2")
        .await?;
    desk.verify_and_decide_two_items("Quoted in a court ruling")
        .await?;
    // A page stayed up: the Close dialog starts on "partially fulfilled".
    desk.click("#detail button.action[data-action='close']")
        .await?;
    desk.text_contains("#dialog-ok", "Close case").await?;
    assert_eq!(
        desk.js("return document.getElementById('ac-outcome').value")
            .await?,
        json!("partially_fulfilled")
    );
    // The answer letter is not sent: the dialog asks, as it opens, whether it went another way.
    assert!(desk.find("#ac-without").await?.is_displayed().await?);
    desk.text_contains("label[for=ac-reason]", "Note (optional)")
        .await?;
    assert_eq!(
        desk.js("return [...document.getElementById('ac-outcome').options].map(o => o.value)")
            .await?,
        json!(["partially_fulfilled", "withdrawn"]),
        "a page was removed: not a denial; one stayed: not fulfilled"
    );
    desk.choose("#ac-outcome", "withdrawn").await?;
    assert!(!desk.find("#ac-without").await?.is_displayed().await?);
    desk.click("#dialog-cancel").await?;
    desk.act("close", &[("#ac-without", "")]).await?;
    desk.text_contains("#detail", "Quoted in a court ruling")
        .await?;
    desk.text_contains("#detail-state", "closed").await?;

    // Under UK GDPR a month from 3 March 2026 is Good Friday: the card names the holidays.
    desk.click("#new-case-button").await?;
    desk.visible("#nc-name").await?;
    desk.type_into("#nc-name", "Iris Bell").await?;
    desk.type_into("#nc-email", "iris.b@example.co.uk").await?;
    desk.choose("#nc-jurisdiction", "uk_gdpr").await?;
    desk.set_text("#nc-received", "2026-03-03").await?;
    desk.click("#dialog-ok").await?;
    desk.dialog_closes().await?;
    desk.text_contains(
        "#deadline-explanation",
        "2026-04-03 is Good Friday, a bank holiday in England and Wales, and 2026-04-06 is Easter Monday",
    )
    .await?;
    desk.text_contains("#detail-due", "2026-04-07").await?;

    // Filed by an authorized agent: the agent and the proof seen are kept on the case.
    desk.new_case(
        "correction",
        "Jon Park",
        "jon@example.com",
        &[
            ("#nc-jurisdiction", "ccpa"),
            ("#nc-agent-name", "Privacy Rights Agency LLC"),
            ("#nc-agent-proof", "Signed authorisation"),
        ],
    )
    .await?;
    desk.text_contains(
        "#detail-agent",
        "Privacy Rights Agency LLC (authorized agent; proof seen: Signed authorisation)",
    )
    .await?;

    // Account closure, scheduled for deletion 30 days out.
    desk.new_case("account_closure", "Dmitri Novak", "dmitri@example.com", &[])
        .await?;
    desk.act("verify", &[]).await?;
    desk.act("schedule_deletion", &[]).await?;
    desk.text_contains("#detail-state", "deletion scheduled")
        .await?;
    desk.text_contains("#detail", "Data deleted on").await?;
    desk.screenshot("04-deletion-scheduled").await?;

    // The other kinds, including hostile text, which shows as text and runs nothing.
    let hostile = "<img src=x onerror=\"window.__pwned=1\">";
    desk.new_case("correction", hostile, "eve@example.com", &[])
        .await?;
    desk.click("#reveal").await?;
    desk.text_contains("#detail .requester-name", hostile)
        .await?;
    assert_eq!(
        desk.js("return document.querySelectorAll('#detail img, #case-list img').length")
            .await?,
        json!(0)
    );
    assert_eq!(
        desk.js("return window.__pwned === undefined").await?,
        json!(true)
    );
    desk.new_case(
        "restriction",
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "f@example.com",
        &[],
    )
    .await?;
    desk.new_case("marketing_opt_out", "Gustavo Silva", "g@example.com", &[])
        .await?;
    desk.new_case("inquiry", "Hana Tanaka", "h@example.com", &[])
        .await?;
    // A 10,000-character name (set directly, past the field's own limit) is refused in place.
    desk.click("#new-case-button").await?;
    desk.visible("#nc-name").await?;
    desk.js("document.getElementById('nc-name').value = 'N'.repeat(10000)")
        .await?;
    desk.type_into("#nc-email", "long@example.com").await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#nc-name-error", "longer than 500")
        .await?;
    desk.click("#dialog-cancel").await?;
    desk.text_contains("#page-info", "of 8").await?; // ten cases, two of them closed
    desk.screenshot("05-case-list").await?;

    // Search by reference and by email.
    desk.type_into("#search", &access).await?;
    desk.text_contains("#page-info", "1–1 of 1").await?;
    desk.text_contains("#case-list", &access).await?;
    desk.type_into("#search", "ben@example.org").await?;
    desk.text_contains("#case-list", &erasure).await?;
    desk.type_into("#search", "nobody-matches-this").await?;
    desk.text_contains("#case-list", "No case matches").await?;

    // Under Virginia's law a refusal may be appealed: its own 60-day clock, then a decision.
    desk.type_into("#search", "\u{E00C}").await?; // Escape ends the search
    desk.new_case(
        "access",
        "Iris Vaughan",
        "iris@example.com",
        &[("#nc-jurisdiction", "us_va")],
    )
    .await?;
    desk.text_contains("#detail", "Virginia CDPA").await?;
    desk.act(
        "close",
        &[
            ("#ac-outcome", "denied"),
            ("#ac-basis", "exemption"),
            ("#ac-reason", "It would disclose another person's data"),
        ],
    )
    .await?;
    desk.act("appeal", &[("#ac-reason", "The other person agreed")])
        .await?;
    desk.text_contains("#detail-state", "in appeal").await?;
    desk.text_contains(
        "#deadline-explanation",
        "Virginia CDPA: 60 calendar days to decide an appeal",
    )
    .await?;
    desk.text_contains("#timeline", "appealed against").await?;
    desk.screenshot("06-in-appeal").await?;
    desk.click("#detail button.action[data-action='close']")
        .await?;
    desk.visible("#ac-outcome").await?;
    // The identity was never checked: the appeal can only be upheld.
    assert_eq!(
        desk.js("return [...document.getElementById('ac-outcome').options].map(o => o.value)")
            .await?,
        json!(["denied"])
    );
    desk.text_contains("label[for=ac-reason]", "Why the refusal is upheld")
        .await?;
    desk.click("#ac-without").await?;
    desk.type_into("#ac-reason", "The consent covers only part of it")
        .await?;
    desk.click("#dialog-ok").await?;
    desk.dialog_closes().await?;
    desk.text_contains("#detail-state", "closed").await?;
    desk.text_contains("#timeline", "appeal denied").await?;
    desk.text_contains("#detail-appeal", "refusal upheld")
        .await?;
    assert_eq!(
        desk.js("return document.getElementById('next-step') === null")
            .await?,
        json!(true),
        "nothing left to suggest"
    );
    desk.screenshot("06-appeal-decided").await?;

    // The company's calendar file beside the database: a closure on a case's due date says by
    // when to finish; a broken file is said on the case, and the built-in calendars are used.
    let due = chrono::Local::now().date_naive() + chrono::Days::new(30);
    std::fs::write(
        desk.dir.path().join("calendars.toml"),
        format!("[[closure]]\ndate = \"{due}\"\nname = \"Team offsite\"\n"),
    )?;
    desk.new_case("inquiry", "Jon Amari", "jon@example.com", &[])
        .await?;
    desk.text_contains("#detail-work-by", "Team offsite")
        .await?;
    desk.text_contains("#detail-work-by", "Work by").await?;
    // Utah stops its clock for a request suspected fraudulent: the form offers it only there.
    desk.new_case(
        "access",
        "Kai Lund",
        "kai@example.com",
        &[("#nc-jurisdiction", "us_ut")],
    )
    .await?;
    desk.act("request_id", &[("#ac-fraud", "")]).await?;
    desk.text_contains("#deadline-explanation", "13-61-203(2)(d)")
        .await?;
    desk.text_contains("#timeline", "suspected fraudulent")
        .await?;
    std::fs::write(
        desk.dir.path().join("calendars.toml"),
        "[laws]\ngdpr = \"atlantis\"\n",
    )?;
    desk.new_case("inquiry", "Lea Moreau", "lea@example.com", &[])
        .await?;
    desk.text_contains(
        "#detail-calendar-problem",
        "line 2: unknown holiday calendar",
    )
    .await?;
    desk.finish().await
}

#[tokio::test]
#[ignore = "needs a display and tauri-driver: run through scripts/test"]
async fn both_exports_write_their_files() -> TestResult {
    // The desktop's file opener, replaced by one that writes down what it was asked to open.
    let opener = tempfile::tempdir()?;
    let opened = opener.path().join("opened.txt");
    let script = opener.path().join("xdg-open");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )?;
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
    let path = format!(
        "{}:{}",
        opener.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let desk = Desk::start_with(&[("PATH", path.as_str())]).await?;
    desk.create_database().await?;
    desk.new_case("access", "=SUM(1,2)", "ana@example.com", &[])
        .await?;
    desk.new_case("erasure", "Ben", "ben@example.com", &[])
        .await?;

    let cases = desk.dir.path().join("cases.csv");
    desk.click("#export-button").await?;
    desk.type_into("#ex-path", cases.to_str().ok_or("path")?)
        .await?;
    desk.screenshot("06-export").await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#dialog-body", "Saved 2 cases").await?;
    let message = desk
        .text_contains("#dialog-body", "SHA-256 of the file")
        .await?;
    assert!(message.contains("Audit chain head: "), "{message}");
    desk.click("#open-folder").await?;
    desk.dialog_closes().await?;
    let started = Instant::now();
    while !opened.exists() && started.elapsed() < TIMEOUT {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        std::fs::read_to_string(&opened)?,
        desk.dir.path().display().to_string(),
        "the folder of the export was opened, not the file"
    );
    let text = std::fs::read_to_string(&cases)?;
    // For Excel by default: UTF-8 with its byte-order mark.
    assert!(text.starts_with("\u{feff}reference,kind,state"), "{text}");
    let sha = sha256_hex(&std::fs::read(&cases)?);
    assert!(
        message.contains(&sha),
        "{message} names the file's SHA-256 {sha}"
    );
    assert!(text.contains("'=SUM(1,2)"), "formula neutralised: {text}");

    let report = desk.dir.path().join("report.csv");
    desk.click("#export-button").await?;
    desk.click("input[name=ex-kind][value=monthly]").await?;
    desk.type_into("#ex-path", report.to_str().ok_or("path")?)
        .await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#dialog-body", "report to").await?;
    desk.click("#dialog-cancel").await?;
    desk.dialog_closes().await?;
    let text = std::fs::read_to_string(&report)?;
    assert!(text.starts_with("month,kind,received,closed"), "{text}");

    // A folder that does not exist: a clear message in the dialog, and no file.
    let nowhere = desk.dir.path().join("missing").join("x.csv");
    desk.click("#export-button").await?;
    desk.type_into("#ex-path", nowhere.to_str().ok_or("path")?)
        .await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#dialog-error", "cannot write").await?;
    assert!(!nowhere.exists());
    desk.finish().await
}

impl Desk {
    /// Sets a textarea's text as typing would (an `input` event), long letters included.
    async fn set_text(&self, css: &str, text: &str) -> TestResult {
        self.visible(css).await?;
        self.client
            .execute(
                "const e = document.querySelector(arguments[0]);
                 e.value = arguments[1];
                 e.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![json!(css), json!(text)],
            )
            .await?;
        Ok(())
    }

    /// Verifies the open forum removal, removes its page t/1 and refuses t/2 for `reason`.
    async fn verify_and_decide_two_items(&self, reason: &str) -> TestResult {
        self.act("verify", &[]).await?;
        self.act(
            "remove_item",
            &[("#ac-item", "https://forum.example.com/t/1")],
        )
        .await?;
        self.act(
            "refuse_item",
            &[
                ("#ac-item", "https://forum.example.com/t/2"),
                ("#ac-reason", reason),
            ],
        )
        .await
    }

    /// Waits until `script` returns `expected`.
    async fn js_becomes(&self, script: &str, expected: Value) -> TestResult {
        let started = Instant::now();
        loop {
            let now = self.js(script).await?;
            if now == expected {
                return Ok(());
            }
            if started.elapsed() > TIMEOUT {
                return Err(format!("{script} gave {now}, not {expected}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn dialog_closes(&self) -> TestResult {
        let started = Instant::now();
        while self
            .js("return document.getElementById('dialog').open")
            .await?
            == json!(true)
        {
            if started.elapsed() > TIMEOUT {
                let error = self.find("#dialog-error").await?.text().await?;
                return Err(format!("the dialog stayed open: {error}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }
}

#[tokio::test]
#[ignore = "needs a display and tauri-driver: run through scripts/test"]
async fn duplicates_merge_letters_are_sent_and_yearly_metrics_exported() -> TestResult {
    let desk = Desk::start().await?;
    desk.create_database().await?;

    // A forum removal, then a second request from the same address: flagged in the form.
    desk.click("#new-case-button").await?;
    desk.visible("#nc-kind").await?;
    desk.choose("#nc-kind", "forum_removal").await?;
    desk.type_into("#nc-name", "Cleo Haddad").await?;
    desk.type_into("#nc-email", "cleo@example.com").await?;
    desk.choose("#nc-jurisdiction", "uk_gdpr").await?;
    desk.type_into(
        "#nc-items",
        "https://forum.example.com/t/1\u{E007}https://forum.example.com/t/2",
    )
    .await?;
    desk.click("#dialog-ok").await?;
    let created = desk.text_contains("#toast", "Created PR-").await?;
    let forum = created.trim_start_matches("Created ").trim().to_string();
    desk.text_contains("#detail-reference", &forum).await?;

    desk.click("#new-case-button").await?;
    desk.visible("#nc-kind").await?;
    desk.type_into("#nc-name", "Cleo Haddad").await?;
    desk.type_into("#nc-email", "CLEO@example.com").await?;
    desk.text_contains(
        "#nc-duplicates",
        &format!("Already open from this address: {forum}"),
    )
    .await?;
    desk.screenshot("07-duplicate-flagged").await?;
    desk.click("#dialog-ok").await?;
    desk.dialog_closes().await?;
    // The new case opens in the detail pane (the toast may still show the first one).
    let started = Instant::now();
    let second = loop {
        // Read by script: the pane re-renders under a held element reference.
        let shown = desk
            .js("return document.getElementById('detail-reference')?.textContent || ''")
            .await?;
        let shown = shown.as_str().unwrap_or_default().to_string();
        if shown.starts_with("PR-") && shown != forum {
            break shown;
        }
        if started.elapsed() > TIMEOUT {
            return Err("the second case never opened".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    desk.text_contains("#duplicates", &forum).await?;
    desk.click(&format!("#duplicates button.merge[data-into='{forum}']"))
        .await?;
    desk.text_contains("#dialog-body", "is closed as merged")
        .await?;
    desk.click("#dialog-ok").await?;
    desk.dialog_closes().await?;
    desk.text_contains("#detail-reference", &forum).await?;
    desk.text_contains("#timeline", &format!("{second} merged into this case"))
        .await?;

    // Work the removal, then write the answer: blanks block sending, a draft is kept.
    desk.verify_and_decide_two_items("It is quoted in a court ruling")
        .await?;
    desk.choose("#letter-kind", "removal_answer").await?;
    desk.click("#write-letter").await?;
    let body = desk
        .visible("#letter-body")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    assert!(
        body.contains("Why: It is quoted in a court ruling"),
        "{body}"
    );
    assert!(body.contains("Information Commissioner's Office"), "{body}");
    desk.text_contains("#letter-blanks", "No blanks left")
        .await?;
    desk.text_contains("#letter-status", "letters/removal_answer.txt")
        .await?;
    let with_blank = body.replace("Kind regards,", "[[a word of apology]]\n\nKind regards,");
    desk.set_text("#letter-body", &with_blank).await?;
    desk.text_contains("#letter-blanks", "1 blank to fill")
        .await?;
    desk.screenshot("08-letter-editor").await?;
    desk.text_contains("#dialog-ok", "Mark sent and close as partially fulfilled")
        .await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#letter-body-error", "Fill the blank [[a word of apology]]")
        .await?;
    desk.click("#letter-save").await?;
    desk.text_contains("#letter-status", "Draft saved").await?;
    desk.click("#dialog-cancel").await?;
    desk.dialog_closes().await?;
    desk.text_contains("#letters", "draft saved").await?;
    desk.click("#letters .letter-continue").await?;
    let kept = desk
        .visible("#letter-body")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    assert!(
        kept.contains("[[a word of apology]]"),
        "the draft came back: {kept}"
    );
    let final_text = kept.replace("[[a word of apology]]", "We are sorry for the trouble.");
    desk.set_text("#letter-body", &final_text).await?;
    // Filling the blank takes its refusal away.
    desk.js_becomes(
        "return document.getElementById('letter-body-error') === null",
        json!(true),
    )
    .await?;
    desk.click("#dialog-ok").await?;
    desk.dialog_closes().await?;
    desk.text_contains("#letters", "sent").await?;
    desk.text_contains("#timeline", "letter sent").await?;
    desk.text_contains("#detail-state", "closed").await?;
    assert!(
        desk.js("return [...document.querySelectorAll('#letter-kind option')].map(o => o.value)")
            .await?
            .as_array()
            .is_none_or(|kinds| !kinds.contains(&json!("removal_answer"))),
        "a closed case does not offer the answer it sent"
    );

    let saved = desk.dir.path().join("answer.txt");
    desk.click("#letters .letter-export").await?;
    desk.type_into("#lx-path", saved.to_str().ok_or("path")?)
        .await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#toast", "Saved the letter").await?;
    let text = std::fs::read_to_string(&saved)?;
    assert_eq!(text.trim_end(), final_text.trim());
    desk.screenshot("09-letter-sent").await?;

    // The yearly metrics beside the monthly report.
    let metrics = desk.dir.path().join("metrics.csv");
    desk.click("#export-button").await?;
    desk.click("input[name=ex-kind][value=yearly]").await?;
    desk.type_into("#ex-path", metrics.to_str().ok_or("path")?)
        .await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#dialog-body", "metrics to").await?;
    desk.click("#dialog-cancel").await?;
    desk.dialog_closes().await?;
    let text = std::fs::read_to_string(&metrics)?;
    assert!(
        text.starts_with("year,kind,received,complied_in_whole"),
        "{text}"
    );

    // Someone under 18: highlighted, the guardian check asked for, the erasure opened.
    desk.click("#new-case-button").await?;
    desk.visible("#nc-kind").await?;
    desk.type_into("#nc-name", "Mia Haddad").await?;
    desk.type_into("#nc-email", "mia.parent@example.com")
        .await?;
    desk.click("#nc-minor").await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#toast", "Created PR-").await?;
    desk.text_contains("#detail .badge.minor", "under 18")
        .await?;
    desk.text_contains("#timeline", "verify a parent or guardian")
        .await?;
    desk.click("#detail button.action[data-action='verify']")
        .await?;
    desk.text_contains(
        "label[for=ac-reason]",
        "How the parent or guardian was verified",
    )
    .await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#ac-reason-error", "needed").await?;
    desk.type_into("#ac-reason", "Mother's ID checked on a video call")
        .await?;
    desk.click("#dialog-ok").await?;
    desk.dialog_closes().await?;
    desk.act(
        "close",
        &[("#ac-outcome", "fulfilled"), ("#ac-without", "")],
    )
    .await?;
    desk.text_contains("#toast", "erasure of the data we should not have collected")
        .await?;
    desk.screenshot("10-minor-follow-up").await?;

    // A processor case: the forwarding date beside the legal one, the customer's own view.
    desk.new_case(
        "correction",
        "Ines Costa",
        "ines@example.com",
        &[("#nc-customer", "Acme Retail")],
    )
    .await?;
    desk.text_contains("#detail-forward", "Forward to Acme Retail by")
        .await?;
    desk.text_contains("#detail-forward", "(5 business days)")
        .await?;
    let picked = desk
        .js(
            "const b = [...document.querySelectorAll('#views button.view')]
               .find(b => b.querySelector('.view-title').textContent === 'Acme Retail');
             if (b) b.click();
             return !!b;",
        )
        .await?;
    assert_eq!(picked, json!(true), "the customer is in the side bar");
    desk.text_contains("#customer-bar", "forward within 5 business days (default)")
        .await?;
    desk.click("#edit-customer").await?;
    desk.type_into("#cu-contact", "privacy@acme.example")
        .await?;
    desk.type_into("#cu-days", "3").await?;
    desk.click("#dialog-ok").await?;
    desk.dialog_closes().await?;
    desk.text_contains(
        "#customer-bar",
        "privacy@acme.example · forward within 3 business days",
    )
    .await?;
    desk.text_contains("#case-list", "Correction").await?;
    desk.screenshot("11-customer-view").await?;
    desk.finish().await
}

#[tokio::test]
#[ignore = "needs a display and tauri-driver: run through scripts/test"]
async fn several_cases_are_assigned_and_noted_at_once_and_a_view_is_saved() -> TestResult {
    let desk = Desk::start().await?;
    desk.create_database().await?;
    let a = desk
        .new_case("erasure", "Ana Ruiz", "ana@example.com", &[])
        .await?;
    let b = desk
        .new_case("erasure", "Bo Li", "bo@example.com", &[])
        .await?;
    let c = desk
        .new_case("access", "Cleo Haddad", "cleo@example.com", &[])
        .await?;
    desk.act("close", &[("#ac-outcome", "withdrawn")]).await?;
    // The closed case is not in the open list; search all cases to tick all three.
    desk.type_into("#search", "example.com").await?;
    // The whole word searched, not a prefix the debounce caught while the keys were typed.
    desk.text_contains("#list-header", "Search: “example.com”")
        .await?;
    desk.text_contains("#page-info", "of 3").await?;
    for reference in [&a, &b, &c] {
        desk.tick(&format!(
            "#case-list li[data-reference='{reference}'] .row-check"
        ))
        .await?;
    }
    desk.text_contains("#bulk-count", "3 selected").await?;
    desk.screenshot("12-bulk-selection").await?;
    desk.click("#bulk-assign").await?;
    desk.type_into("#bk-to", "dana").await?;
    desk.click("#dialog-ok").await?;
    // One refusal: the closed case. The reasons are shown, case by case.
    desk.text_contains("#dialog-title", "Assigned 2 of 3")
        .await?;
    desk.text_contains(
        "#dialog-body",
        &format!("{c}: assign is not possible while the case is closed"),
    )
    .await?;
    desk.click("#dialog-cancel").await?;
    desk.dialog_closes().await?;
    desk.text_contains("#bulk-count", "1 selected").await?;
    desk.click("#bulk-note").await?;
    desk.type_into("#bk-text", "Reviewed in the weekly call")
        .await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#toast", "Noted 1 case").await?;
    desk.js("document.getElementById('search').value = ''; document.getElementById('search').dispatchEvent(new Event('input'))")
        .await?;
    desk.click(&format!("#case-list li[data-reference='{a}']"))
        .await?;
    desk.text_contains("#detail", "assigned to dana").await?;

    // Save the list as it is filtered now: the agent's own view in the side bar.
    let picked = desk
        .js(
            "const b = [...document.querySelectorAll('#views button.view')]
               .find(b => b.querySelector('.view-title').textContent === 'dana');
             if (b) b.click();
             return !!b;",
        )
        .await?;
    assert_eq!(picked, json!(true), "dana is in the Agents group");
    desk.text_contains("#page-info", "of 2").await?;
    desk.click("#save-view").await?;
    desk.type_into("#sv-name", "Dana's erasures").await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#views", "My views").await?;
    desk.text_contains("#list-header", "Dana's erasures")
        .await?;
    desk.text_contains("#page-info", "of 2").await?;
    desk.screenshot("13-saved-view").await?;
    desk.click("#views .delete-view").await?;
    desk.text_contains("#toast", "Deleted the view").await?;
    // The side bar is drawn again just after the toast.
    desk.js_becomes(
        "return document.querySelectorAll('#views .delete-view').length",
        json!(0),
    )
    .await?;

    // Retention: the period, and a dry run of what it would redact (nothing here yet).
    desk.click("#retention-button").await?;
    desk.text_contains("#rt-summary", "Nothing is due").await?;
    assert_eq!(
        desk.js("return document.getElementById('dialog-ok').hidden")
            .await?,
        json!(true),
        "nothing to redact, no button to do it"
    );
    desk.type_into("#rt-months", "12").await?;
    desk.click("#rt-save").await?;
    desk.text_contains("#dialog-error", "24 to 120 months")
        .await?;
    desk.type_into("#rt-months", "36").await?;
    desk.click("#rt-save").await?;
    let cutoff = (chrono::Local::now().date_naive() - chrono::Months::new(36)).to_string();
    desk.text_contains("#rt-summary", &cutoff).await?;
    desk.screenshot("14-retention").await?;
    desk.click("#dialog-cancel").await?;
    desk.finish().await
}

/// The keyboard as a person uses it, one counted step at a time: a key pressed (a shortcut,
/// Tab, Ctrl+Enter) or a field typed is one step, as in the README's keyboard section.
struct Keyboard<'d> {
    desk: &'d Desk,
    steps: u32,
}

/// WebDriver's codes for the keys that are not text.
const TAB: &str = "\u{E004}";
const CTRL_ENTER: &str = "\u{E009}\u{E007}";
const ESCAPE: &str = "\u{E00C}";

impl Keyboard<'_> {
    /// Sends `keys` to whatever has the focus, as one step.
    async fn step(&mut self, keys: &str) -> TestResult {
        self.desk
            .client
            .active_element()
            .await?
            .send_keys(keys)
            .await?;
        self.steps += 1;
        Ok(())
    }

    /// The id of the focused element.
    async fn focused(&self) -> Result<String, Box<dyn std::error::Error>> {
        let id = self
            .desk
            .js("return document.activeElement ? document.activeElement.id : ''")
            .await?;
        Ok(id.as_str().unwrap_or_default().to_string())
    }
}

#[tokio::test]
#[ignore = "needs a display and tauri-driver: run through scripts/test"]
async fn the_keyboard_alone_takes_an_access_request_from_new_case_to_closed_and_answered()
-> TestResult {
    let desk = Desk::start().await?;
    desk.create_database().await?;
    desk.js_becomes("return document.activeElement.id", json!("case-list"))
        .await?;
    let mut keys = Keyboard {
        desk: &desk,
        steps: 0,
    };
    keys.step("n").await?;
    desk.visible("#nc-name").await?;
    assert_eq!(
        keys.focused().await?,
        "nc-name",
        "the form starts on the name"
    );
    keys.step("Ana Ruiz").await?;
    keys.step(TAB).await?;
    assert_eq!(keys.focused().await?, "nc-email");
    keys.step("ana@example.com").await?;
    keys.step(CTRL_ENTER).await?;
    desk.dialog_closes().await?;
    desk.text_contains("#detail-state", "new").await?;
    // Core suggests verifying first: the highlighted button, on the key s.
    desk.text_contains("#next-step", "Verify identity").await?;
    assert_eq!(
        desk.js("return [...document.querySelectorAll('#detail button.action.primary')].map(b => b.dataset.action)")
            .await?,
        json!(["verify"])
    );
    assert_eq!(
        desk.js(
            "return document.querySelector(\"#detail button[data-action='close']\").textContent"
        )
        .await?,
        json!("Close casec"),
        "each button shows its key"
    );
    desk.screenshot("15-suggested-step").await?;
    keys.step("s").await?;
    desk.text_contains("#dialog-title", "Verify identity")
        .await?;
    keys.step(CTRL_ENTER).await?;
    desk.dialog_closes().await?;
    desk.text_contains("#detail-state", "in progress").await?;
    // Now the answer: the picker starts on it, and s opens it with its blank selected.
    assert_eq!(
        desk.js("return document.getElementById('letter-kind').value")
            .await?,
        json!("access_response")
    );
    keys.step("s").await?;
    desk.visible("#letter-body").await?;
    desk.text_contains("#dialog-ok", "Mark sent and close as fulfilled")
        .await?;
    let selected = desk
        .js("const t = document.getElementById('letter-body'); return t.value.slice(t.selectionStart, t.selectionEnd)")
        .await?;
    assert_eq!(
        selected,
        json!("[[list each file enclosed and what it contains]]")
    );
    keys.step("account-export.zip: profile, tickets and invoices")
        .await?;
    desk.screenshot("16-answer-letter").await?;
    keys.step(CTRL_ENTER).await?;
    desk.dialog_closes().await?;
    desk.text_contains("#detail-state", "closed").await?;
    desk.text_contains("#detail .badge", "fulfilled").await?;
    desk.text_contains("#letters", "sent").await?;
    let letter = desk.find("#letters").await?.text().await?;
    assert!(letter.contains("Access: copy of the data"), "{letter}");
    desk.text_contains("#timeline", "Identity verified").await?;
    desk.screenshot("17-closed-by-keyboard").await?;
    assert_eq!(
        keys.steps, 10,
        "from New case to closed with its answer sent, counted as the README counts"
    );
    desk.finish().await
}

#[tokio::test]
#[ignore = "needs a display and tauri-driver: run through scripts/test"]
async fn search_selection_form_errors_and_masks_behave_as_an_agent_expects() -> TestResult {
    let desk = Desk::start().await?;
    desk.create_database().await?;

    // A form with nothing in it: each problem under its field, focus on the first.
    desk.click("#new-case-button").await?;
    desk.visible("#nc-name").await?;
    desk.js("document.getElementById('nc-received').value = ''")
        .await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#nc-name-error", "Enter the requester's name")
        .await?;
    desk.text_contains("#nc-email-error", "Enter the requester's email")
        .await?;
    assert_eq!(
        desk.js("return document.activeElement.id").await?,
        json!("nc-name")
    );
    assert_eq!(
        desk.js("return document.getElementById('nc-name').getAttribute('aria-describedby')")
            .await?,
        json!("nc-name-error"),
        "the message is named for screen readers"
    );
    // The law picker groups the laws by where they apply.
    assert_eq!(
        desk.js("return [...document.querySelectorAll('#nc-jurisdiction optgroup')].map(g => [g.label, g.children.length])")
            .await?,
        json!([["European Union", 1], ["United Kingdom", 1], ["United States", 19], ["Canada", 2], ["Brazil", 1]])
    );
    // The empty date shows today rather than becoming it unseen.
    let today = chrono::Local::now().date_naive().to_string();
    assert_eq!(
        desk.js("return document.getElementById('nc-received').value")
            .await?,
        json!(today)
    );
    // A pasted name past the limit is said, not cut.
    desk.js("const n = document.getElementById('nc-name'); n.value = 'N'.repeat(600); n.dispatchEvent(new Event('input', { bubbles: true }))")
        .await?;
    desk.text_contains("#nc-name-error", "600 characters; the most is 500")
        .await?;
    // Two addresses on one line are two pages: said so, under the pages.
    desk.type_into("#nc-name", "Cleo Haddad").await?;
    desk.type_into("#nc-email", "cleo@example.com").await?;
    desk.choose("#nc-kind", "forum_removal").await?;
    desk.type_into(
        "#nc-items",
        "https://forum.example.com/t/1 https://forum.example.com/t/2",
    )
    .await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#nc-items-error", "Page 1:").await?;
    desk.text_contains("#nc-items-error", "two addresses")
        .await?;
    desk.screenshot("18-form-errors").await?;
    // An opt-out signal only opts out: core says so under the channel.
    desk.choose("#nc-kind", "access").await?;
    desk.choose("#nc-channel", "signal").await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#nc-channel-error", "only opts out")
        .await?;
    desk.click("#dialog-cancel").await?;
    desk.dialog_closes().await?;

    // Three people whose masked names look alike, one of them written right to left.
    let a = desk
        .new_case("access", "Ben García", "ben@garcia.example", &[])
        .await?;
    let b = desk
        .new_case("access", "Ben García", "bgarcia@work.example", &[])
        .await?;
    let c = desk
        .new_case("erasure", "مُحَمَّد علي", "m.ali@example.com", &[])
        .await?;
    let rows = desk.find("#case-list").await?.text().await?;
    assert!(
        rows.contains("@garcia.example") && rows.contains("@work.example"),
        "the domains tell them apart: {rows}"
    );
    let arabic = desk
        .js(&format!(
            "const s = document.querySelector(\"#case-list li[data-reference='{c}'] .requester\");
             return [s.getAttribute('dir'), s.textContent]"
        ))
        .await?;
    assert_eq!(arabic[0], json!("auto"));
    let masked = arabic[1].as_str().unwrap_or_default();
    assert!(
        masked.starts_with("مُ") && masked.contains(" ع"),
        "masked by grapheme, marks kept with their letter: {masked:?}"
    );

    // The highlight follows the open case: after creating, and after j / k.
    let selected =
        "return document.querySelector('#case-list li.selected')?.dataset.reference || ''";
    desk.js_becomes(selected, json!(c)).await?;
    desk.text_contains("#detail-reference", &c).await?;
    desk.js("document.getElementById('case-list').focus()")
        .await?;
    let mut keys = Keyboard {
        desk: &desk,
        steps: 0,
    };
    let first = desk
        .js("return document.querySelector('#case-list li').dataset.reference")
        .await?;
    keys.step("k").await?;
    keys.step("k").await?;
    keys.step("k").await?;
    desk.js_becomes(selected, first.clone()).await?;
    desk.text_contains("#detail-reference", first.as_str().unwrap_or_default())
        .await?;
    keys.step("j").await?;
    let second = desk
        .js("return document.querySelectorAll('#case-list li')[1].dataset.reference")
        .await?;
    desk.js_becomes(selected, second.clone()).await?;
    desk.text_contains("#detail-reference", second.as_str().unwrap_or_default())
        .await?;

    // Esc ends a search; / selects the last query; choosing a view ends it too.
    keys.step("/").await?;
    keys.step("García").await?;
    desk.text_contains("#list-header", "Search: “García”")
        .await?;
    desk.text_contains("#page-info", "of 2").await?;
    keys.step(ESCAPE).await?;
    desk.text_contains("#list-header", "All open").await?;
    desk.text_contains("#page-info", "of 3").await?;
    assert_eq!(
        desk.js("return document.getElementById('search').value")
            .await?,
        json!("")
    );
    keys.step("/").await?;
    keys.step("bgarcia@work.example").await?;
    desk.text_contains("#page-info", "of 1").await?;
    desk.js("document.getElementById('case-list').focus()")
        .await?;
    keys.step("/").await?;
    assert_eq!(
        desk.js("const s = document.getElementById('search'); return s.value.slice(s.selectionStart, s.selectionEnd)")
            .await?,
        json!("bgarcia@work.example"),
        "the old query is selected, so typing replaces it"
    );
    let picked = desk
        .js("const b = [...document.querySelectorAll('#views button.view')].find(b => b.querySelector('.view-title').textContent === 'Erasure'); if (b) b.click(); return !!b;")
        .await?;
    assert_eq!(picked, json!(true));
    desk.text_contains("#list-header", "Erasure").await?;
    desk.text_contains("#page-info", "of 1").await?;
    assert_eq!(
        desk.js("return document.getElementById('search').value")
            .await?,
        json!("")
    );

    // The search box's own clear button ends a search as Esc does.
    keys.step("/").await?;
    keys.step("Ben").await?;
    desk.text_contains("#list-header", "Search: “Ben”").await?;
    desk.js("const s = document.getElementById('search'); s.value = ''; s.dispatchEvent(new Event('search'))")
        .await?;
    desk.text_contains("#list-header", "Erasure").await?;

    // No identity check needed: said why, or refused.
    desk.click(&format!("#case-list li[data-reference='{c}']"))
        .await?;
    desk.text_contains("#detail-reference", &c).await?;
    desk.click("#detail button.action[data-action='verify']")
        .await?;
    desk.choose("#ac-identity", "not_needed").await?;
    desk.text_contains("label[for=ac-reason]", "Why no check is needed")
        .await?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#ac-reason-error", "needed").await?;
    desk.type_into("#ac-reason", "Asked from the logged-in account")
        .await?;
    desk.click("#dialog-ok").await?;
    desk.dialog_closes().await?;
    desk.text_contains("#detail-identity", "no check needed")
        .await?;
    desk.text_contains("#timeline", "No identity check needed")
        .await?;

    // Locking and unlocking again comes back to the same view and case.
    desk.click(&format!("#case-list li[data-reference='{c}']"))
        .await?;
    desk.text_contains("#detail-reference", &c).await?;
    desk.click("#lock-button").await?;
    desk.visible("#unlock-screen").await?;
    desk.type_into("#passphrase", PASS).await?;
    desk.click("#unlock-button").await?;
    desk.text_contains("#list-header", "Erasure").await?;
    desk.text_contains("#detail-reference", &c).await?;
    // Words, not codes: the law and the kind as core labels them.
    desk.text_contains("#detail-law", "Default (30 days)")
        .await?;
    desk.text_contains("#timeline", "Erasure request received by email")
        .await?;
    let _ = (a, b);
    desk.screenshot("19-back-after-unlock").await?;
    desk.finish().await
}

#[tokio::test]
#[ignore = "needs a display and tauri-driver: run through scripts/test"]
async fn a_team_desk_opens_from_the_unlock_screen_and_shows_a_colleague_s_work() -> TestResult {
    use privacydesk_core::{Action, ActionInput, NewCase, Passphrase, TeamRole};
    // A team desk with a manager (who uses the app) and an agent (working from elsewhere).
    let server = pg::Server::get();
    let database = pg::unique("e2e");
    let (mia, ana) = (pg::unique("mia"), pg::unique("ana"));
    let passphrase = Passphrase::new(PASS.into());
    let files = tempfile::tempdir()?;
    let (mut manager, mut colleague, reference) = off_runtime(|| {
        privacydesk_core::Desk::init_team(&server.admin_on(&database), &mia, &passphrase)?;
        let mut manager = privacydesk_core::Desk::open_team(
            &server.address(&mia, &database),
            &passphrase,
            files.path(),
        )?;
        manager.team_add(&ana, TeamRole::Agent, &passphrase)?;
        let mut colleague = privacydesk_core::Desk::open_team(
            &server.address(&ana, &database),
            &passphrase,
            files.path(),
        )?;
        let reference = colleague.new_case(&NewCase {
            kind: "access".into(),
            name: "Zoë O'Brien".into(),
            email: "zoe@example.com".into(),
            jurisdiction: Some("gdpr".into()),
            ..NewCase::default()
        })?;
        Ok::<_, privacydesk_core::Error>((
            OffRuntime(Some(manager)),
            OffRuntime(Some(colleague)),
            reference,
        ))
    })?;

    // The app is pointed at the team desk: the unlock screen offers it, asking the passphrase.
    let address = server.address(&mia, &database);
    let desk = Desk::start_with(&[("PRIVACYDESK_DB", &address)]).await?;
    desk.js_becomes(
        "return document.getElementById('where-team').checked",
        json!(true),
    )
    .await?;
    desk.js_becomes(
        "return document.getElementById('team-address').value",
        json!(address.clone()),
    )
    .await?;
    desk.text_contains("#unlock-button", "Log in").await?;
    desk.screenshot("40-team-unlock").await?;
    desk.type_into("#passphrase", "not the passphrase").await?;
    desk.click("#unlock-button").await?;
    desk.text_contains("#unlock-error", "wrong passphrase")
        .await?;
    desk.type_into("#passphrase", PASS).await?;
    desk.click("#unlock-button").await?;
    desk.visible("#desk").await?;
    desk.text_contains("#agent", &format!("{mia} · manager"))
        .await?;
    desk.click(&format!("#case-list li[data-reference='{reference}']"))
        .await?;
    desk.text_contains("#detail-state", "new").await?;

    // Ana verifies it from elsewhere: the open case shows it within seconds, no reload.
    off_runtime(|| {
        colleague
            .get()
            .act(&reference, Action::Verify, &ActionInput::default())
    })?;
    desk.text_contains("#detail-state", "in progress").await?;
    desk.text_contains("#toast", &format!("changed by {ana}"))
        .await?;

    // Mia decides to ask the requester; Ana assigns the case before Mia submits: Mia is told in
    // place who changed it, and nothing of hers is written.
    desk.click("#detail button.action[data-action='ask_requester']")
        .await?;
    desk.visible("#ac-reason")
        .await?
        .send_keys("Which account?")
        .await?;
    off_runtime(|| {
        colleague.get().act(
            &reference,
            Action::Assign,
            &ActionInput {
                to: Some(ana.clone()),
                ..ActionInput::default()
            },
        )
    })?;
    desk.click("#dialog-ok").await?;
    desk.text_contains("#dialog-error", &format!("changed by {ana}"))
        .await?;
    desk.text_contains("#dialog-error", "reload").await?;
    desk.screenshot("41-team-changed-meanwhile").await?;
    desk.click("#dialog-cancel").await?;
    // Closed, the case shows as it now is: Ana's, still in progress; Mia's step was not taken.
    desk.text_contains("#detail", &ana).await?;
    desk.text_contains("#detail-state", "in progress").await?;
    let events = off_runtime(|| manager.get().case(&reference))?.events;
    assert_eq!(
        events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["created", "verify", "assign"]
    );

    // Mia rotates the team key from another desk: the window hears of it at its next poll,
    // signs out and says why; her passphrase signs it in again under the new key.
    off_runtime(|| manager.get().rotate_team_key(&passphrase, &mut |_, _| {}))?;
    desk.visible("#unlock-screen").await?;
    desk.text_contains("#unlock-error", "rotated the team key")
        .await?;
    desk.text_contains("#unlock-error", "sign in again").await?;
    desk.screenshot("42-team-key-rotated").await?;
    desk.type_into("#passphrase", PASS).await?;
    desk.click("#unlock-button").await?;
    desk.visible("#desk").await?;
    desk.click(&format!("#case-list li[data-reference='{reference}']"))
        .await?;
    // Her address (shown masked) opened with the new key.
    desk.text_contains("#detail", "@example.com").await?;
    desk.text_contains("#detail-state", "in progress").await?;
    desk.finish().await
}

/// A team desk opened by the test itself, closed off the test's runtime when dropped.
struct OffRuntime(Option<privacydesk_core::Desk>);

impl OffRuntime {
    fn get(&mut self) -> &mut privacydesk_core::Desk {
        self.0
            .as_mut()
            .unwrap_or_else(|| unreachable!("held until dropped"))
    }
}

impl Drop for OffRuntime {
    fn drop(&mut self) {
        let desk = self.0.take();
        off_runtime(move || drop(desk));
    }
}

/// Runs `work` on a thread of its own: the team desk's client blocks on a runtime of its own,
/// which cannot start on the test's.
fn off_runtime<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        scope
            .spawn(work)
            .join()
            .unwrap_or_else(|_| panic!("the team desk's work panicked"))
    })
}

/// Points the app's outgoing mail (its `mail.toml`, read at each use) at `port` on loopback.
fn mail_through(dir: &Path, port: u16) -> std::io::Result<()> {
    std::fs::write(
        dir.join("mail.toml"),
        format!(
            "[outgoing]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\n\
             user = \"privacy@acme.example\"\nauth = \"password\"\nfrom = \"privacy@acme.example\"\n"
        ),
    )
}

#[tokio::test]
#[ignore = "needs a display and tauri-driver: run through scripts/test"]
async fn a_letter_sent_by_email_waits_in_the_outbox_while_the_server_is_down_and_leaves_once()
-> TestResult {
    let desk = Desk::start_with(&[("PRIVACYDESK_SMTP_PASSWORD", "secret")]).await?;
    desk.create_database().await?;
    let reference = desk
        .new_case(
            "access",
            "Ana Ruiz",
            "ana@example.com",
            &[("#nc-jurisdiction", "gdpr")],
        )
        .await?;
    desk.act("verify", &[]).await?;

    // No outgoing mail yet: the editor offers only marking it sent.
    desk.choose("#letter-kind", "access_response").await?;
    desk.click("#write-letter").await?;
    desk.visible("#letter-body").await?;
    let offered = desk
        .js("return !!document.getElementById('letter-send-email')")
        .await?;
    assert_eq!(
        offered,
        json!(false),
        "no Send by email without mail settings"
    );
    desk.click("#dialog-cancel").await?;
    desk.dialog_closes().await?;

    // A server nobody listens on (port 9): the letter stays a draft and waits in the outbox.
    mail_through(desk.dir.path(), 9)?;
    desk.click("#write-letter").await?;
    desk.text_contains("#letter-mail", "By email: to ana@example.com")
        .await?;
    let body = desk
        .visible("#letter-body")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default()
        .replace(
            "[[list each file enclosed and what it contains]]",
            "account.json",
        );
    desk.set_text("#letter-body", &body).await?;
    desk.click("#letter-send-email").await?;
    desk.text_contains("#dialog-error", "waits in the outbox as message 1")
        .await?;
    desk.screenshot("20-send-by-email-refused").await?;
    desk.click("#dialog-cancel").await?;
    desk.dialog_closes().await?;
    desk.text_contains("#letters", "draft saved").await?;
    desk.text_contains("#outbox-button", "Outbox (1 not sent)")
        .await?;

    // The server is up: the outbox sends the same message, once.
    let maildir = desk.dir.path().join("maildir");
    let sink = mail_sink::Sink::start(&maildir);
    mail_through(desk.dir.path(), sink.port)?;
    desk.click("#outbox-button").await?;
    desk.text_contains("#ob-list", "could not be reached")
        .await?;
    desk.screenshot("21-outbox").await?;
    desk.click("#ob-retry-1").await?;
    desk.text_contains("#ob-list", "Nothing waits").await?;
    desk.click("#dialog-cancel").await?;
    desk.dialog_closes().await?;
    desk.text_contains("#toast", &format!("of {reference} to ana@example.com"))
        .await?;
    desk.text_contains("#letters", "sent ").await?;
    let arrived = sink.messages();
    assert_eq!(arrived.len(), 1, "sent once");
    let text = String::from_utf8_lossy(&arrived[0]);
    assert!(
        text.contains(&format!("Subject: Your privacy request {reference}")),
        "{text}"
    );
    assert!(text.contains("account.json"), "{text}");
    let gone = desk
        .js("return !!document.getElementById('outbox-button')")
        .await?;
    assert_eq!(
        gone,
        json!(false),
        "the outbox link goes when nothing waits"
    );
    desk.finish().await
}
