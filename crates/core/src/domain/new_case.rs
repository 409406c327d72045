//! Logging a request: the form an agent fills in, and its validation into a [`ValidNewCase`].

use chrono::NaiveDate;

use crate::domain::case::{AuthorizedAgent, Requester};
use crate::domain::law::{Agents, Law};
use crate::domain::text::{self, Email};
use crate::{Channel, Error, Jurisdiction, Kind};

/// What an agent enters to log a new request.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct NewCase {
    /// Kind, e.g. `access` or `forum-removal`.
    pub kind: String,
    /// Requester's name.
    pub name: String,
    /// Requester's email.
    pub email: String,
    /// Requester's phone number, if given.
    pub phone: Option<String>,
    /// Day of receipt (`YYYY-MM-DD`); today when empty.
    pub received: Option<String>,
    /// Jurisdiction; `default` when empty.
    pub jurisdiction: Option<String>,
    /// Customer (controller), if any.
    pub customer: Option<String>,
    /// Channel; `email` when empty.
    pub channel: Option<String>,
    /// What the person wrote.
    pub details: Option<String>,
    /// Forum items (URLs).
    pub items: Vec<String>,
    /// Concerns someone under 18.
    pub minor: bool,
    /// Filed by an authorized agent: the agent's name.
    pub agent_name: Option<String>,
    /// The proof of the person's permission the agent showed.
    pub agent_proof: Option<String>,
}

/// A [`NewCase`] after validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidNewCase {
    /// Kind.
    pub kind: Kind,
    /// Requester.
    pub requester: Requester,
    /// Day of receipt.
    pub received_on: NaiveDate,
    /// Jurisdiction.
    pub jurisdiction: Jurisdiction,
    /// Customer.
    pub customer: Option<String>,
    /// Channel.
    pub channel: Channel,
    /// Details.
    pub details: String,
    /// Item URLs.
    pub items: Vec<String>,
    /// Who filed it for the person.
    pub authorized_agent: Option<AuthorizedAgent>,
    /// The holiday calendar the company chose for its law, set by the desk from its settings
    /// (`None`: the law's own).
    pub calendar: Option<String>,
}

/// Refuses a request an authorized agent may not file under `law` (its `agents` rule).
pub fn agent_may_file(kind: Kind, agents: &Agents, law: &str) -> Result<(), Error> {
    if agents.kinds.contains(&kind) {
        return Ok(());
    }
    if agents.kinds.is_empty() {
        return Err(Error::NotAllowed(format!(
            "{law} lets no authorized agent file a request ({})",
            agents.citation
        )));
    }
    Err(Error::NotAllowed(format!(
        "under {law}, an authorized agent may not file {} requests ({})",
        kind.cli_name(),
        agents.citation
    )))
}

/// Parses a `YYYY-MM-DD` date, naming the field in the error.
pub fn parse_date(field: &str, value: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        Error::Invalid(format!(
            "{field} {:?} is not a date of the form YYYY-MM-DD",
            crate::domain::spelling::shorten(value)
        ))
    })
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Checks an item URL: an http(s) address without spaces.
pub fn validate_item(url: &str) -> Result<String, Error> {
    let url = url.trim();
    let shown = crate::domain::spelling::shorten(url);
    let refuse = |why: &str| Err(Error::Invalid(format!("“{shown}” {why}")));
    let after_scheme = url.split_once("://").map_or("", |(_, rest)| rest);
    if after_scheme.contains("http://") || after_scheme.contains("https://") {
        return refuse("holds two addresses: put one address on each line");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return refuse("holds a space: put one address on each line");
    }
    if url.len() > 2000 {
        return refuse("is longer than 2,000 characters");
    }
    // Parsed by the WHATWG rules browsers use: a scheme, a host, nothing malformed.
    let parsed = match url::Url::parse(url) {
        Ok(parsed) => parsed,
        Err(e) => return refuse(&format!("is not a web address ({e})")),
    };
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return refuse("is not a web address (expected https://…)");
    }
    Ok(url.to_string())
}

impl NewCase {
    /// The pages of a forum removal, each a web address (named by its number when refused).
    fn items(&self, kind: Kind) -> Result<Vec<String>, Error> {
        let items = self
            .items
            .iter()
            .enumerate()
            .map(|(n, i)| {
                validate_item(i).map_err(|e| Error::Invalid(format!("page {}: {e}", n + 1)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if !items.is_empty() && kind != Kind::ForumRemoval {
            return Err(Error::invalid(
                "items can only be listed on a forum-removal case",
            ));
        }
        Ok(items)
    }

    /// The authorized agent, if one filed it: named, with the proof of permission seen, and
    /// only for kinds the law lets an agent file.
    fn authorized_agent(
        &self,
        kind: Kind,
        jurisdiction: Jurisdiction,
    ) -> Result<Option<AuthorizedAgent>, Error> {
        let (name, proof) = match (non_empty(&self.agent_name), non_empty(&self.agent_proof)) {
            (None, None) => return Ok(None),
            (None, Some(_)) => {
                return Err(Error::invalid(
                    "name the authorized agent whose proof of permission this is",
                ));
            }
            (Some(_), None) => {
                return Err(Error::invalid(
                    "say what proof of the person's permission the authorized agent showed",
                ));
            }
            (Some(name), Some(proof)) => (name, proof),
        };
        let law = Law::of(jurisdiction)?;
        agent_may_file(kind, &law.agents, &law.name)?;
        Ok(Some(AuthorizedAgent {
            name: text::name("authorized agent", name)?,
            proof: text::free_text("proof of permission", proof, true)?,
        }))
    }

    /// Validates every field; the first problem found is reported.
    pub fn validate(&self, today: NaiveDate) -> Result<ValidNewCase, Error> {
        let kind: Kind = self.kind.parse()?;
        let name = text::name("name", &self.name)?;
        let email = Email::parse(&self.email)?;
        let phone = non_empty(&self.phone).map(text::phone).transpose()?;
        let received_on = match non_empty(&self.received) {
            Some(value) => parse_date("received date", value)?,
            None => today,
        };
        if received_on > today {
            return Err(Error::Invalid(format!(
                "received date {received_on} is in the future"
            )));
        }
        let jurisdiction = non_empty(&self.jurisdiction)
            .map(str::parse)
            .transpose()?
            .unwrap_or(Jurisdiction::DEFAULT);
        let channel = non_empty(&self.channel)
            .map(str::parse)
            .transpose()?
            .unwrap_or(Channel::Email);
        let customer = non_empty(&self.customer)
            .map(|c| text::name("customer", c))
            .transpose()?;
        let details = text::free_text("details", self.details.as_deref().unwrap_or(""), false)?;
        let items = self.items(kind)?;
        if channel == Channel::Signal && kind != Kind::MarketingOptOut {
            return Err(Error::invalid(
                "an opt-out preference signal (GPC) only opts out: its kind is marketing-opt-out",
            ));
        }
        let authorized_agent = self.authorized_agent(kind, jurisdiction)?;
        Ok(ValidNewCase {
            kind,
            requester: Requester {
                name,
                email,
                phone,
                is_minor: self.minor,
            },
            received_on,
            jurisdiction,
            customer,
            channel,
            details,
            items,
            authorized_agent,
            calendar: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default()
    }

    fn form() -> NewCase {
        NewCase {
            kind: "forum-removal".into(),
            name: "Ana Ruiz".into(),
            email: "ana@example.com".into(),
            received: Some("2026-11-20".into()),
            items: vec!["https://forum.example.com/t/1".into()],
            ..NewCase::default()
        }
    }

    #[test]
    fn a_complete_form_validates_with_defaults() -> Result<(), Error> {
        let valid = form().validate(today())?;
        assert_eq!(valid.kind, Kind::ForumRemoval);
        assert_eq!(valid.jurisdiction, Jurisdiction::DEFAULT);
        assert_eq!(valid.channel, Channel::Email);
        Ok(())
    }

    #[test]
    fn bad_fields_are_named() {
        let cases = [
            (
                NewCase {
                    kind: "teleport".into(),
                    ..form()
                },
                "unknown kind",
            ),
            (
                NewCase {
                    received: Some("2026-13-01".into()),
                    ..form()
                },
                "not a date",
            ),
            (
                NewCase {
                    received: Some("2026-12-01".into()),
                    ..form()
                },
                "in the future",
            ),
            (
                NewCase {
                    email: "nope".into(),
                    ..form()
                },
                "email",
            ),
            (
                NewCase {
                    jurisdiction: Some("mars".into()),
                    ..form()
                },
                "unknown jurisdiction",
            ),
            (
                NewCase {
                    channel: Some("pigeon".into()),
                    ..form()
                },
                "unknown channel",
            ),
            (
                NewCase {
                    items: vec!["javascript:alert(1)".into()],
                    ..form()
                },
                "web address",
            ),
            (
                NewCase {
                    items: vec![
                        "https://forum.example.com/t/1".into(),
                        "https://forum.example.com/t/2 https://forum.example.com/t/3".into(),
                    ],
                    ..form()
                },
                "page 2: “https://forum.example.com/t/2 https://fo…” holds two addresses: put one address \
                 on each line",
            ),
            (
                NewCase {
                    items: vec![
                        "https://forum.example.com/t/2,https://forum.example.com/t/3".into(),
                    ],
                    ..form()
                },
                "page 1: “https://forum.example.com/t/2,https://fo…” holds two addresses",
            ),
            (
                NewCase {
                    items: vec!["https://[::1/t/2".into()],
                    ..form()
                },
                "page 1: “https://[::1/t/2” is not a web address (invalid IPv6 address)",
            ),
            (
                NewCase {
                    kind: "access".into(),
                    ..form()
                },
                "forum-removal",
            ),
        ];
        for (bad, expected) in cases {
            let message = bad
                .validate(today())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                message.contains(expected),
                "{message:?} should mention {expected:?}"
            );
        }
    }
}
