#require lab
The whole cluster 'ceph' stops answering (every daemon SIGSTOPped, as a dead
host looks) in the middle of a long listing and in the middle of a removal,
not before: each command stops itself at a named point (VRBD_TEST_PAUSE_AT,
SIGSTOP), the test pauses the cluster, then lets the command go on
(SIGCONT).  Each fails within 1.5 x --timeout of the pause, naming the
cluster that did not answer, and what it leaves is something vol list and
vol rm handle.  Then clock skew between the daemons.  This pauses and skews
the lab's cluster 'ceph': give it a lab of its own.  Every command that
pauses the cluster resumes it in the same command, whatever happened.

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create ceph:vrbdt-$UNIQ --pg 8 > /dev/null
  $ for i in 1 2 3 4 5; do virt-rbd vol create vrbdt-$UNIQ/i$i --size 16M > /dev/null || break; done
  $ head -c 64M /dev/urandom > big.raw; sha256sum < big.raw > big.sum
  $ virt-rbd import big.raw vrbdt-$UNIQ/big > /dev/null
  $ lab() { "$TESTDIR/../../scripts/lab" "$@" > /dev/null; }; declare -f lab > lab.sh

paused.sh POINT TIMEOUT CMD...: runs virt-rbd --timeout TIMEOUT CMD in the
background, stopped at POINT; pauses the cluster while it is stopped there,
lets it go on, says how long after the pause it ended (out: paused.out),
and resumes the cluster

  $ cat > paused.sh <<'EOS'
  > . ./lab.sh; p=$1 t=$2; shift 2
  > VRBD_TEST_PAUSE_AT=$p virt-rbd --timeout $t "$@" > paused.out 2>&1 & pid=$!
  > if bash "$TESTDIR/waitstop" $pid && lab pause ceph; then echo "paused while stopped at $p"; fi
  > s=$(date +%s%N); kill -CONT $pid; wait $pid; r=$?; ms=$((($(date +%s%N) - s) / 1000000))
  > lab resume ceph; echo "exit $r"
  > [ $ms -le $((t * 1500)) ] && echo "ended within 1.5 x --timeout of the pause" || echo "ended $ms ms after the pause"
  > echo "$ms" >> times.log
  > EOS

vol list -l opens every image; paused once it has read the first (one
image at a time, so the others are still to come): it fails on the next,
within the timeout (not one timeout per image left: 24 s with --timeout 4
before the listing stopped at the first failure)

  $ bash paused.sh list-after-first 4 vol list -l vrbdt-$UNIQ --jobs 1
  paused while stopped at list-after-first
  exit 1
  ended within 1.5 x --timeout of the pause
  $ sed "s/$UNIQ/U/g" paused.out
  virt-rbd: error: cannot read image '(big|i[1-5])' of pool 'vrbdt-U': timed out, cluster 'ceph' did not answer for 4 s (re)
  virt-rbd: hint: check the cluster's health (ceph -s), or raise --timeout

Once the cluster answers, the same listing is whole

  $ virt-rbd vol list -l vrbdt-$UNIQ | awk 'NR > 1 {print $1, $2, $3}'
  big 64 MiB
  i1 16 MiB
  i2 16 MiB
  i3 16 MiB
  i4 16 MiB
  i5 16 MiB

vol rm, paused once librbd has deleted the first data objects of the
image (16 of them): it fails within 1.5 x the timeout (librbd's own clean-up
after the timeout took 20 s with --timeout 4), naming the cluster

  $ rados -c "$VRBD_LAB_CEPH_CONF" -p vrbdt-$UNIQ ls | grep -c '^rbd_data\.'
  16
  $ bash paused.sh rm-removing 4 vol rm --now vrbdt-$UNIQ/big
  paused while stopped at rm-removing
  exit 1
  ended within 1.5 x --timeout of the pause
  $ sed "s/$UNIQ/U/g" paused.out
  virt-rbd: error: cannot remove image 'vrbdt-U/big': timed out, cluster 'ceph' did not answer for 4 s
  virt-rbd: hint: check the cluster's health (ceph -s), or raise --timeout

It struck in the middle (librbd's own view, the rbd CLI): librbd moves an
image to its trash ("removing") before it deletes the data, so the image is
still listed but no longer opens by name.  vol list -l lists it (opened by
id) with a warning saying how to finish (before, it was skipped as vanished,
and vol rm said "not found")

  $ rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ | grep -x big
  big
  $ rbd -c "$VRBD_LAB_CEPH_CONF" info vrbdt-$UNIQ/big > /dev/null 2>&1 || echo "no longer opens by name"
  no longer opens by name
  $ virt-rbd vol list -l vrbdt-$UNIQ 2> warn.out | awk '{print $1, $2, $3}'
  NAME SIZE USED
  big 64 MiB
  i1 16 MiB
  i2 16 MiB
  i3 16 MiB
  i4 16 MiB
  i5 16 MiB
  $ sed "s/$UNIQ/U/g" warn.out
  virt-rbd: warning: image 'big' is half-removed (a removal of it was interrupted): finish it with 'virt-rbd vol rm ceph:vrbdt-U/big'
  $ virt-rbd --json vol list -l vrbdt-$UNIQ 2> /dev/null | python3 -c 'import json,sys; print([v["name"] for v in json.load(sys.stdin) if v.get("removing")])'
  ['big']

A second vol rm finishes the removal: no image, no data object left

  $ virt-rbd vol rm --now vrbdt-$UNIQ/big | sed "s/$UNIQ/U/g"
  image ceph:vrbdt-U/big removed
  $ virt-rbd vol list vrbdt-$UNIQ
  i1
  i2
  i3
  i4
  i5
  $ rados -c "$VRBD_LAB_CEPH_CONF" -p vrbdt-$UNIQ ls | grep -c '^rbd_data\.'
  0
  [1]
  $ virt-rbd vol rm --now vrbdt-$UNIQ/big 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U/big' not found in cluster 'ceph'
  [1]

Clock skew between the daemons (scripts/lab skew restarts one daemon with
libfaketime; each case restores the real clock in a command of its own).
logts.sh DAEMON: how far ahead of this host's clock the daemon's last log
line is, in seconds

  $ cat > logts.sh <<'EOS'
  > t=$(tail -n 1 "$VRBD_LAB_DIR/ceph/log/ceph-$1.log" | cut -c1-19); echo $(($(date -u -d "$t" +%s) - $(date -u +%s)))
  > EOS
  $ head -c 32M /dev/urandom > s.raw; sha256sum < s.raw > s.sum
  $ cat > works.sh <<'EOS'
  > virt-rbd --timeout 10 import s.raw vrbdt-$UNIQ/$1 > /dev/null && echo "import ok"
  > virt-rbd --timeout 10 export vrbdt-$UNIQ/$1 - 2> /dev/null | sha256sum | cmp - s.sum && echo "export identical"
  > virt-rbd --timeout 10 vol list -l vrbdt-$UNIQ | grep -c "^$1 " | sed 's/^1$/listed/'
  > EOS

osd.1 ten minutes ahead (less than the cephx ticket lifetime, 1 h): it comes
up and serves (with 3 OSDs and size 3 every write goes to it too); import,
export and vol list work as usual

  $ . ./lab.sh; lab skew ceph osd.1 +10m
  $ for i in $(seq 120); do ceph -c "$VRBD_LAB_CEPH_CONF" osd dump | grep '^osd\.1 up ' > /dev/null && break; sleep 0.5; done; ceph -c "$VRBD_LAB_CEPH_CONF" osd dump | grep -o '^osd\.1 up '
  osd.1 up 
  $ d=$(bash logts.sh osd.1); [ "$d" -ge 540 ] && [ "$d" -le 660 ] && echo "osd.1 is 10 minutes ahead"
  osd.1 is 10 minutes ahead
  $ bash works.sh sk10m
  import ok
  export identical
  listed
  $ . ./lab.sh; lab skew ceph osd.1 0

osd.1 four hours ahead, well past the cephx ticket lifetime (1 h; at two
hours it came up or not depending on where the mon was in its key rotation):
every rotating key the mon hands out is expired by its clock, so it never
comes up ("unable to obtain rotating service keys" in its log).  The cluster
counts it down and works on the other two: virt-rbd works, and cluster
check shows the OSD down (with one mon no MON_CLOCK_SKEW check can name the
cause, and virt-rbd does not guess it)

  $ n=$(grep -c 'unable to obtain rotating service keys' "$VRBD_LAB_DIR/ceph/log/ceph-osd.1.log"); . ./lab.sh; lab skew ceph osd.1 +4h
  > for i in $(seq 120); do [ "$(grep -c 'unable to obtain rotating service keys' "$VRBD_LAB_DIR/ceph/log/ceph-osd.1.log")" -gt "$n" ] && break; sleep 0.5; done
  > [ "$(grep -c 'unable to obtain rotating service keys' "$VRBD_LAB_DIR/ceph/log/ceph-osd.1.log")" -gt "$n" ] && echo "osd.1 cannot obtain rotating service keys"
  osd.1 cannot obtain rotating service keys
  $ ceph -c "$VRBD_LAB_CEPH_CONF" osd dump | grep -o '^osd\.1 down '
  osd.1 down 
  $ bash works.sh sk4h
  import ok
  export identical
  listed
  $ virt-rbd cluster check ceph | grep -E '^osds:|OSD_DOWN'
            OSD_DOWN: 1 osds down
  osds:     3 (2 up, 3 in)
  $ . ./lab.sh; lab skew ceph osd.1 0

The cluster's only mon two hours behind: it answers, the OSDs keep the keys
they have, and virt-rbd works

  $ . ./lab.sh; lab skew ceph mon.a -2h
  $ for i in $(seq 60); do ceph -c "$VRBD_LAB_CEPH_CONF" --connect-timeout 5 health > /dev/null 2>&1 && break; sleep 0.5; done; d=$(bash logts.sh mon.a); [ "$d" -le -7000 ] && [ "$d" -ge -7400 ] && echo "mon.a is 2 hours behind"
  mon.a is 2 hours behind
  $ bash works.sh skmon
  import ok
  export identical
  listed
  $ . ./lab.sh; lab skew ceph mon.a 0

Clean up (the cluster is resumed whatever happened above)

  $ . ./lab.sh; lab resume ceph
  $ for i in i1 i2 i3 i4 i5 sk10m sk4h skmon; do virt-rbd vol rm --now vrbdt-$UNIQ/$i > /dev/null || break; done
  $ virt-rbd pool rm ceph:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
