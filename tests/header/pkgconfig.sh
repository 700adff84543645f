#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# pkgconfig.sh BUILDDIR SRCDIR: install BUILDDIR into a throwaway root
# (meson install --destdir), build header-c.c as C99 and header-cxx.cc as
# C++11, each with -pedantic-errors -Wall -Wextra -Werror, against the
# installed header and library through the installed vrbd.pc, then run
# both: the header needs nothing but itself, and vrbd.pc gives what a
# program needs to build and link; and the library exports exactly what
# the header declares.  TAP, one test per step.
set -uo pipefail
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
meson install -C "$build" --destdir "$root" --no-rebuild --quiet > "$tmp/install.log" 2>&1 ||
    { echo "not ok 1 - meson install into a throwaway root"; sed 's/^/# /' "$tmp/install.log"; echo "1..1"; exit 1; }
pc=$(find "$root" -name vrbd.pc -print -quit)
export PKG_CONFIG_PATH=${pc%/vrbd.pc} PKG_CONFIG_SYSROOT_DIR=$root
n=0 failed=0
step() { # step WHAT CMD...: one TAP line, the command's output shown on failure
    local what=$1
    shift
    n=$((n + 1))
    if "$@" > "$tmp/out" 2>&1; then
        echo "ok $n - $what"
    else
        echo "not ok $n - $what"
        sed 's/^/# /' "$tmp/out"
        failed=$((failed + 1))
    fi
}
step "vrbd.pc is installed and pkg-config reads it" pkg-config --exists vrbd
flags=$(pkg-config --cflags --libs vrbd)
libdir=$(pkg-config --variable=libdir vrbd) # the sysroot in front
warn="-pedantic-errors -Wall -Wextra -Werror"
# sanitized builds: the library's runtime comes with the program
san=$(python3 -c 'import json,sys; o=[x for x in json.load(open(sys.argv[1])) if x["name"]=="b_sanitize"]; v=o[0]["value"] if o else "none"; print("" if v=="none" else "-fsanitize="+v)' "$build/meson-info/intro-buildoptions.json")
# shellcheck disable=SC2086
step "vrbd.h builds alone as C99" cc -std=c99 $warn $san "$src/header-c.c" -o "$tmp/c" $flags
# shellcheck disable=SC2086
step "vrbd.h builds alone as C++11" c++ -std=c++11 $warn $san -x c++ "$src/header-cxx.cc" -o "$tmp/cxx" $flags
# the library exports exactly the functions vrbd.h declares (libvrbd.syms
# and the hidden default visibility keep everything else local)
incdir=$(pkg-config --variable=includedir vrbd)
nm -D --defined-only "$libdir/libvrbd.so" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort > "$tmp/exported"
grep -oE '^VRBD_API [^(]*\(' "$incdir/vrbd.h" | grep -oE 'vrbd_[a-z0-9_]+\($' | tr -d '(' | sort > "$tmp/declared"
step "libvrbd.so exports the $(wc -l < "$tmp/declared") functions vrbd.h declares, and no others" diff "$tmp/declared" "$tmp/exported"
for t in c cxx; do
    if [ -x "$tmp/$t" ]; then
        out=$(LD_LIBRARY_PATH="$libdir" ASAN_OPTIONS=detect_leaks=0 "$tmp/$t" 2>&1)
        rc=$?
        step "the $t program's checks pass: $(grep -c '^ok' <<< "$out") of $(grep -c '^\(not \)\?ok' <<< "$out")" test $rc = 0 -a -z "$(grep '^not ok' <<< "$out")"
        [ $rc = 0 ] || sed 's/^/# /' <<< "$out"
    else
        step "the $t program's checks pass" false
    fi
done
echo "1..$n"
exit $((failed > 0))
