#!/usr/bin/env bash
# Whole-process measurements, each the median of repeated runs on this machine:
#   - indexing the corpus: newssearch vs the reference program (ratio), peak memory, index size;
#     and the floor (`bigram_floor`: plain tantivy indexing only the bodies' character bigrams
#     with positions) vs the reference, which no engine built on such an index can beat;
#   - re-running `index` with nothing changed, as a share of a full index;
#   - `newssearch query Q` (start to exit, warm cache, snippets included) vs `rg -F Q` over the
#     same files.
#
#   benches/cli_timings.sh [CORPUS] [RUNS]        (default ../shared/corpus/xwlb, 11 runs)
#
# Needs ripgrep (`apt-get install -y ripgrep`) and GNU time (`apt-get install -y time`).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/xwlb}
runs=${2:-11}
queries=(数字化 高质量发展 泽连斯基 C919)

command -v rg >/dev/null || { echo "ripgrep is missing: apt-get install -y ripgrep" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time is missing: apt-get install -y time" >&2; exit 2; }
cargo build --release --quiet --bin newssearch --example reference --example bigram_floor
ns=target/release/newssearch
ref=target/release/examples/reference
floor=target/release/examples/bigram_floor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Milliseconds taken by a command (output discarded).
ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
repeat() { local n=$1; shift; for _ in $(seq "$n"); do ms "$@"; done | median; }

posts=$(find "$corpus" -type f | wc -l)
bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
echo "corpus: $corpus, $posts files, $bytes bytes; $(nproc) cores; $runs runs each, medians"

index_runs=$(( runs < 5 ? runs : 5 ))
ns_index=$(repeat "$index_runs" bash -c "rm -rf '$work/ns' && $ns --index '$work/ns' index '$corpus' --quiet")
ref_index=$(repeat "$index_runs" "$ref" index "$work/ref" "$corpus")
echo "index: newssearch ${ns_index} ms, reference ${ref_index} ms, ratio (reference/newssearch) $(awk "BEGIN { printf \"%.2f\", $ref_index / $ns_index }")"
floor_index=$(repeat "$index_runs" bash -c "rm -rf '$work/floor' && $floor '$work/floor' '$corpus'")
echo "index: the floor (body bigrams with positions only) ${floor_index} ms, ratio (reference/floor) $(awk "BEGIN { printf \"%.2f\", $ref_index / $floor_index }"), size $(du -sb "$work/floor" | cut -f1) bytes"
peak=$( { /usr/bin/time -f '%M' bash -c "rm -rf '$work/ns' && $ns --index '$work/ns' index '$corpus' --quiet" ; } 2>&1 | tail -1)
size=$(du -sb "$work/ns" | cut -f1)
echo "index: peak RSS $((peak / 1024)) MB, size $size bytes = $(awk "BEGIN { printf \"%.2f\", $size / $bytes }") x the corpus"
noop=$(repeat "$runs" "$ns" --index "$work/ns" index "$corpus" --quiet)
echo "re-index with nothing changed: ${noop} ms = $(awk "BEGIN { printf \"%.1f\", 100 * $noop / $ns_index }") % of a full index"

for q in "${queries[@]}"; do
  "$ns" --index "$work/ns" query "$q" >/dev/null || true   # warm the page cache
  rg -F -c "$q" "$corpus" >/dev/null || true
  t_ns=$(repeat "$runs" "$ns" --index "$work/ns" query "$q")
  t_rg=$(repeat "$runs" rg -F "$q" "$corpus")
  echo "query $q: newssearch ${t_ns} ms, rg -F ${t_rg} ms, rg/newssearch $(awk "BEGIN { printf \"%.1f\", $t_rg / ($t_ns > 0 ? $t_ns : 1) }")x"
done
