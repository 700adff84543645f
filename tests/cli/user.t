Users must be written client.NAME

  $ virt-rbd user create libvirt --pool rbd
  virt-rbd: error: invalid user 'libvirt': it must start with 'client.'
  virt-rbd: hint: write the user as client.NAME
  [1]
  $ virt-rbd user show 'ceph:client.a b'
  virt-rbd: error: invalid user 'client.a b': it contains ' '
  virt-rbd: hint: a user name may contain letters, digits, '.', '_' and '-'
  [1]
  $ virt-rbd user rm 'bad cluster:client.x'
  virt-rbd: error: cluster name 'bad cluster' contains a space
  virt-rbd: hint: a cluster name may contain letters, digits, '_' and '-'
  [1]

A user needs pools, and a keyring goes to one place

  $ virt-rbd user create client.x
  virt-rbd: error: a user needs --pool POOL[,POOL...]
  virt-rbd: hint: see 'virt-rbd help user create'
  [2]
  $ virt-rbd user create client.x --pool ,
  virt-rbd: error: --pool names no pool
  virt-rbd: hint: see 'virt-rbd help user create'
  [2]
  $ virt-rbd user create client.x --pool a --print-keyring --keyring-file k
  virt-rbd: error: --print-keyring and --keyring-file exclude each other
  virt-rbd: hint: see 'virt-rbd help user create'
  [2]
