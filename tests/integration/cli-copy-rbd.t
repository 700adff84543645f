#require lab
Set up: both clusters, a pool on each; on ceph an image of 64 MiB holding
data at 8 MiB (4 MiB) and 40 MiB (1 MiB), snapshot s1

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ for c in ceph zdata; do virt-rbd pool create $c:vrbdt-$UNIQ --pg 8 > /dev/null; done
  $ truncate -s 64M src.raw; head -c 4M /dev/urandom | dd of=src.raw bs=1M seek=8 conv=notrunc status=none
  $ head -c 1M /dev/urandom | dd of=src.raw bs=1M seek=40 conv=notrunc status=none
  $ virt-rbd import src.raw ceph:vrbdt-$UNIQ/src > /dev/null && virt-rbd vol snap create ceph:vrbdt-$UNIQ/src@s1 > /dev/null
  $ q() { qemu-io -f raw "rbd:vrbdt-$UNIQ/src:conf=$VRBD_LAB_CEPH_CONF:id=admin:keyring=$VRBD_LAB_CEPH_KEYRING" "$@" > /dev/null; }
  $ sum() { rbd -c "$1" export --no-progress "$2" - 2>/dev/null | sha256sum | cut -c1-16; }

A full copy to the other cluster: identical to the snapshot, thin, and
carrying the snapshot (the base of later incremental copies)

  $ virt-rbd copy --verify ceph:vrbdt-$UNIQ/src@s1 zdata:vrbdt-$UNIQ/dst | sed "s/$UNIQ/U/g; s/in [0-9.]* s, [^,]*\/s/in N s/"
  copied ceph:vrbdt-U/src@s1 -> zdata:vrbdt-U/dst: 64 MiB, 5 MiB of data (5 MiB written, rest zero or holes) in N s, verified
  $ [ "$(sum "$VRBD_LAB_CEPH_CONF" vrbdt-$UNIQ/src@s1)" = "$(sum "$VRBD_LAB_ZDATA_CONF" vrbdt-$UNIQ/dst)" ] && echo identical
  identical
  $ for s in ceph:vrbdt-$UNIQ/src zdata:vrbdt-$UNIQ/dst; do virt-rbd --json vol info $s | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["used"], [s["name"] for s in d["snapshots"]])'; done
  8388608 ['s1']
  8388608 ['s1']
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ
  dst

A big thin image: its fast-diff map says which objects to read, and only
those are then asked at byte granularity, so a copy of 64 GiB holding
192 KiB looks at 3 of its 16384 objects.  The extents stay what librbd
reports per object, not whole objects: 64 KiB in the first two, and the
whole last one, whose RADOS object ends where the write does.  Of the
4.13 MiB read, only the 192 KiB that are not zeros are written

  $ virt-rbd vol create ceph:vrbdt-$UNIQ/big --size 64G > /dev/null
  $ qemu-io -f raw "rbd:vrbdt-$UNIQ/big:conf=$VRBD_LAB_CEPH_CONF:id=admin:keyring=$VRBD_LAB_CEPH_KEYRING" -c 'write -P 0x11 0 64k' -c 'write -P 0x22 30G 64k' -c 'write -P 0x33 67108800k 64k' > /dev/null
  $ virt-rbd vol snap create ceph:vrbdt-$UNIQ/big@b1 > /dev/null
  $ virt-rbd copy --verify ceph:vrbdt-$UNIQ/big@b1 zdata:vrbdt-$UNIQ/big | sed "s/$UNIQ/U/g; s/in [0-9.]* s, [^,]*\/s/in N s/"
  copied ceph:vrbdt-U/big@b1 -> zdata:vrbdt-U/big: 64 GiB, 4.13 MiB of data (192 KiB written, rest zero or holes) in N s, verified
  $ rbd -c "$VRBD_LAB_CEPH_CONF" diff vrbdt-$UNIQ/big@b1 > a.diff; rbd -c "$VRBD_LAB_ZDATA_CONF" diff vrbdt-$UNIQ/big@b1 > b.diff; cmp a.diff b.diff && cat b.diff
  Offset       Length   Type
  0            65536    data
  32212254720  65536    data
  68715282432  4194304  data

The source changes (new data at 1 MiB, the 1 MiB at 40 MiB zeroed): an
incremental copy moves only that, and the target matches the new snapshot
(librbd reports the new object from its start: the 1 MiB of zeros
before the new data is zeroed as well, not written)

  $ q -c 'write -P 0xab 1M 64k' -c 'write -z 40M 1M'
  $ virt-rbd vol snap create ceph:vrbdt-$UNIQ/src@s2 > /dev/null
  $ virt-rbd copy --incremental ceph:vrbdt-$UNIQ/src@s2 zdata:vrbdt-$UNIQ/dst | sed "s/$UNIQ/U/g; s/in [0-9.]* s/in N s/"
  copied ceph:vrbdt-U/src@s2 -> zdata:vrbdt-U/dst incrementally from @s1: [0-9.]+ [KM]iB of changes read, 64 KiB written, 2 MiB zeroed, in N s (re)
  $ [ "$(sum "$VRBD_LAB_CEPH_CONF" vrbdt-$UNIQ/src@s2)" = "$(sum "$VRBD_LAB_ZDATA_CONF" vrbdt-$UNIQ/dst)" ] && echo identical
  identical
  $ virt-rbd --json vol info zdata:vrbdt-$UNIQ/dst | python3 -c 'import json,sys; d=json.load(sys.stdin); print([s["name"] for s in d["snapshots"]])'
  ['s1', 's2']
  $ virt-rbd copy --incremental ceph:vrbdt-$UNIQ/src@s2 zdata:vrbdt-$UNIQ/dst | sed "s/$UNIQ/U/g"
  zdata:vrbdt-U/dst is at @s2 already: nothing to copy

Zeros written over data (4 KiB of new data at 8 MiB, then 1020 KiB of
written zeros) are zeroed on the target (write_zeroes), not written: its
OSDs write the 4 KiB and the snapshot's few bytes, not the MiB

  $ q -c 'write -P 0x5c 8M 4k' -c 'write -P 0 8196k 1020k'
  $ virt-rbd vol snap create ceph:vrbdt-$UNIQ/src@s3 > /dev/null
  $ a=$(bash "$TESTDIR/osd-wrote" "$VRBD_LAB_ZDATA_CONF" vrbdt-$UNIQ); virt-rbd copy --incremental ceph:vrbdt-$UNIQ/src@s3 zdata:vrbdt-$UNIQ/dst | sed "s/$UNIQ/U/g; s/in [0-9.]* s/in N s/"; d=$(($(bash "$TESTDIR/osd-wrote" "$VRBD_LAB_ZDATA_CONF" vrbdt-$UNIQ) - a)); [ $d -lt 16384 ] && echo "OSDs wrote under 16 KiB" || echo "OSDs wrote $d bytes"
  copied ceph:vrbdt-U/src@s3 -> zdata:vrbdt-U/dst incrementally from @s2: 1 MiB of changes read, 4 KiB written, 1020 KiB zeroed, in N s
  OSDs wrote under 16 KiB
  $ [ "$(sum "$VRBD_LAB_CEPH_CONF" vrbdt-$UNIQ/src@s3)" = "$(sum "$VRBD_LAB_ZDATA_CONF" vrbdt-$UNIQ/dst)" ] && echo identical
  identical

Refusals name the way out, and change nothing

  $ virt-rbd copy ceph:vrbdt-$UNIQ/src@s1 zdata:vrbdt-$UNIQ/dst 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U/dst' exists already
  virt-rbd: hint: give --force to replace it, or --incremental to bring it up to a newer snapshot
  [1]
  $ virt-rbd copy --incremental ceph:vrbdt-$UNIQ/src zdata:vrbdt-$UNIQ/dst 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: an incremental copy goes from snapshot to snapshot: the source needs @SNAP
  virt-rbd: hint: snapshot the source (virt-rbd vol snap create) and copy SRC@SNAP
  [1]
  $ virt-rbd copy --incremental ceph:vrbdt-$UNIQ/src@s2 zdata:vrbdt-$UNIQ/dst 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: 'vrbdt-U/dst' is at snapshot 's3', which is newer than 's2': an incremental copy only goes forward
  virt-rbd: hint: copy a newer snapshot of the source, or copy this one in full with --force
  [1]
  $ [ "$(sum "$VRBD_LAB_CEPH_CONF" vrbdt-$UNIQ/src@s3)" = "$(sum "$VRBD_LAB_ZDATA_CONF" vrbdt-$UNIQ/dst)" ] && echo identical
  identical
  $ virt-rbd copy ceph:vrbdt-$UNIQ/src zdata:vrbdt-$UNIQ/plain > /dev/null
  $ virt-rbd copy --incremental ceph:vrbdt-$UNIQ/src@s2 zdata:vrbdt-$UNIQ/plain 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: 'vrbdt-U/plain' has no snapshot: nothing to copy incrementally from
  virt-rbd: hint: copy to a new image without --incremental
  [1]
  $ virt-rbd copy ceph:vrbdt-$UNIQ/nosuch@s1 zdata:vrbdt-$UNIQ/x 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image or snapshot 'vrbdt-U/nosuch@s1' not found in cluster 'ceph'
  [1]

A copy onto its own source, or onto the source's parent or clone, is
refused with or without --force, and the source keeps its snapshots and
data (a copy of src@s1 onto src once replaced src and lost s2 and s3)

  $ for f in --force ""; do virt-rbd copy $f ceph:vrbdt-$UNIQ/src@s1 ceph:vrbdt-$UNIQ/src 2>&1 | sed "s/$UNIQ/U/g"; done
  virt-rbd: error: 'vrbdt-U/src' is the image the copy reads from: copying it onto itself would destroy it
  virt-rbd: hint: copy to another name; to go back to a snapshot, use vol snap rollback
  virt-rbd: error: 'vrbdt-U/src' is the image the copy reads from: copying it onto itself would destroy it
  virt-rbd: hint: copy to another name; to go back to a snapshot, use vol snap rollback
  [1]
  $ virt-rbd vol clone ceph:vrbdt-$UNIQ/src@s1 ceph:vrbdt-$UNIQ/kid > /dev/null
  $ virt-rbd copy --force ceph:vrbdt-$UNIQ/kid ceph:vrbdt-$UNIQ/src 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: 'vrbdt-U/src' is the parent of 'vrbdt-U/kid' (a clone of it): replacing it would destroy the source's data
  virt-rbd: hint: copy to another name, or flatten the source first (vol flatten)
  [1]
  $ virt-rbd copy --force ceph:vrbdt-$UNIQ/src@s2 ceph:vrbdt-$UNIQ/kid 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: 'vrbdt-U/kid' is a clone of 'vrbdt-U/src', the image the copy reads from: not replacing it
  virt-rbd: hint: copy to another name, or remove the clone first
  [1]
  $ virt-rbd vol rm --now ceph:vrbdt-$UNIQ/kid > /dev/null
  $ rbd -c "$VRBD_LAB_CEPH_CONF" snap ls vrbdt-$UNIQ/src | awk 'NR > 1 {print $2}'
  s1
  s2
  s3
  $ [ "$(sum "$VRBD_LAB_CEPH_CONF" vrbdt-$UNIQ/src)" = "$(sum "$VRBD_LAB_CEPH_CONF" vrbdt-$UNIQ/src@s3)" ] && echo "src as it was"
  src as it was

--force replaces an existing target once the copy is complete: the target
then holds the source's @s1 content and its snapshot; an image in use is
not replaced; --force with --incremental is refused

  $ virt-rbd copy --force ceph:vrbdt-$UNIQ/src@s1 zdata:vrbdt-$UNIQ/plain | sed "s/$UNIQ/U/g; s/in [0-9.]* s, [^,]*\/s/in N s/"
  copied ceph:vrbdt-U/src@s1 -> zdata:vrbdt-U/plain: 64 MiB, 5 MiB of data (5 MiB written, rest zero or holes) in N s
  $ [ "$(sum "$VRBD_LAB_CEPH_CONF" vrbdt-$UNIQ/src@s1)" = "$(sum "$VRBD_LAB_ZDATA_CONF" vrbdt-$UNIQ/plain@s1)" ] && echo identical
  identical
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ | grep -c 'virt-rbd-'
  0
  [1]
  $ mkfifo hold; qemu-io -f raw "rbd:vrbdt-$UNIQ/plain:conf=$VRBD_LAB_ZDATA_CONF:id=admin:keyring=$VRBD_LAB_ZDATA_KEYRING" < hold > /dev/null & pid=$!; exec 3> hold
  > for i in $(seq 100); do rbd -c "$VRBD_LAB_ZDATA_CONF" status vrbdt-$UNIQ/plain | grep watcher= > /dev/null && break; sleep 0.1; done
  > virt-rbd copy --force ceph:vrbdt-$UNIQ/src@s1 zdata:vrbdt-$UNIQ/plain 2>&1 | sed "s/$UNIQ/U/g"; echo "exit $?"
  > exec 3>&-; wait $pid
  virt-rbd: error: image 'vrbdt-U/plain' is in use or has clones or protected snapshots: not replacing it
  virt-rbd: hint: see virt-rbd vol who and vol info
  exit 1
  $ virt-rbd copy --force --incremental ceph:vrbdt-$UNIQ/src@s2 zdata:vrbdt-$UNIQ/plain 2>&1
  virt-rbd: error: --force and --incremental do not go together
  virt-rbd: hint: give one: --force replaces the target, --incremental brings it up to date
  [1]

The target of an incremental copy, written since its base snapshot (a VM
booted from it, say): the copy is refused, naming how much changed, and
the target is left as it was (before, it exited 0 and the target's @s4
was a mix of both); rolled back to the base, the copy goes through.  One
that is open elsewhere is refused too

  $ q -c 'write -P 0x99 2M 4k'
  $ virt-rbd vol snap create ceph:vrbdt-$UNIQ/src@s4 > /dev/null
  $ qd() { qemu-io -f raw "rbd:vrbdt-$UNIQ/dst:conf=$VRBD_LAB_ZDATA_CONF:id=admin:keyring=$VRBD_LAB_ZDATA_KEYRING" "$@" > /dev/null; }
  $ qd -c 'write -P 0x77 20M 64k'
  $ before=$(sum "$VRBD_LAB_ZDATA_CONF" vrbdt-$UNIQ/dst); virt-rbd copy --incremental ceph:vrbdt-$UNIQ/src@s4 zdata:vrbdt-$UNIQ/dst 2>&1 | sed "s/$UNIQ/U/g"; echo "exit $?"; [ "$(sum "$VRBD_LAB_ZDATA_CONF" vrbdt-$UNIQ/dst)" = "$before" ] && echo "target as it was"
  virt-rbd: error: 'vrbdt-U/dst' was written or resized since its snapshot 's3' (64 KiB changed): an incremental copy would overwrite that
  virt-rbd: hint: roll it back (virt-rbd vol snap rollback zdata:vrbdt-U/dst@s3) and run again, or replace it with a full copy (--force instead of --incremental)
  exit 1
  target as it was
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" snap ls vrbdt-$UNIQ/dst | awk 'NR > 1 {print $2}' | tr '\n' ' '; echo
  s1 s2 s3 
  $ virt-rbd vol snap rollback zdata:vrbdt-$UNIQ/dst@s3 > /dev/null
  $ mkfifo hold2; qemu-io -f raw "rbd:vrbdt-$UNIQ/dst:conf=$VRBD_LAB_ZDATA_CONF:id=admin:keyring=$VRBD_LAB_ZDATA_KEYRING" < hold2 > /dev/null & pid=$!; exec 3> hold2
  > for i in $(seq 100); do rbd -c "$VRBD_LAB_ZDATA_CONF" status vrbdt-$UNIQ/dst | grep watcher= > /dev/null && break; sleep 0.1; done
  > virt-rbd copy --incremental ceph:vrbdt-$UNIQ/src@s4 zdata:vrbdt-$UNIQ/dst 2>&1 | sed "s/$UNIQ/U/g"; echo "exit $?"
  > exec 3>&-; wait $pid
  virt-rbd: error: 'vrbdt-U/dst' is open elsewhere (a VM, or another copy): an incremental copy would write under it
  virt-rbd: hint: see who has it (virt-rbd vol who zdata:vrbdt-U/dst) and stop that first
  exit 1
  $ virt-rbd copy --incremental ceph:vrbdt-$UNIQ/src@s4 zdata:vrbdt-$UNIQ/dst | sed "s/$UNIQ/U/g; s/in [0-9.]* s/in N s/"
  copied ceph:vrbdt-U/src@s4 -> zdata:vrbdt-U/dst incrementally from @s3: 964 KiB of changes read, 4 KiB written, 960 KiB zeroed, in N s
  $ [ "$(sum "$VRBD_LAB_CEPH_CONF" vrbdt-$UNIQ/src@s4)" = "$(sum "$VRBD_LAB_ZDATA_CONF" vrbdt-$UNIQ/dst@s4)" ] && echo identical
  identical

A run that stopped part way leaves the target marked with its base; a
rerun takes what the stopped run wrote and what the source has there from
the source's snapshot, even where the source did not change since the base
(the stopped run was to a snapshot since removed, say): the mark is set by
hand here, as a killed run leaves it, and is gone after the run

  $ q -c 'write -P 0x42 30M 64k'
  $ virt-rbd vol snap create ceph:vrbdt-$UNIQ/src@s5 > /dev/null
  $ qd -c 'write -P 0x66 50M 64k' -c 'write -P 0x67 30M 4k'
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" image-meta set vrbdt-$UNIQ/dst virt-rbd.incremental-from s4 > /dev/null
  $ virt-rbd copy --incremental ceph:vrbdt-$UNIQ/src@s5 zdata:vrbdt-$UNIQ/dst > /dev/null
  $ [ "$(sum "$VRBD_LAB_CEPH_CONF" vrbdt-$UNIQ/src@s5)" = "$(sum "$VRBD_LAB_ZDATA_CONF" vrbdt-$UNIQ/dst@s5)" ] && echo identical
  identical
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" image-meta list vrbdt-$UNIQ/dst
  There are 0 metadata on this image.

Clean up

  $ for c in ceph zdata; do virt-rbd pool rm $c:vrbdt-$UNIQ --yes-i-really-mean-it --force > /dev/null 2>&1 || for i in $(rbd -c "$(eval echo \$VRBD_LAB_${c^^}_CONF)" ls vrbdt-$UNIQ); do virt-rbd vol rm --now "$c:vrbdt-$UNIQ/$i" --force > /dev/null; done; done
  $ for c in ceph zdata; do virt-rbd pool rm $c:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null; done
