//! Customer forwarding through the core API: settings, the forwarding deadline beside the
//! legal one, the customer's open cases, and the forwarding packet.

mod common;

use common::*;
use privacydesk_core::LetterKind;
use privacydesk_core::{Action, ActionInput, Error, NewCase, Result};

fn processor_case(
    fx: &mut Fixture,
    customer: &str,
    received: &str,
) -> Result<privacydesk_core::Reference> {
    fx.desk.new_case(&NewCase {
        kind: "forum-removal".into(),
        name: "Ana Ruiz".into(),
        email: "ana@example.com".into(),
        received: Some(received.into()),
        jurisdiction: Some("ccpa".into()),
        customer: Some(customer.into()),
        items: vec!["https://forum.example.com/t/1".into()],
        ..NewCase::default()
    })
}

#[test]
fn settings_default_to_five_business_days_and_are_validated() -> Result<()> {
    let mut fx = Fixture::new();
    let acme = fx.desk.customer("Acme Retail")?;
    assert_eq!(
        (acme.forward_within_business_days, acme.configured),
        (5, false)
    );
    let set = fx
        .desk
        .set_customer("Acme Retail", Some(" privacy@acme.example "), Some(3))?;
    assert_eq!(set.contact.as_deref(), Some("privacy@acme.example"));
    assert!(set.configured);
    // Names match whatever the letter case; what is not given stays.
    let again = fx.desk.set_customer("ACME retail", None, Some(4))?;
    assert_eq!(again.name, "Acme Retail");
    assert_eq!(again.contact.as_deref(), Some("privacy@acme.example"));
    assert!(matches!(
        fx.desk.set_customer("Acme Retail", Some("nope"), None),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        fx.desk.set_customer("Acme Retail", None, Some(0)),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        fx.desk.set_customer("", None, Some(3)),
        Err(Error::Invalid(_))
    ));
    processor_case(&mut fx, "Beta Labs", "2026-06-10")?;
    let names: Vec<_> = fx.desk.customers()?.into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["Acme Retail", "Beta Labs"]);
    assert!(fx.desk.verify()?.is_ok());
    Ok(())
}

#[test]
fn the_forwarding_deadline_stands_beside_the_legal_one() -> Result<()> {
    let mut fx = Fixture::new();
    fx.desk
        .set_customer("Acme Retail", Some("privacy@acme.example"), Some(3))?;
    // Received Monday 8 June 2026: three business days → Thursday 11 June.
    let late = processor_case(&mut fx, "Acme Retail", "2026-06-08")?;
    let view = fx.desk.case(&late)?;
    let forwarding = view
        .forwarding
        .clone()
        .ok_or(Error::invalid("forwarding"))?;
    assert_eq!(forwarding.forward_by, date("2026-06-11"));
    assert_eq!(forwarding.forwarded_on, None);
    assert!(forwarding.late, "today is 15 June");
    assert_eq!(view.case.due_on, date("2026-07-23"), "CCPA: 45 days");

    // Received Friday 12 June: forward by Wednesday 17 June; forwarded today, on time.
    let on_time = processor_case(&mut fx, "acme retail", "2026-06-12")?;
    fx.desk
        .act(&on_time, Action::Forward, &ActionInput::default())?;
    let forwarding = fx
        .desk
        .case(&on_time)?
        .forwarding
        .ok_or(Error::invalid("forwarding"))?;
    assert_eq!(forwarding.forward_by, date("2026-06-17"));
    assert!(forwarding.forwarded_on.is_some());
    assert!(!forwarding.late);

    let own = fx.new_case("access", "Bo Li", "bo@example.com", "2026-06-12")?;
    assert!(
        fx.desk.case(&own)?.forwarding.is_none(),
        "the company's own data"
    );

    let customer = fx.desk.customer_view("ACME RETAIL")?;
    let refs: Vec<_> = customer
        .open_cases
        .iter()
        .map(|c| c.case.reference.clone())
        .collect();
    assert_eq!(refs.len(), 2);
    assert!(refs.contains(&late) && refs.contains(&on_time));
    assert_eq!(customer.forwarding_late, 1);
    Ok(())
}

#[test]
fn the_forwarding_packet_goes_to_the_customers_contact() -> Result<()> {
    let mut fx = Fixture::new();
    fx.desk
        .set_customer("Acme Retail", Some("privacy@acme.example"), None)?;
    // Received Friday 12 June 2026 under CCPA: five US business days skip Juneteenth (19 June).
    let r = processor_case(&mut fx, "Acme Retail", "2026-06-12")?;
    let packet = fx.desk.letter(&r, LetterKind::CustomerForwarding)?;
    assert!(
        packet
            .body
            .starts_with("To: Acme Retail <privacy@acme.example>\nSubject: "),
        "{}",
        packet.body
    );
    assert!(
        packet
            .body
            .contains("Forwarded by:  22 June 2026 (our agreement)"),
        "{}",
        packet.body
    );
    assert!(
        packet.body.contains("  - https://forum.example.com/t/1"),
        "{}",
        packet.body
    );
    assert!(packet.blanks.is_empty());
    fx.desk
        .send_letter(&r, LetterKind::CustomerForwarding, &packet.body)?;
    fx.desk.act(&r, Action::Forward, &ActionInput::default())?;
    assert!(
        fx.desk.letter(&r, LetterKind::CustomerForwarding).is_ok(),
        "still open"
    );
    Ok(())
}
