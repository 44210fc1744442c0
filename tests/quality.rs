//! Extraction quality, measured with `dipkg::eval` (a port of score.py):
//! on the seeds against their gold (copied into `tests/gold/`), and on our
//! own corpus of documents in the seeds' genres (`tests/corpus/`), whose
//! persons the lexicon does not know. The bars are stated here and in the
//! README; a regression below them fails the suite.

use dipkg::eval::{evaluate, Scores};
use dipkg::pipeline::{default_ontology_dir, Pipeline};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::from_ontology_dir(&default_ontology_dir()).expect("ontology loads"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn score(docs: &Path, gold: &Path) -> Scores {
    let run = pipeline().run(&[docs.to_path_buf()]);
    assert!(run.errors.is_empty(), "errors: {:?}", run.errors);
    let s = evaluate(gold, &run.extractions).expect("gold loads");
    eprintln!("{}", s.render(true));
    s
}

#[test]
fn seeds_meet_the_bar() {
    let s = score(&root().join("seeds"), &root().join("tests/gold"));
    assert_eq!(s.documents, 5);
    assert!(s.entities.f1 >= 0.95, "entities F1 {}", s.entities.f1);
    assert!(s.relations.f1 >= 0.90, "relations F1 {}", s.relations.f1);
    assert_eq!(
        s.meetings.date_right, s.meetings.with_date,
        "every meeting date the text gives"
    );
    assert_eq!(
        s.meetings.place_right, s.meetings.with_place,
        "every meeting place the text gives"
    );
    assert_eq!(s.resolution.merge_recall, 1.0);
    assert_eq!(s.resolution.merge_precision, 1.0);
}

/// The bar on our own documents (tests/corpus/README.md): lower than the
/// seeds', since nothing was tuned on them one by one.
#[test]
fn own_corpus_meets_the_bar() {
    let s = score(
        &root().join("tests/corpus/docs"),
        &root().join("tests/corpus/gold"),
    );
    assert!(s.documents >= 20);
    assert!(s.entities.f1 >= ENTITY_BAR, "entities F1 {}", s.entities.f1);
    assert!(
        s.relations.f1 >= RELATION_BAR,
        "relations F1 {}",
        s.relations.f1
    );
    assert!(
        s.resolution.merge_precision >= MERGE_PRECISION_BAR,
        "merge precision {}",
        s.resolution.merge_precision
    );
}

const ENTITY_BAR: f64 = 0.90;
const RELATION_BAR: f64 = 0.70;
const MERGE_PRECISION_BAR: f64 = 0.95;

/// `dipkg eval` and score.py agree on the seeds' real extraction.
#[test]
fn eval_agrees_with_score_py_on_the_seeds() {
    let score_py = root().join("../shared/eval/score.py");
    if !score_py.exists() {
        eprintln!("SKIPPED: {} not found", score_py.display());
        return;
    }
    let run = pipeline().run(&[root().join("seeds")]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.jsonl");
    let mut text = String::new();
    for x in &run.extractions {
        text.push_str(&serde_json::to_string(x).unwrap());
        text.push('\n');
    }
    std::fs::write(&out, text).unwrap();
    let py = std::process::Command::new("python3")
        .arg(&score_py)
        .arg("--gold")
        .arg(root().join("tests/gold"))
        .arg(&out)
        .arg("--json")
        .output();
    let Ok(py) = py else {
        eprintln!("SKIPPED: python3 not available");
        return;
    };
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
    let pyv: serde_json::Value = serde_json::from_slice(&py.stdout).unwrap();
    let ours = evaluate(&root().join("tests/gold"), &run.extractions).unwrap();
    let oursv = ours.to_json_value(false);
    for key in ["entities", "relations", "meetings", "resolution"] {
        assert_eq!(pyv[key], oursv[key], "{key} differs");
    }
}

/// Invariant: every mention and every evidence span is a slice of the
/// original file (character offsets), whatever markup and boilerplate the
/// document had (the corpus has HTML pages with scripts, menus, entities).
#[test]
fn every_span_is_a_slice_of_the_original() {
    let run = pipeline().run(&[root().join("seeds"), root().join("tests/corpus/docs")]);
    let mut checked = 0;
    for x in &run.extractions {
        let src = std::fs::read_to_string(&x.document.path).unwrap();
        let src = src.trim_start_matches('\u{feff}');
        let chars: Vec<char> = src.chars().collect();
        let slice = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
        for e in &x.entities {
            for m in &e.mentions {
                assert_eq!(
                    slice(m.start, m.end),
                    m.text,
                    "{} {}",
                    x.document.path,
                    e.id
                );
                checked += 1;
            }
        }
        for r in &x.relations {
            assert_eq!(
                slice(r.evidence.start, r.evidence.end),
                r.evidence.text,
                "{}",
                x.document.path
            );
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked}");
}
