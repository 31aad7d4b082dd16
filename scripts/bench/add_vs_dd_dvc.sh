#!/usr/bin/env bash
# Issue 9, side by side: `mldeck datasets add` vs `dd … conv=fsync` vs `dvc add && sync`, page cache dropped.
#
#   scripts/bench/add_vs_dd_dvc.sh [MLDECK_BINARY]       (default: /tmp/mldeck-disk; run as root)
#
# Targets (issue 9): 1 GiB file: mldeck ≤ 1.5 × dd, dvc ≥ 3 × mldeck; folder of 10,000 small files:
# dvc ≥ 5 × mldeck. One hyperfine session per input, median of RUNS (≥ 5) runs, every run preceded by
# a --prepare that resets its destination, then `sync; echo 3 > /proc/sys/vm/drop_caches`.
#
# Inputs are those of `mldeck bench datasets` (Sources/DeckBench/DatasetsBench.swift), made byte for
# byte by make_add_inputs.py once in $SCRATCH (same filesystem as /tmp) and kept between invocations.
#
# Tools (this script installs nothing):
#   hyperfine  apt-get install -y hyperfine            (measured with hyperfine 1.15.0)
#   dvc        python3 -m venv /tmp/dvcvenv && /tmp/dvcvenv/bin/pip install dvc==3.67.1
#              (measured with dvc 3.67.1; DVC=/path/to/dvc to use another)
#   numpy      for make_add_inputs.py
#
# Environment: SCRATCH (default /tmp/add-vs-dd-dvc), RUNS (default 5), DVC (default /tmp/dvcvenv/bin/dvc
# or dvc on PATH), CASES (default "big files"; "floor" adds cold reads of the inputs and cold
# `--version` starts, as context).
set -euo pipefail

MLDECK=${1:-/tmp/mldeck-disk}
SCRATCH=${SCRATCH:-/tmp/add-vs-dd-dvc}
RUNS=${RUNS:-5}
CASES=${CASES:-big files}
HERE=$(cd "$(dirname "$0")" && pwd)
DVC=${DVC:-$( [ -x /tmp/dvcvenv/bin/dvc ] && echo /tmp/dvcvenv/bin/dvc || command -v dvc || true)}

fail() { echo "add_vs_dd_dvc: $*" >&2; exit 1; }
command -v hyperfine >/dev/null || fail "hyperfine not found: apt-get install -y hyperfine"
[ -n "$DVC" ] && [ -x "$DVC" ] || fail "dvc not found: python3 -m venv /tmp/dvcvenv && /tmp/dvcvenv/bin/pip install dvc==3.67.1 (or set DVC=)"
[ -x "$MLDECK" ] || fail "$MLDECK is not an executable: cp .build/release/mldeck /tmp/mldeck-disk, or pass the binary"
python3 -c 'import numpy' 2>/dev/null || fail "python3 has no numpy (make_add_inputs.py needs it): pip install numpy"
command -v git >/dev/null || fail "git not found (dvc init needs a git repository)"
[ "$RUNS" -ge 5 ] || fail "RUNS=$RUNS: the issue asks for the median of at least 5 runs"

if [ "$(id -u)" = 0 ] && [ -w /proc/sys/vm/drop_caches ]; then
    DROP='sync; echo 3 > /proc/sys/vm/drop_caches'
    CACHE_NOTE="page cache dropped before every run (sync; echo 3 > /proc/sys/vm/drop_caches)"
else
    DROP='sync'
    CACHE_NOTE="page cache NOT dropped (not root, or /proc/sys/vm/drop_caches not writable): inputs may be cached"
fi
export DVC_NO_ANALYTICS=1

mkdir -p "$SCRATCH"
RESULTS="$SCRATCH/results"
mkdir -p "$RESULTS"
BIG="$SCRATCH/big.bin"
FILES="$SCRATCH/small-files"
WS="$SCRATCH/mldeck-ws"            # fresh `mldeck init` workspace per run
REPO="$SCRATCH/dvc-repo"           # fresh `git init && dvc init` repository per run
SITE="$SCRATCH/dvc-site-cache"     # dvc's site cache (state/index db), emptied per run
DDOUT="$SCRATCH/dd-out.bin"

echo "== machine"
echo "kernel: $(uname -r)"
df -T "$SCRATCH" | tail -1 | awk '{print "filesystem: " $1 " " $2 " mounted on " $7}'
echo "mldeck: $MLDECK ($("$MLDECK" --version 2>&1 | head -1)), sha256 $(sha256sum "$MLDECK" | cut -c1-16)"
echo "dvc: $DVC ($("$DVC" --version 2>&1 | tail -1)); hyperfine: $(hyperfine --version)"
echo "cache: $CACHE_NOTE"

echo "== inputs in $SCRATCH"
if [ "$(stat -c %s "$BIG" 2>/dev/null || echo 0)" != 1073741824 ]; then
    echo "writing $BIG (1 GiB, SplitMix64 seed 7)…"; python3 "$HERE/make_add_inputs.py" big "$BIG"
fi
if [ "$(find "$FILES" -type f 2>/dev/null | wc -l)" != 10000 ]; then
    echo "writing $FILES (10,000 files, seed 17)…"; python3 "$HERE/make_add_inputs.py" files "$FILES"
fi
sync
echo "big.bin: $(stat -c %s "$BIG") bytes; small-files: $(find "$FILES" -type f | wc -l) files, $(du -sb "$FILES" | cut -f1) bytes"

# Untimed resets, each followed by the cache drop. The dvc repository gets its own copy of the input
# (dvc adds only data inside its repository; `cp`, not a hard link, so dvc cannot touch the original).
prep_mldeck="rm -rf '$WS' && mkdir -p '$WS' && cd '$WS' && '$MLDECK' init >/dev/null && $DROP"
prep_dd="rm -f '$DDOUT' && $DROP"
prep_dvc() {  # $1: the input to copy into the repository
    echo "rm -rf '$REPO' '$SITE' && mkdir -p '$REPO' && cd '$REPO' && git init -q && '$DVC' init -q" \
         "&& '$DVC' config core.analytics false && '$DVC' config core.check_update false" \
         "&& '$DVC' config core.site_cache_dir '$SITE' && cp -r '$1' '$REPO/' && $DROP"
}

session() {  # $1: case name; then --prepare/command pairs for hyperfine
    local name=$1; shift
    echo "== hyperfine: $name"
    hyperfine --runs "$RUNS" --shell bash --style basic --export-json "$RESULTS/$name.json" "$@"
}

for case in $CASES; do
    case $case in
    big)
        session big \
            -n dd     --prepare "$prep_dd"             "dd if='$BIG' of='$DDOUT' bs=4M conv=fsync status=none" \
            -n mldeck --prepare "$prep_mldeck"         "'$MLDECK' datasets add big '$BIG' --workspace '$WS' --quiet" \
            -n dvc    --prepare "$(prep_dvc "$BIG")"   "cd '$REPO' && '$DVC' add -q big.bin && sync"
        ;;
    files)
        session files \
            -n mldeck --prepare "$prep_mldeck"         "'$MLDECK' datasets add files '$FILES' --workspace '$WS' --quiet" \
            -n dvc    --prepare "$(prep_dvc "$FILES")" "cd '$REPO' && '$DVC' add -q small-files && sync"
        ;;
    floor)  # optional context, not in the issue: cold reads of the inputs and cold process start
        session floor \
            -n "cold read big.bin"    --prepare "$DROP" "cat '$BIG' > /dev/null" \
            -n "cold read files"      --prepare "$DROP" "find '$FILES' -type f -print0 | xargs -0 cat > /dev/null" \
            -n "mldeck --version"     --prepare "$DROP" "'$MLDECK' --version" \
            -n "dvc --version"        --prepare "$DROP" "'$DVC' --version"
        ;;
    *) fail "unknown case '$case' (CASES: big files floor)" ;;
    esac
done

# Not timed: what mldeck leaves dirty in the page cache (the durability claim: objects are synced
# before `datasets add` returns). Dirty: is system-wide, so other writers on the machine add to it.
echo "== durability check (not timed): Dirty in /proc/meminfo right after a fresh add of big.bin"
bash -c "$prep_mldeck"
before=$(awk '/^Dirty:/{print $2}' /proc/meminfo)
"$MLDECK" datasets add big "$BIG" --workspace "$WS" --quiet
after=$(awk '/^Dirty:/{print $2}' /proc/meminfo)
echo "Dirty before: ${before} kB, right after mldeck returned: ${after} kB (1 GiB unsynced would be ~1048576 kB)"
rm -rf "$WS" "$REPO" "$SITE" "$DDOUT"

echo "== summary ($CACHE_NOTE; $RUNS runs each)"
python3 - "$RESULTS" $CASES <<'EOF'
import json, sys
results, cases = sys.argv[1], sys.argv[2:]
def load(case):
    out = {}
    for r in json.load(open(f"{results}/{case}.json"))["results"]:
        out[r["command"]] = r  # the -n names: dd, mldeck, dvc
    return out
def verdict(ok): return "meets the target" if ok else "MISSES the target"
print(f"{'case':<8} {'command':<18} {'median s':>9} {'min s':>8} {'max s':>8} {'mean s':>8} {'stddev':>7}")
for case in cases:
    rs = load(case)
    for tool, r in rs.items():
        print(f"{case:<8} {tool:<18} {r['median']:9.3f} {r['min']:8.3f} {r['max']:8.3f} {r['mean']:8.3f} {r['stddev']:7.3f}")
for case in cases:
    rs = load(case)
    if case == "floor":
        continue
    m = rs["mldeck"]["median"]
    if case == "big":
        q = m / rs["dd"]["median"]
        print(f"1 GiB:  mldeck/dd  = {q:.2f}  (target ≤ 1.5: {verdict(q <= 1.5)})")
        q = rs["dvc"]["median"] / m
        print(f"1 GiB:  dvc/mldeck = {q:.2f}  (target ≥ 3: {verdict(q >= 3)})")
    else:
        q = rs["dvc"]["median"] / m
        print(f"10,000 files: dvc/mldeck = {q:.2f}  (target ≥ 5: {verdict(q >= 5)})")
EOF
echo "hyperfine JSON: $RESULTS/*.json"
