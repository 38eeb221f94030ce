#!/usr/bin/env bash
# Builds, once, the Debian bookworm guest that sockwatch's SystemTap VM test boots under qemu: a rootfs with
# the stock kernel (linux-image-amd64), its headers, systemtap (+ a one-line runtime patch, see below), a JRE
# and python3; an ext4 image of it; the kernel and initrd to boot. The rootfs doubles as the "compile here"
# side: modules are built in a chroot of it (stap -p4 -r KVER), so the host's own kernel never matters.
#
#   stap/vm/build-image.sh          build if missing; prints the cache directory on stdout
#   stap/vm/build-image.sh --dbg    also unpack linux-image-amd64-dbg (~860 MB download) for the
#                                   kernel-function tap (stap/sockwatch-kfunc.stp); not used by CI
#
# The cache lives outside the repo in $SOCKWATCH_STAPVM_DIR (default /var/tmp/sockwatch-stapvm), in a
# directory named by a hash of this script and the guest init: editing either builds a fresh one.
# Needs root, debootstrap, qemu-system-x86, e2fsprogs (test.sh installs them). ~2-3 min and ~1.3 GB.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BASE=${SOCKWATCH_STAPVM_DIR:-/var/tmp/sockwatch-stapvm}
KEY=$(cat "$HERE/build-image.sh" "$HERE/guest-init" | sha256sum | cut -c1-12)
D=$BASE/$KEY
ROOT=$D/rootfs
PKGS="linux-image-amd64 linux-headers-amd64 systemtap gcc make kmod initramfs-tools procps util-linux
      iproute2 python3 openjdk-17-jre-headless"
log() { echo "[build-image $(date +%T)] $*" >&2; }

want_dbg=
[ "${1:-}" = --dbg ] && want_dbg=1
[ "$(id -u)" -eq 0 ] || { echo "build-image.sh: needs root (debootstrap, chroot, mount)" >&2; exit 3; }
for t in debootstrap mkfs.ext4 qemu-system-x86_64; do
  command -v "$t" >/dev/null || { echo "build-image.sh: $t missing (apt-get install debootstrap e2fsprogs qemu-system-x86)" >&2; exit 3; }
done
mkdir -p "$BASE"
exec 8>"$BASE/build.lock"
flock 8 # one builder at a time; a second caller waits, then finds the image ready

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
  log "debootstrap bookworm from $(mirror) into $ROOT"
  debootstrap --variant=minbase bookworm "$ROOT" "$(mirror)" > "$D.tmp/debootstrap.log" 2>&1 \
    || { tail -20 "$D.tmp/debootstrap.log" >&2; exit 1; }
  # The host's Debian sources (with -updates and -security), so the kernel is the current stock one.
  rm -f "$ROOT/etc/apt/sources.list"
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] && grep -q '/debian' "$f" && cp "$f" "$ROOT/etc/apt/sources.list.d/"
  done
  [ -f /etc/apt/sources.list ] && grep -E '^deb .*/debian' /etc/apt/sources.list > "$ROOT/etc/apt/sources.list"
  printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d" && chmod +x "$ROOT/usr/sbin/policy-rc.d"
  echo sockwatch-vm > "$ROOT/etc/hostname"
  echo 'LABEL=swvm / ext4 rw,relatime 0 1' > "$ROOT/etc/fstab"
  mkdir -p "$ROOT/etc/initramfs-tools/conf.d" && echo 'MODULES=most' > "$ROOT/etc/initramfs-tools/conf.d/swvm"
  trap 'umounts "$ROOT"' EXIT
  mounts "$ROOT"
  log "apt-get install $(echo $PKGS)"
  chroot "$ROOT" /usr/bin/env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 sh -c \
    "apt-get update -qq && apt-get install -y -q --no-install-recommends $(echo $PKGS) && apt-get clean" \
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
  log "built $D: kernel $kver, $(grep -E '^systemtap\s' "$D/packages.txt" | cut -f2) in $((SECONDS - t0)) s"
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
# Caches of older versions of this script, and builds that were interrupted, are dead weight (1+ GB each).
for old in "$BASE"/*/; do
  old=${old%/}
  case "$old" in "$D" | "$BASE"/dbg-*) continue ;; esac
  umounts "$old/rootfs"
  # Something still mounted inside (a chroot-run.sh job or debuginfo bind) would be deleted through: skip.
  awk -v d="$old/" 'index($2, d) == 1 { found = 1 } END { exit !found }' /proc/mounts || rm -rf --one-file-system "$old"
done
echo "$D"
