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

Without --keep-source the file goes; qcow2 and running VMs are refused with the reason

  $ virt-rbd vol rm vrbdt-$UNIQ/mv-$UNIQ-vda > /dev/null
  $ virt-rbd vm move mv-$UNIQ --to vrbdt-$UNIQ | sed "s/$UNIQ/U/g"
  vm 'mv-U': 1 disk(s) moved to ceph:vrbdt-U (verified); the old definition is kept for 'vm move mv-U --rollback'; the local files are deleted
  $ ls disk.raw 2>/dev/null | wc -l
  0
  $ sed "s|type='raw'/><source file='[^']*'|type='qcow2'/><source file='$PWD/q.qcow2'|; s/mv-$UNIQ/q-$UNIQ/" dom.xml > q.xml; : > q.qcow2
  $ virsh -q -c qemu:///system define q.xml > /dev/null; virt-rbd vm move q-$UNIQ --to vrbdt-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: disk vda of 'q-U' is qcow2: only raw disks move yet
  virt-rbd: hint: convert it to raw first (qcow2 import: to come)
  $ virsh -q -c qemu:///system undefine q-$UNIQ > /dev/null

Clean up

  $ virt-rbd vm rm mv-$UNIQ --disks > /dev/null
  $ virt-rbd host disconnect vrbdt-$UNIQ > /dev/null; virt-rbd user rm client.vrbdt-$UNIQ > /dev/null
  $ virt-rbd pool rm vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
