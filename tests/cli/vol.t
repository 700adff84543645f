Sizes: zero, negative, unknown units and overflow are usage errors

  $ virt-rbd vol create rbd/a --size 0
  virt-rbd: error: invalid --size 0: an image needs a size
  virt-rbd: hint: see 'virt-rbd help vol create'
  [2]
  $ virt-rbd vol create rbd/a --size -1G
  virt-rbd: error: invalid --size '-1G': size must start with a number
  virt-rbd: hint: see 'virt-rbd help vol create'
  [2]
  $ virt-rbd vol create rbd/a --size 12X
  virt-rbd: error: invalid --size '12X': unknown size unit (use B, K, M, G, T, P, E, KiB ... EiB or KB ... EB)
  virt-rbd: hint: see 'virt-rbd help vol create'
  [2]
  $ virt-rbd vol create rbd/a --size 18446744073709551616
  virt-rbd: error: invalid --size '18446744073709551616': size is too large (the limit is 16 EiB - 1)
  virt-rbd: hint: see 'virt-rbd help vol create'
  [2]
  $ virt-rbd vol create rbd/a
  virt-rbd: error: give --size SIZE, e.g. 10G
  virt-rbd: hint: see 'virt-rbd help vol create'
  [2]
  $ virt-rbd vol resize rbd/a --size 0
  virt-rbd: error: invalid --size 0: an image needs a size
  virt-rbd: hint: see 'virt-rbd help vol resize'
  [2]

Names with '/', '@' or ':' in the wrong place

  $ virt-rbd vol create rbd --size 1G
  virt-rbd: error: 'rbd' names no image: write [CLUSTER:]POOL[/NAMESPACE]/IMAGE
  [1]
  $ virt-rbd vol create rbd/a@s --size 1G
  virt-rbd: error: 'rbd/a@s' names a snapshot where [CLUSTER:]POOL[/NAMESPACE]/IMAGE is expected
  virt-rbd: hint: drop the '@SNAP' part
  [1]
  $ virt-rbd vol info rbd/a:b
  virt-rbd: error: misplaced ':' in 'rbd/a:b': only CLUSTER: may come before the pool
  [1]
  $ virt-rbd vol snap create rbd/a
  virt-rbd: error: 'rbd/a' names no snapshot: write [CLUSTER:]POOL[/NAMESPACE]/IMAGE@SNAP
  [1]
  $ virt-rbd vol clone rbd/a rbd/b
  virt-rbd: error: 'rbd/a' names no snapshot: write [CLUSTER:]POOL[/NAMESPACE]/IMAGE@SNAP
  [1]
  $ virt-rbd vol list rbd/ns/img
  virt-rbd: error: 'rbd/ns/img' names an image where [CLUSTER:]POOL[/NAMESPACE] is expected
  [1]

Features are checked, dependencies too

  $ virt-rbd vol create rbd/a --size 1G --features layering,turbo
  virt-rbd: error: unknown image feature 'turbo'
  virt-rbd: hint: choose from layering, striping, exclusive-lock, object-map, fast-diff, deep-flatten, journaling
  [1]
  $ virt-rbd vol create rbd/a --size 1G --features layering,fast-diff
  virt-rbd: error: feature fast-diff needs object-map
  virt-rbd: hint: add object-map
  [1]

Clones stay on their parent's cluster

  $ virt-rbd vol clone ceph:rbd/a@s zdata:rbd/b
  virt-rbd: error: a clone lives on its parent's cluster: give both on the same cluster (copy across clusters with 'virt-rbd copy')
  virt-rbd: hint: see 'virt-rbd help vol clone'
  [2]

Bad numbers for --jobs and --max-depth

  $ virt-rbd vol list rbd -l --jobs 0
  virt-rbd: error: invalid --jobs '0': give a whole number from 1 to 256
  virt-rbd: hint: see 'virt-rbd help vol list'
  [2]
  $ virt-rbd vol clone rbd/a@s rbd/b --max-depth x
  virt-rbd: error: invalid --max-depth 'x': give a whole number from 1 to 64
  virt-rbd: hint: see 'virt-rbd help vol clone'
  [2]

vol snap needs a subcommand; help knows three-word commands

  $ virt-rbd vol snap
  virt-rbd: error: 'vol snap' needs a subcommand
  virt-rbd: hint: see 'virt-rbd --help'
  [2]
  $ virt-rbd vol snap frob rbd/a@s
  virt-rbd: error: unknown command 'vol snap frob'
  virt-rbd: hint: see 'virt-rbd --help'
  [2]
  $ virt-rbd help vol snap rollback | sed -n 1p
  Usage: virt-rbd vol snap rollback [CLUSTER:]POOL[/NS]/IMAGE@SNAP
