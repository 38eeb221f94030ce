# -*- coding: utf-8 -*-
"""sockopt_testapp.py - a known target for sockwatch, in Python.

The Python twin of SockoptTestApp.java: opens a TCP listener on 127.0.0.1 (ephemeral
port), connects a client socket to it, accepts, then sets socket options on the CLIENT
socket with socket.setsockopt():

  (default)        TCP_NODELAY=1    setsockopt(IPPROTO_TCP, TCP_NODELAY, 1)
  --keepalive      SO_KEEPALIVE=1   setsockopt(SOL_SOCKET, SO_KEEPALIVE, 1)
  --keepidle N     TCP_KEEPIDLE=N   (CPython only)
  --keepintvl N    TCP_KEEPINTVL=N  (CPython only)
  --keepcnt N      TCP_KEEPCNT=N    (CPython only)
  --linger N       SO_LINGER        struct.pack('ii', 1, N) (CPython only, see below)
  --tos N          IP_TOS=N         setsockopt(IPPROTO_IP, IP_TOS, N) (CPython only)
  --cork           TCP_CORK=1       (CPython only)
  --congestion NM  TCP_CONGESTION   a string value, e.g. reno or cubic (CPython only)

It prints one line per option set, then `sockwatch-testapp: ready` (always the last
line, flushed: a harness waits for it) and sleeps until killed, or for --hold SECONDS
and then exits 0. Bad arguments: one error line on stderr, exit 2.

Runs under Jython 2.7.4 (via SockoptTestAppJython.java) and CPython 2.7/3.x, so it is
written in the common subset. Notes:
  * The level of TCP_NODELAY is IPPROTO_TCP. Passing 0 (SOL_IP) instead is the classic
    mistake: on Linux, option 1 at level SOL_IP is IP_TOS, so the kernel silently sets the
    TOS byte and leaves Nagle on.
  * Jython's sockets are Netty channels and its socket module maps only a few options to
    Netty ChannelOptions (TCP: SO_KEEPALIVE, SO_LINGER, SO_RCVBUF, SO_SNDBUF, SO_REUSEADDR,
    TCP_NODELAY); its constants are its own (socket.TCP_NODELAY is 2048 there) and are
    translated. Options set before connect() are applied when the channel is created;
    once connected, setsockopt() reaches the kernel at once. This app sets them after
    connect(). SO_LINGER is accepted by Jython but never applied, so --linger, like the
    other options Jython lacks, is refused there (exit 2) instead of reporting a setsockopt
    that never happened.
  * The pid printed is the kernel's pid of the process: os.getpid() under CPython, the
    JVM's ProcessHandle pid under Jython (Jython 2.7.4's os.getpid() agrees, through
    jnr-posix, but the Java API does not depend on native access).
"""
from __future__ import print_function

import os
import socket
import struct
import sys
import time

PREFIX = "sockwatch-testapp: "
JYTHON = sys.platform.startswith("java")

USAGE = """Usage: sockopt_testapp.py [options]
Connects a loopback TCP client, sets socket options on it, prints what it set,
prints 'sockwatch-testapp: ready', then sleeps until killed or --hold elapses.

  --hold SECONDS    exit 0 after SECONDS (default: sleep until killed)
  --no-nodelay      do not set TCP_NODELAY
  --repeat N        set TCP_NODELAY=1 N times (default 1)
  --keepalive       set SO_KEEPALIVE=1
  --keepidle N      set TCP_KEEPIDLE=N (seconds)            [not under Jython]
  --keepintvl N     set TCP_KEEPINTVL=N (seconds)           [not under Jython]
  --keepcnt N       set TCP_KEEPCNT=N                       [not under Jython]
  --linger N        set SO_LINGER {l_onoff=1, l_linger=N}   [not under Jython]
  --tos N           set IP_TOS=N (0..255; 0x.. accepted)    [not under Jython]
  --cork            set TCP_CORK=1                          [not under Jython]
  --congestion NAME set TCP_CONGESTION=NAME (e.g. reno)     [not under Jython]
  -h, --help        show this help"""

# Linux values, for Pythons whose socket module lacks the name.
LINUX_TCP_CORK = 3
LINUX_TCP_CONGESTION = 13

# option -> (min, max) for the integer-valued ones
INT_OPTIONS = {
    "--hold": (0, 10 ** 12),
    "--repeat": (1, 1000000),
    "--keepidle": (1, 32767),
    "--keepintvl": (1, 32767),
    "--keepcnt": (1, 127),
    "--linger": (0, 65535),
    "--tos": (0, 255),
}
FLAG_OPTIONS = ("--no-nodelay", "--keepalive", "--cork")
NOT_IN_JYTHON = ("--keepidle", "--keepintvl", "--keepcnt", "--linger", "--tos",
                 "--cork", "--congestion")


class UsageError(Exception):
    pass


def parse(args):
    opts = {"--hold": None, "--repeat": 1, "nodelay": True}
    i = 0
    while i < len(args):
        arg = args[i]
        name, value = arg, None
        if arg.startswith("--") and "=" in arg:
            name, value = arg.split("=", 1)
        if name in ("-h", "--help"):
            opts["help"] = True
        elif name in FLAG_OPTIONS:
            if value is not None:
                raise UsageError(name + " takes no value")
            if name == "--no-nodelay":
                opts["nodelay"] = False
            else:
                opts[name] = True
        elif name in INT_OPTIONS or name == "--congestion":
            if value is None:
                if i + 1 >= len(args):
                    raise UsageError(name + " needs a value")
                i += 1
                value = args[i]
            if name == "--congestion":
                if not value:
                    raise UsageError("--congestion needs a name")
                opts[name] = value
            else:
                opts[name] = number(name, value)
        else:
            raise UsageError("unknown argument '%s'" % arg)
        if JYTHON and name in NOT_IN_JYTHON:
            raise UsageError("%s is not supported under Jython (%s); run this file with CPython"
                             % (name, "it accepts SO_LINGER but never applies it" if name == "--linger"
                                else "its socket module has no such option"))
        i += 1
    if not opts["nodelay"] and "--repeat" in [a.split("=", 1)[0] for a in args]:
        raise UsageError("--repeat repeats TCP_NODELAY, which --no-nodelay turns off")
    return opts


def number(name, text):
    try:
        n = int(text, 0) if name == "--tos" else int(text, 10)
    except ValueError:
        raise UsageError("%s needs an integer, got '%s'" % (name, text))
    low, high = INT_OPTIONS[name]
    if n < low or n > high:
        raise UsageError("%s must be between %d and %d, got %d" % (name, low, high, n))
    return n


def getpid():
    if JYTHON:
        # The JVM's own pid (what strace and /proc see), via Java interop.
        from java.lang import ProcessHandle
        return int(ProcessHandle.current().pid())
    return os.getpid()


def run(opts):
    pid = getpid()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.connect(("127.0.0.1", listener.getsockname()[1]))
    accepted, _ = listener.accept()

    local, peer = client.getsockname(), client.getpeername()
    where = " on client socket %s:%d -> %s:%d" % (local[0], local[1], peer[0], peer[1])

    def done(option):
        print(PREFIX + "pid %d: set %s%s" % (pid, option, where))

    if opts["nodelay"]:
        for _ in range(opts["--repeat"]):
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            done("TCP_NODELAY=1")
    if opts.get("--keepalive"):
        client.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        done("SO_KEEPALIVE=1")
    if opts.get("--keepidle") is not None:
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, opts["--keepidle"])
        done("TCP_KEEPIDLE=%d" % opts["--keepidle"])
    if opts.get("--keepintvl") is not None:
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, opts["--keepintvl"])
        done("TCP_KEEPINTVL=%d" % opts["--keepintvl"])
    if opts.get("--keepcnt") is not None:
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, opts["--keepcnt"])
        done("TCP_KEEPCNT=%d" % opts["--keepcnt"])
    if opts.get("--linger") is not None:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, opts["--linger"]))
        done("SO_LINGER={l_onoff=1,l_linger=%d}" % opts["--linger"])
    if opts.get("--tos") is not None:
        client.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, opts["--tos"])
        done("IP_TOS=%d" % opts["--tos"])
    if opts.get("--cork"):
        client.setsockopt(socket.IPPROTO_TCP, getattr(socket, "TCP_CORK", LINUX_TCP_CORK), 1)
        done("TCP_CORK=1")
    if opts.get("--congestion") is not None:
        name = opts["--congestion"]
        client.setsockopt(socket.IPPROTO_TCP, getattr(socket, "TCP_CONGESTION", LINUX_TCP_CONGESTION),
                          name.encode("ascii"))
        done("TCP_CONGESTION=%s" % name)

    hold = opts["--hold"]
    print(PREFIX + "pid %d: sleeping %s" % (pid, "until killed" if hold is None else "for %d s" % hold))
    # Only now, after every option was set, the line the harness waits for.
    print(PREFIX + "ready")
    sys.stdout.flush()

    if hold is None:
        while True:
            time.sleep(3600)
    deadline = time.time() + hold
    while time.time() < deadline:
        time.sleep(min(1.0, max(0.0, deadline - time.time())))
    for s in (client, accepted, listener):
        s.close()
    return 0


def main(args):
    try:
        opts = parse(args)
    except UsageError as e:
        print(PREFIX + "error: %s (see --help)" % e, file=sys.stderr)
        return 2
    if opts.get("help"):
        print(USAGE)
        return 0
    try:
        return run(opts)
    except (socket.error, OSError, ValueError) as e:
        print(PREFIX + "error: %s" % (e,), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
