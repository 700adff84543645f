#require lab
Set up: both clusters, a pool on each, the host connected to the ceph one

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ for c in ceph zdata; do virt-rbd pool create $c:vrbdt-$UNIQ --pg 8 > /dev/null; done
  $ virt-rbd host connect vrbdt-$UNIQ --user client.vrbdt-$UNIQ --name vol-$UNIQ > /dev/null

Create states the exact byte count; 2G and 2GiB are 1024s, 7GB is 1000s

  $ virt-rbd vol create vrbdt-$UNIQ/a --size 2G | sed "s/$UNIQ/U/"
  image ceph:vrbdt-U/a created: 2 GiB (2147483648 bytes)
  $ virt-rbd vol create zdata:vrbdt-$UNIQ/b --size 7GB | sed "s/$UNIQ/U/"
  image zdata:vrbdt-U/b created: 6.52 GiB (7000000000 bytes)
  $ virt-rbd vol create vrbdt-$UNIQ/a --size 1G 2>&1 | sed "s/$UNIQ/U/"
  virt-rbd: error: image 'vrbdt-U/a' exists already in cluster 'ceph'
  virt-rbd: hint: pick another name, or remove it first
  [1]

libvirt sees it at once, without a manual refresh

  $ virsh -q -c qemu:///system vol-list vol-$UNIQ | awk '{print $1}'
  a

info has what rbd info has, and used bytes

  $ virt-rbd --json vol info vrbdt-$UNIQ/a | python3 -c '
  > import json,sys; d=json.load(sys.stdin)
  > print(d["size"], d["used"], d["order"], d["object_size"], d["objects"], d["format"], d["features"], d["block_name_prefix"] == "rbd_data."+d["id"])'
  2147483648 0 22 4194304 512 2 layering, exclusive-lock, object-map, fast-diff, deep-flatten True

Used bytes follow the data written

  $ head -c 5M /dev/urandom > data; rbd -c "$VRBD_LAB_CEPH_CONF" import --no-progress data vrbdt-$UNIQ/w
  $ virt-rbd --json vol info vrbdt-$UNIQ/w | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["size"], d["used"])'
  5242880 5242880

Resize grows; shrinking needs the flag

  $ virt-rbd vol resize vrbdt-$UNIQ/a --size 3G | sed "s/$UNIQ/U/"
  image vrbdt-U/a resized from 2 GiB to 3 GiB (3221225472 bytes)
  $ virt-rbd vol resize vrbdt-$UNIQ/a --size 1G 2>&1 | sed "s/$UNIQ/U/"
  virt-rbd: error: image 'vrbdt-U/a' would shrink from 3221225472 to 1073741824 bytes
  virt-rbd: hint: shrinking loses the data past the new end: add --allow-shrink if that is meant
  [1]
  $ virt-rbd vol resize vrbdt-$UNIQ/a --size 1G --allow-shrink > /dev/null && echo shrunk
  shrunk

Snapshots: create, list, protect; a protected one is not removed

  $ virt-rbd vol snap create vrbdt-$UNIQ/a@base | sed "s/$UNIQ/U/"
  snapshot ceph:vrbdt-U/a@base created
  $ virt-rbd vol snap protect vrbdt-$UNIQ/a@base > /dev/null
  $ virt-rbd vol snap list vrbdt-$UNIQ/a | awk 'NR > 1 {print $2, $3, $4, $5, $6}'
  base 1 GiB yes 0
  $ virt-rbd vol snap rm vrbdt-$UNIQ/a@base 2>&1 | sed "s/$UNIQ/U/"
  virt-rbd: error: snapshot 'vrbdt-U/a@base' is protected
  virt-rbd: hint: unprotect it first (virt-rbd vol snap unprotect)
  [1]

Clones are layered; their parent cannot lose the snapshot

  $ virt-rbd vol clone vrbdt-$UNIQ/a@base vrbdt-$UNIQ/c | sed "s/$UNIQ/U/g"
  image ceph:vrbdt-U/c cloned from ceph:vrbdt-U/a@base
  $ virt-rbd vol children vrbdt-$UNIQ/a | sed "s/$UNIQ/U/g"
  vrbdt-U/c  (of @base)
  $ virt-rbd --json vol list -l vrbdt-$UNIQ | python3 -c '
  > import json,sys,os; c=[x for x in json.load(sys.stdin) if x["name"]=="c"][0]
  > print(c["name"], c["size"], c["used"], c["parent"].replace(os.environ["UNIQ"], "U"))'
  c 1073741824 0 vrbdt-U/a@base
  $ virt-rbd vol snap unprotect vrbdt-$UNIQ/a@base 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: snapshot 'vrbdt-U/a@base' has clones: vrbdt-U/c
  virt-rbd: hint: flatten them (virt-rbd vol flatten vrbdt-U/c) or remove them first
  [1]
  $ virt-rbd vol rm --now vrbdt-$UNIQ/a 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U/a' has snapshots in use: @base (protected) with clone vrbdt-U/c
  virt-rbd: hint: flatten or remove the clones, then unprotect and remove those snapshots
  [1]

--snap-if-missing makes the snapshot; past --max-depth the clone is flattened

  $ virt-rbd vol clone vrbdt-$UNIQ/c@s vrbdt-$UNIQ/d --snap-if-missing | sed "s/$UNIQ/U/g"
  image ceph:vrbdt-U/d cloned from ceph:vrbdt-U/c@s (snapshot created and protected)
  $ virt-rbd --json vol clone vrbdt-$UNIQ/d@s vrbdt-$UNIQ/e --snap-if-missing --max-depth 2 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["depth"], d["flattened"])'
  0 True
  $ virt-rbd --json vol info vrbdt-$UNIQ/e | python3 -c 'import json,sys; print(json.load(sys.stdin)["parent"])'
  None

Flatten frees the parent

  $ virt-rbd vol flatten vrbdt-$UNIQ/d | sed "s/$UNIQ/U/g"
  image vrbdt-U/d flattened: it has no parent now
  $ virt-rbd vol flatten vrbdt-$UNIQ/d 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U/d' has no parent: nothing to flatten
  [1]
  $ virt-rbd vol clone vrbdt-$UNIQ/c@s vrbdt-$UNIQ/f > /dev/null
  $ virt-rbd --json vol flatten vrbdt-$UNIQ/f | sed "s/$UNIQ/U/g"
  {
    "flattened": "vrbdt-U/f"
  }
  $ virt-rbd vol rm --now vrbdt-$UNIQ/f > /dev/null

An image with snapshots goes at once (--now) only with --force; by
default it goes to the trash, snapshots and all

  $ virt-rbd vol rm --now vrbdt-$UNIQ/e 2>&1 | sed "s/$UNIQ/U/g"
  image ceph:vrbdt-U/e removed
  $ virt-rbd vol snap unprotect vrbdt-$UNIQ/d@s > /dev/null; virt-rbd vol rm --now vrbdt-$UNIQ/d 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U/d' has 1 snapshot(s)
  virt-rbd: hint: add --force to remove them with it
  [1]
  $ virt-rbd vol rm --now vrbdt-$UNIQ/d --force | sed "s/$UNIQ/U/g"
  image ceph:vrbdt-U/d removed
  $ virt-rbd vol rm zdata:vrbdt-$UNIQ/b | sed "s/$UNIQ/U/g; s/until [^ ]* /until T /"
  image zdata:vrbdt-U/b moved to the trash until T (virt-rbd vol restore brings it back)
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" trash ls vrbdt-$UNIQ | awk '{print $2}'
  b

Bad input: each a clear line

  $ virt-rbd vol info vrbdt-$UNIQ/nope 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U/nope' not found in cluster 'ceph'
  [1]
  $ virt-rbd vol info nopool-$UNIQ/x 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: pool 'nopool-U' not found in cluster 'ceph'
  virt-rbd: hint: see 'virt-rbd pool list ceph:'
  [1]
  $ virt-rbd vol snap rm vrbdt-$UNIQ/a@nope 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: snapshot 'vrbdt-U/a@nope' not found
  virt-rbd: hint: see 'virt-rbd vol snap list'
  [1]

Clean up (what the guest tests below do not need)

  $ virt-rbd vol trash purge zdata:vrbdt-$UNIQ | sed "s/$UNIQ/U/g"
  1 image(s) deleted from the trash of zdata:vrbdt-U
  $ virt-rbd vol rm --now vrbdt-$UNIQ/w > /dev/null
  $ virt-rbd vol snap unprotect vrbdt-$UNIQ/c@s > /dev/null; virt-rbd vol rm --now vrbdt-$UNIQ/c --force > /dev/null
  $ virt-rbd vol snap unprotect vrbdt-$UNIQ/a@base > /dev/null; virt-rbd vol rm --now vrbdt-$UNIQ/a --force > /dev/null
  $ virt-rbd vol list vrbdt-$UNIQ

A clone of a golden image boots the tiny guest; rm is refused while it runs, naming the domain

  $ truncate -s 64M seed.raw; printf 'HELLO-FROM-HOST' | dd of=seed.raw bs=512 seek=8 conv=notrunc status=none
  $ rbd -c "$VRBD_LAB_CEPH_CONF" import --no-progress seed.raw vrbdt-$UNIQ/golden
  $ virt-rbd vol clone vrbdt-$UNIQ/golden@v1 vrbdt-$UNIQ/vm1 --snap-if-missing > /dev/null
  $ cat > dom.xml <<EOF
  > <domain type='qemu'><name>vrbdt-vol-$UNIQ</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>
  > <os><type arch='x86_64' machine='q35'>hvm</type><kernel>$VRBD_LAB_GUEST_DIR/vmlinuz</kernel>
  > <initrd>$VRBD_LAB_GUEST_DIR/initrd.img</initrd><cmdline>console=ttyS0 quiet panic=-1 marker=m$UNIQ hold=600</cmdline></os>
  > <on_poweroff>destroy</on_poweroff><on_crash>destroy</on_crash><devices>
  > <disk type='network' device='disk'><driver name='qemu' type='raw' cache='writeback'/>
  > <source protocol='rbd' name='vrbdt-$UNIQ/vm1'><host name='127.0.0.1' port='$(printf '%s' "$VRBD_LAB_CEPH_MON_HOST" | sed 's/.*v1:127\.0\.0\.1:\([0-9]*\).*/\1/')'/></source>
  > <auth username='vrbdt-$UNIQ'><secret type='ceph' usage='virt-rbd/$VRBD_LAB_CEPH_FSID/client.vrbdt-$UNIQ'/></auth>
  > <target dev='vda' bus='virtio'/></disk>
  > <serial type='file'><source path='$PWD/console.log'/><target port='0'/></serial>
  > <memballoon model='none'/></devices></domain>
  > EOF
  $ virsh -q -c qemu:///system create dom.xml > /dev/null
  $ for i in $(seq 1 300); do grep -q "nonce=m$UNIQ" console.log 2>/dev/null && break; sleep 0.2; done; grep -ao "nonce=m$UNIQ read=\[HELLO-FROM-HOST\]" console.log | sed "s/$UNIQ/U/"
  nonce=mU read=[HELLO-FROM-HOST]
  $ virt-rbd vol rm --now vrbdt-$UNIQ/vm1 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U/vm1' is in use: client.[0-9]+ at 127.0.0.1:0/[0-9]+ \(domain 'vrbdt-vol-U'\) (re)
  virt-rbd: hint: shut the guest down: virsh shutdown vrbdt-vol-U (or detach the disk)
  [1]
  $ virt-rbd vol who vrbdt-$UNIQ/vm1 | sed "s/$UNIQ/U/g"
  client.[0-9]+ at 127.0.0.1:0/[0-9]+: vrbdt-vol-U (re)
    shut the guest down: virsh shutdown vrbdt-vol-U (or detach the disk)
  $ virt-rbd --json vol list -l vrbdt-$UNIQ | python3 -c '
  > import json,sys; v=[x for x in json.load(sys.stdin) if x["name"]=="vm1"][0]
  > print(v["name"], len(v["watchers"]), v["parent"].split("/")[1])'
  vm1 1 golden@v1

Growing the disk of the running guest tells the guest

  $ virt-rbd vol resize vrbdt-$UNIQ/vm1 --size 128M | sed "s/$UNIQ/U/g"
  image vrbdt-U/vm1 resized from 64 MiB to 128 MiB (134217728 bytes); running guest told: vrbdt-vol-U
  $ virsh -c qemu:///system domblkinfo vrbdt-vol-$UNIQ vda | awk '/Capacity/ {print $2}'
  134217728
  $ virt-rbd vol resize vrbdt-$UNIQ/vm1 --size 64M --allow-shrink 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image vrbdt-U/vm1 is attached to running domain 'vrbdt-vol-U': shrinking it under the guest would corrupt it
  virt-rbd: hint: shut the guest down first (virsh shutdown vrbdt-vol-U)
  [1]

Rollback is refused while in use

  $ virt-rbd vol snap create vrbdt-$UNIQ/vm1@pre > /dev/null
  $ virt-rbd vol snap rollback vrbdt-$UNIQ/vm1@pre 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U/vm1' is in use: rolling it back under a running client would corrupt it
  virt-rbd: hint: stop what uses it first (see virt-rbd vol who)
  [1]

Once the guest is gone the image goes

  $ virsh -q -c qemu:///system destroy vrbdt-vol-$UNIQ > /dev/null
  $ virt-rbd vol rm --now vrbdt-$UNIQ/vm1 --force | sed "s/$UNIQ/U/g"
  image ceph:vrbdt-U/vm1 removed

Rollback of an image nothing holds says what it did, whole

  $ virt-rbd vol snap rollback vrbdt-$UNIQ/golden@v1 | sed "s/$UNIQ/U/g"
  image ceph:vrbdt-U/golden rolled back to snapshot v1

Clean up

  $ virt-rbd vol rm --now vrbdt-$UNIQ/golden --force 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U/golden' has snapshots in use: @v1 (protected)
  virt-rbd: hint: flatten or remove the clones, then unprotect and remove those snapshots
  [1]
  $ virt-rbd vol snap unprotect vrbdt-$UNIQ/golden@v1 > /dev/null; virt-rbd vol rm --now vrbdt-$UNIQ/golden --force > /dev/null
  $ virt-rbd host disconnect vrbdt-$UNIQ --name vol-$UNIQ > /dev/null
  $ for c in ceph zdata; do virt-rbd user rm $c:client.vrbdt-$UNIQ > /dev/null 2>&1; virt-rbd pool rm $c:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null; done
