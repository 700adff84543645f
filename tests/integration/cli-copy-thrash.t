#require lab
OSDs crashed and restarted in a loop for as long as a transfer runs (a
small "thrash", on the zdata cluster: size 3 / min_size 2, one OSD down at
a time, the next killed once every PG is active again).  The oracle: the
source untouched, the target identical byte for byte and as sparse as the
source.  The image is 2 GiB with 1 GiB of data (every other 4 MiB object),
so that the thrashed copy stays near a minute on the ASan build

  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ virt-rbd pool create zdata:vrbdt-$UNIQ --pg 8 > /dev/null
  $ truncate -s 2G src.raw; python3 -c '
  > import os
  > with open("src.raw", "r+b") as f:
  >     for i in range(0, 512, 2):
  >         f.seek(i << 22); f.write(os.urandom(4 << 20))'
  $ sha256sum < src.raw > src.sum
  $ printf '%s\n' 'sum() { rbd -c "$VRBD_LAB_ZDATA_CONF" export --no-progress "$1" - | sha256sum; }' > sum.sh

An import thrashed from its first progress event to its end completes, and
the image is the file; at least one OSD went down while it ran

  $ : > imp.out; virt-rbd --json import src.raw zdata:vrbdt-$UNIQ/src > imp.out 2> imp.err & pid=$!
  > bash "$TESTDIR/waitfor" imp.out 0 && n=$(bash "$TESTDIR/thrash" zdata $pid); wait $pid; echo "exit $?"
  > [ "$n" -ge 1 ] && echo "OSDs crashed mid-import: at least 1" || echo "OSDs crashed mid-import: '$n'"
  exit 0
  OSDs crashed mid-import: at least 1
  $ cat imp.err
  $ . ./sum.sh; sum vrbdt-$UNIQ/src | cmp - src.sum && echo identical
  identical

A copy of a snapshot of it, within the thrashed cluster (its reads and its
writes both meet the crashes): it completes, at least three OSDs went down
while it ran (each of them once), and the copy is identical and thin

  $ virt-rbd vol snap create zdata:vrbdt-$UNIQ/src@s1 > /dev/null
  $ : > copy.out; virt-rbd --json copy zdata:vrbdt-$UNIQ/src@s1 zdata:vrbdt-$UNIQ/dst > copy.out 2> copy.err & pid=$!
  > bash "$TESTDIR/waitfor" copy.out 0 && n=$(bash "$TESTDIR/thrash" zdata $pid); wait $pid; echo "exit $?"
  > [ "$n" -ge 3 ] && echo "OSDs crashed mid-copy: at least 3" || echo "OSDs crashed mid-copy: '$n'"
  exit 0
  OSDs crashed mid-copy: at least 3
  $ cat copy.err
  $ . ./sum.sh; sum vrbdt-$UNIQ/dst | cmp - src.sum && echo identical
  identical
  $ for i in src@s1 dst; do rbd -c "$VRBD_LAB_ZDATA_CONF" diff vrbdt-$UNIQ/$i > $i.diff; done; cmp src@s1.diff dst.diff && awk 'NR > 1 {n += $2} END {print n}' dst.diff
  1073741824
  $ sha256sum < src.raw | cmp - src.sum && echo source untouched
  source untouched

The cluster is whole again

  $ ceph -c "$VRBD_LAB_ZDATA_CONF" osd dump | grep -c '^osd\.[0-9]* up '
  3

Clean up

  $ for i in src dst; do virt-rbd vol rm --now zdata:vrbdt-$UNIQ/$i --force > /dev/null; done
  $ virt-rbd pool rm zdata:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
