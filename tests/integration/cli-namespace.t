#require lab
A RADOS namespace that does not exist is named, with its pool and the
command that creates it, by every command that takes one; nothing is made.

Set up: the lab's ceph cluster, a pool of this file's own, a source file

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create vrbdt-$UNIQ --pg 8 > /dev/null
  $ head -c 4M /dev/urandom > src.raw
  $ virt-rbd vol create vrbdt-$UNIQ/base --size 4M > /dev/null

import: the namespace is named, not the temporary image it could not make

  $ virt-rbd import src.raw vrbdt-$UNIQ/nons/img 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: namespace 'nons' not found in pool 'vrbdt-U' of cluster 'ceph'
  virt-rbd: hint: create it with 'rbd namespace create vrbdt-U/nons' (virt-rbd does not make namespaces), or leave the namespace out
  [1]

vol create, and copy into it and out of it, say the same

  $ virt-rbd vol create vrbdt-$UNIQ/nons/img --size 4M 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: namespace 'nons' not found in pool 'vrbdt-U' of cluster 'ceph'
  virt-rbd: hint: create it with 'rbd namespace create vrbdt-U/nons' (virt-rbd does not make namespaces), or leave the namespace out
  [1]
  $ virt-rbd copy vrbdt-$UNIQ/base vrbdt-$UNIQ/nons/img 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: namespace 'nons' not found in pool 'vrbdt-U' of cluster 'ceph'
  virt-rbd: hint: create it with 'rbd namespace create vrbdt-U/nons' (virt-rbd does not make namespaces), or leave the namespace out
  [1]
  $ virt-rbd copy vrbdt-$UNIQ/nons/img vrbdt-$UNIQ/img 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: namespace 'nons' not found in pool 'vrbdt-U' of cluster 'ceph'
  virt-rbd: hint: create it with 'rbd namespace create vrbdt-U/nons' (virt-rbd does not make namespaces), or leave the namespace out
  [1]

vol list fails instead of listing nothing

  $ virt-rbd vol list vrbdt-$UNIQ/nons 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: namespace 'nons' not found in pool 'vrbdt-U' of cluster 'ceph'
  virt-rbd: hint: create it with 'rbd namespace create vrbdt-U/nons' (virt-rbd does not make namespaces), or leave the namespace out
  [1]

Nothing was made: no namespace, no image, no temporary image (rbd as oracle)

  $ rbd -c "$VRBD_LAB_CEPH_CONF" namespace ls vrbdt-$UNIQ; rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ
  base

Once the admin has made it as the hint says, the same commands work

  $ rbd -c "$VRBD_LAB_CEPH_CONF" namespace create vrbdt-$UNIQ/nons
  $ virt-rbd import src.raw vrbdt-$UNIQ/nons/img > /dev/null
  $ virt-rbd copy vrbdt-$UNIQ/nons/img vrbdt-$UNIQ/nons/img2 > /dev/null
  $ virt-rbd vol list vrbdt-$UNIQ/nons
  img
  img2
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export vrbdt-$UNIQ/nons/img2 - 2>/dev/null | cmp - src.raw && echo identical
  identical

Clean up

  $ for i in nons/img nons/img2 base; do virt-rbd vol rm --now vrbdt-$UNIQ/$i > /dev/null; done
  $ rbd -c "$VRBD_LAB_CEPH_CONF" namespace remove vrbdt-$UNIQ/nons
  $ virt-rbd pool rm vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
