//! The categories of the oracle's format and the runner of each, and the
//! file's categories checked against `meta.counts`: a category with other
//! counts than meta announces, or one this runner does not know, is a
//! failure, never silently skipped.

use crate::check::Verdict;
use crate::oracle::Oracle;
use crate::values::Json;
use crate::{keys, middleware, primitives, session, signed_cookies, signing, storage};

type Runner = fn(&Oracle, &Json) -> Verdict;

/// A category (`primitives/b62` for one inside a group), its runner, and
/// whether its vectors replay through the oracle's settings.
struct Category(&'static str, Runner, bool);

const CATEGORIES: &[Category] = &[
    Category("primitives/b62", primitives::b62, false),
    Category(
        "primitives/b62_decode_edge",
        primitives::b62_decode_edge,
        false,
    ),
    Category("primitives/b64", primitives::b64, false),
    Category(
        "primitives/b64_decode_edge",
        primitives::b64_decode_edge,
        false,
    ),
    Category("primitives/salted_hmac", primitives::salted_hmac, false),
    Category("primitives/base64_hmac", primitives::base64_hmac, false),
    Category("primitives/signer", primitives::signer, false),
    Category(
        "primitives/timestamp_signer",
        primitives::timestamp_signer,
        true,
    ),
    Category("signing_dumps", signing::dumps, false),
    Category("verification", signing::verification, true),
    Category("session_encode", signing::session_encode, true),
    Category(
        "signed_cookies/cookie_values",
        signed_cookies::cookie_value,
        true,
    ),
    Category("signed_cookies/load", signed_cookies::load, true),
    Category("signed_cookies/cycle", signed_cookies::cycle, true),
    Category("expiry", session::expiry, true),
    Category("traces", session::trace, true),
    Category("middleware", middleware::scenario, true),
    Category("storage", storage::storage, true),
    Category("file_keys", keys::file_key, true),
    Category("session_key_validation", keys::session_key_validation, true),
    Category("clearsessions", keys::clearsessions, true),
];

/// Keys of the file that hold no vectors.
const NOT_CATEGORIES: [&str; 2] = ["meta", "constants"];

/// Replays every vector of the file; failures of the file's shape come
/// out as failed entries too.
pub fn replay(file: &Json, oracle: &Oracle) -> Vec<(String, Verdict)> {
    let mut out = Vec::new();
    let Some(top) = file.as_object() else {
        out.push(fail("file", "not a JSON object"));
        return out;
    };
    let counts = &file["meta"]["counts"];
    // Without meta.counts that one failure says it all; no count is checked.
    let announced = |path: &[&str]| {
        counts
            .is_object()
            .then(|| path.iter().fold(counts, |c, p| &c[*p]))
    };
    if !counts.is_object() {
        out.push(fail(
            "meta.counts",
            "missing: the file's categories cannot be checked",
        ));
    }
    for (name, content) in top
        .iter()
        .filter(|(n, _)| !NOT_CATEGORIES.contains(&n.as_str()))
    {
        let grouped = CATEGORIES
            .iter()
            .any(|c| c.0.starts_with(&format!("{name}/")));
        match (content, grouped) {
            (Json::Array(list), false) => {
                replay_list(name, list, announced(&[name]), oracle, &mut out)
            }
            (Json::Object(group), true) => {
                for (sub, list) in group {
                    let category = format!("{name}/{sub}");
                    match list.as_array() {
                        Some(list) => {
                            replay_list(&category, list, announced(&[name, sub]), oracle, &mut out)
                        }
                        None => out.push(fail(&category, "not a list of vectors")),
                    }
                }
            }
            _ => out.push(fail(
                name,
                "unknown category (or not the shape this runner knows): not replayed",
            )),
        }
    }
    for (name, count) in counts.as_object().into_iter().flatten() {
        match count {
            Json::Object(group) => {
                for sub in group
                    .keys()
                    .filter(|sub| file[name][sub.as_str()].is_null())
                {
                    out.push(fail(
                        &format!("meta.counts/{name}/{sub}"),
                        "announced, but the file has no such category",
                    ));
                }
            }
            _ if file[name].is_null() => out.push(fail(
                &format!("meta.counts/{name}"),
                "announced, but the file has no such category",
            )),
            _ => {}
        }
    }
    out
}

fn fail(id: &str, why: &str) -> (String, Verdict) {
    (id.to_owned(), Verdict::Fail(why.to_owned()))
}

fn replay_list(
    name: &str,
    list: &[Json],
    announced: Option<&Json>,
    oracle: &Oracle,
    out: &mut Vec<(String, Verdict)>,
) {
    let Some(Category(_, run, uses_settings)) = CATEGORIES.iter().find(|c| c.0 == name) else {
        let why = format!(
            "unknown category with {} vectors: this runner cannot replay it",
            list.len()
        );
        return out.push(fail(name, &why));
    };
    if let Some(announced) = announced.filter(|a| a.as_u64() != Some(list.len() as u64)) {
        let why = format!(
            "the file has {} vectors, meta.counts says {announced}",
            list.len()
        );
        out.push(fail(&format!("meta.counts/{name}"), &why));
    }
    let top = name.split('/').next().unwrap_or_default();
    for (i, vector) in list.iter().enumerate() {
        let id = match vector["id"].as_str() {
            Some(id) if id.starts_with(top) => id.to_owned(),
            Some(id) => format!("{name}/{id}"),
            None => format!("{name}/{i}"),
        };
        let verdict = match oracle.refusal(vector, *uses_settings) {
            Some(why) => Verdict::Fail(why),
            None => guarded(*run, oracle, vector),
        };
        out.push((id, verdict));
    }
}

/// Runs one vector; a panic (a bug of ours or of the core) fails that
/// vector instead of ending the run.
fn guarded(run: Runner, oracle: &Oracle, vector: &Json) -> Verdict {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(oracle, vector))).unwrap_or_else(
        |panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Verdict::Fail(format!("the replay panicked: {message}"))
        },
    )
}
