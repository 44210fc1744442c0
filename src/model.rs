//! Plain data that flows between the pipeline stages and out of `extract`.
//!
//! These types are the JSON contract of `../shared/ANNOTATION.md` (`dipkg
//! extract --format json`): field names and shapes must not change without
//! updating that contract. Everything here is `serde`-serialisable and has no
//! behaviour beyond small helpers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The closed set of entity types (ANNOTATION.md).
/// The default (`Issue`) is only a placeholder for gazetteer entries being
/// built, before their type is read.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum EntityType {
    Person,
    Organization,
    Country,
    #[default]
    Issue,
    Event,
    Place,
}

impl EntityType {
    pub const ALL: [EntityType; 6] = [
        EntityType::Person,
        EntityType::Organization,
        EntityType::Country,
        EntityType::Issue,
        EntityType::Event,
        EntityType::Place,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "Person",
            EntityType::Organization => "Organization",
            EntityType::Country => "Country",
            EntityType::Issue => "Issue",
            EntityType::Event => "Event",
            EntityType::Place => "Place",
        }
    }

    pub fn parse(s: &str) -> Option<EntityType> {
        EntityType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Can this type act as the subject of a relation ("Japan protested")?
    pub fn is_party(self) -> bool {
        matches!(
            self,
            EntityType::Person | EntityType::Organization | EntityType::Country
        )
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The closed set of relation predicates (ANNOTATION.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Predicate {
    MetWith,
    Raised,
    Discussed,
    Protested,
    AgreedOn,
    Urged,
    Invited,
    Visited,
    Thanked,
    MemberOf,
}

impl Predicate {
    pub const ALL: [Predicate; 10] = [
        Predicate::MetWith,
        Predicate::Raised,
        Predicate::Discussed,
        Predicate::Protested,
        Predicate::AgreedOn,
        Predicate::Urged,
        Predicate::Invited,
        Predicate::Visited,
        Predicate::Thanked,
        Predicate::MemberOf,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Predicate::MetWith => "metWith",
            Predicate::Raised => "raised",
            Predicate::Discussed => "discussed",
            Predicate::Protested => "protested",
            Predicate::AgreedOn => "agreedOn",
            Predicate::Urged => "urged",
            Predicate::Invited => "invited",
            Predicate::Visited => "visited",
            Predicate::Thanked => "thanked",
            Predicate::MemberOf => "memberOf",
        }
    }

    pub fn parse(s: &str) -> Option<Predicate> {
        Predicate::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// `metWith` is symmetric: (a, b) and (b, a) are one fact.
    pub fn is_symmetric(self) -> bool {
        matches!(self, Predicate::MetWith)
    }

    /// Which object types the predicate admits (ANNOTATION.md, "from → to").
    pub fn admits_object(self, t: EntityType) -> bool {
        use EntityType::*;
        match self {
            Predicate::MetWith | Predicate::Invited => t == Person,
            Predicate::Raised | Predicate::Discussed | Predicate::AgreedOn => {
                matches!(t, Issue | Event | Country)
            }
            Predicate::Protested => matches!(t, Issue | Country | Organization | Event),
            Predicate::Urged | Predicate::Thanked => matches!(t, Person | Country | Organization),
            Predicate::Visited => matches!(t, Place | Country),
            Predicate::MemberOf => t == Organization,
        }
    }
}

impl fmt::Display for Predicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a meeting was held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MeetingFormat {
    #[serde(rename = "in-person")]
    InPerson,
    #[serde(rename = "telephone")]
    Telephone,
    #[serde(rename = "video")]
    Video,
}

impl MeetingFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingFormat::InPerson => "in-person",
            MeetingFormat::Telephone => "telephone",
            MeetingFormat::Video => "video",
        }
    }
}

/// A span of the original file: character offsets (Unicode scalar values,
/// end exclusive) and the text of that slice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// What the document says about itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocumentInfo {
    /// Stable id: the file stem (`001_e294427f1326c480`).
    pub id: String,
    /// The path as given on the command line (or found under a directory).
    pub path: String,
    pub title: Option<String>,
    /// ISO 8601 date of the document, when the text shows one.
    pub date: Option<String>,
    pub publisher: Option<String>,
    /// Entity id of the country the document speaks for (its publisher's).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub country: Option<String>,
    /// SHA-256 of the file's bytes, hex.
    #[serde(default)]
    pub sha256: String,
}

/// One name of an issue and who uses it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Framing {
    pub label: String,
    /// Entity id of the country whose side uses this framing.
    pub used_by: String,
}

/// An entity as found in one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Graph-wide id (a slug; the IRI is `https://w3id.org/dipkg/id/{id}`).
    pub id: String,
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    pub label: String,
    pub aliases: Vec<String>,
    pub mentions: Vec<Span>,
    /// Country the entity belongs to, when known (entity id).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub country: Option<String>,
    /// Whether the entity comes from the lexicon (`true`) or from a pattern.
    #[serde(default)]
    pub known: bool,
    /// How the mentions were merged into this entity (for `dipkg explain`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub merges: Vec<String>,
}

/// A relation stated by one document, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    pub subject: String,
    pub predicate: Predicate,
    pub object: String,
    // date, place and format are always written (null when unknown), as the
    // JSON contract of ANNOTATION.md shows them.
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub format: Option<MeetingFormat>,
    /// Event id of the occasion ("on the margins of ...").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub occasion: Option<String>,
    pub evidence: Span,
    /// 0..1: how direct the evidence is.
    pub confidence: f32,
    /// Name of the rule that produced the relation.
    pub rule: String,
    /// For `memberOf`: the post, as the document writes it ("Director-General").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub role: Option<String>,
}

impl Relation {
    /// Where a relation goes among its document's: by where its evidence
    /// starts, then by statement.
    fn order_key(&self) -> (usize, &str, Predicate, &str) {
        (
            self.evidence.start,
            &self.subject,
            self.predicate,
            &self.object,
        )
    }

    /// The same statement from the same evidence.
    fn repeats(&self, other: &Relation) -> bool {
        self.subject == other.subject
            && self.predicate == other.predicate
            && self.object == other.object
            && self.evidence == other.evidence
    }
}

/// Put a document's relations in their order (evidence order, as the text
/// reads) and drop repeats. Both the extraction of a document and the
/// renaming of its ids across documents leave its relations so: the order
/// of a document's relations depends on its text alone.
pub fn order_relations(relations: &mut Vec<Relation>) {
    relations.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    relations.dedup_by(|a, b| a.repeats(b));
}

/// Whether [`order_relations`] would leave `relations` as they are.
pub fn relations_in_order(relations: &[Relation]) -> bool {
    relations
        .windows(2)
        .all(|w| w[0].order_key() <= w[1].order_key() && !w[0].repeats(&w[1]))
}

/// Everything extracted from one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    pub document: DocumentInfo,
    pub entities: Vec<Entity>,
    pub relations: Vec<Relation>,
    /// Non-fatal notes about the document (boilerplate removed, no date found...).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub diagnostics: Vec<String>,
}

impl Extraction {
    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.id == id)
    }
}

/// The namespace of entity IRIs.
pub const ID_NS: &str = "https://w3id.org/dipkg/id/";
/// The namespace of our vocabulary.
pub const ONTOLOGY_NS: &str = "https://w3id.org/dipkg/ontology#";

/// IRI of an entity id.
pub fn entity_iri(id: &str) -> String {
    [ID_NS, id].concat()
}

/// Lower-case ASCII slug: letters and digits, words joined by '-'.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars() {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// Latin letters with diacritics to their base letter (ō → o).
pub fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'ē' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'ī' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ō' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'ū' => 'u',
        'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' | 'Ā' => 'A',
        'É' | 'È' | 'Ê' | 'Ë' | 'Ē' => 'E',
        'Í' | 'Ì' | 'Î' | 'Ï' | 'Ī' => 'I',
        'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ō' => 'O',
        'Ú' | 'Ù' | 'Û' | 'Ü' | 'Ū' => 'U',
        'ñ' => 'n',
        'ç' => 'c',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_folds_case_accents_and_punctuation() {
        assert_eq!(slug("Tarō Kōno"), "taro-kono");
        assert_eq!(slug("Government of the ROK"), "government-of-the-rok");
        assert_eq!(slug("  U.S. "), "u-s");
    }

    #[test]
    fn predicate_names_round_trip() {
        for p in Predicate::ALL {
            assert_eq!(Predicate::parse(p.as_str()), Some(p));
        }
        assert_eq!(
            serde_json::to_string(&Predicate::AgreedOn).unwrap(),
            "\"agreedOn\""
        );
    }
}
