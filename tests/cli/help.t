--help lists every command and the global options

  $ virt-rbd --help
  Usage: virt-rbd [OPTIONS] COMMAND [ARGS...]
  
  Manage Ceph RBD storage for KVM/libvirt hosts, on one Ceph cluster or many.
  
  Commands:
    cluster add        Register a Ceph cluster under a short name
    cluster list       List the registered clusters
    cluster show       Show how a registered cluster is reached (never its key)
    cluster rm         Forget a registered cluster (the cluster itself is untouched)
    cluster default    Show or set the default cluster
    cluster check      Connect to a cluster and report its health
    cluster blocklist  List the cluster's OSD blocklist, or lift an entry
    pool plan          Plan a pool's placement groups within the monitors' budget
    pool create        Create a pool ready for RBD images
    pool list          List clusters' pools: PGs, size, application, images, trash, usage
    pool rm            Delete an empty pool (no RBD image, nothing in the trash)
    user create        Create a least-privilege cephx user for RBD pools
    user list          List a cluster's client users and their caps (never keys)
    user show          Show a user's caps (never its key)
    user rm            Delete a cephx user
    host connect       Connect this host to a Ceph pool through libvirt
    host disconnect    Undo 'host connect' (refused while a domain uses the pool)
    host ensure        Start the RBD pools libvirt's autostart gave up on, once Ceph answers
    host refresh-mons  Rewrite monitor lists in RBD pools and domain disks from the monmap
    host list          List this host's RBD pools and ceph secrets, per cluster
    fleet add          Register a libvirt host of the fleet under NAME
    fleet evacuate     Migrate every running VM off HOST to the other hosts, live
    fleet list         Every host: reachable, UUID, domains, and how it differs from the rest
    fleet rm           Forget a registered host
    fleet sync         Give every host the same pools, secrets and keys ('host connect')
    fleet unfence      Lift the fences 'vm recover' put on a host, once it is back
    fleet recover      Start every VM of a dead or hung host elsewhere ('vm recover' each)
    dr pair            Pair a pool of two clusters for replication by rbd-mirror
    dr enable          Protect a VM: replicate its RBD disks to the other cluster
    dr disable         Stop protecting a VM
    dr sync            A mirror snapshot of a protected VM's disks now
    dr status          Show a VM's replication, or a pool's mirroring
    dr test            Boot a copy of a protected VM on the other cluster, isolated
    vm failover        Run a protected VM on the other cluster of its pair
    vm failback        Bring a failed-over VM home once its cluster is back
    vol create         Create an RBD image (format 2)
    vol list           List the images of a pool
    vol info           Everything about an image: rbd info, used bytes, snapshots, watchers
    vol resize         Grow (or, with --allow-shrink, shrink) an image
    vol snap create    Create a snapshot
    vol snap list      List an image's snapshots
    vol snap rm        Remove a snapshot (refused while protected or cloned)
    vol snap rollback  Roll an image back to a snapshot (refused while in use)
    vol snap protect   Protect a snapshot
    vol snap unprotect Unprotect a snapshot (refused while cloned)
    vol clone          Clone a snapshot into a new layered image
    vol flatten        Copy a clone's parent data into it
    vol children       List the clones of an image
    vol who            Who holds an image: watchers mapped to owners
    vol clients        List an image's clients: watchers and lock holders
    vol fence          Fence an image's clients: blocklist them, break their locks
    vol rm             Remove an image, safely: to the trash
    vol trash list     List the images in a pool's trash
    vol trash purge    Delete what is in a pool's trash
    vol restore        Bring an image back from the trash
    import             Import a disk image (raw, qcow2, vmdk...) or block device into a new RBD image
    export             Export an RBD image (or snapshot) to a sparse raw or qcow2 file
    copy               Copy an RBD image (or snapshot) to a new image, on any cluster
    disk attach        Attach an RBD image to a domain, from any registered cluster
    disk detach        Detach a disk (by target, or by its image) from a domain
    disk list          List a domain's disks: cluster, pool, image, size, used
    vm create          Provision a VM on RBD: clone a golden image, define, start
    vm move            Move a VM's disks to RBD, offline or live
    vm migrate         Move a VM to another host of the fleet, live by default
    vm recover         Start a dead or hung host's VM on this host, fenced from split brain
    vm rm              Undefine a stopped VM, with --disks its images
    vm restore         Bring back a VM removed with its disks
    backup             Back up a VM's disks, or an image, full or incremental
    backup list        List the backups of a VM or an image
    backup verify      Read back every backup on a target and check it
    backup prune       Remove the backups that the keep rules do not keep
    restore            Bring a VM or an image back as it was at a backup
    apply              Make clusters, pools, users, connections, images and VMs as a file says
    bench              Compare a local disk and Ceph RBD on the same workloads
    doctor             Check libvirt, QEMU, clusters, pools, secrets and VM disks
    help               Show help for virt-rbd or one command
    version            Show the versions of virt-rbd and the libraries it runs on
  
  Options (accepted before or after the command):
        --config-dir DIR       the cluster registry (default: $VIRT_RBD_CONFIG_DIR or /etc/virt-rbd)
        --json                 print data as JSON
    -v, --verbose              say what is done on stderr (twice: debug)
    -c, --connect URI          libvirt URI (default: $VIRT_RBD_LIBVIRT_URI or qemu:///system)
        --host NAME            the registered fleet host NAME (see 'fleet add'), in place of -c URI
        --timeout SECONDS      give up on any Ceph operation after this long (default: 30)
    -h, --help                 show help and exit
        --version              show the version and exit
  
  Run 'virt-rbd help COMMAND' for a command's arguments and options.
  Exit status: 0 success, 1 failure, 2 usage error.

help COMMAND and COMMAND --help print the same

  $ virt-rbd help cluster check > a; virt-rbd cluster check --help > b; cmp a b && head -3 a
  Usage: virt-rbd cluster check [NAME] [OPTIONS]
  
  Connect to a cluster and report its health.

help of an unknown command is a usage error

  $ virt-rbd help nope
  virt-rbd: error: unknown command 'nope'
  virt-rbd: hint: see 'virt-rbd --help'
  [2]

--version prints the version only

  $ virt-rbd --version
  virt-rbd [0-9]+\.[0-9]+\.[0-9]+ (re)

Every command in --help is in the man page

  $ for c in $(virt-rbd --help | sed -n '/^Commands:/,/^$/p' | awk 'NF>1 && /^  /{print $1"_"$2}' | sed 's/_[A-Z].*//'); do
  >   n=${c//_/ }; grep -q "^\.SS \"\?$n" "$TESTDIR/../../docs/virt-rbd.1" || echo "missing in man page: $n"; done
