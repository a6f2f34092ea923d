# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fork until the kernel says no, for the pids.max tests of the VM tier.

Prints "ready" once running (the login is set up), then waits for a line
on stdin before it starts (so a test can change the limits of this already
running process first), forks children that only wait,
prints "FORKED ERRNO" (e.g. "37 EAGAIN") once fork fails, then holds every
child until stdin reaches end of file, and kills them.
"""
import errno
import os
import signal
import sys

print("ready", flush=True)
sys.stdin.readline()
children = []
failure = "none"
while len(children) < 100000:
    try:
        pid = os.fork()
    except OSError as e:
        failure = errno.errorcode.get(e.errno, str(e.errno))
        break
    if pid == 0:
        signal.pause()
        os._exit(0)
    children.append(pid)
print(len(children), failure, flush=True)
sys.stdin.read()
for pid in children:
    os.kill(pid, signal.SIGKILL)
for pid in children:
    os.waitpid(pid, 0)
