import and export take a file and an image

  $ virt-rbd import f.raw
  virt-rbd: error: 'import' needs FILE|- [CLUSTER:]POOL[/NS]/IMAGE
  virt-rbd: hint: see 'virt-rbd help import'
  [2]
  $ virt-rbd import f.raw rbd/img@s
  virt-rbd: error: 'rbd/img@s' names a snapshot where [CLUSTER:]POOL[/NAMESPACE]/IMAGE is expected
  virt-rbd: hint: drop the '@SNAP' part
  [1]
  $ virt-rbd export rbd out.raw
  virt-rbd: error: 'rbd' names no image: write [CLUSTER:]POOL[/NAMESPACE]/IMAGE
  [1]

The queue depth is bounded

  $ virt-rbd import f.raw rbd/img --queue-depth 0
  virt-rbd: error: invalid --queue-depth '0': give a whole number from 1 to 1024
  virt-rbd: hint: see 'virt-rbd help import'
  [2]
  $ virt-rbd export rbd/img out.raw --queue-depth 5000
  virt-rbd: error: invalid --queue-depth '5000': give a whole number from 1 to 1024
  virt-rbd: hint: see 'virt-rbd help export'
  [2]

copy takes two images; the target is an image without a snapshot

  $ virt-rbd copy rbd/img
  virt-rbd: error: 'copy' needs [CLUSTER:]POOL[/NS]/IMAGE[@SNAP] [CLUSTER:]POOL[/NS]/IMAGE
  virt-rbd: hint: see 'virt-rbd help copy'
  [2]
  $ virt-rbd copy rbd/img@s1 rbd/other@s2
  virt-rbd: error: 'rbd/other@s2' names a snapshot where [CLUSTER:]POOL[/NAMESPACE]/IMAGE is expected
  virt-rbd: hint: drop the '@SNAP' part
  [1]
  $ virt-rbd copy rbd/img@s1 rbd/other --queue-depth 0
  virt-rbd: error: invalid --queue-depth '0': give a whole number from 1 to 1024
  virt-rbd: hint: see 'virt-rbd help copy'
  [2]
