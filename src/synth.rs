//! A deterministic generator of realistic test corpora (`dipkg synth`).
//!
//! Writes documents in the genres of the seeds: ROK MOFA "Outcome of ..."
//! press releases (Korean web boilerplate, "Date : 2020-05-14 11:50:40",
//! numbered points with "o" sub-points), Japan MOFA overviews ("Mr. HAYASHI
//! Yoshimasa", "The overview of the meeting is as follows", "(1)"), news
//! reports (headlines, photo captions, bylines, quotes, copyright lines) and
//! US State Department readouts, about 10% of them as HTML pages. Officials,
//! issues (under the framings of the lexicon), events, places, meeting
//! formats and dates vary; so do negated and hypothetical statements.
//!
//! The lexicon's countries, persons, issues, events and places are used when
//! it has them; built-in lists (countries, names invented from syllables, a
//! dozen issues, places and events) fill the gaps, so an empty lexicon still
//! gives a full corpus. Everything comes from a splitmix64 generator seeded
//! by `(seed, document index)`: a seed gives byte-identical files whatever
//! the number of threads. Documents average about 3.3 KB (300k ≈ 1 GB).

use crate::error::{Error, Result};
use crate::lexicon::{LexEntry, Lexicon};
use crate::model::EntityType;
use rayon::prelude::*;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Write `docs` documents (`synth_000000.txt`, ... and `.html` for about one
/// in ten) into `out_dir` (created if needed), in parallel. Returns the
/// number of documents written.
pub fn generate(lexicon: &Lexicon, docs: usize, seed: u64, out_dir: &Path) -> Result<usize> {
    generate_bytes(lexicon, docs, seed, out_dir).map(|(n, _)| n)
}

/// [`generate`], also returning the total number of bytes written.
pub fn generate_bytes(
    lexicon: &Lexicon,
    docs: usize,
    seed: u64,
    out_dir: &Path,
) -> Result<(usize, u64)> {
    std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
    let generator = Generator::new(lexicon, seed);
    let bytes = (0..docs)
        .into_par_iter()
        .map(|i| {
            let doc = generator.document(i);
            let path = out_dir.join(&doc.name);
            let file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
            let mut w = std::io::BufWriter::with_capacity(8192, file);
            w.write_all(doc.text.as_bytes())
                .and_then(|_| w.flush())
                .map_err(|e| Error::io(&path, e))?;
            Ok(doc.text.len() as u64)
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))?;
    Ok((docs, bytes))
}

/// One generated document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthDoc {
    /// File name: `synth_000042.txt` or `synth_000042.html`.
    pub name: String,
    pub text: String,
}

/// The generator: a world of countries, officials, issues, events and places
/// built once from the lexicon and the seed; documents are drawn from it by
/// index (independently, so in any order or in parallel).
pub struct Generator {
    world: World,
    seed: u64,
}

impl Generator {
    pub fn new(lexicon: &Lexicon, seed: u64) -> Generator {
        Generator {
            world: World::build(lexicon, seed),
            seed,
        }
    }

    /// Document number `index` of the corpus.
    pub fn document(&self, index: usize) -> SynthDoc {
        let mut rng = Rng::new(mix(self.seed, index as u64));
        let html = rng.chance(10);
        let target = 1450 + rng.below(3100) - if html { 600 } else { 0 };
        let doc = compose(&self.world, &mut rng, target);
        let (text, ext) = if html {
            (render_html(&doc, &mut rng), "html")
        } else {
            (render_text(&doc), "txt")
        };
        SynthDoc {
            name: format!("synth_{index:06}.{ext}"),
            text,
        }
    }

    /// The first `docs` documents, in memory (for benchmarks and tests).
    pub fn documents(&self, docs: usize) -> impl Iterator<Item = SynthDoc> + '_ {
        (0..docs).map(move |i| self.document(i))
    }
}

// ------------------------------------------------------------------ randomness

/// splitmix64: small, fast, good enough, and the same everywhere.
#[derive(Debug, Clone)]
struct Rng(u64);

fn mix(seed: u64, index: u64) -> u64 {
    let mut r = Rng(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
    r.next_u64()
}

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn pick_weighted<'a, T>(&mut self, xs: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
        let total: u64 = xs.iter().map(|x| weight(x) as u64).sum();
        let mut r = self.below(total as usize) as u64;
        for x in xs {
            let w = weight(x) as u64;
            if r < w {
                return x;
            }
            r -= w;
        }
        &xs[xs.len() - 1]
    }
}

// ------------------------------------------------------------------ the world

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Korean,
    Japanese,
    Chinese,
    English,
    Generic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Leader,
    ForeignMinister,
    ViceMinister,
    DirectorGeneral,
    Ambassador,
}

const ROLES: [Role; 5] = [
    Role::Leader,
    Role::ForeignMinister,
    Role::ViceMinister,
    Role::DirectorGeneral,
    Role::Ambassador,
];

#[derive(Debug, Clone)]
struct Person {
    /// The name as usually written in English ("Kang Kyung-wha", "Taro Kono").
    full: String,
    family: String,
    given: String,
    style: Style,
    female: bool,
    role: Role,
}

impl Person {
    /// Japan MOFA style: "HAYASHI Yoshimasa" for Japanese, else the usual form.
    fn mofa_jp(&self) -> String {
        if self.style == Style::Japanese && !self.given.is_empty() {
            format!("{} {}", self.family.to_uppercase(), self.given)
        } else {
            self.full.clone()
        }
    }
    fn honorific(&self) -> &'static str {
        if self.female {
            "Ms."
        } else {
            "Mr."
        }
    }
    fn his(&self) -> &'static str {
        if self.female {
            "her"
        } else {
            "his"
        }
    }
}

#[derive(Debug, Clone)]
struct Country {
    /// The name in running text, with its article ("the Republic of Korea").
    name: String,
    /// Short form in running text ("the ROK", "Japan", "the U.S.").
    short: String,
    adj: String,
    capital: String,
    /// "the Government of Japan"
    gov: String,
    /// "Ministry of Foreign Affairs of Japan"
    ministry: String,
    leader: &'static str,
    style: Style,
    weight: u32,
    /// Persons of the lexicon.
    known: Vec<Person>,
    /// Invented officials, several of each role.
    invented: Vec<Person>,
}

impl Country {
    fn bare_short(&self) -> &str {
        self.short.strip_prefix("the ").unwrap_or(&self.short)
    }
    fn possessive(&self) -> String {
        format!("{}’s", self.short)
    }
    fn fm_title(&self) -> String {
        match self.style {
            Style::Japanese => format!("Minister for Foreign Affairs of {}", self.name),
            _ if self.bare_short() == "U.S." => "Secretary of State".into(),
            _ => format!("Minister of Foreign Affairs of {}", self.name),
        }
    }
    fn is_us(&self) -> bool {
        self.bare_short() == "U.S."
    }
}

#[derive(Debug, Clone)]
struct Named {
    label: String,
    alts: Vec<String>,
    country: Option<usize>,
}

impl Named {
    fn plain(label: &str) -> Named {
        Named {
            label: label.into(),
            alts: vec![],
            country: None,
        }
    }
    fn name(&self, rng: &mut Rng) -> String {
        if self.alts.is_empty() || rng.chance(65) {
            self.label.clone()
        } else {
            rng.pick(&self.alts).clone()
        }
    }
}

struct World {
    countries: Vec<Country>,
    issues: Vec<Named>,
    events: Vec<Named>,
    places: Vec<Named>,
}

/// (names that identify it, name, short, adjective, capital, leader, style, weight)
type Builtin = (
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Style,
    u32,
);

const BUILTIN: &[Builtin] = &[
    (
        &["Republic of Korea", "South Korea", "ROK", "Korea"],
        "the Republic of Korea",
        "the ROK",
        "Korean",
        "Seoul",
        "President",
        Style::Korean,
        60,
    ),
    (
        &["Japan"],
        "Japan",
        "Japan",
        "Japanese",
        "Tokyo",
        "Prime Minister",
        Style::Japanese,
        60,
    ),
    (
        &["United States", "United States of America", "U.S.", "USA"],
        "the United States",
        "the U.S.",
        "American",
        "Washington",
        "President",
        Style::English,
        30,
    ),
    (
        &["China", "People's Republic of China"],
        "China",
        "China",
        "Chinese",
        "Beijing",
        "President",
        Style::Chinese,
        25,
    ),
    (
        &["Russia", "Russian Federation"],
        "Russia",
        "Russia",
        "Russian",
        "Moscow",
        "President",
        Style::Generic,
        6,
    ),
    (
        &["India", "Republic of India"],
        "the Republic of India",
        "India",
        "Indian",
        "New Delhi",
        "Prime Minister",
        Style::Generic,
        6,
    ),
    (
        &["Australia"],
        "Australia",
        "Australia",
        "Australian",
        "Canberra",
        "Prime Minister",
        Style::English,
        6,
    ),
    (
        &["United Kingdom", "UK"],
        "the United Kingdom",
        "the UK",
        "British",
        "London",
        "Prime Minister",
        Style::English,
        5,
    ),
    (
        &["France"],
        "France",
        "France",
        "French",
        "Paris",
        "President",
        Style::Generic,
        4,
    ),
    (
        &["Germany"],
        "Germany",
        "Germany",
        "German",
        "Berlin",
        "Chancellor",
        Style::Generic,
        4,
    ),
    (
        &["Viet Nam", "Vietnam"],
        "Viet Nam",
        "Viet Nam",
        "Vietnamese",
        "Hanoi",
        "Prime Minister",
        Style::Generic,
        4,
    ),
    (
        &["Indonesia"],
        "Indonesia",
        "Indonesia",
        "Indonesian",
        "Jakarta",
        "President",
        Style::Generic,
        4,
    ),
    (
        &["Philippines"],
        "the Philippines",
        "the Philippines",
        "Philippine",
        "Manila",
        "President",
        Style::Generic,
        3,
    ),
    (
        &["Canada"],
        "Canada",
        "Canada",
        "Canadian",
        "Ottawa",
        "Prime Minister",
        Style::English,
        3,
    ),
    (
        &["Mongolia"],
        "Mongolia",
        "Mongolia",
        "Mongolian",
        "Ulaanbaatar",
        "President",
        Style::Generic,
        2,
    ),
];

/// (label, other framings)
const ISSUES: &[(&str, &[&str])] = &[
    (
        "North Korean nuclear issue",
        &[
            "North Korea nuclear issue",
            "nuclear and missile issues of North Korea",
            "denuclearization of the Korean Peninsula",
        ],
    ),
    (
        "export restrictions",
        &[
            "export-restrictive measures",
            "export control measures",
            "export controls",
        ],
    ),
    (
        "forced labor issue",
        &[
            "issue of former civilian workers from the Korean Peninsula",
            "issue of requisitioned civilians",
            "forced labor compensation ruling issue",
        ],
    ),
    (
        "comfort women issue",
        &["issue of comfort women", "“comfort women” issue"],
    ),
    (
        "COVID-19",
        &[
            "COVID-19 pandemic",
            "COVID-19 situation",
            "novel coronavirus",
        ],
    ),
    (
        "ALPS treated water",
        &[
            "Fukushima contaminated water",
            "release of ALPS treated water",
        ],
    ),
    ("Takeshima", &["Dokdo", "issue of Takeshima"]),
    (
        "abductions issue",
        &["abduction issue", "issue of abductions by North Korea"],
    ),
    ("climate change", &["climate crisis"]),
    (
        "maritime security in the South China Sea",
        &["situation in the South China Sea"],
    ),
    (
        "supply chain resilience",
        &["resilient supply chains", "economic security"],
    ),
    (
        "situation in Ukraine",
        &["Russia’s aggression against Ukraine", "war in Ukraine"],
    ),
    (
        "CPTPP",
        &["Comprehensive and Progressive Agreement for Trans-Pacific Partnership"],
    ),
    (
        "Sado Island Gold Mines",
        &["nomination of the Sado Island Gold Mines"],
    ),
];

const EVENTS: &[&str] = &[
    "G20 Summit",
    "ASEAN Regional Forum",
    "Munich Security Conference",
    "APEC Economic Leaders’ Meeting",
    "United Nations General Assembly",
    "East Asia Summit",
    "Japan-ROK-China Summit",
    "G7 Foreign Ministers’ Meeting",
    "Tokyo 2020 Olympic and Paralympic Games",
    "PyeongChang 2018 Winter Olympics",
    "Expo 2025 Osaka",
    "NATO Summit",
];

const PLACES: &[&str] = &[
    "Seoul",
    "Tokyo",
    "Washington",
    "Beijing",
    "Honolulu",
    "Jakarta",
    "New Delhi",
    "Geneva",
    "New York",
    "Bangkok",
    "Singapore",
    "Hanoi",
    "Busan",
    "Osaka",
    "Jongno-gu",
    "Vladivostok",
];

const THEMES: &[&str] = &[
    "bilateral relations",
    "regional stability",
    "people-to-people exchanges",
    "matters of mutual concern",
    "issues of mutual interest",
    "the regional situation",
    "economic cooperation",
];

impl World {
    fn build(lexicon: &Lexicon, seed: u64) -> World {
        let mut rng = Rng::new(mix(seed, u64::MAX));
        let entries = &lexicon.entries;
        let by_id: HashMap<&str, &LexEntry> = entries.iter().map(|e| (e.id.as_str(), e)).collect();
        let label_of = |id: &Option<String>| -> Option<String> {
            id.as_deref()
                .and_then(|i| by_id.get(i))
                .map(|e| e.label.clone())
        };

        // countries: the lexicon's, enriched by the built-in table; else the table
        let mut countries: Vec<Country> = Vec::new();
        let mut country_index: HashMap<String, usize> = HashMap::new();
        for e in entries
            .iter()
            .filter(|e| e.entity_type == EntityType::Country)
        {
            let names: Vec<&str> = std::iter::once(e.label.as_str())
                .chain(e.alt_labels.iter().map(String::as_str))
                .collect();
            let builtin = BUILTIN
                .iter()
                .find(|b| b.0.iter().any(|n| names.contains(n)));
            let label = e.label.as_str();
            let article = |s: &str| {
                if needs_the(s) {
                    format!("the {s}")
                } else {
                    s.to_string()
                }
            };
            let name = builtin
                .map(|b| b.1.to_string())
                .unwrap_or_else(|| article(label));
            let short = builtin
                .map(|b| b.2.to_string())
                .unwrap_or_else(|| article(label));
            let adj = e
                .demonyms
                .first()
                .cloned()
                .or_else(|| builtin.map(|b| b.3.to_string()))
                .unwrap_or_else(|| label.to_string());
            let capital = label_of(&e.capital)
                .or_else(|| builtin.map(|b| b.4.to_string()))
                .unwrap_or_else(|| format!("the capital of {label}"));
            let gov = label_of(&e.government)
                .map(|g| {
                    if g.starts_with("Government") {
                        format!("the {g}")
                    } else {
                        g
                    }
                })
                .unwrap_or_else(|| format!("the Government of {name}"));
            let ministry = label_of(&e.foreign_ministry)
                .unwrap_or_else(|| format!("Ministry of Foreign Affairs of {name}"));
            country_index.insert(e.id.clone(), countries.len());
            countries.push(Country {
                name,
                short,
                adj,
                capital,
                gov,
                ministry,
                leader: builtin.map(|b| b.5).unwrap_or("President"),
                style: builtin.map(|b| b.6).unwrap_or(Style::Generic),
                weight: builtin.map(|b| b.7).unwrap_or(1),
                known: vec![],
                invented: vec![],
            });
        }
        if countries.len() < 2 {
            countries.clear();
            country_index.clear();
            for b in BUILTIN {
                countries.push(Country {
                    name: b.1.into(),
                    short: b.2.into(),
                    adj: b.3.into(),
                    capital: b.4.into(),
                    gov: format!("the Government of {}", b.1),
                    ministry: if b.2 == "the U.S." {
                        "Department of State".into()
                    } else {
                        format!("Ministry of Foreign Affairs of {}", b.1)
                    },
                    leader: b.5,
                    style: b.6,
                    weight: b.7,
                    known: vec![],
                    invented: vec![],
                });
            }
        }
        for c in countries.iter_mut() {
            for role in ROLES {
                for _ in 0..if role == Role::Leader { 3 } else { 8 } {
                    c.invented.push(invent_person(&mut rng, c.style, role));
                }
            }
        }
        // persons of the lexicon, by country
        for e in entries
            .iter()
            .filter(|e| e.entity_type == EntityType::Person)
        {
            let Some(&ci) = e.country.as_ref().and_then(|c| country_index.get(c)) else {
                continue;
            };
            let style = countries[ci].style;
            let words: Vec<&str> = e.label.split_whitespace().collect();
            let (family, given) = match (style, words.as_slice()) {
                (_, [one]) => (one.to_string(), String::new()),
                (Style::Korean | Style::Chinese, [first, rest @ ..]) => {
                    (first.to_string(), rest.join(" "))
                }
                (_, [init @ .., last]) => (last.to_string(), init.join(" ")),
                (_, []) => continue,
            };
            let h = mix(seed, e.id.len() as u64 ^ fnv(&e.id));
            let role = e
                .memberships
                .iter()
                .rev()
                .find_map(|m| m.role.as_deref().and_then(role_of))
                .unwrap_or(match h % 10 {
                    0 => Role::Leader,
                    1..=5 => Role::ForeignMinister,
                    6 => Role::ViceMinister,
                    7 | 8 => Role::DirectorGeneral,
                    _ => Role::Ambassador,
                });
            countries[ci].known.push(Person {
                full: e.label.clone(),
                family,
                given,
                style,
                female: h >> 32 & 3 == 0,
                role,
            });
        }

        let named = |t: EntityType| -> Vec<Named> {
            entries
                .iter()
                .filter(|e| e.entity_type == t)
                .map(|e| Named {
                    label: e.label.clone(),
                    alts: e
                        .alt_labels
                        .iter()
                        .filter(|a| a.chars().count() > 3)
                        .cloned()
                        .collect(),
                    country: e
                        .country
                        .as_ref()
                        .and_then(|c| country_index.get(c))
                        .copied(),
                })
                .collect()
        };
        let mut issues = named(EntityType::Issue);
        if issues.len() < 5 {
            issues.extend(ISSUES.iter().map(|(l, alts)| Named {
                label: l.to_string(),
                alts: alts.iter().map(|a| a.to_string()).collect(),
                country: None,
            }));
        }
        let mut events = named(EntityType::Event);
        if events.len() < 4 {
            events.extend(EVENTS.iter().map(|e| Named::plain(e)));
        }
        let mut places = named(EntityType::Place);
        if places.len() < 4 {
            places.extend(PLACES.iter().map(|p| Named::plain(p)));
        }
        World {
            countries,
            issues,
            events,
            places,
        }
    }
}

/// The role of a gazetteer membership ("Minister for Foreign Affairs").
fn role_of(title: &str) -> Option<Role> {
    let t = title.to_lowercase();
    if t.contains("vice") || t.contains("deputy") {
        Some(Role::ViceMinister)
    } else if t.contains("prime minister") || t.starts_with("president") || t.contains("chancellor")
    {
        Some(Role::Leader)
    } else if t.contains("director") || t.contains("assistant secretary") {
        Some(Role::DirectorGeneral)
    } else if t.contains("ambassador") {
        Some(Role::Ambassador)
    } else if t.contains("foreign")
        || t.contains("secretary of state")
        || t.contains("external affairs")
    {
        Some(Role::ForeignMinister)
    } else {
        None
    }
}

fn needs_the(s: &str) -> bool {
    let first = s.split_whitespace().next().unwrap_or("");
    matches!(
        first,
        "Republic"
            | "United"
            | "Kingdom"
            | "People's"
            | "People’s"
            | "Democratic"
            | "Federal"
            | "Islamic"
            | "State"
            | "Commonwealth"
            | "Principality"
            | "Sultanate"
    ) || (s.ends_with('s') && !s.contains(' '))
}

fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

fn invent_person(rng: &mut Rng, style: Style, role: Role) -> Person {
    const KO_FAMILY: &[&str] = &[
        "Kim", "Lee", "Park", "Choi", "Chung", "Kang", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo",
        "Shin", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong", "Cho", "Moon", "Ban", "Noh",
    ];
    const KO_GIVEN: &[&str] = &[
        "Jung", "Han", "Kyung", "Wha", "Eui", "Yong", "Do", "Hoon", "Sung", "Min", "Ji", "Hyun",
        "Young", "Soo", "Jin", "Ho", "Seok", "Chul", "Hee", "Jae", "Won", "Tae", "Sang", "Dong",
        "Hye", "Bum", "Gyu", "Nam",
    ];
    const JA_FAMILY_A: &[&str] = &[
        "Taki", "Haya", "Suzu", "Yama", "Naka", "Ishi", "Fuji", "Kami", "Mori", "Oka", "Matsu",
        "Kobaya", "Taka", "Ino", "Hashi", "Kiku", "Nishi", "Kita", "Funa", "Mote",
    ];
    const JA_FAMILY_B: &[&str] = &[
        "zaki", "shi", "ki", "moto", "mura", "kawa", "da", "ta", "no", "hara", "gawa", "uchi",
        "yama", "koshi", "gi",
    ];
    const JA_GIVEN_A: &[&str] = &[
        "Yoshi", "Shige", "Hiro", "Masa", "Kazu", "Aki", "Nobu", "Tetsu", "Yuki", "Tomo", "Fumi",
        "Toshi", "Taka", "Kei",
    ];
    const JA_GIVEN_B: &[&str] = &[
        "masa", "ki", "shi", "hiko", "o", "ya", "ji", "ro", "to", "nori", "mi", "ko",
    ];
    const ZH_FAMILY: &[&str] = &[
        "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun",
        "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Gao", "Qin", "Kong",
    ];
    const ZH_GIVEN: &[&str] = &[
        "Yi", "Wei", "Jian", "Ming", "Qiang", "Hua", "Jun", "Ping", "Gang", "Hong", "Xiao", "Lei",
        "Bo", "Tao", "Yong", "Jie", "Chao", "Xuan",
    ];
    const EN_GIVEN_M: &[&str] = &[
        "John", "Antony", "Kurt", "Daniel", "Robert", "Michael", "David", "James", "Mark",
        "Philip", "Richard", "Thomas",
    ];
    const EN_GIVEN_F: &[&str] = &[
        "Mary", "Wendy", "Linda", "Karen", "Susan", "Laura", "Emily", "Penny", "Jennifer",
    ];
    const EN_FAMILY_A: &[&str] = &[
        "Blin", "Sher", "Camp", "Krit", "Fer", "Hol", "Stan", "Brad", "Whit", "Gor", "Ash", "Mar",
        "Kendal", "Lang", "Pem", "Thorn",
    ];
    const EN_FAMILY_B: &[&str] = &[
        "ken", "man", "bell", "ton", "ford", "ley", "son", "field", "wood", "er", "well",
    ];
    const GEN_SYL: &[&str] = &[
        "ra", "mo", "ka", "su", "ti", "no", "pe", "la", "di", "ve", "san", "tor", "mar", "el",
        "bu", "ren", "ya", "go", "sha", "lin",
    ];
    let female = rng.chance(25);
    let cap = |s: String| -> String {
        let mut c = s.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect(),
            None => s,
        }
    };
    let (family, given, full) = match style {
        Style::Korean => {
            let f = rng.pick(KO_FAMILY).to_string();
            let g = format!(
                "{}-{}",
                rng.pick(KO_GIVEN),
                rng.pick(KO_GIVEN).to_lowercase()
            );
            let full = format!("{f} {g}");
            (f, g, full)
        }
        Style::Japanese => {
            let f = format!("{}{}", rng.pick(JA_FAMILY_A), rng.pick(JA_FAMILY_B));
            let g = format!("{}{}", rng.pick(JA_GIVEN_A), rng.pick(JA_GIVEN_B));
            let full = format!("{g} {f}");
            (f, g, full)
        }
        Style::Chinese => {
            let f = rng.pick(ZH_FAMILY).to_string();
            let g = if rng.chance(40) {
                rng.pick(ZH_GIVEN).to_string()
            } else {
                format!(
                    "{}{}",
                    rng.pick(ZH_GIVEN),
                    rng.pick(ZH_GIVEN).to_lowercase()
                )
            };
            let full = format!("{f} {g}");
            (f, g, full)
        }
        Style::English => {
            let g = if female {
                rng.pick(EN_GIVEN_F)
            } else {
                rng.pick(EN_GIVEN_M)
            }
            .to_string();
            let f = format!("{}{}", rng.pick(EN_FAMILY_A), rng.pick(EN_FAMILY_B));
            let full = format!("{g} {f}");
            (f, g, full)
        }
        Style::Generic => {
            let mut g = String::new();
            for _ in 0..2 + rng.below(2) {
                g.push_str(GEN_SYL[rng.below(GEN_SYL.len())]);
            }
            let mut f = String::new();
            for _ in 0..2 + rng.below(3) {
                f.push_str(GEN_SYL[rng.below(GEN_SYL.len())]);
            }
            let (g, f) = (cap(g), cap(f));
            let full = format!("{g} {f}");
            (f, g, full)
        }
    };
    Person {
        full,
        family,
        given,
        style,
        female,
        role,
    }
}

// ------------------------------------------------------------------ one document

/// A document before rendering.
struct Doc {
    title: String,
    /// Web boilerplate before the title.
    header: Vec<String>,
    /// Lines between title and body (date, hits, captions, subheads).
    preamble: Vec<String>,
    body: Vec<String>,
    footer: Vec<String>,
    /// Blank lines between body paragraphs.
    gap: usize,
    site: &'static str,
}

#[derive(Clone, Copy)]
struct Date {
    y: u32,
    m: u32,
    d: u32,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    fn random(rng: &mut Rng) -> Date {
        let y = 2014 + rng.below(11) as u32;
        let m = 1 + rng.below(12) as u32;
        let d = 1 + rng.below(days_in(y, m) as usize) as u32;
        Date { y, m, d }
    }
    fn next(self) -> Date {
        if self.d < days_in(self.y, self.m) {
            Date {
                d: self.d + 1,
                ..self
            }
        } else if self.m < 12 {
            Date {
                m: self.m + 1,
                d: 1,
                ..self
            }
        } else {
            Date {
                y: self.y + 1,
                m: 1,
                d: 1,
            }
        }
    }
    fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
    fn month(self) -> &'static str {
        MONTHS[self.m as usize - 1]
    }
    /// "May 13"
    fn md(self) -> String {
        format!("{} {}", self.month(), self.d)
    }
    /// "May 13, 2020"
    fn long(self) -> String {
        format!("{} {}, {}", self.month(), self.d, self.y)
    }
    /// "the 13th"
    fn ordinal(self) -> String {
        let suffix = match (self.d % 10, self.d % 100) {
            (_, 11..=13) => "th",
            (1, _) => "st",
            (2, _) => "nd",
            (3, _) => "rd",
            _ => "th",
        };
        format!("the {}{suffix}", self.d)
    }
}

fn days_in(y: u32, m: u32) -> u32 {
    match m {
        2 if y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    InPerson,
    Telephone,
    Video,
}

/// Everything a document talks about.
struct Ctx<'w> {
    /// The publishing side and the counterpart.
    ca: &'w Country,
    cb: &'w Country,
    a: Person,
    b: Person,
    /// "Minister Kang", "Director-General Kim"
    a_ref: String,
    b_ref: String,
    /// "The two Ministers"
    both: String,
    issues: Vec<String>,
    event: String,
    place: String,
    date: Date,
    format: Format,
    /// Used issues rotate through `issues`.
    next_issue: usize,
    /// Statement templates already used (bit mask), to avoid repeats.
    used: u64,
}

impl Ctx<'_> {
    /// The next issue of the document, with its article where English wants one.
    fn issue(&mut self) -> String {
        let i = &self.issues[self.next_issue % self.issues.len()];
        self.next_issue += 1;
        with_article(i)
    }
    fn theme(&self, rng: &mut Rng) -> &'static str {
        THEMES[rng.below(THEMES.len())]
    }
    fn leader_b(&self, rng: &mut Rng) -> String {
        let pool: Vec<&Person> = self
            .cb
            .known
            .iter()
            .chain(&self.cb.invented)
            .filter(|p| p.role == Role::Leader)
            .collect();
        match pool.as_slice() {
            [] => format!("the {} of {}", self.cb.leader, self.cb.short),
            pool => format!("{} {}", self.cb.leader, rng.pick(pool).full),
        }
    }
}

fn pick_official(rng: &mut Rng, c: &Country, role: Role) -> Person {
    let known: Vec<&Person> = c.known.iter().filter(|p| p.role == role).collect();
    if !known.is_empty() && rng.chance(60) {
        return (*rng.pick(&known)).clone();
    }
    let pool: Vec<&Person> = c.invented.iter().filter(|p| p.role == role).collect();
    (*rng.pick(&pool)).clone()
}

fn short_ref(p: &Person, c: &Country, rng: &mut Rng) -> String {
    let us = c.is_us();
    let title = match p.role {
        Role::Leader => c.leader,
        Role::ForeignMinister if us => "Secretary",
        Role::ForeignMinister => {
            if rng.chance(70) {
                "Minister"
            } else {
                "Foreign Minister"
            }
        }
        Role::ViceMinister if us => "Deputy Secretary",
        Role::ViceMinister => "Vice Minister",
        Role::DirectorGeneral if us => "Assistant Secretary",
        Role::DirectorGeneral => "Director-General",
        Role::Ambassador => "Ambassador",
    };
    format!("{title} {}", p.family)
}

/// "Director-General for Asian and Pacific Affairs of the Ministry of Foreign Affairs"
fn full_title(p: &Person, c: &Country, other: &Country, rng: &mut Rng) -> String {
    const BUREAUS: &[&str] = &[
        "Asian and Pacific Affairs",
        "Asian and Oceanian Affairs",
        "North American Affairs",
        "Korean Peninsula Peace and Security Affairs",
        "International Economic Affairs",
        "International Legal Affairs",
        "Northeast Asian Affairs",
    ];
    let us = c.is_us();
    match p.role {
        Role::Leader => format!("{} of {}", c.leader, c.name),
        Role::ForeignMinister => c.fm_title(),
        Role::ViceMinister if us => "Deputy Secretary of State".into(),
        Role::ViceMinister => format!("Vice Minister for Foreign Affairs of {}", c.name),
        Role::DirectorGeneral if us => {
            "Assistant Secretary of State for East Asian and Pacific Affairs".into()
        }
        Role::DirectorGeneral => {
            let bureau = rng.pick(BUREAUS);
            if rng.chance(50) {
                format!(
                    "Director-General of the {bureau} Bureau of the {}",
                    c.ministry
                )
            } else {
                format!("Director-General for {bureau} of the {}", c.ministry)
            }
        }
        Role::Ambassador => format!("Ambassador of {} to {}", c.name, other.name),
    }
}

fn both_ref(a: &Person, b: &Person, rng: &mut Rng) -> String {
    if a.role != b.role {
        return "The two sides".into();
    }
    match (a.role, rng.below(3)) {
        (Role::Leader, _) => "The two leaders".into(),
        (Role::ForeignMinister, 0) => "The two Ministers".into(),
        (Role::ForeignMinister, 1) => "The two top diplomats".into(),
        (Role::ForeignMinister, _) => "The two Foreign Ministers".into(),
        (Role::ViceMinister, _) => "The two Vice Ministers".into(),
        (Role::DirectorGeneral, 0) => "The two Directors-General".into(),
        (Role::DirectorGeneral, _) => format!("Directors-General {} and {}", a.family, b.family),
        (Role::Ambassador, _) => "The two sides".into(),
    }
}

fn setup<'w>(w: &'w World, rng: &mut Rng, publisher: Option<&str>) -> Ctx<'w> {
    let ca = match publisher.and_then(|p| w.countries.iter().find(|c| c.bare_short() == p)) {
        Some(c) => c,
        None => rng.pick_weighted(&w.countries, |c| c.weight),
    };
    let mut cb = rng.pick_weighted(&w.countries, |c| c.weight);
    while std::ptr::eq(ca, cb) {
        cb = rng.pick(&w.countries);
    }
    let role = match rng.below(10) {
        0 => Role::Leader,
        1..=5 => Role::ForeignMinister,
        6 => Role::ViceMinister,
        _ => Role::DirectorGeneral,
    };
    let a = pick_official(rng, ca, role);
    let b_role = if rng.chance(8) {
        Role::Ambassador
    } else {
        role
    };
    let b = pick_official(rng, cb, b_role);
    let a_ref = short_ref(&a, ca, rng);
    let b_ref = short_ref(&b, cb, rng);
    let both = both_ref(&a, &b, rng);
    // issues: those of either country first, then any
    let mut issues = Vec::new();
    let n = 3 + rng.below(4);
    for _ in 0..n * 3 {
        if issues.len() == n {
            break;
        }
        let it = rng.pick(&w.issues);
        let local = it
            .country
            .is_none_or(|c| std::ptr::eq(&w.countries[c], ca) || std::ptr::eq(&w.countries[c], cb));
        if local || rng.chance(20) {
            let name = it.name(rng);
            if !issues.contains(&name) {
                issues.push(name);
            }
        }
    }
    if issues.is_empty() {
        issues.push(w.issues[0].label.clone());
    }
    let event = rng.pick(&w.events).name(rng);
    let format = match rng.below(10) {
        0..=5 => Format::InPerson,
        6..=8 => Format::Telephone,
        _ => Format::Video,
    };
    let place = match rng.below(4) {
        0 => ca.capital.clone(),
        1 => cb.capital.clone(),
        _ => rng.pick(&w.places).name(rng),
    };
    Ctx {
        ca,
        cb,
        a,
        b,
        a_ref,
        b_ref,
        both,
        issues,
        event,
        place,
        date: Date::random(rng),
        format,
        next_issue: 0,
        used: 0,
    }
}

fn compose(w: &World, rng: &mut Rng, target: usize) -> Doc {
    match rng.below(100) {
        0..=29 => rok_press(w, rng, target),
        30..=54 => japan_overview(w, rng, target),
        55..=79 => news(w, rng, target),
        _ => us_readout(w, rng, target),
    }
}

/// One statement about the talks, from the point of view of side `a`;
/// templates are not repeated within a document until all have been used.
fn statement(x: &mut Ctx, rng: &mut Rng) -> String {
    const N: usize = 30;
    if x.used.count_ones() as usize >= N {
        x.used = 0;
    }
    let mut k = rng.below(N);
    while x.used & (1 << k) != 0 {
        k = (k + 1) % N;
    }
    x.used |= 1 << k;
    let (a, b, both) = (x.a_ref.clone(), x.b_ref.clone(), x.both.clone());
    let (ca, cb) = (x.ca, x.cb);
    let both_l = lower_first(&both);
    match k {
        0 => format!("{both} exchanged views on {}, {} and other {}.", x.issue(), x.issue(), x.theme(rng)),
        1 => format!(
            "{a} explained the position of {} on {}. {b} explained the position of {}.",
            ca.gov, x.issue(), cb.gov
        ),
        2 => format!(
            "{a} urged {} to promptly take appropriate measures regarding {}.",
            cb.gov, x.issue()
        ),
        3 => format!(
            "{a} stated that it is completely unacceptable and regrettable that {} took such a step regarding {}, and lodged a protest.",
            cb.short, x.issue()
        ),
        4 => format!(
            "{a} expressed appreciation to {} for its support regarding {}.",
            cb.gov, x.issue()
        ),
        5 => format!(
            "{both} agreed to continue close communication and consultations between the diplomatic authorities of the two countries to resolve pending issues, including {}.",
            x.issue()
        ),
        6 => format!(
            "{a} invited {} to visit {} at an early date, to which {b} responded that the visit will be considered based on the schedule and other factors.",
            x.leader_b(rng), ca.short
        ),
        7 => format!(
            "{both} shared the view that the two countries will cooperate closely in responding to {}.",
            x.issue()
        ),
        8 => format!(
            "{a} raised {} and stressed the need for {} to respond in a responsible manner.",
            x.issue(), cb.short
        ),
        9 => format!("{b} conveyed {} position on {}.", cb.possessive(), x.issue()),
        10 => format!(
            "{a} expressed grave concern over {} and called on {} to refrain from further unilateral measures.",
            x.issue(), cb.gov
        ),
        11 => format!("{} was also briefly raised.", upper_first(&x.issue())),
        12 => format!(
            "{both} reaffirmed the importance of {}-{} cooperation for {}, including in dealing with {}.",
            ca.bare_short(), cb.bare_short(), x.theme(rng), x.issue()
        ),
        13 => format!(
            "{a} briefed {b} on the preparations for the {}, and {both_l} agreed to work together for its success.",
            x.event
        ),
        14 => format!("{both} did not discuss {} at this meeting.", x.issue()),
        15 => format!(
            "{a} said that {} will consider additional measures regarding {} if necessary.",
            ca.short, x.issue()
        ),
        16 => format!(
            "In addition, {a} mentioned the situation regarding {}, and {b} shared information on the efforts of {}.",
            x.issue(), cb.gov
        ),
        17 => format!(
            "{a} thanked {b} for the cooperation of {} during the {}.",
            cb.gov, x.event
        ),
        18 => format!(
            "{both} concurred that they will continue to work closely together on {} through {}-{} and trilateral cooperation.",
            x.issue(), ca.bare_short(), cb.bare_short()
        ),
        19 => format!(
            "{a} pointed out that {} remains a matter of serious concern for {}, and requested that {} take appropriate measures.",
            x.issue(), ca.short, cb.gov
        ),
        20 => format!(
            "{both} agreed to hold the next round of consultations in {} at a mutually convenient time.",
            x.cb.capital
        ),
        21 => format!(
            "{a} emphasized that {} and {} should make joint efforts to develop their relations into a future-oriented and mature partnership, while managing {} in a stable manner.",
            ca.short, cb.short, x.issue()
        ),
        22 => format!(
            "Regarding {}, {b} stated that {} has consistently maintained its position and asked {} to take a constructive approach.",
            x.issue(), cb.short, ca.gov
        ),
        23 => format!(
            "{both} welcomed the progress made in {}, such as cooperation on {}.",
            x.theme(rng), x.issue()
        ),
        24 => format!(
            "{a} stressed that despite issues between {} and {}, {} has sought to communicate frequently with {} at various levels; to manage thorny issues between the two countries in a stable manner; and to advance the bilateral partnership in a future-oriented way. {b} suggested that the two countries, while properly managing those issues, move their relations forward.",
            ca.short, cb.short, ca.gov, cb.gov
        ),
        25 => format!(
            "{both}, recognizing the need for bilateral cooperation for the safety and repatriation of nationals of {} and {} staying overseas, agreed to continue collaboration in protecting their nationals abroad, and {a} expressed appreciation to {} for supporting the emergency repatriation of {} nationals.",
            ca.short, cb.short, cb.gov, ca.adj
        ),
        26 => format!(
            "The meeting, which came during the first visit of {} {} to {} since {} inauguration, is seen to have taken to the next level the bilateral trust built through frequent communication between the two governments.",
            x.a.honorific(), x.a.full, cb.short, x.a.his()
        ),
        27 => format!(
            "{both} shared with each other assessments of the security situation in the region in the wake of recent developments concerning {}; reaffirmed the shared goal of a peaceful resolution; and agreed to coordinate closely in enhancing the effectiveness of the international response.",
            x.issue()
        ),
        28 => format!(
            "{b} explained that {} is taking measures regarding {} and will continue to provide information in a transparent manner. {a} asked {} to keep close communication with neighboring countries.",
            cb.gov, x.issue(), cb.gov
        ),
        _ => format!(
            "In response, {b} said that {} will not respond to such requests regarding {}, and {a} expressed regret.",
            cb.short, x.issue()
        ),
    }
}

/// "the forced labor issue", "COVID-19", "climate change".
fn with_article(name: &str) -> String {
    let lower = name
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || c == '“');
    let definite = [
        "issue",
        "situation",
        "restrictions",
        "measures",
        "dispute",
        "controls",
        "agreement",
        "water",
        "program",
        "ruling",
    ];
    let starts = [
        "issue ",
        "situation ",
        "release ",
        "nomination ",
        "denuclearization ",
        "war ",
        "“",
    ];
    if !name.starts_with("the ")
        && (definite.iter().any(|d| name.ends_with(d))
            || (lower && starts.iter().any(|s| name.starts_with(s))))
    {
        format!("the {name}")
    } else {
        name.to_string()
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn lower_first(s: &str) -> String {
    if let Some(rest) = s.strip_prefix("The ") {
        format!("the {rest}")
    } else {
        s.to_string()
    }
}

fn meeting_phrase(x: &Ctx, rng: &mut Rng, for_rok: bool) -> &'static str {
    match (x.format, rng.below(3)) {
        (Format::Telephone, 0) => "had a telephone consultation with",
        (Format::Telephone, 1) => "held a telephone talk with",
        (Format::Telephone, _) => "had a phone call with",
        (Format::Video, 0) => "held a video conference with",
        (Format::Video, _) => "had a videoconference meeting with",
        (Format::InPerson, 0) if for_rok => "had a consultation with",
        (Format::InPerson, 0) => "held a breakfast meeting with",
        (Format::InPerson, 1) => "held a meeting with",
        (Format::InPerson, _) => "held talks with",
    }
}

fn part_of_day(rng: &mut Rng) -> &'static str {
    const PARTS: [&str; 3] = ["morning", "afternoon", "evening"];
    PARTS[rng.below(3)]
}

fn rok_press(w: &World, rng: &mut Rng, target: usize) -> Doc {
    let mut x = setup(w, rng, Some("ROK"));
    let korean_site = x.ca.style == Style::Korean;
    let header: Vec<String> = if korean_site && rng.chance(50) {
        [
            "바로가기 메뉴",
            "본문 바로가기",
            "주메뉴 바로가기",
            "검색창 열기",
            "KOR",
            "",
            "Press Releases",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    } else {
        let mut h: Vec<String> = [
            "Skip navigation",
            "",
            "Countries Information",
            "",
            "  1. HOME",
            "  2. Press",
            "  3. Press Releases",
            "Press Releases",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if korean_site {
            h.push("Press Releases 상세보기".into());
        }
        h
    };
    let kind = match x.format {
        Format::Telephone => "Telephone Consultation",
        Format::Video => "Video Conference",
        Format::InPerson => *rng.pick(&["Consultation", "Meeting", "Talks"]),
    };
    let roles = match x.a.role {
        Role::ForeignMinister => "Foreign Ministers",
        Role::ViceMinister => "Vice Foreign Ministers",
        Role::DirectorGeneral => "Directors-General",
        Role::Leader => "Leaders",
        Role::Ambassador => "Officials",
    };
    let title = if rng.chance(70) {
        format!(
            "Outcome of {kind} between {} and {} {roles} ({})",
            x.ca.bare_short(),
            x.cb.adj,
            x.date.md()
        )
    } else {
        format!(
            "{} Meets with {} {} Counterpart",
            match x.a.role {
                Role::ForeignMinister => "Foreign Minister",
                Role::ViceMinister => "Vice Minister",
                Role::DirectorGeneral => "Director-General",
                Role::Leader => x.ca.leader,
                Role::Ambassador => "Ambassador",
            },
            x.a.his(),
            x.cb.adj
        )
    };
    let published = if rng.chance(60) {
        x.date.next()
    } else {
        x.date
    };
    let preamble = if rng.chance(50) {
        vec![
            format!(
                "  • Date : {} {:02}:{:02}:{:02}",
                published.iso(),
                9 + rng.below(9),
                rng.below(60),
                rng.below(60)
            ),
            format!("  • Hit : {}", 100 + rng.below(30000)),
        ]
    } else {
        vec![
            "Date".into(),
            published.iso(),
            "hit".into(),
            (100 + rng.below(9000)).to_string(),
        ]
    };
    let mut body = Vec::new();
    let a_title = full_title(&x.a, x.ca, x.cb, rng);
    let b_title = full_title(&x.b, x.cb, x.ca, rng);
    let meet = meeting_phrase(&x, rng, true);
    let when = if rng.chance(50) {
        format!("on the {} of {}", part_of_day(rng), x.date.md())
    } else {
        format!("on {}", x.date.md())
    };
    let place = if x.format == Format::InPerson {
        format!(" in {}", x.place)
    } else {
        String::new()
    };
    let theme = x.theme(rng);
    let issue = x.issue();
    let first = format!(
        "{} {}, {a_title}, {meet} {} {}, {b_title}, {when}{place}, and exchanged views on {}, including {}.",
        x.a.honorific(),
        x.a.full,
        x.b.honorific(),
        x.b.full,
        theme,
        issue
    );
    body.push(first);
    let mut n = 2;
    while body.iter().map(|s| s.len() + 3).sum::<usize>() + 400 < target && n < 30 {
        let mut p = format!("{n}. {}", statement(&mut x, rng));
        if rng.chance(40) {
            p.push_str(&format!(
                "\n\n\n{} {}",
                if rng.chance(50) { "o" } else { "°" },
                statement(&mut x, rng)
            ));
        }
        body.push(p);
        n += 1;
    }
    body[0] = format!("1. {}", body[0]);
    let footer = if rng.chance(50) {
        vec!["* unofficial translation".into()]
    } else {
        vec![]
    };
    Doc {
        title,
        header,
        preamble,
        body,
        footer,
        gap: 3,
        site: "Ministry of Foreign Affairs",
    }
}

fn japan_overview(w: &World, rng: &mut Rng, target: usize) -> Doc {
    let mut x = setup(w, rng, Some("Japan"));
    let rel = format!(
        "{}-{} Relations",
        x.ca.bare_short(),
        x.cb.name.trim_start_matches("the ")
    );
    let meeting = match (x.a.role, x.format) {
        (Role::Leader, Format::Telephone) => format!(
            "{}-{} Summit Telephone Talk",
            x.ca.bare_short(),
            x.cb.bare_short()
        ),
        (Role::Leader, _) => format!("{}-{} Summit Meeting", x.ca.bare_short(), x.cb.bare_short()),
        (_, Format::Telephone) => format!(
            "{}-{} Foreign Ministers’ Telephone Talk",
            x.ca.bare_short(),
            x.cb.bare_short()
        ),
        (_, Format::Video) => format!(
            "{}-{} Foreign Ministers’ Video Conference Meeting",
            x.ca.bare_short(),
            x.cb.bare_short()
        ),
        _ => format!(
            "{}-{} Foreign Ministers’ Meeting",
            x.ca.bare_short(),
            x.cb.bare_short()
        ),
    };
    let mut preamble = vec![x.date.long()];
    if rng.chance(50) {
        preamble.push(format!("A commemorative photo before {meeting}"));
    } else if rng.chance(40) {
        preamble.push("(Photo: Cabinet Public Affairs Office)".into());
    }
    let start = match rng.below(4) {
        0 => "noon".to_string(),
        1 => format!("{}:{:02} a.m.", 8 + rng.below(4), rng.below(4) * 15),
        _ => format!("{}:{:02} p.m.", 1 + rng.below(7), rng.below(4) * 15),
    };
    let visiting = if x.format == Format::InPerson && rng.chance(50) {
        format!(", who is visiting {} to attend the {},", x.place, x.event)
    } else {
        ",".to_string()
    };
    let held = match x.format {
        Format::Telephone => "held a telephone talk".to_string(),
        Format::Video => "held a video conference meeting".to_string(),
        Format::InPerson => format!("held a {meeting}"),
    };
    let intro = format!(
        "On {}, commencing at {start} (local time) for around {} minutes, {} {}, {}{visiting} {held} with H.E. {} {}, {}. The overview of the {} is as follows{}",
        x.date.md(),
        rng.pick(&[15, 20, 30, 40, 45, 50, 60, 75]),
        x.a.honorific(),
        x.a.mofa_jp(),
        full_title(&x.a, x.ca, x.cb, rng),
        x.b.honorific(),
        x.b.mofa_jp(),
        full_title(&x.b, x.cb, x.ca, rng),
        if rng.chance(50) { "meeting" } else { "talk" },
        if rng.chance(50) { "." } else { ":" }
    );
    let mut body = vec![intro];
    let sections = [
        "Bilateral relations".to_string(),
        format!("{}-{} relations", x.ca.bare_short(), x.cb.bare_short()),
        "Regional affairs".to_string(),
        "North Korea".to_string(),
        "International issues".to_string(),
        "Other".to_string(),
    ];
    let numbered = rng.chance(50);
    let mut sec = 1;
    let mut item = 1;
    while body.iter().map(|s| s.len() + 2).sum::<usize>() + 120 < target && sec < 30 {
        if numbered {
            body.push(format!("  {sec}. {}", statement(&mut x, rng)));
            sec += 1;
        } else {
            if item == 1 || (rng.chance(30) && sec <= sections.len()) {
                body.push(format!(
                    "{sec} {}",
                    sections[(sec - 1).min(sections.len() - 1)]
                ));
                sec += 1;
                item = 1;
            }
            body.push(format!("({item}) {}", statement(&mut x, rng)));
            item += 1;
        }
    }
    Doc {
        title: rel.clone(),
        header: vec![],
        preamble,
        body,
        footer: vec![format!("Back to {rel}")],
        gap: 1,
        site: "Ministry of Foreign Affairs of Japan",
    }
}

fn news(w: &World, rng: &mut Rng, target: usize) -> Doc {
    const OUTLETS: &[(&str, &str, &str)] = &[
        ("Asia Economy", "The Asia Business Daily", "www.asiae.co.kr"),
        ("Yonhap", "Yonhap News Agency", "en.yna.co.kr"),
        ("Kyodo", "Kyodo News", "english.kyodonews.net"),
        ("Korea Herald", "The Korea Herald", "www.koreaherald.com"),
        ("Japan Times", "The Japan Times", "www.japantimes.co.jp"),
        (
            "Korea JoongAng Daily",
            "Korea JoongAng Daily",
            "koreajoongangdaily.joins.com",
        ),
    ];
    let mut x = setup(w, rng, None);
    let outlet = rng.pick(OUTLETS);
    let reporter = invent_person(rng, x.ca.style, Role::Ambassador);
    let photographer = invent_person(rng, x.ca.style, Role::Ambassador);
    let talks = match x.a.role {
        Role::Leader => "Summit",
        Role::ForeignMinister => "Foreign Ministers' Talks",
        Role::ViceMinister => "Vice-Ministerial Talks",
        _ => "Director-General Level Talks",
    };
    let (ka, kb) = (x.ca.bare_short().to_string(), x.cb.bare_short().to_string());
    let i0 = x.issues[0].clone();
    let title = match rng.below(3) {
        0 => format!("{ka}-{kb} {talks} Confirm Differences Again... \"{kb}'s Willingness to Resolve Has Increased\""),
        1 => format!("{} and {} Meet in {}, Discuss {}", x.a.full, x.b.full, x.place, capitalize_words(&i0)),
        _ => format!("{ka}, {kb} Agree to Keep Talking on {} Despite Differences", capitalize_words(&i0)),
    };
    let mut preamble = Vec::new();
    if rng.chance(60) {
        preamble.push(format!(
            "Differences Remain on Issues Like {}",
            capitalize_words(&x.issues[x.issues.len() - 1])
        ));
        preamble.push(format!(
            "{ka} Emphasizes \"{kb} Must Show More Sincere Attitude to Resolve {}\"",
            capitalize_words(&i0)
        ));
    }
    let published = if rng.chance(50) {
        x.date
    } else {
        x.date.next()
    };
    preamble.push(match rng.below(3) {
        0 => format!(
            "Published {} {:02}:{:02}",
            published.iso(),
            rng.below(24),
            rng.below(60)
        ),
        1 => format!(
            "{}.{:02}.{:02} {:02}:{:02}",
            published.y,
            published.m,
            published.d,
            rng.below(24),
            rng.below(60)
        ),
        _ => format!("Updated : {}", published.long()),
    });
    if rng.chance(70) {
        preamble.push(format!(
            "{title} {}, {}, is entering the {} building in {} on {} to attend the {ka}-{kb} talks. Photo by {} {}@",
            x.b.full,
            full_title(&x.b, x.cb, x.ca, rng),
            x.ca.ministry,
            x.ca.capital,
            x.date.ordinal(),
            photographer.full,
            photographer.family.to_lowercase()
        ));
    }
    let header = vec![
        "본문 바로가기".into(),
        "bar_progress".into(),
        "".into(),
        "Text Size".into(),
        "".into(),
        "Close".into(),
    ];
    let lead_in = match outlet.0 {
        "Yonhap" => format!(
            "{}, {} (Yonhap) -- ",
            x.ca.capital.to_uppercase(),
            x.date.md()
        ),
        "Kyodo" => format!("{} (Kyodo) -- ", x.ca.capital.to_uppercase()),
        o => format!("[{o} Reporter {}] ", reporter.full),
    };
    let how = match x.format {
        Format::InPerson => format!("held face-to-face talks in {}", x.place),
        Format::Telephone => "held talks over the phone".into(),
        Format::Video => "held talks by video link".into(),
    };
    let mut body = vec![format!(
        "{lead_in}Diplomatic officials from {} and {} {how} on {}, but no significant progress was made on current issues such as {} and {}.",
        x.ca.short, x.cb.short, x.date.ordinal(), x.issue(), x.issue()
    )];
    body.push(
        format!(
            "{}, {}, {} {}{}, {}, {}, exchanging opinions on {} for about {} hours.",
            x.a.full,
            full_title(&x.a, x.ca, x.cb, rng),
            meeting_phrase(&x, rng, false),
            if rng.chance(70) {
                ""
            } else {
                "a delegation led by "
            },
            x.b.full,
            full_title(&x.b, x.cb, x.ca, rng),
            match x.format {
                Format::InPerson if x.place == x.ca.capital => {
                    format!(
                        "at the {} building in {} on {}",
                        x.ca.ministry,
                        x.place,
                        x.date.ordinal()
                    )
                }
                Format::InPerson => format!("in {} on {}", x.place, x.date.ordinal()),
                _ => format!("on {}", x.date.ordinal()),
            },
            x.theme(rng),
            rng.pick(&["two", "three", "one and a half"])
        )
        .replace("  ", " "),
    );
    while body.iter().map(|s| s.len() + 3).sum::<usize>() + 200 < target && body.len() < 30 {
        let s = statement(&mut x, rng);
        let p = match rng.below(4) {
            0 => format!("A {} official explained, \"{}\"", x.ca.ministry, s),
            1 => format!("\"{},\" the official added.", s.trim_end_matches('.')),
            _ => s,
        };
        body.push(p);
    }
    let footer = vec![
        format!("© {}({}). All rights reserved.", outlet.1, outlet.2),
        "Special Coverage".into(),
        "Join us on social!".into(),
        "Top".into(),
    ];
    Doc {
        title,
        header,
        preamble,
        body,
        footer,
        gap: 2,
        site: outlet.1,
    }
}

fn us_readout(w: &World, rng: &mut Rng, target: usize) -> Doc {
    let mut x = setup(w, rng, Some("U.S."));
    let spokes = invent_person(rng, Style::English, Role::Ambassador);
    let a_ref = x.a_ref.clone();
    let title = match x.format {
        Format::Telephone => format!(
            "{a_ref}’s Call with {} {}",
            x.cb.adj,
            short_role(&x.b, x.cb, &x.b.full)
        ),
        Format::Video => format!(
            "{a_ref}’s Virtual Meeting with {} {}",
            x.cb.adj,
            short_role(&x.b, x.cb, &x.b.full)
        ),
        Format::InPerson => format!(
            "{a_ref}’s Meeting with {} {}",
            x.cb.adj,
            short_role(&x.b, x.cb, &x.b.full)
        ),
    };
    let preamble = vec![
        "READOUT".into(),
        "OFFICE OF THE SPOKESPERSON".into(),
        x.date.long(),
        String::new(),
        format!("The below is attributable to Spokesperson {}:", spokes.full),
    ];
    let verb = match x.format {
        Format::Telephone => "spoke with",
        Format::Video => "met virtually with",
        Format::InPerson => "met with",
    };
    let issue = x.issue();
    let theme = x.theme(rng);
    let mut body = vec![format!(
        "{a_ref} {verb} {} {} today{}. {a_ref} and {} discussed {issue} and {theme}.",
        x.cb.adj,
        short_role(&x.b, x.cb, &x.b.full),
        if x.format == Format::InPerson {
            format!(" in {}", x.place)
        } else {
            String::new()
        },
        x.b_ref,
    )];
    while body.iter().map(|s| s.len() + 2).sum::<usize>() + 250 < target && body.len() < 30 {
        let s = match rng.below(8) {
            0 => format!(
                "{a_ref} underscored the importance of the {}-{} alliance in addressing {}.",
                x.ca.bare_short(),
                x.cb.bare_short(),
                x.issue()
            ),
            1 => format!(
                "They also discussed {} and the upcoming {}.",
                x.issue(),
                x.event
            ),
            _ => statement(&mut x, rng),
        };
        body.push(s);
    }
    let footer = vec![
        "TAGS".into(),
        "Bureau of East Asian and Pacific Affairs".into(),
        x.cb.name.trim_start_matches("the ").to_string(),
        "Office of the Spokesperson".into(),
        "The Secretary of State".into(),
    ];
    Doc {
        title,
        header: vec!["Skip to content".into(), "".into()],
        preamble,
        body,
        footer,
        gap: 1,
        site: "United States Department of State",
    }
}

/// "Foreign Minister Chung Eui-yong"
fn short_role(p: &Person, c: &Country, name: &str) -> String {
    match p.role {
        Role::Leader => format!("{} {name}", c.leader),
        Role::ForeignMinister if c.is_us() => format!("Secretary {name}"),
        Role::ForeignMinister => format!("Foreign Minister {name}"),
        Role::ViceMinister => format!("Vice Foreign Minister {name}"),
        Role::DirectorGeneral => format!("Director-General {name}"),
        Role::Ambassador => format!("Ambassador {name}"),
    }
}

fn capitalize_words(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) if w.len() > 3 || c.clone().count() > 2 => {
                    f.to_uppercase().chain(c).collect()
                }
                _ => w.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

// ------------------------------------------------------------------ rendering

fn render_text(doc: &Doc) -> String {
    let mut out = String::with_capacity(4096);
    for h in &doc.header {
        out.push_str(h);
        out.push('\n');
    }
    if !doc.header.is_empty() {
        out.push('\n');
    }
    out.push_str(&doc.title);
    out.push_str("\n\n");
    for p in &doc.preamble {
        out.push_str(p);
        out.push('\n');
    }
    out.push('\n');
    let gap = "\n".repeat(doc.gap + 1);
    for (i, p) in doc.body.iter().enumerate() {
        if i > 0 {
            out.push_str(&gap);
        }
        out.push_str(p);
    }
    out.push_str("\n\n");
    for f in &doc.footer {
        out.push_str(f);
        out.push('\n');
    }
    out
}

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

fn render_html(doc: &Doc, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(5000);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    escape(&doc.title, &mut out);
    out.push_str(" | ");
    escape(doc.site, &mut out);
    let _ = write!(
        out,
        "</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <link rel=\"stylesheet\" href=\"/css/common.css?v={}\">\n\
         <script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}} gtag('js', new Date());</script>\n\
         </head>\n<body>\n<nav class=\"gnb\"><ul>",
        rng.below(100000)
    );
    for h in doc.header.iter().filter(|h| !h.trim().is_empty()) {
        out.push_str("<li><a href=\"#\">");
        escape(h.trim(), &mut out);
        out.push_str("</a></li>");
    }
    out.push_str("<li><a href=\"/\">Home</a></li><li><a href=\"/press\">Press</a></li></ul></nav>\n<main id=\"content\">\n<h1>");
    escape(&doc.title, &mut out);
    out.push_str("</h1>\n");
    for p in &doc.preamble {
        if !p.is_empty() {
            out.push_str("<div class=\"info\">");
            escape(p.trim(), &mut out);
            out.push_str("</div>\n");
        }
    }
    out.push_str("<div class=\"article\">\n");
    for p in &doc.body {
        for part in p.split("\n\n\n") {
            out.push_str("<p>");
            escape(part, &mut out);
            out.push_str("</p>\n");
        }
    }
    out.push_str("</div>\n</main>\n<footer>\n");
    for f in &doc.footer {
        out.push_str("<p>");
        escape(f, &mut out);
        out.push_str("</p>\n");
    }
    out.push_str("</footer>\n<script src=\"/js/ui.js\"></script>\n</body>\n</html>\n");
    out
}

// ------------------------------------------------------------------ tests

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        Lexicon::default()
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let lex = lexicon();
        let a: Vec<SynthDoc> = Generator::new(&lex, 1).documents(50).collect();
        let b: Vec<SynthDoc> = Generator::new(&lex, 1).documents(50).collect();
        let c: Vec<SynthDoc> = Generator::new(&lex, 2).documents(50).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        // documents differ from one another
        let mut texts: Vec<&str> = a.iter().map(|d| d.text.as_str()).collect();
        texts.sort();
        texts.dedup();
        assert_eq!(texts.len(), 50);
    }

    #[test]
    fn writes_the_files_deterministically() {
        let lex = lexicon();
        let d1 = tempfile::tempdir().unwrap();
        let d2 = tempfile::tempdir().unwrap();
        let (n, bytes) = generate_bytes(&lex, 120, 7, d1.path()).unwrap();
        assert_eq!(n, 120);
        assert_eq!(generate(&lex, 120, 7, d2.path()).unwrap(), 120);
        let mut names: Vec<String> = std::fs::read_dir(d1.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names.len(), 120);
        assert!(names[0].starts_with("synth_000000."));
        assert!(names.iter().any(|n| n.ends_with(".html")));
        assert!(names.iter().any(|n| n.ends_with(".txt")));
        let mut total = 0;
        for n in &names {
            let a = std::fs::read(d1.path().join(n)).unwrap();
            let b = std::fs::read(d2.path().join(n)).unwrap();
            assert_eq!(a, b, "{n}");
            total += a.len() as u64;
        }
        assert_eq!(total, bytes);
    }

    #[test]
    fn sizes_and_genres() {
        let lex = lexicon();
        let g = Generator::new(&lex, 3);
        let docs: Vec<SynthDoc> = g.documents(2000).collect();
        let total: usize = docs.iter().map(|d| d.text.len()).sum();
        let avg = total / docs.len();
        assert!((3000..=3600).contains(&avg), "average size {avg}");
        let min = docs.iter().map(|d| d.text.len()).min().unwrap();
        let max = docs.iter().map(|d| d.text.len()).max().unwrap();
        assert!(min > 1000 && max < 8000, "{min}..{max}");
        let html = docs.iter().filter(|d| d.name.ends_with(".html")).count();
        assert!((120..=280).contains(&html), "{html} html");
        let has = |s: &str| docs.iter().filter(|d| d.text.contains(s)).count();
        assert!(has("Outcome of ") > 100);
        assert!(has("The overview of the ") > 100);
        assert!(has("All rights reserved") > 100);
        assert!(has("OFFICE OF THE SPOKESPERSON") > 100);
        assert!(has("Date : ") > 50);
        assert!(has("(1) ") > 50);
        assert!(has("telephone") > 100);
        assert!(has("video") > 50);
        for d in &docs {
            let body = d.text.split("<script>").next().unwrap();
            assert!(
                !body.contains('{') && !body.contains('}'),
                "unfilled template in {}",
                d.name
            );
            if d.name.ends_with(".html") {
                assert!(d.text.starts_with("<!DOCTYPE html>") && d.text.ends_with("</html>\n"));
            }
        }
    }

    #[test]
    fn works_with_the_project_gazetteer() {
        let dir = crate::pipeline::default_ontology_dir();
        let Ok(lex) = Lexicon::load_dir(&dir) else {
            return; // the gazetteer's own tests report its errors
        };
        let g = Generator::new(&lex, 11);
        let docs: Vec<SynthDoc> = g.documents(300).collect();
        let avg = docs.iter().map(|d| d.text.len()).sum::<usize>() / docs.len();
        assert!((2800..=3800).contains(&avg), "average size {avg}");
        if lex
            .entries
            .iter()
            .any(|e| e.entity_type == EntityType::Country && e.label == "Japan")
        {
            assert!(docs.iter().filter(|d| d.text.contains("Japan")).count() > 50);
        }
    }

    #[test]
    fn uses_the_lexicon_when_it_has_entries() {
        let e = |id: &str, t, label: &str, alts: &[&str], country: Option<&str>| LexEntry {
            id: id.into(),
            entity_type: t,
            label: label.into(),
            alt_labels: alts.iter().map(|s| s.to_string()).collect(),
            country: country.map(String::from),
            ..Default::default()
        };
        let lex = Lexicon {
            entries: vec![
                e("japan", EntityType::Country, "Japan", &[], None),
                e(
                    "korea",
                    EntityType::Country,
                    "Republic of Korea",
                    &["ROK"],
                    None,
                ),
                e("atlantis", EntityType::Country, "Atlantis", &[], None),
                e(
                    "taro-kono",
                    EntityType::Person,
                    "Taro Kono",
                    &[],
                    Some("japan"),
                ),
                e(
                    "kang-kyung-wha",
                    EntityType::Person,
                    "Kang Kyung-wha",
                    &[],
                    Some("korea"),
                ),
                e(
                    "i1",
                    EntityType::Issue,
                    "Zebra crossing dispute",
                    &["zebra issue"],
                    None,
                ),
                e("i2", EntityType::Issue, "Quokka treaty", &[], None),
                e("i3", EntityType::Issue, "Walrus accord", &[], None),
                e("i4", EntityType::Issue, "Heron agreement", &[], None),
                e("i5", EntityType::Issue, "Lynx program", &[], None),
                e("ev", EntityType::Event, "Grand Summit 2031", &[], None),
                e("ev2", EntityType::Event, "Small Summit", &[], None),
                e("ev3", EntityType::Event, "Middle Summit", &[], None),
                e("ev4", EntityType::Event, "Tiny Summit", &[], None),
            ],
            ..Default::default()
        };
        let docs: Vec<SynthDoc> = Generator::new(&lex, 5).documents(400).collect();
        let has = |s: &str| docs.iter().filter(|d| d.text.contains(s)).count();
        assert!(has("Atlantis") > 0);
        assert!(has("Kono") > 10, "{}", has("Kono"));
        assert!(has("KONO Taro") > 0);
        assert!(has("Kang Kyung-wha") > 10);
        assert!(has("Zebra crossing dispute") + has("zebra issue") > 10);
        assert!(has("Summit") > 10);
        assert_eq!(has("comfort women"), 0);
    }
}
