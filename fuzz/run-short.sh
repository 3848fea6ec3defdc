#!/usr/bin/env bash
# A bounded short run of every fuzz target, for CI: builds the targets with cargo-fuzz (installed
# if missing) on the nightly toolchain into fuzz/target, then runs each one for a few seconds
# from its committed seeds (fuzz/corpus/<target>, read only; new inputs go to a scratch corpus
# under fuzz/target/short-corpus, emptied first). Exits non-zero when a target crashes (a panic,
# a hang past libFuzzer's -timeout, a sanitizer report) or cannot be built or run.
# The last line is "N passed, M failed".
#
#   fuzz/run-short.sh                  # every target, FUZZ_SECONDS (default 25) each
#   FUZZ_SECONDS=600 fuzz/run-short.sh edits session
#
# A crash leaves its input in fuzz/artifacts/<target>/; reproduce it with
#   cargo +nightly fuzz run --fuzz-dir fuzz --target-dir fuzz/target <target> <file>
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
seconds="${FUZZ_SECONDS:-25}"
all_targets=(notes symbol edits session session_ops)
if [ "$#" -gt 0 ]; then targets=("$@"); else targets=("${all_targets[@]}"); fi
target_dir="$here/target"
# the fuzz package builds alone, whatever the caller's environment says
unset CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR RUSTFLAGS CARGO_BUILD_RUSTFLAGS

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "run-short: the nightly toolchain is missing (rustup toolchain install nightly)" >&2
    echo "0 passed, ${#targets[@]} failed"
    exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "run-short: installing cargo-fuzz"
    if ! cargo install cargo-fuzz --locked; then
        echo "run-short: cannot install cargo-fuzz" >&2
        echo "0 passed, ${#targets[@]} failed"
        exit 1
    fi
fi

# -timeout: one input running longer is a hang (the session targets bound a session at 10 s
# themselves); session_ops decodes its input with `arbitrary`, so it needs room to grow.
# No leak checks for the sessions (-detect_leaks=0 for libFuzzer's checks per input, and
# ASAN_OPTIONS=detect_leaks=0 for LeakSanitizer's at exit): each session starts an indexer
# thread that ends on its own shortly after the session (after its debounce window), and one
# still running when the fuzzer exits is reported as leaked (its closure, its batch of jobs,
# ~250 KB of buffers for two threads), which is no leak of the server's.
flags_for() {
    case "$1" in
        session_ops) echo "-max_len=4096 -len_control=0 -timeout=30 -detect_leaks=0" ;;
        session) echo "-timeout=30 -detect_leaks=0" ;;
        *) echo "-timeout=20" ;;
    esac
}

mkdir -p "$target_dir/logs"
cd "$here/.." || exit 1
echo "run-short: building ${targets[*]} ($(cargo fuzz --version))"
build_started=$SECONDS
# `cargo fuzz build` builds one target or all of them
one=()
[ "${#targets[@]}" -eq 1 ] && one=("${targets[0]}")
if ! nice -n 19 cargo +nightly fuzz build --fuzz-dir "$here" --target-dir "$target_dir" "${one[@]}" \
        >"$target_dir/logs/build.log" 2>&1; then
    tail -n 40 "$target_dir/logs/build.log"
    echo "run-short: the fuzz targets do not build"
    echo "0 passed, ${#targets[@]} failed"
    exit 1
fi
echo "run-short: built in $((SECONDS - build_started)) s"

passed=0
failed=0
failures=()
for t in "${targets[@]}"; do
    work="$target_dir/short-corpus/$t"
    rm -rf "$work"
    mkdir -p "$work" "$here/corpus/$t"
    log="$target_dir/logs/$t.log"
    asan="${ASAN_OPTIONS:-}"
    case "$t" in session*) asan="${asan:+$asan:}detect_leaks=0" ;; esac
    # shellcheck disable=SC2046
    ASAN_OPTIONS="$asan" nice -n 19 cargo +nightly fuzz run --fuzz-dir "$here" --target-dir "$target_dir" "$t" \
        "$work" "$here/corpus/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 $(flags_for "$t") \
        >"$log" 2>&1
    rc=$?
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n1)"
    cov="$(grep -o 'cov: [0-9]*' "$log" | tail -n1)"
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        echo "run-short: $t: ok, ${runs:-?} inputs in ${seconds} s (${cov:-cov: ?})"
    else
        failed=$((failed + 1))
        failures+=("$t")
        echo "run-short: $t: FAILED (exit $rc) after ${runs:-?} inputs (full log: $log)"
        # the panic (or sanitizer report) with the top of its backtrace, then the input's file
        first="$(grep -n -m1 -E "panicked at|==ERROR|ERROR: libFuzzer|^error" "$log" | cut -d: -f1)"
        if [ -n "$first" ]; then
            grep -v '^gonotes ' <(tail -n +"$first" "$log") | head -n 40 | sed 's/^/    /'
        else
            grep -v '^gonotes ' "$log" | tail -n 40 | sed 's/^/    /'
        fi
        grep -h 'Test unit written to' "$log" | sed 's/^/    /'
        echo "    reproduce: cargo +nightly fuzz run --fuzz-dir $here --target-dir $target_dir $t <that file>"
    fi
done
[ "$failed" -gt 0 ] && echo "run-short: failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
