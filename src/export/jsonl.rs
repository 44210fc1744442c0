//! JSON Lines of extractions: one `Extraction` per line, exactly the
//! model's serde serialization (the contract of ANNOTATION.md).

use crate::error::{Error, Result};
use crate::graph::{GraphBuilder, KnowledgeGraph};
use crate::model::Extraction;
use std::io::BufRead;
use std::io::{self, Write};
use std::path::Path;

/// One line per extraction.
pub fn write_jsonl<W: Write>(mut w: W, extractions: &[Extraction]) -> io::Result<W> {
    for x in extractions {
        serde_json::to_writer(&mut w, x)?;
        w.write_all(b"\n")?;
    }
    Ok(w)
}

/// Read a JSON Lines file written by [`write_jsonl`] (blank lines skipped);
/// a bad line is an error with its line and column.
pub fn read_jsonl(path: &Path) -> Result<Vec<Extraction>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_jsonl(path, &text)
}

/// Parse JSON Lines text; `path` names it in errors.
pub fn parse_jsonl(path: &Path, text: &str) -> Result<Vec<Extraction>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let x = serde_json::from_str(line).map_err(|e| Error::Syntax {
            path: path.to_path_buf(),
            line: i as u64 + 1,
            column: e.column() as u64,
            message: e.to_string(),
        })?;
        out.push(x);
    }
    Ok(out)
}

/// The graph of a JSON Lines file, read a line at a time: the extractions
/// are never all in memory (what `stats` and `render` need of a large
/// build's `extract.jsonl`). Relations below `min_confidence` are left out;
/// a bad line is an error with its line and column.
pub fn read_graph(path: &Path, min_confidence: f32) -> Result<KnowledgeGraph> {
    // Around the page cache, as the build wrote it (see `crate::direct`).
    let file = crate::direct::DirectReader::open(path).map_err(|e| Error::io(path, e))?;
    let mut builder = GraphBuilder::default();
    for (i, line) in file.lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let mut x: Extraction = serde_json::from_str(&line).map_err(|e| Error::Syntax {
            path: path.to_path_buf(),
            line: i as u64 + 1,
            column: e.column() as u64,
            message: e.to_string(),
        })?;
        if min_confidence > 0.0 {
            x.relations.retain(|r| r.confidence >= min_confidence);
        }
        builder.add(&x);
    }
    Ok(builder.finish())
}
