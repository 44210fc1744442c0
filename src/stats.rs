//! Network measures of the knowledge graph: degree, weighted degree,
//! PageRank, betweenness, connected components and communities.
//!
//! All implemented here on plain index vectors (nodes numbered in id order)
//! rather than with petgraph's algorithms: petgraph's `page_rank` is
//! quadratic and gave flat scores with dead ends (see STACK.md), and it has
//! no betweenness. Every loop runs in node order, so results are
//! deterministic.

use crate::graph::KnowledgeGraph;
use crate::model::{EntityType, Predicate};
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;

/// The measures of one node.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeMeasures {
    /// Number of incident edges (one per distinct fact).
    pub degree: usize,
    /// Sum of the weights (evidence counts) of incident edges.
    pub weighted_degree: usize,
    /// PageRank on the undirected graph (each edge both ways), weighted by
    /// evidence counts.
    pub pagerank: f64,
    /// Normalised betweenness on the undirected, unweighted projection
    /// (the NetworkX convention).
    pub betweenness: f64,
    /// Connected component, numbered by size (0 = largest).
    pub component: usize,
    /// Community by label propagation, numbered by size (0 = largest).
    pub community: usize,
}

/// Measures of every node, by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measures {
    pub nodes: BTreeMap<String, NodeMeasures>,
}

impl Measures {
    pub fn get(&self, id: &str) -> Option<&NodeMeasures> {
        self.nodes.get(id)
    }

    pub fn component_count(&self) -> usize {
        self.nodes
            .values()
            .map(|m| m.component + 1)
            .max()
            .unwrap_or(0)
    }

    pub fn community_count(&self) -> usize {
        self.nodes
            .values()
            .map(|m| m.community + 1)
            .max()
            .unwrap_or(0)
    }
}

/// The names of the measures as written to CSV, GraphML and RDF.
pub const MEASURE_NAMES: [&str; 6] = [
    "degree",
    "weightedDegree",
    "pageRank",
    "betweenness",
    "component",
    "community",
];

/// The graph as index vectors: node i is the i-th id in order.
struct Indexed {
    ids: Vec<String>,
    /// Weighted arcs for PageRank: every edge in both directions.
    out: Vec<Vec<(usize, f64)>>,
    /// Undirected simple neighbour sets (no self-loops), sorted.
    undirected: Vec<Vec<usize>>,
    /// Undirected weights summed per neighbour pair.
    weights: Vec<BTreeMap<usize, f64>>,
    degree: Vec<usize>,
    weighted_degree: Vec<usize>,
}

impl Indexed {
    fn new(g: &KnowledgeGraph) -> Indexed {
        let ids: Vec<String> = g.nodes().map(|n| n.id.clone()).collect();
        let pos: BTreeMap<&str, usize> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let n = ids.len();
        let mut ix = Indexed {
            out: vec![Vec::new(); n],
            undirected: vec![Vec::new(); n],
            weights: vec![BTreeMap::new(); n],
            degree: vec![0; n],
            weighted_degree: vec![0; n],
            ids: Vec::new(),
        };
        for e in g.edges() {
            let (s, t) = (pos[e.source.as_str()], pos[e.target.as_str()]);
            let w = e.weight();
            // Both directions: an edge is an interaction between the two
            // (on the directed graph, rank would pool in the issues that
            // actors point at, and officials would all score alike).
            ix.out[s].push((t, w as f64));
            if s != t {
                ix.out[t].push((s, w as f64));
            }
            for v in [s, t] {
                ix.degree[v] += 1;
                ix.weighted_degree[v] += w;
            }
            if s != t {
                *ix.weights[s].entry(t).or_default() += w as f64;
                *ix.weights[t].entry(s).or_default() += w as f64;
            }
        }
        for v in 0..n {
            ix.undirected[v] = ix.weights[v].keys().copied().collect();
        }
        ix.ids = ids;
        ix
    }
}

/// Compute every measure.
pub fn compute(g: &KnowledgeGraph) -> Measures {
    let ix = Indexed::new(g);
    let pr = pagerank(&ix.out, 0.85, 1e-12, 200);
    let bc = betweenness(&ix.undirected);
    let comp = components(&ix.undirected);
    let comm = label_propagation(&ix.weights, 100);
    let nodes = (0..ix.ids.len())
        .map(|i| {
            let m = NodeMeasures {
                degree: ix.degree[i],
                weighted_degree: ix.weighted_degree[i],
                pagerank: pr[i],
                betweenness: bc[i],
                component: comp[i],
                community: comm[i],
            };
            (ix.ids[i].clone(), m)
        })
        .collect();
    Measures { nodes }
}

/// PageRank by power iteration. The rank of dangling nodes (no out-arcs) is
/// spread uniformly, so that the scores sum to 1 on any graph.
pub fn pagerank(
    out: &[Vec<(usize, f64)>],
    damping: f64,
    tolerance: f64,
    max_iter: usize,
) -> Vec<f64> {
    let n = out.len();
    if n == 0 {
        return Vec::new();
    }
    let uniform = 1.0 / n as f64;
    let totals: Vec<f64> = out
        .iter()
        .map(|arcs| arcs.iter().map(|a| a.1).sum())
        .collect();
    let mut rank = vec![uniform; n];
    for _ in 0..max_iter {
        let dangling: f64 = (0..n).filter(|&v| totals[v] == 0.0).map(|v| rank[v]).sum();
        let base = (1.0 - damping) * uniform + damping * dangling * uniform;
        let mut next = vec![base; n];
        for v in 0..n {
            if totals[v] > 0.0 {
                for &(t, w) in &out[v] {
                    next[t] += damping * rank[v] * w / totals[v];
                }
            }
        }
        let diff: f64 = next.iter().zip(&rank).map(|(a, b)| (a - b).abs()).sum();
        rank = next;
        if diff < tolerance * n as f64 {
            break;
        }
    }
    rank
}

/// Graphs up to this many nodes get exact betweenness; larger ones an
/// estimate from [`BETWEENNESS_SOURCES`] sources (exact betweenness costs
/// one breadth-first search per node: quadratic in the corpus).
pub const EXACT_BETWEENNESS_NODES: usize = 2000;

/// Sources of the betweenness estimate on large graphs, spread evenly over
/// the nodes in id order (deterministic), as NetworkX's
/// `betweenness_centrality(G, k=...)` does with random ones.
pub const BETWEENNESS_SOURCES: usize = 500;

/// Brandes' betweenness on an undirected unweighted graph, normalised by
/// `(n-1)(n-2)` as NetworkX does for undirected graphs; estimated from a
/// sample of sources above [`EXACT_BETWEENNESS_NODES`] nodes. Sources are
/// processed in parallel in fixed chunks whose sums are added in order, so
/// the result is the same from run to run.
pub fn betweenness(adj: &[Vec<usize>]) -> Vec<f64> {
    use rayon::prelude::*;
    let n = adj.len();
    let sources: Vec<usize> = if n <= EXACT_BETWEENNESS_NODES {
        (0..n).collect()
    } else {
        (0..BETWEENNESS_SOURCES)
            .map(|i| i * n / BETWEENNESS_SOURCES)
            .collect()
    };
    let partial: Vec<Vec<f64>> = sources
        .par_chunks(64)
        .map(|chunk| {
            let mut bc = vec![0.0; n];
            for &s in chunk {
                brandes_from(adj, s, &mut bc);
            }
            bc
        })
        .collect();
    let mut bc = vec![0.0; n];
    for p in partial {
        for (b, x) in bc.iter_mut().zip(p) {
            *b += x;
        }
    }
    // Each pair was counted from both ends; NetworkX's undirected
    // normalisation 2/((n-1)(n-2)) on the halved sums comes to this.
    let scale = if n > 2 {
        n as f64 / sources.len() as f64 / ((n - 1) * (n - 2)) as f64
    } else {
        0.0
    };
    bc.iter().map(|b| b * scale).collect()
}

/// Add the dependencies of one source to `bc` (one step of Brandes).
fn brandes_from(adj: &[Vec<usize>], s: usize, bc: &mut [f64]) {
    let n = adj.len();
    let mut stack = Vec::with_capacity(n);
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut sigma = vec![0.0f64; n];
    let mut dist = vec![usize::MAX; n];
    sigma[s] = 1.0;
    dist[s] = 0;
    let mut queue = VecDeque::from([s]);
    while let Some(v) = queue.pop_front() {
        stack.push(v);
        for &w in &adj[v] {
            if dist[w] == usize::MAX {
                dist[w] = dist[v] + 1;
                queue.push_back(w);
            }
            if dist[w] == dist[v] + 1 {
                sigma[w] += sigma[v];
                preds[w].push(v);
            }
        }
    }
    let mut delta = vec![0.0f64; n];
    while let Some(w) = stack.pop() {
        for &v in &preds[w] {
            delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
        }
        if w != s {
            bc[w] += delta[w];
        }
    }
}

/// Connected components, numbered by size (largest first; ties: the one
/// with the smallest node).
pub fn components(adj: &[Vec<usize>]) -> Vec<usize> {
    let n = adj.len();
    let mut raw = vec![usize::MAX; n];
    let mut count = 0;
    for s in 0..n {
        if raw[s] != usize::MAX {
            continue;
        }
        raw[s] = count;
        let mut queue = VecDeque::from([s]);
        while let Some(v) = queue.pop_front() {
            for &w in &adj[v] {
                if raw[w] == usize::MAX {
                    raw[w] = count;
                    queue.push_back(w);
                }
            }
        }
        count += 1;
    }
    renumber_by_size(&raw)
}

/// Communities by asynchronous label propagation: nodes in id order each
/// take the label of heaviest weight among their neighbours, keeping their
/// own on a tie if it is among the best, else the smallest. Stops when no
/// label changes (or after `max_rounds`).
pub fn label_propagation(weights: &[BTreeMap<usize, f64>], max_rounds: usize) -> Vec<usize> {
    let n = weights.len();
    let mut label: Vec<usize> = (0..n).collect();
    for _ in 0..max_rounds {
        let mut changed = false;
        for v in 0..n {
            let mut score: BTreeMap<usize, f64> = BTreeMap::new();
            for (&w, &wt) in &weights[v] {
                *score.entry(label[w]).or_default() += wt;
            }
            let Some(best) = score.values().copied().reduce(f64::max) else {
                continue;
            };
            let is_best = |l: &usize| (score[l] - best).abs() < 1e-12;
            if score.contains_key(&label[v]) && is_best(&label[v]) {
                continue;
            }
            let new = *score.keys().find(|l| is_best(l)).expect("a best label");
            if new != label[v] {
                label[v] = new;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    renumber_by_size(&label)
}

/// Renumber group labels 0.. by decreasing size (ties: smallest member).
fn renumber_by_size(raw: &[usize]) -> Vec<usize> {
    let mut groups: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for (v, &l) in raw.iter().enumerate() {
        let g = groups.entry(l).or_insert((0, v));
        g.0 += 1;
    }
    let mut order: Vec<(usize, usize, usize)> = groups
        .into_iter()
        .map(|(l, (size, first))| (l, size, first))
        .collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    let new: BTreeMap<usize, usize> = order.iter().enumerate().map(|(i, g)| (g.0, i)).collect();
    raw.iter().map(|l| new[l]).collect()
}

/// One measure of the report: its name and how to read it.
struct Column {
    name: &'static str,
    value: fn(&NodeMeasures) -> f64,
    integer: bool,
}

const COLUMNS: [Column; 4] = [
    Column {
        name: "PageRank",
        value: |m| m.pagerank,
        integer: false,
    },
    Column {
        name: "Betweenness",
        value: |m| m.betweenness,
        integer: false,
    },
    Column {
        name: "Degree",
        value: |m| m.degree as f64,
        integer: true,
    },
    Column {
        name: "Weighted degree",
        value: |m| m.weighted_degree as f64,
        integer: true,
    },
];

/// The `dipkg stats` report: graph size, then for each measure the top `n`
/// entities overall and of each type.
pub fn report(g: &KnowledgeGraph, m: &Measures, top: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} entities, {} edges, {} meetings, {} connected components, {} communities\n",
        g.node_count(),
        g.edge_count(),
        g.meetings().len(),
        m.component_count(),
        m.community_count()
    );
    for col in &COLUMNS {
        let _ = writeln!(out, "== {} ==", col.name);
        top_block(&mut out, g, m, col, None, top);
        for t in EntityType::ALL {
            top_block(&mut out, g, m, col, Some(t), top);
        }
        out.push('\n');
    }
    communities_block(&mut out, g, m, top);
    out
}

/// One block of ranked rows (skipped when no node of the type exists).
fn top_block(
    out: &mut String,
    g: &KnowledgeGraph,
    m: &Measures,
    col: &Column,
    t: Option<EntityType>,
    top: usize,
) {
    let mut rows: Vec<(f64, &str, &str)> = g
        .nodes()
        .filter(|n| t.is_none_or(|t| n.entity_type == t))
        .map(|n| {
            (
                (col.value)(&m.nodes[&n.id]),
                n.label.as_str(),
                n.id.as_str(),
            )
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(b.2)));
    let heading = t.map_or("All".to_string(), |t| t.to_string());
    let _ = writeln!(out, "  {heading}");
    let width = rows
        .iter()
        .take(top)
        .map(|r| r.1.chars().count())
        .max()
        .unwrap_or(0);
    for (i, (v, label, id)) in rows.iter().take(top).enumerate() {
        let value = if col.integer {
            format!("{v:>8}")
        } else {
            format!("{v:>8.4}")
        };
        let _ = writeln!(out, "    {:>2}. {label:<width$}  {value}  ({id})", i + 1);
    }
}

/// The largest communities with their members, most central first.
fn communities_block(out: &mut String, g: &KnowledgeGraph, m: &Measures, top: usize) {
    let _ = writeln!(out, "== Communities (label propagation) ==");
    for c in 0..m.community_count().min(top) {
        let mut members: Vec<(f64, &str)> = g
            .nodes()
            .filter(|n| m.nodes[&n.id].community == c)
            .map(|n| (m.nodes[&n.id].pagerank, n.label.as_str()))
            .collect();
        members.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let names: Vec<&str> = members.iter().take(8).map(|x| x.1).collect();
        let more = members.len().saturating_sub(8);
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {:>2}. ({} members) {}{tail}",
            c,
            members.len(),
            names.join(", ")
        );
    }
}

/// One row of the timeline: a pair of countries in one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineRow {
    /// The two countries, `a < b`.
    pub a: String,
    pub b: String,
    /// Year of the evidence ("" when undated).
    pub year: String,
    /// Distinct meeting dates (or undated documents) of the pair.
    pub meetings: usize,
    /// Distinct protest statements between them, either way.
    pub protests: usize,
    /// Distinct agreement statements between them, either way.
    pub agreements: usize,
}

/// Country-pair timeline of a graph: it is rolled up to countries first
/// (see [`KnowledgeGraph::country_projection`]); only edges between two
/// countries count. A meeting counts once per pair and date however many
/// participants or documents report it; protests and agreements count once
/// per statement (document and sentence).
pub fn timeline(g: &KnowledgeGraph) -> Vec<TimelineRow> {
    country_timeline(&g.country_projection())
}

/// [`timeline`] of a graph already rolled up to countries
/// ([`KnowledgeGraph::country_projection`]).
pub fn country_timeline(countries: &KnowledgeGraph) -> Vec<TimelineRow> {
    use std::collections::BTreeSet;
    type Key = (String, String, String);
    let mut meetings: BTreeMap<Key, BTreeSet<String>> = BTreeMap::new();
    let mut protests: BTreeMap<Key, BTreeSet<String>> = BTreeMap::new();
    let mut agreements: BTreeMap<Key, BTreeSet<String>> = BTreeMap::new();
    let is_country = |id: &str| {
        countries
            .node(id)
            .is_some_and(|n| n.entity_type == EntityType::Country)
    };
    for e in countries.edges() {
        if !is_country(&e.source) || !is_country(&e.target) {
            continue;
        }
        let (a, b) = if e.source < e.target {
            (&e.source, &e.target)
        } else {
            (&e.target, &e.source)
        };
        for ev in e.evidence.iter() {
            let year: String = ev
                .date
                .as_deref()
                .map(|d| d.chars().take(4).collect())
                .unwrap_or_default();
            let key = (a.to_string(), b.to_string(), year);
            match e.predicate {
                Predicate::MetWith => {
                    let when = ev.date.unwrap_or(ev.document).to_string();
                    meetings.entry(key).or_default().insert(when);
                }
                Predicate::Protested => {
                    protests
                        .entry(key)
                        .or_default()
                        .insert(format!("{}:{}", ev.document, ev.start));
                }
                Predicate::AgreedOn => {
                    agreements
                        .entry(key)
                        .or_default()
                        .insert(format!("{}:{}", ev.document, ev.start));
                }
                _ => {}
            }
        }
    }
    let keys: BTreeSet<&Key> = meetings
        .keys()
        .chain(protests.keys())
        .chain(agreements.keys())
        .collect();
    let count = |m: &BTreeMap<Key, BTreeSet<String>>, k: &Key| m.get(k).map_or(0, BTreeSet::len);
    keys.into_iter()
        .map(|k| TimelineRow {
            a: k.0.clone(),
            b: k.1.clone(),
            year: k.2.clone(),
            meetings: count(&meetings, k),
            protests: count(&protests, k),
            agreements: count(&agreements, k),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagerank_sums_to_one_with_dangling_nodes() {
        // 0 -> 1 -> 2, 2 dangling.
        let out = vec![vec![(1, 1.0)], vec![(2, 1.0)], vec![]];
        let pr = pagerank(&out, 0.85, 1e-12, 200);
        assert!((pr.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(pr[2] > pr[1] && pr[1] > pr[0]);
    }

    #[test]
    fn betweenness_of_a_path_matches_networkx() {
        // Path 0-1-2: nx.betweenness_centrality gives {0: 0, 1: 1.0, 2: 0}.
        let adj = vec![vec![1], vec![0, 2], vec![1]];
        assert_eq!(betweenness(&adj), vec![0.0, 1.0, 0.0]);
        // Star with centre 0 and 3 leaves: centre 1.0.
        let adj = vec![vec![1, 2, 3], vec![0], vec![0], vec![0]];
        assert_eq!(betweenness(&adj)[0], 1.0);
    }

    #[test]
    fn betweenness_of_large_graphs_is_estimated_from_sources() {
        // A path of 3001 nodes: exact betweenness of node i is
        // i(n-1-i) / ((n-1)(n-2)/2); the estimate from 500 evenly spread
        // sources must be close, and the same on every run.
        let n = 3001;
        let adj: Vec<Vec<usize>> = (0..n)
            .map(|i| {
                let mut v = Vec::new();
                if i > 0 {
                    v.push(i - 1);
                }
                if i + 1 < n {
                    v.push(i + 1);
                }
                v
            })
            .collect();
        let exact = |i: usize| (i * (n - 1 - i)) as f64 / ((n - 1) * (n - 2) / 2) as f64;
        let bc = betweenness(&adj);
        for i in [1, 750, 1500, 2999] {
            assert!(
                (bc[i] - exact(i)).abs() < 0.02,
                "{i}: {} vs {}",
                bc[i],
                exact(i)
            );
        }
        assert_eq!(bc, betweenness(&adj));
    }

    #[test]
    fn label_propagation_finds_two_triangles() {
        let mut w = vec![BTreeMap::new(); 6];
        let mut link = |a: usize, b: usize, x: f64| {
            w[a].insert(b, x);
            w[b].insert(a, x);
        };
        link(0, 1, 3.0);
        link(1, 2, 3.0);
        link(0, 2, 3.0);
        link(3, 4, 3.0);
        link(4, 5, 3.0);
        link(3, 5, 3.0);
        link(2, 3, 1.0);
        let c = label_propagation(&w, 100);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_eq!(c[3], c[4]);
        assert_eq!(c[4], c[5]);
        assert_ne!(c[0], c[3]);
    }

    #[test]
    fn components_are_numbered_by_size() {
        let adj = vec![vec![], vec![2], vec![1]];
        assert_eq!(components(&adj), vec![1, 0, 0]);
    }
}
