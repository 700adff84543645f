#require lab
A source that cannot be read at a known offset.  This machine has no
device-mapper (no `error` target) and no nbd module, so the fault is QEMU's
blkdebug driver returning EIO for reads of one 512-byte sector, served as a
file by qemu-storage-daemon's FUSE export (and as a block device, a
read-only loop device on that file).  The oracle: the import fails, naming
the offset of the block that failed (not the start of the 2 MiB request that
held it), nothing is left under the final name (nor a temporary image,
unless --resume keeps it, marked), the source is untouched.

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create vrbdt-$UNIQ --pg 8 > /dev/null
  $ head -c 16M /dev/urandom > src.raw; sha256sum src.raw > src.sum
  $ seq 1 3000000 | head -c 16M > text.raw; qemu-img convert -c -O qcow2 text.raw text.qcow2
  $ touch bad bad.qcow2
  $ err() { echo "{\"driver\":\"blkdebug\",\"image\":\"$1\",\"node-name\":\"d$1\",\"inject-error\":[{\"event\":\"none\",\"iotype\":\"read\",\"sector\":$2,\"errno\":5,\"once\":false,\"immediately\":true}]}"; }
  > qemu-storage-daemon --daemonize --pidfile qsd.pid \
  >   --blockdev driver=file,filename=src.raw,node-name=f1 --blockdev "$(err f1 16400)" --blockdev driver=raw,file=df1,node-name=r1 \
  >   --export type=fuse,id=e1,node-name=r1,mountpoint=bad,writable=off \
  >   --blockdev driver=file,filename=text.qcow2,node-name=f2 --blockdev "$(err f2 4000)" --blockdev driver=raw,file=df2,node-name=r2 \
  >   --export type=fuse,id=e2,node-name=r2,mountpoint=bad.qcow2,writable=off && echo serving
  serving

The fault: the 4 KiB block at byte 8396800 (sector 16400) cannot be read,
the one before it can

  $ dd if=bad of=/dev/null bs=4096 skip=2049 count=1 status=none && echo block 2049 reads
  block 2049 reads
  $ dd if=bad of=/dev/null bs=4096 skip=2050 count=1 status=none
  dd: error reading 'bad': Input/output error
  [1]

A raw file: the error names the block's offset; no image is left

  $ virt-rbd import bad vrbdt-$UNIQ/img
  virt-rbd: error: cannot read 'bad' at byte 8396800: Input/output error
  virt-rbd: hint: it cannot be read there (a bad block?): the kernel's log (dmesg) may say why
  [1]
  $ rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ | wc -l
  0

With --resume the partial image is kept, marked with how far it got, and the
error says so

  $ virt-rbd import --resume bad vrbdt-$UNIQ/img 2>&1 | sed "s/$UNIQ/U/"
  virt-rbd: error: cannot read 'bad' at byte 8396800: Input/output error; the partial image '.virt-rbd-import.img.[0-9]+' is kept (re)
  virt-rbd: hint: run the same import with --resume to continue
  [1]
  $ t=$(rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ); rbd -c "$VRBD_LAB_CEPH_CONF" image-meta get vrbdt-$UNIQ/$t virt-rbd.incomplete | cut -d' ' -f1
  done=[0-9]+ (re)
  $ rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ | grep -cx img
  0
  [1]
  $ for i in $(rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ); do virt-rbd vol rm --now "vrbdt-$UNIQ/$i" > /dev/null; done

A block device (a read-only loop device on the same file): the same

  $ dev=$(losetup -r -f --show bad); echo "$dev" > dev; virt-rbd import "$dev" vrbdt-$UNIQ/img 2>&1 | sed "s#$dev#DEV#"
  virt-rbd: error: cannot read 'DEV' at byte 8396800: Input/output error
  virt-rbd: hint: it cannot be read there (a bad block?): the kernel's log (dmesg) may say why
  [1]
  $ losetup -d "$(cat dev)"; for i in $(seq 100); do [ -z "$(losetup -j bad)" ] && break; sleep 0.1; done; losetup -j bad
  $ rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ | wc -l
  0

A compressed qcow2, read through qemu-nbd: qemu-nbd ends the connection when
its file fails it, so the offset is the request's; the error says what
qemu-nbd said

  $ virt-rbd import bad.qcow2 vrbdt-$UNIQ/img
  virt-rbd: error: cannot read 'bad.qcow2' \(qcow2\) at byte [0-9]+: qemu-nbd ended the connection: reading from file failed: Input/output error (re)
  virt-rbd: hint: check the image with qemu-img check
  [1]
  $ rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ | wc -l
  0

The source is untouched

  $ sha256sum -c --quiet src.sum && echo source untouched
  source untouched

Clean up (the exports stay mounted after the daemon ends: unmounted here)

  $ p=$(cat qsd.pid); kill "$p"; while kill -0 "$p" 2> /dev/null; do sleep 0.1; done
  > for m in bad bad.qcow2; do umount $m 2> /dev/null; done; grep -c " $PWD/bad" /proc/self/mounts
  0
  [1]
  $ virt-rbd pool rm vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
