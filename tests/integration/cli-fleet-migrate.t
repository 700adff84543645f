#require lab
vm migrate's refusals on the lab's hosts, each before anything moved, and
migrations that end midway (a second one at once, Ctrl-C, the
destination's QEMU killed): the VM runs on at the source.

  $ H1=$VRBD_LAB_H1_URI H2=$VRBD_LAB_H2_URI H3=$VRBD_LAB_H3_URI
  $ V=mv-$UNIQ S=ms-$UNIQ P=vrbdt-$UNIQ
  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create ceph:$P --pg 8 > /dev/null
  $ for h in h1 h2 h3; do u=VRBD_LAB_${h^^}_URI; virt-rbd fleet add $h "${!u}" --address 127.0.0.1 > /dev/null; done
  $ virt-rbd --host h2 host connect ceph:$P --user client.$P --name p-$UNIQ > /dev/null
#cleanup for h in "$VRBD_LAB_H1_URI" "$VRBD_LAB_H2_URI" "$VRBD_LAB_H3_URI"; do virsh -q -c "$h" pool-destroy p-$UNIQ; virsh -q -c "$h" pool-undefine p-$UNIQ; done > /dev/null 2>&1; true
#cleanup for h in "$VRBD_LAB_H1_URI" "$VRBD_LAB_H2_URI" "$VRBD_LAB_H3_URI"; do for d in mv-$UNIQ ms-$UNIQ ml-$UNIQ; do virsh -q -c "$h" destroy $d; virsh -q -c "$h" undefine $d; done; done > /dev/null 2>&1; true
  $ virt-rbd fleet sync ceph:$P > /dev/null
  $ vm() { virt-rbd --host h2 vm create $1 --size 64M --pool ceph:$P --memory 256 --kernel "$VRBD_LAB_GUEST_DIR/vmlinuz" --initrd "$VRBD_LAB_GUEST_DIR/initrd.img" --cmdline "console=ttyS0 quiet panic=-1 marker=m$UNIQ hold=900" "${@:2}" > /dev/null; }
  $ state() { for h in h1 h2 h3; do u=VRBD_LAB_${h^^}_URI; s=$(virsh -q -c "${!u}" domstate $1 2>/dev/null) && echo -n "$h:$s "; done; echo; }
  $ vm $V --start && vm $S
  $ state $V; state $S
  h2:running 
  h2:shut off 

The destination lacks the disk's secret (undefined there): refused at once
naming 'fleet sync'; after it, the migration works

  $ sec=$(virsh -q -c "$H3" secret-list | awk -v u="client.$P" '$0 ~ u {print $1}')
  $ virsh -q -c "$H3" secret-undefine $sec
  $ virt-rbd --host h2 vm migrate $V --to h3 2>&1 | sed "s/$UNIQ/U/g; s/$sec/SEC/"
  virt-rbd: error: host 'h3' has no secret SEC, which disk vda (vrbdt-U/mv-U) needs
  virt-rbd: hint: run 'virt-rbd fleet sync' (or 'host connect' on it)
  [1]
  $ state $V
  h2:running 
  $ virt-rbd fleet sync ceph:$P > /dev/null
  $ virt-rbd --host h2 vm migrate $V --to h3 > /dev/null && virt-rbd --host h3 vm migrate $V --to h2 > /dev/null
  $ state $V
  h2:running 

A domain of the same name on the destination: refused

  $ printf '<domain type="qemu"><name>%s</name><memory unit="MiB">64</memory><os><type>hvm</type></os></domain>' $V > other.xml
  $ virsh -q -c "$H3" define other.xml > /dev/null
  $ virt-rbd --host h2 vm migrate $V --to h3 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: host 'h3' has a domain named 'mv-U' or with its UUID already
  virt-rbd: hint: remove or rename that one first, if it is stale
  [1]
  $ virsh -q -c "$H3" undefine $V > /dev/null
  $ state $V
  h2:running 

A stopped VM: refused without --offline; with it, its definition moves

  $ virt-rbd --host h2 vm migrate $S --to h3 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: domain 'ms-U' is not running
  virt-rbd: hint: move its definition with --offline, or start it first
  [1]
  $ virt-rbd --host h2 vm migrate $S --to h3 --offline | sed "s/$UNIQ/U/g; s/in [0-9.]* s/in N s/"
  vm 'ms-U' migrated from 'h2' to 'h3' (its definition) in N s; 1 RBD disk(s)
  $ state $S
  h3:shut off 
  $ virsh -q -c "$H3" dominfo $S | awk '/^Persistent/ {print $2}'
  yes

Two migrations of one VM at once: the first (1 MiB/s) seen running as a
job on the source, the second is refused at once; Ctrl-C ends the first,
cancelled, the VM running on the source

  $ virt-rbd --host h2 vm migrate $V --to h3 --bandwidth 1 > m1.out 2> m1.err &
  $ m1=$!
  $ until virsh -q -c "$H2" domjobinfo $V 2>/dev/null | grep -q '^Job type: *Unbounded'; do kill -0 $m1 || break; sleep 0.1; done
  $ virsh -q -c "$H2" domjobinfo $V | awk '/^Job type/ {print $3}'
  Unbounded
  $ s0=$SECONDS; virt-rbd --host h2 vm migrate $V --to h1 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: domain 'mv-U' has a job running already (a migration or a copy)
  virt-rbd: hint: wait for it to end (virsh domjobinfo)
  [1]
  $ [ $((SECONDS - s0)) -lt 10 ] && echo at once
  at once
  $ kill -INT $m1; wait $m1; echo $?
  1
  $ sed "s/$UNIQ/U/g" m1.err
  virt-rbd: error: migration of 'mv-U' to 'h3' cancelled
  virt-rbd: hint: mv-U still runs on host 'h2'
  $ state $V
  h2:running 

The destination's QEMU killed midway (SIGKILL, found in h3's mount
namespace once the job runs): the migration fails, the VM runs on at h2

  $ virt-rbd --host h2 vm migrate $V --to h3 --bandwidth 1 > m2.out 2> m2.err &
  $ m2=$!
  $ until virsh -q -c "$H2" domjobinfo $V 2>/dev/null | grep -q '^Job type: *Unbounded'; do kill -0 $m2 || break; sleep 0.1; done
  $ ns=$(readlink /proc/$(cat "$VRBD_LAB_DIR/h3/run/libvirtd.pid")/ns/mnt)
  $ q=$(for p in $(pgrep -f "guest=$V,"); do if [ "$(readlink /proc/$p/ns/mnt)" = "$ns" ]; then echo $p; fi; done)
  $ echo $q | wc -w
  1
  $ virsh -q -c "$H2" domjobinfo $V | awk '/^Job type/ {print $3}'
  Unbounded
  $ kill -KILL $q
  $ wait $m2; echo $?
  1
  $ sed "s/$UNIQ/U/g" m2.err
  virt-rbd: error: migration failed: * (glob)
  virt-rbd: hint: mv-U still runs on host 'h2'
  $ state $V
  h2:running 

A VM started with a monitor list gone stale (127.0.0.9, where no monitor
has been for long, beside the real ones): the migration hands the
destination the cluster's current monitors, in the live definition and
the persistent one (the lab's monitor, its msgr1 port as 'ceph mon dump'
gives it: MON), and says how many disks it refreshed

  $ hosts() { virsh -q -c "$1" dumpxml $2 $3 | grep -o "<host name='[^']*' port='[^']*'/>" | sort -u | tr -d '\n'; echo; }
  $ virsh -q -c "$H3" dumpxml --inactive $S > s.xml
  $ sed -i "s|\(<source protocol='rbd'[^>]*>\)|\1<host name='127.0.0.9' port='6789'/>|" s.xml
  $ virsh -q -c "$H3" define s.xml > /dev/null && virsh -q -c "$H3" start $S > /dev/null
  $ hosts "$H3" $S | grep -o "127.0.0.9"
  127.0.0.9
  $ virt-rbd --host h3 --json vm migrate $S --to h1 > m3.json
  $ python3 -c 'import json; d=json.load(open("m3.json")); print(d["monitors_refreshed"], d["rbd_disks"])'
  1 1
  $ state $S
  h1:running 
  $ mp=$(ceph -c "$VRBD_LAB_CEPH_CONF" mon dump -f json 2> /dev/null | python3 -c 'import json,sys; print(" ".join(a["addr"].rsplit(":", 1)[1] for m in json.load(sys.stdin)["mons"] for a in m["public_addrs"]["addrvec"] if a["type"] == "v1"))')
  $ [ "$(hosts "$H1" $S)" = "$(hosts "$H1" $S --inactive)" ] && hosts "$H1" $S | sed "s/port='$mp'/port='MON'/"
  <host name='127.0.0.1' port='MON'/>

A host sick but answering: vm recover refuses while it runs the VM, and
--force fences the VM's clients all the same, starts it here, and stops
and undefines the fenced copy there; fleet unfence then lifts the fence

  $ virt-rbd --host h3 vm recover $V --from h2 2>&1 | sed "s/$UNIQ/U/"
  virt-rbd: error: host 'h2' answers and runs 'mv-U'
  virt-rbd: hint: move it with 'virt-rbd vm migrate'; if that host is sick but answers, --force fences it all the same
  [1]
  $ virt-rbd --host h3 --json vm recover $V --from h2 --force --expire 10m > rec.json
  $ python3 -c 'import json; d=json.load(open("rec.json")); print(d["on"], d["from_answered"], d["definition"], len(d["fenced"]) > 0)'
  h3 True host 'h2' True
  $ state $V
  h3:running 
  $ virt-rbd fleet unfence h2 | sed 's/[0-9]* blocklist/N blocklist/'
  host 'h2': N blocklist entries lifted
  $ state $V
  h3:running 

A VM with a disk on its host itself cannot be recovered elsewhere: refused,
naming the disk

  $ printf '<domain type="qemu"><name>%s</name><memory unit="MiB">64</memory><os><type>hvm</type></os><devices><disk type="file" device="disk"><source file="/var/lib/libvirt/images/%s.img"/><target dev="vda" bus="virtio"/></disk></devices></domain>' ml-$UNIQ ml-$UNIQ > local.xml
  $ virsh -q -c "$H2" define local.xml > /dev/null
  $ virt-rbd --host h3 vm recover ml-$UNIQ --from h2 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: disk vda of 'ml-U' is on host 'h2' itself (/var/lib/libvirt/images/ml-U.img)
  virt-rbd: hint: only VMs whose disks are all on Ceph can be recovered elsewhere
  [1]
  $ state ml-$UNIQ
  h2:shut off 

A disk detached after the definition was kept: the disks' metadata still
hold a definition with it (written by the migration), but its image is no
longer the VM's (here it belongs to another VM now).  A recovery from that
definition (h1 answers but has lost the domain) leaves it out: neither
attached nor fenced

  $ virt-rbd vol create ceph:$P/x-$UNIQ --size 16M > /dev/null
  $ virt-rbd --host h3 disk attach $V ceph:$P/x-$UNIQ --config | sed "s/$UNIQ/U/g"
  ceph:vrbdt-U/x-U attached to 'mv-U' as vdb
  $ virt-rbd --host h3 vm migrate $V --to h1 > /dev/null
  $ virt-rbd --host h1 disk detach $V vdb --config > /dev/null
  $ virt-rbd --host h1 disk attach $S ceph:$P/x-$UNIQ --config | sed "s/$UNIQ/U/g"
  ceph:vrbdt-U/x-U attached to 'ms-U' as vdb
  $ rbd -c "$VRBD_LAB_CEPH_CONF" image-meta get $P/$V virt-rbd.domain | grep -c "x-$UNIQ"
  1
  $ virsh -q -c "$H1" destroy $V > /dev/null && virsh -q -c "$H1" undefine $V > /dev/null
  $ virt-rbd --json vm recover $V --from h1 --on h2 > rec2.json 2> rec2.err
  $ sed "s/$UNIQ/U/g" rec2.err
  virt-rbd: warning: disk vdb (vrbdt-U/x-U) left out: it was detached from 'mv-U' after its definition was kept
  $ python3 -c 'import json; d=json.load(open("rec2.json")); print(d["on"], d["from_answered"], d["rbd_disks"], d["fenced"], d["definition"])' | sed "s/$UNIQ/U/g"
  h2 True 1 [] the metadata of ceph:vrbdt-U/mv-U
  $ virsh -q -c "$H2" domblklist $V | awk '{print $1}'
  vda
  $ state $V
  h2:running 
  $ virt-rbd vol who ceph:$P/x-$UNIQ | sed "s/$UNIQ/U/g; s/uuid=.*/uuid=UUID/"
  nobody: image ceph:vrbdt-U/x-U has no watcher; recorded owner: host=h1 domain=ms-U uuid=UUID
