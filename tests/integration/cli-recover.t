#require lab
#cleanup "$TESTDIR/../../scripts/lab" host-thaw h2 > /dev/null
vm recover: a VM whose host hangs is started on another host, and the hung
host's QEMU, once it runs again, cannot write to the VM's disks: every
Ceph client of every disk (here on both clusters) is fenced first.  The
guest writes numbered records on both disks; host h2 is frozen (libvirtd
and QEMU stopped, as a hung machine); the VM is recovered on h1; h2 is
thawed and its old guest goes on trying to write: the disks must hold
exactly what the guest wrote on h2 before the freeze and what the guest
on h1 wrote, and nothing of the thawed one.

  $ H1=$VRBD_LAB_H1_URI H2=$VRBD_LAB_H2_URI; V="vm-$UNIQ"; P="vrbdt-$UNIQ"
  $ lab() { "$TESTDIR/../../scripts/lab" "$@"; }
  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ for h in h1 h2 h3; do u=VRBD_LAB_${h^^}_URI; virt-rbd fleet add $h "${!u}" --address 127.0.0.1 > /dev/null; done
  $ for c in ceph zdata; do virt-rbd pool create $c:$P --pg 8 > /dev/null && virt-rbd --host h2 host connect $c:$P --user client.$P --name $c-$UNIQ > /dev/null; done
#cleanup for h in "$VRBD_LAB_H1_URI" "$VRBD_LAB_H2_URI" "$VRBD_LAB_H3_URI"; do for c in ceph zdata; do virsh -q -c "$h" pool-destroy $c-$UNIQ; virsh -q -c "$h" pool-undefine $c-$UNIQ; done; done > /dev/null 2>&1; true
  $ virt-rbd fleet sync ceph:$P zdata:$P > /dev/null

A VM on h2 with a disk on each cluster, writing records on both

  $ virt-rbd --host h2 vm create $V --size 64M --pool ceph:$P --memory 256 --kernel "$VRBD_LAB_GUEST_DIR/vmlinuz" --initrd "$VRBD_LAB_GUEST_DIR/initrd.img" --cmdline "console=ttyS0 quiet panic=-1 marker=old$UNIQ loop=3000" --console-log "$PWD/old.log" > /dev/null
#cleanup for h in "$VRBD_LAB_H1_URI" "$VRBD_LAB_H2_URI" "$VRBD_LAB_H3_URI"; do virsh -q -c "$h" destroy vm-$UNIQ; virsh -q -c "$h" undefine vm-$UNIQ; done > /dev/null 2>&1; true
  $ virt-rbd vol create zdata:$P/data --size 64M > /dev/null
  $ virt-rbd --host h2 disk attach $V zdata:$P/data --config | sed "s/$UNIQ/U/g"
  zdata:vrbdt-U/data attached to 'vm-U' as vdb
  $ virsh -q -c "$H2" start $V > /dev/null
  $ for i in $(seq 1 600); do [ "$(grep -ac GUEST-SEQ old.log 2>/dev/null)" -ge 5 ] && break; sleep 0.2; done; [ "$(grep -ac GUEST-SEQ old.log)" -ge 5 ] && echo writing
  writing

While h2 answers and runs it, recovery is refused: that is what vm migrate is for

  $ virt-rbd --host h1 vm recover $V --from h2 2>&1 | sed "s/$UNIQ/U/"
  virt-rbd: error: host 'h2' answers and runs 'vm-U'
  virt-rbd: hint: move it with 'virt-rbd vm migrate'; if that host is sick but answers, --force fences it all the same
  [1]

The guest that will run on h1 is told apart by its marker: its definition,
kept in the disks' metadata, is edited (while the VM runs: an image-meta set
takes the exclusive lock, which a hung owner would lose by librbd's own
lock break and blocklist, fencing it before virt-rbd does)

  $ for img in ceph:$P/$V zdata:$P/data; do c=${img%%:*}; i=${img#*:}; rbd -c "$VRBD_LAB_DIR/$c/ceph.conf" image-meta get $i virt-rbd.domain | sed "s/marker=old$UNIQ loop=3000/marker=new$UNIQ loop=3/; s|$PWD/old.log|$PWD/new.log|" > def.xml && rbd -c "$VRBD_LAB_DIR/$c/ceph.conf" image-meta set $i virt-rbd.domain "$(cat def.xml)"; done
  $ grep -c "<disk " def.xml
  2
  $ n=$(grep -ac GUEST-SEQ old.log); for i in $(seq 1 300); do [ "$(grep -ac GUEST-SEQ old.log)" -ge $((n + 3)) ] && break; sleep 0.2; done; [ "$(grep -ac GUEST-SEQ old.log)" -ge $((n + 3)) ] && echo "still writing"
  still writing

h2 hangs.  Its records so far are on disk.

  $ lab host-freeze h2 > /dev/null
  $ a=$(grep -ac GUEST-SEQ old.log); [ "$a" -ge 5 ] && echo "frozen after $a records" | sed 's/[0-9]* records/N records/'
  frozen after N records

vm recover on h1: h2 does not answer within --timeout; the definition comes
from the disks; the clients of both disks are fenced; the VM starts on h1

  $ virt-rbd --host h1 --timeout 5 --json vm recover $V --from h2 --expire 10m > rec.json
  $ python3 -c 'import json; d=json.load(open("rec.json")); print(d["on"], d["from_answered"], d["rbd_disks"], d["definition"].split(" ")[:3], sorted({f.split()[0] for f in d["fenced"]}))'
  h1 False 2 ['the', 'metadata', 'of'] ['ceph', 'zdata']
  $ python3 -c 'import json; d=json.load(open("rec.json")); print("\n".join(f.split()[0] + " " + f.split()[1] for f in d["fenced"]))' > fenced
  $ while read c addr; do ceph -c "$VRBD_LAB_DIR/$c/ceph.conf" osd blocklist ls 2>/dev/null | grep -c "^$addr "; done < fenced | sort -u
  1
#cleanup while read c addr; do ceph -c "$VRBD_LAB_DIR/$c/ceph.conf" osd blocklist rm "$addr"; done < fenced > /dev/null 2>&1; true
  $ virsh -q -c "$H1" domstate $V
  running
  $ virt-rbd --json vol info ceph:$P/$V | python3 -c 'import json,sys; print(json.load(sys.stdin)["owner"].split()[0])'
  host=h1
  $ virt-rbd --timeout 3 fleet list | grep -A3 '^h2' | sed "s/$UNIQ/U/g" | grep -E '^h2|fenced' | awk '{print $1, $2}'
  h2 unreachable
  fenced: 2
  [1]
  $ for i in $(seq 1 600); do [ "$(grep -ac GUEST-SEQ new.log 2>/dev/null)" -ge 3 ] && break; sleep 0.2; done; grep -ac GUEST-SEQ new.log
  3

h2 wakes up: its old guest goes on (its console shows new records) but none
of its writes lands

  $ lab host-thaw h2 > /dev/null
  $ for i in $(seq 1 600); do [ "$(grep -ac GUEST-SEQ old.log)" -ge $((a + 3)) ] && break; sleep 0.2; done; b=$(grep -ac GUEST-SEQ old.log); [ $b -ge $((a + 3)) ] && echo "old guest tried again"
  old guest tried again
  $ for img in ceph:$P/$V zdata:$P/data; do c=${img%%:*}; rbd -c "$VRBD_LAB_DIR/$c/ceph.conf" export --no-progress ${img#*:} $c.out; done
  $ rec() { dd if=$1 bs=512 skip=$((4096 + $2)) count=1 status=none | tr -d '\000'; }
  $ for d in ceph.out zdata.out; do
  >   for k in 1 2 3; do [ "$(rec $d $k)" = "VIRT-RBD-SEQ new$UNIQ $k" ] || echo "$d: record $k is not the new guest's"; done
  >   for k in $(seq 4 $a); do [ "$(rec $d $k)" = "VIRT-RBD-SEQ old$UNIQ $k" ] || echo "$d: record $k of the old guest is lost"; done
  >   for k in $(seq $((a + 2)) $((b + 5))); do [ -z "$(rec $d $k)" ] || echo "$d: record $k of the thawed guest landed"; done
  > done
  $ echo checked
  checked

fleet unfence refuses while h2 still runs the stale copy; once it is
destroyed, it undefines the copy and lifts the fence

  $ virt-rbd fleet unfence h2 2>&1 | sed "s/$UNIQ/U/"
  virt-rbd: error: host 'h2' still runs 'vm-U'
  virt-rbd: hint: it runs elsewhere since 'vm recover': stop this stale copy (virsh destroy) or reboot the host, then run this again
  [1]
  $ virsh -q -c "$H2" destroy $V > /dev/null
  $ virt-rbd fleet unfence h2 | sed 's/[0-9]* blocklist entr[a-z]*/N blocklist entries/'
  host 'h2': N blocklist entries lifted
  $ while read c addr; do ceph -c "$VRBD_LAB_DIR/$c/ceph.conf" osd blocklist ls 2>/dev/null | grep -c "^$addr "; done < fenced | sort -u
  0
  [1]
  $ virsh -q -c "$H2" list --all --name | grep -c "$V"
  0
  [1]
  $ virt-rbd fleet list | grep -c fenced
  0
  [1]

fleet recover: every VM of a host whose libvirtd is gone (its QEMU still
runs, as on a host whose management died) is started elsewhere, fenced

  $ virt-rbd --host h3 vm create w2-$UNIQ --size 64M --pool ceph:$P --memory 256 --kernel "$VRBD_LAB_GUEST_DIR/vmlinuz" --initrd "$VRBD_LAB_GUEST_DIR/initrd.img" --cmdline "console=ttyS0 quiet panic=-1 marker=w2$UNIQ loop=3000" --console-log "$PWD/w2.log" --start > /dev/null
#cleanup for h in "$VRBD_LAB_H1_URI" "$VRBD_LAB_H2_URI" "$VRBD_LAB_H3_URI"; do virsh -q -c "$h" destroy w2-$UNIQ; virsh -q -c "$h" undefine w2-$UNIQ; done > /dev/null 2>&1; true
#cleanup "$TESTDIR/../../scripts/lab" host-start h3 > /dev/null 2>&1; true
  $ for i in $(seq 1 600); do [ "$(grep -ac GUEST-SEQ w2.log 2>/dev/null)" -ge 3 ] && break; sleep 0.2; done; [ "$(grep -ac GUEST-SEQ w2.log)" -ge 3 ] && echo writing
  writing
  $ lab host-stop h3 > /dev/null
  $ virt-rbd --host h1 --timeout 5 fleet recover h3 --on h2 --expire 10m > frec.out
  $ sed "s/$UNIQ/U/" frec.out | awk '{print $1, $2, $3, $4, $5}'
  DOMAIN ON RESULT DETAIL 
  w2-U h2 ok 1 client(s)
  $ virsh -q -c "$H2" domstate w2-$UNIQ
  running
  $ lab host-start h3 > /dev/null
  $ virt-rbd fleet unfence h3 2>&1 | sed "s/$UNIQ/U/" | head -1
  virt-rbd: error: host 'h3' still runs 'w2-U'
  [1]
  $ virsh -q -c "$VRBD_LAB_H3_URI" destroy w2-$UNIQ > /dev/null
  $ virt-rbd fleet unfence h3
  host 'h3': 1 blocklist entry lifted
