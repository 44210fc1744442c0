//! Runs the stages over files: ingest → segment → mentions → resolve →
//! relations, per document and in parallel; then resolution across
//! documents. One bad file never stops the others: it becomes an error in
//! [`Run::errors`] and the rest is extracted.

use crate::error::{Error, Result};
use crate::ingest::{self, Document};
use crate::lexicon::{Hits, Lexicon};
use crate::mentions::{self, Mention, Ref};
use crate::model::{EntityType, Extraction, Predicate, Relation, Span};
use crate::relations::{self, Context, Resolved, Triggers};
use crate::resolve::{self, Resolver};
use crate::segment::{self, Sentence};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The result of extracting a set of inputs: one extraction per good
/// document (sorted by path, ids resolved across documents) and one error
/// per bad one.
#[derive(Debug, Default)]
pub struct Run {
    pub extractions: Vec<Extraction>,
    pub errors: Vec<Error>,
}

impl Run {
    /// Drop relations whose confidence is below `min`.
    pub fn filter_confidence(&mut self, min: f32) {
        for x in &mut self.extractions {
            x.relations.retain(|r| r.confidence >= min);
        }
    }
}

/// A document after segmentation and mentions ([`Pipeline::mentions`]).
#[derive(Debug, Clone)]
pub struct Mentioned {
    doc: Document,
    sentences: Vec<Sentence>,
    found: Vec<Vec<Mention>>,
    /// What the lexicon's automaton found in each sentence, kept for the
    /// relation stage: its trigger phrases.
    hits: Vec<Hits>,
}

/// A document after resolution within it ([`Pipeline::resolve`]): what the
/// relation stage reads.
#[derive(Clone)]
pub struct Prepared<'a> {
    doc: Document,
    sentences: Vec<Sentence>,
    found: Vec<Vec<Mention>>,
    /// The ids of each mention, parallel to `found`.
    ids: Vec<Vec<Option<Vec<String>>>>,
    hits: Vec<Hits>,
    res: Resolver<'a>,
}

#[derive(Clone)]
pub struct Pipeline {
    pub lexicon: Arc<Lexicon>,
    triggers: Arc<Triggers>,
}

impl Pipeline {
    pub fn new(lexicon: Lexicon) -> Pipeline {
        let triggers = Triggers::compile(&lexicon);
        Pipeline {
            lexicon: Arc::new(lexicon),
            triggers: Arc::new(triggers),
        }
    }

    /// Load the lexicon from an ontology directory and build the pipeline.
    pub fn from_ontology_dir(dir: &Path) -> Result<Pipeline> {
        Ok(Pipeline::new(Lexicon::load_dir(dir)?))
    }

    /// Extract one file.
    pub fn extract_file(&self, path: &Path) -> Result<Extraction> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        self.extract_bytes(path, &bytes)
    }

    /// Extract one document from its bytes (`path` is used for ids and errors).
    pub fn extract_bytes(&self, path: &Path, bytes: &[u8]) -> Result<Extraction> {
        let doc = ingest::ingest(path, bytes, &self.lexicon)?;
        Ok(self.extract_document(doc))
    }

    /// Run the stages after ingest.
    pub fn extract_document(&self, doc: Document) -> Extraction {
        self.relate(self.resolve(self.mentions(doc)))
    }

    /// Segment and mentions: the first stages after ingest.
    pub fn mentions(&self, doc: Document) -> Mentioned {
        let lex = &*self.lexicon;
        let sentences = segment::segment(&doc.text);
        // One search of each sentence by the lexicon's automaton answers
        // the labels, the mention rules' keywords and the trigger phrases.
        let hits: Vec<Hits> = sentences.iter().map(|s| lex.scan(&s.norm)).collect();
        let found: Vec<Vec<Mention>> = sentences
            .iter()
            .zip(&hits)
            .map(|(s, h)| mentions::find_scanned(s, lex, h))
            .collect();
        // The relation stage reads the trigger hits only.
        let hits = hits
            .into_iter()
            .map(|h| Hits {
                labels: Vec::new(),
                keywords: Vec::new(),
                ..h
            })
            .collect();
        Mentioned {
            doc,
            sentences,
            found,
            hits,
        }
    }

    /// Mentions to the document's entities: full names and lexicon entries
    /// first, then the bare surnames of the persons named, then the rest.
    pub fn resolve(&self, m: Mentioned) -> Prepared<'_> {
        let lex = &*self.lexicon;
        let Mentioned {
            doc,
            sentences,
            mut found,
            hits,
        } = m;
        let home = doc
            .info
            .country
            .clone()
            .or_else(|| infer_home(&sentences, &found, lex));
        let mut res = Resolver::new(lex, doc.info.date.clone(), home);
        let span = |s: &Sentence, a: usize, b: usize| {
            let (x, y) = s.clean_range(a, b);
            doc.span(x, y)
        };
        // Pass 1: full names and lexicon entries, so that a surname can find
        // the full name wherever the document gives it.
        let mut ids: Vec<Vec<Option<Vec<String>>>> =
            found.iter().map(|ms| vec![None; ms.len()]).collect();
        for (si, s) in sentences.iter().enumerate() {
            for (mi, m) in found[si].iter().enumerate() {
                if matches!(m.r, Ref::Entry(_) | Ref::NewPerson(_)) {
                    ids[si][mi] =
                        Some(res.resolve(m, &s.norm[m.start..m.end], span(s, m.start, m.end)));
                }
            }
        }
        // A surname alone ("Kono said") of a person the document named.
        let surnames: BTreeSet<String> = res
            .entities
            .values()
            .filter(|e| e.entity_type == EntityType::Person)
            .flat_map(|e| {
                e.label
                    .split_whitespace()
                    .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
                    .collect::<Vec<_>>()
            })
            .filter(|t| t.len() >= 3 && t.chars().next().is_some_and(|c| c.is_uppercase()))
            .collect();
        for (si, s) in sentences.iter().enumerate() {
            let extra = bare_surnames(&s.norm, &found[si], &surnames);
            if extra.is_empty() {
                continue;
            }
            // Keep the mentions in text order (the relation stage relies on it).
            let mut both: Vec<(Mention, Option<Vec<String>>)> = std::mem::take(&mut found[si])
                .into_iter()
                .zip(std::mem::take(&mut ids[si]))
                .chain(extra.into_iter().map(|m| (m, None)))
                .collect();
            both.sort_by_key(|(m, _)| (m.start, std::cmp::Reverse(m.end)));
            let (ms, is): (Vec<_>, Vec<_>) = both.into_iter().unzip();
            found[si] = ms;
            ids[si] = is;
        }
        // Pass 2: the rest.
        for (si, s) in sentences.iter().enumerate() {
            for (mi, m) in found[si].iter().enumerate() {
                if ids[si][mi].is_none() {
                    ids[si][mi] =
                        Some(res.resolve(m, &s.norm[m.start..m.end], span(s, m.start, m.end)));
                }
            }
        }
        Prepared {
            doc,
            sentences,
            found,
            ids,
            hits,
            res,
        }
    }

    /// The relation stage, sentence by sentence, and the document's
    /// extraction: its relations (filtered, sorted, deduplicated) and the
    /// entities they need.
    pub fn relate(&self, p: Prepared<'_>) -> Extraction {
        let lex = &*self.lexicon;
        let Prepared {
            doc,
            sentences,
            found,
            ids,
            hits,
            mut res,
        } = p;
        // Relations, sentence by sentence. Only the names of matters are
        // looked up (an anaphor's head noun, "the agreement", in the
        // issues and events named before it), and only a document with
        // such an anaphor needs them.
        let has_head = found
            .iter()
            .flatten()
            .any(|m| matches!(m.r, Ref::Anaphor(Some(_))));
        let matters: BTreeSet<&String> = found
            .iter()
            .filter(|_| has_head)
            .zip(&ids)
            .flat_map(|(ms, is)| ms.iter().zip(is))
            .filter(|(m, _)| {
                matches!(
                    m.entity_type(lex),
                    Some(EntityType::Issue) | Some(EntityType::Event)
                )
            })
            .flat_map(|(_, i)| i.iter().flatten())
            .collect();
        let names = res
            .entities
            .values()
            .filter(|e| matters.contains(&e.id))
            .map(|e| {
                (
                    e.id.clone(),
                    std::iter::once(&e.label)
                        .chain(&e.aliases)
                        .map(|n| n.to_lowercase())
                        .collect::<Vec<_>>()
                        .join(" | "),
                )
            })
            .collect();
        let countries = res
            .entities
            .values()
            .filter(|e| e.entity_type == EntityType::Person)
            .filter_map(|e| Some((e.id.clone(), e.country.clone()?)))
            .collect();
        let mut ctx = Context {
            doc_date: doc.info.date.clone(),
            names,
            countries,
            ..Context::default()
        };
        let mut rels: Vec<Relation> = Vec::new();
        // The mentions and their ids move into the relation stage's view.
        for ((si, s), (ms, ms_ids)) in sentences.iter().enumerate().zip(found.into_iter().zip(ids))
        {
            let rs: Vec<Resolved> = ms
                .into_iter()
                .zip(ms_ids)
                .filter(|(m, _)| !matches!(m.r, Ref::Theme))
                .map(|(m, i)| Resolved {
                    start: m.start,
                    end: m.end,
                    ids: i.unwrap_or_default(),
                    entity_type: m.entity_type(lex),
                    r: m.r,
                    in_apposition: m.in_apposition,
                    nested: m.nested,
                    apposition: m.apposition,
                    title_start: m.title_start,
                    title: m.title,
                })
                .filter(|r| !r.ids.is_empty() || r.entity_type.is_none())
                .collect();
            let evidence = doc.span(s.start, s.end);
            // "Japanese Foreign Minister Masaaki Ishikura", "ROK Foreign
            // Minister Seo": the country named before the title is the person's.
            for p in rs
                .iter()
                .filter(|m| m.entity_type == Some(EntityType::Person))
            {
                let Some(t) = p.title_start else { continue };
                let before = rs.iter().rfind(|c| {
                    c.entity_type == Some(EntityType::Country)
                        && (c.end + 1 == t || (c.start >= t && c.end <= p.start))
                });
                if let Some(c) = before.and_then(|c| c.ids.first()) {
                    for pid in &p.ids {
                        ctx.countries
                            .entry(pid.clone())
                            .or_insert_with(|| c.clone());
                    }
                }
            }
            let mut members = member_of(&s.norm, &rs);
            // "Secretary of State Caroline Halvorsen": a post that names its
            // organization by itself.
            for m in rs
                .iter()
                .filter(|m| m.entity_type == Some(EntityType::Person))
            {
                let Some(title) = &m.title else { continue };
                let Some(org) = lex.organization_of_title(title) else {
                    continue;
                };
                let Some(&i) = lex.by_id.get(org) else {
                    continue;
                };
                let oid = res.add_known(i);
                for pid in &m.ids {
                    if !members.iter().any(|(p, _, _, _)| p == pid) {
                        members.push((
                            pid.clone(),
                            oid.clone(),
                            "memberOf/post".to_string(),
                            Some(title.clone()),
                        ));
                    }
                }
            }
            for (p, o, rule, role) in members {
                if let Some(c) = lex.country_of(&o) {
                    ctx.countries
                        .entry(p.clone())
                        .or_insert_with(|| c.to_string());
                }
                let mut r = relation(p, Predicate::MemberOf, o, None, evidence.clone(), 0.9, rule);
                r.role = role;
                rels.push(r);
            }
            if s.heading {
                // Headlines restate the body; their entities count, their acts do not.
                relations::note_place(&s.norm, &rs, &mut ctx);
                continue;
            }
            let dates = mentions::dates(&s.norm);
            if relations::debug() {
                eprintln!("S{si}{} {}", if s.heading { "h" } else { "" }, s.norm);
                for r in &rs {
                    eprintln!(
                        "   [{}..{}] {:?} {:?} {:?}{}{}",
                        r.start,
                        r.end,
                        &s.norm[r.start..r.end],
                        r.entity_type,
                        r.ids,
                        if r.in_apposition { " appos" } else { "" },
                        if r.nested { " nested" } else { "" }
                    );
                }
            }
            let found_here = relations::sentence_relations(
                &s.norm,
                &hits[si],
                &rs,
                &dates,
                &self.triggers,
                lex,
                &mut ctx,
            );
            relations::note_place(&s.norm, &rs, &mut ctx);
            for f in found_here {
                let mut r = relation(
                    f.subject,
                    f.predicate,
                    f.object,
                    None,
                    evidence.clone(),
                    f.confidence,
                    f.rule,
                );
                r.date = f.date;
                r.place = f.place;
                r.format = f.format;
                r.occasion = f.occasion;
                rels.push(r);
            }
        }
        // A party does not raise, protest or urge its own country (or its own
        // government): "Japan's position" in a Japanese minister's protest is
        // the ground, not the target.
        let country_of = |id: &str| -> Option<&str> {
            ctx.countries
                .get(id)
                .map(String::as_str)
                .or_else(|| res.entities.get(id).and_then(|e| e.country.as_deref()))
        };
        rels.retain(|r| {
            if matches!(
                r.predicate,
                Predicate::MetWith | Predicate::MemberOf | Predicate::Visited | Predicate::Thanked
            ) {
                return true;
            }
            let (Some(sc), Some(oc)) = (country_of(&r.subject), country_of(&r.object)) else {
                return true;
            };
            let object_is_state = res
                .entities
                .get(&r.object)
                .is_some_and(|e| e.entity_type == EntityType::Country)
                || lex.government_of(oc) == Some(r.object.as_str());
            !(object_is_state && sc == oc)
        });
        // Keep only relations between entities the document has; dedupe.
        let type_of = |id: &str| res.entities.get(id).map(|e| e.entity_type);
        rels.retain(|r| {
            let (Some(s), Some(o)) = (type_of(&r.subject), type_of(&r.object)) else {
                return false;
            };
            r.subject != r.object && r.predicate.admits_object(o) && s.is_party()
        });
        crate::model::order_relations(&mut rels);
        let referenced: BTreeSet<&str> = rels
            .iter()
            .flat_map(|r| [r.subject.as_str(), r.object.as_str()])
            .collect();
        let mut info = doc.info.clone();
        if info.country.is_none() {
            info.country = None;
        }
        let entities = res.into_entities_keeping(&referenced);
        Extraction {
            document: info,
            entities,
            relations: rels,
            diagnostics: doc.diagnostics.clone(),
        }
    }

    /// Expand directories, extract every document in parallel, resolve ids
    /// across documents. Bad inputs become errors; the others still run.
    pub fn run(&self, inputs: &[PathBuf]) -> Run {
        let (files, mut errors) = ingest::collect_inputs(inputs);
        let results: Vec<Result<Extraction>> =
            files.par_iter().map(|p| self.extract_file(p)).collect();
        let mut extractions = Vec::new();
        for r in results {
            match r {
                Ok(x) => extractions.push(x),
                Err(e) => errors.push(e),
            }
        }
        extractions.sort_by(|a, b| a.document.path.cmp(&b.document.path));
        resolve::resolve_corpus(&mut extractions);
        Run {
            extractions,
            errors,
        }
    }

    /// One file, taken from the old cache file (its `cache` index) when
    /// that holds this path with these bytes, else extracted: the
    /// extraction, its cache entry line, and whether it came from the cache.
    pub fn extract_cached(
        &self,
        cache: &crate::incremental::Index,
        p: &Path,
    ) -> (Result<(Extraction, String)>, bool) {
        match std::fs::read(p) {
            Ok(bytes) => self.extract_cached_bytes(cache, p, &bytes, None),
            Err(e) => (Err(Error::io(p, e)), false),
        }
    }

    /// [`Pipeline::extract_cached`] of a file's bytes, already read (and
    /// of its old entry line, when that was read already:
    /// [`crate::incremental::OldLines`]).
    pub fn extract_cached_bytes(
        &self,
        cache: &crate::incremental::Index,
        p: &Path,
        bytes: &[u8],
        old_line: Option<String>,
    ) -> (Result<(Extraction, String)>, bool) {
        use crate::incremental::Cache;
        let key = p.to_string_lossy();
        if cache.has(&key) {
            if let Some(hit) = cache.lookup_with(&key, bytes, old_line) {
                return (Ok(hit), true);
            }
        }
        let x = self.extract_bytes(p, bytes).map(|x| {
            let line = Cache::entry_line(&x);
            (x, line)
        });
        (x, false)
    }

    /// [`Pipeline::run`] with an extraction cache (incremental builds): a
    /// document whose path and bytes the cache knows is taken from it, the
    /// others are extracted; then resolution across documents runs on the
    /// whole set, so the result equals that of `run`. The entries of this
    /// run are written to the cache's new file as they come (a document
    /// deleted since the last run leaves it); `Cache::commit` puts it in
    /// place. The cache counts how many were reused and re-extracted.
    pub fn run_cached(&self, inputs: &[PathBuf], cache: &mut crate::incremental::Cache) -> Run {
        let (files, mut errors) = ingest::collect_inputs(inputs);
        cache.begin();
        let mut extractions = Vec::new();
        // A batch at a time, so that the entry lines written to the new
        // cache are never all held at once.
        for batch in files.chunks(256) {
            let index = cache.index();
            let results: Vec<(Result<(Extraction, String)>, bool)> = batch
                .par_iter()
                .map(|p| self.extract_cached(index, p))
                .collect();
            for (r, hit) in results {
                match r {
                    Ok((x, line)) => {
                        cache.push(&line, hit);
                        extractions.push(x);
                    }
                    Err(e) => errors.push(e),
                }
            }
        }
        extractions.sort_by(|a, b| a.document.path.cmp(&b.document.path));
        resolve::resolve_corpus(&mut extractions);
        Run {
            extractions,
            errors,
        }
    }
}

fn relation(
    subject: String,
    predicate: Predicate,
    object: String,
    date: Option<String>,
    evidence: Span,
    confidence: f32,
    rule: String,
) -> Relation {
    Relation {
        subject,
        predicate,
        object,
        date,
        place: None,
        format: None,
        occasion: None,
        evidence,
        confidence,
        rule,
        role: None,
    }
}

/// A person's apposition that names an organization gives `memberOf`
/// ("Kim Jung-han, Director-General ... of the Ministry of Foreign Affairs").
fn member_of(s: &str, rs: &[Resolved]) -> Vec<(String, String, String, Option<String>)> {
    let mut out = Vec::new();
    for p in rs
        .iter()
        .filter(|m| m.entity_type == Some(EntityType::Person))
    {
        // An organization right before the title: "Japanese Ministry of
        // Foreign Affairs Director-General ... Kenta Morioka".
        // ... or inside the title: "Director-General ... of the Ministry of
        // Foreign Affairs Kim Jae-won".
        // A byline's "Asia Economy Reporter Lim" names an employer, not a post
        // the graph tracks.
        let byline = matches!(
            p.title.as_deref(),
            Some("Reporter" | "Correspondent" | "Photographer" | "Staff Writer")
        );
        if let (Some(t), false) = (p.title_start, byline) {
            for o in rs.iter().filter(|m| {
                m.entity_type == Some(EntityType::Organization)
                    && (m.end + 1 == t || (m.start >= t && m.end <= p.start))
            }) {
                for pid in &p.ids {
                    for oid in &o.ids {
                        out.push((
                            pid.clone(),
                            oid.clone(),
                            "memberOf/title".to_string(),
                            p.title.clone().map(|t| role_of(&t)),
                        ));
                    }
                }
            }
        }
        let Some((a, b)) = p.apposition else { continue };
        for o in rs.iter().filter(|m| {
            m.start >= a && m.end <= b && m.entity_type == Some(EntityType::Organization)
        }) {
            for pid in &p.ids {
                for oid in &o.ids {
                    let mut role = role_of(&s[a..o.start]);
                    if role.is_empty() {
                        // "Minister of Foreign Affairs of the Republic of Korea" names both.
                        let t = &s[o.start..o.end];
                        role = t
                            .rfind(" of ")
                            .map(|k| t[..k].to_string())
                            .unwrap_or_default();
                    }
                    out.push((
                        pid.clone(),
                        oid.clone(),
                        "memberOf/apposition".to_string(),
                        (!role.is_empty()).then_some(role),
                    ));
                }
            }
        }
    }
    out
}

/// The country a document speaks for, when its publisher does not say: the
/// side whose framings of contested issues it uses ("Takeshima" is Japan's
/// name, "Dokdo" Korea's); else the first country of the first
/// "Korea-Japan ..." compound (a ministry names its own country first).
fn infer_home(sentences: &[Sentence], found: &[Vec<Mention>], lex: &Lexicon) -> Option<String> {
    let mut votes: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (s, ms) in sentences.iter().zip(found) {
        for m in ms {
            let Ref::Entry(i) = m.r else { continue };
            let text = s.norm[m.start..m.end].to_lowercase();
            for f in &lex.entries[i].framings {
                if crate::segment::normalize_str(&f.label).to_lowercase() == text {
                    *votes.entry(f.used_by.clone()).or_default() += 1;
                }
            }
        }
    }
    let mut ranked: Vec<(usize, String)> = votes.into_iter().map(|(c, n)| (n, c)).collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    if let Some((n, c)) = ranked.first() {
        if ranked.get(1).is_none_or(|(m, _)| m < n) {
            return Some(c.clone());
        }
    }
    compound_home(sentences, found, lex)
}

fn compound_home(sentences: &[Sentence], found: &[Vec<Mention>], lex: &Lexicon) -> Option<String> {
    for (s, ms) in sentences.iter().zip(found) {
        for m in ms {
            let Ref::Entry(i) = m.r else { continue };
            if lex.entries[i].entity_type == EntityType::Country && s.norm[m.end..].starts_with('-')
            {
                let next = s.norm[m.end + 1..].split([' ', '-']).next().unwrap_or("");
                if next.chars().next().is_some_and(|c| c.is_uppercase()) {
                    return Some(lex.entries[i].id.clone());
                }
            }
        }
    }
    None
}

/// The post in a title or apposition: its words up to the organization,
/// without honorifics and connecting words ("Director-General of the Asian
/// and Oceanian Affairs Bureau of" → "Director-General of the Asian and
/// Oceanian Affairs Bureau").
fn role_of(t: &str) -> String {
    let mut t = t.trim().trim_start_matches(',').trim();
    for h in ["H.E.", "Mr.", "Ms.", "Mrs.", "Dr.", "Prof."] {
        t = t.trim_start_matches(h).trim();
    }
    let mut t = t.trim_end_matches([',', ' ']).to_string();
    for tail in [
        " of the", " at the", " of", " at", " for", " in", ",", " the",
    ] {
        if let Some(x) = t.strip_suffix(tail) {
            t = x.to_string();
        }
    }
    t.trim_start_matches("the ").trim().to_string()
}

/// Capitalised words equal to a surname of a person the document named,
/// not already part of a mention.
fn bare_surnames(s: &str, ms: &[Mention], surnames: &BTreeSet<String>) -> Vec<Mention> {
    let mut out = Vec::new();
    if surnames.is_empty() {
        return out;
    }
    // The first bytes and the lengths of the surnames: most capitalised
    // words fail one of them, and are not looked up in the set.
    let mut first = [false; 256];
    let mut lengths = 0u64;
    for w in surnames {
        first[usize::from(w.as_bytes()[0])] = true;
        lengths |= 1u64.checked_shl(w.len() as u32).unwrap_or(0);
    }
    let may_be = |w: &str| {
        first[usize::from(w.as_bytes()[0])] && (w.len() >= 64 || lengths & (1 << w.len()) != 0)
    };
    let bytes = s.as_bytes();
    let mut pos = 0;
    while pos <= s.len() {
        // The tokens of `s.split(' ')`, found by a plain loop: they are a few
        // bytes long, and `split` called `memchr` once for each.
        let a = pos;
        let end = bytes[a..]
            .iter()
            .position(|&c| c == b' ')
            .map_or(s.len(), |i| a + i);
        pos = end + 1;
        // A word that can be a surname starts the token with a capital: an
        // ASCII byte that is not one rules the token out at once.
        if bytes
            .get(a)
            .is_none_or(|c| c.is_ascii() && !c.is_ascii_uppercase())
        {
            continue;
        }
        let word = s[a..end].trim_end_matches(|c: char| !c.is_alphanumeric());
        let b = a + word.len();
        let word = word.strip_suffix("'s").unwrap_or(word);
        let b2 = a + word.len();
        // The set holds capitalised words of three letters or more: most
        // tokens are not looked up.
        if word.len() < 3 || !word.starts_with(|c: char| c.is_uppercase()) {
            continue;
        }
        if may_be(word) && surnames.contains(word) && !ms.iter().any(|m| m.overlaps(a, b)) {
            let mut m = Mention {
                start: a,
                end: b2,
                r: Ref::Surname(word.to_string()),
                title: None,
                apposition: None,
                in_apposition: false,
                nested: false,
                title_start: None,
            };
            // Inside an apposition span of another mention?
            m.in_apposition = ms
                .iter()
                .any(|x| x.apposition.is_some_and(|(p, q)| a >= p && b2 <= q));
            out.push(m);
        }
    }
    out
}

/// Where the ontology lives: `$DIPKG_ONTOLOGY`, else `./ontology` when it
/// exists, else the `ontology/` of the source tree this binary was built from.
pub fn default_ontology_dir() -> PathBuf {
    if let Ok(d) = std::env::var("DIPKG_ONTOLOGY") {
        return PathBuf::from(d);
    }
    let local = PathBuf::from("ontology");
    if local.join("dipkg.ttl").exists() {
        return local;
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/ontology"))
}

/// The test documents extracted, with the pipeline that extracted them:
/// the seeds, `tests/corpus` and `synthetic` documents of `dipkg synth`
/// (seed 7). Extracting them also compiles every rule's pattern.
#[cfg(test)]
pub(crate) fn test_extractions(synthetic: usize) -> (Pipeline, Vec<Extraction>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pipeline = Pipeline::from_ontology_dir(&default_ontology_dir()).expect("pipeline");
    let (files, _) = ingest::collect_inputs(&[root.join("seeds"), root.join("tests/corpus/docs")]);
    let mut xs: Vec<Extraction> = files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).expect("test document");
            pipeline.extract_bytes(f, &bytes).expect("extracts")
        })
        .collect();
    for d in crate::synth::Generator::new(&pipeline.lexicon, 7).documents(synthetic) {
        let path = PathBuf::from(format!("{}.txt", d.name));
        xs.push(
            pipeline
                .extract_bytes(&path, d.text.as_bytes())
                .expect("extracts"),
        );
    }
    (pipeline, xs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bare surnames are the capitalised words of `s.split(' ')` that the
    /// set holds, as (start, end), outside the mentions: the
    /// definition `bare_surnames` finds by its own loop.
    fn surnames_by_split(s: &str, ms: &[Mention], set: &BTreeSet<String>) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut pos = 0;
        for tok in s.split(' ') {
            let a = pos;
            pos += tok.len() + 1;
            let word = tok.trim_end_matches(|c: char| !c.is_alphanumeric());
            let b = a + word.len();
            let word = word.strip_suffix("'s").unwrap_or(word);
            if word.len() >= 3
                && word.starts_with(|c: char| c.is_uppercase())
                && set.contains(word)
                && !ms.iter().any(|m| m.overlaps(a, b))
            {
                out.push((a, a + word.len()));
            }
        }
        out
    }

    /// "the agreement" stands for the matter named before it whose name has
    /// "agreement", and for no other matter.
    #[test]
    fn an_anaphor_with_a_head_noun_is_the_matter_named_with_it() {
        let p = Pipeline::from_ontology_dir(&default_ontology_dir()).expect("ontology");
        let readout = |matter: &str| {
            format!(
                "Japan-ROK Foreign Ministers' Meeting\n\nMarch 3, 2021\n\n\
                 On March 3, Foreign Minister Taro Kono held a meeting with Foreign \
                 Minister Kang Kyung-wha in Tokyo.\n\
                 The two ministers discussed {matter}.\n\
                 Minister Kono urged the Republic of Korea to implement the agreement steadily.\n"
            )
        };
        let raised = |matter: &str| -> Vec<String> {
            let x = p
                .extract_bytes(Path::new("readout.txt"), readout(matter).as_bytes())
                .expect("extracts");
            x.relations
                .iter()
                .filter(|r| r.predicate == crate::model::Predicate::Raised)
                .filter(|r| r.evidence.text.contains("the agreement"))
                .map(|r| format!("{} {}", r.subject, r.object))
                .collect()
        };
        assert_eq!(
            raised("the comfort women agreement"),
            ["taro-kono comfort-women-agreement"]
        );
        assert!(raised("the North Korean nuclear issue").is_empty());
    }

    #[test]
    fn bare_surnames_are_the_capitalised_tokens_the_set_holds() {
        let long = format!("Lo{}", "n".repeat(68));
        let set: BTreeSet<String> = ["Kono", "Kang", "Émile", "Öz", long.as_str()]
            .into_iter()
            .map(String::from)
            .collect();
        let with_long = format!("{long} met Konoe, Kan and {long}n and Kono");
        let taken = Mention {
            start: 0,
            end: 4,
            r: Ref::Surname("Kang".into()),
            title: None,
            apposition: None,
            in_apposition: false,
            nested: false,
            title_start: None,
        };
        for s in [
            "Kono said so.",
            "Kang met Kono's counterpart, Kono.",
            "  Kono  and (Kono) met kono and KONO",
            "Émile thanked Kono, and Öz",
            "Kono",
            "",
            " ",
            "the word Kono- and Kono's and Konos",
            &with_long,
        ] {
            for ms in [vec![], vec![taken.clone()]] {
                let found: Vec<(usize, usize)> = bare_surnames(s, &ms, &set)
                    .iter()
                    .map(|m| (m.start, m.end))
                    .collect();
                assert_eq!(found, surnames_by_split(s, &ms, &set), "{s:?}");
            }
        }
        assert_eq!(
            bare_surnames("Kang met Kono's counterpart.", &[], &set).len(),
            2
        );
        assert!(bare_surnames("Kono", &[], &BTreeSet::new()).is_empty());
        assert_eq!(bare_surnames(&with_long, &[], &set).len(), 2);
    }

    /// The stages the benchmarks time one by one can be stopped and resumed
    /// from a copy: a cloned `Mentioned` or `Prepared` gives the extraction
    /// of the whole pipeline.
    #[test]
    fn stages_resume_from_copies() {
        let p = Pipeline::from_ontology_dir(&default_ontology_dir()).expect("ontology");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
            .expect("seeds")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for f in files {
            let bytes = std::fs::read(&f).expect("seed");
            let whole = p.extract_bytes(&f, &bytes).expect("extracts");
            let doc = ingest::ingest(&f, &bytes, &p.lexicon).expect("ingests");
            let mentioned = p.mentions(doc);
            let prepared = p.resolve(mentioned.clone());
            let again = p.relate(p.resolve(mentioned));
            assert_eq!(p.relate(prepared.clone()), whole, "{}", f.display());
            assert_eq!(p.relate(prepared), again);
            assert!(!whole.relations.is_empty());
        }
    }
}
