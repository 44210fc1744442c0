//! The scores of `../shared/ANNOTATION.md` against gold files: a faithful port
//! of `../shared/eval/score.py`.
//!
//! Same rules, same numbers, same text: names are compared after case folding,
//! NFKD decomposition and dropping everything that is not a letter or a digit
//! (and, for persons, also in reversed order); a system entity maps to the
//! gold entity with most votes (label 3, each alias 1; ties go to the first
//! gold id in sorted order); relations are matched to gold relations by a
//! maximum bipartite matching over augmenting paths visited in the same order
//! as the Python script; every ratio is rounded to 4 decimals. Only the gold
//! files whose documents appear in the output are scored (matched by file
//! stem), unless [`Options::all_gold`] is set (`score.py --all-gold`).
//!
//! [`evaluate`] scores typed extractions; [`evaluate_values`] scores raw JSON
//! objects (one per line of a JSONL file), which is what the agreement test
//! with `score.py` uses.

use crate::error::{Error, Result};
use crate::model::Extraction;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

const TYPES: [&str; 6] = [
    "Person",
    "Organization",
    "Country",
    "Issue",
    "Event",
    "Place",
];
const PREDICATES: [&str; 10] = [
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
];
const SYMMETRIC: [&str; 1] = ["metWith"];
/// Events are left out of resolution: a recurring meeting may fairly be one
/// entity or one per year.
const RESOLVED_TYPES: [&str; 5] = ["Person", "Organization", "Country", "Issue", "Place"];

// ------------------------------------------------------------------ results

/// Precision, recall and F1 (rounded to 4 decimals) with their counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub tp: u64,
    pub fp: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
}

/// Date and place of the gold `metWith` relations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Meetings {
    /// Required gold `metWith` relations.
    pub gold: u64,
    /// ... of which carry a date,
    pub with_date: u64,
    /// ... found by the system with that date;
    pub date_right: u64,
    /// ... of which carry a place,
    pub with_place: u64,
    /// ... found by the system with that place.
    pub place_right: u64,
}

/// Entity resolution across documents.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Resolution {
    /// Share of the document pairs of a gold entity where the system used one id.
    pub merge_recall: f64,
    pub pairs: u64,
    /// Share of the system ids used in several documents that map to one gold entity.
    pub merge_precision: f64,
    pub merged_ids: u64,
}

/// The scores of one document.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DocScores {
    pub entities: Prf,
    pub relations: Prf,
}

/// Misses and extras of one document (`score.py --details`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Details {
    pub missed_entities: Vec<String>,
    pub extra_entities: Vec<String>,
    pub missed_relations: Vec<String>,
    pub extra_relations: Vec<String>,
}

/// Everything `score.py` reports. Serialises to the same JSON as
/// `score.py --json`; [`Scores::to_json_value`] with `details` adds the
/// per-document details like `score.py --json --details`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    pub documents: usize,
    pub entities: Prf,
    pub relations: Prf,
    pub meetings: Meetings,
    pub resolution: Resolution,
    /// Per document, by file stem (sorted).
    pub per_document: BTreeMap<String, DocScores>,
    /// Per document, by file stem: what was missed and what was extra.
    #[serde(skip)]
    pub details: BTreeMap<String, Details>,
}

impl Scores {
    /// The text report of `score.py` (with `--details` when `details`).
    pub fn render(&self, details: bool) -> String {
        let mut s = String::new();
        for (k, d) in &self.per_document {
            s.push_str(&format!(
                "{k}: entities F1 {:.3}  relations F1 {:.3}\n",
                d.entities.f1, d.relations.f1
            ));
            if details {
                if let Some(det) = self.details.get(k) {
                    for (key, vals) in det.fields() {
                        for v in vals {
                            s.push_str(&format!("    {key}: {v}\n"));
                        }
                    }
                }
            }
        }
        let (en, re) = (&self.entities, &self.relations);
        s.push_str(&format!(
            "entities  P {:.3} R {:.3} F1 {:.3} (tp {} fp {} fn {})\n",
            en.precision, en.recall, en.f1, en.tp, en.fp, en.fn_
        ));
        s.push_str(&format!(
            "relations P {:.3} R {:.3} F1 {:.3} (tp {} fp {} fn {})\n",
            re.precision, re.recall, re.f1, re.tp, re.fp, re.fn_
        ));
        let m = &self.meetings;
        s.push_str(&format!(
            "meetings  {} gold; {} with a date, date right {}; {} with a place, place right {}\n",
            m.gold, m.with_date, m.date_right, m.with_place, m.place_right
        ));
        let r = &self.resolution;
        s.push_str(&format!(
            "resolution merge recall {:.3} over {} pairs, merge precision {:.3} over {} ids\n",
            r.merge_recall, r.pairs, r.merge_precision, r.merged_ids
        ));
        s
    }

    /// The JSON of `score.py --json` (`--json --details` when `details`).
    pub fn to_json_value(&self, details: bool) -> Value {
        let mut v = serde_json::to_value(self).expect("scores serialise");
        if details {
            if let Some(Value::Object(per)) = v.get_mut("per_document") {
                for (k, d) in per.iter_mut() {
                    if let (Some(det), Value::Object(o)) = (self.details.get(k), d) {
                        o.insert(
                            "details".into(),
                            serde_json::to_value(det).expect("details serialise"),
                        );
                    }
                }
            }
        }
        v
    }

    /// [`Scores::to_json_value`], pretty-printed with two-space indents.
    pub fn to_json(&self, details: bool) -> String {
        serde_json::to_string_pretty(&self.to_json_value(details)).expect("scores serialise")
    }
}

impl Details {
    fn fields(&self) -> [(&'static str, &Vec<String>); 4] {
        [
            ("missed_entities", &self.missed_entities),
            ("extra_entities", &self.extra_entities),
            ("missed_relations", &self.missed_relations),
            ("extra_relations", &self.extra_relations),
        ]
    }
}

impl fmt::Display for Scores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// How to score.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Score every gold document, counting absent ones as empty output.
    pub all_gold: bool,
}

// ------------------------------------------------------------------ entry points

/// Score extractions against the gold files of `gold_dir`.
pub fn evaluate(gold_dir: &Path, extractions: &[Extraction]) -> Result<Scores> {
    evaluate_with(gold_dir, extractions, Options::default())
}

/// [`evaluate`] with options.
pub fn evaluate_with(gold_dir: &Path, extractions: &[Extraction], opts: Options) -> Result<Scores> {
    let values = extractions
        .iter()
        .map(|x| serde_json::to_value(x).map_err(|e| Error::Other(format!("extraction: {e}"))))
        .collect::<Result<Vec<_>>>()?;
    evaluate_values_with(gold_dir, &values, opts)
}

/// Score raw JSON outputs (one object per document, as `dipkg extract
/// --format json` writes them) against the gold files of `gold_dir`.
pub fn evaluate_values(gold_dir: &Path, outputs: &[Value]) -> Result<Scores> {
    evaluate_values_with(gold_dir, outputs, Options::default())
}

/// Read a JSON Lines file of outputs (blank lines skipped); errors name the
/// file and line.
pub fn read_jsonl(path: &Path) -> Result<Vec<Value>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).map_err(|e| Error::Syntax {
            path: path.to_path_buf(),
            line: i as u64 + 1,
            column: e.column() as u64,
            message: e.to_string(),
        })?;
        out.push(v);
    }
    Ok(out)
}

/// [`evaluate_values`] with options.
pub fn evaluate_values_with(gold_dir: &Path, outputs: &[Value], opts: Options) -> Result<Scores> {
    let gold = load_gold(gold_dir)?;
    let mut by_stem: BTreeMap<String, &Map<String, Value>> = BTreeMap::new();
    for (i, doc) in outputs.iter().enumerate() {
        let Value::Object(doc) = doc else {
            return Err(Error::Other(format!("output {}: not a JSON object", i + 1)));
        };
        if let Some(k) = stem(doc) {
            if gold.contains_key(&k) {
                by_stem.insert(k, doc);
            }
        }
    }
    let keys: Vec<&String> = if opts.all_gold {
        gold.keys().collect()
    } else {
        by_stem.keys().collect()
    };
    if keys.is_empty() {
        return Err(Error::Other(
            "no document of the output has a gold file".into(),
        ));
    }

    let empty = Map::new();
    let mut e_sum = [0u64; 3];
    let mut r_sum = [0u64; 3];
    let mut meetings = Meetings::default();
    let mut per_document = BTreeMap::new();
    let mut details = BTreeMap::new();
    // gold id -> {doc: set(system ids)}
    let mut occurrences: HashMap<String, BTreeMap<&str, HashSet<String>>> = HashMap::new();
    // system id -> {doc: gold id}
    let mut sys_occ: HashMap<String, HashMap<&str, String>> = HashMap::new();
    for k in keys {
        let out = by_stem.get(k).copied().unwrap_or(&empty);
        let g = &gold[k];
        let d = score_doc(out, g).map_err(|m| Error::Other(format!("{k}: {m}")))?;
        for i in 0..3 {
            e_sum[i] += d.e[i];
            r_sum[i] += d.r[i];
        }
        meetings.gold += d.meetings.gold;
        meetings.with_date += d.meetings.with_date;
        meetings.date_right += d.meetings.date_right;
        meetings.with_place += d.meetings.with_place;
        meetings.place_right += d.meetings.place_right;
        per_document.insert(
            k.clone(),
            DocScores {
                entities: prf(d.e[0], d.e[1], d.e[2]),
                relations: prf(d.r[0], d.r[1], d.r[2]),
            },
        );
        details.insert(k.clone(), d.details);
        let gtype: HashMap<&str, &str> = g
            .entities
            .iter()
            .map(|e| (e.id.as_str(), e.typ.as_str()))
            .collect();
        for (sid, gid) in &d.mapping {
            let Some(gid) = gid.as_deref().filter(|g| !g.is_empty()) else {
                continue;
            };
            if RESOLVED_TYPES.contains(&gtype[gid]) {
                occurrences
                    .entry(gid.to_string())
                    .or_default()
                    .entry(k.as_str())
                    .or_default()
                    .insert(sid.clone());
                sys_occ
                    .entry(sid.clone())
                    .or_default()
                    .insert(k.as_str(), gid.to_string());
            }
        }
    }

    let (mut pairs, mut same) = (0u64, 0u64);
    for docs in occurrences.values() {
        let ds: Vec<&HashSet<String>> = docs.values().collect();
        for i in 0..ds.len() {
            for j in i + 1..ds.len() {
                pairs += 1;
                if ds[i].iter().any(|s| ds[j].contains(s)) {
                    same += 1;
                }
            }
        }
    }
    let multi: Vec<&HashMap<&str, String>> = sys_occ.values().filter(|d| d.len() > 1).collect();
    let pure = multi
        .iter()
        .filter(|d| d.values().collect::<HashSet<_>>().len() == 1)
        .count();

    Ok(Scores {
        documents: per_document.len(),
        entities: prf(e_sum[0], e_sum[1], e_sum[2]),
        relations: prf(r_sum[0], r_sum[1], r_sum[2]),
        meetings,
        resolution: Resolution {
            merge_recall: if pairs > 0 {
                round4(same as f64 / pairs as f64)
            } else {
                1.0
            },
            pairs,
            merge_precision: if multi.is_empty() {
                1.0
            } else {
                round4(pure as f64 / multi.len() as f64)
            },
            merged_ids: multi.len() as u64,
        },
        per_document,
        details,
    })
}

// ------------------------------------------------------------------ gold

#[derive(Debug)]
struct GoldDoc {
    entities: Vec<GoldEntity>,
    relations: Vec<GoldRelation>,
}

#[derive(Debug)]
struct GoldEntity {
    id: String,
    typ: String,
    names: Vec<String>,
    optional: bool,
}

#[derive(Debug)]
struct GoldRelation {
    /// `as_list` of `s`, `p`, `o`, as keys (see [`key`]).
    s: Vec<String>,
    p: Vec<String>,
    o: Vec<String>,
    optional: bool,
    date: Value,
    place: Value,
    raw_s: Value,
    raw_p: Value,
    raw_o: Value,
}

/// Every `*.json` of the directory, by the stem of its `document`.
fn load_gold(dir: &Path) -> Result<BTreeMap<String, GoldDoc>> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") {
            files.push((name, entry.path()));
        }
    }
    files.sort();
    let mut gold = BTreeMap::new();
    for (_, path) in files {
        let text = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let text = String::from_utf8(text).map_err(|e| Error::NotUtf8 {
            path: path.clone(),
            offset: e.utf8_error().valid_up_to(),
        })?;
        let v: Value = serde_json::from_str(&text).map_err(|e| Error::Syntax {
            path: path.clone(),
            line: e.line() as u64,
            column: e.column() as u64,
            message: e.to_string(),
        })?;
        let invalid = |message: String| Error::Invalid {
            path: path.clone(),
            message,
        };
        let (stem, doc) = parse_gold(&v).map_err(invalid)?;
        gold.insert(stem, doc);
    }
    Ok(gold)
}

fn parse_gold(v: &Value) -> std::result::Result<(String, GoldDoc), String> {
    let obj = v.as_object().ok_or("not a JSON object")?;
    let document = obj
        .get("document")
        .and_then(Value::as_str)
        .ok_or("no \"document\" string")?;
    let mut entities = Vec::new();
    let ents = obj
        .get("entities")
        .and_then(Value::as_array)
        .ok_or("no \"entities\" list")?;
    for (i, e) in ents.iter().enumerate() {
        let field = |f: &str| {
            e.get(f)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or(format!("entity {}: no \"{f}\" string", i + 1))
        };
        let names = e
            .get("names")
            .and_then(Value::as_array)
            .ok_or(format!("entity {}: no \"names\" list", i + 1))?
            .iter()
            .map(|n| n.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or(format!("entity {}: a name is not a string", i + 1))?;
        entities.push(GoldEntity {
            id: field("id")?,
            typ: field("type")?,
            names,
            optional: truthy(e.get("optional")),
        });
    }
    let mut relations = Vec::new();
    let rels = obj
        .get("relations")
        .and_then(Value::as_array)
        .ok_or("no \"relations\" list")?;
    for (i, r) in rels.iter().enumerate() {
        let field = |f: &str| {
            r.get(f)
                .cloned()
                .ok_or(format!("relation {}: no \"{f}\"", i + 1))
        };
        let (raw_s, raw_p, raw_o) = (field("s")?, field("p")?, field("o")?);
        relations.push(GoldRelation {
            s: as_list(&raw_s),
            p: as_list(&raw_p),
            o: as_list(&raw_o),
            optional: truthy(r.get("optional")),
            date: r.get("date").cloned().unwrap_or(Value::Null),
            place: r.get("place").cloned().unwrap_or(Value::Null),
            raw_s,
            raw_p,
            raw_o,
        });
    }
    Ok((
        py_stem(document),
        GoldDoc {
            entities,
            relations,
        },
    ))
}

fn as_list(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().map(key).collect(),
        v => vec![key(v)],
    }
}

// ------------------------------------------------------------------ one document

struct DocResult {
    e: [u64; 3],
    r: [u64; 3],
    meetings: Meetings,
    /// system id key -> gold id
    mapping: HashMap<String, Option<String>>,
    details: Details,
}

fn score_doc(out: &Map<String, Value>, g: &GoldDoc) -> std::result::Result<DocResult, String> {
    // gold entities by id, in first-insertion order, last value wins (a dict)
    let mut gents_order: Vec<&str> = Vec::new();
    let mut gents: HashMap<&str, &GoldEntity> = HashMap::new();
    for e in &g.entities {
        if gents.insert(e.id.as_str(), e).is_none() {
            gents_order.push(e.id.as_str());
        }
    }
    let all_entities: Vec<&Value> = iter_list(out.get("entities"));
    let sys_entities: Vec<&Map<String, Value>> = all_entities
        .iter()
        .filter_map(|e| e.as_object())
        .filter(|e| {
            e.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| TYPES.contains(&t))
        })
        .collect();
    let mapping = map_entities(&sys_entities, &g.entities)?;
    let mapped = |e: &Map<String, Value>| -> Option<&str> {
        mapping[&key(&e["id"])].as_deref().filter(|g| !g.is_empty())
    };

    // entities
    let found: HashSet<&str> = sys_entities.iter().filter_map(|e| mapped(e)).collect();
    let required_gents = || gents_order.iter().filter(|id| !gents[*id].optional);
    let e_tp = required_gents().filter(|id| found.contains(*id)).count() as u64;
    let e_fn = required_gents().filter(|id| !found.contains(*id)).count() as u64;
    let e_fp_list: Vec<&Map<String, Value>> = sys_entities
        .iter()
        .copied()
        .filter(|e| mapping[&key(&e["id"])].is_none())
        .collect();
    let mut per_gold: HashMap<&str, u64> = HashMap::new();
    for e in &sys_entities {
        if let Some(gid) = mapped(e) {
            *per_gold.entry(gid).or_default() += 1;
        }
    }
    let e_fp = e_fp_list.len() as u64
        + per_gold
            .values()
            .filter(|n| **n > 1)
            .map(|n| n - 1)
            .sum::<u64>();

    // relations
    let lookup = |r: &Map<String, Value>, f: &str| -> Option<String> {
        let k = key(r.get(f).unwrap_or(&Value::Null));
        mapping.get(&k).cloned().flatten()
    };
    let relations: Vec<&Map<String, Value>> = iter_list(out.get("relations"))
        .into_iter()
        .filter_map(Value::as_object)
        .collect();
    let mut sys_rel: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut unmapped: Vec<&Map<String, Value>> = Vec::new();
    for r in &relations {
        let Some(p) = r.get("predicate").and_then(Value::as_str) else {
            continue;
        };
        if !PREDICATES.contains(&p) {
            continue;
        }
        let (Some(mut s), Some(mut o)) = (lookup(r, "subject"), lookup(r, "object")) else {
            unmapped.push(r);
            continue;
        };
        if SYMMETRIC.contains(&p) && o < s {
            std::mem::swap(&mut s, &mut o);
        }
        sys_rel.insert((s, p.to_string(), o));
    }
    let matches = |(s, p, o): &(String, String, String), gr: &GoldRelation| -> bool {
        if !gr.p.contains(p) {
            return false;
        }
        if SYMMETRIC.contains(&p.as_str()) {
            return (gr.s.contains(s) && gr.o.contains(o))
                || (gr.s.contains(o) && gr.o.contains(s));
        }
        gr.s.contains(s) && gr.o.contains(o)
    };
    let mut r_fp_list: Vec<&(String, String, String)> = Vec::new();
    let mut edges: Vec<Vec<usize>> = Vec::new();
    for t in &sys_rel {
        let hit: Vec<usize> = (0..g.relations.len())
            .filter(|&i| matches(t, &g.relations[i]))
            .collect();
        if hit.is_empty() {
            r_fp_list.push(t);
        }
        edges.push(
            hit.into_iter()
                .filter(|&i| !g.relations[i].optional)
                .collect(),
        );
    }
    let owner = max_matching(&edges);
    let r_tp = owner.len() as u64;
    let r_fn_list: Vec<&GoldRelation> = g
        .relations
        .iter()
        .enumerate()
        .filter(|(i, gr)| !gr.optional && !owner.contains_key(i))
        .map(|(_, gr)| gr)
        .collect();
    let r_fp = (r_fp_list.len() + unmapped.len()) as u64;

    // meetings: date and place of gold metWith
    let mut m = Meetings::default();
    let mut sys_meets: HashMap<(String, String), Vec<&Map<String, Value>>> = HashMap::new();
    for r in &relations {
        if r.get("predicate").and_then(Value::as_str) == Some("metWith") {
            let (s, o) = (lookup(r, "subject"), lookup(r, "object"));
            if let (Some(s), Some(o)) = (s.filter(|x| !x.is_empty()), o.filter(|x| !x.is_empty())) {
                let k = if o < s { (o, s) } else { (s, o) };
                sys_meets.entry(k).or_default().push(r);
            }
        }
    }
    for gr in &g.relations {
        if !gr.p.iter().any(|p| p == "metWith") || gr.optional {
            continue;
        }
        m.gold += 1;
        let has_date = truthy(Some(&gr.date));
        if has_date {
            m.with_date += 1;
        }
        let mut cands: Vec<&Map<String, Value>> = Vec::new();
        for s in &gr.s {
            for o in &gr.o {
                let k = if o < s {
                    (o.clone(), s.clone())
                } else {
                    (s.clone(), o.clone())
                };
                if let Some(v) = sys_meets.get(&k) {
                    cands.extend(v.iter().copied());
                }
            }
        }
        if has_date
            && cands
                .iter()
                .any(|c| c.get("date").unwrap_or(&Value::Null) == &gr.date)
        {
            m.date_right += 1;
        }
        if truthy(Some(&gr.place)) {
            m.with_place += 1;
            if cands.iter().any(|c| match (lookup(c, "place"), &gr.place) {
                (Some(p), Value::String(gp)) => &p == gp,
                _ => false,
            }) {
                m.place_right += 1;
            }
        }
    }

    let details = Details {
        missed_entities: required_gents()
            .filter(|id| !found.contains(*id))
            .map(|id| gents[*id].names.first().cloned().unwrap_or_default())
            .collect(),
        extra_entities: e_fp_list
            .iter()
            .map(|e| format!("{}:{}", py_str(e.get("type")), py_str(e.get("label"))))
            .collect(),
        missed_relations: r_fn_list
            .iter()
            .map(|r| {
                format!(
                    "{} {} {}",
                    py_str(Some(&r.raw_s)),
                    py_str(Some(&r.raw_p)),
                    py_str(Some(&r.raw_o))
                )
            })
            .collect(),
        extra_relations: r_fp_list
            .iter()
            .map(|(s, p, o)| format!("{s} {p} {o}"))
            .chain(unmapped.iter().map(|r| {
                format!(
                    "<unmapped> {} {} {}",
                    py_str(r.get("subject")),
                    py_str(r.get("predicate")),
                    py_str(r.get("object"))
                )
            }))
            .collect(),
    };
    Ok(DocResult {
        e: [e_tp, e_fp, e_fn],
        r: [r_tp, r_fp, r_fn_list.len() as u64],
        meetings: m,
        mapping,
        details,
    })
}

/// system id -> gold id (or None), by type and normalised names.
fn map_entities(
    sys_entities: &[&Map<String, Value>],
    gold_entities: &[GoldEntity],
) -> std::result::Result<HashMap<String, Option<String>>, String> {
    let mut index: HashMap<(&str, String), BTreeSet<&str>> = HashMap::new();
    for ge in gold_entities {
        for n in &ge.names {
            for k in name_keys(n, &ge.typ) {
                index
                    .entry((ge.typ.as_str(), k))
                    .or_default()
                    .insert(ge.id.as_str());
            }
        }
    }
    let mut mapping = HashMap::new();
    for se in sys_entities {
        let typ = se.get("type").and_then(Value::as_str).unwrap_or("");
        let label = match se.get("label") {
            Some(v) if truthy(Some(v)) => py_str(Some(v)),
            _ => String::new(),
        };
        let mut names = vec![label];
        match se.get("aliases") {
            Some(Value::Array(a)) => names.extend(a.iter().map(|v| py_str(Some(v)))),
            Some(Value::String(s)) => names.extend(s.chars().map(String::from)),
            Some(Value::Object(o)) => names.extend(o.keys().cloned()),
            _ => {}
        }
        let mut votes: BTreeMap<&str, u64> = BTreeMap::new();
        for (i, n) in names.iter().enumerate() {
            for k in name_keys(n, typ) {
                if let Some(gids) = index.get(&(typ, k)) {
                    for gid in gids {
                        *votes.entry(gid).or_default() += if i == 0 { 3 } else { 1 };
                    }
                }
            }
        }
        // max(sorted(votes), key=votes.get): the first maximum in sorted order
        let mut best: Option<(&str, u64)> = None;
        for (gid, v) in votes {
            if best.is_none_or(|(_, b)| v > b) {
                best = Some((gid, v));
            }
        }
        let id = se.get("id").ok_or("a system entity has no \"id\"")?;
        mapping.insert(key(id), best.map(|(g, _)| g.to_string()));
    }
    Ok(mapping)
}

/// Maximum bipartite matching by augmenting paths, in the order of
/// `score.py`: system triples in sorted order (`edges[t]` lists the gold
/// relation indices that triple `t` may take). Returns gold index -> triple.
fn max_matching(edges: &[Vec<usize>]) -> HashMap<usize, usize> {
    fn augment(
        t: usize,
        edges: &[Vec<usize>],
        owner: &mut HashMap<usize, usize>,
        seen: &mut HashSet<usize>,
    ) -> bool {
        for &i in &edges[t] {
            if !seen.insert(i) {
                continue;
            }
            let free = match owner.get(&i) {
                None => true,
                Some(&other) => augment(other, edges, owner, seen),
            };
            if free {
                owner.insert(i, t);
                return true;
            }
        }
        false
    }
    let mut owner = HashMap::new();
    for t in 0..edges.len() {
        augment(t, edges, &mut owner, &mut HashSet::new());
    }
    owner
}

fn prf(tp: u64, fp: u64, fn_: u64) -> Prf {
    let p = if tp + fp > 0 {
        tp as f64 / (tp + fp) as f64
    } else {
        1.0
    };
    let r = if tp + fn_ > 0 {
        tp as f64 / (tp + fn_) as f64
    } else {
        1.0
    };
    let f = if p + r != 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    Prf {
        precision: round4(p),
        recall: round4(r),
        f1: round4(f),
        tp,
        fp,
        fn_,
    }
}

/// Python's `round(x, 4)`: correctly rounded, ties to even.
fn round4(x: f64) -> f64 {
    format!("{x:.4}").parse().expect("a formatted float parses")
}

// ------------------------------------------------------------------ names

/// Case, accents, spaces and punctuation do not count: Python's
/// `"".join(c for c in NFKD(name.casefold()) if c.isalnum())`.
pub fn norm(name: &str) -> String {
    casefold(name)
        .nfkd()
        .map(|c| if c == '\u{345}' { 'ι' } else { c })
        .filter(|&c| c.is_alphanumeric() && !is_combining_mark(c))
        .collect()
}

/// Python's `str.casefold` (full case folding), close enough: lower case
/// plus the foldings that differ from it.
fn casefold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'ß' | 'ẞ' => out.push_str("ss"),
            'ς' => out.push('σ'),
            '\u{345}' => out.push('ι'),
            // Cherokee folds to upper case
            '\u{13A0}'..='\u{13F5}' => out.push(c),
            '\u{13F8}'..='\u{13FD}' => out.push(char::from_u32(c as u32 - 8).unwrap_or(c)),
            '\u{AB70}'..='\u{ABBF}' => {
                out.push(char::from_u32(c as u32 - 0xAB70 + 0x13A0).unwrap_or(c))
            }
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Python's `str.isspace`, as used by `str.split()`.
fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The keys under which a name matches: its normalised form and, for
/// persons of several words, that of the reversed name.
pub fn name_keys(name: &str, typ: &str) -> Vec<String> {
    let mut keys = vec![norm(name)];
    if typ == "Person" {
        let parts: Vec<&str> = name.split(py_isspace).filter(|p| !p.is_empty()).collect();
        if parts.len() > 1 {
            let rev: Vec<&str> = parts.into_iter().rev().collect();
            let k = norm(&rev.join(" "));
            if k != keys[0] {
                keys.push(k);
            }
        }
    }
    keys.retain(|k| !k.is_empty());
    keys
}

// ------------------------------------------------------------------ Python semantics

/// A hashable key for a JSON value used as an id: strings as themselves,
/// anything else in a form that cannot collide with a string.
fn key(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        v => format!("\u{0}{v}"),
    }
}

fn iter_list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        _ => Vec::new(),
    }
}

/// Python truthiness of a JSON value (`None` when absent).
fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

/// Python's `str()` of a JSON value as `json.loads` gives it (`None` when absent).
fn py_str(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        v => py_repr(v),
    }
}

/// Python's `repr()` of a JSON value as `json.loads` gives it.
fn py_repr(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "None".into(),
        Some(Value::Bool(true)) => "True".into(),
        Some(Value::Bool(false)) => "False".into(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => py_repr_str(s),
        Some(Value::Array(a)) => {
            let items: Vec<String> = a.iter().map(|x| py_repr(Some(x))).collect();
            format!("[{}]", items.join(", "))
        }
        Some(Value::Object(o)) => {
            let items: Vec<String> = o
                .iter()
                .map(|(k, x)| format!("{}: {}", py_repr_str(k), py_repr(Some(x))))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

fn py_repr_str(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || (0x7f..=0xa0).contains(&(c as u32)) || c == '\u{ad}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c != ' ' && (c.is_control() || c.is_whitespace()) => {
                if (c as u32) <= 0xffff {
                    out.push_str(&format!("\\u{:04x}", c as u32))
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32))
                }
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

/// The stem of the document an output speaks of: `document.path`, else
/// `.id`, else `.source` (the first that is set).
fn stem(doc: &Map<String, Value>) -> Option<String> {
    let d = doc.get("document")?.as_object()?;
    for k in ["path", "id", "source"] {
        if truthy(d.get(k)) {
            return Some(py_stem(&py_str(d.get(k))));
        }
    }
    None
}

/// `pathlib.PurePosixPath(p).stem` (Python 3.11).
fn py_stem(p: &str) -> String {
    let name = p
        .split('/')
        .rfind(|c| !c.is_empty() && *c != ".")
        .unwrap_or("");
    match name.rfind('.') {
        Some(i) if i > 0 && i < name.len() - 1 => name[..i].to_string(),
        _ => name.to_string(),
    }
}

// ------------------------------------------------------------------ tests

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn gold_dir(docs: &[Value]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (i, d) in docs.iter().enumerate() {
            std::fs::write(dir.path().join(format!("{i:03}.json")), d.to_string()).unwrap();
        }
        dir
    }

    fn gold_a() -> Value {
        json!({
            "document": "a.txt",
            "entities": [
                {"id": "kang", "type": "Person", "names": ["Kang Kyung-wha"]},
                {"id": "kono", "type": "Person", "names": ["Tarō Kōno", "Taro Kono"]},
                {"id": "japan", "type": "Country", "names": ["Japan"]},
                {"id": "tokyo", "type": "Place", "names": ["Tokyo"]},
                {"id": "cw", "type": "Issue", "names": ["comfort women issue"]},
                {"id": "bilat", "type": "Issue", "names": ["bilateral relations"], "optional": true}
            ],
            "relations": [
                {"s": "kang", "p": "metWith", "o": "kono", "date": "2017-12-19", "place": "tokyo"},
                {"s": "kang", "p": ["raised", "discussed"], "o": "cw"},
                {"s": "kang", "p": "visited", "o": ["japan", "tokyo"]},
                {"s": "kono", "p": "raised", "o": "bilat", "optional": true}
            ]
        })
    }

    fn ent(id: &str, typ: &str, label: &str, aliases: &[&str]) -> Value {
        json!({"id": id, "type": typ, "label": label, "aliases": aliases, "mentions": []})
    }

    fn rel(s: &str, p: &str, o: &str) -> Value {
        json!({"subject": s, "predicate": p, "object": o})
    }

    #[test]
    fn norm_folds_case_accents_punctuation() {
        assert_eq!(norm("Tarō Kōno"), "tarokono");
        assert_eq!(norm("Kang Kyung-wha"), "kangkyungwha");
        assert_eq!(norm("U.S."), "us");
        assert_eq!(norm("Straße"), "strasse");
        assert_eq!(norm("ＴＯＫＹＯ"), "tokyo");
        assert_eq!(
            name_keys("Kang Kyung-wha", "Person"),
            vec!["kangkyungwha", "kyungwhakang"]
        );
        assert_eq!(name_keys("Comfort women", "Issue"), vec!["comfortwomen"]);
        assert!(name_keys(" -- ", "Person").is_empty());
    }

    #[test]
    fn python_helpers() {
        assert_eq!(py_stem("seeds/001_abc.txt"), "001_abc");
        assert_eq!(py_stem("a.b.c"), "a.b");
        assert_eq!(py_stem(".hidden"), ".hidden");
        assert_eq!(py_stem("dir/x."), "x.");
        assert_eq!(py_stem("dir/sub/"), "sub");
        assert_eq!(
            py_repr(Some(&json!(["raised", "it's"]))),
            "['raised', \"it's\"]"
        );
        assert_eq!(py_str(None), "None");
        assert_eq!(round4(1.0 / 32.0), 0.0312);
        assert_eq!(round4(2.0 / 3.0), 0.6667);
    }

    #[test]
    fn perfect_output_scores_one() {
        let g = gold_dir(&[gold_a()]);
        let out = json!({
            "document": {"id": "a", "path": "seeds/a.txt"},
            "entities": [
                ent("e1", "Person", "Kang Kyung-wha", &["Minister Kang"]),
                ent("e2", "Person", "Kono Taro", &[]),
                ent("e3", "Country", "Japan", &[]),
                ent("e4", "Place", "Tokyo", &[]),
                ent("e5", "Issue", "Comfort Women Issue", &[]),
            ],
            "relations": [
                {"subject": "e2", "predicate": "metWith", "object": "e1", "date": "2017-12-19", "place": "e4"},
                rel("e1", "discussed", "e5"),
                rel("e1", "visited", "e3"),
                rel("e1", "visited", "e4"),
            ]
        });
        let s = evaluate_values(g.path(), &[out]).unwrap();
        assert_eq!(s.documents, 1);
        assert_eq!((s.entities.tp, s.entities.fp, s.entities.fn_), (5, 0, 0));
        assert_eq!(s.entities.f1, 1.0);
        // the second visit can only take the same gold relation: a false positive? no:
        // it matches a gold relation, so it is neither tp nor fp
        assert_eq!((s.relations.tp, s.relations.fp, s.relations.fn_), (3, 0, 0));
        assert_eq!(
            s.meetings,
            Meetings {
                gold: 1,
                with_date: 1,
                date_right: 1,
                with_place: 1,
                place_right: 1
            }
        );
        assert_eq!(
            s.render(false),
            "a: entities F1 1.000  relations F1 1.000\n\
             entities  P 1.000 R 1.000 F1 1.000 (tp 5 fp 0 fn 0)\n\
             relations P 1.000 R 1.000 F1 1.000 (tp 3 fp 0 fn 0)\n\
             meetings  1 gold; 1 with a date, date right 1; 1 with a place, place right 1\n\
             resolution merge recall 1.000 over 0 pairs, merge precision 1.000 over 0 ids\n"
        );
        assert_eq!(s.to_string(), s.render(false));
    }

    #[test]
    fn misses_extras_and_details() {
        let g = gold_dir(&[gold_a()]);
        let out = json!({
            "document": {"id": "a"},
            "entities": [
                ent("e1", "Person", "Kyung-wha Kang", &[]),
                ent("e1b", "Person", "Minister Kang", &["Kang Kyung-wha"]),
                ent("x", "Person", "Nobody", &[]),
                ent("b", "Issue", "Bilateral relations", &[]),
                ent("e5", "Issue", "comfort-women issue", &[]),
                ent("bad", "Thing", "Whatever", &[]),
            ],
            "relations": [
                rel("e1", "raised", "e5"),
                rel("e1b", "raised", "e5"),
                rel("e1", "protested", "e5"),
                rel("x", "metWith", "e1"),
                rel("e1", "urged", "nowhere"),
                rel("e1", "likes", "e5"),
            ]
        });
        let s = evaluate_values(g.path(), &[out]).unwrap();
        // found kang, cw (and optional bilat); missed kono, japan, tokyo
        // fp: x, and the duplicate of kang
        assert_eq!((s.entities.tp, s.entities.fp, s.entities.fn_), (2, 2, 3));
        // (kang raised cw) once; protested is an extra; x and nowhere are unmapped
        assert_eq!((s.relations.tp, s.relations.fp, s.relations.fn_), (1, 3, 2));
        let d = &s.details["a"];
        assert_eq!(d.missed_entities, vec!["Tarō Kōno", "Japan", "Tokyo"]);
        assert_eq!(d.extra_entities, vec!["Person:Nobody"]);
        assert_eq!(
            d.missed_relations,
            vec!["kang metWith kono", "kang visited ['japan', 'tokyo']"]
        );
        assert_eq!(
            d.extra_relations,
            vec![
                "kang protested cw",
                "<unmapped> x metWith e1",
                "<unmapped> e1 urged nowhere"
            ]
        );
        let text = s.render(true);
        assert!(text.contains("    missed_entities: Japan\n"), "{text}");
        let v = s.to_json_value(true);
        assert_eq!(
            v["per_document"]["a"]["details"]["extra_entities"][0],
            "Person:Nobody"
        );
        assert!(s.to_json_value(false)["per_document"]["a"]
            .get("details")
            .is_none());
        assert_eq!(v["entities"]["fn"], 3);
    }

    #[test]
    fn votes_prefer_label_then_sorted_id() {
        let gold = vec![
            GoldEntity {
                id: "b".into(),
                typ: "Issue".into(),
                names: vec!["X".into()],
                optional: false,
            },
            GoldEntity {
                id: "a".into(),
                typ: "Issue".into(),
                names: vec!["X".into()],
                optional: false,
            },
            GoldEntity {
                id: "c".into(),
                typ: "Issue".into(),
                names: vec!["Y".into()],
                optional: false,
            },
        ];
        let e1 = json!({"id": "1", "type": "Issue", "label": "X"});
        let e2 = json!({"id": "2", "type": "Issue", "label": "Y", "aliases": ["X", "x."]});
        let e3 = json!({"id": "3", "type": "Issue", "label": "Z", "aliases": ["Y", "X"]});
        let ents: Vec<&Map<String, Value>> = [&e1, &e2, &e3]
            .iter()
            .map(|v| v.as_object().unwrap())
            .collect();
        let m = map_entities(&ents, &gold).unwrap();
        assert_eq!(m["1"].as_deref(), Some("a"));
        assert_eq!(m["2"].as_deref(), Some("c")); // 3 for c, 2 for a and b
        assert_eq!(m["3"].as_deref(), Some("a")); // 1 each: first in sorted order
    }

    #[test]
    fn matching_finds_the_maximum() {
        // triple 0 may take gold 0 or 1, triple 1 only gold 0
        let owner = max_matching(&[vec![0, 1], vec![0]]);
        assert_eq!(owner.len(), 2);
        assert_eq!(owner[&0], 1);
        assert_eq!(owner[&1], 0);
    }

    #[test]
    fn resolution_across_documents() {
        let gold_b = json!({
            "document": "b.txt",
            "entities": [
                {"id": "kang", "type": "Person", "names": ["Kang Kyung-wha"]},
                {"id": "japan", "type": "Country", "names": ["Japan"]},
                {"id": "kono", "type": "Person", "names": ["Taro Kono"]}
            ],
            "relations": []
        });
        let g = gold_dir(&[gold_a(), gold_b]);
        let a = json!({"document": {"path": "x/a.txt"}, "entities": [
            ent("kang", "Person", "Kang Kyung-wha", &[]),
            ent("japan", "Country", "Japan", &[]),
            ent("p1", "Person", "Taro Kono", &[])]});
        let b = json!({"document": {"path": "b.html"}, "entities": [
            ent("kang", "Person", "Kang Kyung-wha", &[]),
            ent("jp2", "Country", "Japan", &[]),
            ent("p1", "Person", "Kang Kyung-wha", &[])]});
        let s = evaluate_values(g.path(), &[a, b]).unwrap();
        assert_eq!(s.documents, 2);
        // kang: same id; japan: different ids; kono only in a
        assert_eq!(s.resolution.pairs, 2);
        assert_eq!(s.resolution.merge_recall, 0.5);
        // kang -> kang everywhere, p1 -> kono then kang
        assert_eq!(s.resolution.merged_ids, 2);
        assert_eq!(s.resolution.merge_precision, 0.5);
    }

    #[test]
    fn only_documents_of_the_output_unless_all_gold() {
        let gold_b = json!({"document": "b.txt", "entities": [
            {"id": "japan", "type": "Country", "names": ["Japan"]}], "relations": []});
        let g = gold_dir(&[gold_a(), gold_b]);
        let b = json!({"document": {"id": "b"}, "entities": [], "relations": []});
        let s = evaluate_values(g.path(), std::slice::from_ref(&b)).unwrap();
        assert_eq!(s.documents, 1);
        assert_eq!(s.entities.fn_, 1);
        let s = evaluate_values_with(g.path(), &[b], Options { all_gold: true }).unwrap();
        assert_eq!(s.documents, 2);
        assert_eq!(s.entities.fn_, 6);
        let none = json!({"document": {"id": "zzz"}});
        assert!(evaluate_values(g.path(), &[none]).is_err());
    }

    #[test]
    fn gold_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.json"), "{\"document\": ").unwrap();
        let err = evaluate_values(dir.path(), &[]).unwrap_err().to_string();
        assert!(err.contains("bad.json"), "{err}");
        std::fs::write(dir.path().join("bad.json"), "{\"document\": 3}").unwrap();
        let err = evaluate_values(dir.path(), &[]).unwrap_err().to_string();
        assert!(
            err.contains("bad.json") && err.contains("document"),
            "{err}"
        );
        let err = evaluate_values(&dir.path().join("nope"), &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("nope"), "{err}");
    }

    #[test]
    fn typed_extractions_score_like_values() {
        use crate::model::*;
        let g = gold_dir(&[gold_a()]);
        let span = Span {
            start: 0,
            end: 1,
            text: "x".into(),
        };
        let e = |id: &str, t, label: &str| Entity {
            id: id.into(),
            entity_type: t,
            label: label.into(),
            aliases: vec![],
            mentions: vec![],
            country: None,
            known: true,
            merges: vec![],
        };
        let x = Extraction {
            document: DocumentInfo {
                id: "a".into(),
                path: "seeds/a.txt".into(),
                ..Default::default()
            },
            entities: vec![
                e("kang", EntityType::Person, "Kang Kyung-wha"),
                e("kono", EntityType::Person, "Taro Kono"),
            ],
            relations: vec![Relation {
                subject: "kang".into(),
                predicate: Predicate::MetWith,
                object: "kono".into(),
                date: Some("2017-12-19".into()),
                place: None,
                format: Some(MeetingFormat::InPerson),
                occasion: None,
                evidence: span,
                confidence: 1.0,
                rule: "test".into(),
                role: None,
            }],
            diagnostics: vec![],
        };
        let s = evaluate(g.path(), &[x]).unwrap();
        assert_eq!((s.entities.tp, s.entities.fn_), (2, 3));
        assert_eq!(s.relations.tp, 1);
        assert_eq!((s.meetings.date_right, s.meetings.place_right), (1, 0));
        assert_eq!(s.relations.precision, 1.0);
        assert_eq!(s.relations.recall, 0.3333);
    }
}
