//! `request.POST` as Django builds it, for the one thing the CSRF check
//! reads from it: `request.POST.get("csrfmiddlewaretoken", "")`.
//!
//! Two small parsers that never panic and never allocate more than a
//! bounded multiple of the body:
//!
//! - `application/x-www-form-urlencoded`: `QueryDict(body)`, i.e. CPython's
//!   `parse_qsl(keep_blank_values=True)` (split on `&` only, `+` is a space,
//!   `%XX` decoded as UTF-8 with replacement, a body that is not UTF-8 read
//!   as Latin-1), with `DATA_UPLOAD_MAX_MEMORY_SIZE` and
//!   `DATA_UPLOAD_MAX_NUMBER_FIELDS`;
//! - `multipart/form-data`: Django's `MultiPartParser` for simple fields:
//!   parts found by searching for `--boundary` (one preceding `\n` and then
//!   `\r` trimmed), part headers ended by the first `\r\n\r\n` within 1024
//!   bytes, `Content-Disposition` names, `filename` making a part a file
//!   (left out of POST), `Content-Transfer-Encoding: base64` fields decoded,
//!   with Django's limits and error messages.
//!
//! What a stream-fed parser does on pathological bodies (a part skipped
//! without being read, then re-read as the start of the next one) is not
//! reproduced: such parts end at their boundary here.

use super::http::{parse_header_parameters, Meta};
use crate::error::{Error, Result};

/// The limits Django applies to request bodies, plus the edge's own cap
/// on how much of a multipart body it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormLimits {
    /// `DATA_UPLOAD_MAX_MEMORY_SIZE` (default 2.5 MiB): the largest
    /// urlencoded body, and the most field data a multipart body may carry.
    pub max_memory_size: Option<usize>,
    /// `DATA_UPLOAD_MAX_NUMBER_FIELDS` (default 1000).
    pub max_number_fields: Option<usize>,
    /// `DATA_UPLOAD_MAX_NUMBER_FILES` (default 100).
    pub max_number_files: Option<usize>,
}

impl Default for FormLimits {
    fn default() -> Self {
        FormLimits {
            max_memory_size: Some(2_621_440),
            max_number_fields: Some(1000),
            max_number_files: Some(100),
        }
    }
}

fn django(class: &'static str, message: impl Into<String>) -> Error {
    Error::Django {
        exception: class,
        message: message.into(),
    }
}

const TOO_BIG: &str = "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.";
const TOO_MANY_FIELDS: &str =
    "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.";

/// A character encoding as far as these parsers tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// UTF-8 and its aliases.
    Utf8,
    /// ISO-8859-1 and its aliases.
    Latin1,
    /// US-ASCII and its aliases.
    Ascii,
    /// Another codec CPython knows (UTF-16, cp1252, ...).
    Other,
}

impl Charset {
    /// `codecs.lookup(name)`, for the common codecs: `None` where CPython
    /// would raise LookupError (also for rare codecs missing from this
    /// table, which are then treated as unknown).
    pub fn lookup(name: &str) -> Option<Charset> {
        let normalized = normalize_encoding(name);
        let n = normalized.as_str();
        const UTF8: &[&str] = &[
            "utf_8",
            "utf8",
            "u8",
            "utf",
            "utf8_ucs2",
            "utf8_ucs4",
            "cp65001",
        ];
        const LATIN1: &[&str] = &[
            "latin_1",
            "latin1",
            "latin",
            "l1",
            "iso8859_1",
            "iso_8859_1",
            "8859",
            "cp819",
            "iso_ir_100",
            "csisolatin1",
            "iso_8859_1_1987",
            "iso8859",
        ];
        const ASCII: &[&str] = &[
            "ascii",
            "us_ascii",
            "646",
            "ansi_x3.4_1968",
            "ansi_x3_4_1968",
            "ansi_x3.4_1986",
            "cp367",
            "csascii",
            "ibm367",
            "iso646_us",
            "iso_646.irv_1991",
            "iso_ir_6",
            "us",
        ];
        const OTHER: &[&str] = &[
            "utf_16",
            "utf16",
            "u16",
            "utf_16_le",
            "utf_16le",
            "utf_16_be",
            "utf_16be",
            "utf_32",
            "utf32",
            "u32",
            "utf_32_le",
            "utf_32le",
            "utf_32_be",
            "utf_32be",
            "utf_7",
            "utf7",
            "u7",
            "utf_8_sig",
            "cp1250",
            "cp1251",
            "cp1252",
            "cp1253",
            "cp1254",
            "cp1255",
            "cp1256",
            "cp1257",
            "cp1258",
            "windows_1250",
            "windows_1251",
            "windows_1252",
            "windows_1253",
            "windows_1254",
            "windows_1255",
            "windows_1256",
            "windows_1257",
            "windows_1258",
            "iso8859_2",
            "iso8859_3",
            "iso8859_4",
            "iso8859_5",
            "iso8859_6",
            "iso8859_7",
            "iso8859_8",
            "iso8859_9",
            "iso8859_10",
            "iso8859_11",
            "iso8859_13",
            "iso8859_14",
            "iso8859_15",
            "iso8859_16",
            "iso_8859_2",
            "iso_8859_3",
            "iso_8859_4",
            "iso_8859_5",
            "iso_8859_6",
            "iso_8859_7",
            "iso_8859_8",
            "iso_8859_9",
            "iso_8859_10",
            "iso_8859_11",
            "iso_8859_13",
            "iso_8859_14",
            "iso_8859_15",
            "iso_8859_16",
            "latin2",
            "latin3",
            "latin4",
            "latin5",
            "latin6",
            "latin7",
            "latin8",
            "latin9",
            "latin10",
            "koi8_r",
            "koi8_u",
            "koi8_t",
            "shift_jis",
            "sjis",
            "s_jis",
            "shiftjis",
            "euc_jp",
            "eucjp",
            "ujis",
            "euc_kr",
            "euckr",
            "gb2312",
            "gbk",
            "gb18030",
            "big5",
            "big5hkscs",
            "cp932",
            "cp936",
            "cp949",
            "cp950",
            "iso2022_jp",
            "iso_2022_jp",
            "mac_roman",
            "macroman",
            "cp437",
            "cp850",
            "cp852",
            "cp866",
            "cp037",
            "cp500",
            "cp1140",
            "hz",
            "johab",
            "tis_620",
            "cp874",
            "mbcs",
            "idna",
            "punycode",
            "raw_unicode_escape",
            "unicode_escape",
            "charmap",
        ];
        if UTF8.contains(&n) {
            Some(Charset::Utf8)
        } else if LATIN1.contains(&n) {
            Some(Charset::Latin1)
        } else if ASCII.contains(&n) {
            Some(Charset::Ascii)
        } else if OTHER.contains(&n) {
            Some(Charset::Other)
        } else {
            None
        }
    }

    /// `bytes.decode(charset, errors="replace")` (Other codecs read as UTF-8).
    pub fn decode(self, bytes: &[u8]) -> String {
        match self {
            Charset::Latin1 => bytes.iter().map(|&b| char::from(b)).collect(),
            Charset::Ascii => bytes
                .iter()
                .map(|&b| if b < 0x80 { char::from(b) } else { '\u{fffd}' })
                .collect(),
            Charset::Utf8 | Charset::Other => String::from_utf8_lossy(bytes).into_owned(),
        }
    }
}

/// `encodings.normalize_encoding` after `codecs.lookup`'s lower-casing:
/// runs of characters other than ASCII letters, digits and `.` become one
/// `_`, and leading/trailing ones go.
fn normalize_encoding(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending = false;
    for c in super::python::lower(name).chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            if pending && !out.is_empty() {
                out.push('_');
            }
            pending = false;
            out.push(c);
        } else {
            pending = true;
        }
    }
    out
}

/// CPython's `unquote(text, encoding)`: `%XX` (two hex digits) decoded to
/// a byte within each run of ASCII characters, each run then decoded by
/// `decode`; other characters kept as they are.
pub fn percent_decode_ascii_runs(text: &str, decode: impl Fn(&[u8]) -> String) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut run: Vec<u8> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let flush = |run: &mut Vec<u8>, out: &mut String| {
        if !run.is_empty() {
            out.push_str(&decode(run));
            run.clear();
        }
    };
    while let Some(&b) = bytes.get(i) {
        if b >= 0x80 {
            flush(&mut run, &mut out);
            // The whole non-ASCII character, as it is.
            let len = match b {
                0xF0..=0xFF => 4,
                0xE0..=0xEF => 3,
                _ => 2,
            };
            if let Some(c) = text.get(i..i + len) {
                out.push_str(c);
            }
            i += len;
            continue;
        }
        let hex = |at: usize| bytes.get(at).and_then(|&h| char::from(h).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                run.push(u8::try_from(hi * 16 + lo).unwrap_or(0));
                i += 3;
            }
            _ => {
                run.push(b);
                i += 1;
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

/// `QueryDict(body, encoding="utf-8")`: the pairs in order, as
/// `parse_qsl(keep_blank_values=True, max_num_fields=...)` gives them.
///
/// ```
/// use edge_sessions::django::form::{query_pairs, FormLimits};
/// let pairs = query_pairs(b"a=1&b=x+y&a=%C3%A9&c;d=2&&e", &FormLimits::default()).unwrap();
/// assert_eq!(pairs, [("a", "1"), ("b", "x y"), ("a", "\u{e9}"), ("c;d", "2"), ("e", "")].map(|(k, v)| (k.to_string(), v.to_string())));
/// ```
pub fn query_pairs(body: &[u8], limits: &FormLimits) -> Result<Vec<(String, String)>> {
    let text = match std::str::from_utf8(body) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => std::borrow::Cow::Owned(Charset::Latin1.decode(body)),
    };
    if let Some(max) = limits.max_number_fields {
        let fields = if text.is_empty() {
            0
        } else {
            1 + text.matches('&').count()
        };
        if fields > max {
            return Err(django("TooManyFieldsSent", TOO_MANY_FIELDS));
        }
    }
    let unquote = |s: &str| {
        percent_decode_ascii_runs(&s.replace('+', " "), |b| {
            String::from_utf8_lossy(b).into_owned()
        })
    };
    Ok(text
        .split('&')
        .filter(|field| !field.is_empty())
        .map(|field| {
            let (name, value) = field.split_once('=').unwrap_or((field, ""));
            (unquote(name), unquote(value))
        })
        .collect())
}

/// Python's `int()` of a META value, as `int(META.get(key) or 0)`.
fn content_length(meta: &Meta) -> std::result::Result<Option<i64>, ()> {
    match meta.get("CONTENT_LENGTH") {
        None | Some("") => Ok(None),
        Some(text) => match super::python::int_from_str(text) {
            Some(super::python::ParsedInt::Small(n)) => Ok(Some(n)),
            Some(super::python::ParsedInt::Big) => Ok(Some(i64::MAX)),
            None => Err(()),
        },
    }
}

/// The value `request.POST.get(name)` gives for a request: the last value
/// of the field, `None` when absent (or not a POST, or not a form body).
/// `Err` with Django's exception where Django raises one.
pub fn post_get(
    method: &str,
    meta: &Meta,
    body: &[u8],
    name: &str,
    limits: &FormLimits,
) -> Result<Option<String>> {
    if method != "POST" {
        return Ok(None);
    }
    let raw_type = meta.get("CONTENT_TYPE").unwrap_or_default();
    // `request.content_type`: a header Django cannot parse reads as none.
    let parsed = parse_header_parameters(raw_type).unwrap_or_default();
    let encoding = parsed
        .param("charset")
        .and_then(|c| Charset::lookup(c).map(|k| (c, k)));
    // WSGIRequest reads at most CONTENT_LENGTH bytes (0 when unreadable).
    let stream_length = content_length(meta).ok().flatten().unwrap_or(0).max(0);
    let stream = body
        .get(
            ..usize::try_from(stream_length)
                .unwrap_or(usize::MAX)
                .min(body.len()),
        )
        .unwrap_or_default();
    let fields = match parsed.main.as_str() {
        "multipart/form-data" => {
            let charset = encoding.map_or(Charset::Utf8, |(_, k)| k);
            multipart_fields(meta, raw_type, stream, charset, limits)?
        }
        "application/x-www-form-urlencoded" => {
            if let Some((label, _)) = encoding {
                if super::python::lower(label) != "utf-8" {
                    return Err(django(
                        "BadRequest",
                        "HTTP requests with the 'application/x-www-form-urlencoded' content type must be UTF-8 encoded.",
                    ));
                }
            }
            let declared = match content_length(meta) {
                Ok(n) => n.unwrap_or(0),
                Err(()) => {
                    return Err(django(
                        "ValueError",
                        format!(
                            "invalid literal for int() with base 10: {}",
                            super::python::repr_str(meta.get("CONTENT_LENGTH").unwrap_or_default())
                        ),
                    ))
                }
            };
            if let Some(max) = limits.max_memory_size {
                let too_big = |n: usize| n > max;
                if declared > 0 && too_big(usize::try_from(declared).unwrap_or(usize::MAX)) {
                    return Err(django("RequestDataTooBig", TOO_BIG));
                }
                if too_big(stream.len()) {
                    return Err(django("RequestDataTooBig", TOO_BIG));
                }
            }
            query_pairs(stream, limits)?
        }
        _ => return Ok(None),
    };
    Ok(fields
        .into_iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v))
}

/// `MultiPartParser(META, stream).parse()[0]`: the POST fields in order.
pub fn multipart_fields(
    meta: &Meta,
    raw_content_type: &str,
    stream: &[u8],
    charset: Charset,
    limits: &FormLimits,
) -> Result<Vec<(String, String)>> {
    if !raw_content_type.starts_with("multipart/") {
        return Err(django(
            "MultiPartParserError",
            format!("Invalid Content-Type: {raw_content_type}"),
        ));
    }
    if !raw_content_type.is_ascii() {
        return Err(django(
            "MultiPartParserError",
            format!("Invalid non-ASCII Content-Type in multipart: {raw_content_type}"),
        ));
    }
    let boundary = parse_header_parameters(raw_content_type)
        .ok()
        .and_then(|h| h.param("boundary").map(str::to_owned));
    let valid = boundary.as_deref().is_some_and(|b| {
        let chars: Vec<char> = b.chars().collect();
        (1..=201).contains(&chars.len())
            && chars.iter().all(|&c| (' '..='~').contains(&c))
            && chars.last().is_some_and(|&c| c != ' ')
    });
    let boundary = match boundary {
        Some(b) if valid => b,
        other => {
            return Err(django(
                "MultiPartParserError",
                format!(
                    "Invalid boundary in multipart: {}",
                    other.as_deref().unwrap_or("None")
                ),
            ))
        }
    };
    match content_length(meta) {
        Ok(Some(n)) if n < 0 => {
            return Err(django(
                "MultiPartParserError",
                format!("Invalid content length: {n}"),
            ))
        }
        Ok(Some(0)) | Ok(None) | Err(()) => return Ok(Vec::new()),
        Ok(Some(_)) => {}
    }
    let separator = format!("--{boundary}").into_bytes();
    let mut fields = Vec::new();
    let (mut field_count, mut file_count, mut bytes_read) = (0usize, 0usize, 0usize);
    for content in parts(stream, &separator) {
        let part = parse_part(content)?;
        let is_file = part.as_ref().is_some_and(|p| p.filename.is_some());
        if !is_file {
            // FIELD and RAW parts count as fields.
            field_count += 1;
            check_field_count(field_count, limits)?;
        }
        let Some(Part {
            name: Some(name),
            filename,
            base64,
            data,
        }) = part
        else {
            continue;
        };
        let name = charset.decode(&name);
        if let Some(filename) = filename {
            file_count += 1;
            if limits.max_number_files.is_some_and(|max| file_count > max) {
                return Err(django(
                    "TooManyFilesSent",
                    "The number of files exceeded settings.DATA_UPLOAD_MAX_NUMBER_FILES.",
                ));
            }
            // A file whose name sanitizes to nothing is skipped unread.
            if base64 && sanitize_file_name(&filename).is_some() {
                let compact: Vec<u8> = data
                    .iter()
                    .copied()
                    .filter(|b| !(b.is_ascii_whitespace() || *b == 0x0b))
                    .collect();
                if compact.len() % 4 != 0 || b64decode_lenient(&compact).is_none() {
                    return Err(django(
                        "MultiPartParserError",
                        "Could not decode base64 data.",
                    ));
                }
            }
            continue;
        }
        let allowance = limits
            .max_memory_size
            .map(|max| max.saturating_sub(bytes_read));
        let raw = match allowance {
            Some(n) => data.get(..n.min(data.len())).unwrap_or_default(),
            None => data,
        };
        bytes_read += raw.len();
        let value = if base64 {
            b64decode_lenient(raw).unwrap_or_else(|| raw.to_vec())
        } else {
            raw.to_vec()
        };
        bytes_read += name.chars().count() + 2;
        if limits.max_memory_size.is_some_and(|max| bytes_read > max) {
            return Err(django("RequestDataTooBig", TOO_BIG));
        }
        fields.push((name, charset.decode(&value)));
    }
    Ok(fields)
}

fn check_field_count(count: usize, limits: &FormLimits) -> Result<()> {
    // Two more for the empty parts before the first boundary and after the last.
    if limits
        .max_number_fields
        .is_some_and(|max| max.saturating_add(2) < count)
    {
        return Err(django("TooManyFieldsSent", TOO_MANY_FIELDS));
    }
    Ok(())
}

/// The contents between separators: from the start (the preamble is a
/// part too), each ended by the next separator with one `\n` and then one
/// `\r` before it trimmed; the rest after the last separator unless empty.
fn parts<'a>(stream: &'a [u8], separator: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut position = Some(0usize);
    std::iter::from_fn(move || {
        let start = position?;
        let rest = stream.get(start..).unwrap_or_default();
        if rest.is_empty() {
            position = None;
            return None;
        }
        match find(rest, separator) {
            Some(index) => {
                position = Some(start + index + separator.len());
                let mut content = rest.get(..index).unwrap_or_default();
                if let Some(trimmed) = content.strip_suffix(b"\n") {
                    content = trimmed;
                }
                if let Some(trimmed) = content.strip_suffix(b"\r") {
                    content = trimmed;
                }
                Some(content)
            }
            None => {
                position = None;
                Some(rest)
            }
        }
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    let first = *needle.first()?;
    let mut from = 0;
    while let Some(offset) = haystack
        .get(from..)
        .and_then(|h| h.iter().position(|&b| b == first))
    {
        let at = from + offset;
        if haystack.get(at..at + needle.len()) == Some(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// A part with headers.
struct Part<'a> {
    /// The `name` of its Content-Disposition, as bytes, stripped.
    name: Option<Vec<u8>>,
    /// Its `filename`, when not empty: the part is a file.
    filename: Option<String>,
    base64: bool,
    data: &'a [u8],
}

/// Django's part header size limit.
const MAX_TOTAL_HEADER_SIZE: usize = 1024;

/// `parse_boundary_stream`: `None` for a RAW part (no header block, or no
/// Content-Disposition), the part otherwise.
fn parse_part(content: &[u8]) -> Result<Option<Part<'_>>> {
    let head = content
        .get(..MAX_TOTAL_HEADER_SIZE.min(content.len()))
        .unwrap_or_default();
    let Some(header_end) = find(head, b"\r\n\r\n") else {
        if content.len() < MAX_TOTAL_HEADER_SIZE {
            return Ok(None);
        }
        return Err(django(
            "MultiPartParserError",
            "Request max total header size exceeded.",
        ));
    };
    let header = content.get(..header_end).unwrap_or_default();
    let data = content.get(header_end + 4..).unwrap_or_default();
    let mut disposition: Option<Vec<(String, String)>> = None;
    let mut transfer_encoding: Option<String> = None;
    for line in split_crlf(header) {
        let Ok(line) = std::str::from_utf8(line) else {
            continue;
        };
        let Ok(parsed) = parse_header_parameters(line) else {
            continue;
        };
        let Some((name, value)) = parsed.main.split_once(':') else {
            continue;
        };
        match name {
            "content-disposition" => disposition = Some(parsed.params),
            "content-transfer-encoding" => {
                transfer_encoding = Some(super::python::strip(value).to_owned())
            }
            _ => {}
        }
    }
    let Some(params) = disposition else {
        return Ok(None);
    };
    let get = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    Ok(Some(Part {
        name: get("name").map(|n| trim_bytes(n.as_bytes()).to_vec()),
        filename: get("filename").filter(|f| !f.is_empty()).map(str::to_owned),
        base64: transfer_encoding.as_deref() == Some("base64"),
        data,
    }))
}

/// Python's `bytes.strip()`: ASCII whitespace, vertical tab included.
fn trim_bytes(bytes: &[u8]) -> &[u8] {
    let space = |b: &u8| b.is_ascii_whitespace() || *b == 0x0b;
    let start = bytes.iter().position(|b| !space(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !space(b))
        .map_or(start, |e| e + 1);
    bytes.get(start..end).unwrap_or_default()
}

fn split_crlf(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let current = rest?;
        match find(current, b"\r\n") {
            Some(i) => {
                rest = current.get(i + 2..);
                current.get(..i)
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// `sanitize_file_name` without `html.unescape`: the last path component,
/// unprintable characters removed; `None` for "", "." and "..".
fn sanitize_file_name(name: &str) -> Option<String> {
    let last = name.rsplit('/').next().unwrap_or_default();
    let last = last.rsplit('\\').next().unwrap_or_default();
    let kept: String = last.chars().filter(|c| !c.is_control()).collect();
    match kept.as_str() {
        "" | "." | ".." => None,
        _ => Some(kept),
    }
}

/// `base64.b64decode(data)` (CPython's non-strict `a2b_base64`):
/// characters outside the alphabet skipped, decoding stops at a complete
/// pad; `None` for "Incorrect padding" or a lone trailing character.
pub fn b64decode_lenient(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 4 * 3 + 3);
    let (mut quad, mut left, mut pads) = (0u8, 0u8, 0u8);
    for &c in data {
        if c == b'=' {
            if quad >= 2 {
                pads += 1;
                if quad + pads >= 4 {
                    return Some(out);
                }
            }
            continue;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        pads = 0;
        match quad {
            0 => {
                quad = 1;
                left = v;
            }
            1 => {
                quad = 2;
                out.push((left << 2) | (v >> 4));
                left = v & 0x0f;
            }
            2 => {
                quad = 3;
                out.push((left << 4) | (v >> 2));
                left = v & 0x03;
            }
            _ => {
                quad = 0;
                out.push((left << 6) | v);
                left = 0;
            }
        }
    }
    (quad == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(content_type: &str, length: usize) -> Meta {
        let mut m = Meta::new();
        m.insert("CONTENT_TYPE", content_type);
        m.insert("CONTENT_LENGTH", length.to_string());
        m
    }

    fn token(content_type: &str, body: &[u8]) -> Result<Option<String>> {
        post_get(
            "POST",
            &meta(content_type, body.len()),
            body,
            "csrfmiddlewaretoken",
            &FormLimits::default(),
        )
    }

    #[test]
    fn urlencoded_takes_the_last_value() {
        let t = token(
            "application/x-www-form-urlencoded",
            b"csrfmiddlewaretoken=a&csrfmiddlewaretoken=b",
        );
        assert_eq!(t.unwrap().as_deref(), Some("b"));
        let t = token(
            "application/x-www-form-urlencoded",
            b"a=1;csrfmiddlewaretoken=x",
        );
        assert_eq!(t.unwrap(), None);
        let t = token("application/x-www-form-urlencoded; charset=latin-1", b"a=1");
        assert_eq!(t.unwrap_err().name(), "BadRequest");
        let t = token(
            "application/x-www-form-urlencoded; charset=bogus",
            b"csrfmiddlewaretoken=z",
        );
        assert_eq!(t.unwrap().as_deref(), Some("z"));
        let t = token("text/plain", b"csrfmiddlewaretoken=z");
        assert_eq!(t.unwrap(), None);
        let many = "a&".repeat(1000);
        let t = token("application/x-www-form-urlencoded", many.as_bytes());
        assert_eq!(t.unwrap_err().name(), "TooManyFieldsSent");
    }

    #[test]
    fn multipart_fields_like_django() {
        let body = b"--B\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\nabc\r\n--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"t.txt\"\r\n\r\nxyz\r\n--B--\r\n";
        let t = token("multipart/form-data; boundary=B", body);
        assert_eq!(t.unwrap().as_deref(), Some("abc"));
        let body = b"--B\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\nContent-Transfer-Encoding: base64\r\n\r\nYWJj\r\n--B--\r\n";
        let t = token("multipart/form-data; boundary=B", body);
        assert_eq!(t.unwrap().as_deref(), Some("abc"));
        let t = token("multipart/form-data", b"garbage");
        assert_eq!(
            t.unwrap_err().to_string(),
            "Invalid boundary in multipart: None"
        );
        let t = token("MULTIPART/FORM-DATA; boundary=B", b"--B--");
        assert_eq!(t.unwrap_err().name(), "MultiPartParserError");
        let long = format!("--B\r\n{}\r\n--B--", "x".repeat(2000));
        let t = token("multipart/form-data; boundary=B", long.as_bytes());
        assert_eq!(
            t.unwrap_err().to_string(),
            "Request max total header size exceeded."
        );
    }

    #[test]
    fn base64_is_lenient_like_cpython() {
        assert_eq!(b64decode_lenient(b"YW Jj").as_deref(), Some(&b"abc"[..]));
        assert_eq!(
            b64decode_lenient(b"YQ==garbage").as_deref(),
            Some(&b"a"[..])
        );
        assert_eq!(b64decode_lenient(b"YQ"), None);
        assert_eq!(b64decode_lenient(b"Y"), None);
    }

    #[test]
    fn percent_decoding_keeps_non_ascii() {
        let d = |s: &str| percent_decode_ascii_runs(s, |b| String::from_utf8_lossy(b).into_owned());
        assert_eq!(d("%C3%A9\u{e9}%zz%4"), "\u{e9}\u{e9}%zz%4");
        assert_eq!(d("%C3"), "\u{fffd}");
    }
}
