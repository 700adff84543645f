#require lab
The local file system fills during an export: a 64 MiB tmpfs takes an image
holding 96 MiB of data.  The oracle: the export fails part way with one line
naming the file system and the cause, nothing is left in the directory (the
file is written under a temporary name, removed on failure), the space comes
back, the image is untouched.  An export that fits keeps the image's holes.

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create vrbdt-$UNIQ --pg 8 > /dev/null
  $ truncate -s 192M big.raw; for i in $(seq 0 23); do head -c 4M /dev/urandom | dd of=big.raw bs=1M seek=$((i * 8)) conv=notrunc status=none; done
  $ virt-rbd import big.raw vrbdt-$UNIQ/big > /dev/null
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/big - | sha256sum > big.sum; sha256sum < big.raw | cmp - big.sum && echo imported identical
  imported identical
  $ mkdir fs && mount -t tmpfs -o size=64m tmpfs fs && echo mounted
  mounted

A raw export: it fails once the file system is full, after part of the image
went out (its last progress is above 0 and below the total)

  $ virt-rbd --json export vrbdt-$UNIQ/big fs/big.raw > raw.out 2> raw.err; echo "exit $?"
  > sed "s#$PWD#DIR#" raw.err
  exit 1
  virt-rbd: error: cannot write 'fs/big.raw' at byte [0-9]+: the file system at 'DIR/fs' is full \(No space left on device\) (re)
  virt-rbd: hint: free space there, or write to another file system: the file needs room for the image's data (its holes take none)
  $ d=$(grep -o '"done": [0-9]*' raw.out | tail -n 1 | tr -dc 0-9); [ "${d:-0}" -gt 0 ] && [ "$d" -lt $((192 << 20)) ] && echo struck mid-export
  struck mid-export
  $ ls -A fs; df --output=used -k fs | tail -n 1 | tr -d ' '
  0

A qcow2 export (written through qemu-nbd, which reports the error): the same

  $ virt-rbd export --format qcow2 vrbdt-$UNIQ/big fs/big.qcow2 2>&1 | sed "s#$PWD#DIR#"
  virt-rbd: error: cannot write 'fs/big.qcow2' \(qcow2\) at byte [0-9]+: the file system at 'DIR/fs' is full \(No space left on device\) (re)
  virt-rbd: hint: free space there, or write to another file system: the file needs room for the image's data (its holes take none)
  [1]
  $ ls -A fs; df --output=used -k fs | tail -n 1 | tr -d ' '
  0

The image is untouched

  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/big - | sha256sum | cmp - big.sum && echo image untouched
  image untouched

An export that fits, of a 256 MiB image holding 8 MiB: identical, and only
its data takes room (the holes stay holes)

  $ truncate -s 256M small.raw; for i in 10 200; do head -c 4M /dev/urandom | dd of=small.raw bs=1M seek=$i conv=notrunc status=none; done
  $ virt-rbd import small.raw vrbdt-$UNIQ/small > /dev/null
  $ virt-rbd export vrbdt-$UNIQ/small fs/small.raw > /dev/null
  $ cmp small.raw fs/small.raw && echo identical
  identical
  $ echo "$(du -k --apparent-size fs/small.raw | cut -f1) KiB long, $(du -k fs/small.raw | cut -f1) KiB allocated"
  262144 KiB long, 8192 KiB allocated

Clean up

  $ umount fs
  $ for i in big small; do virt-rbd vol rm --now vrbdt-$UNIQ/$i > /dev/null; done
  $ virt-rbd pool rm vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
