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

Disk modes are checked: native io is O_DIRECT, so it needs cache none; a NIC is a libvirt network or a bridge

  $ virt-rbd vm create v --from rbd/g@s --cache turbo
  virt-rbd: error: invalid --cache 'turbo': use writeback, none, writethrough, directsync or unsafe
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]
  $ virt-rbd vm create v --from rbd/g@s --io fast
  virt-rbd: error: invalid --io 'fast': use native, threads or io_uring
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]
  $ virt-rbd vm create v --from rbd/g@s --io native
  virt-rbd: error: --io native needs --cache none (or directsync): it is O_DIRECT I/O
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]
  $ virt-rbd vm create v --from rbd/g@s --discard maybe
  virt-rbd: error: invalid --discard 'maybe': use unmap or ignore
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]
  $ virt-rbd vm create v --from rbd/g@s --network bridge:
  virt-rbd: error: invalid --network 'bridge:': give [network:]NAME or bridge:BRIDGE
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]
  $ virt-rbd vm create v --from rbd/g@s --network network:
  virt-rbd: error: invalid --network 'network:': give [network:]NAME or bridge:BRIDGE
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]
  $ virt-rbd vm create v --from rbd/g@s --network bridge:abcdefghijklmnop
  virt-rbd: error: invalid --network 'bridge:abcdefghijklmnop': a bridge name has at most 15 characters
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]

Firmware is bios or uefi; a clone is not preallocated; one installer, and --extra-args is its

  $ virt-rbd vm create v --from rbd/g@s --boot efi
  virt-rbd: error: invalid --boot 'efi': use bios or uefi
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]
  $ virt-rbd vm create v --from rbd/g@s --preallocate
  virt-rbd: error: --preallocate is for a new disk (--size): a clone's data is its golden image's
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]
  $ virt-rbd vm create v --from rbd/g@s --location /srv/tree --kernel /k
  virt-rbd: error: give one of --kernel, --location and --cdrom
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]
  $ virt-rbd vm create v --from rbd/g@s --cdrom /srv/a.iso --kernel /k
  virt-rbd: error: give one of --kernel, --location and --cdrom
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]
  $ virt-rbd vm create v --from rbd/g@s --location /srv/tree --cdrom /srv/a.iso
  virt-rbd: error: give one of --location and --cdrom
  virt-rbd: hint: see 'virt-rbd help vm create'
  [2]
  $ virt-rbd vm create v --from rbd/g@s --extra-args console=ttyS0
  virt-rbd: error: --extra-args goes with --location
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
