#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A syslog socket for the sandbox: receives datagrams on the path given
and appends each message (without its <priority> prefix) as one line to
the log file given. Prints "ready" once it listens."""
import os
import re
import socket
import sys

sock_path, log_path = sys.argv[1], sys.argv[2]
try:
    os.unlink(sock_path)
except FileNotFoundError:
    pass
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(sock_path)
os.chmod(sock_path, 0o666)
print("ready", flush=True)
with open(log_path, "a", buffering=1) as log:
    while True:
        data = sock.recv(65536).decode("utf-8", "replace")
        log.write(re.sub(r"^<\d+>", "", data).rstrip("\n") + "\n")
