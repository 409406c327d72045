//! A self-signed certificate for the mail tests' TLS servers (no authority signed it, so a
//! client that checks certificates refuses it).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A self-signed certificate for `localhost` and its key, as PEM files in `dir`.
pub fn self_signed(dir: &Path) -> (PathBuf, PathBuf) {
    use openssl::x509::{X509, X509NameBuilder, extension::SubjectAlternativeName};
    use openssl::{asn1::Asn1Time, bn::BigNum, hash::MessageDigest, pkey::PKey, rsa::Rsa};
    let key = PKey::from_rsa(Rsa::generate(2048).expect("a key")).expect("a key");
    let mut name = X509NameBuilder::new().expect("a name");
    name.append_entry_by_text("CN", "localhost")
        .expect("a name");
    let name = name.build();
    let mut cert = X509::builder().expect("a certificate");
    cert.set_version(2).expect("v3");
    cert.set_serial_number(
        &BigNum::from_u32(1)
            .expect("1")
            .to_asn1_integer()
            .expect("1"),
    )
    .expect("a serial");
    cert.set_subject_name(&name).expect("subject");
    cert.set_issuer_name(&name).expect("issuer");
    cert.set_pubkey(&key).expect("its key");
    cert.set_not_before(&Asn1Time::days_from_now(0).expect("now"))
        .expect("from");
    cert.set_not_after(&Asn1Time::days_from_now(2).expect("then"))
        .expect("until");
    let san = SubjectAlternativeName::new()
        .dns("localhost")
        .ip("127.0.0.1")
        .build(&cert.x509v3_context(None, None))
        .expect("names");
    cert.append_extension(san).expect("names");
    cert.sign(&key, MessageDigest::sha256()).expect("signed");
    let (cert_file, key_file) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert_file, cert.build().to_pem().expect("PEM")).expect("written");
    std::fs::write(&key_file, key.private_key_to_pem_pkcs8().expect("PEM")).expect("written");
    (cert_file, key_file)
}
