#!/usr/bin/env bash
# install-deps.sh: installs what peek32's tests need on Debian, only what is missing:
#   apt: gcc-mingw-w64-i686 (guest programs), gcc-multilib (32-bit Linux oracle builds), chromium (e2e),
#        p7zip-full (unpacking test archives)
# (as root, or through sudo; non-interactive). The npm packages are installed by ./build.sh with `npm ci`.
set -euo pipefail

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
command -v i686-w64-mingw32-gcc >/dev/null || missing+=(gcc-mingw-w64-i686)
dpkg -s gcc-multilib >/dev/null 2>&1 || missing+=(gcc-multilib)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v 7z >/dev/null || missing+=(p7zip-full)

if [ ${#missing[@]} -eq 0 ]; then
	echo "all present (MinGW i686, gcc-multilib, chromium, p7zip-full)"
	exit 0
fi
echo "installing: ${missing[*]}"
command -v apt-get >/dev/null || {
	echo "apt-get not found: install ${missing[*]} with your system's package manager" >&2
	exit 1
}
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
