The fleet: libvirt hosts registered by name and known by host UUID.  What
needs no libvirtd; the lab's hosts are in tests/integration/cli-fleet.t.

An empty fleet lists nothing and says how to add

  $ virt-rbd fleet list
  no host registered in .*/config \(add one: virt-rbd fleet add NAME URI\) (re)
  $ virt-rbd fleet list --json
  {
    "hosts": [
    ]
  }

Names and URIs are checked before anything is written

  $ virt-rbd fleet add 'kvm 1' test:///default
  virt-rbd: error: host name 'kvm 1' contains a space
  virt-rbd: hint: a host name may contain letters, digits, '.', '_' and '-'
  [1]
  $ virt-rbd fleet add t3
  virt-rbd: error: 'fleet add' needs NAME URI
  virt-rbd: hint: see 'virt-rbd help fleet add'
  [2]
  $ virt-rbd fleet add t3 'test+unix:///x?socket=/nonexistent' 2>&1 | sed -n 1p
  virt-rbd: error: cannot connect to libvirt at 'test+unix:///x?socket=/nonexistent': * (glob)
  [1]
  $ ls "$VIRT_RBD_CONFIG_DIR/hosts"
  ls: cannot access '*/config/hosts': No such file or directory (glob)
  [2]

A libvirtd that takes the connection and never answers (a hung host) costs
--timeout, not a hang

  $ python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8); print("up", flush=True); time.sleep(120)' "$TMPDIR_T/hung.sock" > "$TMPDIR_T/hung.out" &
  $ hung=$!
  $ until grep -q up "$TMPDIR_T/hung.out"; do sleep 0.1; done
  $ s0=$SECONDS; virt-rbd --timeout 2 fleet add hung "test+unix:///default?socket=$TMPDIR_T/hung.sock"
  virt-rbd: error: libvirt at 'test+unix:///default?socket=*/hung.sock' did not answer within 2 s (glob)
  virt-rbd: hint: check that its libvirtd runs and is not hung, or raise --timeout
  [1]
  $ [ $((SECONDS - s0)) -lt 10 ] && echo bounded
  bounded

fleet list: each host reachable or not, in one bounded pass; a host that
does not answer makes the exit status 1

  $ mkdir -p "$VIRT_RBD_CONFIG_DIR/hosts"
  $ cat > "$VIRT_RBD_CONFIG_DIR/hosts/hung.conf" <<END
  > uri = test+unix:///default?socket=$TMPDIR_T/hung.sock
  > uuid = 11111111-2222-3333-4444-555555555555
  > END
  $ s0=$SECONDS; virt-rbd --timeout 2 fleet list
  HOST         STATE       UUID                                 DOMAINS  URI
  hung         unreachable 11111111-2222-3333-4444-555555555555 -        test+unix:///default?socket=*/hung.sock (glob)
      libvirt at 'test+unix:///default?socket=*/hung.sock' did not answer within 2 s (glob)
  [1]
  $ [ $((SECONDS - s0)) -lt 10 ] && echo bounded
  bounded
  $ virt-rbd --timeout 2 --json fleet list | python3 -c 'import json,sys; d=json.load(sys.stdin); print([(h["name"], h["reachable"], h["running"], h["drift"]) for h in d["hosts"]])'
  [('hung', False, None, [])]
  [1]

fleet evacuate: a host that is not registered, --to naming the host being
evacuated or an unknown one, are refused before any connection; a source
that does not answer costs --timeout

  $ virt-rbd fleet evacuate nope
  virt-rbd: error: host 'nope' is not registered
  virt-rbd: hint: known hosts: hung
  [1]
  $ virt-rbd fleet evacuate hung --to hung
  virt-rbd: error: host 'hung' is the one being evacuated
  virt-rbd: hint: name other hosts in --to
  [1]
  $ virt-rbd fleet evacuate hung --to nope,hung
  virt-rbd: error: no host 'nope' in the fleet
  virt-rbd: hint: see 'virt-rbd fleet list'
  [1]
  $ s0=$SECONDS; virt-rbd --timeout 2 fleet evacuate hung
  virt-rbd: error: libvirt at 'test+unix:///default?socket=*/hung.sock' did not answer within 2 s (glob)
  virt-rbd: hint: check that its libvirtd runs and is not hung, or raise --timeout
  [1]
  $ [ $((SECONDS - s0)) -lt 10 ] && echo bounded
  bounded
  $ kill $hung && wait $hung 2>/dev/null; echo $?
  143

--host NAME stands for -c URI; not both, and only a registered name

  $ virt-rbd --host nope host list
  virt-rbd: error: host 'nope' is not registered
  virt-rbd: hint: known hosts: hung
  [1]
  $ virt-rbd --host hung -c test:///default host list
  virt-rbd: error: give either --host or -c/--connect
  virt-rbd: hint: see 'virt-rbd --help'
  [2]
  $ virt-rbd -c test:///default host list --host hung
  virt-rbd: error: give either --host or -c/--connect
  virt-rbd: hint: see 'virt-rbd help host list'
  [2]

vm recover --on NAME picks the host to start the VM on: a registered name,
and not another host than --host

  $ virt-rbd vm recover web --from hung --on nope
  virt-rbd: error: host 'nope' is not registered
  virt-rbd: hint: known hosts: hung
  [1]
  $ virt-rbd --host hung vm recover web --from hung --on other
  virt-rbd: error: --on and --host name two hosts: give one
  virt-rbd: hint: see 'virt-rbd help vm recover'
  [2]

fleet rm forgets a host; twice is an error saying none is left

  $ virt-rbd fleet rm hung
  host 'hung' removed from the fleet
  $ virt-rbd fleet rm hung
  virt-rbd: error: host 'hung' is not registered
  virt-rbd: hint: none is registered: run 'virt-rbd fleet add'
  [1]
