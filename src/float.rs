//! Python's `float()` of a decimal literal and `repr(float)`.
//!
//! Natively these use Rust's own conversions. In WebAssembly they ask the
//! host (`Number(text)` and `String(x)`): its shortest digits are the ones
//! Python picks (ties to the even digit), and the module then carries no
//! float formatting or parsing code of its own, which is a fifth of it.

/// Python's `float(text)` for a JSON number literal (`1e400` is infinite,
/// as in Python). `None` when `text` is not a number.
pub fn parse(text: &str) -> Option<f64> {
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
