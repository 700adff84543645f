#require lab
Set up: both clusters registered, a pool on each holding an image made through librbd

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ for c in ceph zdata; do virt-rbd pool create $c:vrbdt-$UNIQ --pg 8 > /dev/null; done
  $ rbd -c "$VRBD_LAB_CEPH_CONF" create --size 8M vrbdt-$UNIQ/made-by-librbd
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" create --size 8M vrbdt-$UNIQ/made-by-librbd

One command per cluster takes the host to an active, autostarted RBD pool;
while it runs, no process shows the key in its argv or environment, nor
does the debug log

  $ virt-rbd user create client.vrbdt-$UNIQ --pool vrbdt-$UNIQ > /dev/null
  $ ceph -c "$VRBD_LAB_CEPH_CONF" auth get-key client.vrbdt-$UNIQ > key; chmod 600 key
  $ (while :; do cat /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null; done) > samples & sampler=$!
  > virt-rbd -v -v host connect vrbdt-$UNIQ --user client.vrbdt-$UNIQ 2> debug.log | sed "s/$UNIQ/U/g"
  > kill $sampler; wait $sampler 2>/dev/null
  > echo "samples: $(wc -c < samples | awk '{print ($1 > 10000) ? "many" : "few"}'), key in them: $(grep -cFf key samples), key in debug log: $(grep -cFf key debug.log), debug lines: $(grep -c debug debug.log | awk '{print ($1 > 3) ? "some" : "none"}')"
  host connected to ceph:vrbdt-U as libvirt pool 'ceph-vrbdt-U'
    user:   client.vrbdt-U (unchanged)
    secret: [0-9a-f-]{36} \(private, created\) (re)
    pool:   defined, active, autostart
  samples: many, key in them: 0, key in debug log: 0, debug lines: some
  $ virt-rbd host connect zdata:vrbdt-$UNIQ --user client.vrbdt-$UNIQ --name zd-$UNIQ > /dev/null
  $ virsh -q -c qemu:///system pool-info ceph-vrbdt-$UNIQ | grep -E '^(State|Autostart)'
  State:          running
  Autostart:      yes
  $ virsh -q -c qemu:///system pool-info zd-$UNIQ | grep -E '^(State|Autostart)'
  State:          running
  Autostart:      yes

Images made through librbd are in vol-list

  $ virsh -q -c qemu:///system vol-list ceph-vrbdt-$UNIQ | awk '{print $1}'
  made-by-librbd
  $ virsh -q -c qemu:///system vol-list zd-$UNIQ | awk '{print $1}'
  made-by-librbd

The pool lists the live monitors, the secret, and cheap refreshes

  $ virsh -c qemu:///system pool-dumpxml zd-$UNIQ | grep -E "<host|<auth|allocation=" | sed "s/port='$(printf '%s' "$VRBD_LAB_ZDATA_MON_HOST" | sed 's/.*v1:127\.0\.0\.1:\([0-9]*\).*/\1/')'/port='ZDATA-V1'/"
      <host name='127.0.0.1' port='ZDATA-V1'/>
      <auth type='ceph' username='vrbdt-[a-z0-9]+'> (re)
      <volume allocation='capacity'/>

The secret is private: libvirt will not give the key back

  $ virsh -c qemu:///system secret-get-value "$(virt-rbd --json host list | python3 -c 'import json,sys,os; print([p["secret"] for p in json.load(sys.stdin)["pools"] if p["name"]=="zd-"+os.environ["UNIQ"]][0])')"
  error: Invalid secret: secret is private
  
  [1]

The user has only its pool: least privilege

  $ virt-rbd user show client.vrbdt-$UNIQ | sed "s/$UNIQ/U/g"
  user: client.vrbdt-U
  mon:  profile rbd
  osd:  profile rbd pool=vrbdt-U

host list shows both, per cluster

  $ virt-rbd host list | awk -v u=$UNIQ '$3 == "vrbdt-"u {print $2, $5, $6, $7, $8}'
  ceph active yes yes 1
  zdata active yes yes 1

Running it twice changes nothing

  $ virsh -c qemu:///system pool-dumpxml ceph-vrbdt-$UNIQ > before.xml
  $ virt-rbd host connect vrbdt-$UNIQ --user client.vrbdt-$UNIQ | sed "s/$UNIQ/U/g" | sed -n '2p;4p'
    user:   client.vrbdt-U (unchanged)
    pool:   existed, active, autostart
  $ virsh -c qemu:///system pool-dumpxml ceph-vrbdt-$UNIQ | diff before.xml - && echo same
  same
  $ virsh -q -c qemu:///system secret-list | grep -c "virt-rbd/.*/client.vrbdt-$UNIQ"
  2

The key is in no log of the lab, and in no process's argv or environment

  $ grep -rlFf key "$VRBD_LAB_DIR" 2>/dev/null | grep -v '/osd/\|/mon/\|/mgr/' || echo none
  none
  $ grep -lFf key /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null || echo none
  none

A libvirt pool name taken by another kind of pool is refused

  $ virsh -q -c qemu:///system pool-define-as taken-$UNIQ dir --target /tmp > /dev/null
  $ virt-rbd host connect vrbdt-$UNIQ --user client.vrbdt-$UNIQ --name taken-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: libvirt pool 'taken-U' exists and is not an RBD pool
  virt-rbd: hint: choose another libvirt pool name (--name), or remove that pool
  [1]
  $ virsh -q -c qemu:///system pool-undefine taken-$UNIQ > /dev/null

A failed connect leaves nothing behind that it made

  $ virt-rbd host connect vrbdt-$UNIQ --user client.vrbdt-$UNIQ-b --name 'bad/name' 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: cannot define libvirt pool 'bad/name': XML error: name bad/name cannot contain '/'
  [1]
  $ virt-rbd user show client.vrbdt-$UNIQ-b 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: user client.vrbdt-U-b not found in cluster 'ceph'
  [1]
  $ virsh -q -c qemu:///system secret-list | grep -c "client.vrbdt-$UNIQ-b"
  0
  [1]

A secret UUID held by another secret is a clash, and nothing is made

  $ uuid=$(virsh -q -c qemu:///system secret-list | awk -v u="client.vrbdt-$UNIQ" '$0 ~ u && /'"$VRBD_LAB_CEPH_FSID"'/ {print $1}')
  > virt-rbd host disconnect vrbdt-$UNIQ > /dev/null
  > printf "<secret ephemeral='no' private='yes'><uuid>%s</uuid><usage type='ceph'><name>someone else</name></usage></secret>" "$uuid" > other.xml
  > virsh -q -c qemu:///system secret-define other.xml > /dev/null
  > virt-rbd host connect vrbdt-$UNIQ --user client.vrbdt-$UNIQ 2>&1 | sed "s/$UNIQ/U/g; s/$uuid/UUID/g"
  > virsh -q -c qemu:///system pool-info ceph-vrbdt-$UNIQ > /dev/null 2>&1 || echo "no pool left"
  > virsh -q -c qemu:///system secret-undefine "$uuid" > /dev/null
  > virt-rbd host connect vrbdt-$UNIQ --user client.vrbdt-$UNIQ | sed -n 3p | sed "s/$uuid/UUID/"
  virt-rbd: error: secret UUID clash: UUID is taken by the secret for 'someone else', not 'virt-rbd/*/client.vrbdt-U' (glob)
  virt-rbd: hint: undefine that secret if it is stale (virsh secret-undefine UUID)
  no pool left
    secret: UUID (private, created)

A secret with our name that is not private is not given the key

  $ virt-rbd host disconnect vrbdt-$UNIQ > /dev/null
  $ uuid=$(cat /proc/sys/kernel/random/uuid)
  > printf "<secret ephemeral='no' private='no'><uuid>%s</uuid><usage type='ceph'><name>virt-rbd/%s/client.vrbdt-%s</name></usage></secret>" "$uuid" "$VRBD_LAB_CEPH_FSID" "$UNIQ" > open.xml
  > virsh -q -c qemu:///system secret-define open.xml > /dev/null
  > virt-rbd host connect vrbdt-$UNIQ --user client.vrbdt-$UNIQ 2>&1 | sed "s/$UNIQ/U/g; s/$uuid/UUID/g; s/$VRBD_LAB_CEPH_FSID/FSID/"
  > virsh -q -c qemu:///system secret-undefine "$uuid" > /dev/null
  > virt-rbd host connect vrbdt-$UNIQ --user client.vrbdt-$UNIQ > /dev/null && echo connected again
  virt-rbd: error: secret UUID for 'virt-rbd/FSID/client.vrbdt-U' is not private: the key would be readable through libvirt
  virt-rbd: hint: undefine it (virsh secret-undefine UUID) and connect again: virt-rbd makes it private
  connected again

A cluster that does not answer fails within the timeout, leaving nothing

  $ printf 'fsid = 00000000-0000-0000-0000-000000000000\nmon_host = 127.0.0.1:3999\nkeyring = %s\n' "$VRBD_LAB_CEPH_KEYRING" > config/clusters/dead.conf
  $ timeout 60 virt-rbd --timeout 2 host connect dead:vrbdt-$UNIQ
  virt-rbd: error: monitors of cluster 'dead' did not answer within 2 s
  virt-rbd: hint: check that the monitors at 127.0.0.1:3999 are up and reachable, or raise --timeout
  [1]
  $ rm config/clusters/dead.conf

A missing Ceph pool is named

  $ virt-rbd host connect nope-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: pool 'nope-U' not found in cluster 'ceph'
  virt-rbd: hint: create it first: virt-rbd pool create ceph:nope-U
  [1]

disconnect is refused while a domain uses the pool, naming it

  $ cat > dom.xml <<EOF
  > <domain type='qemu'><name>vrbdt-$UNIQ</name><memory unit='MiB'>64</memory>
  > <os><type arch='x86_64' machine='q35'>hvm</type></os><devices>
  > <disk type='network' device='disk'><driver name='qemu' type='raw'/>
  > <source protocol='rbd' name='vrbdt-$UNIQ/made-by-librbd'><host name='127.0.0.1' port='$(printf '%s' "$VRBD_LAB_CEPH_MON_HOST" | sed 's/.*v1:127\.0\.0\.1:\([0-9]*\).*/\1/')'/></source>
  > <auth username='vrbdt-$UNIQ'><secret type='ceph' usage='virt-rbd/$VRBD_LAB_CEPH_FSID/client.vrbdt-$UNIQ'/></auth>
  > <target dev='vda' bus='virtio'/></disk></devices></domain>
  > EOF
  $ virsh -q -c qemu:///system define dom.xml > /dev/null
  $ virt-rbd host disconnect vrbdt-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: libvirt pool 'ceph-vrbdt-U' is in use by domain(s) 'vrbdt-U'
  virt-rbd: hint: detach those disks or undefine those domains first
  [1]
  $ virsh -q -c qemu:///system undefine vrbdt-$UNIQ > /dev/null

disconnect removes the pool, and the secret once unused

  $ virt-rbd host disconnect vrbdt-$UNIQ | sed "s/$UNIQ/U/g"
  libvirt pool 'ceph-vrbdt-U' removed, and its secret (no longer used)
  $ virt-rbd host disconnect zdata:vrbdt-$UNIQ --name zd-$UNIQ | sed "s/$UNIQ/U/g"
  libvirt pool 'zd-U' removed, and its secret (no longer used)
  $ virsh -q -c qemu:///system secret-list | grep -c "client.vrbdt-$UNIQ"
  0
  [1]
  $ virt-rbd host disconnect vrbdt-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: no libvirt pool 'ceph-vrbdt-U': Storage pool not found: no storage pool with matching name 'ceph-vrbdt-U'
  virt-rbd: hint: see 'virt-rbd host list'
  [1]

Clean up

  $ for c in ceph zdata; do rbd -c "$VRBD_LAB_DIR/$c/ceph.conf" rm --no-progress vrbdt-$UNIQ/made-by-librbd; virt-rbd user rm $c:client.vrbdt-$UNIQ > /dev/null; virt-rbd pool rm $c:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null; done
