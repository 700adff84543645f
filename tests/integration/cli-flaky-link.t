#require lab
A bad link between virt-rbd and the zdata cluster, two ways: librados's own
ms_inject_socket_failures (it breaks one socket operation in N), then a link
that delays every packet and loses some.  Import, export and an incremental
copy each complete, and the faults are counted while each runs.  The oracle:
the source untouched, every result identical byte for byte and as thin as
its source.  The source: 256 MiB with 128 MiB of data (every other 4 MiB)

  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ virt-rbd pool create zdata:vrbdt-$UNIQ --pg 8 > /dev/null
  $ truncate -s 256M src.raw; python3 -c '
  > import os
  > with open("src.raw", "r+b") as f:
  >     for i in range(0, 64, 2):
  >         f.seek(i << 22); f.write(os.urandom(4 << 20))'
  $ sha256sum < src.raw > src.sum
  $ printf '%s\n' 'sum() { rbd -c "$VRBD_LAB_ZDATA_CONF" export --no-progress "$1" - | sha256sum | cut -c1-16; }' > sum.sh
  $ printf '%s\n' 'q() { qemu-io -f raw "rbd:vrbdt-$UNIQ/$1:conf=$VRBD_LAB_ZDATA_CONF:id=admin:keyring=$VRBD_LAB_ZDATA_KEYRING" "${@:2}" > /dev/null; }' > q.sh
  $ printf '%s\n' 'used() { virt-rbd --json vol info "zdata:vrbdt-$UNIQ/$1" | python3 -c "import json, sys; print(json.load(sys.stdin)[\"used\"])"; }' > used.sh

The same cluster registered a second time, in a registry of its own, with a
conf that injects a socket failure in one socket operation of 50 on the
client side, and logs each (at one in 20 librados's writes time out: the
import fails, as it must, once a write has waited --timeout)

  $ { cat "$VRBD_LAB_ZDATA_CONF"; printf '[client.admin]\nms_inject_socket_failures = 50\nlog_file = %s\n' "$PWD/inject.log"; } > inject.conf
  $ virt-rbd --config-dir inject cluster add zdata --conf inject.conf --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ printf '%s\n' 'faults() { n=$(grep -c "injecting socket failure" inject.log); : > inject.log; [ "$n" -ge "$1" ] && echo "socket failures injected: at least $1" || echo "socket failures injected: $n"; }' > faults.sh

Import through the failing sockets: identical and thin

  $ : > inject.log; virt-rbd --config-dir inject import src.raw zdata:vrbdt-$UNIQ/a > /dev/null; echo "exit $?"; . ./faults.sh; faults 10
  exit 0
  socket failures injected: at least 10
  $ . ./sum.sh; [ "$(sum vrbdt-$UNIQ/a)" = "$(sha256sum < src.raw | cut -c1-16)" ] && echo identical
  identical
  $ . ./used.sh; used a
  134217728

Export through them: the file is the image, its holes holes (128 MiB
allocated, and a block or two of the file system's own)

  $ : > inject.log; virt-rbd --config-dir inject export zdata:vrbdt-$UNIQ/a a.raw > /dev/null; echo "exit $?"; . ./faults.sh; faults 10
  exit 0
  socket failures injected: at least 10
  $ cmp a.raw src.raw && echo identical; [ $(($(stat -c %b a.raw) * 512)) -le $((129 << 20)) ] && echo sparse
  identical
  sparse

A full copy of a@s1, then 32 MiB of a rewritten (half in holes, half over
data) and 8 MiB zeroed, snapshot s2: the incremental copy through the
failing sockets brings the copy to a@s2, as thin as it

  $ virt-rbd vol snap create zdata:vrbdt-$UNIQ/a@s1 > /dev/null
  $ virt-rbd --config-dir inject copy zdata:vrbdt-$UNIQ/a@s1 zdata:vrbdt-$UNIQ/b > /dev/null; echo "exit $?"
  exit 0
  $ . ./q.sh; q a -c 'write -P 0x5a 4M 16M' -c 'write -P 0xa5 40M 16M' -c 'write -z 64M 8M'
  $ virt-rbd vol snap create zdata:vrbdt-$UNIQ/a@s2 > /dev/null
  $ : > inject.log; virt-rbd --config-dir inject copy --incremental zdata:vrbdt-$UNIQ/a@s2 zdata:vrbdt-$UNIQ/b > /dev/null; echo "exit $?"; . ./faults.sh; faults 3
  exit 0
  socket failures injected: at least 3
  $ . ./sum.sh; [ "$(sum vrbdt-$UNIQ/a@s2)" = "$(sum vrbdt-$UNIQ/b)" ] && echo identical
  identical
  $ . ./used.sh; [ "$(used a)" = "$(used b)" ] && echo as thin
  as thin

The slow and lossy link.  This kernel has no netem, so the packets to and
from the zdata cluster's monitor and OSD ports (and no others) go through
an NFQUEUE rule to "badlink", which holds each 20 ms and drops 2 % (each
way: 40 ms more per round trip); with badlink stopped the rule lets them
through untouched

  $ { echo "$VRBD_LAB_ZDATA_MON_HOST" | grep -o ':[0-9]*[],]' | tr -dc '0-9\n'; ceph -c "$VRBD_LAB_ZDATA_CONF" osd dump -f json | python3 -c '
  > import json, sys
  > for o in json.load(sys.stdin)["osds"]:
  >     for a in o["public_addrs"]["addrvec"]: print(a["addr"].rsplit(":", 1)[1])'; } | sort -un | paste -sd, > ports
  $ echo $((4096 + RANDOM)) > queue; c=vrbd-$UNIQ; iptables -N $c && iptables -A $c -p tcp -m multiport --ports "$(cat ports)" -j NFQUEUE --queue-num $(cat queue) --queue-bypass && iptables -I OUTPUT -o lo -j $c
  $ printf '%s\n' 'link_bad() { : > link.out; python3 "$TESTDIR/badlink" $(cat queue) 20 2 > link.out & echo $! > link.pid; for i in $(seq 100); do grep -q ready link.out && break; sleep 0.1; done; }' \
  >   'link_good() { kill $(cat link.pid); for i in $(seq 100); do kill -0 $(cat link.pid) 2> /dev/null || break; sleep 0.1; done; awk "/delayed/ {print (\$1 >= 200 ? \"delayed: at least 200\" : \$1), (\$4 >= 2 ? \"dropped: at least 2\" : \$4)}" link.out; }' > link.sh

Import, export, and an incremental copy over it (another 32 MiB rewritten,
another 8 MiB zeroed): each completes identical and thin

  $ . ./link.sh; link_bad; virt-rbd import src.raw zdata:vrbdt-$UNIQ/c > /dev/null; echo "exit $?"; link_good
  exit 0
  delayed: at least 200 dropped: at least 2
  $ . ./sum.sh; [ "$(sum vrbdt-$UNIQ/c)" = "$(sha256sum < src.raw | cut -c1-16)" ] && echo identical
  identical
  $ . ./used.sh; used c
  134217728
  $ . ./link.sh; link_bad; virt-rbd export zdata:vrbdt-$UNIQ/c c.raw > /dev/null; echo "exit $?"; link_good
  exit 0
  delayed: at least 200 dropped: at least 2
  $ cmp c.raw src.raw && echo identical; [ $(($(stat -c %b c.raw) * 512)) -le $((129 << 20)) ] && echo sparse
  identical
  sparse
  $ . ./q.sh; q a -c 'write -P 0x3c 100M 16M' -c 'write -P 0xc3 128M 16M' -c 'write -z 8M 8M'
  $ virt-rbd vol snap create zdata:vrbdt-$UNIQ/a@s3 > /dev/null
  $ . ./link.sh; link_bad; virt-rbd copy --incremental zdata:vrbdt-$UNIQ/a@s3 zdata:vrbdt-$UNIQ/b > /dev/null; echo "exit $?"; link_good
  exit 0
  delayed: at least 200 dropped: at least 2
  $ . ./sum.sh; [ "$(sum vrbdt-$UNIQ/a@s3)" = "$(sum vrbdt-$UNIQ/b)" ] && echo identical
  identical
  $ . ./used.sh; [ "$(used a)" = "$(used b)" ] && echo as thin
  as thin
  $ sha256sum < src.raw | cmp - src.sum && echo source untouched
  source untouched

Clean up: the rule first (every packet of the lab flows as before), then
the images

  $ c=vrbd-$UNIQ; iptables -D OUTPUT -o lo -j $c && iptables -F $c && iptables -X $c
  $ iptables -S 2> /dev/null | grep -c "vrbd-$UNIQ"
  0
  [1]
  $ for i in a b c; do virt-rbd vol rm --now zdata:vrbdt-$UNIQ/$i --force > /dev/null; done
  $ virt-rbd pool rm zdata:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
