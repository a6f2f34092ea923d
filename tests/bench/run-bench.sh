#!/bin/bash
# chatcell's benchmarks, run in one sandbox so every figure has its anchor
# measured in the same run; prints figures and ratios, asserts nothing.
#
#   make bench          (from the build tree; needs root)
set -euo pipefail

: "${CC_BUILDDIR:?run through make bench}"
if [ "${CC_SANDBOX_INNER:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || { echo "the benchmarks need root (they run in a sandbox)"; exit 1; }
	exec "$CC_SRCDIR/tests/lib/sandbox.sh" "$CC_BUILDDIR/stage" bash "$0" "$@"
fi

B=$CC_BUILDDIR/bench
H=$CC_BUILDDIR/helpers
SAMPLES=${CC_BENCH_SAMPLES:-100}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
median_ms() { "$B/time_runs" "$@"; }

sed -i -E 's/^(passwd|group):.*/\1: files chatcell/' /etc/nsswitch.conf
chatcell-admin init >/dev/null

echo "== chatcell-admin ensure (whole process, median of $SAMPLES new chats) =="
declare -A ensure_ms
for existing in 0 10000 100000; do
	have=$(sqlite3 /var/lib/chatcell/registry.db "SELECT count(*) FROM chats")
	[ "$existing" -gt "$have" ] && "$H/populate_chats" $((existing - have)) "bench-$existing-"
	ensure_ms[$existing]=$(median_ms "$SAMPLES" chatcell-admin ensure "bench-new-$existing-{}")
	sqlite3 /var/lib/chatcell/registry.db "DELETE FROM chats WHERE CAST(chat_id AS TEXT) LIKE 'bench-new-%'" 
	chatcell-admin repair >/dev/null 2>&1 || true
	echo "ensure at $existing existing chats: ${ensure_ms[$existing]} ms"
done
echo "ensure flatness 100k / 0: $(ratio "${ensure_ms[100000]}" "${ensure_ms[0]}") (target <= 1.5; target ensure <= 3 ms)"

echo
echo "== NSS lookups at 100,000 chats =="
chat=$(sqlite3 /var/lib/chatcell/registry.db "SELECT name FROM chats WHERE state = 'active' ORDER BY id DESC LIMIT 1")
chat_uid=$(getent passwd "$chat" | cut -d: -f3)
echo "chats: $(getent passwd | grep -c '^chat-'), looking up the newest, $chat"
# nss_files with a 30-line /etc/passwd...
while [ "$(wc -l </etc/passwd)" -lt 30 ]; do
	n=$(wc -l </etc/passwd)
	echo "pad$n:x:$((3000 + n)):$((3000 + n))::/nonexistent:/usr/sbin/nologin" >>/etc/passwd
done
last=$(tail -1 /etc/passwd | cut -d: -f1)
last_uid=$(tail -1 /etc/passwd | cut -d: -f3)
echo "-- against nss_files with $(wc -l </etc/passwd) lines (looking up its last line, $last):"
"$B/nss_lookup_bench" "$chat" "$chat_uid" "$last" "$last_uid" 20000
getent_chat=$(median_ms 300 getent passwd "$chat")
getent_root=$(median_ms 300 getent passwd root)
echo "whole-process getent passwd <chat> ${getent_chat} ms vs getent passwd root ${getent_root} ms: ratio $(ratio "$getent_chat" "$getent_root") (target <= 1.10)"
# ...and with 100,000 lines.
cp /etc/passwd /tmp/passwd.small
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "big%d:x:%d:%d::/nonexistent:/usr/sbin/nologin\n", i, 200000 + i, 200000 + i }' >>/etc/passwd
echo "-- against nss_files with $(wc -l </etc/passwd) lines (looking up its last line):"
"$B/nss_lookup_bench" "$chat" "$chat_uid" big99999 299999 200
cp /tmp/passwd.small /etc/passwd

echo
echo "== session setup: runuser -l <chat> -c true, median of 200 =="
cp /etc/pam.d/runuser /tmp/runuser.pam
printf 'account\trequired\tpam_chatcell.so\nsession\trequired\tpam_chatcell.so\n' >>/etc/pam.d/runuser
with_module=$(median_ms 200 runuser -l "$chat" -c true)
cp /tmp/runuser.pam /etc/pam.d/runuser
without_module=$(median_ms 200 runuser -l "$chat" -c true)
plain_true=$(median_ms 200 /bin/true)
echo "with pam_chatcell ${with_module} ms, same stack without it ${without_module} ms, /bin/true ${plain_true} ms"
echo "pam_chatcell adds $(awk -v a="$with_module" -v b="$without_module" 'BEGIN { printf "%.2f", a - b }') ms per session (ratio $(ratio "$with_module" "$without_module"); target <= +5 ms)"

echo
echo "== useradd -U + mkdir + chown + chmod (the seed design), median =="
useradd_at() { # EXISTING
	local n=$1
	cp /tmp/passwd.small /etc/passwd
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "u%d:x:%d:%d::/home/u%d:/bin/sh\n", i, 10000 + i, 10000 + i, i }' >>/etc/passwd
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "u%d:x:%d:\n", i, 10000 + i }' >>/etc/group
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "u%d:!:19000:0:99999:7:::\n", i }' >>/etc/shadow
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "u%d:!::\n", i }' >>/etc/gshadow
	awk -v n="$n" 'BEGIN { for (i = 0; i < n && i < 9000; i++) printf "u%d:%d:65536\n", i, 100000 + 65536 * i }' >/etc/subuid
	cp /etc/subuid /etc/subgid
	median_ms 10 bash -c "useradd -U -M n$n-{} && mkdir /home/n$n-{} && chown n$n-{}:n$n-{} /home/n$n-{} && chmod 700 /home/n$n-{}"
}
cp /etc/group /tmp/group.small; cp /etc/shadow /tmp/shadow.small; cp /etc/gshadow /tmp/gshadow.small
ua0=$(useradd_at 0)
cp /tmp/group.small /etc/group; cp /tmp/shadow.small /etc/shadow; cp /tmp/gshadow.small /etc/gshadow
ua10k=$(useradd_at 10000)
echo "useradd at 0 users: $ua0 ms; at 10,000 users: $ua10k ms"
echo "ensure vs useradd at 0: $(ratio "${ensure_ms[0]}" "$ua0"); at 10,000: $(ratio "${ensure_ms[10000]}" "$ua10k")"
