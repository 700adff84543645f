#require lab
copy --resume: a full copy to the other cluster, killed or interrupted part
way, continues where it stopped.  Set up: both clusters, a pool on each, an
image on ceph holding 384 MiB of random data, snapshot s1.

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ for c in ceph zdata; do virt-rbd pool create $c:vrbdt-$UNIQ --pg 8 > /dev/null; done
  $ head -c 384M /dev/urandom > src.raw; sha256sum < src.raw > src.sum
  $ virt-rbd import src.raw ceph:vrbdt-$UNIQ/src > /dev/null && virt-rbd vol snap create ceph:vrbdt-$UNIQ/src@s1 > /dev/null
  $ printf '%s\n' 'sum() { rbd -c "$1" export --no-progress "$2" - 2>/dev/null | sha256sum; }' > sum.sh

A copy killed with SIGKILL leaves its temporary image, marked with how far
it got (at 64 MiB, then every 64 MiB at most once a second) and which snapshot it copies: the cluster's fsid, the
pool, image and snapshot ids

  $ virt-rbd copy ceph:vrbdt-$UNIQ/src@s1 zdata:vrbdt-$UNIQ/dst --queue-depth 1 --json > run1.out 2>&1 & pid=$!
  > bash "$TESTDIR/waitfor" run1.out 150000000; { kill -KILL $pid; wait $pid; } 2> /dev/null; echo "exit $?"
  exit 137
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ | grep '^\.virt-rbd-copy\.dst\.[0-9]*$' > tmp.name; wc -l < tmp.name
  1
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" image-meta get vrbdt-$UNIQ/$(cat tmp.name) virt-rbd.incomplete > mark
  $ grep -c " size=402653184 order=22 src=$VRBD_LAB_CEPH_FSID:[0-9]*//[0-9a-f]*@[0-9]*$" mark
  1
  $ awk '{split($1, a, "="); print (a[2] >= 67108864 && a[2] % 2097152 == 0) ? "done at a 2 MiB boundary, 64 MiB or more" : "bad: " $0}' mark
  done at a 2 MiB boundary, 64 MiB or more

--resume needs the source's snapshot

  $ virt-rbd copy ceph:vrbdt-$UNIQ/src zdata:vrbdt-$UNIQ/dst --resume
  virt-rbd: error: a copy resumes only from a snapshot: the image itself may change between runs
  virt-rbd: hint: snapshot the source (virt-rbd vol snap create) and copy SRC@SNAP
  [1]

--resume goes on from the mark, once the killed client's watch has expired
(within 30 s): only the rest is read and written, the target is identical
to the snapshot and has it, the temporary image and the mark are gone

  $ virt-rbd copy ceph:vrbdt-$UNIQ/src@s1 zdata:vrbdt-$UNIQ/dst --resume --verify --json 2> run2.err | tail -n 1 > run2.out
  $ sed "s/dst\.[0-9]*'/dst.PID'/" run2.err
  virt-rbd: warning: '.virt-rbd-copy.dst.PID' is open elsewhere: waiting up to 35 s for the watch of a stopped copy to expire
  $ python3 -c 'import json; d = json.load(open("run2.out")); print(d["resumed_from"] >= 67108864, d["data"] == d["size"] - d["resumed_from"], d["verified"])'
  True True True
  $ . ./sum.sh; sum "$VRBD_LAB_ZDATA_CONF" vrbdt-$UNIQ/dst | cmp - src.sum && sum "$VRBD_LAB_ZDATA_CONF" vrbdt-$UNIQ/dst@s1 | cmp - src.sum && echo identical
  identical
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ
  dst
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" image-meta get vrbdt-$UNIQ/dst virt-rbd.incomplete > /dev/null 2>&1 || echo not marked
  not marked

Ctrl-C without --resume leaves nothing; with --resume it keeps the partial
image and says how to go on; while one copy runs, a second --resume of it
is refused

  $ virt-rbd copy ceph:vrbdt-$UNIQ/src@s1 zdata:vrbdt-$UNIQ/two --queue-depth 1 --json > run3.out 2> run3.err & pid=$!
  > bash "$TESTDIR/waitfor" run3.out 40000000; kill -INT $pid; wait $pid; echo "exit $?"; sed "s/$UNIQ/U/" run3.err
  exit 130
  virt-rbd: error: copy to 'vrbdt-U/two' interrupted: nothing was copied
  virt-rbd: hint: run it again
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ
  dst
  $ virt-rbd copy ceph:vrbdt-$UNIQ/src@s1 zdata:vrbdt-$UNIQ/two --resume --queue-depth 1 --json > run4.out 2> run4.err & pid=$!
  > bash "$TESTDIR/waitfor" run4.out 80000000
  > virt-rbd copy ceph:vrbdt-$UNIQ/src@s1 zdata:vrbdt-$UNIQ/two --resume 2>&1 | sed "s/two\.[0-9]*'/two.PID'/"
  > kill -INT $pid; wait $pid; echo "exit $?"; sed "s/two\.[0-9]*'/two.PID'/; s/$UNIQ/U/" run4.err
  virt-rbd: warning: '.virt-rbd-copy.two.PID' is open elsewhere: waiting up to 35 s for the watch of a stopped copy to expire
  virt-rbd: error: a copy to 'two' is running: its temporary image '.virt-rbd-copy.two.PID' is open
  virt-rbd: hint: wait for it, or stop it first
  exit 130
  virt-rbd: error: copy to 'vrbdt-U/two' interrupted; the partial image '.virt-rbd-copy.two.PID' is kept
  virt-rbd: hint: run the same copy with --resume to continue

A partial copy of another snapshot of the same name (s1 removed and made
again: new data, a new snapshot id) is not resumed: it goes and the copy
starts over

  $ virt-rbd vol snap rm ceph:vrbdt-$UNIQ/src@s1 > /dev/null
  $ qemu-io -f raw "rbd:vrbdt-$UNIQ/src:conf=$VRBD_LAB_CEPH_CONF:id=admin:keyring=$VRBD_LAB_CEPH_KEYRING" -c 'write -P 0xab 1M 64k' > /dev/null
  $ virt-rbd vol snap create ceph:vrbdt-$UNIQ/src@s1 > /dev/null
  $ virt-rbd copy ceph:vrbdt-$UNIQ/src@s1 zdata:vrbdt-$UNIQ/two --resume --json 2> run5.err | tail -n 1 > run5.out
  $ sed "s/two\.[0-9]*'/two.PID'/" run5.err
  virt-rbd: warning: removing '.virt-rbd-copy.two.PID', a partial copy from another source or an older state of this one
  $ python3 -c 'import json; d = json.load(open("run5.out")); print(d["resumed_from"], d["data"] == d["size"])'
  0 True
  $ . ./sum.sh; [ "$(sum "$VRBD_LAB_CEPH_CONF" vrbdt-$UNIQ/src@s1)" = "$(sum "$VRBD_LAB_ZDATA_CONF" vrbdt-$UNIQ/two)" ] && ! sum "$VRBD_LAB_ZDATA_CONF" vrbdt-$UNIQ/two | cmp -s - src.sum && echo identical to the new s1
  identical to the new s1
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ
  dst
  two

Clean up

  $ for i in dst two; do virt-rbd vol rm --now --force zdata:vrbdt-$UNIQ/$i > /dev/null; done
  $ virt-rbd vol rm --now --force ceph:vrbdt-$UNIQ/src > /dev/null
  $ for c in ceph zdata; do virt-rbd pool rm $c:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null; done
