//! The knowledge graph: entities as nodes, relations as evidence-carrying edges.
//!
//! Per-document extractions are merged here into one graph. Every node is one
//! entity id (labels, aliases, types and documents merged across documents);
//! every edge is one `(subject, predicate, object)` fact carrying each piece of
//! evidence that states it. `metWith` is symmetric, so its edges are stored
//! once with the smaller id as source. Meetings are additionally grouped into
//! [`Meeting`] records (participants, date, place, format, reporting
//! documents).
//!
//! Invariants (the exporters rely on them for byte-identical output):
//! nodes are inserted in id order and edges in `(source, predicate, target)`
//! order; evidence is sorted; nothing iterates a hash map.
//!
//! petgraph is used only in this module; the rest of the crate sees ids.

use crate::error::{Error, Result};
use crate::model::{EntityType, Extraction, MeetingFormat, Predicate, Relation};
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableGraph};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

/// One entity, merged across the documents that mention it.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: String,
    /// The type most documents give it (ties: the first in `EntityType::ALL`).
    pub entity_type: EntityType,
    /// Every type some document gave it (normally just one).
    pub types: BTreeSet<EntityType>,
    /// The label most documents use (ties: the smallest).
    pub label: String,
    /// Every other name, label or alias, in any document.
    pub aliases: BTreeSet<String>,
    /// Entity id of its country, when some document knows it.
    pub country: Option<String>,
    /// Ids of the documents that mention it.
    pub documents: BTreeSet<Sym>,
    /// Number of mentions over all documents.
    pub mentions: usize,
    /// Whether the lexicon knows it (in any document).
    pub known: bool,
    /// Merge notes of the resolver, prefixed with their document id.
    pub merges: Vec<String>,
}

impl Node {
    /// A copy under another id, without its documents (the caller fills
    /// them in): copying the set only to replace it cost a roll-up dearly.
    fn without_documents(&self, id: String) -> Node {
        Node {
            id,
            entity_type: self.entity_type,
            types: self.types.clone(),
            label: self.label.clone(),
            aliases: self.aliases.clone(),
            country: self.country.clone(),
            documents: BTreeSet::new(),
            mentions: self.mentions,
            known: self.known,
            merges: self.merges.clone(),
        }
    }

    /// The country this node belongs to for clustering: its own id for a
    /// country, else its `country`.
    pub fn country_key(&self) -> Option<&str> {
        if self.entity_type == EntityType::Country {
            Some(&self.id)
        } else {
            self.country.as_deref()
        }
    }
}

/// One piece of evidence for an edge: where a document states the relation.
/// The sentence itself stays in the document's extraction (JSON Lines, RDF):
/// the graph keeps only where it is, so that its memory grows with the
/// facts, not with the text. Repeated strings (document ids, rules, dates,
/// places) are interned [`Sym`]s: 56 bytes a record.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRef {
    pub document: Sym,
    /// Character offsets in the original file.
    pub start: u32,
    pub end: u32,
    pub confidence: f32,
    pub rule: Sym,
    /// The relation's date, else the document's date.
    pub date: Option<Sym>,
    /// Whether `date` comes from the relation itself (not the document).
    pub date_stated: bool,
    pub place: Option<Sym>,
    pub format: Option<MeetingFormat>,
    pub occasion: Option<Sym>,
}

/// An interned string: one copy of each distinct string for the life of
/// the process, referred to by a thin pointer (8 bytes; `Option<Sym>` too).
/// Equal strings are the same `Sym`; order and hash are the string's, so
/// nothing depends on the order of interning. The copies are never freed:
/// what is interned (document ids, dates, places, rules) is bounded by the
/// corpus.
#[derive(Clone, Copy)]
pub struct Sym(&'static &'static str);

impl Sym {
    pub fn new(s: &str) -> Sym {
        use std::sync::{Mutex, OnceLock};
        // Hashed a word at a time ([`IdHasher`]), like the builder's maps:
        // every relation a document adds interns a few strings.
        static TABLE: OnceLock<Mutex<IdMap<&'static str, Sym>>> = OnceLock::new();
        let mut table = TABLE
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(&sym) = table.get(s) {
            return sym;
        }
        let text: &'static str = Box::leak(s.to_owned().into_boxed_str());
        let sym = Sym(Box::leak(Box::new(text)));
        table.insert(text, sym);
        sym
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// Where the interned string is: equal for equal strings.
    fn address(self) -> usize {
        std::ptr::from_ref(self.0) as usize
    }
}

impl std::ops::Deref for Sym {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl std::borrow::Borrow<str> for Sym {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl PartialEq for Sym {
    fn eq(&self, other: &Sym) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Sym {}

impl PartialOrd for Sym {
    fn partial_cmp(&self, other: &Sym) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Sym {
    fn cmp(&self, other: &Sym) -> std::cmp::Ordering {
        self.0.cmp(other.0)
    }
}

impl std::hash::Hash for Sym {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.hash(h)
    }
}

impl std::fmt::Debug for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl PartialEq<str> for Sym {
    fn eq(&self, other: &str) -> bool {
        *self.0 == other
    }
}

impl PartialEq<&str> for Sym {
    fn eq(&self, other: &&str) -> bool {
        **self.0 == **other
    }
}

impl PartialEq<String> for Sym {
    fn eq(&self, other: &String) -> bool {
        *self.0 == other.as_str()
    }
}

impl std::fmt::Display for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// A [`Sym`] hashed by identity (equal strings are one `Sym`): a key of
/// the builder's maps, whose order is never read (they are sorted when the
/// graph is finished), so a lookup hashes two words instead of two strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SymId(Sym);

impl std::hash::Hash for SymId {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        h.write_usize(self.0.address())
    }
}

/// A hash map keyed by identities ([`SymId`]s, predicates): no string is
/// hashed, and SipHash's defence against chosen keys buys nothing for
/// addresses the process chose itself. Strings are hashed a word at a
/// time: the builder's nodes are keyed by entity id, and [`Sym::new`]'s
/// table by the string, and SipHash over them was a good part of adding a
/// document (with the nodes' document lists, 4.8–5.6 s of adding 100,000
/// documents' extractions, against 3.5–4.5 s now).
type IdMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<IdHasher>>;

/// The hasher of [`IdMap`]: each word is mixed in by a rotate, a xor and a
/// multiply (the Fx hash of rustc), and the result rotated so that the
/// well-mixed high bits pick the bucket (addresses end in zero bits).
#[derive(Default)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    /// Little-endian words, the last one padded with zeros. A whole word is
    /// one load; the tail is gathered byte by byte (copying it into a word
    /// was a call to `memcpy` for every word hashed).
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.write_u64(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            let word = tail
                .iter()
                .rev()
                .fold(0u64, |w, &b| (w << 8) | u64::from(b));
            self.write_u64(word);
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(n.into());
    }

    fn write_u64(&mut self, n: u64) {
        const K: u64 = 0xf135_7aea_2e62_a9c5;
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(K);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_isize(&mut self, n: isize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
}

/// The builder's handle on [`Sym`] interning.
#[derive(Debug, Default)]
struct Interner;

impl Interner {
    fn get(&mut self, s: &str) -> Sym {
        Sym::new(s)
    }

    fn opt(&mut self, s: Option<&str>) -> Option<Sym> {
        s.map(Sym::new)
    }
}

impl EvidenceRef {
    /// Sort key: document, then position, then rule.
    fn key(&self) -> (&str, u32, u32, &str) {
        (
            self.document.as_str(),
            self.start,
            self.end,
            self.rule.as_str(),
        )
    }
}

/// One `(source, predicate, target)` fact with all its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub source: Sym,
    pub predicate: Predicate,
    pub target: Sym,
    /// Sorted by document and offset; at most one per (document, span).
    pub evidence: Evidence,
}

/// An edge's evidence: where it is in the evidence table of the graph it
/// came from, which the graph shares with everything made from it (its
/// filtered views, its roll-ups). A roll-up refers to the graph's evidence,
/// 8 bytes a statement, instead of copying it, 56 bytes: at 300,000
/// documents the country roll-up's copy had put a build's peak memory at
/// the 2 GB mark. The table holds each edge's evidence as the graph's
/// builder left it, moved, not copied. Equality and `Debug` are those of
/// the evidence, wherever it is.
#[derive(Clone)]
pub struct Evidence {
    table: Arc<Vec<Vec<EvidenceRef>>>,
    at: Positions,
}

#[derive(Clone)]
enum Positions {
    /// All of `table[i]`: an edge of the graph that made the table.
    Whole(u32),
    /// These `(row, position)` of the table (a roll-up's or a filtered
    /// edge's).
    Picked(Vec<(u32, u32)>),
}

impl Evidence {
    /// Evidence in a table of its own, in the order given.
    pub fn new(evidence: Vec<EvidenceRef>) -> Evidence {
        Evidence {
            table: Arc::new(vec![evidence]),
            at: Positions::Whole(0),
        }
    }

    pub fn len(&self) -> usize {
        match &self.at {
            Positions::Whole(row) => self.table[*row as usize].len(),
            Positions::Picked(at) => at.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &EvidenceRef> + '_ {
        self.positions().map(|at| self.get(at))
    }

    /// Keep the evidence `keep` accepts, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&EvidenceRef) -> bool) {
        let kept = self.positions().filter(|&at| keep(self.get(at))).collect();
        self.at = Positions::Picked(kept);
    }

    fn get(&self, (row, i): (u32, u32)) -> &EvidenceRef {
        &self.table[row as usize][i as usize]
    }

    fn positions(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let (row, n, picked) = match &self.at {
            Positions::Whole(row) => (*row, self.table[*row as usize].len() as u32, &[][..]),
            Positions::Picked(at) => (0, 0, &at[..]),
        };
        (0..n).map(move |i| (row, i)).chain(picked.iter().copied())
    }

    /// The evidence of `parts` (edges merged into one), sorted and without
    /// repeats of a span ([`sort_evidence`]): picked from their table when
    /// they share one (a roll-up of a graph), else copied.
    fn merged(parts: &[&Edge]) -> Evidence {
        let table = match parts.first() {
            Some(first) => &first.evidence.table,
            None => return Evidence::new(Vec::new()),
        };
        if !parts.iter().all(|e| Arc::ptr_eq(&e.evidence.table, table)) {
            let mut evidence: Vec<EvidenceRef> = parts
                .iter()
                .flat_map(|e| e.evidence.iter().cloned())
                .collect();
            sort_evidence(&mut evidence);
            evidence.shrink_to_fit();
            return Evidence::new(evidence);
        }
        let mut at: Vec<(u32, u32)> =
            Vec::with_capacity(parts.iter().map(|e| e.evidence.len()).sum());
        for e in parts {
            at.extend(e.evidence.positions());
        }
        let ev = |&(row, i): &(u32, u32)| &table[row as usize][i as usize];
        at.sort_by(|a, b| evidence_order(ev(a), ev(b)));
        at.dedup_by(|b, a| same_span(ev(a), ev(b)));
        at.shrink_to_fit();
        Evidence {
            table: Arc::clone(table),
            at: Positions::Picked(at),
        }
    }
}

impl PartialEq for Evidence {
    fn eq(&self, other: &Evidence) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The `i`-th evidence in order. It walks the positions up to `i`: for a
/// look at one piece (tests, the first of an edge), not for loops.
impl std::ops::Index<usize> for Evidence {
    type Output = EvidenceRef;
    fn index(&self, i: usize) -> &EvidenceRef {
        let at = self.positions().nth(i).expect("evidence index in range");
        self.get(at)
    }
}

impl Edge {
    /// Number of distinct statements of the fact.
    pub fn weight(&self) -> usize {
        self.evidence.len()
    }

    /// `metWith` edges are undirected; the others point from actor to target.
    pub fn is_directed(&self) -> bool {
        !self.predicate.is_symmetric()
    }

    /// Distinct dates of the evidence, sorted (ISO dates sort by time).
    pub fn dates(&self) -> Vec<&str> {
        distinct(self.evidence.iter().filter_map(|e| e.date))
    }

    /// Distinct documents that state the fact, sorted.
    pub fn documents(&self) -> Vec<&str> {
        distinct(self.evidence.iter().map(|e| e.document))
    }

    /// Distinct places of the evidence, sorted.
    pub fn places(&self) -> Vec<&str> {
        distinct(self.evidence.iter().filter_map(|e| e.place))
    }

    pub fn formats(&self) -> BTreeSet<MeetingFormat> {
        self.evidence.iter().filter_map(|e| e.format).collect()
    }

    /// Highest confidence of any evidence.
    pub fn confidence(&self) -> f32 {
        self.evidence
            .iter()
            .map(|e| e.confidence)
            .fold(0.0, f32::max)
    }
}

/// The distinct strings of `items`, sorted: a sorted vector, not a
/// `BTreeSet` (the writers of DOT, GraphML and CSV ask each edge for its
/// dates and documents; a roll-up's edge has thousands). Equal strings are
/// one `Sym`, so repeats go by address, a word compare, and only the few
/// distinct strings are compared as text; items already in order (the
/// documents of evidence, which is sorted by document) need no sort.
fn distinct(items: impl Iterator<Item = Sym>) -> Vec<&'static str> {
    distinct_syms(items).into_iter().map(Sym::as_str).collect()
}

/// [`distinct`] as `Sym`s.
fn distinct_syms(items: impl Iterator<Item = Sym>) -> Vec<Sym> {
    let mut v: Vec<Sym> = items.collect();
    v.dedup();
    if !v.is_sorted() {
        v.sort_unstable_by_key(|s| s.address());
        v.dedup();
        v.sort_unstable();
    }
    v
}

/// A meeting: the same participants on the same date (or, without a date,
/// within one document), with every document that reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Meeting {
    /// Stable key: `{date}_{participants joined by '_'}`, or
    /// `{document}_{participants}` when no date is known.
    pub id: String,
    /// Sorted entity ids.
    pub participants: Vec<String>,
    pub date: Option<String>,
    /// The place most evidence gives.
    pub place: Option<String>,
    pub format: Option<MeetingFormat>,
    pub occasion: Option<String>,
    /// Ids of the reporting documents.
    pub documents: BTreeSet<Sym>,
    /// The `metWith` evidence behind it.
    pub evidence: Vec<EvidenceRef>,
}

/// What to keep of a graph (`render`, `export`). Empty = everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Keep only edges of these predicates (empty: all).
    pub predicates: Vec<Predicate>,
    /// Keep evidence dated on or after this ISO date (prefix compare).
    pub since: Option<String>,
    /// Keep evidence dated on or before this ISO date (prefix compare).
    pub until: Option<String>,
    /// Keep edges with an endpoint belonging to this country (entity id).
    pub country: Option<String>,
    /// Keep edges with at least this many pieces of evidence.
    pub min_weight: usize,
    /// Keep the neighbourhood of this entity (id, label or alias)...
    pub focus: Option<String>,
    /// ...up to this many hops (undirected).
    pub depth: usize,
}

impl Filter {
    /// True when the filter keeps the whole graph.
    pub fn is_empty(&self) -> bool {
        self.predicates.is_empty()
            && self.since.is_none()
            && self.until.is_none()
            && self.country.is_none()
            && self.min_weight <= 1
            && self.focus.is_none()
    }

    /// Does a date fall in `[since, until]`? Dates compare as ISO strings;
    /// `until` "2018" includes every date of 2018 (prefix match).
    fn date_in_range(&self, date: Option<&str>) -> bool {
        if self.since.is_none() && self.until.is_none() {
            return true;
        }
        let Some(d) = date else { return false };
        if let Some(s) = &self.since {
            if d < s.as_str() {
                return false;
            }
        }
        if let Some(u) = &self.until {
            if d > u.as_str() && !d.starts_with(u.as_str()) {
                return false;
            }
        }
        true
    }
}

/// The merged graph of a set of extractions.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeGraph {
    graph: StableGraph<Node, Edge>,
    index: BTreeMap<String, NodeIndex>,
    documents: Arc<BTreeMap<Sym, Sym>>,
    meetings: Vec<Meeting>,
    warnings: Vec<String>,
}

impl KnowledgeGraph {
    /// Merge extractions (any order: the result depends only on their content).
    pub fn from_extractions(extractions: &[Extraction]) -> KnowledgeGraph {
        let mut b = GraphBuilder::default();
        for x in extractions {
            b.add(x);
        }
        b.finish()
    }

    /// Build from already merged parts; sorts them so that iteration order
    /// only depends on content.
    fn from_parts(
        mut nodes: Vec<Node>,
        mut edges: Vec<Edge>,
        documents: Arc<BTreeMap<Sym, Sym>>,
        mut meetings: Vec<Meeting>,
        warnings: Vec<String>,
    ) -> KnowledgeGraph {
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        edges.sort_by(|a, b| edge_key(a).cmp(&edge_key(b)));
        meetings.sort_by(|a, b| (&a.date, &a.id).cmp(&(&b.date, &b.id)));
        let mut graph = StableGraph::with_capacity(nodes.len(), edges.len());
        let mut index = BTreeMap::new();
        for node in nodes {
            let id = node.id.clone();
            index.insert(id, graph.add_node(node));
        }
        for edge in edges {
            let (Some(&s), Some(&t)) = (
                index.get(edge.source.as_str()),
                index.get(edge.target.as_str()),
            ) else {
                continue;
            };
            graph.add_edge(s, t, edge);
        }
        KnowledgeGraph {
            graph,
            index,
            documents,
            meetings,
            warnings,
        }
    }

    /// Nodes in id order.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> + '_ {
        self.index.values().map(move |&i| &self.graph[i])
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.index.get(id).map(|&i| &self.graph[i])
    }

    pub fn node_count(&self) -> usize {
        self.index.len()
    }

    /// Edges in `(source, predicate, target)` order.
    pub fn edges(&self) -> impl Iterator<Item = &Edge> + '_ {
        self.graph.edge_indices().map(move |i| &self.graph[i])
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The edge of one fact (for `metWith`, in either order).
    pub fn edge(&self, source: &str, predicate: Predicate, target: &str) -> Option<&Edge> {
        let (s, t) = if predicate.is_symmetric() && source > target {
            (target, source)
        } else {
            (source, target)
        };
        let (&si, &ti) = (self.index.get(s)?, self.index.get(t)?);
        self.graph
            .edges_connecting(si, ti)
            .map(|e| e.weight())
            .find(|e| e.predicate == predicate)
    }

    /// Edges touching a node (either direction), in graph order.
    pub fn edges_of(&self, id: &str) -> Vec<&Edge> {
        let Some(&i) = self.index.get(id) else {
            return Vec::new();
        };
        let mut ids: Vec<EdgeIndex> = self
            .graph
            .edges_directed(i, Direction::Outgoing)
            .chain(self.graph.edges_directed(i, Direction::Incoming))
            .map(|e| e.id())
            .collect();
        ids.sort();
        ids.dedup();
        ids.into_iter().map(|e| &self.graph[e]).collect()
    }

    /// Ids of the nodes linked to `id` by any edge, sorted.
    pub fn neighbors(&self, id: &str) -> BTreeSet<&str> {
        let Some(&i) = self.index.get(id) else {
            return BTreeSet::new();
        };
        self.graph
            .neighbors_undirected(i)
            .map(|n| self.graph[n].id.as_str())
            .filter(|n| *n != id)
            .collect()
    }

    /// Number of distinct edges touching a node (a self-loop counts once).
    pub fn degree(&self, id: &str) -> usize {
        self.edges_of(id).len()
    }

    pub fn meetings(&self) -> &[Meeting] {
        &self.meetings
    }

    /// The documents the graph was built from: id → path.
    pub fn documents(&self) -> &BTreeMap<Sym, Sym> {
        &self.documents
    }

    /// Problems met while merging (relations naming unknown entities...).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Find an entity by id, else by label or alias (case-insensitive).
    pub fn find(&self, name: &str) -> Option<&Node> {
        if let Some(n) = self.node(name) {
            return Some(n);
        }
        let wanted = name.to_lowercase();
        let by_label = self.nodes().find(|n| n.label.to_lowercase() == wanted);
        by_label.or_else(|| {
            self.nodes()
                .find(|n| n.aliases.iter().any(|a| a.to_lowercase() == wanted))
        })
    }

    /// The organization a person is a member of: the one with the most
    /// `memberOf` evidence (ties: smallest id).
    pub fn organization_of(&self, person: &str) -> Option<&str> {
        self.edges_of(person)
            .into_iter()
            .filter(|e| e.predicate == Predicate::MemberOf && e.source == person)
            .max_by(|a, b| a.weight().cmp(&b.weight()).then(b.target.cmp(&a.target)))
            .map(|e| e.target.as_str())
    }

    /// The country of a node: its own (`country_key`), else the country of
    /// the organization it is a member of.
    pub fn country_of(&self, id: &str) -> Option<&str> {
        let node = self.node(id)?;
        if let Some(c) = node.country_key() {
            return Some(c);
        }
        let org = self.organization_of(id)?;
        self.node(org)?.country_key()
    }

    /// The subgraph a filter keeps. Date filters act on evidence (an edge
    /// keeps the evidence in range, and goes when none is left); when any
    /// filter is active, nodes without a remaining edge go too (except the
    /// focus). An unknown focus entity is an error.
    pub fn filtered(&self, filter: &Filter) -> Result<KnowledgeGraph> {
        if filter.is_empty() {
            return Ok(self.clone());
        }
        let focus = match &filter.focus {
            Some(f) => Some(
                self.find(f)
                    .ok_or_else(|| {
                        Error::Other(format!("--focus: no entity named '{f}' in the graph"))
                    })?
                    .id
                    .clone(),
            ),
            None => None,
        };
        let edges: Vec<Edge> = self
            .edges()
            .filter_map(|e| self.filter_edge(e, filter))
            .collect();
        let edges = match &focus {
            Some(f) => keep_within(edges, f, filter.depth),
            None => edges,
        };
        let mut keep: BTreeSet<&str> = edges
            .iter()
            .flat_map(|e| [e.source.as_str(), e.target.as_str()])
            .collect();
        if let Some(f) = &focus {
            keep.insert(f);
        }
        let nodes = self
            .nodes()
            .filter(|n| keep.contains(n.id.as_str()))
            .cloned()
            .collect();
        let meetings = self
            .meetings
            .iter()
            .filter(|m| m.participants.iter().all(|p| keep.contains(p.as_str())))
            .filter(|m| filter.date_in_range(m.date.as_deref()))
            .filter(|_| {
                filter.predicates.is_empty() || filter.predicates.contains(&Predicate::MetWith)
            })
            .cloned()
            .collect();
        Ok(KnowledgeGraph::from_parts(
            nodes,
            edges,
            self.documents.clone(),
            meetings,
            self.warnings.clone(),
        ))
    }

    /// One edge after the edge-level filters (None: dropped).
    fn filter_edge(&self, edge: &Edge, filter: &Filter) -> Option<Edge> {
        if !filter.predicates.is_empty() && !filter.predicates.contains(&edge.predicate) {
            return None;
        }
        if let Some(c) = &filter.country {
            let in_c = |id: &str| self.country_of(id) == Some(c.as_str());
            if !in_c(&edge.source) && !in_c(&edge.target) {
                return None;
            }
        }
        let mut edge = edge.clone();
        edge.evidence
            .retain(|e| filter.date_in_range(e.date.as_deref()));
        if edge.evidence.is_empty() || edge.weight() < filter.min_weight {
            return None;
        }
        Some(edge)
    }

    /// The graph rolled up by a mapping of node ids (e.g. person → country).
    /// Nodes mapped to `None` are dropped; edges between two nodes mapped to
    /// the same id (self-loops) are dropped; parallel edges merge their
    /// evidence. The new node of a target id is that id's node when the
    /// graph has it, else a copy of the first node mapped to it.
    pub fn project(
        &self,
        map: impl Fn(&KnowledgeGraph, &Node) -> Option<String>,
    ) -> KnowledgeGraph {
        // Node id → target id, both interned: edge endpoints are `Sym`s, so
        // the edges are grouped by identity, without comparing strings.
        let mut mapping: IdMap<SymId, Sym> = IdMap::default();
        // Each target's node and the documents of every node mapped to it,
        // gathered in a vector: inserting them one by one into the node's
        // set compared document ids as strings, millions of times.
        let mut nodes: BTreeMap<Sym, (Node, Vec<Sym>)> = BTreeMap::new();
        for node in self.nodes() {
            let Some(target) = map(self, node) else {
                continue;
            };
            let target = Sym::new(&target);
            mapping.insert(SymId(Sym::new(&node.id)), target);
            let (_, documents) = nodes.entry(target).or_insert_with(|| {
                let base = self.node(&target).unwrap_or(node);
                let documents = base.documents.iter().copied().collect();
                (base.without_documents(target.to_string()), documents)
            });
            documents.extend(node.documents.iter().copied());
        }
        let nodes = nodes
            .into_values()
            .map(|(mut node, documents)| {
                node.documents = distinct_syms(documents.into_iter()).into_iter().collect();
                node
            })
            .collect();
        // Group the edges first (in the graph's edge order, which fixes the
        // order of their evidence), then merge each group's evidence
        // (`Evidence::merged`: positions in the graph's table, sorted, one
        // per span), the groups in parallel.
        type Key = (Sym, Predicate, Sym);
        let mut groups: Vec<(Key, Vec<&Edge>)> = Vec::new();
        let mut group_of: IdMap<(SymId, Predicate, SymId), usize> = IdMap::default();
        for e in self.edges() {
            let (Some(&s), Some(&t)) =
                (mapping.get(&SymId(e.source)), mapping.get(&SymId(e.target)))
            else {
                continue;
            };
            if s == t {
                continue;
            }
            let (s, t) = ordered(e.predicate, s, t);
            let i = *group_of
                .entry((SymId(s), e.predicate, SymId(t)))
                .or_insert_with(|| {
                    groups.push(((s, e.predicate, t), Vec::new()));
                    groups.len() - 1
                });
            groups[i].1.push(e);
        }
        groups.sort_unstable_by_key(|g| g.0);
        let edges = groups
            .into_par_iter()
            .map(|((source, predicate, target), parts)| Edge {
                source,
                predicate,
                target,
                evidence: Evidence::merged(&parts),
            })
            .collect();
        KnowledgeGraph::from_parts(nodes, edges, self.documents.clone(), Vec::new(), Vec::new())
    }

    /// Country-level roll-up: persons and organizations to their country
    /// (via `memberOf` when they have none), places to their country when
    /// known; issues and events stay themselves; entities of no known
    /// country stay themselves too.
    pub fn country_projection(&self) -> KnowledgeGraph {
        self.project(|g, n| match n.entity_type {
            EntityType::Issue | EntityType::Event => Some(n.id.clone()),
            _ => Some(g.country_of(&n.id).unwrap_or(&n.id).to_string()),
        })
    }

    /// Ministry-level roll-up: persons to the organization they are a member
    /// of; everything else stays itself.
    pub fn organization_projection(&self) -> KnowledgeGraph {
        self.project(|g, n| match n.entity_type {
            EntityType::Person => Some(g.organization_of(&n.id).unwrap_or(&n.id).to_string()),
            _ => Some(n.id.clone()),
        })
    }
}

/// Sort key of an edge.
fn edge_key(e: &Edge) -> (&str, Predicate, &str) {
    (&e.source, e.predicate, &e.target)
}

/// Endpoints in storage order: symmetric predicates put the smaller id first.
fn ordered<T: Ord>(p: Predicate, s: T, t: T) -> (T, T) {
    if p.is_symmetric() && s > t {
        (t, s)
    } else {
        (s, t)
    }
}

/// Sort evidence and drop repeats of one span of one document (a symmetric
/// relation stated both ways, or two rules on one sentence), keeping the
/// most confident.
fn sort_evidence(ev: &mut Vec<EvidenceRef>) {
    ev.sort_by(evidence_order);
    ev.dedup_by(|b, a| same_span(a, b));
}

/// The order of evidence: by document, position and rule, the most
/// confident first.
fn evidence_order(a: &EvidenceRef, b: &EvidenceRef) -> std::cmp::Ordering {
    a.key()
        .cmp(&b.key())
        .then(b.confidence.total_cmp(&a.confidence))
}

/// Do `a` and `b` state something in the same span of the same document?
fn same_span(a: &EvidenceRef, b: &EvidenceRef) -> bool {
    a.document == b.document && a.start == b.start && a.end == b.end
}

/// The most frequent value (ties: the smallest).
fn mode<T: Ord + Clone>(values: impl IntoIterator<Item = T>) -> Option<T> {
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let best = counts.values().copied().max()?;
    counts.into_iter().find(|(_, c)| *c == best).map(|(v, _)| v)
}

/// The graph, built one document at a time: what it keeps of a document
/// is what the graph needs (names, counts, evidence positions), never its
/// text, so that `dipkg build` can stream documents through it. The result
/// depends only on the set of documents added, not on their order.
#[derive(Debug, Default)]
pub struct GraphBuilder {
    documents: BTreeMap<Sym, Sym>,
    /// Hash maps: looking strings up in ordered maps was most of adding a
    /// document. [`GraphBuilder::finish`] sorts them.
    nodes: IdMap<String, NodeAcc>,
    edges: IdMap<(SymId, Predicate, SymId), Vec<EvidenceRef>>,
    meetings: BTreeMap<(Option<String>, Vec<String>, String), Meeting>,
    warnings: Vec<String>,
    strings: Interner,
}

/// What the documents say of one entity, counted.
#[derive(Debug, Default)]
struct NodeAcc {
    types: BTreeMap<EntityType, usize>,
    labels: BTreeMap<String, usize>,
    names: BTreeSet<String>,
    countries: BTreeMap<String, usize>,
    /// In the order added (documents come in path order, not id order),
    /// each once: a document lists an entity once. Sorted when finished:
    /// inserting into a set compared ids at every level of a tree that
    /// grows with the corpus.
    documents: Vec<Sym>,
    mentions: usize,
    known: bool,
    merges: Vec<String>,
}

impl GraphBuilder {
    /// Add one (resolved) document.
    pub fn add(&mut self, x: &Extraction) {
        let syms = DocSyms::of(&mut self.strings, x);
        let doc = syms.id;
        match self.documents.entry(doc) {
            std::collections::btree_map::Entry::Occupied(_) => self.warnings.push(format!(
                "{}: duplicate document id '{}'",
                x.document.path, x.document.id
            )),
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(self.strings.get(&x.document.path));
            }
        }
        for e in &x.entities {
            let n = match self.nodes.get_mut(&e.id) {
                Some(n) => n,
                None => self.nodes.entry(e.id.clone()).or_default(),
            };
            *n.types.entry(e.entity_type).or_default() += 1;
            count(&mut n.labels, &e.label);
            for name in std::iter::once(&e.label).chain(&e.aliases) {
                if !n.names.contains(name) {
                    n.names.insert(name.clone());
                }
            }
            if let Some(c) = &e.country {
                count(&mut n.countries, c);
            }
            if n.documents.last() != Some(&doc) {
                n.documents.push(doc);
            }
            n.mentions += e.mentions.len();
            n.known |= e.known;
            n.merges
                .extend(e.merges.iter().map(|m| format!("{}: {m}", x.document.id)));
        }
        // A document's relations join a few entities, each many times:
        // their ids are interned once, then found in a small table.
        let mut endpoints: IdMap<&str, Sym> =
            IdMap::with_capacity_and_hasher(x.entities.len(), Default::default());
        let mut endpoint = |strings: &mut Interner, id: &str| -> Sym {
            match endpoints.get(id) {
                Some(&sym) => sym,
                None => {
                    let sym = strings.get(id);
                    endpoints.insert(sym.as_str(), sym);
                    sym
                }
            }
        };
        for r in &x.relations {
            let (s, t) = ordered(r.predicate, &r.subject, &r.object);
            let ev = evidence_of(&mut self.strings, syms, r);
            let key = (
                SymId(endpoint(&mut self.strings, s)),
                r.predicate,
                SymId(endpoint(&mut self.strings, t)),
            );
            self.edges
                .entry(key)
                .or_insert_with(|| Vec::with_capacity(1))
                .push(ev);
        }
        for (date, participants, evidence) in meetings_of_document(&mut self.strings, x) {
            let scope = if date.is_some() {
                String::new()
            } else {
                x.document.id.clone()
            };
            let key = (date.clone(), participants.clone(), scope.clone());
            let m = self.meetings.entry(key).or_insert_with(|| Meeting {
                id: meeting_id(date.as_deref(), &scope, &participants),
                participants,
                date,
                place: None,
                format: None,
                occasion: None,
                documents: BTreeSet::new(),
                evidence: Vec::new(),
            });
            m.documents.insert(doc);
            m.evidence.extend(evidence);
        }
    }

    /// The merged graph. Relations naming an entity no document describes
    /// are dropped with a warning.
    pub fn finish(self) -> KnowledgeGraph {
        let GraphBuilder {
            documents,
            nodes,
            edges,
            meetings,
            mut warnings,
            strings: _,
        } = self;
        // Each node, edge and meeting is finished on its own, in parallel
        // (their order is fixed by the sorts, not by who finishes first).
        let mut nodes: Vec<(String, NodeAcc)> = nodes.into_iter().collect();
        nodes.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let nodes: Vec<Node> = nodes
            .into_par_iter()
            .map(|(id, acc)| acc.into_node(id))
            .collect();
        let mut edges: Vec<_> = edges.into_iter().collect();
        edges.par_sort_unstable_by(|((s, p, t), _), ((s2, p2, t2), _)| {
            (s.0, *p, t.0).cmp(&(s2.0, *p2, t2.0))
        });
        let known = |id: &str| nodes.binary_search_by(|n| n.id.as_str().cmp(id)).is_ok();
        let path_of = |d: &str| documents.get(d).map_or(d, |p| p.as_str()).to_string();
        type Finished = std::result::Result<(Sym, Predicate, Sym, Vec<EvidenceRef>), Vec<String>>;
        let finished: Vec<Finished> = edges
            .into_par_iter()
            .map(|((SymId(s), p, SymId(t)), mut evidence)| {
                if let Some(missing) = [s, t].into_iter().find(|id| !known(id)) {
                    return Err(evidence
                        .iter()
                        .map(|ev| {
                            format!(
                                "{}: relation {s} {p} {t} names unknown entity '{missing}'",
                                path_of(&ev.document)
                            )
                        })
                        .collect());
                }
                sort_evidence(&mut evidence);
                evidence.shrink_to_fit();
                Ok((s, p, t, evidence))
            })
            .collect();
        // One table of all the graph's evidence, a row an edge (moved, not
        // copied), that its roll-ups and filtered views pick from.
        let mut table = Vec::with_capacity(finished.len());
        let mut rows = Vec::with_capacity(finished.len());
        for edge in finished {
            match edge {
                Ok((s, p, t, evidence)) => {
                    rows.push((s, p, t, table.len() as u32));
                    table.push(evidence);
                }
                Err(unknown) => warnings.extend(unknown),
            }
        }
        let table = Arc::new(table);
        let kept = rows
            .into_iter()
            .map(|(source, predicate, target, row)| Edge {
                source,
                predicate,
                target,
                evidence: Evidence {
                    table: Arc::clone(&table),
                    at: Positions::Whole(row),
                },
            })
            .collect();
        let meetings: Vec<Meeting> = meetings.into_values().collect();
        let meetings = meetings
            .into_par_iter()
            .filter(|m| m.participants.iter().all(|p| known(p)))
            .map(|mut m| {
                sort_evidence(&mut m.evidence);
                m.describe();
                m
            })
            .collect();
        KnowledgeGraph::from_parts(nodes, kept, Arc::new(documents), meetings, warnings)
    }
}

impl NodeAcc {
    fn into_node(self, id: String) -> Node {
        let entity_type = most_counted(&self.types).expect("a node has a type");
        let label = most_counted(&self.labels).expect("a node has a label");
        let mut aliases = self.names;
        aliases.remove(&label);
        let mut merges = self.merges;
        merges.sort();
        merges.dedup();
        Node {
            id,
            entity_type,
            types: self.types.into_keys().collect(),
            label,
            aliases,
            country: most_counted(&self.countries),
            documents: self.documents.into_iter().collect(),
            mentions: self.mentions,
            known: self.known,
            merges,
        }
    }
}

/// Count one more `key` (copied only the first time it is seen: the
/// entities of every document repeat the same few names).
fn count(counts: &mut BTreeMap<String, usize>, key: &str) {
    match counts.get_mut(key) {
        Some(c) => *c += 1,
        None => {
            counts.insert(key.to_string(), 1);
        }
    }
}

/// The key with the highest count (ties: the smallest key).
fn most_counted<T: Ord + Clone>(counts: &BTreeMap<T, usize>) -> Option<T> {
    let best = counts.values().copied().max()?;
    counts
        .iter()
        .find(|(_, c)| **c == best)
        .map(|(v, _)| v.clone())
}

impl Meeting {
    /// Place, format and occasion: the most frequent in the evidence.
    fn describe(&mut self) {
        self.place = mode(self.evidence.iter().filter_map(|e| e.place)).map(|s| s.to_string());
        self.format = mode(self.evidence.iter().filter_map(|e| e.format));
        self.occasion =
            mode(self.evidence.iter().filter_map(|e| e.occasion)).map(|s| s.to_string());
    }
}

/// The meetings one document reports, described from its own evidence
/// only (place, format and occasion as this document gives them): what a
/// document's named graph states. Ids are those of the merged meetings.
pub fn document_meetings(x: &Extraction) -> Vec<Meeting> {
    let mut strings = Interner;
    let doc = Sym::new(&x.document.id);
    meetings_of_document(&mut strings, x)
        .into_iter()
        .map(|(date, participants, evidence)| {
            let scope = if date.is_some() {
                ""
            } else {
                x.document.id.as_str()
            };
            let mut m = Meeting {
                id: meeting_id(date.as_deref(), scope, &participants),
                participants,
                date,
                place: None,
                format: None,
                occasion: None,
                documents: BTreeSet::from([doc]),
                evidence,
            };
            sort_evidence(&mut m.evidence);
            m.describe();
            m
        })
        .collect()
}

/// A document's id and date, interned once for all its relations.
#[derive(Clone, Copy)]
struct DocSyms {
    id: Sym,
    date: Option<Sym>,
}

impl DocSyms {
    fn of(strings: &mut Interner, x: &Extraction) -> DocSyms {
        DocSyms {
            id: strings.get(&x.document.id),
            date: strings.opt(x.document.date.as_deref()),
        }
    }
}

/// The evidence record of one relation of one document.
fn evidence_of(strings: &mut Interner, doc: DocSyms, r: &Relation) -> EvidenceRef {
    EvidenceRef {
        document: doc.id,
        start: r.evidence.start as u32,
        end: r.evidence.end as u32,
        confidence: r.confidence,
        rule: strings.get(&r.rule),
        date: match &r.date {
            Some(d) => Some(strings.get(d)),
            None => doc.date,
        },
        date_stated: r.date.is_some(),
        place: strings.opt(r.place.as_deref()),
        format: r.format,
        occasion: strings.opt(r.occasion.as_deref()),
    }
}

/// A meeting key readable in an IRI.
fn meeting_id(date: Option<&str>, scope: &str, participants: &[String]) -> String {
    format!("{}_{}", date.unwrap_or(scope), participants.join("_"))
}

/// The meetings of one document: (date, sorted participants, evidence).
/// Undated `metWith` statements whose participants all belong to exactly
/// one dated meeting of the document are taken to refer to it.
fn meetings_of_document(
    strings: &mut Interner,
    x: &Extraction,
) -> Vec<(Option<String>, Vec<String>, Vec<EvidenceRef>)> {
    let mut by_date: BTreeMap<Option<String>, Vec<&Relation>> = BTreeMap::new();
    let met = |r: &&Relation| r.predicate == Predicate::MetWith && r.subject != r.object;
    if !x.relations.iter().any(|r| met(&r)) {
        return Vec::new();
    }
    let doc = DocSyms::of(strings, x);
    let mut described: Vec<&str> = x.entities.iter().map(|e| e.id.as_str()).collect();
    described.sort_unstable();
    let is_described = |id: &str| described.binary_search(&id).is_ok();
    for r in x.relations.iter().filter(met) {
        if is_described(&r.subject) && is_described(&r.object) {
            by_date.entry(r.date.clone()).or_default().push(r);
        }
    }
    let mut groups: Vec<(Option<String>, BTreeSet<&str>, Vec<&Relation>)> = Vec::new();
    for (date, rels) in &by_date {
        for g in meeting_groups(rels) {
            groups.push((date.clone(), participants_of(&g), g));
        }
    }
    let (mut dated, undated): (Vec<_>, Vec<_>) = groups.into_iter().partition(|g| g.0.is_some());
    let mut out_undated = Vec::new();
    for u in undated {
        let hosts: Vec<usize> = (0..dated.len())
            .filter(|&i| u.1.is_subset(&dated[i].1))
            .collect();
        match hosts.as_slice() {
            [i] => dated[*i].2.extend(u.2),
            _ => out_undated.push(u),
        }
    }
    dated
        .into_iter()
        .chain(out_undated)
        .map(|(date, people, rels)| {
            let evidence = rels.iter().map(|r| evidence_of(strings, doc, r)).collect();
            (
                date,
                people.into_iter().map(String::from).collect(),
                evidence,
            )
        })
        .collect()
}

fn participants_of<'a>(rels: &[&'a Relation]) -> BTreeSet<&'a str> {
    rels.iter()
        .flat_map(|r| [r.subject.as_str(), r.object.as_str()])
        .collect()
}

/// Group the `metWith` statements of one date into meetings. Statements
/// of one sentence ("A met B and C") are one meeting, as are statements
/// with the same participants. Groups sharing participants merge when all
/// their participants are pairwise linked (a multilateral meeting stated
/// pair by pair); otherwise they stay apart (B met A, then B met C: two
/// bilateral meetings).
fn meeting_groups<'a>(rels: &[&'a Relation]) -> Vec<Vec<&'a Relation>> {
    let mut groups: BTreeMap<(usize, usize), Vec<&'a Relation>> = BTreeMap::new();
    for &r in rels {
        groups
            .entry((r.evidence.start, r.evidence.end))
            .or_default()
            .push(r);
    }
    let mut by_people: BTreeMap<BTreeSet<&'a str>, Vec<&'a Relation>> = BTreeMap::new();
    for g in groups.into_values() {
        by_people.entry(participants_of(&g)).or_default().extend(g);
    }
    let groups: Vec<(BTreeSet<&'a str>, Vec<&'a Relation>)> = by_people.into_iter().collect();
    let linked: BTreeSet<(&str, &str)> = groups
        .iter()
        .flat_map(|(people, _)| {
            people
                .iter()
                .flat_map(move |a| people.iter().filter(move |b| a < *b).map(move |b| (*a, *b)))
        })
        .collect();
    let mut out = Vec::new();
    for component in components_of(&groups) {
        let people: BTreeSet<&str> = component
            .iter()
            .flat_map(|&i| groups[i].0.iter().copied())
            .collect();
        let clique = people.iter().all(|a| {
            people
                .iter()
                .filter(|b| a < *b)
                .all(|b| linked.contains(&(*a, *b)))
        });
        if clique {
            out.push(
                component
                    .iter()
                    .flat_map(|&i| groups[i].1.iter().copied())
                    .collect(),
            );
        } else {
            out.extend(component.iter().map(|&i| groups[i].1.clone()));
        }
    }
    out
}

/// Indices of groups connected through shared participants.
fn components_of<T>(groups: &[(BTreeSet<&str>, T)]) -> Vec<Vec<usize>> {
    let mut seen = vec![false; groups.len()];
    let mut out = Vec::new();
    for start in 0..groups.len() {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut component = vec![start];
        let mut queue = VecDeque::from([start]);
        while let Some(i) = queue.pop_front() {
            for j in 0..groups.len() {
                if !seen[j] && !groups[i].0.is_disjoint(&groups[j].0) {
                    seen[j] = true;
                    component.push(j);
                    queue.push_back(j);
                }
            }
        }
        component.sort();
        out.push(component);
    }
    out
}

/// Keep the edges within `depth` hops of `focus` (both ends within reach).
fn keep_within(edges: Vec<Edge>, focus: &str, depth: usize) -> Vec<Edge> {
    let mut adjacency: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in &edges {
        adjacency.entry(&e.source).or_default().push(&e.target);
        adjacency.entry(&e.target).or_default().push(&e.source);
    }
    let mut dist: BTreeMap<&str, usize> = BTreeMap::from([(focus, 0)]);
    let mut queue = VecDeque::from([focus]);
    while let Some(n) = queue.pop_front() {
        let d = dist[n];
        if d >= depth {
            continue;
        }
        for &m in adjacency.get(n).map(Vec::as_slice).unwrap_or_default() {
            if !dist.contains_key(m) {
                dist.insert(m, d + 1);
                queue.push_back(m);
            }
        }
    }
    let reach: BTreeSet<String> = dist.keys().map(|s| s.to_string()).collect();
    edges
        .into_iter()
        .filter(|e| reach.contains(e.source.as_str()) && reach.contains(e.target.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocumentInfo, Entity, Span};

    fn ent(id: &str, t: EntityType, label: &str) -> Entity {
        Entity {
            id: id.into(),
            entity_type: t,
            label: label.into(),
            aliases: vec![],
            mentions: vec![],
            country: None,
            known: true,
            merges: vec![],
        }
    }

    fn rel(s: &str, p: Predicate, o: &str, date: Option<&str>, start: usize) -> Relation {
        Relation {
            subject: s.into(),
            predicate: p,
            object: o.into(),
            date: date.map(Into::into),
            place: None,
            format: None,
            occasion: None,
            evidence: Span {
                start,
                end: start + 10,
                text: "x".into(),
            },
            confidence: 0.9,
            rule: "r".into(),
            role: None,
        }
    }

    fn doc(id: &str, entities: Vec<Entity>, relations: Vec<Relation>) -> Extraction {
        Extraction {
            document: DocumentInfo {
                id: id.into(),
                path: format!("{id}.txt"),
                date: Some("2020-01-01".into()),
                ..Default::default()
            },
            entities,
            relations,
            diagnostics: vec![],
        }
    }

    #[test]
    fn symmetric_edges_merge_and_meetings_group() {
        let p = |id| ent(id, EntityType::Person, id);
        let d = Some("2020-01-02");
        let a = doc(
            "a",
            vec![p("x"), p("y"), p("z")],
            vec![
                rel("y", Predicate::MetWith, "x", d, 0),
                rel("x", Predicate::MetWith, "y", d, 0),
                rel("x", Predicate::MetWith, "z", d, 20),
                rel("y", Predicate::MetWith, "z", d, 20),
                rel("y", Predicate::MetWith, "x", None, 40),
            ],
        );
        let b = doc(
            "b",
            vec![p("x"), p("y"), p("z")],
            vec![
                rel("x", Predicate::MetWith, "y", d, 5),
                rel("z", Predicate::MetWith, "y", d, 25),
                rel("z", Predicate::MetWith, "x", d, 25),
            ],
        );
        let g = KnowledgeGraph::from_extractions(&[b, a]);
        let e = g.edge("y", Predicate::MetWith, "x").unwrap();
        assert_eq!((e.source.as_str(), e.target.as_str()), ("x", "y"));
        assert_eq!(e.weight(), 3, "same span stated both ways counts once");
        assert_eq!(g.meetings().len(), 1, "{:#?}", g.meetings());
        assert_eq!(g.meetings()[0].participants, ["x", "y", "z"]);
        assert_eq!(g.meetings()[0].documents.len(), 2);
        assert_eq!(
            g.meetings()[0].evidence.len(),
            5,
            "one per sentence; the undated mention joins"
        );
    }

    /// The builder's maps are hash maps: what it reports must still be in
    /// one order, whatever the order of the documents.
    #[test]
    fn unknown_entity_warnings_come_in_one_order() {
        let p = |id: &str| ent(id, EntityType::Person, id);
        let docs: Vec<Extraction> = (0..12)
            .map(|i| {
                let known = format!("k{i}");
                let relations = (0..4)
                    .map(|j| {
                        let unknown = format!("u{}", (i * 7 + j * 5) % 23);
                        rel(&known, Predicate::Raised, &unknown, None, j * 20)
                    })
                    .collect();
                doc(&format!("d{i}"), vec![p(&known)], relations)
            })
            .collect();
        let warnings = |order: &[usize]| {
            let mut b = GraphBuilder::default();
            for &i in order {
                b.add(&docs[i]);
            }
            b.finish().warnings().to_vec()
        };
        let forward: Vec<usize> = (0..12).collect();
        let first = warnings(&forward);
        assert_eq!(first.len(), 48);
        let mut sorted = first.clone();
        sorted.sort_by_key(|w| w.split(" names ").next().map(str::to_string));
        assert_eq!(first, sorted, "in the order of the edges");
        let backward: Vec<usize> = (0..12).rev().collect();
        let shuffled = [5, 0, 11, 3, 8, 1, 10, 6, 2, 9, 4, 7];
        assert_eq!(warnings(&backward), first);
        assert_eq!(warnings(&shuffled), first);
    }

    #[test]
    fn separate_bilateral_meetings_stay_apart() {
        let p = |id| ent(id, EntityType::Person, id);
        let a = doc(
            "a",
            vec![p("x"), p("y"), p("z")],
            vec![
                rel("y", Predicate::MetWith, "x", None, 0),
                rel("y", Predicate::MetWith, "z", None, 20),
            ],
        );
        let g = KnowledgeGraph::from_extractions(&[a]);
        let people: Vec<_> = g
            .meetings()
            .iter()
            .map(|m| m.participants.join("+"))
            .collect();
        assert_eq!(people, ["x+y", "y+z"]);
        assert_eq!(g.meetings()[0].id, "a_x_y");
    }

    #[test]
    fn filters_by_date_and_focus() {
        let p = |id| ent(id, EntityType::Person, id);
        let a = doc(
            "a",
            vec![p("x"), p("y"), p("z"), p("w")],
            vec![
                rel("x", Predicate::MetWith, "y", Some("2019-05-01"), 0),
                rel("y", Predicate::Urged, "z", Some("2021-05-01"), 20),
                rel("z", Predicate::Urged, "w", Some("2021-05-01"), 40),
            ],
        );
        let g = KnowledgeGraph::from_extractions(&[a]);
        let f = Filter {
            since: Some("2020".into()),
            ..Default::default()
        };
        let sub = g.filtered(&f).unwrap();
        assert_eq!(sub.edge_count(), 2);
        assert!(sub.node("x").is_none());
        let f = Filter {
            focus: Some("x".into()),
            depth: 1,
            ..Default::default()
        };
        let sub = g.filtered(&f).unwrap();
        assert_eq!(
            sub.nodes().map(|n| n.id.as_str()).collect::<Vec<_>>(),
            ["x", "y"]
        );
        let f = Filter {
            until: Some("2019".into()),
            ..Default::default()
        };
        assert_eq!(g.filtered(&f).unwrap().edge_count(), 1);
        assert!(g
            .filtered(&Filter {
                focus: Some("nobody".into()),
                ..Default::default()
            })
            .is_err());
    }

    /// A roll-up, field by field: a target's node is its own node when the
    /// graph has one (else a copy of the first node mapped to it), with the
    /// documents of every node mapped to it; symmetric edges put the smaller
    /// id first; self-loops go; one span stated by two merged edges counts
    /// once; nodes mapped to nothing go with their edges.
    #[test]
    fn a_roll_up_merges_nodes_edges_and_evidence() {
        use Predicate::{MetWith, Thanked};
        let p = |id| ent(id, EntityType::Person, id);
        let d = Some("2020-01-02");
        let a = doc(
            "a",
            vec![p("x"), p("y"), p("z"), ent("k", EntityType::Country, "K")],
            vec![
                rel("x", MetWith, "z", d, 0),
                rel("y", MetWith, "z", d, 0),
                rel("x", MetWith, "y", d, 20),
                rel("z", Thanked, "x", None, 40),
            ],
        );
        let b = doc(
            "b",
            vec![p("y"), p("w"), p("z")],
            vec![rel("y", MetWith, "z", d, 5), rel("w", MetWith, "y", d, 30)],
        );
        let c = doc("c", vec![ent("k", EntityType::Country, "K")], vec![]);
        let g = KnowledgeGraph::from_extractions(&[a, b, c]);
        let r = g.project(|_, n| match n.id.as_str() {
            "x" | "y" | "k" => Some("k".into()),
            "z" => Some("j".into()),
            _ => None,
        });
        let ids: Vec<&str> = r.nodes().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["j", "k"]);
        let (j, k) = (r.node("j").unwrap(), r.node("k").unwrap());
        assert_eq!((j.entity_type, j.label.as_str()), (EntityType::Person, "z"));
        assert_eq!(
            (k.entity_type, k.label.as_str()),
            (EntityType::Country, "K")
        );
        let docs = |n: &Node| n.documents.iter().map(|d| d.as_str()).collect::<Vec<_>>();
        assert_eq!(docs(j), ["a", "b"]);
        assert_eq!(docs(k), ["a", "b", "c"]);
        let edges: Vec<(&str, Predicate, &str, usize)> = r
            .edges()
            .map(|e| {
                (
                    e.source.as_str(),
                    e.predicate,
                    e.target.as_str(),
                    e.weight(),
                )
            })
            .collect();
        assert_eq!(edges, [("j", MetWith, "k", 2), ("j", Thanked, "k", 1)]);
        let met = r.edge("k", MetWith, "j").unwrap();
        assert_eq!(met.documents(), ["a", "b"]);
        assert_eq!(met.dates(), ["2020-01-02"]);
    }

    /// An edge's dates, documents and places are the distinct values of its
    /// evidence in order, whatever the order and repeats of the evidence
    /// (sorted by document or not).
    #[test]
    fn edge_lists_are_the_distinct_values_in_order() {
        let values = ["2020-01-03", "2019-12-31", "2020-01-01", "b", "a", "ab", ""];
        let syms: Vec<Sym> = values.iter().map(|v| Sym::new(v)).collect();
        let mut seed = 7u64;
        let mut pick = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for n in [0, 1, 2, 3, 5, 40, 300] {
            for by_document in [false, true] {
                let mut evidence: Vec<EvidenceRef> = (0..n)
                    .map(|i| EvidenceRef {
                        document: syms[pick() % syms.len()],
                        start: i,
                        end: i + 1,
                        confidence: 0.5,
                        rule: Sym::new("r"),
                        date: (pick() % 4 > 0).then(|| syms[pick() % syms.len()]),
                        date_stated: false,
                        place: (pick() % 2 > 0).then(|| syms[pick() % 3]),
                        format: None,
                        occasion: None,
                    })
                    .collect();
                if by_document {
                    evidence.sort_by_key(|e| e.document);
                }
                let want = |f: fn(&EvidenceRef) -> Option<Sym>| -> Vec<&'static str> {
                    let set: BTreeSet<&str> =
                        evidence.iter().filter_map(f).map(Sym::as_str).collect();
                    set.into_iter().collect()
                };
                let (dates, documents, places) = (
                    want(|e| e.date),
                    want(|e| Some(e.document)),
                    want(|e| e.place),
                );
                let e = Edge {
                    source: Sym::new("s"),
                    predicate: Predicate::Raised,
                    target: Sym::new("t"),
                    evidence: Evidence::new(evidence),
                };
                assert_eq!(e.dates(), dates, "{n} {by_document}");
                assert_eq!(e.documents(), documents, "{n} {by_document}");
                assert_eq!(e.places(), places, "{n} {by_document}");
            }
        }
    }

    /// Identity keys are addresses, whose low bits are always zero; the
    /// hash must still spread them over the low bits that pick a bucket.
    #[test]
    fn identity_hashes_spread_over_the_low_bits() {
        use std::hash::BuildHasher;
        let hasher = std::hash::BuildHasherDefault::<IdHasher>::default();
        let buckets: BTreeSet<u64> = (0..4096)
            .map(|i| {
                let key = (SymId(Sym::new(&format!("id-{i}"))), Predicate::MetWith);
                hasher.hash_one(key) & 0xfff
            })
            .collect();
        assert!(buckets.len() > 2000, "{} of 4096 buckets", buckets.len());
    }

    /// Bytes are hashed as little-endian words, the last padded with
    /// zeros: every length from 0 to 3 words, every tail, every byte place
    /// (a word built in the wrong order or a tail dropped hashes apart).
    #[test]
    fn bytes_hash_as_padded_words() {
        use std::hash::Hasher;
        let bytes: Vec<u8> = (1..=24u8).map(|b| b.wrapping_mul(37)).collect();
        for len in 0..=bytes.len() {
            let mut ours = IdHasher::default();
            ours.write(&bytes[..len]);
            let mut words = IdHasher::default();
            for chunk in bytes[..len].chunks(8) {
                let mut word = [0u8; 8];
                word[..chunk.len()].copy_from_slice(chunk);
                words.write_u64(u64::from_le_bytes(word));
            }
            assert_eq!(ours.finish(), words.finish(), "{len} bytes");
        }
        let hash = |b: &[u8]| {
            let mut h = IdHasher::default();
            h.write(b);
            h.finish()
        };
        assert_ne!(hash(b"abcdefghij"), hash(b"abcdefghji"));
        assert_ne!(hash(b"abc"), hash(b"acb"));
    }

    /// Merged evidence is the same whether the edges share a store (a
    /// roll-up of a graph picks positions of it) or not (it is copied): the
    /// evidence of every part, sorted, one per span, the most confident.
    #[test]
    fn merged_evidence_is_the_same_picked_or_copied() {
        let ev = |doc: &str, start: u32, confidence: f32, rule: &str| EvidenceRef {
            document: Sym::new(doc),
            start,
            end: start + 5,
            confidence,
            rule: Sym::new(rule),
            date: None,
            date_stated: false,
            place: None,
            format: None,
            occasion: Some(Sym::new(&format!("{doc}{start}{confidence}"))),
        };
        let a = vec![
            ev("d2", 0, 0.5, "r"),
            ev("d1", 9, 0.9, "r"),
            ev("d1", 0, 0.7, "s"),
        ];
        let b = vec![
            ev("d1", 0, 0.8, "s"),
            ev("d2", 0, 0.5, "q"),
            ev("d0", 3, 0.6, "r"),
        ];
        let edge = |evidence| Edge {
            source: Sym::new("s"),
            predicate: Predicate::Raised,
            target: Sym::new("t"),
            evidence,
        };
        let copied = Evidence::merged(&[
            &edge(Evidence::new(a.clone())),
            &edge(Evidence::new(b.clone())),
        ]);
        let table = Arc::new(vec![a.clone(), b.clone()]);
        let row = |row| Evidence {
            table: Arc::clone(&table),
            at: Positions::Whole(row),
        };
        let picked = Evidence::merged(&[&edge(row(0)), &edge(row(1))]);
        assert!(matches!(picked.at, Positions::Picked(_)));
        let mut want = [a, b].concat();
        sort_evidence(&mut want);
        assert_eq!(want.len(), 4, "two spans stated twice");
        assert_eq!(copied, Evidence::new(want.clone()));
        assert_eq!(picked, Evidence::new(want));
        let mut dated = picked.clone();
        dated.retain(|e| e.document != "d1");
        assert_eq!(dated.iter().map(|e| e.start).collect::<Vec<_>>(), [3, 0]);
    }
}
