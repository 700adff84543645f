#require lab
#cleanup "$TESTDIR/../../scripts/lab" resume ceph > /dev/null 2>&1; true
#cleanup for c in $(cat unset-sites 2> /dev/null); do ceph -c "$c" config-key rm rbd/mirror/site_name; done > /dev/null 2>&1; true
A protected VM moved whole between the lab's two clusters: a planned
failover to zdata and a failback home lose no write; a forced failover
with ceph paused keeps every write up to the recovery point, and the
failback resynchronises ceph's split copies.  The guest writes numbered
records (loop=N) on each disk; before each move its definition changes
so that its next boot writes only its marker (another nonce), so that the
records found after a move are the ones the move carried.  shutdown=ok:
the guest powers off on the ACPI button (virsh shutdown).

  $ C=$VRBD_LAB_CEPH_CONF Z=$VRBD_LAB_ZDATA_CONF P=vrbdt-$UNIQ V=fo-$UNIQ U=$VIRT_RBD_LIBVIRT_URI
  $ for c in "$C" "$Z"; do ceph -c "$c" config-key exists rbd/mirror/site_name > /dev/null 2>&1 || echo "$c" >> unset-sites; done; true
  $ virt-rbd cluster add ceph --conf "$C" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$Z" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ for c in ceph zdata; do virt-rbd pool create $c:$P --pg 8 > /dev/null || echo "pool on $c failed"; done
  $ virt-rbd dr pair ceph:$P zdata:$P > /dev/null
  $ setcmd() { virsh -q -c "$U" dumpxml --inactive $V | sed "s|<cmdline>[^<]*</cmdline>|<cmdline>console=ttyS0 quiet panic=-1 shutdown=ok hold=900 $1</cmdline>|" > def.xml && virsh -q -c "$U" define def.xml > /dev/null; }
  > recs() { rm -f r.raw && rbd -c "$1" export --no-progress $P/$2 r.raw > /dev/null && python3 -c 'import re, sys; d=open("r.raw", "rb").read(); s={int(k) for k in re.findall(rb"VIRT-RBD-SEQ " + sys.argv[1].encode() + rb" (\d+)", d)}; print(len(s), min(s, default=0), max(s, default=0))' "$3"; }
  > seqs() { for i in $(seq 900); do [ "$(grep -c GUEST-SEQ console.log)" -ge $1 ] && break; sleep 0.2; done; grep -c GUEST-SEQ console.log; }
  > marker() { for i in $(seq 900); do grep -q "nonce=$1" console.log && break; sleep 0.2; done; grep -o "GUEST: VIRT-RBD-MARKER dev=/dev/vda nonce=$1" console.log | sed "s/$UNIQ/U/"; }
  > restart() { virsh -q -c "$U" shutdown $V > /dev/null && for i in $(seq 300); do virsh -q -c "$U" domstate $V | grep -q "shut off" && break; sleep 0.2; done && : > console.log && virsh -q -c "$U" start $V > /dev/null; }
  > norm() { sed "s/$UNIQ/U/g; s/[0-9-]*T[0-9:]*Z/T/g; s/down [0-9.]* s/down N s/"; }

A VM with two disks on ceph, its guest writing 30 records on each;
protected to zdata

  $ virt-rbd vm create $V --size 64M --pool ceph:$P --memory 256 --kernel "$VRBD_LAB_GUEST_DIR/vmlinuz" --initrd "$VRBD_LAB_GUEST_DIR/initrd.img" --cmdline "console=ttyS0 quiet panic=-1 shutdown=ok hold=900 marker=a$UNIQ loop=30" --console-log "$PWD/console.log" > /dev/null
  $ virt-rbd vol create ceph:$P/$V-data --size 16M > /dev/null && virt-rbd disk attach $V ceph:$P/$V-data > /dev/null
  $ virsh -q -c "$U" start $V > /dev/null && seqs 30
  30
  $ virt-rbd dr enable $V --to zdata --every 1m > /dev/null; echo $?
  0

Refused: no --to, the cluster it runs on, a domain that does not exist

  $ virt-rbd vm failover $V
  virt-rbd: error: say where to fail over to: --to CLUSTER
  virt-rbd: hint: see 'virt-rbd help vm failover'
  [2]
  $ virt-rbd vm failover $V --to ceph 2>&1 | norm
  virt-rbd: error: domain 'fo-U' runs on cluster 'ceph' already (disk vda, ceph:vrbdt-U/fo-U)
  virt-rbd: hint: to bring it back, virt-rbd vm failback
  [1]
  $ virt-rbd vm failover nope-$UNIQ --to zdata 2>&1 | norm
  virt-rbd: error: no domain 'nope-U': Domain not found: no domain with matching name 'nope-U'
  virt-rbd: hint: see 'virsh list --all'
  [1]

Planned failover to zdata: the guest shut down, the last snapshot
replayed, the disks promoted there, the domain defined on zdata and
started; zdata's images hold all 30 records, and the guest boots from
them; ceph's copies replay from zdata (within 60 s)

  $ setcmd "marker=b$UNIQ"; : > console.log
  $ virt-rbd vm failover $V --to zdata | norm
  domain 'fo-U' failed over from ceph to zdata (2 disk(s))
  nothing lost: the last snapshot, T, holds every write
  started on zdata, down N s
  $ virsh -q -c "$U" domstate $V
  running
  $ marker b$UNIQ
  GUEST: VIRT-RBD-MARKER dev=/dev/vda nonce=bU
  $ for d in $V $V-data; do recs "$Z" $d a$UNIQ; done
  30 1 30
  30 1 30
  $ for i in $(seq 120); do virt-rbd dr status $V > /dev/null 2>&1 && break; sleep 0.5; done; virt-rbd --json dr status $V | python3 -c 'import json, sys; s=json.load(sys.stdin); print(s["cluster"], s["peer"], s["late"], s["split"], [(d["cluster"], d["primary"], d["peer_state"]) for d in s["disks"]])'
  zdata ceph False False [('zdata', True, 'replaying'), ('zdata', True, 'replaying')]
  $ rbd -c "$C" info $P/$V --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["mirroring"]["primary"])'
  False

More records on zdata (40, nonce c), then the failback: every one of them
on ceph, the guest running there

  $ setcmd "marker=c$UNIQ loop=40" && restart && seqs 40
  40
  $ setcmd "marker=d$UNIQ"; : > console.log
  $ virt-rbd vm failback $V | norm
  domain 'fo-U' failed over from zdata to ceph (2 disk(s))
  nothing lost: the last snapshot, T, holds every write
  started on ceph, down N s
  $ marker d$UNIQ
  GUEST: VIRT-RBD-MARKER dev=/dev/vda nonce=dU
  $ for d in $V $V-data; do recs "$C" $d c$UNIQ; done
  40 1 40
  40 1 40

Forced failover: 20 records (nonce e) synced, the recovery point read,
then ceph paused.  A planned failover is refused within --timeout, naming
--force; the forced one destroys the hung domain and promotes zdata's
copies: every record up to the recovery point is there

  $ setcmd "marker=e$UNIQ loop=20" && restart && seqs 20
  20
  $ virt-rbd dr sync $V --wait > /dev/null; echo $?
  0
  $ virt-rbd --json dr status $V | python3 -c 'import json, sys; s=json.load(sys.stdin); print(s["late"], s["recovery_point"] is not None)'
  False True
  $ setcmd "marker=f$UNIQ"; : > console.log
  $ "$TESTDIR/../../scripts/lab" pause ceph > /dev/null
  $ virt-rbd --timeout 5 vm failover $V --to zdata
  virt-rbd: error: monitors of cluster 'ceph' did not answer within 5 s
  virt-rbd: hint: if that cluster is lost, fail over with --force: the other cluster's copies are promoted as they are
  [1]
  $ virt-rbd --timeout 5 vm failover $V --to zdata --force | norm
  domain 'fo-U' forced over from ceph to zdata (2 disk(s)): it was destroyed, its cluster lost
  recovery point: T: what was written after it is lost; the old copies are split until 'vm failback'
  started on zdata, down N s
  $ marker f$UNIQ
  GUEST: VIRT-RBD-MARKER dev=/dev/vda nonce=fU
  $ for d in $V $V-data; do recs "$Z" $d e$UNIQ; done
  20 1 20
  20 1 20

ceph back: both sides primary, dr status says split and exits 1; the
failback demotes ceph's copies, resynchronises them in full from zdata
and fails over home

  $ "$TESTDIR/../../scripts/lab" resume ceph > /dev/null
  $ virt-rbd dr status $V 2>&1 | grep -E "^(split|virt-rbd)" | norm
  split            forced over: the copies on ceph are not in step (primary there too, or not demoted); 'vm failback' resynchronises them
  virt-rbd: error: the recovery point of domain 'fo-U' is older than twice its schedule
  [1]
  $ setcmd "marker=g$UNIQ"; : > console.log
  $ virt-rbd vm failback $V | norm
  2 image(s) on 'ceph' resynchronised in full
  domain 'fo-U' failed over from zdata to ceph (2 disk(s))
  nothing lost: the last snapshot, T, holds every write
  started on ceph, down N s
  $ marker g$UNIQ
  GUEST: VIRT-RBD-MARKER dev=/dev/vda nonce=gU
  $ for d in $V $V-data; do recs "$C" $d e$UNIQ; done
  20 1 20
  20 1 20
  $ virt-rbd dr disable $V > /dev/null; echo $?
  0
