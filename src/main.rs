//! The `dipkg` command line: parse arguments, call the library, map errors
//! to one-line messages and exit codes (0 ok, 1 some inputs failed,
//! 2 usage or fatal error). All the work is in the library.

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use dipkg::export::{self, Format};
use dipkg::graph::{Filter, KnowledgeGraph};
use dipkg::incremental::{Cache, Manifest};
use dipkg::model::{EntityType, Extraction, Predicate};
use dipkg::pipeline::{default_ontology_dir, Pipeline};
use dipkg::store::{GraphStore, ResultFormat};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// mimalloc instead of glibc malloc: builds allocate many small strings
/// (terms, evidence, JSON) from several threads, where glibc's free-list
/// bookkeeping took a third of the time on a 5,000-document corpus.
///
/// Not with the `rocksdb` feature: oxigraph 0.5 takes RocksDB's error
/// messages, which RocksDB allocates with C `malloc`, as `CString`s and
/// frees them through the Rust allocator. That only works when the Rust
/// allocator is the system's; under mimalloc every RocksDB error (a store
/// path that is a file, a full disk, a locked store) was a segfault
/// instead of an error message.
#[cfg(not(feature = "rocksdb"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_t` (`mimalloc.h`;
/// `libmimalloc-sys` names only the options of version 2).
#[cfg(not(feature = "rocksdb"))]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keep the memory mimalloc frees mapped, instead of returning it to the
/// system 10 ms after it is last used (its default).
///
/// A build frees and allocates again, document after document, buffers of
/// tens to hundreds of kilobytes (a document's N-Quads, TriG and JSON).
/// Returned to the system, that memory came back as fresh pages that the
/// kernel zeroes on first touch (transparent huge pages: 2 MB each). At
/// 100,000 documents that was 79,000–82,000 page faults instead of 930,
/// and a build about 3% slower: 50.0–52.1 s against 48.7–50.2 s in four
/// alternating pairs, for 30–60 MB less at the peak (770 MB). At 300,000
/// documents: 155.8 s against 145.0 s (system time 30.7 s against
/// 23.6 s), at a peak of 1.82 GB against 1.93 GB. `MIMALLOC_PURGE_DELAY`,
/// when set, still decides (`MIMALLOC_PURGE_DELAY=10` for the default).
#[cfg(not(feature = "rocksdb"))]
fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: called first thing in `main`, before any other thread.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
}

#[cfg(feature = "rocksdb")]
fn keep_freed_memory() {}

#[derive(Parser)]
#[command(
    name = "dipkg",
    version,
    about = "Knowledge graphs of diplomacy from readouts and news reports",
    long_about = "dipkg reads diplomatic readouts and press releases (.txt, .html), extracts \
who met whom, who raised, protested or agreed on what, with the sentence that says so, \
and builds a knowledge graph: RDF (with provenance per document), SPARQL queries, \
Graphviz diagrams, Gephi/NetworkX network files and network measures.",
    after_help = "Examples:\n  dipkg build                      # seeds/ -> out/\n  \
dipkg query 'SELECT ?a ?b WHERE { ?a dk:metWith ?b }'\n  \
dipkg render -o kono.svg --focus taro-kono --depth 1\n  \
dipkg stats --top 5"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Build(BuildArgs),
    Extract(ExtractArgs),
    Query(QueryArgs),
    Eval(EvalArgs),
    Render(RenderArgs),
    Export(ExportArgs),
    Stats(StatsArgs),
    Entities(EntitiesArgs),
    Explain(ExplainArgs),
    Synth(SynthArgs),
}

/// Where the documents come from.
#[derive(Args, Clone)]
struct Inputs {
    /// Files or directories of .txt / .html documents [default: seeds/]
    inputs: Vec<PathBuf>,
    /// Directory of the vocabulary and gazetteer (Turtle) [default: $DIPKG_ONTOLOGY, ./ontology]
    #[arg(long, value_name = "DIR")]
    ontology: Option<PathBuf>,
    /// Drop relations whose confidence is below this (0..1)
    #[arg(long, value_name = "X", default_value_t = 0.0)]
    min_confidence: f32,
    /// Read extractions from a JSON Lines file (or a build directory's
    /// extract.jsonl) instead of running the extraction
    #[arg(long, short = 'i', value_name = "FILE|DIR", conflicts_with = "inputs")]
    from_jsonl: Option<PathBuf>,
}

/// Which part of the graph to keep.
#[derive(Args, Clone, Default)]
struct FilterArgs {
    /// Keep the neighbourhood of this entity (id, label or alias)
    #[arg(long, value_name = "ENTITY")]
    focus: Option<String>,
    /// Hops around --focus
    #[arg(long, value_name = "N", default_value_t = 1)]
    depth: usize,
    /// Keep evidence dated on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Keep evidence dated on or before this date (YYYY includes the whole year)
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Keep only this predicate (repeatable): metWith, raised, protested...
    #[arg(long = "predicate", value_name = "P", value_parser = parse_predicate)]
    predicates: Vec<Predicate>,
    /// Keep edges touching an entity of this country (entity id: japan, korea...)
    #[arg(long, value_name = "C")]
    country: Option<String>,
    /// Keep edges stated at least N times
    #[arg(long, value_name = "N", default_value_t = 1)]
    min_weight: usize,
}

impl FilterArgs {
    fn to_filter(&self) -> Filter {
        Filter {
            predicates: self.predicates.clone(),
            since: self.since.clone(),
            until: self.until.clone(),
            country: self.country.clone(),
            min_weight: self.min_weight,
            focus: self.focus.clone(),
            depth: self.depth,
        }
    }
}

fn parse_predicate(s: &str) -> Result<Predicate, String> {
    Predicate::parse(s).ok_or_else(|| {
        let all: Vec<&str> = Predicate::ALL.iter().map(|p| p.as_str()).collect();
        format!("unknown predicate '{s}' (one of: {})", all.join(", "))
    })
}

/// Build the knowledge graph of a corpus and write every output file.
#[derive(Args)]
#[command(
    after_help = "Writes graph.nq, graph.trig, extract.jsonl, graph.dot, nodes.csv, edges.csv, \
graph.graphml, the countries-* and ministries-* roll-ups and timeline.csv.\n\n\
Run again into the same directory, only the documents whose bytes changed are extracted \
again; with nothing changed since the last complete build (same inputs, options, ontology \
and dipkg, every output as it was left), nothing is written.\n\n\
Examples:\n  dipkg build                         # seeds/ -> out/\n  \
dipkg build corpus/ -o corpus-out --min-confidence 0.6\n\n\
Exit status: 0 when every input was extracted, 1 when some failed (the others are still \
written), 2 when the output cannot be written."
)]
struct BuildArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// Output directory
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    output: PathBuf,
    /// Re-extract every document and write no extraction cache (by default
    /// an existing output directory's .dipkg-cache.jsonl lets unchanged
    /// documents be reused, and a build with nothing changed since the last
    /// one, by .dipkg-manifest.json, writes nothing)
    #[arg(long)]
    no_cache: bool,
    /// Also fill a persistent RocksDB store in DIR with the graph (emptied
    /// first, then loaded with oxigraph's bulk loader); query it with
    /// `dipkg query --store DIR`
    #[cfg(feature = "rocksdb")]
    #[arg(long, value_name = "DIR")]
    store: Option<PathBuf>,
}

/// Extract documents and print the result on standard output.
#[derive(Args)]
#[command(
    after_help = "json is the JSON Lines contract of ANNOTATION.md (one document per line).\n\n\
Examples:\n  dipkg extract seeds --format json > extract.jsonl\n  \
dipkg extract seeds/001_e294427f1326c480.txt --format turtle"
)]
struct ExtractArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// Output format: json, nquads or turtle
    #[arg(long, short, default_value = "json", value_parser = ["json", "nquads", "turtle"])]
    format: String,
}

/// Run a SPARQL query over the graph.
#[derive(Args)]
#[command(
    after_help = "The prefixes dk:, id:, doc:, meeting:, role:, rdf:, rdfs:, xsd:, skos:, foaf:, org:, \
schema:, prov:, dcterms: and dc: are declared for you. The default graph is the union of all graphs. Each document's statements are in \
the named graph doc:<id>; merged entities and measures in <https://w3id.org/dipkg/graph/entities>.\n\n\
Examples:\n  dipkg query 'SELECT ?a ?b WHERE { ?a dk:metWith ?b }'\n  \
dipkg query --file examples/queries/meetings.rq --format csv\n  \
dipkg query 'ASK { id:taro-kono dk:protested ?x }' --data out/graph.nq"
)]
struct QueryArgs {
    /// The SPARQL query (or use --file)
    sparql: Option<String>,
    /// Read the query from a file
    #[arg(long, value_name = "Q.rq", conflicts_with = "sparql")]
    file: Option<PathBuf>,
    /// RDF files to load (.nq, .trig, .ttl, .nt, .rdf, .jsonld) [default: out/graph.nq]
    #[arg(long, value_name = "FILE", num_args = 1..)]
    data: Vec<PathBuf>,
    /// Result format of SELECT/ASK: table, csv, tsv, json or xml (CONSTRUCT/DESCRIBE give Turtle)
    #[arg(long, default_value = "table", value_parser = ["table", "csv", "tsv", "json", "xml"])]
    format: String,
    /// Persistent RocksDB store directory: --data files are added to it,
    /// and without --data the query runs on what it holds
    #[cfg(feature = "rocksdb")]
    #[arg(long, value_name = "DIR")]
    store: Option<PathBuf>,
}

/// Score an extraction against gold files (ANNOTATION.md).
#[derive(Args)]
#[command(after_help = "Prints the same numbers as ../shared/eval/score.py.\n\n\
Examples:\n  dipkg eval --gold tests/gold seeds\n  dipkg eval --gold tests/gold --from-jsonl out/extract.jsonl --json")]
struct EvalArgs {
    /// Directory of gold JSON files
    #[arg(long, value_name = "DIR")]
    gold: PathBuf,
    #[command(flatten)]
    inputs: Inputs,
    /// Print the scores as JSON
    #[arg(long)]
    json: bool,
    /// List what was missed and what was extra, per document
    #[arg(long)]
    details: bool,
}

/// Draw the graph with Graphviz (SVG, PNG or PDF).
#[derive(Args)]
#[command(after_help = "Needs Graphviz's `dot` (apt-get install graphviz).\n\n\
Examples:\n  dipkg render -o graph.svg\n  \
dipkg render -i out/ -o kono.png --focus taro-kono --depth 2\n  \
dipkg render -o protests.pdf --predicate protested --since 2019")]
struct RenderArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// Output file; the format comes from the extension (.svg, .png, .pdf)
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    #[command(flatten)]
    filter: FilterArgs,
}

/// Write the (filtered) graph in one format.
#[derive(Args)]
#[command(
    after_help = "csv writes nodes.csv and edges.csv into the -o directory; the other formats \
write one file (into a directory: graph.graphml, graph.dot, graph.nq, graph.trig, graph.ttl, extract.jsonl).\n\n\
Examples:\n  dipkg export --format graphml -o japan.graphml --country japan\n  \
dipkg export --format csv -o gephi/ --since 2018-01-01 --until 2019"
)]
struct ExportArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// csv, graphml, dot, nquads, trig, turtle or jsonl
    #[arg(long, short, value_parser = ["csv", "graphml", "dot", "nquads", "trig", "turtle", "jsonl"])]
    format: String,
    /// Output file or directory
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
    #[command(flatten)]
    filter: FilterArgs,
}

/// Network measures: degree, weighted degree, PageRank, betweenness, communities.
#[derive(Args)]
#[command(
    after_help = "Prints the top entities per measure, overall and per type. `dipkg build` \
writes the same measures into nodes.csv, graph.graphml and the RDF (dk:pageRank...).\n\n\
Examples:\n  dipkg stats --top 5\n  dipkg stats -i out/ --level countries"
)]
struct StatsArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// How many entities per list
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Measure the entity graph, or its roll-up to countries or ministries
    #[arg(long, default_value = "entities", value_parser = ["entities", "countries", "ministries"])]
    level: String,
    #[command(flatten)]
    filter: FilterArgs,
}

/// List the entities of a corpus.
#[derive(Args)]
#[command(after_help = "Examples:\n  dipkg entities\n  dipkg entities seeds --type Person")]
struct EntitiesArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// Only this type (Person, Organization, Country, Issue, Event, Place)
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_type)]
    entity_type: Option<EntityType>,
}

fn parse_type(s: &str) -> Result<EntityType, String> {
    EntityType::parse(s).ok_or_else(|| format!("unknown type '{s}'"))
}

/// Show how an entity was resolved: its names, mentions, documents and merges.
#[derive(Args)]
#[command(
    after_help = "Examples:\n  dipkg explain kang-kyung-wha\n  dipkg explain 'Minister Kono' seeds"
)]
struct ExplainArgs {
    /// Entity id, label or alias
    entity: String,
    #[command(flatten)]
    inputs: Inputs,
}

/// Generate a realistic synthetic corpus (deterministic for a seed).
#[derive(Args)]
#[command(
    after_help = "The documents mix the lexicon's officials, ministries, issues and places in \
readout-like sentences; the same --seed always gives the same files.\n\n\
Examples:\n  dipkg synth --docs 1000 --seed 7 -o corpus/\n  dipkg build corpus/ -o corpus-out"
)]
struct SynthArgs {
    /// Number of documents
    #[arg(long, default_value_t = 100)]
    docs: usize,
    /// Random seed
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output directory
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    /// Directory of the vocabulary and gazetteer (Turtle) [default: $DIPKG_ONTOLOGY, ./ontology]
    #[arg(long, value_name = "DIR")]
    ontology: Option<PathBuf>,
}

fn main() -> ExitCode {
    keep_freed_memory();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("dipkg: error: {}", one_line(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

/// Errors are printed on one line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Build(a) => build(a),
        Command::Extract(a) => extract(a),
        Command::Query(a) => query(a),
        Command::Eval(a) => eval(a),
        Command::Render(a) => render(a),
        Command::Export(a) => export_cmd(a),
        Command::Stats(a) => stats(a),
        Command::Entities(a) => entities(a),
        Command::Explain(a) => explain(a),
        Command::Synth(a) => synth(a),
    }
}

/// Extractions of the inputs plus one printed error per bad input; the
/// exit code is 1 when some failed.
struct Loaded {
    extractions: Vec<Extraction>,
    failed: usize,
}

impl Loaded {
    fn code(&self) -> ExitCode {
        if self.failed > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// The graph of the inputs. From JSON Lines it is built a line at a time
/// (a large build's `extract.jsonl` is never held whole).
fn load_graph(inputs: &Inputs) -> Result<(KnowledgeGraph, ExitCode)> {
    if let Some(path) = &inputs.from_jsonl {
        let g = export::jsonl::read_graph(&jsonl_file(path), inputs.min_confidence)?;
        return Ok((g, ExitCode::SUCCESS));
    }
    let loaded = load(inputs)?;
    Ok((
        KnowledgeGraph::from_extractions(&loaded.extractions),
        loaded.code(),
    ))
}

/// The JSON Lines file of `--from-jsonl` (a build directory means its
/// `extract.jsonl`).
fn jsonl_file(path: &std::path::Path) -> PathBuf {
    if path.is_dir() {
        path.join("extract.jsonl")
    } else {
        path.to_path_buf()
    }
}

/// The pipeline of `--ontology` (or the default), its directory, and the
/// input paths (default `seeds/`).
fn pipeline_and_paths(inputs: &Inputs) -> Result<(Pipeline, PathBuf, Vec<PathBuf>)> {
    let dir = ontology_dir(inputs);
    let pipeline = Pipeline::from_ontology_dir(&dir)?;
    Ok((pipeline, dir, input_paths(inputs)))
}

/// The ontology directory of a command (`--ontology`, `DIPKG_ONTOLOGY`, or
/// `./ontology`).
fn ontology_dir(inputs: &Inputs) -> PathBuf {
    inputs.ontology.clone().unwrap_or_else(default_ontology_dir)
}

/// The inputs of a command (`seeds/` when none are given).
fn input_paths(inputs: &Inputs) -> Vec<PathBuf> {
    if inputs.inputs.is_empty() {
        vec![PathBuf::from("seeds")]
    } else {
        inputs.inputs.clone()
    }
}

/// Every extraction of the inputs in memory (the commands that need them
/// all; `build` and `extract --format json` stream instead).
fn load(inputs: &Inputs) -> Result<Loaded> {
    let mut extractions = if let Some(path) = &inputs.from_jsonl {
        Loaded {
            extractions: export::jsonl::read_jsonl(&jsonl_file(path))?,
            failed: 0,
        }
    } else {
        let (pipeline, _, paths) = pipeline_and_paths(inputs)?;
        let run = pipeline.run(&paths);
        for e in &run.errors {
            eprintln!("dipkg: error: {}", one_line(&e.to_string()));
        }
        Loaded {
            failed: run.errors.len(),
            extractions: run.extractions,
        }
    };
    if inputs.min_confidence > 0.0 {
        for x in &mut extractions.extractions {
            x.relations
                .retain(|r| r.confidence >= inputs.min_confidence);
        }
    }
    Ok(extractions)
}

fn build(a: BuildArgs) -> Result<ExitCode> {
    let start = Instant::now();
    dipkg::build::timing("start");
    let inputs = &a.inputs;
    let written_to = || format!("cannot write the output directory {}", a.output.display());
    let mut cache = None;
    // The digest of the inputs when the build may be skipped next time.
    let mut digest = None;
    let report = if let Some(path) = &inputs.from_jsonl {
        let _ = Manifest::remove(&a.output);
        let file = jsonl_file(path);
        if !file.is_file() {
            return Err(dipkg::Error::NotFound { path: file }.into());
        }
        dipkg::build::build(
            dipkg::build::Source::Jsonl(&file),
            &a.output,
            inputs.min_confidence,
        )
    } else {
        let dir = ontology_dir(inputs);
        let paths = input_paths(inputs);
        if !a.no_cache {
            let fp = dipkg::incremental::fingerprint(&dir)?;
            let mut hashes = None;
            if !fills_store(&a) {
                (digest, hashes) = build_digest(&fp, inputs.min_confidence, &paths).unzip();
                dipkg::build::timing("inputs digest");
                let current = digest
                    .as_deref()
                    .and_then(|d| Manifest::current(&a.output, d));
                if let Some(m) = current {
                    return Ok(up_to_date(&a, &m, start));
                }
            }
            let mut c = Cache::open(&Cache::file_in(&a.output), &fp);
            if let Some(hashes) = hashes {
                c.trust_hashes(hashes);
            }
            cache = Some(c);
            dipkg::build::timing("cache index");
        }
        let _ = Manifest::remove(&a.output);
        let pipeline = Pipeline::from_ontology_dir(&dir)?;
        dipkg::build::build(
            dipkg::build::Source::Documents {
                pipeline: &pipeline,
                inputs: &paths,
                cache: cache.as_mut(),
            },
            &a.output,
            inputs.min_confidence,
        )
    };
    let report = match report {
        Ok(r) => r,
        Err(e @ dipkg::Error::Syntax { .. }) => return Err(e.into()),
        Err(e) => return Err(anyhow::Error::new(e).context(written_to())),
    };
    for e in &report.errors {
        eprintln!("dipkg: error: {}", one_line(&e.to_string()));
    }
    #[cfg(feature = "rocksdb")]
    let stored = match &a.store {
        Some(dir) => {
            let store = GraphStore::open(dir)?;
            let n = store
                .replace_with_file(&a.output.join("graph.nq"))
                .with_context(|| format!("cannot fill the store {}", dir.display()))?;
            Some(format!("store:     {n} quads in {}\n", dir.display()))
        }
        None => None,
    };
    let g = &report.graph;
    let mut out = summary(report.documents, report.errors.len(), g);
    let warnings: Vec<String> = g.warnings().iter().map(|w| one_line(w)).collect();
    if let Some(d) = digest.filter(|_| report.errors.is_empty()) {
        let m = Manifest::write(
            &a.output,
            &d,
            &report.written,
            report.documents,
            &out,
            &warnings,
        );
        if let Err(e) = m {
            eprintln!("dipkg: warning: no build manifest written ({e}): the next build will not be skipped");
        }
    }
    #[cfg(feature = "rocksdb")]
    if let Some(line) = stored {
        out.push_str(&line);
    }
    if let Some(c) = &cache {
        let why = c
            .invalidated
            .as_ref()
            .map(|w| format!("; cache not used: {w}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "incremental: {} re-extracted, {} reused{why}",
            c.extracted, c.reused
        );
    }
    let _ = writeln!(
        out,
        "wrote {} files to {} in {:.2} s",
        report.written.len(),
        a.output.display(),
        start.elapsed().as_secs_f64()
    );
    print!("{out}");
    for w in &warnings {
        eprintln!("dipkg: warning: {w}");
    }
    let code = if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    // The process ends next: freeing the graph's millions of allocations
    // one by one would only make the user wait (0.4 s at 300,000
    // documents).
    std::mem::forget(report);
    Ok(code)
}

/// Whether the build also fills a RocksDB store (never skipped: the store
/// is filled anew).
fn fills_store(a: &BuildArgs) -> bool {
    #[cfg(feature = "rocksdb")]
    return a.store.is_some();
    #[cfg(not(feature = "rocksdb"))]
    {
        let _ = a;
        false
    }
}

/// The digest that decides whether a build can be skipped: dipkg and the
/// ontology (`fingerprint`), the options, each input's path and bytes;
/// with the inputs' hashes it was made of. `None` when an input is missing
/// or unreadable (the build reports it).
fn build_digest(
    fingerprint: &str,
    min_confidence: f32,
    paths: &[PathBuf],
) -> Option<(String, Vec<(String, String)>)> {
    let (files, missing) = dipkg::ingest::collect_inputs(paths);
    if !missing.is_empty() {
        return None;
    }
    let options = format!("min_confidence={min_confidence:?}");
    let hashes = dipkg::incremental::input_hashes(&files)?;
    Some((
        dipkg::incremental::inputs_digest(fingerprint, &options, &hashes),
        hashes,
    ))
}

/// A build with nothing changed since the last complete one: what it
/// printed, and nothing written.
fn up_to_date(a: &BuildArgs, m: &Manifest, start: Instant) -> ExitCode {
    print!(
        "{}incremental: 0 re-extracted, {} reused; nothing changed since the last build\n\
         up to date: {} files in {}, none written ({:.2} s)\n",
        m.summary,
        m.documents,
        m.files(),
        a.output.display(),
        start.elapsed().as_secs_f64()
    );
    for w in &m.warnings {
        eprintln!("dipkg: warning: {w}");
    }
    ExitCode::SUCCESS
}

/// The build summary: documents, entities by type, relations by predicate.
fn summary(documents: usize, failed: usize, g: &KnowledgeGraph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "documents: {documents} extracted, {failed} failed");
    let mut by_type: BTreeMap<EntityType, usize> = BTreeMap::new();
    for n in g.nodes() {
        *by_type.entry(n.entity_type).or_default() += 1;
    }
    let types: Vec<String> = by_type.iter().map(|(t, n)| format!("{t} {n}")).collect();
    let _ = writeln!(out, "entities:  {} ({})", g.node_count(), types.join(", "));
    let mut by_pred: BTreeMap<Predicate, (usize, usize)> = BTreeMap::new();
    for e in g.edges() {
        let c = by_pred.entry(e.predicate).or_default();
        c.0 += 1;
        c.1 += e.weight();
    }
    let statements: usize = by_pred.values().map(|c| c.1).sum();
    let preds: Vec<String> = by_pred
        .iter()
        .map(|(p, c)| format!("{p} {}", c.0))
        .collect();
    let _ = writeln!(
        out,
        "relations: {} facts from {} statements ({})",
        g.edge_count(),
        statements,
        preds.join(", ")
    );
    let _ = writeln!(out, "meetings:  {}", g.meetings().len());
    out
}

fn extract(a: ExtractArgs) -> Result<ExitCode> {
    if a.format == "json" && a.inputs.from_jsonl.is_none() {
        // Streamed: the corpus is never held whole.
        let dir = a
            .inputs
            .ontology
            .clone()
            .unwrap_or_else(default_ontology_dir);
        let pipeline = Pipeline::from_ontology_dir(&dir)?;
        let paths = if a.inputs.inputs.is_empty() {
            vec![PathBuf::from("seeds")]
        } else {
            a.inputs.inputs.clone()
        };
        let w = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout());
        let (_, errors) = dipkg::build::extract_jsonl(
            &pipeline,
            &paths,
            &std::env::temp_dir(),
            a.inputs.min_confidence,
            w,
        )?;
        for e in &errors {
            eprintln!("dipkg: error: {}", one_line(&e.to_string()));
        }
        return Ok(if errors.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let loaded = load(&a.inputs)?;
    let stdout = std::io::stdout();
    let w = std::io::BufWriter::new(stdout.lock());
    let result = match a.format.as_str() {
        "json" => export::jsonl::write_jsonl(w, &loaded.extractions).and_then(|mut w| w.flush()),
        fmt => {
            let quads = export::rdf::to_quads(&loaded.extractions);
            if fmt == "nquads" {
                export::rdf::write_nquads(w, &quads).and_then(|mut w| w.flush())
            } else {
                export::rdf::write_turtle(w, &quads).and_then(|mut w| w.flush())
            }
        }
    };
    result.context("cannot write to standard output")?;
    Ok(loaded.code())
}

fn query(a: QueryArgs) -> Result<ExitCode> {
    let (text, source) = match (&a.sparql, &a.file) {
        (Some(q), None) => (q.clone(), PathBuf::from("<query>")),
        (None, Some(f)) => {
            let text = std::fs::read_to_string(f).map_err(|e| dipkg::Error::io(f, e))?;
            (text, f.clone())
        }
        _ => bail!("give a SPARQL query or --file Q.rq (see dipkg query --help)"),
    };
    #[cfg(feature = "rocksdb")]
    if let Some(dir) = &a.store {
        let store = GraphStore::open(dir)?;
        store.load_files(&a.data)?;
        let format =
            ResultFormat::parse(&a.format).ok_or_else(|| anyhow!("unknown format {}", a.format))?;
        print!("{}", store.query_named(&text, &source, format)?);
        return Ok(ExitCode::SUCCESS);
    }
    let data = if a.data.is_empty() {
        let default = PathBuf::from("out/graph.nq");
        if !default.exists() {
            bail!("out/graph.nq: no such file (run `dipkg build` first, or pass --data FILE)");
        }
        vec![default]
    } else {
        a.data.clone()
    };
    let store = GraphStore::new()?;
    store.load_files(&data)?;
    let format =
        ResultFormat::parse(&a.format).ok_or_else(|| anyhow!("unknown format {}", a.format))?;
    let out = store.query_named(&text, &source, format)?;
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn eval(a: EvalArgs) -> Result<ExitCode> {
    let loaded = load(&a.inputs)?;
    let scores = dipkg::eval::evaluate(&a.gold, &loaded.extractions)?;
    if a.json {
        println!("{}", scores.to_json(a.details));
    } else {
        print!("{}", scores.render(a.details));
    }
    Ok(loaded.code())
}

fn render(a: RenderArgs) -> Result<ExitCode> {
    let format = match a.output.extension().and_then(|e| e.to_str()) {
        Some(e @ ("svg" | "png" | "pdf")) => e.to_string(),
        _ => bail!(
            "{}: the output must end in .svg, .png or .pdf",
            a.output.display()
        ),
    };
    let (graph, code) = load_graph(&a.inputs)?;
    let dot = export::dot_source_of(&graph, &a.filter.to_filter())?;
    dipkg::export::dot::render(&dot, &format, &a.output)?;
    println!("wrote {}", a.output.display());
    Ok(code)
}

fn export_cmd(a: ExportArgs) -> Result<ExitCode> {
    let format = match a.format.as_str() {
        "csv" => Format::Csv,
        "graphml" => Format::GraphMl,
        "dot" => Format::Dot,
        "nquads" => Format::NQuads,
        "trig" => Format::TriG,
        "turtle" => Format::Turtle,
        _ => Format::Jsonl,
    };
    let loaded = load(&a.inputs)?;
    let written = export::export(
        &loaded.extractions,
        &a.filter.to_filter(),
        format,
        &a.output,
    )
    .with_context(|| format!("cannot write {}", a.output.display()))?;
    for w in written {
        println!("wrote {}", w.display());
    }
    Ok(loaded.code())
}

fn stats(a: StatsArgs) -> Result<ExitCode> {
    let (graph, code) = load_graph(&a.inputs)?;
    let g = graph.filtered(&a.filter.to_filter())?;
    let g = match a.level.as_str() {
        "countries" => g.country_projection(),
        "ministries" => g.organization_projection(),
        _ => g,
    };
    let m = dipkg::stats::compute(&g);
    print!("{}", dipkg::stats::report(&g, &m, a.top));
    Ok(code)
}

fn entities(a: EntitiesArgs) -> Result<ExitCode> {
    let loaded = load(&a.inputs)?;
    let g = KnowledgeGraph::from_extractions(&loaded.extractions);
    let rows: Vec<[String; 5]> = g
        .nodes()
        .filter(|n| a.entity_type.is_none_or(|t| n.entity_type == t))
        .map(|n| {
            [
                n.id.clone(),
                n.entity_type.to_string(),
                n.label.clone(),
                n.aliases.iter().cloned().collect::<Vec<_>>().join("; "),
                n.documents.iter().cloned().collect::<Vec<_>>().join(" "),
            ]
        })
        .collect();
    print!(
        "{}",
        aligned(&["id", "type", "label", "aliases", "documents"], &rows)
    );
    Ok(loaded.code())
}

/// A plain aligned table.
fn aligned<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let s: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect();
        s.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

fn explain(a: ExplainArgs) -> Result<ExitCode> {
    let loaded = load(&a.inputs)?;
    let g = KnowledgeGraph::from_extractions(&loaded.extractions);
    let n = g
        .find(&a.entity)
        .ok_or_else(|| anyhow!("no entity named '{}' in the corpus", a.entity))?;
    let mut out = String::new();
    let _ = writeln!(out, "{} ({}) id {}", n.label, n.entity_type, n.id);
    if n.types.len() > 1 {
        let t: Vec<String> = n.types.iter().map(|t| t.to_string()).collect();
        let _ = writeln!(out, "  typed differently by documents: {}", t.join(", "));
    }
    if let Some(c) = &n.country {
        let _ = writeln!(out, "  country: {c}");
    }
    let _ = writeln!(
        out,
        "  known to the lexicon: {}",
        if n.known {
            "yes"
        } else {
            "no (found by a pattern)"
        }
    );
    let aliases: Vec<&str> = n.aliases.iter().map(String::as_str).collect();
    let _ = writeln!(
        out,
        "  other names: {}",
        if aliases.is_empty() {
            "none".into()
        } else {
            aliases.join("; ")
        }
    );
    let _ = writeln!(out, "  mentions merged into it, by document:");
    for x in &loaded.extractions {
        if let Some(e) = x.entity(&n.id) {
            let mut texts: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for m in &e.mentions {
                texts
                    .entry(&m.text)
                    .or_default()
                    .push(format!("{}-{}", m.start, m.end));
            }
            let list: Vec<String> = texts
                .iter()
                .map(|(t, at)| format!("\"{t}\" at {}", at.join(", ")))
                .collect();
            let _ = writeln!(
                out,
                "    {} ({}): {}",
                x.document.id,
                x.document.path,
                list.join("; ")
            );
        }
    }
    if !n.merges.is_empty() {
        let _ = writeln!(out, "  resolution notes:");
        for m in &n.merges {
            let _ = writeln!(out, "    {m}");
        }
    }
    let edges = g.edges_of(&n.id);
    if !edges.is_empty() {
        let _ = writeln!(out, "  relations:");
        for e in edges {
            let _ = writeln!(
                out,
                "    {} {} {} (×{})",
                e.source,
                e.predicate,
                e.target,
                e.weight()
            );
        }
    }
    print!("{out}");
    Ok(loaded.code())
}

fn synth(a: SynthArgs) -> Result<ExitCode> {
    let dir = a.ontology.clone().unwrap_or_else(default_ontology_dir);
    let lexicon = dipkg::lexicon::Lexicon::load_dir(&dir)?;
    export::create_dir(&a.output)
        .with_context(|| format!("cannot write the output directory {}", a.output.display()))?;
    let n = dipkg::synth::generate(&lexicon, a.docs, a.seed, &a.output)?;
    println!("wrote {n} documents to {}", a.output.display());
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    /// The option number we set is the one mimalloc calls `purge_delay`:
    /// its own listing of the options, one line each in number order
    /// after a line with its version, names it.
    #[cfg(not(feature = "rocksdb"))]
    #[test]
    fn the_mimalloc_option_set_is_purge_delay() {
        use std::ffi::{c_char, c_void, CStr};
        extern "C" {
            fn mi_options_print_out(out: libmimalloc_sys::mi_output_fun, arg: *mut c_void);
        }
        unsafe extern "C" fn collect(msg: *const c_char, arg: *mut c_void) {
            // SAFETY: `arg` is the `String` below; mimalloc passes C strings.
            let out = unsafe { &mut *arg.cast::<String>() };
            out.push_str(&unsafe { CStr::from_ptr(msg) }.to_string_lossy());
        }
        let mut listing = String::new();
        // SAFETY: `collect` only appends to `listing`, alive for the call.
        unsafe { mi_options_print_out(Some(collect), (&raw mut listing).cast()) };
        let line = listing
            .lines()
            .nth(1 + MI_OPTION_PURGE_DELAY as usize)
            .unwrap_or_default();
        assert!(
            line.starts_with("option 'purge_delay':"),
            "option {MI_OPTION_PURGE_DELAY} is {line:?} in:\n{listing}"
        );
    }

    #[test]
    fn errors_print_on_one_line() {
        assert_eq!(one_line("a\n  b"), "a b");
    }
}
