#!/usr/bin/env bash
# Re-makes the real-crawler fixtures under fixtures/logs/real/<crawler>-<scenario>/, two runs at a time (the machine
# has 2 cores; each run is a crawler plus the simulated web). Build first: npx tsc -b.
#   bash bench/real-crawlers/make-fixtures.sh                       # every crawler × scenario below
#   bash bench/real-crawlers/make-fixtures.sh scrapy:slowing crawlee:step
# DURATION (default 150s) and PARALLEL (default 2) come from the environment. A run's output goes to
# fixtures/logs/real/<crawler>-<scenario>/ (replaced), its progress to run.txt there.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${DURATION:-150s}"
PARALLEL="${PARALLEL:-2}"
if [ "$#" -eq 0 ]; then
  # The committed set: verdict scenarios first (Scrapy, Crawlee), then the causes, then crawl-diag and the Python
  # crawler (whose own unindexed frontier slows it in every scenario, so three are enough).
  set -- scrapy:slowing crawlee:slowing scrapy:constant crawlee:constant scrapy:step crawlee:step \
    scrapy:transient-decline crawlee:transient-decline \
    scrapy:rising-429 crawlee:rising-429 scrapy:concentration crawlee:concentration \
    scrapy:unindexed-store crawlee:unindexed-store scrapy:steady crawlee:steady \
    crawl-diag:slowing crawl-diag:constant crawl-diag:step crawl-diag:transient-decline \
    crawl-diag:rising-429 crawl-diag:concentration crawl-diag:unindexed-store crawl-diag:steady \
    python:unindexed-store python:slowing python:step
fi
run_one() {
  local crawler="${1%%:*}" scenario="${1#*:}"
  local out="fixtures/logs/real/${crawler}-${scenario}"
  local extra=()
  # Crawlee's JSON logger for the cause scenarios, its text logger for the verdict ones: both formats are covered.
  case "$crawler:$scenario" in crawlee:rising-429|crawlee:concentration|crawlee:unindexed-store|crawlee:steady) extra=(--crawlee-log json) ;; esac
  rm -rf "$out" && mkdir -p "$out"
  node bench/bin/bench.js real --crawler "$crawler" --scenario "$scenario" --duration "$DURATION" --out "$out" "${extra[@]}" > "$out/run.txt" 2>&1 \
    && echo "done: $crawler $scenario ($(tail -1 "$out/run.txt"))" || echo "FAILED: $crawler $scenario (see $out/run.txt)"
}
export -f run_one
export DURATION
printf '%s\n' "$@" | xargs -P "$PARALLEL" -I{} bash -c 'run_one {}'
