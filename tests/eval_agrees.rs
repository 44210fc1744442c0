//! `dipkg::eval` must give exactly the numbers (and text) of
//! `../shared/eval/score.py`. Builds deterministic variations of system
//! outputs from the gold files in `tests/gold/` (entities dropped, renamed,
//! re-typed, split or merged across documents; relations dropped, added,
//! swapped, with right and wrong dates and places), scores them with both,
//! and compares.

use dipkg::eval::{evaluate_values, Scores};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

const PREDICATES: [&str; 11] = [
    "metWith",
    "raised",
    "discussed",
    "protested",
    "agreedOn",
    "urged",
    "invited",
    "visited",
    "thanked",
    "memberOf",
    "likes",
];
const TYPES: [&str; 7] = [
    "Person",
    "Organization",
    "Country",
    "Issue",
    "Event",
    "Place",
    "Thing",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

fn as_list(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        v => vec![v.clone()],
    }
}

/// A variant of a name that should (mostly) still match.
fn vary(rng: &mut Rng, name: &str, person: bool) -> String {
    match rng.below(16) {
        0 => name.to_uppercase(),
        1 if person => name.split_whitespace().rev().collect::<Vec<_>>().join(" "),
        2 => name.replace('o', "ō").replace('a', "á").replace("ss", "ß"),
        3 => name.replace(' ', "-").replace('-', ". "),
        4 => name
            .chars()
            .map(|c| {
                if c.is_ascii_alphabetic() {
                    char::from_u32(c as u32 + 0xFEE0).unwrap()
                } else {
                    c
                }
            })
            .collect(),
        5 => format!("Unknown {}", rng.below(4)),
        6 => format!("{name}'s"),
        _ => name.to_string(),
    }
}

fn variant(rng: &mut Rng, gold: &[(String, Value)], v: usize) -> Vec<Value> {
    let mut outputs = Vec::new();
    let mut kept_any = false;
    for (di, (stem, g)) in gold.iter().enumerate() {
        if rng.chance(0.15) && (kept_any || di + 1 < gold.len()) {
            continue;
        }
        kept_any = true;
        let mut entities: Vec<Value> = Vec::new();
        let mut sys_id = std::collections::HashMap::new();
        let gents = g["entities"].as_array().unwrap();
        for ge in gents {
            let gid = ge["id"].as_str().unwrap();
            let typ = ge["type"].as_str().unwrap();
            let names: Vec<&str> = ge["names"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap())
                .collect();
            if rng.chance(0.08) {
                continue;
            }
            let id = match rng.below(20) {
                0..=13 => gid.to_string(),
                14..=16 => format!("{gid}-{di}"),
                17 => format!("merged-{}", rng.below(3)),
                _ => format!("e{v}-{di}-{}", rng.below(1000)),
            };
            sys_id.insert(gid.to_string(), id.clone());
            let typ = if rng.chance(0.05) {
                *rng.pick(&TYPES)
            } else {
                typ
            };
            let n = rng_pick_str(rng, &names);
            let label = vary(rng, n, typ == "Person");
            let mut aliases: Vec<String> = Vec::new();
            for _ in 0..rng.below(3) {
                let n = rng_pick_str(rng, &names);
                aliases.push(vary(rng, n, typ == "Person"));
            }
            if rng.chance(0.1) {
                // a name of another entity as an alias: votes decide
                let other = rng.pick(gents);
                aliases.push(other["names"][0].as_str().unwrap().to_string());
            }
            let mut e = json!({"id": id, "type": typ, "label": label, "aliases": aliases,
                               "mentions": [{"start": 0, "end": 1, "text": "x"}]});
            match rng.below(30) {
                0 => {
                    e.as_object_mut().unwrap().remove("label");
                }
                1 => {
                    e["label"] = Value::Null;
                }
                2 => {
                    e.as_object_mut().unwrap().remove("aliases");
                }
                _ => {}
            }
            entities.push(e.clone());
            if rng.chance(0.04) {
                entities.push(e); // the same id twice
            }
        }
        for j in 0..rng.below(4) {
            let other = rng.pick(gents);
            let label = if rng.chance(0.5) {
                other["names"][0].as_str().unwrap().to_string()
            } else {
                format!("Extra Thing {j}")
            };
            entities.push(json!({"id": format!("x{v}-{j}"), "type": *rng.pick(&TYPES),
                                 "label": label, "aliases": []}));
        }
        let ids: Vec<String> = entities
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect();
        let to_sys = |rng: &mut Rng, gid: &Value| -> String {
            let gid = gid.as_str().unwrap();
            match sys_id.get(gid) {
                Some(s) if !rng.chance(0.03) => s.clone(),
                _ => gid.to_string(),
            }
        };
        let mut relations: Vec<Value> = Vec::new();
        for gr in g["relations"].as_array().unwrap() {
            if rng.chance(0.2) {
                continue;
            }
            let ss = as_list(&gr["s"]);
            let ps = as_list(&gr["p"]);
            let os = as_list(&gr["o"]);
            let s0 = rng.pick(&ss).clone();
            let mut s = to_sys(rng, &s0);
            let p = rng.pick(&ps).as_str().unwrap().to_string();
            let o0 = rng.pick(&os).clone();
            let mut o = to_sys(rng, &o0);
            if p == "metWith" && rng.chance(0.5) {
                std::mem::swap(&mut s, &mut o);
            }
            let mut r = json!({"subject": s, "predicate": p, "object": o,
                               "evidence": {"start": 0, "end": 1, "text": "x"},
                               "confidence": 0.9, "rule": "test"});
            if p == "metWith" {
                match rng.below(4) {
                    0 | 1 => {
                        if let Some(d) = gr.get("date") {
                            r["date"] = d.clone();
                        }
                    }
                    2 => r["date"] = json!("2001-01-01"),
                    _ => {}
                }
                match rng.below(4) {
                    0 | 1 => {
                        if let Some(pl) = gr.get("place").filter(|p| p.is_string()) {
                            r["place"] = json!(to_sys(rng, pl));
                        }
                    }
                    2 => r["place"] = json!(rng.pick(&ids)),
                    _ => r["place"] = Value::Null,
                }
            }
            relations.push(r.clone());
            if rng.chance(0.1) {
                relations.push(r);
            }
        }
        if !ids.is_empty() {
            for _ in 0..rng.below(6) {
                let s = if rng.chance(0.9) {
                    rng.pick(&ids).clone()
                } else {
                    "nowhere".into()
                };
                let o = rng.pick(&ids).clone();
                let p = *rng.pick(&PREDICATES);
                let mut r = json!({"subject": s, "predicate": p, "object": o});
                if p == "metWith" && rng.chance(0.5) {
                    r["date"] = json!("2020-05-13");
                }
                relations.push(r);
            }
        }
        let path = if rng.chance(0.5) {
            format!("seeds/{stem}.txt")
        } else {
            format!("/tmp/x/{stem}.html")
        };
        let mut doc = json!({"path": path, "title": "t"});
        if rng.chance(0.2) {
            doc = json!({"id": stem});
        }
        outputs.push(json!({"document": doc, "entities": entities, "relations": relations}));
    }
    if rng.chance(0.3) {
        outputs.push(json!({"document": {"id": "no-gold-here"}, "entities": [], "relations": []}));
    }
    outputs
}

fn rng_pick_str<'a>(rng: &mut Rng, xs: &[&'a str]) -> &'a str {
    xs[rng.below(xs.len())]
}

fn score_py(root: &Path) -> Option<PathBuf> {
    let p = root.join("../shared/eval/score.py");
    p.exists().then_some(p)
}

fn run_py(script: &Path, gold: &Path, file: &Path, args: &[&str]) -> String {
    let out = Command::new("python3")
        .arg(script)
        .arg("--gold")
        .arg(gold)
        .arg(file)
        .args(args)
        .env("PYTHONIOENCODING", "utf-8")
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "score.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn rust_scores_equal_score_py() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(script) = score_py(root) else {
        println!("SKIPPED: score.py not found");
        return;
    };
    if Command::new("python3").arg("--version").output().is_err() {
        println!("SKIPPED: python3 not found");
        return;
    }
    let gold_dir = root.join("tests/gold");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&gold_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let gold: Vec<(String, Value)> = files
        .iter()
        .map(|p| {
            let g: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            let stem = Path::new(g["document"].as_str().unwrap())
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (stem, g)
        })
        .collect();
    assert!(!gold.is_empty());

    let tmp = tempfile::tempdir().unwrap();
    let mut rng = Rng(20240601);
    let variants = 40;
    for v in 0..variants {
        let outputs = variant(&mut rng, &gold, v);
        let file = tmp.path().join(format!("variant{v}.jsonl"));
        let jsonl: String = outputs.iter().map(|o| format!("{o}\n")).collect();
        std::fs::write(&file, jsonl).unwrap();

        let ours: Scores = evaluate_values(&gold_dir, &outputs).unwrap();
        let theirs: Value =
            serde_json::from_str(&run_py(&script, &gold_dir, &file, &["--json", "--details"]))
                .unwrap();
        assert_eq!(
            ours.to_json_value(true),
            theirs,
            "variant {v}: JSON (--details) differs"
        );
        let text = run_py(&script, &gold_dir, &file, &["--details"]);
        assert_eq!(
            ours.render(true),
            text,
            "variant {v}: text (--details) differs"
        );
        if v % 8 == 0 {
            let theirs: Value =
                serde_json::from_str(&run_py(&script, &gold_dir, &file, &["--json"])).unwrap();
            assert_eq!(
                ours.to_json_value(false),
                theirs,
                "variant {v}: JSON differs"
            );
            assert_eq!(
                serde_json::to_value(&ours).unwrap(),
                theirs,
                "variant {v}: Serialize differs"
            );
            assert_eq!(
                ours.to_string(),
                run_py(&script, &gold_dir, &file, &[]),
                "variant {v}: text"
            );
        }
        if v < 3 {
            eprint!("variant {v}:\n{}", ours.render(false));
        }
        // the JSONL reader gives the same values
        assert_eq!(dipkg::eval::read_jsonl(&file).unwrap(), outputs);
    }
    // the gold as its own output scores 1 (sanity check of the generator's inverse)
    let perfect: Vec<Value> = gold
        .iter()
        .map(|(stem, g)| {
            let entities: Vec<Value> = g["entities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| json!({"id": e["id"], "type": e["type"], "label": e["names"][0], "aliases": []}))
                .collect();
            json!({"document": {"id": stem}, "entities": entities, "relations": []})
        })
        .collect();
    let s = evaluate_values(&gold_dir, &perfect).unwrap();
    assert_eq!(s.entities.recall, 1.0);
    println!("{variants} variants agree with score.py");
}
