#require lab
#cleanup "$TESTDIR/../../scripts/lab" mirror-start zdata > /dev/null 2>&1; "$TESTDIR/../../scripts/lab" mirror-resume zdata > /dev/null 2>&1; true
#cleanup for c in $(cat unset-sites 2> /dev/null); do ceph -c "$c" config-key rm rbd/mirror/site_name; done > /dev/null 2>&1; true
A VM as the unit of replication: dr enable protects every RBD disk of a
domain (snapshot mirroring, a schedule, the definition in the images'
metadata), dr sync takes a mirror snapshot now, dr status shows the
recovery point, dr disable undoes it.  The rbd CLI is the oracle; the
guest writes a marker on each disk, which must reach the other cluster.
Site names dr pair sets where a cluster had none are removed again.

  $ C=$VRBD_LAB_CEPH_CONF Z=$VRBD_LAB_ZDATA_CONF P=vrbdt-$UNIQ V=dr-$UNIQ
  $ for c in "$C" "$Z"; do ceph -c "$c" config-key exists rbd/mirror/site_name > /dev/null 2>&1 || echo "$c" >> unset-sites; done; true
  $ virt-rbd cluster add ceph --conf "$C" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$Z" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ for c in ceph zdata; do virt-rbd pool create $c:$P --pg 8 > /dev/null || echo "pool on $c failed"; done
  $ virt-rbd pool create ceph:$P-b --pg 8 > /dev/null
  $ virt-rbd dr pair ceph:$P zdata:$P > /dev/null

A VM with two disks on ceph, running: its guest writes a marker on each

  $ virt-rbd vm create $V --size 64M --pool ceph:$P --memory 256 --kernel "$VRBD_LAB_GUEST_DIR/vmlinuz" --initrd "$VRBD_LAB_GUEST_DIR/initrd.img" --cmdline "console=ttyS0 quiet panic=-1 marker=m$UNIQ hold=900" --console-log "$PWD/console.log" > /dev/null
  $ virt-rbd vol create ceph:$P/$V-data --size 16M > /dev/null && virt-rbd disk attach $V ceph:$P/$V-data > /dev/null
  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" start $V > /dev/null
  $ for i in $(seq 600); do [ "$(grep -c 'GUEST: VIRT-RBD-MARKER' console.log 2> /dev/null)" = 2 ] && break; sleep 0.2; done; grep -o "GUEST: VIRT-RBD-MARKER dev=/dev/vd. nonce=m$UNIQ" console.log
  GUEST: VIRT-RBD-MARKER dev=/dev/vda nonce=m* (glob)
  GUEST: VIRT-RBD-MARKER dev=/dev/vdb nonce=m* (glob)

Refused before anything changes: no --to, a schedule that is not whole
minutes, the cluster the disks are on, a pool that is not paired, and no
rbd-mirror daemon on the receiving side (zdata's stopped)

  $ virt-rbd dr enable $V
  virt-rbd: error: say where to replicate to: --to CLUSTER
  virt-rbd: hint: see 'virt-rbd help dr enable'
  [2]
  $ virt-rbd dr enable $V --to zdata --every 90s
  virt-rbd: error: --every takes whole minutes (5m, 1h): the manager schedules mirror snapshots so
  virt-rbd: hint: see 'virt-rbd help dr enable'
  [2]
  $ virt-rbd dr enable $V --to ceph 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: disk vda (ceph:vrbdt-U/dr-U) is on cluster 'ceph' already
  virt-rbd: hint: give the other cluster of the pair
  [1]
  $ virt-rbd vm create u-$UNIQ --size 16M --pool ceph:$P-b > /dev/null
  $ virt-rbd dr enable u-$UNIQ --to zdata 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: pool 'vrbdt-U-b' of cluster 'ceph' is not paired with cluster 'zdata'
  virt-rbd: hint: pair them first: virt-rbd dr pair ceph:vrbdt-U-b zdata:vrbdt-U-b
  [1]
  $ "$TESTDIR/../../scripts/lab" mirror-stop zdata > /dev/null
  $ virt-rbd dr enable $V --to zdata 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: no rbd-mirror daemon reports for pool 'vrbdt-U' on cluster 'zdata': nothing would be replicated to it
  virt-rbd: hint: start an rbd-mirror daemon for cluster 'zdata' (a cephx user with mon 'profile rbd-mirror' osd 'profile rbd', and CEPH_CONF naming the cluster's ceph.conf in its environment)
  [1]
  $ rbd -c "$C" info $P/$V --format json | python3 -c 'import json, sys; print(json.load(sys.stdin).get("mirroring"))'
  None
  $ rbd -c "$C" image-meta list $P/$V | grep -c virt-rbd.dr
  0
  [1]

A local disk is refused, naming it (a defined domain with a file disk)

  $ truncate -s 1M local.img
  $ printf "<domain type='qemu'><name>l-%s</name><memory unit='MiB'>64</memory><os><type>hvm</type></os><devices><disk type='file' device='disk'><source file='%s'/><target dev='vda' bus='virtio'/></disk></devices></domain>" $UNIQ "$PWD/local.img" > l.xml && virsh -q -c "$VIRT_RBD_LIBVIRT_URI" define l.xml > /dev/null
  $ virt-rbd dr enable l-$UNIQ --to zdata 2>&1 | sed "s/$UNIQ/U/g; s|$PWD|D|"
  virt-rbd: error: disk vda (D/local.img) of domain 'l-U' is not on RBD: only RBD disks replicate
  virt-rbd: hint: move it to RBD first (virt-rbd vm move)
  [1]

zdata's daemon back, and leading the pool again (the oracle: rbd's pool
status, 90 s at most)

  $ "$TESTDIR/../../scripts/lab" mirror-start zdata > /dev/null
  $ for i in $(seq 180); do rbd -c "$Z" mirror pool status $P --verbose --format json 2> /dev/null | python3 -c 'import json, sys; d=json.load(sys.stdin)["daemons"]; sys.exit(0 if any(x.get("leader") for x in d) else 1)' && break; sleep 0.5; done; echo waited
  waited

A failure midway undoes what was done: paused once the first disk is
mirrored (the rbd CLI sees it), the second image is mirrored behind its
back (as another admin might): enable fails naming the second disk, and
the first is no longer mirrored, with no schedule or settings left

  $ VRBD_TEST_PAUSE_AT=dr-enable-first virt-rbd dr enable $V --to zdata --every 1m > midway.out 2>&1 & pid=$!
  > bash "$TESTDIR/waitstop" $pid && echo "paused after the first disk"
  paused after the first disk
  $ rbd -c "$C" info $P/$V --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["mirroring"]["state"])'
  enabled
  $ rbd -c "$C" mirror image enable $P/$V-data snapshot
  Mirroring enabled
  $ kill -CONT $pid; wait $pid; echo "exit $?"
  exit 1
  $ sed "s/$UNIQ/U/g" midway.out
  virt-rbd: error: disk vdb (ceph:vrbdt-U/dr-U-data) was mirrored meanwhile, by another client
  virt-rbd: hint: see who mirrors it (virt-rbd dr status --pool), then try again
  $ rbd -c "$C" info $P/$V --format json | python3 -c 'import json, sys; print(json.load(sys.stdin).get("mirroring"))'
  None
  $ rbd -c "$C" image-meta list $P/$V | grep -c virt-rbd.dr
  0
  [1]
  $ rbd -c "$C" mirror snapshot schedule ls --pool $P --recursive | grep -c $UNIQ
  0
  [1]
  $ rbd -c "$C" mirror image disable $P/$V-data
  Mirroring disabled

dr enable: both disks mirrored, a 1-minute schedule each, the settings
and the definition in the metadata; it waits for the first sync

  $ virt-rbd dr enable $V --to zdata --every 1m > enable.out; echo $?
  0
  $ sed -n 1p enable.out | sed "s/$UNIQ/U/g"
  domain 'dr-U': replicated from ceph to zdata, every 1m
  $ grep -c "enabled, primary" enable.out
  2
  $ rbd -c "$C" mirror snapshot schedule ls --pool $P --recursive --format json | python3 -c 'import json, sys; print(sorted((s["image"], [x["interval"] for x in s["items"]]) for s in json.load(sys.stdin)))' | sed "s/$UNIQ/U/g"
  [('dr-U', ['1m']), ('dr-U-data', ['1m'])]
  $ rbd -c "$C" image-meta get $P/$V virt-rbd.dr | sed "s/$VRBD_LAB_ZDATA_FSID/ZFSID/"
  peer=ZFSID interval=60
  $ for i in $(seq 60); do rbd -c "$Z" image-meta get $P/$V-data virt-rbd.domain > def.xml 2> /dev/null && break; sleep 0.5; done; grep -c "<name>$V</name>" def.xml
  1
  $ for d in $V $V-data; do rbd -c "$Z" info $P/$d --format json | python3 -c 'import json, sys; m=json.load(sys.stdin)["mirroring"]; print(m["mode"], m["primary"])'; done
  snapshot False
  snapshot False

It is protected already

  $ virt-rbd dr enable $V --to zdata 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: domain 'dr-U' is protected already: disk vda (ceph:vrbdt-U/dr-U) is mirrored
  virt-rbd: hint: see virt-rbd dr status; to change it, virt-rbd dr disable first
  [1]

dr sync --wait: zdata's copies hold the guest's markers (read from
zdata's non-primary images)

  $ virt-rbd dr sync $V --wait > /dev/null; echo $?
  0
  $ for d in $V $V-data; do rbd -c "$Z" export --no-progress $P/$d $d.raw && head -c 512 $d.raw | grep -a -o "VIRT-RBD-MARKER dev=/dev/vd. nonce=m$UNIQ" | sed "s/$UNIQ/U/"; done
  VIRT-RBD-MARKER dev=/dev/vda nonce=mU
  VIRT-RBD-MARKER dev=/dev/vdb nonce=mU

dr status DOMAIN: a recovery point from just now, both daemons ok, exit
0; the JSON says the same.  --pool reads the pool of that name instead

  $ virt-rbd dr status $V | sed "s/$UNIQ/U/g; s/[0-9-]*T[0-9:]*Z/T/g; s/([0-9]* s ago)/(N s ago)/" | sed -n '1,3p'
  domain 'dr-U': replicated from ceph to zdata, every 1m
  recovery point   T (N s ago)
  daemons          ceph ok, zdata ok
  $ virt-rbd --json dr status $V | python3 -c 'import json, sys, time, calendar; s=json.load(sys.stdin); rp=calendar.timegm(time.strptime(s["recovery_point"], "%Y-%m-%dT%H:%M:%SZ")); print(s["late"], s["daemon_health"], s["peer_daemon_health"], [(d["target"], d["primary"], d["peer_state"]) for d in s["disks"]], 0 <= time.time() - rp < 120)'
  False ok ok [('vda', True, 'replaying'), ('vdb', True, 'replaying')] True
  $ virt-rbd dr status --pool $P | head -n 1 | sed "s/$UNIQ/U/g"
  pool 'vrbdt-U' of cluster 'ceph': paired

dr status alone: a line per protected domain of the host (only this one:
u-$UNIQ and l-$UNIQ are not protected), exit 0; --json the same

  $ virt-rbd dr status | awk '{print $1, $2, $3, $4, $6}' | sed "s/$UNIQ/U/g"
  DOMAIN ON TO EVERY POINT
  dr-U ceph zdata 1m ok
  $ virt-rbd --json dr status | python3 -c 'import json, sys; print([(v["domain"].replace(sys.argv[1], "U"), v["late"], len(v["disks"])) for v in json.load(sys.stdin)])' $UNIQ
  [('dr-U', False, 2)]

dr test: the copies at their newest complete mirror snapshot, copied on
zdata to IMAGE-drtest, boot as domain DOM-drtest without network (its
guest's markers on its own console, console.log.drtest); replication
untouched; a second
test is refused; --clean removes the domain and the images

  $ virt-rbd dr test $V | sed "s/$UNIQ/U/g; s/as of [0-9T:Z-]*/as of T/"
  test domain 'dr-U-drtest' started on zdata: 2 disk(s) as of T, no network; replication untouched
  $ for i in $(seq 600); do [ "$(grep -c 'GUEST: VIRT-RBD-MARKER' console.log.drtest 2> /dev/null)" = 2 ] && break; sleep 0.2; done; grep -o "GUEST: VIRT-RBD-MARKER dev=/dev/vd. nonce=m$UNIQ" console.log.drtest | sed "s/$UNIQ/U/"
  GUEST: VIRT-RBD-MARKER dev=/dev/vda nonce=mU
  GUEST: VIRT-RBD-MARKER dev=/dev/vdb nonce=mU
  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" dumpxml $V-drtest | grep -o "name='$P/[^']*'" | sed "s/$UNIQ/U/g"
  name='vrbdt-U/dr-U-drtest'
  name='vrbdt-U/dr-U-data-drtest'
  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" dumpxml $V-drtest | grep -c "<interface"
  0
  [1]
  $ virt-rbd dr test $V 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: domain 'dr-U-drtest' exists
  virt-rbd: hint: remove it first (virt-rbd dr test --clean)
  [1]
  $ virt-rbd dr status $V > /dev/null; echo $?
  0
  $ virt-rbd dr test $V --clean | sed "s/$UNIQ/U/g"
  test domain 'dr-U-drtest' and its images on zdata removed
  $ rbd -c "$Z" ls $P | sed "s/$UNIQ/U/g"; virsh -q -c "$VIRT_RBD_LIBVIRT_URI" list --all --name | grep -c drtest
  dr-U
  dr-U-data
  0
  [1]

A VM without a recovery point is late: exit 1 (u-$UNIQ's pool paired
now, zdata's daemon paused so that nothing is copied)

  $ virt-rbd pool create zdata:$P-b --pg 8 > /dev/null && virt-rbd dr pair ceph:$P-b zdata:$P-b > /dev/null
  $ "$TESTDIR/../../scripts/lab" mirror-pause zdata > /dev/null
  $ virt-rbd dr enable u-$UNIQ --to zdata --no-wait > /dev/null; echo $?
  0
  $ virt-rbd dr status u-$UNIQ 2>&1 | sed "s/$UNIQ/U/g" | grep -E "^(domain|recovery|virt-rbd)"
  domain 'u-U': replicated from ceph to zdata, every 5m
  recovery point   none yet: LATE
  virt-rbd: error: the recovery point of domain 'u-U' is older than twice its schedule
  [1]
  $ virt-rbd dr status u-$UNIQ > /dev/null 2>&1; echo $?
  1
  $ "$TESTDIR/../../scripts/lab" mirror-resume zdata > /dev/null

vol rm of a protected disk is refused, and the hint names the VM and
dr disable (not the rbd command that would leave the VM's settings)

  $ virt-rbd vol rm --now ceph:$P-b/$(rbd -c "$C" ls $P-b) 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U-b/u-U' is mirrored to a peer site: removing it would remove the copy there too
  virt-rbd: hint: it is a disk of VM 'u-U', protected by rbd-mirror: virt-rbd dr disable u-U first, knowing that the peer site's copy goes with it
  [1]
  $ virt-rbd vm rm u-$UNIQ --disks --now 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U-b/u-U' is mirrored to a peer site: removing it would remove the copy there too; nothing was removed
  virt-rbd: hint: it is a disk of VM 'u-U', protected by rbd-mirror: virt-rbd dr disable u-U first, knowing that the peer site's copy goes with it
  [1]
  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" dominfo u-$UNIQ > /dev/null && echo "u-U still defined"
  u-U still defined

dr disable: schedules and settings gone, zdata's daemon deletes its
copies (60 s at most); a second time it is not protected

  $ virt-rbd dr disable $V | sed "s/$UNIQ/U/g"
  domain 'dr-U' is no longer protected: the other cluster's rbd-mirror daemon deletes its copies of the disks
  $ rbd -c "$C" mirror snapshot schedule ls --pool $P --recursive | grep -c $UNIQ
  0
  [1]
  $ rbd -c "$C" image-meta list $P/$V | grep -c virt-rbd.dr
  0
  [1]
  $ for i in $(seq 120); do [ -z "$(rbd -c "$Z" ls $P)" ] && break; sleep 0.5; done; rbd -c "$Z" ls $P
  $ virt-rbd dr disable $V 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: domain 'dr-U' is not protected
  [1]
  $ virt-rbd dr sync $V 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: domain 'dr-U' is not protected
  virt-rbd: hint: protect it with virt-rbd dr enable
  [1]
  $ virt-rbd dr disable u-$UNIQ > /dev/null
