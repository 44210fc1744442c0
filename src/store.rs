//! The oxigraph store and SPARQL queries over it.
//!
//! In memory by default; with the `rocksdb` cargo feature, `GraphStore::open`
//! gives a persistent store in a directory. Queries go through
//! `SparqlEvaluator` (Store::query is deprecated in oxigraph 0.5); the
//! common prefixes are declared on the parser rather than prepended to the
//! text, so that error positions are those of the user's query.
//! Unless the query has FROM clauses, its default graph is the union of
//! all graphs (each document's graph and the entities graph).

use crate::direct::DirectReader;
use crate::error::{Error, Result};
use crate::export::vocab;
use oxigraph::io::{RdfFormat, RdfParseError, RdfParser, RdfSerializer};
use oxigraph::model::{Quad, Term, Triple};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::{LoaderError, Store};
use std::path::{Path, PathBuf};

/// How `query` prints SELECT and ASK results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultFormat {
    /// An aligned plain-text table with prefixed names.
    Table,
    Csv,
    Tsv,
    Json,
    Xml,
}

impl ResultFormat {
    pub fn parse(s: &str) -> Option<ResultFormat> {
        Some(match s {
            "table" => ResultFormat::Table,
            "csv" => ResultFormat::Csv,
            "tsv" => ResultFormat::Tsv,
            "json" => ResultFormat::Json,
            "xml" => ResultFormat::Xml,
            _ => return None,
        })
    }

    fn w3c(self) -> Option<QueryResultsFormat> {
        match self {
            ResultFormat::Table => None,
            ResultFormat::Csv => Some(QueryResultsFormat::Csv),
            ResultFormat::Tsv => Some(QueryResultsFormat::Tsv),
            ResultFormat::Json => Some(QueryResultsFormat::Json),
            ResultFormat::Xml => Some(QueryResultsFormat::Xml),
        }
    }
}

/// The RDF format of a file, from its extension.
pub fn rdf_format_of(path: &Path) -> Option<RdfFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "nq" => RdfFormat::NQuads,
        "nt" => RdfFormat::NTriples,
        "trig" => RdfFormat::TriG,
        "ttl" => RdfFormat::Turtle,
        "rdf" | "xml" | "owl" => RdfFormat::RdfXml,
        "jsonld" => RdfFormat::JsonLd {
            profile: Default::default(),
        },
        _ => return None,
    })
}

fn storage_err(e: impl std::fmt::Display) -> Error {
    Error::Other(format!("RDF store: {e}"))
}

/// An oxigraph store.
pub struct GraphStore {
    store: Store,
}

impl GraphStore {
    /// An empty in-memory store.
    pub fn new() -> Result<GraphStore> {
        Ok(GraphStore {
            store: Store::new().map_err(storage_err)?,
        })
    }

    /// A persistent store in `dir` (created when missing).
    #[cfg(feature = "rocksdb")]
    pub fn open(dir: &Path) -> Result<GraphStore> {
        let store = Store::open(dir).map_err(|e| Error::Invalid {
            path: dir.to_path_buf(),
            message: format!("cannot open the RDF store: {e}"),
        })?;
        Ok(GraphStore { store })
    }

    /// Number of quads.
    pub fn len(&self) -> Result<usize> {
        self.store.len().map_err(storage_err)
    }

    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// Add quads (e.g. `export::rdf::to_quads`).
    pub fn insert_quads(&self, quads: &[Quad]) -> Result<()> {
        let mut tx = self.store.start_transaction().map_err(storage_err)?;
        for q in quads {
            tx.insert(q);
        }
        tx.commit().map_err(storage_err)
    }

    /// Load one RDF file, its format from its extension (.nq, .nt, .trig,
    /// .ttl, .rdf, .jsonld). A syntax error names the file, line and column.
    pub fn load_file(&self, path: &Path) -> Result<()> {
        let format = rdf_format_of(path).ok_or_else(|| Error::Invalid {
            path: path.to_path_buf(),
            message: "unknown RDF format (expected .nq, .nt, .trig, .ttl, .rdf or .jsonld)".into(),
        })?;
        // Streamed through the bulk loader: the file is never held whole,
        // and parsing and indexing run in parallel. Read around the page
        // cache, as `dipkg build` wrote it (see `crate::direct`).
        let file = DirectReader::open(path).map_err(|e| Error::io(path, e))?;
        let mut loader = self.store.bulk_loader();
        loader
            .load_from_reader(RdfParser::from_format(format), file)
            .map_err(|e| load_error(path, e))?;
        loader.commit().map_err(storage_err)
    }

    /// Replace the store's content with one RDF file (its format from its
    /// extension), through oxigraph's bulk loader, committed. Returns the
    /// number of quads then held. This is how `dipkg build --store DIR`
    /// fills a persistent store with `graph.nq`.
    pub fn replace_with_file(&self, path: &Path) -> Result<usize> {
        let format = rdf_format_of(path).ok_or_else(|| Error::Invalid {
            path: path.to_path_buf(),
            message: "unknown RDF format (expected .nq, .nt, .trig, .ttl, .rdf or .jsonld)".into(),
        })?;
        let file = DirectReader::open(path).map_err(|e| Error::io(path, e))?;
        self.store.clear().map_err(storage_err)?;
        let mut loader = self.store.bulk_loader();
        loader
            .load_from_reader(RdfParser::from_format(format), file)
            .map_err(|e| load_error(path, e))?;
        loader.commit().map_err(storage_err)?;
        self.len()
    }

    /// Load several files; stops at the first error.
    pub fn load_files(&self, paths: &[PathBuf]) -> Result<()> {
        paths.iter().try_for_each(|p| self.load_file(p))
    }

    /// Run a query; `<query>` names it in errors.
    pub fn query(&self, sparql: &str, format: ResultFormat) -> Result<String> {
        self.query_named(sparql, Path::new("<query>"), format)
    }

    /// Run a SPARQL query and print its results: SELECT and ASK in `format`,
    /// CONSTRUCT and DESCRIBE as Turtle. `source` (the query file, or
    /// `<query>`) names the query in errors; syntax errors carry the line
    /// and column in the query text.
    pub fn query_named(&self, sparql: &str, source: &Path, format: ResultFormat) -> Result<String> {
        let mut evaluator = SparqlEvaluator::new();
        for (name, ns) in vocab::PREFIXES {
            evaluator = evaluator.with_prefix(name, ns).map_err(storage_err)?;
        }
        let mut prepared = evaluator
            .parse_query(sparql)
            .map_err(|e| syntax_error(source, &e.to_string()))?;
        if prepared.dataset().is_default_dataset() {
            // No FROM clause: the default graph is the union of all graphs,
            // so that simple patterns see every document; GRAPH ?g still
            // gives each statement's document.
            prepared.dataset_mut().set_default_graph_as_union();
        }
        let results = prepared
            .on_store(&self.store)
            .execute()
            .map_err(|e| Error::Invalid {
                path: source.to_path_buf(),
                message: format!("query failed: {e}"),
            })?;
        let eval_err = |e: &dyn std::fmt::Display| Error::Invalid {
            path: source.to_path_buf(),
            message: format!("query failed: {e}"),
        };
        match results {
            QueryResults::Boolean(b) => match format.w3c() {
                None => Ok(format!("{b}\n")),
                Some(f) => {
                    let bytes = QueryResultsSerializer::from_format(f)
                        .serialize_boolean_to_writer(Vec::new(), b)
                        .map_err(storage_err)?;
                    Ok(String::from_utf8_lossy(&bytes).into_owned())
                }
            },
            QueryResults::Solutions(solutions) => {
                let variables = solutions.variables().to_vec();
                let rows: Vec<_> = solutions
                    .collect::<std::result::Result<_, _>>()
                    .map_err(|e| eval_err(&e))?;
                match format.w3c() {
                    None => Ok(table(&variables, &rows)),
                    Some(f) => {
                        let mut ser = QueryResultsSerializer::from_format(f)
                            .serialize_solutions_to_writer(Vec::new(), variables)
                            .map_err(storage_err)?;
                        for row in &rows {
                            ser.serialize(row).map_err(storage_err)?;
                        }
                        let bytes = ser.finish().map_err(storage_err)?;
                        Ok(String::from_utf8_lossy(&bytes).into_owned())
                    }
                }
            }
            QueryResults::Graph(triples) => {
                let triples: Vec<Triple> = triples
                    .collect::<std::result::Result<_, _>>()
                    .map_err(|e| eval_err(&e))?;
                turtle(triples)
            }
        }
    }
}

/// A load error: syntax errors with their position (1-based).
fn load_error(path: &Path, e: LoaderError) -> Error {
    match e {
        LoaderError::Parsing(RdfParseError::Syntax(s)) => {
            let (line, column) = s
                .location()
                .map_or((0, 0), |l| (l.start.line + 1, l.start.column + 1));
            Error::Syntax {
                path: path.to_path_buf(),
                line,
                column,
                message: s.to_string(),
            }
        }
        LoaderError::Parsing(RdfParseError::Io(io)) => Error::Io {
            path: path.to_path_buf(),
            source: io,
        },
        other => Error::Invalid {
            path: path.to_path_buf(),
            message: other.to_string(),
        },
    }
}

/// Turn a SPARQL parser message ("error at 3:14: expected ...") into an
/// error with the position.
fn syntax_error(source: &Path, message: &str) -> Error {
    let re = regex::Regex::new(r"error at (\d+):(\d+): (.*)").expect("valid regex");
    match re.captures(message) {
        Some(c) => Error::Syntax {
            path: source.to_path_buf(),
            line: c[1].parse().unwrap_or(0),
            column: c[2].parse().unwrap_or(0),
            message: format!("SPARQL syntax error: {}", &c[3]),
        },
        None => Error::Invalid {
            path: source.to_path_buf(),
            message: format!("SPARQL syntax error: {message}"),
        },
    }
}

/// Triples as Turtle with our prefixes, sorted.
fn turtle(triples: Vec<Triple>) -> Result<String> {
    let mut keyed: Vec<(String, Triple)> =
        triples.into_iter().map(|t| (t.to_string(), t)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    let mut ser = RdfSerializer::from_format(RdfFormat::Turtle);
    for (name, ns) in vocab::PREFIXES.iter().filter(|(n, _)| *n != "dc") {
        ser = ser.with_prefix(*name, *ns).map_err(storage_err)?;
    }
    let mut w = ser.for_writer(Vec::new());
    for (_, t) in &keyed {
        w.serialize_triple(t).map_err(storage_err)?;
    }
    let bytes = w.finish().map_err(storage_err)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A term as a table cell: prefixed name when a known namespace fits,
/// literals by their lexical form, newlines flattened.
pub fn short_term(t: &Term) -> String {
    match t {
        Term::NamedNode(n) => {
            let iri = n.as_str();
            for (name, ns) in vocab::PREFIXES.iter().filter(|(n, _)| *n != "dc") {
                if let Some(local) = iri.strip_prefix(ns) {
                    let simple = local
                        .chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_'));
                    if simple {
                        return format!("{name}:{local}");
                    }
                }
            }
            format!("<{iri}>")
        }
        Term::BlankNode(b) => format!("_:{}", b.as_str()),
        Term::Literal(l) => l.value().split_whitespace().collect::<Vec<_>>().join(" "),
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    }
}

/// An aligned plain-text table of solutions with a row count.
fn table(
    variables: &[oxigraph::sparql::Variable],
    rows: &[oxigraph::sparql::QuerySolution],
) -> String {
    let header: Vec<String> = variables.iter().map(|v| v.as_str().to_string()).collect();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            variables
                .iter()
                .map(|v| r.get(v).map(short_term).unwrap_or_default())
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |row: &[String]| {
        let padded: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect();
        padded.join(" | ").trim_end().to_string() + "\n"
    };
    let mut out = line(&header);
    out.push_str(
        &widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-+-"),
    );
    out.push('\n');
    for row in &cells {
        out.push_str(&line(row));
    }
    let n = rows.len();
    out.push_str(&format!("({n} row{})\n", if n == 1 { "" } else { "s" }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_carry_their_position() {
        let s = GraphStore::new().unwrap();
        let err = s
            .query("SELECT ?x WHERE {\n  ?x ?y \n}", ResultFormat::Table)
            .unwrap_err();
        match err {
            Error::Syntax {
                line, column, path, ..
            } => {
                assert_eq!(path, Path::new("<query>"));
                assert_eq!(line, 3);
                assert!(column >= 1);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn bulk_load_replaces_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.nq");
        std::fs::write(
            &a,
            "<http://e/s> <http://e/p> \"x\" <http://e/g> .\n<http://e/s> <http://e/p> \"y\" .\n",
        )
        .unwrap();
        let b = dir.path().join("b.nq");
        std::fs::write(&b, "<http://e/t> <http://e/p> \"z\" <http://e/g> .\n").unwrap();
        let s = GraphStore::new().unwrap();
        assert_eq!(s.replace_with_file(&a).unwrap(), 2);
        assert_eq!(s.replace_with_file(&b).unwrap(), 1);
        assert_eq!(
            s.query("ASK { <http://e/s> ?p ?o }", ResultFormat::Table)
                .unwrap(),
            "false\n"
        );
        let bad = dir.path().join("bad.nq");
        std::fs::write(&bad, "<http://e/s> <http://e/p> .\n").unwrap();
        assert!(matches!(
            s.replace_with_file(&bad),
            Err(Error::Syntax { line: 1, .. })
        ));
    }

    #[test]
    fn prefixes_are_declared_and_tables_aligned() {
        let s = GraphStore::new().unwrap();
        let out = s
            .query(
                "SELECT ?t WHERE { VALUES ?t { dk:Person rdfs:label \"a b\" } }",
                ResultFormat::Table,
            )
            .unwrap();
        assert_eq!(out, "t\n----------\ndk:Person\nrdfs:label\na b\n(3 rows)\n");
        assert_eq!(s.query("ASK {}", ResultFormat::Table).unwrap(), "true\n");
    }
}
