//! A hand-built extraction of four seed documents (000, 001, 003, 004),
//! with real character offsets into `seeds/`, so that the graph, exports,
//! store and example queries can be tested independently of the extraction
//! pipeline.

#![allow(dead_code)]

use dipkg::model::{
    DocumentInfo, Entity, EntityType, Extraction, MeetingFormat, Predicate, Relation, Span,
};
use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A character span of `text` starting at the first occurrence of `needle`
/// (searched from char offset `from`) and running to the end of its
/// sentence (a '.' followed by whitespace, or a line end).
fn sentence_span(text: &str, needle: &str) -> Span {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("fixture: '{needle}' not in the seed"));
    let after = at + needle.len();
    let rest = &text[after..];
    let mut end = text.len();
    let mut prev_dot = false;
    for (i, c) in rest.char_indices() {
        if c == '\n' {
            end = after + i;
            break;
        }
        if prev_dot && c.is_whitespace() && !ends_with_abbreviation(&text[..after + i]) {
            end = after + i;
            break;
        }
        prev_dot = c == '.';
    }
    let slice = &text[at..end];
    let start = text[..at].chars().count();
    Span {
        start,
        end: start + slice.chars().count(),
        text: slice.to_string(),
    }
}

/// Does the text end with a title abbreviation ("Mr.") that ends no sentence?
fn ends_with_abbreviation(text: &str) -> bool {
    ["Mr.", "Ms.", "Dr.", "H.E.", "U.S."]
        .iter()
        .any(|a| text.ends_with(a))
}

/// Every occurrence of `name` as a mention span.
fn mentions(text: &str, name: &str) -> Vec<Span> {
    text.match_indices(name)
        .map(|(at, _)| {
            let start = text[..at].chars().count();
            Span {
                start,
                end: start + name.chars().count(),
                text: name.to_string(),
            }
        })
        .collect()
}

pub struct Doc {
    text: String,
    x: Extraction,
}

impl Doc {
    pub fn new(stem: &str, title: &str, date: &str, publisher: &str, country: &str) -> Doc {
        let path = format!("seeds/{stem}.txt");
        let text = std::fs::read_to_string(repo().join(&path)).expect("seed");
        Doc {
            text,
            x: Extraction {
                document: DocumentInfo {
                    id: stem.into(),
                    path,
                    title: Some(title.into()),
                    date: Some(date.into()),
                    publisher: Some(publisher.into()),
                    country: Some(country.into()),
                    sha256: String::new(),
                },
                entities: vec![],
                relations: vec![],
                diagnostics: vec![],
            },
        }
    }

    /// An entity; `names[0]` is its label; mentions are every occurrence of
    /// each name in the text.
    pub fn entity(mut self, id: &str, t: EntityType, country: Option<&str>, names: &[&str]) -> Doc {
        let mut spans: Vec<Span> = names.iter().flat_map(|n| mentions(&self.text, n)).collect();
        spans.sort();
        spans.dedup();
        self.x.entities.push(Entity {
            id: id.into(),
            entity_type: t,
            label: names[0].into(),
            aliases: names[1..].iter().map(|s| s.to_string()).collect(),
            mentions: spans,
            country: country.map(Into::into),
            known: true,
            merges: vec![format!("{} mentions resolved by label", names.len())],
        });
        self
    }

    pub fn rel(mut self, s: &str, p: Predicate, o: &str, needle: &str) -> Doc {
        let evidence = sentence_span(&self.text, needle);
        self.x.relations.push(Relation {
            subject: s.into(),
            predicate: p,
            object: o.into(),
            date: None,
            place: None,
            format: None,
            occasion: None,
            evidence,
            confidence: 0.9,
            rule: format!("fixture-{p}"),
            role: None,
        });
        self
    }

    pub fn meet(
        mut self,
        a: &str,
        b: &str,
        needle: &str,
        date: &str,
        place: Option<&str>,
        f: MeetingFormat,
    ) -> Doc {
        self = self.rel(a, Predicate::MetWith, b, needle);
        let r = self.x.relations.last_mut().unwrap();
        r.date = Some(date.into());
        r.place = place.map(Into::into);
        r.format = Some(f);
        r.confidence = 0.95;
        self
    }

    pub fn build(self) -> Extraction {
        self.x
    }
}

use EntityType::*;
use Predicate::*;

/// Countries, governments and ministries, shared by every document.
fn common(d: Doc) -> Doc {
    d.entity("japan", Country, None, &["Japan"])
        .entity("korea", Country, None, &["Republic of Korea", "ROK"])
        .entity(
            "mofa-japan",
            Organization,
            Some("japan"),
            &["Ministry of Foreign Affairs of Japan"],
        )
}

/// The fixture: four documents, sorted by path like `Pipeline::run`.
pub fn fixture() -> Vec<Extraction> {
    let d000 = common(Doc::new(
        "000_316c51cd70775f52",
        "Outcome of Consultation between ROK and Japanese Directors-General (May 13)",
        "2020-05-14",
        "Ministry of Foreign Affairs of the Republic of Korea",
        "korea",
    ))
    .entity(
        "kim-jung-han",
        Person,
        Some("korea"),
        &["Kim Jung-han", "Director-General Kim"],
    )
    .entity(
        "shigeki-takizaki",
        Person,
        Some("japan"),
        &["Shigeki Takizaki", "Director-General Takizaki"],
    )
    .entity(
        "mofa-korea",
        Organization,
        Some("korea"),
        &["Ministry of Foreign Affairs"],
    )
    .entity(
        "gov-japan",
        Organization,
        Some("japan"),
        &["Japanese government"],
    )
    .entity("forced-labor-issue", Issue, None, &["forced labor"])
    .entity(
        "export-restrictions",
        Issue,
        None,
        &["export-restrictive measures"],
    )
    .meet(
        "kim-jung-han",
        "shigeki-takizaki",
        "1. Mr. Kim Jung-han",
        "2020-05-13",
        None,
        MeetingFormat::Telephone,
    )
    .rel(
        "kim-jung-han",
        MemberOf,
        "mofa-korea",
        "1. Mr. Kim Jung-han",
    )
    .rel(
        "shigeki-takizaki",
        MemberOf,
        "mofa-japan",
        "1. Mr. Kim Jung-han",
    )
    .rel(
        "kim-jung-han",
        Urged,
        "gov-japan",
        "4. Director-General Kim explained",
    )
    .rel(
        "kim-jung-han",
        Protested,
        "export-restrictions",
        "4. Director-General Kim explained",
    )
    .rel(
        "kim-jung-han",
        Raised,
        "forced-labor-issue",
        "5. In addition",
    )
    .rel(
        "shigeki-takizaki",
        Raised,
        "forced-labor-issue",
        "5. In addition",
    )
    .build();

    let d001 = common(Doc::new(
        "001_e294427f1326c480",
        "Foreign Minister Meets with her Japanese Counterpart",
        "2017-12-19",
        "Ministry of Foreign Affairs of the Republic of Korea",
        "korea",
    ))
    .entity(
        "kang-kyung-wha",
        Person,
        Some("korea"),
        &["Kang Kyung-wha", "Minister Kang"],
    )
    .entity(
        "taro-kono",
        Person,
        Some("japan"),
        &["Taro Kono", "Minister Kono"],
    )
    .entity(
        "mofa-korea",
        Organization,
        Some("korea"),
        &["Ministry of Foreign Affairs of the Republic of Korea"],
    )
    .entity(
        "gov-japan",
        Organization,
        Some("japan"),
        &["Japanese government"],
    )
    .entity(
        "north-korea-nuclear-issue",
        Issue,
        None,
        &["nuclear and other issues of North Korea"],
    )
    .entity(
        "trilateral-summit",
        Event,
        None,
        &["ROK-Japan-China summit"],
    )
    .meet(
        "kang-kyung-wha",
        "taro-kono",
        "1. During her visit to Japan",
        "2017-12-19",
        None,
        MeetingFormat::InPerson,
    )
    .rel(
        "kang-kyung-wha",
        MemberOf,
        "mofa-korea",
        "1. During her visit to Japan",
    )
    .rel(
        "taro-kono",
        MemberOf,
        "mofa-japan",
        "1. During her visit to Japan",
    )
    .rel(
        "kang-kyung-wha",
        Visited,
        "japan",
        "1. During her visit to Japan",
    )
    .rel(
        "kang-kyung-wha",
        Discussed,
        "north-korea-nuclear-issue",
        "1. During her visit to Japan",
    )
    .rel(
        "taro-kono",
        Discussed,
        "north-korea-nuclear-issue",
        "1. During her visit to Japan",
    )
    .rel(
        "kang-kyung-wha",
        Urged,
        "gov-japan",
        "° Minister Kang asked the Japanese government",
    )
    .rel(
        "kang-kyung-wha",
        AgreedOn,
        "trilateral-summit",
        "° The two Ministers agreed to work closely",
    )
    .rel(
        "taro-kono",
        AgreedOn,
        "trilateral-summit",
        "° The two Ministers agreed to work closely",
    )
    .build();

    let d003 = common(Doc::new(
        "003_9cd6a31277f91cd4",
        "Japan-Republic of Korea Relations",
        "2022-02-12",
        "Ministry of Foreign Affairs of Japan",
        "japan",
    ))
    .entity(
        "yoshimasa-hayashi",
        Person,
        Some("japan"),
        &["HAYASHI Yoshimasa", "Minister Hayashi"],
    )
    .entity("chung-eui-yong", Person, Some("korea"), &["Chung Eui-yong"])
    .entity("honolulu", Place, Some("us"), &["Honolulu"])
    .entity(
        "forced-labor-issue",
        Issue,
        None,
        &[
            "former civilian workers from the Korean Peninsula (CWKs)",
            "CWKs",
        ],
    )
    .entity(
        "comfort-women-issue",
        Issue,
        None,
        &["issue of comfort women"],
    )
    .entity("sado-mines", Issue, None, &["Sado Island Gold Mines"])
    .meet(
        "yoshimasa-hayashi",
        "chung-eui-yong",
        "On February 12, commencing at noon",
        "2022-02-12",
        Some("honolulu"),
        MeetingFormat::InPerson,
    )
    .rel(
        "yoshimasa-hayashi",
        MemberOf,
        "mofa-japan",
        "On February 12, commencing at noon",
    )
    .rel(
        "yoshimasa-hayashi",
        Visited,
        "honolulu",
        "On February 12, commencing at noon",
    )
    .rel(
        "yoshimasa-hayashi",
        Discussed,
        "forced-labor-issue",
        "2. The two Ministers had exchanges",
    )
    .rel(
        "chung-eui-yong",
        Discussed,
        "forced-labor-issue",
        "2. The two Ministers had exchanges",
    )
    .rel(
        "yoshimasa-hayashi",
        Protested,
        "sado-mines",
        "Minister Hayashi stated that the ROK’s own assertions",
    )
    .rel(
        "yoshimasa-hayashi",
        Protested,
        "korea",
        "Minister Hayashi stated that the ROK’s own assertions",
    )
    .build();

    let d004 = common(Doc::new(
        "004_3c750eb1d4bf914e",
        "Japan-Republic of Korea Relations",
        "2018-01-16",
        "Ministry of Foreign Affairs of Japan",
        "japan",
    ))
    .entity(
        "taro-kono",
        Person,
        Some("japan"),
        &["Taro Kono", "Minister Kono"],
    )
    .entity(
        "kang-kyung-wha",
        Person,
        Some("korea"),
        &["Kang Kyung-wha", "Minister Kang"],
    )
    .entity(
        "gov-korea",
        Organization,
        Some("korea"),
        &["ROK Government", "Government of the ROK"],
    )
    .entity("comfort-women-issue", Issue, None, &["comfort women issue"])
    .entity(
        "forced-labor-issue",
        Issue,
        None,
        &["requisitioned civilians"],
    )
    .entity("shinzo-abe", Person, Some("japan"), &["Shinzo Abe"])
    .meet(
        "taro-kono",
        "kang-kyung-wha",
        "On the morning of January 16",
        "2018-01-16",
        None,
        MeetingFormat::InPerson,
    )
    .rel(
        "taro-kono",
        MemberOf,
        "mofa-japan",
        "On the morning of January 16",
    )
    .rel(
        "kang-kyung-wha",
        Raised,
        "comfort-women-issue",
        "(2) Furthermore, Minister Kang explained",
    )
    .rel(
        "taro-kono",
        Protested,
        "comfort-women-issue",
        "In response, Minister Kono stated",
    )
    .rel(
        "taro-kono",
        Urged,
        "gov-korea",
        "Minister Kono said that Japan will not respond",
    )
    .rel(
        "taro-kono",
        Raised,
        "forced-labor-issue",
        "(3) In addition, Minister Kono conveyed",
    )
    .rel(
        "kang-kyung-wha",
        Invited,
        "shinzo-abe",
        "Minister Kang invited Mr. Shinzo Abe",
    )
    .build();

    vec![d000, d001, d003, d004]
}

/// Write the fixture as JSON Lines into `dir`; returns the file.
pub fn fixture_jsonl(dir: &Path) -> PathBuf {
    let path = dir.join("fixture.jsonl");
    let file = std::fs::File::create(&path).unwrap();
    dipkg::export::jsonl::write_jsonl(file, &fixture()).unwrap();
    path
}
