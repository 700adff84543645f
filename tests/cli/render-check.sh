#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# render-check.sh SRCDIR: every result virt-rbd prints goes through a view
# of cli/render-*.c (cli_show, cli_list_add), so that no command can forget
# --json.  Fails, naming the lines, when a command module writes to stdout
# or builds JSON itself.  (The progress events of cmd-copy.c go to their
# own stream, p->out, and are no result.)  Speaks TAP.
set -u
src=$1

# offenders DIR: the lines of DIR/cli/cmd-*.c that print or build JSON
offenders() {
    grep -nE '(^|[^a-z_])(printf|puts|putchar|fputs)\(|json_object_' \
        "$1"/cli/cmd-*.c |
        grep -vE 'fprintf\(stderr|fputs\("[^"]*", stderr\)|fprintf\(p->out'
}

echo "1..2"
bad=$(offenders "$src")
if [ -z "$bad" ]; then
    echo "ok 1 - no cli/cmd-*.c prints a result itself"
else
    echo "not ok 1 - cli/cmd-*.c print results themselves:"
    printf '%s\n' "$bad" | sed 's/^/# /'
fi
# the check must be able to fail: a command that prints must be caught
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/cli"
cp "$src"/cli/cmd-misc.c "$tmp/cli/"
printf '    printf("done\\n");\n' >> "$tmp/cli/cmd-misc.c"
if [ -n "$(offenders "$tmp")" ]; then
    echo "ok 2 - the check catches a command that prints"
    caught=1
else
    echo "not ok 2 - the check misses a command that prints"
    caught=0
fi
[ -z "$bad" ] && [ $caught = 1 ]
