#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# cram.sh: run cram-style golden tests of the virt-rbd CLI and speak TAP.
#
#   tests/cli/cram.sh PATH/TO/virt-rbd TESTS-DIR [FILE.t...]
#
# A .t file holds tests.  An unindented line names the test that follows.
# "  $ cmd" runs cmd with bash (continued by "  > " lines); the indented
# lines after it are its expected stdout and stderr, merged; "  [N]" is its
# exit status when not 0.  Commands run with pipefail: a pipeline's status
# is that of its last command that failed, so a failing command piped into
# sed must say its [N].  A line ending in " (re)" is an extended regular
# expression that must match the whole line.  Commands run in a fresh
# temporary directory per file ($TMPDIR_T), shared by its tests, with virt-rbd first on PATH and
# VIRT_RBD_CONFIG_DIR pointing into that directory; $UNIQ is a short
# lower-case name part unique to the file's run.  A file whose first
# line is "#require lab" needs the lab's environment (scripts/lab env):
# without it its tests are reported skipped.  Each command is killed after
# CRAM_TIMEOUT seconds (600 by default) and then fails.
set -uo pipefail

bin=$1 dir=$2
shift 2
bindir=$(cd "$(dirname "$bin")" && pwd)
testdir=$(cd "$dir" && pwd)
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$dir"/*.t)

n=0 failed=0
# no command may hang the suite: each is killed after this many seconds
limit=${CRAM_TIMEOUT:-600}

# compare EXPECTED-FILE ACTUAL-FILE: 0 when every line matches
compare() {
    local -a want got
    local i
    mapfile -t want < "$1"
    mapfile -t got < "$2"
    [ ${#want[@]} -eq ${#got[@]} ] || return 1
    for i in "${!want[@]}"; do
        if [[ ${want[i]} == *" (re)" ]]; then
            [[ ${got[i]} =~ ^${want[i]% (re)}$ ]] || return 1
        else
            [ "${want[i]}" = "${got[i]}" ] || return 1
        fi
    done
}

# run_block NAME CMD EXPECTED-FILE
run_block() {
    local name=$1 cmd=$2 want=$3 rc
    if [ -n "$skip_reason" ]; then
        n=$((n + 1))
        echo "ok $n - $name # SKIP $skip_reason"
        return
    fi
    (
        cd "$tmp" || exit 99
        export PATH="$bindir:$PATH" TMPDIR_T="$tmp" LC_ALL=C
        export VIRT_RBD_CONFIG_DIR="$tmp/config" TESTDIR="$testdir"
        # a name part unique to this file's run, for objects it creates
        UNIQ=$(printf '%s' "${tmp##*.}" | tr 'A-Z' 'a-z' | tr -cd 'a-z0-9')
        export UNIQ
        unset VIRT_RBD_LIBVIRT_URI
        # pipefail: a command piped into sed or grep fails when it fails
        timeout -k 10 "$limit" bash -o pipefail -c "$cmd" > "$tmp/.out" 2>&1
        rc=$?
        if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
            echo "(cram: killed after $limit s; CRAM_TIMEOUT raises the limit)" >> "$tmp/.out"
        fi
        [ $rc -eq 0 ] || echo "[$rc]" >> "$tmp/.out"
    )
    n=$((n + 1))
    if compare "$want" "$tmp/.out"; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name"
        diff -u "$want" "$tmp/.out" | sed 's/^/# /'
        failed=$((failed + 1))
    fi
}

for f in "${files[@]}"; do
    base=$(basename "$f" .t)
    title="" cmd="" want=$(mktemp) in_cmd=0 tmp=$(mktemp -d) skip_reason=""
    if [ "$(head -n 1 "$f")" = "#require lab" ] && [ -z "${VRBD_LAB_CLUSTERS:-}" ]; then
        skip_reason="no lab: run scripts/lab up and eval \"\$(scripts/lab env)\""
    fi
    flush() {
        if [ -n "$cmd" ]; then
            run_block "$base: ${title:-$cmd}" "$cmd" "$want"
        fi
        cmd="" in_cmd=0
        : > "$want"
    }
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in
        "  \$ "*)
            flush
            cmd=${line#  \$ } in_cmd=1 ;;
        "  > "*)
            if [ $in_cmd = 1 ]; then cmd+=$'\n'"${line#  > }"; fi ;;
        "  "*)
            printf '%s\n' "${line#  }" >> "$want"; in_cmd=0 ;;
        ""|"#require "*)
            ;;
        *)
            flush
            title=$line ;;
        esac
    done < "$f"
    flush
    rm -rf "$want" "$tmp"
done
echo "1..$n"
[ $failed -eq 0 ]
