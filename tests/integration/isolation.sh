#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# What one chat user can see of another: nothing of its home, not even the
# list of homes, and no chat ID anywhere it can read.
. "$(dirname "$0")/../lib/common.sh"

use_chatcell_nss
chatcell-admin init >/dev/null
secret_a="isolation-secret-alpha-7f3e"
secret_b="isolation-secret-bravo-91c4"
a=$(echo "$secret_a" | chatcell-admin ensure --stdin | cut -d' ' -f1)
b=$(chatcell-admin ensure "$secret_b" | cut -d' ' -f1)
as_chat "$b" sh -c 'echo private >"$HOME/diary"; mkdir "$HOME/sub"; echo x >"$HOME/sub/f"'

run as_chat "$a" cat "/home/chatcell/$b/diary"
is "$rc" 1 "chat A cannot read chat B's file"
like "$err" "*Permission denied*" "the kernel says permission denied"
run as_chat "$a" ls "/home/chatcell/$b"
like "$err" "*Permission denied*" "chat A cannot list chat B's home"
run as_chat "$a" ls /home/chatcell
like "$err" "*Permission denied*" "chat A cannot list the home base"
run as_chat "$a" stat -c %U "/home/chatcell/$a"
is "$out" "$a" "chat A reaches its own home through the 0711 base"
run as_chat "$a" sh -c 'echo mine >"$HOME/file" && cat "$HOME/file"'
is "$out" "mine" "and writes in it"
run as_chat "$a" cat "/home/chatcell/$b/sub/f"
like "$err" "*Permission denied*" "nor anything deeper in B's home, even by full path"
run as_chat "$a" cat /var/lib/chatcell/registry.db
like "$err" "*Permission denied*" "chat A cannot read the registry"
run as_chat "$a" cat /var/lib/chatcell/hmac.key
like "$err" "*Permission denied*" "chat A cannot read the host key"

# Search everything chat A can read for any chat ID. /proc and /sys are
# pseudo files (command lines are checked separately); /usr holds only
# package files; /dev only devices (its shm is included). The source and
# build trees of this test (which name the IDs) are left out.
printf '%s\n%s\n' "$secret_a" "$secret_b" >/tmp/secrets
chmod 644 /tmp/secrets
search() {
	as_chat "$a" find /etc /var /home /tmp /run /dev/shm /root /srv /opt /mnt /media \
		\( -path "$CC_SRCDIR" -o -path "$CC_TOP_BUILDDIR" \) -prune -o -type f -print0 2>/dev/null |
		as_chat "$a" xargs -0 grep -lsF -f /tmp/secrets 2>/dev/null
	as_chat "$a" sh -c 'cat /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null' | tr '\0' '\n' | grep -F -f /tmp/secrets
}
run search
is "$out" "/tmp/secrets" "no chat ID in any file chat A can read (only the test's own list)"

# The same search finds a chat ID where one is readable, so it can fail.
echo "$secret_b" >/var/tmp/planted
chmod 644 /var/tmp/planted
run search
like "$out" "*/var/tmp/planted*" "control: a planted readable copy is found"
rm /var/tmp/planted

done_testing
