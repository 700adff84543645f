#require lab
apply FILE on the lab: a file describing both clusters, a pool on each, a
user, this host's connections, a golden image with its snapshot, a data
disk on the other cluster and a running VM.  --plan changes nothing;
apply makes it (the rbd, ceph and virsh CLIs are the oracles) and the VM
boots with both disks; apply again changes nothing; what can be known
beforehand is refused at plan time; a step that fails stops the run and
apply again goes on; 'state: absent' deletes, and only that.

  $ P=vrbdt-$UNIQ C=$VRBD_LAB_CEPH_CONF Z=$VRBD_LAB_ZDATA_CONF; umask 077
  $ truncate -s 64M seed.raw && printf 'HELLO-FROM-HOST' | dd of=seed.raw bs=512 seek=8 conv=notrunc status=none
  $ export P SEED=$PWD/seed.raw LOG=$PWD/console.log
  $ cat > state.yaml <<'Y'
  > clusters:
  >   ceph:
  >     conf: ${VRBD_LAB_CEPH_CONF}
  >     keyring: ${VRBD_LAB_CEPH_KEYRING}
  >     default: true
  >   zdata:
  >     mon_host: ${VRBD_LAB_ZDATA_MON_HOST}
  >     keyring: ${VRBD_LAB_ZDATA_KEYRING}
  > pools:
  >   ceph:${P}: {pg: 8}
  >   zdata:${P}: {pg: 8, size: 3}
  > users:
  >   ceph:client.${P}-bk: {pools: ["${P}"], read_only: true}
  > hosts:
  >   this:
  >     user: client.${P}
  >     connect: ["ceph:${P}", "zdata:${P}"]
  > images:
  >   ceph:${P}/golden:
  >     import: ${SEED}
  >     snapshots: [v1]
  >   zdata:${P}/data:
  >     size: 64M
  > vms:
  >   ${P}-vm:
  >     from: ceph:${P}/golden@v1
  >     memory: 256
  >     kernel: ${VRBD_LAB_GUEST_DIR}/vmlinuz
  >     initrd: ${VRBD_LAB_GUEST_DIR}/initrd.img
  >     cmdline: console=ttyS0 quiet panic=-1 marker=a${P} hold=600
  >     console_log: ${LOG}
  >     disks: ["zdata:${P}/data"]
  > Y

--plan: every object to create, in dependency order; nothing is changed
(no pool, no registry file, no domain)

  $ virt-rbd apply state.yaml --plan | sed "s/$UNIQ/U/g; s|$PWD|D|g; s|$VRBD_LAB_DIR|L|g; s|\[v2:[^]]*\]|MONS|"
  plan for state.yaml:
    create   cluster    ceph                         register: conf L/ceph/ceph.conf, keyring L/ceph/client.admin.keyring
    create   cluster    zdata                        register: mon_host MONS, keyring L/zdata/client.admin.keyring
    create   pool       ceph:vrbdt-U        pg_num 8, size 3, rbd application
    create   pool       zdata:vrbdt-U       pg_num 8, size 3, rbd application
    create   user       ceph:client.vrbdt-U-bk read-only caps for pools vrbdt-U
    create   connection this -> ceph:vrbdt-U user client.vrbdt-U, its key in a libvirt secret, an RBD pool
    create   connection this -> zdata:vrbdt-U user client.vrbdt-U, its key in a libvirt secret, an RBD pool
    create   image      ceph:vrbdt-U/golden import D/seed.raw
    create   snapshot   ceph:vrbdt-U/golden@v1 snapshot the image
    create   image      zdata:vrbdt-U/data  empty, 67108864 bytes
    create   vm         vrbdt-U-vm          clone of ceph:vrbdt-U/golden@v1, 256 MiB, 1 vCPU, disks zdata:vrbdt-U/data, started
  11 to create, 0 to modify, 0 to delete, 0 as the file says
  $ ceph -c "$C" osd pool ls | grep -c "$P"; ls "$VIRT_RBD_CONFIG_DIR" 2> /dev/null | wc -l; virsh -q -c "$VRBD_LAB_LIBVIRT_URI" list --all --name | grep -c "$P"
  0
  0
  0
  [1]

apply: each step as it starts and ends, then the VM runs and reads both
disks (the golden image's marker on the first); the rbd, ceph and virsh
CLIs see what the file says

  $ virt-rbd apply state.yaml > out.txt; echo "exit $?"; grep -v 'done in' out.txt | sed -n 's/^\(\[[0-9]*\/11\] [a-z]* [a-z]*\).*/\1/p' | tr '\n' ' '; echo; tail -n 1 out.txt | sed 's/in [0-9.]* s/in N s/'
  exit 0
  [1/11] create cluster [2/11] create cluster [3/11] create pool [4/11] create pool [5/11] create user [6/11] create connection [7/11] create connection [8/11] create image [9/11] create snapshot [10/11] create image [11/11] create vm 
  applied state.yaml in N s: 11 created, 0 modified, 0 deleted, 0 as they were
  $ grep -c 'done in' out.txt
  11
  $ virt-rbd cluster list | awk 'NR > 1 {print $1}'; virt-rbd cluster default
  ceph
  zdata
  ceph
  $ for c in "$C" "$Z"; do ceph -c "$c" osd pool get $P pg_num; ceph -c "$c" osd pool application get $P | grep -c rbd; done
  pg_num: 8
  1
  pg_num: 8
  1
  $ ceph -c "$C" auth get client.$P-bk 2> /dev/null | grep caps | sed "s/$UNIQ/U/g" | tr -d '\t'
  caps mon = "profile rbd"
  caps osd = "profile rbd-read-only pool=vrbdt-U"
  $ virsh -q -c "$VRBD_LAB_LIBVIRT_URI" pool-list | grep -c "$P.*active"
  2
  $ rbd -c "$C" snap ls $P/golden | awk 'NR > 1 {print $2}'; rbd -c "$Z" info $P/data | grep size | cut -d' ' -f2,3
  v1
  64 MiB
  $ virt-rbd disk list $P-vm | awk 'NR > 1 {print $1, $3, $4}' | sed "s/$UNIQ/U/g"
  vda ceph vrbdt-U/vrbdt-U-vm
  vdb zdata vrbdt-U/data
  $ for i in $(seq 1 300); do [ "$(grep -ac "nonce=a$P" "$LOG" 2> /dev/null)" = 2 ] && break; sleep 0.2; done; grep -ao "dev=/dev/vd. nonce=a$P read=\[[^]]*\]" "$LOG" | sed "s/$UNIQ/U/"
  dev=/dev/vda nonce=avrbdt-U read=[HELLO-FROM-HOST]
  dev=/dev/vdb nonce=avrbdt-U read=[]

apply again: nothing to do, and nothing changed: the domain's definition,
the registry's files, the images and their snapshots are as they were

  $ snapshot() { virsh -q -c "$VRBD_LAB_LIBVIRT_URI" dumpxml --inactive $P-vm; ls -l --time-style=full-iso "$VIRT_RBD_CONFIG_DIR"/clusters; for c in "$C" "$Z"; do rbd -c "$c" ls -l $P; done; ceph -c "$C" auth get client.$P 2> /dev/null | grep caps; }
  $ snapshot > before.txt && virt-rbd apply state.yaml | sed "s/$UNIQ/U/g" && snapshot > after.txt && cmp before.txt after.txt && echo same
  nothing to do: the 11 objects of state.yaml are as it says
  same

What changed outside is put back, and only that: the VM stopped and its
data disk detached are a 'modify' (attach, then start)

  $ virsh -q -c "$VRBD_LAB_LIBVIRT_URI" destroy $P-vm > /dev/null && virt-rbd disk detach $P-vm vdb > /dev/null
  $ virt-rbd apply state.yaml --plan | grep -v '^  nothing' | sed "s/$UNIQ/U/g"
  plan for state.yaml:
    modify   vm         vrbdt-U-vm          attach zdata:vrbdt-U/data, then start it
  0 to create, 1 to modify, 0 to delete, 10 as the file says
  $ : > "$LOG"; virt-rbd apply state.yaml | tail -n 1 | sed "s/in [0-9.]* s/in N s/"
  applied state.yaml in N s: 0 created, 1 modified, 0 deleted, 10 as they were
  $ virt-rbd disk list $P-vm | awk 'NR > 1 {print $1, $3}'; virsh -q -c "$VRBD_LAB_LIBVIRT_URI" domstate $P-vm
  vda ceph
  vdb zdata
  running

The example file, docs/examples/lab.yaml, as it is but for its names,
made this file's own (the lab is shared): the clusters are registered
already, the rest is made (its pool's PG count by the planner), the VM
reads both disks, and a second run has nothing to do

  $ E=$TESTDIR/../../docs/examples/lab.yaml; export VRBD_SEED=$SEED
  $ sed "s/libvirt-pool/$P-ex/g; s/demo-vm/$P-exvm/; s/client\.backup/client.$P-exbk/; s/client\.libvirt/client.$P-ex/; s/marker=apply/marker=x$P/; s/apply-console/$P-console/" "$E" > example.yaml
  $ diff "$E" example.yaml | grep -c '^>'
  13
  [1]
  $ virt-rbd apply example.yaml --plan | sed "s/$UNIQ/U/g" | grep -v '^  create' | grep -v '^plan'
    nothing  cluster    ceph                         registered
    nothing  cluster    zdata                        registered
  9 to create, 0 to modify, 0 to delete, 2 as the file says
  $ virt-rbd apply example.yaml | tail -n 1 | sed "s/in [0-9.]* s/in N s/"
  applied example.yaml in N s: 9 created, 0 modified, 0 deleted, 2 as they were
  $ X=$VRBD_LAB_DIR/$P-console.log; for i in $(seq 1 300); do [ "$(grep -ac "nonce=x$P" "$X" 2> /dev/null)" = 2 ] && break; sleep 0.2; done; grep -ao "dev=/dev/vd. nonce=x$P read=\[[^]]*\]" "$X" | sed "s/$UNIQ/U/"
  dev=/dev/vda nonce=xvrbdt-U read=[HELLO-FROM-HOST]
  dev=/dev/vdb nonce=xvrbdt-U read=[]
  $ virt-rbd apply example.yaml
  nothing to do: the 11 objects of example.yaml are as it says
  $ virsh -q -c "$VRBD_LAB_LIBVIRT_URI" destroy $P-exvm > /dev/null && rm -f "$X"

Refused at plan time, nothing changed: a PG count the monitors would
refuse (with their numbers), a golden snapshot that is neither there nor
made by the file, a disk likewise

  $ sed "s/ceph:\${P}: {pg: 8}/ceph:\${P}: {pg: 8}\n  ceph:\${P}-big: {pg: 32768}/" state.yaml > big.yaml && virt-rbd apply big.yaml --plan 2>&1 | sed "s/$UNIQ/U/g; s/[0-9][0-9]* in use/N in use/; s/to [0-9]* PGs/to N PGs/; s/limit of [0-9]* (mon_max_pg_per_osd [0-9]* x [0-9]* OSDs in)/limit of M/; s/that fits is [0-9]* (pg: [0-9]*,/that fits is F (pg: F,/"
  virt-rbd: error: big.yaml:11:3: pool 'vrbdt-U-big' with pg_num 32768 and size 3 would bring the cluster to N PGs (N in use + 32768 x 3), over the monitors' limit of M
  virt-rbd: hint: the largest power of two that fits is F (pg: F, or pg: auto)
  [1]
  $ ceph -c "$C" osd pool ls | grep -c "$P-big"
  0
  [1]
  $ sed "s/golden@v1/golden@v9/; s/\${P}-vm:/\${P}-vm2:/" state.yaml > miss.yaml && virt-rbd apply miss.yaml --plan 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: miss.yaml:25:3: vm 'vrbdt-U-vm2': 'ceph:vrbdt-U/golden@v9' does not exist and the file does not make it
  virt-rbd: hint: add it under 'images:' (with its snapshot)
  [1]
  $ sed "s/\${P}\/data\"\]/\${P}\/nodata\"]/; s/\${P}-vm:/\${P}-vm2:/" state.yaml > miss.yaml && virt-rbd apply miss.yaml --plan 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: miss.yaml:25:3: vm 'vrbdt-U-vm2': 'zdata:vrbdt-U/nodata' does not exist and the file does not make it
  virt-rbd: hint: add it under 'images:' (with its snapshot)
  [1]
  $ virsh -q -c "$VRBD_LAB_LIBVIRT_URI" list --all --name | grep -c "$P-vm2"
  0
  [1]

A step that fails stops the run, saying what was done and what was not;
apply again goes on.  Here an image's file names a backing file, which
import refuses when it reads the file: the pool before it is made, the
image after it is not.  The clusters come from the registry now.

  $ qemu-img create -q -f raw base.raw 1M && qemu-img create -q -f qcow2 -b "$PWD/base.raw" -F raw layered.qcow2 && export LAYERED=$PWD/layered.qcow2
  $ cat > more.yaml <<'Y'
  > pools:
  >   ceph:${P}-2: {pg: 8}
  > images:
  >   ceph:${P}-2/img:
  >     import: ${LAYERED}
  >   ceph:${P}-2/after:
  >     size: 1M
  > Y
  $ virt-rbd apply more.yaml 2>&1 | sed "s/$UNIQ/U/g; s/done in [0-9.]* s/done/; s|$PWD|D|g"
  [1/3] create pool ceph:vrbdt-U-2: pg_num 8, size 3, rbd application
  [1/3] done
  [2/3] create image ceph:vrbdt-U-2/img: import D/layered.qcow2
  virt-rbd: error: * (glob)
  virt-rbd: hint: * (glob)
  stopped at step 2 of 3 (create image ceph:vrbdt-U-2/img): 1 change done, 2 not done; apply again to go on
  [1]
  $ rbd -c "$C" ls $P-2 | wc -l
  0
  $ cp seed.raw layered.qcow2 && virt-rbd apply more.yaml | sed "s/$UNIQ/U/g; s/in [0-9.]* s/in N s/" | grep -v '^\['
  applied more.yaml in N s: 2 created, 0 modified, 0 deleted, 1 as they were
  $ rbd -c "$C" ls $P-2
  after
  img

A host of the fleet: its connections are made on its libvirt, as 'host
connect --host NAME' would

  $ virt-rbd fleet add h2 "$VRBD_LAB_H2_URI" --address 127.0.0.1 > /dev/null
  $ printf 'hosts:\n  h2:\n    user: client.%s\n    connect: ["ceph:%s", "zdata:%s"]\n' $P $P $P > fleet.yaml
  $ virt-rbd apply fleet.yaml --plan | sed "s/$UNIQ/U/g" | grep -v '^plan'
    create   connection h2 -> ceph:vrbdt-U  user client.vrbdt-U, its key in a libvirt secret, an RBD pool
    create   connection h2 -> zdata:vrbdt-U user client.vrbdt-U, its key in a libvirt secret, an RBD pool
  2 to create, 0 to modify, 0 to delete, 0 as the file says
  $ virt-rbd apply fleet.yaml > /dev/null && virsh -q -c "$VRBD_LAB_H2_URI" pool-list | grep -c "$P.*active"
  2
  $ virt-rbd apply fleet.yaml
  nothing to do: the 2 objects of fleet.yaml are as it says
  $ printf 'hosts:\n  h9:\n    connect: ["ceph:%s"]\n' $P > nohost.yaml && virt-rbd apply nohost.yaml --plan 2>&1 | sed "s/$UNIQ/U/g" | head -n 1
  virt-rbd: error: nohost.yaml:3:14: host 'h9' is not registered
  [1]

state: absent deletes, and only that.  A running VM is refused at plan
time; stopped, it is undefined with its disks kept, and the image goes to
its pool's trash

  $ cat > gone.yaml <<'Y'
  > images:
  >   ceph:${P}-2/after: {state: absent}
  > vms:
  >   ${P}-vm: {state: absent}
  > Y
  $ virt-rbd apply gone.yaml --plan 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: gone.yaml:4:3: vm 'vrbdt-U-vm' is to be absent but is running
  virt-rbd: hint: shut it down first, or leave it present
  [1]
  $ virsh -q -c "$VRBD_LAB_LIBVIRT_URI" destroy $P-vm > /dev/null && virt-rbd apply gone.yaml --plan | sed "s/$UNIQ/U/g"
  plan for gone.yaml:
    delete   vm         vrbdt-U-vm          undefine it (its disks are left)
    delete   image      ceph:vrbdt-U-2/after to the trash
  0 to create, 0 to modify, 2 to delete, 0 as the file says
  $ virt-rbd apply gone.yaml | tail -n 1 | sed "s/in [0-9.]* s/in N s/"
  applied gone.yaml in N s: 0 created, 0 modified, 2 deleted, 0 as they were
  $ virsh -q -c "$VRBD_LAB_LIBVIRT_URI" list --all --name | grep -c "$P-vm"; rbd -c "$C" trash ls $P-2 | awk '{print $2}'; rbd -c "$C" ls $P-2; rbd -c "$C" ls $P | sed "s/$UNIQ/U/"
  0
  after
  img
  golden
  vrbdt-U-vm
  $ virt-rbd apply gone.yaml
  nothing to do: the 2 objects of gone.yaml are as it says
