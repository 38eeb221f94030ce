#!/usr/bin/env python3
"""Test target for `sockwatch snapshot`: holds about N sockets of several kinds and answers commands on stdin.

  many_sockets.py N [--comm NAME] [--churn] [--setsockopt-loop]

Makes about N sockets: a sixth loopback TCP client/accepted pairs behind one listener (SO_REUSEADDR=1 on the
listener, TCP_NODELAY=1 on every client), a third UDP sockets bound to 127.0.0.1 (SO_BROADCAST=1 on each) and
the rest unix socketpairs (SO_PASSCRED=1 on the first end), plus one IPv6 listener on [::1] with
IPV6_V6ONLY=1 when the host has IPv6 loopback. Prints "many-sockets: pid P sockets S tcp-port T udp U
tcp6-port T6" (T6 is 0 without IPv6) and "many-sockets: ready", then reads commands, one per line:

  check       send one byte through every TCP pair and socketpair and read it back: "many-sockets: check ok P"
  close-udp   close every UDP socket: "many-sockets: closed-udp U"
  calls       with --setsockopt-loop: "many-sockets: setsockopt calls OK failed F [LAST-ERROR]"

It exits when stdin closes. --churn keeps opening and closing UDP sockets meanwhile, so a snapshot meets
sockets that vanish while it reads. --setsockopt-loop adds one more TCP socket (counted in S) and a thread that
keeps toggling TCP_NODELAY on it every 2 ms, counting the calls that succeed and fail, so a test can check that
the program's own setsockopt calls keep working whatever happens to a snapshot of it.
"""
import os
import resource
import socket
import sys
import threading
import time


def main():
    args = sys.argv[1:]
    n = int(args[0])
    if "--comm" in args:
        with open("/proc/self/comm", "w") as f:
            f.write(args[args.index("--comm") + 1])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n + 100
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want if hard == resource.RLIM_INFINITY else min(want, hard), hard))

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4096)
    port = listener.getsockname()[1]
    pairs = []
    for _ in range(max(1, n // 6)):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c.connect(("127.0.0.1", port))
        a, _ = listener.accept()
        pairs.append((c, a))
    udp = []
    for _ in range(max(1, n // 3)):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        u.bind(("127.0.0.1", 0))
        udp.append(u)
    while 1 + 2 * len(pairs) + len(udp) + 2 < n:
        x, y = socket.socketpair()
        x.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        pairs.append((x, y))

    v6 = None
    try:
        v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        v6.bind(("::1", 0))
        v6.listen(8)
    except OSError:
        v6 = None

    if "--churn" in args:
        def churn():
            while True:
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()
        threading.Thread(target=churn, daemon=True).start()

    calls = {"ok": 0, "failed": 0, "error": ""}
    looper = None
    if "--setsockopt-loop" in args:
        looper = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

        def loop():
            i = 0
            while True:
                try:
                    looper.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, i % 2)
                    calls["ok"] += 1
                except OSError as e:
                    calls["failed"] += 1
                    calls["error"] = str(e)
                i += 1
                time.sleep(0.002)
        threading.Thread(target=loop, daemon=True).start()

    total = 1 + 2 * len(pairs) + len(udp) + (1 if v6 else 0) + (1 if looper else 0)
    print("many-sockets: pid %d sockets %d tcp-port %d udp %d tcp6-port %d"
          % (os.getpid(), total, port, len(udp), v6.getsockname()[1] if v6 else 0), flush=True)
    print("many-sockets: ready", flush=True)
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "check":
            for x, y in pairs:
                x.sendall(b"x")
                if y.recv(1) != b"x":
                    print("many-sockets: check FAILED", flush=True)
                    break
            else:
                print("many-sockets: check ok %d" % len(pairs), flush=True)
        elif cmd == "close-udp":
            for u in udp:
                u.close()
            print("many-sockets: closed-udp %d" % len(udp), flush=True)
            udp = []
        elif cmd == "calls":
            print(("many-sockets: setsockopt calls %d failed %d %s" % (calls["ok"], calls["failed"], calls["error"]))
                  .rstrip(), flush=True)
    os._exit(0)


if __name__ == "__main__":
    main()
