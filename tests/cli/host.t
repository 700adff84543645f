host connect takes a whole Ceph pool

  $ virt-rbd host connect ceph:rbd/tenant
  virt-rbd: error: libvirt RBD pools cover a whole Ceph pool: write [CLUSTER:]POOL
  virt-rbd: hint: see 'virt-rbd help host connect'
  [2]
  $ virt-rbd host connect 'my pool'
  virt-rbd: error: pool name 'my pool' contains a space
  virt-rbd: hint: a pool name may contain letters, digits, '.', '_' and '-'
  [1]

The user must be client.NAME

  $ virt-rbd host connect rbd --user libvirt
  virt-rbd: error: invalid user 'libvirt': it must start with 'client.'
  virt-rbd: hint: write the user as client.NAME
  [1]

host ensure waits whole seconds

  $ virt-rbd host ensure --wait soon
  virt-rbd: error: invalid --wait 'soon': give whole seconds from 0 to 86400
  virt-rbd: hint: see 'virt-rbd help host ensure'
  [2]

libvirt that does not answer is one clear line

  $ virt-rbd --connect 'test+unix:///x?socket=/nonexistent' host list 2>&1 | sed -n 1p | cut -c1-60
  virt-rbd: error: cannot connect to libvirt at 'test+unix:///
  [1]
  $ virt-rbd --connect 'test+unix:///x?socket=/nonexistent' host list > /dev/null 2>&1
  [1]

doctor of an unknown cluster is refused; an unreachable libvirt is a failing check

  $ virt-rbd doctor nope
  virt-rbd: error: cluster 'nope' is not registered
  virt-rbd: hint: see 'virt-rbd cluster list'
  [1]
  $ virt-rbd --connect 'test+unix:///x?socket=/nonexistent' doctor | grep -A1 '^fail *libvirt ' | tr -s ' ' | cut -c1-50
  fail libvirt cannot connect to libvirt at 'test+un
   fix: start libvirtd (systemctl start libvirtd), o
  [1]
