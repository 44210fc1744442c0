//! Segment: blocks (paragraphs and numbered points), sentences, and a
//! normalised view of each sentence.
//!
//! The normalised view is what every later stage reads: quotation marks
//! dropped, apostrophes and hyphens made ASCII, white space folded. Each of
//! its bytes maps back to a byte of the cleaned text, so offsets survive
//! every cleaning step (invariant: `map[i]` is the cleaned-text byte of
//! normalised byte `i`, and `map.len() == norm.len() + 1`).

use regex::Regex;
use std::sync::OnceLock;

#[derive(Debug, Clone)]
pub struct Sentence {
    pub index: usize,
    /// Index of the block (paragraph or numbered point) it belongs to.
    pub block: usize,
    /// Byte range in the cleaned text.
    pub start: usize,
    pub end: usize,
    /// The normalised text.
    pub norm: String,
    /// Normalised byte → cleaned-text byte.
    pub map: Vec<usize>,
    /// A headline, title or label: no final punctuation. Relations are not
    /// read from headings, which restate the body in telegraphic style.
    pub heading: bool,
}

impl Sentence {
    /// Cleaned-text byte range of a normalised byte range.
    pub fn clean_range(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.map[start.min(self.map.len() - 1)];
        let e = if end > start {
            self.map[(end - 1).min(self.map.len() - 1)] + 1
        } else {
            s
        };
        (s, e)
    }
}

/// Normalise a string without keeping the map (for lexicon labels).
pub fn normalize_str(s: &str) -> String {
    normalize(s, 0).0
}

/// Normalise `s` (which starts at byte `base` of the cleaned text).
///
/// Runs of ASCII bytes that stay as they are (most of any text, see
/// `plain_run`) are copied whole; the other characters go through
/// `normalize_char` one by one.
pub fn normalize(s: &str, base: usize) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(s.len());
    let mut map = Vec::with_capacity(s.len() + 1);
    let mut pending_space: Option<usize> = None;
    let bytes = s.as_bytes();
    // The character of the input before the current one (kept or not).
    let mut last: Option<char> = None;
    let mut i = 0;
    while i < bytes.len() {
        let run = plain_run(&bytes[i..]);
        if run > 0 {
            if let Some(sp) = pending_space.take() {
                map.push(sp);
                out.push(' ');
            }
            out.push_str(&s[i..i + run]);
            push_offsets(&mut map, base + i, run);
            last = Some(bytes[i + run - 1] as char);
            i += run;
            continue;
        }
        let c = s[i..].chars().next().expect("i is a character boundary");
        let prev = last.replace(c);
        let at = i;
        i += c.len_utf8();
        if c.is_whitespace() || c == '\u{a0}' {
            if !out.is_empty() && pending_space.is_none() {
                pending_space = Some(base + at);
            }
            continue;
        }
        let next = s[i..].chars().next();
        let Some(r) = normalize_char(c, prev, next) else {
            continue;
        };
        if let Some(sp) = pending_space.take() {
            map.push(sp);
            out.push(' ');
        }
        for _ in 0..r.len_utf8() {
            map.push(base + at);
        }
        out.push(r);
    }
    map.push(base + s.len());
    (out, map)
}

/// The length of the run at the start of `b` that normalisation copies as
/// it is: plain ASCII bytes ([`is_plain_ascii`]), and single spaces between
/// two of them. Such a space is what the space rule of [`normalize`] would
/// write anyway: one space, at its own offset, since the byte before it
/// was kept and the byte after it is kept.
fn plain_run(b: &[u8]) -> usize {
    let mut n = 0;
    loop {
        while n < b.len() && is_plain_ascii(b[n]) {
            n += 1;
        }
        if n > 0 && b.get(n) == Some(&b' ') && b.get(n + 1).is_some_and(|&c| is_plain_ascii(c)) {
            n += 2;
        } else {
            return n;
        }
    }
}

/// Append `start..start + n` to `map`, in a loop that compiles to vector
/// stores (extending from a range goes element by element).
fn push_offsets(map: &mut Vec<usize>, start: usize, n: usize) {
    let old = map.len();
    map.resize(old + n, 0);
    for (k, slot) in map[old..].iter_mut().enumerate() {
        *slot = start + k;
    }
}

/// An ASCII byte that normalisation keeps unchanged: not a quotation mark,
/// apostrophe or white space.
fn is_plain_ascii(b: u8) -> bool {
    PLAIN_ASCII[usize::from(b)]
}

/// [`is_plain_ascii`] of every byte, looked up rather than compared.
static PLAIN_ASCII: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = !matches!(
            b as u8,
            b'"' | b'\'' | b'`' | b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'
        );
        b += 1;
    }
    t
};

/// What a character other than white space becomes in the normalised view
/// (`None`: dropped), given the characters on either side of it.
fn normalize_char(c: char, prev: Option<char>, next: Option<char>) -> Option<char> {
    match c {
        '“' | '”' | '"' | '«' | '»' | '„' | '″' => None,
        '‘' | '’' | '\'' | '`' | '´' | 'ʼ' => {
            if prev.is_some_and(|p| p.is_alphanumeric()) && next.is_some_and(|n| n.is_alphabetic())
            {
                Some('\'')
            } else {
                None
            }
        }
        '\u{2010}' | '\u{2011}' => Some('-'),
        c => Some(c),
    }
}

/// Abbreviations that do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "ms", "mrs", "dr", "h.e", "u.s", "u.k", "u.n", "e.u", "st", "jr", "sr", "no", "nos",
    "vs", "etc", "e.g", "i.e", "a.m", "p.m", "gen", "lt", "col", "capt", "adm", "gov", "sen",
    "rep", "prof", "amb", "dept", "min", "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "co",
    "corp", "inc", "ltd", "p.r", "r.o.k", "d.c", "fig", "vol", "art", "para",
];

fn list_marker() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:\(\d{1,2}\)|\d{1,2}[.)]|\d{1,2}\s+[A-Z]|[o°•·▪■□◦\-*–]\s|\([a-z]\)|[ivx]{1,4}[.)])\s*").unwrap()
    })
}

/// Split the cleaned text into sentences.
pub fn segment(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    // Join wrapped lines: a line without final punctuation followed by one
    // that starts in lower case continues the same block.
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    for (s, l) in lines(text) {
        if l.trim().is_empty() {
            continue;
        }
        let e = s + l.len();
        if let Some(last) = blocks.last_mut() {
            let prev = text[last.0..last.1].trim_end();
            let continues = !prev.ends_with(['.', '!', '?', ':', ';', ')', '"', '”'])
                && l.trim_start()
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_lowercase())
                && !list_marker().is_match(l.trim_start());
            if continues {
                last.1 = e;
                continue;
            }
        }
        blocks.push((s, e));
    }
    for (bi, &(bs, be)) in blocks.iter().enumerate() {
        let block = &text[bs..be];
        // "1 North Korea": the marker ends before the capital it matched.
        let marker = list_marker()
            .find(block)
            .map(|m| {
                if m.as_str().ends_with(|c: char| c.is_ascii_uppercase()) {
                    m.end() - 1
                } else {
                    m.end()
                }
            })
            .unwrap_or(0);
        let body_start = bs + marker;
        let body = &text[body_start..be];
        let trimmed = body.trim_end().trim_end_matches(['"', '”', '’', '\'']);
        // Words are counted only for a block without final punctuation (few
        // are), and only "30 words or fewer" matters: no further than 31.
        let is_heading =
            !trimmed.ends_with(['.', '!', '?', ':', ';']) && count_words(body, 31) <= 30;
        for (s, e) in split_sentences(body) {
            let (norm, map) = normalize(&body[s..e], body_start + s);
            if norm.trim().is_empty() {
                continue;
            }
            out.push(Sentence {
                index: out.len(),
                block: bi,
                start: body_start + s,
                end: body_start + e,
                norm,
                map,
                heading: is_heading,
            });
        }
    }
    out
}

/// The lines of `text` (without their '\n') and their byte offsets; a last
/// line without '\n' is one if it is not empty. The search for '\n' is a
/// `memchr`, not a test of every byte.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |start, l| {
        let at = *start;
        *start += l.len();
        Some((at, l.strip_suffix('\n').unwrap_or(l)))
    })
}

/// `s.split_whitespace().take(limit).count()`, reading bytes: only a
/// non-ASCII character is decoded to learn whether it is white space.
fn count_words(s: &str, limit: usize) -> usize {
    let b = s.as_bytes();
    let (mut words, mut in_word, mut i) = (0, false, 0);
    while i < b.len() && words < limit {
        let (space, len) = if b[i].is_ascii() {
            // The ASCII white space of `char::is_whitespace`.
            (matches!(b[i], b' ' | b'\t'..=b'\r'), 1)
        } else {
            let c = s[i..].chars().next().expect("i is a character boundary");
            (c.is_whitespace(), c.len_utf8())
        };
        words += usize::from(!space && !in_word);
        in_word = !space;
        i += len;
    }
    words
}

/// Sentence boundaries inside one block: terminal punctuation followed by
/// space and a capital, digit, quote or bracket, unless an abbreviation or
/// an initial precedes it.
pub fn split_sentences(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while let Some(at) = next_terminal(b, i) {
        i = at;
        let c = b[i];
        let mut j = i + 1;
        while j < b.len() && matches!(b[j], b'.' | b'"' | b')' | b'\'') {
            j += 1;
        }
        // closing curly quotes (3 bytes each)
        while s[j..].starts_with('”') || s[j..].starts_with('’') {
            j += 3;
        }
        let after_space = j < b.len() && (b[j] == b' ' || b[j] == b'\t');
        if after_space {
            let mut k = j;
            while k < b.len() && (b[k] == b' ' || b[k] == b'\t') {
                k += 1;
            }
            let next = s[k..].chars().next();
            let starts_new = next.is_some_and(|n| {
                n.is_uppercase() || n.is_ascii_digit() || matches!(n, '"' | '“' | '(' | '[' | '‘')
            });
            if starts_new && (c != b'.' || !is_abbreviation(&s[start..i])) {
                out.push((start, j));
                start = k;
                i = k;
                continue;
            }
        }
        i = j.max(i + 1);
    }
    if start < s.len() && !s[start..].trim().is_empty() {
        out.push((start, s.trim_end().len().max(start)));
    }
    out
}

/// The offset of the first '.', '!' or '?' of `b` at or after `from`.
/// Sentences are long: it skips eight bytes at a time to the word that
/// holds one.
fn next_terminal(b: &[u8], from: usize) -> Option<usize> {
    const LANES: u64 = 0x0101_0101_0101_0101;
    // Lanes that are zero where `w` holds `byte` (or, next to such a lane,
    // where it may not: the byte-wise search sorts that out).
    let zero_at = |w: u64, byte: u8| {
        let x = w ^ (LANES * u64::from(byte));
        x.wrapping_sub(LANES) & !x
    };
    let is_terminal = |c: &u8| matches!(c, b'.' | b'!' | b'?');
    let mut at = from.min(b.len());
    for chunk in b[at..].chunks_exact(8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        if (zero_at(w, b'.') | zero_at(w, b'!') | zero_at(w, b'?')) & (LANES * 0x80) != 0 {
            if let Some(k) = chunk.iter().position(is_terminal) {
                return Some(at + k);
            }
        }
        at += 8;
    }
    b[at..].iter().position(is_terminal).map(|k| at + k)
}

/// Does the text end with an abbreviation or an initial ("Mr", "U.S", "J")?
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let w = word.trim_start_matches(['"', '“', '(']).to_lowercase();
    if w.chars().count() == 1 && w.chars().all(|c| c.is_alphabetic()) {
        return true; // an initial
    }
    ABBREVIATIONS.contains(&w.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_do_not_end_sentences() {
        let s = "Mr. Kim met H.E. Dr. Kang in the U.S. on Sept. 3. The two Ministers agreed. Secretary J. Doe said so.";
        let parts: Vec<&str> = split_sentences(s)
            .into_iter()
            .map(|(a, b)| &s[a..b])
            .collect();
        assert_eq!(
            parts,
            vec![
                "Mr. Kim met H.E. Dr. Kang in the U.S. on Sept. 3.",
                "The two Ministers agreed.",
                "Secretary J. Doe said so."
            ]
        );
    }

    #[test]
    fn numbered_points_and_headings() {
        let text = "Outcome of Talks (May 13)\n1. Mr. Kim met Mr. Lee. They agreed.\n(2) The issue was raised.\no Minister Kim left.\n";
        let s = segment(text);
        assert!(s[0].heading);
        assert_eq!(s[1].norm, "Mr. Kim met Mr. Lee.");
        assert!(!s[1].heading);
        assert_eq!(s[3].norm, "The issue was raised.");
        assert_eq!(s[4].norm, "Minister Kim left.");
        assert_eq!(&text[s[4].start..s[4].end], "Minister Kim left.");
    }

    /// [`normalize`] by its definition: one character at a time.
    fn normalize_by_char(s: &str, base: usize) -> (String, Vec<usize>) {
        let (mut out, mut map) = (String::new(), Vec::new());
        let (mut pending_space, mut last) = (None, None);
        for (at, c) in s.char_indices() {
            let prev = last.replace(c);
            if c.is_whitespace() || c == '\u{a0}' {
                if !out.is_empty() && pending_space.is_none() {
                    pending_space = Some(base + at);
                }
                continue;
            }
            let next = s[at + c.len_utf8()..].chars().next();
            let Some(r) = normalize_char(c, prev, next) else {
                continue;
            };
            if let Some(sp) = pending_space.take() {
                map.push(sp);
                out.push(' ');
            }
            map.extend(std::iter::repeat_n(base + at, r.len_utf8()));
            out.push(r);
        }
        map.push(base + s.len());
        (out, map)
    }

    /// Lines of the repository's documents, and crafted text with every
    /// kind of space, quote and apostrophe around plain words.
    fn sample_texts() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = Vec::new();
        for dir in ["seeds", "tests/corpus/docs"] {
            for f in std::fs::read_dir(root.join(dir)).expect("test documents") {
                let text = std::fs::read_to_string(f.expect("entry").path()).expect("UTF-8");
                texts.extend(text.lines().map(str::to_string));
                texts.push(text);
            }
        }
        let pieces = [
            " ", "  ", "\t", "\n", "\u{a0}", "\u{3000}", "\u{85}", "\u{b}", "\"", "'", "`", "’",
            "“", "”", "‘", "\u{2010}", "a", "Kim", "7", ".", "!", "?", "é", "한", "-",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    texts.push(format!("{a}{b}{c}"));
                    texts.push(format!("x{a}y{b}z{c}w"));
                    texts.push(format!("{a}Japan{b}s {c} word"));
                }
            }
        }
        texts
    }

    #[test]
    fn normalize_copies_runs_as_the_characters_would_come_out() {
        for (k, t) in sample_texts().iter().enumerate() {
            assert_eq!(normalize(t, k), normalize_by_char(t, k), "{t:?}");
        }
    }

    #[test]
    fn lines_words_and_terminals_as_the_plain_loops_find_them() {
        let mut texts = sample_texts();
        texts.extend(["", "\n", "\n\n", "a\n", "a", "a\r\nb", "\na\n\nb"].map(str::to_string));
        texts.push("x!?.".repeat(9) + "y. Z? w!");
        for t in &texts {
            let mut by_byte = Vec::new();
            let mut start = 0;
            for (i, c) in t.bytes().enumerate() {
                if c == b'\n' {
                    by_byte.push((start, &t[start..i]));
                    start = i + 1;
                }
            }
            if start < t.len() {
                by_byte.push((start, &t[start..]));
            }
            assert_eq!(lines(t).collect::<Vec<_>>(), by_byte, "{t:?}");
            for limit in [0, 1, 2, 5, 31, usize::MAX] {
                let words = t.split_whitespace().take(limit).count();
                assert_eq!(count_words(t, limit), words, "{t:?} {limit}");
            }
            let b = t.as_bytes();
            for from in 0..=b.len() + 1 {
                let first = (from..b.len()).find(|&k| matches!(b[k], b'.' | b'!' | b'?'));
                assert_eq!(next_terminal(b, from), first, "{t:?} {from}");
            }
        }
    }

    #[test]
    fn normalised_view_maps_back() {
        let src = "the ‘comfort women’  issue and Japan’s position";
        let (n, map) = normalize(src, 0);
        assert_eq!(n, "the comfort women issue and Japan's position");
        let i = n.find("Japan's").unwrap();
        assert_eq!(&src[map[i]..map[i + 5]], "Japan");
        assert_eq!(map.len(), n.len() + 1);
    }
}
