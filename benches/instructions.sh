#!/usr/bin/env bash
# Extraction work counted in instructions: what a pass of the throughput
# bench (`benches/throughput.rs`) executes, under callgrind.
#
#   benches/instructions.sh                # 200 synthetic documents (seed 1)
#   benches/instructions.sh DIR [PASSES]   # the documents under DIR
#
# Wall times on a shared machine vary from run to run (the same build took
# 0.94 s and, an hour later, 1.16-1.36 s over the same 2,000 documents);
# instruction counts hardly do, whatever else the machine is doing (two
# runs of one build: 423,705,402 and 423,676,277 instructions a pass). So
# compare two builds (a change and its parent) by this count, and confirm
# with times. It counts the timed passes only (`timed_pass`), not loading
# the ontology nor the warm-up pass, and prints instructions per pass, per
# input byte and per document.
#
# Needs valgrind (apt-get install valgrind). Takes about half a minute for
# the default 200 documents once the bench is built (valgrind runs it some
# 50 times slower).
# Environment: SEED (default 1), DOCS (default 200, for the generated
# corpus), BENCH_DIR (default target/bench-corpus), CARGO_TARGET_DIR.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
if ! command -v valgrind >/dev/null 2>&1; then
    echo "instructions.sh: needs valgrind (apt-get install valgrind)" >&2
    exit 2
fi
PASSES=${2:-2}
[[ $PASSES =~ ^[1-9][0-9]*$ ]] || { echo "instructions.sh: not a number of passes: $PASSES" >&2; exit 2; }
BENCH_DIR=${BENCH_DIR:-$ROOT/target/bench-corpus}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

if [ $# -ge 1 ]; then
    DIR=$1
    [ -d "$DIR" ] || { echo "instructions.sh: no such directory: $DIR" >&2; exit 2; }
else
    SEED=${SEED:-1}
    DOCS=${DOCS:-200}
    DIR=$BENCH_DIR/corpus-$DOCS-seed$SEED
    if [ ! -f "$DIR/.complete" ]; then
        echo "== generating $DOCS documents into $DIR" >&2
        cargo build --release --bin dipkg >&2
        rm -rf "$DIR"
        "$TARGET_DIR/release/dipkg" synth --docs "$DOCS" --seed "$SEED" -o "$DIR" >/dev/null
        touch "$DIR/.complete"
    fi
fi

echo "== building the throughput bench" >&2
BENCH=$(cargo bench --no-run --bench throughput 2>&1 | tee /dev/stderr |
    sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -1)
[ -x "$BENCH" ] || { echo "instructions.sh: cargo did not name the bench's executable" >&2; exit 1; }

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "== counting $PASSES passes over $DIR under callgrind" >&2
valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" \
    --toggle-collect='*timed_pass*' "$BENCH" "$DIR" "$PASSES" >"$OUT/bench.txt" 2>"$OUT/valgrind.txt" || {
    echo "instructions.sh: the bench failed under valgrind:" >&2
    tail -5 "$OUT/valgrind.txt" >&2
    exit 1
}
collected=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$OUT/valgrind.txt" | tail -1)
read -r docs bytes < <(sed -n 's/^input: \([0-9]*\) documents, \([0-9]*\) bytes$/\1 \2/p' "$OUT/bench.txt")
if [ -z "$collected" ] || [ "$collected" = 0 ] || [ -z "${bytes:-}" ]; then
    echo "instructions.sh: no count (was timed_pass inlined?); valgrind said:" >&2
    tail -5 "$OUT/valgrind.txt" >&2
    exit 1
fi
awk -v c="$collected" -v p="$PASSES" -v b="$bytes" -v d="$docs" -v dir="$DIR" 'BEGIN {
    per = c / p
    printf "%s: %d documents, %d bytes\n", dir, d, b
    printf "instructions per pass: %d (%.1f per input byte, %.0f per document)\n", per, per / b, per / d
}'
