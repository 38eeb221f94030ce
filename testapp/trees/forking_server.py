"""A forking server in miniature, for sockwatch's process-tree tests: a worker forked before the watch starts,
a grandchild that worker forks during it, and two children forked during it; each sets TCP_NODELAY and
SO_KEEPALIVE on a socket of its own (8 calls in all, none by the parent). It waits for the file named by argv[1]
to exist before any call, so the test can arm the probe first. Prints "calls N" when done."""
import os
import socket
import sys
import time

go = sys.argv[1]


def wait_for_go():
    while not os.path.exists(go):
        time.sleep(0.02)


def work():
    s = socket.socket()
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)


if os.fork() == 0:          # the worker alive before the watch
    wait_for_go()
    if os.fork() == 0:      # its child, forked during the watch
        work()
        os._exit(0)
    os.wait()
    work()
    os._exit(0)
print("ready", flush=True)
wait_for_go()
for i in range(2):
    if os.fork() == 0:
        work()
        os._exit(0)
    os.wait()
os.wait()
time.sleep(0.3)
print("calls 8", flush=True)
