#require lab
Set up: the ceph cluster and a pool; a 1 GiB source: 100 MiB of random
data, 50 MiB of written zeros, the rest holes

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create vrbdt-$UNIQ --pg 8 > /dev/null
  $ truncate -s 1G src.raw; head -c 100M /dev/urandom | dd of=src.raw bs=1M seek=200 conv=notrunc status=none
  $ dd if=/dev/zero of=src.raw bs=1M seek=500 count=50 conv=notrunc status=none
  $ sha256sum < src.raw > src.sum

import: identical, thin (holes and zeros are not written), verified

  $ virt-rbd import src.raw vrbdt-$UNIQ/img --verify | sed "s/$UNIQ/U/; s/in [0-9.]* s, .*\/s/in N s/"
  imported src.raw -> ceph:vrbdt-U/img: 1 GiB, 150 MiB of data (100 MiB written, rest zero or holes) in N s, verified
  $ virt-rbd --json vol info vrbdt-$UNIQ/img | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["size"], d["used"])'
  1073741824 104857600
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/img - 2>/dev/null | sha256sum | cmp - src.sum && echo identical
  identical
  $ sha256sum < src.raw | cmp - src.sum && echo source untouched
  source untouched

export: identical and sparse, and the file is not left in the page cache
(written back as it goes, and dropped)

  $ virt-rbd export vrbdt-$UNIQ/img out.raw --verify | sed "s/$UNIQ/U/; s/in [0-9.]* s, .*\/s/in N s/"
  exported ceph:vrbdt-U/img -> out.raw: 1 GiB, 100 MiB of data (100 MiB written, rest zero or holes) in N s, verified
  $ bash "$TESTDIR/cached" out.raw
  0
  $ cmp src.raw out.raw && echo identical; stat -c '%a %s' out.raw; echo "allocated MiB: $(($(stat -c '%b*%B' out.raw) / 1048576))"
  identical
  600 1073741824
  allocated MiB: 100

Zeros inside an object are not written either, in grains of 4 KiB, at
the ends of a write and in runs of 128 KiB or more inside it (a shorter
run costs the cluster more as one more write than as bytes): 8 MiB of
written zeros with 4 KiB of data at the start of every 256 KiB puts down
only those 32 grains, on the cluster (what its OSDs wrote, in KiB, once
per replica) and in an export

  $ python3 -c 'import os,sys; sys.stdout.buffer.write(b"".join(os.urandom(4096) + bytes(258048) for i in range(32)))' > grains.raw
  $ a=$(bash "$TESTDIR/osd-wrote" "$VRBD_LAB_CEPH_CONF" vrbdt-$UNIQ); virt-rbd import grains.raw vrbdt-$UNIQ/grains --verify | sed "s/$UNIQ/U/; s/in [0-9.]* s, .*\/s/in N s/"; echo "OSDs wrote: $((($(bash "$TESTDIR/osd-wrote" "$VRBD_LAB_CEPH_CONF" vrbdt-$UNIQ) - a) / 1024))"
  imported grains.raw -> ceph:vrbdt-U/grains: 8 MiB, 8 MiB of data (128 KiB written, rest zero or holes) in N s, verified
  OSDs wrote: 128
  $ virt-rbd export vrbdt-$UNIQ/grains grains.out --verify | sed "s/$UNIQ/U/; s/in [0-9.]* s, .*\/s/in N s/; s/, [0-9.]* MiB of data/, N MiB of data/"
  exported ceph:vrbdt-U/grains -> grains.out: 8 MiB, N MiB of data (128 KiB written, rest zero or holes) in N s, verified
  $ cmp grains.raw grains.out && echo identical; bash "$TESTDIR/data-runs" grains.out
  identical
  data runs: 32 131072
  $ virt-rbd vol rm --now vrbdt-$UNIQ/grains > /dev/null

Shorter runs are written to the cluster, but a file takes every run of
4 KiB as a hole: of 4 KiB of data every 64 KiB the cluster takes all
but the last 60 KiB (at the end of the write), and the export holds 16
runs

  $ python3 -c 'import os,sys; sys.stdout.buffer.write(b"".join(os.urandom(4096) + bytes(61440) for i in range(16)))' > short.raw
  $ a=$(bash "$TESTDIR/osd-wrote" "$VRBD_LAB_CEPH_CONF" vrbdt-$UNIQ); virt-rbd import short.raw vrbdt-$UNIQ/short | sed "s/$UNIQ/U/; s/in [0-9.]* s, .*\/s/in N s/"; echo "OSDs wrote: $((($(bash "$TESTDIR/osd-wrote" "$VRBD_LAB_CEPH_CONF" vrbdt-$UNIQ) - a) / 1024))"
  imported short.raw -> ceph:vrbdt-U/short: 1 MiB, 1 MiB of data (964 KiB written, rest zero or holes) in N s
  OSDs wrote: 964
  $ virt-rbd export vrbdt-$UNIQ/short short.out --verify | sed "s/$UNIQ/U/; s/in [0-9.]* s, .*\/s/in N s/"
  exported ceph:vrbdt-U/short -> short.out: 1 MiB, 1 MiB of data (64 KiB written, rest zero or holes) in N s, verified
  $ cmp short.raw short.out && echo identical; bash "$TESTDIR/data-runs" short.out
  identical
  data runs: 16 65536
  $ virt-rbd vol rm --now vrbdt-$UNIQ/short > /dev/null

A block device (a loop device here; an LVM volume the same): identical,
thin, verified, and read around the page cache (O_DIRECT), so that a disk
imported does not fill the host's cache with itself. With every page of
the device cached, and kept so by a reader holding it open, the import
reads all its 64 MiB from the device, and --verify reads them again

  $ truncate -s 64M dev.img; head -c 4M /dev/urandom | dd of=dev.img bs=1M seek=8 conv=notrunc status=none
  $ losetup --find --show dev.img > loopdev; basename "$(cat loopdev)" > loopname
  $ sleep 300 < "$(cat loopdev)" > /dev/null 2>&1 & echo $! > holder.pid; cat "$(cat loopdev)" > /dev/null
  $ r0=$(awk '{print $3}' "/sys/block/$(cat loopname)/stat"); virt-rbd import "$(cat loopdev)" vrbdt-$UNIQ/dev --verify | sed "s|$(cat loopdev)|DEV|; s/$UNIQ/U/; s/in [0-9.]* s, .*\/s/in N s/"; echo "read from the device: $((($(awk '{print $3}' "/sys/block/$(cat loopname)/stat") - r0) / 2048)) MiB"
  imported DEV -> ceph:vrbdt-U/dev: 64 MiB, 64 MiB of data (4 MiB written, rest zero or holes) in N s, verified
  read from the device: 128 MiB
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/dev - 2>/dev/null | cmp - dev.img && echo identical
  identical
  $ kill "$(cat holder.pid)"; losetup -d "$(cat loopdev)"; rm dev.img; virt-rbd vol rm --now vrbdt-$UNIQ/dev > /dev/null

A regular file is read around the page cache too, unless its data is
there already (all but 1 page in 100, which reclaim may have taken): an
image larger than the host's free memory does not push out the running
VMs' cache, and a file just written still reads from memory. What is
cached, by mincore: of a file not cached, nothing after the import
(--verify included); of one partly cached, no more than before; of one
cached but for 64 KiB, those 64 KiB too, read from the cache: a regular
file leaves the page cache as it was, unless it was cached

  $ truncate -s 128M cold.raw; head -c 64M /dev/urandom | dd of=cold.raw conv=notrunc status=none; sync cold.raw
  $ dd if=cold.raw iflag=nocache count=0 status=none; bash "$TESTDIR/cached" cold.raw
  0
  $ virt-rbd import cold.raw vrbdt-$UNIQ/cold --verify | sed "s/$UNIQ/U/; s/in [0-9.]* s, .*\/s/in N s/"; bash "$TESTDIR/cached" cold.raw
  imported cold.raw -> ceph:vrbdt-U/cold: 128 MiB, 64 MiB of data (64 MiB written, rest zero or holes) in N s, verified
  0
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/cold - 2>/dev/null | cmp - cold.raw && echo identical
  identical
  $ dd if=cold.raw iflag=nocache count=0 status=none; dd if=cold.raw bs=1M skip=12 count=2 of=/dev/null status=none; bash "$TESTDIR/cached" cold.raw > before; [ "$(cat before)" -gt 0 ] && [ "$(cat before)" -lt $((64 << 20)) ] && echo partly cached
  partly cached
  $ virt-rbd import cold.raw vrbdt-$UNIQ/cold --force > /dev/null; [ "$(bash "$TESTDIR/cached" cold.raw)" -le "$(cat before)" ] && echo no more than before
  no more than before
  $ dd if=cold.raw iflag=nocache count=0 status=none; python3 -c 'import os; f = os.open("cold.raw", os.O_RDONLY); os.posix_fadvise(f, 0, 0, os.POSIX_FADV_RANDOM); os.pread(f, 10 << 20, 0); os.pread(f, 128 << 20, (10 << 20) + 65536)'; bash "$TESTDIR/cached" cold.raw $((10 << 20)) 65536
  0
  $ virt-rbd import cold.raw vrbdt-$UNIQ/cold --force > /dev/null; bash "$TESTDIR/cached" cold.raw $((10 << 20)) 65536
  65536
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/cold - 2>/dev/null | cmp - cold.raw && echo identical
  identical
  $ rm cold.raw before; virt-rbd vol rm --now vrbdt-$UNIQ/cold > /dev/null

A cold file whose size is not a multiple of 4 KiB: its end is read through
the page cache (O_DIRECT takes whole blocks), one page, the rest around it

  $ head -c $(((1 << 20) + 100)) /dev/urandom > odd.raw; sync odd.raw; dd if=odd.raw iflag=nocache count=0 status=none
  $ virt-rbd import odd.raw vrbdt-$UNIQ/odd --verify | sed "s/$UNIQ/U/; s/in [0-9.]* s, .*\/s/in N s/"; bash "$TESTDIR/cached" odd.raw; bash "$TESTDIR/cached" odd.raw $((1 << 20)) 100
  imported odd.raw -> ceph:vrbdt-U/odd: 1 MiB, 1 MiB of data (1 MiB written, rest zero or holes) in N s, verified
  4096
  4096
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/odd - 2>/dev/null | head -c $(((1 << 20) + 100)) | cmp - odd.raw && echo identical
  identical
  $ rm odd.raw; virt-rbd vol rm --now vrbdt-$UNIQ/odd > /dev/null

export --format qcow2: a valid qcow2 (qemu-img check) with the same
content, only the data clusters allocated; standard output takes raw only,
and other formats are refused

  $ virt-rbd export vrbdt-$UNIQ/img out.qcow2 --format qcow2 --verify | sed "s/$UNIQ/U/; s/in [0-9.]* s, .*\/s/in N s/"
  exported ceph:vrbdt-U/img -> out.qcow2: 1 GiB, 100 MiB of data (100 MiB written, rest zero or holes) in N s, verified
  $ qemu-img check out.qcow2 | head -n 1; qemu-img compare -f qcow2 -F raw out.qcow2 src.raw
  No errors were found on the image.
  Images are identical.
  $ stat -c '%a' out.qcow2; echo "allocated MiB: $(($(stat -c '%b*%B' out.qcow2) / 1048576))"
  600
  allocated MiB: 100
  $ virt-rbd export vrbdt-$UNIQ/img - --format qcow2 > /dev/null
  virt-rbd: error: standard output takes raw data only
  virt-rbd: hint: export to a file, or leave --format out
  [1]
  $ virt-rbd export vrbdt-$UNIQ/img out.vmdk --format vmdk; echo "exit $?"; ls out.vmdk* 2>/dev/null | wc -l; echo "${PIPESTATUS[0]} (ls: no such files)"
  virt-rbd: error: cannot export to format 'vmdk'
  virt-rbd: hint: give raw or qcow2
  exit 1
  0
  2 (ls: no such files)

An existing target is refused without --force; nothing changes, and the
temporary image made while its existence was asked is gone

  $ virt-rbd import src.raw vrbdt-$UNIQ/img 2>&1 | sed "s/$UNIQ/U/"
  virt-rbd: error: image 'vrbdt-U/img' exists already
  virt-rbd: hint: give --force to replace it
  [1]
  $ rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ
  img
  $ virt-rbd export vrbdt-$UNIQ/img out.raw 2>&1
  virt-rbd: error: 'out.raw' exists already
  virt-rbd: hint: give --force to replace it
  [1]
  $ head -c 4M /dev/urandom > small.raw; virt-rbd import small.raw vrbdt-$UNIQ/img --force --json | tail -1 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["event"], d["size"], d["written"])'
  done 4194304 4194304

An image in use is not replaced, even with --force, and the temporary image
goes too

  $ mkfifo hold; qemu-io -f raw "rbd:vrbdt-$UNIQ/img:conf=$VRBD_LAB_CEPH_CONF:id=admin:keyring=$VRBD_LAB_CEPH_KEYRING" < hold > /dev/null & pid=$!; exec 3> hold
  > for i in $(seq 100); do rbd -c "$VRBD_LAB_CEPH_CONF" status vrbdt-$UNIQ/img | grep watcher= > /dev/null && break; sleep 0.1; done
  > virt-rbd import small.raw vrbdt-$UNIQ/img --force 2>&1 | sed "s/$UNIQ/U/g"; echo "exit $?"
  > exec 3>&-; wait $pid
  virt-rbd: error: image 'vrbdt-U/img' is in use or has clones or protected snapshots: not replacing it
  virt-rbd: hint: see virt-rbd vol who and vol info
  exit 1
  $ rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ
  img

A name taken while the import runs refuses the rename: the other image
stays as it was, and nothing of the import is left (no id object either)

  $ mkfifo feed; virt-rbd import - vrbdt-$UNIQ/late < feed > late.out 2>&1 & pid=$!
  > exec 3> feed; head -c 1M small.raw >&3; sleep 1; rbd -c "$VRBD_LAB_CEPH_CONF" create --size 2M vrbdt-$UNIQ/late; exec 3>&-
  > wait $pid; echo "exit $?"; sed "s/$UNIQ/U/g" late.out
  exit 1
  virt-rbd: error: image 'vrbdt-U/late' was made by another client meanwhile
  virt-rbd: hint: run it again with --force to replace it
  $ rbd -c "$VRBD_LAB_CEPH_CONF" ls -l vrbdt-$UNIQ | awk '{print $1, $2}'
  NAME SIZE
  img 4
  late 2
  $ rados -c "$VRBD_LAB_CEPH_CONF" -p vrbdt-$UNIQ ls | grep -c '^rbd_id\.'
  2
  $ rbd -c "$VRBD_LAB_CEPH_CONF" rm --no-progress vrbdt-$UNIQ/late

In a namespace the same: the image is renamed in the namespace's own
directory

  $ rbd -c "$VRBD_LAB_CEPH_CONF" namespace create vrbdt-$UNIQ/ns && virt-rbd import small.raw vrbdt-$UNIQ/ns/img > /dev/null && rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ/ns
  img
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/ns/img - | cmp - small.raw && echo identical
  identical
  $ rados -c "$VRBD_LAB_CEPH_CONF" -p vrbdt-$UNIQ --namespace ns ls | grep -c '^rbd_id\.'
  1
  $ rbd -c "$VRBD_LAB_CEPH_CONF" rm --no-progress vrbdt-$UNIQ/ns/img && rbd -c "$VRBD_LAB_CEPH_CONF" namespace rm vrbdt-$UNIQ/ns

An import and an export never load libvirt (nor the libraries it pulls in)

  $ LD_DEBUG=files virt-rbd import small.raw vrbdt-$UNIQ/nolv 2>&1 >/dev/null | grep -c 'libvirt\.so'
  0
  [1]
  $ LD_DEBUG=files virt-rbd export vrbdt-$UNIQ/nolv nolv.raw 2>&1 >/dev/null | grep -c 'libvirt\.so'
  0
  [1]
  $ cmp nolv.raw small.raw && rm nolv.raw && rbd -c "$VRBD_LAB_CEPH_CONF" rm --no-progress vrbdt-$UNIQ/nolv && echo identical
  identical

Ctrl-C mid-import (once 8 MB are in, of 1 GiB at one request at a time)
drains and leaves nothing, under the final name or any other; the exit
status says the signal

  $ head -c 1G /dev/urandom > big.raw
  $ virt-rbd --json import big.raw vrbdt-$UNIQ/big --queue-depth 1 > int.out 2> int.err & pid=$!
  > bash "$TESTDIR/waitfor" int.out 8000000; kill -INT $pid; wait $pid; echo "exit $?"; sed "s/$UNIQ/U/" int.err
  > d=$(grep -o '"done": [0-9]*' int.out | tail -n 1 | tr -dc 0-9); [ "$d" -lt $((1 << 30)) ] && echo "struck mid-import"
  exit 130
  virt-rbd: error: import of 'big.raw' interrupted: nothing was imported
  virt-rbd: hint: run it again
  struck mid-import
  $ virt-rbd vol list vrbdt-$UNIQ; rbd -c "$VRBD_LAB_CEPH_CONF" ls --all vrbdt-$UNIQ 2>/dev/null | grep -c virt-rbd-import
  img
  0
  [1]

Bad sources are named

  $ virt-rbd import nope.raw vrbdt-$UNIQ/x
  virt-rbd: error: cannot read 'nope.raw': No such file or directory
  [1]
  $ : > empty.raw; virt-rbd import empty.raw vrbdt-$UNIQ/x
  virt-rbd: error: 'empty.raw' is empty: nothing to import
  [1]
  $ virt-rbd import /dev/null vrbdt-$UNIQ/x
  virt-rbd: error: '/dev/null' is neither a file nor a block device
  virt-rbd: hint: give a file or a block device; pipe data in as - (standard input)
  [1]
  $ virt-rbd export vrbdt-$UNIQ/nope out2.raw 2>&1 | sed "s/$UNIQ/U/"
  virt-rbd: error: image 'vrbdt-U/nope' not found in cluster 'ceph'
  [1]
  $ ls out2.raw* 2>/dev/null | wc -l; echo "${PIPESTATUS[0]} (ls: no such files)"
  0
  2 (ls: no such files)

qcow2 (the format found from the header; a plain one, as qemu-img makes
it, is read directly from the file at the offsets its tables give): the
image holds the guest-visible content, and stays as thin as the qcow2's
allocation (zero clusters, -z, are not data)

  $ qemu-img create -q -f qcow2 src.qcow2 1G && qemu-io -f qcow2 -c 'write -P 0x5a 100M 3M' -c 'write -z 300M 4M' -c 'write -P 0xa5 700M 1M' src.qcow2 > /dev/null
  $ qemu-img convert -O raw src.qcow2 q.raw && sha256sum < q.raw > q.sum && sha256sum < src.qcow2 > qfile.sum
  $ virt-rbd import src.qcow2 vrbdt-$UNIQ/q --verify --verbose 2>&1 | grep -e 'read directly' -e '^imported' | sed "s/$UNIQ/U/; s/in [0-9.]* s, .*\/s/in N s/"
  virt-rbd: info: 'src.qcow2': a plain qcow2, read directly
  imported src.qcow2 -> ceph:vrbdt-U/q: 1 GiB, 4 MiB of data (4 MiB written, rest zero or holes) in N s, verified
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/q - 2>/dev/null | sha256sum | cmp - q.sum && echo identical
  identical
  $ virt-rbd --json vol info vrbdt-$UNIQ/q | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["used"])'
  8388608
  $ sha256sum < src.qcow2 | cmp - qfile.sum && echo source untouched
  source untouched

A qcow2 with compressed clusters, and one with a backing file, go through
qemu-nbd: the same content as qemu-img reads

  $ qemu-img convert -c -O qcow2 src.qcow2 comp.qcow2 && qemu-img create -q -f qcow2 -b src.qcow2 -F qcow2 top.qcow2 && qemu-io -f qcow2 -c 'write -P 0x77 200M 1M' top.qcow2 > /dev/null
  $ for f in comp top; do b=; [ $f = top ] && b="--backing src.qcow2"; virt-rbd import $f.qcow2 vrbdt-$UNIQ/$f $b --verbose 2>&1 | grep -c 'read through qemu-nbd'; qemu-img convert -O raw $f.qcow2 $f.raw; rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/$f - 2>/dev/null | cmp - $f.raw && echo identical; done
  1
  identical
  1
  identical

A file a QEMU has open for writing (a running VM's disk: QEMU's image lock
on it) is refused, qcow2 or raw, as qemu-nbd refuses it; one open
read-only is not (each tried once /proc/locks shows QEMU's lock on it)

  $ qemu-io -f qcow2 -c 'sleep 60000' src.qcow2 & pid=$!
  > qemu-io -f raw -c 'sleep 60000' q.raw & pid2=$!
  > qemu-io -r -f qcow2 -c 'sleep 60000' comp.qcow2 & pid3=$!
  > for f in src.qcow2 q.raw comp.qcow2; do for i in $(seq 100); do grep -q ":$(stat -c %i $f) " /proc/locks && break; sleep 0.1; done; done
  > for f in src.qcow2 q.raw comp.qcow2; do virt-rbd import $f vrbdt-$UNIQ/busy; echo "exit $?"; done 2>&1 | sed "s/$UNIQ/U/; s/in [0-9.]* s, .*\/s/in N s/"
  > kill $pid $pid2 $pid3; wait 2> /dev/null
  virt-rbd: error: 'src.qcow2' is in use: a QEMU process has it open for writing
  virt-rbd: hint: shut the VM down first, or copy a snapshot of the disk
  exit 1
  virt-rbd: error: 'q.raw' is in use: a QEMU process has it open for writing
  virt-rbd: hint: shut the VM down first, or copy a snapshot of the disk
  exit 1
  imported comp.qcow2 -> ceph:vrbdt-U/busy: 1 GiB, 4 MiB of data (4 MiB written, rest zero or holes) in N s
  exit 0

--format raw takes the file as it is (its bytes, qcow2 header and all)

  $ virt-rbd import src.qcow2 vrbdt-$UNIQ/qraw --format raw > /dev/null
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/qraw - 2>/dev/null | sha256sum | cmp - qfile.sum && echo the file itself
  the file itself

A corrupt qcow2 (cut short, its tables pointing past the end) fails with a
one-line error, and nothing is left under the final name or any other

  $ head -c 1M src.qcow2 > cut.qcow2
  $ virt-rbd import cut.qcow2 vrbdt-$UNIQ/cut
  virt-rbd: error: 'cut.qcow2' is a corrupt qcow2: data at byte [0-9]+ lies beyond the end of the file \(1048576 bytes\) (re)
  virt-rbd: hint: check it with qemu-img check; nothing was imported
  [1]
  $ cp src.qcow2 l2.qcow2; python3 -c 'import struct; f=open("l2.qcow2", "r+b"); f.seek(40); l1=struct.unpack(">Q", f.read(8))[0]; f.seek(l1); f.write(struct.pack(">Q", (1 << 63) | (1 << 40)))'
  $ virt-rbd import l2.qcow2 vrbdt-$UNIQ/cut
  virt-rbd: error: 'l2.qcow2' is a corrupt qcow2: an L2 table at byte 1099511627776 lies beyond the end of the file \([0-9]+ bytes\) (re)
  virt-rbd: hint: check it with qemu-img check; nothing was imported
  [1]
  $ rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ | grep -c cut
  0
  [1]
  $ virt-rbd import src.qcow2 vrbdt-$UNIQ/bad --format nosuchfmt 2>&1 | grep '^virt-rbd:'
  virt-rbd: error: unknown image format 'nosuchfmt'
  virt-rbd: hint: give auto, raw, qcow2, vmdk, vdi, vhdx or vpc
  [1]
  $ virt-rbd import q.raw vrbdt-$UNIQ/bad --format qcow2 2>&1 | grep '^virt-rbd:'
  virt-rbd: error: cannot open 'q.raw' as qcow2: Image is not in qcow2 format
  virt-rbd: hint: check the file and its format (qemu-img info), or give --format
  [1]
  $ virt-rbd import src.qcow2 vrbdt-$UNIQ/bad --format 'q;x'
  virt-rbd: error: unknown image format 'q;x'
  virt-rbd: hint: give auto, raw, qcow2, vmdk, vdi, vhdx or vpc
  [1]

Clean up

  $ for i in q qraw comp top busy; do virt-rbd vol rm --now vrbdt-$UNIQ/$i > /dev/null; done
  $ virt-rbd vol rm --now vrbdt-$UNIQ/img > /dev/null
  $ virt-rbd pool rm vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
