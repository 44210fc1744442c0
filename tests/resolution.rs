//! Identity across documents (issue 4), on our own corpus of look-alikes
//! (`tests/corpus/`): one person under four spellings is one node; two
//! different people who share a surname are two; a caption's typo is the
//! same person; one meeting told by a ministry and by a news agency is one
//! meeting node with both sources.

use dipkg::graph::KnowledgeGraph;
use dipkg::model::{EntityType, Extraction};
use dipkg::pipeline::{default_ontology_dir, Pipeline};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::OnceLock;

fn corpus() -> &'static Vec<Extraction> {
    static X: OnceLock<Vec<Extraction>> = OnceLock::new();
    X.get_or_init(|| {
        let p = Pipeline::from_ontology_dir(&default_ontology_dir()).unwrap();
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let run = p.run(&[root.join("tests/corpus/docs")]);
        assert!(run.errors.is_empty());
        run.extractions
    })
}

/// Person ids by the surface forms the documents use.
fn person_ids() -> BTreeMap<String, BTreeSet<String>> {
    let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for x in corpus() {
        for e in x
            .entities
            .iter()
            .filter(|e| e.entity_type == EntityType::Person)
        {
            for mention in &e.mentions {
                m.entry(mention.text.clone())
                    .or_default()
                    .insert(e.id.clone());
            }
        }
    }
    m
}

fn id_of(surface: &str) -> String {
    let ids = person_ids();
    let set = ids
        .get(surface)
        .unwrap_or_else(|| panic!("no person written {surface:?}"));
    assert_eq!(set.len(), 1, "{surface:?} resolved to several ids: {set:?}");
    set.iter().next().unwrap().clone()
}

#[test]
fn one_person_under_four_spellings_is_one_node() {
    let ids: BTreeSet<String> = [
        "Park Sun-young",
        "Park Seon-young",
        "Sun-young Park",
        "PARK Sun-young",
    ]
    .iter()
    .map(|s| id_of(s))
    .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
}

#[test]
fn a_caption_typo_is_the_same_person() {
    assert_eq!(id_of("Kenta Moriaka"), id_of("Kenta Morioka"));
    assert_eq!(id_of("MORIOKA Kenta"), id_of("Kenta Morioka"));
}

#[test]
fn same_surname_different_people_stay_apart() {
    let kims: BTreeSet<String> = ["Kim Hyun-soo", "Kim Jae-won", "Kim Chol-nam", "Kim Na-yeon"]
        .iter()
        .map(|s| id_of(s))
        .collect();
    assert_eq!(kims.len(), 4, "{kims:?}");
}

#[test]
fn one_meeting_two_accounts_is_one_meeting_node() {
    let g = KnowledgeGraph::from_extractions(corpus());
    let park = id_of("Park Sun-young");
    let morioka = id_of("Kenta Morioka");
    let m: Vec<_> = g
        .meetings()
        .iter()
        .filter(|m| {
            m.participants.contains(&park)
                && m.participants.contains(&morioka)
                && m.date.as_deref() == Some("2021-03-03")
        })
        .collect();
    assert_eq!(m.len(), 1, "{m:?}");
    let docs: Vec<&str> = m[0].documents.iter().map(|d| &**d).collect();
    assert!(
        docs.iter().any(|d| d.starts_with("001_")) && docs.iter().any(|d| d.starts_with("002_")),
        "{docs:?}"
    );
}
