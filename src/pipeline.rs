//! Runs the stages over files. (stub: signatures fixed, body being written)

use crate::error::{Error, Result};
use crate::lexicon::Lexicon;
use crate::model::Extraction;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The result of extracting a set of inputs: one extraction per good
/// document (sorted by path, ids resolved across documents) and one error
/// per bad one.
#[derive(Debug, Default)]
pub struct Run {
    pub extractions: Vec<Extraction>,
    pub errors: Vec<Error>,
}

impl Run {
    /// Drop relations whose confidence is below `min`.
    pub fn filter_confidence(&mut self, min: f32) {
        for x in &mut self.extractions {
            x.relations.retain(|r| r.confidence >= min);
        }
    }
}

#[derive(Clone)]
pub struct Pipeline {
    pub lexicon: Arc<Lexicon>,
}

impl Pipeline {
    pub fn new(lexicon: Lexicon) -> Pipeline {
        Pipeline { lexicon: Arc::new(lexicon) }
    }

    /// Load the lexicon from an ontology directory and build the pipeline.
    pub fn from_ontology_dir(dir: &Path) -> Result<Pipeline> {
        Ok(Pipeline::new(Lexicon::load_dir(dir)?))
    }

    /// Extract one document from its bytes (`path` is used for ids and errors).
    pub fn extract_bytes(&self, path: &Path, bytes: &[u8]) -> Result<Extraction> {
        let _ = (path, bytes);
        Err(Error::Other("not yet".into()))
    }

    /// Extract one file.
    pub fn extract_file(&self, path: &Path) -> Result<Extraction> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        self.extract_bytes(path, &bytes)
    }

    /// Expand directories, extract every document in parallel, resolve ids
    /// across documents. Bad inputs become errors; the others still run.
    pub fn run(&self, inputs: &[PathBuf]) -> Run {
        let _ = inputs;
        Run::default()
    }
}

/// Where the ontology lives: `$DIPKG_ONTOLOGY`, else `./ontology` when it
/// exists, else the `ontology/` of the source tree this binary was built from.
pub fn default_ontology_dir() -> PathBuf {
    if let Ok(d) = std::env::var("DIPKG_ONTOLOGY") {
        return PathBuf::from(d);
    }
    let local = PathBuf::from("ontology");
    if local.join("dipkg.ttl").exists() {
        return local;
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/ontology"))
}
