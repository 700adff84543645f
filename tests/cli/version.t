version names virt-rbd and the libraries it runs on

  $ virt-rbd version
  virt-rbd [0-9.]+ (re)
  librados [0-9.]+ (re)
  librbd [0-9.]+ (re)
  libvirt [0-9.]+ (re)

version --json gives the same as data

  $ virt-rbd version --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sorted(d))'
  ['librados', 'librbd', 'libvirt', 'virt-rbd']

version loads libvirt when it asks for libvirt's version

  $ LD_DEBUG=files virt-rbd version 2>&1 >/dev/null | grep -c 'file=libvirt\.so\.0 .*dynamically loaded by'
  1

a command that never talks to libvirt never loads it

  $ LD_DEBUG=files virt-rbd cluster list 2>&1 >/dev/null | grep -c 'libvirt\.so'
  0
  [1]
