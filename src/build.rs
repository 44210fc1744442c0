//! `dipkg build` at any size: documents stream through the pipeline and out
//! to disk, and memory holds the graph, never the corpus's text.
//!
//! - **Pass 1** extracts the documents in parallel, a batch at a time in
//!   path order (a thread reads the files two batches ahead), and writes
//!   each extraction (before cross-document resolution) as one line of the
//!   extraction cache, which is also the build's spool. Of each document
//!   it keeps only what cross-document resolution needs ([`CorpusPeople`]),
//!   taken from it ([`DocumentPeople`]) on the thread that extracted it.
//!   A thread of its own writes one batch's entries and gathers their
//!   people while the next is extracted.
//! - **Pass 2** reads the spool back a batch at a time, renames the persons
//!   that merge across documents, and serialises each document's N-Quads
//!   and TriG graph in parallel, with its JSON line (copied from the spool
//!   when no merge changed the document); they are written in order (each
//!   file by a thread of its own) while the [`GraphBuilder`] takes in the
//!   document's entities and evidence positions.
//! - Then the graph-wide outputs: the entities graph (appended to the RDF
//!   files) and, at the same time, DOT, CSV, GraphML, the roll-ups and the
//!   timeline.
//!
//! Outputs are byte-identical from run to run: batches are processed in
//! parallel but written in path order, and the graph is ordered by content.

use crate::direct::{DirectFile, DirectReader};
use crate::error::{Error, Result};
use crate::export::{self, rdf};
use crate::graph::{GraphBuilder, KnowledgeGraph};
use crate::incremental::{Cache, Index};
use crate::ingest;
use crate::model::Extraction;
use crate::pipeline::Pipeline;
use crate::readahead;
use crate::resolve::{apply_mapping, CorpusPeople, DocumentPeople};
use crate::stats;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// Documents per batch: enough to keep both cores busy, few enough that a
/// batch's text and output stay small.
const BATCH: usize = 64;

/// Batches of files read ahead of the one being extracted.
const READ_AHEAD: usize = 2;

/// Batches done by the pool and waiting for the thread that writes them
/// (and the buffers waiting for each file's writer: as many documents).
///
/// The pool, that thread and the file writers share two cores: a writer
/// that is not scheduled for a while must not stop the pool at once. With
/// room for one batch (and 64 buffers), 100,000 documents took 44.4–46.1 s
/// (pass 2 15.4–15.7 s); with three, 42.0–45.0 s (14.1–15.7 s), in four
/// alternating pairs.
const WRITE_BEHIND: usize = 3;

/// The spool of a build run without the cache (removed when it ends).
const SPOOL_FILE: &str = ".dipkg-spool.jsonl";

/// Where the documents of a build come from.
pub enum Source<'a> {
    /// Files and directories, extracted by `pipeline`. With a `cache`,
    /// unchanged documents are reused from it and it is refreshed;
    /// without one, a temporary spool in the output directory is used.
    Documents {
        pipeline: &'a Pipeline,
        inputs: &'a [PathBuf],
        cache: Option<&'a mut Cache>,
    },
    /// Extractions already resolved across documents, one JSON object per
    /// line (a build's `extract.jsonl`).
    Jsonl(&'a Path),
}

/// What a build did.
pub struct Report {
    /// Documents in the graph.
    pub documents: usize,
    /// Inputs that could not be read (the others were built).
    pub errors: Vec<Error>,
    pub graph: KnowledgeGraph,
    /// Files written, in order.
    pub written: Vec<PathBuf>,
}

/// Build every output of `source` into `dir`; relations below
/// `min_confidence` are left out.
pub fn build(source: Source<'_>, dir: &Path, min_confidence: f32) -> Result<Report> {
    export::create_dir(dir)?;
    timing("build started");
    let lap = timing;
    let mut writers = Writers::create(dir)?;
    let mut builder = GraphBuilder::default();
    let mut errors = Vec::new();
    let mut spool_written = None;
    let documents = match source {
        Source::Jsonl(file) => {
            let emit = Emit {
                canon: BTreeMap::new(),
                min_confidence,
                plain: true,
                json_only: false,
            };
            emit.run(file, |d| into_graph(&mut builder, &mut writers, d))?
        }
        Source::Documents {
            pipeline,
            inputs,
            cache,
        } => {
            let mut temporary;
            let (cache, keep) = match cache {
                Some(c) => (c, true),
                None => {
                    let file = dir.join(SPOOL_FILE);
                    let _ = std::fs::remove_file(&file);
                    temporary = Cache::open(&file, "spool");
                    (&mut temporary, false)
                }
            };
            let people = extract_all(pipeline, inputs, cache, &mut errors);
            cache.commit()?;
            lap("pass 1 (extraction)");
            let emit = Emit {
                canon: people.mapping(),
                min_confidence,
                plain: false,
                json_only: false,
            };
            let spool = cache.file().to_path_buf();
            let emitted = emit.run(&spool, |d| into_graph(&mut builder, &mut writers, d));
            if keep {
                spool_written = Some(spool);
            } else {
                let _ = std::fs::remove_file(&spool);
            }
            emitted?
        }
    };
    lap("pass 2 (documents written)");
    let graph = builder.finish();
    lap("graph");
    let measures = stats::compute(&graph);
    lap("measures");
    // The entities graph (to graph.nq and graph.trig, on this thread and
    // the writers') while the graph files are written.
    let (rdf, files) = rayon::join(
        || {
            writers.entities(&graph, &measures)?;
            writers.finish()
        },
        || export::write_graph_files(dir, &graph, &measures),
    );
    let mut written = rdf?;
    written.extend(files?);
    lap("entities graph and graph files");
    written.extend(spool_written);
    Ok(Report {
        documents,
        errors,
        graph,
        written,
    })
}

/// The sink of a build: the document into the graph, its outputs to the
/// files.
fn into_graph(builder: &mut GraphBuilder, w: &mut Writers, d: Emitted) -> Result<()> {
    builder.add(&d.extraction);
    w.document(d)
}

/// `dipkg extract --format json` at any size: the extractions (resolved
/// across documents) as JSON Lines to `out`, streamed like a build through
/// a temporary spool in `spool_dir`, so that memory never holds the corpus.
/// Returns the number of documents and the inputs that could not be read.
pub fn extract_jsonl(
    pipeline: &Pipeline,
    inputs: &[PathBuf],
    spool_dir: &Path,
    min_confidence: f32,
    mut out: impl Write + Send,
) -> Result<(usize, Vec<Error>)> {
    let file = spool_dir.join(format!("dipkg-spool-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let mut spool = Cache::open(&file, "spool");
    let mut errors = Vec::new();
    let people = extract_all(pipeline, inputs, &mut spool, &mut errors);
    let done = spool.commit().and_then(|()| {
        let emit = Emit {
            canon: people.mapping(),
            min_confidence,
            plain: false,
            json_only: true,
        };
        emit.run(&file, |d| {
            out.write_all(&d.json)
                .map_err(|e| Error::io("<standard output>", e))
        })
    });
    let _ = std::fs::remove_file(&file);
    let documents = done?;
    out.flush().map_err(|e| Error::io("<standard output>", e))?;
    Ok((documents, errors))
}

/// Pass 1: extract (or reuse) every document, a batch at a time in path
/// order, writing each entry to the cache as it comes. Returns what
/// cross-document resolution needs; unreadable inputs go to `errors`.
///
/// Two threads of their own keep the cores extracting: one reads the next
/// batches' files ahead, many at a time ([`readahead`]: a file not in the
/// page cache would otherwise stall an extracting thread on the disk),
/// the other writes each batch's entries and takes in its people while the
/// rayon pool extracts the next batch (done in between, that serial work
/// would leave a core idle).
fn extract_all(
    pipeline: &Pipeline,
    inputs: &[PathBuf],
    cache: &mut Cache,
    errors: &mut Vec<Error>,
) -> CorpusPeople {
    let (mut files, missing) = ingest::collect_inputs(inputs);
    errors.extend(missing);
    files.sort_by_cached_key(|p| p.to_string_lossy().into_owned());
    cache.begin();
    let (index, mut writer) = cache.split();
    type Batch = Vec<(Result<(DocumentPeople, String)>, bool)>;
    std::thread::scope(|scope| {
        // Each file's bytes (none when its hash is known to be its old
        // entry's: `Index::unchanged`), and its entry line in the old cache
        // (read in one pass: the files come in the old cache's order).
        type Read = (std::io::Result<Option<Vec<u8>>>, Option<String>);
        let (read_tx, read_rx) = mpsc::sync_channel::<Vec<Read>>(READ_AHEAD);
        let files = &files;
        let mut old = index.in_order();
        scope.spawn(move || {
            // The batches' paths (none for a file known unchanged), each
            // with its files' old entry lines, taken in order here.
            let batches = files.chunks(BATCH).map(|batch| {
                let keys: Vec<_> = batch.iter().map(|p| p.to_string_lossy()).collect();
                let paths = batch
                    .iter()
                    .zip(&keys)
                    .map(|(p, key)| (!index.unchanged(key)).then_some(p.as_path()))
                    .collect();
                let lines: Vec<Option<String>> = keys.iter().map(|key| old.line(key)).collect();
                (paths, lines)
            });
            readahead::read_batches(batches, |contents, lines| {
                let read: Vec<Read> = contents.into_iter().zip(lines).collect();
                read_tx.send(read).is_ok() // else extraction stopped
            });
        });
        let (tx, rx) = mpsc::sync_channel::<Batch>(WRITE_BEHIND);
        let sink = scope.spawn(move || {
            let mut people = CorpusPeople::default();
            let mut failed = Vec::new();
            for batch in rx {
                for (r, hit) in batch {
                    match r {
                        Ok((x, line)) => {
                            people.add_document(x);
                            writer.push(&line, hit);
                        }
                        Err(e) => failed.push(e),
                    }
                }
            }
            (people, failed)
        });
        for (batch, bytes) in files.chunks(BATCH).zip(read_rx) {
            let results: Batch = batch
                .par_iter()
                .zip(bytes)
                .map(|(p, (bytes, old_line))| {
                    let (r, hit) = match bytes {
                        Ok(Some(bytes)) => {
                            pipeline.extract_cached_bytes(index, p, &bytes, old_line)
                        }
                        Ok(None) => reuse(pipeline, index, p, old_line),
                        Err(e) => (Err(Error::io(p, e)), false),
                    };
                    (r.map(|(x, line)| (DocumentPeople::of(&x), line)), hit)
                })
                .collect();
            if tx.send(results).is_err() {
                break; // the writer panicked: `join` below says so
            }
        }
        drop(tx);
        let (people, failed) = sink.join().expect("the cache writer does not panic");
        errors.extend(failed);
        people
    })
}

/// The old entry of an input known to be unchanged, else (the entry could
/// not be read) the input read and looked up or extracted as usual.
fn reuse(
    pipeline: &Pipeline,
    index: &Index,
    p: &Path,
    old_line: Option<String>,
) -> (Result<(Extraction, String)>, bool) {
    if let Some(hit) = index.reuse(&p.to_string_lossy(), old_line) {
        return (Ok(hit), true);
    }
    match std::fs::read(p) {
        Ok(bytes) => pipeline.extract_cached_bytes(index, p, &bytes, None),
        Err(e) => (Err(Error::io(p, e)), false),
    }
}

/// Pass 2: how the spool's lines become outputs.
struct Emit {
    /// Ids that merge across documents (empty: nothing to rename).
    canon: BTreeMap<String, String>,
    min_confidence: f32,
    /// Lines are plain extractions (`extract.jsonl`), not cache entries
    /// after a header line.
    plain: bool,
    /// Only the JSON line is wanted (no RDF).
    json_only: bool,
}

/// The outputs of one document.
struct Emitted {
    extraction: Extraction,
    json: Vec<u8>,
    nquads: Vec<u8>,
    trig: Vec<u8>,
}

impl Emit {
    /// Read `file` a batch of lines at a time and write every document's
    /// outputs in order (to `sink`). Returns the number of documents.
    /// Batches are serialised on the rayon pool while a thread of its own
    /// hands the previous batch to the sink, and another reads the next
    /// batches' lines (read on this thread, they had left the pool idle
    /// between batches).
    fn run(
        &self,
        file: &Path,
        mut sink: impl FnMut(Emitted) -> Result<()> + Send,
    ) -> Result<usize> {
        let mut lines = DirectReader::open(file)
            .map_err(|e| Error::io(file, e))?
            .lines();
        let mut number = 0u64;
        if !self.plain {
            number += 1;
            if let Some(Err(e)) = lines.next() {
                return Err(Error::io(file, e));
            }
        }
        std::thread::scope(|scope| {
            type Lines = Result<Vec<(u64, String)>>;
            let (lines_tx, lines_rx) = mpsc::sync_channel::<Lines>(READ_AHEAD);
            scope.spawn(move || loop {
                let mut batch = Vec::with_capacity(BATCH);
                let mut failed = None;
                for line in lines.by_ref() {
                    number += 1;
                    match line {
                        Ok(line) if line.trim().is_empty() => {}
                        Ok(line) => batch.push((number, line)),
                        Err(e) => {
                            failed = Some(Error::io(file, e));
                            break;
                        }
                    }
                    if batch.len() == BATCH {
                        break;
                    }
                }
                let last = failed.is_some() || batch.is_empty();
                let sent = match failed {
                    Some(e) => lines_tx.send(Err(e)),
                    None if batch.is_empty() => Ok(()),
                    None => lines_tx.send(Ok(batch)),
                };
                if last || sent.is_err() {
                    return; // the end, an error, or the pass stopped
                }
            });
            let (tx, rx) = mpsc::sync_channel::<Vec<Emitted>>(WRITE_BEHIND);
            let sink = scope.spawn(move || -> Result<usize> {
                let mut documents = 0;
                for batch in rx {
                    for d in batch {
                        sink(d)?;
                        documents += 1;
                    }
                }
                Ok(documents)
            });
            let read = (|| -> Result<()> {
                for batch in lines_rx {
                    let batch = batch?;
                    let done: Result<Vec<Emitted>> = batch
                        .par_iter()
                        .map(|(n, line)| self.one(file, *n, line))
                        .collect();
                    if tx.send(done?).is_err() {
                        return Ok(()); // the sink stopped on an error: it reports it
                    }
                }
                Ok(())
            })();
            drop(tx);
            let written = sink.join().expect("the output thread does not panic");
            read.and(written)
        })
    }

    /// Parse, resolve, filter and serialise one document.
    fn one(&self, file: &Path, number: u64, line: &str) -> Result<Emitted> {
        // A line of `--from-jsonl` is the user's JSON, laid out as they
        // like; an entry of the spool or cache is the JSON we write.
        let parsed = if self.plain {
            serde_json::from_str(line).map(|x| (x, None))
        } else {
            Cache::parse_entry(line)
        };
        let (mut x, mut as_written): (Extraction, Option<&str>) =
            parsed.map_err(|e| Error::Syntax {
                path: file.to_path_buf(),
                line: number,
                column: e.column() as u64,
                message: e.to_string(),
            })?;
        if !self.canon.is_empty() && apply_mapping(&mut x, &self.canon) {
            as_written = None;
        }
        if self.min_confidence > 0.0 {
            let before = x.relations.len();
            x.relations.retain(|r| r.confidence >= self.min_confidence);
            if x.relations.len() != before {
                as_written = None;
            }
        }
        let mut json = match as_written {
            Some(text) => {
                let mut json = Vec::with_capacity(text.len() + 1);
                json.extend_from_slice(text.as_bytes());
                json
            }
            None => serde_json::to_vec(&x).expect("extractions serialize"),
        };
        json.push(b'\n');
        let rdf::Chunk { nquads, trig } = if self.json_only {
            rdf::Chunk {
                nquads: Vec::new(),
                trig: Vec::new(),
            }
        } else {
            rdf::document_chunk(&x)
        };
        Ok(Emitted {
            nquads,
            trig,
            json,
            extraction: x,
        })
    }
}

/// The files written document by document: `graph.nq`, `graph.trig`,
/// `extract.jsonl`, each by a thread of its own.
///
/// Written on the thread that also feeds the `GraphBuilder`, the three
/// files had made that thread the limit of pass 2; each is also written
/// around the page cache ([`DirectFile`]), whose copying had been a third
/// of pass 2's CPU time.
struct Writers {
    files: [Background; 3],
}

impl Writers {
    const NQUADS: usize = 0;
    const TRIG: usize = 1;
    const JSONL: usize = 2;

    fn create(dir: &Path) -> Result<Writers> {
        let mut w = Writers {
            files: [
                Background::create(dir.join("graph.nq"))?,
                Background::create(dir.join("graph.trig"))?,
                Background::create(dir.join("extract.jsonl"))?,
            ],
        };
        w.files[Self::TRIG].write(rdf::trig_header().into_bytes())?;
        Ok(w)
    }

    fn document(&mut self, d: Emitted) -> Result<()> {
        self.files[Self::NQUADS].write(d.nquads)?;
        self.files[Self::TRIG].write(d.trig)?;
        self.files[Self::JSONL].write(d.json)
    }

    /// The entities graph, after every document's graph.
    fn entities(&mut self, graph: &KnowledgeGraph, measures: &stats::Measures) -> Result<()> {
        let mut failed = None;
        let _ = rdf::for_each_entities_serialized(graph, Some(measures), |chunk| {
            let r = self.files[Self::NQUADS]
                .write(chunk.nquads)
                .and_then(|()| self.files[Self::TRIG].write(chunk.trig));
            r.map_err(|e| {
                failed = Some(e);
                std::io::Error::other("write failed")
            })
        });
        failed.map_or(Ok(()), Err)
    }

    fn finish(self) -> Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        for f in self.files {
            written.push(f.finish()?);
        }
        Ok(written)
    }
}

/// A file written by a thread of its own: the buffers handed to it are
/// written in order while the caller goes on. They are handed over a
/// batch at a time ([`BATCH`] buffers, or [`Background::BATCH_BYTES`]), at
/// most [`WRITE_BEHIND`] batches waiting: sent one by one, three per
/// document, each woke the writing thread, and the system calls were a
/// seventh of the time of the thread that sends them.
struct Background {
    path: PathBuf,
    tx: Option<mpsc::SyncSender<Vec<Vec<u8>>>>,
    /// The batch being gathered, and its size in bytes.
    pending: Vec<Vec<u8>>,
    pending_bytes: usize,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl Background {
    /// A batch is sent when it holds this many bytes, even if it has fewer
    /// than [`BATCH`] buffers (the entities graph's chunks are large).
    const BATCH_BYTES: usize = 4 << 20;

    fn create(path: PathBuf) -> Result<Background> {
        let mut w = DirectFile::create(&path).map_err(|e| Error::io(&path, e))?;
        let (tx, rx) = mpsc::sync_channel::<Vec<Vec<u8>>>(WRITE_BEHIND);
        let thread = std::thread::spawn(move || {
            for batch in rx {
                for bytes in batch {
                    w.write_all(&bytes)?;
                }
            }
            w.flush()
        });
        Ok(Background {
            path,
            tx: Some(tx),
            pending: Vec::with_capacity(BATCH),
            pending_bytes: 0,
            thread: Some(thread),
        })
    }

    /// Queue `bytes`; a write that failed before is reported here or at
    /// the next batch (the thread stops at its first error).
    fn write(&mut self, bytes: Vec<u8>) -> Result<()> {
        self.pending_bytes += bytes.len();
        self.pending.push(bytes);
        if self.pending.len() >= BATCH || self.pending_bytes >= Self::BATCH_BYTES {
            self.send()?;
        }
        Ok(())
    }

    /// Hand the gathered batch to the thread.
    fn send(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.pending, Vec::with_capacity(BATCH));
        self.pending_bytes = 0;
        let sent = self.tx.as_ref().is_some_and(|tx| tx.send(batch).is_ok());
        if sent {
            return Ok(());
        }
        self.tx = None;
        match self.join() {
            Err(e) => Err(e),
            Ok(()) => Err(Error::io(
                &self.path,
                std::io::Error::other("the file's writer stopped"),
            )),
        }
    }

    /// Wait for the thread; its error, if it had one.
    fn join(&mut self) -> Result<()> {
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(Err(e))) => Err(Error::io(&self.path, e)),
            Some(Err(_)) => Err(Error::io(
                &self.path,
                std::io::Error::other("the file's writer panicked"),
            )),
            Some(Ok(Ok(()))) | None => Ok(()),
        }
    }

    /// Everything written and flushed: the file's path.
    fn finish(mut self) -> Result<PathBuf> {
        self.send()?;
        self.tx = None;
        self.join()?;
        Ok(std::mem::take(&mut self.path))
    }
}

impl Drop for Background {
    /// A build that stops early still ends the thread (its queue closed).
    fn drop(&mut self) {
        self.tx = None;
        let _ = self.join();
    }
}

/// With `DIPKG_TIMING` set, print on standard error that `what` ended:
/// the seconds since the first call, the CPU time so far and memory.
pub fn timing(what: &str) {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let start = START.get_or_init(std::time::Instant::now);
    if std::env::var_os("DIPKG_TIMING").is_some() {
        eprintln!(
            "timing: {what} at {:.2} s ({})",
            start.elapsed().as_secs_f64(),
            memory_status()
        );
    }
}

/// Resident and peak memory, from `/proc/self/status` (Linux), for the
/// `DIPKG_TIMING` report.
fn memory_status() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or("?".to_string(), |kb| format!("{} MB", kb / 1024))
    };
    format!(
        "CPU {}, RSS {}, peak {}",
        cpu_seconds().map_or("?".to_string(), |s| format!("{s:.2} s")),
        field("VmRSS:"),
        field("VmHWM:")
    )
}

/// User plus system CPU time of the process so far (Linux: `/proc/self/stat`,
/// in clock ticks of 1/100 s, the kernel's `USER_HZ` on every architecture
/// Linux supports today).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after its ')'
    // start with field 3, so utime and stime (14 and 15) are 11th and 12th.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) as f64 / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_seconds_counts_the_work_done() {
        let Some(before) = cpu_seconds() else {
            eprintln!("SKIPPED: no /proc/self/stat on this system");
            return;
        };
        // About 0.1 s of work (well over one clock tick).
        let t = std::time::Instant::now();
        let mut x = 0u64;
        while t.elapsed().as_secs_f64() < 0.1 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        let after = cpu_seconds().expect("read once, readable again");
        assert!(after >= before + 0.05, "{before} -> {after}");
        assert!(memory_status().starts_with("CPU "), "{}", memory_status());
    }

    #[test]
    fn background_files_are_written_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        let mut w = Background::create(path.clone()).unwrap();
        let mut expected = Vec::new();
        for i in 0..2000u32 {
            let bytes = format!("{i} {}\n", "x".repeat((i % 700) as usize)).into_bytes();
            expected.extend_from_slice(&bytes);
            w.write(bytes).unwrap();
        }
        assert_eq!(w.finish().unwrap(), path);
        assert_eq!(std::fs::read(&path).unwrap(), expected);
    }

    #[test]
    fn a_failed_background_write_names_its_file() {
        let path = PathBuf::from("/dev/full");
        if !path.exists() {
            eprintln!("SKIPPED: no /dev/full on this system");
            return;
        }
        let mut w = Background::create(path).unwrap();
        let mut failed = None;
        for _ in 0..64 {
            if let Err(e) = w.write(vec![b'x'; 1 << 20]) {
                failed = Some(e);
                break;
            }
        }
        let e = match failed {
            Some(e) => e,
            None => w.finish().unwrap_err(),
        };
        assert!(e.to_string().contains("/dev/full"), "{e}");
        // A few bytes, still in the buffer: the error comes with the flush.
        let mut w = Background::create(PathBuf::from("/dev/full")).unwrap();
        w.write(b"a few bytes".to_vec()).unwrap();
        let e = w.finish().unwrap_err();
        assert!(e.to_string().contains("/dev/full"), "{e}");
    }
}
