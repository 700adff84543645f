vm create needs exactly one of --from and --size, and --size needs --pool

  $ virt-rbd vm create v
  virt-rbd: error: give one of --from POOL/IMAGE@SNAP and --size SIZE
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]
  $ virt-rbd vm create v --from rbd/g@s --size 1G
  virt-rbd: error: give one of --from POOL/IMAGE@SNAP and --size SIZE
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]
  $ virt-rbd vm create v --size 1G
  virt-rbd: error: with --size, say where the disk goes: --pool [CLUSTER:]POOL
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]
  $ virt-rbd vm create v --from rbd/g
  virt-rbd: error: 'rbd/g' names no snapshot: write [CLUSTER:]POOL[/NAMESPACE]/IMAGE@SNAP
  [1]
  $ virt-rbd vm create v --from ceph:rbd/g@s --pool zdata:rbd
  virt-rbd: error: a clone lives on its golden image's cluster: --pool must name the same cluster
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]

Kernel options go together; numbers are checked

  $ virt-rbd vm create v --from rbd/g@s --initrd /i
  virt-rbd: error: --initrd and --cmdline go with --kernel
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]
  $ virt-rbd vm create v --from rbd/g@s --memory 0
  virt-rbd: error: invalid --memory '0': give a whole number from 1 to 1048576
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]
  $ virt-rbd vm create v --size 0 --pool rbd
  virt-rbd: error: invalid --size '0': an image needs a size
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]

disk attach takes a domain and an image

  $ virt-rbd disk attach dom
  virt-rbd: error: 'disk attach' needs DOMAIN [CLUSTER:]POOL[/NS]/IMAGE
  virt-rbd: hint: see 'virt-rbd help disk attach'
  [2]
  $ virt-rbd disk attach dom rbd/img@snap
  virt-rbd: error: 'rbd/img@snap' names a snapshot where [CLUSTER:]POOL[/NAMESPACE]/IMAGE is expected
  virt-rbd: hint: drop the '@SNAP' part
  [1]

vm move needs a destination; --live and --offline exclude each other; --bandwidth goes with --live and needs a rate; --rollback stands alone

  $ virt-rbd vm move v
  virt-rbd: error: say where to: --to [CLUSTER:]POOL
  virt-rbd: hint: see 'virt-rbd help vm move'
  [2]
  $ virt-rbd vm move v --to rbd --live --offline
  virt-rbd: error: --live and --offline exclude each other
  virt-rbd: hint: see 'virt-rbd help vm move'
  [2]
  $ virt-rbd vm move v --to rbd --live --bandwidth fast
  virt-rbd: error: invalid --bandwidth 'fast': size must start with a number
  virt-rbd: hint: see 'virt-rbd help vm move'
  [2]
  $ virt-rbd vm move v --to rbd --live --bandwidth 0
  virt-rbd: error: invalid --bandwidth '0': give a rate such as 64M
  virt-rbd: hint: see 'virt-rbd help vm move'
  [2]
  $ virt-rbd vm move v --rollback --to rbd
  virt-rbd: error: --rollback takes no other option
  virt-rbd: hint: see 'virt-rbd help vm move'
  [2]
  $ virt-rbd vm move v --to rbd/ns
  virt-rbd: error: --to takes [CLUSTER:]POOL
  virt-rbd: hint: see 'virt-rbd help vm move'
  [2]
