#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A resolver on ADDRESS:53/udp that also plays an attacker who can forge
its packets (tests/adversarial/dns.sh). Every name gets A 198.51.100.4,
TTL TTL. Before that answer, a name beginning with
  stale-  gets a forged A 198.51.100.66 with the question's ID, sent to the
          port the previous question came from (an attacker who learnt the
          gate's port once);
  same-   gets the same forgery sent to the question's own port (an
          attacker who guessed the port: the control);
  other-  gets it sent to the question's own port from OTHER:53, an
          address that is not the resolver's.
A name beginning with slow- is answered 300 ms late (and not forged), so
that more questions for it arrive meanwhile.
Each question is logged to LOG as "PORT NAME". Prints "ready" once bound.

  forging_resolver.py ADDRESS OTHER TTL LOG"""
import select
import socket
import struct
import sys
import time

address, other, ttl, log = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((address, 53))
elsewhere = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
elsewhere.bind((other, 53))
print("ready", flush=True)


def question_end(msg):
    """The offset after the first question (name, type, class)."""
    i = 12
    while msg[i]:
        i += 1 + msg[i]
    return i + 1 + 4


def name_of(msg):
    labels, i = [], 12
    while msg[i]:
        labels.append(msg[i + 1:i + 1 + msg[i]].decode("ascii", "replace"))
        i += 1 + msg[i]
    return ".".join(labels)


def answer(msg, address_bytes):
    end = question_end(msg)
    header = msg[:2] + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0)
    record = struct.pack(">HHHIH", 0xC00C, 1, 1, ttl, 4) + address_bytes
    return header + msg[12:end] + record


previous = None
late = []  # (when, answer, to) of slow- names
while True:
    wait = max(0.0, late[0][0] - time.monotonic()) if late else None
    if select.select([s], [], [], wait)[0] == []:
        _, message, to = late.pop(0)
        s.sendto(message, to)
        continue
    msg, sender = s.recvfrom(4096)
    if len(msg) < 17:
        continue
    name = name_of(msg).lower()
    with open(log, "a") as f:
        f.write("%d %s\n" % (sender[1], name))
    if name.startswith("slow-"):
        late.append((time.monotonic() + 0.3, answer(msg, socket.inet_aton("198.51.100.4")), sender))
        continue
    forged = answer(msg, socket.inet_aton("198.51.100.66"))
    if name.startswith("stale-") and previous:
        s.sendto(forged, previous)
    elif name.startswith("same-"):
        s.sendto(forged, sender)
    elif name.startswith("other-"):
        elsewhere.sendto(forged, sender)
    s.sendto(answer(msg, socket.inet_aton("198.51.100.4")), sender)
    previous = sender
