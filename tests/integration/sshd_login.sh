#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sshd accepts key logins of chat users (they have no password), through
# the host's PAM stack, on a loopback port inside the sandbox.
. "$(dirname "$0")/../lib/common.sh"

command -v /usr/sbin/sshd >/dev/null || skip_all "openssh-server is not installed"
use_chatcell_nss
chatcell-admin init >/dev/null
a=$(chat_user "ssh-chat-a")
start_sshd 2222
ok "sshd listens on 127.0.0.1:2222" kill -0 "$SSHD_PID"
authorize_key "$a"

run ssh_as "$a" 2222 id -un
is "$rc:$out" "0:$a" "a chat user logs in with a key and runs a command"
run ssh_as "$a" 2222 'echo $HOME; pwd'
is "$out" "/home/chatcell/$a
/home/chatcell/$a" "the session starts in the chat's home"

b=$(chat_user "ssh-chat-b")
run ssh_as "$b" 2222 id -un
is "$rc" 255 "a chat without an authorized key is refused"

chatcell-admin delete "ssh-chat-a" >/dev/null
run ssh_as "$a" 2222 id -un
is "$rc" 255 "a deleted chat can no longer log in"

kill "$SSHD_PID"
done_testing
