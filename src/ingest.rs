//! Ingest: read a file, strip markup and web boilerplate, and keep a map from
//! every byte of the cleaned text back to the original file.
//!
//! Invariant: for any byte range of [`Document::text`], [`Document::span`]
//! returns character offsets into the *original* file whose slice is the
//! original text of that range (markup and removed lines never leak into
//! evidence).

use crate::error::{Error, Result};
use crate::lexicon::Lexicon;
use crate::model::{DocumentInfo, EntityType, Span};
use crate::pattern::{Pattern, DEFAULT_SIZE_LIMIT};
use regex::Regex;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Piecewise map from positions of one text to positions of another: each
/// piece `(from, to)` says that `from + k` maps to `to + k` until the next piece.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    pieces: Vec<(usize, usize)>,
}

impl OffsetMap {
    pub fn push(&mut self, from: usize, to: usize) {
        if let Some(&(f, t)) = self.pieces.last() {
            if from >= f && to >= t && to - t == from - f {
                return; // continues the current piece
            }
        }
        self.pieces.push((from, to));
    }

    pub fn map(&self, x: usize) -> usize {
        match self.pieces.binary_search_by(|&(f, _)| f.cmp(&x)) {
            Ok(i) => self.pieces[i].1,
            Err(0) => x,
            Err(i) => {
                let (f, t) = self.pieces[i - 1];
                t + (x - f)
            }
        }
    }
}

/// A document ready for segmentation.
#[derive(Debug, Clone)]
pub struct Document {
    pub info: DocumentInfo,
    pub original: String,
    /// The text without markup and boilerplate: one line per kept line.
    pub text: String,
    /// Cleaned text → markup-free text (or original, for plain text).
    line_map: OffsetMap,
    /// Markup-free text → original (HTML only).
    html_map: Option<OffsetMap>,
    /// Byte offset in `original` → character offset, for non-ASCII files.
    char_of_byte: Option<Vec<u32>>,
    pub diagnostics: Vec<String>,
}

impl Document {
    /// Byte offset in the original file of a byte offset in `text`.
    pub fn orig_byte(&self, clean: usize) -> usize {
        let x = self.line_map.map(clean);
        let x = match &self.html_map {
            Some(m) => m.map(x),
            None => x,
        };
        x.min(self.original.len())
    }

    fn char_offset(&self, byte: usize) -> usize {
        match &self.char_of_byte {
            Some(v) => v[byte.min(v.len() - 1)] as usize,
            None => byte,
        }
    }

    /// The span of the original file that a byte range of `text` came from.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let (mut s, mut e) = (self.orig_byte(start), self.orig_byte(end.max(start)));
        if end > start {
            // The end maps from the last byte included, so that a range ending
            // at a removed line does not swallow it.
            e = self.orig_byte(end - 1) + 1;
        }
        while s < self.original.len() && !self.original.is_char_boundary(s) {
            s += 1;
        }
        while e < self.original.len() && !self.original.is_char_boundary(e) {
            e += 1;
        }
        let e = e.max(s).min(self.original.len());
        Span {
            start: self.char_offset(s),
            end: self.char_offset(e),
            text: self.original[s..e].to_string(),
        }
    }
}

/// Expand directories into the documents they hold (`.txt`, `.html`,
/// `.htm`, sorted), keeping explicit files as given. Missing paths become
/// errors; the rest is still returned.
pub fn collect_inputs(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<Error>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let mut found = Vec::new();
            if let Err(e) = walk(p, &mut found) {
                errors.push(e);
            }
            found.sort();
            files.extend(found);
        } else if p.exists() {
            files.push(p.clone());
        } else {
            errors.push(Error::NotFound { path: p.clone() });
        }
    }
    (files, errors)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in rd {
        let p = entry.map_err(|e| Error::io(dir, e))?.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else if is_document(&p) {
            out.push(p);
        }
    }
    Ok(())
}

fn is_document(p: &Path) -> bool {
    matches!(
        p.extension()
            .and_then(|x| x.to_str())
            .map(|x| x.to_ascii_lowercase())
            .as_deref(),
        Some("txt" | "html" | "htm" | "text")
    )
}

fn is_html(path: &Path, text: &str) -> bool {
    match path
        .extension()
        .and_then(|x| x.to_str())
        .map(|x| x.to_ascii_lowercase())
        .as_deref()
    {
        Some("html" | "htm" | "xhtml") => true,
        Some("txt" | "text") => false,
        _ => {
            let head: String = text
                .chars()
                .take(512)
                .collect::<String>()
                .to_ascii_lowercase();
            head.contains("<html") || head.contains("<!doctype html")
        }
    }
}

/// Decode and check a file's bytes: empty, binary and non-UTF-8 files are
/// errors that name the file and the offset.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    // `contains` is a memchr; the offset is looked for only when needed.
    if bytes.contains(&0) {
        return Err(Error::Binary {
            path: path.to_path_buf(),
            offset: bytes.iter().position(|&b| b == 0).unwrap_or_default(),
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(Error::NotUtf8 {
            path: path.to_path_buf(),
            offset: e.valid_up_to(),
        }),
    }
}

/// Read a document from its bytes.
pub fn ingest(path: &Path, bytes: &[u8], lexicon: &Lexicon) -> Result<Document> {
    let had_bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let text = decode(path, bytes)?;
    let mut original = text;
    if had_bom {
        // Offsets count from the first character after the BOM, like the text.
        original = original.trim_start_matches('\u{feff}').to_string();
    }
    // Plain text is its own markup-free text: borrowed, not copied.
    let (plain, html_map) = if is_html(path, &original) {
        let (t, m) = strip_html(&original);
        (Cow::Owned(t), Some(m))
    } else {
        (Cow::Borrowed(original.as_str()), None)
    };
    let raw_lines: Vec<(usize, &str)> = line_ranges(&plain);
    let mut text = String::with_capacity(plain.len());
    let mut line_map = OffsetMap::default();
    let mut kept: Vec<&str> = Vec::new();
    let mut removed = 0usize;
    for &(start, line) in &raw_lines {
        if is_boilerplate(line) {
            if !line.trim().is_empty() {
                removed += 1;
            }
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let body = line.trim();
        line_map.push(text.len(), start + lead);
        text.push_str(body);
        line_map.push(text.len(), start + lead + body.len());
        text.push('\n');
        kept.push(body);
    }
    let char_of_byte = if original.is_ascii() {
        None
    } else {
        // Each byte gets the number of the character it is part of: the
        // count of characters started so far (a byte that is no UTF-8
        // continuation byte starts one), less one.
        let mut v = vec![0u32; original.len() + 1];
        let mut started = 0u32;
        for (slot, &b) in v.iter_mut().zip(original.as_bytes()) {
            started += u32::from(b & 0xC0 != 0x80);
            *slot = started - 1;
        }
        v[original.len()] = started;
        Some(v)
    };
    let mut diagnostics = Vec::new();
    if removed > 0 {
        diagnostics.push(format!("removed {removed} boilerplate lines"));
    }
    let raw: Vec<&str> = raw_lines.iter().map(|(_, l)| l.trim()).collect();
    let date = find_date(&raw, &kept);
    if date.is_none() {
        diagnostics.push("no document date found".into());
    }
    let (publisher, country) = find_publisher(&plain, &raw, lexicon);
    let info = DocumentInfo {
        id: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        path: path.to_string_lossy().into_owned(),
        title: find_title(&kept),
        date,
        publisher,
        country,
        sha256: hex(&Sha256::digest(bytes)),
    };
    Ok(Document {
        info,
        original,
        text,
        line_map,
        html_map,
        char_of_byte,
        diagnostics,
    })
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xF)]));
    }
    s
}

/// The lines of `s` and their byte offsets: without their "\n" or "\r\n"
/// (a last line without "\n" is kept whole, if it is not empty). The
/// search for '\n' is a `memchr`, not a test of every byte.
fn line_ranges(s: &str) -> Vec<(usize, &str)> {
    let mut start = 0;
    s.split_inclusive('\n')
        .map(|l| {
            let at = start;
            start += l.len();
            let line = match l.strip_suffix('\n') {
                Some(l) => l.trim_end_matches('\r'),
                None => l,
            };
            (at, line)
        })
        .collect()
}

// ------------------------------------------------------------------ HTML

/// Text of an HTML page without tags, scripts, styles and comments; block
/// elements become line breaks; character references are decoded. Each
/// piece of text keeps its offset in the page.
pub fn strip_html(html: &str) -> (String, OffsetMap) {
    let mut out = String::with_capacity(html.len() / 2);
    let mut map = OffsetMap::default();
    let b = html.as_bytes();
    let mut i = 0;
    let lower = html.to_ascii_lowercase();
    while i < b.len() {
        if b[i] == b'<' {
            if lower[i..].starts_with("<!--") {
                i = lower[i..].find("-->").map(|k| i + k + 3).unwrap_or(b.len());
                continue;
            }
            let end = html[i..].find('>').map(|k| i + k + 1).unwrap_or(b.len());
            let tag = &lower[i + 1..end.saturating_sub(1)];
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if !tag.starts_with('/')
                && matches!(name.as_str(), "script" | "style" | "noscript" | "template")
            {
                let close = format!("</{name}");
                i = lower[end..]
                    .find(&close)
                    .map(|k| end + k)
                    .unwrap_or(b.len());
                i = lower[i..].find('>').map(|k| i + k + 1).unwrap_or(b.len());
                continue;
            }
            if is_block(&name) && !out.ends_with('\n') {
                map.push(out.len(), i);
                out.push('\n');
            }
            i = end;
            continue;
        }
        if b[i] == b'&' {
            if let Some((decoded, len)) = decode_entity(&html[i..]) {
                map.push(out.len(), i);
                out.push(decoded);
                i += len;
                map.push(out.len(), i);
                continue;
            }
        }
        let next = html[i..].find(['<', '&']).map(|k| i + k).unwrap_or(b.len());
        let next = if next == i {
            i + html[i..].chars().next().map_or(1, |c| c.len_utf8())
        } else {
            next
        };
        map.push(out.len(), i);
        out.push_str(&html[i..next]);
        i = next;
    }
    (out, map)
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "li"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "title"
            | "dd"
            | "dt"
            | "blockquote"
            | "figcaption"
            | "figure"
            | "hr"
            | "main"
            | "aside"
            | "body"
            | "head"
            | "html"
            | "form"
            | "pre"
    )
}

fn decode_entity(s: &str) -> Option<(char, usize)> {
    let end = s[..s.len().min(12)].find(';')?;
    let name = &s[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "#39" => '\'',
        "nbsp" => ' ',
        "rsquo" => '’',
        "lsquo" => '‘',
        "rdquo" => '”',
        "ldquo" => '“',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "middot" => '·',
        "copy" => '©',
        _ => {
            let n = name.strip_prefix('#')?;
            let v = if let Some(h) = n.strip_prefix(['x', 'X']) {
                u32::from_str_radix(h, 16).ok()?
            } else {
                n.parse().ok()?
            };
            char::from_u32(v)?
        }
    };
    Some((c, end + 1))
}

// ------------------------------------------------------------------ boilerplate

/// Lines that are web furniture, not content: navigation and menus, interface
/// strings in Korean or Japanese, share buttons, hit counters, copyright
/// footers, "Top".
pub fn is_boilerplate(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() {
        return true;
    }
    // Most lines are ASCII: they take byte-wise shortcuts to the same answer.
    is_boilerplate_trimmed(t, t.is_ascii())
}

/// [`is_boilerplate`] of a trimmed, non-empty line. With `ascii` (which the
/// caller sets only for ASCII lines) letters are counted by bytes and case
/// is folded in place instead of in a lower-cased copy; without it, every
/// step reads characters, which is right for any line.
fn is_boilerplate_trimmed(t: &str, ascii: bool) -> bool {
    // Every letter of an ASCII line is Latin, and only whether it has one
    // matters then.
    let (has_letters, mostly_not_latin) = if ascii {
        (t.bytes().any(|b| b.is_ascii_alphabetic()), false)
    } else {
        let (letters, latin) = t.chars().fold((0, 0), |(n, l), c| {
            (
                n + usize::from(c.is_alphabetic()),
                l + usize::from(c.is_ascii_alphabetic()),
            )
        });
        (letters > 0, letters > 0 && latin * 2 < letters)
    };
    if mostly_not_latin {
        return true; // mostly Hangul / Kana / CJK: interface strings of the site
    }
    let chars = if ascii { t.len() } else { t.chars().count() };
    if !has_letters && chars < 12 && !t.contains('-') {
        return true; // lone numbers and punctuation (hit counters, separators)
    }
    // Lower-casing maps ':', '.', '!' and white space to themselves, so an
    // ASCII line can be trimmed first and compared without a copy.
    let lower = if ascii { None } else { Some(t.to_lowercase()) };
    let is_nav = match &lower {
        Some(lower) => NAV.contains(&lower.trim_end_matches([':', '.', '!']).trim()),
        None => {
            let l = t.trim_end_matches([':', '.', '!']).trim();
            l.len() <= NAV_MAX_LEN && NAV.iter().any(|n| l.eq_ignore_ascii_case(n))
        }
    };
    if is_nav {
        return true;
    }
    // A language menu ("ENGLISH  FRENCH  SPANISH") or a breadcrumb
    // ("HOME > Press > Press Releases").
    let is_language = |w: &str| {
        if w.is_ascii() {
            LANGUAGES.iter().any(|l| w.eq_ignore_ascii_case(l))
        } else {
            LANGUAGES.contains(&w.to_lowercase().as_str())
        }
    };
    let mut words = t
        .split(|c: char| c.is_whitespace() || c == '|' || c == '/')
        .filter(|w| !w.is_empty());
    // Stops at the first word that is no language (most lines' first word).
    let mut n = 0;
    if words.all(|w| {
        n += 1;
        is_language(w)
    }) && n >= 2
    {
        return true;
    }
    if t.contains('>') && t.matches(" > ").count() >= 2 && t.split_whitespace().count() <= 12 {
        return true;
    }
    let may_be_furniture = match &lower {
        Some(lower) => may_be_furniture_phrase(t, lower),
        None => may_be_furniture_phrase_ascii(t),
    };
    may_be_furniture && furniture_regex().is_match(t)
}

/// Navigation and interface strings that make a whole line furniture (in
/// lower case, without final ':', '.' or '!').
const NAV: &[&str] = &[
    "skip navigation",
    "skip to main content",
    "skip to content",
    "go to content",
    "text size",
    "close",
    "top",
    "go to top",
    "back to top",
    "print",
    "share",
    "menu",
    "search",
    "home",
    "kor",
    "eng",
    "list",
    "prev",
    "next",
    "previous",
    "facebook",
    "twitter",
    "x",
    "kakaotalk",
    "email",
    "e-mail",
    "join us on social",
    "special coverage",
    "related articles",
    "related article",
    "subscribe",
    "bar_progress",
    "font size",
    "zoom in",
    "zoom out",
    "hit",
    "countries information",
    "press releases",
    "press release",
    "press",
    "news",
    "briefings",
    "spokesperson's briefings",
    "latest news",
    "most viewed",
    "recommended",
    "more",
    "login",
    "sign in",
    "sitemap",
    "site map",
    "contact us",
    "language",
    "english",
    "korean",
    "japanese",
    "advertisement",
    "ad",
    "photo",
    "video",
    "copy link",
    "url copied",
    "unofficial translation",
    "* unofficial translation",
    "back",
    "view",
    "download",
];

/// The length of the longest [`NAV`] string: a longer line is none of them.
const NAV_MAX_LEN: usize = 24;

/// Names of languages, as a language menu lists them.
const LANGUAGES: &[&str] = &[
    "english",
    "korean",
    "japanese",
    "chinese",
    "french",
    "spanish",
    "arabic",
    "russian",
    "german",
    "portuguese",
    "vietnamese",
    "indonesian",
    "thai",
    "한국어",
    "日本語",
    "中文",
];

/// The furniture lines of [`is_boilerplate`] that a pattern describes: hit
/// counters, copyright footers, numbered menus, share buttons.
fn furniture_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?ix)^(?:
                hit\s*:?\s*\d+
              | views?\s*:?\s*\d+
              | (?:©|\(c\)|copyright\b).*
              | .*\ball\ rights\ reserved\b.*
              | \d{1,2}[.)]\s*(?:home|press|press\ releases|news|briefings|policy|about\ us|ministry|countries\ information|notice|events?)
              | (?:share|print|tweet)(?:\s+(?:this|on|via)\b.*)?
            )$",
        )
        .unwrap()
    })
}

/// Cheap test before the furniture regex of [`is_boilerplate`]: a line it
/// matches can be a numbered menu item, starts with "©" or one of its
/// words, or says "all rights reserved" (`lower` is the line in lower
/// case). The regex folds case the Unicode way: of the letters of these
/// words only "s" has a non-ASCII form ("ſ", which lower-casing keeps), so
/// "ſ" is read as "s".
fn may_be_furniture_phrase(t: &str, lower: &str) -> bool {
    let folded: Cow<str> = if lower.contains('ſ') {
        lower.replace('ſ', "s").into()
    } else {
        lower.into()
    };
    t.starts_with('©')
        || may_be_numbered_menu_item(t)
        || FURNITURE_WORDS.iter().any(|w| folded.starts_with(w))
        || folded.contains(ALL_RIGHTS_RESERVED)
}

/// [`may_be_furniture_phrase`] of an ASCII line, whose lower case is its
/// ASCII lower case: compared in place, without a lower-cased copy.
fn may_be_furniture_phrase_ascii(t: &str) -> bool {
    let b = t.as_bytes();
    may_be_numbered_menu_item(t)
        || FURNITURE_WORDS.iter().any(|w| {
            b.get(..w.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(w.as_bytes()))
        })
        || says_all_rights_reserved(b)
}

/// Can a line be a numbered menu item of the furniture regex,
/// `\d{1,2}[.)]\s*` and a menu word? Its number is one or two numeric
/// characters, and what follows the number's white space has no more
/// characters than the longest word. Most numbered paragraphs are not:
/// they skip the regex, which would read them to the end.
fn may_be_numbered_menu_item(t: &str) -> bool {
    let rest = t.trim_start_matches(char::is_numeric);
    let digits = t[..t.len() - rest.len()].chars().count();
    (1..=2).contains(&digits)
        && rest.strip_prefix(['.', ')']).is_some_and(|word| {
            let longest = "countries information".len();
            word.trim_start().chars().nth(longest).is_none()
        })
}

/// Does `hay` contain "all rights reserved" in any ASCII case? Nearly no
/// line does, so the search skips eight bytes at a time to the phrase's
/// rarest letter, 'v' (the only bytes that OR 0x20 turns into 'v' are 'v'
/// and 'V'), and compares the phrase only around it.
fn says_all_rights_reserved(hay: &[u8]) -> bool {
    const PHRASE: &[u8] = ALL_RIGHTS_RESERVED.as_bytes();
    const V_AT: usize = 16;
    const LANES: u64 = 0x0101_0101_0101_0101;
    let phrase_with_v_at = |k: usize| {
        k >= V_AT
            && hay
                .get(k - V_AT..k - V_AT + PHRASE.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(PHRASE))
    };
    let mut at = 0;
    for chunk in hay.chunks_exact(8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // Zero in the lanes that hold 'v' or 'V'; a lane that is not zero may
        // look zero next to one that is, which the comparison sorts out.
        let x = (w | (LANES * 0x20)) ^ (LANES * u64::from(b'v'));
        let may_have_v = (x.wrapping_sub(LANES) & !x & (LANES * 0x80)) != 0;
        if may_have_v && (at..at + 8).any(phrase_with_v_at) {
            return true;
        }
        at += 8;
    }
    (at..hay.len()).any(phrase_with_v_at)
}

/// The words a line of the furniture regex can start with (in lower case).
const FURNITURE_WORDS: [&str; 7] = ["hit", "view", "(c)", "copyright", "share", "print", "tweet"];

/// The phrase of a copyright footer, anywhere in its line (in lower case).
const ALL_RIGHTS_RESERVED: &str = "all rights reserved";

// ------------------------------------------------------------------ metadata

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Month number of an English month name or abbreviation ("Sept.", "Dec").
pub fn month_number(s: &str) -> Option<u32> {
    let l = s.trim_end_matches('.').to_lowercase();
    if l.len() < 3 {
        return None;
    }
    if l == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&l) && (l.len() == 3 || *m == l))
        .map(|i| i as u32 + 1)
}

fn iso(y: i32, m: u32, d: u32) -> Option<String> {
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1900..=2100).contains(&y) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// A full date written in one of the forms documents use for their own date.
pub fn parse_full_date(s: &str) -> Option<String> {
    // Every form has a four-digit year (`\d{4}`), and most lines have none:
    // they skip the four searches, which had taken about 1% of extraction
    // (timed pattern by pattern over 2,000 synthetic documents).
    if !has_four_digit_run(s) {
        return None;
    }
    static RE: OnceLock<[Pattern; 4]> = OnceLock::new();
    let [ymd, mdy, dmy, dotted] = RE.get_or_init(|| {
        // Unicode word boundaries, as written (an ASCII twin for ASCII lines).
        [
            r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b",
            r"\b([A-Z][A-Za-z]{2,8}\.?)\s+(\d{1,2})(?:st|nd|rd|th)?,\s*(\d{4})\b",
            r"\b(\d{1,2})\s+([A-Z][A-Za-z]{2,8}\.?),?\s+(\d{4})\b",
            r"\b(\d{4})[./](\d{1,2})[./](\d{1,2})\b",
        ]
        .map(|p| Pattern::build(p, DEFAULT_SIZE_LIMIT).expect("date patterns compile"))
    });
    let mut best: Option<(usize, String)> = None;
    let mut consider = |pos: usize, d: Option<String>| {
        if let Some(d) = d {
            if best.as_ref().is_none_or(|(p, _)| pos < *p) {
                best = Some((pos, d));
            }
        }
    };
    if let Some(c) = ymd.captures(s) {
        consider(
            c.get(0).unwrap().start(),
            iso(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?),
        );
    }
    if let Some(c) = dotted.captures(s) {
        consider(
            c.get(0).unwrap().start(),
            iso(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?),
        );
    }
    for c in mdy.captures_iter(s) {
        if let Some(m) = month_number(&c[1]) {
            consider(
                c.get(0).unwrap().start(),
                iso(c[3].parse().ok()?, m, c[2].parse().ok()?),
            );
            break;
        }
    }
    for c in dmy.captures_iter(s) {
        if let Some(m) = month_number(&c[2]) {
            consider(
                c.get(0).unwrap().start(),
                iso(c[3].parse().ok()?, m, c[1].parse().ok()?),
            );
            break;
        }
    }
    best.map(|(_, d)| d)
}

/// Can `s` hold `\d{4}` as the date patterns read it: four digits in a
/// row? Unicode `\d` is the decimal digits of every script, all of which
/// `char::is_numeric` counts, so a text where no four numeric characters
/// follow one another has no match (an ASCII text is read by bytes).
fn has_four_digit_run(s: &str) -> bool {
    let mut run = 0;
    if s.is_ascii() {
        for &b in s.as_bytes() {
            run = if b.is_ascii_digit() { run + 1 } else { 0 };
            if run == 4 {
                return true;
            }
        }
    } else {
        for c in s.chars() {
            run = if c.is_numeric() { run + 1 } else { 0 };
            if run == 4 {
                return true;
            }
        }
    }
    false
}

/// The document's own date: a "Date :" field, or a line that is only a date,
/// near the top; else a dateline or "Published" field anywhere.
fn find_date(raw: &[&str], kept: &[&str]) -> Option<String> {
    for (i, l) in raw.iter().enumerate().take(60) {
        if ["date", "published", "posted", "updated", "released"]
            .iter()
            .any(|w| lower_starts_with(l, w))
        {
            if let Some(d) = parse_full_date(l) {
                return Some(d);
            }
            // "Date" alone, the value on the next line.
            if lower_eq(l.trim_end_matches([':', ' ']), "date") {
                if let Some(d) = raw.get(i + 1).and_then(|n| parse_full_date(n)) {
                    return Some(d);
                }
            }
        }
    }
    for l in kept.iter().take(25) {
        if l.len() <= 40 {
            if let Some(d) = parse_full_date(l) {
                return Some(d);
            }
        }
    }
    // A byline or header line with a full date ("KYODO NEWS - May 2, 2019 - 21:15").
    for l in kept.iter().take(8) {
        if let Some(d) = parse_full_date(l) {
            return Some(d);
        }
    }
    // A dateline: "SEOUL, March 4, 2021 (Yonhap) --".
    for l in kept.iter().take(40) {
        if l.contains("--") || l.contains("(Yonhap)") || l.contains("(Kyodo)") {
            if let Some(d) = parse_full_date(&l[..l.len().min(80)]) {
                return Some(d);
            }
        }
    }
    None
}

/// Does `s` in lower case start with `word` (ASCII)? Lower-cases only as
/// much of `s` as it compares, and allocates nothing: the same answer as
/// `s.to_lowercase().starts_with(word)`.
pub(crate) fn lower_starts_with(s: &str, word: &str) -> bool {
    // ASCII characters lower-case to themselves or their ASCII lower case:
    // an ASCII start of `s` as long as `word` is compared byte for byte.
    if let Some(start) = s.as_bytes().get(..word.len()).filter(|b| b.is_ascii()) {
        return ascii_lower_eq(start, word);
    }
    let mut low = lowered(s);
    word.chars().all(|w| low.next() == Some(w))
}

/// Is `s` in lower case `word` (ASCII)? `s.to_lowercase() == word`,
/// without the copy.
pub(crate) fn lower_eq(s: &str, word: &str) -> bool {
    if s.is_ascii() {
        return ascii_lower_eq(s.as_bytes(), word);
    }
    let mut low = lowered(s);
    word.chars().all(|w| low.next() == Some(w)) && low.next().is_none()
}

/// Are the ASCII bytes `b`, lower-cased, `word`?
fn ascii_lower_eq(b: &[u8], word: &str) -> bool {
    b.len() == word.len()
        && b.iter()
            .zip(word.as_bytes())
            .all(|(c, w)| c.to_ascii_lowercase() == *w)
}

/// The characters of `s.to_lowercase()`, but for a word-final 'Σ', which
/// is 'σ' here and 'ς' there: either is the same to an ASCII comparison.
fn lowered(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().flat_map(char::to_lowercase)
}

/// The first kept line that reads like a headline: several words, not a
/// date, not a category that the page repeats in a "Back to ..." link.
fn find_title(kept: &[&str]) -> Option<String> {
    let back: Vec<String> = kept
        .iter()
        .filter_map(|l| l.strip_prefix("Back to ").map(|s| s.trim().to_string()))
        .collect();
    // A page title ("Press Releases | Ministry of …") names the site; prefer a
    // headline when the page has one.
    let candidates: Vec<&str> = kept.iter().take(30).copied().collect();
    let mut ordered = candidates
        .iter()
        .filter(|l| !l.contains(" | "))
        .chain(candidates.iter().filter(|l| l.contains(" | ")));
    ordered
        .find(|l| {
            let words = l.split_whitespace().count();
            (4..=40).contains(&words)
                && parse_full_date(l).is_none_or(|_| words > 8)
                && !back.iter().any(|b| b == *l)
                && !l.starts_with("Back to ")
                && !lower_starts_with(l, "date")
        })
        .map(|l| l.to_string())
}

/// The publisher and the country the document speaks for, from what the page
/// shows: a known publisher's name or web domain, a copyright line, or the
/// furniture of a ministry's site.
fn find_publisher(plain: &str, raw: &[&str], lex: &Lexicon) -> (Option<String>, Option<String>) {
    let mut publisher: Option<String> = None;
    let mut country: Option<String> = None;
    // A known publisher named anywhere (longest label wins).
    // A page headed by an organization's name ("Ministry of Foreign Affairs
    // of the People's Republic of China") is that organization's.
    for l in raw.iter().filter(|l| !l.trim().is_empty()).take(3) {
        if let Some(e) = lex
            .exact_entry(l)
            .filter(|e| e.entity_type == EntityType::Organization && e.country.is_some())
        {
            return (Some(e.label.clone()), e.country.clone());
        }
    }
    let mut best: Option<(usize, &crate::lexicon::LexEntry)> = None;
    if let Some((ac, idx)) = &lex.publishers {
        for m in ac.find_overlapping_iter(plain) {
            let (a, b) = (m.start(), m.end());
            let before = plain[..a]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let after = plain[b..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
            if before && after && best.is_none_or(|(n, _)| b - a > n) {
                best = Some((b - a, &lex.entries[idx[m.pattern().as_usize()]]));
            }
        }
    }
    if let Some((_, e)) = best {
        publisher = Some(e.label.clone());
        country = e.country.clone();
    }
    // Web domains: a publisher's, or a country code.
    static HOST: OnceLock<Regex> = OnceLock::new();
    let host = HOST.get_or_init(|| {
        Regex::new(
            r"\b(?:[a-z0-9-]+\.)+(?:com|net|org|gov|go|co|or|kr|jp|cn|us|ru|tw)(?:\.[a-z]{2})?\b",
        )
        .unwrap()
    });
    if country.is_none() {
        for m in hosts(plain, host) {
            if let Some(e) = lex.by_domain(m) {
                if e.entity_type == EntityType::Country {
                    country = Some(e.id.clone());
                } else {
                    publisher.get_or_insert_with(|| e.label.clone());
                    country = e.country.clone();
                }
                break;
            }
        }
    }
    // A copyright line names the publisher even when the lexicon does not.
    static COPY: OnceLock<Regex> = OnceLock::new();
    let copy = COPY.get_or_init(|| Regex::new(r"(?:©|\(c\)|Copyright)\s*(?:\d{4}\s*)?(?:by\s+)?((?:The\s+)?[A-Z][\w&.' -]*?)\s*(?:\(|All rights|\.|,|$)").unwrap());
    if publisher.is_none() {
        for l in raw {
            if let Some(c) = copy.captures(l) {
                let name = c[1].trim().to_string();
                if name.len() >= 3 {
                    publisher = Some(name);
                    break;
                }
            }
        }
    }
    // The furniture of the foreign ministries' own sites.
    if country.is_none() || publisher.is_none() {
        let hangul_ui = raw
            .iter()
            .take(15)
            .any(|l| l.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)));
        let japan_ui = raw.iter().any(|l| l.starts_with("Back to Japan-"))
            || plain.contains("The overview of the meeting is as follows")
            || plain.contains("The overview of the talk is as follows");
        let site = if hangul_ui && plain.contains("Press Releases") {
            Some("korea")
        } else if japan_ui {
            Some("japan")
        } else {
            None
        };
        if let Some(c) = site.filter(|c| lex.get(c).is_some()) {
            country.get_or_insert_with(|| c.to_string());
            if publisher.is_none() {
                publisher = lex
                    .foreign_ministry_of(c)
                    .and_then(|m| lex.get(m))
                    .map(|m| m.label.clone());
            }
        }
    }
    (publisher, country)
}

/// The matches of `host` (a pattern of `[a-z0-9.-]` bytes that needs a dot,
/// between word boundaries) over `text`, in order, as `host.find_iter(text)`
/// gives them. The regex runs only on the runs of such bytes that hold a dot,
/// each with the character on either side for its `\b`: a match never
/// leaves its run, and over a whole page with non-ASCII characters the
/// regex engine's Unicode word boundaries fall back to a slow search.
fn hosts<'a>(text: &'a str, host: &'a Regex) -> impl Iterator<Item = &'a str> + 'a {
    host_runs(text).flat_map(move |(a, e)| {
        let before = text[..a].chars().next_back().map_or(0, char::len_utf8);
        let after = text[e..].chars().next().map_or(0, char::len_utf8);
        host.find_iter(&text[a - before..e + after])
            .map(|m| m.as_str())
    })
}

/// The maximal runs of `[a-z0-9.-]` bytes in `text` that contain a dot, as
/// byte ranges, in order.
fn host_runs(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = text.as_bytes();
    let in_host = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-';
    let mut pos = 0;
    std::iter::from_fn(move || {
        // `pos` is the end of the last run: a character boundary.
        let dot = pos + text[pos..].find('.')?;
        let mut a = dot;
        while a > 0 && in_host(b[a - 1]) {
            a -= 1;
        }
        let mut e = dot + 1;
        while e < b.len() && in_host(b[e]) {
            e += 1;
        }
        pos = e;
        Some((a, e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_maps_back_to_the_page() {
        let html = "<html><head><style>p{}</style><script>var x='<p>';</script></head><body><nav>Home</nav><p>Kim &amp; Lee met.</p></body></html>";
        let (t, m) = strip_html(html);
        let i = t.find("Lee").unwrap();
        assert_eq!(&html[m.map(i)..m.map(i) + 3], "Lee");
        assert!(!t.contains("var x"));
        assert!(t.contains("Kim & Lee met."));
    }

    #[test]
    fn hosts_are_the_matches_over_the_whole_text() {
        let re = Regex::new(
            r"\b(?:[a-z0-9-]+\.)+(?:com|net|org|gov|go|co|or|kr|jp|cn|us|ru|tw)(?:\.[a-z]{2})?\b",
        )
        .unwrap();
        for t in [
            "See www.mofa.go.kr, or mofa.go.jp. Done.",
            "é-x.comé a.b.co.krx -foo.com. 한국mofa.go.kr한 .com",
            "ended.\nnews.yahoo.co.jp/x?y=a.us",
            "",
            "...",
        ] {
            let whole: Vec<&str> = re.find_iter(t).map(|m| m.as_str()).collect();
            assert_eq!(hosts(t, &re).collect::<Vec<_>>(), whole, "{t}");
        }
    }

    #[test]
    fn furniture_words_fold_only_to_ascii_and_long_s() {
        // What `may_be_furniture_phrase` assumes of the regex's case folding.
        let letters = Regex::new(r"(?i)^[acdeghilnoprstvwy]$").unwrap();
        let digit = Regex::new(r"^\d$").unwrap();
        let mut buf = [0u8; 4];
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let t = c.encode_utf8(&mut buf);
            if letters.is_match(t) {
                assert!(c.is_ascii() || c == 'ſ', "{c:?}");
            }
            if digit.is_match(t) {
                assert!(c.is_numeric(), "{c:?}");
            }
        }
        assert!(is_boilerplate("ſhare on Facebook"));
        assert!(is_boilerplate("Copyright ⓒ Yonhap"));
    }

    /// Lines of the repository's documents and crafted furniture, in the
    /// cases and with the punctuation that the rules look at.
    fn sample_lines() -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut lines: Vec<String> = Vec::new();
        for dir in ["seeds", "tests/corpus/docs"] {
            let mut files = Vec::new();
            walk(&root.join(dir), &mut files).expect("test documents");
            for f in files {
                let text = std::fs::read_to_string(f).expect("UTF-8 test document");
                lines.extend(text.lines().map(str::to_string));
            }
        }
        let words = NAV.iter().chain(LANGUAGES).chain(&FURNITURE_WORDS).chain(&[
            ALL_RIGHTS_RESERVED,
            "countries information",
            "about us",
            "Events",
        ]);
        for w in words {
            let upper = w.to_uppercase();
            for v in [
                w.to_string(),
                upper.clone(),
                format!("{w}:"),
                format!("{upper} !."),
            ] {
                lines.push(v.clone());
                lines.push(format!("{v} 2021"));
                lines.push(format!("{v} this page"));
                lines.push(format!("Text: {v}. More text."));
                lines.push(format!("{v} | English / French"));
                for number in ["1.", "12)", "7.\u{b}\t ", "123.", "1 ", "01)"] {
                    lines.push(format!("{number}{v}"));
                    lines.push(format!("{number} {v}"));
                    lines.push(format!("{number}       {v}s"));
                }
            }
        }
        lines.extend(
            [
                "Hit : 18254",
                "VIEWS 12",
                "(C) 2021 Yonhap. ALL RIGHTS reserved",
                "Copyright",
                "copyrights of others",
                "HOME > Press > Press Releases",
                "a > b > c > d e f g h i j k l m",
                "-- 12 --",
                "12345678901",
                "123456789012",
                "Share on Facebook",
                "Tweet via the app",
                "x",
                "X.",
                "   ",
            ]
            .map(str::to_string),
        );
        lines
    }

    #[test]
    fn ascii_shortcuts_of_boilerplate_agree_with_the_general_rules() {
        assert_eq!(NAV.iter().map(|n| n.len()).max(), Some(NAV_MAX_LEN));
        assert!(NAV.iter().all(|n| n.is_ascii() && *n == n.to_lowercase()));
        let mut ascii = 0;
        for l in sample_lines() {
            let t = l.trim();
            if t.is_empty() || !t.is_ascii() {
                continue;
            }
            ascii += 1;
            assert_eq!(
                is_boilerplate_trimmed(t, true),
                is_boilerplate_trimmed(t, false),
                "{t:?}"
            );
        }
        assert!(ascii > 1000, "{ascii} ASCII lines");
    }

    #[test]
    fn furniture_lines_pass_the_tests_before_the_regex() {
        let mut lines = sample_lines();
        for v in [
            "١. home",
            "1.\u{3000}home",
            "12)  preſs releaſes",
            "ſhare thiſ",
            "1 Home",
        ] {
            lines.push(v.to_string());
        }
        let mut matched = 0;
        for l in &lines {
            let t = l.trim();
            if !furniture_regex().is_match(t) {
                continue;
            }
            matched += 1;
            assert!(may_be_furniture_phrase(t, &t.to_lowercase()), "{t:?}");
            if t.is_ascii() {
                assert!(may_be_furniture_phrase_ascii(t), "{t:?}");
            }
        }
        assert!(matched > 100, "{matched} furniture lines");
    }

    #[test]
    fn all_rights_reserved_is_found_in_any_case_anywhere() {
        assert_eq!(ALL_RIGHTS_RESERVED.find('v'), Some(16));
        let mut found = 0;
        let mut lines = sample_lines();
        for pad in 0..10 {
            let x = "x".repeat(pad);
            lines.push(format!("{x}All Rights ReserVed{x}"));
            lines.push(format!("{x}all rights reserved"));
            lines.push(format!("{x}all rights reserve"));
            lines.push(format!("{x}ll rights reserved{x}"));
            lines.push(format!("{x}vvvvvvvvvvvvvvvvvvvvvvvvv{x}VVVVVVVVV"));
        }
        for l in &lines {
            let says = l.to_ascii_lowercase().contains(ALL_RIGHTS_RESERVED);
            assert_eq!(says_all_rights_reserved(l.as_bytes()), says, "{l:?}");
            found += usize::from(says);
        }
        assert!(found > 30, "{found} lines with the phrase");
    }

    #[test]
    fn date_fields_are_read_as_the_lower_cased_lines_would_be() {
        let mut lines = sample_lines();
        for l in [
            "Date",
            "DATE :",
            "dAtE:  :",
            "Daté",
            "Date\u{212A}",
            "\u{212A}ate",
            "İ",
            "ΣΑΣ date",
            "PUBLİSHED",
            "Posted by",
            "Updated: 2020-01-02",
            "released",
            "relea",
            "",
        ] {
            lines.push(l.to_string());
        }
        for l in &lines {
            let low = l.to_lowercase();
            for w in ["date", "published", "posted", "updated", "released"] {
                assert_eq!(lower_starts_with(l, w), low.starts_with(w), "{l:?} {w}");
            }
            let alone = low.trim_end_matches([':', ' ']) == "date";
            assert_eq!(
                lower_eq(l.trim_end_matches([':', ' ']), "date"),
                alone,
                "{l:?}"
            );
        }
    }

    #[test]
    fn lines_and_hashes_as_the_plain_loops_give_them() {
        for t in ["", "\n", "a", "a\r\n\r\nb\r", "a\nb\n", "\r\r\nx\n\ny"] {
            let mut by_byte = Vec::new();
            let mut start = 0;
            for (i, b) in t.bytes().enumerate() {
                if b == b'\n' {
                    by_byte.push((start, t[start..i].trim_end_matches('\r')));
                    start = i + 1;
                }
            }
            if start < t.len() {
                by_byte.push((start, &t[start..]));
            }
            assert_eq!(line_ranges(t), by_byte, "{t:?}");
        }
        let bytes: Vec<u8> = (0..=255).collect();
        let formatted: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex(&bytes), formatted);
    }

    #[test]
    fn boilerplate_lines() {
        for l in [
            "Skip navigation",
            "본문 바로가기",
            "Hit : 18254",
            "  2. Press",
            "Top",
            "© The Asia Business Daily(www.asiae.co.kr). All rights reserved.",
            "2626",
            "ENGLISH  FRENCH  SPANISH",
            "HOME > Press > Press Releases",
        ] {
            assert!(is_boilerplate(l), "{l}");
        }
        for l in [
            "1. Mr. Kim met Mr. Lee.",
            "1 North Korea",
            "February 12, 2022",
        ] {
            assert!(!is_boilerplate(l), "{l}");
        }
    }

    #[test]
    fn dates_in_their_usual_forms() {
        for (line, date) in [
            ("Date : 2020-05-14 11:50:40", "2020-05-14"),
            ("December 19, 2017", "2017-12-19"),
            ("Sept. 3, 2019", "2019-09-03"),
            ("3 March 2021", "2021-03-03"),
            // In text that is not ASCII too.
            ("서울, 2018.02.09", "2018-02-09"),
            ("— December 19, 2017 —", "2017-12-19"),
        ] {
            assert_eq!(parse_full_date(line).as_deref(), Some(date), "{line}");
        }
        assert_eq!(parse_full_date("on the 29th"), None);
    }

    #[test]
    fn lower_case_comparisons_answer_as_a_lower_cased_copy_would() {
        let texts = [
            "",
            "to",
            "To",
            "TO",
            "to ",
            "Visit to Seoul",
            "VISIT",
            "visiT",
            "Date:",
            "DÉCLARATION",
            "\u{212A}ey",
            "İstanbul",
            "Ümit",
            "ΣΟΦΙΑ",
            "t",
        ];
        for s in texts {
            for w in [
                "", "to", "visit", "visit to", "date", "key", "istanbul", "t",
            ] {
                let lower = s.to_lowercase();
                assert_eq!(lower_starts_with(s, w), lower.starts_with(w), "{s:?} {w:?}");
                assert_eq!(lower_eq(s, w), lower == w, "{s:?} {w:?}");
            }
        }
    }

    #[test]
    fn only_a_run_of_four_digits_can_start_a_date_search() {
        // The guard lets through every text the patterns could match,
        // ASCII or not...
        for s in [
            "2020-05-14",
            "Sept. 3, 2019",
            "« 3 March 2021 »",
            "서울, 2018.02.09",
            "١٢٣٤", // Arabic-Indic digits are `\d` too
        ] {
            assert!(has_four_digit_run(s), "{s}");
        }
        // ... and three digits, or four split by anything, are no year.
        for s in ["on the 29th", "12-3-456", "May 3, 20 19", "", "٣ ٤٥٦"] {
            assert!(!has_four_digit_run(s), "{s}");
            assert_eq!(parse_full_date(s), None, "{s}");
        }
    }

    #[test]
    fn bad_files_are_named_errors() {
        let p = Path::new("x.txt");
        assert!(matches!(decode(p, b""), Err(Error::Empty { .. })));
        assert!(matches!(
            decode(p, b"ab\0c"),
            Err(Error::Binary { offset: 2, .. })
        ));
        assert!(matches!(
            decode(p, b"ab\xffc"),
            Err(Error::NotUtf8 { offset: 2, .. })
        ));
    }
}
