#require lab
import --resume: an import killed or interrupted part way continues where
it stopped.  Set up: the ceph cluster, a pool, 384 MiB of random data.

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create vrbdt-$UNIQ --pg 8 > /dev/null
  $ head -c 384M /dev/urandom > src.raw; sha256sum < src.raw > src.sum

An import killed with SIGKILL (no cleanup at all) leaves its temporary
image, marked in its metadata with how far it got (checkpoints at 64 MiB,
then every 64 MiB at most once a second) and what the source was

  $ virt-rbd import src.raw vrbdt-$UNIQ/img --queue-depth 1 --json > run1.out 2>&1 & pid=$!
  > bash "$TESTDIR/waitfor" run1.out 150000000; { kill -KILL $pid; wait $pid; } 2> /dev/null; echo "exit $?"
  exit 137
  $ rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ | grep '^\.virt-rbd-import\.img\.[0-9]*$' > tmp.name; wc -l < tmp.name
  1
  $ rbd -c "$VRBD_LAB_CEPH_CONF" image-meta get vrbdt-$UNIQ/$(cat tmp.name) virt-rbd.incomplete > mark
  $ grep -c " format=raw .* path=$PWD/src.raw$" mark
  1
  $ awk '{split($1, a, "="); print (a[2] >= 67108864 && a[2] % 2097152 == 0) ? "done at a 2 MiB boundary, 64 MiB or more" : "bad: " $0}' mark
  done at a 2 MiB boundary, 64 MiB or more
  $ virt-rbd vol list vrbdt-$UNIQ 2> /dev/null | grep -c '^img$'
  0
  [1]

--resume goes on from the mark, once the killed client's watch has expired
(within 30 s): only the rest is read and written, the image is identical,
the temporary image and the mark are gone

  $ virt-rbd import src.raw vrbdt-$UNIQ/img --resume --json 2> run2.err | tail -n 1 > run2.out
  $ sed "s/img\.[0-9]*'/img.PID'/" run2.err
  virt-rbd: warning: '.virt-rbd-import.img.PID' is open elsewhere: waiting up to 35 s for the watch of a stopped import to expire
  $ python3 -c 'import json; d = json.load(open("run2.out")); print(d["resumed_from"] >= 67108864, d["data"] == d["size"] - d["resumed_from"])'
  True True
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/img - 2>/dev/null | sha256sum | cmp - src.sum && echo identical
  identical
  $ rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ | grep -c virt-rbd-import
  0
  [1]
  $ rbd -c "$VRBD_LAB_CEPH_CONF" image-meta get vrbdt-$UNIQ/img virt-rbd.incomplete > /dev/null 2>&1 || echo not marked
  not marked

Ctrl-C with --resume keeps the partial image and says how to go on;
while one import runs, a second --resume of it is refused (after waiting
for the watch in case the first was dead)

  $ virt-rbd import src.raw vrbdt-$UNIQ/two --resume --queue-depth 1 --json > run3.out 2> run3.err & pid=$!
  > bash "$TESTDIR/waitfor" run3.out 80000000
  > virt-rbd import src.raw vrbdt-$UNIQ/two --resume 2>&1 | sed "s/$UNIQ/U/; s/two\.[0-9]*'/two.PID'/"
  > kill -INT $pid; wait $pid; echo "exit $?"; sed "s/two\.[0-9]*'/two.PID'/" run3.err
  virt-rbd: warning: '.virt-rbd-import.two.PID' is open elsewhere: waiting up to 35 s for the watch of a stopped import to expire
  virt-rbd: error: an import to 'two' is running: its temporary image '.virt-rbd-import.two.PID' is open
  virt-rbd: hint: wait for it, or stop it first
  exit 130
  virt-rbd: error: import of 'src.raw' interrupted; the partial image '.virt-rbd-import.two.PID' is kept
  virt-rbd: hint: run the same import with --resume to continue

A source changed since is not resumed: the stale partial image goes and the
import starts over

  $ touch src.raw
  $ virt-rbd import src.raw vrbdt-$UNIQ/two --resume --json 2> run4.err | tail -n 1 > run4.out
  $ sed "s/two\.[0-9]*'/two.PID'/" run4.err
  virt-rbd: warning: removing '.virt-rbd-import.two.PID', a partial import from another source or an older state of this one
  $ python3 -c 'import json; d = json.load(open("run4.out")); print(d["resumed_from"], d["data"] == d["size"])'
  0 True
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/two - 2>/dev/null | sha256sum | cmp - src.sum && echo identical
  identical
  $ rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ | grep -c virt-rbd-import
  0
  [1]

Clean up

  $ for i in img two; do virt-rbd vol rm --now vrbdt-$UNIQ/$i > /dev/null; done
  $ virt-rbd pool rm vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
