//! The lexicon (stub: signatures fixed, body being written).

use crate::error::Result;
use crate::model::EntityType;
use std::path::Path;

/// One known entity of the gazetteer.
#[derive(Debug, Clone)]
pub struct LexEntry {
    pub id: String,
    pub entity_type: EntityType,
    pub label: String,
    pub alt_labels: Vec<String>,
    /// Entity id of the country it belongs to.
    pub country: Option<String>,
}

#[derive(Debug, Default)]
pub struct Lexicon {
    pub entries: Vec<LexEntry>,
}

impl Lexicon {
    pub fn load_dir(dir: &Path) -> Result<Lexicon> {
        let _ = dir;
        Ok(Lexicon::default())
    }
}
