#require lab
#cleanup "$TESTDIR/../../scripts/lab" resume ceph > /dev/null
#cleanup for a in $(cat fenced.addrs 2> /dev/null); do ceph -c "$VRBD_LAB_CEPH_CONF" osd blocklist rm "$a" > /dev/null 2>&1; done; true
Fencing an image's clients (vol clients, vol fence, cluster blocklist), on
the ceph cluster.  rbd-writer (built next to virt-rbd) is a librbd client
driven on stdin that stands in for a guest's QEMU: "write N" writes record N
(4 KiB at N * 4096, "NAME N") and flushes, answering "ok N" or "err N
ERRNO".  Every blocklist entry the file adds is noted in fenced.addrs and
removed at the end (#cleanup): other files share the cluster.

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create vrbdt-$UNIQ --pg 8 > /dev/null
  $ virt-rbd vol create vrbdt-$UNIQ/disk --size 16M > /dev/null
  $ W="$(dirname "$(command -v virt-rbd)")/../tests/integration/rbd-writer"; P=vrbdt-$UNIQ
  > C="$VRBD_LAB_CEPH_CONF"; fd=5

writer NAME starts a writer on an image (default: disk) whose commands go
to the shell's fd (5, 6 ...); waitline FILE LINE waits (30 s at most) until
FILE has LINE; bladdr ADDR prints the blocklist entry of ADDR

  $ writer() { mkfifo $1.in; "$W" "$C" $P ${2:-disk} $1 < $1.in > $1.out 2> $1.err & eval "pid_$1=$!; exec $fd> $1.in; fd_$1=$fd"; fd=$((fd + 1)); }
  > say() { local f; eval "f=\$fd_$1"; echo "$2" >&$f; }
  > waitline() { for i in $(seq 300); do grep -qx "$2" $1 && return 0; sleep 0.1; done; echo "no '$2' in $1:"; cat $1; return 1; }
  > bladdr() { ceph -c "$C" osd blocklist ls 2> /dev/null | grep "^$1 "; }

Writer one writes records 1 and 2 and is frozen once it said "ok 2" (as a
hung host's QEMU would be), holding the image's exclusive lock

  $ writer one; say one "write 1"; say one "write 2"; say one addr
  > waitline one.out "ok 2" && waitline one.out "addr .*" && a1=$(sed -n 's/^addr //p' one.out)
  > kill -STOP $pid_one && bash "$TESTDIR/waitstop" $pid_one && echo "writer one frozen after ok 2"
  writer one frozen after ok 2

vol clients names it, by the address it has, as watcher and lock owner

  $ virt-rbd vol clients $P/disk | sed "s|$a1|A1|; s/client\.[0-9]*/client.N/; s/auto [0-9]*/auto N/" | tr -s ' '
  ADDRESS CLIENT WATCH LOCK
  A1 client.N yes auto N
  $ virt-rbd --json vol clients $P/disk | grep -c "\"addr\": \"$a1\""
  1

vol fence blocklists it for --expire, breaks its lock and records why

  $ echo $a1 >> fenced.addrs; virt-rbd vol fence $P/disk --expire 10m --reason "host2 hung" | sed "s|$a1|A1|; s/client\.[0-9]*/client.N/; s/$UNIQ/U/; s/until .* (/until T (/"
  fenced client.N at A1 (image vrbdt-U/disk, its lock broken)
  blocklisted on cluster 'ceph' until T (600 s)
  $ virt-rbd vol clients $P/disk
  image ceph:vrbdt-.*/disk has no clients (re)
  $ rbd -c "$C" image-meta get $P/disk virt-rbd.fence | sed "s|$a1|A1|; s/[-0-9]*T[0-9:]*Z/TIME/g"
  {"addrs":["A1"],"at":"TIME","until":"TIME","expire":600,"reason":"host2 hung"}

The blocklist (the oracle: ceph osd blocklist ls) holds it until about 10
minutes from now

  $ u=$(bladdr $a1 | awk '{print $2}'); left=$(( $(date -d "$u" +%s) - $(date +%s) ))
  > [ $left -gt 570 ] && [ $left -le 600 ] && echo "blocklisted for 10 min"
  blocklisted for 10 min

A second writer, started after the fence, takes the lock and writes 3 and 4

  $ writer two; say two "write 3"; say two "write 4"; waitline two.out "ok 4" && cat two.out
  ok 3
  ok 4

Writer one is thawed: each of its writes fails, with ESHUTDOWN (108,
librados's EBLOCKLISTED), over a record writer two wrote and a new one

  $ kill -CONT $pid_one; say one "write 3"; say one "write 5"; waitline one.out "err 5 .*" && grep -v addr one.out
  ok 1
  ok 2
  err 3 108
  err 5 108

The image holds exactly the records of writer one before the freeze and of
writer two after the fence (the oracle: rbd export)

  $ rbd -c "$C" export --no-progress $P/disk disk.raw > /dev/null 2>&1
  > for n in 0 1 2 3 4 5 6; do echo "$n: $(dd if=disk.raw bs=4096 skip=$n count=1 status=none | tr -d '\0')"; done
  0: 
  1: one 1
  2: one 2
  3: two 3
  4: two 4
  5: 
  6: 

cluster blocklist lists the entry; --rm lifts it (gone from the oracle).
The fenced instance stays unusable (librados gave up on it); a new client
works

  $ virt-rbd cluster blocklist | grep "^$a1 " | sed "s|$a1|A1|"
  A1 * [-0-9T:]+Z (re)
  $ virt-rbd --json cluster blocklist | grep -c "\"addr\": \"$a1\""
  1
  $ virt-rbd cluster blocklist --rm $a1 | sed "s|$a1|A1|"
  A1 is no longer blocklisted on cluster 'ceph'
  $ bladdr $a1
  [1]
  $ virt-rbd cluster blocklist ceph --rm $a1 | sed "s|$a1|A1|"
  A1 was not blocklisted on cluster 'ceph': nothing to do
  $ say one "write 6"; waitline one.out "err 6 .*" && tail -n 1 one.out
  err 6 108
  $ say two quit; wait $pid_two; writer three; say three "write 6"; waitline three.out "ok 6" && echo "a new client writes"
  a new client writes

An image without clients: nothing is fenced, nothing recorded

  $ virt-rbd vol create $P/idle --size 16M > /dev/null
  $ virt-rbd vol fence $P/idle | sed "s/$UNIQ/U/"
  image ceph:vrbdt-U/idle has no clients: nothing to fence
  $ virt-rbd --json vol fence $P/idle | tr -d ' \n' | grep -o '"fenced":\[\]'
  "fenced":[]
  $ rbd -c "$C" image-meta list $P/idle
  There are 0 metadata on this image.

An unknown image, or one of them, is refused before anything is fenced

  $ virt-rbd vol fence $P/nope
  virt-rbd: error: image 'vrbdt-.*/nope' not found in cluster 'ceph' (re)
  [1]
  $ virt-rbd vol fence $P/disk $P/nope 2>&1 | sed "s/$UNIQ/U/"
  virt-rbd: error: image 'vrbdt-U/nope' not found in cluster 'ceph'
  [1]
  $ say three addr; waitline three.out "addr .*" && a3=$(sed -n 's/^addr //p' three.out); bladdr $a3
  [1]

A user whose mon caps are 'allow r' may not fence: refused naming the cap
and how to add it, writer three untouched (still a client, not
blocklisted, still writing)

  $ ceph -c "$C" auth get-or-create client.vrbdt-$UNIQ mon 'allow r' osd "allow rwx pool=$P" > lim.keyring 2> /dev/null; chmod 600 lim.keyring
  > virt-rbd --config-dir lim cluster add ceph --conf "$C" --id vrbdt-$UNIQ --keyring lim.keyring > /dev/null
  $ virt-rbd --config-dir lim vol fence $P/disk 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: client.vrbdt-U may not add to the blocklist of cluster 'ceph': it lacks mon 'allow command "osd blocklist"'
  virt-rbd: hint: add the cap to the caps client.vrbdt-U has: ceph auth caps client.vrbdt-U mon 'MON-CAPS, allow command "osd blocklist"' osd 'OSD-CAPS' (ceph auth get client.vrbdt-U shows them; mon 'profile rbd' allows adding to the blocklist, not removing)
  [1]
  $ virt-rbd --config-dir lim vol clients $P/disk | grep -c "^$a3 "
  1
  $ bladdr $a3
  [1]
  $ say three "write 7"; waitline three.out "ok 7" && echo "writer three writes"
  writer three writes

With mon 'profile rbd' the same user fences (the profile allows adding a
client's address), but may not lift the entry

  $ ceph -c "$C" auth caps client.vrbdt-$UNIQ mon 'profile rbd' osd "allow rwx pool=$P" > /dev/null 2>&1
  $ echo $a3 >> fenced.addrs; virt-rbd --config-dir lim vol fence $P/disk --expire 2m | sed "s|$a3|A3|; s/client\.[0-9]*/client.N/; s/$UNIQ/U/; s/until .* (/until T (/"
  fenced client.N at A3 (image vrbdt-U/disk, its lock broken)
  blocklisted on cluster 'ceph' until T (120 s)
  $ virt-rbd --config-dir lim cluster blocklist --rm $a3 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: client.vrbdt-U may not remove from the blocklist of cluster 'ceph': it lacks mon 'allow command "osd blocklist"'
  virt-rbd: hint: add the cap to the caps client.vrbdt-U has: ceph auth caps client.vrbdt-U mon 'MON-CAPS, allow command "osd blocklist"' osd 'OSD-CAPS' (ceph auth get client.vrbdt-U shows them; mon 'profile rbd' allows adding to the blocklist, not removing)
  [1]

With mon 'allow r, allow command "osd blocklist"' it lifts it

  $ ceph -c "$C" auth caps client.vrbdt-$UNIQ mon 'allow r, allow command "osd blocklist"' osd "allow rwx pool=$P" > /dev/null 2>&1
  $ virt-rbd --config-dir lim cluster blocklist --rm $a3 | sed "s|$a3|A3|"
  A3 is no longer blocklisted on cluster 'ceph'
  $ bladdr $a3
  [1]
The cluster stops answering in the middle of a fence (the command stopped
once its clients are on the blocklist, then every daemon of ceph paused):
it fails within 1.5 x --timeout of going on, saying what is done; once the
cluster answers, a second fence breaks the lock (and fences the first
fence's own client too, whose watch outlives it by up to 30 s: not shown)

  $ virt-rbd vol create $P/d6 --size 16M > /dev/null; writer six d6; say six "write 1"; waitline six.out "ok 1"
  > say six addr; waitline six.out "addr .*" && a6=$(sed -n 's/^addr //p' six.out); echo $a6 >> fenced.addrs
  > lab() { "$TESTDIR/../../scripts/lab" "$@" > /dev/null; }
  $ VRBD_TEST_PAUSE_AT=fence-blocklisted virt-rbd --timeout 5 vol fence $P/d6 > f6.out 2> f6.err & fp=$!
  > bash "$TESTDIR/waitstop" $fp && lab pause ceph && echo "paused once blocklisted"
  > s=$(date +%s%N); kill -CONT $fp; wait $fp; echo "exit $?"; ms=$((($(date +%s%N) - s) / 1000000))
  > [ $ms -lt 7500 ] && echo "ended within 7.5 s" || echo "ended after $ms ms"; lab resume ceph
  paused once blocklisted
  exit 1
  ended within 7.5 s
  $ sed "s/$UNIQ/U/; s/until [-0-9T:]*Z/until T/" f6.err
  virt-rbd: error: cannot (read the OSD map|break the lock of 'vrbdt-U/d6'|record the fence in 'vrbdt-U/d6'): timed out, cluster 'ceph' did not answer for 5 s (re)
  virt-rbd: hint: the clients are blocklisted until T, their locks not all broken: fence again once cluster 'ceph' answers
  $ bladdr $a6 > /dev/null && echo "still blocklisted"; virt-rbd vol clients $P/d6 | grep -c "^$a6 .*auto"
  still blocklisted
  1
  $ virt-rbd vol fence $P/d6 --expire 10m > f6b.out; awk '/^fenced/ {print $4}' f6b.out >> fenced.addrs
  > sed "s|$a6|A6|; s/client\.[0-9]*/client.N/; s/$UNIQ/U/; s/until .* (/until T (/" f6b.out | grep -v " at [0-9]"
  fenced client.N at A6 (image vrbdt-U/d6, its lock broken)
  blocklisted on cluster 'ceph' until T (600 s)
  $ say six "write 2"; waitline six.out "err 2 .*" && tail -n 1 six.out
  err 2 108

  $ say one quit; say three quit; say six quit; wait $pid_one $pid_three $pid_six; echo "writers done"
  writers done
