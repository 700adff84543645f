#require lab
Backups: full then incremental, of one image and of a running VM with
disks on both clusters, to a pool of the other cluster and to a
directory; backup list, backup verify, restore byte for byte (the image
as it was at the backup's snapshot, read with the rbd CLI, is the
oracle); a corrupted or missing file, a backup killed or its target
paused midway.

  $ C=$VRBD_LAB_CEPH_CONF Z=$VRBD_LAB_ZDATA_CONF P=vrbdt-$UNIQ B=$PWD/bk; umask 077
  $ W="$(dirname "$(command -v virt-rbd)")/../tests/integration/rbd-writer"
  $ virt-rbd cluster add ceph --conf "$C" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$Z" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ for c in ceph zdata; do virt-rbd pool create $c:$P --pg 8 > /dev/null && virt-rbd host connect $c:$P --user client.vrbdt-$UNIQ > /dev/null || echo "failed on $c"; done
  $ head -c 3M /dev/urandom > data.raw && head -c 1M /dev/urandom >> data.raw && truncate -s 16M data.raw && python3 -c 'import sys; f = open(sys.argv[1], "r+b"); d = f.read(4 << 20); f.seek(0); f.write(d[:3 << 20] + bytes(1 << 20)); f.seek(13 << 20); f.write(d[3 << 20:])' data.raw && rbd -c "$C" import --no-progress data.raw $P/a
  $ snap() { python3 -c 'import json, sys; print(json.load(sys.stdin)["name"])'; }
  $ same() { rbd -c "$1" export --no-progress "$2" want.raw && rbd -c "$3" export --no-progress "$4" got.raw && cmp want.raw got.raw && echo same; rm -f want.raw got.raw; }

An image to a directory: the first backup is full (only its 4 MiB of
data sent), in a file of its own with an index, all mode 0600; the
source keeps the backup snapshot as the base of the next

  $ virt-rbd --json backup ceph:$P/a --to "$B" > b1.json && s1=$(snap < b1.json) && python3 -c 'import json, sys; b = json.load(sys.stdin); d = b["disks"][0]; print(b["consistency"], d["kind"], d["sent"], d["size"], b["target"] == sys.argv[1])' "$B" < b1.json
  image full 4194304 16777216 True
  $ ls "$B/ceph:$P:a" | sed "s/$s1/S1/"
  S1.full
  index
  $ find "$B" -perm /077 | grep -c .
  0
  [1]
  $ rbd -c "$C" snap ls $P/a --format json | python3 -c 'import json, sys; print([s["name"] for s in json.load(sys.stdin)] == [sys.argv[1]])' $s1
  True

Changed: 1 MiB written, the image shrunk to 12 MiB and grown to 20 MiB
(the data at 13 MiB reads as zeros now).  The next backup sends only the
written data (the zeroed range is a record of its own, no data); the
source keeps only the newest backup snapshot

  $ rbd -c "$C" bench --io-type write --io-size 1M --io-total 1M --io-pattern seq $P/a > /dev/null 2>&1 && rbd -c "$C" resize --no-progress --allow-shrink --size 12M $P/a && rbd -c "$C" resize --no-progress --size 20M $P/a
  $ virt-rbd --json backup ceph:$P/a --to "$B" > b2.json && s2=$(snap < b2.json) && python3 -c 'import json, sys; b = json.load(sys.stdin); d = b["disks"][0]; print(d["kind"], d["from"] == sys.argv[1], d["sent"], d["size"])' $s1 < b2.json
  incremental True 1048576 20971520
  $ rbd -c "$C" snap ls $P/a --format json | python3 -c 'import json, sys; print([s["name"] for s in json.load(sys.stdin)] == [sys.argv[1]])' $s2
  True
  $ ls "$B/ceph:$P:a" | sed "s/$s1/S1/; s/$s2/S2/"
  S1.full
  S2.diff
  index

backup list: oldest first, kind and bytes sent; --json the same

  $ virt-rbd backup list ceph:$P/a --from "$B" | sed "s/$s1/S1/; s/$s2/S2/; s/$UNIQ/U/g" | awk '{$1 = $1; print}'
  BACKUP DOMAIN DISK SOURCE KIND SENT SIZE CONSISTENCY
  S1 - - ceph:vrbdt-U/a full 4 MiB 16 MiB image
  S2 - - ceph:vrbdt-U/a incremental 1 MiB 20 MiB image

Restore as another image: the chain (full, then the diff) applied, the
image as it was at the second backup, byte for byte; at the first one
too (its size then, 16 MiB)

  $ virt-rbd restore ceph:$P/a --from "$B" --as r2 | sed "s/$s2/S2/; s/$UNIQ/U/g"
  image ceph:vrbdt-U/r2 restored from S2
  $ same "$C" $P/a@$s2 "$C" $P/r2
  same
  $ virt-rbd restore ceph:$P/a@$s1 --from "$B" --as r1 > /dev/null && cmp <(rbd -c "$C" export --no-progress $P/r1 -) data.raw && echo "as at the first backup"
  as at the first backup

The same image to a pool of the other cluster: a replica image named for
it, each backup a snapshot of it, its data that of the source's snapshot

  $ virt-rbd --json backup ceph:$P/a --to zdata:$P > c1.json && c1=$(snap < c1.json) && python3 -c 'import json, sys; d = json.load(sys.stdin)["disks"][0]; print(d["kind"], d["stored"].replace(sys.argv[1], "U"))' $UNIQ < c1.json
  full zdata:vrbdt-U/bk.ceph.vrbdt-U.a
  $ same "$C" $P/a@$c1 "$Z" $P/bk.ceph.$P.a@$c1
  same
  $ rbd -c "$C" snap ls $P/a --format json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'
  2
  $ printf 'write 100\nwrite 900\nwrite 2000\nquit\n' | "$W" "$C" $P a w | tr '\n' ' '; echo
  ok 100 ok 900 ok 2000 
  $ virt-rbd --json backup ceph:$P/a --to zdata:$P > c2.json && c2=$(snap < c2.json) && python3 -c 'import json, sys; d = json.load(sys.stdin)["disks"][0]; print(d["kind"], d["from"] == sys.argv[1], d["sent"])' $c1 < c2.json
  incremental True 12288
  $ same "$C" $P/a@$c2 "$Z" $P/bk.ceph.$P.a@$c2
  same
  $ rbd -c "$Z" image-meta get $P/bk.ceph.$P.a virt-rbd.backup-of | sed "s/$UNIQ/U/g; s/ .*//"
  ceph:vrbdt-U/a

Without --to, a backup goes to the target of the last one, unless there
were several: then it asks

  $ virt-rbd backup ceph:$P/a 2>&1
  virt-rbd: error: the disks were backed up to more than one target
  virt-rbd: hint: name one with --to
  [1]

The replica shows as the backup it is (vol list -l, OWNER), and vol rm
refuses it unless --force; the source's backup snapshot, the base of
the next backup, is refused by vol snap rm unless --force

  $ virt-rbd --json vol list -l zdata:$P | python3 -c 'import json, sys; print([v["owner"].replace(sys.argv[1], "U") for v in json.load(sys.stdin) if v["name"].startswith("bk.")])' $UNIQ
  ['backup of ceph:vrbdt-U/a']
  $ virt-rbd vol rm zdata:$P/bk.ceph.$P.a 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U/bk.ceph.vrbdt-U.a' holds the backups of ceph:vrbdt-U/a (2)
  virt-rbd: hint: remove old ones with virt-rbd backup prune --from zdata:vrbdt-U (to delete them all, add --force)
  [1]
  $ virt-rbd vol snap rm ceph:$P/a@$c2 2>&1 | sed "s/$UNIQ/U/g; s/$c2/C2/"
  virt-rbd: error: snapshot 'vrbdt-U/a@C2' is the base of the next backup to zdata:vrbdt-U
  virt-rbd: hint: leave it (the next backup replaces it), or add --force: the next backup to there copies everything
  [1]
  $ rbd -c "$C" snap ls $P/a | grep -c $c2
  1

Restore from the cluster: a full copy (no backup snapshot left on it),
or --instant, a clone of the backup snapshot on the backup's cluster

  $ virt-rbd restore ceph:$P/a --from zdata:$P --as rc | sed "s/$c2/C2/; s/$UNIQ/U/g"
  image ceph:vrbdt-U/rc restored from C2
  $ same "$C" $P/a@$c2 "$C" $P/rc
  same
  $ rbd -c "$C" snap ls $P/rc | grep -c .
  0
  [1]
  $ virt-rbd restore ceph:$P/a@$c1 --from zdata:$P --as ri --instant 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: an instant restore is a clone: ceph:vrbdt-U/ri is not on the backup's cluster
  virt-rbd: hint: give --to a pool of the backup's cluster, or restore without --instant
  [1]
  $ virt-rbd restore ceph:$P/a@$c1 --from zdata:$P --as ri --instant --to zdata:$P 2> instant.err | sed "s/$c1/C1/; s/$UNIQ/U/g"
  image zdata:vrbdt-U/ri restored from C1 (a clone of the backup, ready now)
  $ sed 's#/tmp/virt-rbd-flatten-.*\.log#LOG#' instant.err
  virt-rbd: 1 image(s) flattening in the background (vol flatten; output in LOG)
  $ same "$Z" $P/bk.ceph.$P.a@$c1 "$Z" $P/ri
  same

The flatten in the background ends: the image no longer needs the
backup (its data the same)

  $ for i in $(seq 600); do rbd -c "$Z" info $P/ri --format json | python3 -c 'import json, sys; sys.exit("parent" in json.load(sys.stdin))' && break; sleep 0.1; done; rbd -c "$Z" info $P/ri --format json | python3 -c 'import json, sys; print("parent" in json.load(sys.stdin))'
  False
  $ same "$Z" $P/bk.ceph.$P.a@$c1 "$Z" $P/ri
  same
  $ cat $(sed -n 's#.*output in \(/tmp/virt-rbd-flatten-[^)]*\.log\).*#\1#p' instant.err) | sed "s/$UNIQ/U/g" && rm -f $(sed -n 's#.*output in \(/tmp/virt-rbd-flatten-[^)]*\.log\).*#\1#p' instant.err)
  image zdata:vrbdt-U/ri flattened: it has no parent now

Restore refuses what exists, and what is not there, changing nothing

  $ virt-rbd restore ceph:$P/a --from "$B" 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image ceph:vrbdt-U/a exists already
  virt-rbd: hint: restore under another name (--as), or elsewhere (--to)
  [1]
  $ virt-rbd restore ceph:$P/a@bk-19700101T000000Z --from "$B" --as x 2>&1 | sed "s/$UNIQ/U/g; s#$B#B#"
  virt-rbd: error: 'ceph:vrbdt-U/a' has no backup 'bk-19700101T000000Z' on B
  virt-rbd: hint: see virt-rbd backup list
  [1]

A backup chosen by time (UTC): the newest at or before it

  $ virt-rbd restore ceph:$P/a@2999-01-01 --from "$B" --as rt | sed "s/$s2/S2/; s/$UNIQ/U/g"
  image ceph:vrbdt-U/rt restored from S2
  $ virt-rbd restore ceph:$P/a@1970-01-01T00:00 --from "$B" --as rt2 2>&1 | sed "s/$UNIQ/U/g; s#$B#B#"
  virt-rbd: error: 'ceph:vrbdt-U/a' has no backup at or before 1970-01-01T00:00 on B
  virt-rbd: hint: see virt-rbd backup list
  [1]
  $ virt-rbd restore ceph:$P/a@yesterday --from "$B" --as rt2 2>&1
  virt-rbd: error: 'yesterday' is neither a backup nor a time
  virt-rbd: hint: give a backup's name (bk-...) or a UTC time, 2026-12-07T08:15 or 2026-12-07
  [1]

backup verify reads every file back; a flipped byte in the diff is
named with its offset, the exit status is 1, and a restore of that
backup fails without leaving an image (nor its temporary one); the
first backup still restores

  $ virt-rbd backup verify --from "$B" | sed "s/$UNIQ/U/g"
  2 backup(s) read back whole, 5 MiB of data
  $ cp "$B/ceph:$P:a/$s2.diff" keep.diff && python3 -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(4096); b = f.read(1); f.seek(4096); f.write(bytes([b[0] ^ 1]))' "$B/ceph:$P:a/$s2.diff"
  $ virt-rbd backup verify --from "$B" | sed "s/$UNIQ/U/g; s/$s2/S2/g; s#$B#B#g"
  BAD B/ceph:vrbdt-U:a/S2.diff: backup file 'B/ceph:vrbdt-U:a/S2.diff' does not check at byte *: a data record's checksum is wrong (glob)
  1 backup(s) read back whole, 4 MiB of data
  [1]
  $ virt-rbd restore ceph:$P/a@$s2 --from "$B" --as bad 2>&1 | sed "s/$UNIQ/U/g; s/$s2/S2/; s#$B#B#"
  virt-rbd: error: backup file 'B/ceph:vrbdt-U:a/S2.diff' does not check at byte *: a data record's checksum is wrong (glob)
  virt-rbd: hint: the file is damaged or cut short: restore from another backup
  [1]
  $ rbd -c "$C" ls $P | grep -c bad
  0
  [1]
  $ rbd -c "$C" ls $P | grep -c virt-rbd-restore
  0
  [1]

A missing file: named before anything is made

  $ mv "$B/ceph:$P:a/$s1.full" away.full
  $ virt-rbd restore ceph:$P/a@$s2 --from "$B" --as bad 2>&1 | sed "s/$UNIQ/U/g; s/$s1/S1/; s#$B#B#"
  virt-rbd: error: backup file 'B/ceph:vrbdt-U:a/S1.full' of ceph:vrbdt-U/a: No such file or directory
  virt-rbd: hint: restore an older backup (see virt-rbd backup list), or check them all with virt-rbd backup verify
  [1]
  $ mv away.full "$B/ceph:$P:a/$s1.full" && cp keep.diff "$B/ceph:$P:a/$s2.diff" && virt-rbd backup verify --from "$B" ceph:$P/a | tail -1
  2 backup(s) read back whole, 5 MiB of data

A running VM with a disk on each cluster, no guest agent: the VM is
paused for the snapshots, which are crash-consistent together, and the
backup says so; its definition goes with it

  $ virt-rbd vm create v-$UNIQ --size 16M --pool ceph:$P --memory 256 --kernel "$VRBD_LAB_GUEST_DIR/vmlinuz" --initrd "$VRBD_LAB_GUEST_DIR/initrd.img" --cmdline "console=ttyS0 quiet panic=-1 marker=m$UNIQ hold=600" --start > /dev/null
  $ rbd -c "$Z" import --no-progress data.raw $P/v-data && virt-rbd disk attach v-$UNIQ zdata:$P/v-data > /dev/null
  $ virt-rbd backup v-$UNIQ --to "$B" > v1.out && sed -n 2p v1.out
  consistency: crash-consistent: the VM was paused * s for the snapshots (no freeze: * guest agent is not connected) (glob)
  $ awk 'NR > 3 {print $1, $2, $3}' v1.out | sed "s/$UNIQ/U/g"
  vda ceph:vrbdt-U/v-U full
  vdb zdata:vrbdt-U/v-data full
  $ v1=$(awk 'NR == 1 {print $2}' v1.out); virsh -q -c "$VIRT_RBD_LIBVIRT_URI" domstate v-$UNIQ
  running
  $ ls "$B/domains/v-$UNIQ" | sed "s/$v1/V1/"
  V1.xml

The next backup is incremental for both disks, and the list shows the
two backups of both

  $ virt-rbd --json backup v-$UNIQ > v2.json && v2=$(snap < v2.json) && python3 -c 'import json, sys; b = json.load(sys.stdin); print(b["consistency"], [(d["dev"], d["kind"]) for d in b["disks"]])' < v2.json
  paused [('vda', 'incremental'), ('vdb', 'incremental')]
  $ virt-rbd backup list v-$UNIQ | sed "s/$UNIQ/U/g; s/$v1/V1/; s/$v2/V2/" | awk '{print $1, $2, $3, $4, $5, $NF}'
  BACKUP DOMAIN DISK SOURCE KIND CONSISTENCY
  V1 v-U vda ceph:vrbdt-U/v-U full paused
  V1 v-U vdb zdata:vrbdt-U/v-data full paused
  V2 v-U vda ceph:vrbdt-U/v-U incremental paused
  V2 v-U vdb zdata:vrbdt-U/v-data incremental paused

Restore the VM as a copy: a new domain, its images NAME-vda and
NAME-vdb on their clusters, no UUID or MAC of the original's; the data
disk as it was at the backup's snapshot

  $ virt-rbd restore v-$UNIQ --as vc-$UNIQ | sed "s/$UNIQ/U/g; s/$v2/V2/"
  image ceph:vrbdt-U/vc-U-vda restored from V2
  image zdata:vrbdt-U/vc-U-vdb restored from V2
  domain 'vc-U' defined (not started)
  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" dumpxml --inactive vc-$UNIQ > vc.xml && grep -o "name='$P/[^']*'" vc.xml | sed "s/$UNIQ/U/g"
  name='vrbdt-U/vc-U-vda'
  name='vrbdt-U/vc-U-vdb'
  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" domuuid v-$UNIQ | grep -c -f - vc.xml
  0
  [1]
  $ same "$Z" $P/v-data@$v2 "$Z" $P/vc-$UNIQ-vdb
  same
  $ virt-rbd restore v-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: domain 'v-U' exists already
  virt-rbd: hint: restore it under another name (--as)
  [1]

The VM removed with its disks (to the trash): restore (its target named,
the disks being gone) brings it back, its definition the same as before

  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" dumpxml --inactive v-$UNIQ > before.xml && virsh -q -c "$VIRT_RBD_LIBVIRT_URI" destroy v-$UNIQ > /dev/null && virt-rbd vm rm v-$UNIQ --disks > /dev/null
  $ virt-rbd restore v-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: no domain 'v-U': Domain not found: no domain with matching name 'v-U'
  virt-rbd: hint: name the backup target with --from
  [1]
  $ virt-rbd restore v-$UNIQ --from "$B" > /dev/null && virsh -q -c "$VIRT_RBD_LIBVIRT_URI" dumpxml --inactive v-$UNIQ | diff before.xml - && echo "the same definition"
  the same definition
  $ same "$Z" $P/vc-$UNIQ-vdb "$Z" $P/v-data
  same

A VM with a disk that is not on RBD: refused, naming it; --skip-local
backs up the others and says which it left

  $ truncate -s 4M local.raw && virsh -q -c "$VIRT_RBD_LIBVIRT_URI" attach-disk v-$UNIQ "$PWD/local.raw" vdc --config > /dev/null
  $ virt-rbd backup v-$UNIQ --to "$B" 2>&1 | sed "s/$UNIQ/U/g; s#$PWD#D#"
  virt-rbd: error: disk vdc of domain 'v-U' is not on RBD (D/local.raw)
  virt-rbd: hint: move it to RBD (virt-rbd vm move --offline), or back up the rest with --skip-local
  [1]
  $ virt-rbd backup v-$UNIQ --to "$B" --skip-local | sed -n '2p;$p' | sed "s/$UNIQ/U/g; s#$PWD#D#"
  consistency: the VM was shut off
  skipped (not on RBD): vdc D/local.raw

Killed midway (after the first disk went, the second not): the backups
before are whole, the first disk's new one too; the next run sends the
second disk from its last complete backup, and nothing is left behind
(no temporary file, no stray snapshot)

  $ VRBD_TEST_PAUSE_AT=backup-sent-first virt-rbd backup v-$UNIQ --to "$B" --skip-local > killed.out 2>&1 & pid=$!
  > bash "$TESTDIR/waitstop" $pid && { kill -KILL $pid; wait $pid; } 2> /dev/null; echo "exit $?"
  exit 137
  $ virt-rbd --json backup list v-$UNIQ --from "$B" | python3 -c 'import json, sys; e = json.load(sys.stdin); n = {}; [n.__setitem__(x["dev"], n.get(x["dev"], 0) + 1) for x in e]; print(sorted(n.items()))'
  [('vda', 4), ('vdb', 3)]
  $ virt-rbd backup verify v-$UNIQ --from "$B" | tail -1
  7 backup(s) read back whole, * of data (glob)
  $ virt-rbd --json backup v-$UNIQ --to "$B" --skip-local | python3 -c 'import json, sys; print([(d["dev"], d["kind"]) for d in json.load(sys.stdin)["disks"]])'
  [('vda', 'incremental'), ('vdb', 'incremental')]
  $ for c in "$C" "$Z"; do rbd -c "$c" snap ls $P/$( [ "$c" = "$C" ] && echo v-$UNIQ || echo v-data) --format json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'; done
  1
  1

The backup that was killed after its first disk is incomplete: restore
refuses it by name and passes it by for the newest

  $ k=$(virt-rbd --json backup list v-$UNIQ --from "$B" | python3 -c 'import json, sys, collections as c; n = c.Counter(e["name"] for e in json.load(sys.stdin)); print([k for k, v in n.items() if v == 1][0])')
  $ virt-rbd restore v-$UNIQ@$k --from "$B" --as vk-$UNIQ 2>&1 | sed "s/$UNIQ/U/g; s/$k/K/"
  virt-rbd: error: backup 'K' of 'v-U' is incomplete: 1 of its 2 disks (it was stopped midway)
  virt-rbd: hint: restore an older one (see virt-rbd backup list)
  [1]

A backup of one of its disks alone, then of the VM, on one chain: the
VM's restores, and verifies

  $ virt-rbd backup ceph:$P/v-$UNIQ --to "$B" > /dev/null && virt-rbd --json backup v-$UNIQ --to "$B" --skip-local | python3 -c 'import json, sys; print([d["kind"] for d in json.load(sys.stdin)["disks"]])'
  ['incremental', 'incremental']
  $ virt-rbd restore v-$UNIQ --from "$B" --as vz-$UNIQ | tail -1 | sed "s/$UNIQ/U/g"
  domain 'vz-U' defined (not started)
  $ virt-rbd backup verify v-$UNIQ --from "$B" | grep -c BAD
  0
  [1]
  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" undefine vz-$UNIQ > /dev/null

Killed in the middle of a file: no file under its name, the index as it
was; the next run removes the temporary file and finishes

  $ head -c 12M /dev/urandom > big.raw && rbd -c "$C" import --no-progress big.raw $P/big
  $ VRBD_TEST_PAUSE_AT=backup-file-midway virt-rbd backup ceph:$P/big --to "$B" > killed2.out 2>&1 & pid=$!
  > bash "$TESTDIR/waitstop" $pid && { kill -KILL $pid; wait $pid; } 2> /dev/null; echo "exit $?"
  exit 137
  $ ls -A "$B/ceph:$P:big" | sed 's/^\.bk-[0-9TZ]*\.full\.tmp\.[0-9]*$/TEMP/'
  TEMP
  .lock
  $ virt-rbd backup ceph:$P/big --to "$B" > /dev/null && ls -A "$B/ceph:$P:big" | grep -c tmp
  0
  [1]
  $ virt-rbd --json backup list ceph:$P/big --from "$B" | python3 -c 'import json, sys; print([e["kind"] for e in json.load(sys.stdin)])'
  ['full']

One backup of an image into a directory at a time: while one is
writing, another of the same image is refused before it makes a
snapshot.  Interrupted (SIGINT) in the middle of a file, the first says
so, exits 130, and leaves nothing of this backup (no file, no
temporary, no snapshot)

  $ VRBD_TEST_PAUSE_AT=backup-file-midway virt-rbd backup ceph:$P/big --to "$B" --full > int.out 2>&1 & pid=$!
  > bash "$TESTDIR/waitstop" $pid
  $ virt-rbd backup ceph:$P/big --to "$B" 2>&1 | sed "s#$B#B#; s/$UNIQ/U/g"
  virt-rbd: error: another backup or prune of 'B/ceph:vrbdt-U:big' is running
  virt-rbd: hint: wait for it to end, then run it again
  [1]
  $ rbd -c "$C" snap ls $P/big --format json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'
  2
  $ kill -INT $pid && kill -CONT $pid; wait $pid; echo "exit $?"
  exit 130
  $ sed "s/$UNIQ/U/g" int.out
  virt-rbd: error: backup of 'ceph:vrbdt-U/big' interrupted
  virt-rbd: hint: run it again
  $ ls -A "$B/ceph:$P:big" | grep -c -v '^index$\|^\.lock$'
  1
  $ rbd -c "$C" snap ls $P/big --format json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'
  1

The target cluster paused once the snapshots are made: the backup fails
within its timeout, naming it; the earlier backups are whole, and the
next run (the cluster back) continues from the last complete one

  $ VRBD_TEST_PAUSE_AT=backup-snapped virt-rbd --timeout 3 backup ceph:$P/a --to zdata:$P > paused.out 2>&1 & pid=$!
  > bash "$TESTDIR/waitstop" $pid && "$TESTDIR/../../scripts/lab" pause zdata > /dev/null && kill -CONT $pid; wait $pid; echo "exit $?"; "$TESTDIR/../../scripts/lab" resume zdata > /dev/null
  exit 1
  $ sed "s/$UNIQ/U/g" paused.out
  virt-rbd: error: cannot check whether 'vrbdt-U/bk.ceph.vrbdt-U.a' exists: timed out, cluster 'zdata' did not answer for 3 s
  virt-rbd: hint: check the cluster's health (ceph -s), or raise --timeout
  $ rbd -c "$C" snap ls $P/a --format json | python3 -c 'import json, sys; print(sorted(s["name"] for s in json.load(sys.stdin)) == sorted(sys.argv[1:]))' $s2 $c2
  True
  $ virt-rbd --json backup ceph:$P/a --to zdata:$P | python3 -c 'import json, sys; d = json.load(sys.stdin)["disks"][0]; print(d["kind"], d["from"] == sys.argv[1])' $c2
  incremental True
  $ virt-rbd backup verify --from zdata:$P | tail -1
  3 backup(s) read back whole, * of data (glob)

The target pool full (its quota reached) once the snapshots are made:
the backup fails within its timeout naming the pool and its quota (not
a cluster that "did not answer"), and the source keeps no snapshot of
it; a backup started while the pool is full is refused at once; the
earlier backups are whole, and with the quota gone the next backup
continues from the last complete one, the image as it was (once the
stopped run's watch on the replica expired: the full pool kept it from
removing it, and an incremental copy refuses an image open elsewhere)

  $ printf 'write 20\nquit\n' | "$W" "$C" $P a w > /dev/null && rbd -c "$C" snap ls $P/a --format json > before.json && c3=$(python3 -c 'import json, sys; print([s["name"] for s in json.load(sys.stdin)][-1])' < before.json)
  $ flags() { ceph -c "$Z" osd pool ls detail --format json | python3 -c 'import json, sys; print([p["flags_names"] for p in json.load(sys.stdin) if p["pool_name"] == sys.argv[1]][0])' $P; }
  $ waitfull() { for i in $(seq 300); do f=$(flags) || return 1; case $f in *full_quota*) [ $1 = yes ] && return 0 ;; *) [ $1 = no ] && return 0 ;; esac; sleep 0.2; done; echo "pool flags: $f"; return 1; }
  $ VRBD_TEST_PAUSE_AT=backup-snapped virt-rbd --timeout 3 backup ceph:$P/a --to zdata:$P > full.out 2>&1 & pid=$!
  > bash "$TESTDIR/waitstop" $pid && ceph -c "$Z" osd pool set-quota $P max_bytes 1 2> /dev/null && waitfull yes; kill -CONT $pid; wait $pid; echo "exit $?"
  exit 1
  $ sed "s/$UNIQ/U/g" full.out
  virt-rbd: error: target pool 'zdata:vrbdt-U' is full, its quota of 1 bytes is reached: the backup stopped, the earlier ones are whole
  virt-rbd: hint: prune backups there (virt-rbd backup prune), raise the quota (ceph osd pool set-quota) or free space in the pool, then run it again
  $ rbd -c "$C" snap ls $P/a --format json | cmp - before.json && echo unchanged
  unchanged
  $ virt-rbd backup ceph:$P/a --to zdata:$P 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: target pool 'zdata:vrbdt-U' is full, its quota of 1 bytes is reached: no backup was made
  virt-rbd: hint: prune backups there (virt-rbd backup prune), raise the quota (ceph osd pool set-quota) or free space in the pool, then run it again
  [1]
  $ rbd -c "$C" snap ls $P/a --format json | cmp - before.json && echo unchanged
  unchanged
  $ virt-rbd backup verify --from zdata:$P | tail -1
  3 backup(s) read back whole, * of data (glob)
  $ ceph -c "$Z" osd pool set-quota $P max_bytes 0 2> /dev/null && waitfull no
  $ unwatched() { for i in $(seq 200); do w=$(rbd -c "$Z" status $1 --format json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["watchers"]))') || return 1; [ "$w" = 0 ] && return 0; sleep 0.2; done; echo "$1 still watched"; return 1; }
  $ unwatched $P/bk.ceph.$P.a
  $ virt-rbd --json backup ceph:$P/a --to zdata:$P > f.json && f=$(snap < f.json) && python3 -c 'import json, sys; d = json.load(sys.stdin)["disks"][0]; print(d["kind"], d["from"] == sys.argv[1])' $c3 < f.json
  incremental True
  $ same "$C" $P/a@$f "$Z" $P/bk.ceph.$P.a@$f
  same

backup prune: --dry-run says what would go and changes nothing; then in
the directory the two oldest backups of the image go, each merged into
the one after it (the first kept one becomes full), and both kept ones
still restore byte for byte (each compared with the image as it was
when it was taken); on the cluster the replica's older snapshots go

  $ printf 'write 10\nquit\n' | "$W" "$C" $P a w > /dev/null && virt-rbd --json backup ceph:$P/a --to "$B" > b3.json && s3=$(snap < b3.json) && rbd -c "$C" export --no-progress $P/a@$s3 at3.raw
  $ printf 'write 4000\nquit\n' | "$W" "$C" $P a w > /dev/null && virt-rbd --json backup ceph:$P/a --to "$B" > b4.json && s4=$(snap < b4.json) && rbd -c "$C" export --no-progress $P/a@$s4 at4.raw
  $ virt-rbd backup prune ceph:$P/a --from "$B" --keep-last 2 --dry-run | sed "s/$s1/S1/; s/$s2/S2/; s/$s3/S3/; s/$s4/S4/; s/$UNIQ/U/g"
  keep    S3 ceph:vrbdt-U/a
  keep    S4 ceph:vrbdt-U/a
  would remove  S1 ceph:vrbdt-U/a
  would remove  S2 ceph:vrbdt-U/a
  2 kept, 2 would be removed
  $ ls "$B/ceph:$P:a" | sed "s/$s1/S1/; s/$s2/S2/; s/$s3/S3/; s/$s4/S4/"
  S1.full
  S2.diff
  S3.diff
  S4.diff
  index
  $ virt-rbd backup prune ceph:$P/a --from "$B" --keep-last 2 | tail -1
  2 kept, 2 removed (2 merged into a later backup)
  $ ls "$B/ceph:$P:a" | sed "s/$s3/S3/; s/$s4/S4/"
  S3.full
  S4.diff
  index
  $ virt-rbd --json backup list ceph:$P/a --from "$B" | python3 -c 'import json, sys; print([(e["name"] == n, e["kind"]) for e, n in zip(json.load(sys.stdin), sys.argv[1:])])' $s3 $s4
  [(True, 'full'), (True, 'incremental')]
  $ virt-rbd restore ceph:$P/a@$s3 --from "$B" --as p3 > /dev/null && rbd -c "$C" export --no-progress $P/p3 - | cmp - at3.raw && echo "S3 as it was"
  S3 as it was
  $ virt-rbd restore ceph:$P/a@$s4 --from "$B" --as p4 > /dev/null && rbd -c "$C" export --no-progress $P/p4 - | cmp - at4.raw && echo "S4 as it was"
  S4 as it was
  $ virt-rbd backup verify ceph:$P/a --from "$B" | tail -1
  2 backup(s) read back whole, * of data (glob)
  $ virt-rbd --json backup prune ceph:$P/a --from zdata:$P --keep-last 1 | python3 -c 'import json, sys; r = json.load(sys.stdin); print(len(r["kept"]), len(r["removed"]), r["merged"])'
  1 3 0
  $ rbd -c "$Z" snap ls $P/bk.ceph.$P.a --format json | python3 -c 'import json, sys; print([s["name"] for s in json.load(sys.stdin)] == sys.argv[1:])' $(virt-rbd --json backup list ceph:$P/a --from zdata:$P | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["name"])')
  True
  $ same "$Z" $P/bk.ceph.$P.a@$(virt-rbd --json backup list ceph:$P/a --from zdata:$P | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["name"])') "$Z" $P/bk.ceph.$P.a
  same
  $ virt-rbd backup prune ceph:$P/a --from zdata:$P 2>&1 | head -1
  virt-rbd: error: say what to keep: --keep-last, --keep-daily or --keep-weekly
  [2]

Bad input

  $ virt-rbd backup ceph:$P/a --to nosuch/dir 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: pool 'nosuch' not found in cluster 'ceph'
  virt-rbd: hint: see 'virt-rbd pool list ceph:'
  [1]
  $ virt-rbd backup ceph:$P/a --to /nonexistent/dir 2>&1
  virt-rbd: error: cannot create backup directory '/nonexistent/dir': No such file or directory
  virt-rbd: hint: create its parent directory first
  [1]
  $ virt-rbd backup nosuch-$UNIQ --to "$B" 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: no domain 'nosuch-U': Domain not found: no domain with matching name 'nosuch-U'
  virt-rbd: hint: see 'virsh list --all'
  [1]
  $ virt-rbd backup list 2>&1 | head -1
  virt-rbd: error: give DOMAIN, IMAGE or --from TARGET
  [2]
  $ virt-rbd restore ceph:$P/a --from "$B" --as x --instant 2>&1 | sed "s#$B#B#"
  virt-rbd: error: an instant restore needs a cluster target: B is a directory
  virt-rbd: hint: restore without --instant, or from a cluster target
  [1]

A VM whose disks hold the bases of their next backups is removed with
them at once (--now): those snapshots are virt-rbd's, not the user's;
its backups stay

  $ virt-rbd vm rm v-$UNIQ --disks --now | sed "s/$UNIQ/U/g"
  vm 'v-U' removed with its RBD disks
  $ virt-rbd --json backup list v-$UNIQ --from "$B" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'
  11

Clean-up (clones before their parents)

  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" undefine vc-$UNIQ > /dev/null
  $ for c in "$Z" "$C"; do for i in $(rbd -c "$c" ls $P | sort -r); do rbd -c "$c" snap purge --no-progress $P/$i && rbd -c "$c" rm --no-progress $P/$i || echo "failed on $i"; done; done
  $ for c in ceph zdata; do virt-rbd vol trash purge $c:$P > /dev/null && virt-rbd host disconnect $c:$P > /dev/null && virt-rbd pool rm $c:$P --yes-i-really-mean-it > /dev/null || echo "failed on $c"; done
