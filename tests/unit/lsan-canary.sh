#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# lsan-canary.sh SANITIZE PROGRAM SUPP: PROGRAM leaks a block of its own and
# an xmlDoc on purpose; under LeakSanitizer, with the suppressions SUPP
# that the test suite uses, both must be reported.  SANITIZE is meson's
# b_sanitize: without address, nothing to check (skip).  TAP.
set -uo pipefail
sanitize=$1 program=$2 supp=$3
if [[ $sanitize != *address* ]]; then
    echo "1..0 # SKIP not a sanitized build (b_sanitize=$sanitize)"
    exit 0
fi
out=$(ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions=$supp:print_suppressions=0 "$program" 2>&1)
rc=$?
n=0 failed=0
check() { # check WHAT CONDITION...
    local what=$1
    shift
    n=$((n + 1))
    if "$@"; then echo "ok $n - $what"; else echo "not ok $n - $what"; failed=1; fi
}
check "the canary ran and failed on its leaks (exit $rc)" test "$rc" != 0 -a "$rc" != 2
check "LeakSanitizer reported leaks" grep -q "detected memory leaks" <<< "$out"
check "our 4242-byte block is reported" grep -q "Direct leak of 4242 byte" <<< "$out"
check "the xmlDoc from libxml2 is reported (xmlNewDoc)" grep -q "in xmlNewDoc" <<< "$out"
[ $failed = 0 ] || sed 's/^/# /' <<< "$out" | head -60
echo "1..$n"
exit $failed
