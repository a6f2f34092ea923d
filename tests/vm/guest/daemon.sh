#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# chatcelld as the installed unit runs it (the VM tier, systemd boot):
# Type=notify with its sandboxing (ProtectSystem=strict, the system call
# filter, the capability bounding set, RestrictNamespaces=net), the DNS
# gate answering a chat through it, failing closed when stopped, and
# Restart=always bringing it back after a crash. The gate's behaviour in
# detail is tested in the host tier (tests/integration/dns_gate.sh), with
# chatcelld started by hand; this is what only systemd can show.
. "$(dirname "$0")/install_chatcell.sh"
# shellcheck source=tests/lib/dns_gate.sh
. "$CC_SRCDIR/tests/lib/dns_gate.sh"

[ "${VMTIER_MODE:-}" = systemd ] || skip_all "runs inside the VM tier's systemd boot only (make check-vm)"
dns_gate_bed
chatcell-admin ensure vm-gate-a >/dev/null
chatcell-admin egress allow vm-gate-a --domain api.test --port 8000 >/dev/null
unit() { systemctl show -P "$1" chatcelld.service; }
host_table() { nft list table inet chatcell >/dev/null; }
# Wait until the unit is active with a main process other than $1 (poll
# systemd's state, not the clock; at most 60 s).
wait_active_after() {
	local deadline=$((SECONDS + 60))
	until [ "$(unit ActiveState)" = active ] && [ "$(unit MainPID)" != "$1" ] && [ "$(unit MainPID)" != 0 ]; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
	done
}

run systemctl start chatcelld.service
is "$rc:$out" "0:" "systemctl start returns once chatcelld said READY=1 (Type=notify)"
is "$(unit ActiveState)/$(unit SubState)/$(unit NRestarts)" "active/running/0" "and it runs under its sandboxing, not restarted"
ok "it made the host's table inet chatcell" host_table
run chatcell-admin run vm-gate-a -- /bin/sh -c "/usr/bin/getent ahostsv4 api.test | head -1; $probe tcp 198.51.100.4 8000"
is "$out" "198.51.100.4    STREAM api.test
ok" "a chat resolves its allowed name through the gate, and its first connect works (the learned set, written from the unit's sandbox)"
run chatcell-admin run vm-gate-a -- "$dns_probe" "$GATE" other.test
is "$out" "REFUSED tc=0 -" "a name outside its rules is refused"
asked=no
upstream_asked other.test && asked=yes
is "$asked" no "and never reaches the upstream"
run chatcell-admin show vm-gate-a
like "$out" "*dns gate     answering on 127.0.0.1:5300*" "show: the gate answers"
like "$out" "*dns-refused chatcelld: other.test*" "and the refusal is in the chat's audit trail (the registry, written from the unit's sandbox)"

# Stopped: lookups fail at once, nothing else changes.
systemctl stop chatcelld.service
run chatcell-admin run vm-gate-a -- "$dns_probe" "$GATE" api.test
is "$out" "ECONNREFUSED" "stopped, the gate answers nothing: the lookup fails at once"
ok "the host's table stays" host_table
like "$(chatcell-admin show vm-gate-a)" "*dns gate     NOT answering on 127.0.0.1:5300*" "and show says so"

# Crashed: Restart=always brings it back.
systemctl start chatcelld.service
old=$(unit MainPID)
kill -KILL "$old"
ok "killed with SIGKILL, systemd restarts it (Restart=always)" wait_active_after "$old"
is "$(unit NRestarts)" 1 "once"
run chatcell-admin run vm-gate-a -- "$dns_probe" "$GATE" api.test
is "$out" "NOERROR tc=0 198.51.100.4" "and the chat resolves again"
systemctl stop chatcelld.service
done_testing
