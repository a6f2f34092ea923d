#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Check that the registry, the NSS view and the homes agree.

Prints one line per inconsistency and exits 1 if there is any; prints
"consistent N" (the number of live chats) otherwise.
"""
import os
import sqlite3
import stat
import sys

STATE = "/var/lib/chatcell"
VIEW = STATE + "/nss"
HOMES = sys.argv[1] if len(sys.argv) > 1 else "/home/chatcell"

db = sqlite3.connect("file:%s/registry.db?mode=ro" % STATE, uri=True)
rows = db.execute("SELECT name, uid, state, pending FROM chats").fetchall()
live = {name: uid for name, uid, state, pending in rows if state != "deleted"}
problems = []

for name, uid, state, pending in rows:
    if pending is not None:
        problems.append("%s has an unfinished step: %s" % (name, pending))

entries = set(os.listdir(VIEW))
for name, uid in live.items():
    if "n." + name not in entries or os.readlink(VIEW + "/n." + name) != str(uid):
        problems.append("view lacks n.%s -> %d" % (name, uid))
    if "u.%d" % uid not in entries or os.readlink(VIEW + "/u.%d" % uid) != name:
        problems.append("view lacks u.%d -> %s" % (uid, name))
    home = os.path.join(HOMES, name)
    try:
        st = os.lstat(home)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != uid or st.st_gid != uid or stat.S_IMODE(st.st_mode) != 0o700:
            problems.append("home %s has the wrong type, owner or mode" % home)
    except FileNotFoundError:
        problems.append("home %s is missing" % home)

for entry in entries:
    if entry == "params":
        continue
    if entry.startswith("n.") and entry[2:] in live:
        continue
    if entry.startswith("u.") and entry[2:].isdigit() and int(entry[2:]) in live.values():
        continue
    problems.append("stray view entry %s" % entry)

for home in os.listdir(HOMES):
    if home not in live:
        problems.append("orphan home %s" % home)

for p in problems:
    print(p)
if problems:
    sys.exit(1)
print("consistent %d" % len(live))
