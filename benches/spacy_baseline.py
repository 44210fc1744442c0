"""The statistical NLP pipeline people script in Python, timed on the same
documents as `cargo bench --bench throughput`: spaCy's English pipeline
(tagger, dependency parser, named-entity recogniser) over every `.txt` /
`.html` file under DIR, on one core.

    python3 benches/spacy_baseline.py DIR [PASSES]

Run through `benches/spacy-baseline.sh`, which installs spaCy and its model
into a virtual environment. Like the throughput bench it reads the files
first, warms up on a few documents, then times PASSES (default 1) passes of
`nlp.pipe` and prints MB/s of input, documents/s and words/s. It stops at
entities and parses: dipkg goes on to resolve identities, relations,
meetings and evidence, so the comparison favours spaCy.
"""

import importlib
import os
import sys
import time

# One core, as the throughput bench: no BLAS threads.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import spacy  # noqa: E402  (after the thread settings)


def documents(root):
    paths = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.endswith((".txt", ".html", ".htm")):
                paths.append(os.path.join(dirpath, f))
    paths.sort()
    texts = []
    for p in paths:
        with open(p, encoding="utf-8", errors="replace") as fh:
            texts.append(fh.read())
    return texts


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: spacy_baseline.py DIR [PASSES]")
    root = sys.argv[1]
    passes = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    model = os.environ.get("SPACY_MODEL", "en_core_web_sm")
    try:
        nlp = spacy.load(model)
    except OSError:
        # A model installed as a plain package (the PyPI mirror) loads itself.
        nlp = importlib.import_module(model).load()
    texts = documents(root)
    if not texts:
        sys.exit(f"spacy_baseline: no documents under {root}")
    size = sum(len(t.encode("utf-8")) for t in texts)
    for _ in nlp.pipe(texts[:20]):
        pass
    times = []
    words = entities = 0
    for _ in range(max(1, passes)):
        words = entities = 0
        t0 = time.perf_counter()
        for doc in nlp.pipe(texts, batch_size=64):
            words += len(doc)
            entities += len(doc.ents)
        times.append(time.perf_counter() - t0)
    best = min(times)
    print(
        f"spaCy {spacy.__version__} {model} ({', '.join(nlp.pipe_names)}): "
        f"{len(texts)} documents, {size / 1e6:.1f} MB, {words} tokens, "
        f"{entities} entities: best {best:.2f} s "
        f"({size / 1e6 / best:.3f} MB/s, {len(texts) / best:.0f} documents/s, "
        f"{words / best:.0f} tokens/s)"
    )


if __name__ == "__main__":
    main()
