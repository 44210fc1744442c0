//! Relations: clause-level facts from the trigger phrases of the lexicon.
//!
//! A sentence is cut at its triggers: each trigger's *scope* runs to the next
//! trigger that is acted (not hypothetical, negated, infinitival or passive),
//! and holds its objects. Its subject is the party right before it, or the
//! sentence's first party (the subject of coordinated verbs: "explained …;
//! once again called for …; and pointed out …"), or the subject of the
//! previous trigger. "The two Ministers", "both sides" and "they" stand for
//! the parties of the meeting being reported; "he"/"she" for the person last
//! acting; "this"/"the issue" for the matter just named.

use crate::ingest::lower_starts_with;
use crate::lexicon::{Hits, Lexicon};
use crate::mentions::{resolve_date, DateMention, Ref};
use crate::model::{EntityType, MeetingFormat, Predicate};
use crate::pattern::Pattern;
use aho_corasick::AhoCorasick;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// A mention after resolution, as the relation stage reads it.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub start: usize,
    pub end: usize,
    pub ids: Vec<String>,
    pub entity_type: Option<EntityType>,
    pub r: Ref,
    pub in_apposition: bool,
    pub nested: bool,
    pub apposition: Option<(usize, usize)>,
    pub title_start: Option<usize>,
    pub title: Option<String>,
}

/// A relation found in one sentence (offsets in the normalised sentence).
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub subject: String,
    pub predicate: Predicate,
    pub object: String,
    pub date: Option<String>,
    pub place: Option<String>,
    pub format: Option<MeetingFormat>,
    pub occasion: Option<String>,
    pub confidence: f32,
    pub rule: String,
}

/// The trigger phrases compiled: one regex that finds any of them, and one
/// anchored regex per phrase to tell which predicate it was.
pub struct Triggers {
    any: Pattern,
    /// `any` in ASCII mode, for searches anchored at the gapped phrases'
    /// first words (when `gap_starts`): it runs only where a match can
    /// start, and forward only, where a search of the whole sentence
    /// scans all of it and then runs backwards to find where the match
    /// starts.
    any_at: Option<regex_automata::meta::Regex>,
    /// Every gapped phrase starts with an ASCII word, and the lexicon's
    /// automaton has those words: an ASCII sentence without any of them
    /// cannot match `any`, whose case folding stays within ASCII there.
    /// (The search that finds the literal phrases answers this.)
    gap_starts: bool,
    /// One anchored pattern per phrase (longest first), to tell which
    /// phrase a gapped match is: a set, searched once, rather than each
    /// pattern in turn; the first pattern that matches wins.
    each: regex::RegexSet,
    each_preds: Vec<Predicate>,
    /// What each trigger of the lexicon is, by its index in
    /// `Lexicon::triggers`: the lexicon's automaton finds the literal
    /// phrases and the first words of the gapped ones in every sentence
    /// ([`crate::lexicon::Hits::triggers`]).
    roles: Vec<TriggerRole>,
    /// Phrases without a gap, by their lower-case text: no regex needed.
    literal: std::collections::HashMap<String, Predicate>,
    hedge: Cue,
    negation: Cue,
    protest_cue: Option<Cue>,
    telephone: Option<Pattern>,
    video: Option<Pattern>,
}

/// The pattern of a kind of cue words ("will", "did not"), searched for in
/// parts of a sentence.
struct Cue {
    pattern: Pattern,
    /// The kind's index in `Lexicon::cues` when the lexicon's automaton
    /// finds a word of each of its phrases ([`Lexicon::cue_kind`]).
    kind: Option<usize>,
    case_insensitive: bool,
}

impl Cue {
    fn new(pattern: Pattern, lex: &Lexicon, kind: &str, case_insensitive: bool) -> Cue {
        Cue {
            pattern,
            kind: lex.cue_kind(kind),
            case_insensitive,
        }
    }

    /// Does the pattern match `s[from..to]`? It is searched only where the
    /// sentence's hits (`hits`, of `s`) have a word of the kind: a search
    /// of every trigger's clause cost some 4% of extraction, and few
    /// clauses have a cue.
    fn is_match(&self, s: &str, from: usize, to: usize, hits: &Hits) -> bool {
        let window = &s[from..to];
        // A case-insensitive pattern folds Unicode case in a non-ASCII
        // text, the automaton ASCII case only (see `Hits::may_have_cue`).
        let ascii_case = !self.case_insensitive || window.is_ascii();
        let may = self
            .kind
            .is_none_or(|k| hits.may_have_cue(k, from, to, ascii_case));
        may && self.pattern.is_match(window)
    }
}

/// A trigger of the lexicon, as the relation stage reads its hits.
#[derive(Debug, Clone, Copy)]
enum TriggerRole {
    /// A phrase without a gap, and its rank among them (longest first):
    /// of two phrases spelled alike, the first ranked wins.
    Literal(Predicate, u32),
    /// A phrase with a gap: its first word was found.
    GapFirst,
    /// A phrase whose predicate is unknown.
    Ignored,
}

fn phrase_regex(p: &str) -> String {
    p.split_whitespace()
        .map(|w| {
            if w == "*" {
                r"(?:[A-Za-z0-9.'-]+\s){0,5}?".to_string()
            } else {
                format!("{}\\s", regex::escape(w))
            }
        })
        .collect::<String>()
        .trim_end_matches("\\s")
        .to_string()
}

fn words_regex(words: &[String], case_insensitive: bool) -> Option<Pattern> {
    if words.is_empty() {
        return None;
    }
    let mut w: Vec<&String> = words.iter().collect();
    w.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let alt = w
        .iter()
        .map(|x| phrase_regex(x))
        .collect::<Vec<_>>()
        .join("|");
    let flags = if case_insensitive { "(?i)" } else { "" };
    Pattern::build(
        &format!(r"{flags}(?-u:\b)(?:{alt})(?-u:\b)"),
        crate::pattern::DEFAULT_SIZE_LIMIT,
    )
    .ok()
}

impl Triggers {
    pub fn compile(lex: &Lexicon) -> Triggers {
        let mut phrases: Vec<(usize, &str, Predicate)> = lex
            .triggers
            .iter()
            .enumerate()
            .filter_map(|(i, t)| Some((i, t.phrase.as_str(), Predicate::parse(&t.predicate)?)))
            .collect();
        // Longest first, so that "shared the view" wins over "shared".
        phrases.sort_by_key(|(_, p, _)| (std::cmp::Reverse(p.replace('*', "").len()), *p));
        // Literal phrases are found by the lexicon's automaton; only the
        // phrases with a gap ("held a * meeting with") need a regex.
        let mut roles = vec![TriggerRole::Ignored; lex.triggers.len()];
        let mut rank = 0;
        for &(i, p, pred) in &phrases {
            roles[i] = if p.contains('*') {
                TriggerRole::GapFirst
            } else {
                rank += 1;
                TriggerRole::Literal(pred, rank)
            };
        }
        let gapped: Vec<(&str, Predicate)> = phrases
            .iter()
            .filter(|(_, p, _)| p.contains('*'))
            .map(|&(_, p, pred)| (p, pred))
            .collect();
        let firsts: Vec<&str> = gapped
            .iter()
            .filter_map(|(p, _)| p.split_whitespace().next())
            .collect();
        let gap_starts = !gapped.is_empty()
            && firsts.len() == gapped.len()
            && firsts.iter().all(|w| *w != "*" && w.is_ascii());
        let phrases: Vec<(&str, Predicate)> =
            phrases.iter().map(|&(_, p, pred)| (p, pred)).collect();
        let alt = gapped
            .iter()
            .map(|(p, _)| phrase_regex(p))
            .collect::<Vec<_>>()
            .join("|");
        let never = || Pattern::new("$^");
        let any = if gapped.is_empty() {
            never()
        } else {
            Pattern::build(&format!(r"(?i)(?-u:\b)(?:{alt})(?-u:\b)"), 64 << 20)
                .unwrap_or_else(|e| {
                    eprintln!("dipkg: warning: trigger phrases do not compile ({e}); no relations will be found");
                    never()
                })
        };
        let any_at = if gap_starts {
            regex_automata::meta::Regex::builder()
                .configure(regex_automata::meta::Config::new().nfa_size_limit(Some(64 << 20)))
                .build(&format!(r"(?-u)(?i)(?-u:\b)(?:{alt})(?-u:\b)"))
                .ok()
        } else {
            None
        };
        // The patterns that compile, in order.
        let (each_pats, each_preds): (Vec<String>, Vec<Predicate>) = phrases
            .iter()
            .map(|(p, pred)| (format!(r"(?i)^(?:{})$", phrase_regex(p)), *pred))
            .filter(|(pat, _)| regex::Regex::new(pat).is_ok())
            .unzip();
        let each = regex::RegexSet::new(&each_pats).expect("each pattern compiles alone");
        let mut literal = std::collections::HashMap::new();
        for (p, pred) in &phrases {
            if !p.contains('*') {
                literal.entry(p.to_lowercase()).or_insert(*pred);
            }
        }
        Triggers {
            any,
            any_at,
            gap_starts,
            roles,
            each,
            each_preds,
            literal,
            // Hedges are matched with their case: "may" is not "May 7".
            hedge: Cue::new(
                words_regex(lex.cue("hedge"), false).unwrap_or_else(never),
                lex,
                "hedge",
                false,
            ),
            negation: Cue::new(
                words_regex(lex.cue("negation"), false).unwrap_or_else(never),
                lex,
                "negation",
                false,
            ),
            protest_cue: words_regex(lex.cue("protested"), true)
                .map(|p| Cue::new(p, lex, "protested", true)),
            telephone: words_regex(lex.cue("telephone"), true),
            video: words_regex(lex.cue("video"), true),
        }
    }

    /// The trigger phrases of sentence `s`, leftmost-longest, from the
    /// trigger hits of the lexicon's search of it (`hits`).
    fn find(&self, s: &str, hits: &Hits) -> Vec<(usize, usize, Predicate)> {
        let bytes = s.as_bytes();
        let boundary = |a: usize, b: usize| {
            (a == 0 || !bytes[a - 1].is_ascii_alphanumeric())
                && (b == bytes.len() || !bytes[b].is_ascii_alphanumeric())
        };
        // (start, end, predicate, rank): the regex's matches rank last.
        let mut cands: Vec<(usize, usize, Option<Predicate>, u32)> = Vec::new();
        // The cheap test before the gapped phrases' regex (see `gap_starts`):
        // without it, the regex searches the whole sentence.
        let anywhere = !self.gap_starts || !s.is_ascii() || !hits.scanned;
        let mut gap_firsts: Vec<usize> = Vec::new();
        for &(a, b, i) in &hits.triggers {
            match self.roles.get(i) {
                Some(&TriggerRole::Literal(p, rank)) if boundary(a, b) => {
                    cands.push((a, b, Some(p), rank))
                }
                Some(TriggerRole::GapFirst) => gap_firsts.push(a),
                _ => {}
            }
        }
        match &self.any_at {
            Some(any_at) if !anywhere => {
                // The matches `find_iter` would give: each starts at a first
                // word, the leftmost one after the previous match.
                gap_firsts.sort_unstable();
                gap_firsts.dedup();
                let mut from = 0;
                for a in gap_firsts {
                    if a < from {
                        continue;
                    }
                    let input = regex_automata::Input::new(s)
                        .range(a..)
                        .anchored(regex_automata::Anchored::Yes);
                    if let Some(m) = any_at.search(&input) {
                        cands.push((m.start(), m.end(), None, u32::MAX));
                        from = m.end();
                    }
                }
            }
            _ if anywhere || !gap_firsts.is_empty() => {
                for m in self.any.find_iter(s) {
                    cands.push((m.start(), m.end(), None, u32::MAX));
                }
            }
            _ => {}
        }
        cands.sort_by_key(|&(a, b, _, rank)| (a, std::cmp::Reverse(b), rank));
        self.select(s, cands.into_iter().map(|(a, b, p, _)| (a, b, p)))
    }

    /// Leftmost-longest among the candidates (sorted by start, longest
    /// first), and the predicate of each that is a verb.
    fn select(
        &self,
        s: &str,
        cands: impl Iterator<Item = (usize, usize, Option<Predicate>)>,
    ) -> Vec<(usize, usize, Predicate)> {
        let mut out = Vec::new();
        let mut end = 0;
        for (a, b, p) in cands {
            if a < end {
                continue;
            }
            let text = &s[a..b];
            // Part of a compound ("Japan-hosted") is not the verb; verbs are
            // written in lower case ("States" in "the United States" is none).
            if s[..a].ends_with('-')
                || s[b..].starts_with('-')
                || !text.chars().next().is_some_and(|c| c.is_lowercase())
            {
                continue;
            }
            let p = match p.or_else(|| self.literal.get(&text.to_lowercase()).copied()) {
                Some(p) => p,
                None => match self.each.matches(text).iter().next() {
                    Some(i) => self.each_preds[i],
                    None => continue,
                },
            };
            out.push((a, b, p));
            end = b;
        }
        out
    }
}

/// The phrases that introduce an [`occasion`].
const OCCASION_PHRASES: [&str; 6] = [
    "on the margins of",
    "on the sidelines of",
    "on the occasion of",
    "to attend",
    "while attending",
    "during the",
];

/// Where the first of the [`OCCASION_PHRASES`] to end ends: the match an
/// automaton with standard semantics reports first (it reports a match as
/// soon as it has read one).
fn occasion_phrase_end(s: &str) -> Option<usize> {
    static PHRASES: OnceLock<AhoCorasick> = OnceLock::new();
    let ac = PHRASES.get_or_init(|| AhoCorasick::new(OCCASION_PHRASES).expect("phrases compile"));
    ac.find(s).map(|m| m.end())
}

/// Where `lit` first occurs in `s`, by a searcher built once (in `cell`):
/// `str::find` builds its searcher on every call, which showed in profiles
/// for the phrases looked for in every sentence.
fn find_literal(cell: &'static OnceLock<AhoCorasick>, s: &str, lit: &str) -> Option<usize> {
    cell.get_or_init(|| AhoCorasick::new([lit]).expect("a literal compiles"))
        .find(s)
        .map(|m| m.start())
}

/// `DIPKG_DEBUG` set: print each sentence's mentions and triggers (read once).
pub fn debug() -> bool {
    static D: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *D.get_or_init(|| std::env::var_os("DIPKG_DEBUG").is_some())
}

/// What the relation stage carries from sentence to sentence.
#[derive(Debug, Default, Clone)]
pub struct Context {
    pub doc_date: Option<String>,
    /// The parties of the meeting being reported.
    pub participants: Vec<String>,
    pub last_person: Option<String>,
    /// Issues (and events) named last.
    pub last_issues: Vec<String>,
    /// The date named last: a readout often gives it once ("On May 7, …"
    /// or "Today, …") and then reports the meeting in the next sentence.
    pub last_date: Option<String>,
    /// Issues and events in the order the document names them.
    pub history: Vec<String>,
    /// The place last named after "in" or "at".
    pub last_place: Option<String>,
    /// Country of a person, from the gazetteer or the organization a title names.
    pub countries: std::collections::BTreeMap<String, String>,
    /// Persons with the titles the document gives them, in order.
    pub titled: Vec<(String, String)>,
    /// Every person named so far (each once, in order).
    pub persons_seen: Vec<String>,
    /// Lower-cased names (label and aliases) of the document's entities.
    pub names: std::collections::BTreeMap<String, String>,
}

/// Prepositions before a name make it an object, not a subject. Words that
/// also join clauses ("after Yoon visited Tokyo", "as Kim said") are not here.
const PREPOSITIONS: &[&str] = &[
    "to",
    "in",
    "at",
    "from",
    "with",
    "of",
    "for",
    "on",
    "by",
    "between",
    "among",
    "during",
    "against",
    "toward",
    "towards",
    "into",
    "about",
    "regarding",
    "including",
    "like",
    "than",
    "over",
    "under",
    "through",
    "across",
    "within",
    "without",
    "via",
    "per",
    "upon",
    "amid",
];
/// What follows a possessive country when the country is a party, not the
/// matter: "Japan's position", "the ROK's efforts".
const POSITION_NOUNS: &[&str] = &[
    "position",
    "positions",
    "stance",
    "view",
    "views",
    "efforts",
    "side",
    "government",
    "principled",
    "own",
    "consistent",
    "basic",
    "intention",
    "willingness",
    "understanding",
    "cooperation",
    "support",
    "decision",
    "request",
    "response",
    "concerns",
    "concern",
    "assertions",
    "claims",
    "claim",
    "argument",
    "explanation",
    "proposal",
    "plan",
    "policy",
    "sovereignty",
    "territory",
    "foreign",
    "president",
    "prime",
    "leader",
    "people",
    "interests",
];

const FUNCTION_WORDS: &[&str] = &[
    "to", "and", "or", "in", "on", "at", "of", "for", "with", "by", "from", "will", "would",
    "should", "could", "can", "may", "must", "has", "have", "had", "is", "are", "was", "were",
    "be", "been", "as", "that", "which", "who", "but", "side", "also", "not", "did", "does", "do",
    "to", "itself", "alone", "too", "first", "again", "together", "so", "its", "their", "during",
    "over", "under", "after", "before", "through", "since", "while", "needs", "need", "said",
    "says", "stated", "agreed", "urged", "the", "a", "an",
];

fn word_before(s: &str, at: usize) -> &str {
    let before = s[..at].trim_end();
    let before = before
        .strip_suffix(" the")
        .or_else(|| before.strip_suffix(" a"))
        .unwrap_or(before);
    before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == ',')
        .next()
        .unwrap_or("")
}

fn word_after(s: &str, at: usize) -> &str {
    s[at..].split_whitespace().next().unwrap_or("")
}

fn possessive(s: &str, m: &Resolved) -> bool {
    s[m.end..].starts_with("'s") || s[m.end..].starts_with("' ")
}

/// A name used as a modifier ("the ROK taskforce", "a Ministry of Foreign
/// Affairs official") rather than as a party or a topic.
fn adjectival(s: &str, m: &Resolved) -> bool {
    if s[m.end..].starts_with('-') || s[..m.start].ends_with('-') {
        return true;
    }
    let w = word_after(s, m.end);
    let w = w.trim_end_matches([',', '.', ';', ':', ')']);
    s[m.end..].starts_with(' ')
        && w.chars().next().is_some_and(|c| c.is_lowercase())
        && !FUNCTION_WORDS.contains(&w)
        && !w.ends_with("ed")
        && !w.ends_with("ly")
        && is_noun_like(w)
}

/// Crude: a lower-case word that is not a verb form we know reads as a noun.
fn is_noun_like(w: &str) -> bool {
    !matches!(
        w,
        "said"
            | "says"
            | "agreed"
            | "urged"
            | "asked"
            | "raised"
            | "protested"
            | "explained"
            | "stated"
            | "expressed"
            | "reiterated"
            | "stressed"
            | "emphasized"
            | "mentioned"
            | "conveyed"
            | "noted"
            | "called"
            | "requested"
            | "demanded"
            | "met"
            | "held"
            | "shared"
            | "discussed"
            | "visited"
            | "thanked"
            | "invited"
            | "took"
            | "gave"
            | "made"
            | "plans"
            | "wants"
            | "continues"
            | "remains"
            | "seeks"
            | "hopes"
    )
}

struct Hit {
    start: usize,
    end: usize,
    pred: Predicate,
}

/// Remember the place a sentence names after "in" or "at" (headings and
/// captions included: "… talks in Munich, Germany, Saturday.").
pub fn note_place(s: &str, ms: &[Resolved], ctx: &mut Context) {
    if let Some(m) = ms.iter().find(|m| {
        m.entity_type == Some(EntityType::Place)
            && !m.nested
            && matches!(word_before(s, m.start), "in" | "at")
    }) {
        ctx.last_place = m.ids.first().cloned();
    }
}

/// Relations of one sentence, given the lexicon's search of it (`scanned`).
pub fn sentence_relations(
    s: &str,
    scanned: &Hits,
    ms: &[Resolved],
    dates: &[DateMention],
    trig: &Triggers,
    lex: &Lexicon,
    ctx: &mut Context,
) -> Vec<Found> {
    let mut out = Vec::new();
    let triggers = trig.find(s, scanned);
    let hits: Vec<Hit> = triggers
        .iter()
        .copied()
        .filter(|&(a, b, p)| acted(s, a, b, p, trig, scanned))
        .map(|(a, b, p)| Hit {
            start: a,
            end: b,
            pred: p,
        })
        .collect();
    if debug() {
        for &(a, b, p) in &triggers {
            eprintln!(
                "   T {:?} {p} acted={}",
                &s[a..b],
                acted(s, a, b, p, trig, scanned)
            );
        }
    }
    let mut prev_subject: Vec<String> = Vec::new();
    let mut prev_issues: Vec<String> = Vec::new();
    let mut prev_objects: Vec<String> = Vec::new();
    // "Regarding X, the Minister requested …": X is the matter of the first act.
    let fronted: Vec<String> = fronted_topic(s, ms);
    // "The abductions issue was raised by Director-General Morioka": a
    // passive with its agent states the act; the matter comes before it.
    for &(a, b, p) in &triggers {
        if !is_passive(s, a, b, p) || !s[b..].starts_with(" by ") {
            continue;
        }
        let agent = ms
            .iter()
            .filter(|m| {
                m.start >= b + 4 && m.start <= b + 40 && m.entity_type.is_some_and(|t| t.is_party())
            })
            .min_by_key(|m| m.start);
        let Some(agent) = agent else { continue };
        if !s[b + 4..agent.start]
            .split_whitespace()
            .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()) || w == "the")
        {
            continue;
        }
        let clause_start = s[..a].rfind([';', ':']).map(|i| i + 1).unwrap_or(0);
        let matters: Vec<String> = ms
            .iter()
            .filter(|m| {
                m.start >= clause_start
                    && m.end <= a
                    && matches!(
                        m.entity_type,
                        Some(EntityType::Issue) | Some(EntityType::Event)
                    )
            })
            .flat_map(|m| m.ids.clone())
            .collect();
        for subj in &agent.ids {
            for o in &matters {
                out.push(Found {
                    subject: subj.clone(),
                    predicate: p,
                    object: o.clone(),
                    date: None,
                    place: None,
                    format: None,
                    occasion: None,
                    confidence: 0.8,
                    rule: format!("{p}/passive-agent"),
                });
            }
        }
    }
    // "Seo is paying a visit … at the invitation of Zhao": Zhao invited Seo.
    static INVITATION: OnceLock<AhoCorasick> = OnceLock::new();
    if let Some(i) = find_literal(&INVITATION, s, "at the invitation of ") {
        let host = ms
            .iter()
            .filter(|m| m.start >= i + 21 && m.entity_type == Some(EntityType::Person))
            .min_by_key(|m| m.start);
        let guest = ms
            .iter()
            .find(|m| m.end <= i && m.entity_type == Some(EntityType::Person) && !m.in_apposition);
        if let (Some(h), Some(g)) = (host, guest) {
            if s[i + 21..h.start]
                .split_whitespace()
                .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()) || w == "the")
            {
                for (a, b) in h.ids.iter().flat_map(|x| g.ids.iter().map(move |y| (x, y))) {
                    if a != b {
                        out.push(Found {
                            subject: a.clone(),
                            predicate: Predicate::Invited,
                            object: b.clone(),
                            date: None,
                            place: None,
                            format: None,
                            occasion: None,
                            confidence: 0.8,
                            rule: "invited/at-the-invitation-of".into(),
                        });
                    }
                }
            }
        }
    }
    // A news dateline ("TOKYO, Aug. 25 (Kyodo) -- Japan on Thursday …")
    // names the place of filing, not the actor.
    static DATELINE: OnceLock<AhoCorasick> = OnceLock::new();
    let body_start = find_literal(&DATELINE, s, " -- ")
        .filter(|&i| i < 80 && s[..i].contains('('))
        .map(|i| i + 4)
        .unwrap_or(0);
    for (k, h) in hits.iter().enumerate() {
        let pre_start = if k == 0 { body_start } else { hits[k - 1].end };
        let scope_end = hits.get(k + 1).map(|n| n.start).unwrap_or(s.len());
        let (mut subject, mut conf, rule) =
            subject_of(s, ms, pre_start, h, k == 0, &prev_subject, lex, ctx);
        if subject.is_empty() {
            continue;
        }
        let scope: Vec<&Resolved> = ms
            .iter()
            .filter(|m| m.start >= h.end && m.end <= scope_end && !m.in_apposition && !m.nested)
            .collect();
        // Mutual acts ("exchanged views") involve the meeting's other party.
        if h.pred == Predicate::Discussed
            && subject.len() == 1
            && ctx.participants.contains(&subject[0])
        {
            for p in &ctx.participants {
                if !subject.contains(p) {
                    subject.push(p.clone());
                }
            }
        }
        let mut issues = issue_objects(ms, &scope, ctx);
        if k == 0 && issues.is_empty() {
            issues = fronted.clone();
        }
        let emit = |subj: &[String],
                    pred: Predicate,
                    obj: &str,
                    conf: f32,
                    rule: &str,
                    out: &mut Vec<Found>| {
            for sj in subj {
                if sj != obj {
                    out.push(Found {
                        subject: sj.clone(),
                        predicate: pred,
                        object: obj.to_string(),
                        date: None,
                        place: None,
                        format: None,
                        occasion: None,
                        confidence: conf,
                        rule: rule.to_string(),
                    });
                }
            }
        };
        match h.pred {
            Predicate::MetWith => {
                // Everyone named in the scope, except agents ("hosted by").
                let mut persons: Vec<String> = Vec::new();
                for m in scope.iter().filter(|m| {
                    m.entity_type == Some(EntityType::Person) && word_before(s, m.start) != "by"
                }) {
                    for id in &m.ids {
                        if !persons.contains(id) && !subject.contains(id) {
                            persons.push(id.clone());
                        }
                    }
                }
                let subjects: Vec<String> = subject
                    .iter()
                    .filter(|id| is_person(ms, id))
                    .cloned()
                    .collect();
                let pairs: Vec<(String, String)> = if persons.is_empty() {
                    // "Kim and Lee held talks": the subjects met each other.
                    let mut v = Vec::new();
                    for i in 0..subjects.len() {
                        for j in i + 1..subjects.len() {
                            v.push((subjects[i].clone(), subjects[j].clone()));
                        }
                    }
                    v
                } else if persons.len() > 1 || s.contains("trilateral") {
                    // A meeting of three or more: everyone met everyone.
                    let all: Vec<&String> = subjects.iter().chain(&persons).collect();
                    let mut v = Vec::new();
                    for i in 0..all.len() {
                        for j in i + 1..all.len() {
                            v.push((all[i].clone(), all[j].clone()));
                        }
                    }
                    v
                } else {
                    subjects
                        .iter()
                        .flat_map(|a| persons.iter().map(move |b| (a.clone(), b.clone())))
                        .collect()
                };
                if pairs.is_empty() {
                    continue;
                }
                let date = dates
                    .iter()
                    .find_map(|d| resolve_date(d, ctx.doc_date.as_deref()))
                    .or_else(|| ctx.last_date.clone());
                // The place of the sentence; else the one just named ("… held talks
                // in Tokyo. Park … met Morioka …"); else one in an apposition
                // ("… of the South Korean Embassy in Tokyo").
                let place = ms
                    .iter()
                    .find(|m| {
                        m.entity_type == Some(EntityType::Place) && !m.in_apposition && !m.nested
                    })
                    .and_then(|m| m.ids.first().cloned())
                    .or_else(|| ctx.last_place.clone())
                    .or_else(|| {
                        ms.iter()
                            .find(|m| m.entity_type == Some(EntityType::Place) && !m.nested)
                            .and_then(|m| m.ids.first().cloned())
                    });
                let format = meeting_format(s, trig);
                let occasion = occasion(s, ms);
                let mut parts = BTreeSet::new();
                for (a, b) in pairs {
                    if a == b {
                        continue;
                    }
                    parts.insert(a.clone());
                    parts.insert(b.clone());
                    out.push(Found {
                        subject: a,
                        predicate: Predicate::MetWith,
                        object: b,
                        date: date.clone(),
                        place: place.clone(),
                        format: Some(format),
                        occasion: occasion.clone(),
                        confidence: conf.min(0.95),
                        rule: format!("metWith/{rule}"),
                    });
                }
                ctx.participants = parts.into_iter().collect();
            }
            Predicate::Raised | Predicate::Discussed | Predicate::AgreedOn => {
                let mut objs = issues.clone();
                let response = ["replied", "responded", "in response", "In response"]
                    .iter()
                    .any(|w| s[..scope_end].contains(w));
                let rule_o = if objs.is_empty()
                    && s[h.end..scope_end].contains("position")
                    && !prev_issues.is_empty()
                {
                    // "…, and Director Takizaki explained the Japanese government's position."
                    objs = prev_issues.clone();
                    conf *= 0.7;
                    "position-on-previous-clause"
                } else if objs.is_empty() && response && h.pred == Predicate::Raised {
                    // "Minister Ishikura replied that …": a reply is on the matter just raised.
                    objs = if prev_issues.is_empty() {
                        ctx.last_issues.clone()
                    } else {
                        prev_issues.clone()
                    };
                    conf *= 0.7;
                    "reply-to-previous"
                } else {
                    "trigger"
                };
                for c in country_objects(s, &scope, h.end) {
                    if !objs.contains(&c) {
                        objs.push(c);
                    }
                }
                let mut rule_o = rule_o;
                if objs.is_empty() {
                    // "discussed the threat posed by the DPRK's nuclear programs":
                    // with no matter named, the country whose acts are discussed.
                    for m in scope.iter().filter(|m| {
                        m.entity_type == Some(EntityType::Country)
                            && possessive(s, m)
                            && !matches!(m.r, Ref::Demonym(_))
                    }) {
                        let next = s[m.end..]
                            .trim_start_matches("'s")
                            .split_whitespace()
                            .next()
                            .unwrap_or("");
                        let next = next
                            .trim_end_matches([',', '.', ';', ':', ')'])
                            .to_lowercase();
                        if !POSITION_NOUNS.contains(&next.as_str()) {
                            objs.extend(m.ids.iter().filter(|id| !subject.contains(id)).cloned());
                            rule_o = "possessor-topic";
                        }
                    }
                    conf *= 0.8;
                }
                if objs.is_empty()
                    && h.pred == Predicate::AgreedOn
                    && k > 0
                    && s[hits[k - 1].end..h.start].contains(" and ")
                {
                    // "exchanged views on X, and agreed that …": the agreement is on X.
                    objs = prev_objects.clone();
                    conf *= 0.75;
                    rule_o = "coordinated-clause";
                }
                for o in &objs {
                    emit(
                        &subject,
                        h.pred,
                        o,
                        conf,
                        &format!("{}/{rule}/{rule_o}", h.pred),
                        &mut out,
                    );
                }
                prev_objects = objs;
            }
            Predicate::Urged => {
                // "sought the ROK's understanding", "asked for Japan's cooperation":
                // the possessor is asked.
                let asks_for = |m: &&&Resolved| {
                    possessive(s, m)
                        && matches!(
                            m.entity_type,
                            Some(EntityType::Country) | Some(EntityType::Organization)
                        )
                        && matches!(
                            s[m.end..]
                                .trim_start_matches("'s")
                                .split_whitespace()
                                .next()
                                .unwrap_or(""),
                            "understanding"
                                | "cooperation"
                                | "continued"
                                | "support"
                                | "help"
                                | "assistance"
                                | "consideration"
                                | "efforts"
                        )
                };
                let party = scope
                    .iter()
                    .find(|m| is_party_object(s, m, lex, h.end) || asks_for(m))
                    .map(|m| party_id(m, lex));
                if let Some(p) = party.flatten() {
                    emit(
                        &subject,
                        Predicate::Urged,
                        &p,
                        conf,
                        &format!("urged/{rule}"),
                        &mut out,
                    );
                } else if subject.iter().all(|x| ctx.participants.contains(x)) {
                    // "He strongly requested that such drills not be conducted
                    // again": in a meeting, a request goes to the other side,
                    // that is to its government where the document says which.
                    for p in ctx.participants.iter().filter(|p| !subject.contains(p)) {
                        let addressee = ctx
                            .countries
                            .get(p)
                            .filter(|c| subject.iter().all(|sj| ctx.countries.get(sj) != Some(*c)))
                            .and_then(|c| lex.government_of(c))
                            .map(str::to_string)
                            .unwrap_or_else(|| p.clone());
                        emit(
                            &subject,
                            Predicate::Urged,
                            &addressee,
                            conf * 0.7,
                            &format!("urged/counterpart/{rule}"),
                            &mut out,
                        );
                    }
                }
                // An urging that names the matter also raises it.
                for o in &issues {
                    emit(
                        &subject,
                        Predicate::Raised,
                        o,
                        conf * 0.9,
                        &format!("raised/urged-matter/{rule}"),
                        &mut out,
                    );
                }
            }
            Predicate::Protested => {
                let mut objs = issues.clone();
                // "condemned North Korea's launch": the possessor is the target.
                let target = |m: &&&Resolved| {
                    m.entity_type
                        .is_some_and(|t| Predicate::Protested.admits_object(t))
                        && (is_party_object(s, m, lex, h.end)
                            || (possessive(s, m)
                                && matches!(
                                    m.entity_type,
                                    Some(EntityType::Country) | Some(EntityType::Organization)
                                )))
                };
                if let Some(p) = scope.iter().find(target).and_then(|m| party_id(m, lex)) {
                    objs.push(p);
                }
                if objs.is_empty() {
                    objs = ctx.last_issues.clone();
                }
                for o in &objs {
                    emit(
                        &subject,
                        Predicate::Protested,
                        o,
                        conf,
                        &format!("protested/{rule}"),
                        &mut out,
                    );
                }
                // Voicing regret or concern about a matter brings it up; condemning
                // another's act does not.
                let voiced = ["express", "voice", "lodge", "protest"]
                    .iter()
                    .any(|w| lower_starts_with(&s[h.start..h.end], w));
                for o in issues.iter().filter(|_| voiced) {
                    emit(
                        &subject,
                        Predicate::Raised,
                        o,
                        conf * 0.85,
                        &format!("raised/protest-matter/{rule}"),
                        &mut out,
                    );
                }
            }
            Predicate::Invited | Predicate::Thanked => {
                let want = |m: &&&Resolved| match h.pred {
                    Predicate::Invited => m.entity_type == Some(EntityType::Person),
                    // "expressed his gratitude for the ROK's cooperation": the ROK.
                    _ => {
                        is_party_object(s, m, lex, h.end)
                            || (possessive(s, m)
                                && matches!(
                                    m.entity_type,
                                    Some(EntityType::Country) | Some(EntityType::Organization)
                                ))
                    }
                };
                if let Some(o) = scope.iter().find(want).and_then(|m| party_id(m, lex)) {
                    emit(
                        &subject,
                        h.pred,
                        &o,
                        conf,
                        &format!("{}/{rule}", h.pred),
                        &mut out,
                    );
                }
            }
            Predicate::Visited => {
                let first = scope.iter().find(|m| {
                    matches!(
                        m.entity_type,
                        Some(EntityType::Place) | Some(EntityType::Country)
                    ) && !matches!(m.r, Ref::Demonym(_))
                        && !possessive(s, m)
                });
                if let Some(m) = first {
                    let mut objs: Vec<String> = m.ids.clone();
                    // "Honolulu, U.S.": the country after the place too.
                    if let Some(n) = scope
                        .iter()
                        .find(|n| n.start > m.end && s[m.end..n.start].trim() == ",")
                    {
                        objs.extend(n.ids.clone());
                    }
                    for o in objs {
                        emit(
                            &subject,
                            Predicate::Visited,
                            &o,
                            conf,
                            &format!("visited/{rule}"),
                            &mut out,
                        );
                    }
                }
            }
            Predicate::MemberOf => {}
        }
        // Protest words in the clause make its act a protest too ("urged …
        // to withdraw the unjust export restrictions").
        if h.pred != Predicate::Protested
            && !matches!(
                h.pred,
                Predicate::MetWith | Predicate::Thanked | Predicate::Invited | Predicate::Visited
            )
        {
            if let Some(cue) = &trig.protest_cue {
                if cue.is_match(s, h.end, scope_end, scanned) {
                    let mut objs = issues.clone();
                    if objs.is_empty() {
                        objs = scope
                            .iter()
                            .filter(|m| {
                                m.entity_type == Some(EntityType::Country)
                                    && !matches!(m.r, Ref::Demonym(_))
                            })
                            .flat_map(|m| m.ids.clone())
                            .collect();
                    }
                    if objs.is_empty() {
                        objs = ctx.last_issues.clone();
                    }
                    for o in &objs {
                        emit(
                            &subject,
                            Predicate::Protested,
                            o,
                            conf * 0.85,
                            &format!("protested/cue/{rule}"),
                            &mut out,
                        );
                    }
                }
            }
        }
        if !issues.is_empty() {
            prev_issues = issues.clone();
        }
        if let Some(p) = subject
            .iter()
            .rev()
            .find(|id| is_person(ms, id) || ctx.participants.contains(id))
        {
            ctx.last_person = Some(p.clone());
        }
        prev_subject = subject;
    }
    if let Some(d) = dates
        .iter()
        .find_map(|d| resolve_date(d, ctx.doc_date.as_deref()))
    {
        ctx.last_date = Some(d);
    }
    for m in ms
        .iter()
        .filter(|m| m.entity_type == Some(EntityType::Person))
    {
        if let (Some(t), Some(id)) = (&m.title, m.ids.first()) {
            ctx.titled.push((id.clone(), t.clone()));
        }
        for id in &m.ids {
            if !ctx.persons_seen.contains(id) {
                ctx.persons_seen.push(id.clone());
            }
        }
    }
    // The matter just named, for "this" and "the issue" in later sentences.
    let named: Vec<String> = ms
        .iter()
        .filter(|m| {
            m.entity_type == Some(EntityType::Issue) || m.entity_type == Some(EntityType::Event)
        })
        .flat_map(|m| m.ids.clone())
        .collect();
    if !named.is_empty() {
        ctx.history.extend(named.iter().cloned());
        ctx.last_issues = named;
    }
    if hits.is_empty() {
        if let Some(p) = ms
            .iter()
            .rfind(|m| m.entity_type == Some(EntityType::Person) && !m.in_apposition)
        {
            ctx.last_person = p.ids.first().cloned();
        }
    }
    out
}

fn is_person(ms: &[Resolved], id: &str) -> bool {
    ms.iter()
        .any(|m| m.entity_type == Some(EntityType::Person) && m.ids.iter().any(|i| i == id))
        || id.contains('-') && !ms.iter().any(|m| m.ids.iter().any(|i| i == id))
}

/// A passive trigger ("was raised", "was also briefly raised").
fn is_passive(s: &str, a: usize, b: usize, p: Predicate) -> bool {
    let before = s[..a].trim_end();
    s[a..b].ends_with("ed")
        && !matches!(p, Predicate::Visited)
        && ends_with_passive_auxiliary(before)
}

/// Does `before` end with " was", " were", … " is", " are", alone or with
/// " also", " briefly" or " also briefly" after it?
fn ends_with_passive_auxiliary(before: &str) -> bool {
    ["was", "were", "been", "being", "be", "is", "are"]
        .iter()
        .any(|w| {
            ["", " also", " briefly", " also briefly"]
                .iter()
                .any(|tail| {
                    before
                        .strip_suffix(tail)
                        .and_then(|b| b.strip_suffix(w))
                        .is_some_and(|b| b.ends_with(' '))
                })
        })
}

/// Where the clause that ends at byte `a` starts: right after the last
/// ";", " and ", ", but ", ": " or ", while " that ends by `a` (0 without
/// one). One backward scan that stops at the first connector, rather than
/// a search of the whole text before `a` for each connector.
fn clause_start(s: &str, a: usize) -> usize {
    const CONNECTORS: [&str; 5] = [";", " and ", ", but ", ": ", ", while "];
    let b = &s.as_bytes()[..a];
    (1..=a)
        .rev()
        .find(|&e| {
            matches!(b[e - 1], b';' | b' ')
                && CONNECTORS.iter().any(|c| b[..e].ends_with(c.as_bytes()))
        })
        .unwrap_or(0)
}

/// Is the act of this trigger stated as done? Not when it is infinitival
/// ("to visit"), passive without agent, hedged ("will consider") or negated
/// ("did not discuss") within its clause.
fn acted(s: &str, a: usize, b: usize, p: Predicate, trig: &Triggers, hits: &Hits) -> bool {
    let before = s[..a].trim_end();
    let last = before.rsplit(' ').next().unwrap_or("").to_lowercase();
    // Infinitives are plans ("to visit", "to discuss"), except a protest of
    // purpose: "phoned the embassy to protest the visit".
    if last == "to" && !matches!(p, Predicate::Visited | Predicate::Protested) {
        return false;
    }
    if last == "to"
        && lower_starts_with(&s[a..b], "visit")
        && !lower_starts_with(&s[a..b], "visit to")
    {
        return false;
    }
    // A visit as a noun is an act only with its visitor: "her visit to
    // Japan", "Minister Kang's first visit to Japan" (not "a visit to Japan").
    if lower_starts_with(&s[a..b], "visit to") || lower_starts_with(&s[a..b], "trip to") {
        let near: Vec<&str> = before.rsplit(' ').take(3).collect();
        let possessed = near.iter().any(|w| {
            w.ends_with("'s") || matches!(*w, "his" | "her" | "their" | "His" | "Her" | "Their")
        });
        if !possessed {
            return false;
        }
    }
    if matches!(
        last.as_str(),
        "was" | "were" | "been" | "being" | "be" | "is" | "are" | "also" | "briefly"
    ) && s[a..b].ends_with("ed")
        && !matches!(p, Predicate::Visited)
        && ends_with_passive_auxiliary(before)
    {
        return false;
    }
    // Participles used as adjectives: "the ones mentioned at the consultation".
    if matches!(
        last.as_str(),
        "ones" | "issues" | "matters" | "measures" | "items" | "topics"
    ) && s[a..b].ends_with("ed")
    {
        return false;
    }
    // The clause before the trigger: from the last coordinator or trigger.
    let from = clause_start(s, a);
    if p != Predicate::AgreedOn && trig.hedge.is_match(s, from, a, hits) {
        return false;
    }
    if trig.negation.is_match(s, from, a, hits) {
        return false;
    }
    true
}

#[allow(clippy::too_many_arguments)]
fn subject_of(
    s: &str,
    ms: &[Resolved],
    pre_start: usize,
    h: &Hit,
    first: bool,
    prev: &[String],
    lex: &Lexicon,
    ctx: &Context,
) -> (Vec<String>, f32, &'static str) {
    let nominal = lower_starts_with(&s[h.start..h.end], "visit to")
        || lower_starts_with(&s[h.start..h.end], "trip to");
    let eligible = |m: &&Resolved| -> bool {
        if m.in_apposition || m.nested || m.start < pre_start || m.end > h.start {
            return false;
        }
        if PREPOSITIONS.contains(&word_before(s, m.start).to_lowercase().as_str()) {
            return false;
        }
        let party = match m.entity_type {
            Some(EntityType::Person) => true,
            Some(EntityType::Organization) | Some(EntityType::Country) => {
                !matches!(m.r, Ref::Demonym(_)) || word_after(s, m.end) == "side"
            }
            Some(EntityType::Place) => m.ids.first().is_some_and(|p| lex.capital_of(p).is_some()),
            _ => matches!(m.r, Ref::Collective | Ref::Pronoun | Ref::DefiniteTitle),
        };
        if !party {
            return false;
        }
        let poss = possessive(s, m)
            || matches!(&m.r, Ref::Pronoun if matches!(s[m.start..m.end].to_lowercase().as_str(), "his" | "her"));
        if poss && !nominal {
            return false;
        }
        if matches!(
            m.entity_type,
            Some(EntityType::Organization) | Some(EntityType::Country)
        ) && adjectival(s, m)
            && word_after(s, m.end) != "side"
        {
            return false;
        }
        true
    };
    let cands: Vec<&Resolved> = ms.iter().filter(eligible).collect();
    let glue = |m: &Resolved| -> bool {
        let from = m.apposition.map(|(_, b)| b).unwrap_or(m.end).max(m.end);
        if from > h.start {
            return false;
        }
        let gap = s[from..h.start].trim();
        let gap = gap.trim_start_matches("'s").trim();
        gap.split([' ', ',']).filter(|w| !w.is_empty()).all(|w| {
            matches!(
                w.to_lowercase().as_str(),
                "also"
                    | "then"
                    | "once"
                    | "again"
                    | "further"
                    | "furthermore"
                    | "strongly"
                    | "briefly"
                    | "jointly"
                    | "both"
                    | "all"
                    | "each"
                    | "had"
                    | "has"
                    | "have"
                    | "did"
                    | "in"
                    | "turn"
                    | "response"
                    | "particular"
                    | "additionally"
                    | "firmly"
                    | "repeatedly"
                    | "subsequently"
                    | "later"
                    | "earlier"
                    | "reportedly"
                    | "formally"
                    | "officially"
                    | "separately"
                    | "specifically"
                    | "personally"
                    | "directly"
                    | "immediately"
                    | "clearly"
                    | "explicitly"
                    | "previously"
                    | "today"
                    | "yesterday"
                    | "first"
                    | "who"
                    | "which"
                    | "is"
                    | "was"
                    | "and"
                    | "side"
                    | "sides"
                    | "then-"
                    | "on"
                    | "monday"
                    | "tuesday"
                    | "wednesday"
                    | "thursday"
                    | "friday"
                    | "saturday"
                    | "sunday"
            )
        })
    };
    // After an earlier trigger, a place, organization or country right after
    // it is that trigger's object ("is visiting Seoul, held ..."): it
    // becomes a subject only when nothing but adverbs separates it from the verb.
    let glue_ok = |m: &Resolved| -> bool {
        if !glue(m) {
            return false;
        }
        if first || m.entity_type == Some(EntityType::Person) || m.entity_type.is_none() {
            return true;
        }
        !s[m.end..h.start].contains(',')
    };
    let chosen = cands
        .iter()
        .rev()
        .find(|m| glue_ok(m))
        .copied()
        .map(|m| (m, 0.9, "adjacent-subject"));
    let chosen = chosen.or_else(|| {
        if first {
            cands
                .first()
                .copied()
                .map(|m| (m, 0.85, "sentence-subject"))
        } else {
            None
        }
    });
    if let Some((m, conf, rule)) = chosen {
        let ids = subject_ids(s, ms, m, lex, ctx);
        if !ids.is_empty() {
            return (ids, conf, rule);
        }
    }
    if !prev.is_empty() {
        return (prev.to_vec(), 0.8, "coordinated-subject");
    }
    (Vec::new(), 0.0, "none")
}

/// The entity ids a subject mention stands for.
fn subject_ids(
    s: &str,
    ms: &[Resolved],
    m: &Resolved,
    lex: &Lexicon,
    ctx: &Context,
) -> Vec<String> {
    match &m.r {
        Ref::Collective => {
            if ctx.participants.len() >= 2 {
                ctx.participants.clone()
            } else {
                // No meeting read yet: the persons named so far, when few.
                let text = s[m.start..m.end].to_lowercase();
                let n = if text.contains("three") { 3 } else { 2 };
                if ctx.persons_seen.len() == n {
                    ctx.persons_seen.clone()
                } else {
                    Vec::new()
                }
            }
        }
        Ref::DefiniteTitle => {
            // "The Secretary": the person last called Secretary.
            let head = s[m.start..m.end]
                .rsplit(' ')
                .next()
                .unwrap_or("")
                .to_lowercase();
            let titled = ctx
                .titled
                .iter()
                .rev()
                .find(|(_, t)| t.to_lowercase().contains(&head))
                .map(|(id, _)| id.clone());
            match titled.or_else(|| ctx.last_person.clone()) {
                Some(p) => vec![p],
                None => Vec::new(),
            }
        }
        Ref::Pronoun => {
            if let Some(p) = &ctx.last_person {
                vec![p.clone()]
            } else {
                // Cataphora: "During her visit to Japan, Minister Kang met …".
                ms.iter()
                    .find(|x| {
                        x.start > m.end
                            && x.entity_type == Some(EntityType::Person)
                            && !x.in_apposition
                    })
                    .map(|x| x.ids.clone())
                    .unwrap_or_default()
            }
        }
        _ => {
            let mut ids = Vec::new();
            for c in coordinated_back(s, ms, m) {
                for id in &c.ids {
                    let id = match c.entity_type {
                        // A capital acting stands for its government ("Tokyo protested").
                        Some(EntityType::Place) => lex
                            .capital_of(id)
                            .and_then(|c| lex.government_of(c))
                            .unwrap_or(id)
                            .to_string(),
                        _ => id.clone(),
                    };
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
            ids
        }
    }
}

/// The mention and those coordinated before it ("Minister Kono and Minister Kang").
fn coordinated_back<'a>(s: &str, ms: &'a [Resolved], m: &'a Resolved) -> Vec<&'a Resolved> {
    let mut v = vec![m];
    let mut cur = m;
    loop {
        let prev = ms
            .iter()
            .filter(|x| {
                x.end <= cur.start
                    && x.entity_type == cur.entity_type
                    && !x.in_apposition
                    && !x.nested
            })
            .max_by_key(|x| x.end);
        match prev {
            Some(p) if is_coordination(&s[p.end..cur.start]) => {
                v.insert(0, p);
                cur = p;
            }
            _ => break,
        }
    }
    v
}

/// The text between two coordinated names: "and", a comma, and the titles
/// of the second ("Minister Kono and Minister Kang", "Moon and her Japanese
/// counterpart, Okabe").
fn is_coordination(gap: &str) -> bool {
    let mut saw_join = false;
    for w in gap.split([' ', ',']).filter(|w| !w.is_empty()) {
        if matches!(
            w,
            "his"
                | "her"
                | "their"
                | "counterpart"
                | "Japanese"
                | "Korean"
                | "South"
                | "Chinese"
                | "American"
                | "U.S."
                | "Russian"
        ) && saw_join
        {
            continue;
        }
        if w == "and" || w == "&" {
            saw_join = true;
        } else if !(crate::mentions::TITLES
            .iter()
            .any(|t| t.split(' ').any(|x| x == w))
            || matches!(
                w,
                "Mr." | "Ms." | "Mrs." | "Dr." | "H.E." | "Prof." | "Foreign"
            ))
        {
            return false;
        }
    }
    saw_join || gap.trim() == ","
}

fn is_party_object(s: &str, m: &Resolved, lex: &Lexicon, trigger_end: usize) -> bool {
    // Right after the verb ("expressed appreciation to the Japanese
    // government", "urged Japan"): the party addressed.
    let adjacent = m.start >= trigger_end && matches!(s[trigger_end..m.start].trim(), "" | "the");
    // "Japan's position", "in the ROK", "of Japan": not the party addressed.
    if m.entity_type != Some(EntityType::Person)
        && !adjacent
        && !word_after(s, m.end).starts_with("side")
        && (possessive(s, m)
            || matches!(
                word_before(s, m.start).to_lowercase().as_str(),
                "in" | "of"
                    | "from"
                    | "between"
                    | "among"
                    | "at"
                    | "by"
                    | "within"
                    | "to"
                    | "for"
                    | "into"
            ))
    {
        return false;
    }
    match m.entity_type {
        Some(EntityType::Person) => true,
        Some(EntityType::Organization) => {
            !modifies_party(s, m) || word_after(s, m.end).starts_with("side")
        }
        Some(EntityType::Country) => {
            !matches!(m.r, Ref::Demonym(_)) || word_after(s, m.end).starts_with("side")
        }
        // "lodged a protest with Seoul": a capital stands for its government.
        Some(EntityType::Place) => m.ids.first().is_some_and(|p| lex.capital_of(p).is_some()),
        _ => false,
    }
}

fn party_id(m: &Resolved, lex: &Lexicon) -> Option<String> {
    let id = m.ids.first()?;
    Some(match m.entity_type {
        Some(EntityType::Place) => lex
            .capital_of(id)
            .and_then(|c| lex.government_of(c))
            .unwrap_or(id)
            .to_string(),
        _ => id.clone(),
    })
}

/// Issues and events in scope, and "this"/"the issue" for the matter just named.
fn issue_objects(all: &[Resolved], scope: &[&Resolved], ctx: &Context) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for m in scope {
        if matches!(
            m.entity_type,
            Some(EntityType::Issue) | Some(EntityType::Event)
        ) {
            for id in &m.ids {
                if !v.contains(id) {
                    v.push(id.clone());
                }
            }
        } else if let Ref::Anaphor(head) = &m.r {
            for id in resolve_anaphor(all, m, head.as_deref(), ctx) {
                if !v.contains(&id) {
                    v.push(id);
                }
            }
        }
    }
    v
}

/// The matter an anaphor stands for: with a head noun ("the agreement"),
/// the last matter whose name has it; without ("this", "the issue"), the
/// matter named last, in this sentence or the one before.
fn resolve_anaphor(
    all: &[Resolved],
    m: &Resolved,
    head: Option<&str>,
    ctx: &Context,
) -> Vec<String> {
    let earlier: Vec<&String> = all
        .iter()
        .filter(|x| {
            x.end <= m.start
                && matches!(
                    x.entity_type,
                    Some(EntityType::Issue) | Some(EntityType::Event)
                )
        })
        .flat_map(|x| x.ids.iter())
        .collect();
    match head {
        Some(h) => {
            let named = |id: &str| ctx.names.get(id).is_some_and(|n| n.contains(h));
            if let Some(id) = earlier.iter().rev().find(|id| named(id.as_str())) {
                return vec![(*id).clone()];
            }
            ctx.history
                .iter()
                .rev()
                .find(|id| named(id.as_str()))
                .map(|id| vec![id.clone()])
                .unwrap_or_default()
        }
        None => {
            let here: Vec<String> = all
                .iter()
                .filter(|x| {
                    x.end <= m.start
                        && matches!(
                            x.entity_type,
                            Some(EntityType::Issue) | Some(EntityType::Event)
                        )
                })
                .max_by_key(|x| x.end)
                .map(|x| x.ids.clone())
                .unwrap_or_default();
            if here.is_empty() {
                ctx.last_issues.clone()
            } else {
                here
            }
        }
    }
}

/// Countries that are the topic of a clause: named (not by demonym), not a
/// modifier ("Japan's position", "the ROK taskforce", "Japan-ROK"), not a
/// place ("in Japan", "between the ROK and Japan"), not the subject of a
/// reported clause ("noted that the ROK and Japan have …").
fn country_objects(s: &str, scope: &[&Resolved], trigger_end: usize) -> Vec<String> {
    let mut out = Vec::new();
    // (end of the previous mention, whether it was accepted as a topic)
    let mut prev: Option<(usize, bool)> = None;
    for m in scope {
        if m.entity_type != Some(EntityType::Country) {
            if m.entity_type.is_some() {
                prev = Some((m.end, false));
            }
            continue;
        }
        let list_continues = prev.is_some_and(|(e, _)| {
            e <= m.start
                && matches!(
                    s[e..m.start].trim().trim_start_matches(',').trim(),
                    "and" | "," | "" | "and the" | "the" | ", the" | "or"
                )
        });
        let topic = if list_continues {
            prev.is_some_and(|(_, ok)| ok)
        } else {
            is_topic_position(s, m, trigger_end)
        };
        let ok = topic
            && !matches!(m.r, Ref::Demonym(_))
            && !possessive(s, m)
            && !modifies_party(s, m)
            && !s[trigger_end..m.start].contains(" that ");
        prev = Some((m.end, ok));
        if ok {
            for id in &m.ids {
                if !out.contains(id) {
                    out.push(id.clone());
                }
            }
        }
    }
    out
}

/// Is a country named where a clause puts its topic? Right after the verb
/// ("discussed North Korea"), after "on"/"about"/"regarding"/"over", after
/// "the situation of", or after "dealing with". Elsewhere a country is a
/// place, a party or a modifier, not what was raised.
fn is_topic_position(s: &str, m: &Resolved, trigger_end: usize) -> bool {
    let gap = s[trigger_end..m.start].trim();
    if gap.is_empty() || gap == "the" {
        return true;
    }
    let before = s[..m.start].trim_end();
    let before = before.strip_suffix(" the").unwrap_or(before);
    let mut words = before.rsplit(' ');
    let w1 = words.next().unwrap_or("").to_lowercase();
    let w2 = words.next().unwrap_or("").to_lowercase();
    match w1.as_str() {
        "on" | "about" | "regarding" | "over" | "toward" | "towards" | "surrounding" => true,
        "of" => matches!(
            w2.as_str(),
            "situation"
                | "issue"
                | "issues"
                | "question"
                | "problem"
                | "matter"
                | "denuclearization"
                | "provocations"
                | "threat"
                | "threats"
                | "case"
        ),
        "with" => matches!(
            w2.as_str(),
            "dealing" | "deal" | "engaging" | "engage" | "engagement" | "coping"
        ),
        _ => false,
    }
}

fn fronted_topic(s: &str, ms: &[Resolved]) -> Vec<String> {
    const OPENERS: &[&str] = &[
        "Regarding ",
        "Concerning ",
        "As for ",
        "As to ",
        "On ",
        "With regard to ",
        "In regard to ",
        "With respect to ",
        "As regards ",
        "On the issue of ",
        "On the matter of ",
    ];
    if !OPENERS.iter().any(|o| s.starts_with(o)) {
        return Vec::new();
    }
    let Some(comma) = s.find(',') else {
        return Vec::new();
    };
    ms.iter()
        .filter(|m| {
            m.end <= comma
                && matches!(
                    m.entity_type,
                    Some(EntityType::Issue) | Some(EntityType::Event)
                )
        })
        .flat_map(|m| m.ids.clone())
        .collect()
}

/// A country naming the actor of a noun phrase ("the ROK taskforce", "Japan
/// side", "a Korea-Japan meeting") rather than a topic ("North Korea nuclear
/// issues").
fn modifies_party(s: &str, m: &Resolved) -> bool {
    if s[m.end..].starts_with('-') || s[..m.start].ends_with('-') {
        return true;
    }
    let w = word_after(s, m.end)
        .trim_end_matches([',', '.', ';', ':', ')'])
        .to_lowercase();
    const PARTY_NOUNS: &[&str] = &[
        "government",
        "side",
        "sides",
        "official",
        "officials",
        "taskforce",
        "task",
        "team",
        "delegation",
        "ministry",
        "embassy",
        "company",
        "companies",
        "firms",
        "nationals",
        "citizens",
        "people",
        "workers",
        "leaders",
        "leader",
        "president",
        "minister",
        "authorities",
        "military",
        "forces",
        "troops",
        "counterpart",
        "counterparts",
        "diplomats",
        "diplomat",
        "court",
        "courts",
        "ambassador",
        "envoy",
        "spokesperson",
        "media",
        "lawmakers",
        "parliament",
        "position",
        "positions",
        "stance",
        "expert",
        "experts",
        "agency",
        "navy",
        "coast",
        "businesses",
        "industry",
        "public",
        "society",
        "relations",
        "ties",
        "alliance",
        "cooperation",
        "partnership",
        "summit",
        "talks",
        "meeting",
        "consultation",
        "dialogue",
        "administration",
        "cabinet",
        "foreign",
        "defense",
        "trade",
        "economy",
        "economic",
    ];
    PARTY_NOUNS.contains(&w.as_str())
}

fn meeting_format(s: &str, trig: &Triggers) -> MeetingFormat {
    if trig.video.as_ref().is_some_and(|r| r.is_match(s)) {
        MeetingFormat::Video
    } else if trig.telephone.as_ref().is_some_and(|r| r.is_match(s)) {
        MeetingFormat::Telephone
    } else {
        MeetingFormat::InPerson
    }
}

/// "on the margins of X" / "on the sidelines of X": the event X.
fn occasion(s: &str, ms: &[Resolved]) -> Option<String> {
    let i = occasion_phrase_end(s)?;
    ms.iter()
        .filter(|m| m.start >= i && m.entity_type == Some(EntityType::Event))
        .min_by_key(|m| m.start)
        .and_then(|m| m.ids.first().cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_found_where_str_find_finds_them() {
        static A: OnceLock<AhoCorasick> = OnceLock::new();
        static B: OnceLock<AhoCorasick> = OnceLock::new();
        let mut texts: Vec<String> = [
            "on the sidelines of the summit during the talks; to attend to attend",
            "while attendingduring the; on the margins ofon the occasion of",
            "TOKYO, Aug. 25 (Kyodo) -- Japan at the invitation of Kim -- at the invitation of",
            "Seo is paying a visit to Japan at the invitation of Foreign Minister Kamikawa.",
            "at the invitation of",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        texts.extend(crate::pattern::corpus_lines());
        let mut found = [0; 3];
        for s in &texts {
            let expected = OCCASION_PHRASES
                .iter()
                .filter_map(|p| s.find(p).map(|i| i + p.len()))
                .min();
            assert_eq!(occasion_phrase_end(s), expected, "in {s:?}");
            let invitation = "at the invitation of ";
            assert_eq!(
                find_literal(&A, s, invitation),
                s.find(invitation),
                "in {s:?}"
            );
            assert_eq!(find_literal(&B, s, " -- "), s.find(" -- "), "in {s:?}");
            found[0] += expected.is_some() as usize;
            found[1] += s.contains(invitation) as usize;
            found[2] += s.contains(" -- ") as usize;
        }
        assert!(found.iter().all(|&n| n >= 3), "{found:?}");
    }

    /// `Triggers::find` as it was with an automaton of its own: the
    /// literal phrases (longest first), then the gapped phrases' first
    /// words, ASCII case folded, candidates in the automaton's order.
    fn find_with_own_automaton<'t>(
        trig: &'t Triggers,
        lex: &'t Lexicon,
    ) -> impl Fn(&str) -> Vec<(usize, usize, Predicate)> + 't {
        let mut phrases: Vec<(&str, Predicate)> = lex
            .triggers
            .iter()
            .filter_map(|t| Some((t.phrase.as_str(), Predicate::parse(&t.predicate)?)))
            .collect();
        phrases.sort_by_key(|(p, _)| (std::cmp::Reverse(p.replace('*', "").len()), *p));
        let literals: Vec<(&str, Predicate)> = phrases
            .iter()
            .filter(|(p, _)| !p.contains('*'))
            .copied()
            .collect();
        let firsts = phrases
            .iter()
            .filter(|(p, _)| p.contains('*'))
            .filter_map(|(p, _)| p.split_whitespace().next())
            .filter(|_| trig.gap_starts);
        let ac = aho_corasick::AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(literals.iter().map(|(p, _)| *p).chain(firsts))
            .expect("builds");
        move |s: &str| {
            let b = s.as_bytes();
            let boundary = |x: usize, y: usize| {
                (x == 0 || !b[x - 1].is_ascii_alphanumeric())
                    && (y == b.len() || !b[y].is_ascii_alphanumeric())
            };
            let mut cands = Vec::new();
            let mut gap_start = !trig.gap_starts || !s.is_ascii();
            for m in ac.find_overlapping_iter(s) {
                match literals.get(m.pattern().as_usize()) {
                    Some(&(_, p)) if boundary(m.start(), m.end()) => {
                        cands.push((m.start(), m.end(), Some(p)))
                    }
                    Some(_) => {}
                    None => gap_start = true,
                }
            }
            if gap_start {
                cands.extend(trig.any.find_iter(s).map(|m| (m.start(), m.end(), None)));
            }
            cands.sort_by_key(|&(x, y, _)| (x, std::cmp::Reverse(y)));
            trig.select(s, cands.into_iter())
        }
    }

    #[test]
    fn trigger_phrases_are_found_as_by_an_automaton_of_their_own() {
        // The project's phrases, and phrases spelled alike: the first ranked
        // must win, as the first pattern of an automaton of their own did.
        let dir = std::env::temp_dir().join(format!("dipkg-triggers-{}", std::process::id()));
        let onto = crate::pipeline::default_ontology_dir();
        std::fs::create_dir_all(dir.join("gazetteer")).expect("temp dir");
        for sub in ["", "gazetteer"] {
            for e in std::fs::read_dir(onto.join(sub)).expect("ontology") {
                let p = e.expect("entry").path();
                if p.extension().is_some_and(|x| x == "ttl") {
                    std::fs::copy(&p, dir.join(sub).join(p.file_name().expect("name")))
                        .expect("copy");
                }
            }
        }
        std::fs::write(
            dir.join("more-triggers.ttl"),
            "@prefix dk: <https://w3id.org/dipkg/ontology#> .\n\
             dk:urged dk:trigger \"MET WITH\", \"Discussed\", \"held a meeting\", \"met the\" .\n\
             dk:thanked dk:trigger \"met with\", \"discussed\" .\n\
             dk:noSuchRelation dk:trigger \"met\", \"said\" .\n",
        )
        .expect("write");
        let lex = Lexicon::load_dir(&dir).expect("lexicon");
        std::fs::remove_dir_all(&dir).ok();
        let trig = Triggers::compile(&lex);
        let texts = crate::pattern::test_texts(&[
            "Kim met with Lee and discussed; they MET WITH them; Discussed it. He met the press.",
            "They held a meeting with Japan, held a long meeting, said so; Japan-hosted talks.",
            "Kono met\u{e9} with; metwith; met  with; \u{c9}met with",
            // A gapped match inside one that is no verb ("Held"): the search
            // resumes after the first, as `find_iter` does.
            "Held a held a short meeting with Japan; they held the long talks with Kim.",
        ]);
        let reference = find_with_own_automaton(&trig, &lex);
        let mut found = 0;
        for s in &texts {
            let ours = trig.find(s, &lex.scan(s));
            assert_eq!(ours, reference(s), "{s:?}");
            found += ours.len();
        }
        assert!(found > 1000, "{found} triggers");
        // Of phrases spelled alike, the first in sorted order wins: "MET
        // WITH" (urged) sorts before "met with" (metWith and thanked).
        let s = "Kim met with Lee.";
        assert_eq!(trig.find(s, &lex.scan(s)), vec![(4, 12, Predicate::Urged)]);
        let s = "Kim discussed it.";
        assert_eq!(trig.find(s, &lex.scan(s)), vec![(4, 13, Predicate::Urged)]);
    }

    #[test]
    fn cue_windows_are_searched_as_by_the_pattern_alone() {
        let (pipeline, _) = crate::pipeline::test_extractions(0);
        let lex = &pipeline.lexicon;
        let trig = &Triggers::compile(lex);
        let protest = trig.protest_cue.as_ref().expect("protest cues");
        let cues = [&trig.hedge, &trig.negation, protest];
        assert!(cues.iter().all(|c| c.kind.is_some()), "every kind is gated");
        // Cues at the windows' edges, inside words, in other cases, and
        // with Unicode case folding ("ſ" is "s" to a case-insensitive
        // pattern in a non-ASCII text).
        let crafted = [
            "Kim did not discuss it; Lee will consider it; cannot; knot; William",
            "Japan WILL protest. Korea Will NOT. ſerious concern; SERIOUS CONCERN; unjustly; unjuſt",
            "The talks to be held in Seoul; to be\theld; willing to; grave  concern",
        ];
        let texts: Vec<String> = crate::pattern::test_texts(&crafted)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| *i < 2 * crafted.len() || i % 17 == 0)
            .map(|(_, t)| t)
            .collect();
        let (mut calls, mut matched) = (0usize, 0usize);
        for s in &texts {
            let hits = lex.scan(s);
            // Windows between word edges, and a few that cut words.
            let edges: Vec<usize> = (0..=s.len())
                .filter(|&i| s.is_char_boundary(i))
                .filter(|&i| {
                    i == 0
                        || i == s.len()
                        || s[..i].ends_with(' ')
                        || s[i..].starts_with(' ')
                        || i % 5 == 0
                })
                .collect();
            for (k, &from) in edges.iter().enumerate() {
                for &to in edges.iter().skip(k + 1).take(8) {
                    for cue in cues {
                        let expected = cue.pattern.is_match(&s[from..to]);
                        assert_eq!(
                            cue.is_match(s, from, to, &hits),
                            expected,
                            "{:?} in {s:?}",
                            &s[from..to]
                        );
                        calls += 1;
                        matched += expected as usize;
                    }
                }
            }
        }
        assert!(matched > 500, "{matched} of {calls} windows have a cue");
        assert_eq!(Lexicon::cue_word("to be held"), Some("held"));
        assert_eq!(Lexicon::cue_word("did not"), Some("did"));
        assert_eq!(Lexicon::cue_word("* *"), None);
    }

    #[test]
    fn clause_starts_after_the_last_connector() {
        let s = "Kim said so; Japan and Korea agreed, but Lee, while there, protested";
        let at = |w: &str| s.find(w).unwrap();
        assert_eq!(clause_start(s, at("Japan")), at("; Japan") + 1);
        assert_eq!(clause_start(s, at("Korea")), at("Korea"));
        assert_eq!(clause_start(s, at("Lee")), at("Lee"));
        assert_eq!(clause_start(s, at("protested")), at("there"));
        assert_eq!(clause_start(s, at("said")), 0);
        assert_eq!(clause_start("a; b", 1), 0);
    }
}
