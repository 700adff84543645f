#require lab
Set up: both clusters, a pool on each, a golden image with the tiny guest's
seed data (the guest writes its marker on every disk at boot)

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ for c in ceph zdata; do virt-rbd pool create $c:vrbdt-$UNIQ --pg 8 > /dev/null; done
  $ truncate -s 64M seed.raw; printf 'HELLO-FROM-HOST' | dd of=seed.raw bs=512 seek=8 conv=notrunc status=none
  $ rbd -c "$VRBD_LAB_CEPH_CONF" import --no-progress seed.raw vrbdt-$UNIQ/golden
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" import --no-progress seed.raw vrbdt-$UNIQ/data
  $ virt-rbd vol snap create vrbdt-$UNIQ/golden@v1 > /dev/null
  $ for c in ceph zdata; do virt-rbd host connect $c:vrbdt-$UNIQ --user client.vrbdt-$UNIQ > /dev/null; done

vm create --from clones the golden image and defines the VM, through the host's connection to the pool

  $ virt-rbd vm create vm-$UNIQ --from vrbdt-$UNIQ/golden@v1 --memory 256 --kernel "$VRBD_LAB_GUEST_DIR/vmlinuz" --initrd "$VRBD_LAB_GUEST_DIR/initrd.img" --cmdline "console=ttyS0 quiet panic=-1 marker=m$UNIQ hold=600" --console-log "$PWD/console.log" | sed "s/$UNIQ/U/g; s/in [0-9.]* s/in N s/"
  vm 'vm-U' defined in N s (disk ceph:vrbdt-U/vm-U, cloned from the golden image)
  $ virt-rbd --json vol info vrbdt-$UNIQ/vm-$UNIQ | python3 -c 'import json,sys,os; d=json.load(sys.stdin); print(d["parent"].replace(os.environ["UNIQ"],"U"), d["owner"].split()[1].replace(os.environ["UNIQ"],"U"))'
  vrbdt-U/golden@v1 domain=vm-U
  $ virsh -c qemu:///system dumpxml vm-$UNIQ | grep -E "<domain type|<driver name='qemu' type='raw'" | sed 's/ id=.[0-9]*.//'
  <domain type='qemu'>
        <driver name='qemu' type='raw' cache='writeback' discard='unmap' detect_zeroes='unmap'/>

A disk from the second cluster goes next to it

  $ virt-rbd disk attach vm-$UNIQ zdata:vrbdt-$UNIQ/data | sed "s/$UNIQ/U/g"
  zdata:vrbdt-U/data attached to 'vm-U' as vdb
  $ virt-rbd disk list vm-$UNIQ | awk 'NR > 1 {print $1, $2, $3, $4, $5, $6}' | sed "s/$UNIQ/U/g"
  vda rbd ceph vrbdt-U/vm-U 64 MiB
  vdb rbd zdata vrbdt-U/data 64 MiB

The guest boots from RBD and writes its marker on both disks, one per cluster

  $ virsh -q -c qemu:///system start vm-$UNIQ > /dev/null
  $ for i in $(seq 1 300); do [ "$(grep -ac "nonce=m$UNIQ" console.log 2>/dev/null)" = 2 ] && break; sleep 0.2; done; grep -ao "dev=/dev/vd. nonce=m$UNIQ read=\[HELLO-FROM-HOST\]" console.log | sed "s/$UNIQ/U/"
  dev=/dev/vda nonce=mU read=[HELLO-FROM-HOST]
  dev=/dev/vdb nonce=mU read=[HELLO-FROM-HOST]
  $ for c in ceph zdata; do rbd -c "$VRBD_LAB_DIR/$c/ceph.conf" export --no-progress vrbdt-$UNIQ/$([ $c = ceph ] && echo vm-$UNIQ || echo data) $c.out; head -c 512 $c.out | tr -d '\000' | grep -o "nonce=m$UNIQ" | sed "s/$UNIQ/U/"; done
  nonce=mU
  nonce=mU

While it runs: the images are held, and say by whom

  $ virt-rbd vol rm --now zdata:vrbdt-$UNIQ/data 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U/data' is in use: client.[0-9]+ at 127.0.0.1:0/[0-9]+ \(domain 'vm-U'\) (re)
  virt-rbd: hint: shut the guest down: virsh shutdown vm-U (or detach the disk)
  [1]
  $ virt-rbd vm rm vm-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: domain 'vm-U' is running
  virt-rbd: hint: shut it down first: virsh shutdown vm-U
  [1]
  $ virt-rbd vm create vm2-$UNIQ --from vrbdt-$UNIQ/golden@v1 --memory 256 > /dev/null; virt-rbd disk attach vm2-$UNIQ zdata:vrbdt-$UNIQ/data 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U/data' is in use by domain 'vm-U': two writers would corrupt it
  virt-rbd: hint: shut the guest down: virsh shutdown vm-U (or detach the disk)
  [1]
  $ virt-rbd vm rm vm2-$UNIQ --disks --now | sed "s/$UNIQ/U/g"
  vm 'vm2-U' removed with its RBD disks
  $ virt-rbd vm create vm3-$UNIQ --from vrbdt-$UNIQ/golden@v1 --memory 256 > /dev/null
  $ virt-rbd --json vm rm vm3-$UNIQ --disks --now | sed "s/$UNIQ/U/g"
  {
    "removed": "vm3-U",
    "disks_removed": true,
    "trash": false
  }

Detach, live, by image

  $ virt-rbd disk detach vm-$UNIQ zdata:vrbdt-$UNIQ/data | sed "s/$UNIQ/U/g"
  vrbdt-U/data detached from 'vm-U'
  $ virt-rbd disk list vm-$UNIQ | awk 'NR > 1 {print $1}'
  vda
  $ virt-rbd --json vol info zdata:vrbdt-$UNIQ/data | python3 -c 'import json,sys; print(json.load(sys.stdin)["owner"])'
  None

vm create gives a running guest (how fast: bench, not a timed test)

  $ virsh -q -c qemu:///system destroy vm-$UNIQ > /dev/null
  $ virt-rbd --json vm create fast-$UNIQ --from vrbdt-$UNIQ/golden@v1 --memory 256 --kernel "$VRBD_LAB_GUEST_DIR/vmlinuz" --initrd "$VRBD_LAB_GUEST_DIR/initrd.img" --cmdline "console=ttyS0 quiet hold=600" --start | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["started"], d["seconds"] > 0)'
  True True
  $ virsh -c qemu:///system domstate fast-$UNIQ
  running
  

The running guest takes two more disks, hot-plugged: a q35 guest made by vm
create has spare PCIe root ports (it had none: "No more available PCI
slots" on the second)

  $ for d in hp1 hp2; do virt-rbd vol create vrbdt-$UNIQ/$d-$UNIQ --size 8M > /dev/null; virt-rbd disk attach fast-$UNIQ vrbdt-$UNIQ/$d-$UNIQ | sed "s/$UNIQ/U/g"; done
  ceph:vrbdt-U/hp1-U attached to 'fast-U' as vdb
  ceph:vrbdt-U/hp2-U attached to 'fast-U' as vdc
  $ virsh -q -c qemu:///system destroy fast-$UNIQ > /dev/null

vm rm --disks refuses, changing nothing, while another client holds a disk

  $ mkfifo hold; (rbd -c "$VRBD_LAB_CEPH_CONF" watch vrbdt-$UNIQ/fast-$UNIQ < hold > /dev/null 2>&1 &); (sleep 600 > hold & echo $! > hold.pid)
  > for i in $(seq 1 50); do rbd -c "$VRBD_LAB_CEPH_CONF" status vrbdt-$UNIQ/fast-$UNIQ 2>/dev/null | grep -q watcher= && break; sleep 0.2; done
  $ virt-rbd vm rm fast-$UNIQ --disks --now 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U/fast-U' of domain 'fast-U' is open elsewhere (1 client(s))
  virt-rbd: hint: see 'virt-rbd vol who'; nothing was removed
  [1]
  $ virsh -q -c qemu:///system domstate fast-$UNIQ; virt-rbd vol list vrbdt-$UNIQ | grep -c fast-
  shut off
  1
  $ kill $(cat hold.pid)
  > for i in $(seq 1 50); do rbd -c "$VRBD_LAB_CEPH_CONF" status vrbdt-$UNIQ/fast-$UNIQ 2>/dev/null | grep -q watcher= || break; sleep 0.2; done

vm rm --disks removes the domain and its images; the golden image stays

  $ virt-rbd vm rm fast-$UNIQ --disks --now | sed "s/$UNIQ/U/g"
  vm 'fast-U' removed with its RBD disks
  $ virt-rbd vm rm vm-$UNIQ --disks --now | sed "s/$UNIQ/U/g"
  vm 'vm-U' removed with its RBD disks
  $ virt-rbd vol list vrbdt-$UNIQ
  golden

libvirt's view follows at once (no manual refresh)

  $ virsh -q -c qemu:///system vol-list ceph-vrbdt-$UNIQ | awk '{print $1}'
  golden

A read-only disk belongs to others too: vm rm --disks leaves it

  $ virt-rbd vm create ro-$UNIQ --from vrbdt-$UNIQ/golden@v1 --memory 256 > /dev/null
  $ p=$(printf '%s' "$VRBD_LAB_CEPH_MON_HOST" | sed 's/.*v1:127\.0\.0\.1:\([0-9]*\).*/\1/'); virsh -c qemu:///system dumpxml --inactive ro-$UNIQ | sed "s|</devices>|<disk type='network' device='disk'><driver name='qemu' type='raw'/><source protocol='rbd' name='vrbdt-$UNIQ/golden'><host name='127.0.0.1' port='$p'/></source><auth username='vrbdt-$UNIQ'><secret type='ceph' usage='virt-rbd/$VRBD_LAB_CEPH_FSID/client.vrbdt-$UNIQ'/></auth><target dev='vdb' bus='virtio'/><readonly/></disk></devices>|" > ro.xml
  $ virsh -q -c qemu:///system define ro.xml > /dev/null
  $ virt-rbd vm rm ro-$UNIQ --disks --now | sed "s/$UNIQ/U/g"
  vm 'ro-U' removed with its RBD disks
  $ virt-rbd vol list vrbdt-$UNIQ
  golden

Bad input

  $ virt-rbd vm create vm-$UNIQ --from vrbdt-$UNIQ/golden@nope --memory 256 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: snapshot 'vrbdt-U/golden@nope' not found
  virt-rbd: hint: create it (vol snap create), or add --snap-if-missing
  [1]
  $ virt-rbd disk attach nodomain-$UNIQ vrbdt-$UNIQ/golden 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: no domain 'nodomain-U': Domain not found: no domain with matching name 'nodomain-U'
  virt-rbd: hint: see 'virsh list --all'
  [1]

Clean up

  $ virt-rbd vol rm --now vrbdt-$UNIQ/golden --force > /dev/null
  $ virt-rbd vol rm --now zdata:vrbdt-$UNIQ/data > /dev/null
  $ for c in ceph zdata; do virt-rbd host disconnect $c:vrbdt-$UNIQ > /dev/null; virt-rbd user rm $c:client.vrbdt-$UNIQ > /dev/null; virt-rbd pool rm $c:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null; done
