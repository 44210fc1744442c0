#!/usr/bin/env bash
# Query benchmark on a persistent store: the example queries of
# `examples/queries/*.rq` timed on a graph too large for the in-memory
# store (issue 6 asks for them on the 300,000-document graph).
#
#   benches/store-queries.sh OUT/graph.nq            # store in OUT/store
#   benches/store-queries.sh OUT/graph.nq STORE_DIR
#   benches/store-queries.sh OUT/graph.nq.zst         # read through `zstd -dc`
#
# Builds dipkg with `--features rocksdb` (in $ROCKSDB_TARGET_DIR, default
# ~/.cache/dipkg/target-rocksdb, the directory `.ci/run` also uses: about
# 15 minutes the first time, needs libclang-dev), loads the graph into a
# fresh RocksDB store with oxigraph's bulk loader (`dipkg query --store DIR
# --data FILE`), then runs each example query on the store in a fresh
# process and prints wall time, peak RSS and the number of result rows.
#
# The store takes about 0.8 times the N-Quads file on disk once loaded (a
# 26 GB graph.nq of 300k documents: 20 GB), and grew to 36 GB while the
# queries ran (RocksDB compacting);
# the load refuses to start when the disk has less free space than 1.4
# times the file. Where the graph and the store do not both fit, compress the graph
# first (`zstd -1 -T0 graph.nq`: 26 GB became 1.3 GB in a minute) and pass
# graph.nq.zst: it is decompressed into a named pipe as it loads.
#
# Environment: QUERY_TIMEOUT (seconds per query, default 1800), KEEP_STORE
# (default 1; 0 deletes the store at the end), RESULTS (default
# STORE_DIR/../store-results.txt). Needs GNU time (`apt-get install time`).
set -euo pipefail

cd "$(dirname "$0")/.."
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: benches/store-queries.sh GRAPH.nq [STORE_DIR]" >&2
    exit 2
fi
GRAPH=$(realpath "$1")
[ -f "$GRAPH" ] || { echo "store-queries.sh: no such file: $1" >&2; exit 2; }
STORE=${2:-$(dirname "$GRAPH")/store}
QUERY_TIMEOUT=${QUERY_TIMEOUT:-1800}
KEEP_STORE=${KEEP_STORE:-1}
TARGET=${ROCKSDB_TARGET_DIR:-$HOME/.cache/dipkg/target-rocksdb}
RESULTS=${RESULTS:-$(dirname "$STORE")/store-results.txt}
GNU_TIME=/usr/bin/time
"$GNU_TIME" -v true >/dev/null 2>&1 || { echo "store-queries.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }

to_seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<<"$1"; }
field() { grep -F "$1" "$2" | head -1 | sed 's/.*: //'; }
mb() { awk -v r="$1" 'BEGIN { printf "%.0f", r / 1024 }'; }

echo "== building dipkg with the rocksdb feature (target $TARGET)"
CARGO_TARGET_DIR=$TARGET cargo build --release --features rocksdb --bin dipkg
BIN=$TARGET/release/dipkg

rm -rf "$STORE"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$(dirname "$STORE")"
free_mb=$(df -Pm "$(dirname "$STORE")" | awk 'NR == 2 { print $4 }')
case $GRAPH in
*.zst)
    command -v zstd >/dev/null || { echo "store-queries.sh: needs zstd for $GRAPH (apt-get install zstd)" >&2; exit 2; }
    graph_mb=$(du -m "$GRAPH" | cut -f1)
    described="$GRAPH ($graph_mb MB compressed)"
    ;;
*)
    graph_mb=$(du -m "$GRAPH" | cut -f1)
    # measured at 300k documents: the store reached 1.4 times graph.nq
    need_mb=$((graph_mb * 14 / 10))
    if [ "$free_mb" -lt "$need_mb" ]; then
        echo "store-queries.sh: $free_mb MB free next to $STORE, the store may need $need_mb MB (1.4 times the graph); compress the graph with zstd and pass graph.nq.zst" >&2
        exit 1
    fi
    described="$GRAPH ($graph_mb MB, $(wc -l <"$GRAPH") quads)"
    ;;
esac
{
    echo "dipkg store queries, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "graph:   $described, $free_mb MB free for the store"
} | tee "$RESULTS"

DATA=$GRAPH
if [[ $GRAPH == *.zst ]]; then
    DATA=$tmp/graph.nq
    mkfifo "$DATA"
    zstd -dc -q "$GRAPH" >"$DATA" &
fi
echo "== loading into $STORE"
"$GNU_TIME" -v -o "$tmp/load.txt" "$BIN" query 'ASK { ?s ?p ?o }' --store "$STORE" --data "$DATA" >/dev/null
printf "%-32s %8s %8s %14s\n" query wall_s RSS_MB rows | tee -a "$RESULTS"
printf "%-32s %8.2f %8s %14s\n" "(bulk load into the store)" \
    "$(to_seconds "$(field 'Elapsed (wall clock)' "$tmp/load.txt")")" \
    "$(mb "$(field 'Maximum resident set size' "$tmp/load.txt")")" "$(du -sm "$STORE" | cut -f1) MB" | tee -a "$RESULTS"

for q in examples/queries/*.rq; do
    res=$tmp/$(basename "$q" .rq).csv
    qs=0
    "$GNU_TIME" -v -o "$tmp/q.txt" timeout "$QUERY_TIMEOUT" "$BIN" query --file "$q" --store "$STORE" --format csv \
        >"$res" 2>"$res.err" || qs=$?
    rows=$(($(wc -l <"$res") > 0 ? $(wc -l <"$res") - 1 : 0))
    if [ "$qs" -eq 124 ]; then rows="timeout(${QUERY_TIMEOUT}s)"; elif [ "$qs" -ne 0 ]; then rows="failed($qs)"; fi
    printf "%-32s %8.2f %8s %14s\n" "$(basename "$q")" \
        "$(to_seconds "$(field 'Elapsed (wall clock)' "$tmp/q.txt")")" \
        "$(mb "$(field 'Maximum resident set size' "$tmp/q.txt")")" "$rows" | tee -a "$RESULTS"
done
[ "$KEEP_STORE" = 0 ] && rm -rf "$STORE"
echo "results: $RESULTS"
