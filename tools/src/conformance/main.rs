//! Replays a file of Django oracle vectors (the format of
//! `shared/oracle/vectors.json`) through the native core and prints, last,
//! `native: N passed, M failed, K skipped`. Exit status 1 if anything
//! failed, 2 when the file cannot be read.
//!
//! Every secret, fallback key, clock, session key and setting comes from
//! the file (`meta` and each vector), so a file generated with other values
//! replays the same way. The file's categories are checked against
//! `meta.counts`, and a category this runner does not know is a failure.
//! Compressed outputs are checked for equivalence, not bytes (see the
//! oracle notes: another deflate gives other, equally valid bytes).
//!
//! `--cache-format pickle` stores the cache engines' entries as pickles
//! instead of JSON text (the vectors record the dict Django's cache
//! returns, which either format gives back).

mod catalog;
mod check;
mod keys;
mod middleware;
mod ops;
mod oracle;
mod primitives;
mod session;
mod signed_cookies;
mod signing;
mod storage;
mod values;

use check::Verdict;
use edge_sessions::CacheFormat;
use std::process::ExitCode;

fn usage(why: &str) -> ExitCode {
    eprintln!("{why}\nusage: conformance [--cache-format json|pickle] <vectors.json>");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut path = None;
    let mut cache_format = CacheFormat::Json;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--cache-format" => match args.next().map(|f| CacheFormat::parse(&f)) {
                Some(Ok(format)) => cache_format = format,
                _ => return usage("--cache-format takes json or pickle"),
            },
            _ if path.is_none() => path = Some(arg),
            _ => return usage(&format!("unexpected argument {arg:?}")),
        }
    }
    let Some(path) = path else {
        return usage("no vectors file given");
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => return usage(&format!("cannot read {path}: {e}")),
    };
    let file: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return usage(&format!("cannot read {path}: not JSON: {e}")),
    };

    let (oracle, notes) = oracle::Oracle::from_file(&file, cache_format);
    for note in &notes {
        println!("note: {note}");
    }
    let results = catalog::replay(&file, &oracle);
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let mut per_category: Vec<(String, usize, usize)> = Vec::new();
    for (id, verdict) in &results {
        match verdict {
            Verdict::Pass => passed += 1,
            Verdict::Fail(why) => {
                failed += 1;
                println!("FAIL {id}: {why}");
            }
            Verdict::Skip(why) => {
                skipped += 1;
                println!("SKIP {id}: {why}");
            }
        }
        let category = id.split('/').next().unwrap_or_default();
        let ok = usize::from(matches!(verdict, Verdict::Pass));
        match per_category.iter_mut().find(|(c, ..)| c == category) {
            Some(row) => {
                row.1 += ok;
                row.2 += 1;
            }
            None => per_category.push((category.to_owned(), ok, 1)),
        }
    }
    for (category, ok, total) in per_category {
        println!("  {category}: {ok}/{total}");
    }
    println!("native: {passed} passed, {failed} failed, {skipped} skipped");
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
