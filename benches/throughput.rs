//! Extraction throughput on one core, over a directory of documents.
//!
//! `cargo bench --bench throughput -- DIR [PASSES]` reads every `.txt` /
//! `.html` file under `DIR` into memory, extracts them all once to warm up
//! (the regexes' lazy DFAs fill their caches on first use), then times
//! `PASSES` (default 3) more passes of `Pipeline::extract_bytes` on the
//! calling thread alone and prints MB/s of input, documents/s and the best
//! and median pass. Reading files and writing outputs are not timed: this is
//! the "extraction per core" figure of the README. Compare two builds with
//! the same DIR; `benches/stages.rs` splits the same work by stage, and
//! `benches/instructions.sh` counts the instructions of the timed passes
//! (the same on every run, where times vary with what else the machine is
//! doing).

use dipkg::ingest::collect_inputs;

/// The allocator of the `dipkg` binary, so that the figure is the one users
/// get (with glibc's malloc extraction is about 12% slower).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use dipkg::pipeline::{default_ontology_dir, Pipeline};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    // `cargo bench` passes `--bench` to every bench binary; skip flags.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: cargo bench --bench throughput -- DIR [PASSES]");
        std::process::exit(2);
    };
    let passes: usize = args.get(1).and_then(|p| p.parse().ok()).unwrap_or(3);
    let pipeline = Pipeline::from_ontology_dir(&default_ontology_dir()).unwrap_or_else(|e| {
        eprintln!("throughput: {e}");
        std::process::exit(1);
    });
    let (files, errors) = collect_inputs(&[PathBuf::from(dir)]);
    for e in &errors {
        eprintln!("throughput: {e}");
    }
    let docs: Vec<(PathBuf, Vec<u8>)> = files
        .into_iter()
        .filter_map(|p| std::fs::read(&p).ok().map(|b| (p, b)))
        .collect();
    let bytes: usize = docs.iter().map(|(_, b)| b.len()).sum();
    if docs.is_empty() {
        eprintln!("throughput: no documents under {dir}");
        std::process::exit(1);
    }
    warm_up(&pipeline, &docs);
    let mut times: Vec<f64> = (0..passes.max(1))
        .map(|_| timed_pass(&pipeline, &docs))
        .collect();
    times.sort_by(f64::total_cmp);
    let (best, median) = (times[0], times[times.len() / 2]);
    // Exact sizes, for `benches/instructions.sh`.
    println!("input: {} documents, {bytes} bytes", docs.len());
    println!(
        "{} documents, {:.1} MB: best {:.3} s ({:.2} MB/s, {:.0} documents/s), median {:.3} s ({:.2} MB/s)",
        docs.len(),
        bytes as f64 / 1e6,
        best,
        bytes as f64 / 1e6 / best,
        docs.len() as f64 / best,
        median,
        bytes as f64 / 1e6 / median,
    );
}

/// Extract every document once, untimed: the regexes' lazy DFAs fill their
/// caches.
#[inline(never)]
fn warm_up(pipeline: &Pipeline, docs: &[(PathBuf, Vec<u8>)]) {
    extract_each(pipeline, docs);
}

/// One timed pass, in seconds. A function of its own, never inlined, so
/// that `benches/instructions.sh` can count the instructions of the timed
/// passes alone (callgrind's `--toggle-collect=*timed_pass*`).
#[inline(never)]
fn timed_pass(pipeline: &Pipeline, docs: &[(PathBuf, Vec<u8>)]) -> f64 {
    let t = Instant::now();
    extract_each(pipeline, docs);
    t.elapsed().as_secs_f64()
}

#[inline(always)]
fn extract_each(pipeline: &Pipeline, docs: &[(PathBuf, Vec<u8>)]) {
    for (p, b) in docs {
        let _ = black_box(pipeline.extract_bytes(p, b));
    }
}
