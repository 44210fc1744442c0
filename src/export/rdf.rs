//! The RDF view of the graph, written through oxigraph's serializers.
//!
//! One named graph per document (`doc:{id}`) holds what that document
//! states, so that every statement's provenance is its graph: entity typing
//! and labels, the direct triple `subject dk:predicate object`, a reified
//! `dk:Assertion` per relation with its confidence, rule and `dk:evidence`
//! (sentence text and character offsets), the meetings it reports, the
//! memberships it shows (W3C ORG) and the document node itself. The graph
//! `ENTITIES_GRAPH` holds the merged entity descriptions and, when computed,
//! the network measures.
//!
//! All IRIs are derived from ids (no blank nodes), and quads are sorted
//! before writing, so the same input gives byte-identical files.

use super::vocab::{self, dcterms, dk, org, prov, rdf, rdfs, schema, skos, xsd};
use crate::graph::{KnowledgeGraph, Meeting};
use crate::model::{slug, Entity, Extraction, Predicate, Relation};
use crate::stats::Measures;
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Triple};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::io::{self, Write};

/// Every quad of the extractions (documents' graphs and the entities
/// graph), without measures.
pub fn to_quads(extractions: &[Extraction]) -> Vec<Quad> {
    dataset(
        extractions,
        &KnowledgeGraph::from_extractions(extractions),
        None,
    )
}

/// Every quad: one graph per document, plus the merged entities (and
/// measures, when given) in `ENTITIES_GRAPH`. `graph` must be built from
/// `extractions` (it supplies the meeting records). Sorted and deduplicated.
pub fn dataset(
    extractions: &[Extraction],
    graph: &KnowledgeGraph,
    measures: Option<&Measures>,
) -> Vec<Quad> {
    let mut all = Vec::new();
    let _ = for_each_graph(extractions, graph, measures, |chunk| {
        all.extend(chunk);
        Ok(())
    });
    all
}

/// The quads of [`dataset`] one graph at a time, in the same order (each
/// chunk sorted; documents in graph IRI order, then the entities graph in
/// chunks of subjects), so that large corpora are written without holding
/// every quad. Stops at the first error of `f`.
pub fn for_each_graph(
    extractions: &[Extraction],
    graph: &KnowledgeGraph,
    measures: Option<&Measures>,
    mut f: impl FnMut(Vec<Quad>) -> io::Result<()>,
) -> io::Result<()> {
    let mut docs: Vec<(String, &Extraction)> = extractions
        .iter()
        .map(|x| (vocab::document(&x.document.id), x))
        .collect();
    docs.sort_by(|a, b| (&a.0, &a.1.document.path).cmp(&(&b.0, &b.1.document.path)));
    // Documents' graphs are built and sorted in parallel, a batch at a
    // time (memory stays that of one batch), and handed to `f` in order.
    for batch in docs.chunks(256) {
        let chunks: Vec<Vec<Quad>> = batch.par_iter().map(|(_, x)| document_graph(x)).collect();
        for chunk in chunks {
            f(chunk)?;
        }
    }
    for_each_entities_chunk(graph, measures, f)
}

/// The named graph of one document, sorted: everything it states, with
/// the meetings it reports described as it reports them (its own place,
/// format and occasion), so that a document's graph depends on that
/// document alone.
pub fn document_graph(x: &Extraction) -> Vec<Quad> {
    let graph = GraphName::from(iri(&vocab::document(&x.document.id)));
    to_graph_quads(&graph, &document_keyed(x))
}

/// [`document_graph`] with each quad's sort key.
fn document_keyed(x: &Extraction) -> Keyed {
    // Sized for the document at once: grown from empty, the buffer was
    // copied a dozen times over (a tenth of the work of a document's RDF).
    // A relation makes about 20 triples and 3 KB with its evidence (the
    // sentence, a few times), an entity 6 and a few hundred bytes.
    let evidence: usize = x.relations.iter().map(|r| r.evidence.text.len()).sum();
    let mut out = Sink {
        text: String::with_capacity(
            2048 + x.relations.len() * 3072 + x.entities.len() * 512 + 2 * evidence,
        ),
        lines: Vec::with_capacity(16 + x.relations.len() * 20 + x.entities.len() * 8),
    };
    document_quads(&mut out, x, &crate::graph::document_meetings(x));
    out.sorted()
}

/// One document's graph in both serialisations (for streaming writers).
pub fn document_chunk(x: &Extraction) -> Chunk {
    let quads = document_keyed(x);
    let graph = GraphName::from(iri(&vocab::document(&x.document.id)));
    Chunk::of(&graph, &quads)
}

/// The entities graph (`ENTITIES_GRAPH`): merged entity descriptions (with
/// measures when given), then merged meetings, in sorted chunks of a few
/// hundred subjects built in parallel.
pub fn for_each_entities_chunk(
    graph: &KnowledgeGraph,
    measures: Option<&Measures>,
    mut f: impl FnMut(Vec<Quad>) -> io::Result<()>,
) -> io::Result<()> {
    let name = GraphName::from(iri(vocab::ENTITIES_GRAPH));
    entities_keyed(graph, measures, |chunk| f(to_graph_quads(&name, &chunk)))
}

/// [`for_each_entities_chunk`] in both serialisations.
pub fn for_each_entities_serialized(
    graph: &KnowledgeGraph,
    measures: Option<&Measures>,
    mut f: impl FnMut(Chunk) -> io::Result<()>,
) -> io::Result<()> {
    let name = GraphName::from(iri(vocab::ENTITIES_GRAPH));
    entities_keyed(graph, measures, |chunk| f(Chunk::of(&name, &chunk)))
}

fn entities_keyed(
    graph: &KnowledgeGraph,
    measures: Option<&Measures>,
    mut f: impl FnMut(Keyed) -> io::Result<()>,
) -> io::Result<()> {
    let nodes = graph.nodes().map(|n| (vocab::entity(&n.id), n)).collect();
    in_subject_chunks(nodes, |out, s, n| node_quads(out, s, n, measures), &mut f)?;
    let meetings = graph
        .meetings()
        .iter()
        .map(|m| (vocab::meeting(&m.id), m))
        .collect();
    in_subject_chunks(meetings, merged_meeting_quads, &mut f)
}

/// Describe subjects of the entities graph in IRI order, in sorted chunks
/// of 512 subjects described in parallel.
fn in_subject_chunks<T: Sync>(
    mut subjects: Vec<(String, &T)>,
    describe: impl Fn(&mut Sink, &str, &T) + Sync,
    f: &mut impl FnMut(Keyed) -> io::Result<()>,
) -> io::Result<()> {
    subjects.sort_by(|a, b| a.0.cmp(&b.0));
    for batch in subjects.chunks(512) {
        let parts: Vec<Keyed> = batch
            .par_iter()
            .map(|(s, item)| {
                let mut out = Sink::default();
                describe(&mut out, s, item);
                out.sorted()
            })
            .collect();
        f(Keyed::concat(parts))?;
    }
    Ok(())
}

/// The triples of one graph in N-Triples form (`s p o`), sorted and
/// without repeats, in one buffer. Terms are self-delimiting (`<...>`,
/// `"..."`), so the text sorts like (subject, predicate, object).
#[derive(Default)]
struct Keyed {
    text: String,
    lines: Vec<Line>,
}

/// Where one triple is in a [`Sink`]'s or [`Keyed`]'s text: `<s>` ends at
/// `subject_end`, then a space and `<p>` ending at `predicate_end`, then a
/// space and the object up to `end`. Kept at creation, so that writers
/// need not look for the terms again.
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    subject_end: usize,
    predicate_end: usize,
    end: usize,
}

impl Keyed {
    /// The triples in order, each as (whole text, subject, predicate, object).
    fn triples(&self) -> impl Iterator<Item = (&str, &str, &str, &str)> {
        self.lines.iter().map(|l| {
            (
                &self.text[l.start..l.end],
                &self.text[l.start..l.subject_end],
                &self.text[l.subject_end + 1..l.predicate_end],
                &self.text[l.predicate_end + 1..l.end],
            )
        })
    }

    /// Sorted parts whose triples follow one another's (the entities
    /// graph's chunks of subjects), one after the other.
    fn concat(parts: Vec<Keyed>) -> Keyed {
        let mut all = Keyed::default();
        for part in parts {
            let shift = all.text.len();
            all.text.push_str(&part.text);
            all.lines.extend(part.lines.iter().map(|l| Line {
                start: l.start + shift,
                subject_end: l.subject_end + shift,
                predicate_end: l.predicate_end + shift,
                end: l.end + shift,
            }));
        }
        all
    }

    fn text_len(&self) -> usize {
        self.lines.iter().map(|l| l.end - l.start).sum()
    }
}

/// Quads of a graph's sorted triples (parsed back from their N-Quads).
fn to_graph_quads(graph: &GraphName, lines: &Keyed) -> Vec<Quad> {
    let bytes = nquads_lines(&graph.to_string(), lines);
    oxigraph::io::RdfParser::from_format(RdfFormat::NQuads)
        .for_slice(&bytes)
        .collect::<Result<_, _>>()
        .expect("our N-Quads parse")
}

/// N-Quads lines: each triple, then the graph.
fn nquads_lines(graph: &str, lines: &Keyed) -> Vec<u8> {
    // Each line, then " graph" and " .\n": sized once (growing copied the
    // whole buffer again).
    let size = lines.text_len() + lines.lines.len() * (graph.len() + 4);
    let mut out = Vec::with_capacity(size);
    for (line, ..) in lines.triples() {
        out.extend_from_slice(line.as_bytes());
        if !graph.is_empty() {
            out.push(b' ');
            out.extend_from_slice(graph.as_bytes());
        }
        out.extend_from_slice(b" .\n");
    }
    debug_assert!(out.len() <= size);
    out
}

/// Sorted quads of one graph as N-Quads and as TriG (a graph block, with
/// the prefixes of [`trig_header`]).
pub struct Chunk {
    pub nquads: Vec<u8>,
    pub trig: Vec<u8>,
}

impl Chunk {
    fn of(graph: &GraphName, lines: &Keyed) -> Chunk {
        let g = match graph {
            GraphName::DefaultGraph => String::new(),
            g => g.to_string(),
        };
        Chunk {
            nquads: nquads_lines(&g, lines),
            trig: trig_block(graph, lines),
        }
    }
}

/// A TriG graph block: subjects grouped with `;`, IRIs abbreviated by our
/// prefixes where the local name is plain, literals in N-Triples form
/// (valid Turtle) with their datatype abbreviated.
fn trig_block(graph: &GraphName, lines: &Keyed) -> Vec<u8> {
    if lines.lines.is_empty() {
        return Vec::new();
    }
    let mut out = String::with_capacity(lines.text_len() / 2 + 64);
    match graph {
        GraphName::NamedNode(n) => {
            out.push_str(&abbreviate(n.as_str()));
            out.push_str(" {\n");
        }
        _ => out.push_str("{\n"),
    }
    let mut subject: Option<&str> = None;
    for (_, s, p, o) in lines.triples() {
        if subject == Some(s) {
            out.push_str(" ;\n\t\t");
        } else {
            if subject.is_some() {
                out.push_str(" .\n");
            }
            out.push('\t');
            push_term(&mut out, s);
            out.push(' ');
            subject = Some(s);
        }
        if p == concat!("<", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ">") {
            out.push('a');
        } else {
            push_term(&mut out, p);
        }
        out.push(' ');
        push_term(&mut out, o);
    }
    out.push_str(" .\n}\n");
    out.into_bytes()
}

/// A term in N-Triples form, abbreviated for Turtle: IRIs by prefix, and
/// the datatype IRI of a typed literal.
fn push_term(out: &mut String, term: &str) {
    if let Some(iri) = term.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
        push_abbreviated(out, iri);
    } else if let Some(i) = term
        .ends_with('>')
        .then(|| term.rfind('"'))
        .flatten()
        .filter(|&i| term[i..].starts_with("\"^^<"))
    {
        // A datatype IRI holds no '"': the last one closes the value.
        out.push_str(&term[..=i]);
        out.push_str("^^");
        push_abbreviated(out, &term[i + 4..term.len() - 1]);
    } else {
        out.push_str(term);
    }
}

/// `prefix:local` when a prefix's namespace starts the IRI and the rest is
/// a plain local name (letters, digits, `_`, `-`, and `#` escaped); else
/// `<iri>`.
fn abbreviate(iri: &str) -> String {
    let mut out = String::with_capacity(iri.len() + 2);
    push_abbreviated(&mut out, iri);
    out
}

/// [`abbreviate`], appended to `out` (no allocation).
fn push_abbreviated(out: &mut String, iri: &str) {
    // No namespace of ours starts another: the first match is the only one.
    // The namespaces' last two bytes differ ("y#", "d/", "c/", "s#", …): a
    // look at them first spares a full comparison with most.
    let bytes = iri.as_bytes();
    let ends_as = |ns: &str| {
        let n = ns.len();
        bytes.len() >= n && bytes[n - 2..n] == ns.as_bytes()[n - 2..]
    };
    let best = vocab::PREFIXES
        .iter()
        .find(|(name, ns)| *name != "dc" && ends_as(ns) && iri.starts_with(ns));
    if let Some((name, ns)) = best {
        let local = &iri.as_bytes()[ns.len()..];
        let first_ok = local
            .first()
            .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_');
        // Without a branch a byte: every flag of the table and-ed
        // (all plain?) and or-ed ('#' anywhere?).
        let (mut all, mut any) = (PLAIN, 0);
        for &b in local {
            let f = LOCAL_NAME[usize::from(b)];
            all &= f;
            any |= f;
        }
        let (plain, hash) = (all & PLAIN != 0, any & HASH != 0);
        if first_ok && plain {
            out.push_str(name);
            out.push(':');
            if !hash {
                out.push_str(&iri[ns.len()..]);
                return;
            }
            for part in iri[ns.len()..].split_inclusive('#') {
                match part.strip_suffix('#') {
                    Some(p) => {
                        out.push_str(p);
                        out.push_str("\\#");
                    }
                    None => out.push_str(part),
                }
            }
            return;
        }
    }
    out.push('<');
    out.push_str(iri);
    out.push('>');
}

/// What each byte is in a local name: `PLAIN` for the bytes a plain local
/// name holds (letters, digits, `_`, `-`, and `#`, written escaped), with
/// `HASH` too for `#`.
const LOCAL_NAME: [u8; 256] = {
    let mut t = [0; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'#' {
            t[b] = PLAIN;
        }
        if c == b'#' {
            t[b] |= HASH;
        }
        b += 1;
    }
    t
};
const PLAIN: u8 = 1;
const HASH: u8 = 2;

/// A string literal in N-Triples form, escaped as oxigraph escapes it
/// (runs of plain characters copied at once).
fn push_quoted(out: &mut String, value: &str) {
    use std::fmt::Write as _;
    out.push('"');
    let bytes = value.as_bytes();
    let mut plain = 0;
    let mut i = 0;
    // Bytes are read one table load at a time; only the characters oxigraph
    // escapes stop the run: ASCII controls, '"', '\\', DEL, and U+FFFE /
    // U+FFFF (whose UTF-8 starts with 0xEF).
    while i < bytes.len() {
        if !QUOTE_STOP[usize::from(bytes[i])] {
            i += 1;
            continue;
        }
        let (escape, width) = match bytes[i] {
            0x08 => ("\\b", 1),
            b'\t' => ("\\t", 1),
            b'\n' => ("\\n", 1),
            0x0C => ("\\f", 1),
            b'\r' => ("\\r", 1),
            b'"' => ("\\\"", 1),
            b'\\' => ("\\\\", 1),
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => ("", 3),
            0xEF => {
                i += 1;
                continue;
            }
            _ => ("", 1),
        };
        out.push_str(&value[plain..i]);
        if escape.is_empty() {
            let c = value[i..].chars().next().expect("a character starts here");
            let _ = write!(out, "\\u{:04X}", u32::from(c));
        } else {
            out.push_str(escape);
        }
        i += width;
        plain = i;
    }
    out.push_str(&value[plain..]);
    out.push('"');
}

/// The bytes that may start a character [`push_quoted`] escapes.
const QUOTE_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[0x7F] = true;
    t[0xEF] = true;
    t
};

/// The triples of one graph, each as N-Triples text (`s p o`, without the
/// final dot), in one buffer: built once, the text is the sort key and the
/// body of both serialisations (N-Quads lines, TriG blocks), and parses
/// back to quads for the in-memory store.
#[derive(Default)]
struct Sink {
    text: String,
    lines: Vec<Line>,
}

impl Sink {
    /// Start a triple: `<s> <p> `, the object to follow.
    fn start(&mut self, s: &str, p: &str) -> Line {
        let text = &mut self.text;
        let start = text.len();
        text.push('<');
        text.push_str(s);
        text.push('>');
        let subject_end = text.len();
        text.push_str(" <");
        text.push_str(p);
        text.push('>');
        let predicate_end = text.len();
        text.push(' ');
        Line {
            start,
            subject_end,
            predicate_end,
            end: 0,
        }
    }

    fn finish(&mut self, line: Line) {
        self.lines.push(Line {
            end: self.text.len(),
            ..line
        });
    }

    fn add(&mut self, s: &str, p: &str, o: Literal) {
        let line = self.start(s, p);
        push_quoted(&mut self.text, o.value());
        let datatype = o.datatype().as_str();
        if datatype != xsd::string {
            self.text.push_str("^^<");
            self.text.push_str(datatype);
            self.text.push('>');
        }
        self.finish(line);
    }

    fn link(&mut self, s: &str, p: &str, o: &str) {
        let line = self.start(s, p);
        self.text.push('<');
        self.text.push_str(o);
        self.text.push('>');
        self.finish(line);
    }

    fn text(&mut self, s: &str, p: &str, o: &str) {
        let line = self.start(s, p);
        push_quoted(&mut self.text, o);
        self.finish(line);
    }

    /// The graph's triples, sorted, without repeats.
    ///
    /// Sorted as whole lines, but compared as (subject, rest): an IRI holds
    /// no `>`, so two lines with different subjects differ within `<s>`,
    /// and the subjects' order is their lines' order. The subjects (long
    /// IRIs that share long prefixes, a few dozen per graph) are ranked
    /// once, so that sorting the lines compares a number and then the
    /// short rest.
    fn sorted(self) -> Keyed {
        let Sink { text, lines } = self;
        if lines.is_empty() {
            return Keyed { text, lines };
        }
        let rest = |l: &Line| &text[l.subject_end..l.end];
        let (rank_of_line, ranks) = subject_ranks(&text, &lines);
        // Lines bucketed by rank (a counting sort), then each subject's few
        // lines sorted by the rest.
        let mut starts = vec![0usize; ranks + 1];
        for &r in &rank_of_line {
            starts[r as usize + 1] += 1;
        }
        for r in 1..starts.len() {
            starts[r] += starts[r - 1];
        }
        let mut next = starts.clone();
        let mut sorted = vec![lines[0]; lines.len()];
        for (l, &r) in lines.iter().zip(&rank_of_line) {
            sorted[next[r as usize]] = *l;
            next[r as usize] += 1;
        }
        let mut out = Vec::with_capacity(lines.len());
        for r in 0..ranks {
            let bucket = &mut sorted[starts[r]..starts[r + 1]];
            bucket.sort_unstable_by(|a, b| rest(a).cmp(rest(b)));
            for (k, l) in bucket.iter().enumerate() {
                if k == 0 || rest(&bucket[k - 1]) != rest(l) {
                    out.push(*l);
                }
            }
        }
        Keyed { text, lines: out }
    }
}

/// Each line's subject's rank among the graph's distinct subjects (in
/// byte order), and how many there are. Lines come in runs of one subject:
/// subjects are compared once per run, and the runs ranked.
fn subject_ranks(text: &str, lines: &[Line]) -> (Vec<u32>, usize) {
    let subject = |l: &Line| &text[l.start..l.subject_end];
    let mut run_of_line = Vec::with_capacity(lines.len());
    let mut runs: Vec<&str> = Vec::new();
    for l in lines {
        if runs.last() != Some(&subject(l)) {
            runs.push(subject(l));
        }
        run_of_line.push(runs.len() - 1);
    }
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_unstable_by_key(|&r| runs[r]);
    let mut rank_of_run = vec![0u32; runs.len()];
    let mut rank = 0u32;
    for (k, &r) in order.iter().enumerate() {
        if k > 0 && runs[order[k - 1]] != runs[r] {
            rank += 1;
        }
        rank_of_run[r] = rank;
    }
    let ranks = if runs.is_empty() {
        0
    } else {
        rank as usize + 1
    };
    (run_of_line.iter().map(|&r| rank_of_run[r]).collect(), ranks)
}

/// A named node from an IRI this module built (always valid: ids are
/// percent-encoded by `vocab`).
fn iri(s: &str) -> NamedNode {
    NamedNode::new_unchecked(s)
}

fn integer(n: usize) -> Literal {
    Literal::new_typed_literal(n.to_string(), iri(xsd::integer))
}

/// A decimal with a fixed number of digits, so that output is stable.
fn decimal(x: f64, digits: usize) -> Literal {
    Literal::new_typed_literal(format!("{x:.digits$}"), iri(xsd::decimal))
}

/// A date as `xsd:date`, `xsd:gYearMonth` or `xsd:gYear` according to its
/// precision; anything else as a plain string.
pub fn date_literal(d: &str) -> Literal {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = d.split('-').collect();
    let datatype = match parts.as_slice() {
        [y, m, day]
            if y.len() == 4
                && m.len() == 2
                && day.len() == 2
                && parts.iter().all(|p| digits(p)) =>
        {
            xsd::date
        }
        [y, m] if y.len() == 4 && m.len() == 2 && digits(y) && digits(m) => xsd::gYearMonth,
        [y] if y.len() == 4 && digits(y) => xsd::gYear,
        _ => return Literal::new_simple_literal(d),
    };
    Literal::new_typed_literal(d, iri(datatype))
}

/// Everything one document states, in its own graph.
fn document_quads(out: &mut Sink, x: &Extraction, meetings: &[Meeting]) {
    let doc_id = &x.document.id;
    let doc = vocab::document(doc_id);
    document_node(out, x, &doc);
    for e in &x.entities {
        entity_in_document(out, x, &doc, e);
    }
    for r in &x.relations {
        relation_quads(out, x, &doc, r);
    }
    for m in meetings {
        meeting_quads(out, x, &doc, m);
    }
}

/// The document node: type, title, date, publisher, country, checksum.
fn document_node(out: &mut Sink, x: &Extraction, doc: &str) {
    let d = &x.document;
    out.link(doc, rdf::type_, dk::Document);
    out.text(doc, schema::identifier, &d.id);
    if let Some(t) = &d.title {
        out.text(doc, dcterms::title, t);
        out.text(doc, rdfs::label, t);
    }
    if let Some(date) = &d.date {
        out.add(doc, dcterms::date, date_literal(date));
        out.add(doc, schema::datePublished, date_literal(date));
    }
    if let Some(p) = &d.publisher {
        out.text(doc, dk::publisher, p);
    }
    if let Some(c) = &d.country {
        out.link(doc, dk::country, &vocab::entity(c));
    }
    if !d.sha256.is_empty() {
        out.text(doc, schema::sha256, &d.sha256);
    }
}

/// An entity as the document names it: type, label, the names the document
/// itself uses (the gazetteer's other names live once, in the entities
/// graph), country, and for an issue the framings the document uses (its
/// mentions' texts, used by the document's country).
fn entity_in_document(out: &mut Sink, x: &Extraction, doc: &str, e: &Entity) {
    let s = vocab::entity(&e.id);
    out.link(&s, rdf::type_, &vocab::class(e.entity_type));
    out.text(&s, rdfs::label, &e.label);
    out.text(&s, skos::prefLabel, &e.label);
    let mut used: Vec<&str> = e
        .mentions
        .iter()
        .map(|m| m.text.as_str())
        .filter(|t| *t != e.label)
        .collect();
    used.sort_unstable();
    used.dedup();
    for a in used {
        out.text(&s, skos::altLabel, a);
    }
    if let Some(c) = &e.country {
        out.link(&s, dk::country, &vocab::entity(c));
    }
    if e.entity_type == crate::model::EntityType::Issue {
        framings(out, x, doc, e, &s);
    }
}

/// One `dk:Framing` per distinct name (case-insensitive) the document uses
/// for an issue.
fn framings(out: &mut Sink, x: &Extraction, doc: &str, e: &Entity, s: &str) {
    let names: BTreeSet<String> = e
        .mentions
        .iter()
        .map(|m| m.text.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .collect();
    let mut seen = BTreeSet::new();
    for name in names {
        let key = slug(&name);
        if !seen.insert(key.clone()) {
            continue;
        }
        let f = vocab::local_to(doc, &format!("framing-{}-{key}", e.id));
        out.link(s, dk::framing, &f);
        out.link(&f, rdf::type_, dk::Framing);
        out.text(&f, rdfs::label, &name);
        out.link(&f, prov::wasDerivedFrom, doc);
        if let Some(c) = &x.document.country {
            out.link(&f, dk::usedBy, &vocab::entity(c));
        }
    }
}

/// The direct triple, the reified assertion and its evidence; for
/// `memberOf` also an `org:Membership`.
fn relation_quads(out: &mut Sink, x: &Extraction, doc: &str, r: &Relation) {
    let (s, o) = (vocab::entity(&r.subject), vocab::entity(&r.object));
    let p = vocab::predicate(r.predicate);
    out.link(&s, &p, &o);

    let (start, end) = (r.evidence.start, r.evidence.end);
    let ev = vocab::local_to(doc, &format!("evidence-{start}-{end}"));
    out.link(&ev, rdf::type_, dk::Evidence);
    out.link(&ev, dk::document, doc);
    out.link(&ev, prov::wasDerivedFrom, doc);
    out.text(&ev, dk::text, &r.evidence.text);
    out.add(&ev, dk::start, integer(start));
    out.add(&ev, dk::end, integer(end));

    let local = format!(
        "assertion-{}-{}-{}-{start}-{end}",
        r.subject, r.predicate, r.object
    );
    let a = vocab::local_to(doc, &local);
    out.link(&a, rdf::type_, dk::Assertion);
    out.link(&a, dk::subject, &s);
    out.link(&a, dk::predicate, &p);
    out.link(&a, dk::object, &o);
    out.add(&a, dk::confidence, decimal(r.confidence as f64, 3));
    out.text(&a, dk::rule, &r.rule);
    out.link(&a, dk::evidence, &ev);
    out.link(&a, prov::wasDerivedFrom, doc);
    if let Some(d) = &r.date {
        out.add(&a, dk::date, date_literal(d));
    }
    if let Some(pl) = &r.place {
        out.link(&a, schema::location, &vocab::entity(pl));
    }
    if let Some(f) = r.format {
        out.text(&a, dk::format, f.as_str());
    }
    if let Some(occ) = &r.occasion {
        out.link(&a, dk::occasion, &vocab::entity(occ));
    }
    if r.predicate == Predicate::MemberOf {
        membership(out, x, doc, r, &ev);
    }
}

/// A W3C ORG membership, dated by the relation's date or else the
/// document's (the date on which the document shows it). When the document
/// names the post, the membership has `org:role` pointing to an `org:Role`
/// (`role:{slug}`, labelled as this document writes it) and the same words
/// as a `dk:role` literal; one membership per post, so that a document
/// giving a person two posts in one organization keeps them apart.
fn membership(out: &mut Sink, x: &Extraction, doc: &str, r: &Relation, ev: &str) {
    let role = r
        .role
        .as_deref()
        .map(str::trim)
        .filter(|t| !slug(t).is_empty());
    let local = match role {
        Some(t) => format!("membership-{}-{}-{}", r.subject, r.object, slug(t)),
        None => format!("membership-{}-{}", r.subject, r.object),
    };
    let m = vocab::local_to(doc, &local);
    out.link(&m, rdf::type_, org::Membership);
    out.link(&m, org::member, &vocab::entity(&r.subject));
    out.link(&m, org::organization, &vocab::entity(&r.object));
    out.link(&m, dk::evidence, ev);
    out.link(&m, prov::wasDerivedFrom, doc);
    if let Some(d) = r.date.as_ref().or(x.document.date.as_ref()) {
        out.add(&m, dk::date, date_literal(d));
    }
    if let Some(t) = role {
        let label = t.split_whitespace().collect::<Vec<_>>().join(" ");
        let iri = vocab::role(&label);
        out.link(&m, org::role, &iri);
        out.text(&m, dk::role, &label);
        out.link(&iri, rdf::type_, org::Role);
        out.text(&iri, skos::prefLabel, &label);
        out.text(&iri, rdfs::label, &label);
    }
}

/// A meeting as one reporting document states it.
fn meeting_quads(out: &mut Sink, x: &Extraction, doc: &str, m: &Meeting) {
    let doc_id = &x.document.id;
    let s = vocab::meeting(&m.id);
    out.link(&s, rdf::type_, dk::Meeting);
    out.link(&s, dk::reportedBy, doc);
    for p in &m.participants {
        out.link(&s, dk::participant, &vocab::entity(p));
    }
    if let Some(d) = &m.date {
        out.add(&s, schema::startDate, date_literal(d));
        out.add(&s, dk::date, date_literal(d));
    }
    if let Some(pl) = &m.place {
        out.link(&s, schema::location, &vocab::entity(pl));
    }
    if let Some(f) = m.format {
        out.text(&s, dk::format, f.as_str());
    }
    if let Some(occ) = &m.occasion {
        out.link(&s, dk::occasion, &vocab::entity(occ));
    }
    for e in m.evidence.iter().filter(|e| *e.document == **doc_id) {
        let ev = vocab::local_to(doc, &format!("evidence-{}-{}", e.start, e.end));
        out.link(&s, dk::evidence, &ev);
    }
}

/// The merged description of one entity, plus its measures.
fn node_quads(out: &mut Sink, s: &str, n: &crate::graph::Node, measures: Option<&Measures>) {
    for t in &n.types {
        out.link(s, rdf::type_, &vocab::class(*t));
    }
    out.text(s, rdfs::label, &n.label);
    out.text(s, skos::prefLabel, &n.label);
    for a in &n.aliases {
        out.text(s, skos::altLabel, a);
    }
    if let Some(c) = &n.country {
        out.link(s, dk::country, &vocab::entity(c));
    }
    out.add(s, dk::mentions, integer(n.mentions));
    for d in &n.documents {
        out.link(s, dk::reportedBy, &vocab::document(d));
    }
    if let Some(m) = measures.and_then(|m| m.get(&n.id)) {
        out.add(s, dk::degree, integer(m.degree));
        out.add(s, dk::weightedDegree, integer(m.weighted_degree));
        out.add(s, dk::pageRank, decimal(m.pagerank, 6));
        out.add(s, dk::betweenness, decimal(m.betweenness, 6));
        out.add(s, dk::component, integer(m.component));
        out.add(s, dk::community, integer(m.community));
    }
}

/// A meeting merged over every document that reports it: participants,
/// date, and the place, format and occasion most of its evidence gives.
fn merged_meeting_quads(out: &mut Sink, s: &str, m: &Meeting) {
    out.link(s, rdf::type_, dk::Meeting);
    for p in &m.participants {
        out.link(s, dk::participant, &vocab::entity(p));
    }
    if let Some(d) = &m.date {
        out.add(s, schema::startDate, date_literal(d));
        out.add(s, dk::date, date_literal(d));
    }
    if let Some(pl) = &m.place {
        out.link(s, schema::location, &vocab::entity(pl));
    }
    if let Some(f) = m.format {
        out.text(s, dk::format, f.as_str());
    }
    if let Some(occ) = &m.occasion {
        out.link(s, dk::occasion, &vocab::entity(occ));
    }
    for d in &m.documents {
        out.link(s, dk::reportedBy, &vocab::document(d));
    }
    for e in &m.evidence {
        let ev = vocab::in_document(&e.document, &format!("evidence-{}-{}", e.start, e.end));
        out.link(s, dk::evidence, &ev);
    }
}

/// A serializer with our prefixes (ignored by N-Quads).
fn serializer(format: RdfFormat) -> RdfSerializer {
    let mut s = RdfSerializer::from_format(format);
    for (name, ns) in vocab::PREFIXES {
        if name == "dc" {
            continue; // same namespace as dcterms: one prefix is enough
        }
        s = s.with_prefix(name, ns).expect("valid prefix IRI");
    }
    s
}

/// N-Quads, one quad per line, in the given order.
pub fn write_nquads<W: Write>(w: W, quads: &[Quad]) -> io::Result<W> {
    let mut s = RdfSerializer::from_format(RdfFormat::NQuads).for_writer(w);
    for q in quads {
        s.serialize_quad(q)?;
    }
    s.finish()
}

/// TriG with prefixes, one block per graph.
pub fn write_trig<W: Write>(w: W, quads: &[Quad]) -> io::Result<W> {
    let mut s = serializer(RdfFormat::TriG).for_writer(w);
    for q in quads {
        s.serialize_quad(q)?;
    }
    s.finish()
}

/// The `@prefix` lines every TriG file starts with (the streamed graph
/// blocks of `dipkg build` use these prefixes and leave the declarations
/// out).
pub fn trig_header() -> String {
    let mut out = String::new();
    for (name, ns) in vocab::PREFIXES {
        if name != "dc" {
            out.push_str(&format!("@prefix {name}: <{ns}> .\n"));
        }
    }
    out
}

/// Turtle of the triples of all graphs merged (duplicates once).
pub fn write_turtle<W: Write>(w: W, quads: &[Quad]) -> io::Result<W> {
    let mut triples: Vec<(String, Triple)> = quads
        .iter()
        .map(|q| {
            let t = Triple::from(q.clone());
            (format!("{} {} {}", t.subject, t.predicate, t.object), t)
        })
        .collect();
    triples.sort_by(|a, b| a.0.cmp(&b.0));
    triples.dedup_by(|a, b| a.0 == b.0);
    let mut s = serializer(RdfFormat::Turtle).for_writer(w);
    for (_, t) in &triples {
        s.serialize_triple(t)?;
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_get_the_datatype_of_their_precision() {
        assert_eq!(date_literal("2017-12-19").datatype().as_str(), xsd::date);
        assert_eq!(date_literal("2017-12").datatype().as_str(), xsd::gYearMonth);
        assert_eq!(date_literal("2017").datatype().as_str(), xsd::gYear);
        assert_eq!(
            date_literal("December 2017").datatype().as_str(),
            "http://www.w3.org/2001/XMLSchema#string"
        );
    }

    #[test]
    fn literals_are_escaped_as_oxigraph_escapes_them() {
        let cases = [
            "",
            "plain text",
            "He said \"no\" \\ twice",
            "tab\there\nnew line\r\u{8}\u{c}",
            "\u{0}\u{1}\u{1f}\u{7f} controls",
            "non-ASCII: 강경화 河野太郎 — “quoted” ½ \u{feff}",
            "\u{fffe}\u{ffff}\u{fffd}\u{efbf}\u{f000}",
            "end\u{ffff}",
            "emoji 🎌 and \u{10ffff}",
        ];
        for case in cases {
            let mut ours = String::new();
            push_quoted(&mut ours, case);
            assert_eq!(
                ours,
                Literal::new_simple_literal(case).to_string(),
                "{case:?}"
            );
        }
    }

    /// Every document graph of the seeds, `tests/corpus` and 150 synthetic
    /// documents, as filled sinks.
    fn test_sinks() -> Vec<Sink> {
        let (_, xs) = crate::pipeline::test_extractions(150);
        xs.iter()
            .map(|x| {
                let mut out = Sink::default();
                document_quads(&mut out, x, &crate::graph::document_meetings(x));
                out
            })
            .collect()
    }

    /// What [`Sink::sorted`] must equal: the lines as strings, sorted, once
    /// each.
    fn plain_sort(sink: &Sink) -> Vec<String> {
        let mut lines: Vec<String> = sink
            .lines
            .iter()
            .map(|l| sink.text[l.start..l.end].to_string())
            .collect();
        lines.sort();
        lines.dedup();
        lines
    }

    fn keyed_lines(k: &Keyed) -> Vec<String> {
        k.triples().map(|(line, ..)| line.to_string()).collect()
    }

    #[test]
    fn sorted_sinks_are_their_lines_sorted_once_each() {
        let mut crafted = Sink::default();
        // Runs of one subject apart, repeated lines, the same predicate and
        // object under two subjects, a subject that starts another.
        crafted.link("s:b", "p:x", "o:1");
        crafted.text("s:b", "p:y", "text");
        crafted.link("s:b", "p:x", "o:1");
        crafted.link("s:ab", "p:x", "o:1");
        crafted.link("s:a", "p:x", "o:1");
        crafted.link("s:b", "p:a", "o:2");
        crafted.text("s:b", "p:y", "text");
        crafted.link("s:a", "p:x", "o:0");
        let expected = plain_sort(&crafted);
        assert_eq!(expected.len(), 6);
        assert_eq!(keyed_lines(&crafted.sorted()), expected);
        assert!(Sink::default().sorted().lines.is_empty());
        let sinks = test_sinks();
        assert!(sinks.len() > 150);
        let mut lines = 0;
        for sink in sinks {
            let expected = plain_sort(&sink);
            lines += expected.len();
            let keyed = sink.sorted();
            assert_eq!(keyed_lines(&keyed), expected);
            // The terms are where the lines say.
            for (line, s, p, o) in keyed.triples() {
                assert_eq!(format!("{s} {p} {o}"), line);
                assert!(s.starts_with('<') && s.ends_with('>') && !s[1..s.len() - 1].contains('>'));
                assert!(p.starts_with('<') && p.ends_with('>'), "{line}");
            }
        }
        assert!(lines > 50_000, "{lines} lines");
    }

    #[test]
    fn iris_are_abbreviated_as_by_the_first_namespace_that_starts_them() {
        // The rule written plainly: the first prefix whose namespace starts
        // the IRI, if the rest is a plain local name.
        let plainly = |iri: &str| -> String {
            for (name, ns) in vocab::PREFIXES {
                if name == "dc" || !iri.starts_with(ns) {
                    continue;
                }
                let local = &iri[ns.len()..];
                let first = local.bytes().next();
                if first.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
                    && local
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'#'))
                {
                    return format!("{name}:{}", local.replace('#', "\\#"));
                }
                break;
            }
            format!("<{iri}>")
        };
        let mut iris: Vec<String> = vec![
            String::new(),
            "h".into(),
            "http://schema.org/".into(),
            "http://schema.org/a#b#c".into(),
            "http://schema.org/a.b".into(),
            "http://schema.org/-a".into(),
            "http://purl.org/dc/terms/title".into(),
            "http://example.org/ns#y".into(),
            "https://w3id.org/dipkg/id/kim-jung-han".into(),
            "https://w3id.org/dipkg/id/caf\u{e9}".into(),
            "https://w3id.org/dipkg/ontology#".into(),
        ];
        for (_, ns) in vocab::PREFIXES {
            iris.push(format!("{ns}x"));
            iris.push(ns[..ns.len() - 1].to_string());
        }
        for sink in test_sinks().into_iter().take(40) {
            for (_, s, p, o) in sink.sorted().triples() {
                for term in [s, p, o] {
                    if let Some(iri) = term.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
                        iris.push(iri.to_string());
                    }
                }
            }
        }
        let mut abbreviated = 0;
        for iri in &iris {
            let ours = abbreviate(iri);
            assert_eq!(ours, plainly(iri), "{iri}");
            abbreviated += usize::from(!ours.starts_with('<'));
        }
        assert!(abbreviated > 1000, "{abbreviated} of {}", iris.len());
    }
}
