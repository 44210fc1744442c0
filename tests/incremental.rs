//! Incremental builds (issue 6): `dipkg build` on an existing output
//! directory re-extracts only the documents whose bytes changed and ends
//! byte-identical to a clean build of the same corpus.

mod common;

use assert_cmd::Command;
use dipkg::incremental::{Cache, CACHE_FILE};
use dipkg::pipeline::Pipeline;
use std::path::{Path, PathBuf};

fn dipkg(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dipkg"));
    c.env("DIPKG_ONTOLOGY", common::repo().join("ontology"));
    c.current_dir(dir);
    c
}

/// `dipkg build corpus -o {out}` in `dir`; returns its standard output.
fn build(dir: &Path, out: &str, extra: &[&str]) -> String {
    let output = dipkg(dir)
        .args(["build", "corpus", "-o", out])
        .args(extra)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(output).unwrap()
}

/// A working copy of the seeds plus a small synthetic corpus under
/// `dir/corpus`.
fn corpus(dir: &Path) -> PathBuf {
    let c = dir.join("corpus");
    std::fs::create_dir_all(&c).unwrap();
    for e in std::fs::read_dir(common::repo().join("seeds")).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, c.join(p.file_name().unwrap())).unwrap();
        }
    }
    dipkg(dir)
        .args(["synth", "--docs", "12", "--seed", "5", "-o"])
        .arg(c.join("synth"))
        .assert()
        .success();
    c
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every file of `a` and `b` is byte-identical (the cache included).
fn assert_same_outputs(a: &Path, b: &Path) {
    let names = files(a);
    assert_eq!(names, files(b), "different file sets");
    assert!(names.iter().any(|n| n == CACHE_FILE), "{names:?}");
    for n in &names {
        let (x, y) = (
            std::fs::read(a.join(n)).unwrap(),
            std::fs::read(b.join(n)).unwrap(),
        );
        assert!(
            x == y,
            "{n} differs between the incremental and the clean build"
        );
    }
}

fn documents_in(c: &Path) -> usize {
    std::fs::read_dir(c).unwrap().count() - 1 + std::fs::read_dir(c.join("synth")).unwrap().count()
}

fn first_seed(c: &Path) -> PathBuf {
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(c)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    seeds.sort();
    seeds.remove(0)
}

#[test]
fn unchanged_corpus_reextracts_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let c = corpus(dir.path());
    let n = documents_in(&c);
    let first = build(dir.path(), "out", &[]);
    assert!(
        first.contains(&format!("incremental: {n} re-extracted, 0 reused")),
        "{first}"
    );
    let before: Vec<Vec<u8>> = files(&dir.path().join("out"))
        .iter()
        .map(|f| std::fs::read(dir.path().join("out").join(f)).unwrap())
        .collect();
    let second = build(dir.path(), "out", &[]);
    assert!(
        second.contains(&format!("incremental: 0 re-extracted, {n} reused")),
        "{second}"
    );
    let after: Vec<Vec<u8>> = files(&dir.path().join("out"))
        .iter()
        .map(|f| std::fs::read(dir.path().join("out").join(f)).unwrap())
        .collect();
    assert!(
        before == after,
        "a rebuild from the cache changed some output"
    );
}

#[test]
fn modified_document_is_the_only_one_reextracted() {
    let dir = tempfile::tempdir().unwrap();
    let c = corpus(dir.path());
    let n = documents_in(&c);
    build(dir.path(), "out", &[]);
    // Change one seed so that its extraction changes (a new meeting).
    let doc = first_seed(&c);
    let mut text = std::fs::read_to_string(&doc).unwrap();
    text.push_str(
        "\nForeign Minister Taro Kono met with Foreign Minister Kang Kyung-wha in Seoul on March 3, 2021.\n",
    );
    std::fs::write(&doc, text).unwrap();
    let again = build(dir.path(), "out", &[]);
    assert!(
        again.contains(&format!("incremental: 1 re-extracted, {} reused", n - 1)),
        "{again}"
    );
    // A clean build of the modified corpus, elsewhere.
    build(dir.path(), "clean", &["--no-cache"]);
    build(dir.path(), "clean2", &[]);
    let nq = std::fs::read_to_string(dir.path().join("out/graph.nq")).unwrap();
    assert!(
        nq.contains("2021-03-03"),
        "the new statement is not in the graph"
    );
    assert_same_outputs(&dir.path().join("out"), &dir.path().join("clean2"));
    for f in files(&dir.path().join("clean")) {
        let x = std::fs::read(dir.path().join("clean").join(&f)).unwrap();
        let y = std::fs::read(dir.path().join("clean2").join(&f)).unwrap();
        assert!(x == y, "{f}: --no-cache build differs");
    }
}

#[test]
fn deleted_document_leaves_the_graph() {
    let dir = tempfile::tempdir().unwrap();
    let c = corpus(dir.path());
    let n = documents_in(&c);
    build(dir.path(), "out", &[]);
    let doc = first_seed(&c);
    let id = doc.file_stem().unwrap().to_string_lossy().into_owned();
    let graph = format!("<https://w3id.org/dipkg/doc/{id}>");
    let nq = std::fs::read_to_string(dir.path().join("out/graph.nq")).unwrap();
    assert!(nq.contains(&graph));
    std::fs::remove_file(&doc).unwrap();
    let again = build(dir.path(), "out", &[]);
    assert!(
        again.contains(&format!("incremental: 0 re-extracted, {} reused", n - 1)),
        "{again}"
    );
    let nq = std::fs::read_to_string(dir.path().join("out/graph.nq")).unwrap();
    assert!(
        !nq.contains(&graph),
        "the deleted document's graph is still there"
    );
    let cache = std::fs::read_to_string(dir.path().join("out").join(CACHE_FILE)).unwrap();
    assert!(!cache.contains(&id), "the deleted document is still cached");
    build(dir.path(), "clean", &["--no-cache"]);
    build(dir.path(), "clean2", &[]);
    assert_same_outputs(&dir.path().join("out"), &dir.path().join("clean2"));
}

#[test]
fn changed_ontology_or_broken_cache_reextracts_everything() {
    let dir = tempfile::tempdir().unwrap();
    let c = corpus(dir.path());
    let n = documents_in(&c);
    build(dir.path(), "out", &[]);
    // Another ontology (same content plus a comment): a new fingerprint.
    let onto = dir.path().join("ontology");
    std::fs::create_dir_all(&onto).unwrap();
    for e in std::fs::read_dir(common::repo().join("ontology")).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, onto.join(p.file_name().unwrap())).unwrap();
        }
    }
    let ttl = onto.join("dipkg.ttl");
    let mut t = std::fs::read_to_string(&ttl).unwrap();
    t.push_str("\n# edited\n");
    std::fs::write(&ttl, t).unwrap();
    let out = build(dir.path(), "out", &["--ontology", "ontology"]);
    assert!(
        out.contains(&format!(
            "incremental: {n} re-extracted, 0 reused; cache not used"
        )),
        "{out}"
    );
    // A damaged cache is not an error: everything is extracted again.
    let cache = dir.path().join("out").join(CACHE_FILE);
    std::fs::write(&cache, "{not json\n").unwrap();
    let out = build(dir.path(), "out", &[]);
    assert!(
        out.contains(&format!(
            "incremental: {n} re-extracted, 0 reused; cache not used"
        )),
        "{out}"
    );
    let out = build(dir.path(), "out", &[]);
    assert!(
        out.contains(&format!("incremental: 0 re-extracted, {n} reused")),
        "{out}"
    );
}

/// In the library: `run_cached` gives exactly what `run` gives, whether the
/// extractions come from the cache or not (resolution across documents
/// included), and the cache survives a save and load.
#[test]
fn run_cached_equals_run() {
    let pipeline = Pipeline::from_ontology_dir(&common::repo().join("ontology")).unwrap();
    let inputs = [common::repo().join("seeds")];
    let plain = pipeline.run(&inputs);
    let fp = dipkg::incremental::fingerprint(&common::repo().join("ontology")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(CACHE_FILE);
    let mut cache = Cache::open(&file, &fp);
    assert!(cache.is_empty() && cache.invalidated.is_none());
    let first = pipeline.run_cached(&inputs, &mut cache);
    assert_eq!(
        (cache.reused, cache.extracted),
        (0, plain.extractions.len())
    );
    assert_eq!(first.extractions, plain.extractions);
    cache.commit().unwrap();
    let mut again = Cache::open(&file, &fp);
    assert_eq!(again.len(), plain.extractions.len());
    let second = pipeline.run_cached(&inputs, &mut again);
    assert_eq!(
        (again.reused, again.extracted),
        (plain.extractions.len(), 0)
    );
    assert_eq!(second.extractions, plain.extractions);
    again.commit().unwrap();
    assert_eq!(Cache::open(&file, &fp).len(), plain.extractions.len());
    let other = Cache::open(&file, "another fingerprint");
    assert!(other.is_empty() && other.invalidated.is_some());
}
