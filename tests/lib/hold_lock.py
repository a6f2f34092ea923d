#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hold one of chatcell's locks, as a hung or slow process would.

    hold_lock.py registry            BEGIN EXCLUSIVE on the registry (WAL:
                                     readers go on, writers wait)
    hold_lock.py registry-exclusive  the same in exclusive locking mode
                                     (readers wait too)
    hold_lock.py work-lock UID       the chat's byte in chats.lock (an OFD
                                     lock, as chatcell-admin takes it)

Prints "ready" once the lock is held, then holds it until SIGTERM.
"""
import fcntl
import os
import signal
import sqlite3
import struct
import sys

STATE = "/var/lib/chatcell"

mode = sys.argv[1]
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
if mode in ("registry", "registry-exclusive"):
    db = sqlite3.connect(STATE + "/registry.db", isolation_level=None)
    if mode == "registry-exclusive":
        db.execute("PRAGMA locking_mode=EXCLUSIVE")
    db.execute("BEGIN EXCLUSIVE")
    # A write, so that the exclusive locking mode really takes the lock.
    db.execute("UPDATE settings SET value = value WHERE key = 'identity'")
elif mode == "work-lock":
    fd = os.open(STATE + "/chats.lock", os.O_RDWR)
    # struct flock: l_type, l_whence, l_start, l_len, l_pid (x86_64 layout).
    lock = struct.pack("hhxxxxqqixxxx", fcntl.F_WRLCK, os.SEEK_SET, int(sys.argv[2]), 1, 0)
    fcntl.fcntl(fd, fcntl.F_OFD_SETLK, lock)
else:
    sys.exit("usage: hold_lock.py registry | registry-exclusive | work-lock UID")
print("ready", flush=True)
while True:
    signal.pause()
