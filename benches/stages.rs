//! Throughput of each pipeline stage, in bytes of input documents per second.
//!
//! `cargo bench --bench stages` (add `-- GROUP` to run one group, e.g.
//! `-- extract`). The corpus is `DIPKG_BENCH_DOCS` (default 300) documents
//! from `dipkg::synth` with seed 1 and the project's lexicon, plus the five
//! seed documents in their own group. Every group reports throughput in
//! bytes of the *original* files, so the numbers add up: a stage at X MB/s
//! costs 1/X seconds per MB of corpus.
//!
//! Groups: `synth` (the generator itself), `ingest`, `segment`, `mentions`,
//! `resolve` (within the document), `relations`,
//! `after_ingest` (segment + mentions + resolve + relations),
//! `extract` (`Pipeline::extract_bytes`: everything for one document),
//! `output` (what `dipkg build` does next with an extraction: JSON out and
//! back, the document's RDF chunk, the graph builder),
//! `seeds` (`extract_bytes` on the real seeds).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use dipkg::pipeline::{default_ontology_dir, Pipeline};
use dipkg::synth::Generator;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The allocator of the `dipkg` binary, so that each stage is timed as
/// users run it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Corpus {
    pipeline: Pipeline,
    docs: Vec<(PathBuf, Vec<u8>)>,
    bytes: u64,
}

fn corpus() -> Corpus {
    let pipeline =
        Pipeline::from_ontology_dir(&default_ontology_dir()).expect("the ontology loads");
    let n: usize = std::env::var("DIPKG_BENCH_DOCS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let generator = Generator::new(&pipeline.lexicon, 1);
    let docs: Vec<(PathBuf, Vec<u8>)> = generator
        .documents(n)
        .map(|d| (PathBuf::from("synth").join(&d.name), d.text.into_bytes()))
        .collect();
    let bytes = docs.iter().map(|(_, b)| b.len() as u64).sum();
    Corpus {
        pipeline,
        docs,
        bytes,
    }
}

fn stages(c: &mut Criterion) {
    let corpus = corpus();
    let lex = &*corpus.pipeline.lexicon;

    // ---------------------------------------------------------- synth
    {
        let generator = Generator::new(lex, 1);
        let mut g = c.benchmark_group("synth");
        g.throughput(Throughput::Bytes(corpus.bytes));
        g.sample_size(10).measurement_time(Duration::from_secs(5));
        g.bench_function("generate", |b| {
            b.iter(|| {
                for d in generator.documents(corpus.docs.len()) {
                    black_box(d);
                }
            })
        });
        g.finish();
    }

    // ---------------------------------------------------------- ingest
    {
        let mut g = c.benchmark_group("ingest");
        g.throughput(Throughput::Bytes(corpus.bytes));
        g.sample_size(10).measurement_time(Duration::from_secs(5));
        g.bench_function("ingest", |b| {
            b.iter(|| {
                for (path, bytes) in &corpus.docs {
                    black_box(dipkg::ingest::ingest(path, bytes, lex).expect("ingests"));
                }
            })
        });
        g.finish();
    }

    // Stages after ingest start from ingested documents.
    let ingested: Vec<dipkg::ingest::Document> = corpus
        .docs
        .iter()
        .map(|(p, b)| dipkg::ingest::ingest(p, b, lex).expect("ingests"))
        .collect();

    // ---------------------------------------------------------- segment
    {
        let mut g = c.benchmark_group("segment");
        g.throughput(Throughput::Bytes(corpus.bytes));
        g.sample_size(10).measurement_time(Duration::from_secs(5));
        g.bench_function("segment", |b| {
            b.iter(|| {
                for d in &ingested {
                    black_box(dipkg::segment::segment(&d.text));
                }
            })
        });
        g.finish();
    }

    let sentences: Vec<Vec<dipkg::segment::Sentence>> = ingested
        .iter()
        .map(|d| dipkg::segment::segment(&d.text))
        .collect();

    // ---------------------------------------------------------- mentions
    {
        let mut g = c.benchmark_group("mentions");
        g.throughput(Throughput::Bytes(corpus.bytes));
        g.sample_size(10).measurement_time(Duration::from_secs(5));
        g.bench_function("find", |b| {
            b.iter(|| {
                for doc in &sentences {
                    for s in doc {
                        black_box(dipkg::mentions::find(s, lex));
                    }
                }
            })
        });
        g.finish();
    }

    // ---------------------------------------------------------- resolve
    // Within-document resolution alone: from each document's sentences and
    // mentions (`Pipeline::mentions`) to its entities (`Pipeline::resolve`).
    let mentioned: Vec<dipkg::pipeline::Mentioned> = ingested
        .iter()
        .map(|d| corpus.pipeline.mentions(d.clone()))
        .collect();
    by_value(c, &corpus, ("resolve", "resolve", 5), &mentioned, |m| {
        black_box(corpus.pipeline.resolve(m));
    });

    // ---------------------------------------------------------- relations
    // The relation stage alone (`Pipeline::relate`): triggers, subjects and
    // objects sentence by sentence, then the document's filters.
    let prepared: Vec<dipkg::pipeline::Prepared> = mentioned
        .iter()
        .map(|m| corpus.pipeline.resolve(m.clone()))
        .collect();
    by_value(c, &corpus, ("relations", "relate", 5), &prepared, |p| {
        black_box(corpus.pipeline.relate(p));
    });

    // ---------------------------------------------------------- after ingest
    let after_ingest = ("after_ingest", "extract_document", 8);
    by_value(c, &corpus, after_ingest, &ingested, |d| {
        black_box(corpus.pipeline.extract_document(d));
    });

    // ---------------------------------------------------------- whole document
    {
        let mut g = c.benchmark_group("extract");
        g.throughput(Throughput::Bytes(corpus.bytes));
        g.sample_size(10).measurement_time(Duration::from_secs(8));
        g.bench_function("extract_bytes", |b| {
            b.iter(|| {
                for (path, bytes) in &corpus.docs {
                    black_box(
                        corpus
                            .pipeline
                            .extract_bytes(path, bytes)
                            .expect("extracts"),
                    );
                }
            })
        });
        g.finish();
    }

    // ---------------------------------------------------------- output stages
    // What `dipkg build`'s second pass does with each extraction: the JSON
    // line (and reading it back from the spool), the document's RDF graph
    // in both serialisations, and the graph builder; then the graph.
    let extractions: Vec<dipkg::model::Extraction> = corpus
        .docs
        .iter()
        .map(|(p, b)| corpus.pipeline.extract_bytes(p, b).expect("extracts"))
        .collect();
    {
        let lines: Vec<String> = extractions
            .iter()
            .map(|x| serde_json::to_string(x).expect("serializes"))
            .collect();
        let mut g = c.benchmark_group("output");
        g.throughput(Throughput::Bytes(corpus.bytes));
        g.sample_size(10).measurement_time(Duration::from_secs(5));
        g.bench_function("json_write", |b| {
            b.iter(|| {
                for x in &extractions {
                    black_box(serde_json::to_vec(x).expect("serializes"));
                }
            })
        });
        g.bench_function("json_read", |b| {
            b.iter(|| {
                for l in &lines {
                    let x: dipkg::model::Extraction = serde_json::from_str(l).expect("parses");
                    black_box(x);
                }
            })
        });
        g.bench_function("rdf_document_chunk", |b| {
            b.iter(|| {
                for x in &extractions {
                    black_box(dipkg::export::rdf::document_chunk(x));
                }
            })
        });
        g.bench_function("graph_builder", |b| {
            b.iter(|| {
                let mut builder = dipkg::graph::GraphBuilder::default();
                for x in &extractions {
                    builder.add(x);
                }
                black_box(builder.finish())
            })
        });
        g.finish();
    }

    // ---------------------------------------------------------- the real seeds
    {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut seeds: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter_map(|p| std::fs::read(&p).ok().map(|b| (p, b)))
                    .collect()
            })
            .unwrap_or_default();
        seeds.sort();
        if !seeds.is_empty() {
            let bytes: u64 = seeds.iter().map(|(_, b)| b.len() as u64).sum();
            let mut g = c.benchmark_group("seeds");
            g.throughput(Throughput::Bytes(bytes));
            g.sample_size(20).measurement_time(Duration::from_secs(3));
            g.bench_function("extract_bytes", |b| {
                b.iter(|| {
                    for (path, bytes) in &seeds {
                        black_box(corpus.pipeline.extract_bytes(path, bytes).ok());
                    }
                })
            });
            g.finish();
        }
    }
}

/// A group timing `stage` over every document's input, which the stage
/// consumes: each iteration gets a fresh copy (not timed). The triple is
/// (group, function, seconds of measurement).
fn by_value<T: Clone>(
    c: &mut Criterion,
    corpus: &Corpus,
    (group, function, seconds): (&str, &str, u64),
    inputs: &[T],
    mut stage: impl FnMut(T),
) {
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Bytes(corpus.bytes));
    g.sample_size(10)
        .measurement_time(Duration::from_secs(seconds));
    g.bench_function(function, |b| {
        b.iter_batched(
            || inputs.to_vec(),
            |docs| docs.into_iter().for_each(&mut stage),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
