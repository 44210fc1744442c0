//! The lexicon: the Turtle files of `ontology/` compiled, once, into matchers.
//!
//! * `ontology/gazetteer/*.ttl`: known entities with `skos:prefLabel` /
//!   `skos:altLabel`, countries with demonyms, governments, ministries and
//!   capitals, persons with `org:hasMembership`, issues with framings,
//!   publishers with web domains, and generic themes that are never issues.
//! * `ontology/triggers.ttl`: trigger phrases of each relation and the cue
//!   words (hedges, negations, protest words) the relation stage reads.
//!
//! A user extends dipkg by editing Turtle: nothing here is compiled in.
//! Labels are matched on the *normalised* text of a sentence (see
//! [`crate::segment::normalize`]), so they are normalised the same way here.

use crate::error::{Error, Result};
use crate::model::{slug, EntityType, Framing};
use crate::segment::normalize_str;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use oxrdf::{NamedOrBlankNode, Term};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

pub const DK: &str = "https://w3id.org/dipkg/ontology#";
pub const ID: &str = "https://w3id.org/dipkg/id/";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const ORG: &str = "http://www.w3.org/ns/org#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// A post held by a known person.
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub organization: String,
    pub role: Option<String>,
    /// Year (or date) the post began / ended, as written in the gazetteer.
    pub from: Option<String>,
    pub until: Option<String>,
}

/// One known entity of the gazetteer.
#[derive(Debug, Clone, Default)]
pub struct LexEntry {
    pub id: String,
    pub entity_type: EntityType,
    pub label: String,
    pub alt_labels: Vec<String>,
    /// Entity id of the country it belongs to.
    pub country: Option<String>,
    pub demonyms: Vec<String>,
    pub government: Option<String>,
    pub foreign_ministry: Option<String>,
    pub capital: Option<String>,
    pub domains: Vec<String>,
    pub memberships: Vec<Membership>,
    pub framings: Vec<Framing>,
    pub is_publisher: bool,
    /// `alt_labels` as a set, built on first use: every document that names
    /// the entity starts its aliases from a copy of it.
    pub alias_set: std::sync::OnceLock<std::collections::BTreeSet<String>>,
}

impl LexEntry {
    /// The alternative labels, sorted and without repeats.
    pub fn alias_set(&self) -> &std::collections::BTreeSet<String> {
        self.alias_set
            .get_or_init(|| self.alt_labels.iter().cloned().collect())
    }
}

/// What a label of the matcher stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelTarget {
    /// An entity of the gazetteer (index into `entries`).
    Entry(usize),
    /// A demonym of a country ("Japanese").
    Demonym(usize),
    /// A generic theme: matched so that it shadows pattern-found issues.
    Theme,
}

#[derive(Debug, Clone)]
pub struct Label {
    pub target: LabelTarget,
    /// The label, normalised.
    pub text: String,
    /// Short or all-capital labels ("US", "ROK") must match case exactly.
    pub case_sensitive: bool,
}

/// A trigger phrase of a relation, compiled to a regex fragment.
#[derive(Debug, Clone)]
pub struct Trigger {
    pub predicate: String,
    pub phrase: String,
}

/// Cue words the relation stage reads, by kind (`hedge`, `negation`,
/// `protest`, `telephone`, `video`, `mutual`).
pub type Cues = BTreeMap<String, Vec<String>>;

/// What a pattern of the lexicon's automaton stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A label (index in `Lexicon::labels`).
    Label(u32),
    /// A keyword of the mention rules (index in `mentions::scan_words`).
    Keyword(u32),
    /// A trigger phrase without a gap, or the first word of one with a
    /// gap (index in `Lexicon::triggers`).
    Trigger(u32),
    /// The word of a cue phrase that [`Lexicon::cue_word`] chose (index
    /// of the cue's kind in `Lexicon::cues`).
    Cue(u32),
}

/// What [`Lexicon::scan`] finds in a sentence: (start, end, index) of each
/// occurrence, ASCII case folded, in the order of their ends.
#[derive(Debug, Clone, Default)]
pub struct Hits {
    /// Whether the sentence was searched at all (a lexicon that has not
    /// been compiled has no automaton).
    pub scanned: bool,
    /// Labels (index in `Lexicon::labels`).
    pub labels: Vec<(usize, usize, usize)>,
    /// Keywords (index in `mentions::scan_words()`).
    pub keywords: Vec<(usize, usize, usize)>,
    /// Trigger phrases, or a gapped phrase's first word (index in
    /// `Lexicon::triggers`).
    pub triggers: Vec<(usize, usize, usize)>,
    /// Cue words, one per cue phrase (see [`Lexicon::cue_word`]; index of
    /// the cue's kind in `Lexicon::cues`).
    pub cues: Vec<(usize, usize, usize)>,
}

impl Hits {
    /// Can a phrase of cue kind `kind` (its index in `Lexicon::cues`) stand
    /// within `text[from..to]`, as the sentence's hits tell? Each phrase
    /// holds its [`Lexicon::cue_word`], so a window without one of those
    /// has none of the phrases. `ascii_case`: the phrases are matched with
    /// ASCII case folding at most (as the automaton folds case), not with
    /// Unicode's, which folds "ſ" to "s". Always true for a sentence that
    /// was not searched.
    pub fn may_have_cue(&self, kind: usize, from: usize, to: usize, ascii_case: bool) -> bool {
        !self.scanned
            || !ascii_case
            || self
                .cues
                .iter()
                .any(|&(a, b, k)| k == kind && a >= from && b <= to)
    }
}

#[derive(Debug, Default)]
pub struct Lexicon {
    pub entries: Vec<LexEntry>,
    pub labels: Vec<Label>,
    /// Every label, and the words that the mention and relation rules look
    /// for in every sentence, lower-cased (ASCII), in one automaton:
    /// searched over a lower-cased copy of the text by [`Lexicon::scan`]
    /// (and [`Lexicon::for_each_label`]), so that a sentence is read once.
    pub(crate) matcher: Option<AhoCorasick>,
    /// What each pattern of `matcher` stands for: pattern `p` is
    /// `roles[role_starts[p]..role_starts[p + 1]]` (labels in label order,
    /// then keywords, then trigger phrases).
    pub(crate) roles: Vec<Role>,
    pub(crate) role_starts: Vec<u32>,
    pub by_id: HashMap<String, usize>,
    pub triggers: Vec<Trigger>,
    pub cues: Cues,
    /// Generic themes ("bilateral relations"): never issues.
    pub themes: Vec<String>,
    /// Capital place id → country id.
    pub capitals: HashMap<String, String>,
    /// Posts that name one organization whoever holds them ("Secretary of
    /// State" → the State Department), lower-cased, from the memberships.
    pub role_orgs: Vec<(String, String)>,
    /// The posts of `role_orgs`, in its order, as one matcher: a title is
    /// read once, not once per post.
    pub role_matcher: Option<AhoCorasick>,
    /// Publishers' names (four letters or more): (matcher, entry index per pattern).
    pub publishers: Option<(AhoCorasick, Vec<usize>)>,
    /// Name keys of the known persons' labels, computed once by `resolve`
    /// on first use: (entry, key, whether the key is that of the entry's
    /// main label).
    pub person_keys: std::sync::OnceLock<Vec<(usize, Vec<String>, bool)>>,
    /// Positions in `person_keys` by name token, computed with them.
    pub person_index: std::sync::OnceLock<HashMap<String, Vec<usize>>>,
    /// The files it was read from.
    pub files: Vec<PathBuf>,
}

impl Lexicon {
    /// Read every `*.ttl` under `dir` (recursively, in sorted order) and compile.
    pub fn load_dir(dir: &Path) -> Result<Lexicon> {
        let mut files = Vec::new();
        collect_ttl(dir, &mut files)?;
        if files.is_empty() {
            return Err(Error::Invalid {
                path: dir.to_path_buf(),
                message: "no Turtle (.ttl) files in the ontology directory".into(),
            });
        }
        files.sort();
        let mut graph = Graph::default();
        for f in &files {
            let bytes = std::fs::read(f).map_err(|e| Error::io(f, e))?;
            graph.parse(f, &bytes)?;
        }
        let mut lex = graph.into_lexicon();
        lex.files = files;
        lex.compile();
        Ok(lex)
    }

    pub fn get(&self, id: &str) -> Option<&LexEntry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    /// The government organization of a country id.
    pub fn government_of(&self, country: &str) -> Option<&str> {
        self.get(country)?.government.as_deref()
    }

    pub fn foreign_ministry_of(&self, country: &str) -> Option<&str> {
        self.get(country)?.foreign_ministry.as_deref()
    }

    /// The country whose capital this place is.
    pub fn capital_of(&self, place: &str) -> Option<&str> {
        self.capitals.get(place).map(String::as_str)
    }

    /// Country (or publisher) whose web domain ends `host`.
    pub fn by_domain(&self, host: &str) -> Option<&LexEntry> {
        let host = host.to_ascii_lowercase();
        // Longest domain first: "asiae.co.kr" before ".kr".
        self.entries
            .iter()
            .flat_map(|e| e.domains.iter().map(move |d| (d, e)))
            .filter(|(d, _)| host.ends_with(&d.to_ascii_lowercase()))
            .max_by_key(|(d, _)| d.len())
            .map(|(_, e)| e)
    }

    /// Call `f(start, end, label)` for every label that `text[start..end]`
    /// spells, ASCII case folded (overlapping matches, in the order of
    /// their ends).
    pub fn for_each_label(&self, text: &str, mut f: impl FnMut(usize, usize, usize)) {
        self.for_each_hit(text, |start, end, role| {
            if let Role::Label(li) = role {
                f(start, end, li as usize)
            }
        })
    }

    /// Everything of the lexicon's automaton in `text` (a sentence), by
    /// kind: its labels, the mention rules' keywords and the trigger
    /// phrases, each in the order of their ends.
    pub fn scan(&self, text: &str) -> Hits {
        // Sized at once by the sentence's length, a little above the rates
        // of synthetic news and readouts (per byte, about one label in 20,
        // one keyword in 14, one trigger in 35, one cue word in 170): grown
        // from empty, the four lists cost 0.75% of extraction's instructions
        // (callgrind), about a twelfth of the search's.
        let n = text.len();
        let mut hits = Hits {
            scanned: self.matcher.is_some(),
            labels: Vec::with_capacity(n / 16 + 1),
            keywords: Vec::with_capacity(n / 10 + 1),
            triggers: Vec::with_capacity(n / 28 + 1),
            cues: Vec::with_capacity(n / 128 + 1),
        };
        self.for_each_hit(text, |a, b, role| match role {
            Role::Label(i) => hits.labels.push((a, b, i as usize)),
            Role::Keyword(i) => hits.keywords.push((a, b, i as usize)),
            Role::Trigger(i) => hits.triggers.push((a, b, i as usize)),
            Role::Cue(i) => hits.cues.push((a, b, i as usize)),
        });
        hits
    }

    /// Call `f(start, end, role)` for every pattern of the automaton in
    /// `text` (overlapping matches, in the order of their ends; the roles
    /// of one pattern in their order). The automaton holds the patterns
    /// lower-cased and searches a lower-cased copy of the text: with one
    /// transition per letter instead of two it is about half the size of
    /// one that folds case, and misses the cache less. ASCII lower-casing
    /// keeps every byte offset.
    fn for_each_hit(&self, text: &str, mut f: impl FnMut(usize, usize, Role)) {
        let Some(ac) = &self.matcher else {
            return;
        };
        let lower = text.to_ascii_lowercase();
        for m in ac.find_overlapping_iter(&lower) {
            let p = m.pattern().as_usize();
            let (from, to) = (self.role_starts[p], self.role_starts[p + 1]);
            for &role in &self.roles[from as usize..to as usize] {
                f(m.start(), m.end(), role);
            }
        }
    }

    /// The entry whose label is exactly `text` (case folded), if any.
    pub fn exact_entry(&self, text: &str) -> Option<&LexEntry> {
        let norm = normalize_str(text);
        let norm = norm.trim();
        let mut found = None;
        self.for_each_label(norm, |start, end, li| {
            if found.is_none() && start == 0 && end == norm.len() {
                if let LabelTarget::Entry(i) = self.labels[li].target {
                    found = Some(&self.entries[i]);
                }
            }
        });
        found
    }

    /// The organization a title names by itself, if the gazetteer's posts
    /// say so unambiguously ("Assistant Secretary of State for …").
    pub fn organization_of_title(&self, title: &str) -> Option<&str> {
        let t = title.to_lowercase();
        let first = match &self.role_matcher {
            // The first post of the list that the title contains.
            Some(ac) => ac
                .find_overlapping_iter(&t)
                .map(|m| m.pattern().as_usize())
                .min(),
            None => self
                .role_orgs
                .iter()
                .position(|(r, _)| t.contains(r.as_str())),
        };
        first.map(|i| self.role_orgs[i].1.as_str())
    }

    pub fn cue(&self, kind: &str) -> &[String] {
        self.cues.get(kind).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// The index of cue kind `kind` in `cues`, as [`Hits::cues`] names it,
    /// if every phrase of the kind has a [`Lexicon::cue_word`] (the
    /// automaton then finds a word of each occurrence of any of them).
    pub fn cue_kind(&self, kind: &str) -> Option<usize> {
        let (k, (_, phrases)) = self
            .cues
            .iter()
            .enumerate()
            .find(|(_, (n, _))| *n == kind)?;
        phrases
            .iter()
            .all(|p| Self::cue_word(p).is_some())
            .then_some(k)
    }

    /// The word of a cue phrase that the automaton looks for: its longest
    /// word (the first of the longest), which every occurrence of the
    /// phrase contains as written. "to be held" is found by "held", not by
    /// "to", which is in most sentences. None for a phrase of gaps only.
    pub fn cue_word(phrase: &str) -> Option<&str> {
        phrase
            .split_whitespace()
            .filter(|w| *w != "*")
            .rev()
            .max_by_key(|w| w.len())
    }

    /// Country of a known entity: its own `dk:country`, or itself for a country.
    pub fn country_of(&self, id: &str) -> Option<&str> {
        let e = self.get(id)?;
        if e.entity_type == EntityType::Country {
            return Some(&e.id);
        }
        e.country.as_deref()
    }

    /// Build the Aho-Corasick matcher over every label, with the label
    /// variants a gazetteer should not have to spell out (reversed person
    /// names; "the Japanese government", "Japan's Foreign Ministry").
    fn compile(&mut self) {
        let mut roles: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
        for e in &self.entries {
            for m in &e.memberships {
                if let Some(r) = &m.role {
                    roles
                        .entry(r.to_lowercase())
                        .or_default()
                        .insert(m.organization.clone());
                }
            }
        }
        self.role_orgs = roles
            .into_iter()
            // Only posts that name their portfolio ("… of State", "… for …"):
            // "Spokesperson" is one ministry's in the gazetteer, every
            // ministry's in the world.
            .filter(|(r, orgs)| orgs.len() == 1 && (r.contains(" of ") || r.contains(" for ")))
            .map(|(r, orgs)| (r, orgs.into_iter().next().unwrap()))
            .collect();
        self.role_orgs
            .sort_by_key(|(r, _)| std::cmp::Reverse(r.len()));
        self.role_matcher = AhoCorasick::new(self.role_orgs.iter().map(|(r, _)| r)).ok();
        let mut pub_pats: Vec<&str> = Vec::new();
        let mut pub_idx: Vec<usize> = Vec::new();
        for (i, e) in self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_publisher)
        {
            for l in std::iter::once(&e.label)
                .chain(&e.alt_labels)
                .filter(|l| l.len() >= 4)
            {
                pub_pats.push(l);
                pub_idx.push(i);
            }
        }
        // A DFA: overlapping searches cannot skip ahead with a prefilter, so
        // the per-byte transition cost is what counts.
        self.publishers = AhoCorasickBuilder::new()
            .kind(Some(AhoCorasickKind::DFA))
            .build(&pub_pats)
            .ok()
            .map(|ac| (ac, pub_idx));
        self.capitals = self
            .entries
            .iter()
            .filter(|e| e.entity_type == EntityType::Country)
            .filter_map(|e| Some((e.capital.clone()?, e.id.clone())))
            .collect();
        let mut labels: Vec<Label> = Vec::new();
        let mut seen: HashMap<(String, bool), usize> = HashMap::new();
        let mut push = |labels: &mut Vec<Label>, target: LabelTarget, text: &str| {
            let norm = normalize_str(text);
            // A leading article would make "the ASEAN" win over "ASEAN
            // Regional Forum" (leftmost first): labels start at the name.
            let norm = norm.trim();
            let norm = norm
                .strip_prefix("the ")
                .or_else(|| norm.strip_prefix("The "))
                .unwrap_or(norm);
            if norm.is_empty() {
                return;
            }
            let case_sensitive = is_case_sensitive(norm);
            let key = (norm.to_ascii_lowercase(), case_sensitive);
            if seen.contains_key(&key) {
                return;
            }
            seen.insert(key, labels.len());
            labels.push(Label {
                target,
                text: norm.to_string(),
                case_sensitive,
            });
        };
        for (i, e) in self.entries.iter().enumerate() {
            if e.is_publisher && e.entity_type != EntityType::Organization {
                continue;
            }
            let t = LabelTarget::Entry(i);
            for l in std::iter::once(&e.label).chain(&e.alt_labels) {
                push(&mut labels, t, l);
                if e.entity_type == EntityType::Person {
                    let parts: Vec<&str> = l.split_whitespace().collect();
                    if parts.len() == 2 {
                        push(&mut labels, t, &format!("{} {}", parts[1], parts[0]));
                        // "HAYASHI Yoshimasa": Japanese readouts capitalise the surname.
                        push(
                            &mut labels,
                            t,
                            &format!("{} {}", parts[1].to_uppercase(), parts[0]),
                        );
                    }
                }
            }
        }
        // Generated names of governments and foreign ministries.
        for (i, e) in self.entries.iter().enumerate() {
            if e.entity_type != EntityType::Country {
                continue;
            }
            let names: Vec<&String> = std::iter::once(&e.label).chain(&e.alt_labels).collect();
            for d in &e.demonyms {
                push(&mut labels, LabelTarget::Demonym(i), d);
            }
            if let Some(g) = e.government.as_ref().and_then(|g| self.by_id.get(g)) {
                let t = LabelTarget::Entry(*g);
                for n in &names {
                    for f in [
                        "Government of {}",
                        "{} government",
                        "{}'s government",
                        "{} Government",
                    ] {
                        push(&mut labels, t, &f.replace("{}", n));
                    }
                }
                for d in &e.demonyms {
                    push(&mut labels, t, &format!("{d} government"));
                }
            }
            if let Some(m) = e.foreign_ministry.as_ref().and_then(|m| self.by_id.get(m)) {
                let t = LabelTarget::Entry(*m);
                for n in &names {
                    for f in [
                        "Ministry of Foreign Affairs of {}",
                        "Foreign Ministry of {}",
                        "{}'s Ministry of Foreign Affairs",
                        "{}'s Foreign Ministry",
                        "{} Foreign Ministry",
                        "{} Ministry of Foreign Affairs",
                        "Minister of Foreign Affairs of {}",
                        "Minister for Foreign Affairs of {}",
                    ] {
                        push(&mut labels, t, &f.replace("{}", n));
                    }
                }
                // "Seoul's foreign ministry": the capital stands for the country.
                if let Some(cap) = e.capital.as_ref().and_then(|c| self.by_id.get(c)) {
                    let cap = &self.entries[*cap].label;
                    push(&mut labels, t, &format!("{cap}'s foreign ministry"));
                    push(&mut labels, t, &format!("{cap}'s Foreign Ministry"));
                }
                for d in &e.demonyms {
                    push(&mut labels, t, &format!("{d} Ministry of Foreign Affairs"));
                    push(&mut labels, t, &format!("{d} Foreign Ministry"));
                }
            }
        }
        for e in &self.themes {
            push(&mut labels, LabelTarget::Theme, e);
        }
        // Matching folds ASCII case; case-sensitive labels are checked
        // against the text afterwards (see `mentions`), and so are the
        // keywords. Each text is one pattern, with all it stands for.
        let mut texts: HashMap<String, usize> = HashMap::new();
        let mut by_pattern: Vec<Vec<Role>> = Vec::new();
        let mut add = |text: &str, role: Role| {
            let next = by_pattern.len();
            let p = *texts.entry(text.to_ascii_lowercase()).or_insert(next);
            if p == next {
                by_pattern.push(Vec::new());
            }
            by_pattern[p].push(role);
        };
        for (i, l) in labels.iter().enumerate() {
            add(&l.text, Role::Label(i as u32));
        }
        for (i, w) in crate::mentions::scan_words().iter().enumerate() {
            add(w, Role::Keyword(i as u32));
        }
        for (i, t) in self.triggers.iter().enumerate() {
            // A literal phrase, or the first word of a phrase with a gap
            // (see `relations::Triggers`).
            let first = t.phrase.split_whitespace().next().unwrap_or("");
            let text = if t.phrase.contains('*') {
                first
            } else {
                &t.phrase
            };
            if !text.is_empty() && text != "*" {
                add(text, Role::Trigger(i as u32));
            }
        }
        for (k, (_, phrases)) in self.cues.iter().enumerate() {
            let words: std::collections::BTreeSet<String> = phrases
                .iter()
                .filter_map(|p| Self::cue_word(p))
                .map(|w| w.to_ascii_lowercase())
                .collect();
            for word in &words {
                add(word, Role::Cue(k as u32));
            }
        }
        let mut pats: Vec<String> = vec![String::new(); by_pattern.len()];
        for (t, p) in texts {
            pats[p] = t;
        }
        self.role_starts = Vec::with_capacity(by_pattern.len() + 1);
        self.roles.clear();
        for roles in by_pattern {
            self.role_starts.push(self.roles.len() as u32);
            self.roles.extend(roles);
        }
        self.role_starts.push(self.roles.len() as u32);
        // Not a DFA (unlike the publishers): over every label it takes
        // about 0.1 s to build, and searches no faster.
        self.matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&pats)
            .ok();
        self.labels = labels;
    }
}

/// Labels of four letters or fewer, or written all in capitals, are matched
/// with their case: "US" is not "us", "ROK" is an acronym.
fn is_case_sensitive(label: &str) -> bool {
    let letters: Vec<char> = label.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() <= 4 || letters.iter().all(|c| c.is_uppercase())
}

fn collect_ttl(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in rd {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let p = entry.path();
        if p.is_dir() {
            collect_ttl(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "ttl") {
            out.push(p);
        }
    }
    Ok(())
}

/// The triples of all files, indexed by subject.
#[derive(Default)]
struct Graph {
    props: BTreeMap<String, Vec<(String, Term)>>,
    order: Vec<String>,
}

fn node_key(n: &NamedOrBlankNode) -> String {
    match n {
        NamedOrBlankNode::NamedNode(n) => n.as_str().to_string(),
        NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
    }
}

fn term_key(t: &Term) -> Option<String> {
    match t {
        Term::NamedNode(n) => Some(n.as_str().to_string()),
        Term::BlankNode(b) => Some(format!("_:{}", b.as_str())),
        _ => None,
    }
}

fn literal(t: &Term) -> Option<String> {
    match t {
        Term::Literal(l) => Some(l.value().to_string()),
        _ => None,
    }
}

/// Local part of an id IRI (`https://w3id.org/dipkg/id/japan` → `japan`).
fn local_id(iri: &str) -> String {
    iri.strip_prefix(ID)
        .map(str::to_string)
        .unwrap_or_else(|| slug(iri.rsplit(['/', '#']).next().unwrap_or(iri)))
}

impl Graph {
    fn parse(&mut self, path: &Path, bytes: &[u8]) -> Result<()> {
        // Blank node labels are scoped per file.
        let file_tag = slug(&path.to_string_lossy());
        for t in oxttl::TurtleParser::new().for_slice(bytes) {
            let t = t.map_err(|e| {
                let loc = e.location();
                Error::Syntax {
                    path: path.to_path_buf(),
                    line: loc.start.line + 1,
                    column: loc.start.column + 1,
                    message: e.message().to_string(),
                }
            })?;
            let mut s = node_key(&t.subject);
            if s.starts_with("_:") {
                s = format!("{s}@{file_tag}");
            }
            let mut o = t.object.clone();
            if let Term::BlankNode(b) = &o {
                o = Term::NamedNode(oxrdf::NamedNode::new_unchecked(format!(
                    "_:{}@{file_tag}",
                    b.as_str()
                )));
            }
            if !self.props.contains_key(&s) {
                self.order.push(s.clone());
            }
            self.props
                .entry(s)
                .or_default()
                .push((t.predicate.as_str().to_string(), o));
        }
        Ok(())
    }

    fn values<'a>(&'a self, s: &str, p: &'a str) -> impl Iterator<Item = &'a Term> + 'a {
        self.props
            .get(s)
            .into_iter()
            .flatten()
            .filter(move |(pp, _)| pp == p)
            .map(|(_, o)| o)
    }

    fn literals(&self, s: &str, p: &str) -> Vec<String> {
        self.values(s, p).filter_map(literal).collect()
    }

    fn first_literal(&self, s: &str, p: &str) -> Option<String> {
        self.values(s, p).find_map(literal)
    }

    fn first_id(&self, s: &str, p: &str) -> Option<String> {
        self.values(s, p).find_map(term_key).map(|k| local_id(&k))
    }

    fn types(&self, s: &str) -> Vec<String> {
        self.values(s, RDF_TYPE)
            .filter_map(term_key)
            .filter_map(|t| t.strip_prefix(DK).map(str::to_string))
            .collect()
    }

    fn into_lexicon(self) -> Lexicon {
        let mut lex = Lexicon::default();
        let pref = format!("{SKOS}prefLabel");
        let alt = format!("{SKOS}altLabel");
        let dk = |p: &str| format!("{DK}{p}");
        for s in &self.order {
            if s.starts_with("_:") {
                continue;
            }
            let types = self.types(s);
            if types.iter().any(|t| t == "GenericTheme") {
                lex.themes.extend(self.literals(s, &pref));
                lex.themes.extend(self.literals(s, &alt));
                continue;
            }
            let is_publisher = types.iter().any(|t| t == "Publisher");
            let entity_type = types
                .iter()
                .find_map(|t| EntityType::parse(t))
                .or(if is_publisher {
                    Some(EntityType::Organization)
                } else {
                    None
                });
            let Some(entity_type) = entity_type else {
                // Triggers and cues hang off vocabulary terms (dk:raised dk:trigger "...").
                if let Some(pred) = s.strip_prefix(DK) {
                    for phrase in self.literals(s, &dk("trigger")) {
                        lex.triggers.push(Trigger {
                            predicate: pred.to_string(),
                            phrase,
                        });
                    }
                    let cues = self.literals(s, &dk("cue"));
                    if !cues.is_empty() {
                        lex.cues.entry(pred.to_string()).or_default().extend(cues);
                    }
                }
                continue;
            };
            let mut labels = self.literals(s, &pref);
            labels.sort();
            let Some(label) = labels.first().cloned() else {
                continue;
            };
            let mut alt_labels = self.literals(s, &alt);
            alt_labels.extend(labels.into_iter().skip(1));
            let memberships = self
                .values(s, &format!("{ORG}hasMembership"))
                .filter_map(term_key)
                .map(|m| Membership {
                    organization: self
                        .first_id(&m, &format!("{ORG}organization"))
                        .unwrap_or_default(),
                    role: self.first_literal(&m, &format!("{ORG}role")),
                    from: self.first_literal(&m, &dk("from")),
                    until: self.first_literal(&m, &dk("until")),
                })
                .collect();
            let framings = self
                .values(s, &dk("framing"))
                .filter_map(term_key)
                .filter_map(|f| {
                    Some(Framing {
                        label: self.first_literal(&f, &pref)?,
                        used_by: self.first_id(&f, &dk("usedBy"))?,
                    })
                })
                .collect();
            let entry = LexEntry {
                id: local_id(s),
                entity_type,
                label,
                alt_labels,
                country: self.first_id(s, &dk("country")),
                demonyms: self.literals(s, &dk("demonym")),
                government: self.first_id(s, &dk("government")),
                foreign_ministry: self.first_id(s, &dk("foreignMinistry")),
                capital: self.first_id(s, &dk("capital")),
                domains: self.literals(s, &dk("domain")),
                memberships,
                framings,
                is_publisher,
                alias_set: Default::default(),
            };
            if let Some(&i) = lex.by_id.get(&entry.id) {
                merge_entry(&mut lex.entries[i], entry);
            } else {
                lex.by_id.insert(entry.id.clone(), lex.entries.len());
                lex.entries.push(entry);
            }
        }
        lex
    }
}

/// An id described in two files is one entity: union of what each says.
fn merge_entry(into: &mut LexEntry, other: LexEntry) {
    for l in std::iter::once(other.label).chain(other.alt_labels) {
        if l != into.label && !into.alt_labels.contains(&l) {
            into.alt_labels.push(l);
        }
    }
    into.alias_set = Default::default();
    into.country = into.country.take().or(other.country);
    into.demonyms.extend(other.demonyms);
    into.government = into.government.take().or(other.government);
    into.foreign_ministry = into.foreign_ministry.take().or(other.foreign_ministry);
    into.capital = into.capital.take().or(other.capital);
    into.domains.extend(other.domains);
    into.memberships.extend(other.memberships);
    into.framings.extend(other.framings);
    into.is_publisher |= other.is_publisher;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_found_as_by_an_automaton_that_folds_case() {
        // The reference: the labels as written, ASCII case folded by the
        // automaton, over the text as it is.
        let (pipeline, _) = crate::pipeline::test_extractions(0);
        let lex = &pipeline.lexicon;
        let reference = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(lex.labels.iter().map(|l| l.text.as_str()))
            .expect("builds");
        // Non-ASCII letters whose lower case is longer or shorter: offsets
        // must stay those of the text.
        let texts = crate::pattern::test_texts(&[
            "İstanbul: JAPAN and the ROK; KOREA-JAPAN SUMMIT; Σ ẞ ΚΟΡΕΑ comfort WOMEN",
            "FOREIGN MINISTER KONO met MINISTER KANG KYUNG-WHA in TOKYO",
        ]);
        let mut found = 0;
        for s in &texts {
            let mut ours = Vec::new();
            lex.for_each_label(s, |a, b, li| ours.push((a, b, li)));
            let expected: Vec<(usize, usize, usize)> = reference
                .find_overlapping_iter(s)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect();
            assert_eq!(ours, expected, "{s:?}");
            found += ours.len();
        }
        assert!(found > 10_000, "{found} label matches");
    }
}
