#require lab
The boot race: libvirt comes up before Ceph, so libvirt's one autostart
attempt fails and the pool stays inactive; 'host ensure' waits for the
cluster and starts it.  Then --start-domains boots an autostart guest from
its RBD disk.

Set up: zdata registered, a pool and the host connected to it

  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ virt-rbd pool create zdata:vrbdt-$UNIQ --pg 8 > /dev/null
  $ virt-rbd host connect zdata:vrbdt-$UNIQ --user client.vrbdt-$UNIQ --name boot-$UNIQ > /dev/null

libvirtd starts as after a host boot while zdata's monitor is down: its
one autostart attempt waits out librados' timeout (30 s), fails, and is
never retried: the pool is left inactive

  $ "$TESTDIR/../../scripts/lab" stop-mon zdata > /dev/null
  $ "$TESTDIR/../../scripts/lab" restart-libvirtd --boot > /dev/null
  $ virsh -c qemu:///system pool-info boot-$UNIQ | awk '/^Autostart/ {print $2}'
  yes
  $ virsh -c qemu:///system pool-info boot-$UNIQ | awk '/^State/ {print $2}'
  inactive

host ensure waits for the cluster, which comes back meanwhile, then starts the pool

  $ virt-rbd host ensure --wait 120 > ensure.out 2>&1 & ensure=$!
  > sleep 3; "$TESTDIR/../../scripts/lab" start-mon zdata > /dev/null
  > wait $ensure; echo "exit $?"
  exit 0
  $ grep "boot-$UNIQ" ensure.out | sed "s/$UNIQ/U/; s/after [0-9.]* s/after N s/"
  pool 'boot-U' (cluster 'zdata'): started after N s
  $ virsh -c qemu:///system pool-info boot-$UNIQ | awk '/^State/ {print $2}'
  running

--start-domains starts an autostart domain whose RBD disk is now reachable

  $ test -n "$VRBD_LAB_GUEST_DIR" && test -f "$VRBD_LAB_GUEST_DIR/vmlinuz" && echo kit
  kit
  $ truncate -s 64M seed.raw; printf 'HELLO-FROM-HOST' | dd of=seed.raw bs=512 seek=8 conv=notrunc status=none
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" import --no-progress seed.raw vrbdt-$UNIQ/guest
  $ v1=$(printf '%s' "$VRBD_LAB_ZDATA_MON_HOST" | sed 's/.*v1:127\.0\.0\.1:\([0-9]*\).*/\1/'); cat > dom.xml <<EOF
  > <domain type='qemu'><name>vrbdt-boot-$UNIQ</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>
  > <os><type arch='x86_64' machine='q35'>hvm</type><kernel>$VRBD_LAB_GUEST_DIR/vmlinuz</kernel>
  > <initrd>$VRBD_LAB_GUEST_DIR/initrd.img</initrd><cmdline>console=ttyS0 quiet panic=-1 marker=m$UNIQ</cmdline></os>
  > <on_poweroff>destroy</on_poweroff><on_crash>destroy</on_crash><devices>
  > <disk type='network' device='disk'><driver name='qemu' type='raw' cache='writeback'/>
  > <source protocol='rbd' name='vrbdt-$UNIQ/guest'><host name='127.0.0.1' port='$v1'/></source>
  > <auth username='vrbdt-$UNIQ'><secret type='ceph' usage='virt-rbd/$VRBD_LAB_ZDATA_FSID/client.vrbdt-$UNIQ'/></auth>
  > <target dev='vda' bus='virtio'/></disk>
  > <serial type='file'><source path='$PWD/console.log'/><target port='0'/></serial>
  > <memballoon model='none'/></devices></domain>
  > EOF
  $ virsh -q -c qemu:///system define dom.xml > /dev/null; virsh -q -c qemu:///system autostart vrbdt-boot-$UNIQ > /dev/null
  $ virt-rbd host ensure --start-domains | grep "domain" | sed "s/$UNIQ/U/"
  domain 'vrbdt-boot-U': started
  $ for i in $(seq 1 600); do virsh -q -c qemu:///system domstate vrbdt-boot-$UNIQ | grep -q running || break; sleep 0.2; done
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" export --no-progress vrbdt-$UNIQ/guest out.raw && head -c 512 out.raw | tr -d '\000' | grep -o "nonce=m$UNIQ read=\[HELLO-FROM-HOST\]" | sed "s/$UNIQ/U/"
  nonce=mU read=[HELLO-FROM-HOST]

Clean up

  $ virsh -q -c qemu:///system undefine vrbdt-boot-$UNIQ > /dev/null
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" rm --no-progress vrbdt-$UNIQ/guest
  $ virt-rbd host disconnect zdata:vrbdt-$UNIQ --name boot-$UNIQ > /dev/null
  $ virt-rbd user rm zdata:client.vrbdt-$UNIQ > /dev/null
  $ virt-rbd pool rm zdata:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
