//! The float writer against CPython itself: `float::repr` and the JSON
//! writer give `repr(x)` and `json.dumps(x)` for a million doubles, a
//! quarter of them exact ties between two shortest candidates (where
//! Python picks the even digit), as `python3 tools/oracle/float_repr.py`
//! prints them. Python is on every machine this project builds on; a
//! missing one fails the test rather than skipping it.

use edge_sessions::{float, json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// A small deterministic generator (xorshift64*), so a failure repeats.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Whether `x` lies exactly halfway between two shortest candidates:
/// its exact expansion is one digit longer than its shortest one and
/// ends in 5.
fn is_tie(x: f64) -> bool {
    let shortest = format!("{:e}", x.abs());
    let digits = shortest.split('e').next().unwrap().replace('.', "").len();
    let exact = format!("{:.800e}", x.abs());
    let mantissa = exact.split('e').next().unwrap().replace('.', "");
    let significant = mantissa.trim_end_matches('0');
    significant.len() == digits + 1 && significant.ends_with('5')
}

fn doubles() -> Vec<f64> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = Vec::with_capacity(1_000_000);
    // Exact ties: an integer of d digits plus an odd multiple of 2**-j has
    // exactly d + j significant digits, the last a 5; with d + j = 17 the
    // shortest candidates have 16, one on each side. (2**e, j) pairs where
    // such a sum is a double; `is_tie` confirms each.
    let families = [
        (26, 9),
        (30, 7),
        (33, 7),
        (36, 6),
        (40, 4),
        (43, 4),
        (46, 3),
    ];
    while out.len() < 100_000 {
        let (e, j) = families[(rng.next() % families.len() as u64) as usize];
        let whole = (1u64 << e) + rng.next() % (1u64 << e);
        let odd = (rng.next() % (1u64 << (j - 1))) * 2 + 1;
        let x = whole as f64 + odd as f64 / (1u64 << j) as f64;
        if is_tie(x) {
            out.push(if rng.next() & 1 == 0 { x } else { -x });
        }
    }
    // Any bit pattern that is a finite double (subnormals included).
    while out.len() < 700_000 {
        let x = f64::from_bits(rng.next());
        if x.is_finite() {
            out.push(x);
        }
    }
    // What sessions hold: prices, ratios, timestamps.
    while out.len() < 1_000_000 {
        let x = match rng.next() % 3 {
            0 => (rng.next() % 10_000_000) as f64 / 100.0,
            1 => (rng.next() % 1000) as f64 / (1 + rng.next() % 999) as f64,
            _ => 1.7e9 + (rng.next() % 1_000_000_000) as f64 / 1e6,
        };
        out.push(x);
    }
    out.extend([
        0.0,
        -0.0,
        5e-324,
        f64::MAX,
        f64::MIN_POSITIVE,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ]);
    out
}

#[test]
fn the_writer_is_pythons_repr_on_a_million_doubles() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/oracle/float_repr.py");
    let mut python = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs (it is on every machine this project builds on)");
    let values = doubles();
    let mut stdin = python.stdin.take().unwrap();
    let input: String = values
        .iter()
        .map(|x| format!("{:016x}\n", x.to_bits()))
        .collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let lines = BufReader::new(python.stdout.take().unwrap()).lines();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (x, line) in values.iter().zip(lines) {
        let line = line.unwrap();
        let (repr, json_text) = line.split_once('\t').unwrap();
        let ours = float::repr(*x);
        let our_json = json::dumps(&Value::Float(*x)).unwrap();
        if ours != repr || our_json != json_text {
            failures.push(format!(
                "{:016x}: python {repr} / {json_text}, ours {ours} / {our_json}",
                x.to_bits()
            ));
        }
        checked += 1;
    }
    writer.join().unwrap().unwrap();
    assert!(python.wait().unwrap().success());
    assert_eq!(checked, values.len(), "python answered every value");
    assert!(
        failures.is_empty(),
        "{} of {checked} differ, e.g.:\n{}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n")
    );
}
