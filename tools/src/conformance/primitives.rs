//! `primitives`: base62, base64, `salted_hmac`, `base64_hmac`, `Signer`
//! and `TimestampSigner` of `django.core.signing`.

use crate::check::{expect_eq, expect_outcome, verdict, Check, Verdict};
use crate::oracle::Oracle;
use crate::values::{text, Json};
use edge_sessions::signing::{self, Algorithm, Signer, TimestampSigner};
use edge_sessions::value::Value;

pub fn b62(_: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let encoded = text(v, "encoded")?;
        let n = v["int"]
            .as_i64()
            .ok_or("the vector has no 64-bit \"int\"")?;
        expect_eq("encode", signing::b62_encode(n).as_str(), encoded)?;
        expect_eq("decode", signing::b62_decode(encoded).ok(), Some(n))
    };
    verdict(check())
}

pub fn b62_decode_edge(_: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let got = signing::b62_decode(text(v, "input")?).map(Value::from);
        expect_outcome(got, &v["result"])
    };
    verdict(check())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Result<Vec<u8>, String> {
    let digits = text.as_bytes().chunks(2);
    digits
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .filter(|p| p.len() == 2)
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or_else(|| format!("{text:?} is not hex"))
        })
        .collect()
}

pub fn b64(_: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let bytes = unhex(text(v, "bytes_hex")?)?;
        let encoded = text(v, "encoded")?;
        expect_eq("encode", signing::b64_encode(&bytes).as_str(), encoded)?;
        expect_eq(
            "decode",
            signing::b64_decode(encoded.as_bytes()).ok(),
            Some(bytes),
        )
    };
    verdict(check())
}

pub fn b64_decode_edge(_: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let got = signing::b64_decode(text(v, "input")?.as_bytes()).map(|b| Value::from(hex(&b)));
        expect_outcome(got, &v["result_hex"])
    };
    verdict(check())
}

/// A digest Django signs with; none is `salted_hmac`'s default (sha1 in 5.2).
fn algorithm(name: &Json) -> Result<Algorithm, Verdict> {
    match name.as_str() {
        None | Some("sha1") => Ok(Algorithm::Sha1),
        Some("sha256") => Ok(Algorithm::Sha256),
        Some("sha512") => Ok(Algorithm::Sha512),
        Some(other) => Err(Verdict::Skip(format!(
            "algorithm {other:?} is not one Django's sessions sign with, and this package has no API for it"
        ))),
    }
}

pub fn salted_hmac(_: &Oracle, v: &Json) -> Verdict {
    let alg = match algorithm(&v["algorithm"]) {
        Ok(alg) => alg,
        Err(skip) => return skip,
    };
    let check = || -> Check {
        let digest = signing::salted_hmac(
            alg,
            text(v, "key_salt")?,
            text(v, "value")?.as_bytes(),
            text(v, "secret")?,
        );
        expect_eq("hexdigest", hex(&digest).as_str(), text(v, "hexdigest")?)
    };
    verdict(check())
}

pub fn base64_hmac(_: &Oracle, v: &Json) -> Verdict {
    let alg = match algorithm(&v["algorithm"]) {
        Ok(alg) => alg,
        Err(skip) => return skip,
    };
    let check = || -> Check {
        let got = signing::base64_hmac(alg, text(v, "salt")?, text(v, "value")?, text(v, "key")?);
        expect_eq("result", got.as_str(), text(v, "result")?)
    };
    verdict(check())
}

/// `Signer(**kwargs)`. Our `Signer` is SHA-256 only, like every signer
/// Django's sessions use; for other algorithms the signature is checked
/// through `base64_hmac`, which is what Django's `Signer.signature` calls.
pub fn signer(_: &Oracle, v: &Json) -> Verdict {
    let alg = match algorithm(&v["algorithm_used"]) {
        Ok(alg) => alg,
        Err(skip) => return skip,
    };
    let check = || -> Check {
        let (key, salt, sep) = (
            text(v, "key_used")?,
            text(v, "salt_used")?,
            text(v, "sep_used")?,
        );
        let (value, signature, signed) =
            (text(v, "value")?, text(v, "signature")?, text(v, "signed")?);
        if alg != Algorithm::Sha256 {
            let sig = signing::base64_hmac(alg, &format!("{salt}signer"), value, key);
            expect_eq("signature", sig.as_str(), signature)?;
            return expect_eq("signed", format!("{value}{sep}{sig}").as_str(), signed);
        }
        let signer = Signer::new(key, &[] as &[&str], salt)
            .with_separator(sep)
            .map_err(|e| e.to_string())?;
        expect_eq("signature", signer.signature(value).as_str(), signature)?;
        expect_eq("signed", signer.sign(value).as_str(), signed)?;
        expect_eq("unsign", signer.unsign(signed).ok(), Some(value))
    };
    verdict(check())
}

/// `TimestampSigner(salt=...)`: the settings' key, the vector's clock.
pub fn timestamp_signer(o: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let now = o.clock(v)?;
        let signer = TimestampSigner::new(o.secret(), &[] as &[&str], text(v, "salt")?);
        let signed = signer.sign(text(v, "value")?, now);
        expect_eq("signed", signed.as_str(), text(v, "signed")?)?;
        expect_eq(
            "unsign",
            signer.unsign(&signed, None, now).ok(),
            v["value"].as_str(),
        )
    };
    verdict(check())
}
