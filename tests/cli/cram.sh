#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# cram.sh: run cram-style golden tests of the virt-rbd CLI and speak TAP.
#
#   tests/cli/cram.sh PATH/TO/virt-rbd TESTS-DIR [FILE.t...]
#
# A .t file holds tests.  An unindented line names the test that follows.
# "  $ cmd" runs cmd (continued by "  > " lines); the indented lines after
# it are its expected stdout and stderr, merged; "  [N]" is its exit
# status when not 0.  A line ending in " (re)" is an extended regular
# expression that must match the whole line; one ending in " (glob)" is a
# whole-line pattern where * matches any run of characters and ? any one
# (\*, \? and \\ stand for themselves; nothing else is special).
#
# The commands of a file run one after another in one bash (one per file,
# started in its own process group), so a variable, function or cd of one
# command is seen by the next; each runs with stdin from /dev/null and
# with pipefail: a pipeline's status is that of its last command that
# failed, so a failing command piped into sed must say its [N].  The shell
# starts in a fresh temporary directory ($TMPDIR_T), with virt-rbd first
# on PATH, VIRT_RBD_CONFIG_DIR pointing into that directory, LC_ALL=C, no
# VIRT_RBD_LIBVIRT_URI, $TESTDIR the tests' directory and $UNIQ a short
# lower-case name part unique to the file's run.  A command still running
# after CRAM_TIMEOUT seconds (600 by default) is killed with the shell and
# everything it started, and fails with [124]; a command that ends the
# shell (exit) fails with its status.  Either way the output says so and
# the file's next commands run in a new shell, without the variables and
# functions set before.
#
# A file whose first line is "#require lab" needs the lab's environment
# (scripts/lab env): without it its tests are reported skipped.  When a
# file ends, passed or failed midway: each "#cleanup CMD" line of the file
# runs (in its shell, a new one if that is gone; in file order); then
# whatever its shell left running is killed; then, for a lab file, every
# libvirt domain, storage pool and secret (by usage name; on the lab's
# libvirtd and on each other host of $VRBD_LAB_HOSTS) and every Ceph
# pool and user (on each of $VRBD_LAB_CLUSTERS) whose name holds the
# file's $UNIQ is removed (a pool's rbd-mirror peers first: their keys
# would outlive it in the cluster's config-key store).  Nothing without $UNIQ in its name is touched:
# others share the lab.  What a #cleanup command said when it failed, and
# what had to be killed or removed, is reported in "# cleanup: ..." lines
# (TAP diagnostics: the counts stay those of the tests).
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
# the runner's own files (a command, its output, the expected lines),
# never in the directory the commands see
work=$(mktemp -d)
mark="cram-$$-$RANDOM$RANDOM-done"
sh_pid="" sh_in="" sh_out="" tmp="" lab_file=0 UNIQ="" left=""

# glob_match PATTERN LINE: cram's (glob): * and ? are wildcards, \* \?
# and \\ stand for themselves, every other character for itself
glob_match() {
    local p=$1 pat="" c i=0
    while [ $i -lt ${#p} ]; do
        c=${p:i:1}
        i=$((i + 1))
        if [ "$c" = '\' ] && [[ ${p:i:1} == [*?\\] ]]; then
            pat+="\\${p:i:1}"
            i=$((i + 1))
        elif [ "$c" = '*' ] || [ "$c" = '?' ]; then
            pat+=$c
        else
            pat+="\\$c"
        fi
    done
    # shellcheck disable=SC2053 # the pattern is meant unquoted
    [[ $2 == $pat ]]
}

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
        elif [[ ${want[i]} == *" (glob)" ]]; then
            glob_match "${want[i]% (glob)}" "${got[i]}" || return 1
        else
            [ "${want[i]}" = "${got[i]}" ] || return 1
        fi
    done
}

# shell_alive: the file's shell runs (not gone, not a zombie)
shell_alive() {
    local st
    [ -n "$sh_pid" ] && kill -0 "$sh_pid" 2> /dev/null || return 1
    read -r st < "/proc/$sh_pid/stat" 2> /dev/null || return 1
    st=${st##*) }
    [ "${st%% *}" != Z ]
}

# start_shell: the bash that runs the file's commands, a session (and
# process group) of its own so that it can be killed with all it started;
# it reads the runner's protocol on stdin and answers on stdout
start_shell() {
    rm -f "$work/in" "$work/outp"
    mkfifo "$work/in" "$work/outp"
    (
        cd "$tmp" || exit 99
        export PATH="$bindir:$PATH" TMPDIR_T="$tmp" LC_ALL=C
        export VIRT_RBD_CONFIG_DIR="$tmp/config" TESTDIR="$testdir" UNIQ
        unset VIRT_RBD_LIBVIRT_URI
        # not a group leader here, so setsid execs in place: same pid
        exec setsid bash --noprofile --norc -o pipefail < "$work/in" > "$work/outp" 2>> "$work/shell.err"
    ) &
    sh_pid=$!
    # in the order the shell opens them
    exec {sh_in}> "$work/in" {sh_out}< "$work/outp"
}

# group_procs PGID: "NAME (pid PID), ..." of the live processes of a
# process group (an orphan's zombie may wait for an init that does not
# reap it)
group_procs() {
    ps -o pid=,stat=,comm= -g "$1" 2> /dev/null |
        awk '$2 !~ /^Z/ {printf "%s%s (pid %s)", n++ ? ", " : "", $3, $1}'
}

# stop_shell [now]: end the file's shell (at once with "now", else by
# closing its input) and kill whatever is left in its process group; the
# processes left running are named in $left
# shellcheck disable=SC2120 # "now" is given by the TERM trap
stop_shell() {
    local i
    left=""
    [ -n "$sh_pid" ] || return 0
    [ -n "$sh_in" ] && exec {sh_in}>&-
    if [ "${1:-}" = now ]; then
        kill -TERM -- -"$sh_pid" 2> /dev/null
        kill -CONT -- -"$sh_pid" 2> /dev/null
    fi
    for i in $(seq 50); do
        shell_alive || break
        sleep 0.1
    done
    left=$(group_procs "$sh_pid")
    if [ -n "$left" ]; then
        # a process stopped (SIGSTOP) gets the TERM once continued
        kill -TERM -- -"$sh_pid" 2> /dev/null
        kill -CONT -- -"$sh_pid" 2> /dev/null
        for i in $(seq 100); do
            [ -n "$(group_procs "$sh_pid")" ] || break
            sleep 0.1
        done
        kill -KILL -- -"$sh_pid" 2> /dev/null
    fi
    wait "$sh_pid" 2> /dev/null
    [ -n "$sh_out" ] && exec {sh_out}<&-
    sh_pid="" sh_in="" sh_out=""
}

# watchdog: in the background while a command runs: once it has run for
# $limit s (saying so in $work/timedout), or once the shell has gone (what
# it left running may hold its output open), end the shell's process group
watchdog() {
    local end=$((SECONDS + limit)) i nap=""
    # killed once the command is done: no sleep of its left behind
    trap '[ -n "$nap" ] && kill "$nap" 2> /dev/null && wait "$nap"; exit 0' TERM
    while shell_alive; do
        if [ $SECONDS -ge $end ]; then
            : > "$work/timedout"
            break
        fi
        sleep 0.2 &
        nap=$!
        wait "$nap"
    done
    # a process stopped (SIGSTOP) gets the TERM once continued
    kill -TERM -- -"$sh_pid" 2> /dev/null
    kill -CONT -- -"$sh_pid" 2> /dev/null
    for i in $(seq 100); do
        kill -0 -- -"$sh_pid" 2> /dev/null || return 0
        sleep 0.1
    done
    kill -KILL -- -"$sh_pid" 2> /dev/null
}

# run_cmd CMD: run CMD in the file's shell (a new one if there is none);
# its output is in $work/out, its exit status in rc
run_cmd() {
    local line dog
    shell_alive || { stop_shell; start_shell; }
    printf '%s\n' "$1" > "$work/cmd"
    rm -f "$work/timedout"
    # the command's own redirections do not outlast the braces; eval at
    # the top level, so that its declare makes globals
    # in a subshell: a shell that has just exited makes it die of SIGPIPE,
    # not the runner (SIGPIPE stays as it was for the commands: ignored,
    # it would make "cat | head" say "Broken pipe")
    # shellcheck disable=SC2016 # expanded by the shell, not here
    (printf '{ eval "$(< %q)"; } > %q 2>&1 < /dev/null; echo "%s $?"\n' \
        "$work/cmd" "$work/out" "$mark" 1>&"$sh_in") 2> /dev/null
    watchdog &
    dog=$!
    # (no read -t: bash 5.2 can crash in it when a signal arrives)
    while IFS= read -r -u "$sh_out" line; do
        if [[ $line == "$mark "* ]]; then
            kill "$dog" 2> /dev/null
            wait "$dog" 2> /dev/null
            rc=${line#"$mark "}
            return
        fi
    done
    # the shell's output ended: the watchdog ended the shell or saw it end
    wait "$dog" 2> /dev/null
    if [ -e "$work/timedout" ]; then
        stop_shell
        echo "(cram: killed after $limit s; CRAM_TIMEOUT raises the limit)" >> "$work/out"
        echo "(cram: the next commands run in a new shell, without the variables and functions set before)" >> "$work/out"
        rc=124
    else
        # the command ended the shell (exit, exec, a signal)
        wait "$sh_pid" 2> /dev/null
        rc=$?
        stop_shell
        echo "(cram: the command ended the shell, status $rc; the next commands run in a new one, without the variables and functions set before)" >> "$work/out"
    fi
}

# run_block NAME CMD EXPECTED-FILE
run_block() {
    local name=$1 cmd=$2 want=$3
    n=$((n + 1))
    if [ -n "$skip_reason" ]; then
        echo "ok $n - $name # SKIP $skip_reason"
        return
    fi
    run_cmd "$cmd"
    [ "$rc" -eq 0 ] || echo "[$rc]" >> "$work/out"
    if compare "$want" "$work/out"; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name"
        diff -u "$want" "$work/out" | sed 's/^/# /'
        failed=$((failed + 1))
    fi
}

# sweep: remove what the lab holds with $UNIQ in its name, and say so
sweep() {
    local u=$UNIQ uri name uuid usage cl conf r h on hu _
    # a short name part could be part of another's names
    [ ${#u} -ge 8 ] || return 0
    v() { timeout 30 virsh -q -c "$uri" "$@" < /dev/null 2>&1; }
    gone() { echo "# cleanup: removed $1$on"; }
    fail() { echo "# cleanup: could not remove $1$on: $(printf '%s' "$2" | head -n 1)"; }
    # the lab's libvirtd, then its other hosts (h1 is that libvirtd)
    for h in "" ${VRBD_LAB_HOSTS:-}; do
        if [ -z "$h" ]; then
            uri=${VRBD_LAB_LIBVIRT_URI:-qemu:///system} on=""
        else
            hu=VRBD_LAB_${h^^}_URI uri="" on=" on host $h"
            [ "$h" = h1 ] || uri=${!hu:-}
            [ -n "$uri" ] || continue
        fi
        while read -r name; do
            [[ $name == *"$u"* ]] || continue
            v destroy "$name" > /dev/null
            if r=$(v undefine "$name"); then gone "libvirt domain '$name'"; else fail "libvirt domain '$name'" "$r"; fi
        done < <(v list --all --name)
        while read -r name; do
            [[ $name == *"$u"* ]] || continue
            v pool-destroy "$name" > /dev/null
            if r=$(v pool-undefine "$name"); then gone "libvirt storage pool '$name'"; else fail "libvirt storage pool '$name'" "$r"; fi
        done < <(v pool-list --all --name)
        # "UUID  ceph  USAGE-NAME": only the usage name counts
        while read -r uuid _ usage; do
            [[ $usage == *"$u"* ]] || continue
            if r=$(v secret-undefine "$uuid"); then gone "libvirt secret '$usage'"; else fail "libvirt secret '$usage'" "$r"; fi
        done < <(v secret-list)
    done
    on=""
    for cl in ${VRBD_LAB_CLUSTERS:-}; do
        conf=VRBD_LAB_${cl^^}_CONF
        conf=${!conf:-}
        [ -n "$conf" ] || continue
        while read -r name; do
            [[ $name == *"$u"* ]] || continue
            # a mirrored pool's peers: each keeps the other cluster's
            # key in the config-key store (rbd/mirror/peer/POOLID/UUID),
            # which outlives the pool; removing the peer removes it
            for uuid in $(timeout 30 rbd -c "$conf" mirror pool info "$name" --format json 2> /dev/null |
                python3 -c 'import json, sys; print(" ".join(p["uuid"] for p in json.load(sys.stdin)["peers"]))' 2> /dev/null); do
                if r=$(timeout 60 rbd -c "$conf" mirror pool peer remove "$name" "$uuid" 2>&1); then
                    gone "rbd mirror peer $uuid of ceph pool $cl:$name"
                else
                    fail "rbd mirror peer $uuid of ceph pool $cl:$name" "$r"
                fi
            done
            if r=$(timeout 60 ceph -c "$conf" osd pool rm "$name" "$name" --yes-i-really-really-mean-it 2>&1); then
                gone "ceph pool $cl:$name"
            else
                fail "ceph pool $cl:$name" "$r"
            fi
        done < <(timeout 30 rados -c "$conf" lspools 2> /dev/null)
        # the entity lines only: never a key
        while read -r name; do
            [[ $name == *"$u"* ]] || continue
            if r=$(timeout 60 ceph -c "$conf" auth rm "$name" 2>&1); then
                gone "ceph user $cl:$name"
            else
                fail "ceph user $cl:$name" "$r"
            fi
        done < <(timeout 30 ceph -c "$conf" auth ls 2> /dev/null | grep -E '^[a-z]+\.[^ ]+$')
    done
}

# end_file: the file's #cleanup commands, its leftover processes, its lab
# objects
end_file() {
    local hook
    if [ -n "$tmp" ] && [ -z "$skip_reason" ]; then
        for hook in "${hooks[@]}"; do
            run_cmd "$hook"
            if [ "$rc" -ne 0 ]; then
                echo "# cleanup: #cleanup $hook: exit $rc"
                sed 's/^/# cleanup:   /' "$work/out"
            fi
        done
        stop_shell
        [ -z "$left" ] || echo "# cleanup: killed what the file left running: $left"
        [ $lab_file = 1 ] && sweep
    fi
    [ -n "$tmp" ] && rm -rf "$tmp"
    tmp=""
}

# killed (a test harness's timeout): still leave nothing behind
trap 'stop_shell now; [ -n "$tmp" ] && [ $lab_file = 1 ] && [ -z "$skip_reason" ] && sweep; rm -rf "$work" "$tmp"; exit 143' TERM INT HUP
trap 'rm -rf "$work"' EXIT

for f in "${files[@]}"; do
    base=$(basename "$f" .t)
    title="" cmd="" want=$work/want in_cmd=0 tmp=$(mktemp -d) skip_reason="" hooks=()
    : > "$want"
    # a name part unique to this file's run, for objects it creates
    UNIQ=$(printf '%s' "${tmp##*.}" | tr 'A-Z' 'a-z' | tr -cd 'a-z0-9')
    lab_file=0
    if [ "$(head -n 1 "$f")" = "#require lab" ]; then
        lab_file=1
        if [ -z "${VRBD_LAB_CLUSTERS:-}" ]; then
            skip_reason="no lab: run scripts/lab up and eval \"\$(scripts/lab env)\""
        fi
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
        "#cleanup "*)
            hooks+=("${line#\#cleanup }") ;;
        ""|"#require "*)
            ;;
        *)
            flush
            title=$line ;;
        esac
    done < "$f"
    flush
    end_file
done
echo "1..$n"
[ $failed -eq 0 ]
