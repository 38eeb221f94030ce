#!/usr/bin/env bash
# Runs sockwatch's whole test suite: unit tests and the real kernel tests (bpftrace tracing as root).
# On a fresh Debian/Ubuntu machine it first installs what the tests need and is missing, from the
# distribution's packages; then it runs Maven. CI runs exactly this (.ci/run).
#   ./test.sh                 everything
#   ./test.sh -Dtest='Foo*'   extra arguments go to Maven
set -euo pipefail
cd "$(dirname "$0")"

missing=()
need() { # need COMMAND-OR-FILE PACKAGE
  case "$1" in
    /*) [ -e "$1" ] || missing+=("$2") ;;
    *) command -v "$1" >/dev/null 2>&1 || missing+=("$2") ;;
  esac
}
need javac openjdk-17-jdk-headless
need mvn maven
need bpftrace bpftrace
need strace strace
need curl curl
need python3 python3
need gcc gcc
# 32-bit programs (Compat32EndToEndTest builds them with gcc -m32, also -static): the i386 libc proves it links.
need /usr/lib32/libc.a gcc-multilib
need /usr/include/linux/tcp.h linux-libc-dev
need /usr/include/stdio.h libc6-dev
need setpriv util-linux
need bpftool bpftool
need unshare util-linux
# The SystemTap VM test (StapVmTest): builds a Debian guest once and boots it under qemu.
need qemu-system-x86_64 qemu-system-x86
need debootstrap debootstrap
need mkfs.ext4 e2fsprogs
need flock util-linux
# The peer comparison (StracePeerTest, peer/): builds strace 6.1's own tests from Debian's source.
need make make
need xz xz-utils
# The compatibility matrix (CompatMatrixTest, compat/): a debootstrapped chroot of each suite in compat/suites.
need chroot coreutils
need mountpoint util-linux
need sha256sum coreutils

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test.sh: missing ${missing[*]}: install them (as root: apt-get install ${missing[*]}) and run again" >&2
    exit 3
  fi
fi

exec mvn -B --no-transfer-progress test "$@"
