//! Mentions: what a sentence names. Lexicon matches first (longest label
//! wins), then patterns for what the lexicon does not know: persons after
//! titles and honorifics or before an apposition, Korean personal names,
//! organizations, issues and events by their shape, places by their suffix;
//! plus the words the relation stage resolves ("the two Ministers", "he",
//! "this") and dates.
//!
//! Offsets here are byte offsets into the sentence's normalised text.

use crate::lexicon::{Hits, LabelTarget, Lexicon};
use crate::model::EntityType;
use crate::pattern::Pattern;
use crate::segment::Sentence;
use std::sync::OnceLock;

/// What a mention refers to, before resolution.
#[derive(Debug, Clone, PartialEq)]
pub enum Ref {
    /// A gazetteer entity (index into `Lexicon::entries`).
    Entry(usize),
    /// A country named by its demonym ("Japanese nationals").
    Demonym(usize),
    /// A person the lexicon does not know, by full name.
    NewPerson(String),
    /// A surname, with or without a title ("Minister Kang", "Takizaki").
    Surname(String),
    /// Several surnames under one plural title ("Directors-General Kim and Takizaki").
    Surnames(Vec<String>),
    /// An organization, issue, event or place found by its shape.
    New(EntityType, String),
    /// "the Ministry of Foreign Affairs" with no country: the document's own.
    HomeMinistry,
    /// "the government" with no country: the document's own.
    HomeGovernment,
    /// "the two Ministers", "both sides", "they": the parties of the meeting.
    Collective,
    /// "he", "she", "his", "her".
    Pronoun,
    /// "the Minister", "the Secretary": the person last acting.
    DefiniteTitle,
    /// "this", "the issue": the matter just named; "the agreement", "a
    /// successful summit": the last matter whose name has that head noun.
    Anaphor(Option<String>),
    /// A generic theme ("bilateral relations"): never an entity.
    Theme,
}

#[derive(Debug, Clone)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub r: Ref,
    /// The title or honorific before a person's name ("Director-General").
    pub title: Option<String>,
    /// Byte range of the apposition after a person (", Director-General of ...").
    pub apposition: Option<(usize, usize)>,
    /// Inside another mention's apposition: not a subject or object.
    pub in_apposition: bool,
    /// Nested inside an event's name ("... on the Korean Peninsula").
    pub nested: bool,
    /// Where the title before a person's name starts.
    pub title_start: Option<usize>,
}

impl Mention {
    fn new(start: usize, end: usize, r: Ref) -> Mention {
        Mention {
            start,
            end,
            r,
            title: None,
            apposition: None,
            in_apposition: false,
            nested: false,
            title_start: None,
        }
    }

    pub fn overlaps(&self, s: usize, e: usize) -> bool {
        self.start < e && s < self.end
    }

    /// The entity type, where the reference fixes it.
    pub fn entity_type(&self, lex: &Lexicon) -> Option<EntityType> {
        match &self.r {
            Ref::Entry(i) => Some(lex.entries[*i].entity_type),
            Ref::Demonym(_) => Some(EntityType::Country),
            Ref::NewPerson(_) | Ref::Surname(_) | Ref::Surnames(_) => Some(EntityType::Person),
            Ref::New(t, _) => Some(*t),
            Ref::HomeMinistry | Ref::HomeGovernment => Some(EntityType::Organization),
            _ => None,
        }
    }
}

/// A date written in a sentence, resolved later against the document date.
#[derive(Debug, Clone, PartialEq)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    pub year: Option<i32>,
    pub month: Option<u32>,
    pub day: Option<u32>,
    /// 0 = Monday .. 6 = Sunday, for "on Tuesday".
    pub weekday: Option<u32>,
    /// "yesterday" = -1, "today" = 0.
    pub relative_days: Option<i64>,
}

pub const TITLES: &[&str] = &[
    "Minister for Foreign Affairs",
    "Minister of Foreign Affairs",
    "Deputy Prime Minister",
    "Prime Minister",
    "Vice Foreign Minister",
    "First Vice Foreign Minister",
    "Foreign Minister",
    "Vice Minister",
    "Deputy Minister",
    "Minister",
    "Directors-General",
    "Director-General",
    "Directors General",
    "Director General",
    "Deputy Director-General",
    "Director",
    "Directors",
    "Deputy Secretary of State",
    "Secretary of State",
    "Deputy Secretary",
    "Assistant Secretary",
    "Under Secretary",
    "Secretary-General",
    "Secretary General",
    "Secretary",
    "Chief Cabinet Secretary",
    "Special Representative",
    "Special Envoy",
    "Envoy",
    "Ambassador",
    "President",
    "Vice President",
    "Chairman",
    "Chairwoman",
    "Chair",
    "Premier",
    "State Councilor",
    "Spokesperson",
    "Spokesman",
    "Spokeswoman",
    "Deputy Spokesperson",
    "Consul General",
    "Counselor",
    "Councillor",
    "Chief",
    "Head",
    "Senator",
    "Governor",
    "Mayor",
    "Representative",
    "Deputy Chief of Mission",
    "Chargé d'Affaires",
    "Charge d'Affaires",
    "Reporter",
    "Correspondent",
    "Lawmaker",
    "Rep.",
    "Sen.",
    "Gen.",
    "General",
    "Admiral",
    "Commissioner",
    "Ministers",
    "Foreign Ministers",
    "Chief Negotiator",
    "Emperor",
    "King",
    "Queen",
    "Leader",
    "Chancellor",
];

/// Honorifics as a pattern: the specification of [`honorific_ends`] (the
/// tests compile the titled-person regex from it).
#[cfg_attr(not(test), allow(dead_code))]
const HONORIFICS: &str = r"(?:H\.E\.\s+)?(?:(?:Mr|Ms|Mrs|Dr|Prof|Amb)\.|H\.E\.)";

/// Capitalised words that are never part of a personal name.
fn is_not_name(w: &str) -> bool {
    // A `match`, not a list's `contains`: compiled to a switch on the
    // length and inline comparisons, where `contains` called `memcmp` for
    // every word of the same length (a name's every token is looked up).
    matches!(
        w,
        "The"
            | "A"
            | "An"
            | "And"
            | "Of"
            | "For"
            | "In"
            | "On"
            | "At"
            | "To"
            | "With"
            | "By"
            | "From"
            | "This"
            | "That"
            | "These"
            | "Those"
            | "Level"
            | "Talks"
            | "Talk"
            | "Meeting"
            | "Meetings"
            | "Summit"
            | "Affairs"
            | "Bureau"
            | "Office"
            | "Foreign"
            | "Ministry"
            | "Minister"
            | "Ministers"
            | "Government"
            | "Relations"
            | "Cooperation"
            | "Confirm"
            | "Confirms"
            | "Differences"
            | "Again"
            | "Also"
            | "Meets"
            | "Met"
            | "First"
            | "Since"
            | "State"
            | "House"
            | "Department"
            | "Council"
            | "Committee"
            | "National"
            | "Security"
            | "Peace"
            | "Peninsula"
            | "Republic"
            | "People"
            | "Division"
            | "Director"
            | "General"
            | "Secretary"
            | "President"
            | "Prime"
            | "Deputy"
            | "Vice"
            | "Special"
            | "Representative"
            | "Headquarters"
            | "Monday"
            | "Tuesday"
            | "Wednesday"
            | "Thursday"
            | "Friday"
            | "Saturday"
            | "Sunday"
            | "January"
            | "February"
            | "March"
            | "April"
            | "May"
            | "June"
            | "July"
            | "August"
            | "September"
            | "October"
            | "November"
            | "December"
            | "Asian"
            | "Pacific"
            | "Oceanian"
            | "Asia"
            | "Oceania"
            | "North"
            | "South"
            | "East"
            | "West"
            | "Northeast"
            | "Korean"
            | "Japanese"
            | "Chinese"
            | "American"
            | "Russian"
            | "He"
            | "She"
            | "They"
            | "It"
            | "We"
            | "Both"
            | "During"
            | "After"
            | "Before"
            | "However"
            | "Said"
            | "Says"
            | "Stated"
            | "Visit"
            | "Visits"
            | "Inauguration"
            | "Administration"
            | "Cabinet"
            | "Embassy"
            | "Consulate"
            | "Mission"
            | "Spokesperson"
            | "Press"
            | "Photo"
            | "Yonhap"
            | "News"
            | "Reporter"
            | "Staff"
            | "Writer"
            | "Has"
            | "Have"
            | "Had"
            | "Is"
            | "Was"
            | "Will"
            | "Would"
            | "Not"
            | "No"
            | "Notable"
            | "Progress"
            | "Issue"
            | "Issues"
            | "Olympics"
            | "Games"
            | "Strategic"
            | "Dialogue"
            | "Economic"
            | "Trade"
            | "Defense"
            | "Defence"
            | "Unification"
            | "Justice"
            | "Finance"
            | "Industry"
            | "Energy"
            | "Environment"
            | "Health"
            | "Welfare"
            | "Culture"
            | "Sports"
            | "Tourism"
            | "Education"
            | "Science"
            | "Technology"
            | "Agriculture"
            | "Fisheries"
            | "Oceans"
            | "Land"
            | "Infrastructure"
            | "Transport"
            | "Interior"
            | "Safety"
            | "Labor"
            | "Labour"
            | "Employment"
            | "Gender"
            | "Equality"
            | "Family"
            | "SMEs"
            | "Startups"
            | "Veterans"
            | "Patriots"
            | "Internal"
            | "Communications"
            | "Legislation"
            | "Policy"
            | "Planning"
            | "Coordination"
            | "Chief"
            | "Head"
            | "Counselor"
            | "Furthermore"
            | "Moreover"
            | "Meanwhile"
            | "Additionally"
            | "Separately"
            | "Earlier"
            | "Later"
            | "Then"
            | "Previously"
            | "Today"
            | "Yesterday"
            | "Nevertheless"
            | "Instead"
            | "Indeed"
            | "Finally"
            | "Lastly"
            | "Secondly"
            | "Thirdly"
            | "Firstly"
            | "Specifically"
            | "Notably"
            | "Similarly"
            | "Likewise"
            | "Accordingly"
            | "Therefore"
            | "Thus"
            | "Hence"
            | "Here"
            | "There"
            | "Now"
            | "Still"
            | "Yet"
            | "Recently"
            | "Currently"
            | "Particularly"
            | "Especially"
            | "Regarding"
            | "Concerning"
            | "Afterwards"
            | "Subsequently"
            | "Overall"
            | "Nonetheless"
            | "Elsewhere"
            | "Officials"
            | "Sources"
    )
}

pub const KOREAN_SURNAMES: &str = "Kim|Lee|Yi|Rhee|Park|Pak|Bak|Choi|Choe|Chung|Jung|Jeong|Kang|Cho|Jo|Yoon|Yun|Jang|Chang|Lim|Im|Han|Oh|Seo|Suh|Shin|Sin|Kwon|Hwang|Ahn|An|Song|Yoo|Yu|Ryu|Hong|Jeon|Chun|Ko|Go|Moon|Mun|Son|Yang|Bae|Baek|Paek|Heo|Huh|Nam|Noh|Roh|No|Ha|Kwak|Sung|Seong|Cha|Joo|Ju|Woo|Min|Ryoo|Na|Jin|Ji|Eom|Um|Won|Chae|Byun|Pyon|Bang|Gong|Hyun|Ham|Yeo|Ban|Ri|Rim|Ra|Do|Tak|Pyo|Maeng|Chu|Choo|Wi|Gil|Seok|Sohn|Kil";

fn re(cell: &'static OnceLock<Pattern>, pat: &str) -> &'static Pattern {
    cell.get_or_init(|| Pattern::new(pat))
}

/// Like [`re`], for patterns assembled at run time: built once, on first use.
fn re_with(cell: &'static OnceLock<Pattern>, pat: impl FnOnce() -> String) -> &'static Pattern {
    cell.get_or_init(|| Pattern::new(&pat()))
}

/// The titles, longest first: the order of the alternation of
/// [`titles_alt`] and of [`TitledPerson`]'s search.
fn titles_sorted() -> Vec<&'static str> {
    let mut t: Vec<&str> = TITLES.to_vec();
    t.sort_by_key(|s| std::cmp::Reverse(s.len()));
    t
}

fn titles_alt() -> String {
    titles_sorted()
        .iter()
        .map(|s| regex::escape(s))
        .collect::<Vec<_>>()
        .join("|")
}

const NAME_TOKEN: &str = r"(?:[A-Z][a-z]+(?:-[A-Za-z][a-z]+)*|[A-Z]{2,}(?:-[A-Z]+)?|[A-Z]\.)";

/// The keyword lists of the cheap tests run before patterns: a sentence
/// without any word of a list cannot match the patterns it guards.
#[derive(Clone, Copy)]
enum Kw {
    /// A long title's "of" / "for" ([`long_titles`]).
    OfFor,
    /// A bare foreign ministry ([`organizations`]).
    Ministry,
    /// Head words of organizations' names ([`organizations`]).
    Organization,
    /// "the issue of X" ([`issue_phrases`]).
    Issue,
    /// Named instruments ([`instruments`]).
    Instrument,
    /// Head words of events' names ([`events`]).
    EventHead,
    /// Bureaus and posts ([`drop_places_in_unit_names`]).
    Unit,
    /// Place-name suffixes ([`places`]).
    PlaceSuffix,
    /// Collective parties ([`markers`]).
    Plural,
    /// "The two" ([`markers`]).
    TwoThree,
    /// "the Minister" ([`markers`]).
    DefiniteTitle,
    /// "the agreement" ([`markers`]).
    AnaphorHead,
}

/// The words of each [`Kw`] list, in its order.
const KEYWORD_LISTS: [&[&str]; 12] = [
    // Kw::OfFor
    &[" of ", " for "],
    // Kw::Ministry
    &["inistry"],
    // Kw::Organization
    &[
        "Ministry",
        "Court",
        "Embassy",
        "Consulate",
        "Agency",
        "Commission",
        "Institute",
        "Foundation",
        "Corporation",
        "Administration",
        "Authority",
        "Association",
        "Party",
        "Industries",
        "Co.",
        "Ltd.",
    ],
    // Kw::Issue
    &["issue", "question", "problem", "dispute"],
    // Kw::Instrument
    &[
        "Act",
        "Law",
        "Treaty",
        "Agreement",
        "Accord",
        "Declaration",
        "Convention",
        "Resolution",
        "Initiative",
        "Pact",
        "Protocol",
    ],
    // Kw::EventHead
    &[
        "Summit",
        "Meeting",
        "Conference",
        "Forum",
        "Dialogue",
        "Games",
        "Olympics",
        "Talk",
        "Expo",
        "Assembly",
        "Ministerial",
        "Congress",
        "Symposium",
        "Festival",
        "Exercise",
        "Drill",
    ],
    // Kw::Unit
    &[
        "ffairs",
        "ureau",
        "ivision",
        "epartment",
        "Headquarters",
        "Office",
        "Desk",
    ],
    // Kw::PlaceSuffix
    &[
        "-gu",
        "-si",
        "-gun",
        "-dong",
        "-eup",
        "-myeon",
        "-ku",
        "-shi",
        "-machi",
        "Prefecture",
        "Province",
    ],
    // Kw::Plural
    &[
        "inisters",
        "eaders",
        "ides",
        "irectors",
        "iplomats",
        "egotiators",
        "nvoys",
        "elegations",
        "eads",
        "ecretaries",
        "epresentatives",
        "arties",
        "residents",
        "ounterparts",
        "fficials",
        "they",
        "They",
        "both",
        "Both",
        "men",
    ],
    // Kw::TwoThree
    &["two", "three"],
    // Kw::DefiniteTitle
    &[
        "he Minister",
        "he Secretary",
        "he Director",
        "he President",
        "he Ambassador",
        "he Special",
        "he Envoy",
        "he Spokesperson",
        "he Premier",
        "he Foreign",
        "he Prime",
        "he Vice",
        "he Deputy",
    ],
    // Kw::AnaphorHead: a head word is in every match.
    &ANAPHOR_HEADS,
];

/// Which keyword lists have a word in a sentence (found by [`scan`]).
#[derive(Clone, Copy)]
struct Keywords(u32);

impl Keywords {
    /// Does the sentence have a word of this list? (Guard the loop with it,
    /// `if kw.has(..) { for m in re.find_iter(s) .. }`: as a `.filter` on
    /// the matches it would only run after the regex had searched.)
    fn has(self, k: Kw) -> bool {
        self.0 & (1 << k as u32) != 0
    }
}

/// A pattern of [`scan`]'s automaton and what its occurrences tell.
struct ScanWord {
    text: &'static str,
    /// The [`Kw`] lists it is a word of (any occurrence, same case).
    lists: u32,
    /// A pronoun of [`MarkerWords`] (a whole word, same case).
    pronoun: bool,
    /// An anaphor word of [`MarkerWords`] (a whole word, same case).
    anaphor: bool,
    /// A collective word of [`MarkerWords`] (a whole word, any ASCII case).
    collective: bool,
}

/// The words of [`MarkerWords`]' pronouns and anaphors.
const PRONOUNS: [&str; 8] = ["he", "He", "she", "She", "his", "His", "her", "Her"];
const ANAPHOR_WORDS: [&str; 12] = [
    "this", "that", "it", "these", "those", "same", "such", "issue", "matter", "problem",
    "question", "dispute",
];

/// The entry of `text` in [`scan`]'s table, added when it is not there.
fn scan_word<'t>(table: &'t mut Vec<ScanWord>, text: &'static str) -> &'t mut ScanWord {
    let k = match table.iter().position(|w| w.text == text) {
        Some(k) => k,
        None => {
            table.push(ScanWord {
                text,
                lists: 0,
                pronoun: false,
                anaphor: false,
                collective: false,
            });
            table.len() - 1
        }
    };
    &mut table[k]
}

/// The keywords of the mention rules, each text once with everything it
/// stands for: the lexicon's automaton holds their texts (see
/// [`scan_words`]) and [`scan`] reads its hits.
fn scan_table() -> &'static [ScanWord] {
    static TABLE: OnceLock<Vec<ScanWord>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: Vec<ScanWord> = Vec::new();
        for (i, list) in KEYWORD_LISTS.iter().enumerate() {
            for w in *list {
                scan_word(&mut table, w).lists |= 1 << i;
            }
        }
        for w in PRONOUNS {
            scan_word(&mut table, w).pronoun = true;
        }
        for w in ANAPHOR_WORDS {
            scan_word(&mut table, w).anaphor = true;
        }
        for w in COLLECTIVE_WORD_TEXTS {
            scan_word(&mut table, w).collective = true;
        }
        table
    })
}

/// The texts `scan` needs found in every sentence, in the order of the
/// keyword indices of [`Hits::keywords`].
pub fn scan_words() -> Vec<&'static str> {
    scan_table().iter().map(|w| w.text).collect()
}

/// Which keyword lists have a word in a sentence, and the words
/// [`markers`] needs, from the keyword hits of the lexicon's one search of
/// the sentence ([`Lexicon::scan`]). Per list, a `contains` per word, each
/// over the whole sentence, cost more than some of the regexes the tests
/// guard; the marker words were a pass of their own over the sentence's
/// words; an automaton of their own, a second search of every sentence.
/// The search ignores ASCII case (the collective words need that); the
/// other tests compare the text.
fn scan(s: &str, hits: &[(usize, usize, usize)]) -> (Keywords, MarkerWords) {
    let table = scan_table();
    let b = s.as_bytes();
    let mut lists = 0;
    let mut words = MarkerWords {
        pronouns: Vec::new(),
        collective: false,
        anaphor: false,
    };
    for &(a, e, k) in hits {
        let w = &table[k];
        let same_case = &b[a..e] == w.text.as_bytes();
        if same_case {
            lists |= w.lists;
        }
        if !(w.pronoun || w.anaphor || w.collective) {
            continue;
        }
        // A whole word: no ASCII word byte on either side.
        let whole = (a == 0 || !ASCII_WORD[b[a - 1] as usize])
            && (e == b.len() || !ASCII_WORD[b[e] as usize]);
        if !whole {
            continue;
        }
        if w.pronoun && same_case {
            words.pronouns.push((a, e));
        }
        words.anaphor |= w.anaphor && same_case && anaphor_context(b, a, e);
        words.collective |= w.collective;
    }
    (Keywords(lists), words)
}

fn is_word_boundary(s: &str, start: usize, end: usize) -> bool {
    let before = s[..start]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric());
    let after = s[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
    before && after
}

/// Find the mentions of one sentence.
pub fn find(sentence: &Sentence, lex: &Lexicon) -> Vec<Mention> {
    find_scanned(sentence, lex, &lex.scan(&sentence.norm))
}

/// Find the mentions of one sentence, given what the lexicon's automaton
/// found in it (`hits`, from [`Lexicon::scan`] of `sentence.norm`).
pub fn find_scanned(sentence: &Sentence, lex: &Lexicon, hits: &Hits) -> Vec<Mention> {
    let s = sentence.norm.as_str();
    let mut out = lexicon_matches(s, lex, &hits.labels);
    nested_in_events(s, lex, &mut out);
    leader_governments(s, lex, &mut out);
    let (kw, marker_words) = scan(s, &hits.keywords);
    persons(s, kw, sentence.heading, lex, &mut out);
    organizations(s, kw, lex, &mut out);
    if !sentence.heading {
        issues(s, kw, lex, &mut out);
        events(s, kw, lex, &mut out);
    }
    places(s, kw, &mut out);
    drop_places_in_unit_names(s, kw, lex, &mut out);
    capitals_as_actors(s, lex, &mut out);
    markers(s, kw, &marker_words, &mut out);
    out.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    appositions(s, lex, &mut out);
    out
}

/// Every label occurrence that stands on word boundaries and has the right
/// case, as (start, end, label index).
fn valid_matches(s: &str, lex: &Lexicon) -> Vec<(usize, usize, usize)> {
    let mut v = Vec::new();
    lex.for_each_label(s, |a, b, li| {
        if is_valid_match(s, lex, a, b, li) {
            v.push((a, b, li));
        }
    });
    v
}

/// Does the label occurrence `s[a..b]` stand on word boundaries, with the
/// right case?
fn is_valid_match(s: &str, lex: &Lexicon, a: usize, b: usize, li: usize) -> bool {
    if !is_word_boundary(s, a, b) {
        return false;
    }
    let label = &lex.labels[li];
    let text = &s[a..b];
    if label.case_sensitive && text != label.text {
        return false;
    }
    if !label.case_sensitive {
        // A label written with a capital needs the capital in the text:
        // "Korea" but not "korea"-inside-a-url, "Diet" but not "diet".
        let lc = label.text.chars().next().is_some_and(|c| c.is_uppercase());
        let tc = text.chars().next().is_some_and(|c| c.is_uppercase());
        if lc && !tc {
            return false;
        }
    }
    true
}

/// Leftmost-longest choice among the valid label occurrences of `hits`: a
/// label that fails its case or boundary check does not hide a shorter one
/// that passes.
fn longest_matches(
    s: &str,
    lex: &Lexicon,
    hits: &[(usize, usize, usize)],
) -> Vec<(usize, usize, usize)> {
    let mut v: Vec<(usize, usize, usize)> = hits
        .iter()
        .copied()
        .filter(|&(a, b, li)| is_valid_match(s, lex, a, b, li))
        .collect();
    v.sort_by_key(|&(a, b, li)| (a, std::cmp::Reverse(b), li));
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    let mut end = 0;
    for (a, b, li) in v {
        if a >= end {
            out.push((a, b, li));
            end = b;
        }
    }
    out
}

fn lexicon_matches(s: &str, lex: &Lexicon, hits: &[(usize, usize, usize)]) -> Vec<Mention> {
    longest_matches(s, lex, hits)
        .into_iter()
        .map(|(a, b, li)| {
            let r = match lex.labels[li].target {
                LabelTarget::Entry(i) => Ref::Entry(i),
                LabelTarget::Demonym(i) => Ref::Demonym(i),
                LabelTarget::Theme => Ref::Theme,
            };
            Mention::new(a, b, r)
        })
        .collect()
}

/// Places and countries that an event or issue is named after ("Meeting on
/// Security and Stability on the Korean Peninsula", "ethnic Koreans in
/// Sakhalin") are mentioned too, when a preposition introduces them.
fn nested_in_events(s: &str, lex: &Lexicon, out: &mut Vec<Mention>) {
    let events: Vec<(usize, usize)> = out
        .iter()
        .filter(|m| {
            matches!(
                m.entity_type(lex),
                Some(EntityType::Event) | Some(EntityType::Issue)
            )
        })
        .map(|m| (m.start, m.end))
        .collect();
    for (es, ee) in events {
        // Every place or country label inside the name (not the name itself),
        // longest first.
        let mut inner: Vec<(usize, usize, usize)> = valid_matches(&s[es..ee], lex)
            .into_iter()
            .filter(|&(a, _, li)| a > 0 && matches!(lex.labels[li].target, LabelTarget::Entry(i) if matches!(lex.entries[i].entity_type, EntityType::Place | EntityType::Country)))
            .collect();
        inner.sort_by_key(|&(a, b, _)| (a, std::cmp::Reverse(b)));
        let mut last_end = 0;
        for (ma, mb, li) in inner {
            if ma < last_end {
                continue;
            }
            last_end = mb;
            let (a, b) = (es + ma, es + mb);
            if !is_word_boundary(s, a, b) {
                continue;
            }
            let LabelTarget::Entry(i) = lex.labels[li].target else {
                continue;
            };
            let t = lex.entries[i].entity_type;
            let before = s[..a].trim_end();
            let before = before.strip_suffix(" the").unwrap_or(before);
            let prep = [" on", " in", " at", " of"]
                .iter()
                .any(|p| before.ends_with(p));
            // "Sado Island Gold Mines": a place inside a longer proper name is its modifier.
            let next_cap = s[b..]
                .strip_prefix(' ')
                .and_then(|r| r.chars().next())
                .is_some_and(|c| c.is_uppercase());
            if matches!(t, EntityType::Place | EntityType::Country) && prep && !next_cap {
                let mut mm = Mention::new(a, b, Ref::Entry(i));
                mm.nested = true;
                out.push(mm);
            }
        }
    }
}

/// "the Moon Jae-in government", "the Kishida administration": the
/// government of the leader's country, mentioned beside the leader.
fn leader_governments(s: &str, lex: &Lexicon, out: &mut Vec<Mention>) {
    let mut add = Vec::new();
    for m in out.iter() {
        let Ref::Entry(i) = m.r else { continue };
        let e = &lex.entries[i];
        if e.entity_type != EntityType::Person {
            continue;
        }
        let rest = &s[m.end..];
        let Some(word) = [
            " government",
            " Government",
            " administration",
            " Administration",
            "'s government",
            "'s administration",
        ]
        .iter()
        .find(|w| rest.starts_with(*w)) else {
            continue;
        };
        let gov = e
            .country
            .as_deref()
            .and_then(|c| lex.government_of(c))
            .and_then(|g| lex.by_id.get(g));
        if let Some(&g) = gov {
            add.push(Mention::new(m.start, m.end + word.len(), Ref::Entry(g)));
        }
    }
    out.extend(add);
}

fn covered(out: &[Mention], s: usize, e: usize) -> bool {
    out.iter().any(|m| !m.nested && m.overlaps(s, e))
}

/// The titled-person pattern, written out by hand:
///
/// ```text
/// (?P<title>(?:\bHON\s+)?\b(?:TITLES)\s+(?:HON\s+)?|\bHON\s+)
/// (?P<name>NAME(?:\sNAME){0,2})(?P<more>(?:,?\s(?:and|&)\sNAME)?)
/// ```
///
/// with `HON` = [`HONORIFICS`], `TITLES` = [`titles_alt`] and `NAME` =
/// [`NAME_TOKEN`] (`\b` ASCII, `\s` Unicode, as [`compile`] builds them).
/// It finds what the regex finds, leftmost-first, with the same groups (a
/// test holds it to the regex), without the regex engine's capture pass,
/// which was the larger part of the time of [`persons`]. Everything after
/// the title is optional once one name token matches, so no choice made
/// after the title is ever undone: the first title (longest first) that is
/// followed by a name decides.
struct TitledPerson {
    /// The titles by first byte (all start with an ASCII capital), longest
    /// first.
    by_first: Vec<Vec<&'static str>>,
}

/// One match of [`TitledPerson`]: byte ranges of its three groups.
#[derive(Debug, Clone, PartialEq)]
struct Titled {
    title: std::ops::Range<usize>,
    name: std::ops::Range<usize>,
    /// ", and Kono" (empty, at the name's end, when absent).
    more: std::ops::Range<usize>,
}

/// A group of a match as text and position (what [`persons`] reads).
struct Group<'s> {
    text: &'s str,
    start: usize,
}

impl<'s> Group<'s> {
    fn new(s: &'s str, r: std::ops::Range<usize>) -> Self {
        Group {
            start: r.start,
            text: &s[r],
        }
    }
    fn as_str(&self) -> &'s str {
        self.text
    }
    fn start(&self) -> usize {
        self.start
    }
    fn end(&self) -> usize {
        self.start + self.text.len()
    }
}

/// The honorifics of [`HONORIFICS`] after its optional "H.E." prefix.
const HONORIFIC_WORDS: [&str; 7] = ["Mr.", "Ms.", "Mrs.", "Dr.", "Prof.", "Amb.", "H.E."];

impl TitledPerson {
    fn get() -> &'static TitledPerson {
        static CELL: OnceLock<TitledPerson> = OnceLock::new();
        CELL.get_or_init(|| {
            let mut by_first = vec![Vec::new(); 256];
            for t in titles_sorted() {
                by_first[usize::from(t.as_bytes()[0])].push(t);
            }
            TitledPerson { by_first }
        })
    }

    /// Every match in `s`, left to right, not overlapping.
    fn find_iter(&self, s: &str) -> Vec<Titled> {
        // Every branch starts with `\b` and an ASCII capital.
        word_start_matches(
            s,
            |c| c.is_ascii_uppercase(),
            |p| {
                self.match_at(s, p).map(|m| {
                    let end = m.more.end;
                    (m, end)
                })
            },
        )
    }

    /// The match starting at `p`, if any, in the pattern's order of
    /// preference.
    fn match_at(&self, s: &str, p: usize) -> Option<Titled> {
        // A title, after an honorific or not ...
        for h in honorific_ends(s, p) {
            let q = ws_end(s, h);
            if q > h {
                if let Some(m) = self.title_at(s, p, q) {
                    return Some(m);
                }
            }
        }
        if let Some(m) = self.title_at(s, p, p) {
            return Some(m);
        }
        // ... or an honorific alone.
        for h in honorific_ends(s, p) {
            let q = ws_end(s, h);
            if q > h {
                if let Some(m) = name_at(s, p, q) {
                    return Some(m);
                }
            }
        }
        None
    }

    /// A title at `q` (the match starting at `p`), white space, an optional
    /// honorific, and a name.
    fn title_at(&self, s: &str, p: usize, q: usize) -> Option<Titled> {
        let first = *s.as_bytes().get(q)?;
        for t in &self.by_first[usize::from(first)] {
            if !starts_with_at(s.as_bytes(), q, t.as_bytes()) {
                continue;
            }
            let r = q + t.len();
            let w = ws_end(s, r);
            if w == r {
                continue;
            }
            for h in honorific_ends(s, w) {
                let n = ws_end(s, h);
                if n > h {
                    if let Some(m) = name_at(s, p, n) {
                        return Some(m);
                    }
                }
            }
            if let Some(m) = name_at(s, p, w) {
                return Some(m);
            }
        }
        None
    }
}

/// `hay[at..].starts_with(pat)`, the pattern's last byte compared first:
/// the titles of one first letter mostly differ from the text by then,
/// and one byte tells so without a call to `memcmp`.
fn starts_with_at(hay: &[u8], at: usize, pat: &[u8]) -> bool {
    let Some(rest) = hay.get(at..) else {
        return false;
    };
    match pat.last() {
        None => true,
        Some(&last) => rest.get(pat.len() - 1) == Some(&last) && rest.starts_with(pat),
    }
}

impl TitledPerson {
    /// The titles followed by "of" or "for" ([`long_titles`]): the pattern
    ///
    /// ```text
    /// \b(?:TITLES)\s(?:of|for)\s
    /// ```
    ///
    /// written out by hand, as (start, end) of its matches, leftmost-first
    /// and not overlapping (a test holds it to the regex). The regex engine
    /// took a few percent of extraction on it: nearly every sentence has
    /// "of" and a title's first letter. At a position, the first title
    /// (longest first) that is followed by the rest decides.
    fn long_titles(&self, s: &str) -> Vec<(usize, usize)> {
        word_start_matches(
            s,
            |c| c.is_ascii_uppercase(),
            |p| self.long_title_at(s, p).map(|e| ((p, e), e)),
        )
    }

    /// The end of [`TitledPerson::long_titles`]' match at `p`, if any.
    fn long_title_at(&self, s: &str, p: usize) -> Option<usize> {
        self.by_first[usize::from(s.as_bytes()[p])]
            .iter()
            .filter(|t| starts_with_at(s.as_bytes(), p, t.as_bytes()))
            .find_map(|t| {
                let q = p + t.len();
                let q = q + ws_at(s, q)?;
                let r = ["of", "for"]
                    .iter()
                    .find(|w| s[q..].starts_with(**w))
                    .map(|w| q + w.len())?;
                Some(r + ws_at(s, r)?)
            })
    }
}

/// The parties as a number ([`markers`]): the pattern
/// `\b(?:[Tt]he two|[Tt]he three|[Aa]ll three)\b` written out by hand, as
/// (start, end) of its matches (a test holds it to the regex).
fn two_or_three(s: &str) -> Vec<(usize, usize)> {
    const PHRASES: [&str; 6] = [
        "the two",
        "The two",
        "the three",
        "The three",
        "all three",
        "All three",
    ];
    let b = s.as_bytes();
    word_start_matches(
        s,
        |c| matches!(c, b't' | b'T' | b'a' | b'A'),
        |p| {
            PHRASES
                .iter()
                .filter(|w| s[p..].starts_with(**w))
                .map(|w| p + w.len())
                .find(|&e| e == b.len() || !is_ascii_word(b[e]))
                .map(|e| ((p, e), e))
        },
    )
}

/// The words an anaphor's head can be ([`anaphor_heads`]).
const ANAPHOR_HEADS: [&str; 28] = [
    "summit",
    "agreement",
    "treaty",
    "resolution",
    "ruling",
    "decision",
    "drill",
    "exhibition",
    "statue",
    "statues",
    "discharge",
    "release",
    "measures",
    "restrictions",
    "plan",
    "declaration",
    "nomination",
    "launch",
    "launches",
    "test",
    "Expo",
    "expo",
    "Olympics",
    "olympics",
    "Games",
    "games",
    "Forum",
    "forum",
];

/// "the agreement", "such a plan", "this year's summit": the pattern
///
/// ```text
/// \b(?:[Tt]he|a|an|this|that|such an?)\s(?:[a-z-]+\s)?(?P<h>HEADS)\b
/// ```
///
/// written out by hand, as (start, end) of its matches, leftmost-first and
/// not overlapping (a test holds it to the regex); the regex engine spent
/// over a microsecond a sentence on it. `[a-z-]+\s` can only match the
/// whole run of `[a-z-]` (any shorter run is followed by another of those
/// bytes, not white space), and a head followed by `\b` is a whole ASCII
/// word, so no search is needed after the determiner: the word after it is
/// the head, or the word after that one is.
fn anaphor_heads(s: &str) -> Vec<(usize, usize)> {
    word_start_matches(
        s,
        |c| matches!(c, b't' | b'T' | b'a' | b's'),
        |p| anaphor_head_at(s, p).map(|e| ((p, e), e)),
    )
}

/// The end of [`anaphor_heads`]' match at `p`, if any: the determiners in
/// the pattern's order ("a" before "an", "such an" before "such a").
fn anaphor_head_at(s: &str, p: usize) -> Option<usize> {
    const DETERMINERS: [&str; 8] = ["the", "The", "a", "an", "this", "that", "such an", "such a"];
    DETERMINERS
        .iter()
        .filter(|d| s[p..].starts_with(**d))
        .find_map(|d| {
            let x = p + d.len();
            let x = x + ws_at(s, x)?;
            let b = s.as_bytes();
            // A word of `[a-z-]`, white space, the head ...
            let mut y = x;
            while y < b.len() && (b[y].is_ascii_lowercase() || b[y] == b'-') {
                y += 1;
            }
            let with_word = (y > x)
                .then(|| ws_at(s, y))
                .flatten()
                .and_then(|w| head_word_at(s, y + w));
            // ... or the head alone.
            with_word.or_else(|| head_word_at(s, x))
        })
}

/// The end of the head word at `z` ([`ANAPHOR_HEADS`], then `\b`), if one
/// is there.
fn head_word_at(s: &str, z: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut e = z;
    while e < b.len() && is_ascii_word(b[e]) {
        e += 1;
    }
    ANAPHOR_HEADS.contains(&&s[z..e]).then_some(e)
}

/// Can the Korean-name pattern of [`persons`] match in `s`? Both of its
/// branches need a given name `[A-Z][a-z]+-[a-z]+`: a hyphen between two
/// lower-case letters, after a capital and lower-case letters. Most
/// sentences with a hyphen have none ("Director-General", "Japan-ROK",
/// "follow-up"), and the test is cheaper than the regex's search.
fn has_hyphenated_given_name(s: &str) -> bool {
    let b = s.as_bytes();
    s.match_indices('-').any(|(i, _)| {
        let after = b.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        let lower = b[..i]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_lowercase())
            .count();
        after && lower > 0 && i > lower && b[i - lower - 1].is_ascii_uppercase()
    })
}

/// The matches of a pattern written out by hand whose every branch starts
/// with `\b` and a word byte: leftmost-first and not overlapping. At each
/// position where a match may start (an ASCII word starts there with a byte
/// `first` accepts), `at` gives the match there and its end, and the
/// search goes on from that end.
fn word_start_matches<M>(
    s: &str,
    first: impl Fn(u8) -> bool,
    mut at: impl FnMut(usize) -> Option<(M, usize)>,
) -> Vec<M> {
    let b = s.as_bytes();
    let mut found = Vec::new();
    let mut p = 0;
    while p < b.len() {
        let starts = first(b[p]) && (p == 0 || !is_ascii_word(b[p - 1]));
        match starts.then(|| at(p)).flatten() {
            Some((m, end)) => {
                found.push(m);
                p = end;
            }
            None => p += 1,
        }
    }
    found
}

/// `[0-9A-Za-z_]`: the word bytes of an ASCII `\b`.
fn is_ascii_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The end of the run of white space (`\s*`) at `i`.
fn ws_end(s: &str, mut i: usize) -> usize {
    while let Some(w) = ws_at(s, i) {
        i += w;
    }
    i
}

/// The width of the white-space character (`\s`) at `i`, if there is one.
fn ws_at(s: &str, i: usize) -> Option<usize> {
    let b = *s.as_bytes().get(i)?;
    if b.is_ascii() {
        return matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r').then_some(1);
    }
    let c = s.get(i..)?.chars().next()?;
    c.is_whitespace().then(|| c.len_utf8())
}

/// Where [`HONORIFICS`] can end when it starts at `p`, in the pattern's
/// order of preference: with its "H.E." prefix first.
fn honorific_ends(s: &str, p: usize) -> impl Iterator<Item = usize> + '_ {
    let word_at = move |i: usize| {
        HONORIFIC_WORDS
            .iter()
            .find(|w| s.get(i..).is_some_and(|r| r.starts_with(**w)))
            .map(|w| i + w.len())
    };
    let prefixed = s
        .get(p..)
        .filter(|r| r.starts_with("H.E."))
        .map(|_| ws_end(s, p + 4))
        .filter(|&q| q > p + 4)
        .and_then(word_at);
    prefixed.into_iter().chain(word_at(p))
}

/// [`NAME_TOKEN`] at `i`: its end.
fn name_token_at(s: &str, i: usize) -> Option<usize> {
    let b = s.as_bytes();
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    if !at(i).is_ascii_uppercase() {
        return None;
    }
    // `[A-Z][a-z]+(?:-[A-Za-z][a-z]+)*`
    if at(i + 1).is_ascii_lowercase() {
        let mut j = i + 2;
        while at(j).is_ascii_lowercase() {
            j += 1;
        }
        while at(j) == b'-' && at(j + 1).is_ascii_alphabetic() && at(j + 2).is_ascii_lowercase() {
            j += 3;
            while at(j).is_ascii_lowercase() {
                j += 1;
            }
        }
        return Some(j);
    }
    // `[A-Z]{2,}(?:-[A-Z]+)?`
    if at(i + 1).is_ascii_uppercase() {
        let mut j = i + 2;
        while at(j).is_ascii_uppercase() {
            j += 1;
        }
        if at(j) == b'-' && at(j + 1).is_ascii_uppercase() {
            j += 2;
            while at(j).is_ascii_uppercase() {
                j += 1;
            }
        }
        return Some(j);
    }
    // `[A-Z]\.`
    (at(i + 1) == b'.').then_some(i + 2)
}

/// The name (one to three tokens) at `n` and the optional ", and X" after
/// it, for a match that started at `p`.
fn name_at(s: &str, p: usize, n: usize) -> Option<Titled> {
    let mut e = name_token_at(s, n)?;
    for _ in 0..2 {
        let Some(w) = ws_at(s, e) else { break };
        let Some(next) = name_token_at(s, e + w) else {
            break;
        };
        e = next;
    }
    Some(Titled {
        title: p..n,
        name: n..e,
        more: e..more_at(s, e).unwrap_or(e),
    })
}

/// `,?\s(?:and|&)\sNAME` at `e`: its end.
fn more_at(s: &str, e: usize) -> Option<usize> {
    let rest = |i: usize| -> Option<usize> {
        let i = i + ws_at(s, i)?;
        let r = s.get(i..)?;
        let i = if r.starts_with("and") {
            i + 3
        } else if r.starts_with('&') {
            i + 1
        } else {
            return None;
        };
        let i = i + ws_at(s, i)?;
        name_token_at(s, i)
    };
    if s.as_bytes().get(e) == Some(&b',') {
        if let Some(end) = rest(e + 1) {
            return Some(end);
        }
    }
    rest(e)
}

fn persons(s: &str, kw: Keywords, heading: bool, lex: &Lexicon, out: &mut Vec<Mention>) {
    {
        for c in TitledPerson::get().find_iter(s) {
            let title = Group::new(s, c.title);
            if title.as_str().trim().is_empty() {
                continue;
            }
            let name = Group::new(s, c.name);
            let title_text = title.as_str().trim().to_string();
            // A known person right after the title: attach the title to it.
            if let Some(m) = out.iter_mut().find(|m| m.start == name.start() && matches!(m.r, Ref::Entry(i) if lex.entries[i].entity_type == EntityType::Person)) {
                m.title = Some(title_text);
                m.title_start = Some(title.start());
                continue;
            }
            let tokens = name_tokens(s, name.start(), name.end(), out);
            if tokens.is_empty() {
                continue;
            }
            let (ns, ne) = (tokens[0].0, tokens[tokens.len() - 1].1);
            // In a title-case headline a name must be closed by a mark
            // ("Spokesperson Wang Jianhua's …"): "Liu Qingsong Attends" is no name.
            if heading
                && !(s[ne..].starts_with("'s")
                    || s[ne..].starts_with(',')
                    || s[ne..].starts_with(':')
                    || s[ne..].trim().is_empty())
            {
                continue;
            }
            if covered(out, ns, ne) {
                continue;
            }
            let plural = title_text.ends_with('s') && !title_text.ends_with("ss");
            let more = &s[c.more.clone()];
            if tokens.len() == 1 && plural && !more.is_empty() {
                let second = more
                    .trim_start_matches(',')
                    .split_whitespace()
                    .last()
                    .unwrap_or("");
                let end = c.more.end;
                let mut m = Mention::new(
                    ns,
                    end,
                    Ref::Surnames(vec![s[ns..ne].to_string(), second.to_string()]),
                );
                m.title = Some(title_text);
                out.push(m);
                continue;
            }
            let text = &s[ns..ne];
            let r = if tokens.len() == 1 {
                if text.chars().all(|c| c.is_uppercase())
                    && text.len() > 1
                    && !title.as_str().contains('.')
                {
                    continue; // an acronym after a title word ("Minister ROK")
                }
                Ref::Surname(text.to_string())
            } else {
                Ref::NewPerson(text.to_string())
            };
            let mut m = Mention::new(ns, ne, r);
            m.title = Some(title_text);
            m.title_start = Some(title.start());
            out.push(m);
        }
        long_titles(s, kw, out);
    }
    // A speaker's label in a transcript: "Wang Jianhua: Despite …".
    static SPEAKER: OnceLock<Pattern> = OnceLock::new();
    if s.contains(':') {
        let speaker = re_with(&SPEAKER, || {
            format!(r"^(?P<name>{n}(?:\s{n}){{1,2}}):\s", n = NAME_TOKEN)
        });
        if let Some(c) = speaker.captures(s) {
            let n = c.name("name").unwrap();
            let toks = name_tokens(s, n.start(), n.end(), out);
            if toks.len() >= 2
                && toks.last().map(|t| t.1) == Some(n.end())
                && !covered(out, n.start(), n.end())
            {
                out.push(Mention::new(
                    n.start(),
                    n.end(),
                    Ref::NewPerson(n.as_str().to_string()),
                ));
            }
        }
    }
    // Korean names have a shape of their own: a surname and a hyphenated
    // given name, in either order ("Kim Jung-han", "Kyung-wha Kang").
    static KOREAN: OnceLock<Pattern> = OnceLock::new();
    let korean = re_with(&KOREAN, || {
        format!(
            r"\b(?:(?:{KOREAN_SURNAMES}) [A-Z][a-z]+-[a-z]+|[A-Z][a-z]+-[a-z]+ (?:{KOREAN_SURNAMES}))\b"
        )
    });
    if has_hyphenated_given_name(s) {
        for m in korean.find_iter(s) {
            if !covered(out, m.start(), m.end()) && is_word_boundary(s, m.start(), m.end()) {
                out.push(Mention::new(
                    m.start(),
                    m.end(),
                    Ref::NewPerson(m.as_str().to_string()),
                ));
            }
        }
    }
    // A name before an apposition: "Takizaki Shigeki, Director of ...",
    // "Takizaki, who also serves as ...".
    static APPOS: OnceLock<Pattern> = OnceLock::new();
    let appos = re_with(&APPOS, || {
        format!(
            r"(?P<name>{n}(?:\s{n}){{0,2}}),\s(?:the\s)?(?:(?i:{t})\b|who\b)",
            n = NAME_TOKEN,
            t = titles_alt()
        )
    });
    for c in appos.captures_iter(s) {
        let name = c.name("name").unwrap();
        let mut tokens = name_tokens_rev(s, name.start(), name.end(), out);
        if tokens.is_empty() {
            continue;
        }
        tokens.truncate(2);
        tokens.reverse();
        let (ns, ne) = (tokens[0].0, tokens[tokens.len() - 1].1);
        if covered(out, ns, ne) || (heading && tokens.len() < 2) {
            continue;
        }
        let text = &s[ns..ne];
        if tokens.len() == 1 && text.chars().all(|c| c.is_uppercase()) {
            continue;
        }
        let r = if tokens.len() == 1 {
            Ref::Surname(text.to_string())
        } else {
            Ref::NewPerson(text.to_string())
        };
        out.push(Mention::new(ns, ne, r));
    }
}

/// A name after a long title: "Director-General for Asian and Oceanian
/// Affairs Kenta Morioka", "Assistant Secretary of State for East Asian and
/// Pacific Affairs Gregory Tillman": the last two capitalised words of the
/// title's run, when the run ends there.
fn long_titles(s: &str, kw: Keywords, out: &mut Vec<Mention>) {
    let found: Vec<(usize, usize)> = if kw.has(Kw::OfFor) {
        TitledPerson::get().long_titles(s)
    } else {
        Vec::new()
    };
    for (ts, te) in found {
        // The run of capitalised words and connectors after the title.
        let mut toks: Vec<(usize, usize, bool)> = Vec::new(); // (start, end, closes)
        let mut pos = te;
        for tok in s[te..].split(' ').take(30) {
            let clean = tok.trim_end_matches([',', '.', ';', ':', ')']);
            let (a, b) = (pos, pos + clean.len());
            pos += tok.len() + 1;
            let capital = clean.chars().next().is_some_and(|c| c.is_uppercase());
            if capital || matches!(clean, "of" | "for" | "and" | "the" | "on") {
                toks.push((a, b, clean.len() != tok.len()));
                if clean.len() != tok.len() {
                    break;
                }
            } else {
                if let Some(last) = toks.last_mut() {
                    last.2 = true;
                }
                break;
            }
        }
        // A name is two name-like words that close the run or stand before
        // "and" ("… for North Korea Daniel Whitcombe and Director-General …").
        let name_like = |a: usize, b: usize| {
            let w = &s[a..b];
            w.chars().next().is_some_and(|c| c.is_uppercase())
                && w.chars().skip(1).any(|c| c.is_lowercase())
                && !is_not_name(w)
                && !covered(out, a, b)
        };
        let mut title_start = ts;
        let mut k = 2;
        let mut found_names = Vec::new();
        while k <= toks.len() {
            let (a1, b1, _) = toks[k - 2];
            let (a2, b2, closes) = toks[k - 1];
            let before_and = toks.get(k).is_some_and(|&(a, b, _)| &s[a..b] == "and");
            let ends = closes || before_and;
            let prev_ok = k < 3
                || !matches!(
                    &s[toks[k - 3].0..toks[k - 3].1],
                    "of" | "for" | "and" | "the" | "on"
                );
            if ends && prev_ok && k >= 3 && name_like(a1, b1) && name_like(a2, b2) {
                found_names.push((title_start, a1, b2));
                title_start = toks.get(k + 1).map(|t| t.0).unwrap_or(b2);
                k += 2;
            } else {
                k += 1;
            }
        }
        for (t0, ns, ne) in found_names {
            let mut m = Mention::new(ns, ne, Ref::NewPerson(s[ns..ne].to_string()));
            m.title = Some(s[t0..ns].trim().to_string());
            m.title_start = Some(t0);
            out.push(m);
        }
    }
    // "his Japanese counterpart, Masaaki Ishikura,": the counterpart's name.
    static COUNTERPART: OnceLock<Pattern> = OnceLock::new();
    let cp = re_with(&COUNTERPART, || {
        format!(
            r"\bcounterparts?,?\s(?P<name>{n}\s{n}(?:\s{n})?)\b",
            n = NAME_TOKEN
        )
    });
    if s.contains("counterpart") {
        for c in cp.captures_iter(s) {
            let n = c.name("name").unwrap();
            let toks = name_tokens(s, n.start(), n.end(), out);
            if toks.len() >= 2 {
                let (a, b) = (toks[0].0, toks[toks.len() - 1].1);
                out.push(Mention::new(a, b, Ref::NewPerson(s[a..b].to_string())));
            }
        }
    }
}

/// The name tokens of `s[start..end]` from the left, stopping at a word that
/// is never a name or that another mention covers.
fn name_tokens(s: &str, start: usize, end: usize, out: &[Mention]) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    let mut pos = start;
    for tok in s[start..end].split(' ') {
        let (a, b) = (pos, pos + tok.len());
        pos = b + 1;
        if tok.is_empty() || is_not_name(tok) || covered(out, a, b) {
            break;
        }
        v.push((a, b));
    }
    v
}

/// The name tokens of `s[start..end]` from the right.
fn name_tokens_rev(s: &str, start: usize, end: usize, out: &[Mention]) -> Vec<(usize, usize)> {
    let mut toks = Vec::new();
    let mut pos = start;
    for tok in s[start..end].split(' ') {
        toks.push((pos, pos + tok.len()));
        pos += tok.len() + 1;
    }
    let mut v = Vec::new();
    for &(a, b) in toks.iter().rev() {
        let tok = &s[a..b];
        if tok.is_empty() || is_not_name(tok) || covered(out, a, b) || tok.ends_with('.') {
            break;
        }
        v.push((a, b));
    }
    v
}

fn organizations(s: &str, kw: Keywords, lex: &Lexicon, out: &mut Vec<Mention>) {
    // A bare foreign ministry: the document's own.
    static BARE: OnceLock<Pattern> = OnceLock::new();
    let bare = re(
        &BARE,
        r"\b(?:Ministry of Foreign Affairs|Foreign Ministry)\b|\bthe (?:foreign ministry|foreign affairs ministry)\b",
    );
    if kw.has(Kw::Ministry) {
        for m in bare.find_iter(s) {
            if !covered(out, m.start(), m.end()) {
                out.push(Mention::new(m.start(), m.end(), Ref::HomeMinistry));
            }
        }
    }
    for (start, end) in the_government(s) {
        let after = &s[end..];
        if after.starts_with(" of") || after.starts_with("'s position") || covered(out, start, end)
        {
            continue;
        }
        out.push(Mention::new(start, end, Ref::HomeGovernment));
    }
    static ORG: OnceLock<Pattern> = OnceLock::new();
    let org = re(
        &ORG,
        r"\b(?:(?:Embassy|Consulate General|Consulate) of (?:the )?[A-Z][\w.-]*(?: [A-Z][\w.-]*){0,3}(?: in (?:the )?[A-Z][\w.-]*(?: [A-Z][\w.-]*){0,2})?|Ministry of [A-Z][a-z]+(?:(?:,| and|, and) [A-Z][a-z]+){0,4}|(?:[A-Z][\w'-]*\s){1,3}(?:District |High |Supreme |Constitutional |Central |Family |Administrative )?Court|(?:[A-Z][\w'-]*\s){1,4}(?:Agency|Commission|Institute|Foundation|Corporation|Administration|Authority|Association|Party|Industries|Co\.|Ltd\.))",
    );
    if kw.has(Kw::Organization) {
        for m in org.find_iter(s) {
            let text = strip_leading_function_words(m.as_str());
            let start = m.end() - text.len();
            // Countries and places inside the name ("Embassy of Japan in the ROK")
            // stay mentioned but are part of the organization.
            let blocking = out.iter().any(|o| {
                !o.nested
                    && o.overlaps(start, m.end())
                    && !matches!(
                        o.entity_type(lex),
                        Some(EntityType::Country) | Some(EntityType::Place)
                    )
            });
            if text.split_whitespace().count() < 2 || blocking {
                continue;
            }
            for o in out.iter_mut().filter(|o| o.overlaps(start, m.end())) {
                o.nested = true;
            }
            out.push(Mention::new(
                start,
                m.end(),
                Ref::New(EntityType::Organization, text.to_string()),
            ));
        }
    }
}

fn strip_leading_function_words(t: &str) -> &str {
    let mut t = t;
    loop {
        let first = t.split_whitespace().next().unwrap_or("");
        if matches!(
            first,
            "The"
                | "A"
                | "An"
                | "During"
                | "After"
                | "Before"
                | "At"
                | "In"
                | "On"
                | "This"
                | "That"
                | "First"
                | "Second"
                | "Third"
                | "Last"
                | "Next"
                | "Upcoming"
                | "Recent"
                | "Both"
                | "Also"
                | "And"
                | "Of"
                | "For"
                | "From"
                | "To"
                | "With"
                | "Since"
                | "Following"
                | "While"
                | "When"
                | "Despite"
                | "Under"
                | "Its"
                | "Their"
                | "His"
                | "Her"
                | "Our"
                | "However"
                | "Meanwhile"
                | "Earlier"
                | "Later"
        ) {
            t = t[first.len()..].trim_start();
        } else {
            return t;
        }
    }
}

/// Words that make "the X issue" a theme, not a specific matter.
const GENERIC: &[&str] = &[
    "bilateral",
    "pending",
    "thorny",
    "difficult",
    "outstanding",
    "other",
    "these",
    "those",
    "such",
    "this",
    "that",
    "related",
    "regional",
    "main",
    "key",
    "important",
    "current",
    "remaining",
    "historical",
    "history",
    "history-related",
    "sensitive",
    "various",
    "global",
    "mutual",
    "common",
    "concern",
    "interest",
    "interests",
    "relevant",
    "major",
    "many",
    "some",
    "all",
    "both",
    "several",
    "specific",
    "particular",
    "same",
    "new",
    "old",
    "broader",
    "diplomatic",
    "economic",
    "security",
    "political",
    "past",
    "future",
    "domestic",
    "internal",
    "international",
    "national",
    "serious",
    "critical",
    "pressing",
    "urgent",
    "core",
    "fundamental",
    "general",
    "overall",
    "practical",
    "technical",
    "legal",
    "any",
    "each",
    "their",
    "its",
    "our",
    "his",
    "her",
    "whose",
    "the",
    "a",
    "an",
    "of",
    "and",
    "or",
];

fn is_generic(words: &str) -> bool {
    words
        .split([' ', '-'])
        .all(|w| GENERIC.contains(&w.to_lowercase().as_str()) || w.is_empty())
}

fn issues(s: &str, kw: Keywords, lex: &Lexicon, out: &mut Vec<Mention>) {
    let _ = lex;
    if kw.has(Kw::Issue) {
        issue_phrases(s, out);
    }
    instruments(s, kw, out);
}

/// "the issue of X", "the X issue".
fn issue_phrases(s: &str, out: &mut Vec<Mention>) {
    static ISSUE_OF: OnceLock<Pattern> = OnceLock::new();
    let issue_of = re(
        &ISSUE_OF,
        r"\b(?:issue|question|problem|dispute)s? of (?:the )?(?P<x>[A-Za-z][\w'-]*(?: (?:[A-Za-z][\w'-]*)){0,5})",
    );
    const STOP: &[&str] = &[
        "and",
        "or",
        "including",
        "between",
        "in",
        "at",
        "with",
        "as",
        "during",
        "to",
        "from",
        "that",
        "which",
        "who",
        "is",
        "was",
        "were",
        "are",
        "on",
        "for",
        "by",
        "while",
        "based",
        "regarding",
        "through",
        "since",
        "has",
        "have",
    ];
    for c in issue_of.captures_iter(s) {
        let x = c.name("x").unwrap();
        let mut end = x.start();
        for w in x.as_str().split(' ') {
            if STOP.contains(&w) {
                break;
            }
            end += if end == x.start() {
                w.len()
            } else {
                w.len() + 1
            };
        }
        let text = s[x.start()..end].trim_end_matches([',', '.', ';', ':']);
        let end = x.start() + text.len();
        let whole = c.get(0).unwrap().start();
        if text.is_empty() || is_generic(text) || covered(out, whole, end) {
            continue;
        }
        out.push(Mention::new(
            whole,
            end,
            Ref::New(EntityType::Issue, text.to_string()),
        ));
    }
    static THE_X_ISSUE: OnceLock<Pattern> = OnceLock::new();
    let x_issue = re(
        &THE_X_ISSUE,
        r"\bthe (?P<x>(?:[A-Za-z][\w'-]* ){1,3})(?:issue|question|problem|dispute)s?\b",
    );
    for c in x_issue.captures_iter(s) {
        let x = c.name("x").unwrap();
        let text = x.as_str().trim();
        if is_generic(text) || covered(out, x.start(), c.get(0).unwrap().end()) {
            continue;
        }
        // "the already resolved issue": participles and adverbs describe, not name.
        if text
            .split(' ')
            .any(|w| w.ends_with("ed") || w.ends_with("ly"))
        {
            continue;
        }
        // "the X issue": keep only the words after a generic one ("the bilateral fisheries issue").
        let kept: Vec<&str> = text
            .split(' ')
            .skip_while(|w| GENERIC.contains(&w.to_lowercase().as_str()))
            .collect();
        if kept.is_empty() {
            continue;
        }
        let label = format!("{} issue", kept.join(" "));
        out.push(Mention::new(
            x.start(),
            c.get(0).unwrap().end(),
            Ref::New(EntityType::Issue, label),
        ));
    }
}

/// Named instruments: "the Foreign Trade Act", "the Comprehensive ... Agreement".
fn instruments(s: &str, kw: Keywords, out: &mut Vec<Mention>) {
    if !kw.has(Kw::Instrument) {
        return;
    }
    static INSTRUMENT: OnceLock<Pattern> = OnceLock::new();
    let instr = re(
        &INSTRUMENT,
        r"\b(?:[A-Z][\w'-]*\s)(?:(?:[A-Z][\w'-]*|of|on|for|and|the)\s){0,6}(?:Act|Law|Treaty|Agreement|Accord|Declaration|Convention|Resolution|Initiative|Pact|Protocol)\b(?:\s\d+)?",
    );
    for m in instr.find_iter(s) {
        let text = strip_leading_function_words(m.as_str());
        let start = m.end() - text.len();
        if text.split_whitespace().count() < 2 || covered(out, start, m.end()) {
            continue;
        }
        out.push(Mention::new(
            start,
            m.end(),
            Ref::New(EntityType::Issue, text.to_string()),
        ));
    }
}

const EVENT_HEADS: &str = r"Summit(?: Meeting)?|Meeting|Conference|Forum|Dialogue|Games|Olympics|Talks?|Expo|Assembly|Ministerial|Congress|Symposium|Festival|Exercise|Drills?";

fn events(s: &str, kw: Keywords, lex: &Lexicon, out: &mut Vec<Mention>) {
    if !kw.has(Kw::EventHead) {
        return;
    }
    static EVENT: OnceLock<Pattern> = OnceLock::new();
    let event = re_with(&EVENT, || {
        format!(
            r"\b[A-Z0-9][\w.'-]*(?:\s(?:[A-Z0-9][\w.'-]*|of|and|for|the|on))*?\s(?:{EVENT_HEADS})\b(?:\son\s(?:the\s)?[A-Z][\w-]*(?:(?:\s(?:and|of|on|the))*\s[A-Z][\w-]*)*)?"
        )
    });
    let mut found = Vec::new();
    for m in event.find_iter(s) {
        let text = strip_leading_function_words(m.as_str());
        let start = m.end() - text.len();
        let words: Vec<&str> = text.split_whitespace().collect();
        // "the Summit Meeting": an event needs a word that is not a head.
        const HEAD_WORDS: &[&str] = &[
            "Summit",
            "Meeting",
            "Meetings",
            "Conference",
            "Forum",
            "Dialogue",
            "Games",
            "Olympics",
            "Talks",
            "Talk",
            "Expo",
            "Assembly",
            "Ministerial",
            "Congress",
            "Symposium",
            "Festival",
            "Exercise",
            "Drill",
            "Drills",
            "the",
            "of",
            "and",
            "for",
            "on",
        ];
        if words.len() < 2 || words.iter().all(|w| HEAD_WORDS.contains(w)) {
            continue;
        }
        // A meeting between exactly two countries named in its prefix is the
        // bilateral meeting a readout reports, not another event.
        let countries = prefix_countries(&s[start..m.end()], lex);
        if countries == 2 {
            continue;
        }
        if out.iter().any(|o| !o.nested && o.overlaps(start, m.end()) && !(matches!(o.r, Ref::Entry(i) if matches!(lex.entries[i].entity_type, EntityType::Country | EntityType::Place)))) {
            continue;
        }
        found.push((start, m.end(), text.to_string()));
    }
    for (a, b, text) in found {
        // Countries and places inside the name: kept when a preposition
        // introduces them, dropped when they are the name's modifiers.
        out.retain(|o| !o.overlaps(a, b) || prep_before(s, o.start));
        for o in out.iter_mut().filter(|o| o.overlaps(a, b)) {
            o.nested = true;
        }
        out.push(Mention::new(a, b, Ref::New(EntityType::Event, text)));
    }
}

fn prep_before(s: &str, at: usize) -> bool {
    let before = s[..at].trim_end();
    let before = before.strip_suffix(" the").unwrap_or(before);
    [" on", " in", " at", " of"]
        .iter()
        .any(|p| before.ends_with(p))
}

/// How many countries a hyphenated prefix names ("Japan-U.S.-ROK" → 3).
fn prefix_countries(text: &str, lex: &Lexicon) -> usize {
    let first = text.split_whitespace().next().unwrap_or("");
    if !first.contains('-') {
        return 0;
    }
    let mut n = 0;
    for part in first.split('-') {
        let part = part.trim_end_matches("'s");
        let is_country = valid_matches(part, lex).into_iter().any(|(a, b, li)| {
            a == 0
                && b == part.len()
                && match lex.labels[li].target {
                    LabelTarget::Entry(i) => lex.entries[i].entity_type == EntityType::Country,
                    LabelTarget::Demonym(_) => true,
                    LabelTarget::Theme => false,
                }
        });
        if is_country {
            n += 1;
        }
    }
    n
}

/// Regions inside the name of a bureau or post ("Director-General for Asian
/// and Pacific Affairs", "the Asia-Pacific Bureau") name a portfolio, not a
/// place.
fn drop_places_in_unit_names(s: &str, kw: Keywords, lex: &Lexicon, out: &mut Vec<Mention>) {
    if !kw.has(Kw::Unit) {
        return;
    }
    static UNIT: OnceLock<Pattern> = OnceLock::new();
    let unit = re(
        &UNIT,
        r"\b(?:[A-Z][\w'-]*\s(?:and\s|&\s)?){1,6}(?:[Aa]ffairs|[Bb]ureau|[Dd]ivision|[Dd]epartment|Headquarters|Office|Desk)\b",
    );
    let spans: Vec<(usize, usize)> = unit.find_iter(s).map(|m| (m.start(), m.end())).collect();
    out.retain(|m| {
        let place = m.entity_type(lex) == Some(EntityType::Place);
        !(place && spans.iter().any(|&(a, b)| m.start >= a && m.end <= b))
    });
}

/// "Tokyo protested", "urged Seoul to …", "Seoul's position": a capital
/// used as an actor is its country's government (ANNOTATION.md).
fn capitals_as_actors(s: &str, lex: &Lexicon, out: &mut [Mention]) {
    for m in out.iter_mut() {
        let Ref::Entry(i) = m.r else { continue };
        let Some(country) = lex.capital_of(&lex.entries[i].id) else {
            continue;
        };
        let Some(&gov) = lex.government_of(country).and_then(|g| lex.by_id.get(g)) else {
            continue;
        };
        let after = s[m.end..].trim_start_matches("'s");
        let next = after
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_end_matches([',', '.', ';']);
        let prev = s[..m.start].split_whitespace().next_back().unwrap_or("");
        let verb_after = !s[m.end..].starts_with(',')
            && (next.ends_with("ed")
                || matches!(
                    next,
                    "said"
                        | "says"
                        | "has"
                        | "had"
                        | "is"
                        | "was"
                        | "will"
                        | "would"
                        | "should"
                        | "must"
                        | "wants"
                        | "insists"
                        | "maintains"
                        | "protests"
                        | "urges"
                        | "claims"
                        | "rejects"
                ));
        let position = s[m.end..].starts_with("'s")
            && matches!(
                next,
                "position"
                    | "positions"
                    | "stance"
                    | "claim"
                    | "claims"
                    | "concerns"
                    | "decision"
                    | "request"
                    | "response"
                    | "efforts"
            );
        let addressed = matches!(
            prev,
            "urged" | "pressed" | "pressing" | "pressuring" | "on" | "asked" | "with"
        ) && !matches!(prev, "in" | "at" | "to" | "from");
        let with_protest = prev == "with" && s[..m.start].contains("protest");
        let on_call = prev == "on" && s[..m.start].trim_end().ends_with("called on");
        if verb_after
            || position
            || (addressed && prev != "with" && prev != "on")
            || with_protest
            || on_call
        {
            m.r = Ref::Entry(gov);
        }
    }
}

fn places(s: &str, kw: Keywords, out: &mut Vec<Mention>) {
    if !kw.has(Kw::PlaceSuffix) {
        return;
    }
    static PLACE: OnceLock<Pattern> = OnceLock::new();
    let place = re(
        &PLACE,
        r"\b[A-Z][a-z]+-(?:gu|si|gun|dong|eup|myeon|ku|shi|machi)\b|\b[A-Z][a-z]+ Prefecture\b|\b[A-Z][a-z]+ Province\b",
    );
    for m in place.find_iter(s) {
        if !covered(out, m.start(), m.end()) {
            out.push(Mention::new(
                m.start(),
                m.end(),
                Ref::New(EntityType::Place, m.as_str().to_string()),
            ));
        }
    }
}

fn markers(s: &str, kw: Keywords, words: &MarkerWords, out: &mut Vec<Mention>) {
    let collective = collective_pattern();
    if kw.has(Kw::Plural) && words.collective {
        for m in collective.find_iter(s) {
            if !covered(out, m.start(), m.end()) {
                // "both" before a noun other than those above is a determiner ("both countries").
                let after = s[m.end()..].trim_start();
                if m.as_str().eq_ignore_ascii_case("both")
                    && !after.starts_with(|c: char| c.is_lowercase())
                {
                    continue;
                }
                if m.as_str().eq_ignore_ascii_case("both")
                    && ["countries", "nations", "governments", "of", "and", "sides'"]
                        .iter()
                        .any(|w| after.starts_with(w))
                {
                    continue;
                }
                out.push(Mention::new(m.start(), m.end(), Ref::Collective));
            }
        }
    }
    // "The two also discussed …": a number standing for the parties.
    if kw.has(Kw::TwoThree) {
        for (start, end) in two_or_three(s) {
            let next = s[end..].split_whitespace().next().unwrap_or("");
            let verbish = next.ends_with("ed")
                || matches!(
                    next,
                    "also"
                        | "then"
                        | "have"
                        | "had"
                        | "will"
                        | "further"
                        | "both"
                        | "jointly"
                        | "shared"
                        | "met"
                        | "held"
                );
            if verbish && !covered(out, start, end) {
                out.push(Mention::new(start, end, Ref::Collective));
            }
        }
    }
    for &(a, b) in &words.pronouns {
        if !covered(out, a, b) {
            out.push(Mention::new(a, b, Ref::Pronoun));
        }
    }
    static DEF: OnceLock<Pattern> = OnceLock::new();
    let def = re(
        &DEF,
        r"\b[Tt]he (?:Foreign |Prime |Vice |Deputy )?(?:Minister|Secretary|Director-General|Director|President|Ambassador|Special Representative|Envoy|Spokesperson|Premier)\b(?: (?:of|for)\b)?",
    );
    if kw.has(Kw::DefiniteTitle) {
        for m in def.find_iter(s) {
            if m.as_str().ends_with(" of") || m.as_str().ends_with(" for") {
                continue;
            }
            if !covered(out, m.start(), m.end()) {
                out.push(Mention::new(m.start(), m.end(), Ref::DefiniteTitle));
            }
        }
    }
    let ana = anaphor_pattern();
    for c in words
        .anaphor
        .then(|| ana.captures_iter(s))
        .into_iter()
        .flatten()
    {
        let g = c.name("a").or(c.name("b")).or(c.name("c")).unwrap();
        let after = &s[g.end()..];
        if after.starts_with(" of") {
            continue;
        }
        // "this idea", "that country": a determiner, not the matter just named.
        let next = after
            .trim_start()
            .split([' ', ',', '.', ';'])
            .next()
            .unwrap_or("");
        if matches!(g.as_str(), "this" | "that" | "it")
            && next.chars().next().is_some_and(|c| c.is_lowercase())
            && !matches!(
                next,
                "and" | "or" | "in" | "as" | "with" | "at" | "was" | "is" | "issue" | "matter"
            )
        {
            continue;
        }
        if !covered(out, g.start(), g.end()) {
            out.push(Mention::new(g.start(), g.end(), Ref::Anaphor(None)));
        }
    }
    if kw.has(Kw::AnaphorHead) {
        // The head is what follows the match's last white space.
        for (start, end) in anaphor_heads(s) {
            let after = &s[end..];
            if [" of", " on", " between", " with", " to ", " that", " by"]
                .iter()
                .any(|w| after.starts_with(w))
            {
                continue;
            }
            if !covered(out, start, end) {
                let h = s[start..end]
                    .rsplit(char::is_whitespace)
                    .next()
                    .unwrap_or("")
                    .to_lowercase()
                    .trim_end_matches('s')
                    .to_string();
                out.push(Mention::new(start, end, Ref::Anaphor(Some(h))));
            }
        }
    }
}

/// "the two Ministers", "both sides", "they": the parties of the meeting.
/// Case folded in ASCII only, as [`MarkerWords`] tests it.
fn collective_pattern() -> &'static Pattern {
    static COLLECTIVE: OnceLock<Pattern> = OnceLock::new();
    re(
        &COLLECTIVE,
        r"(?i-u)\b(?:(?:the two|the three|the four|all three|both(?: the)?|the) (?:foreign |top |vice |vice-|deputy |chief |senior |nuclear |chief nuclear )?(?:ministers|leaders|sides|directors-general|directors general|directors|diplomats|negotiators|envoys|delegations|heads|secretaries|representatives|parties|presidents|prime ministers|counterparts|officials|men|women|vice-ministers|vice ministers)|they|both)\b",
    )
}

/// "on this", "the issue was", "such concerns": the matter just named.
fn anaphor_pattern() -> &'static Pattern {
    static ANA: OnceLock<Pattern> = OnceLock::new();
    re(
        &ANA,
        r"\b(?:on|about|regarding|over|to|of) (?P<a>this|that|it|these issues|the issue|the matter|the problem|the question|the dispute)\b(?: (?:issue|matter))?|\b(?P<b>[Tt]he (?:issue|matter|problem|dispute))\b(?: (?:was|is|has|had|will))|\b(?P<c>(?:that|this|these|those|the same|such) concerns?)\b",
    )
}

/// Can an alternative of [`anaphor_pattern`] stand on the anaphor word
/// `s[a..e]` (bytes `b`)? In each, one of its words follows a preposition
/// or "the" ("on this", "of these issues", "the issue was") or comes
/// before " concern" ("such concerns", "the same concern"). "it" and
/// "that" are in most sentences, where the regex found nothing.
fn anaphor_context(b: &[u8], a: usize, e: usize) -> bool {
    const BEFORE: [&[u8]; 8] = [
        b"on ",
        b"about ",
        b"regarding ",
        b"over ",
        b"to ",
        b"of ",
        b"the ",
        b"The ",
    ];
    BEFORE.iter().any(|p| b[..a].ends_with(p)) || b[e..].starts_with(b" concern")
}

/// What [`scan`] tells [`markers`] of a sentence's words: where its
/// pronouns are, and whether the collective and anaphor patterns can match
/// at all. Each pattern needs one of its words as a whole ASCII word (the
/// anaphor words also in their context, see [`anaphor_context`]; the
/// nouns of the collective pattern end a match before `\b`; "this", "the
/// issue", "such concerns" stand between word boundaries), so a sentence
/// without one is not searched: most sentences have "of" or "the", which
/// the patterns' first words would make the regex engine try everywhere.
struct MarkerWords {
    pronouns: Vec<(usize, usize)>,
    collective: bool,
    anaphor: bool,
}

/// The last word of every alternative of the collective pattern (found in
/// any ASCII case).
const COLLECTIVE_WORD_TEXTS: [&str; 20] = [
    "they",
    "both",
    "ministers",
    "leaders",
    "sides",
    "general",
    "directors",
    "diplomats",
    "negotiators",
    "envoys",
    "delegations",
    "heads",
    "secretaries",
    "representatives",
    "parties",
    "presidents",
    "counterparts",
    "officials",
    "men",
    "women",
];

/// Where `\b[Tt]he [Gg]overnment\b` matches `s` (ASCII word boundaries),
/// found from the occurrences of "overnment": a quarter of the sentences
/// have one, and the regex cost a search of each of them.
fn the_government(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = s.as_bytes();
    s.match_indices("overnment").filter_map(move |(p, _)| {
        let (start, end) = (p.checked_sub(5)?, p + "overnment".len());
        let head = &b[start..p];
        let spelled = matches!(head[0], b'T' | b't')
            && &head[1..4] == b"he "
            && matches!(head[4], b'G' | b'g');
        let bounded = (start == 0 || !ASCII_WORD[b[start - 1] as usize])
            && (end == b.len() || !ASCII_WORD[b[end] as usize]);
        (spelled && bounded).then_some((start, end))
    })
}

/// `[0-9A-Za-z_]`, by byte: what ends a whole word for [`scan`], as
/// `(?-u:\b)` sees it.
static ASCII_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'_';
        c += 1;
    }
    t
};

/// Mark appositions after persons (", Director-General ... of the Ministry
/// of Foreign Affairs,"): mentions inside are not subjects or objects.
fn appositions(s: &str, lex: &Lexicon, out: &mut [Mention]) {
    static START: OnceLock<Pattern> = OnceLock::new();
    let start_re = re_with(&START, || {
        format!(
            r"^,?\s(?:the\s|a\s|who\s(?:is|was|also\sserves\sas)\s)?(?:(?i:{t})\b|(?:[A-Z][\w'-]*\s){{0,4}}(?:{t})\b|[A-Z][\w-]*\s(?:Foreign\s)?Minister\b)",
            t = titles_alt()
        )
    });
    let n = out.len();
    for i in 0..n {
        if out[i].entity_type(lex) != Some(EntityType::Person) {
            continue;
        }
        let end = out[i].end;
        let rest = &s[end..];
        let rest = rest.strip_prefix("'s").unwrap_or(rest);
        if !rest.starts_with(',') || !start_re.is_match(rest) {
            continue;
        }
        // The apposition runs to the next comma (or the sentence's end).
        let body = &rest[1..];
        let mut stop = body.find([',', ';']).map(|k| k + 1).unwrap_or(body.len());
        // ", Director-General of the ... Bureau, Ministry of Foreign Affairs,":
        // a chunk that only names an organization continues the apposition.
        loop {
            let next = body[stop..].trim_start();
            let org_chunk = [
                "Ministry",
                "the Ministry",
                "Embassy",
                "the Embassy",
                "Government",
                "the Government",
                "Department",
                "the Department",
                "Office",
                "Bureau",
                "Cabinet",
            ]
            .iter()
            .any(|w| next.starts_with(w));
            if !org_chunk || stop >= body.len() {
                break;
            }
            let k = body[stop..]
                .find([',', ';'])
                .map(|k| stop + k + 1)
                .unwrap_or(body.len());
            stop = k;
        }
        let (a, b) = (end + 1, end + 1 + stop);
        out[i].apposition = Some((a, b));
        for m in out.iter_mut() {
            if m.start >= a && m.end <= b {
                m.in_apposition = true;
            }
        }
    }
}

/// Dates written in the sentence.
pub fn dates(s: &str) -> Vec<DateMention> {
    if !s.bytes().any(|b| b.is_ascii_digit()) && !s.contains("day") && !s.contains("Day") {
        return Vec::new();
    }
    static DATE: OnceLock<Pattern> = OnceLock::new();
    let re_date = re(
        &DATE,
        r"\b(?P<mon>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?)\s(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s(?P<year>\d{4}))?|\b(?P<day2>\d{1,2})\s(?P<mon2>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*)\.?(?:,?\s(?P<year2>\d{4}))?\b|\b(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})\b|\b(?:[Oo]n|of) the (?P<nth>\d{1,2})(?:st|nd|rd|th)\b|\b(?:(?:on|last|this|next)\s)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|\b(?P<rel>[Yy]esterday|[Tt]oday)\b",
    );
    let mut out = Vec::new();
    for c in re_date.captures_iter(s) {
        let m = c.get(0).unwrap();
        let mut d = DateMention {
            start: m.start(),
            end: m.end(),
            year: None,
            month: None,
            day: None,
            weekday: None,
            relative_days: None,
        };
        if let Some(mon) = c.name("mon").or(c.name("mon2")) {
            let Some(mn) = crate::ingest::month_number(mon.as_str()) else {
                continue;
            };
            if mon.as_str() == "May" && c.name("day").is_none() {
                continue;
            }
            d.month = Some(mn);
            d.day = c
                .name("day")
                .or(c.name("day2"))
                .and_then(|x| x.as_str().parse().ok());
            d.year = c
                .name("year")
                .or(c.name("year2"))
                .and_then(|x| x.as_str().parse().ok());
        } else if let Some(y) = c.name("iy") {
            d.year = y.as_str().parse().ok();
            d.month = c.name("im").and_then(|x| x.as_str().parse().ok());
            d.day = c.name("id").and_then(|x| x.as_str().parse().ok());
        } else if let Some(n) = c.name("nth") {
            d.day = n.as_str().parse().ok();
        } else if let Some(w) = c.name("wd") {
            d.weekday = [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ]
            .iter()
            .position(|x| *x == w.as_str())
            .map(|x| x as u32);
        } else if let Some(r) = c.name("rel") {
            d.relative_days = Some(if r.as_str().eq_ignore_ascii_case("yesterday") {
                -1
            } else {
                0
            });
        }
        if d.day.is_some_and(|x| !(1..=31).contains(&x)) {
            continue;
        }
        out.push(d);
    }
    out
}

/// Resolve a written date against the document's date (ISO `YYYY-MM-DD`):
/// a missing year is the one that puts the date closest to the document;
/// "the 29th" is in the document's month or the one before; a weekday is the
/// latest such day not after the document.
pub fn resolve_date(d: &DateMention, doc: Option<&str>) -> Option<String> {
    let docd = doc.and_then(parse_iso);
    match (d.year, d.month, d.day) {
        (Some(y), Some(m), Some(day)) => Some(format!("{y:04}-{m:02}-{day:02}")),
        (None, Some(m), Some(day)) => {
            let (dy, dm, dd) = docd?;
            let doc_days = days_from_civil(dy, dm, dd);
            let best = [dy - 1, dy, dy + 1].into_iter().min_by_key(|&y| {
                let diff = days_from_civil(y, m, day) - doc_days;
                // Prefer the past: a readout reports what happened.
                if diff > 0 {
                    diff * 4
                } else {
                    -diff
                }
            })?;
            Some(format!("{best:04}-{m:02}-{day:02}"))
        }
        (None, None, Some(day)) => {
            let (dy, dm, dd) = docd?;
            let (y, m) = if day <= dd + 1 {
                (dy, dm)
            } else if dm == 1 {
                (dy - 1, 12)
            } else {
                (dy, dm - 1)
            };
            Some(format!("{y:04}-{m:02}-{day:02}"))
        }
        _ => {
            let (dy, dm, dd) = docd?;
            let doc_days = days_from_civil(dy, dm, dd);
            let target = if let Some(w) = d.weekday {
                let dow = (doc_days + 3).rem_euclid(7) as u32; // 1970-01-01 was a Thursday (3)
                let back = (dow + 7 - w) % 7;
                doc_days - back as i64
            } else {
                doc_days + d.relative_days?
            };
            let (y, m, day) = civil_from_days(target);
            Some(format!("{y:04}-{m:02}-{day:02}"))
        }
    }
}

fn parse_iso(s: &str) -> Option<(i32, u32, u32)> {
    let mut it = s.split('-');
    Some((
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
    ))
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::{compile, test_texts};
    use regex::Regex;

    #[test]
    fn event_keywords_cover_every_event_head() {
        // `events` runs its regex only when a `Kw::EventHead` word occurs:
        // every head the regex knows must be in that list, or the
        // prefilter silently drops events.
        let list = KEYWORD_LISTS[Kw::EventHead as usize];
        for head in EVENT_HEADS.split('|') {
            // "Summit(?: Meeting)?" -> "Summit"; "Talks?" -> "Talk".
            let head = head.split('(').next().unwrap();
            let stem = match head.strip_suffix('?') {
                Some(h) => &h[..h.len() - 1],
                None => head,
            };
            assert!(list.contains(&stem), "{stem} missing from Kw::EventHead");
        }
    }

    /// Sentences for the word tests of [`MarkerWords`]: each pattern must
    /// only match where its words are (else the test would drop mentions).
    const MARKER_SENTENCES: &[&str] = &[
        "THE TWO MINISTERS agreed to meet again.",
        "The Directors-General exchanged views; the directors general agreed.",
        "Both sides welcomed it, and they raised concerns about this.",
        "Japan voiced such concerns, and Korea shared the same concern.",
        "He said that the matter was closed; she spoke of it.",
        "The vice-ministers and the chief nuclear envoys met the two men.",
        "All three leaders spoke on the question of the dispute.",
        "The issue has long divided them; regarding these issues, both agreed.",
        "Nothing here: the Minister met the Ambassador in Tokyo.",
        "The representatives of both countries, the two women, and the heads left.",
        "Kim (\u{e9}) said it; the Counterparts of both Parties met.",
        "Ministerial sidestepping, theyre, bothered: no whole words.",
        // One alternative of the anaphor pattern each.
        "The Dispute will end.",
        "The matter was closed.",
        "They argued over it.",
        "They spoke about that.",
        "Talks regarding these issues.",
        "Back to the question.",
        "Those concerns remain; such concern; the same concerns.",
        "This concern is new.",
    ];

    #[test]
    fn marker_words_are_there_wherever_the_patterns_match() {
        let pronoun = compile(r"\b(?:he|He|she|She|his|His|her|Her)\b");
        let texts = test_texts(MARKER_SENTENCES);
        let mut anaphors = 0;
        for s in &texts {
            let (_, words) = scan_text(s);
            if collective_pattern().is_match(s) {
                assert!(words.collective, "collective words missed in {s:?}");
            }
            if anaphor_pattern().is_match(s) {
                assert!(words.anaphor, "anaphor words missed in {s:?}");
                anaphors += 1;
            }
            let expected: Vec<(usize, usize)> =
                pronoun.find_iter(s).map(|m| (m.start(), m.end())).collect();
            assert_eq!(words.pronouns, expected, "pronouns of {s:?}");
        }
        assert!(anaphors > 30, "{anaphors} texts with an anaphor");
        // The test sentences do exercise both outcomes.
        let of = |i: usize| scan_text(MARKER_SENTENCES[i]).1;
        assert!(of(0).collective && of(2).anaphor && of(4).anaphor);
        assert!(!of(8).collective && !of(8).anaphor);
        assert!(!of(11).collective && !of(11).anaphor);
    }

    /// The maximal runs of ASCII word bytes (`[0-9A-Za-z_]`) in `s`, as byte
    /// ranges: a word list between ASCII word boundaries, such as
    /// `\b(?:he|she)\b`, matches exactly the runs equal to one of its words
    /// (and a test of each run is cheaper than the regex: "he" is in every
    /// "the").
    fn ascii_words(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
        let b = s.as_bytes();
        let word = |c: u8| ASCII_WORD[c as usize];
        let mut i = 0;
        std::iter::from_fn(move || {
            while i < b.len() && !word(b[i]) {
                i += 1;
            }
            if i == b.len() {
                return None;
            }
            let a = i;
            while i < b.len() && word(b[i]) {
                i += 1;
            }
            Some((a, i))
        })
    }

    /// [`scan`] of the keyword hits of the project's lexicon in `s`.
    fn scan_text(s: &str) -> (Keywords, MarkerWords) {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        let lex = LEX.get_or_init(|| {
            Lexicon::load_dir(&crate::pipeline::default_ontology_dir()).expect("lexicon")
        });
        scan(s, &lex.scan(s).keywords)
    }

    /// [`scan`] found the plain way: each keyword list by a `contains` per
    /// word; the marker words by a pass over the sentence's ASCII words.
    fn scan_by_words(s: &str) -> (u32, Vec<(usize, usize)>, bool, bool) {
        let mut lists = 0;
        for (i, list) in KEYWORD_LISTS.iter().enumerate() {
            if list.iter().any(|w| s.contains(w)) {
                lists |= 1 << i;
            }
        }
        let (mut pronouns, mut anaphor, mut collective) = (Vec::new(), false, false);
        for (a, e) in ascii_words(s) {
            let w = &s[a..e];
            if PRONOUNS.contains(&w) {
                pronouns.push((a, e));
            }
            anaphor |= ANAPHOR_WORDS.contains(&w) && anaphor_context(s.as_bytes(), a, e);
            collective |= COLLECTIVE_WORD_TEXTS
                .iter()
                .any(|c| w.eq_ignore_ascii_case(c));
        }
        (lists, pronouns, anaphor, collective)
    }

    #[test]
    fn scan_finds_what_plain_searches_find() {
        let mut crafted = vec![
            "THEY met; MiNiStErS, Both, BOTH the WOMEN and men; representativess",
            "he_ _he he9 9he H\u{e9}he h\u{e9} the other whether; He, SHE, his. Her",
            "ISSUE Issue issue; This that-it these/those SAME such; a matter-of-fact",
            " OF  of  For  for ; Inistry ministry Ministry; Co. Ltd. -gu -GU",
            "he Minister, he minister, THE MINISTER, Expo EXPO xpo, lympics LYMPICS",
            "",
            "he",
            "they",
        ];
        crafted.extend(MARKER_SENTENCES);
        let (mut lists_seen, mut pronouns, mut anaphors, mut collectives) = (0, 0, 0, 0);
        for s in &test_texts(&crafted) {
            let (kw, words) = scan_text(s);
            let (lists, p, a, c) = scan_by_words(s);
            assert_eq!(kw.0, lists, "keyword lists of {s:?}");
            assert_eq!(words.pronouns, p, "pronouns of {s:?}");
            assert_eq!(words.anaphor, a, "anaphor words of {s:?}");
            assert_eq!(words.collective, c, "collective words of {s:?}");
            lists_seen |= lists;
            pronouns += p.len();
            anaphors += a as usize;
            collectives += c as usize;
        }
        // The texts exercise every list and every kind of marker word.
        assert_eq!(lists_seen, (1 << KEYWORD_LISTS.len()) - 1);
        assert!(pronouns > 50 && anaphors > 50 && collectives > 50);
    }

    /// The (start, end) of every match of `re` in `s`.
    fn regex_spans(re: &Regex, s: &str) -> Vec<(usize, usize)> {
        re.find_iter(s).map(|m| (m.start(), m.end())).collect()
    }

    /// Hold a matcher written out by hand to the regex it replaces, on the
    /// [`test_texts`] with `crafted` lines; returns the number of matches.
    fn agrees_with_regex(
        re: &Regex,
        ours: impl Fn(&str) -> Vec<(usize, usize)>,
        crafted: &[&str],
    ) -> usize {
        let mut matches = 0;
        for s in &test_texts(crafted) {
            let expected = regex_spans(re, s);
            assert_eq!(ours(s), expected, "in {s:?}");
            matches += expected.len();
        }
        matches
    }

    #[test]
    fn the_government_is_found_as_the_regex_finds_it() {
        let re = compile(r"\b[Tt]he [Gg]overnment\b");
        let n = agrees_with_regex(
            &re,
            |s| the_government(s).collect(),
            &[
                "The government and the Government; THE GOVERNMENT; the  government",
                "the governments; bathe government; the government_; xthe Government",
                "\u{e9}the government; the government\u{e9}; he government; overnment",
                "the Government's position, the government of Japan",
            ],
        );
        assert!(n > 20, "{n} matches");
    }

    #[test]
    fn long_titles_are_found_as_the_regex_finds_them() {
        assert!(titles_sorted()
            .iter()
            .all(|t| t.as_bytes()[0].is_ascii_uppercase()));
        let re = compile(&format!(r"\b(?:{t})\s(?:of|for)\s", t = titles_alt()));
        let n = agrees_with_regex(
            &re,
            |s| TitledPerson::get().long_titles(s),
            &[
                "Minister for Foreign Affairs of Japan; Minister of Foreign Affairs for Korea",
                "Director-General for Asian Affairs, Deputy Director-General of the Bureau",
                "Minister\u{a0}of\u{a0}State, Minister\tfor\tX, Minister  of X, Minister ofX",
                "xMinister of X, _Minister for Y, 9Minister of Z, \u{e9}Minister of W, (Minister of V)",
                "Secretary of State for Asia; Ambassador of; Ambassador for ",
                "Minister of",
                "",
            ],
        );
        assert!(n > 500, "the texts exercise the pattern ({n} matches)");
    }

    #[test]
    fn anaphor_heads_are_found_as_the_regex_finds_them() {
        let re = compile(
            r"\b(?:[Tt]he|a|an|this|that|such an?)\s(?:[a-z-]+\s)?(?P<h>summit|agreement|treaty|resolution|ruling|decision|drill|exhibition|statues?|discharge|release|measures|restrictions|plan|declaration|nomination|launch|launches|test|[Ee]xpo|[Oo]lympics|[Gg]ames|[Ff]orum)\b",
        );
        let n = agrees_with_regex(
            &re,
            anaphor_heads,
            &[
                "the summit agreement; an summit; a summit; an agreement; such an agreement; such a plan",
                "the statue statues; the statues-x; the launches; the launch-es; the testing; the test_1",
                "The Expo, the expo, the EXPO, the Olympics; this year's summit; that new-found plan",
                "the  summit, the\u{a0}summit, the\tnew\u{2003}plan, the new  plan, the Games forum",
                "xthe summit, _a plan, 9an agreement, \u{e9}the test, (the test), the-summit",
                "the summit summit summit; the a summit; the the test; such an an plan; such a a test",
                "the caf\u{e9} summit; the new summits; the release's; a plan.",
                "the",
                "",
            ],
        );
        assert!(n > 200, "the texts exercise the pattern ({n} matches)");
    }

    #[test]
    fn two_or_three_is_found_as_the_regex_finds_it() {
        let re = compile(r"\b(?:[Tt]he two|[Tt]he three|[Aa]ll three)\b");
        let n = agrees_with_regex(
            &re,
            two_or_three,
            &[
                "The two met; the three; All three; all three; THE TWO; the twofold; the two_",
                "xthe two, _all three, 9The three, \u{e9}the two, (the two), the two-thirds",
                "the  two, the\u{a0}two, the two\u{e9}, the three two three",
                "",
            ],
        );
        assert!(n > 100, "the texts exercise the pattern ({n} matches)");
    }

    #[test]
    fn korean_names_are_only_searched_where_a_given_name_can_be() {
        let re = compile(&format!(
            r"\b(?:(?:{KOREAN_SURNAMES}) [A-Z][a-z]+-[a-z]+|[A-Z][a-z]+-[a-z]+ (?:{KOREAN_SURNAMES}))\b"
        ));
        let given = compile(r"[A-Z][a-z]+-[a-z]");
        let (mut searched, mut skipped) = (0, 0);
        for s in &test_texts(&[
            "Kim Jung-han met Kyung-wha Kang; Director-General Lee; Japan-ROK; follow-up",
            "Jung-han, A-b, Ab-c, ab-c, Ab-, -c, Ab-C, \u{e9}b-c, Xab-cd",
            "-",
            "",
        ]) {
            let guard = has_hyphenated_given_name(s);
            // The guard is exactly "a given name's start is there" ...
            assert_eq!(guard, given.is_match(s), "in {s:?}");
            // ... which the pattern needs.
            assert!(guard || !re.is_match(s), "in {s:?}");
            if s.contains('-') {
                if guard {
                    searched += 1;
                } else {
                    skipped += 1;
                }
            }
        }
        assert!(
            searched > 100 && skipped > 100,
            "{searched} searched, {skipped} skipped"
        );
    }

    /// The regex that [`TitledPerson`] writes out by hand.
    fn titled_regex() -> Regex {
        compile(&format!(
            r"(?P<title>(?:\b{HONORIFICS}\s+)?\b(?:{t})\s+(?:{HONORIFICS}\s+)?|\b{HONORIFICS}\s+)(?P<name>{n}(?:\s{n}){{0,2}})(?P<more>(?:,?\s(?:and|&)\s{n})?)",
            t = titles_alt(),
            n = NAME_TOKEN
        ))
    }

    #[test]
    fn titled_persons_are_found_as_the_regex_finds_them() {
        let re = titled_regex();
        let mut matches = 0;
        for s in &test_texts(&[
            "Foreign Minister Kim Jung-han met Minister KONO Taro and Ms. Kang.",
            "H.E. Mr. Minister Kim; H.E. Kim; H.E.  Dr. Lee; H.E.Kim; Mr.Kim; Mrs. Lee, Ms Lee",
            "Directors-General Kim and Takizaki; Directors General Kim, and Lee; Ministers Kim & Park",
            "Minister  Kim (two spaces), Minister\u{a0}Kim, Minister\u{2003}Lee, Minister\tKim",
            "Minister K. Lee, Minister KIM-LEE Park, Minister O'Brien, Minister Kim-Jong-un Lee",
            "xMinister Kim, _Minister Kim, éMinister Kim, 9Minister Kim, (Minister Kim)",
            "Chargé d'Affaires Lee, Charge d'Affaires Park, Rep. Kim, Sen. Lee, Gen. Park",
            "Minister of Foreign Affairs Kim, Vice Foreign Minister Cho Hyun, First Vice Foreign Minister",
            "the Minister, Prime Minister, Minister Minister Kim, Mr. Minister, Mr. and Mrs. Lee",
            "Secretary of State Blinken and Secretary Austin, Ambassador H.E. Mr. Tanaka Ken",
            "Spokesperson Wang Jianhua's remarks: Deputy Spokesperson LIM Soosuk, and Mr. A. B. Kim",
            "Minister KIM, Minister KI-M, Minister Ki-m, Minister Ki-M Lee, Minister K-Pop",
            "Minister Kim Lee Park Choi Jung, Minister Kim ,and Lee, Minister Kim,and Lee",
            "Minister Kim and\u{a0}Lee, Minister Kim, & Lee, Minister Kim andLee, Minister Kim & lee",
            "",
            "Minister",
            "Mr.",
            "H.E.",
        ]) {
            let expected: Vec<Titled> = re
                .captures_iter(s)
                .map(|c| {
                    let g = |n: &str| c.name(n).expect("group").range();
                    Titled {
                        title: g("title"),
                        name: g("name"),
                        more: g("more"),
                    }
                })
                .collect();
            let ours = TitledPerson::get().find_iter(s);
            assert_eq!(ours, expected, "in {s:?}");
            matches += ours.len();
        }
        assert!(
            matches > 2000,
            "the texts exercise the pattern ({matches} matches)"
        );
    }

    fn date(s: &str, doc: &str) -> Option<String> {
        dates(s).first().and_then(|d| resolve_date(d, Some(doc)))
    }

    #[test]
    fn dates_resolve_against_the_document() {
        assert_eq!(
            date("on the morning of May 13, and", "2020-05-14").as_deref(),
            Some("2020-05-13")
        );
        assert_eq!(
            date("on December 19", "2018-01-03").as_deref(),
            Some("2017-12-19")
        );
        assert_eq!(
            date("in Seoul on the 29th", "2020-10-30").as_deref(),
            Some("2020-10-29")
        );
        assert_eq!(
            date("in Seoul on the 29th", "2020-11-02").as_deref(),
            Some("2020-10-29")
        );
        // 2021-03-04 was a Thursday; "on Tuesday" is 2021-03-02.
        assert_eq!(
            date("met on Tuesday", "2021-03-04").as_deref(),
            Some("2021-03-02")
        );
        assert_eq!(
            date("on February 12 (local time)", "2022-02-12").as_deref(),
            Some("2022-02-12")
        );
        assert_eq!(
            date("on March 3, 2019", "2022-02-12").as_deref(),
            Some("2019-03-03")
        );
    }

    #[test]
    fn starts_with_at_answers_as_starts_with() {
        let hay = "Minister Kang, Ministry, Mr. M";
        for pat in [
            "",
            "M",
            "Minister",
            "Ministry",
            "Mr.",
            "Minister Kang, Ministry, Mr. M",
            "Ministers",
            "x",
        ] {
            for at in 0..=hay.len() + 2 {
                let want = hay
                    .as_bytes()
                    .get(at..)
                    .is_some_and(|r| r.starts_with(pat.as_bytes()));
                assert_eq!(
                    starts_with_at(hay.as_bytes(), at, pat.as_bytes()),
                    want,
                    "{pat:?} at {at}"
                );
            }
        }
    }

    #[test]
    fn not_name_words_are_the_capitalised_function_and_office_words() {
        for w in [
            "The", "Of", "Ministry", "Minister", "Sunday", "However", "In", "Also",
        ] {
            assert!(is_not_name(w), "{w}");
        }
        for w in ["Kang", "Kono", "the", "Inn", "", "Ministries"] {
            assert!(!is_not_name(w), "{w}");
        }
    }
}
