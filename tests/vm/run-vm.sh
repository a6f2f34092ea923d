#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# run-vm.sh MODE SCRIPT [ARG...]: boot Debian's kernel under qemu (TCG) with
# the host root shared read-only (a tmpfs overlay on top), run SCRIPT inside,
# print its output and exit with its exit status. chatcell's VM test tier:
# this machine kind keeps the memory, pids and cpu controllers on cgroup v1,
# so cgroup v2 limits are proven in a VM (see ../../README.md, "VM tier").
#
#   MODE    plain    busybox init as PID 1, cgroup2 mounted, test runs as root
#                    in the root cgroup (it may create cgroups itself)
#           systemd  host's systemd as PID 1 (target vmtier.target); the test
#                    runs as vmtier-test.service (Delegate=yes), dbus running
#           shell    interactive bash on the serial console (debugging; no
#                    result; Ctrl-A X quits qemu; VMTIER_TIMEOUT still applies)
#   SCRIPT  any executable file on the host (copied into the VM; a file
#           without #! is run by bash); ARGs are passed to it (one per line,
#           so no newlines inside an ARG).  In the guest it runs as root with
#           cwd /, stdin /dev/null, env VMTIER=1 VMTIER_MODE=MODE.
#
# Exit status: the test's own status; 124 = host timeout hit, 125 = the VM
# stopped without handing back a result (both print "vmtier: NO RESULT"),
# 126 = the guest's boot hung: its test had not started after
# VMTIER_BOOT_TIMEOUT seconds (default 240), 123 = the guest stopped
# running during its test: its heartbeat (io/heartbeat, run-test) did not
# move for VMTIER_STALL_TIMEOUT seconds (default 120). A test that hangs
# while the guest runs is killed by the guest after 3/4 of VMTIER_TIMEOUT,
# with the guest's processes in its output, and fails (run-test).
#
# env: VMTIER_TIMEOUT   hard timeout in seconds for qemu   (default 300)
#      VMTIER_MEM       guest RAM                          (default 1536M)
#      VMTIER_SMP       vCPUs                              (default 2)
#      VMTIER_APPEND    extra kernel command line (e.g. "vmtier.modules=nf_tables
#                       systemd.wants=systemd-logind.service vmtier.debug=1")
#      VMTIER_QEMU_ARGS extra qemu arguments (word-split; @RUN@ = the run dir)
#      VMTIER_VERBOSE=1 stream the serial console and the test output live
#      VMTIER_GRACE     seconds to wait for the guest's own poweroff once the
#                       result is in, before qemu is killed (default 15)
#      VMTIER_KEEP=1    keep the run dir (console.log, output, rc, times)
#      VMTIER_KERNEL_FILE vmlinux (default, PVH boot) or vmlinuz (bzImage via
#                       SeaBIOS; ~4 s slower under TCG)
#      VMTIER_CACHE     as for fetch-kernel.sh
#      VMTIER_KEEP_PATHS  colon-separated host paths under /tmp that the guest
#                       must still see (its /tmp is a fresh tmpfs): source and
#                       build trees of a CI clone
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${VMTIER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chatcell-vmtier}
export VMTIER_CACHE=$CACHE
MODE=${1:?usage: run-vm.sh plain|systemd|shell SCRIPT}
SCRIPT=${2:-}
TIMEOUT=${VMTIER_TIMEOUT:-300}

case "$MODE" in plain|systemd|shell) ;; *) echo "run-vm: bad mode $MODE" >&2; exit 2 ;; esac
if [ "$MODE" != shell ]; then
	[ -f "$SCRIPT" ] || { echo "run-vm: no such script: $SCRIPT" >&2; exit 2; }
fi

"$HERE/fetch-kernel.sh" >&2 || exit 2
"$HERE/build-initramfs.sh" >&2 || exit 2

RUN=$(mktemp -d "${TMPDIR:-/tmp}/vmtier.XXXXXX")
mkdir -p "$RUN/io"
if [ -n "$SCRIPT" ]; then
	if head -c2 "$SCRIPT" | grep -q '^#!'; then cp "$SCRIPT" "$RUN/io/test"
	else { echo '#!/bin/bash'; cat "$SCRIPT"; } > "$RUN/io/test"; fi
else
	printf '#!/bin/sh\nexit 0\n' > "$RUN/io/test"
fi
chmod 0755 "$RUN/io/test"
echo $((TIMEOUT * 3 / 4)) >"$RUN/io/test-timeout"
: > "$RUN/io/args"
[ $# -gt 2 ] && printf '%s\n' "${@:3}" > "$RUN/io/args"
for tool in qemu-system-x86_64 timeout awk; do
	command -v $tool >/dev/null || { echo "run-vm: $tool missing (see install-deps.sh)" >&2; exit 2; }
done

APPEND="console=ttyS0 quiet loglevel=4 panic=-1 oops=panic mitigations=off"
APPEND+=" random.trust_cpu=on tsc=reliable 8250.nr_uarts=1 nowatchdog lpj=10000000"
APPEND+=" vmtier.mode=$MODE vmtier.hostmods=$CACHE/kernel/modules"
[ -n "${VMTIER_KEEP_PATHS:-}" ] && APPEND+=" vmtier.keep=${VMTIER_KEEP_PATHS//:/,}"
if [ "$MODE" = systemd ]; then
	APPEND+=" systemd.unit=vmtier.target systemd.unified_cgroup_hierarchy=1"
	APPEND+=" systemd.show_status=error systemd.crash_reboot=1 systemd.firstboot=0"
fi
APPEND+=" ${VMTIER_APPEND:-}"

# shellcheck disable=SC2054  # commas are qemu's, not array separators
QEMU=(qemu-system-x86_64 -accel tcg -M q35 -cpu max
      -smp "${VMTIER_SMP:-2}" -m "${VMTIER_MEM:-1536M}"
      -nodefaults -no-user-config -display none -no-reboot -net none
      -kernel "$CACHE/kernel/${VMTIER_KERNEL_FILE:-vmlinux}" -initrd "$CACHE/initramfs.cpio"
      -append "$APPEND"
      -virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap
      -virtfs local,path="$RUN/io",mount_tag=vmtier,security_model=passthrough,multidevs=remap)
# shellcheck disable=SC2206
[ -n "${VMTIER_QEMU_ARGS:-}" ] && QEMU+=(${VMTIER_QEMU_ARGS//@RUN@/$RUN})

T0=$(date +%s.%N)
if [ "$MODE" = shell ]; then
	timeout -k 5 "$TIMEOUT" "${QEMU[@]}" -serial mon:stdio
	QRC=$?; rm -rf "$RUN"; exit $QRC
fi

TAILPID=
if [ "${VMTIER_VERBOSE:-0}" = 1 ]; then
	: > "$RUN/console.log"
	tail -n +1 -F "$RUN/console.log" "$RUN/io/output" 2>/dev/null >&2 &
	TAILPID=$!
fi
timeout -k 5 "$TIMEOUT" "${QEMU[@]}" -serial file:"$RUN/console.log" < /dev/null &
QPID=$!
trap 'kill $QPID 2>/dev/null' INT TERM HUP
# Safety net: the guest powers off by itself right after writing io/rc; if it
# does not within VMTIER_GRACE seconds, kill qemu (the result is already here).
GRACE=${VMTIER_GRACE:-15} RC_SEEN='' NOPOWEROFF=''
# The guest creates io/output when its test starts (5-20 s after qemu does,
# longer on a busy host). A guest that has not by then hangs in its boot,
# before any code under test ran: say so apart from a hung test.
BOOT_LIMIT=${VMTIER_BOOT_TIMEOUT:-240} BOOT_HUNG='' SECONDS=0
# Once the test runs, the guest rewrites io/heartbeat every 5 s; one that
# stays the same for STALL seconds is a guest that stopped running (the
# emulator stalled, or the guest's kernel did), not a hung test.
STALL=${VMTIER_STALL_TIMEOUT:-120} BEAT=- BEAT_SEEN=0 STALLED=''
while kill -0 $QPID 2>/dev/null; do
	if [ ! -e "$RUN/io/output" ] && (( SECONDS >= BOOT_LIMIT )); then
		echo "vmtier: the guest did not start its test within ${BOOT_LIMIT}s (its boot hung); killing qemu" >&2
		BOOT_HUNG=1; kill $QPID 2>/dev/null; break
	fi
	if [ -e "$RUN/io/output" ] && [ ! -f "$RUN/io/rc" ]; then
		beat=$(cat "$RUN/io/heartbeat" 2>/dev/null)
		if [ "$beat" != "$BEAT" ]; then
			BEAT=$beat BEAT_SEEN=$SECONDS
		elif (( SECONDS - BEAT_SEEN >= STALL )); then
			echo "vmtier: the guest stopped running during its test: its heartbeat (guest uptime ${beat:-none} s) has not moved for ${STALL}s; qemu is $(awk '/^State:/ { print $2, $3 }' "/proc/$(pgrep -P $QPID | head -1)/status" 2>/dev/null); killing qemu" >&2
			# SIGKILL: a guest that stopped has nothing left to write, and a
			# stuck emulator may never act on SIGTERM.
			STALLED=1; pkill -KILL -P $QPID; kill -KILL $QPID 2>/dev/null; break
		fi
	fi
	if [ -f "$RUN/io/rc" ]; then
		RC_SEEN=${RC_SEEN:-$SECONDS}
		if (( SECONDS - RC_SEEN >= GRACE )); then
			echo "vmtier: WARNING: VM did not power off within ${GRACE}s after its result; killing qemu" >&2
			NOPOWEROFF=1; kill $QPID 2>/dev/null; break
		fi
	fi
	sleep 0.2
done
wait $QPID
QRC=$?
trap - INT TERM HUP
T1=$(date +%s.%N)
[ -n "$TAILPID" ] && { sleep 0.3; kill "$TAILPID" 2>/dev/null; wait "$TAILPID" 2>/dev/null; }

WALL=$(awk -v a="$T0" -v b="$T1" 'BEGIN {printf "%.1f", b - a}')
if [ -f "$RUN/io/rc" ]; then
	RC=$(cat "$RUN/io/rc")
	[[ "$RC" =~ ^[0-9]+$ ]] || { echo "vmtier: bad rc file: $RC" >&2; RC=125; }
	[ "${VMTIER_VERBOSE:-0}" = 1 ] || cat "$RUN/io/output"
	G_switch_root='?' G_test_start='?' G_test_end='?'
	# shellcheck disable=SC1090
	. <(sed 's/^/G_/' "$RUN/io/times" 2>/dev/null)
	[ -n "$NOPOWEROFF" ] && echo "vmtier: (qemu was killed: the guest did not power off by itself)" >&2
	echo "vmtier: mode=$MODE rc=$RC wall=${WALL}s guest-uptime: switch_root=${G_switch_root}s test_start=${G_test_start}s test_end=${G_test_end}s" >&2
	[ "${VMTIER_KEEP:-0}" = 1 ] && echo "vmtier: run dir kept: $RUN" >&2 || rm -rf "$RUN"
	exit "$RC"
fi

if [ -n "$BOOT_HUNG" ]; then
	RC=126
elif [ -n "$STALLED" ] && grep -qE 'soft lockup|rcu.*stall|blocked for more than|BUG:|Oops' "$RUN/console.log"; then
	echo "vmtier: the guest's kernel reported a lockup before it stopped: a failure, not an emulator stall" >&2
	RC=125
elif [ -n "$STALLED" ]; then
	RC=123
elif [ "$QRC" = 124 ] || [ "$QRC" = 137 ]; then
	echo "vmtier: NO RESULT: host timeout (${TIMEOUT}s) hit after ${WALL}s" >&2; RC=124
else
	echo "vmtier: NO RESULT: VM stopped (qemu rc=$QRC) after ${WALL}s without io/rc" >&2; RC=125
fi
[ -f "$RUN/io/init-failed" ] && echo "vmtier: $(cat "$RUN/io/init-failed")" >&2
echo "---- last 60 lines of serial console ($RUN/console.log) ----" >&2
tail -n 60 "$RUN/console.log" >&2
if [ -s "$RUN/io/output" ]; then
	echo "---- partial test output ----" >&2; cat "$RUN/io/output" >&2
fi
echo "vmtier: run dir kept: $RUN" >&2
exit $RC
