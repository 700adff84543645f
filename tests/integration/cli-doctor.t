#require lab
Set up: both clusters registered, the host connected to a pool on each

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ cp "$VRBD_LAB_ZDATA_KEYRING" zdata.keyring; chmod 600 zdata.keyring
  $ virt-rbd cluster add zdata --mon-host "$VRBD_LAB_ZDATA_MON_HOST" --keyring zdata.keyring > /dev/null
  $ for c in ceph zdata; do virt-rbd pool create $c:vrbdt-$UNIQ --pg 8 > /dev/null; virt-rbd host connect $c:vrbdt-$UNIQ --user client.vrbdt-$UNIQ > /dev/null; done

A healthy setup has no failing line

  $ virt-rbd doctor > report; echo $?; grep -c '^fail' report
  0
  0
  [1]
  $ grep -E "^ok +(libvirt|libvirt-rbd-backend|qemu-rbd|cluster:ceph|cluster:zdata) " report | awk '{print $2}'
  libvirt
  libvirt-rbd-backend
  qemu-rbd
  cluster:ceph
  cluster:zdata
  $ grep -E "^ok +(secret|caps|pool|monitors):zdata-vrbdt-$UNIQ " report | awk '{print $2}' | sed "s/$UNIQ/U/"
  secret:zdata-vrbdt-U
  caps:zdata-vrbdt-U
  monitors:zdata-vrbdt-U
  pool:zdata-vrbdt-U

A world-readable keyring fails, with the chmod

  $ chmod 644 zdata.keyring
  $ virt-rbd doctor zdata | grep -A1 '^fail' | sed "s|$PWD|.|" | tr -s ' '
  fail keyring:zdata keyring './zdata.keyring' of cluster 'zdata' is readable by group or others (mode 644)
   fix: chmod 600 './zdata.keyring'
  fail cluster:zdata keyring './zdata.keyring' is readable by group or others (mode 644)
   fix: run: chmod 600 './zdata.keyring'
  [1]
  $ chmod 600 zdata.keyring

A libvirt pool whose Ceph pool is gone fails, naming both

  $ ceph -c "$VRBD_LAB_ZDATA_CONF" osd pool rm vrbdt-$UNIQ vrbdt-$UNIQ --yes-i-really-really-mean-it 2>/dev/null
  $ virt-rbd doctor zdata > report; echo $?
  1
  $ grep "^fail" report | sed "s/$UNIQ/U/g" | tr -s ' '
  fail pool:zdata-vrbdt-U Ceph pool 'vrbdt-U' of libvirt pool 'zdata-vrbdt-U' does not exist on cluster 'zdata'

An inactive pool fails, and host ensure starts it

  $ virsh -q -c qemu:///system pool-destroy ceph-vrbdt-$UNIQ > /dev/null
  $ virt-rbd doctor ceph | grep -A1 "^fail" | sed "s/$UNIQ/U/g" | tr -s ' '
  fail pool:ceph-vrbdt-U libvirt pool 'ceph-vrbdt-U' is inactive
   fix: run: virt-rbd host ensure --wait 60 (and enable virt-rbd-ensure.service for boot)
  [1]
  $ virt-rbd host ensure --wait 30 | grep "ceph-vrbdt-$UNIQ" | sed "s/$UNIQ/U/; s/after .* s/after N s/"
  pool 'ceph-vrbdt-U' (cluster 'ceph'): started after N s
  $ virt-rbd doctor ceph > /dev/null && echo healthy
  healthy

A pool used through client.admin is flagged

  $ virt-rbd host connect vrbdt-$UNIQ --user client.admin --name admin-$UNIQ > /dev/null
  virt-rbd: warning: client.admin has 'allow *' caps: libvirt should use a least-privilege user
  $ virt-rbd doctor ceph | grep -A1 "^fail" | sed "s/$UNIQ/U/g" | tr -s ' '
  fail caps:admin-U libvirt pool 'admin-U' uses client.admin, which has 'allow *' caps
   fix: give libvirt a least-privilege user: virt-rbd host disconnect, then host connect --user client.libvirt
  [1]
  $ virt-rbd host disconnect vrbdt-$UNIQ --name admin-$UNIQ > /dev/null

Stale monitors in a domain disk are flagged, and refresh-mons rewrites them

  $ rbd -c "$VRBD_LAB_CEPH_CONF" create --size 4M vrbdt-$UNIQ/disk
  $ cat > dom.xml <<EOF
  > <domain type='qemu'><name>vrbdt-$UNIQ</name><memory unit='MiB'>64</memory>
  > <os><type arch='x86_64' machine='q35'>hvm</type></os><devices>
  > <disk type='network' device='disk'><driver name='qemu' type='raw'/>
  > <source protocol='rbd' name='vrbdt-$UNIQ/disk'><host name='127.0.0.9' port='6789'/></source>
  > <auth username='vrbdt-$UNIQ'><secret type='ceph' usage='virt-rbd/$VRBD_LAB_CEPH_FSID/client.vrbdt-$UNIQ'/></auth>
  > <target dev='vda' bus='virtio'/></disk></devices></domain>
  > EOF
  $ virsh -q -c qemu:///system define dom.xml > /dev/null
  $ virt-rbd doctor ceph | grep -A1 "^warn  disk" | sed "s/$UNIQ/U/g" | tr -s ' '
  warn disk:vrbdt-U/vda vrbdt-U's disk vda lists monitors that are not in cluster 'ceph''s monmap
   fix: run: virt-rbd host refresh-mons ceph
  $ virt-rbd host refresh-mons ceph | sed "s/$UNIQ/U/g"
  cluster 'ceph': 0 pool(s) and 1 domain(s) updated
    domain vrbdt-U
  $ virsh -c qemu:///system dumpxml vrbdt-$UNIQ | grep "<host " | sed "s/port='$(printf '%s' "$VRBD_LAB_CEPH_MON_HOST" | sed 's/.*v1:127\.0\.0\.1:\([0-9]*\).*/\1/')'/port='CEPH-V1'/"
          <host name='127.0.0.1' port='CEPH-V1'/>
  $ virt-rbd doctor ceph | grep "disk:vrbdt" | cut -c1-5
  ok   
  $ virsh -q -c qemu:///system undefine vrbdt-$UNIQ > /dev/null

A disk whose image is gone fails

  $ sed "s|vrbdt-$UNIQ/disk|vrbdt-$UNIQ/gone|" dom.xml > dom2.xml; virsh -q -c qemu:///system define dom2.xml > /dev/null
  $ virt-rbd doctor ceph | grep "^fail  disk" | sed "s/$UNIQ/U/g" | tr -s ' '
  fail disk:vrbdt-U/vda vrbdt-U's disk vda points at vrbdt-U/gone on cluster 'ceph', which does not exist (No such file or directory)
  [1]
  $ virsh -q -c qemu:///system undefine vrbdt-$UNIQ > /dev/null

A cluster that does not answer fails within the timeout

  $ printf 'fsid = 00000000-0000-0000-0000-000000000000\nmon_host = 127.0.0.1:3999\nkeyring = %s\n' "$PWD/zdata.keyring" > config/clusters/dead.conf
  $ timeout 60 virt-rbd --timeout 3 doctor dead | grep -A1 "^fail  cluster"
  fail  cluster:dead                 monitors of cluster 'dead' did not answer within 3 s
                                     fix: check that the monitors at 127.0.0.1:3999 are up and reachable, or raise --timeout
  [1]
  $ rm config/clusters/dead.conf

--json gives the same as data

  $ virt-rbd --json doctor ceph | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sorted(set(c["status"] for c in d)), all("check" in c and "message" in c and "fix" in c for c in d))'
  ['ok'] True

Clean up

  $ rbd -c "$VRBD_LAB_CEPH_CONF" rm --no-progress vrbdt-$UNIQ/disk
  $ for c in ceph zdata; do virt-rbd host disconnect $c:vrbdt-$UNIQ > /dev/null; virt-rbd user rm $c:client.vrbdt-$UNIQ > /dev/null; done
  $ virt-rbd pool rm ceph:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
