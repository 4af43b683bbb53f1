#!/usr/bin/env bash
# The .deb as a user gets it: a release build without tests, `cpack`; the package's control
# data and contents checked with dpkg-deb, then lintian (no error, no warning); then installed
# with apt into a fresh Debian 12 root (debootstrap, minbase) and run there.
# Usage: package_test.sh SOURCE_DIR WORK_DIR. Exit 77 (skipped) where it cannot run: not root,
# no debootstrap or lintian, or no Debian mirror to build the fresh root from.
set -uo pipefail
src=${1:?usage: package_test.sh SOURCE_DIR WORK_DIR}
work=${2:?usage: package_test.sh SOURCE_DIR WORK_DIR}
passed=0
failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
check() {  # check NAME COMMAND...: the command succeeds
  local name=$1
  shift
  if "$@" >"$work/out" 2>&1; then ok "$name"; else fail "$name"; sed 's/^/     /' "$work/out" | tail -20; fi
}

if [ "$(id -u)" -ne 0 ]; then echo "package test skipped: a fresh root needs root"; exit 77; fi
for tool in debootstrap lintian dpkg-deb help2man; do
  command -v "$tool" >/dev/null || { echo "package test skipped: $tool is not installed"; exit 77; }
done
mkdir -p "$work"
build=$work/build
root=$work/root
cleanup() {
  mountpoint -q "$root/proc" && umount "$root/proc"
  rm -rf "$root"
}
trap cleanup EXIT

# 1. the package
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCLAWSIM_BUILD_TESTS=OFF \
  -DCLAWSIM_BUILD_BENCH=OFF >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
cmake --build "$build" -j "$(nproc)" >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; exit 1; }
(cd "$build" && cpack) >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$build"/clawsim_*_amd64.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "cpack made no .deb"; cat "$work/cpack.log"; exit 1; }
echo "package: $deb ($(stat -c %s "$deb") bytes)"

# 2. what it holds and needs
dpkg-deb --info "$deb" >"$work/info"
for dep in libssh2-1 libyaml-cpp0.7 libspdlog1.10 libsqlite3-0 libcurl4 libboost-program-options1.74.0; do
  if grep -q "^ Depends:.*$dep" "$work/info"; then ok "depends on $dep"; else fail "depends on $dep"; grep Depends "$work/info"; fi
done
dpkg-deb --contents "$deb" | awk '{print $6}' >"$work/contents"
for f in ./usr/bin/clawsim ./usr/share/man/man1/clawsim.1.gz ./usr/share/bash-completion/completions/clawsim \
  ./usr/share/zsh/vendor-completions/_clawsim ./usr/share/doc/clawsim/copyright ./usr/share/doc/clawsim/changelog.gz; do
  if grep -qx "$f" "$work/contents"; then ok "holds $f"; else fail "holds $f"; fi
done
check "lintian: no error, no warning" lintian --tag-display-limit 0 --fail-on error,warning "$deb"
sed 's/^/     /' "$work/out"

# 3. a fresh Debian 12 root: apt installs the package and what it depends on, and it runs
if ! debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1; then
  echo "package test: the fresh root could not be built (no Debian mirror?); installed nothing:"
  tail -5 "$work/debootstrap.log"
  echo "$passed passed, $failed failed (the fresh-root install was skipped)"
  [ "$failed" -eq 0 ] && exit 77 || exit 1
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
cp "$deb" "$root/tmp/"
check "apt installs the .deb and its dependencies in the fresh root" \
  chroot "$root" env DEBIAN_FRONTEND=noninteractive sh -c "apt-get update -qq && apt-get install -y -qq /tmp/$(basename "$deb")"
check "clawsim --version in the fresh root" chroot "$root" clawsim --version
grep -q "^clawsim 0" "$work/out" && ok "it says its version" || fail "it says its version"
chroot "$root" clawsim scenario quorum-loss --seed 1 >"$work/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q "^verdict PASS" "$work/out"; then
  ok "clawsim scenario quorum-loss in the fresh root"
else
  fail "clawsim scenario quorum-loss in the fresh root: exit $rc"
  tail -20 "$work/out"
fi
check "the man page is where man looks" test -s "$root/usr/share/man/man1/clawsim.1.gz"
check "bash completion registers itself" chroot "$root" bash -c \
  '_init_completion() { :; }; . /usr/share/bash-completion/completions/clawsim && complete -p clawsim'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
