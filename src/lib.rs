//! dipkg: a knowledge-graph builder for diplomacy.
//!
//! This file is the table of contents of the pipeline. Each stage is one
//! module; plain data (see [`model`]) flows from one to the next:
//!
//! ```text
//! ingest → segment → lexicon → mentions → relations → resolve → graph → export / store
//! ```
//!
//! * [`ingest`]: read `.txt` / `.html`, strip markup and web boilerplate,
//!   keep a map back to offsets in the original file; title, date, publisher.
//! * [`segment`]: paragraphs, numbered points, sentences; a normalised view of
//!   each sentence whose every byte maps back to the original.
//! * [`lexicon`]: the Turtle gazetteer and trigger phrases of `ontology/`,
//!   compiled once into an Aho-Corasick matcher that also finds the other
//!   stages' keywords and trigger phrases: one search per sentence.
//! * [`mentions`]: lexicon matches plus patterns for unknown persons,
//!   organizations, issues, events, places and dates.
//! * [`relations`]: clause-level relations from trigger phrases.
//! * [`pattern`]: the rules' regular expressions (ASCII word boundaries, an
//!   ASCII twin of each for ASCII text).
//! * [`resolve`]: mentions to entities within a document and across documents.
//! * [`pipeline`]: runs the stages over files, in parallel, one bad file never
//!   stopping the others.
//! * [`incremental`]: the extraction cache of incremental builds (content
//!   hashes; only changed documents are re-extracted).
//! * [`graph`]: the petgraph graph of entities and evidence-carrying edges.
//! * [`export`]: RDF (N-Quads, TriG, Turtle), DOT, CSV, GraphML, JSON Lines.
//! * [`direct`]: large files written and read around the page cache.
//! * [`readahead`]: input files read many at a time, ahead of extraction.
//! * [`build`]: `dipkg build` streamed: extraction to a spool, then every
//!   output written document by document; memory holds the graph only.
//! * [`store`]: the oxigraph store and SPARQL queries.
//! * [`stats`]: network measures (degree, PageRank, betweenness, communities).
//! * [`eval`]: the scores of ANNOTATION.md against gold files.
//! * [`synth`]: a deterministic generator of realistic test corpora.

pub mod error;
pub mod model;

pub mod incremental;
pub mod ingest;
pub mod lexicon;
pub mod mentions;
pub mod pattern;
pub mod pipeline;
pub mod relations;
pub mod resolve;
pub mod segment;

pub mod build;
pub mod direct;
pub mod export;
pub mod graph;
pub mod readahead;
pub mod stats;
pub mod store;

pub mod eval;
pub mod synth;

pub use error::Error;
pub use model::{Entity, EntityType, Extraction, Predicate, Relation};
