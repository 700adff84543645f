#require lab
Hostile image files handed over for import.  An image reads only the file it
was given: the other files its header names (a backing file, an external data
file, VMDK extents) are refused unless the user names them (--backing FILE)
or allows them (--allow-backing).  Every wait on qemu-nbd ends within
--timeout, and on SIGINT or SIGTERM.  The oracle: a refusal makes no image
(the pool stays empty), the file it names is never read into the cluster.

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create vrbdt-$UNIQ --pg 8 > /dev/null
  $ printf 'SECRET-OF-THE-HOST' > secret; truncate -s 1M secret; chmod 600 secret
  $ images() { rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ | tr '\n' ' '; echo "[$(rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ | wc -l) images]"; }; declare -f images > images.sh

A qcow2 whose header names a file as its backing file is refused, and says
which file; so is one whose backing string is a json: naming the same file

  $ qemu-img create -q -f qcow2 -F raw -b "$PWD/secret" -u shadow.qcow2 64M
  $ virt-rbd import shadow.qcow2 vrbdt-$UNIQ/a 2>&1 | sed "s#$PWD#DIR#"
  virt-rbd: error: 'shadow.qcow2' has a backing file ('DIR/secret') whose data it would import: not imported
  virt-rbd: hint: if that file is meant to be read, name it: --backing FILE (or --allow-backing for any)
  [1]
  $ qemu-img create -q -f qcow2 -b "json:{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"$PWD/secret\"}}" -F raw -u json.qcow2 64M
  $ virt-rbd import json.qcow2 vrbdt-$UNIQ/a 2>&1 | sed "s#$PWD#DIR#"
  virt-rbd: error: 'json.qcow2' has a backing file ('json:{"driver":"raw","file":{"driver":"file","filename":"DIR/secret"}}') whose data it would import: not imported
  virt-rbd: hint: if that file is meant to be read, name it: --backing FILE (or --allow-backing for any)
  [1]
  $ . ./images.sh; images
  [0 images]

--backing must name the file the header names (a json: string names no
plain file); with it, or --allow-backing, the backing file's data comes along

  $ virt-rbd import --backing /etc/hostname shadow.qcow2 vrbdt-$UNIQ/a 2>&1 | sed "s#$PWD#DIR#"
  virt-rbd: error: 'shadow.qcow2' names backing file 'DIR/secret', not '/etc/hostname': not imported
  virt-rbd: hint: give --backing the file the image names
  [1]
  $ virt-rbd import --backing secret json.qcow2 vrbdt-$UNIQ/a 2>&1 | sed "s#$PWD#DIR#" | cut -c1-60
  virt-rbd: error: 'json.qcow2' names backing file 'json:{"dri
  virt-rbd: hint: give --backing the file the image names
  [1]
  $ virt-rbd import --backing secret shadow.qcow2 vrbdt-$UNIQ/named > /dev/null
  $ virt-rbd import --allow-backing json.qcow2 vrbdt-$UNIQ/allowed > /dev/null
  $ for i in named allowed; do rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/$i $i.out && cmp -n 1M $i.out secret && echo "$i: the backing file's data"; done
  named: the backing file's data
  allowed: the backing file's data
  $ virt-rbd import --backing secret secret vrbdt-$UNIQ/b
  virt-rbd: error: 'secret' is read as raw: it has no backing file, but --backing names 'secret'
  virt-rbd: hint: leave --backing out
  [1]

A backing file that names a backing file itself needs --allow-backing

  $ qemu-img create -q -f qcow2 -F raw -b "$PWD/secret" -u mid.qcow2 64M
  $ qemu-img create -q -f qcow2 -F qcow2 -b "$PWD/mid.qcow2" -u top.qcow2 64M
  $ virt-rbd import --backing mid.qcow2 top.qcow2 vrbdt-$UNIQ/b
  virt-rbd: error: the backing file 'mid.qcow2' names other files itself: not imported
  virt-rbd: hint: give --allow-backing to follow the whole chain
  [1]

A qcow2 whose backing file is itself is refused at once; allowed, qemu-nbd
runs out of the files it may open (it is started with limits) and the error
says so in one line

  $ qemu-img create -q -f qcow2 -F qcow2 -b "$PWD/self.qcow2" -u self.qcow2 64M
  $ virt-rbd import self.qcow2 vrbdt-$UNIQ/b 2>&1 | sed "s#$PWD#DIR#"
  virt-rbd: error: 'self.qcow2' has a backing file ('DIR/self.qcow2') whose data it would import: not imported
  virt-rbd: hint: if that file is meant to be read, name it: --backing FILE (or --allow-backing for any)
  [1]
  $ virt-rbd import --allow-backing self.qcow2 vrbdt-$UNIQ/b 2>&1 | sed "s#$PWD#DIR#"
  virt-rbd: error: cannot open 'self.qcow2' as qcow2: Could not open backing file: Could not open backing file: .* \.\.\. .* Could not open 'DIR/self\.qcow2': Too many open files (re)
  virt-rbd: hint: check the file and its format (qemu-img info), or give --format
  [1]

An external data file, a VMDK descriptor (its extents are other files) and a
VMDK with a parent are refused the same way

  $ cp secret data; qemu-img create -q -f qcow2 -o data_file="$PWD/data",data_file_raw=on datafile.qcow2 1M
  $ virt-rbd import datafile.qcow2 vrbdt-$UNIQ/b 2>&1 | sed "s#$PWD#DIR#"
  virt-rbd: error: 'datafile.qcow2' keeps its data in other files ('DIR/data'): not imported
  virt-rbd: hint: give --allow-backing to read the files it names, or convert it to a self-contained image first
  [1]
  $ printf '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicFlat"\nRW 2048 FLAT "%s" 0\n' "$PWD/secret" > desc.vmdk
  $ virt-rbd import --format vmdk desc.vmdk vrbdt-$UNIQ/b
  virt-rbd: error: 'desc.vmdk' keeps its data in other files: not imported
  virt-rbd: hint: give --allow-backing to read the files it names, or convert it to a self-contained image first
  [1]
  $ qemu-img create -q -f vmdk base.vmdk 1M && qemu-img create -q -f vmdk -F vmdk -b "$PWD/base.vmdk" child.vmdk
  $ virt-rbd import child.vmdk vrbdt-$UNIQ/b 2>&1 | sed "s#$PWD#DIR#"
  virt-rbd: error: 'child.vmdk' has a backing file ('DIR/base.vmdk') whose data it would import: not imported
  virt-rbd: hint: if that file is meant to be read, name it: --backing FILE (or --allow-backing for any)
  [1]
  $ virt-rbd import base.vmdk vrbdt-$UNIQ/vmdk > /dev/null && echo "a plain vmdk imports"
  a plain vmdk imports

Formats that read other files or directories (vvfat, quorum...) are not
taken; a FIFO or a directory is refused before it is opened (opening a FIFO
would wait for a writer)

  $ virt-rbd import --format vvfat secret vrbdt-$UNIQ/b
  virt-rbd: error: unknown image format 'vvfat'
  virt-rbd: hint: give auto, raw, qcow2, vmdk, vdi, vhdx or vpc
  [1]
  $ mkfifo fifo; virt-rbd import --format qcow2 fifo vrbdt-$UNIQ/b; virt-rbd import fifo vrbdt-$UNIQ/b; virt-rbd import . vrbdt-$UNIQ/b
  virt-rbd: error: 'fifo' is neither a file nor a block device
  virt-rbd: hint: give a file or a block device; pipe data in as - (standard input)
  virt-rbd: error: 'fifo' is neither a file nor a block device
  virt-rbd: hint: give a file or a block device; pipe data in as - (standard input)
  virt-rbd: error: '.' is neither a file nor a block device
  virt-rbd: hint: give a file or a block device; pipe data in as - (standard input)
  [1]

qemu-nbd that never answers (its backing file is a FIFO nobody writes, so
its open() waits for ever): the import ends after --timeout, and the
qemu-nbd it started is gone

  $ qemu-img create -q -f qcow2 -F raw -b "$PWD/fifo" -u hang.qcow2 64M
  $ virt-rbd --timeout 2 import --allow-backing hang.qcow2 vrbdt-$UNIQ/b
  virt-rbd: error: cannot open 'hang.qcow2' as qcow2: qemu-nbd did not answer within 2 s
  virt-rbd: hint: check the image with qemu-img info; a longer --timeout waits longer
  [1]
  $ pgrep -f "$PWD/hang.qcow2" || echo "no qemu-nbd left"
  no qemu-nbd left

SIGTERM and SIGINT while it waits on qemu-nbd (there: a child qemu-nbd is
running) stop it at once, exit 143 and 130, nothing imported

  $ for sig in TERM INT; do
  >   virt-rbd --timeout 600 import --allow-backing hang.qcow2 vrbdt-$UNIQ/b 2> $sig.err & pid=$!
  >   for i in $(seq 600); do pgrep -P $pid -x qemu-nbd > /dev/null && break; sleep 0.05; done
  >   pgrep -P $pid -x qemu-nbd > /dev/null && echo "$sig: qemu-nbd runs"
  >   kill -$sig $pid; wait $pid; echo "exit $?"; cat $sig.err
  > done
  TERM: qemu-nbd runs
  exit 143
  virt-rbd: error: opening 'hang.qcow2' interrupted
  INT: qemu-nbd runs
  exit 130
  virt-rbd: error: opening 'hang.qcow2' interrupted
  $ pgrep -f "$PWD/hang.qcow2" || echo "no qemu-nbd left"
  no qemu-nbd left
  $ . ./images.sh; images
  allowed named vmdk [3 images]

A name that begins with '.' is what virt-rbd's temporary images look like:
no new image takes one (import, vol create, copy, clone)

  $ virt-rbd import secret vrbdt-$UNIQ/.virt-rbd-import.x; virt-rbd vol create vrbdt-$UNIQ/.hidden --size 1M; virt-rbd copy vrbdt-$UNIQ/vmdk vrbdt-$UNIQ/.x
  virt-rbd: error: image name '.virt-rbd-import.x' begins with '.': such names are kept for virt-rbd's temporary images
  virt-rbd: hint: choose a name that does not begin with '.'
  virt-rbd: error: image name '.hidden' begins with '.': such names are kept for virt-rbd's temporary images
  virt-rbd: hint: choose a name that does not begin with '.'
  virt-rbd: error: image name '.x' begins with '.': such names are kept for virt-rbd's temporary images
  virt-rbd: hint: choose a name that does not begin with '.'
  [1]
  $ virt-rbd vol snap create vrbdt-$UNIQ/vmdk@s > /dev/null; virt-rbd vol clone vrbdt-$UNIQ/vmdk@s vrbdt-$UNIQ/.c; virt-rbd vol snap rm vrbdt-$UNIQ/vmdk@s > /dev/null
  virt-rbd: error: image name '.c' begins with '.': such names are kept for virt-rbd's temporary images
  virt-rbd: hint: choose a name that does not begin with '.'

Clean up

  $ for i in allowed named vmdk; do virt-rbd vol rm --now vrbdt-$UNIQ/$i > /dev/null; done
  $ virt-rbd pool rm vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
