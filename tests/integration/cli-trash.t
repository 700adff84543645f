#require lab
Deletes that can be undone: vol rm moves an image to its pool's RBD trash
(with a keep time and the command that did it), vol trash list shows it,
vol restore brings it back whole, vol trash purge deletes for good; vm rm
--disks trashes a VM's disks on both clusters and vm restore brings the VM
back.  The rbd CLI is the oracle.

  $ C=$VRBD_LAB_CEPH_CONF Z=$VRBD_LAB_ZDATA_CONF P=vrbdt-$UNIQ; umask 077
  $ virt-rbd cluster add ceph --conf "$C" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$Z" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ for c in ceph zdata; do virt-rbd pool create $c:$P --pg 8 > /dev/null && virt-rbd host connect $c:$P --user client.vrbdt-$UNIQ > /dev/null || echo "failed on $c"; done
  $ virt-rbd host connect ceph:$P --user client.vrbdt-$UNIQ --name dup-$UNIQ > /dev/null
  $ head -c 3M /dev/urandom > data.raw && truncate -s 16M data.raw && rbd -c "$C" import --no-progress data.raw $P/a && rbd -c "$C" snap create $P/a@s1 2>&1 | grep -v Creating; true

vol rm: to the trash, snapshots and all, kept 7 days; rbd ls no longer
has it, rbd trash ls does (protected until then), and the image records
what removed it

  $ virt-rbd vol rm ceph:$P/a | sed "s/$UNIQ/U/g; s/until [^ ]* /until T /"
  image ceph:vrbdt-U/a moved to the trash until T (virt-rbd vol restore brings it back)
  $ rbd -c "$C" ls $P | grep -c .
  0
  [1]
  $ id=$(rbd -c "$C" trash ls $P --format json | python3 -c 'import json, sys; print(" ".join(e["id"] for e in json.load(sys.stdin) if e["name"] == "a"))'); echo "$id" | wc -w
  1
  $ TZ=UTC rbd -c "$C" trash ls $P --format json --long | python3 -c 'import json, sys, datetime as d; e = json.load(sys.stdin)[0]; t = lambda s: d.datetime.strptime(" ".join(s.split()[-5:]), "%a %b %d %H:%M:%S %Y"); print(e["name"], e["source"], e["status"].split(" until")[0], (t(e["status"]) - t(e["deleted_at"])).days, "days")'
  a USER protected 7 days
  $ rados -c "$C" -p $P getomapval rbd_header.$id metadata_virt-rbd.removed meta.bin 2> /dev/null && cat meta.bin; echo
  vol rm

vol trash list names it, when, by what, until when, its size and
snapshots; --json the same

  $ virt-rbd vol trash list ceph:$P | sed -E "s/$id/ID/; s/[0-9]{4}-[0-9-]{5}T[0-9:]{8}Z/T/g" | awk '{$1 = $1; print}'
  NAME ID DELETED BY EXPIRES SIZE SNAPS
  a ID T vol rm T 16 MiB 1
  $ virt-rbd --json vol trash list ceph:$P | python3 -c 'import json, sys; e = json.load(sys.stdin)[0]; print(e["name"], e["source"], e["by"], e["domain"], e["expired"], e["size"], e["snapshots"])'
  a user vol rm None False 16777216 1

pool list counts the trash, pool rm is refused with the count

  $ virt-rbd --json pool list ceph: | python3 -c 'import json, sys; print([(p["images"], p["trashed"]) for p in json.load(sys.stdin) if p["name"] == sys.argv[1]])' $P
  [(0, 1)]
  $ virt-rbd pool rm ceph:$P --yes-i-really-mean-it 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: pool 'vrbdt-U' of cluster 'ceph' has 1 image(s) in its trash
  virt-rbd: hint: see virt-rbd vol trash list ceph:vrbdt-U; restore them, or delete them for good with virt-rbd vol trash purge ceph:vrbdt-U
  [1]

vol restore: the same image back, byte for byte, its snapshot too, and
the removal record gone

  $ virt-rbd vol restore ceph:$P/a | sed "s/$UNIQ/U/g"
  image ceph:vrbdt-U/a restored from the trash
  $ rbd -c "$C" export --no-progress $P/a back.raw && cmp data.raw back.raw && echo same
  same
  $ rbd -c "$C" snap ls $P/a --format json | python3 -c 'import json, sys; print([s["name"] for s in json.load(sys.stdin)])'
  ['s1']
  $ rbd -c "$C" image-meta list $P/a --format json | python3 -c 'import sys; print("virt-rbd.removed" in sys.stdin.read())'
  False
  $ rbd -c "$C" trash ls $P | grep -c .
  0
  [1]

Restore onto a name that is taken is refused, nothing changed; --as
gives it another name

  $ virt-rbd vol rm ceph:$P/a > /dev/null && rbd -c "$C" create --size 4M $P/a
  $ virt-rbd vol restore ceph:$P/a 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: an image named 'a' exists in ceph:vrbdt-U already
  virt-rbd: hint: restore it under another name: --as NEWNAME
  [1]
  $ rbd -c "$C" trash ls $P | awk '{print $2}'
  a
  $ virt-rbd vol restore ceph:$P/a --as a2 | sed "s/$UNIQ/U/g"
  image ceph:vrbdt-U/a2 restored from the trash
  $ rbd -c "$C" export --no-progress $P/a2 - | cmp - data.raw && echo same
  same

Two removed images of one name: by name is refused with both ids, --id
picks one (the pool alone will do)

  $ virt-rbd vol rm ceph:$P/a > /dev/null && rbd -c "$C" rename $P/a2 $P/a && virt-rbd vol rm ceph:$P/a > /dev/null
  $ rbd -c "$C" trash ls $P | awk '{print $2}'
  a
  a
  $ virt-rbd vol restore ceph:$P/a 2>&1 | sed -E "s/$UNIQ/U/g; s/ids [0-9a-f]+, [0-9a-f]+/ids I1, I2/"
  virt-rbd: error: the trash of ceph:vrbdt-U holds several images named 'a' (ids I1, I2)
  virt-rbd: hint: pick one with --id ID, as virt-rbd vol trash list ceph:vrbdt-U shows
  [1]
  $ small=$(virt-rbd --json vol trash list ceph:$P | python3 -c 'import json, sys; print([e["id"] for e in json.load(sys.stdin) if e["size"] == 4194304][0])')
  $ virt-rbd vol restore ceph:$P --id "$small" | sed "s/$UNIQ/U/g"
  image ceph:vrbdt-U/a restored from the trash
  $ rbd -c "$C" info $P/a --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["size"])'
  4194304
  $ virt-rbd vol restore ceph:$P --id nosuchid 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: no image of id 'nosuchid' in the trash of ceph:vrbdt-U
  virt-rbd: hint: see what it holds: virt-rbd vol trash list ceph:vrbdt-U
  [1]
  $ virt-rbd vol restore ceph:$P/nosuch 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: no image named 'nosuch' in the trash of ceph:vrbdt-U
  virt-rbd: hint: see what it holds: virt-rbd vol trash list ceph:vrbdt-U
  [1]
  $ virt-rbd vol restore ceph:$P 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: give POOL/NAME, or --id ID
  virt-rbd: hint: see 'virt-rbd help vol restore'
  [2]

--keep sets the keep time; purge --expired deletes only what expired
(waited for on the condition: the entry listed as expired, 10 s at most),
the rest is kept and counted

  $ virt-rbd vol rm ceph:$P/a --keep 1s | sed "s/$UNIQ/U/g; s/until [^ ]* /until T /"
  image ceph:vrbdt-U/a moved to the trash until T (virt-rbd vol restore brings it back)
  $ for i in $(seq 100); do virt-rbd --json vol trash list ceph:$P | python3 -c 'import json, sys; sys.exit(0 if any(e["expired"] for e in json.load(sys.stdin)) else 1)' && break; sleep 0.1; done; echo waited
  waited
  $ virt-rbd vol trash purge ceph:$P --expired | sed "s/$UNIQ/U/g"
  1 image(s) deleted from the trash of ceph:vrbdt-U; 1 kept (not expired)
  $ rbd -c "$C" trash ls $P | awk '{print $2}'
  a
  $ virt-rbd vol trash purge ceph:$P | sed "s/$UNIQ/U/g"
  1 image(s) deleted from the trash of ceph:vrbdt-U
  $ virt-rbd vol trash list ceph:$P
  the trash is empty
  $ rados -c "$C" -p $P ls | grep -c '^rbd_data\.'
  0
  [1]

The cluster's own keep time (trash_keep in its registry file, as
cluster add --trash-keep writes it) applies when --keep is not given; the
time vol rm prints is the one librbd recorded

  $ echo "trash_keep = 172800" >> "$VIRT_RBD_CONFIG_DIR/clusters/ceph.conf"
  $ rbd -c "$C" create --size 4M $P/k && virt-rbd vol rm ceph:$P/k | sed -E "s/$UNIQ/U/g; s/until ([^ ]*) /until \1 /" > rm.out; sed "s/until [^ ]* /until T /" rm.out
  image ceph:vrbdt-U/k moved to the trash until T (virt-rbd vol restore brings it back)
  $ TZ=UTC rbd -c "$C" trash ls $P --format json --long | python3 -c 'import json, sys, datetime as d; e = json.load(sys.stdin)[0]; t = lambda s: d.datetime.strptime(" ".join(s.split()[-5:]), "%a %b %d %H:%M:%S %Y"); print(e["name"], (t(e["status"]) - t(e["deleted_at"])).days, "days"); said = d.datetime.strptime(open("rm.out").read().split("until ")[1].split()[0], "%Y-%m-%dT%H:%M:%SZ"); print("the same end" if abs((said - t(e["status"])).total_seconds()) <= 2 else "differ: %s %s" % (said, e["status"]))'
  k 2 days
  the same end
  $ virt-rbd vol trash purge ceph:$P > /dev/null && sed -i '/^trash_keep/d' "$VIRT_RBD_CONFIG_DIR/clusters/ceph.conf"

--now deletes at once (snapshots only with --force); --now with --keep,
and a bad --keep, are usage errors

  $ rbd -c "$C" create --size 4M $P/n && virt-rbd vol rm ceph:$P/n --now | sed "s/$UNIQ/U/g"
  image ceph:vrbdt-U/n removed
  $ rbd -c "$C" trash ls $P | grep -c .
  0
  [1]
  $ virt-rbd vol rm ceph:$P/n --now --keep 2d 2>&1 | head -1
  virt-rbd: error: --keep is for the trash: drop it, or --now
  [2]
  $ virt-rbd vol rm ceph:$P/n --keep soon 2>&1 | head -1
  virt-rbd: error: invalid --keep 'soon': give a duration from 1s to 366d, such as 90s, 30m, 1h or 2d
  [2]

A clone v2 whose parent went to the trash keeps working: it reads the
parent's data; purge leaves the parent, saying why, until the clone goes

  $ rbd -c "$C" import --no-progress data.raw $P/p && rbd -c "$C" snap create $P/p@g 2>&1 | grep -v Creating; rbd -c "$C" clone --rbd-default-clone-format 2 $P/p@g $P/kid
  $ virt-rbd vol rm ceph:$P/p | sed "s/$UNIQ/U/g; s/until [^ ]* /until T /"
  image ceph:vrbdt-U/p moved to the trash until T (virt-rbd vol restore brings it back)
  $ rbd -c "$C" export --no-progress $P/kid - | cmp - data.raw && echo "the clone reads its parent's data"
  the clone reads its parent's data
  $ virt-rbd vol trash purge ceph:$P | sed -E "s/$UNIQ/U/g; s/\([0-9a-f]+\)/(ID)/"
  0 image(s) deleted from the trash of ceph:vrbdt-U
  left: p (ID): a clone still reads from it (flatten or remove the clone)
  $ rbd -c "$C" export --no-progress $P/kid - | cmp - data.raw && echo "the clone still reads it"
  the clone still reads it
  $ virt-rbd --json vol trash list ceph:$P | python3 -c 'import json, sys; print([(e["name"], e["snapshots"]) for e in json.load(sys.stdin)])'
  [('p', 1)]
  $ virt-rbd vol rm ceph:$P/kid --now > /dev/null && virt-rbd vol trash purge ceph:$P | sed "s/$UNIQ/U/g"
  1 image(s) deleted from the trash of ceph:vrbdt-U

virt-rbd's own temporary images go at once, never to the trash; another
name that begins with a dot is no temporary of virt-rbd's: to the trash

  $ rbd -c "$C" create --size 4M $P/.virt-rbd-import.x.1 && virt-rbd vol rm ceph:$P/.virt-rbd-import.x.1 | sed "s/$UNIQ/U/g"
  image ceph:vrbdt-U/.virt-rbd-import.x.1 removed
  $ rbd -c "$C" trash ls $P | grep -c .
  0
  [1]
  $ rbd -c "$C" create --size 4M $P/.mine && virt-rbd vol rm ceph:$P/.mine | sed "s/$UNIQ/U/g; s/until [^ ]* /until T /"
  image ceph:vrbdt-U/.mine moved to the trash until T (virt-rbd vol restore brings it back)
  $ virt-rbd vol trash purge ceph:$P | sed "s/$UNIQ/U/g"
  1 image(s) deleted from the trash of ceph:vrbdt-U

vm rm --disks: the domain goes, its disks on both clusters go to the
trash with its name and definition; vm restore brings it back as it was,
data and all (this host has two libvirt pools on ceph's pool, dup-$UNIQ
beside the first: the pool is searched once, each disk restored once)

  $ virt-rbd vm create t-$UNIQ --size 16M --pool ceph:$P > /dev/null && rbd -c "$Z" import --no-progress data.raw $P/t-data && virt-rbd disk attach t-$UNIQ zdata:$P/t-data > /dev/null
  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" dumpxml --inactive t-$UNIQ > before.xml
  $ virt-rbd vm rm t-$UNIQ --disks | sed "s/$UNIQ/U/g"
  vm 't-U' removed, its RBD disks moved to the trash (virt-rbd vm restore t-U brings it back)
  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" dominfo t-$UNIQ > /dev/null 2>&1; echo $?
  1
  $ for c in "$C" "$Z"; do rbd -c "$c" trash ls $P; done | awk '{print $2}' | sed "s/$UNIQ/U/g"
  t-U
  t-data
  $ virt-rbd --json vol trash list zdata:$P | python3 -c 'import json, sys; e = json.load(sys.stdin)[0]; print(e["name"], e["by"], e["domain"].replace(sys.argv[1], "U"))' $UNIQ
  t-data vm rm t-U
  $ virt-rbd vm restore t-$UNIQ | sed "s/$UNIQ/U/g"
  vm 't-U' restored from the trash (defined, not started), its definition from the metadata of ceph:vrbdt-U/t-U (in the trash)
    disk image ceph:vrbdt-U/t-U
    disk image zdata:vrbdt-U/t-data
  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" dumpxml --inactive t-$UNIQ | diff before.xml - && echo "the same definition"
  the same definition
  $ rbd -c "$Z" export --no-progress $P/t-data - | cmp - data.raw && echo "its data disk as it was"
  its data disk as it was
  $ for c in "$C" "$Z"; do rbd -c "$c" trash ls $P; done | grep -c .
  0
  [1]

vm restore refuses, changing nothing: a domain of that name exists; no
removed VM of that name; a disk's name taken again (the other disk stays
in the trash too)

  $ virt-rbd vm restore t-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: domain 't-U' exists already: nothing restored
  virt-rbd: hint: a VM of that name is defined: leave it, or remove it first
  [1]
  $ virt-rbd vm restore nosuch-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: no disk of a removed VM 'nosuch-U' in the trash of this host's pools
  virt-rbd: hint: only a VM removed with virt-rbd vm rm --disks (to the trash) comes back; see virt-rbd vol trash list
  [1]
  $ virt-rbd vm rm t-$UNIQ --disks > /dev/null && rbd -c "$Z" create --size 4M $P/t-data
  $ virt-rbd vm restore t-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image zdata:vrbdt-U/t-data of VM 't-U' exists again: nothing restored
  virt-rbd: hint: restore that disk under another name (virt-rbd vol trash list zdata:vrbdt-U gives its id), then define the VM by hand
  [1]
  $ for c in "$C" "$Z"; do rbd -c "$c" trash ls $P; done | awk '{print $2}' | sed "s/$UNIQ/U/g"
  t-U
  t-data
  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" dominfo t-$UNIQ > /dev/null 2>&1; echo $?
  1

A disk's cluster that does not answer (zdata paused): warned of, and
nothing is restored rather than a VM without its disk; a disk purged from
the trash meanwhile: the same (the other disk stays in the trash, no
domain defined)

  $ rbd -c "$Z" rm --no-progress $P/t-data && virt-rbd vm restore t-$UNIQ > /dev/null && virt-rbd vm rm t-$UNIQ --disks > /dev/null
  $ "$TESTDIR/../../scripts/lab" pause zdata > /dev/null && { virt-rbd --timeout 3 vm restore t-$UNIQ > paused.out 2>&1; echo "exit $?"; "$TESTDIR/../../scripts/lab" resume zdata > /dev/null; }
  exit 1
  $ sed "s/$UNIQ/U/g" paused.out
  virt-rbd: warning: cluster 'zdata' does not answer: its pools are not searched (*) (glob)
  virt-rbd: error: disk vdb (vrbdt-U/t-data) of VM 't-U' is not in the trash of this host's pools: nothing restored
  virt-rbd: hint: its cluster may not have answered (see the warnings), or it was purged: see virt-rbd vol trash list
  $ for c in "$C" "$Z"; do rbd -c "$c" trash ls $P; done | awk '{print $2}' | sed "s/$UNIQ/U/g"
  t-U
  t-data
  $ virt-rbd vol trash purge zdata:$P > /dev/null
  $ virt-rbd vm restore t-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: disk vdb (vrbdt-U/t-data) of VM 't-U' is not in the trash of this host's pools: nothing restored
  virt-rbd: hint: its cluster may not have answered (see the warnings), or it was purged: see virt-rbd vol trash list
  [1]
  $ rbd -c "$C" trash ls $P | awk '{print $2}' | sed "s/$UNIQ/U/g"; virsh -q -c "$VIRT_RBD_LIBVIRT_URI" dominfo t-$UNIQ > /dev/null 2>&1; echo $?
  t-U
  1

vm rm --disks of a VM whose disk has a protected snapshot is refused
before anything changes (the domain stays, its disk is not in the trash)

  $ virt-rbd vm create s-$UNIQ --size 16M --pool ceph:$P > /dev/null && rbd -c "$C" snap create $P/s-$UNIQ@keep 2>&1 | grep -v Creating; rbd -c "$C" snap protect $P/s-$UNIQ@keep
  $ virt-rbd vm rm s-$UNIQ --disks 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U/s-U' has snapshots in use: @keep (protected)
  virt-rbd: hint: flatten or remove the clones, then unprotect and remove those snapshots
  [1]
  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" dominfo s-$UNIQ > /dev/null && rbd -c "$C" trash ls $P | grep -c s-$UNIQ
  0
  [1]
  $ rbd -c "$C" snap unprotect $P/s-$UNIQ@keep && virt-rbd vm rm s-$UNIQ --disks > /dev/null && virt-rbd vm restore s-$UNIQ > /dev/null && rbd -c "$C" snap ls $P/s-$UNIQ --format json | python3 -c 'import json, sys; print([x["name"] for x in json.load(sys.stdin)])'
  ['keep']
  $ virt-rbd vm rm s-$UNIQ --disks --now > /dev/null

vm rm --disks --now deletes them at once; --now without --disks is a
usage error

  $ virt-rbd vol trash purge ceph:$P > /dev/null && virt-rbd vm create t-$UNIQ --size 16M --pool ceph:$P > /dev/null && virt-rbd vm rm t-$UNIQ --disks --now | sed "s/$UNIQ/U/g"
  vm 't-U' removed with its RBD disks
  $ for c in "$C" "$Z"; do rbd -c "$c" trash ls $P; rbd -c "$c" ls $P; done | grep -c .
  0
  [1]
  $ virt-rbd vm rm t-$UNIQ --now 2>&1 | head -1
  virt-rbd: error: --now and --keep are for --disks
  [2]

Clean-up: the pools go once their trash is empty

  $ virt-rbd host disconnect ceph:$P --name dup-$UNIQ > /dev/null
  $ for c in ceph zdata; do virt-rbd vol trash purge $c:$P > /dev/null && virt-rbd host disconnect $c:$P > /dev/null 2>&1; virt-rbd pool rm $c:$P --yes-i-really-mean-it > /dev/null || echo "failed on $c"; done
