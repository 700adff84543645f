version names virt-rbd and the libraries it runs on

  $ virt-rbd version
  virt-rbd [0-9.]+ (re)
  librados [0-9.]+ (re)
  librbd [0-9.]+ (re)
  libvirt [0-9.]+ (re)

version --json gives the same as data

  $ virt-rbd version --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sorted(d))'
  ['librados', 'librbd', 'libvirt', 'virt-rbd']
