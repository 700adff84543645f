#require lab
#cleanup rm -f /var/lib/libvirt/qemu/nvram/efi-${UNIQ}_VARS.fd
#cleanup ip link del vbr$UNIQ 2>/dev/null || true
Set up: a pool, this host connected to it, and the guest kit laid out as
a Debian install tree (install.amd/vmlinuz and initrd.gz)

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create vrbdi-$UNIQ --pg 8 > /dev/null
  $ virt-rbd host connect vrbdi-$UNIQ --user client.vrbdi-$UNIQ > /dev/null
  $ mkdir -p tree/install.amd && cp "$VRBD_LAB_GUEST_DIR/vmlinuz" tree/install.amd/vmlinuz && cp "$VRBD_LAB_GUEST_DIR/initrd.img" tree/install.amd/initrd.gz
  $ boot=/var/lib/libvirt/boot; waitfor() { for i in $(seq 1 600); do grep -aq "nonce=$2" "$1" 2>/dev/null && return 0; sleep 0.5; done; return 1; }

--location boots the tree's installer once, with --extra-args; the copies
of its kernel and initrd are gone once QEMU has read them

  $ virt-rbd vm create loc-$UNIQ --size 64M --pool vrbdi-$UNIQ --memory 256 --location "$PWD/tree" --extra-args "console=ttyS0 quiet panic=-1 marker=l$UNIQ" --console-log "$PWD/loc.log" | sed "s/$UNIQ/U/g; s/in [0-9.]* s/in N s/"
  vm 'loc-U' defined and started in N s (disk ceph:vrbdi-U/loc-U)
  $ ls $boot | grep -c "virt-rbd-loc-$UNIQ"
  0
  [1]
  $ waitfor loc.log l$UNIQ && grep -ao "dev=/dev/vda nonce=l$UNIQ" loc.log | sed "s/$UNIQ/U/"
  dev=/dev/vda nonce=lU

Booted once: the persistent definition boots the disk, not the installer,
and once the installer's boot is over the domain is that definition

  $ virsh -c qemu:///system dumpxml --inactive loc-$UNIQ | grep -E "<kernel>|<initrd>|<cmdline>|<boot |<on_reboot>"
      <boot dev='hd'/>
    <on_reboot>restart</on_reboot>
  $ for i in $(seq 1 300); do [ "$(virsh -c qemu:///system domstate loc-$UNIQ)" = "shut off" ] && break; sleep 0.2; done; virsh -q -c qemu:///system domstate loc-$UNIQ
  shut off
  $ virsh -c qemu:///system dumpxml loc-$UNIQ | grep -cE "<kernel>|<initrd>|<on_reboot>destroy"
  0
  [1]

--boot uefi: OVMF, a per-VM NVRAM made from its template, and the guest
boots (a direct kernel boot through OVMF; slow under TCG)

  $ virt-rbd vm create efi-$UNIQ --size 64M --pool vrbdi-$UNIQ --memory 256 --boot uefi --kernel "$VRBD_LAB_GUEST_DIR/vmlinuz" --initrd "$VRBD_LAB_GUEST_DIR/initrd.img" --cmdline "console=ttyS0 quiet panic=-1 marker=e$UNIQ" --console-log "$PWD/efi.log" --start | sed "s/$UNIQ/U/g; s/in [0-9.]* s/in N s/"
  vm 'efi-U' defined and started in N s (disk ceph:vrbdi-U/efi-U)
  $ waitfor efi.log e$UNIQ && grep -ao "dev=/dev/vda nonce=e$UNIQ" efi.log | sed "s/$UNIQ/U/"
  dev=/dev/vda nonce=eU
  $ virsh -c qemu:///system dumpxml --inactive efi-$UNIQ | grep -E "<loader|<nvram|machine=" | sed "s/$UNIQ/U/; s/pc-q35-[0-9.]*/pc-q35-V/"
      <type arch='x86_64' machine='pc-q35-V'>hvm</type>
      <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>
      <nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>/var/lib/libvirt/qemu/nvram/efi-U_VARS.fd</nvram>
  $ test -s /var/lib/libvirt/qemu/nvram/efi-${UNIQ}_VARS.fd
  $ for i in $(seq 1 300); do [ "$(virsh -c qemu:///system domstate efi-$UNIQ)" = "shut off" ] && break; sleep 0.2; done; virt-rbd vm rm efi-$UNIQ --disks --now | sed "s/$UNIQ/U/"
  vm 'efi-U' removed with its RBD disks
  $ test -e /var/lib/libvirt/qemu/nvram/efi-${UNIQ}_VARS.fd
  [1]

--location ISO: the installer read out of the ISO (libarchive), the ISO in
the CD-ROM while it installs (the installer's packages are there); after
it, an empty CD-ROM and the disk

  $ "$(dirname "$(command -v virt-rbd)")/../tests/integration/mkiso" inst.iso install.amd/vmlinuz="$VRBD_LAB_GUEST_DIR/vmlinuz" install.amd/initrd.gz="$VRBD_LAB_GUEST_DIR/initrd.img"
  $ virt-rbd vm create iso-$UNIQ --size 64M --pool vrbdi-$UNIQ --memory 256 --location inst.iso --extra-args "console=ttyS0 quiet panic=-1 marker=i$UNIQ hold=600" --console-log "$PWD/iso.log" > /dev/null
  $ waitfor iso.log i$UNIQ && grep -ao "dev=/dev/vda nonce=i$UNIQ" iso.log | sed "s/$UNIQ/U/"
  dev=/dev/vda nonce=iU
  $ virsh -c qemu:///system dumpxml iso-$UNIQ | grep -oE "<kernel>[^<]*|<source file=[^/]*/[^>]*" | sed "s|$PWD|D|; s/$UNIQ/U/; s/-kernel-.*/-kernel-X/; s/ index='[0-9]*'//"
  <kernel>/var/lib/libvirt/boot/virt-rbd-iso-U-kernel-X
  <source file='D/inst.iso'/
  $ virsh -c qemu:///system dumpxml --inactive iso-$UNIQ | grep -cE "<kernel>|<source file="
  0
  [1]
  $ virsh -c qemu:///system dumpxml --inactive iso-$UNIQ | grep -E "device='cdrom'|<boot "
      <boot dev='hd'/>
      <disk type='file' device='cdrom'>
  $ virsh -q -c qemu:///system destroy iso-$UNIQ > /dev/null

--cdrom: the CD-ROM first for the installer's boot (this ISO boots
nothing: SeaBIOS goes on to the empty disk), then only the disk

  $ virt-rbd vm create cd-$UNIQ --size 64M --pool vrbdi-$UNIQ --memory 256 --cdrom inst.iso | sed "s/$UNIQ/U/g; s/in [0-9.]* s/in N s/"
  vm 'cd-U' defined and started in N s (disk ceph:vrbdi-U/cd-U)
  $ virsh -c qemu:///system dumpxml cd-$UNIQ | grep -E "<boot |<source file=|<target dev='sda'" | sed "s|$PWD|D|; s/ index='[0-9]*'//"
      <boot dev='cdrom'/>
      <boot dev='hd'/>
        <source file='D/inst.iso'/>
        <target dev='sda' bus='sata'/>
  $ virsh -c qemu:///system dumpxml --inactive cd-$UNIQ | grep -E "<boot |<source file=|<target dev='sda'"
      <boot dev='hd'/>
        <target dev='sda' bus='sata'/>
  $ virsh -q -c qemu:///system destroy cd-$UNIQ > /dev/null

A bridge NIC and the disk's cache, io and discard modes reach the
definition, and the guest runs with them: its NIC's tap on the bridge (one
made for the test, with no other port)

  $ ip link add name vbr$UNIQ type bridge
  $ virt-rbd vm create br-$UNIQ --size 64M --pool vrbdi-$UNIQ --memory 256 --network bridge:vbr$UNIQ --cache none --io native --discard ignore --kernel "$VRBD_LAB_GUEST_DIR/vmlinuz" --initrd "$VRBD_LAB_GUEST_DIR/initrd.img" --cmdline "console=ttyS0 quiet panic=-1 marker=b$UNIQ hold=600" --console-log "$PWD/br.log" --start > /dev/null
  $ waitfor br.log b$UNIQ && grep -ao "dev=/dev/vda nonce=b$UNIQ" br.log | sed "s/$UNIQ/U/"
  dev=/dev/vda nonce=bU
  $ virsh -c qemu:///system dumpxml br-$UNIQ | grep -E "<driver name='qemu' type='raw'|<interface|<source bridge" | sed "s/$UNIQ/U/"
        <driver name='qemu' type='raw' cache='none' io='native'/>
      <interface type='bridge'>
        <source bridge='vbrU'/>
  $ ip -o link show master vbr$UNIQ | grep -c " vnet[0-9]*:"
  1
  $ virsh -q -c qemu:///system destroy br-$UNIQ > /dev/null; ip link del vbr$UNIQ

--preallocate writes the new disk full (thick); without it a disk never
written (cd-, which booted nothing) uses nothing

  $ virt-rbd vm create pre-$UNIQ --size 64M --pool vrbdi-$UNIQ --memory 256 --preallocate > /dev/null
  $ rbd -c "$VRBD_LAB_CEPH_CONF" du --format json vrbdi-$UNIQ/pre-$UNIQ | python3 -c 'import json,sys; print([i["used_size"] for i in json.load(sys.stdin)["images"]])'
  [67108864]
  $ rbd -c "$VRBD_LAB_CEPH_CONF" du --format json vrbdi-$UNIQ/cd-$UNIQ | python3 -c 'import json,sys; print([i["used_size"] for i in json.load(sys.stdin)["images"]])'
  [0]

A tree without an installer, a bridge name no host has: refused before
anything is made

  $ mkdir empty; virt-rbd vm create bad-$UNIQ --size 64M --pool vrbdi-$UNIQ --location "$PWD/empty" 2>&1 | sed "s/$UNIQ/U/g; s|$PWD|D|"
  virt-rbd: error: no installer kernel and initrd in 'D/empty': looked for install.amd/vmlinuz, casper/vmlinuz, images/pxeboot/vmlinuz, isolinux/vmlinuz, debian-installer/amd64/linux, install/vmlinuz and boot/x86_64/loader/linux
  virt-rbd: hint: point --location at the top of the tree or ISO (the directory holding install.amd/, casper/ or images/pxeboot/), or boot a kernel with --kernel
  [1]
  $ virt-rbd vm create bad-$UNIQ --size 64M --pool vrbdi-$UNIQ --network "bridge:br/0"
  virt-rbd: error: invalid bridge name 'br/0': at most 15 characters, no '/', ':' or spaces
  virt-rbd: hint: give the name of a bridge of this host (see 'ip link')
  [1]
  $ virsh -c qemu:///system domstate bad-$UNIQ 2>&1 | grep -c "failed to get domain"
  1
  [1]
  $ rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdi-$UNIQ | sed "s/$UNIQ/U/"
  br-U
  cd-U
  iso-U
  loc-U
  pre-U
