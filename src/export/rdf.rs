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
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term, Triple};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
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
/// chunk sorted; documents in graph IRI order, then the entities graph),
/// so that large corpora are written without holding every quad. Stops at
/// the first error of `f`.
pub fn for_each_graph(
    extractions: &[Extraction],
    graph: &KnowledgeGraph,
    measures: Option<&Measures>,
    mut f: impl FnMut(Vec<Quad>) -> io::Result<()>,
) -> io::Result<()> {
    let mut meetings: BTreeMap<&str, Vec<&Meeting>> = BTreeMap::new();
    for m in graph.meetings() {
        for d in &m.documents {
            meetings.entry(d.as_str()).or_default().push(m);
        }
    }
    let mut docs: Vec<(String, &Extraction)> = extractions
        .iter()
        .map(|x| (vocab::document(&x.document.id), x))
        .collect();
    docs.sort_by(|a, b| (&a.0, &a.1.document.path).cmp(&(&b.0, &b.1.document.path)));
    // Documents' graphs are built and sorted in parallel, a batch at a
    // time (memory stays that of one batch), and handed to `f` in order.
    for batch in docs.chunks(256) {
        let chunks: Vec<Vec<Quad>> = batch
            .par_iter()
            .map(|(_, x)| {
                let mut out = Sink::default();
                let reported = meetings
                    .get(x.document.id.as_str())
                    .map_or(&[][..], Vec::as_slice);
                document_quads(&mut out, x, reported);
                sorted(out.quads)
            })
            .collect();
        for chunk in chunks {
            f(chunk)?;
        }
    }
    let mut out = Sink::default();
    entities_quads(&mut out, graph, measures);
    f(sorted(out.quads))
}

/// Sort quads by graph, subject, predicate, object (their N-Quads forms)
/// and drop duplicates. The key is the four forms joined by NUL, which
/// sorts like the tuple of forms (NUL is below any character the forms can
/// hold: N-Quads escapes control characters), with one allocation per quad.
fn sorted(quads: Vec<Quad>) -> Vec<Quad> {
    use std::fmt::Write as _;
    let mut keyed: Vec<(String, Quad)> = quads
        .into_iter()
        .map(|q| {
            let mut key = String::with_capacity(160);
            let _ = write!(
                key,
                "{}\0{}\0{}\0{}",
                q.graph_name, q.subject, q.predicate, q.object
            );
            (key, q)
        })
        .collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    keyed.into_iter().map(|(_, q)| q).collect()
}

/// Quads collected under a current graph name.
#[derive(Default)]
struct Sink {
    graph: Option<NamedNode>,
    quads: Vec<Quad>,
}

impl Sink {
    fn add(&mut self, s: &str, p: &str, o: impl Into<Term>) {
        let g = self
            .graph
            .clone()
            .map_or(GraphName::DefaultGraph, GraphName::from);
        self.quads.push(Quad::new(iri(s), iri(p), o, g));
    }

    fn link(&mut self, s: &str, p: &str, o: &str) {
        self.add(s, p, iri(o));
    }

    fn text(&mut self, s: &str, p: &str, o: &str) {
        self.add(s, p, Literal::new_simple_literal(o));
    }
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
fn document_quads(out: &mut Sink, x: &Extraction, meetings: &[&Meeting]) {
    let doc_id = &x.document.id;
    let doc = vocab::document(doc_id);
    out.graph = Some(iri(&doc));
    document_node(out, x, &doc);
    for e in &x.entities {
        entity_in_document(out, x, e);
    }
    for r in &x.relations {
        relation_quads(out, x, r);
    }
    for m in meetings {
        meeting_quads(out, x, m);
    }
    out.graph = None;
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
fn entity_in_document(out: &mut Sink, x: &Extraction, e: &Entity) {
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
        framings(out, x, e, &s);
    }
}

/// One `dk:Framing` per distinct name (case-insensitive) the document uses
/// for an issue.
fn framings(out: &mut Sink, x: &Extraction, e: &Entity, s: &str) {
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
        let f = vocab::in_document(&x.document.id, &format!("framing-{}-{key}", e.id));
        out.link(s, dk::framing, &f);
        out.link(&f, rdf::type_, dk::Framing);
        out.text(&f, rdfs::label, &name);
        out.link(&f, prov::wasDerivedFrom, &vocab::document(&x.document.id));
        if let Some(c) = &x.document.country {
            out.link(&f, dk::usedBy, &vocab::entity(c));
        }
    }
}

/// The direct triple, the reified assertion and its evidence; for
/// `memberOf` also an `org:Membership`.
fn relation_quads(out: &mut Sink, x: &Extraction, r: &Relation) {
    let doc_id = &x.document.id;
    let doc = vocab::document(doc_id);
    let (s, o) = (vocab::entity(&r.subject), vocab::entity(&r.object));
    let p = vocab::predicate(r.predicate);
    out.link(&s, &p, &o);

    let (start, end) = (r.evidence.start, r.evidence.end);
    let ev = vocab::in_document(doc_id, &format!("evidence-{start}-{end}"));
    out.link(&ev, rdf::type_, dk::Evidence);
    out.link(&ev, dk::document, &doc);
    out.link(&ev, prov::wasDerivedFrom, &doc);
    out.text(&ev, dk::text, &r.evidence.text);
    out.add(&ev, dk::start, integer(start));
    out.add(&ev, dk::end, integer(end));

    let local = format!(
        "assertion-{}-{}-{}-{start}-{end}",
        r.subject, r.predicate, r.object
    );
    let a = vocab::in_document(doc_id, &local);
    out.link(&a, rdf::type_, dk::Assertion);
    out.link(&a, dk::subject, &s);
    out.link(&a, dk::predicate, &p);
    out.link(&a, dk::object, &o);
    out.add(&a, dk::confidence, decimal(r.confidence as f64, 3));
    out.text(&a, dk::rule, &r.rule);
    out.link(&a, dk::evidence, &ev);
    out.link(&a, prov::wasDerivedFrom, &doc);
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
        membership(out, x, r, &ev);
    }
}

/// A W3C ORG membership, dated by the relation's date or else the
/// document's (the date on which the document shows it). When the document
/// names the post, the membership has `org:role` pointing to an `org:Role`
/// (`role:{slug}`, labelled as this document writes it) and the same words
/// as a `dk:role` literal; one membership per post, so that a document
/// giving a person two posts in one organization keeps them apart.
fn membership(out: &mut Sink, x: &Extraction, r: &Relation, ev: &str) {
    let role = r
        .role
        .as_deref()
        .map(str::trim)
        .filter(|t| !slug(t).is_empty());
    let local = match role {
        Some(t) => format!("membership-{}-{}-{}", r.subject, r.object, slug(t)),
        None => format!("membership-{}-{}", r.subject, r.object),
    };
    let m = vocab::in_document(&x.document.id, &local);
    out.link(&m, rdf::type_, org::Membership);
    out.link(&m, org::member, &vocab::entity(&r.subject));
    out.link(&m, org::organization, &vocab::entity(&r.object));
    out.link(&m, dk::evidence, ev);
    out.link(&m, prov::wasDerivedFrom, &vocab::document(&x.document.id));
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
fn meeting_quads(out: &mut Sink, x: &Extraction, m: &Meeting) {
    let doc_id = &x.document.id;
    let s = vocab::meeting(&m.id);
    out.link(&s, rdf::type_, dk::Meeting);
    out.link(&s, dk::reportedBy, &vocab::document(doc_id));
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
    for e in m.evidence.iter().filter(|e| &e.document == doc_id) {
        let ev = vocab::in_document(doc_id, &format!("evidence-{}-{}", e.start, e.end));
        out.link(&s, dk::evidence, &ev);
    }
}

/// The merged description of every entity, plus measures.
fn entities_quads(out: &mut Sink, graph: &KnowledgeGraph, measures: Option<&Measures>) {
    out.graph = Some(iri(vocab::ENTITIES_GRAPH));
    for n in graph.nodes() {
        let s = vocab::entity(&n.id);
        for t in &n.types {
            out.link(&s, rdf::type_, &vocab::class(*t));
        }
        out.text(&s, rdfs::label, &n.label);
        out.text(&s, skos::prefLabel, &n.label);
        for a in &n.aliases {
            out.text(&s, skos::altLabel, a);
        }
        if let Some(c) = &n.country {
            out.link(&s, dk::country, &vocab::entity(c));
        }
        out.add(&s, dk::mentions, integer(n.mentions));
        for d in &n.documents {
            out.link(&s, dk::reportedBy, &vocab::document(d));
        }
        if let Some(m) = measures.and_then(|m| m.get(&n.id)) {
            out.add(&s, dk::degree, integer(m.degree));
            out.add(&s, dk::weightedDegree, integer(m.weighted_degree));
            out.add(&s, dk::pageRank, decimal(m.pagerank, 6));
            out.add(&s, dk::betweenness, decimal(m.betweenness, 6));
            out.add(&s, dk::component, integer(m.component));
            out.add(&s, dk::community, integer(m.community));
        }
    }
    out.graph = None;
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

/// N-Quads and TriG of the whole dataset at once, graph by graph (see
/// [`for_each_graph`]): memory stays that of a few batches of documents.
/// The two serializers run on threads of their own, fed in order through
/// bounded channels, while the next graphs are built. On error, tells which
/// writer failed (0: N-Quads, 1: TriG).
pub fn write_nquads_and_trig<A: Write + Send, B: Write + Send>(
    nq: A,
    trig: B,
    extractions: &[Extraction],
    graph: &KnowledgeGraph,
    measures: Option<&Measures>,
) -> Result<(A, B), (usize, io::Error)> {
    use std::sync::{mpsc, Arc};
    fn serve<W: Write>(
        mut s: oxigraph::io::WriterQuadSerializer<W>,
        rx: mpsc::Receiver<Arc<Vec<Quad>>>,
    ) -> io::Result<W> {
        for chunk in rx {
            for q in chunk.iter() {
                s.serialize_quad(q)?;
            }
        }
        s.finish()
    }
    let a = RdfSerializer::from_format(RdfFormat::NQuads).for_writer(nq);
    let b = serializer(RdfFormat::TriG).for_writer(trig);
    std::thread::scope(|scope| {
        let (ta, ra) = mpsc::sync_channel::<Arc<Vec<Quad>>>(512);
        let (tb, rb) = mpsc::sync_channel::<Arc<Vec<Quad>>>(512);
        let wa = scope.spawn(move || serve(a, ra));
        let wb = scope.spawn(move || serve(b, rb));
        // A send fails only when a writer stopped on an error, which its
        // join below reports.
        let _ = for_each_graph(extractions, graph, measures, |chunk| {
            let chunk = Arc::new(chunk);
            let broken = || io::Error::other("writer stopped");
            ta.send(Arc::clone(&chunk)).map_err(|_| broken())?;
            tb.send(chunk).map_err(|_| broken())
        });
        drop((ta, tb));
        let a = wa
            .join()
            .expect("N-Quads writer panicked")
            .map_err(|e| (0, e));
        let b = wb.join().expect("TriG writer panicked").map_err(|e| (1, e));
        Ok((a?, b?))
    })
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
}
