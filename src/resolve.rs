//! Resolve: mentions to entities, within a document and across documents.
//!
//! Within a document: lexicon entries by id; unknown persons by their name
//! key (romanisation-folded, order-free), surnames to the full name the
//! document uses ("Minister Kang" → Kang Kyung-wha) or to a known official
//! whose post fits the title and the document's date, near-identical spellings
//! of one surname's given name (a caption's typo) to one person; a bare
//! "Ministry of Foreign Affairs" to the document's own ministry.
//!
//! Across documents ([`resolve_corpus`]): unknown persons whose keys differ
//! only by a romanisation variant or a one-letter slip are one person when
//! nothing (organization, country) tells them apart. Ids derive from the
//! canonical entity, never from the order documents are read.

use crate::lexicon::Lexicon;
use crate::mentions::{Mention, Ref};
use crate::model::{
    order_relations, relations_in_order, slug, Entity, EntityType, Extraction, Span,
};
use std::collections::{BTreeMap, BTreeSet};

/// An entity of one document while it is being built.
#[derive(Debug, Clone)]
pub struct DocEntity {
    pub id: String,
    pub entity_type: EntityType,
    pub label: String,
    pub aliases: BTreeSet<String>,
    pub mentions: Vec<Span>,
    pub country: Option<String>,
    pub known: bool,
    pub merges: Vec<String>,
    /// Name tokens of a person (folded), for surname look-ups.
    pub name_key: Vec<String>,
}

impl DocEntity {
    /// One more mention: its text as an alias (unless it is the label), its span.
    fn record(&mut self, surface: &str, span: Option<Span>) {
        // (Looked up first: most mentions repeat a known alias.)
        if surface != self.label && !self.aliases.contains(surface) {
            self.aliases.insert(surface.to_string());
        }
        if let Some(s) = span {
            self.mentions.push(s);
        }
    }
}

/// Fold a name token for comparison: lower case, no accents, and the
/// common variants of Korean romanisation reduced to one spelling per
/// syllable (Jeong/Jung, Eui/Ui, oo/u), hyphens kept ("jung-han").
pub fn fold_token(t: &str) -> String {
    // An ASCII token (nearly every one) has no accent to fold and lower-cases
    // byte by byte: one buffer, no iterator of chars.
    let s: String = if t.is_ascii() {
        t.bytes()
            .filter(|b| b.is_ascii_alphanumeric() || *b == b'-')
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect()
    } else {
        t.chars()
            .map(crate::model::fold_accent)
            .filter(|c| c.is_alphanumeric() || *c == '-')
            .flat_map(|c| c.to_lowercase())
            .collect()
    };
    let mut out = String::with_capacity(s.len());
    for syl in s.split('-').filter(|x| !x.is_empty()) {
        if !out.is_empty() {
            out.push('-');
        }
        push_folded_syllable(&mut out, syl);
    }
    out
}

/// One syllable of [`fold_token`], its romanisation variants reduced.
fn push_folded_syllable(out: &mut String, syl: &str) {
    const VARIANTS: [(&str, &str); 4] = [("eo", "u"), ("oo", "u"), ("ee", "i"), ("eui", "ui")];
    let has = |s: &str, from: &str| {
        s.as_bytes()
            .windows(from.len())
            .any(|w| w == from.as_bytes())
    };
    // Most syllables have none of these: no search set up, no copy.
    if !VARIANTS.iter().any(|(from, _)| has(syl, from)) {
        out.push_str(syl);
        return;
    }
    let mut syl = syl.to_string();
    for (from, to) in VARIANTS {
        if has(&syl, from) {
            syl = syl.replace(from, to);
        }
    }
    out.push_str(&syl);
}

/// Variant spellings of one Korean surname, to one form.
fn korean_surname(t: &str) -> Option<String> {
    let l = t.to_lowercase();
    let canon = match l.as_str() {
        "kim" | "gim" => "kim",
        "lee" | "yi" | "rhee" => "lee",
        "park" | "pak" | "bak" => "park",
        "choi" | "choe" => "choi",
        "jung" | "jeong" | "chung" => "jung",
        "kang" | "gang" => "kang",
        "cho" | "jo" => "cho",
        "yoon" | "yun" => "yoon",
        "jang" | "chang" => "jang",
        "lim" | "im" => "lim",
        "shin" | "sin" => "shin",
        "seo" | "suh" => "seo",
        "yoo" | "yu" => "yoo",
        "ahn" | "an" => "ahn",
        "moon" | "mun" => "moon",
        "noh" | "roh" | "no" => "noh",
        "jeon" | "chun" | "jun" => "jeon",
        "ko" | "go" => "ko",
        "baek" | "paek" => "baek",
        _ => return is_korean_surname(t).then_some(l),
    };
    Some(canon.to_string())
}

/// Is `t` one of [`crate::mentions::KOREAN_SURNAMES`], in any ASCII case?
/// (A set, built once: the list has a hundred names and this runs for
/// every surname mention.)
fn is_korean_surname(t: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    let set = SET.get_or_init(|| {
        crate::mentions::KOREAN_SURNAMES
            .split('|')
            .map(|k| k.to_ascii_lowercase())
            .collect()
    });
    // The names are ASCII: only an ASCII `t` can equal one, ASCII case aside.
    t.is_ascii() && set.contains(&t.to_ascii_lowercase())
}

/// The order-free key of a personal name. A Korean name (a surname and a
/// hyphenated given name) keys as [surname, folded given name], whatever
/// the order and romanisation; other names as their sorted tokens, so that
/// "Hideo" stays "hideo".
pub fn person_key(name: &str) -> Vec<String> {
    let toks: Vec<&str> = name.split_whitespace().collect();
    if toks.len() == 2 {
        for (sur, given) in [(toks[0], toks[1]), (toks[1], toks[0])] {
            if given.contains('-') {
                if let Some(sn) = korean_surname(sur) {
                    return vec![sn, fold_token(given)];
                }
            }
        }
    }
    let mut k: Vec<String> = toks
        .iter()
        .map(|t| plain_token(t))
        .filter(|t| !t.is_empty())
        .collect();
    k.sort();
    k
}

fn plain_token(t: &str) -> String {
    t.chars()
        .map(crate::model::fold_accent)
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// "KANZAKI Hideo" → "Kanzaki Hideo": capitals mark the surname, not the name.
pub fn display_name(name: &str) -> String {
    name.split_whitespace()
        .map(|t| {
            if t.len() > 1
                && t.chars().all(|c| !c.is_lowercase())
                && t.chars().any(|c| c.is_alphabetic())
            {
                let mut out = String::new();
                let mut up = true;
                for c in t.chars() {
                    if up {
                        out.extend(c.to_uppercase())
                    } else {
                        out.extend(c.to_lowercase())
                    }
                    up = c == '-';
                }
                out
            } else {
                t.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Levenshtein distance (small strings only).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Two name keys of one person: same tokens, or one token the same and the
/// other a near-identical spelling of a long enough word.
pub fn keys_close(a: &[String], b: &[String]) -> bool {
    if a == b {
        return true;
    }
    if a.len() != 2 || b.len() != 2 {
        return false;
    }
    for i in 0..2 {
        for j in 0..2 {
            if a[i] == b[j] {
                let (x, y) = (&a[1 - i], &b[1 - j]);
                let d = edit_distance(x, y);
                if x.len().min(y.len()) >= 5 && d <= 2 && d * 3 <= x.len().min(y.len()) {
                    return true;
                }
            }
        }
    }
    false
}

/// The name keys of every label of every known person, computed once, each
/// with whether it is also the key of the person's main label (what a
/// surname alone is matched with).
fn known_keys(lex: &Lexicon) -> &[(usize, Vec<String>, bool)] {
    lex.person_keys.get_or_init(|| {
        lex.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.entity_type == EntityType::Person)
            .flat_map(|(i, e)| {
                let main = person_key(&e.label);
                std::iter::once(&e.label)
                    .chain(&e.alt_labels)
                    .map(move |l| {
                        let key = person_key(l);
                        let of_label = key == main;
                        (i, key, of_label)
                    })
            })
            .collect()
    })
}

/// Known keys by name token (positions in `known_keys`).
fn known_index(lex: &Lexicon) -> &std::collections::HashMap<String, Vec<usize>> {
    lex.person_index.get_or_init(|| {
        let mut m: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
        for (k, (_, key, _)) in known_keys(lex).iter().enumerate() {
            for t in key {
                m.entry(t.clone()).or_default().push(k);
            }
        }
        m
    })
}

/// Does a gazetteer membership fit a title and a date ("Prime Minister" in 2017)?
fn membership_fits(lex: &Lexicon, i: usize, title: Option<&str>, date: Option<&str>) -> bool {
    let e = &lex.entries[i];
    let year: Option<i32> = date.and_then(|d| d.get(..4)).and_then(|y| y.parse().ok());
    let title = title.map(|t| t.to_lowercase());
    e.memberships.iter().any(|m| {
        let role_ok = match (&title, &m.role) {
            (Some(t), Some(r)) => {
                let r = r.to_lowercase();
                let t = t.trim_end_matches('s');
                let core = t.rsplit(['.', ' ']).next().unwrap_or(t);
                r.contains(t) || t.contains(&r) || r.contains(core)
            }
            (None, _) => true,
            (Some(_), None) => true,
        };
        let year_ok = match year {
            None => true,
            Some(y) => {
                let from = m
                    .from
                    .as_deref()
                    .and_then(|f| f.get(..4))
                    .and_then(|f| f.parse::<i32>().ok())
                    .unwrap_or(i32::MIN);
                let until = m
                    .until
                    .as_deref()
                    .and_then(|f| f.get(..4))
                    .and_then(|f| f.parse::<i32>().ok())
                    .unwrap_or(i32::MAX);
                from <= y && y <= until
            }
        };
        role_ok && year_ok
    })
}

/// Builds the entities of one document.
#[derive(Clone)]
pub struct Resolver<'a> {
    pub lex: &'a Lexicon,
    pub doc_date: Option<String>,
    pub home: Option<String>,
    pub entities: BTreeMap<String, DocEntity>,
    /// The spellings [`Resolver::surname`] matches each surname by, kept
    /// for the document: a readout names the same few people again and
    /// again.
    surname_forms: Vec<(String, std::rc::Rc<[String]>)>,
}

impl<'a> Resolver<'a> {
    pub fn new(lex: &'a Lexicon, doc_date: Option<String>, home: Option<String>) -> Self {
        Resolver {
            lex,
            doc_date,
            home,
            entities: BTreeMap::new(),
            surname_forms: Vec::new(),
        }
    }

    /// A known entity the text implies without naming it (the organization of
    /// a post): it joins the document's entities with no mention.
    pub fn add_known(&mut self, i: usize) -> String {
        let label = self.lex.entries[i].label.clone();
        self.add_entry(i, &label, None)
    }

    fn add_entry(&mut self, i: usize, surface: &str, span: Option<Span>) -> String {
        let e = &self.lex.entries[i];
        if let Some(de) = self.entities.get_mut(&e.id) {
            // Named before in this document: no new key to allocate.
            de.record(surface, span);
            return e.id.clone();
        }
        let de = self
            .entities
            .entry(e.id.clone())
            .or_insert_with(|| DocEntity {
                id: e.id.clone(),
                entity_type: e.entity_type,
                label: e.label.clone(),
                aliases: e.alias_set().clone(),
                mentions: Vec::new(),
                country: e
                    .country
                    .clone()
                    .or_else(|| (e.entity_type == EntityType::Country).then(|| e.id.clone())),
                known: true,
                merges: Vec::new(),
                name_key: if e.entity_type == EntityType::Person {
                    person_key(&e.label)
                } else {
                    Vec::new()
                },
            });
        de.record(surface, span);
        e.id.clone()
    }

    fn add_new(
        &mut self,
        t: EntityType,
        label: &str,
        surface: &str,
        span: Option<Span>,
        rule: &str,
    ) -> String {
        let id = match t {
            EntityType::Person => person_key(label).join("-"),
            _ => slug(label),
        };
        let de = self
            .entities
            .entry(id.clone())
            .or_insert_with(|| DocEntity {
                id: id.clone(),
                entity_type: t,
                label: label.to_string(),
                aliases: BTreeSet::new(),
                mentions: Vec::new(),
                country: None,
                known: false,
                merges: vec![format!("{rule}: \"{surface}\"")],
                name_key: if t == EntityType::Person {
                    person_key(label)
                } else {
                    Vec::new()
                },
            });
        de.record(surface, span);
        id
    }

    /// A full name: a known person (exactly, or within a spelling slip), a
    /// person this document already named, or a new one.
    pub fn person(&mut self, name: &str, surface: &str, span: Option<Span>) -> String {
        let key = person_key(name);
        // Known persons: exact key, then a close spelling.
        // Only known names that share a token can be close (keys_close needs one).
        let mut known: Vec<usize> = key
            .iter()
            .flat_map(|t| known_index(self.lex).get(t).into_iter().flatten())
            .map(|&k| &known_keys(self.lex)[k])
            .filter(|(_, k, _)| keys_close(k, &key))
            .map(|(i, ..)| *i)
            .collect();
        known.sort();
        known.dedup();
        if known.len() == 1 {
            let id = self.add_entry(known[0], surface, span);
            self.note(&id, format!("spelling \"{surface}\" matched the gazetteer"));
            return id;
        }
        if let Some(id) = self
            .entities
            .values()
            .find(|e| e.entity_type == EntityType::Person && keys_close(&e.name_key, &key))
            .map(|e| e.id.clone())
        {
            let de = self.entities.get_mut(&id).unwrap();
            de.record(surface, span);
            if de.name_key != key {
                de.merges
                    .push(format!("near-identical spelling \"{surface}\""));
            }
            return id;
        }
        self.add_new(
            EntityType::Person,
            &display_name(name),
            surface,
            span,
            "person pattern",
        )
    }

    fn note(&mut self, id: &str, msg: String) {
        if let Some(e) = self.entities.get_mut(id) {
            if !e.merges.contains(&msg) {
                e.merges.push(msg);
            }
        }
    }

    /// A surname: the person of this document who has it (the last named
    /// wins), else a known official whose post fits the title and date.
    pub fn surname(
        &mut self,
        surname: &str,
        title: Option<&str>,
        span: Option<Span>,
        surface: &str,
    ) -> Option<String> {
        let forms = self.surname_forms(surname);
        let has = |k: &Vec<String>| forms.iter().any(|f| k.contains(f));
        let found = self
            .entities
            .values()
            .filter(|e| {
                e.entity_type == EntityType::Person && e.name_key.len() >= 2 && has(&e.name_key)
            })
            .map(|e| e.id.clone())
            .next();
        if let Some(id) = found {
            self.entities.get_mut(&id).unwrap().record(surface, span);
            return Some(id);
        }
        let mut cands: Vec<usize> = forms
            .iter()
            .flat_map(|f| known_index(self.lex).get(f).into_iter().flatten())
            .map(|&k| &known_keys(self.lex)[k])
            .filter(|(_, k, of_label)| *of_label && has(k))
            .map(|(i, ..)| *i)
            .filter(|&i| membership_fits(self.lex, i, title, self.doc_date.as_deref()))
            .collect();
        cands.sort();
        cands.dedup();
        if cands.len() == 1 {
            let id = self.add_entry(cands[0], surface, span);
            self.note(
                &id,
                format!("\"{surface}\": surname, title and date fit the gazetteer"),
            );
            return Some(id);
        }
        None
    }

    /// The spellings a surname matches a name key in: its Korean surname
    /// form, its plain token and its folded token.
    fn surname_forms(&mut self, surname: &str) -> std::rc::Rc<[String]> {
        if let Some((_, forms)) = self.surname_forms.iter().find(|(s, _)| s == surname) {
            return forms.clone();
        }
        let forms: std::rc::Rc<[String]> = [
            korean_surname(surname),
            Some(plain_token(surname)),
            Some(fold_token(surname)),
        ]
        .into_iter()
        .flatten()
        .collect();
        self.surname_forms
            .push((surname.to_string(), forms.clone()));
        forms
    }

    /// Resolve one mention to entity ids (several for "Kim and Takizaki").
    pub fn resolve(&mut self, m: &Mention, surface: &str, span: Span) -> Vec<String> {
        match &m.r {
            Ref::Entry(i) => vec![self.add_entry(*i, surface, Some(span))],
            // "Japanese nationals" mentions the country Japan (ANNOTATION.md).
            Ref::Demonym(i) => vec![self.add_entry(*i, surface, Some(span))],
            Ref::NewPerson(n) => vec![self.person(n, surface, Some(span))],
            Ref::Surname(s) => self
                .surname(s, m.title.as_deref(), Some(span), surface)
                .into_iter()
                .collect(),
            Ref::Surnames(v) => v
                .iter()
                .filter_map(|s| {
                    self.surname(
                        s,
                        m.title.as_deref(),
                        None,
                        format!("{} {}", m.title.as_deref().unwrap_or(""), s).trim(),
                    )
                })
                .collect(),
            Ref::New(t, label) => vec![self.add_new(*t, label, surface, Some(span), "pattern")],
            Ref::HomeMinistry => match self.home_entry(
                Lexicon::foreign_ministry_of,
                surface,
                span.clone(),
                "ministry",
            ) {
                Some(id) => vec![id],
                None => vec![self.add_new(
                    EntityType::Organization,
                    "Ministry of Foreign Affairs",
                    surface,
                    Some(span),
                    "pattern",
                )],
            },
            Ref::HomeGovernment => self
                .home_entry(Lexicon::government_of, surface, span, "government")
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The publisher's own ministry or government for a bare "the Ministry
    /// of Foreign Affairs" / "the government".
    fn home_entry(
        &mut self,
        of: for<'l> fn(&'l Lexicon, &str) -> Option<&'l str>,
        surface: &str,
        span: Span,
        what: &str,
    ) -> Option<String> {
        let target = self
            .home
            .as_deref()
            .and_then(|h| of(self.lex, h))
            .map(str::to_string)?;
        let i = *self.lex.by_id.get(&target)?;
        let id = self.add_entry(i, surface, Some(span));
        self.note(&id, format!("bare \"{surface}\": the publisher's {what}"));
        Some(id)
    }

    /// The entities, as the extraction reports them.
    /// Entities with a mention, and those a relation refers to.
    pub fn into_entities_keeping(self, referenced: &BTreeSet<&str>) -> Vec<Entity> {
        self.entities
            .into_values()
            .filter(|e| !e.mentions.is_empty() || referenced.contains(e.id.as_str()))
            .map(|mut e| {
                e.mentions.sort();
                e.mentions.dedup();
                let mut aliases: Vec<String> =
                    e.aliases.into_iter().filter(|a| *a != e.label).collect();
                aliases.sort();
                Entity {
                    id: e.id,
                    entity_type: e.entity_type,
                    label: e.label,
                    aliases,
                    mentions: e.mentions,
                    country: e.country,
                    known: e.known,
                    merges: e.merges,
                }
            })
            .collect()
    }
}

/// Merge unknown persons across documents whose names differ only by a
/// romanisation variant or a slip, when their countries do not differ. The
/// canonical id of a group is its smallest id, so the result does not depend
/// on the order of the documents.
pub fn resolve_corpus(docs: &mut [Extraction]) {
    let mut people = CorpusPeople::default();
    for d in docs.iter() {
        people.add(d);
    }
    let canon = people.mapping();
    if canon.is_empty() {
        return;
    }
    for d in docs.iter_mut() {
        apply_mapping(d, &canon);
    }
}

/// What cross-document resolution needs of each document, gathered one
/// document at a time (so that a build can stream documents): the
/// organizations persons are members of, and the name keys and countries
/// of unknown persons.
#[derive(Debug, Default)]
pub struct CorpusPeople {
    people: BTreeMap<String, (Vec<String>, BTreeSet<String>)>,
    orgs: BTreeMap<String, BTreeSet<String>>,
}

/// What [`CorpusPeople`] takes from one document, taken apart from it:
/// a build gathers it on the thread that extracted the document, which
/// then frees the extraction itself (freed on the thread that gathers the
/// corpus's people, its many small strings cost more to free).
#[derive(Debug, Default)]
pub struct DocumentPeople {
    /// (person, organization) of each `memberOf` relation.
    members: Vec<(String, String)>,
    /// (id, name key, country) of each unknown person.
    people: Vec<(String, Vec<String>, Option<String>)>,
}

impl DocumentPeople {
    pub fn of(d: &Extraction) -> DocumentPeople {
        let members = d
            .relations
            .iter()
            .filter(|r| r.predicate == crate::model::Predicate::MemberOf)
            .map(|r| (r.subject.clone(), r.object.clone()))
            .collect();
        let people = d
            .entities
            .iter()
            .filter(|e| e.entity_type == EntityType::Person && !e.known)
            .map(|e| (e.id.clone(), person_key(&e.label), e.country.clone()))
            .filter(|(_, key, _)| key.len() >= 2)
            .collect();
        DocumentPeople { members, people }
    }
}

impl CorpusPeople {
    pub fn add(&mut self, d: &Extraction) {
        self.add_document(DocumentPeople::of(d));
    }

    /// [`CorpusPeople::add`] of what was taken from a document.
    pub fn add_document(&mut self, d: DocumentPeople) {
        for (person, org) in d.members {
            self.orgs.entry(person).or_default().insert(org);
        }
        for (id, key, country) in d.people {
            let entry = self
                .people
                .entry(id)
                .or_insert_with(|| (key, BTreeSet::new()));
            if let Some(c) = country {
                entry.1.insert(c);
            }
        }
    }

    /// Id → canonical id, for the ids that merge into another.
    pub fn mapping(&self) -> BTreeMap<String, String> {
        let (people, orgs) = (&self.people, &self.orgs);
        let ids: Vec<String> = people.keys().cloned().collect();
        let mut parent: BTreeMap<String, String> =
            ids.iter().map(|i| (i.clone(), i.clone())).collect();
        fn find(p: &mut BTreeMap<String, String>, x: &str) -> String {
            let mut r = x.to_string();
            while p[&r] != r {
                r = p[&r].clone();
            }
            r
        }
        // Only persons that share a name token and an organization can be one:
        // compare within those buckets, not all pairs.
        let mut buckets: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
        for (i, id) in ids.iter().enumerate() {
            let Some(os) = orgs.get(id) else { continue };
            for tok in &people[id].0 {
                for o in os {
                    buckets
                        .entry((tok.as_str(), o.as_str()))
                        .or_default()
                        .push(i);
                }
            }
        }
        let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
        for members in buckets.values() {
            for (k, &i) in members.iter().enumerate() {
                for &j in &members[k + 1..] {
                    pairs.insert((i.min(j), i.max(j)));
                }
            }
        }
        for (i, j) in pairs {
            let (a, b) = (&people[&ids[i]], &people[&ids[j]]);
            let countries_differ = !a.1.is_empty() && !b.1.is_empty() && a.1.is_disjoint(&b.1);
            // A spelling slip across documents is believed only when both
            // accounts put the person in the same organization (the buckets).
            if !countries_differ && keys_close(&a.0, &b.0) {
                let (ra, rb) = (find(&mut parent, &ids[i]), find(&mut parent, &ids[j]));
                if ra != rb {
                    let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
                    parent.insert(hi, lo);
                }
            }
        }
        ids.iter()
            .map(|i| (i.clone(), find(&mut parent, i)))
            .filter(|(i, c)| i != c)
            .collect()
    }
}

/// Rename the ids of one document by a [`CorpusPeople::mapping`], merging
/// entities that become one and dropping relations that become repeats;
/// the relations stay in their order ([`order_relations`]). Returns whether
/// the document changed: most documents name no merged person, and a
/// build copies their JSON as the cache holds it instead of writing it
/// again.
pub fn apply_mapping(d: &mut Extraction, canon: &BTreeMap<String, String>) -> bool {
    if !mapping_changes(d, canon) {
        return false;
    }
    remap(d, canon);
    true
}

/// [`apply_mapping`]'s work, done whether it changes anything or not.
fn remap(d: &mut Extraction, canon: &BTreeMap<String, String>) {
    let mut merged: BTreeMap<String, Entity> = BTreeMap::new();
    for mut e in std::mem::take(&mut d.entities) {
        if let Some(c) = canon.get(&e.id) {
            e.merges.push(format!(
                "merged across documents: \"{}\" ({} → {})",
                e.label, e.id, c
            ));
            e.id = c.clone();
        }
        match merged.get_mut(&e.id) {
            Some(m) => {
                m.aliases.push(e.label.clone());
                m.aliases.extend(e.aliases);
                m.mentions.extend(e.mentions);
                m.merges.extend(e.merges);
                m.aliases.sort();
                m.aliases.dedup();
                m.mentions.sort();
            }
            None => {
                merged.insert(e.id.clone(), e);
            }
        }
    }
    d.entities = merged.into_values().collect();
    for r in &mut d.relations {
        if let Some(c) = canon.get(&r.subject) {
            r.subject = c.clone();
        }
        if let Some(c) = canon.get(&r.object) {
            r.object = c.clone();
        }
    }
    order_relations(&mut d.relations);
}

/// Whether [`apply_mapping`] would change `d`: an id it renames, entities
/// not in strict id order (the merge keeps one per id, in order), or
/// relations not in their order.
fn mapping_changes(d: &Extraction, canon: &BTreeMap<String, String>) -> bool {
    let renamed = |id: &String| canon.contains_key(id);
    d.entities.iter().any(|e| renamed(&e.id))
        || d.entities.windows(2).any(|w| w[0].id >= w[1].id)
        || d.relations
            .iter()
            .any(|r| renamed(&r.subject) || renamed(&r.object))
        || !relations_in_order(&d.relations)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `apply_mapping` does what the whole remapping does, and says it
    /// changed a document exactly when the document's JSON changed: a
    /// build copies the JSON of the documents it says are unchanged.
    /// Over the test documents as extracted, with their relations
    /// reversed, with a relation repeated, with an entity repeated and
    /// with two entities swapped; under a mapping that touches nothing,
    /// one that renames an entity to a new id, and one that merges it into
    /// another entity. A document as extracted is unchanged by a mapping
    /// that names none of its ids.
    #[test]
    fn mapping_reports_exactly_when_it_changes_a_document() {
        let (_, xs) = crate::pipeline::test_extractions(60);
        let json = |x: &Extraction| serde_json::to_string(x).expect("serializes");
        let (mut changed, mut unchanged) = (0, 0);
        for x in &xs {
            let mut variants = vec![x.clone()];
            let mut reversed = x.clone();
            reversed.relations.reverse();
            variants.push(reversed);
            if let Some(r) = x.relations.first() {
                let mut repeated = x.clone();
                repeated.relations.insert(0, r.clone());
                variants.push(repeated);
            }
            if let Some(e) = x.entities.first() {
                let mut twice = x.clone();
                twice.entities.insert(1, e.clone());
                variants.push(twice);
            }
            if x.entities.len() >= 2 {
                let mut swapped = x.clone();
                swapped.entities.swap(0, 1);
                variants.push(swapped);
            }
            let mut maps = vec![BTreeMap::from([(
                "no-such-id".to_string(),
                "x".to_string(),
            )])];
            if let Some(e) = x
                .relations
                .first()
                .and_then(|r| x.entities.iter().find(|e| e.id == r.subject))
            {
                maps.push(BTreeMap::from([(
                    e.id.clone(),
                    format!("{}-renamed", e.id),
                )]));
                if let Some(other) = x.entities.iter().find(|o| o.id != e.id) {
                    maps.push(BTreeMap::from([(e.id.clone(), other.id.clone())]));
                }
            }
            let mut untouched = x.clone();
            assert!(
                !apply_mapping(&mut untouched, &maps[0]),
                "{} changed by a mapping of other ids",
                x.document.path
            );
            for v in &variants {
                for canon in &maps {
                    let mut done = v.clone();
                    remap(&mut done, canon);
                    let mut y = v.clone();
                    let said = apply_mapping(&mut y, canon);
                    assert_eq!(y, done, "{} under {canon:?}", x.document.path);
                    assert_eq!(
                        said,
                        json(v) != json(&y),
                        "{} under {canon:?}",
                        x.document.path
                    );
                    if said {
                        changed += 1;
                    } else {
                        unchanged += 1;
                    }
                }
            }
        }
        assert!(
            changed > 100 && unchanged >= xs.len(),
            "{changed} changed, {unchanged} not, of {} documents",
            xs.len()
        );
    }

    #[test]
    fn romanisation_and_order_fold_to_one_key() {
        assert_eq!(person_key("Kim Jeong-han"), person_key("Kim Jung-han"));
        assert_eq!(
            person_key("Shigeki Takizaki"),
            person_key("TAKIZAKI Shigeki")
        );
        assert!(keys_close(
            &person_key("Takizaki Kigeki"),
            &person_key("Takizaki Shigeki")
        ));
        assert!(!keys_close(
            &person_key("Kim Jung-han"),
            &person_key("Kim Yong-ho")
        ));
    }

    /// `fold_token` as it was first written (chars, then syllables joined):
    /// the reference for its ASCII path and its one buffer.
    fn fold_token_by_chars(t: &str) -> String {
        let s: String = t
            .chars()
            .map(crate::model::fold_accent)
            .filter(|c| c.is_alphanumeric() || *c == '-')
            .flat_map(|c| c.to_lowercase())
            .collect();
        s.split('-')
            .filter(|x| !x.is_empty())
            .map(|syl| {
                let mut syl = syl.to_string();
                for (from, to) in [("eo", "u"), ("oo", "u"), ("ee", "i"), ("eui", "ui")] {
                    syl = syl.replace(from, to);
                }
                syl
            })
            .collect::<Vec<_>>()
            .join("-")
    }

    #[test]
    fn folded_tokens_are_those_of_the_reference() {
        let tokens = [
            "",
            "-",
            "--",
            "Jeong-Han",
            "JEONG-HAN",
            "Eui-yong",
            "Kang.",
            "Moon,",
            "a--b",
            "-a-",
            "Seo-Hoon",
            "Yoo-Jeong",
            "eeo",
            "EOO",
            "oooeee",
            "Kyung-wha's",
            "O'Brien",
            "ROK-Japan",
            "Kōno",
            "Çelik",
            "Jérôme-Eude",
            "KÖNIG-EO",
            "İstanbul",
            "Ǆemal",
            "김정한",
            "x\u{212A}y",
            "12-34",
            "a_b",
            "Tarō-eo",
        ];
        for t in tokens {
            assert_eq!(fold_token(t), fold_token_by_chars(t), "token {t:?}");
        }
        assert_eq!(fold_token("Jeong-Han"), "jung-han");
        assert_eq!(fold_token("Eui-yong"), "ui-yong");
    }

    /// Each surname finds its own person however often, and in whatever
    /// order, the surnames come (their spellings are kept per surname).
    #[test]
    fn each_surname_finds_its_own_person_when_repeated() {
        let lex = Lexicon::load_dir(&crate::pipeline::default_ontology_dir()).expect("lexicon");
        let mut r = Resolver::new(&lex, None, None);
        let bak = r.person("Bak Seo-yeon", "Bak Seo-yeon", None);
        let odagiri = r.person("Odagiri Renzo", "Odagiri Renzo", None);
        assert_ne!(bak, odagiri);
        for (surname, want) in [
            ("Odagiri", &odagiri),
            ("Bak", &bak),
            ("Park", &bak),
            ("Odagiri", &odagiri),
            ("Bak", &bak),
            ("ODAGIRI", &odagiri),
        ] {
            let got = r.surname(surname, None, None, surname);
            assert_eq!(got.as_ref(), Some(want), "surname {surname}");
        }
        assert_eq!(r.surname("Watanuki", None, None, "Watanuki"), None);
    }
}
