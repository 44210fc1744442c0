//! Every IRI the exporters write, defined once.
//!
//! Our own terms are those of `ontology/dipkg.ttl`; the others come from the
//! W3C and schema.org vocabularies it aligns to. Instance IRIs (entities,
//! documents, meetings) are built by the helpers at the end so that the same
//! id always gives the same IRI.

use std::borrow::Cow;

macro_rules! vocabulary {
    ($(#[$doc:meta])* $module:ident = $ns:literal { $($name:ident = $local:literal),* $(,)? }) => {
        $(#[$doc])*
        #[allow(non_upper_case_globals)]
        pub mod $module {
            /// The namespace IRI.
            pub const NS: &str = $ns;
            $(pub const $name: &str = concat!($ns, $local);)*
        }
    };
}

vocabulary!(
    /// Our vocabulary (`ontology/dipkg.ttl`; `model::ONTOLOGY_NS`).
    dk = "https://w3id.org/dipkg/ontology#" {
        Entity = "Entity", Person = "Person", Organization = "Organization", Country = "Country",
        Issue = "Issue", Event = "Event", Place = "Place", Meeting = "Meeting",
        Document = "Document", Assertion = "Assertion", Evidence = "Evidence", Framing = "Framing",
        country = "country", framing = "framing", usedBy = "usedBy",
        subject = "subject", predicate = "predicate", object = "object",
        evidence = "evidence", document = "document", text = "text", start = "start", end = "end",
        confidence = "confidence", rule = "rule", participant = "participant", format = "format",
        occasion = "occasion", reportedBy = "reportedBy", publisher = "publisher", date = "date",
        mentions = "mentions", role = "role",
        degree = "degree", weightedDegree = "weightedDegree", pageRank = "pageRank",
        betweenness = "betweenness", component = "component", community = "community",
    }
);

vocabulary!(rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#" { type_ = "type" });
vocabulary!(rdfs = "http://www.w3.org/2000/01/rdf-schema#" { label = "label" });
vocabulary!(xsd = "http://www.w3.org/2001/XMLSchema#" {
    date = "date", gYearMonth = "gYearMonth", gYear = "gYear", integer = "integer",
    decimal = "decimal", double = "double", boolean = "boolean", string = "string",
});
vocabulary!(skos = "http://www.w3.org/2004/02/skos/core#" { prefLabel = "prefLabel", altLabel = "altLabel" });
vocabulary!(foaf = "http://xmlns.com/foaf/0.1/" {});
vocabulary!(org = "http://www.w3.org/ns/org#" {
    Membership = "Membership", member = "member", organization = "organization", role = "role",
    Role = "Role",
});
vocabulary!(schema = "http://schema.org/" {
    startDate = "startDate", location = "location", name = "name", datePublished = "datePublished",
    identifier = "identifier", sha256 = "sha256",
});
vocabulary!(prov = "http://www.w3.org/ns/prov#" { wasDerivedFrom = "wasDerivedFrom" });
vocabulary!(dcterms = "http://purl.org/dc/terms/" { title = "title", date = "date" });

/// Namespace of document IRIs (also the names of the per-document graphs).
pub const DOC_NS: &str = "https://w3id.org/dipkg/doc/";
/// Namespace of meeting IRIs.
pub const MEETING_NS: &str = "https://w3id.org/dipkg/meeting/";
/// Namespace of role (post) IRIs: `org:Role` resources named by the slug of
/// the post ("director-general-for-asian-and-pacific-affairs").
pub const ROLE_NS: &str = "https://w3id.org/dipkg/role/";
/// The named graph of merged entity descriptions and measures.
pub const ENTITIES_GRAPH: &str = "https://w3id.org/dipkg/graph/entities";

/// Prefixes written in Turtle/TriG and declared for SPARQL queries.
pub const PREFIXES: [(&str, &str); 15] = [
    ("dk", dk::NS),
    ("id", crate::model::ID_NS),
    ("doc", DOC_NS),
    ("meeting", MEETING_NS),
    ("role", ROLE_NS),
    ("rdf", rdf::NS),
    ("rdfs", rdfs::NS),
    ("xsd", xsd::NS),
    ("skos", skos::NS),
    ("foaf", foaf::NS),
    ("org", org::NS),
    ("schema", schema::NS),
    ("prov", prov::NS),
    ("dcterms", dcterms::NS),
    ("dc", dcterms::NS),
];

/// Percent-encode what may not stand in an IRI path segment (ids are slugs
/// and stay as they are; file stems may hold spaces or '#').
pub fn segment(s: &str) -> Cow<'_, str> {
    // Ids are slugs: nearly always nothing to encode.
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric()
            || matches!(c, '-' | '.' | '_' | '~')
            || (!c.is_ascii() && c.is_alphanumeric())
        {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    Cow::Owned(out)
}

/// IRI of an entity: `model::entity_iri` of its (encoded) id.
pub fn entity(id: &str) -> String {
    crate::model::entity_iri(&segment(id))
}

/// IRI of a document, also the name of its graph.
pub fn document(id: &str) -> String {
    [DOC_NS, &segment(id)].concat()
}

/// IRI of a meeting record.
pub fn meeting(key: &str) -> String {
    [MEETING_NS, &segment(key)].concat()
}

/// IRI of a role (post) by its label: the same words, whatever their case
/// or punctuation, give the same role.
pub fn role(label: &str) -> String {
    [ROLE_NS, &segment(&crate::model::slug(label))].concat()
}

/// IRI of a node local to a document's statements (assertion, evidence...).
pub fn in_document(doc: &str, local: &str) -> String {
    local_to(&document(doc), local)
}

/// [`in_document`] given the document's IRI ([`document`]).
pub fn local_to(doc_iri: &str, local: &str) -> String {
    [doc_iri, "#", &segment(local)].concat()
}

/// The IRI of a predicate of the model.
pub fn predicate(p: crate::model::Predicate) -> String {
    [dk::NS, p.as_str()].concat()
}

/// The class IRI of an entity type.
pub fn class(t: crate::model::EntityType) -> String {
    [dk::NS, t.as_str()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_matches_the_model() {
        assert_eq!(dk::NS, crate::model::ONTOLOGY_NS);
        assert_eq!(dk::Person, "https://w3id.org/dipkg/ontology#Person");
        assert_eq!(
            entity("kang-kyung-wha"),
            crate::model::entity_iri("kang-kyung-wha")
        );
        assert_eq!(document("a b#c"), "https://w3id.org/dipkg/doc/a%20b%23c");
    }
}
