Pool names with spaces or slashes are refused before any connection

  $ virt-rbd pool create 'my pool'
  virt-rbd: error: pool name 'my pool' contains a space
  virt-rbd: hint: a pool name may contain letters, digits, '.', '_' and '-'
  [1]
  $ virt-rbd pool create a/b/c
  virt-rbd: error: 'a/b/c' names an image where [CLUSTER:]POOL[/NAMESPACE] is expected
  [1]
  $ virt-rbd pool create ceph:a/b
  virt-rbd: error: 'ceph:a/b' names a namespace: pool create takes [CLUSTER:]POOL
  virt-rbd: hint: see 'virt-rbd help pool create'
  [2]

Placement group counts must be whole numbers

  $ virt-rbd pool create p --pg 0
  virt-rbd: error: invalid --pg 0: a pool needs at least one placement group
  virt-rbd: hint: see 'virt-rbd help pool create'
  [2]
  $ virt-rbd pool create p --pg 1e9
  virt-rbd: error: invalid --pg '1e9': give a power of two such as 128, or auto
  virt-rbd: hint: see 'virt-rbd help pool create'
  [2]
  $ virt-rbd pool create p --pg -4
  virt-rbd: error: invalid --pg '-4': give a power of two such as 128, or auto
  virt-rbd: hint: see 'virt-rbd help pool create'
  [2]

Sizes must be 1 to 10 and min_size at most size

  $ virt-rbd pool create p --size 0
  virt-rbd: error: invalid --size '0': give a whole number from 1 to 10
  virt-rbd: hint: see 'virt-rbd help pool create'
  [2]
  $ virt-rbd pool create p --size 2 --min-size 3
  virt-rbd: error: --min-size 3 is larger than --size 2
  virt-rbd: hint: see 'virt-rbd help pool create'
  [2]
  $ virt-rbd pool plan p --target-ratio 1.5
  virt-rbd: error: invalid --target-ratio '1.5': give a number above 0 and at most 1, e.g. 0.5
  virt-rbd: hint: see 'virt-rbd help pool plan'
  [2]

pool rm needs the confirmation flag

  $ virt-rbd pool rm ceph:p
  virt-rbd: error: deleting pool 'ceph:p' destroys it: add --yes-i-really-mean-it
  virt-rbd: hint: see 'virt-rbd help pool rm'
  [2]

pool list takes a cluster, not a pool

  $ virt-rbd pool list rbd
  virt-rbd: error: pool list takes clusters: write CLUSTER: (with the colon) or nothing
  virt-rbd: hint: see 'virt-rbd help pool list'
  [2]

A pool on an unregistered cluster names the known ones

  $ virt-rbd pool plan nope:p
  virt-rbd: error: cluster 'nope' is not registered
  virt-rbd: hint: none is registered: run 'virt-rbd cluster add'
  [1]
