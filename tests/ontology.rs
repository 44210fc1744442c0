//! The lexicon is data: a user extends it by editing Turtle, without
//! recompiling, and a broken file is reported with its line and column.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn broken_turtle_in_the_ontology_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let onto = dir.path().join("ontology");
    copy_dir(&repo().join("ontology"), &onto);
    let bad = onto.join("gazetteer/zz-broken.ttl");
    std::fs::write(
        &bad,
        "@prefix dk: <https://w3id.org/dipkg/ontology#> .\n\ndk:x dk:y \"unterminated .\n",
    )
    .unwrap();
    let out = Command::cargo_bin("dipkg")
        .unwrap()
        .args(["extract", "--format", "json", "--ontology"])
        .arg(&onto)
        .arg(repo().join("seeds/000_316c51cd70775f52.txt"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{}:3:", bad.display())), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn a_new_label_in_turtle_is_used_without_recompiling() {
    let dir = tempfile::tempdir().unwrap();
    let onto = dir.path().join("ontology");
    copy_dir(&repo().join("ontology"), &onto);
    std::fs::write(
        onto.join("gazetteer/zz-extra.ttl"),
        "@prefix dk: <https://w3id.org/dipkg/ontology#> .\n@prefix id: <https://w3id.org/dipkg/id/> .\n@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
         id:quokka-accord a dk:Issue ; skos:prefLabel \"Quokka Accord\" ; skos:altLabel \"quokka pact\" .\n",
    )
    .unwrap();
    let doc = dir.path().join("doc.txt");
    std::fs::write(&doc, "Minister Kim Sun-ho met Minister Taro Kono on May 3, 2018. The two Ministers discussed the quokka pact.\n").unwrap();
    let out = Command::cargo_bin("dipkg")
        .unwrap()
        .args(["extract", "--format", "json", "--ontology"])
        .arg(&onto)
        .arg(&doc)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rels = json["relations"].as_array().unwrap();
    assert!(
        rels.iter()
            .any(|r| r["predicate"] == "discussed" && r["object"] == "quokka-accord"),
        "{rels:?}"
    );
}
