#!/usr/bin/env python3
"""Sanity checks for the test corpus (tests/corpus/docs + tests/corpus/gold).

Usage: python3 tests/corpus/check_corpus.py [CORPUS_DIR]

Checks, per gold file: it parses; its document exists; types, predicates, formats,
dates and places are well formed; every relation's s/o ids (and metWith places) are
entities of the same file; every non-optional entity has at least one listed name
that occurs in the document's visible text (HTML tags, scripts and styles removed),
compared the way the scorer compares names (case, accents, spaces and punctuation do
not count; persons also in reversed order). Across files: one id keeps one type.
Exit status 1 on any error; warnings are printed but do not fail.
"""
import html
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

TYPES = {"Person", "Organization", "Country", "Issue", "Event", "Place"}
PREDICATES = {"metWith", "raised", "discussed", "protested", "agreedOn", "urged",
              "invited", "visited", "thanked", "memberOf"}
FORMATS = {"in-person", "telephone", "video"}
# allowed subject / object types per predicate (ANNOTATION.md, "Relations")
SIGNATURE = {
    "metWith": ({"Person"}, {"Person"}),
    "raised": ({"Person", "Country", "Organization"}, {"Issue", "Event", "Country"}),
    "discussed": ({"Person"}, {"Issue", "Event", "Country"}),
    "protested": ({"Person", "Country", "Organization"}, {"Issue", "Country", "Organization", "Event"}),
    "agreedOn": ({"Person", "Country"}, {"Issue", "Event", "Country"}),
    "urged": ({"Person", "Country", "Organization"}, {"Person", "Country", "Organization"}),
    "invited": ({"Person"}, {"Person"}),
    "visited": ({"Person"}, {"Place", "Country"}),
    "thanked": ({"Person"}, {"Person", "Country", "Organization"}),
    "memberOf": ({"Person"}, {"Organization"}),
}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def norm(s):
    d = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in d if c.isalnum())


def tokens(s):
    """Alphanumeric tokens (accents dropped), for whole-word matching."""
    d = unicodedata.normalize("NFKD", s.casefold())
    d = "".join(c for c in d if not unicodedata.combining(c))
    return re.findall(r"[^\W_]+", d)


def occurs(name, text_tokens_str):
    t = tokens(name)
    return bool(t) and (" " + " ".join(t) + " ") in text_tokens_str


def visible_text(path):
    raw = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".html", ".htm"):
        raw = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", raw)
        raw = re.sub(r"(?is)<head\b.*?</head>", " ", raw)
        raw = re.sub(r"(?s)<[^>]+>", " ", raw)
        raw = html.unescape(raw)
    return raw


def variants(name, typ):
    """The name and close variants: reversed person names; organization names
    without their qualifier ("... of Japan", "(ROK)") or demonym prefix."""
    out = {name}
    parts = name.split()
    if typ == "Person" and len(parts) > 1:
        out.add(" ".join(reversed(parts)))
    if typ == "Organization":
        base = re.sub(r"\s*\(.*\)$", "", name)
        base = re.sub(r"\s+of\s+(the\s+)?(Republic of Korea|ROK|Korea|South Korea|Japan|China|"
                      r"People's Republic of China|North Korea|Democratic People's Republic of Korea)$", "", base)
        base = re.sub(r"^(Japanese|Japan's|Korean|South Korean|ROK|Seoul's|Chinese|PRC|North Korean|DPRK|U\.S\.|US)\s+", "", base)
        out.add(base)
    return out


def main():
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    docs_dir, gold_dir = root / "docs", root / "gold"
    errors, warnings = [], []
    id_types = defaultdict(set)
    id_docs = defaultdict(set)
    n_ent = n_ent_req = n_rel = n_rel_req = n_meet = 0
    golds = sorted(gold_dir.glob("*.json"))
    doc_files = {p.name for p in docs_dir.iterdir() if p.is_file()}
    for gf in golds:
        where = gf.name
        try:
            g = json.loads(gf.read_text(encoding="utf-8"))
        except Exception as ex:  # noqa: BLE001
            errors.append(f"{where}: does not parse: {ex}")
            continue
        doc = g.get("document")
        if not doc or doc not in doc_files:
            errors.append(f"{where}: document {doc!r} not in docs/")
            continue
        if Path(doc).stem != gf.stem:
            errors.append(f"{where}: file name does not match document {doc}")
        if g.get("date") is not None and not DATE.match(str(g["date"])):
            errors.append(f"{where}: bad date {g.get('date')!r}")
        text = visible_text(docs_dir / doc)
        ttext = " " + " ".join(tokens(text)) + " "
        words = len(re.findall(r"\w+", text))
        if not 120 <= words <= 450 and not doc.endswith(".html"):
            warnings.append(f"{where}: {words} words (outside 120-450)")
        ents = {}
        for e in g.get("entities", []):
            eid, typ, names = e.get("id"), e.get("type"), e.get("names")
            if eid in ents:
                errors.append(f"{where}: duplicate entity id {eid}")
            if typ not in TYPES:
                errors.append(f"{where}: {eid}: bad type {typ}")
            if not names or not all(isinstance(n, str) and n.strip() for n in names):
                errors.append(f"{where}: {eid}: empty names")
                names = []
            ents[eid] = e
            id_types[eid].add(typ)
            id_docs[eid].add(gf.stem)
            n_ent += 1
            if e.get("optional"):
                continue
            n_ent_req += 1
            exact = [n for n in names if any(occurs(v, ttext) for v in variants(n, typ) if v == n or typ == "Person")]
            close = [n for n in names if any(occurs(v, ttext) for v in variants(n, typ))]
            if not close:
                errors.append(f"{where}: required {typ} {eid}: none of its names occurs in the text")
            elif not exact:
                warnings.append(f"{where}: required {typ} {eid}: only a close variant occurs ({close[0]!r})")
        for i, r in enumerate(g.get("relations", [])):
            n_rel += 1
            if not r.get("optional"):
                n_rel_req += 1
            ps = r["p"] if isinstance(r["p"], list) else [r["p"]]
            ss = r["s"] if isinstance(r["s"], list) else [r["s"]]
            os_ = r["o"] if isinstance(r["o"], list) else [r["o"]]
            tag = f"{where}: relation {i} ({ss} {ps} {os_})"
            for p in ps:
                if p not in PREDICATES:
                    errors.append(f"{tag}: unknown predicate {p}")
            for x in ss + os_:
                if x not in ents:
                    errors.append(f"{tag}: id {x} is not an entity of this file")
            sigs = [SIGNATURE[p] for p in ps if p in SIGNATURE]
            for x in ss:
                if x in ents and not any(ents[x]["type"] in st for st, _ in sigs):
                    warnings.append(f"{tag}: subject {x} is a {ents[x]['type']}")
            if sigs and not any(x in ents and ents[x]["type"] in ot for x in os_ for _, ot in sigs):
                warnings.append(f"{tag}: no object of a type allowed for {ps}")
            if "metWith" in ps and not r.get("optional"):
                n_meet += 1
            if r.get("date") is not None and not DATE.match(str(r["date"])):
                errors.append(f"{tag}: bad date {r['date']!r}")
            if r.get("place") is not None:
                pl = ents.get(r["place"])
                if not pl or pl["type"] != "Place":
                    errors.append(f"{tag}: place {r['place']} is not a Place of this file")
            if r.get("format") is not None and r["format"] not in FORMATS:
                errors.append(f"{tag}: bad format {r['format']}")
            if "metWith" in ps and not r.get("optional") and not r.get("format"):
                warnings.append(f"{tag}: metWith without a format")
    for eid, ts in id_types.items():
        if len(ts) > 1:
            errors.append(f"id {eid} has several types across files: {sorted(ts)}")
    gold_stems = {g.stem for g in golds}
    for d in sorted(doc_files):
        if Path(d).stem not in gold_stems:
            errors.append(f"docs/{d}: no gold file")
    shared = {k: v for k, v in id_docs.items() if len(v) > 1}
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("ERROR:", e)
    print(f"{len(golds)} gold files; entities {n_ent} ({n_ent_req} required); "
          f"relations {n_rel} ({n_rel_req} required, of which {n_meet} metWith); "
          f"{len(shared)} ids occur in two or more documents")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
