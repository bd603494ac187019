//! Python's `float()` of a decimal literal and `repr(float)`.
//!
//! Natively these use Rust's own conversions. In WebAssembly they ask the
//! host (`Number(text)` and `String(x)`): its shortest digits are the ones
//! Python picks (ties to the even digit), and the module then carries no
//! float formatting or parsing code of its own, which is a fifth of it.
//!
//! Both ways, the floats sessions hold (prices, ratios: few digits, small
//! exponents) are first tried by exact arithmetic alone, which needs no
//! tables and no call to the host: a decimal of at most 15 digits times or
//! over an exact power of ten is one correctly rounded operation
//! (Clinger's fast path), and the shortest digits of `x` are the first
//! `m / 10^f` that reads back as `x`, when only one candidate does.

/// Python's `float(text)` for a JSON number literal (`1e400` is infinite,
/// as in Python). `None` when `text` is not a number.
pub fn parse(text: &str) -> Option<f64> {
    if let Some(x) = parse_exact(text) {
        return Some(x);
    }
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    {
        let parsed = host::number(text);
        // Number("") is 0 and Number(" 1") is 1: only the literals Python takes.
        let literal = !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
        (literal && !parsed.is_nan()).then_some(parsed)
    }
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    {
        text.parse().ok()
    }
}

/// The shortest decimal digits that read back as `x` (finite, non-zero,
/// sign ignored), and the exponent of the first: `x = d.ddd × 10^exp`. Of
/// two equally short and equally close candidates, the even one.
pub(crate) fn shortest(x: f64) -> (String, i32) {
    if let Some(found) = shortest_exact(x.abs()) {
        return found;
    }
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    {
        from_js_text(&host::string(x.abs()))
    }
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    {
        let (digits, exp) = split_scientific(&format!("{:e}", x.abs()));
        break_tie_to_even(x.abs(), digits, exp)
    }
}

/// The powers of ten a double holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];
/// 2^53: every integer below it is a double.
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

/// `-?\d+(\.\d+)?([eE][-+]?\d+)?` with at most 15 significant digits and
/// a decimal exponent within ±22: the mantissa and the power of ten are
/// exact, so one multiplication or division rounds correctly. `None` for
/// anything else (the general path decides).
fn parse_exact(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let negative = bytes.first() == Some(&b'-');
    let mut at = usize::from(negative);
    let (mut mantissa, mut significant, mut exponent) = (0u64, 0u32, 0i32);
    let mut digits = |at: &mut usize, fraction: bool| {
        let start = *at;
        while let Some(&b) = bytes.get(*at).filter(|b| b.is_ascii_digit()) {
            if mantissa != 0 || b != b'0' {
                significant += 1;
            }
            if significant > 15 {
                return None;
            }
            mantissa = mantissa * 10 + u64::from(b - b'0');
            exponent -= i32::from(fraction);
            *at += 1;
        }
        (*at > start).then_some(())
    };
    digits(&mut at, false)?;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        digits(&mut at, true)?;
    }
    if let Some(b'e' | b'E') = bytes.get(at) {
        at += 1;
        let sign = match bytes.get(at) {
            Some(b'-') => -1,
            Some(b'+') => 1,
            _ => 0,
        };
        at += usize::from(sign != 0);
        let start = at;
        let mut e = 0i32;
        while let Some(&b) = bytes.get(at).filter(|b| b.is_ascii_digit()) {
            e = (e * 10 + i32::from(b - b'0')).min(1000);
            at += 1;
        }
        if at == start {
            return None;
        }
        exponent += if sign < 0 { -e } else { e };
    }
    if at != bytes.len() {
        return None;
    }
    let m = mantissa as f64;
    let x = match exponent {
        0 => m,
        1..=22 => m * POW10.get(exponent as usize)?,
        -22..=-1 => m / POW10.get(exponent.unsigned_abs() as usize)?,
        _ => return None,
    };
    Some(if negative { -x } else { x })
}

/// [`shortest`] of a finite positive `x` by exact arithmetic: for `f` =
/// 0, 1, ... the integers `m` next to `x * 10^f` (below 2^53) are tried,
/// and the first `f` where one, and only one, reads back as `x` (`m /
/// 10^f`, correctly rounded, is `x`) gives the digits of `m`. Fewer
/// fraction digits never read back, so these are the fewest digits; with
/// two candidates (a tie, or two equally short) the general path decides.
fn shortest_exact(x: f64) -> Option<(String, i32)> {
    if !(x > 0.0 && x < EXACT_INTEGERS) {
        return None;
    }
    for (f, &power) in POW10.iter().enumerate() {
        let scaled = x * power;
        if scaled >= EXACT_INTEGERS {
            return None;
        }
        let nearest = scaled.round_ties_even();
        let mut found = None;
        for m in [nearest - 1.0, nearest, nearest + 1.0] {
            if m > 0.0 && m / power == x {
                if found.is_some() {
                    return None;
                }
                found = Some(m as u64);
            }
        }
        if let Some(m) = found {
            let mut buffer = [0u8; 20];
            let mut at = buffer.len();
            let mut rest = m;
            while rest > 0 {
                at -= 1;
                if let Some(slot) = buffer.get_mut(at) {
                    *slot = b'0' + (rest % 10) as u8;
                }
                rest /= 10;
            }
            let all = buffer.get(at..).unwrap_or_default();
            let exp = all.len() as i32 - 1 - f as i32;
            let digits = std::str::from_utf8(all)
                .unwrap_or_default()
                .trim_end_matches('0');
            return Some((digits.to_owned(), exp));
        }
    }
    None
}

/// Python's `repr(x)`: the shortest round-trip digits, in fixed notation
/// for exponents -4..16 and scientific (`1e+16`, `1e-05`) otherwise;
/// `nan`, `inf` and `-inf` for the rest.
pub fn repr(x: f64) -> String {
    let mut out = String::new();
    write_repr(&mut out, x);
    out
}

/// Appends [`repr`] of `x` to `out`.
pub fn write_repr(out: &mut String, x: f64) {
    if x.is_nan() {
        return out.push_str("nan");
    }
    if x.is_sign_negative() {
        out.push('-');
    }
    if x.is_infinite() {
        return out.push_str("inf");
    }
    if x == 0.0 {
        return out.push_str("0.0");
    }
    let (digits, exp) = shortest(x);
    let digits = digits.as_str();
    if (-4..16).contains(&exp) {
        if exp < 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
            out.push_str(digits);
        } else {
            let point = exp as usize + 1; // digits before the decimal point
            let (whole, fraction) = digits.split_at(point.min(digits.len()));
            out.push_str(whole);
            out.extend(std::iter::repeat_n('0', point.saturating_sub(digits.len())));
            out.push('.');
            out.push_str(if fraction.is_empty() { "0" } else { fraction });
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push_str(if exp < 0 { "e-" } else { "e+" });
        let magnitude = exp.unsigned_abs();
        if magnitude < 10 {
            out.push('0');
        }
        out.push_str(&magnitude.to_string());
    }
}

/// `"1.2345e-7"` as `("12345", -7)`.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn split_scientific(text: &str) -> (String, i32) {
    let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
    let digits = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exp.parse().unwrap_or(0))
}

/// Rust's shortest digits pick the upper candidate of an exact tie, where
/// Python (David Gay's dtoa) picks the even one: `70368744177664.625` is
/// `…64.62` in Python. A tie needs `x` to be exactly the midpoint of two
/// candidates, so it is checked on `x`'s exact decimal expansion, which
/// is needed only when the even neighbour reads back as `x` too.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn break_tie_to_even(x: f64, digits: String, exp: i32) -> (String, i32) {
    let last = digits.bytes().last().map_or(0, |b| b - b'0');
    if last % 2 == 0 {
        return (digits, exp);
    }
    // The candidate below (an odd last digit never borrows).
    let mut below = digits.clone().into_bytes();
    if let Some(end) = below.last_mut() {
        *end -= 1;
    }
    let below = String::from_utf8(below).unwrap_or_default();
    let reads_back = |d: &str| {
        let (first, rest) = d.split_at(1.min(d.len()));
        format!("{first}.{rest}0e{exp}").parse() == Ok(x)
    };
    if reads_back(&below) && is_exactly(x, &format!("{below}5"), exp) {
        return (below.trim_end_matches('0').to_owned(), exp);
    }
    // The candidate above; a 9 carries, making a shorter (even) number that
    // the shortest search would have found itself.
    if last != 9 {
        let mut above = digits.clone().into_bytes();
        if let Some(end) = above.last_mut() {
            *end += 1;
        }
        let above = String::from_utf8(above).unwrap_or_default();
        if reads_back(&above) && is_exactly(x, &format!("{digits}5"), exp) {
            return (above.trim_end_matches('0').to_owned(), exp);
        }
    }
    (digits, exp)
}

/// Whether `x` is exactly `d.ddd × 10^exp` (`digits` without trailing zeros
/// past the ones given). Every double's expansion ends within 767
/// significant digits, so printing 800 shows all of it.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn is_exactly(x: f64, digits: &str, exp: i32) -> bool {
    let (exact, exact_exp) = split_scientific(&format!("{x:.800e}"));
    exact_exp == exp && exact.trim_end_matches('0') == digits.trim_end_matches('0')
}

/// The host's `String(x)` (`"123.456"`, `"1e+21"`, `"1.5e-7"`,
/// `"0.000001"`, `"123456789012345680000"`) as shortest digits and exponent.
#[cfg(any(test, all(target_arch = "wasm32", target_os = "unknown")))]
fn from_js_text(text: &str) -> (String, i32) {
    let (mantissa, exp) = match text.split_once('e') {
        Some((m, e)) => (m, e.trim_start_matches('+').parse().unwrap_or(0)),
        None => (text, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all: String = [whole, fraction].concat();
    let leading = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_matches('0');
    // The first significant digit's place, counted from the decimal point.
    let place = whole.len() as i32 - 1 - leading as i32;
    (
        if digits.is_empty() { "0" } else { digits }.to_owned(),
        place + exp,
    )
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
mod host {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `String(x)`: ECMAScript's shortest round-trip digits.
        #[wasm_bindgen(js_name = String)]
        pub fn string(x: f64) -> String;
        /// `Number(text)`: correctly rounded, `NaN` for non-numbers.
        #[wasm_bindgen(js_name = Number)]
        pub fn number(text: &str) -> f64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_matches_python() {
        let cases = [
            (1e16, "1e+16"),
            (1e-5, "1e-05"),
            (0.1, "0.1"),
            (2.0, "2.0"),
            (1e-7, "1e-07"),
            (1e100, "1e+100"),
            (1.5e300, "1.5e+300"),
            (2.71, "2.71"),
            (1.0 / 3.0, "0.3333333333333333"),
            (123456789012345.6, "123456789012345.6"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (-2.5e-10, "-2.5e-10"),
            (-0.0, "-0.0"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::NAN, "nan"),
            (f64::NEG_INFINITY, "-inf"),
            // Ties go to the even digit, as in Python (2**46 + 0.625 is exact).
            (2f64.powi(46) + 0.625, "70368744177664.62"),
            (1e23, "1e+23"),
        ];
        for (x, want) in cases {
            assert_eq!(repr(x), want, "{x:e}");
        }
    }

    #[test]
    fn the_exact_paths_agree_with_the_general_ones() {
        for text in [
            "19.99",
            "5.49",
            "120.5",
            "0.1",
            "-0.0",
            "1e22",
            "123456789012345",
            "1.5e-7",
            "7e-23",
            "1234567890123456",
        ] {
            let general: f64 = text.parse().unwrap();
            match parse_exact(text) {
                Some(x) => assert_eq!(x.to_bits(), general.to_bits(), "{text}"),
                None => assert!(matches!(text, "7e-23" | "1234567890123456"), "{text}"),
            }
        }
        for bad in ["", "-", "1.", ".5", "1e", "1e+", "+1", "1x", "0x10"] {
            assert_eq!(parse_exact(bad), None, "{bad}");
        }
        // 19.99: the one candidate with two fraction digits; a tie goes to the general path.
        assert_eq!(shortest_exact(19.99), Some(("1999".into(), 1)));
        assert_eq!(shortest_exact(1500.0), Some(("15".into(), 3)));
        assert_eq!(shortest_exact(0.001), Some(("1".into(), -3)));
        assert_eq!(shortest_exact(2f64.powi(46) + 0.625), None);
        assert_eq!(shortest_exact(5e-324), None);
        assert_eq!(shortest_exact(1e300), None);
    }

    /// The exact paths against Rust's own parse and shortest digits (the
    /// general path natively, tie-broken as Python does) on the decimals
    /// sessions hold: every price-like value with up to four fraction
    /// digits over a range, their negatives and powers, and pseudo-random
    /// short decimals with exponents. Native only: in wasm the general
    /// path is the host's, checked by the JS tests.
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    #[test]
    fn the_exact_paths_agree_on_every_short_decimal() {
        let general_shortest = |x: f64| {
            let (digits, exp) = split_scientific(&format!("{:e}", x));
            break_tie_to_even(x, digits, exp)
        };
        let mut checked = 0u32;
        let mut check = |text: &str| {
            let want: f64 = text.parse().unwrap();
            if let Some(x) = parse_exact(text) {
                assert_eq!(x.to_bits(), want.to_bits(), "parse {text}");
            }
            if want != 0.0 && want.is_finite() {
                if let Some(found) = shortest_exact(want.abs()) {
                    assert_eq!(found, general_shortest(want.abs()), "shortest of {text}");
                    checked += 1;
                }
            }
        };
        for k in 0..200_000u64 {
            for f in 0..=4 {
                let text = format!(
                    "{}.{:0width$}",
                    k / 10u64.pow(f),
                    k % 10u64.pow(f),
                    width = f as usize
                );
                check(&text);
                check(&format!("-{text}"));
            }
        }
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let digits = state % 10u64.pow(1 + (state >> 60) as u32 % 15);
            let exp = (state >> 40) as i32 % 45 - 22;
            check(&format!("{digits}e{exp}"));
        }
        assert!(checked > 1_000_000, "{checked}");
    }

    #[test]
    fn js_number_text_splits_into_digits() {
        for (text, want) in [
            ("123.456", ("123456", 2)),
            ("1e+21", ("1", 21)),
            ("1.5e-7", ("15", -7)),
            ("0.000001", ("1", -6)),
            ("123456789012345680000", ("12345678901234568", 20)),
            ("5e-324", ("5", -324)),
            ("70368744177664.62", ("7036874417766462", 13)),
        ] {
            let (digits, exp) = from_js_text(text);
            assert_eq!((digits.as_str(), exp), want, "{text}");
        }
    }
}
