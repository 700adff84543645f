#require lab
#cleanup "$TESTDIR/../../scripts/lab" host-thaw h2 > /dev/null
#cleanup "$TESTDIR/../../scripts/lab" host-start h2 > /dev/null
#cleanup eval "$("$TESTDIR/../../scripts/lab" env)"; for h in h1 h2 h3; do u=VRBD_LAB_${h^^}_URI; virsh -q -c "${!u}" domstate lh-$UNIQ || continue; virsh -q -c "${!u}" destroy lh-$UNIQ; virsh -q -c "${!u}" undefine lh-$UNIQ; done > /dev/null 2>&1; true
#cleanup eval "$("$TESTDIR/../../scripts/lab" env)"; for h in h1 h2 h3; do u=VRBD_LAB_${h^^}_URI; virsh -q -c "${!u}" pool-info zdata-vrbdt-$UNIQ > /dev/null 2>&1 && virt-rbd -c "${!u}" host disconnect zdata:vrbdt-$UNIQ > /dev/null 2>&1; done; true
The lab's libvirt hosts (scripts/lab up, scripts/lab hosts N): h1 is the
lab's libvirtd, h2 and h3 each a libvirtd in its own mount namespace.  Each
answers on its URI with its own host UUID, the same URIs reach every host
from inside a host's namespace too (libvirt's peer-to-peer migration dials
the destination from the source daemon), so a guest with an RBD disk
migrates live h2 -> h3 -> h1 and keeps writing; host-freeze stops a
host's libvirtd and QEMU (state T) and host-thaw continues exactly those;
host-stop leaves the QEMU running and host-start takes it back.

Three hosts (started if the lab has fewer)

  $ "$TESTDIR/../../scripts/lab" hosts 3 > /dev/null && eval "$("$TESTDIR/../../scripts/lab" env)"
  $ echo "$VRBD_LAB_HOSTS" | cut -d' ' -f1-3
  h1 h2 h3

Each host answers with a host UUID of its own; h2's libvirtd runs in a mount
namespace of its own (not the test's)

  $ uuid() { sed -n 's:^ *<uuid>\(.*\)</uuid>$:\1:p' | head -n 1; }
  $ for h in h1 h2 h3; do u=VRBD_LAB_${h^^}_URI; virsh -c "${!u}" capabilities | uuid > $h.uuid; done
  $ cat h?.uuid | grep -cE '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'; cat h?.uuid | sort -u | wc -l
  3
  3
  $ p2=$(cat "$VRBD_LAB_DIR/h2/run/libvirtd.pid"); test "$(readlink /proc/$p2/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" && echo own namespace
  own namespace

From inside h2's namespace, qemu:///system is h2 itself, and the URIs of h1 and
h3 reach h1 and h3

  $ nsenter -t $p2 -m virsh -c qemu:///system capabilities | uuid | cmp - h2.uuid && echo h2
  h2
  $ for h in h1 h3; do u=VRBD_LAB_${h^^}_URI; nsenter -t $p2 -m virsh -c "${!u}" capabilities | uuid | cmp - $h.uuid && echo $h; done
  h1
  h3

Every host connected to one zdata pool (one secret UUID on all: derived from
the cluster's fsid and the user), a guest writing numbered records on its RBD
disk, started on h2

  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ virt-rbd pool create zdata:vrbdt-$UNIQ --pg 8 > /dev/null
  $ for h in h1 h2 h3; do u=VRBD_LAB_${h^^}_URI; virt-rbd -c "${!u}" host connect zdata:vrbdt-$UNIQ --user client.vrbdt-$UNIQ > /dev/null; done
  $ for h in h1 h2 h3; do u=VRBD_LAB_${h^^}_URI; virsh -q -c "${!u}" secret-list | grep "client.vrbdt-$UNIQ" | cut -d' ' -f1; done | sort -u | wc -l
  1
  $ truncate -s 8M seed.raw && rbd -c "$VRBD_LAB_ZDATA_CONF" import --no-progress seed.raw vrbdt-$UNIQ/guest
  $ v1=$(printf '%s' "$VRBD_LAB_ZDATA_MON_HOST" | sed 's/.*v1:127\.0\.0\.1:\([0-9]*\).*/\1/'); cat > dom.xml <<EOF
  > <domain type='qemu'><name>lh-$UNIQ</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
  > <os><type arch='x86_64' machine='q35'>hvm</type><kernel>$VRBD_LAB_GUEST_DIR/vmlinuz</kernel>
  > <initrd>$VRBD_LAB_GUEST_DIR/initrd.img</initrd><cmdline>console=ttyS0 quiet panic=-1 marker=h$UNIQ loop=3000</cmdline></os>
  > <on_poweroff>destroy</on_poweroff><on_crash>destroy</on_crash><devices>
  > <disk type='network' device='disk'><driver name='qemu' type='raw' cache='none'/>
  > <source protocol='rbd' name='vrbdt-$UNIQ/guest'><host name='127.0.0.1' port='$v1'/></source>
  > <auth username='vrbdt-$UNIQ'><secret type='ceph' usage='virt-rbd/$VRBD_LAB_ZDATA_FSID/client.vrbdt-$UNIQ'/></auth>
  > <target dev='vda' bus='virtio'/></disk>
  > <serial type='file'><source path='$PWD/console.log' append='on'/><target port='0'/></serial>
  > <memballoon model='none'/></devices></domain>
  > EOF
  $ virsh -q -c "$VRBD_LAB_H2_URI" define dom.xml > /dev/null && virsh -q -c "$VRBD_LAB_H2_URI" start lh-$UNIQ > /dev/null

seqs: records the guest reported; more N: wait (up to 60 s) until it reports
N more than it has so far; state URI: the domain's state there.  It boots and
writes

  $ seqs() { grep -ac GUEST-SEQ console.log; }
  $ more() { local n=$(($(seqs) + $1)) i; for i in $(seq 600); do [ "$(seqs)" -ge $n ] && return 0; sleep 0.1; done; return 1; }
  $ state() { virsh -q -c "$1" domstate lh-$UNIQ 2>&1 | sed "s/$UNIQ/U/"; }
  $ more 2

host-freeze h2: its libvirtd and the guest's QEMU stop (state T); host-thaw
continues them, and the guest writes on

  $ q2=$(cat "$VRBD_LAB_DIR/h2/run/qemu/lh-$UNIQ.pid"); p2=$(cat "$VRBD_LAB_DIR/h2/run/libvirtd.pid")
  $ st() { local s; s=$(cat /proc/$1/stat); s=${s##*) }; echo "${s%% *}"; }
  $ "$TESTDIR/../../scripts/lab" host-freeze h2 > freeze.out
  $ grep -oE -e "libvirtd pid $p2([^0-9]|$)" -e "qemu-system-x86_64 pid $q2 \(domain lh-$UNIQ\)" freeze.out | wc -l; st $p2; st $q2
  2
  T
  T
  $ timeout 3 virsh -c "$VRBD_LAB_H2_URI" uri
  [124]
  $ "$TESTDIR/../../scripts/lab" host-thaw h2 > /dev/null; for p in $p2 $q2; do [ "$(st $p)" != T ] && echo continued; done
  continued
  continued
  $ more 1 && state "$VRBD_LAB_H2_URI"
  running

host-stop h2: its libvirtd goes, the guest's QEMU runs on; host-start h2
takes it back, as the same host

  $ "$TESTDIR/../../scripts/lab" host-stop h2 > /dev/null; kill -0 $p2 2>/dev/null || echo libvirtd gone
  libvirtd gone
  $ virsh -c "$VRBD_LAB_H2_URI" uri > /dev/null 2>&1 || echo no answer
  no answer
  $ more 1 && kill -0 $q2 && echo QEMU runs
  QEMU runs
  $ "$TESTDIR/../../scripts/lab" host-start h2 > /dev/null && state "$VRBD_LAB_H2_URI"
  running
  $ virsh -c "$VRBD_LAB_H2_URI" capabilities | uuid | cmp - h2.uuid && echo h2
  h2

Live, peer to peer: h2 (just restarted) -> h3 -> h1.  Each time the guest runs
on the destination only, and writes on

  $ mig() { virsh -q -c "$1" migrate --live --p2p --persistent --undefinesource lh-$UNIQ "$2" --migrateuri tcp://127.0.0.1; }
  $ mig "$VRBD_LAB_H2_URI" "$VRBD_LAB_H3_URI" && state "$VRBD_LAB_H3_URI" && state "$VRBD_LAB_H2_URI"
  running
  error: failed to get domain 'lh-U'
  [1]
  $ more 1
  $ mig "$VRBD_LAB_H3_URI" "$VRBD_LAB_H1_URI" && state "$VRBD_LAB_H1_URI" && state "$VRBD_LAB_H3_URI"
  running
  error: failed to get domain 'lh-U'
  [1]
  $ more 1

Every record the guest reported, across three hosts, is on its disk

  $ virsh -q -c "$VRBD_LAB_H1_URI" destroy lh-$UNIQ > /dev/null; n=$(seqs)
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" export --no-progress vrbdt-$UNIQ/guest out.raw
  $ dd if=out.raw bs=512 skip=4097 count=$n status=none | tr -d '\000' > got
  $ seq 1 $n | sed "s/^/VIRT-RBD-SEQ h$UNIQ /" | cmp - got && test $n -ge 6 && echo all there
  all there

Clean up

  $ virsh -q -c "$VRBD_LAB_H1_URI" undefine lh-$UNIQ > /dev/null
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" rm --no-progress vrbdt-$UNIQ/guest
  $ for h in h1 h2 h3; do u=VRBD_LAB_${h^^}_URI; virt-rbd -c "${!u}" host disconnect zdata:vrbdt-$UNIQ > /dev/null; done
  $ virt-rbd user rm zdata:client.vrbdt-$UNIQ > /dev/null
  $ virt-rbd pool rm zdata:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
