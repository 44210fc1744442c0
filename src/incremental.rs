//! Incremental builds: a cache of per-document extractions kept beside the
//! outputs, so that `dipkg build` on an existing output directory
//! re-extracts only the documents whose bytes changed.
//!
//! The cache file (`{out}/.dipkg-cache.jsonl`) is JSON Lines: a header
//! `{"dipkg_cache":1,"fingerprint":"..."}`, then one line per document in
//! input order, `{"path":...,"sha256":...,"extraction":{...}}`, where the
//! extraction is the one of that document alone, *before* resolution across
//! documents (which depends on the whole corpus and is rerun every build;
//! it is cheap). The fingerprint covers the dipkg version, its source tree
//! (hashed by `build.rs`) and every file of the ontology directory, so that
//! a changed lexicon or extractor invalidates everything.
//!
//! A document is reused when the cache has an entry for its path (as given
//! on the command line) with the SHA-256 of its current bytes. A missing,
//! stale or unreadable cache is never an error: it just means a full
//! extraction. Since extraction is a function of (path, bytes, lexicon,
//! code), a build from the cache is byte-identical to a clean build.

use crate::direct::{DirectFile, DirectReader};
use crate::error::{Error, Result};
use crate::model::Extraction;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

/// File name of the cache inside an output directory.
pub const CACHE_FILE: &str = ".dipkg-cache.jsonl";

/// Version of the cache file layout.
const LAYOUT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Header {
    dipkg_cache: u32,
    fingerprint: String,
}

/// The first fields of an entry line (the extraction is parsed on reuse).
#[derive(Deserialize)]
struct Head {
    path: String,
    sha256: String,
}

impl Head {
    /// The head of an entry line as [`Cache::entry_line`] writes it
    /// (`{"path":…,"sha256":"…",` first), read without parsing the rest:
    /// the extraction is most of the line, and indexing a large cache
    /// spent most of its time parsing what it then threw away. An entry
    /// whose extraction turns out damaged is extracted again on reuse
    /// ([`Index::lookup`]).
    fn of_prefix(line: &str) -> Option<Head> {
        let (path, sha256, _) = split_entry(line)?;
        Some(Head {
            path: serde_json::from_str(path).ok()?,
            sha256: sha256.to_string(),
        })
    }
}

/// An entry line as [`Cache::entry_line`] writes it
/// (`{"path":…,"sha256":"…","extraction":…}`), cut into the path's JSON
/// string, the hash, and the extraction's JSON, without parsing them.
fn split_entry(line: &str) -> Option<(&str, &str, &str)> {
    let rest = line.strip_prefix(r#"{"path":"#)?;
    // The path's JSON string: to the first quote not escaped.
    let b = rest.as_bytes();
    if b.first() != Some(&b'"') {
        return None;
    }
    let mut end = 1;
    while *b.get(end)? != b'"' {
        end += if b[end] == b'\\' { 2 } else { 1 };
    }
    let path = rest.get(..end + 1)?;
    let rest = rest[end + 1..].strip_prefix(r#","sha256":""#)?;
    let (sha256, rest) = rest.split_once('"')?;
    let extraction = rest.strip_prefix(r#","extraction":"#)?.strip_suffix('}')?;
    Some((path, sha256, extraction))
}

#[derive(Serialize)]
struct EntryOut<'a> {
    path: &'a str,
    sha256: &'a str,
    extraction: &'a Extraction,
}

#[derive(Deserialize)]
struct EntryIn {
    extraction: Extraction,
}

/// One cached document: the SHA-256 of its bytes and where its entry line
/// is in the old cache file.
#[derive(Debug, Clone)]
struct Entry {
    sha256: String,
    offset: u64,
    len: usize,
}

/// The extraction cache of one output directory. The old file is only
/// indexed (path, hash, position): an entry is read when it is reused.
/// The entries of a run are written as they come to `{file}.tmp`, which
/// [`Cache::commit`] renames over the old file, so memory does not grow
/// with the cached extractions.
///
/// Its two halves can be borrowed apart ([`Cache::split`]): the [`Index`]
/// of the old file, read by the threads that extract a batch, and the
/// [`Writer`] of the new one, which takes the previous batch's entries at
/// the same time.
#[derive(Debug)]
pub struct Cache {
    file: PathBuf,
    fingerprint: String,
    index: Index,
    out: Option<DirectFile>,
    written: usize,
    failed: Option<std::io::Error>,
    /// Why the cache on disk was not used, when it was not.
    pub invalidated: Option<String>,
    /// Documents of the last run taken from the cache.
    pub reused: usize,
    /// Documents of the last run extracted afresh.
    pub extracted: usize,
}

/// The old cache file's entries by path (where each is, not what it holds).
#[derive(Debug, Default)]
pub struct Index {
    old: Option<std::fs::File>,
    /// The old file's path (to read it front to back: [`Index::in_order`]).
    path: Option<PathBuf>,
    entries: BTreeMap<String, Entry>,
    /// The inputs' hashes as this run computed them already (the build
    /// digest), by path: see [`Cache::trust_hashes`].
    current: HashMap<String, String>,
}

/// Where the entries of a run go: [`Cache::push`] while the [`Index`] is
/// borrowed elsewhere.
pub struct Writer<'a> {
    out: &'a mut Option<DirectFile>,
    written: &'a mut usize,
    failed: &'a mut Option<std::io::Error>,
    reused: &'a mut usize,
    extracted: &'a mut usize,
}

/// The SHA-256 of some bytes, lower-case hex (as in `DocumentInfo::sha256`).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What the extractions depend on besides the documents: the dipkg version,
/// its source tree and the ontology directory's files (names and bytes).
pub fn fingerprint(ontology_dir: &Path) -> Result<String> {
    let mut files = Vec::new();
    walk(ontology_dir, &mut files)?;
    files.sort();
    let mut h = Sha256::new();
    h.update(concat!(
        "dipkg ",
        env!("CARGO_PKG_VERSION"),
        " ",
        env!("DIPKG_SOURCE_HASH"),
        "\n"
    ));
    for f in &files {
        let bytes = std::fs::read(f).map_err(|e| Error::io(f, e))?;
        let name = f.strip_prefix(ontology_dir).unwrap_or(f);
        h.update(name.to_string_lossy().as_bytes());
        h.update(format!("\0{}\0", bytes.len()));
        h.update(&bytes);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in rd {
        let p = entry.map_err(|e| Error::io(dir, e))?.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

/// File name, inside an output directory, of the manifest of the last
/// complete build.
pub const MANIFEST_FILE: &str = ".dipkg-manifest.json";

/// Version of the manifest's layout.
const MANIFEST_LAYOUT: u32 = 1;

/// What a complete build leaves beside its outputs, so that a build with
/// nothing changed can stop before doing anything: a digest of everything
/// the outputs are a function of (dipkg, the ontology, the options, every
/// input's path and bytes), the length and modification time of each file
/// it wrote, and what it printed.
///
/// A build removes the manifest before it writes anything and writes it
/// last, so a build that fails or is interrupted leaves none. The digest
/// is taken before the inputs are read for extraction: an input changed
/// during a build gives another digest next time.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    dipkg_manifest: u32,
    inputs: String,
    outputs: Vec<Stamp>,
    /// Documents built.
    pub documents: usize,
    /// The build's summary (standard output).
    pub summary: String,
    /// The build's warnings (standard error).
    pub warnings: Vec<String>,
}

/// An output file as the build left it.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Stamp {
    name: String,
    len: u64,
    modified_ns: u128,
}

impl Stamp {
    fn of(dir: &Path, name: &str) -> Option<Stamp> {
        let meta = std::fs::metadata(dir.join(name)).ok()?;
        let modified = meta.modified().ok()?;
        let modified_ns = modified
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(Stamp {
            name: name.to_string(),
            len: meta.len(),
            modified_ns,
        })
    }
}

/// Each input's path, as given (sorted), with the SHA-256 of its bytes:
/// what [`inputs_digest`] digests, and what lets a build from the cache
/// reuse an entry without reading the file again ([`Cache::trust_hashes`]).
/// `None` when some input cannot be read (the build will say which).
pub fn input_hashes(files: &[PathBuf]) -> Option<Vec<(String, String)>> {
    use rayon::prelude::*;
    let mut files: Vec<(String, &PathBuf)> = files
        .iter()
        .map(|p| (p.to_string_lossy().into_owned(), p))
        .collect();
    files.sort();
    files
        .into_par_iter()
        .map(|(name, p)| std::fs::read(p).ok().map(|b| (name, sha256_hex(&b))))
        .collect()
}

/// The digest of a build's inputs: `fingerprint` (dipkg and the ontology),
/// `options` (whatever else changes the outputs), and each input's path
/// with its hash ([`input_hashes`]).
pub fn inputs_digest(fingerprint: &str, options: &str, hashes: &[(String, String)]) -> String {
    let mut h = Sha256::new();
    h.update(format!("{fingerprint}\n{options}\n"));
    for (name, hash) in hashes {
        h.update(format!("{}\0{name}\0{hash}\n", name.len()));
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl Manifest {
    /// The manifest of `dir` when it was made from inputs of this digest
    /// and every file it lists is still as the build left it.
    pub fn current(dir: &Path, inputs: &str) -> Option<Manifest> {
        let text = std::fs::read_to_string(dir.join(MANIFEST_FILE)).ok()?;
        let m: Manifest = serde_json::from_str(&text).ok()?;
        let fresh = m.dipkg_manifest == MANIFEST_LAYOUT
            && m.inputs == inputs
            && !m.outputs.is_empty()
            && m.outputs
                .iter()
                .all(|s| Stamp::of(dir, &s.name).as_ref() == Some(s));
        fresh.then_some(m)
    }

    /// Remove the manifest of `dir` (before a build writes anything).
    pub fn remove(dir: &Path) -> std::io::Result<()> {
        match std::fs::remove_file(dir.join(MANIFEST_FILE)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Write the manifest of a complete build of `dir`: `written` are the
    /// files it wrote there (stamped now), `inputs` the digest taken before
    /// it started.
    pub fn write(
        dir: &Path,
        inputs: &str,
        written: &[PathBuf],
        documents: usize,
        summary: &str,
        warnings: &[String],
    ) -> std::io::Result<()> {
        let outputs = written
            .iter()
            .filter_map(|p| p.file_name())
            .map(|n| {
                let name = n.to_string_lossy();
                Stamp::of(dir, &name).ok_or_else(|| {
                    std::io::Error::other(format!(
                        "no length or modification time for {}",
                        dir.join(&*name).display()
                    ))
                })
            })
            .collect::<std::io::Result<Vec<Stamp>>>()?;
        let m = Manifest {
            dipkg_manifest: MANIFEST_LAYOUT,
            inputs: inputs.to_string(),
            outputs,
            documents,
            summary: summary.to_string(),
            warnings: warnings.to_vec(),
        };
        let file = dir.join(MANIFEST_FILE);
        let tmp = dir.join(format!("{MANIFEST_FILE}.tmp"));
        std::fs::write(
            &tmp,
            serde_json::to_vec_pretty(&m).map_err(std::io::Error::other)?,
        )?;
        std::fs::rename(&tmp, &file)
    }

    /// Number of output files it lists.
    pub fn files(&self) -> usize {
        self.outputs.len()
    }
}

impl Cache {
    /// The cache file of an output directory.
    pub fn file_in(dir: &Path) -> PathBuf {
        dir.join(CACHE_FILE)
    }

    /// The cache kept in `file` for extractions made under `fingerprint`:
    /// the old file is indexed when it exists and was made under the same
    /// fingerprint; otherwise the cache starts empty (with the reason in
    /// `invalidated` when there was a file).
    pub fn open(file: &Path, fingerprint: &str) -> Cache {
        let mut cache = Cache {
            file: file.to_path_buf(),
            fingerprint: fingerprint.to_string(),
            index: Index::default(),
            out: None,
            written: 0,
            failed: None,
            invalidated: None,
            reused: 0,
            extracted: 0,
        };
        let f = match std::fs::File::open(file) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return cache,
            Err(e) => {
                cache.invalidated = Some(format!("cannot read {}: {e}", file.display()));
                return cache;
            }
        };
        // Read around the page cache: the file was written that way, and
        // a large one read from disk through it costs as much system time
        // as writing it.
        let indexed = DirectReader::open(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))
            .and_then(|r| index_entries(r, fingerprint));
        match indexed {
            Ok(entries) => {
                cache.index = Index {
                    old: Some(f),
                    path: Some(file.to_path_buf()),
                    entries,
                    current: HashMap::new(),
                };
            }
            Err(why) => cache.invalidated = Some(why),
        }
        cache
    }

    /// Number of documents in the old file.
    pub fn len(&self) -> usize {
        self.index.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.entries.is_empty()
    }

    /// Take these `(path, SHA-256)` pairs ([`input_hashes`]) as the inputs'
    /// current hashes: an input whose old entry has the same hash is reused
    /// without reading the file ([`Index::unchanged`]). A build from the
    /// cache had read and hashed every input twice, once for the digest and
    /// once to look it up.
    pub fn trust_hashes(&mut self, hashes: Vec<(String, String)>) {
        self.index.current = hashes.into_iter().collect();
    }

    /// The index of the old file, for lookups.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The index of the old file and the writer of the new one, borrowed
    /// apart: a batch is looked up and extracted while the previous one is
    /// written.
    pub fn split(&mut self) -> (&Index, Writer<'_>) {
        let writer = Writer {
            out: &mut self.out,
            written: &mut self.written,
            failed: &mut self.failed,
            reused: &mut self.reused,
            extracted: &mut self.extracted,
        };
        (&self.index, writer)
    }
}

impl Index {
    /// Does the old file hold some extraction of this path?
    pub fn has(&self, path: &str) -> bool {
        self.entries.contains_key(path)
    }

    /// The cached extraction of a document and its entry line, when the old
    /// file has one for this path and these bytes.
    pub fn lookup(&self, path: &str, bytes: &[u8]) -> Option<(Extraction, String)> {
        self.lookup_with(path, bytes, None)
    }

    /// [`Index::lookup`], given the entry line of `path` when it was read
    /// already ([`OldLines::line`]).
    pub fn lookup_with(
        &self,
        path: &str,
        bytes: &[u8],
        line: Option<String>,
    ) -> Option<(Extraction, String)> {
        let entry = self.entries.get(path)?;
        if entry.sha256 != sha256_hex(bytes) {
            return None;
        }
        self.hit(path, entry, line)
    }

    /// Is `path`'s old entry for the bytes the input has now, by the hash
    /// given to [`Cache::trust_hashes`]? Then [`Index::reuse`] takes it
    /// without reading the input.
    pub fn unchanged(&self, path: &str) -> bool {
        match (self.current.get(path), self.entries.get(path)) {
            (Some(now), Some(entry)) => *now == entry.sha256,
            _ => false,
        }
    }

    /// The old extraction of an [`Index::unchanged`] input and its entry
    /// line (`line` when it was read already), if the entry can be read.
    pub fn reuse(&self, path: &str, line: Option<String>) -> Option<(Extraction, String)> {
        self.hit(path, self.entries.get(path)?, line)
    }

    fn hit(&self, path: &str, entry: &Entry, line: Option<String>) -> Option<(Extraction, String)> {
        let line = line.or_else(|| self.read_line(entry))?;
        let (x, _) = Cache::parse_entry(&line).ok()?;
        (x.document.path == path).then_some((x, line))
    }

    /// A reader of the old file's entry lines front to back, for documents
    /// taken in the order the old file has them (path order).
    pub fn in_order(&self) -> OldLines<'_> {
        let reader = match (&self.path, self.entries.is_empty()) {
            (Some(p), false) => DirectReader::open(p).ok(),
            _ => None,
        };
        OldLines {
            index: self,
            reader,
            at: 0,
        }
    }

    fn read_line(&self, entry: &Entry) -> Option<String> {
        let f = self.old.as_ref()?;
        let mut buf = vec![0u8; entry.len];
        read_exact_at(f, &mut buf, entry.offset).ok()?;
        String::from_utf8(buf).ok()
    }
}

/// The old cache file's entry lines read in one pass front to back, around
/// the page cache ([`DirectReader`]): the file was written that way, and a
/// positioned read of each entry through the page cache would read it from
/// disk at a high cost in system time. An entry behind what was read, or a
/// file that cannot be read, is left to [`Index::lookup`]'s positioned read.
pub struct OldLines<'a> {
    index: &'a Index,
    reader: Option<DirectReader>,
    /// The file offset of the reader's next byte.
    at: u64,
}

impl OldLines<'_> {
    /// The old entry line of `path`, if there is one at or after the
    /// offset read so far.
    pub fn line(&mut self, path: &str) -> Option<String> {
        let entry = self.index.entries.get(path)?;
        if entry.offset < self.at {
            return None;
        }
        let r = self.reader.as_mut()?;
        let mut skip = entry.offset - self.at;
        let mut line = vec![0u8; entry.len];
        let read = (|| -> std::io::Result<()> {
            while skip > 0 {
                let available = r.fill_buf()?.len() as u64;
                if available == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                let n = available.min(skip);
                r.consume(n as usize);
                skip -= n;
            }
            r.read_exact(&mut line)
        })();
        if read.is_err() {
            self.reader = None;
            return None;
        }
        self.at = entry.offset + entry.len as u64;
        String::from_utf8(line).ok()
    }
}

impl Cache {
    /// The entry line of an extraction made now (before cross-document
    /// resolution).
    pub fn entry_line(x: &Extraction) -> String {
        serde_json::to_string(&EntryOut {
            path: &x.document.path,
            sha256: &x.document.sha256,
            extraction: x,
        })
        .expect("extractions serialize")
    }

    /// The extraction of an entry line (as written by [`Cache::entry_line`]),
    /// and its JSON as the line holds it: what `serde_json` writes for that
    /// extraction, byte for byte, which a build copies to `extract.jsonl`
    /// when it does not change the extraction. `None` for a line laid out
    /// otherwise (parsed all the same).
    pub fn parse_entry(line: &str) -> serde_json::Result<(Extraction, Option<&str>)> {
        if let Some((_, _, json)) = split_entry(line) {
            if let Ok(x) = serde_json::from_str(json) {
                return Ok((x, Some(json)));
            }
        }
        // Parsed whole, for an error that points into the line.
        serde_json::from_str::<EntryIn>(line).map(|e| (e.extraction, None))
    }

    /// The cache file (after [`Cache::commit`], the entries of this run, in
    /// order, after one header line).
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Start writing the entries of a new run (to `{file}.tmp`).
    pub fn begin(&mut self) {
        self.reused = 0;
        self.extracted = 0;
        self.written = 0;
        self.failed = None;
        let tmp = self.tmp_file();
        let header = Header {
            dipkg_cache: LAYOUT,
            fingerprint: self.fingerprint.clone(),
        };
        let header = serde_json::to_string(&header).expect("header serializes");
        let dir = tmp.parent().filter(|d| !d.as_os_str().is_empty());
        let opened = dir
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| DirectFile::create(&tmp))
            .and_then(|mut w| {
                writeln!(w, "{header}")?;
                Ok(w)
            });
        match opened {
            Ok(w) => self.out = Some(w),
            Err(e) => self.failed = Some(e),
        }
    }

    /// Add the entry of one document of this run.
    pub fn push(&mut self, line: &str, reused: bool) {
        self.split().1.push(line, reused);
    }

    /// Replace the cache file with the entries of this run (an atomic
    /// rename, so that an interrupted build never leaves half a cache).
    pub fn commit(&mut self) -> Result<()> {
        let tmp = self.tmp_file();
        let io = |path: &Path, e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        };
        if let Some(e) = self.failed.take() {
            let _ = std::fs::remove_file(&tmp);
            return Err(io(&tmp, e));
        }
        let Some(mut w) = self.out.take() else {
            return Ok(());
        };
        w.flush().map_err(|e| io(&tmp, e))?;
        drop(w);
        self.index.old = None;
        std::fs::rename(&tmp, &self.file).map_err(|e| io(&self.file, e))
    }

    fn tmp_file(&self) -> PathBuf {
        let mut name = self.file.file_name().unwrap_or_default().to_os_string();
        name.push(".tmp");
        self.file.with_file_name(name)
    }
}

impl Writer<'_> {
    /// Add the entry of one document of this run (its line as
    /// [`Cache::entry_line`] made it, or as the old file held it when
    /// `reused`).
    pub fn push(&mut self, line: &str, reused: bool) {
        if reused {
            *self.reused += 1;
        } else {
            *self.extracted += 1;
        }
        if let Some(w) = self.out {
            if let Err(e) = writeln!(w, "{line}") {
                *self.failed = Some(e);
                *self.out = None;
            } else {
                *self.written += 1;
            }
        }
    }
}

#[cfg(unix)]
fn read_exact_at(f: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, offset)
}

#[cfg(not(unix))]
fn read_exact_at(f: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = f.try_clone()?;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

/// Index the entry lines of a cache file: path → (hash, offset, length).
fn index_entries(
    mut r: impl BufRead,
    fingerprint: &str,
) -> std::result::Result<BTreeMap<String, Entry>, String> {
    let mut line = String::new();
    let unreadable = |e: std::io::Error| format!("unreadable cache: {e}");
    let mut offset = r.read_line(&mut line).map_err(unreadable)? as u64;
    if offset == 0 {
        return Err("empty cache file".into());
    }
    let header: Header =
        serde_json::from_str(line.trim_end()).map_err(|e| format!("bad cache header: {e}"))?;
    if header.dipkg_cache != LAYOUT {
        return Err(format!(
            "cache layout {} (expected {LAYOUT})",
            header.dipkg_cache
        ));
    }
    if header.fingerprint != fingerprint {
        return Err("made by another dipkg build or ontology".into());
    }
    let mut entries = BTreeMap::new();
    for n in 2.. {
        line.clear();
        let read = r.read_line(&mut line).map_err(unreadable)?;
        if read == 0 {
            break;
        }
        let body = line.trim_end_matches(['\n', '\r']);
        let head = match Head::of_prefix(body) {
            Some(head) => head,
            None => serde_json::from_str(body).map_err(|e| format!("bad cache line {n}: {e}"))?,
        };
        entries.insert(
            head.path,
            Entry {
                sha256: head.sha256,
                offset,
                len: body.len(),
            },
        );
        offset += read as u64;
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DocumentInfo;

    #[test]
    fn entry_heads_are_read_as_a_full_parse_reads_them() {
        let paths = [
            "docs/a.txt",
            "",
            r#"we"ird\path"#,
            "\\",
            "\"",
            "caf\u{e9}/\u{1f600} \t\n\u{1}.html",
            r#"{"path":"x","sha256":"y"}"#,
        ];
        for path in paths {
            let x = Extraction {
                document: DocumentInfo {
                    path: path.to_string(),
                    sha256: sha256_hex(path.as_bytes()),
                    ..DocumentInfo::default()
                },
                entities: Vec::new(),
                relations: Vec::new(),
                diagnostics: Vec::new(),
            };
            let line = Cache::entry_line(&x);
            let fast = Head::of_prefix(&line).expect("the layout entry_line writes");
            let full: Head = serde_json::from_str(&line).unwrap();
            assert_eq!((&fast.path, &fast.sha256), (&full.path, &full.sha256));
            assert_eq!(fast.path, path);
        }
        // Anything else is left to the full parse.
        for other in [
            r#"{"sha256":"ab","path":"p","extraction":{}}"#,
            r#"{ "path":"p","sha256":"ab"}"#,
            r#"{"path":"p"}"#,
            r#"{"path":"unterminated"#,
            r#"{"path":"p\"#,
            "",
        ] {
            assert!(Head::of_prefix(other).is_none(), "{other}");
        }
    }

    #[test]
    fn old_lines_are_read_in_one_pass_as_positioned_reads_read_them() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cache.jsonl");
        let extraction = |path: &str| Extraction {
            document: DocumentInfo {
                path: path.to_string(),
                sha256: sha256_hex(path.as_bytes()),
                title: Some("x".repeat(path.bytes().map(usize::from).sum::<usize>() * 997 % 9000)),
                ..DocumentInfo::default()
            },
            entities: Vec::new(),
            relations: Vec::new(),
            diagnostics: Vec::new(),
        };
        // Lines long and short, over more than one 4 MiB chunk.
        let paths: Vec<String> = (0..1500).map(|i| format!("d/{i:05}.txt")).collect();
        let mut cache = Cache::open(&file, "fp");
        cache.begin();
        for p in &paths {
            cache.push(&Cache::entry_line(&extraction(p)), false);
        }
        cache.commit().unwrap();
        let cache = Cache::open(&file, "fp");
        let index = cache.index();
        assert!(std::fs::metadata(&file).unwrap().len() > 5 << 20);
        let mut old = index.in_order();
        for (i, p) in paths.iter().enumerate() {
            if i % 7 == 3 {
                continue; // a document gone since: skipped over
            }
            let line = old.line(p).expect("in order");
            assert_eq!(Some(&line), index.read_line(&index.entries[p]).as_ref());
            let hit = index
                .lookup_with(p, p.as_bytes(), Some(line))
                .expect("a hit");
            assert_eq!(hit.0, extraction(p));
        }
        // Behind what was read, or unknown: left to the positioned read.
        assert_eq!(old.line(&paths[0]), None);
        assert_eq!(old.line("d/unknown.txt"), None);
        assert!(index.lookup(&paths[0], paths[0].as_bytes()).is_some());
        // Another file's bytes: no hit, whatever line was read.
        assert!(index.lookup_with(&paths[1], b"changed", None).is_none());
    }
}
