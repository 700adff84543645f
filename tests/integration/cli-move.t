#require lab
Set up: the ceph cluster, a pool, and a file-backed tiny guest that has run
once (its disk carries its marker)

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create vrbdt-$UNIQ --pg 8 > /dev/null
  $ virt-rbd host connect vrbdt-$UNIQ --user client.vrbdt-$UNIQ > /dev/null
  $ truncate -s 64M disk.raw; printf 'HELLO-FROM-HOST' | dd of=disk.raw bs=512 seek=8 conv=notrunc status=none
  $ cat > dom.xml <<EOF
  > <domain type='qemu'><name>mv-$UNIQ</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>
  > <os><type arch='x86_64' machine='q35'>hvm</type><kernel>$VRBD_LAB_GUEST_DIR/vmlinuz</kernel>
  > <initrd>$VRBD_LAB_GUEST_DIR/initrd.img</initrd><cmdline>console=ttyS0 quiet panic=-1 marker=before</cmdline></os>
  > <on_poweroff>destroy</on_poweroff><devices>
  > <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$PWD/disk.raw'/><target dev='vda' bus='virtio'/></disk>
  > <serial type='file'><source path='$PWD/console.log'/><target port='0'/></serial>
  > <memballoon model='none'/></devices></domain>
  > EOF
  $ virsh -q -c qemu:///system define dom.xml > /dev/null && virsh -q -c qemu:///system start mv-$UNIQ > /dev/null
  $ for i in $(seq 1 600); do virsh -q -c qemu:///system domstate mv-$UNIQ | grep -q "shut off" && break; sleep 0.2; done
  $ head -c 512 disk.raw | tr -d '\000' | grep -o "nonce=before read=\[HELLO-FROM-HOST\]"
  nonce=before read=[HELLO-FROM-HOST]
  $ sha256sum < disk.raw > disk.sum

A running VM is refused; a stopped one moves, verified, in one switch

  $ virt-rbd vm move mv-$UNIQ --to vrbdt-$UNIQ --keep-source | sed "s/$UNIQ/U/g"
  vm 'mv-U': 1 disk(s) moved to ceph:vrbdt-U (verified); the old definition is kept for 'vm move mv-U --rollback'
  $ virt-rbd disk list mv-$UNIQ | awk 'NR > 1 {print $1, $2, $3, $4}' | sed "s/$UNIQ/U/g"
  vda rbd ceph vrbdt-U/mv-U-vda
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/mv-$UNIQ-vda - 2>/dev/null | sha256sum | cmp - disk.sum && echo identical
  identical
  $ virt-rbd --json vol info vrbdt-$UNIQ/mv-$UNIQ-vda | python3 -c 'import json,sys,os; print(json.load(sys.stdin)["owner"].split()[1].replace(os.environ["UNIQ"],"U"))'
  domain=mv-U
  $ stat -c '%a' config/rollback/mv-$UNIQ.xml
  600

The guest boots from RBD now (new data on the image's sector 8 proves it)

  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/mv-$UNIQ-vda edit.raw
  $ printf 'AFTER-THE-MOVE' | dd of=edit.raw bs=512 seek=8 conv=notrunc status=none
  $ virt-rbd import edit.raw vrbdt-$UNIQ/mv-$UNIQ-vda --force > /dev/null
  $ virsh -q -c qemu:///system start mv-$UNIQ > /dev/null
  $ for i in $(seq 1 600); do virsh -q -c qemu:///system domstate mv-$UNIQ | grep -q "shut off" && break; sleep 0.2; done
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/mv-$UNIQ-vda after.raw; head -c 512 after.raw | tr -d '\000' | grep -o "nonce=before read=\[AFTER-THE-MOVE"
  nonce=before read=[AFTER-THE-MOVE

Rollback puts the file disk back

  $ virt-rbd vm move mv-$UNIQ --rollback | sed "s/$UNIQ/U/g"
  vm 'mv-U': the definition from before the move is back
  $ virt-rbd disk list mv-$UNIQ | awk 'NR > 1 {print $1, $2}'
  vda file

Without --keep-source the file goes

  $ virt-rbd vol rm --now vrbdt-$UNIQ/mv-$UNIQ-vda > /dev/null
  $ virt-rbd vm move mv-$UNIQ --to vrbdt-$UNIQ | sed "s/$UNIQ/U/g"
  vm 'mv-U': 1 disk(s) moved to ceph:vrbdt-U (verified); the old definition is kept for 'vm move mv-U --rollback'; 1 local file(s) deleted
  $ ls disk.raw 2>/dev/null | wc -l; echo "${PIPESTATUS[0]} (ls: no such file)"
  0
  2 (ls: no such file)

A qcow2 disk moves offline too (a plain one, read directly): the image holds the
guest-visible content, not the qcow2 file

  $ qemu-img create -q -f qcow2 q.qcow2 64M && qemu-io -f qcow2 -c 'write -P 0x5a 1M 64k' -c 'write -P 0xa5 40M 1M' q.qcow2 > /dev/null
  $ qemu-img convert -O raw q.qcow2 q.raw && sha256sum < q.raw > q.sum
  $ sed "s|type='raw'/><source file='[^']*'|type='qcow2'/><source file='$PWD/q.qcow2'|; s/mv-$UNIQ/q-$UNIQ/" dom.xml > q.xml
  $ virsh -q -c qemu:///system define q.xml > /dev/null; virt-rbd vm move q-$UNIQ --to vrbdt-$UNIQ --keep-source | sed "s/$UNIQ/U/g"
  vm 'q-U': 1 disk(s) moved to ceph:vrbdt-U (verified); the old definition is kept for 'vm move q-U --rollback'
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/q-$UNIQ-vda - 2>/dev/null | sha256sum | cmp - q.sum && echo identical
  identical
  $ virt-rbd vm rm q-$UNIQ --disks --now > /dev/null

An RBD disk moves offline to the other cluster when named: the image is
copied (exact extents), verified, the definition switched; the source image
is left in place; the guest boots from zdata

  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ virt-rbd pool create zdata:vrbdt-$UNIQ --pg 8 > /dev/null
  $ virt-rbd vm move mv-$UNIQ --to zdata:vrbdt-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: domain 'mv-U' has no local disk to move
  virt-rbd: hint: see 'virt-rbd disk list'
  [1]
  $ virt-rbd vm move mv-$UNIQ --to zdata:vrbdt-$UNIQ --disks vda | sed "s/$UNIQ/U/g"
  vm 'mv-U': 1 disk(s) moved to zdata:vrbdt-U (verified); the old definition is kept for 'vm move mv-U --rollback'
  $ virt-rbd disk list mv-$UNIQ | awk 'NR > 1 {print $1, $2, $3, $4}' | sed "s/$UNIQ/U/g"
  vda rbd zdata vrbdt-U/mv-U-vda
  $ printf '%s\n' 'sum() { rbd -c "$1" export --no-progress "$2" - 2>/dev/null | sha256sum | cut -c1-16; }' > sum.sh
  $ . ./sum.sh; [ "$(sum "$VRBD_LAB_CEPH_CONF" vrbdt-$UNIQ/mv-$UNIQ-vda)" = "$(sum "$VRBD_LAB_ZDATA_CONF" vrbdt-$UNIQ/mv-$UNIQ-vda)" ] && echo identical, source kept
  identical, source kept
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" export --no-progress vrbdt-$UNIQ/mv-$UNIQ-vda z.raw
  $ printf 'ON-ZDATA' | dd of=z.raw bs=512 seek=8 conv=notrunc status=none
  $ virt-rbd import z.raw zdata:vrbdt-$UNIQ/mv-$UNIQ-vda --force > /dev/null
  $ virsh -q -c qemu:///system start mv-$UNIQ > /dev/null
  $ for i in $(seq 1 600); do virsh -q -c qemu:///system domstate mv-$UNIQ | grep -q "shut off" && break; sleep 0.2; done
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" export --no-progress vrbdt-$UNIQ/mv-$UNIQ-vda z2.raw; head -c 512 z2.raw | tr -d '\000' | grep -o "nonce=before read=\[ON-ZDATA"
  nonce=before read=[ON-ZDATA

Clean up

  $ virt-rbd vm rm mv-$UNIQ --disks --now > /dev/null
  $ virt-rbd vol rm --now vrbdt-$UNIQ/mv-$UNIQ-vda > /dev/null
  $ virt-rbd pool rm zdata:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
  $ virt-rbd host disconnect zdata:vrbdt-$UNIQ > /dev/null 2>&1; virt-rbd host disconnect vrbdt-$UNIQ > /dev/null; virt-rbd user rm client.vrbdt-$UNIQ > /dev/null
  $ virt-rbd pool rm vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
