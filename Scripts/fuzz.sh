#!/usr/bin/env bash
# Fuzzes the wire decoders with libFuzzer (not part of the test command; run it by hand or
# on a schedule):
#
#   Scripts/fuzz.sh [SECONDS_PER_TARGET=60] [TARGET…]     targets: frames messages
#
# - frames: the frame decoder fed in reads of random sizes, with the in-place metadata scan
#   checked against protobuf-c and every decoded frame re-encoded;
# - messages: every request and response message of Schemas/ decoded from arbitrary bytes
#   (the first two bytes pick the message), re-encoded and decoded again.
# Built with -sanitize=fuzzer,address into .build-fuzz (tongxin-fuzz with
# -DTONGXIN_LIBFUZZER). Corpora grow under .tongxin/fuzz/<target>, seeded from
# Tests/Fixtures/fuzz/<target>; a finding is written to .tongxin/fuzz/findings/ and the
# script exits 1. Reproduce it with the normal build's replayer,
# `tongxin-fuzz <target> FILE`, fix it, and keep the file under
# Tests/Fixtures/fuzz/<target>/: the test command replays every kept input.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$repo"
seconds="${1:-60}"
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(frames messages)

Scripts/setup.sh >/dev/null
echo "building tongxin-fuzz with libFuzzer and AddressSanitizer…"
swift build --scratch-path .build-fuzz --product tongxin-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DTONGXIN_LIBFUZZER -Xswiftc -use-ld=lld 2>&1 | grep -E "error|warning: unre" || true
binary="$(swift build --scratch-path .build-fuzz --show-bin-path)/tongxin-fuzz"
[[ -x "$binary" ]] || { echo "the fuzz build failed" >&2; exit 1; }

findings="$repo/.tongxin/fuzz/findings"
mkdir -p "$findings"
status=0
for target in "${targets[@]}"; do
  corpus="$repo/.tongxin/fuzz/$target"
  mkdir -p "$corpus"
  echo "fuzzing $target for ${seconds}s (corpus $corpus)"
  log="$repo/.tongxin/fuzz/$target.log"
  if ! SWIFT_BACKTRACE=enable=no TONGXIN_FUZZ_TARGET="$target" "$binary" "$corpus" "Tests/Fixtures/fuzz/$target" \
      -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$findings/$target-" >"$log" 2>&1; then
    status=1
    echo "FINDING in $target: $(grep -m1 -E "Fatal error|ERROR: AddressSanitizer|deadly signal|timeout" "$log" || echo see "$log")"
    ls -1 "$findings"/"$target"-* 2>/dev/null | sed 's/^/  /'
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|cov: " "$log" | tail -3 | sed 's/^/  /'
done
exit "$status"
