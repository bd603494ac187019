//! The conformance runner on the oracle's file and on variants of it: the
//! public file passes whole; a wrong expectation, an unknown category and
//! counts that disagree with `meta.counts` fail and are named; a file with
//! other session keys still passes; a setting the package refuses is noted
//! and fails exactly the vectors that depend on it, without a panic.

use serde_json::{json, Value};
use std::process::Command;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/vectors.json"
);

fn fixture_text() -> String {
    std::fs::read_to_string(FIXTURES).expect("the fixture vectors")
}

/// Parsed with arbitrary precision, so 2.0, -0.0 and 2**63 are written back as they were.
fn fixture() -> Value {
    serde_json::from_str(&fixture_text()).expect("JSON")
}

/// What one run of the runner printed and how it ended.
struct Run {
    code: Option<i32>,
    stdout: String,
    passed: usize,
    failed: usize,
    skipped: usize,
}

impl Run {
    fn lines_starting(&self, prefix: &str) -> Vec<&str> {
        self.stdout
            .lines()
            .filter(|l| l.starts_with(prefix))
            .collect()
    }

    fn failed_ids(&self) -> Vec<&str> {
        self.lines_starting("FAIL ")
            .into_iter()
            .filter_map(|l| l.strip_prefix("FAIL ")?.split(": ").next())
            .collect()
    }
}

fn run_file(path: &str) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .arg(path)
        .output()
        .expect("runner starts");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let last = stdout.lines().last().unwrap_or_default().to_owned();
    let counts: Vec<usize> = last
        .strip_prefix("native: ")
        .unwrap_or_else(|| panic!("last line is not the summary: {last:?}\n{stdout}"))
        .split(", ")
        .filter_map(|part| part.split(' ').next()?.parse().ok())
        .collect();
    assert_eq!(counts.len(), 3, "unexpected summary line {last:?}");
    Run {
        code: output.status.code(),
        stdout,
        passed: counts[0],
        failed: counts[1],
        skipped: counts[2],
    }
}

/// Runs the runner on a variant written to a temporary file.
fn run_text(name: &str, text: &str) -> Run {
    let path = std::env::temp_dir().join(format!("vectors-{name}-{}.json", std::process::id()));
    std::fs::write(&path, text).expect("write the variant");
    let run = run_file(path.to_str().expect("a UTF-8 temp path"));
    let _ = std::fs::remove_file(&path);
    run
}

fn run_json(name: &str, vectors: &Value) -> Run {
    run_text(name, &vectors.to_string())
}

/// The number of vectors `meta.counts` announces.
fn announced(vectors: &Value) -> usize {
    fn sum(v: &Value) -> usize {
        match v {
            Value::Object(o) => o.values().map(sum).sum(),
            n => n.as_u64().unwrap_or_default() as usize,
        }
    }
    sum(&vectors["meta"]["counts"])
}

/// (a) Every vector of the public file passes: none failed, none skipped.
#[test]
fn every_django_vector_passes() {
    let run = run_file(FIXTURES);
    assert_eq!(run.code, Some(0), "conformance failed:\n{}", run.stdout);
    assert_eq!((run.failed, run.skipped), (0, 0), "{}", run.stdout);
    assert_eq!(run.passed, announced(&fixture()), "{}", run.stdout);
    assert!(run.lines_starting("note:").is_empty(), "{}", run.stdout);
}

/// (b) A wrong expectation fails, and the failure names the vector.
#[test]
fn the_runner_fails_on_a_wrong_vector() {
    let mut vectors = fixture();
    vectors["signing_dumps"][0]["expected"] = "e30:1r31eq:not-the-signature".into();
    vectors["middleware"][0]["expected"]["vary"] = Value::Null;
    let run = run_json("wrong", &vectors);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.failed, 2, "{}", run.stdout);
    let ids = run.failed_ids();
    for vector in [&vectors["signing_dumps"][0], &vectors["middleware"][0]] {
        let id = vector["id"].as_str().expect("an id");
        assert!(
            ids.iter().any(|f| f.ends_with(id)),
            "{id} not named:\n{}",
            run.stdout
        );
    }
}

/// (c) The oracle's fixed session keys renamed everywhere (as another
/// oracle would name them): every vector still passes.
#[test]
fn other_session_keys_still_pass() {
    let mut text = fixture_text();
    let renames = [
        (
            "oracle0fixed0session0key00000001",
            "q7w3renamed0key0first00000000zz1",
        ),
        (
            "oracle0fixed0session0key00000002",
            "a1b2renamed0key0second0000000zz2",
        ),
        (
            "oracle0fixed0session0key00000003",
            "m9n8renamed0key0third00000000zz3",
        ),
        (
            "unknownkey0000000000000000000000",
            "nosuchkey9999999999999999999999x",
        ),
    ];
    for (old, new) in renames {
        assert_eq!((old.len(), new.len()), (32, 32));
        text = text.replace(old, new);
    }
    assert!(!text.contains("oracle0fixed"));
    let run = run_text("renamed-keys", &text);
    assert_eq!(
        (run.code, run.failed, run.skipped),
        (Some(0), 0, 0),
        "{}",
        run.stdout
    );
    assert_eq!(run.passed, announced(&fixture()));
}

/// (d) An empty fallback key (Django accepts it, the package refuses it):
/// a note, no panic, and exactly the vector holding a token signed with
/// the empty key fails.
#[test]
fn a_refused_fallback_key_is_noted_and_fails_its_vectors() {
    use edge_sessions::signing;
    let mut vectors = fixture();
    let fallbacks = &mut vectors["meta"]["settings"]["SECRET_KEY_FALLBACKS"];
    fallbacks.as_array_mut().expect("a list").push("".into());
    let salt = "django.contrib.sessions.SessionStore";
    let now = vectors["meta"]["NOW"].as_f64().expect("meta.NOW");
    let dict = edge_sessions::json::parse(r#"{"forged":true}"#).expect("JSON");
    let token = signing::dumps(&dict, "", salt, false, now).expect("a token");
    // What Django answers: the empty fallback verifies the token.
    let id = "verify/signed_with_empty_fallback_key";
    let list = vectors["verification"].as_array_mut().expect("a list");
    list.push(json!({
        "id": id, "input": token, "salt": salt, "key": null, "fallback_keys": null,
        "max_age": null, "now": now,
        "expected": {"outcome": "ok", "value": {"forged": true}},
        "session_decode": {"result": {"forged": true}, "logged_suspicious_session": []},
    }));
    let count = list.len();
    vectors["meta"]["counts"]["verification"] = count.into();

    let run = run_json("empty-fallback", &vectors);
    assert_eq!(run.code, Some(1), "a panic or a pass:\n{}", run.stdout);
    let notes = run.lines_starting("note: ");
    assert!(
        notes
            .iter()
            .any(|n| n.contains("SECRET_KEY_FALLBACKS") && n.contains("\"\"")),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.failed_ids(),
        [format!("verification/{id}")],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("refused by this package by design"),
        "{}",
        run.stdout
    );
    assert_eq!(run.passed + run.failed, announced(&vectors));
}

/// (e) A category (or a group member) the runner does not know fails.
#[test]
fn an_unknown_category_fails() {
    let mut vectors = fixture();
    vectors["session_rotation"] = json!([{"id": "session_rotation/a"}]);
    vectors["meta"]["counts"]["session_rotation"] = 1.into();
    vectors["primitives"]["b32"] = json!([{"int": 1, "encoded": "B"}]);
    vectors["meta"]["counts"]["primitives"]["b32"] = 1.into();
    let run = run_json("unknown-category", &vectors);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.failed_ids(),
        ["primitives/b32", "session_rotation"],
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("unknown category"), "{}", run.stdout);
}

/// (f) Counts that disagree with `meta.counts`, a category meta announces
/// that the file lacks, and a file without `meta.counts`, all fail.
#[test]
fn counts_that_disagree_with_meta_fail() {
    let mut vectors = fixture();
    vectors["meta"]["counts"]["storage"] = 20.into();
    vectors["meta"]["counts"]["primitives"]["b62"] = 22.into();
    let file_keys = vectors["meta"]["counts"]["file_keys"].clone();
    vectors
        .as_object_mut()
        .expect("an object")
        .remove("file_keys");
    let run = run_json("counts", &vectors);
    assert_eq!(run.code, Some(1));
    let ids = run.failed_ids();
    assert_eq!(
        ids,
        [
            "meta.counts/primitives/b62",
            "meta.counts/storage",
            "meta.counts/file_keys"
        ],
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("meta.counts says 20"), "{}", run.stdout);
    assert_eq!(
        run.passed,
        announced(&fixture()) - file_keys.as_u64().unwrap_or(0) as usize
    );

    let mut vectors = fixture();
    vectors["meta"]
        .as_object_mut()
        .expect("meta")
        .remove("counts");
    let run = run_json("no-counts", &vectors);
    assert_eq!(
        (run.code, run.failed_ids()),
        (Some(1), vec!["meta.counts"]),
        "{}",
        run.stdout
    );
}

/// A file that is not JSON is a usage error (exit 2), not a panic.
#[test]
fn a_file_that_is_not_json_is_a_usage_error() {
    let path = std::env::temp_dir().join(format!("not-vectors-{}.json", std::process::id()));
    std::fs::write(&path, "{ not json").expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .arg(&path)
        .output()
        .expect("runner starts");
    let _ = std::fs::remove_file(&path);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not JSON"));
}
