#!/usr/bin/env bash
# Builds, once per Debian suite, a guest that sockwatch's VM tests boot under qemu: a rootfs with the suite's
# stock kernel (linux-image-amd64), a JRE, python3 and the tracers of that suite (SUITE_PKGS below); an ext4
# image of it; the kernel and initrd to boot. bookworm (6.1) is the SystemTap guest: it also has the kernel
# headers, systemtap (+ a one-line runtime patch, see below) and gcc, and its rootfs doubles as the "compile
# here" side: modules are built in a chroot of it (stap -p4 -r KVER), so the host's own kernel never matters.
# bullseye (5.10) and trixie (6.12) are bpftrace-only guests (no headers, no compiler: small, quick to build).
#
#   stap/vm/build-image.sh [--suite S]      build if missing (S: bookworm, the default, bullseye or trixie);
#                                           prints the cache directory on stdout
#   stap/vm/build-image.sh --dbg            also unpack linux-image-amd64-dbg (~860 MB download) for the
#                                           kernel-function tap (stap/sockwatch-kfunc.stp); bookworm; not in CI
#
# The cache lives outside the repo in $SOCKWATCH_STAPVM_DIR (default /var/tmp/sockwatch-stapvm), in a
# directory named by the suite and a hash of this script and the guest init: editing either builds a fresh one.
# One lock per suite, so two suites build in parallel. Needs root, debootstrap, qemu-system-x86, e2fsprogs
# (test.sh installs them). Measured times and sizes: README, "The VM test harness".
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# suite -> the packages of its guest. The only per-suite difference (with the JRE's version).
declare -A SUITE_PKGS=(
  [bookworm]="linux-image-amd64 linux-headers-amd64 systemtap gcc make bpftrace openjdk-17-jre-headless"
  [bullseye]="linux-image-amd64 bpftrace openjdk-17-jre-headless"
  [trixie]="linux-image-amd64 bpftrace openjdk-21-jre-headless"
)
COMMON_PKGS="kmod initramfs-tools procps util-linux iproute2 python3"
suite=bookworm; want_dbg=
while [ $# -gt 0 ]; do
  case "$1" in
    --dbg) want_dbg=1 ;;
    --suite) suite=${2:?--suite needs a value}; shift ;;
    *) echo "usage: $0 [--suite bookworm|bullseye|trixie] [--dbg]" >&2; exit 2 ;;
  esac
  shift
done
[ -n "${SUITE_PKGS[$suite]:-}" ] || { echo "build-image.sh: unknown suite '$suite' (${!SUITE_PKGS[*]})" >&2; exit 2; }
PKGS="${SUITE_PKGS[$suite]} $COMMON_PKGS"
BASE=${SOCKWATCH_STAPVM_DIR:-/var/tmp/sockwatch-stapvm}
KEY=$( (cat "$HERE/build-image.sh" "$HERE/guest-init"; echo "$suite") | sha256sum | cut -c1-12)
D=$BASE/$suite-$KEY
ROOT=$D/rootfs
log() { echo "[build-image $suite $(date +%T)] $*" >&2; }

[ "$(id -u)" -eq 0 ] || { echo "build-image.sh: needs root (debootstrap, chroot, mount)" >&2; exit 3; }
for t in debootstrap mkfs.ext4 qemu-system-x86_64; do
  command -v "$t" >/dev/null || { echo "build-image.sh: $t missing (apt-get install debootstrap e2fsprogs qemu-system-x86)" >&2; exit 3; }
done
mkdir -p "$BASE"
exec 8>"$BASE/$suite.lock"
flock 8 # one builder per suite; a second caller waits, then finds the image ready

mounts() { mount --bind /proc "$1/proc"; mount --bind /sys "$1/sys"; mount --bind /dev "$1/dev"; }
umounts() { # lazily, in reverse; never leave /dev bound under a directory someone may rm -rf
  local m
  for m in dev sys proc; do mountpoint -q "$1/$m" && umount -l "$1/$m"; done
  return 0
}

mirror() { # the host's Debian mirror, so the guest uses the same (reachable) one
  local u
  u=$(awk '/^URIs:/{print $2}' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep '/debian$' | head -1 || true)
  [ -n "$u" ] || u=$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  echo "${u:-http://deb.debian.org/debian}"
}

# systemtap 4.8's runtime calls task_work_cancel(task, func); Debian's 6.1.1xx kernels have the stable backport
# that renamed it task_work_cancel_func (the old name now takes a callback_head), so pass 4 fails with
# -Werror=incompatible-pointer-types. Newer systemtap has the same fix; here we apply it when the headers need it.
patch_runtime() {
  local f=$ROOT/usr/share/systemtap/runtime/stp_task_work.c
  grep -qs task_work_cancel_func "$ROOT"/usr/src/linux-headers-*-common/include/linux/task_work.h || return 0
  grep -q task_work_cancel_func "$f" && return 0
  log "patching stp_task_work.c: task_work_cancel -> task_work_cancel_func"
  sed -i -e 's/typeof(&task_work_cancel)/typeof(\&task_work_cancel_func)/' \
         -e 's/^#define task_work_cancel (/#define task_work_cancel_func (/' \
         -e 's/kallsyms_lookup_name("task_work_cancel")/kallsyms_lookup_name("task_work_cancel_func")/' \
         -e 's/= task_work_cancel(task, func)/= task_work_cancel_func(task, func)/' "$f"
}

build_base() {
  local t0=$SECONDS
  [ -d "$D.tmp" ] && umounts "$D.tmp/rootfs" && rm -rf --one-file-system "$D.tmp"
  mkdir -p "$D.tmp"
  ROOT=$D.tmp/rootfs
  local m
  m=$(mirror)
  log "debootstrap $suite from $m into $ROOT"
  debootstrap --variant=minbase "$suite" "$ROOT" "$m" > "$D.tmp/debootstrap.log" 2>&1 \
    || { tail -20 "$D.tmp/debootstrap.log" >&2; exit 1; }
  # The suite's -updates and -security too (from the host's mirror), so the kernel is the current stock one.
  {
    echo "deb $m $suite main"
    echo "deb $m $suite-updates main"
    echo "deb ${m%/debian}/debian-security $suite-security main"
  } > "$ROOT/etc/apt/sources.list"
  printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d" && chmod +x "$ROOT/usr/sbin/policy-rc.d"
  echo sockwatch-vm > "$ROOT/etc/hostname"
  echo 'LABEL=swvm / ext4 rw,relatime 0 1' > "$ROOT/etc/fstab"
  mkdir -p "$ROOT/etc/initramfs-tools/conf.d" && echo 'MODULES=most' > "$ROOT/etc/initramfs-tools/conf.d/swvm"
  trap 'umounts "$ROOT"' EXIT
  mounts "$ROOT"
  log "apt-get install $(echo $PKGS)"
  chroot "$ROOT" /usr/bin/env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 sh -c \
    "(apt-get update -qq || apt-get update -qq -o Acquire::Check-Valid-Until=false) && apt-get install -y -q --no-install-recommends $(echo $PKGS) && apt-get clean" \
    > "$D.tmp/apt.log" 2>&1 || { tail -30 "$D.tmp/apt.log" >&2; exit 1; }
  umounts "$ROOT"; trap - EXIT
  install -m 0755 "$HERE/guest-init" "$ROOT/usr/local/sbin/sockwatch-vm-init"
  patch_runtime
  local kver used
  kver=$(ls "$ROOT/lib/modules" | sort -V | tail -1)
  echo "$kver" > "$D.tmp/kver"
  cp "$ROOT/boot/vmlinuz-$kver" "$D.tmp/vmlinuz"
  cp "$ROOT/boot/initrd.img-$kver" "$D.tmp/initrd.img"
  chroot "$ROOT" dpkg-query -W > "$D.tmp/packages.txt"
  used=$(du -sm --apparent-size "$ROOT" | cut -f1)
  truncate -s "$((used * 115 / 100 + 1024))M" "$D.tmp/base.img"
  mkfs.ext4 -q -F -L swvm -d "$ROOT" "$D.tmp/base.img"
  rm -rf "$D" && mv "$D.tmp" "$D"
  ROOT=$D/rootfs
  log "built $D: kernel $kver, bpftrace $(awk '$1 == "bpftrace" {print $2}' "$D/packages.txt")," \
    "$(du -sh "$D/base.img" | cut -f1) image, in $((SECONDS - t0)) s"
}

# Kernel debuginfo for the kernel-function tap: unpacked beside the image (not into the rootfs, so the CI path
# never sees DWARF), in a directory named by the kernel release so that it outlives rebuilds of the image;
# chroot-run.sh --dbg bind-mounts it onto rootfs/usr/lib/debug.
build_dbg() {
  local t0=$SECONDS pkg
  pkg=linux-image-$KVER-dbg
  rm -rf "$DBG.tmp" && mkdir -p "$DBG.tmp"
  trap 'umounts "$ROOT"' EXIT
  mounts "$ROOT"
  log "downloading $pkg (~860 MB)"
  chroot "$ROOT" sh -c "cd /tmp && apt-get download $pkg" > "$DBG.tmp.log" 2>&1 || { tail "$DBG.tmp.log" >&2; exit 1; }
  umounts "$ROOT"; trap - EXIT
  dpkg-deb -x "$ROOT"/tmp/"$pkg"_*.deb "$DBG.tmp"
  rm -f "$ROOT"/tmp/"$pkg"_*.deb "$DBG.tmp.log"
  mv "$DBG.tmp" "$DBG"
  log "kernel debuginfo in $DBG ($(du -sh "$DBG" | cut -f1)) in $((SECONDS - t0)) s"
}

[ -f "$D/base.img" ] || build_base
KVER=$(cat "$D/kver")
DBG=$BASE/dbg-$KVER
[ -z "$want_dbg" ] || [ -d "$DBG" ] || build_dbg
# This suite's caches of older versions of this script, builds that were interrupted, and the caches from
# before suites (a bare hash) are dead weight (1+ GB each). Other suites' caches are theirs.
for old in "$BASE/$suite"-*/ "$BASE"/[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]/; do
  [ -d "$old" ] || continue
  old=${old%/}
  [ "$old" = "$D" ] && continue
  umounts "$old/rootfs"
  # Something still mounted inside (a chroot-run.sh job or debuginfo bind) would be deleted through: skip.
  awk -v d="$old/" 'index($2, d) == 1 { found = 1 } END { exit !found }' /proc/mounts || rm -rf --one-file-system "$old"
done
echo "$D"
