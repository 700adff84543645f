vol fence refuses bad input before it connects: --expire must be a
duration from 1 s to 366 days

  $ virt-rbd vol fence p/i --expire 0
  virt-rbd: error: invalid --expire '0': give a duration from 1s to 366d, such as 90s, 30m, 1h or 2d
  virt-rbd: hint: see 'virt-rbd help vol fence'
  [2]
  $ for e in 1x 367d -5 1.5h ''; do virt-rbd vol fence p/i --expire "$e" 2>&1 | sed -n 1p; done
  virt-rbd: error: invalid --expire '1x': give a duration from 1s to 366d, such as 90s, 30m, 1h or 2d
  virt-rbd: error: invalid --expire '367d': give a duration from 1s to 366d, such as 90s, 30m, 1h or 2d
  virt-rbd: error: invalid --expire '-5': give a duration from 1s to 366d, such as 90s, 30m, 1h or 2d
  virt-rbd: error: invalid --expire '1.5h': give a duration from 1s to 366d, such as 90s, 30m, 1h or 2d
  virt-rbd: error: invalid --expire '': give a duration from 1s to 366d, such as 90s, 30m, 1h or 2d
  [2]

Images of two clusters are refused (one cluster's blocklist per command),
and so are a pool and a snapshot

  $ virt-rbd vol fence a:p/i b:p/j
  virt-rbd: error: give images of one cluster: fence each cluster's images with a command of its own
  virt-rbd: hint: see 'virt-rbd help vol fence'
  [2]
  $ virt-rbd vol fence p/i a:p/j
  virt-rbd: error: give images of one cluster: fence each cluster's images with a command of its own
  virt-rbd: hint: see 'virt-rbd help vol fence'
  [2]
  $ virt-rbd vol fence p
  virt-rbd: error: 'p' names no image: write [CLUSTER:]POOL[/NAMESPACE]/IMAGE
  [1]
  $ virt-rbd vol fence p/i@s
  virt-rbd: error: 'p/i@s' names a snapshot where [CLUSTER:]POOL[/NAMESPACE]/IMAGE is expected
  virt-rbd: hint: drop the '@SNAP' part
  [1]
  $ virt-rbd vol clients p
  virt-rbd: error: 'p' names no image: write [CLUSTER:]POOL[/NAMESPACE]/IMAGE
  [1]
