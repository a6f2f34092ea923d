#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Test listeners on loopback: for each ADDRESS:PORT/PROTO argument, a TCP
server that accepts and closes (tcp), one that keeps each connection and
echoes what it reads (tcpecho), or a UDP server that echoes (udp). Prints
"ready" once all are bound, then serves until killed."""
import select
import socket
import sys

socks = []
for spec in sys.argv[1:]:
    where, proto = spec.rsplit("/", 1)
    addr, port = where.rsplit(":", 1)
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr.strip("[]"), int(port)))
    if proto != "udp":
        s.listen(64)
    socks.append((s, proto))
print("ready", flush=True)
while True:
    ready, _, _ = select.select([s for s, _ in socks], [], [])
    for s, proto in list(socks):
        if s not in ready:
            continue
        if proto == "tcp":
            conn, _ = s.accept()
            conn.close()
        elif proto == "tcpecho":
            conn, _ = s.accept()
            socks.append((conn, "echo"))
        elif proto == "echo":
            data = s.recv(64)
            if data:
                s.sendall(data)
            else:
                socks.remove((s, proto))
                s.close()
        else:
            data, peer = s.recvfrom(64)
            s.sendto(data, peer)
