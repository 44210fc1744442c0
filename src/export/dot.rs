//! A styled Graphviz diagram of the graph, written by hand (DOT is a simple
//! text format; petgraph's `Dot` is a debugging aid whose output may change).
//!
//! Nodes are shaped and coloured by entity type and grouped in one cluster
//! per country; edges are coloured and labelled by predicate. The graph
//! already holds one edge per `(source, predicate, target)`, so parallel
//! statements show as one edge labelled with their count ("raised ×3") and
//! drawn thicker, which keeps a graph of many documents legible. A legend
//! cluster explains the styles.

use crate::error::{Error, Result};
use crate::graph::{Edge, KnowledgeGraph, Node};
use crate::model::{slug, EntityType, Predicate};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

/// Shape and fill colour of an entity type.
pub fn node_style(t: EntityType) -> (&'static str, &'static str) {
    match t {
        EntityType::Person => ("ellipse", "#cfe2f3"),
        EntityType::Organization => ("box", "#d9ead3"),
        EntityType::Country => ("hexagon", "#fce5cd"),
        EntityType::Issue => ("note", "#fff2cc"),
        EntityType::Event => ("octagon", "#ead1dc"),
        EntityType::Place => ("house", "#e6e6e6"),
    }
}

/// Colour and line style of a predicate.
pub fn edge_style(p: Predicate) -> (&'static str, &'static str) {
    match p {
        Predicate::MetWith => ("#1f77b4", "bold"),
        Predicate::Raised => ("#555555", "solid"),
        Predicate::Discussed => ("#17becf", "solid"),
        Predicate::Protested => ("#d62728", "solid"),
        Predicate::AgreedOn => ("#2ca02c", "solid"),
        Predicate::Urged => ("#ff7f0e", "solid"),
        Predicate::Invited => ("#9467bd", "solid"),
        Predicate::Visited => ("#8c564b", "solid"),
        Predicate::Thanked => ("#e377c2", "solid"),
        Predicate::MemberOf => ("#999999", "dashed"),
    }
}

/// Escape a string for a double-quoted DOT id or label.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_escaped(&mut out, s);
    out
}

/// [`escape`] appended to `out`, runs of plain text copied whole.
fn push_escaped(out: &mut String, s: &str) {
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let replacement = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' | b'\r' => " ",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        out.push_str(replacement);
        run = i + 1;
    }
    out.push_str(&s[run..]);
}

/// Escape for an HTML-like label.
fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Break a label into lines of about `width` characters at spaces, joined
/// by DOT's `\n` escape (after escaping each line).
fn wrap(label: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for word in label.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
        .iter()
        .map(|l| escape(l))
        .collect::<Vec<_>>()
        .join("\\n")
}

/// The whole DOT document. `title` is shown above the diagram. Entities
/// without any relation are left out (they would only pile up in the
/// first rank), and said so in the title.
pub fn to_dot(g: &KnowledgeGraph, title: &str) -> String {
    let bytes = write_dot(Vec::new(), g, title).expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("DOT is UTF-8")
}

/// Hand the text built so far to the writer once it is this long, so that
/// a large graph's DOT is never held whole.
const FLUSH_AT: usize = 1 << 20;

fn flush<W: std::io::Write>(w: &mut W, out: &mut String) -> std::io::Result<()> {
    if out.len() >= FLUSH_AT {
        w.write_all(out.as_bytes())?;
        out.clear();
    }
    Ok(())
}

/// Write the DOT source of [`to_dot`], a piece at a time.
pub fn write_dot<W: std::io::Write>(
    mut w: W,
    g: &KnowledgeGraph,
    title: &str,
) -> std::io::Result<W> {
    let drawn: BTreeSet<&str> = g
        .edges()
        .flat_map(|e| [e.source.as_str(), e.target.as_str()])
        .collect();
    let hidden = g.node_count() - drawn.len().min(g.node_count());
    let title = if hidden > 0 && !drawn.is_empty() {
        format!("{title} ({hidden} entities without relations not drawn)")
    } else {
        title.to_string()
    };
    let keep = |n: &&Node| drawn.is_empty() || drawn.contains(n.id.as_str());
    let mut out = String::new();
    header(&mut out, &title);
    let (clusters, loose) = group_by_country(g);
    for (country, nodes) in &clusters {
        let nodes: Vec<&Node> = nodes.iter().copied().filter(keep).collect();
        if nodes.is_empty() {
            continue;
        }
        let label = g
            .node(country)
            .map_or(country.as_str(), |n| n.label.as_str());
        let _ = writeln!(out, "  subgraph \"cluster_{}\" {{", escape(&slug(country)));
        let _ = writeln!(
            out,
            "    label=\"{}\"; style=\"rounded,dashed\"; color=\"#b0b0b0\"; fontcolor=\"#606060\";",
            escape(label)
        );
        for n in nodes {
            node_line(&mut out, n, "    ");
            flush(&mut w, &mut out)?;
        }
        out.push_str("  }\n");
    }
    for n in loose.iter().copied().filter(keep) {
        node_line(&mut out, n, "  ");
        flush(&mut w, &mut out)?;
    }
    let stagger = leaf_stagger(g);
    for e in g.edges() {
        edge_line(
            &mut out,
            e,
            stagger.get(e.target.as_str()).copied().unwrap_or(1),
        );
        flush(&mut w, &mut out)?;
    }
    legend(&mut out, g);
    out.push_str("}\n");
    w.write_all(out.as_bytes())?;
    Ok(w)
}

/// Minimum edge lengths that spread leaves (targets that point nowhere,
/// typically issues) over three ranks instead of one long column, as
/// Graphviz's `unflatten -l 3` does: a diagram of many issues stays
/// closer to a page's shape.
fn leaf_stagger(g: &KnowledgeGraph) -> BTreeMap<&str, usize> {
    let sources: BTreeSet<&str> = g
        .edges()
        .flat_map(|e| {
            let back = (!e.is_directed()).then_some(e.target.as_str());
            std::iter::once(e.source.as_str()).chain(back)
        })
        .collect();
    let leaves: BTreeSet<&str> = g
        .edges()
        .map(|e| e.target.as_str())
        .filter(|t| !sources.contains(t))
        .collect();
    leaves
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id, 1 + i % 3))
        .collect()
}

fn header(out: &mut String, title: &str) {
    out.push_str("digraph dipkg {\n");
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, nodesep=0.25, ranksep=0.9, \
         labelloc=t, label=\"{}\"];",
        escape(title)
    );
    out.push_str("  node [fontname=\"Helvetica\", fontsize=10, style=\"filled\", color=\"#404040\", penwidth=0.8];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=8, arrowsize=0.6];\n");
}

/// Nodes by cluster (country id), and those of no country.
fn group_by_country(g: &KnowledgeGraph) -> (BTreeMap<String, Vec<&Node>>, Vec<&Node>) {
    let mut clusters: BTreeMap<String, Vec<&Node>> = BTreeMap::new();
    let mut loose = Vec::new();
    for n in g.nodes() {
        let country = match n.entity_type {
            EntityType::Issue | EntityType::Event => None,
            _ => g.country_of(&n.id),
        };
        match country {
            Some(c) => clusters.entry(c.to_string()).or_default().push(n),
            None => loose.push(n),
        }
    }
    (clusters, loose)
}

fn node_line(out: &mut String, n: &Node, indent: &str) {
    let (shape, fill) = node_style(n.entity_type);
    let style = if n.known { "filled" } else { "filled,dashed" };
    let _ = writeln!(
        out,
        "{indent}\"{}\" [label=\"{}\", shape={shape}, fillcolor=\"{fill}\", style=\"{style}\", tooltip=\"{} ({}, {} documents)\"];",
        escape(&n.id),
        wrap(&n.label, 22),
        escape(&n.label),
        n.entity_type,
        n.documents.len()
    );
}

fn edge_line(out: &mut String, e: &Edge, minlen: usize) {
    let (color, style) = edge_style(e.predicate);
    let w = e.weight();
    let label = if w > 1 {
        format!("{} ×{w}", e.predicate)
    } else {
        e.predicate.to_string()
    };
    let dir = if e.is_directed() { "" } else { ", dir=none" };
    out.push_str("  \"");
    push_escaped(out, &e.source);
    out.push_str("\" -> \"");
    push_escaped(out, &e.target);
    let _ = write!(
        out,
        "\" [label=\"{label}\", color=\"{color}\", fontcolor=\"{color}\", style=\"{style}\", \
         penwidth={}, weight={w}, minlen={minlen}{dir}, tooltip=\"",
        penwidth(w)
    );
    // The tooltip: "source predicate target: dates".
    push_escaped(out, &e.source);
    out.push(' ');
    out.push_str(e.predicate.as_str());
    out.push(' ');
    push_escaped(out, &e.target);
    out.push_str(": ");
    for (i, d) in e.dates().into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_escaped(out, d);
    }
    out.push_str("\"];\n");
}

/// An edge's pen width, `1 + log2(weight)` up to 6, with two decimals:
/// the same few strings for every edge (from 32 statements on, "6.00").
fn penwidth(w: usize) -> &'static str {
    static WIDTHS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let widths = WIDTHS.get_or_init(|| {
        (0..=32)
            .map(|w| format!("{:.2}", (1.0 + (w as f64).log2()).min(6.0)))
            .collect()
    });
    widths.get(w).map_or("6.00", String::as_str)
}

/// A legend cluster: the types and predicates present in the graph.
fn legend(out: &mut String, g: &KnowledgeGraph) {
    let types: std::collections::BTreeSet<EntityType> = g.nodes().map(|n| n.entity_type).collect();
    let preds: std::collections::BTreeSet<Predicate> = g.edges().map(|e| e.predicate).collect();
    if types.is_empty() {
        return;
    }
    let mut rows = String::new();
    for t in &types {
        let (shape, fill) = node_style(*t);
        let _ = write!(
            rows,
            "<TR><TD BGCOLOR=\"{fill}\">{}</TD><TD ALIGN=\"LEFT\">{shape}</TD></TR>",
            escape_html(t.as_str())
        );
    }
    for p in &preds {
        let (color, style) = edge_style(*p);
        let _ = write!(
            rows,
            "<TR><TD><FONT COLOR=\"{color}\">━━ {}</FONT></TD><TD ALIGN=\"LEFT\">{style}</TD></TR>",
            escape_html(p.as_str())
        );
    }
    out.push_str("  subgraph \"cluster_legend\" {\n    label=\"Legend\"; style=\"rounded\"; color=\"#b0b0b0\";\n");
    let _ = writeln!(
        out,
        "    \"legend\" [shape=plaintext, style=\"\", label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">{rows}</TABLE>>];"
    );
    out.push_str("  }\n");
}

/// The message when Graphviz is missing.
pub const DOT_MISSING: &str =
    "Graphviz 'dot' not found: install the graphviz package (apt-get install graphviz)";

/// Render DOT source with Graphviz `dot` into `out` (format: svg, png, pdf...).
pub fn render(dot_source: &str, format: &str, out: &Path) -> Result<()> {
    let mut child = Command::new("dot")
        .arg(format!("-T{format}"))
        .arg("-o")
        .arg(out)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::Other(DOT_MISSING.into()),
            _ => Error::Other(format!("cannot run Graphviz 'dot': {e}")),
        })?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let written = stdin.write_all(dot_source.as_bytes());
    drop(stdin);
    let output = child
        .wait_with_output()
        .map_err(|e| Error::Other(format!("Graphviz 'dot' failed: {e}")))?;
    if !output.status.success() || written.is_err() {
        let msg = String::from_utf8_lossy(&output.stderr);
        let first = msg.lines().next().unwrap_or("no message").trim();
        return Err(Error::Invalid {
            path: out.to_path_buf(),
            message: format!("Graphviz 'dot' failed ({}): {first}", output.status),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_and_backslashes() {
        assert_eq!(escape(r#"a "b" \c"#), r#"a \"b\" \\c"#);
        assert_eq!(
            wrap("Ministry of Foreign Affairs of Japan", 22),
            "Ministry of Foreign\\nAffairs of Japan"
        );
    }

    #[test]
    fn escaping_agrees_with_the_rule_written_plainly() {
        let reference = |s: &str| {
            s.chars()
                .map(|c| match c {
                    '"' => "\\\"".to_string(),
                    '\\' => "\\\\".to_string(),
                    '\n' | '\r' => " ".to_string(),
                    c => c.to_string(),
                })
                .collect::<String>()
        };
        let pieces = ["", "a", "\"", "\\", "\n", "\r", "é", "外務省", "\t", " ×2"];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let s = format!("{a}{b}{c}");
                    assert_eq!(escape(&s), reference(&s), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn pen_widths_are_the_formula_at_every_weight() {
        for w in 1..=200usize {
            let plain = format!("{:.2}", (1.0 + (w as f64).log2()).min(6.0));
            assert_eq!(penwidth(w), plain, "weight {w}");
        }
    }
}
