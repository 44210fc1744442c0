//! The regular expressions of the rules ([`mentions`](crate::mentions),
//! [`relations`](crate::relations), [`ingest`](crate::ingest)), with two
//! choices made once for all of them:
//!
//! - word boundaries are ASCII ones ([`compile`]): they keep the regex
//!   engine on its fast DFA paths, and the text is English;
//! - a pattern with Unicode classes (`\w`, `\s`, `\d`) or case folding gets
//!   an ASCII twin ([`Pattern`]), which searches ASCII text.

use regex::{Regex, RegexBuilder};

/// The regex engine's default limit on a compiled pattern's size.
pub const DEFAULT_SIZE_LIMIT: usize = 10 << 20;

/// `pat` with its `\b`s made ASCII word boundaries.
pub fn compile(pat: &str) -> Regex {
    let pat = pat.replace(r"\b", r"(?-u:\b)");
    Regex::new(&pat).unwrap_or_else(|e| panic!("bad pattern {pat}: {e}"))
}

/// A pattern, and its ASCII twin (the same pattern under `(?-u)`) when it
/// has Unicode classes or case folding. In ASCII text the two find the same
/// matches with the same groups: the classes, word boundaries and case
/// folding of Unicode differ from ASCII ones only on characters outside
/// ASCII. The regex engine runs the twin faster: its lazy DFA has far
/// fewer states to build and keep. Most sentences are ASCII; the others
/// are searched with the pattern itself.
#[derive(Debug, Clone)]
pub struct Pattern {
    unicode: Regex,
    ascii: Option<Regex>,
}

/// The patterns given a twin (as compiled), for the test that holds the
/// twins to them.
#[cfg(test)]
static TWINNED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// What makes a pattern match differently outside ASCII.
const UNICODE_SYNTAX: [&str; 8] = [r"\w", r"\s", r"\d", r"\W", r"\S", r"\D", "(?i)", "(?i:"];

impl Pattern {
    /// `pat` [`compile`]d, with its twin. Panics on a bad pattern: the
    /// rules' patterns are constants.
    pub fn new(pat: &str) -> Pattern {
        let unicode = compile(pat);
        let ascii = Self::twin_of(&unicode, None);
        Self::with_twin(unicode, ascii)
    }

    /// `pat` as written (no `\b` rewritten), compiled with a size limit for
    /// large alternations; the error is the regex engine's.
    pub fn build(pat: &str, size_limit: usize) -> Result<Pattern, regex::Error> {
        let unicode = RegexBuilder::new(pat).size_limit(size_limit).build()?;
        let ascii = Self::twin_of(&unicode, Some(size_limit));
        Ok(Self::with_twin(unicode, ascii))
    }

    fn twin_of(unicode: &Regex, size_limit: Option<usize>) -> Option<Regex> {
        let pat = unicode.as_str();
        if !UNICODE_SYNTAX.iter().any(|u| pat.contains(u)) {
            return None;
        }
        let mut twin = RegexBuilder::new(&format!("(?-u){pat}"));
        if let Some(limit) = size_limit {
            twin.size_limit(limit);
        }
        // A twin that does not compile (a class that could match invalid
        // UTF-8) is no twin: the pattern itself searches everything.
        twin.build().ok()
    }

    fn with_twin(unicode: Regex, ascii: Option<Regex>) -> Pattern {
        #[cfg(test)]
        if ascii.is_some() {
            TWINNED
                .lock()
                .expect("not poisoned")
                .push(unicode.as_str().to_string());
        }
        Pattern { unicode, ascii }
    }

    /// The compiled pattern to search `h` with.
    fn for_text(&self, h: &str) -> &Regex {
        match &self.ascii {
            Some(a) if h.is_ascii() => a,
            _ => &self.unicode,
        }
    }

    pub fn find_iter<'r, 'h>(&'r self, h: &'h str) -> regex::Matches<'r, 'h> {
        self.for_text(h).find_iter(h)
    }

    pub fn captures_iter<'r, 'h>(&'r self, h: &'h str) -> regex::CaptureMatches<'r, 'h> {
        self.for_text(h).captures_iter(h)
    }

    pub fn is_match(&self, h: &str) -> bool {
        self.for_text(h).is_match(h)
    }

    pub fn captures<'h>(&self, h: &'h str) -> Option<regex::Captures<'h>> {
        self.for_text(h).captures(h)
    }

    /// The pattern and its twin.
    #[cfg(test)]
    pub(crate) fn twins(&self) -> (&Regex, Option<&Regex>) {
        (&self.unicode, self.ascii.as_ref())
    }
}

/// Every pattern given a twin so far in this process (as compiled).
#[cfg(test)]
pub(crate) fn twinned() -> Vec<String> {
    let mut v = TWINNED.lock().expect("not poisoned").clone();
    v.sort();
    v.dedup();
    v
}

/// `crafted` and the [`corpus_lines`], each as written and normalised (as
/// the rules see it): the texts that fast paths are held to their
/// reference on.
#[cfg(test)]
pub(crate) fn test_texts(crafted: &[&str]) -> Vec<String> {
    crafted
        .iter()
        .map(|s| s.to_string())
        .chain(corpus_lines())
        .flat_map(|t| {
            let norm = crate::segment::normalize_str(&t);
            [t, norm]
        })
        .collect()
}

/// Every line of the seeds, of `tests/corpus` and of 150 synthetic
/// documents.
#[cfg(test)]
pub(crate) fn corpus_lines() -> Vec<String> {
    static LINES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    LINES.get_or_init(read_corpus_lines).clone()
}

#[cfg(test)]
fn read_corpus_lines() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    let mut files = Vec::new();
    for dir in ["seeds", "tests/corpus/docs"] {
        for e in std::fs::read_dir(root.join(dir)).expect("test documents") {
            files.push(e.expect("entry").path());
        }
    }
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("UTF-8 test document");
        texts.extend(text.lines().map(str::to_string));
    }
    let lex = crate::lexicon::Lexicon::load_dir(&crate::pipeline::default_ontology_dir())
        .expect("lexicon");
    for d in crate::synth::Generator::new(&lex, 7).documents(150) {
        texts.extend(d.text.lines().map(str::to_string));
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_twins_find_what_their_patterns_find() {
        // Extracting the test documents compiles the rules' patterns.
        crate::pipeline::test_extractions(0);
        let twinned = twinned();
        // The rules' patterns, the trigger phrases' and the dates' of ingest.
        assert!(twinned.len() >= 20, "{} patterns twinned", twinned.len());
        assert!(twinned.iter().any(|p| p.starts_with("(?i)(?-u:\\b)")));
        assert!(twinned.iter().any(|p| p.contains(r"(\d{4})[./]")));
        // The ASCII texts, and each again with tabs for spaces: `\s` in both
        // twins.
        let texts: Vec<String> = test_texts(&[
            "Mr. Kim\tmet\x0bMs. Lee\x0c\r\n in Seoul_2024; 1,000 people; 12 May 2024",
            "the Act on the Protection of ... Agreement; Embassy of the Republic of Korea in Japan",
        ])
        .into_iter()
        .filter(|s| s.is_ascii())
        .flat_map(|s| {
            let tabs = s.replace(' ', "\t");
            [s, tabs]
        })
        .collect();
        let mut matches = 0;
        for pat in &twinned {
            let p = Pattern::build(pat, 64 << 20).expect("compiles again");
            let (unicode, ascii) = p.twins();
            let ascii = ascii.expect("a twin");
            for s in &texts {
                let groups = |re: &Regex| -> Vec<Vec<Option<(usize, usize)>>> {
                    re.captures_iter(s)
                        .map(|c| c.iter().map(|g| g.map(|g| (g.start(), g.end()))).collect())
                        .collect()
                };
                let expected = groups(unicode);
                assert_eq!(groups(ascii), expected, "{pat} in {s:?}");
                matches += expected.len();
            }
        }
        assert!(
            matches > 1000,
            "the texts exercise the patterns ({matches} matches)"
        );
    }
}
