//! Replays every committed fuzz corpus (`fuzz/corpus/<target>/`) through
//! the same bodies the fuzz targets run (`fuzz/targets.rs`), on stable, as
//! part of `cargo test`: inputs the fuzzer once found interesting (and any
//! crash it found, once fixed) stay checked without nightly or libFuzzer.

#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::Path;

/// Runs `body` on every file of `fuzz/corpus/<target>/`, naming each one
/// that panics, and returns how many were replayed.
fn replay(target: &str, body: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    entries.sort();
    let mut panicked = Vec::new();
    for path in &entries {
        let data = std::fs::read(path).expect("a readable corpus file");
        if std::panic::catch_unwind(|| body(&data)).is_err() {
            panicked.push(path.display().to_string());
        }
    }
    assert!(panicked.is_empty(), "{target}: panicked on {panicked:#?}");
    assert!(
        !entries.is_empty(),
        "{target}: empty corpus in {}",
        dir.display()
    );
    entries.len()
}

macro_rules! corpus {
    ($($target:ident),* $(,)?) => {$(
        #[test]
        fn $target() {
            let n = replay(stringify!($target), targets::$target);
            println!("{}: {n} inputs replayed", stringify!($target));
        }
    )*};
}

corpus!(
    cookie_header,
    loads,
    session_decode,
    settings,
    deflate_roundtrip,
    request_cycle,
    django_form,
    django_host,
    django_tokens,
    django_csrf_request,
    pickle_loads,
);
