#require lab
Faults during an import, on the zdata cluster.  The oracle: the source is
untouched; on success the image is identical byte for byte; on failure there
is no image under the final name.

  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ virt-rbd pool create zdata:vrbdt-$UNIQ --pg 8 > /dev/null
  $ head -c 256M /dev/urandom > src.raw; sha256sum < src.raw > src.sum
  $ lab() { "$TESTDIR/../../scripts/lab" "$@" > /dev/null; }; declare -f lab > lab.sh

An OSD crashes (SIGKILL) in the middle: with size 3 / min_size 2 the import
goes on and the image is complete and identical

  $ . ./lab.sh; : > osd.out; virt-rbd --json import src.raw zdata:vrbdt-$UNIQ/osd > osd.out 2>&1 &
  > for i in $(seq 1 200); do grep -q '"progress"' osd.out && break; sleep 0.05; done
  > lab kill-osd zdata 1; wait $!; echo "exit $?"
  exit 0
  $ . ./lab.sh; lab start-osd zdata 1
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" export --no-progress vrbdt-$UNIQ/osd - | sha256sum | cmp - src.sum && echo identical
  identical
  $ sha256sum < src.raw | cmp - src.sum && echo source untouched
  source untouched

The whole cluster stops answering (every daemon SIGSTOPped) in the middle:
the import fails within its timeout, and no image has the final name

  $ . ./lab.sh; : > paused.out; s=$(date +%s); virt-rbd --timeout 5 --json import src.raw zdata:vrbdt-$UNIQ/paused > paused.out 2>&1 &
  > for i in $(seq 1 200); do grep -q '"progress"' paused.out && break; sleep 0.05; done
  > lab pause zdata; wait $!; r=$?; echo "exit $r"; [ $(($(date +%s) - s)) -lt 60 ] && echo "gave up within a minute"
  exit 1
  gave up within a minute
  $ grep -c '^virt-rbd: error: .*timed out' paused.out
  1
  $ . ./lab.sh; lab resume zdata
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ | grep -cx paused
  0
  [1]
  $ sha256sum < src.raw | cmp - src.sum && echo source untouched
  source untouched

The client blocklisted mid-import (the address its temporary image's watch
shows, added to the OSD blocklist once 8 MB are in): it fails, saying so

  $ : > bl.out; virt-rbd --json import src.raw zdata:vrbdt-$UNIQ/bl --queue-depth 1 > bl.out 2> bl.err & pid=$!
  > bash "$TESTDIR/waitfor" bl.out 8000000; t=$(rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ | grep virt-rbd-import.bl)
  > a=$(rbd -c "$VRBD_LAB_ZDATA_CONF" status vrbdt-$UNIQ/$t | sed -n 's/.*watcher=\([^ ]*\).*/\1/p' | sed -n 1p)
  > ceph -c "$VRBD_LAB_ZDATA_CONF" osd blocklist add $a > /dev/null 2>&1 && echo blocklisted mid-import
  > wait $pid; echo "exit $?"; sed "s/$UNIQ/U/; s/byte [0-9]*/byte N/" bl.err
  > ceph -c "$VRBD_LAB_ZDATA_CONF" osd blocklist rm $a > /dev/null 2>&1
  blocklisted mid-import
  exit 1
  virt-rbd: warning: the temporary image '.virt-rbd-import.bl.[0-9]+' is left: remove it with virt-rbd vol rm (re)
  virt-rbd: error: cannot write to 'vrbdt-U/bl' at byte N: this client was blocklisted by the cluster: its writes are refused from now on
  virt-rbd: hint: another client took over or an admin fenced this one (ceph osd blocklist ls); a new run is a new client

A pool over its quota: the import is refused at once, naming the full pool,
and nothing is made (the cluster would hold every write until the timeout)

  $ ceph -c "$VRBD_LAB_ZDATA_CONF" osd pool set-quota vrbdt-$UNIQ max_bytes 64M 2>&1 | grep -c max_bytes
  1
  $ for i in $(seq 1 120); do ceph -c "$VRBD_LAB_ZDATA_CONF" osd pool ls detail | grep "'vrbdt-$UNIQ'" | grep -q full_quota && break; sleep 0.5; done; echo flagged after the stats came in
  flagged after the stats came in
  $ virt-rbd import src.raw zdata:vrbdt-$UNIQ/quota 2>&1 | sed "s/$UNIQ/U/"
  virt-rbd: error: pool 'vrbdt-U' is full, its quota of 67108864 bytes is reached: nothing was imported
  virt-rbd: hint: raise the quota (ceph osd pool set-quota) or free space in the pool, then run it again
  [1]
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ | grep -c quota
  0
  [1]

Removing an image from the full pool needs writes the pool refuses: refused
at once, saying so (it failed after the timeout with "Connection timed out")

  $ virt-rbd vol rm zdata:vrbdt-$UNIQ/osd 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: pool 'vrbdt-U' is full, its quota of 67108864 bytes is reached: removing 'vrbdt-U/osd' needs writes the pool refuses
  virt-rbd: hint: raise the quota first (ceph osd pool set-quota POOL max_bytes N), remove, then set it back
  [1]
  $ ceph -c "$VRBD_LAB_ZDATA_CONF" osd pool set-quota vrbdt-$UNIQ max_bytes 0 2>&1 | grep -c max_bytes
  1

Clean up (a temporary image the paused import could not remove goes too)

  $ for i in $(rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ); do virt-rbd vol rm "zdata:vrbdt-$UNIQ/$i" > /dev/null; done
  $ virt-rbd pool rm zdata:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
