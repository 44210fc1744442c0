//! Writers of the graph: RDF (N-Quads, TriG, Turtle), DOT, CSV, GraphML and
//! JSON Lines, and the file sets that `dipkg build` and `dipkg export` write.
//!
//! Every writer is deterministic: the same extractions give byte-identical
//! files (sorted iteration, fixed number formats, no timestamps).

pub mod csv;
pub mod dot;
pub mod graphml;
pub mod jsonl;
pub mod rdf;
pub mod vocab;

use crate::direct::DirectFile;
use crate::error::{Error, Result};
use crate::graph::{Filter, KnowledgeGraph};
use crate::model::Extraction;
use crate::stats::{self, Measures};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The output formats of `dipkg export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `nodes.csv` and `edges.csv` in a directory.
    Csv,
    GraphMl,
    Dot,
    NQuads,
    TriG,
    Turtle,
    Jsonl,
}

impl Format {
    /// File name used when the output is a directory.
    pub fn default_file_name(self) -> &'static str {
        match self {
            Format::Csv => "",
            Format::GraphMl => "graph.graphml",
            Format::Dot => "graph.dot",
            Format::NQuads => "graph.nq",
            Format::TriG => "graph.trig",
            Format::Turtle => "graph.ttl",
            Format::Jsonl => "extract.jsonl",
        }
    }
}

/// An output-side I/O error naming the file (never "not found" wording: the
/// file is being written, not read).
fn out_err(path: &Path, source: io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Create `path` and fill it through a buffered writer (around the page
/// cache where the file system allows: see [`crate::direct`]).
pub fn write_file(
    path: &Path,
    fill: impl FnOnce(&mut DirectFile) -> io::Result<()>,
) -> Result<PathBuf> {
    let mut w = DirectFile::create(path).map_err(|e| out_err(path, e))?;
    fill(&mut w).map_err(|e| out_err(path, e))?;
    w.flush().map_err(|e| out_err(path, e))?;
    Ok(path.to_path_buf())
}

/// Create an output directory (and its parents).
pub fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| out_err(dir, e))
}

/// The graph and measures of a set of extractions.
pub struct Built {
    pub graph: KnowledgeGraph,
    pub measures: Measures,
}

impl Built {
    pub fn new(extractions: &[Extraction]) -> Built {
        let graph = KnowledgeGraph::from_extractions(extractions);
        let measures = stats::compute(&graph);
        Built { graph, measures }
    }
}

/// A stable one-line title for diagrams.
fn title(g: &KnowledgeGraph) -> String {
    format!(
        "dipkg: {} documents, {} entities, {} relations",
        g.documents().len(),
        g.node_count(),
        g.edge_count()
    )
}

/// The files of `dipkg build` made from the graph alone: the network files
/// (DOT, CSV, GraphML, with measures), the country and ministry roll-ups
/// (built, written and dropped one after the other) and the timeline.
/// The graph's own files are written while the roll-ups are built: building
/// a roll-up is one thread's work.
pub fn write_graph_files(dir: &Path, g: &KnowledgeGraph, m: &Measures) -> Result<Vec<PathBuf>> {
    let (own, roll_ups) = rayon::join(
        || write_network(dir, "", g, Some(m)),
        || write_roll_ups(dir, g),
    );
    let mut written = own?;
    written.extend(roll_ups?);
    Ok(written)
}

/// The country and ministry roll-ups' network files, one roll-up at a time
/// (each is a copy of the graph's evidence), and the timeline, read off the
/// country roll-up.
fn write_roll_ups(dir: &Path, g: &KnowledgeGraph) -> Result<Vec<PathBuf>> {
    let roll_up = |prefix: &str, r: &KnowledgeGraph| {
        let measures = stats::compute(r);
        write_network(dir, prefix, r, Some(&measures))
    };
    let countries = g.country_projection();
    let mut written = roll_up("countries-", &countries)?;
    let timeline = stats::country_timeline(&countries);
    drop(countries);
    written.extend(roll_up("ministries-", &g.organization_projection())?);
    written.push(write_file(&dir.join("timeline.csv"), |w| {
        csv::write_timeline(w, &timeline).map(drop)
    })?);
    Ok(written)
}

/// DOT, CSV and GraphML of one graph, file names prefixed with `prefix`,
/// written in parallel.
fn write_network(
    dir: &Path,
    prefix: &str,
    g: &KnowledgeGraph,
    m: Option<&Measures>,
) -> Result<Vec<PathBuf>> {
    let name = |base: &str| dir.join(format!("{prefix}{base}"));
    let ((dot, nodes), (edges, graphml)) = rayon::join(
        || {
            rayon::join(
                || {
                    write_file(&name("graph.dot"), |w| {
                        dot::write_dot(w, g, &title(g)).map(drop)
                    })
                },
                || write_file(&name("nodes.csv"), |w| csv::write_nodes(w, g, m).map(drop)),
            )
        },
        || {
            rayon::join(
                || write_file(&name("edges.csv"), |w| csv::write_edges(w, g).map(drop)),
                || {
                    write_file(&name("graph.graphml"), |w| {
                        graphml::write_graphml(w, g, m).map(drop)
                    })
                },
            )
        },
    );
    Ok(vec![dot?, nodes?, edges?, graphml?])
}

/// Keep of the extractions what a filtered graph kept: its entities, and
/// the relations whose edge and evidence survived.
pub fn restrict(extractions: &[Extraction], kept: &KnowledgeGraph) -> Vec<Extraction> {
    extractions
        .iter()
        .map(|x| {
            let mut x = x.clone();
            x.relations.retain(|r| {
                kept.edge(&r.subject, r.predicate, &r.object)
                    .is_some_and(|e| {
                        e.evidence.iter().any(|ev| {
                            *ev.document == *x.document.id
                                && ev.start as usize == r.evidence.start
                                && ev.end as usize == r.evidence.end
                        })
                    })
            });
            x.entities.retain(|e| kept.node(&e.id).is_some());
            x
        })
        .filter(|x| !x.entities.is_empty() || !x.relations.is_empty())
        .collect()
}

/// `dipkg export`: the filtered graph in one format. `out` is a directory
/// for CSV (`nodes.csv`, `edges.csv`) and a file for the others (a
/// directory gets the format's default file name).
pub fn export(
    extractions: &[Extraction],
    filter: &Filter,
    format: Format,
    out: &Path,
) -> Result<Vec<PathBuf>> {
    let full = KnowledgeGraph::from_extractions(extractions);
    let g = full.filtered(filter)?;
    let m = stats::compute(&g);
    if format == Format::Csv {
        create_dir(out)?;
        return Ok(vec![
            write_file(&out.join("nodes.csv"), |w| {
                csv::write_nodes(w, &g, Some(&m)).map(drop)
            })?,
            write_file(&out.join("edges.csv"), |w| {
                csv::write_edges(w, &g).map(drop)
            })?,
        ]);
    }
    let path = if out.is_dir() {
        out.join(format.default_file_name())
    } else {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_dir(parent)?;
        }
        out.to_path_buf()
    };
    let kept = if filter.is_empty() {
        extractions.to_vec()
    } else {
        restrict(extractions, &g)
    };
    let written = match format {
        Format::GraphMl => {
            write_file(&path, |w| graphml::write_graphml(w, &g, Some(&m)).map(drop))?
        }
        Format::Dot => write_file(&path, |w| {
            w.write_all(dot::to_dot(&g, &title(&g)).as_bytes())
        })?,
        Format::Jsonl => write_file(&path, |w| jsonl::write_jsonl(w, &kept).map(drop))?,
        Format::NQuads | Format::TriG | Format::Turtle => {
            let quads = rdf::dataset(&kept, &KnowledgeGraph::from_extractions(&kept), Some(&m));
            write_file(&path, |w| match format {
                Format::NQuads => rdf::write_nquads(w, &quads).map(drop),
                Format::TriG => rdf::write_trig(w, &quads).map(drop),
                _ => rdf::write_turtle(w, &quads).map(drop),
            })?
        }
        Format::Csv => unreachable!("handled above"),
    };
    Ok(vec![written])
}

/// The diagram of a filtered graph as DOT source.
pub fn dot_source(extractions: &[Extraction], filter: &Filter) -> Result<String> {
    dot_source_of(&KnowledgeGraph::from_extractions(extractions), filter)
}

/// [`dot_source`] of a graph already built.
pub fn dot_source_of(graph: &KnowledgeGraph, filter: &Filter) -> Result<String> {
    let g = graph.filtered(filter)?;
    Ok(dot::to_dot(&g, &title(&g)))
}
