//! GraphML with typed attribute keys, for Gephi, Cytoscape, NetworkX and
//! igraph. Written by hand (a small XML format) with proper escaping.
//!
//! The graph is declared directed; `metWith` edges carry `edgeType =
//! Undirected` instead of GraphML's per-edge `directed="false"`, which
//! NetworkX rejects inside a directed graph.

use crate::graph::KnowledgeGraph;
use crate::stats::Measures;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Escape text for XML content and attribute values; characters XML 1.0
/// cannot hold are dropped.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_xml_escaped(&mut out, s);
    out
}

/// [`xml_escape`] appended to `out`: runs of plain text copied whole (the
/// writers escape every id, label, date and document name they write).
pub fn push_xml_escaped(out: &mut String, s: &str) {
    let b = s.as_bytes();
    let (mut i, mut run) = (0, 0);
    while i < b.len() {
        let (replacement, len) = match b[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            0..=0x1F => ("", 1),
            // U+FFFE and U+FFFF (EF BF BE, EF BF BF).
            0xEF if b[i + 1] == 0xBF && matches!(b[i + 2], 0xBE | 0xBF) => ("", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[run..i]);
        out.push_str(replacement);
        i += len;
        run = i;
    }
    out.push_str(&s[run..]);
}

/// One `<key>` declaration: id, domain, name, type.
struct Key(&'static str, &'static str, &'static str, &'static str);

const NODE_KEYS: [Key; 7] = [
    Key("label", "node", "label", "string"),
    Key("type", "node", "type", "string"),
    Key("country", "node", "country", "string"),
    Key("aliases", "node", "aliases", "string"),
    Key("documents", "node", "documents", "string"),
    Key("mentions", "node", "mentions", "int"),
    Key("known", "node", "known", "boolean"),
];

const MEASURE_KEYS: [Key; 6] = [
    Key("degree", "node", "degree", "int"),
    Key("weightedDegree", "node", "weightedDegree", "int"),
    Key("pageRank", "node", "pageRank", "double"),
    Key("betweenness", "node", "betweenness", "double"),
    Key("component", "node", "component", "int"),
    Key("community", "node", "community", "int"),
];

const EDGE_KEYS: [Key; 8] = [
    Key("e_predicate", "edge", "predicate", "string"),
    Key("e_label", "edge", "label", "string"),
    Key("e_type", "edge", "edgeType", "string"),
    Key("e_weight", "edge", "weight", "double"),
    Key("e_date", "edge", "date", "string"),
    Key("e_dates", "edge", "dates", "string"),
    Key("e_documents", "edge", "documents", "string"),
    Key("e_confidence", "edge", "confidence", "double"),
];

fn data(out: &mut String, key: &str, value: &str) {
    out.push_str("      <data key=\"");
    out.push_str(key);
    out.push_str("\">");
    push_xml_escaped(out, value);
    out.push_str("</data>\n");
}

/// The GraphML document as a string.
pub fn to_graphml(g: &KnowledgeGraph, measures: Option<&Measures>) -> String {
    let bytes = write_graphml(Vec::new(), g, measures).expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("GraphML is UTF-8")
}

/// Hand the text built so far to the writer once it is this long, so that
/// a large graph's GraphML is never held whole.
const FLUSH_AT: usize = 1 << 20;

fn flush<W: Write>(w: &mut W, out: &mut String) -> io::Result<()> {
    if out.len() >= FLUSH_AT {
        w.write_all(out.as_bytes())?;
        out.clear();
    }
    Ok(())
}

/// Write the GraphML document, a piece at a time.
pub fn write_graphml<W: Write>(
    mut w: W,
    g: &KnowledgeGraph,
    measures: Option<&Measures>,
) -> io::Result<W> {
    let mut out = String::with_capacity(FLUSH_AT + 4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    let measure_keys: &[Key] = if measures.is_some() {
        &MEASURE_KEYS
    } else {
        &[]
    };
    for Key(id, domain, name, ty) in NODE_KEYS.iter().chain(measure_keys).chain(&EDGE_KEYS) {
        let _ = writeln!(
            out,
            "  <key id=\"{id}\" for=\"{domain}\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
        );
    }
    out.push_str("  <graph id=\"dipkg\" edgedefault=\"directed\">\n");
    for n in g.nodes() {
        let _ = writeln!(out, "    <node id=\"{}\">", xml_escape(&n.id));
        data(&mut out, "label", &n.label);
        data(&mut out, "type", n.entity_type.as_str());
        data(&mut out, "country", n.country.as_deref().unwrap_or(""));
        data(
            &mut out,
            "aliases",
            &n.aliases.iter().cloned().collect::<Vec<_>>().join(";"),
        );
        data(
            &mut out,
            "documents",
            &n.documents.iter().cloned().collect::<Vec<_>>().join(";"),
        );
        data(&mut out, "mentions", &n.mentions.to_string());
        data(&mut out, "known", if n.known { "true" } else { "false" });
        if let Some(m) = measures.and_then(|m| m.get(&n.id)) {
            data(&mut out, "degree", &m.degree.to_string());
            data(&mut out, "weightedDegree", &m.weighted_degree.to_string());
            data(&mut out, "pageRank", &format!("{:.6}", m.pagerank));
            data(&mut out, "betweenness", &format!("{:.6}", m.betweenness));
            data(&mut out, "component", &m.component.to_string());
            data(&mut out, "community", &m.community.to_string());
        }
        out.push_str("    </node>\n");
        flush(&mut w, &mut out)?;
    }
    for (i, e) in g.edges().enumerate() {
        let _ = write!(out, "    <edge id=\"e{i}\" source=\"");
        push_xml_escaped(&mut out, &e.source);
        out.push_str("\" target=\"");
        push_xml_escaped(&mut out, &e.target);
        out.push_str("\">\n");
        let dates = e.dates();
        data(&mut out, "e_predicate", e.predicate.as_str());
        data(&mut out, "e_label", e.predicate.as_str());
        data(
            &mut out,
            "e_type",
            if e.is_directed() {
                "Directed"
            } else {
                "Undirected"
            },
        );
        // `{:.1}` of a whole number.
        data(&mut out, "e_weight", &format!("{}.0", e.weight()));
        data(&mut out, "e_date", dates.first().copied().unwrap_or(""));
        data(&mut out, "e_dates", &dates.join(";"));
        data(&mut out, "e_documents", &e.documents().join(";"));
        data(&mut out, "e_confidence", &format!("{:.3}", e.confidence()));
        out.push_str("    </edge>\n");
        flush(&mut w, &mut out)?;
    }
    out.push_str("  </graph>\n</graphml>\n");
    w.write_all(out.as_bytes())?;
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(xml_escape("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
    }

    /// The escaping written plainly, a character at a time.
    fn reference(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                '\t' | '\n' | '\r' => out.push(c),
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn escaping_agrees_with_the_rule_written_plainly() {
        let pieces = [
            "",
            "a",
            "&",
            "<",
            ">",
            "\"",
            "'",
            "\t",
            "\n",
            "\r",
            "\u{0}",
            "\u{1f}",
            " ",
            "\u{7f}",
            "é",
            "外務省",
            "\u{FFFD}",
            "\u{FFFE}",
            "\u{FFFF}",
            "\u{EFFF}",
            "\u{10000}",
            "Takeshima/Dokdo",
            "ﾟ",
            "\u{FEFF}",
        ];
        let mut n = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let s = format!("{a}{b}{c}");
                    assert_eq!(xml_escape(&s), reference(&s), "{s:?}");
                    n += 1;
                }
            }
        }
        assert_eq!(n, pieces.len().pow(3));
    }
}
