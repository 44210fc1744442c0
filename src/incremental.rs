//! Incremental builds: a cache of per-document extractions kept beside the
//! outputs, so that `dipkg build` on an existing output directory
//! re-extracts only the documents whose bytes changed.
//!
//! The cache file (`{out}/.dipkg-cache.jsonl`) is JSON Lines: a header
//! `{"dipkg_cache":1,"fingerprint":"..."}`, then one line per document in
//! path order, `{"path":...,"sha256":...,"extraction":{...}}`, where the
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

use crate::error::{Error, Result};
use crate::model::Extraction;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, BufWriter, Write};
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

/// One cached document: the SHA-256 of its bytes and its entry line.
#[derive(Debug, Clone)]
struct Entry {
    sha256: String,
    line: String,
}

/// The extraction cache of one output directory.
#[derive(Debug, Default)]
pub struct Cache {
    fingerprint: String,
    entries: BTreeMap<String, Entry>,
    /// Why the cache on disk was not used, when it was not.
    pub invalidated: Option<String>,
    /// Documents of the last run taken from the cache.
    pub reused: usize,
    /// Documents of the last run extracted afresh.
    pub extracted: usize,
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

impl Cache {
    /// An empty cache for extractions made under `fingerprint`.
    pub fn new(fingerprint: &str) -> Cache {
        Cache {
            fingerprint: fingerprint.to_string(),
            ..Cache::default()
        }
    }

    /// The cache file of an output directory.
    pub fn file_in(dir: &Path) -> PathBuf {
        dir.join(CACHE_FILE)
    }

    /// Read a cache file; empty (with the reason in `invalidated`) when it
    /// is missing, unreadable or made under another fingerprint.
    pub fn load(file: &Path, fingerprint: &str) -> Cache {
        let mut cache = Cache::new(fingerprint);
        let f = match std::fs::File::open(file) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return cache,
            Err(e) => {
                cache.invalidated = Some(format!("cannot read {}: {e}", file.display()));
                return cache;
            }
        };
        match read_entries(BufReader::new(f), fingerprint) {
            Ok(entries) => cache.entries = entries,
            Err(why) => cache.invalidated = Some(why),
        }
        cache
    }

    /// Number of documents held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Does the cache hold some extraction of this path?
    pub fn has(&self, path: &str) -> bool {
        self.entries.contains_key(path)
    }

    /// The cached extraction of a document, when the cache has one for this
    /// path and these bytes.
    pub fn lookup(&self, path: &str, bytes: &[u8]) -> Option<(Extraction, String)> {
        let entry = self.entries.get(path)?;
        if entry.sha256 != sha256_hex(bytes) {
            return None;
        }
        let x: EntryIn = serde_json::from_str(&entry.line).ok()?;
        (x.extraction.document.path == path).then(|| (x.extraction, entry.line.clone()))
    }

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

    /// Replace the content with the documents of the last run: `(path,
    /// sha256, entry line)`.
    pub fn replace(&mut self, entries: impl IntoIterator<Item = (String, String, String)>) {
        self.entries = entries
            .into_iter()
            .map(|(path, sha256, line)| (path, Entry { sha256, line }))
            .collect();
    }

    /// Write the cache file (through a temporary file renamed over it, so
    /// that an interrupted build never leaves half a cache).
    pub fn save(&self, file: &Path) -> Result<()> {
        let tmp = file.with_extension("jsonl.tmp");
        let out = |e| Error::Io {
            path: tmp.clone(),
            source: e,
        };
        let f = std::fs::File::create(&tmp).map_err(out)?;
        let mut w = BufWriter::new(f);
        let header = Header {
            dipkg_cache: LAYOUT,
            fingerprint: self.fingerprint.clone(),
        };
        let header = serde_json::to_string(&header).expect("header serializes");
        writeln!(w, "{header}").map_err(out)?;
        for e in self.entries.values() {
            writeln!(w, "{}", e.line).map_err(out)?;
        }
        w.flush().map_err(out)?;
        drop(w);
        std::fs::rename(&tmp, file).map_err(|e| Error::Io {
            path: file.to_path_buf(),
            source: e,
        })
    }
}

fn read_entries(r: impl BufRead, fingerprint: &str) -> std::result::Result<BTreeMap<String, Entry>, String> {
    let mut lines = r.lines();
    let first = match lines.next() {
        Some(Ok(l)) => l,
        Some(Err(e)) => return Err(format!("unreadable cache: {e}")),
        None => return Err("empty cache file".into()),
    };
    let header: Header =
        serde_json::from_str(&first).map_err(|e| format!("bad cache header: {e}"))?;
    if header.dipkg_cache != LAYOUT {
        return Err(format!("cache layout {} (expected {LAYOUT})", header.dipkg_cache));
    }
    if header.fingerprint != fingerprint {
        return Err("made by another dipkg build or ontology".into());
    }
    let mut entries = BTreeMap::new();
    for (n, line) in lines.enumerate() {
        let line = line.map_err(|e| format!("unreadable cache: {e}"))?;
        let head: Head = serde_json::from_str(&line)
            .map_err(|e| format!("bad cache line {}: {e}", n + 2))?;
        entries.insert(
            head.path,
            Entry {
                sha256: head.sha256,
                line,
            },
        );
    }
    Ok(entries)
}
