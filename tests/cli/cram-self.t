The runner itself.  cram runs tests/cli/cram.sh on a file made here and
shows its TAP output (its plan, results, "-"/"+" diff lines and cleanup
lines; " (glob)" and " (re)" written "(g)" and "(r)", so that this file's
own runner takes them literally), so a runner that passes what it must
fail fails here.  live PIDFILE: the process is alive (a zombie whose
parent is gone may wait for an init that does not reap it)

  $ live() { ps -o stat= -p "$(cat "$1")" | grep -v '^Z'; }
  $ cram() { CRAM_TIMEOUT=${T:-600} "$TESTDIR/cram.sh" "$(command -v virt-rbd)" . "$@" 2>&1 | grep -E '^(ok|not ok|1\.\.|# cleanup|# [-+]([^-+]|$))' | sed 's/ (glob)$/ (g)/; s/ (re)$/ (r)/'; }
  $ export OUTER=$PWD

A variable, a function and a cd of one command are seen by the next; each
command reads /dev/null, not the runner's protocol

  $ x=42; f() { echo "f $1"; }; mkdir -p sub; cd sub
  $ f "$x"; basename "$PWD"; read -r line; echo "read: $?"
  f 42
  sub
  read: 1
  $ cd "$OUTER"

(glob): * matches any run of characters, ? one; \*, \? and \\ stand for
themselves; the whole line must match

  $ printf '%s\n' 'matches' '  $ echo "hello, world"; echo "a*b?c\\d"; echo "x"' '  h*o, w?rld (glob)' '  a\*b\?c\\d (glob)' '  * (glob)' > glob.t
  $ printf '%s\n' 'does not match' '  $ echo "hello, world"' '  h*o, w?xld (glob)' '  $ echo "aXb"' '  a\*b (glob)' '  $ echo "hello!"' '  hello (glob)' >> glob.t
  $ cram glob.t
  ok 1 - glob: matches
  not ok 2 - glob: does not match
  # -h*o, w?xld (g)
  # +hello, world
  not ok 3 - glob: does not match
  # -a\*b (g)
  # +aXb
  not ok 4 - glob: does not match
  # -hello (g)
  # +hello!
  1..4
  [1]

Output or an exit status other than expected fails, and the runner
exits 1

  $ printf '%s\n' '  $ echo one' '  two' '  $ false' '  $ true' '  [1]' '  $ echo three' '  three' > fail.t
  $ cram fail.t
  not ok 1 - fail: echo one
  # -two
  # +one
  not ok 2 - fail: false
  # +[1]
  not ok 3 - fail: true
  # -[1]
  ok 4 - fail: echo three
  1..4
  [1]

A command still running after CRAM_TIMEOUT is killed with what it
started, and fails; the next command runs, in a new shell

  $ printf '%s\n' '  $ v=1; sleep 300 & echo $! > "$OUTER/slow.pid"; sleep 200; echo no' '  $ echo "next, v=${v:-unset}"' '  next, v=unset' > slow.t
  $ s=$SECONDS; T=2 cram slow.t; r=$?; [ $((SECONDS - s)) -lt 60 ] && echo "ended within 60 s"; (exit $r)
  not ok 1 - slow: v=1; sleep 300 & echo $! > "$OUTER/slow.pid"; sleep 200; echo no
  # +(cram: killed after 2 s; CRAM_TIMEOUT raises the limit)
  # +(cram: the next commands run in a new shell, without the variables and functions set before)
  # +[124]
  ok 2 - slow: echo "next, v=${v:-unset}"
  1..2
  ended within 60 s
  [1]
  $ live slow.pid || echo "sleep gone"
  sleep gone

A command that ends the shell fails with its status, said so; the next
commands run in a new shell

  $ printf '%s\n' '  $ v=1; exit 3' '  $ echo "v=${v:-unset}"' '  v=unset' > exit.t
  $ cram exit.t
  not ok 1 - exit: v=1; exit 3
  # +(cram: the command ended the shell, status 3; the next commands run in a new one, without the variables and functions set before)
  # +[3]
  ok 2 - exit: echo "v=${v:-unset}"
  1..2
  [1]

When a file ends, failed midway: its #cleanup commands run in its shell
(a failing one is reported), and what it left running is killed

  $ printf '%s\n' '#cleanup echo "cleanup ran, v=$v" > "$OUTER/hook.out"' '#cleanup echo "a failing cleanup"; false' '  $ v=7; sleep 300 & echo $! > "$OUTER/sleep.pid"' '  $ false' '  $ echo last' '  last' > hook.t
  $ cram hook.t
  ok 1 - hook: v=7; sleep 300 & echo $! > "$OUTER/sleep.pid"
  not ok 2 - hook: false
  # +[1]
  ok 3 - hook: echo last
  # cleanup: #cleanup echo "a failing cleanup"; false: exit 1
  # cleanup:   a failing cleanup
  # cleanup: killed what the file left running: sleep (pid *) (glob)
  1..3
  [1]
  $ cat hook.out; live sleep.pid || echo "sleep gone"
  cleanup ran, v=7
  sleep gone

A file that passes leaves no cleanup line

  $ printf '%s\n' '  $ echo ok' '  ok' > pass.t
  $ cram pass.t
  ok 1 - pass: echo ok
  1..1

SIGPIPE is left as it was: a writer whose reader has gone dies of it
(141 with pipefail), saying nothing

  $ yes | head -n 1
  y
  [141]
