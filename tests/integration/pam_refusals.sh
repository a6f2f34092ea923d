#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Who may not log in: a suspended chat (with the exact message, in every
# login path), a UID in the chat range the registry does not know, a
# deleted chat. And users that are not chats: their sessions are exactly
# what they are without pam_chatcell.
. "$(dirname "$0")/../lib/common.sh"

start_syslog
use_chatcell_nss
chatcell-admin init >/dev/null
a=$(chat_user "refusals-chat-a")
useradd -m -s /bin/bash alice

# A session of alice, described: environment, limits, namespace, /tmp.
describe_alice() {
	su alice -c 'echo "PATH=$PATH"; umask; ulimit -c; grep NoNewPrivs /proc/self/status; readlink /proc/self/ns/mnt; ls -A /tmp; grep -c . /proc/self/mountinfo'
}
touch /tmp/host-tmp-file
without_module=$(describe_alice)
enable_pam_chatcell >/dev/null
with_module=$(describe_alice)
is "$with_module" "$without_module" "a non-chat user's session is exactly as without pam_chatcell"
like "$with_module" "*host-tmp-file*" "(and it does see the host's /tmp)"
run grep -c "pam_chatcell" "$SYSLOG"
is "$out" 0 "pam_chatcell logs nothing about a non-chat user"

start_sshd 2222
authorize_key "$a"
chatcell-admin suspend "refusals-chat-a" >/dev/null
message="chatcell: $a is suspended; logins are refused until an administrator resumes it"
run su "$a" -c true
is "$rc:$err" "1:$message"$'\n'"su: User account has expired" "su: a suspended chat is refused with the exact message"
run runuser -u "$a" -- true
is "$rc:$err" "1:$message"$'\n'"runuser: cannot open session: Cannot make/remove an entry for the specified session" "runuser -u: refused with the exact message (runuser runs no account stage)"
run runuser -l "$a" -c true
like "$rc:$err" "1:$message*" "runuser -l: refused with the exact message"
run chatcell-admin run "refusals-chat-a" -- true
is "$rc:$err" "125:$message"$'\n'"chatcell-admin run: $a may not log in: User account has expired" "chatcell-admin run: refused with the exact message, exit 125"
run login_sshd "$a" true
is "$rc" 255 "sshd: a suspended chat is refused"
run grep -c "pam_chatcell(sshd:account): refusing $a: the chat is suspended (chatcell-admin resume)" "$SYSLOG"
is "$out" 1 "sshd: the system log says why, in one line"
run grep -c "pam_chatcell(su:account): refusing $a: the chat is suspended (chatcell-admin resume)" "$SYSLOG"
is "$out" 1 "su: the system log says why, in one line"

chatcell-admin resume "refusals-chat-a" >/dev/null
run su "$a" -c 'echo in'
is "$rc:$out" "0:in" "after resume the chat logs in again"

# A user with a chat's name and a UID in the range that the registry does
# not know (a complete local account slipped into /etc/passwd and shadow).
echo "chat-aaaaaaaaaaaa:x:1879049999:1879049999::/nonexistent:/bin/bash" >>/etc/passwd
echo "chat-aaaaaaaaaaaa:*:19000:0:99999:7:::" >>/etc/shadow
run su chat-aaaaaaaaaaaa -c true
is "$rc:$err" "1:chatcell: chat-aaaaaaaaaaaa is not a registered chat; logins are refused"$'\n'"su: Permission denied" "a UID in the chat range unknown to the registry is refused"
run grep -c "refusing chat-aaaaaaaaaaaa: its UID is in the chat range but the registry has no live chat for it" "$SYSLOG"
is "$out" 1 "and the system log says so"

# A deleted chat no longer exists as a user at all.
chatcell-admin delete "refusals-chat-a" >/dev/null
run su "$a" -c true
is "$rc:$err" "1:su: user $a does not exist or the user entry does not contain all the required fields" "a deleted chat is gone"

kill "$SSHD_PID"
wait "$SSHD_PID"
done_testing
