#!/usr/bin/env bash
# Corpus benchmark of issue 6: times `dipkg build` on generated corpora.
#
#   benches/corpus.sh                 # 10k, 100k and 300k documents (about 1 GB)
#   benches/corpus.sh 1000 10000      # other sizes
#
# For each size N it generates (once, then reuses) N documents with
# `dipkg synth --docs N --seed $SEED`, runs a clean `dipkg build DIR -o OUT`
# under GNU time and prints wall time, MB/s, documents/s, CPU use and peak
# RSS (and, with DIPKG_TIMING=1, each phase's time and memory in
# build-N.log); then a second `dipkg build` on the same output (nothing
# changed: skipped by the build manifest), and a third without the manifest
# (every document taken from the extraction cache, every output written
# again: what any change to the corpus costs at least). On the largest graph whose graph.nq is at
# most QUERY_MAX_MB it times each example SPARQL query
# (`examples/queries/*.rq`) with `dipkg query --file Q --data OUT/graph.nq`:
# `query --data` loads the file into oxigraph's in-memory store, which takes
# several times the file's size in memory (a persistent `--store` is the way
# for larger graphs).
#
# Each output directory takes about 45 times its corpus on disk (graph.nq
# alone 26 times): 300k documents need about 50 GB free. Set KEEP=0 to
# delete each size's output once measured.
#
# With STORE=1 the example queries are also timed on the last (largest) size's
# graph through the persistent RocksDB store (`benches/store-queries.sh`:
# builds dipkg with `--features rocksdb`, bulk-loads graph.nq, runs each
# query); the store takes 0.8 to 1.4 times graph.nq on disk.
#
# Environment: SEED (default 1), QUERY_TIMEOUT (seconds per query, default
# 600), QUERY_MAX_MB (default 2500), KEEP (default 1), STORE (default 0),
# BENCH_DIR (default
# target/bench-corpus; the
# corpora stay there for the next run: delete it to regenerate),
# CARGO_TARGET_DIR (as cargo). Results are also written to
# $BENCH_DIR/results.txt. Needs GNU time (`apt-get install time`).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SEED=${SEED:-1}
QUERY_TIMEOUT=${QUERY_TIMEOUT:-600}
QUERY_MAX_MB=${QUERY_MAX_MB:-2500}
KEEP=${KEEP:-1}
STORE=${STORE:-0}
BENCH_DIR=${BENCH_DIR:-$ROOT/target/bench-corpus}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(10000 100000 300000); fi
for n in "${SIZES[@]}"; do
    [[ $n =~ ^[0-9]+$ ]] || { echo "corpus.sh: not a number of documents: $n" >&2; exit 2; }
done

GNU_TIME=/usr/bin/time
if ! "$GNU_TIME" -v true >/dev/null 2>&1; then
    echo "corpus.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2
    exit 2
fi

echo "== building dipkg (release)"
cargo build --release --bin dipkg
mkdir -p "$BENCH_DIR"
# a private copy: a concurrent cargo build must not swap the binary mid-run
BIN=$BENCH_DIR/dipkg
cp "$TARGET_DIR/release/dipkg" "$BIN"
RESULTS=$BENCH_DIR/results.txt

# "h:mm:ss" or "m:ss.ss" -> seconds
to_seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<<"$1"; }
field() { grep -F "$1" "$2" | head -1 | sed 's/.*: //'; }

{
    echo "dipkg corpus benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
    echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (modified)')"
    echo
} | tee "$RESULTS"

ROWS=()
LARGEST=""
LAST=${SIZES[${#SIZES[@]}-1]}
for n in "${SIZES[@]}"; do
    corpus=$BENCH_DIR/corpus-$n-seed$SEED
    out=$BENCH_DIR/out-$n
    if [ ! -f "$corpus/.complete" ]; then
        echo "== generating $n documents into $corpus"
        rm -rf "$corpus"
        start=$(date +%s.%N)
        "$BIN" synth --docs "$n" --seed "$SEED" -o "$corpus" >/dev/null
        end=$(date +%s.%N)
        touch "$corpus/.complete"
        echo "   generated in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
    fi
    bytes=$(find "$corpus" -type f -name 'synth_*' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
    docs=$(find "$corpus" -type f -name 'synth_*' | wc -l)

    echo "== dipkg build: $docs documents, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB"
    rm -rf "$out"
    tv=$BENCH_DIR/time-$n.txt
    status=0
    DIPKG_TIMING=1 "$GNU_TIME" -v -o "$tv" "$BIN" build "$corpus" -o "$out" >"$BENCH_DIR/build-$n.log" 2>&1 || status=$?
    if [ "$status" -gt 1 ]; then
        echo "corpus.sh: dipkg build failed (exit $status), see $BENCH_DIR/build-$n.log" >&2
        tail -5 "$BENCH_DIR/build-$n.log" >&2
        exit 1
    fi
    sed 's/^/   /' "$BENCH_DIR/build-$n.log" | tail -6
    wall=$(to_seconds "$(field 'Elapsed (wall clock)' "$tv")")
    rss_kb=$(field 'Maximum resident set size' "$tv")
    cpu=$(field 'Percent of CPU' "$tv")
    user=$(field 'User time' "$tv")
    sys=$(field 'System time' "$tv")
    out_mb=$(du -sm "$out" | cut -f1)

    # the same build again: nothing changed, the incremental path
    tv2=$BENCH_DIR/time-$n-again.txt
    "$GNU_TIME" -v -o "$tv2" "$BIN" build "$corpus" -o "$out" >"$BENCH_DIR/build-$n-again.log" 2>&1 || true
    again=$(to_seconds "$(field 'Elapsed (wall clock)' "$tv2")")
    again_rss=$(field 'Maximum resident set size' "$tv2")
    # and once more without the manifest: from the cache, all written again
    tv3=$BENCH_DIR/time-$n-cached.txt
    rm -f "$out/.dipkg-manifest.json"
    "$GNU_TIME" -v -o "$tv3" "$BIN" build "$corpus" -o "$out" >"$BENCH_DIR/build-$n-cached.log" 2>&1 || true
    cached=$(to_seconds "$(field 'Elapsed (wall clock)' "$tv3")")

    row=$(awk -v n="$docs" -v b="$bytes" -v w="$wall" -v r="$rss_kb" -v c="$cpu" -v u="$user" -v s="$sys" \
        -v o="$out_mb" -v a="$again" -v ar="$again_rss" -v ca="$cached" 'BEGIN {
        if (w <= 0) w = 0.01;
        printf "%9d %9.1f %8.2f %8.1f %9.0f %8.1f %6s %8.0f %7.1f %8d %9.2f %8.0f %9.2f",
            n, b / 1e6, w, b / 1e6 / w, n / w, (u + s) * 1e6 / n, c, r / 1024, b / 1e6 / ((u + s) > 0 ? (u + s) : 0.01), o, a, ar / 1024, ca }')
    ROWS+=("$row")
    nq_mb=$(du -m "$out/graph.nq" | cut -f1)
    if [ "$nq_mb" -le "$QUERY_MAX_MB" ]; then
        LARGEST=$out
    elif [ "$KEEP" = 0 ] && ! { [ "$STORE" = 1 ] && [ "$n" = "$LAST" ]; }; then
        rm -rf "$out"
    fi
    echo
done

{
    echo "clean builds (dipkg build DIR -o OUT), then the same build again (nothing changed: skipped),"
    echo "then again without the build manifest (every document from the cache, every output written):"
    printf "%9s %9s %8s %8s %9s %8s %6s %8s %7s %8s %9s %8s %9s\n" \
        docs MB wall_s MB/s docs/s cpu_us/doc cpu RSS_MB MB/cpu_s out_MB again_s again_MB cached_s
    for r in "${ROWS[@]}"; do echo "$r"; done
    echo "(MB/s: input MB per wall second; MB/cpu_s: per CPU-second, i.e. per core;"
    echo " cpu_us/doc should stay flat from size to size if the cost is linear;"
    echo " targets of issue 6: >= 50 MB/s per core, 1 GB in < 60 s, peak RSS < 2 GB)"
    echo
} | tee -a "$RESULTS"

# ---------------------------------------------------------------- queries
graph=$LARGEST/graph.nq
if [ -f "$graph" ] && compgen -G "examples/queries/*.rq" >/dev/null; then
    {
        echo "queries on $graph ($(du -m "$graph" | cut -f1) MB), each a fresh process (load + query):"
        printf "%-32s %8s %8s %14s\n" query wall_s RSS_MB rows
    } | tee -a "$RESULTS"
    for q in examples/queries/*.rq; do
        tq=$BENCH_DIR/time-query.txt
        res=$BENCH_DIR/query-$(basename "$q" .rq).csv
        qs=0
        "$GNU_TIME" -v -o "$tq" timeout "$QUERY_TIMEOUT" "$BIN" query --file "$q" --data "$graph" --format csv \
            >"$res" 2>"$res.err" || qs=$?
        qwall=$(to_seconds "$(field 'Elapsed (wall clock)' "$tq")")
        qrss=$(field 'Maximum resident set size' "$tq")
        rows=$(($(wc -l <"$res") > 0 ? $(wc -l <"$res") - 1 : 0))
        if [ "$qs" -eq 124 ]; then rows="timeout(${QUERY_TIMEOUT}s)"; elif [ "$qs" -ne 0 ]; then rows="failed($qs)"; fi
        printf "%-32s %8.2f %8.0f %14s\n" "$(basename "$q")" "$qwall" "$(awk -v r="$qrss" 'BEGIN { print r / 1024 }')" "$rows" | tee -a "$RESULTS"
    done
    # the load alone, for reference: a query that touches nothing
    "$GNU_TIME" -v -o "$BENCH_DIR/time-load.txt" "$BIN" query 'ASK { ?s ?p ?o }' --data "$graph" >/dev/null 2>&1 || true
    printf "%-32s %8.2f %8.0f\n" "(load only: ASK)" \
        "$(to_seconds "$(field 'Elapsed (wall clock)' "$BENCH_DIR/time-load.txt")")" \
        "$(awk -v r="$(field 'Maximum resident set size' "$BENCH_DIR/time-load.txt")" 'BEGIN { print r / 1024 }')" | tee -a "$RESULTS"
fi

# ------------------------------------------------- queries on the store
if [ "$STORE" = 1 ]; then
    last_out=$BENCH_DIR/out-$LAST
    echo
    echo "== example queries on the $LAST-document graph through the RocksDB store"
    RESULTS=$BENCH_DIR/store-results.txt QUERY_TIMEOUT=$QUERY_TIMEOUT KEEP_STORE=$KEEP \
        benches/store-queries.sh "$last_out/graph.nq" "$BENCH_DIR/store-$LAST"
    cat "$BENCH_DIR/store-results.txt" >>"$RESULTS"
    [ "$KEEP" = 0 ] && [ "$last_out" != "$LARGEST" ] && rm -rf "$last_out"
fi
echo
echo "results: $RESULTS"
