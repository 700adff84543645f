#require lab
#cleanup "$TESTDIR/../../scripts/lab" resume zdata > /dev/null
Faults during an import, on the zdata cluster.  The oracle: the source is
untouched; on success the image is identical byte for byte; on failure there
is no image under the final name.

  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ virt-rbd pool create zdata:vrbdt-$UNIQ --pg 8 > /dev/null
  $ head -c 256M /dev/urandom > src.raw; sha256sum < src.raw > src.sum
  $ lab() { "$TESTDIR/../../scripts/lab" "$@" > /dev/null; }

rmall POOL removes every image of POOL, each once its watchers are gone (a
run that gave up on a cluster leaves its images closing as it exits, and
their watches expire within 30 s)

  $ unwatched() { for t in $(seq 1 80); do [ -z "$(rbd -c "$VRBD_LAB_ZDATA_CONF" status "$1" | grep watcher=)" ] && return 0; sleep 0.5; done; return 1; }
  > rmall() { for i in $(rbd -c "$VRBD_LAB_ZDATA_CONF" ls "$1"); do unwatched "$1/$i" && virt-rbd vol rm --now --force "zdata:$1/$i" > /dev/null || return 1; done; }

An OSD crashes (SIGKILL) in the middle (once 8 MB are in, the import slowed
to one request in flight): the monitors count it down while the import
still runs, short of its total; with size 3 / min_size 2 the import goes on
and the image is complete and identical

  $ : > osd.out; virt-rbd --json import src.raw zdata:vrbdt-$UNIQ/osd --queue-depth 1 > osd.out 2>&1 & pid=$!
  > bash "$TESTDIR/waitfor" osd.out 8000000 && lab kill-osd zdata 1
  > for i in $(seq 300); do ceph -c "$VRBD_LAB_ZDATA_CONF" osd dump | grep '^osd\.1 down' > /dev/null && break; sleep 0.1; done
  > d=$(grep -o '"done": [0-9]*' osd.out | tail -n 1 | tr -dc 0-9)
  > ceph -c "$VRBD_LAB_ZDATA_CONF" osd dump | grep '^osd\.1 down' > /dev/null && kill -0 $pid && [ "$d" -lt 268435456 ] && echo "osd.1 down while the import runs"
  > wait $pid; echo "exit $?"
  osd.1 down while the import runs
  exit 0
  $ lab start-osd zdata 1
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" export --no-progress vrbdt-$UNIQ/osd - | sha256sum | cmp - src.sum && echo identical
  identical
  $ sha256sum < src.raw | cmp - src.sum && echo source untouched
  source untouched

The whole cluster stops answering (every daemon SIGSTOPped) in the middle:
the import fails within 1.5 x its timeout of the pause (the engine gives up
on writes that do not end; librbd alone took 80 s with --timeout 10), names
the temporary image it cannot remove, and no image has the final name.
paused runs a command in the background, pauses zdata once 8 MB are done,
and says how long after the pause the command ended

  $ paused() {
  > local pid s r ms d; : > paused.out
  > virt-rbd --timeout 5 --json "$@" > paused.out 2> paused.err & pid=$!
  > bash "$TESTDIR/waitfor" paused.out 8000000 || echo "no progress"
  > kill -0 $pid && lab pause zdata && echo "paused mid-transfer"; s=$(date +%s%N)
  > wait $pid; r=$?; ms=$((($(date +%s%N) - s) / 1000000)); echo "exit $r"
  > d=$(grep -o '"done": [0-9]*' paused.out | tail -n 1 | tr -dc 0-9); [ "$d" -lt 268435456 ] && echo "stopped part way"
  > [ $ms -lt 8000 ] && echo "ended within 8 s of the pause" || echo "ended $ms ms after the pause"
  > lab resume zdata
  > }
  $ paused import --queue-depth 1 src.raw zdata:vrbdt-$UNIQ/paused
  paused mid-transfer
  exit 1
  stopped part way
  ended within 8 s of the pause
  $ sed "s/$UNIQ/U/g; s/byte [0-9]*/byte N/" paused.err
  virt-rbd: warning: the temporary image '.virt-rbd-import.paused.[0-9]+' is left: once cluster 'zdata' answers, remove it with 'virt-rbd vol rm zdata:vrbdt-U/.virt-rbd-import.paused.[0-9]+' \(doctor and vol list name it\) (re)
  virt-rbd: error: cannot write to 'vrbdt-U/paused' at byte N: timed out, cluster 'zdata' did not answer for 5 s
  virt-rbd: hint: check the cluster's health (ceph -s), or raise --timeout
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ | grep -cx paused
  0
  [1]
  $ sha256sum < src.raw | cmp - src.sum && echo source untouched
  source untouched

Once the cluster answers again, vol list names the temporary image (its
watch expires within 30 s: until then it counts as running) with how to
continue or remove it, and so does a new import to the same name

  $ unwatched vrbdt-$UNIQ/$(rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ | grep virt-rbd-import.paused) && echo watch gone
  watch gone
  $ virt-rbd vol list zdata:vrbdt-$UNIQ 2>&1 >/dev/null | sed "s/$UNIQ/U/g"
  virt-rbd: warning: '.virt-rbd-import.paused.[0-9]+' is an unfinished import to 'paused' \([0-9.]+ [KMG]?i?B of 256 MiB marked done, [0-9]+ (s|min) old\): continue it with 'virt-rbd import --resume FILE zdata:vrbdt-U/paused', or remove it with 'virt-rbd vol rm zdata:vrbdt-U/.virt-rbd-import.paused.[0-9]+' (re)
  $ head -c 1M src.raw > small.raw; virt-rbd import small.raw zdata:vrbdt-$UNIQ/paused 2>&1 >/dev/null | sed "s/$UNIQ/U/g"
  virt-rbd: warning: '.virt-rbd-import.paused.[0-9]+' is an unfinished import to 'paused' .* (re)
  $ for i in $(rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ | grep -e virt-rbd-import -e '^paused$'); do virt-rbd vol rm --now "zdata:vrbdt-$UNIQ/$i" > /dev/null; done
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ | grep -c paused
  0
  [1]

The same pause during an export: it fails within 1.5 x its timeout, and no
file is left, under the final name or a temporary one

  $ virt-rbd import src.raw zdata:vrbdt-$UNIQ/whole > /dev/null
  $ paused export --queue-depth 1 zdata:vrbdt-$UNIQ/whole out.raw
  paused mid-transfer
  exit 1
  stopped part way
  ended within 8 s of the pause
  $ sed "s/$UNIQ/U/g; s/byte [0-9]*/byte N/" paused.err
  virt-rbd: error: cannot read 'vrbdt-U/whole' at byte N: timed out, cluster 'zdata' did not answer for 5 s
  virt-rbd: hint: check the cluster's health (ceph -s), or raise --timeout
  $ ls | grep -c out.raw
  0
  [1]

And during a copy: the same bound, the temporary image named

  $ virt-rbd vol snap create zdata:vrbdt-$UNIQ/whole@s1 > /dev/null
  $ paused copy --queue-depth 1 zdata:vrbdt-$UNIQ/whole@s1 zdata:vrbdt-$UNIQ/cp
  paused mid-transfer
  exit 1
  stopped part way
  ended within 8 s of the pause
  $ sed "s/$UNIQ/U/g; s/byte [0-9]*/byte N/" paused.err
  virt-rbd: warning: the temporary image '.virt-rbd-copy.cp.[0-9]+' is left: once cluster 'zdata' answers, remove it with 'virt-rbd vol rm zdata:vrbdt-U/.virt-rbd-copy.cp.[0-9]+' \(doctor and vol list name it\) (re)
  virt-rbd: error: cannot (read 'vrbdt-U/whole'|write to 'vrbdt-U/cp') at byte N: timed out, cluster 'zdata' did not answer for 5 s (re)
  virt-rbd: hint: check the cluster's health (ceph -s), or raise --timeout
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ | grep -cx cp
  0
  [1]

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
  virt-rbd: warning: the temporary image '.virt-rbd-import.bl.[0-9]+' is left: remove it with 'virt-rbd vol rm zdata:vrbdt-U/.virt-rbd-import.bl.[0-9]+' (re)
  virt-rbd: error: cannot write to 'vrbdt-U/bl' at byte N: this client was blocklisted by the cluster: its writes are refused from now on
  virt-rbd: hint: another client took over or an admin fenced this one (ceph osd blocklist ls); a new run is a new client

Only the OSDs stop answering (the monitors still do, so each command
connects and then waits on the data): listing, reading, removing, creating
and snapshotting each fail within 1.5 x --timeout, and nothing changed

  $ rbd -c "$VRBD_LAB_ZDATA_CONF" ls -l vrbdt-$UNIQ > before.ls; lab pause zdata osds
  > for c in "vol list -l zdata:vrbdt-$UNIQ" "vol info zdata:vrbdt-$UNIQ/whole" "vol rm --force zdata:vrbdt-$UNIQ/whole" "vol create zdata:vrbdt-$UNIQ/new --size 1G" "vol snap create zdata:vrbdt-$UNIQ/whole@s2"; do
  >   s=$(date +%s%N); virt-rbd --timeout 5 $c > /dev/null 2> c.err; r=$?; ms=$((($(date +%s%N) - s) / 1000000))
  >   echo "${c%% *} ${c#* }" | sed "s/ zdata.*//; s/ --.*//"; echo "  exit $r, $([ $ms -lt 7500 ] && echo "within 7.5 s" || echo "$ms ms"): $(grep -c 'timed out' c.err) timed out"
  > done; lab resume zdata
  vol list -l
    exit 1, within 7.5 s: 1 timed out
  vol info
    exit 1, within 7.5 s: 1 timed out
  vol rm
    exit 1, within 7.5 s: 1 timed out
  vol create
    exit 1, within 7.5 s: 1 timed out
  vol snap create
    exit 1, within 7.5 s: 1 timed out
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" ls -l vrbdt-$UNIQ | cmp - before.ls && echo nothing changed
  nothing changed

A quota that leaves less room than the data: refused before anything is
written, naming both (Ceph enforces quotas late: importing 400 MiB into a
pool with a 100 MiB quota went through)

  $ virt-rbd pool create zdata:vrbdq-$UNIQ --pg 8 > /dev/null
  $ ceph -c "$VRBD_LAB_ZDATA_CONF" osd pool set-quota vrbdq-$UNIQ max_bytes 100M 2>&1 | grep -c max_bytes
  1
  $ virt-rbd import src.raw zdata:vrbdq-$UNIQ/big 2>&1 | sed "s/$UNIQ/U/"
  virt-rbd: error: pool 'vrbdq-U' has no room for 'src.raw': its quota of 100 MiB leaves [0-9.]+ [KM]iB, and the data takes 256 MiB: nothing was imported (re)
  virt-rbd: hint: raise the quota (ceph osd pool set-quota) or free space in the pool, then run it again
  [1]
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdq-$UNIQ | wc -l
  0
  $ ceph -c "$VRBD_LAB_ZDATA_CONF" osd pool set-quota vrbdq-$UNIQ max_bytes 0 2>&1 | grep -c max_bytes
  1

The quota is reached during an import that replaces an image (--force): a
clear error naming the pool and its quota (not 164 s of waiting), no image
under the final name but the old one, intact.  The import reads a pipe the
test feeds: 64 MiB, then (once the monitors flag the pool full, which
follows their statistics by seconds) the rest

  $ virt-rbd import small.raw zdata:vrbdq-$UNIQ/prev > /dev/null
  $ mkfifo feed; : > q.out; virt-rbd --timeout 5 --json import --force --queue-depth 1 - zdata:vrbdq-$UNIQ/prev < feed > q.out 2> q.err & pid=$!
  > exec 7> feed; head -c 64M src.raw >&7; bash "$TESTDIR/waitfor" q.out 8000000
  > ceph -c "$VRBD_LAB_ZDATA_CONF" osd pool set-quota vrbdq-$UNIQ max_bytes 16M > /dev/null 2>&1
  > for i in $(seq 1 120); do ceph -c "$VRBD_LAB_ZDATA_CONF" osd pool ls detail | grep "'vrbdq-$UNIQ'" | grep -q full_quota && break; sleep 0.5; done
  > kill -0 $pid && echo "pool full mid-import"; s=$(date +%s)
  > tail -c +67108865 src.raw >&7 2> /dev/null; exec 7>&-; wait $pid; echo "exit $?"
  > [ $(($(date +%s) - s)) -lt 30 ] && echo "ended within 30 s of the full pool"
  pool full mid-import
  exit 1
  ended within 30 s of the full pool
  $ sed "s/$UNIQ/U/g; s/byte [0-9]*/byte N/" q.err
  virt-rbd: warning: the temporary image '.virt-rbd-import.prev.[0-9]+' is left: once the pool has room, remove it with 'virt-rbd vol rm zdata:vrbdq-U/.virt-rbd-import.prev.[0-9]+' \(doctor and vol list name it\) (re)
  virt-rbd: error: pool 'vrbdq-U' is full, its quota of 16777216 bytes is reached: the write at byte N did not go through
  virt-rbd: hint: raise the quota (ceph osd pool set-quota) or free space in the pool, then run it again
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" export --no-progress vrbdq-$UNIQ/prev - | cmp - small.raw && echo old image intact
  old image intact
  $ ceph -c "$VRBD_LAB_ZDATA_CONF" osd pool set-quota vrbdq-$UNIQ max_bytes 0 2>&1 | grep -c max_bytes
  1
  $ rmall vrbdq-$UNIQ
  $ virt-rbd pool rm zdata:vrbdq-$UNIQ --yes-i-really-mean-it > /dev/null

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

  $ virt-rbd vol rm --now zdata:vrbdt-$UNIQ/osd 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: pool 'vrbdt-U' is full, its quota of 67108864 bytes is reached: removing 'vrbdt-U/osd' needs writes the pool refuses
  virt-rbd: hint: raise the quota first (ceph osd pool set-quota POOL max_bytes N), remove, then set it back
  [1]
  $ ceph -c "$VRBD_LAB_ZDATA_CONF" osd pool set-quota vrbdt-$UNIQ max_bytes 0 2>&1 | grep -c max_bytes
  1

Clean up (a temporary image the paused import could not remove goes too)

  $ rmall vrbdt-$UNIQ
  $ virt-rbd pool rm zdata:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
