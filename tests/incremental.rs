//! Incremental builds (issue 6): `dipkg build` on an existing output
//! directory re-extracts only the documents whose bytes changed and ends
//! byte-identical to a clean build of the same corpus.

mod common;

use assert_cmd::Command;
use dipkg::incremental::{Cache, CACHE_FILE, MANIFEST_FILE};
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

/// Every file of `a` and `b` is byte-identical (the cache included; not
/// the manifest, which records when the files were written).
fn assert_same_outputs(a: &Path, b: &Path) {
    let outputs = |d: &Path| -> Vec<String> {
        files(d)
            .into_iter()
            .filter(|n| n != MANIFEST_FILE)
            .collect()
    };
    let names = outputs(a);
    assert_eq!(names, outputs(b), "different file sets");
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

/// The build's report line says `fresh` documents were extracted and
/// `reused` taken from the cache, and goes on with `note` (`"; cache not
/// used: …"`, `"; nothing changed since the last build"`), or ends there
/// when `note` is empty.
fn assert_counts(report: &str, fresh: usize, reused: usize, note: &str) {
    let counts = format!("incremental: {fresh} re-extracted, {reused} reused");
    let line = report
        .lines()
        .find(|l| l.starts_with("incremental:"))
        .unwrap_or_else(|| panic!("no incremental line in:\n{report}"));
    let rest = line.strip_prefix(counts.as_str());
    let ok = rest.is_some_and(|r| {
        if note.is_empty() {
            r.is_empty()
        } else {
            r.starts_with(note)
        }
    });
    assert!(ok, "expected {counts:?} then {note:?} in:\n{report}");
}

/// Two clean builds of the corpus as it is now, in `dir`: `clean` without
/// the cache, `clean2` with one. `out` has every byte of `clean2`, and
/// `clean` every byte of `clean2` that it writes (it writes no cache).
fn assert_same_as_clean_builds(dir: &Path, out: &Path) {
    build(dir, "clean", &["--no-cache"]);
    build(dir, "clean2", &[]);
    assert_same_outputs(out, &dir.join("clean2"));
    for f in files(&dir.join("clean")) {
        let x = std::fs::read(dir.join("clean").join(&f)).unwrap();
        let y = std::fs::read(dir.join("clean2").join(&f)).unwrap();
        assert!(x == y, "{f}: the --no-cache build differs");
    }
}

/// A temporary directory whose [`corpus`] is built once into `out`: the
/// directory, the corpus and its number of documents.
fn built_corpus() -> (tempfile::TempDir, PathBuf, usize) {
    let dir = tempfile::tempdir().unwrap();
    let c = corpus(dir.path());
    let n = documents_in(&c);
    build(dir.path(), "out", &[]);
    (dir, c, n)
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
    assert_counts(&first, n, 0, "");
    let before = contents(&dir.path().join("out"));
    // With the manifest of the first build: nothing is done.
    let second = build(dir.path(), "out", &[]);
    assert_counts(&second, 0, n, "; nothing changed since the last build");
    // Without it: every document is taken from the cache and every output
    // written again, the same.
    std::fs::remove_file(dir.path().join("out").join(MANIFEST_FILE)).unwrap();
    let third = build(dir.path(), "out", &[]);
    assert_counts(&third, 0, n, "");
    let after = contents(&dir.path().join("out"));
    assert!(
        before == after,
        "a rebuild from the cache changed some output"
    );
}

/// The bytes of every file of a directory but the manifest.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .filter(|f| f != MANIFEST_FILE)
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

/// Modification time and length of every file of a directory.
fn stamps(dir: &Path) -> Vec<(String, std::time::SystemTime, u64)> {
    files(dir)
        .into_iter()
        .map(|f| {
            let m = std::fs::metadata(dir.join(&f)).unwrap();
            (f, m.modified().unwrap(), m.len())
        })
        .collect()
}

/// `build` with nothing changed since the last complete build writes
/// nothing and says so; any change to what the outputs depend on (an
/// input, an option, a missing or edited output, the cache) builds again,
/// to the same bytes as a clean build.
#[test]
fn build_with_nothing_changed_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let c = corpus(dir.path());
    let n = documents_in(&c);
    let out = dir.path().join("out");
    let skipped = |s: &str| s.contains("nothing changed since the last build");
    let first = build(dir.path(), "out", &[]);
    assert!(!skipped(&first), "{first}");
    let before = stamps(&out);
    let second = build(dir.path(), "out", &[]);
    assert!(skipped(&second), "{second}");
    assert!(
        second.contains("up to date: 17 files in out, none written"),
        "{second}"
    );
    // The summary of the build it stands for.
    let summary = |s: &str| s.lines().take(4).collect::<Vec<_>>().join("\n");
    assert_eq!(summary(&second), summary(&first));
    assert!(summary(&first).starts_with(&format!("documents: {n} extracted, 0 failed")));
    assert_eq!(stamps(&out), before, "a skipped build touched a file");

    // Another option, then the same again.
    assert!(!skipped(&build(
        dir.path(),
        "out",
        &["--min-confidence", "0.5"]
    )));
    assert!(skipped(&build(
        dir.path(),
        "out",
        &["--min-confidence", "0.5"]
    )));
    assert!(!skipped(&build(dir.path(), "out", &[])));
    assert!(skipped(&build(dir.path(), "out", &[])));

    // An edited output, then a deleted cache: built again, as before.
    let dot = std::fs::read(out.join("graph.dot")).unwrap();
    std::fs::write(out.join("graph.dot"), b"digraph {}\n").unwrap();
    assert!(!skipped(&build(dir.path(), "out", &[])));
    assert_eq!(std::fs::read(out.join("graph.dot")).unwrap(), dot);
    std::fs::remove_file(out.join(CACHE_FILE)).unwrap();
    let again = build(dir.path(), "out", &[]);
    assert_counts(&again, n, 0, "");

    // An input changed, to the same length: that document is extracted
    // again.
    let doc = first_seed(&c);
    let text = std::fs::read_to_string(&doc).unwrap();
    let edited = text.replacen(" the ", " The ", 1);
    assert_ne!(edited, text);
    std::fs::write(&doc, edited).unwrap();
    let again = build(dir.path(), "out", &[]);
    assert_counts(&again, 1, n - 1, "");
    assert_same_as_clean_builds(dir.path(), &out);

    // A build that failed on an input leaves no manifest: the next one,
    // without that input, is not skipped.
    std::fs::write(c.join("empty.txt"), "").unwrap();
    dipkg(dir.path())
        .args(["build", "corpus", "-o", "out"])
        .assert()
        .code(1);
    assert!(!out.join(MANIFEST_FILE).exists());
    std::fs::remove_file(c.join("empty.txt")).unwrap();
    assert!(!skipped(&build(dir.path(), "out", &[])));
    assert!(skipped(&build(dir.path(), "out", &[])));
    // `--no-cache` always builds, and leaves no manifest.
    assert!(!skipped(&build(dir.path(), "out", &["--no-cache"])));
    assert!(!out.join(MANIFEST_FILE).exists());
}

#[test]
fn modified_document_is_the_only_one_reextracted() {
    let (dir, c, n) = built_corpus();
    // Change one seed so that its extraction changes (a new meeting).
    let doc = first_seed(&c);
    let mut text = std::fs::read_to_string(&doc).unwrap();
    text.push_str(
        "\nForeign Minister Taro Kono met with Foreign Minister Kang Kyung-wha in Seoul on March 3, 2021.\n",
    );
    std::fs::write(&doc, text).unwrap();
    let again = build(dir.path(), "out", &[]);
    assert_counts(&again, 1, n - 1, "");
    let nq = std::fs::read_to_string(dir.path().join("out/graph.nq")).unwrap();
    assert!(
        nq.contains("2021-03-03"),
        "the new statement is not in the graph"
    );
    // Clean builds of the modified corpus, elsewhere.
    assert_same_as_clean_builds(dir.path(), &dir.path().join("out"));
}

#[test]
fn deleted_document_leaves_the_graph() {
    let (dir, c, n) = built_corpus();
    let doc = first_seed(&c);
    let id = doc.file_stem().unwrap().to_string_lossy().into_owned();
    let graph = format!("<https://w3id.org/dipkg/doc/{id}>");
    let nq = std::fs::read_to_string(dir.path().join("out/graph.nq")).unwrap();
    assert!(nq.contains(&graph));
    std::fs::remove_file(&doc).unwrap();
    let again = build(dir.path(), "out", &[]);
    assert_counts(&again, 0, n - 1, "");
    let nq = std::fs::read_to_string(dir.path().join("out/graph.nq")).unwrap();
    assert!(
        !nq.contains(&graph),
        "the deleted document's graph is still there"
    );
    let cache = std::fs::read_to_string(dir.path().join("out").join(CACHE_FILE)).unwrap();
    assert!(!cache.contains(&id), "the deleted document is still cached");
    assert_same_as_clean_builds(dir.path(), &dir.path().join("out"));
}

#[test]
fn changed_ontology_or_broken_cache_reextracts_everything() {
    let (dir, _, n) = built_corpus();
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
    assert_counts(
        &out,
        n,
        0,
        "; cache not used: made by another dipkg build or ontology",
    );
    // A damaged cache is not an error: everything is extracted again.
    let cache = dir.path().join("out").join(CACHE_FILE);
    std::fs::write(&cache, "{not json\n").unwrap();
    let out = build(dir.path(), "out", &[]);
    assert_counts(&out, n, 0, "; cache not used: bad cache header");
    // The rebuild left a complete build: the next one is skipped.
    let out = build(dir.path(), "out", &[]);
    assert_counts(&out, 0, n, "; nothing changed since the last build");
}

/// An entry whose head (path, hash) is intact but whose extraction is
/// damaged: the index (which reads heads only) keeps it, and its document
/// is extracted again on reuse; the others are reused, and the outputs are
/// those of a clean build.
#[test]
fn a_damaged_cache_entry_is_extracted_again() {
    let (dir, _, n) = built_corpus();
    let cache = dir.path().join("out").join(CACHE_FILE);
    let text = std::fs::read_to_string(&cache).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let entry = &mut lines[2];
    let at = entry.find(r#""extraction":"#).expect("an extraction") + 14;
    entry.replace_range(at..at + 1, "[");
    std::fs::write(&cache, lines.join("\n") + "\n").unwrap();
    std::fs::remove_file(dir.path().join("out").join(MANIFEST_FILE)).unwrap();
    let out = build(dir.path(), "out", &[]);
    assert_counts(&out, 1, n - 1, "");
    build(dir.path(), "clean", &[]);
    assert_same_outputs(&dir.path().join("out"), &dir.path().join("clean"));
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

/// A build from the cache takes the inputs' hashes from the digest it made
/// (`Cache::trust_hashes`): an input whose hash there is its old entry's is
/// reused without being read. Here the trusted hashes are those of the
/// corpus before one document changed, so that document keeps its old
/// extraction; without them it is read, and extracted again.
#[test]
fn trusted_hashes_reuse_entries_without_reading_the_inputs() {
    use dipkg::build::{build, Source};
    let dir = tempfile::tempdir().unwrap();
    let c = corpus(dir.path());
    let ontology = common::repo().join("ontology");
    let pipeline = Pipeline::from_ontology_dir(&ontology).unwrap();
    let fp = dipkg::incremental::fingerprint(&ontology).unwrap();
    let out = dir.path().join("out");
    let inputs = [c.clone()];
    let run = |trusted: Option<Vec<(String, String)>>| {
        let mut cache = Cache::open(&Cache::file_in(&out), &fp);
        if let Some(hashes) = trusted {
            cache.trust_hashes(hashes);
        }
        let source = Source::Documents {
            pipeline: &pipeline,
            inputs: &inputs,
            cache: Some(&mut cache),
        };
        build(source, &out, 0.0).unwrap();
        let nq = std::fs::read_to_string(out.join("graph.nq")).unwrap();
        (cache.extracted, nq.contains("2021-03-03"))
    };
    assert_eq!(run(None), (documents_in(&c), false));
    let (files, _) = dipkg::ingest::collect_inputs(&inputs);
    let before = dipkg::incremental::input_hashes(&files).unwrap();
    let doc = first_seed(&c);
    let mut text = std::fs::read_to_string(&doc).unwrap();
    text.push_str(
        "\nForeign Minister Taro Kono met with Foreign Minister Kang Kyung-wha in Seoul on March 3, 2021.\n",
    );
    std::fs::write(&doc, text).unwrap();
    assert_eq!(run(Some(before)), (0, false), "the changed input was read");
    assert_eq!(run(None), (1, true));
}
