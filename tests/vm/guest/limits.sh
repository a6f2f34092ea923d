#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Per-chat limits on a real cgroup v2 kernel (the VM tier). Run inside the
# VM by tests/vm/boot_test.sh: with a plain init, chatcell picks its cgroupfs
# backend; with systemd as PID 1, its systemd backend. The same assertions
# hold for both: every login path lands in the chat's cgroup, memory, pids
# and cpu limits hold for the chat as a whole and for nobody else, limits
# change on running processes, suspend and delete kill everything, and a
# missing controller refuses the session. The chats' homes are on the VM's
# virtio disk, where io.max caps one chat's writes and not the other's.
. "$(dirname "$0")/install_chatcell.sh"

case "${VMTIER_MODE:-}" in
plain) backend=cgroupfs ;;
systemd) backend=systemd ;;
*) skip_all "runs inside the VM tier only (make check-vm)" ;;
esac

# The cgroup holding a chat's processes and limits.
chat_cgroup() { # USER
	if [ "$backend" = cgroupfs ]; then
		echo "/sys/fs/cgroup/chatcell/$1"
	else
		echo "/sys/fs/cgroup/chatcell.slice/chatcell-$(id -u "$1").slice"
	fi
}
# What /proc/PID/cgroup says, on the host, of a process of the chat: the
# cell's cgroup (inside the cell, its cgroup namespace shows it as "/").
session_cgroup() { # USER
	local uid
	uid=$(id -u "$1")
	if [ "$backend" = cgroupfs ]; then
		echo "0::/chatcell/$1"
	else
		echo "0::/chatcell.slice/chatcell-$uid.slice/chatcell-$uid-cell.scope"
	fi
}
# The keeper of a chat's cell, by the PID `show --json` gives.
keeper_of() { # CHAT_ID
	chatcell-admin --json show "$1" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["cell"]["keeper_pid"])'
}
cg_key() { # FILE KEY: a value of a flat-keyed cgroup file
	awk -v k="$2" '$1 == k { print $2 }' "$1"
}
limits_of() { # USER
	local d
	d=$(chat_cgroup "$1")
	echo "$(cat "$d/memory.max") $(cat "$d/memory.swap.max") $(cat "$d/pids.max") $(cat "$d/cpu.max")"
}
io_of() { # USER: "io.weight|io.max"
	local d
	d=$(chat_cgroup "$1")
	echo "$(cat "$d/io.weight")|$(cat "$d/io.max")"
}
# MiB/s of an 8 MiB direct write (no page cache) into the chat's home, by
# dd's own clock (dd by path: it is not one of the session's shims).
dd_rate() { # USER
	local line
	line=$(login_su "$1" '/bin/dd if=/dev/zero of="$HOME/io-test" bs=1M count=8 oflag=direct 2>&1 | tail -n 1; /bin/rm -f "$HOME/io-test"')
	# "8388608 bytes (8.4 MB, 8.0 MiB) copied, 3.99 s, 2.1 MB/s"
	awk -v l="$line" 'BEGIN { n = split(l, f, " "); if (f[1] != 8388608 || f[n - 3] + 0 <= 0) { print "dd: " l; exit 1 }
		printf "%.2f", 8 / f[n - 3] }'
}
# A process of the chat that holds still: its PID (not a child of the test).
hold_process() { # USER: prints the process's PID here (not in its cell)
	host_pid "$1" "$(login_su "$1" 'nohup sleep 100000 >/dev/null 2>&1 </dev/null & echo $!')"
}
alive() { # PID...: all running (not gone, not zombies)
	local pid state
	for pid in "$@"; do
		state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)
		[ -n "$state" ] && [ "$state" != Z ] || return 1
	done
}
gone() { ! alive "$1"; }
# A session that fails (or hangs) must fail its check, not hang the VM
# until the host's timeout: each handshake on a fifo waits this long.
HANDSHAKE_SECONDS=300
# The forker (forker.py) in a session of USER, held on fifos: fork_start
# starts it waiting, fork_go lets it fork and reads "FORKED ERRNO",
# fork_end releases it.
cp "$CC_SRCDIR/tests/vm/guest/forker.py" /run/forker.py
chmod 644 /run/forker.py
# If the session fails, "exited STATUS" arrives instead of the answer.
fork_start() { # USER
	rm -f /run/fork-in /run/fork-out
	mkfifo -m 666 /run/fork-in /run/fork-out
	exec {fork_in}<>/run/fork-in {fork_out}<>/run/fork-out
	(
		exec {fork_in}>&- {fork_out}>&-
		login_su "$1" '/usr/bin/python3 /run/forker.py </run/fork-in >/run/fork-out'
		echo "exited $?" >/run/fork-out
	) &
	FORK_JOB=$!
	read -r -t "$HANDSHAKE_SECONDS" ready <&"$fork_out" || ready="no answer in ${HANDSHAKE_SECONDS}s"
	[ "$ready" = ready ] || echo "# forker did not start: $ready"
}
fork_go() {
	echo go >&"$fork_in"
	read -r -t "$HANDSHAKE_SECONDS" FORKED FORK_ERRNO <&"$fork_out" || FORKED="no answer in ${HANDSHAKE_SECONDS}s"
}
fork_end() {
	exec {fork_in}>&-
	wait "$FORK_JOB"
	exec {fork_out}>&-
}

# The homes on the virtio disk (boot_test.sh made it ext4): a real block
# device with a request queue, unlike the guest's overlay root.
modprobe virtio_blk
mkdir -p "$CHAT_HOME_BASE"
mount -t ext4 /dev/vda "$CHAT_HOME_BASE" || { echo "Bail out! cannot mount the VM's disk on $CHAT_HOME_BASE"; exit 1; }
rmdir "$CHAT_HOME_BASE/lost+found"
disk=$(cat /sys/block/vda/dev)

start_syslog
use_chatcell_nss
write_config <<<'cgroup_backend = auto'
run chatcell-admin init
like "$out" "*"$'\n'"io_max caps vda ($disk); $CHAT_STATE is on device 0:*, not a disk (tmpfs, overlay, 9p, btrfs?): io_max cannot cap it, only io_weight applies there"$'\n'"*" \
	"init: io_max caps the disk of the homes, and says the state directory (the /tmp instances) is on none"
if [ "$backend" = cgroupfs ]; then
	like "$out" "*per-chat limits: cgroupfs under /sys/fs/cgroup/chatcell (memory, pids, cpu, io)*" \
		"init: with no systemd, auto picks the cgroupfs backend"
	is "$(cat /sys/fs/cgroup/chatcell/cgroup.subtree_control)" "cpu io memory pids" \
		"and enables memory, pids, cpu and io for the chats"
else
	like "$out" "*per-chat limits: systemd (a chatcell-<uid>.slice per chat in chatcell.slice)*" \
		"init: with systemd as PID 1, auto picks the systemd backend"
	is "$(systemctl show -P Description chatcell.slice)" "chatcell chats" "chatcell.slice is the installed unit"
fi
enable_pam_chatcell >/dev/null
start_sshd 2222
a=$(chat_user vm-chat-a)
b=$(chat_user vm-chat-b)
authorize_key "$a"
if [ "$backend" = cgroupfs ]; then
	is "$(stat -c '%a %U' "$(chat_cgroup "$a")")" "755 root" "provisioning made the chat's cgroup, root's (readable, for the cell's own view)"
	is "$(limits_of "$a")" "268435456 0 200 25000 100000" \
		"with chatcell.conf's defaults: 256M, no swap, 200 pids, a quarter CPU"
else
	is "$(systemctl show -P MemoryMax,TasksMax "chatcell-$(id -u "$a").slice" | tr '\n' ' ')" "268435456 200 " \
		"provisioning started the chat's slice with chatcell.conf's defaults"
fi

# Every login path lands in the chat's one cgroup: the cell's, at the
# root of the cell's cgroup namespace.
for path in su runuser runuser_l sshd; do
	run "login_$path" "$a" 'cat /proc/self/cgroup; ls /sys/fs/cgroup/cgroup.procs; ls /sys/fs/cgroup | { grep -c chatcell || :; }'
	is "$rc:$out" "0:0::/"$'\n'"/sys/fs/cgroup/cgroup.procs"$'\n'"0" \
		"a session through ${path/_/ -} is at the root of its cell's cgroup namespace: /sys/fs/cgroup shows its own cgroup"
done
is "$(cat "/proc/$(keeper_of vm-chat-a)/cgroup")" "$(session_cgroup "$a")" "the cell's keeper is in the chat's cgroup"
is "$(limits_of "$a")" "268435456 0 200 25000 100000" "the cgroup carries the chat's limits"
run login_su "$a" 'tmux new-session -d -s work "sleep 100000" && tmux display-message -p "#{pid}"'
tmux_pid=$(host_pid "$a" "$out")
is "$(cat "/proc/$tmux_pid/cgroup")" "$(session_cgroup "$a")" "a tmux server started in a session is in it too"
pane_pid=$(host_pid "$a" "$(login_su "$a" 'tmux display-message -p -t work "#{pane_pid}"')")
is "$(cat "/proc/$pane_pid/cgroup")" "$(session_cgroup "$a")" "and so is the command in its pane"

# Memory: A is OOM-killed in its own cgroup; B's process lives on.
b_sleep=$(hold_process "$b")
oom_before=$(cg_key "$(chat_cgroup "$a")/memory.events" oom_kill)
run login_su "$a" '/usr/bin/python3 -c "b = bytearray(400 << 20)"'
is "$rc" 137 "A allocating 400M past its 256M is killed (SIGKILL: exit 137)"
oom_after=$(cg_key "$(chat_cgroup "$a")/memory.events" oom_kill)
ok "memory.events of A's cgroup counts the OOM kill ($oom_before -> $oom_after)" test $((oom_after - oom_before)) -ge 1
is "$(cg_key "$(chat_cgroup "$b")/memory.events" oom_kill)" 0 "B's cgroup saw no OOM kill"
ok "B's process started before is still alive" alive "$b_sleep"

# Processes: a fork bomb in A stops at pids.max; B still starts processes.
fork_start "$a"
fork_go
is "$FORK_ERRNO" EAGAIN "A's forks fail with EAGAIN (after $FORKED children)"
is "$(cat "$(chat_cgroup "$a")/pids.current")" 200 "exactly at pids.max: 200 processes in A's cgroup"
# (The kernel counts a refused fork in the forking task's own cgroup: with
# systemd, the session's scope below the chat's slice.)
refused=$(find "$(chat_cgroup "$a")" -name pids.events -exec cat {} + | awk '$1 == "max" { n += $2 } END { print n + 0 }')
ok "pids.events counts the refused forks ($refused)" test "$refused" -ge 1
run login_su "$b" 'sh -c "echo forked"'
is "$rc:$out" "0:forked" "meanwhile B logs in and forks"
fork_end

# CPU: a busy loop in A for 5 s gets a quarter of one CPU. The session
# says when it is up and when the loop is over, so the window holds the
# loop and not the login.
stat=$(chat_cgroup "$a")/cpu.stat
rm -f /run/cpu-in /run/cpu-out
mkfifo -m 666 /run/cpu-in /run/cpu-out
exec {cpu_in}<>/run/cpu-in {cpu_out}<>/run/cpu-out
(
	exec {cpu_in}>&- {cpu_out}>&-
	login_su "$a" 'echo up >/run/cpu-out; read -r _ </run/cpu-in; timeout 5 sh -c "while :; do :; done"; echo "$?" >/run/cpu-out'
	echo "exited $?" >/run/cpu-out
) &
read -r -t "$HANDSHAKE_SECONDS" up <&"$cpu_out" || up="no answer in ${HANDSHAKE_SECONDS}s"
[ "$up" = up ] || echo "# the CPU session did not start: $up"
usage0=$(cg_key "$stat" usage_usec) throttled0=$(cg_key "$stat" nr_throttled) t0=$(date +%s%N)
echo go >&"$cpu_in"
read -r -t "$HANDSHAKE_SECONDS" loop_rc <&"$cpu_out" || loop_rc="no answer in ${HANDSHAKE_SECONDS}s"
t1=$(date +%s%N) usage1=$(cg_key "$stat" usage_usec) throttled1=$(cg_key "$stat" nr_throttled)
wait $!
exec {cpu_in}>&- {cpu_out}>&-
is "$loop_rc" 124 "the busy loop ran until timeout stopped it"
share=$(awk -v u=$((usage1 - usage0)) -v w=$(((t1 - t0) / 1000)) 'BEGIN { printf "%.3f", u / w }')
ok "A's CPU time is a quarter of the wall time (measured $share, expected 0.20-0.30)" \
	awk -v s="$share" 'BEGIN { exit !(s >= 0.20 && s <= 0.30) }'
ok "and A was throttled ($((throttled1 - throttled0)) periods)" test $((throttled1 - throttled0)) -gt 0

# I/O: B's writes are capped at 2 MiB/s on the disk of its home; A, with
# the defaults, writes as fast as the disk goes.
is "$(io_of "$a")" "default 100|" "A's cgroup has the default I/O share and no cap"
run chatcell-admin limits vm-chat-b --io-weight 50 --io-max wbps=2M
is "$rc:$out" "0:$b: memory 256M (default), pids 200 (default), cpu 25% (default), disk 2G (default), inodes 200k (default), io weight 50, io max wbps=2M" \
	"limits: B's I/O limits are recorded"
is "$(io_of "$b")" "default 50|$disk rbps=max wbps=2097152 riops=max wiops=max" \
	"and are in B's live cgroup: io.weight, and io.max on the disk of the homes only"
if [ "$backend" = systemd ]; then
	is "$(systemctl show -P IOWeight,IOWriteBandwidthMax "chatcell-$(id -u "$b").slice" | tr '\n' ' ')" \
		"50 /dev/block/$disk 2097152 " "through the slice's IOWeight= and IOWriteBandwidthMax="
fi
rate_a=$(dd_rate "$a") rate_b=$(dd_rate "$b")
diag "8 MiB written with dd oflag=direct: A $rate_a MiB/s, B $rate_b MiB/s (capped at 2)"
ok "B's direct writes stay at its 2 MiB/s cap (measured $rate_b MiB/s, expected 1.0-2.2)" \
	awk -v r="$rate_b" 'BEGIN { exit !(r ~ /^[0-9.]+$/ && r >= 1.0 && r <= 2.2) }'
ok "A's are not capped: more than three times as fast (measured $rate_a MiB/s)" \
	awk -v a="$rate_a" -v b="$rate_b" 'BEGIN { exit !(a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && a > 3 * b) }'
run chatcell-admin show vm-chat-b
like "$out" "*limits       memory 256M, pids 200, cpu 25%, disk 2G, inodes 200k, io weight 50, io max wbps=2M"$'\n'"io disks     io_max caps vda ($disk);*usage        *, io read *M, written *M*" \
	"show: B's I/O limits, the disk they cap, the I/O so far"
written=$(chatcell-admin --json show vm-chat-b | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["usage"]["io_written_bytes"])')
ok "show --json counts B's 8 MiB in io_written_bytes ($written)" test "$written" -ge 8388608

# Limits change on running processes: a forker already running in A gets
# the new pids.max.
fork_start "$a"
run chatcell-admin limits vm-chat-a --memory 128M --pids 40 --cpu 50%
is "$rc:$out" "0:$a: memory 128M, pids 40, cpu 50%, disk 2G (default), inodes 200k (default), io weight 100 (default), io max none (default)" \
	"limits: the new limits are recorded"
is "$(limits_of "$a")" "134217728 0 40 50000 100000" "and are in the live cgroup at once"
fork_go
is "$FORK_ERRNO:$(cat "$(chat_cgroup "$a")/pids.current")" "EAGAIN:40" \
	"a process started before the change is held to the new pids.max"
run chatcell-admin show vm-chat-a
like "$out" "*limits       memory 128M, pids 40, cpu 50%*usage        memory *M, 40 processes, cpu * s, throttled * times (* s), OOM kills 1*" \
	"show: the limits and the live usage"
fork_end

# A cgroup (or slice) that went missing is made again at login, with the
# chat's limits.
chatcell-admin suspend vm-chat-b >/dev/null
ok "suspend kills the chat's running processes" gone "$b_sleep"
if [ "$backend" = cgroupfs ]; then
	is "$(cat "$(chat_cgroup "$b")/cgroup.procs")" "" "and leaves its cgroup empty"
	rmdir "$(chat_cgroup "$b")"
else
	systemctl stop "chatcell-$(id -u "$b").slice"
fi
chatcell-admin resume vm-chat-b >/dev/null
run login_runuser "$b" 'cat /proc/self/cgroup'
is "$rc:$out:$(cat "/proc/$(keeper_of vm-chat-b)/cgroup")" "0:0::/:$(session_cgroup "$b")" \
	"a chat whose cgroup was removed gets it back at login (its new cell is in it)"
is "$(limits_of "$b")" "268435456 0 200 25000 100000" "with its limits"
is "$(io_of "$b")" "default 50|$disk rbps=max wbps=2097152 riops=max wiops=max" "and its I/O limits"

# Delete: the tmux server, its pane and a background process all end, and
# no cgroup is left.
bg_pid=$(hold_process "$a")
ok "before delete: A runs a tmux server, its pane and a background process" \
	alive "$tmux_pid" "$pane_pid" "$bg_pid"
a_uid=$(id -u "$a") a_cgroup=$(chat_cgroup "$a")
run chatcell-admin delete vm-chat-a
is "$rc" 0 "delete succeeds"
left=
for pid in "$tmux_pid" "$pane_pid" "$bg_pid"; do
	alive "$pid" && left+=" $pid"
done
is "$left" "" "no process of A is left"
run test -e "$a_cgroup"
is "$rc" 1 "and no cgroup"
if [ "$backend" = systemd ]; then
	is "$(systemctl show -P ActiveState "chatcell-$a_uid.slice")" inactive "the chat's slice is stopped"
fi

# Fail closed: with the pids (then the io) controller unavailable, a
# session is refused and the system log names the controller; once it is
# back, the same login works. A chat per controller: the first login makes
# the chat's cell, later ones only join it.
for controller in pids io; do
	c=$(chat_user "vm-chat-no-$controller")
	if [ "$backend" = cgroupfs ]; then
		echo "-$controller" >/sys/fs/cgroup/chatcell/cgroup.subtree_control
		echo "-$controller" >/sys/fs/cgroup/cgroup.subtree_control
		reason="the $controller controller is not available in /sys/fs/cgroup/chatcell: its parent does not enable it"
	else
		mkdir -p /run/systemd/system/chatcell.slice.d
		printf '[Slice]\nDisableControllers=%s\n' "$controller" >/run/systemd/system/chatcell.slice.d/no-controller.conf
		systemctl daemon-reload
		reason="the $controller controller is not enabled for chatcell-$(id -u "$c").slice (no $controller.max)"
	fi
	run login_su "$c" 'echo in'
	is "$rc:$out:$err" "1::chatcell: cannot set up a confined session for $c (see the system log)"$'\n'"su: cannot open session: Cannot make/remove an entry for the specified session" \
		"without the $controller controller the session is refused"
	run grep -c "pam_chatcell(su:session): refusing a session for $c: $reason" "$SYSLOG"
	is "$out" 1 "and the system log names the $controller controller"
	if [ "$backend" = cgroupfs ]; then
		chatcell-admin init >/dev/null
	else
		rm /run/systemd/system/chatcell.slice.d/no-controller.conf
		systemctl daemon-reload
	fi
	run login_su "$c" 'echo in'
	is "$rc:$out" "0:in" "once the $controller controller is back (init re-enables it), the login works"
done

# On failure, what pam_chatcell told the system log.
if [ "$_tap_failed" != 0 ]; then
	grep pam_chatcell "$SYSLOG" | grep -v "systemd-user" | sed 's/^/# syslog: /'
	sed 's/^/# sshd: /' /tmp/sshd-test/sshd.log
fi
done_testing
