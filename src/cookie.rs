//! Cookies as Django reads and writes them: `parse_cookie` for the request
//! header, Python's `http.cookies.Morsel` output for Set-Cookie, and the
//! grammar both share (which names and attribute values are legal).

use crate::error::{Error, Result};

/// Python's `http.cookies._LegalChars`: what a cookie name may hold, and
/// what a value may hold unquoted.
pub fn is_cookie_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:".contains(&c)
}

/// A legal cookie name: non-empty, every character in [`is_cookie_name_char`].
pub fn is_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(is_cookie_name_char)
}

/// Domain and path are written into Set-Cookie unquoted, so anything that
/// ends an attribute or a header line is refused, naming `setting`.
pub fn check_attribute(setting: &'static str, value: &str) -> Result<()> {
    if value
        .chars()
        .any(|c| c == ';' || c == ',' || c.is_control())
    {
        return Err(Error::InvalidSetting {
            setting,
            reason: "must not contain ';', ',' or control characters".into(),
        });
    }
    Ok(())
}

/// A `SameSite` policy, written as it was configured: Django writes the
/// setting's own spelling (`"strict"` stays lower-case) and compares it
/// case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SameSite {
    policy: SameSitePolicy,
    spelling: std::borrow::Cow<'static, str>,
}

/// What a [`SameSite`] attribute asks of the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSitePolicy {
    /// Sent on top-level navigations from other sites.
    Lax,
    /// Sent only from the same site.
    Strict,
    /// Sent everywhere (browsers then require `Secure`).
    None,
}

impl SameSite {
    /// `Lax`, Django's default.
    pub const LAX: SameSite = SameSite {
        policy: SameSitePolicy::Lax,
        spelling: std::borrow::Cow::Borrowed("Lax"),
    };

    /// Django's check in `set_cookie`: `lax`, `strict` or `none` in any
    /// case; `setting` names what is refused otherwise.
    ///
    /// ```
    /// use edge_sessions::cookie::{SameSite, SameSitePolicy};
    /// let s = SameSite::parse("strict", "SESSION_COOKIE_SAMESITE").unwrap();
    /// assert_eq!((s.policy(), s.as_str()), (SameSitePolicy::Strict, "strict"));
    /// assert!(SameSite::parse("sometimes", "SESSION_COOKIE_SAMESITE").is_err());
    /// ```
    pub fn parse(text: &str, setting: &'static str) -> Result<SameSite> {
        let policy = match text.to_ascii_lowercase().as_str() {
            "lax" => SameSitePolicy::Lax,
            "strict" => SameSitePolicy::Strict,
            "none" => SameSitePolicy::None,
            _ => {
                return Err(Error::InvalidSetting {
                    setting,
                    reason: "must be 'Lax', 'Strict', 'None' or unset".into(),
                })
            }
        };
        Ok(SameSite {
            policy,
            spelling: text.to_owned().into(),
        })
    }

    /// The policy.
    pub fn policy(&self) -> SameSitePolicy {
        self.policy
    }

    /// The attribute's value, as configured.
    pub fn as_str(&self) -> &str {
        &self.spelling
    }
}

/// Django's `parse_cookie`: split on `;`, split each chunk on the first `=`
/// (a chunk without one is a value with an empty name), strip Python
/// whitespace, drop empty pairs, unquote, and let a later duplicate replace
/// an earlier one in its place.
///
/// ```
/// use edge_sessions::cookie::parse_cookie;
/// let jar = parse_cookie(r#"a=1; sessionid="x\"y"; a=2; junk"#);
/// assert_eq!(jar, vec![("a".into(), "2".into()), ("sessionid".into(), "x\"y".into()), ("".into(), "junk".into())]);
/// ```
pub fn parse_cookie(header: &str) -> Vec<(String, String)> {
    let mut jar: Vec<(String, String)> = Vec::new();
    // Name -> slot in `jar`: a header of thousands of cookies stays linear.
    let mut slots: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (key, value) in pairs(header) {
        let value = unquote(value);
        match slots.get(key).and_then(|&i| jar.get_mut(i)) {
            Some(slot) => slot.1 = value,
            None => {
                slots.insert(key, jar.len());
                jar.push((key.to_owned(), value));
            }
        }
    }
    jar
}

/// The stripped, still quoted `(name, value)` chunks of a Cookie header,
/// empty ones left out.
fn pairs(header: &str) -> impl Iterator<Item = (&str, &str)> {
    header.split(';').filter_map(|chunk| {
        let (key, value) = chunk.split_once('=').unwrap_or(("", chunk));
        let (key, value) = (py_strip(key), py_strip(value));
        (!key.is_empty() || !value.is_empty()).then_some((key, value))
    })
}

/// The value of cookie `name` in a Cookie header, as Django's
/// `request.COOKIES.get(name)` would give it (the last one of that name):
/// one pass, no map, since every request asks for this one cookie.
pub fn cookie_value(header: &str, name: &str) -> Option<String> {
    pairs(header)
        .filter(|&(key, _)| key == name)
        .last()
        .map(|(_, value)| unquote(value))
}

/// Python's `str.strip()`: Unicode whitespace plus the separators U+001C..U+001F.
fn py_strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// `http.cookies._unquote`: a value in double quotes loses them, and inside,
/// `\ooo` octal escapes and `\x` backslash escapes are decoded.
fn unquote(s: &str) -> String {
    let inner = match s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) if s.len() >= 2 => inner,
        _ => return s.to_owned(),
    };
    let chars: Vec<char> = inner.chars().collect();
    let mut out = String::with_capacity(inner.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c != '\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let octal = match (chars.get(i + 1), chars.get(i + 2), chars.get(i + 3)) {
            (Some(a @ '0'..='3'), Some(b @ '0'..='7'), Some(d @ '0'..='7')) => {
                let digit = |c: &char| c.to_digit(8).unwrap_or(0);
                char::from_u32(digit(a) * 64 + digit(b) * 8 + digit(d))
            }
            _ => None,
        };
        match (octal, chars.get(i + 1)) {
            (Some(decoded), _) => {
                out.push(decoded);
                i += 4;
            }
            // Python's `\\.` does not match a newline: the backslash stays.
            (None, Some(&next)) if next != '\n' => {
                out.push(next);
                i += 2;
            }
            _ => {
                out.push('\\');
                i += 1;
            }
        }
    }
    out
}

/// `http.cookies._quote`: values of legal characters stay as they are;
/// anything else is double-quoted with `"` and `\` escaped and control and
/// Latin-1 high characters written as `\ooo`.
pub fn quote(value: &str) -> std::borrow::Cow<'_, str> {
    if is_token(value) {
        return value.into();
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0'..='\u{1f}' | '\u{7f}'..='\u{ff}' => {
                out.push_str(&format!("\\{:03o}", u32::from(c)))
            }
            _ => out.push(c),
        }
    }
    out.push('"');
    out.into()
}

/// The attributes Django's `set_cookie` gives a cookie.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CookieAttributes {
    /// `Max-Age`, in whole seconds.
    pub max_age: Option<i64>,
    /// `expires`, already formatted as an HTTP date.
    pub expires: Option<String>,
    /// `Domain`.
    pub domain: Option<String>,
    /// `Path`.
    pub path: Option<String>,
    /// `Secure`.
    pub secure: bool,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `SameSite`.
    pub same_site: Option<SameSite>,
}

/// A Set-Cookie header value exactly as Python's `Morsel.OutputString()`
/// writes it: attributes sorted by their lower-case names (`domain, expires,
/// httponly, max-age, path, samesite, secure`), empty ones left out,
/// `expires` in lower case, joined by `"; "`.
///
/// ```
/// use edge_sessions::cookie::{set_cookie_header, CookieAttributes};
/// use edge_sessions::cookie::SameSite;
/// let attrs = CookieAttributes { path: Some("/".into()), http_only: true, same_site: Some(SameSite::LAX), ..Default::default() };
/// assert_eq!(set_cookie_header("sessionid", "abc", &attrs), "sessionid=abc; HttpOnly; Path=/; SameSite=Lax");
/// ```
pub fn set_cookie_header(name: &str, value: &str, attrs: &CookieAttributes) -> String {
    let value = quote(value);
    let mut out = String::with_capacity(name.len() + value.len() + 120);
    out.extend([name, "=", &value]);
    let mut attribute = |name: &str, value: &str| out.extend(["; ", name, value]);
    fn non_empty(v: &Option<String>) -> Option<&str> {
        v.as_deref().filter(|v| !v.is_empty())
    }
    if let Some(domain) = non_empty(&attrs.domain) {
        attribute("Domain=", domain);
    }
    if let Some(expires) = non_empty(&attrs.expires) {
        attribute("expires=", expires);
    }
    if attrs.http_only {
        attribute("HttpOnly", "");
    }
    if let Some(max_age) = attrs.max_age {
        attribute("Max-Age=", &max_age.to_string());
    }
    if let Some(path) = non_empty(&attrs.path) {
        attribute("Path=", path);
    }
    if let Some(same_site) = attrs.same_site.as_ref().filter(|s| !s.as_str().is_empty()) {
        attribute("SameSite=", same_site.as_str());
    }
    if attrs.secure {
        attribute("Secure", "");
    }
    out
}

/// Django's `HttpResponse.set_cookie(name, value, max_age=..., ...)`: with
/// a `max_age`, `Max-Age=int(max_age)` and `expires = http_date(now +
/// max_age)`, as Django computes them; `attrs` gives the other attributes.
///
/// ```
/// use edge_sessions::cookie::{set_cookie, CookieAttributes};
/// let attrs = CookieAttributes { path: Some("/".into()), ..Default::default() };
/// assert_eq!(set_cookie("a", "1", Some(60.0), 0.0, attrs).unwrap(), "a=1; expires=Thu, 01 Jan 1970 00:01:00 GMT; Max-Age=60; Path=/");
/// ```
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age: Option<f64>,
    now: f64,
    attrs: CookieAttributes,
) -> crate::error::Result<String> {
    let (max_age, expires) = match max_age {
        // Python's int() truncates toward zero; `as` does too and saturates.
        Some(age) => (
            Some(age as i64),
            Some(crate::datetime::http_date(now + age)?),
        ),
        None => (None, None),
    };
    let attrs = CookieAttributes {
        max_age,
        expires,
        ..attrs
    };
    Ok(set_cookie_header(name, value, &attrs))
}

/// Django's `patch_vary_headers(response, ("Cookie",))`: the new Vary value.
pub fn vary_with_cookie(existing: Option<&str>) -> String {
    let mut headers: Vec<&str> = match existing {
        Some(v) => v.split(',').map(py_strip).collect(),
        None => Vec::new(),
    };
    if !headers.iter().any(|h| h.eq_ignore_ascii_case("cookie")) {
        headers.push("Cookie");
    }
    if headers.contains(&"*") {
        "*".into()
    } else {
        headers.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_cookie_matches_django() {
        assert_eq!(parse_cookie(""), vec![]);
        assert_eq!(parse_cookie(" ; ;= "), vec![]);
        assert_eq!(parse_cookie("a=b=c"), vec![("a".into(), "b=c".into())]);
        assert_eq!(
            parse_cookie("  key  =  value  "),
            vec![("key".into(), "value".into())]
        );
        assert_eq!(
            parse_cookie("a=\"\\101\\\"\""),
            vec![("a".into(), "A\"".into())]
        );
        assert_eq!(parse_cookie("a=\""), vec![("a".into(), "\"".into())]);
        assert_eq!(
            cookie_value("sessionid=1; sessionid=2", "sessionid").as_deref(),
            Some("2")
        );
        assert_eq!(cookie_value("x=1", "sessionid"), None);
    }

    #[test]
    fn quote_matches_python() {
        assert_eq!(quote("abc:1-_."), "abc:1-_.");
        assert_eq!(quote(""), "\"\"");
        assert_eq!(quote("a b"), "\"a b\"");
        assert_eq!(quote("a;\"\\\né"), "\"a;\\\"\\\\\\012\\351\"");
    }

    #[test]
    fn vary_is_merged_like_patch_vary_headers() {
        assert_eq!(vary_with_cookie(None), "Cookie");
        assert_eq!(
            vary_with_cookie(Some("Accept-Encoding")),
            "Accept-Encoding, Cookie"
        );
        assert_eq!(vary_with_cookie(Some("accept ,  COOKIE")), "accept, COOKIE");
        assert_eq!(vary_with_cookie(Some("*")), "*");
    }
}
