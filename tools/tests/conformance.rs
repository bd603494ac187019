//! `cargo test` replays every oracle vector through the conformance runner
//! and requires zero failures and zero skips.

use std::process::Command;

#[test]
fn every_django_vector_passes() {
    let fixtures = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/vectors.json"
    );
    let output = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .arg(fixtures)
        .output()
        .expect("runner starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert!(output.status.success(), "conformance failed:\n{stdout}");
    let counts: Vec<usize> = last
        .trim_start_matches("native: ")
        .split(", ")
        .filter_map(|part| part.split(' ').next()?.parse().ok())
        .collect();
    assert_eq!(counts.len(), 3, "unexpected summary line {last:?}");
    assert!(
        counts[0] >= 471,
        "only {} vectors passed:\n{stdout}",
        counts[0]
    );
    assert_eq!(
        (counts[1], counts[2]),
        (0, 0),
        "failures or skips:\n{stdout}"
    );
}

#[test]
fn the_runner_fails_on_a_wrong_vector() {
    let fixtures = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/vectors.json"
    );
    let mut vectors: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures).expect("fixtures")).expect("JSON");
    vectors["signing_dumps"][0]["expected"] = "e30:1r31eq:not-the-signature".into();
    vectors["middleware"][0]["expected"]["vary"] = serde_json::Value::Null;
    let path = std::env::temp_dir().join(format!("mutated-vectors-{}.json", std::process::id()));
    std::fs::write(&path, vectors.to_string()).expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .arg(&path)
        .output()
        .expect("runner starts");
    let _ = std::fs::remove_file(&path);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    assert!(
        stdout
            .lines()
            .last()
            .unwrap_or_default()
            .contains("2 failed"),
        "{stdout}"
    );
}
