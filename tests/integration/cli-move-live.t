#require lab
Set up: both clusters, a pool on each, and a tiny guest with a raw file (vda)
and a qcow2 file (vdb) that writes numbered records to both disks, 0.1 s
apart, and reports each on its console once both disks have it

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ for c in ceph zdata; do virt-rbd pool create $c:vrbdt-$UNIQ --pg 8 > /dev/null; done
  $ for c in ceph zdata; do virt-rbd host connect $c:vrbdt-$UNIQ --user client.vrbdt-$UNIQ > /dev/null; done
  $ truncate -s 64M a.raw; head -c 8M /dev/urandom > data.bin; dd if=data.bin of=a.raw bs=1M seek=16 conv=notrunc status=none
  $ qemu-img create -q -f qcow2 b.qcow2 32M && qemu-io -f qcow2 -c 'write -P 0x5a 8M 4M' b.qcow2 > /dev/null
  $ cat > dom.xml <<EOF
  > <domain type='qemu'><name>lv-$UNIQ</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>
  > <os><type arch='x86_64' machine='q35'>hvm</type><kernel>$VRBD_LAB_GUEST_DIR/vmlinuz</kernel>
  > <initrd>$VRBD_LAB_GUEST_DIR/initrd.img</initrd><cmdline>console=ttyS0 quiet panic=-1 marker=live loop=250</cmdline></os>
  > <on_poweroff>destroy</on_poweroff><devices>
  > <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$PWD/a.raw'/><target dev='vda' bus='virtio'/><boot order='1'/></disk>
  > <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$PWD/b.qcow2'/><target dev='vdb' bus='virtio'/></disk>
  > <serial type='file'><source path='$PWD/console.log'/><target port='0'/></serial>
  > <memballoon model='none'/></devices></domain>
  > EOF
  $ virsh -q -c qemu:///system define dom.xml > /dev/null

A stopped VM cannot move live, and --bandwidth goes with --live

  $ virt-rbd vm move lv-$UNIQ --live --to zdata:vrbdt-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: domain 'lv-U' is not running: a live move needs it running
  virt-rbd: hint: start it, or move it --offline
  [1]
  $ virt-rbd vm move lv-$UNIQ --to zdata:vrbdt-$UNIQ --bandwidth 1M
  virt-rbd: error: --bandwidth goes with --live
  virt-rbd: hint: see 'virt-rbd help vm move'
  [2]

The destination cluster stops answering during the copy (SIGSTOP of every
daemon, as a dead host looks): the move fails within its timeouts, the guest
keeps running on its old disks and its definition is unchanged.  (Guest
writes that overlap a copy request stuck on the dead cluster wait for it, as
QEMU's mirror makes them: the guest writes on once the cluster is back.)

  $ virsh -q -c qemu:///system start lv-$UNIQ > /dev/null
  $ for i in $(seq 1 300); do grep -q GUEST-SEQ console.log 2>/dev/null && break; sleep 0.1; done
  $ virsh -q -c qemu:///system dumpxml --inactive lv-$UNIQ > before.xml
  $ virt-rbd --timeout 3 vm move lv-$UNIQ --live --to zdata:vrbdt-$UNIQ --disks vda --bandwidth 1M > fail.out 2>&1 &
  > for i in $(seq 1 250); do virsh -c qemu:///system blockjob lv-$UNIQ vda --raw 2>/dev/null | grep -q cur= && break; sleep 0.1; done
  > "$TESTDIR/../../scripts/lab" pause zdata > /dev/null; wait $!; echo "exit $?"
  exit 1
  $ grep -c GUEST-SEQ console.log > seq0
  $ grep -v -e "still being cancelled" -e "is in an unknown state" fail.out | sed "s/$UNIQ/U/g"
  virt-rbd: warning: the unfinished copy 'zdata:vrbdt-U/lv-U-vda' is left: remove it with 'virt-rbd vol rm zdata:vrbdt-U/lv-U-vda' once its cluster answers
  virt-rbd: error: cluster 'zdata' stopped answering during the copy of vda: cannot open image 'vrbdt-U/lv-U-vda': Connection timed out
  virt-rbd: hint: the guest stays on its old disks; move again once the cluster answers
  $ virsh -q -c qemu:///system domstate lv-$UNIQ
  running
  $ virsh -q -c qemu:///system domblklist lv-$UNIQ | awk '{print $1, $2}' | sed "s|$PWD|PWD|"
  vda PWD/a.raw
  vdb PWD/b.qcow2
  $ virsh -q -c qemu:///system dumpxml --inactive lv-$UNIQ | cmp - before.xml && echo unchanged
  unchanged
  $ "$TESTDIR/../../scripts/lab" resume zdata > /dev/null
  $ for i in $(seq 1 100); do virsh -c qemu:///system blockjob lv-$UNIQ vda --raw 2>&1 | grep -q cur= || break; sleep 0.2; done
  $ sleep 1; [ $(grep -c GUEST-SEQ console.log) -gt $(cat seq0) ] && echo still writing
  still writing
  $ virt-rbd vol rm --now zdata:vrbdt-$UNIQ/lv-$UNIQ-vda | sed "s/$UNIQ/U/g"
  image zdata:vrbdt-U/lv-U-vda removed

Both disks (raw and qcow2) move live while the guest keeps writing; it runs
on RBD afterwards and its persistent definition says so, boot order kept

  $ virt-rbd vm move lv-$UNIQ --live --to zdata:vrbdt-$UNIQ | sed "s/$UNIQ/U/g"
  vm 'lv-U': 2 disk(s) moved to zdata:vrbdt-U while it ran; the old definition is kept for 'vm move lv-U --rollback'; 2 local file(s) deleted
  $ grep -c GUEST-SEQ console.log > seq1
  $ virsh -q -c qemu:///system domblklist lv-$UNIQ | awk '{print $1, $2}' | sed "s/$UNIQ/U/g"
  vda vrbdt-U/lv-U-vda
  vdb vrbdt-U/lv-U-vdb
  $ virt-rbd disk list lv-$UNIQ | awk 'NR > 1 {print $1, $2, $3, $4}' | sed "s/$UNIQ/U/g"
  vda rbd zdata vrbdt-U/lv-U-vda
  vdb rbd zdata vrbdt-U/lv-U-vdb
  $ virt-rbd --json vol info zdata:vrbdt-$UNIQ/lv-$UNIQ-vdb | python3 -c 'import json,sys,os; print(json.load(sys.stdin)["owner"].split()[1].replace(os.environ["UNIQ"],"U"))'
  domain=lv-U
  $ virsh -q -c qemu:///system dumpxml --inactive lv-$UNIQ | grep -c "<boot order='1'/>"
  1

The definition kept for the rollback is the one from before the move
(libvirt rewrites the disks' sources at the pivot: not the one read after)

  $ grep -o -e "source file='$PWD/a.raw'" -e "source file='$PWD/b.qcow2'" config/rollback/lv-$UNIQ.xml | sed "s|$PWD|PWD|"
  source file='PWD/a.raw'
  source file='PWD/b.qcow2'
  $ ls a.raw b.qcow2 2>/dev/null | wc -l; echo "${PIPESTATUS[0]} (ls: no such files)"
  0
  2 (ls: no such files)

Every record the guest reported is on the RBD images, those written before,
during and after the move; the data written before the guest started is too

  $ for i in $(seq 1 600); do virsh -q -c qemu:///system domstate lv-$UNIQ | grep -q "shut off" && break; sleep 0.2; done
  $ grep -c GUEST-SEQ console.log > k; [ $(cat k) -gt $(cat seq1) ] && [ $(cat seq1) -gt $(cat seq0) ] && echo "records before and after the switch"
  records before and after the switch
  $ for d in vda vdb; do virt-rbd export zdata:vrbdt-$UNIQ/lv-$UNIQ-$d $d.out > /dev/null; done
  $ k=$(cat k); for d in vda vdb; do for n in $(seq 1 $k); do
  >   dd if=$d.out bs=512 skip=$((4096 + n)) count=1 status=none | tr -d '\000' | grep -qx "VIRT-RBD-SEQ live $n" || echo "$d: record $n missing"
  > done; done; echo "checked $k records on each disk"
  checked 250 records on each disk
  $ cmp <(dd if=vda.out bs=1M skip=16 count=8 status=none) data.bin && echo vda data identical
  vda data identical
  $ cmp <(dd if=vdb.out bs=1M skip=8 count=4 status=none) <(head -c 4M /dev/zero | tr '\0' '\132') && echo vdb data identical
  vdb data identical

An RBD disk moves live across clusters too (zdata to ceph), when named

  $ rm console.log; virsh -q -c qemu:///system start lv-$UNIQ > /dev/null
  $ for i in $(seq 1 300); do grep -q GUEST-SEQ console.log 2>/dev/null && break; sleep 0.1; done
  $ virt-rbd --json vm move lv-$UNIQ --live --to ceph:vrbdt-$UNIQ --disks vdb | python3 -c 'import json, sys; j = json.load(sys.stdin); print(j["moved"], j["cluster"], j["live"])'
  1 ceph True
  $ virt-rbd disk list lv-$UNIQ | awk 'NR > 1 {print $1, $2, $3, $4}' | sed "s/$UNIQ/U/g"
  vda rbd zdata vrbdt-U/lv-U-vda
  vdb rbd ceph vrbdt-U/lv-U-vdb
  $ for i in $(seq 1 600); do virsh -q -c qemu:///system domstate lv-$UNIQ | grep -q "shut off" && break; sleep 0.2; done
  $ virt-rbd export ceph:vrbdt-$UNIQ/lv-$UNIQ-vdb vdb2.out > /dev/null
  $ for n in $(seq 1 250); do dd if=vdb2.out bs=512 skip=$((4096 + n)) count=1 status=none | tr -d '\000' | grep -qx "VIRT-RBD-SEQ live $n" || echo "record $n missing"; done
  $ cmp <(dd if=vdb2.out bs=1M skip=8 count=4 status=none) <(head -c 4M /dev/zero | tr '\0' '\132') && echo vdb data identical
  vdb data identical

Clean up

  $ virt-rbd vol rm --now zdata:vrbdt-$UNIQ/lv-$UNIQ-vdb > /dev/null
  $ virt-rbd vm rm lv-$UNIQ --disks --now > /dev/null
  $ for c in ceph zdata; do virt-rbd host disconnect $c:vrbdt-$UNIQ > /dev/null; virt-rbd user rm $c:client.vrbdt-$UNIQ > /dev/null; virt-rbd pool rm $c:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null; done
