//! Node and edge tables in the columns Gephi's spreadsheet import reads
//! (Id, Label / Source, Target, Type, Label, Weight), plus our own columns.
//! Written with the csv crate; lists inside a cell are joined with ';'.

use crate::graph::KnowledgeGraph;
use crate::stats::{Measures, TimelineRow};
use std::io::{self, Write};

/// Join sorted strings with ';'.
fn joined<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items.into_iter().collect::<Vec<_>>().join(";")
}

/// `nodes.csv`: one row per entity; measure columns when `measures` is given.
pub fn write_nodes<W: Write>(
    w: W,
    g: &KnowledgeGraph,
    measures: Option<&Measures>,
) -> io::Result<W> {
    let mut out = ::csv::Writer::from_writer(w);
    let mut header = vec![
        "Id",
        "Label",
        "Type",
        "Country",
        "Aliases",
        "Documents",
        "Mentions",
        "Known",
    ];
    if measures.is_some() {
        header.extend([
            "Degree",
            "WeightedDegree",
            "PageRank",
            "Betweenness",
            "Component",
            "Community",
        ]);
    }
    out.write_record(&header)?;
    for n in g.nodes() {
        let mut row = vec![
            n.id.clone(),
            n.label.clone(),
            n.entity_type.to_string(),
            n.country.clone().unwrap_or_default(),
            joined(n.aliases.iter().map(String::as_str)),
            joined(n.documents.iter().map(|d| &**d)),
            n.mentions.to_string(),
            n.known.to_string(),
        ];
        if let Some(m) = measures.and_then(|m| m.get(&n.id)) {
            row.extend([
                m.degree.to_string(),
                m.weighted_degree.to_string(),
                format!("{:.6}", m.pagerank),
                format!("{:.6}", m.betweenness),
                m.component.to_string(),
                m.community.to_string(),
            ]);
        }
        out.write_record(&row)?;
    }
    out.into_inner().map_err(|e| e.into_error())
}

/// `edges.csv`: one row per fact. Type is Directed, or Undirected for
/// `metWith`; Label is the predicate; Weight the number of statements; Date
/// the earliest date and Dates all of them.
pub fn write_edges<W: Write>(w: W, g: &KnowledgeGraph) -> io::Result<W> {
    let mut out = ::csv::Writer::from_writer(w);
    out.write_record([
        "Source",
        "Target",
        "Type",
        "Label",
        "Weight",
        "Date",
        "Dates",
        "Places",
        "Formats",
        "Documents",
        "Confidence",
    ])?;
    for e in g.edges() {
        let dates = e.dates();
        let formats: Vec<&str> = e.formats().into_iter().map(|f| f.as_str()).collect();
        out.write_record([
            e.source.as_str(),
            e.target.as_str(),
            if e.is_directed() {
                "Directed"
            } else {
                "Undirected"
            },
            e.predicate.as_str(),
            &e.weight().to_string(),
            dates.first().copied().unwrap_or(""),
            &joined(dates.iter().copied()),
            &joined(e.places()),
            &formats.join(";"),
            &joined(e.documents()),
            &format!("{:.3}", e.confidence()),
        ])?;
    }
    out.into_inner().map_err(|e| e.into_error())
}

/// `timeline.csv`: per pair of countries and year, how many meetings,
/// protests and agreements the corpus reports.
pub fn write_timeline<W: Write>(w: W, rows: &[TimelineRow]) -> io::Result<W> {
    let mut out = ::csv::Writer::from_writer(w);
    out.write_record([
        "Pair",
        "Source",
        "Target",
        "Year",
        "Meetings",
        "Protests",
        "Agreements",
    ])?;
    for r in rows {
        out.write_record([
            format!("{}–{}", r.a, r.b),
            r.a.clone(),
            r.b.clone(),
            r.year.clone(),
            r.meetings.to_string(),
            r.protests.to_string(),
            r.agreements.to_string(),
        ])?;
    }
    out.into_inner().map_err(|e| e.into_error())
}
