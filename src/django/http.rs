//! The parts of `django.http` and `django.utils.http` the CSRF checks read:
//! the request's `META` (the WSGI environ), `get_host()`, `get_port()`,
//! `is_secure()`, `split_domain_port`/`validate_host`, `is_same_domain`,
//! `parse_header_parameters`, `HttpHeaders.parse_header_name`, and
//! CPython's `urlsplit` as the Origin and Referer checks call it.

use super::python::{self, strip};

/// A request's `META`: the WSGI environ Django reads, key by key
/// (`HTTP_COOKIE`, `SERVER_NAME`, `wsgi.url_scheme`, ...).
///
/// ```
/// use edge_sessions::django::http::Meta;
/// let meta = Meta::from_request("https", "example.com", None, [("X-CSRFToken", "abc"), ("Content-Type", "text/plain"), ("Host", "127.0.0.1")]);
/// assert_eq!(meta.get("HTTP_X_CSRFTOKEN"), Some("abc"));
/// assert_eq!(meta.get("HTTP_HOST"), Some("example.com"));
/// assert_eq!(meta.get("CONTENT_TYPE"), Some("text/plain"));
/// assert_eq!(meta.get("SERVER_PORT"), Some("443"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    entries: Vec<(String, String)>,
}

impl Meta {
    /// An empty environ.
    pub fn new() -> Self {
        Meta::default()
    }

    /// `META[key] = value`, replacing an earlier value.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let (key, value) = (key.into(), value.into());
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// `META.get(key)`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every key and value, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The environ a WSGI server builds for a request to `scheme://host:port`
    /// with these headers: each header as `HTTP_` + its upper-cased name with
    /// `-` as `_` (Content-Type and Content-Length without the prefix),
    /// repeated headers joined by `,`; `SERVER_NAME`, `SERVER_PORT` (the
    /// scheme's default when `port` is `None`) and `wsgi.url_scheme` from
    /// the URL. `HTTP_HOST` is the URL's host (with the port unless it is
    /// the default), whatever Host header is given: at the edge the URL is
    /// where the host is (the JS layer builds META the same way).
    pub fn from_request<'a>(
        scheme: &str,
        hostname: &str,
        port: Option<u16>,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Meta {
        let scheme = scheme.to_ascii_lowercase();
        let port = port.unwrap_or(if scheme == "https" { 443 } else { 80 });
        let default_port = if scheme == "https" { 443 } else { 80 };
        let mut meta = Meta::new();
        meta.insert("SERVER_NAME", hostname);
        meta.insert("SERVER_PORT", port.to_string());
        meta.insert("wsgi.url_scheme", scheme);
        meta.insert(
            "HTTP_HOST",
            if port == default_port {
                hostname.to_owned()
            } else {
                format!("{hostname}:{port}")
            },
        );
        for (name, value) in headers {
            let key = meta_key(name);
            if key == "HTTP_HOST" {
                continue;
            }
            match meta.entries.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) if key.starts_with("HTTP_") => {
                    slot.1.push(',');
                    slot.1.push_str(value);
                }
                Some(slot) => slot.1 = value.to_owned(),
                None => meta.entries.push((key, value.to_owned())),
            }
        }
        meta
    }
}

/// The META key of an HTTP header name.
pub fn meta_key(header: &str) -> String {
    let upper = header.to_ascii_uppercase().replace('-', "_");
    if upper == "CONTENT_TYPE" || upper == "CONTENT_LENGTH" {
        upper
    } else {
        format!("HTTP_{upper}")
    }
}

/// `HttpHeaders.parse_header_name`: the header a META key stands for
/// (`HTTP_X_CSRFTOKEN` is `X-Csrftoken`), or `None` for a key that is not
/// a header.
pub fn parse_header_name(meta_key: &str) -> Option<String> {
    let name = match meta_key.strip_prefix("HTTP_") {
        Some(rest) => rest,
        None if meta_key == "CONTENT_TYPE" || meta_key == "CONTENT_LENGTH" => meta_key,
        None => return None,
    };
    Some(python::title(&name.replace('_', "-")))
}

/// The request settings `get_host()`, `get_port()` and `is_secure()` read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSettings {
    /// `ALLOWED_HOSTS`.
    pub allowed_hosts: Vec<String>,
    /// `DEBUG` (only for the localhost fallback of an empty `ALLOWED_HOSTS`).
    pub debug: bool,
    /// `USE_X_FORWARDED_HOST`.
    pub use_x_forwarded_host: bool,
    /// `USE_X_FORWARDED_PORT`.
    pub use_x_forwarded_port: bool,
    /// `SECURE_PROXY_SSL_HEADER`: the META key and the value meaning https.
    pub secure_proxy_ssl_header: Option<(String, String)>,
}

impl Default for HostSettings {
    /// Django's defaults, except `ALLOWED_HOSTS`: `["*"]` here (see the
    /// module docs of [`crate::django`]).
    fn default() -> Self {
        HostSettings {
            allowed_hosts: vec!["*".into()],
            debug: false,
            use_x_forwarded_host: false,
            use_x_forwarded_port: false,
            secure_proxy_ssl_header: None,
        }
    }
}

/// `request.scheme`: `SECURE_PROXY_SSL_HEADER` when its header is there
/// (first comma-separated value, stripped), else `wsgi.url_scheme`.
pub fn scheme<'a>(meta: &'a Meta, settings: &HostSettings) -> &'a str {
    if let Some((header, secure_value)) = &settings.secure_proxy_ssl_header {
        if let Some(value) = meta.get(header) {
            let first = value.split(',').next().unwrap_or_default();
            return if strip(first) == secure_value {
                "https"
            } else {
                "http"
            };
        }
    }
    match meta.get("wsgi.url_scheme") {
        Some("https") => "https",
        _ => "http",
    }
}

/// `request.is_secure()`.
pub fn is_secure(meta: &Meta, settings: &HostSettings) -> bool {
    scheme(meta, settings) == "https"
}

/// `request.get_port()`.
pub fn get_port<'a>(meta: &'a Meta, settings: &HostSettings) -> &'a str {
    if settings.use_x_forwarded_port {
        if let Some(port) = meta.get("HTTP_X_FORWARDED_PORT") {
            return port;
        }
    }
    meta.get("SERVER_PORT").unwrap_or_default()
}

/// `request._get_raw_host()`.
pub fn raw_host(meta: &Meta, settings: &HostSettings) -> String {
    if settings.use_x_forwarded_host {
        if let Some(host) = meta.get("HTTP_X_FORWARDED_HOST") {
            return host.to_owned();
        }
    }
    if let Some(host) = meta.get("HTTP_HOST") {
        return host.to_owned();
    }
    let name = meta.get("SERVER_NAME").unwrap_or_default();
    let port = get_port(meta, settings);
    let default = if is_secure(meta, settings) {
        "443"
    } else {
        "80"
    };
    if port == default {
        name.to_owned()
    } else {
        format!("{name}:{port}")
    }
}

/// `request.get_host()`: the raw host when `ALLOWED_HOSTS` allows its
/// domain, else Django's `DisallowedHost` message.
pub fn get_host(meta: &Meta, settings: &HostSettings) -> Result<String, String> {
    let host = raw_host(meta, settings);
    let fallback: Vec<String>;
    let allowed = if settings.debug && settings.allowed_hosts.is_empty() {
        fallback = [".localhost", "127.0.0.1", "[::1]"]
            .map(String::from)
            .to_vec();
        &fallback
    } else {
        &settings.allowed_hosts
    };
    let (domain, _) = split_domain_port(&host);
    if !domain.is_empty() && validate_host(&domain, allowed) {
        return Ok(host);
    }
    let mut message = format!("Invalid HTTP_HOST header: {}.", python::repr_str(&host));
    if domain.is_empty() {
        message.push_str(" The domain name provided is not valid according to RFC 1034/1035.");
    } else {
        message.push_str(&format!(
            " You may need to add {} to ALLOWED_HOSTS.",
            python::repr_str(&domain)
        ));
    }
    Err(message)
}

/// `split_domain_port(host)`: the lower-cased domain (a trailing dot
/// removed) and the port, or two empty strings for an invalid host.
/// The grammar is `host_validation_re`:
/// `([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(:[0-9]+)?`.
pub fn split_domain_port(host: &str) -> (String, String) {
    let lower = python::lower(host);
    let invalid = (String::new(), String::new());
    let (domain, rest) = if lower.starts_with('[') {
        let Some(close) = lower.find(']') else {
            return invalid;
        };
        let (inside, rest) = (lower.get(1..close), lower.get(close + 1..));
        let (Some(inside), Some(rest)) = (inside, rest) else {
            return invalid;
        };
        let Some((before, after)) = inside.split_once(':') else {
            return invalid;
        };
        let hex = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        };
        let tail = |s: &str| {
            !s.is_empty()
                && s.bytes().all(|b| {
                    (b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) || b == b'.' || b == b':'
                })
        };
        if !hex(before) || !tail(after) {
            return invalid;
        }
        (lower.get(..=close).unwrap_or_default().to_owned(), rest)
    } else {
        let end = lower.find(':').unwrap_or(lower.len());
        let domain = lower.get(..end).unwrap_or_default();
        let rest = lower.get(end..).unwrap_or_default();
        let ok = !domain.is_empty()
            && domain
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        if !ok {
            return invalid;
        }
        (domain.to_owned(), rest)
    };
    let port = match rest.strip_prefix(':') {
        None if rest.is_empty() => "",
        Some(port) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => port,
        _ => return invalid,
    };
    let domain = domain.strip_suffix('.').unwrap_or(&domain).to_owned();
    (domain, port.to_owned())
}

/// `validate_host(domain, allowed_hosts)`: `*`, an exact match, or a
/// `.example.com` pattern matching the domain and its subdomains.
pub fn validate_host(domain: &str, allowed_hosts: &[String]) -> bool {
    allowed_hosts
        .iter()
        .any(|pattern| pattern == "*" || is_same_domain(domain, pattern))
}

/// `is_same_domain(host, pattern)`: only the pattern is lower-cased (as
/// [`python::lower`] does: a non-ASCII upper-case letter in a pattern stays).
///
/// ```
/// use edge_sessions::django::http::is_same_domain;
/// assert!(is_same_domain("a.b.example.com", ".example.com"));
/// assert!(is_same_domain("example.com", ".EXAMPLE.com"));
/// assert!(!is_same_domain("evilexample.com", ".example.com"));
/// assert!(!is_same_domain("A.EXAMPLE.COM", ".example.com"));
/// ```
pub fn is_same_domain(host: &str, pattern: &str) -> bool {
    if pattern.is_empty() {
        return false;
    }
    let pattern = python::lower(pattern);
    match pattern.strip_prefix('.') {
        Some(bare) if host.ends_with(&pattern) || host == bare => true,
        _ => pattern == host,
    }
}

/// The five parts of `urllib.parse.urlsplit`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SplitUrl {
    /// Lower-cased scheme, or empty.
    pub scheme: String,
    /// The authority (`user:pass@host:port`), or empty.
    pub netloc: String,
    /// The path.
    pub path: String,
    /// The query without `?`.
    pub query: String,
    /// The fragment without `#`.
    pub fragment: String,
}

impl SplitUrl {
    /// `SplitResult.geturl()` (`urlunsplit`).
    pub fn geturl(&self) -> String {
        const USES_NETLOC: [&str; 26] = [
            "", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https",
            "shttp", "snews", "prospero", "rtsp", "rtsps", "rtspu", "rsync", "svn", "svn+ssh",
            "sftp", "nfs", "git", "git+ssh", "ws", "wss",
        ];
        let mut url = self.path.clone();
        let scheme_uses_netloc =
            !self.scheme.is_empty() && USES_NETLOC.contains(&self.scheme.as_str());
        if !self.netloc.is_empty() || (scheme_uses_netloc && !url.starts_with("//")) {
            if !url.is_empty() && !url.starts_with('/') {
                url.insert(0, '/');
            }
            url = format!("//{}{url}", self.netloc);
        }
        if !self.scheme.is_empty() {
            url = format!("{}:{url}", self.scheme);
        }
        if !self.query.is_empty() {
            url.push('?');
            url.push_str(&self.query);
        }
        if !self.fragment.is_empty() {
            url.push('#');
            url.push_str(&self.fragment);
        }
        url
    }
}

/// Characters whose NFKC form holds `/`, `?`, `#`, `@` or `:` (Unicode 14):
/// CPython's `_checknetloc` refuses a netloc with one of them.
const NFKC_DELIMITERS: [char; 19] = [
    '\u{2047}', '\u{2048}', '\u{2049}', '\u{2100}', '\u{2101}', '\u{2105}', '\u{2106}', '\u{2a74}',
    '\u{fe13}', '\u{fe16}', '\u{fe55}', '\u{fe56}', '\u{fe5f}', '\u{fe6b}', '\u{ff03}', '\u{ff0f}',
    '\u{ff1a}', '\u{ff1f}', '\u{ff20}',
];

/// CPython 3.11's `urllib.parse.urlsplit(url)`; `Err` where it raises
/// ValueError (unbalanced brackets, a bracketed host that is not an IPv6
/// address or IPvFuture, a netloc that NFKC turns into delimiters).
///
/// ```
/// use edge_sessions::django::http::urlsplit;
/// let u = urlsplit("HTTPS://user@Example.com:8443/a?b#c").unwrap();
/// assert_eq!((u.scheme.as_str(), u.netloc.as_str(), u.path.as_str()), ("https", "user@Example.com:8443", "/a"));
/// assert!(urlsplit("https://[::1/").is_err());
/// ```
pub fn urlsplit(url: &str) -> Result<SplitUrl, &'static str> {
    let url = url.trim_start_matches(|c: char| c <= ' ');
    let mut url: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
        .collect();
    let mut parts = SplitUrl::default();
    if let Some(i) = url.find(':') {
        let candidate = url.get(..i).unwrap_or_default();
        let first_alpha = candidate
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic());
        let all_scheme_chars = candidate
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if i > 0 && first_alpha && all_scheme_chars {
            parts.scheme = candidate.to_ascii_lowercase();
            url = url.get(i + 1..).unwrap_or_default().to_owned();
        }
    }
    if let Some(rest) = url.strip_prefix("//") {
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        parts.netloc = rest.get(..end).unwrap_or_default().to_owned();
        url = rest.get(end..).unwrap_or_default().to_owned();
        let (open, close) = (parts.netloc.contains('['), parts.netloc.contains(']'));
        if open != close {
            return Err("Invalid IPv6 URL");
        }
        if open {
            let after = parts.netloc.split_once('[').map_or("", |(_, a)| a);
            let bracketed = after.split_once(']').map_or(after, |(b, _)| b);
            check_bracketed_host(bracketed)?;
        }
    }
    if let Some((before, fragment)) = url.split_once('#') {
        parts.fragment = fragment.to_owned();
        url = before.to_owned();
    }
    if let Some((before, query)) = url.split_once('?') {
        parts.query = query.to_owned();
        url = before.to_owned();
    }
    parts.path = url;
    if !parts.netloc.is_ascii() && parts.netloc.chars().any(|c| NFKC_DELIMITERS.contains(&c)) {
        return Err("netloc contains invalid characters under NFKC normalization");
    }
    Ok(parts)
}

/// `_check_bracketed_host`: IPvFuture (`v1.x`) or an IPv6 address (an
/// IPv4 address is refused).
fn check_bracketed_host(host: &str) -> Result<(), &'static str> {
    if let Some(rest) = host.strip_prefix('v') {
        let (hex, tail) = match rest.split_once('.') {
            Some(parts) => parts,
            None => return Err("IPvFuture address is invalid"),
        };
        let tail_ok = !tail.is_empty() && !tail.contains('\n');
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) || !tail_ok {
            return Err("IPvFuture address is invalid");
        }
        return Ok(());
    }
    // Python's ip_address takes a `%scope` suffix on IPv6 addresses.
    let address = match host.split_once('%') {
        Some((address, scope)) if !scope.is_empty() && !scope.contains('%') => address,
        Some(_) => return Err("does not appear to be an IPv4 or IPv6 address"),
        None => host,
    };
    if address.parse::<std::net::Ipv6Addr>().is_ok() {
        Ok(())
    } else {
        Err("does not appear to be an IPv6 address")
    }
}

/// A Content-Type-like header split by `parse_header_parameters`: the
/// lower-cased main value and the parameters, later duplicates winning.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HeaderValue {
    /// The main value, lower-cased (`multipart/form-data`).
    pub main: String,
    /// The parameters, names lower-cased, values unquoted.
    pub params: Vec<(String, String)>,
}

impl HeaderValue {
    /// The parameter `name` (lower case).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// `django.utils.http.parse_header_parameters(line)`: the semicolon
/// splitting of `email.message.Message.get_params` (quote-aware), names
/// lower-cased, values unquoted, RFC 2231 `name*=charset'lang'%XX`
/// parameters (also continued, `name*0*=`) decoded for UTF-8, US-ASCII
/// and Latin-1. `Err` where Django raises ValueError (an RFC 2231 charset
/// it does not know; here: any other charset).
///
/// ```
/// use edge_sessions::django::http::parse_header_parameters;
/// let h = parse_header_parameters("Multipart/Form-Data; Boundary=\"a;b\"").unwrap();
/// assert_eq!((h.main.as_str(), h.param("boundary")), ("multipart/form-data", Some("a;b")));
/// ```
pub fn parse_header_parameters(line: &str) -> Result<HeaderValue, &'static str> {
    if line.is_empty() {
        return Ok(HeaderValue::default());
    }
    if !line.contains(';') {
        return Ok(HeaderValue {
            main: python::lower(strip(line)),
            params: Vec::new(),
        });
    }
    let mut raw = split_params(line)
        .into_iter()
        .map(|p| match p.split_once('=') {
            Some((name, value)) => (strip(name).to_owned(), strip(value).to_owned()),
            None => (strip(&p).to_owned(), String::new()),
        });
    let main = raw
        .next()
        .map(|(name, _)| python::lower(&name))
        .unwrap_or_default();
    let mut params: Vec<(String, String)> = Vec::new();
    let mut continued: Vec<(String, Vec<Segment>)> = Vec::new();
    for (name, value) in raw {
        let encoded = name.ends_with('*');
        let value = email_unquote(&value);
        match rfc2231_name(&name) {
            Some((base, number)) => {
                let key = base.to_owned();
                let segment = (number.unwrap_or(0), number.is_some(), value, encoded);
                match continued.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, segments)) => segments.push(segment),
                    None => continued.push((key, vec![segment])),
                }
            }
            None => set_param(
                &mut params,
                name,
                email_unquote(&email_quote_wrapped(&value)),
            ),
        }
    }
    for (name, mut segments) in continued {
        // An insertion sort: a handful of segments, and no sort machinery in the wasm.
        for i in 1..segments.len() {
            let mut j = i;
            while j > 0
                && segments
                    .get(j - 1)
                    .zip(segments.get(j))
                    .is_some_and(|(a, b)| (a.1, a.0, &a.2) > (b.1, b.0, &b.2))
            {
                segments.swap(j - 1, j);
                j -= 1;
            }
        }
        let mut joined = String::new();
        let mut extended = false;
        for (_, _, segment, encoded) in segments {
            if encoded {
                joined.push_str(&percent_decode_latin1(&segment));
                extended = true;
            } else {
                joined.push_str(&segment);
            }
        }
        let quoted = email_quote(&joined);
        let value = if extended {
            let mut pieces = quoted.splitn(3, '\'');
            match (pieces.next(), pieces.next(), pieces.next()) {
                (Some(charset), Some(_language), Some(text)) => {
                    let text = email_unquote(&format!("\"{text}\""));
                    decode_rfc2231_text(charset, &text)?
                }
                _ => collapse(None, &email_unquote(&format!("\"{quoted}\"")))?,
            }
        } else {
            email_unquote(&format!("\"{quoted}\""))
        };
        set_param(&mut params, name, value);
    }
    Ok(HeaderValue { main, params })
}

/// An RFC 2231 segment: its number (0 when absent), whether it had one,
/// its text, whether it is %-encoded.
type Segment = (u128, bool, String, bool);

fn set_param(params: &mut Vec<(String, String)>, name: String, value: String) {
    if name.is_empty() {
        return;
    }
    match params.iter_mut().find(|(k, _)| *k == name) {
        Some(slot) => slot.1 = value,
        None => params.push((name, value)),
    }
}

/// `email.message._parseparam`: `;`-separated pieces, a `;` inside an odd
/// number of (unescaped) double quotes not splitting; `name=value` pieces
/// with the name stripped and lower-cased.
fn split_params(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut s = format!(";{line}");
    while let Some(rest) = s.strip_prefix(';') {
        let rest = rest.to_owned();
        let mut end = rest.find(';');
        while let Some(e) = end.filter(|&e| e > 0) {
            let head = rest.get(..e).unwrap_or_default();
            let quotes = head.matches('"').count() - head.matches("\\\"").count();
            if quotes % 2 == 0 {
                break;
            }
            end = rest
                .get(e + 1..)
                .and_then(|tail| tail.find(';'))
                .map(|i| i + e + 1);
        }
        let end = end.unwrap_or(rest.len());
        let piece = rest.get(..end).unwrap_or_default();
        let piece = match piece.split_once('=') {
            Some((name, value)) => format!("{}={}", python::lower(strip(name)), strip(value)),
            None => piece.to_owned(),
        };
        out.push(strip(&piece).to_owned());
        s = rest.get(end..).unwrap_or_default().to_owned();
    }
    out
}

/// `rfc2231_continuation`: `name*`, `name*0`, `name*0*` (ASCII word chars).
fn rfc2231_name(name: &str) -> Option<(&str, Option<u128>)> {
    let (base, tail) = name.split_once('*')?;
    if base.is_empty() || !base.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    if tail.is_empty() {
        return Some((base, None));
    }
    let digits = tail.strip_suffix('*').unwrap_or(tail);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = digits.bytes().fold(0u128, |n, b| {
        n.saturating_mul(10).saturating_add(u128::from(b - b'0'))
    });
    Some((base, Some(number)))
}

/// `email.utils.unquote`.
fn email_unquote(s: &str) -> String {
    if s.chars().count() > 1 {
        if let Some(inner) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            return inner.replace("\\\\", "\\").replace("\\\"", "\"");
        }
        if let Some(inner) = s.strip_prefix('<').and_then(|r| r.strip_suffix('>')) {
            return inner.to_owned();
        }
    }
    s.to_owned()
}

/// `email.utils.quote`.
fn email_quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn email_quote_wrapped(s: &str) -> String {
    format!("\"{}\"", email_quote(s))
}

/// `urllib.parse.unquote(s, encoding="latin-1")`: `%XX` as the character
/// U+00XX.
fn percent_decode_latin1(s: &str) -> String {
    let bytes = super::form::percent_decode_ascii_runs(s, |decoded| {
        decoded.iter().map(|&b| char::from(b)).collect()
    });
    bytes
}

/// `collapse_rfc2231_value` of `(charset, lang, text)`.
fn decode_rfc2231_text(charset: &str, text: &str) -> Result<String, &'static str> {
    if charset.is_empty() {
        // Python's str(bytes, "") fails the lookup: the text as it is.
        return Ok(text.to_owned());
    }
    collapse(Some(charset), text)
}

fn collapse(charset: Option<&str>, text: &str) -> Result<String, &'static str> {
    // `bytes(text, "raw-unicode-escape")`: Latin-1 characters as bytes.
    let raw: Option<Vec<u8>> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect();
    let Some(raw) = raw else {
        return Ok(text.to_owned());
    };
    match charset.map(super::form::Charset::lookup) {
        None | Some(Some(super::form::Charset::Ascii)) => Ok(raw
            .iter()
            .map(|&b| if b < 0x80 { char::from(b) } else { '\u{fffd}' })
            .collect()),
        Some(Some(super::form::Charset::Utf8)) => Ok(String::from_utf8_lossy(&raw).into_owned()),
        Some(Some(super::form::Charset::Latin1)) => {
            Ok(raw.iter().map(|&b| char::from(b)).collect())
        }
        _ => Err("Invalid encoding for RFC 2231 param."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_validation_follows_django() {
        let d = |h: &str| split_domain_port(h);
        assert_eq!(d("TestServer:80"), ("testserver".into(), "80".into()));
        assert_eq!(d("example.com."), ("example.com".into(), "".into()));
        assert_eq!(d("[::1]:8000"), ("[::1]".into(), "8000".into()));
        assert_eq!(d("[::1]"), ("[::1]".into(), "".into()));
        assert_eq!(d("t\u{e9}stserver"), ("".into(), "".into()));
        assert_eq!(d("host:"), ("".into(), "".into()));
        assert_eq!(d("a b"), ("".into(), "".into()));
        assert_eq!(d("[1.2.3.4]"), ("".into(), "".into()));
    }

    #[test]
    fn urlsplit_follows_cpython() {
        let u = urlsplit("https://testserver").unwrap();
        assert_eq!((u.netloc.as_str(), u.path.as_str()), ("testserver", ""));
        assert_eq!(u.geturl(), "https://testserver");
        assert_eq!(urlsplit("https://x/?").unwrap().geturl(), "https://x/");
        let u = urlsplit("not a url").unwrap();
        assert_eq!((u.scheme.as_str(), u.netloc.as_str()), ("", ""));
        assert!(urlsplit("https://[v1.x]/").is_ok());
        assert!(urlsplit("https://[1.2.3.4]/").is_err());
        assert!(urlsplit("https://a\u{ff0f}b/").is_err());
        assert_eq!(urlsplit(" \thttps://a\n/").unwrap().geturl(), "https://a/");
    }

    #[test]
    fn header_parameters_follow_django() {
        let h = parse_header_parameters("x; name*=utf-8''%C3%A9").unwrap();
        assert_eq!(h.param("name"), Some("\u{e9}"));
        let h = parse_header_parameters("x; name*0=\"ab\"; name*1=\"cd\"").unwrap();
        assert_eq!(h.param("name"), Some("abcd"));
        let h = parse_header_parameters("a;b;c=d=e").unwrap();
        assert_eq!(
            h.params,
            vec![("b".into(), "".into()), ("c".into(), "d=e".into())]
        );
        let h = parse_header_parameters("x; name=\"a;b\"c\"; d=1").unwrap();
        assert_eq!(h.param("name"), Some("\"a;b\"c\"; d=1"));
        let h = parse_header_parameters("content-disposition: form-data; name=<x>").unwrap();
        assert_eq!(
            (h.main.as_str(), h.param("name")),
            ("content-disposition: form-data", Some("x"))
        );
        assert!(parse_header_parameters("x; name*=koi8-r''a").is_err());
    }

    #[test]
    fn header_names_follow_django() {
        assert_eq!(
            parse_header_name("HTTP_X_CSRFTOKEN").as_deref(),
            Some("X-Csrftoken")
        );
        assert_eq!(
            parse_header_name("CONTENT_TYPE").as_deref(),
            Some("Content-Type")
        );
        assert_eq!(parse_header_name("HTTP_").as_deref(), Some(""));
        assert_eq!(parse_header_name("X_CSRF"), None);
    }
}
