#!/bin/bash
# Fetches the real Windows programs peek32's tests run (programs no one here wrote), checks them against pinned
# SHA-256 sums, and caches them in .cache/realprogs/ at the repository root (gitignored; override with
# PEEK32_CACHE). Run it as often as you like: files already cached with the right hash are not fetched again.
#
#   hostname.exe  Wine 8.0's hostname.exe, from Debian bookworm's libwine i386 package, downloaded with
#                 `apt-get download` using a private apt state (its own sources.list for i386, lists and cache
#                 under the cache directory), so the machine's own apt setup is not touched.
#   7za.exe       7-Zip's standalone console 7za.exe for 32-bit Windows, from the npm package 7zip-bin
#                 (win/ia32/7za.exe), fetched with `npm pack`.
#
# On success it prints the cache directory on the last line. Exit status 1 on a download failure or a hash
# mismatch (a mismatching file is removed, never used).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${PEEK32_CACHE:-$repo/.cache/realprogs}

# Pins.
WINE_PKG='libwine:i386'
WINE_VERSION='8.0~repack-4'
WINE_DEB="libwine_${WINE_VERSION}_i386.deb"
WINE_DEB_SHA256='c992aad6a47d81b719514f5d06c5df10267f1e40a6f4f3b4e3f655cbbf308d57'
WINE_HOSTNAME_PATH='./usr/lib/i386-linux-gnu/wine/i386-windows/hostname.exe'
HOSTNAME_SHA256='2ef8ad70d8e7c6c4b59386bdf70d3ffa6b6f4490f423b76cd555feaa65797659'
DEBIAN_SOURCE='deb [arch=i386] http://deb.debian.org/debian bookworm main'

SEVENZIP_NPM='7zip-bin'
SEVENZIP_VERSION='5.2.0'
SEVENZIP_TGZ="7zip-bin-${SEVENZIP_VERSION}.tgz"
SEVENZIP_TGZ_SHA256='04f9738ee00be8be53f5d06254a9e6e4b5117b17f8b74058477d870e62764a7d'
SEVENZIP_PATH='package/win/ia32/7za.exe'
SEVENZIP_SHA256='31fd52f8996986623cf52c3b4d0f7ac74a9dec63fc16c902cef673eed550c435'

mkdir -p "$cache"

# has FILE SHA256: the file exists with that hash.
has() {
	[ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

# verify FILE SHA256: fail (and remove the file) unless it has that hash.
verify() {
	if ! has "$1" "$2"; then
		echo "fetch.sh: $(basename "$1"): SHA-256 mismatch (want $2); removed" >&2
		rm -f "$1"
		exit 1
	fi
}

fetch_hostname() {
	local out="$cache/hostname.exe"
	if has "$out" "$HOSTNAME_SHA256"; then
		echo "hostname.exe: cached"
		return
	fi
	local deb="$cache/$WINE_DEB"
	if ! has "$deb" "$WINE_DEB_SHA256"; then
		local apt="$cache/apt"
		mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/state" "$apt/etc/sources.list.d" \
			"$apt/etc/preferences.d" "$apt/etc/apt.conf.d"
		echo "$DEBIAN_SOURCE" >"$apt/etc/sources.list"
		local opts=(
			-o "Dir::State=$apt/state" -o "Dir::State::Lists=$apt/lists" -o "Dir::State::status=/dev/null"
			-o "Dir::Cache=$apt/cache" -o "Dir::Etc::SourceList=$apt/etc/sources.list"
			-o "Dir::Etc::SourceParts=$apt/etc/sources.list.d" -o "Dir::Etc::Preferences=$apt/etc/preferences"
			-o "Dir::Etc::PreferencesParts=$apt/etc/preferences.d" -o "Dir::Etc::Parts=$apt/etc/apt.conf.d"
			-o "APT::Architecture=i386" -o "APT::Architectures::=i386" -o "Debug::NoLocking=1"
			-o "APT::Sandbox::User=root"
		)
		echo "hostname.exe: downloading $WINE_PKG=$WINE_VERSION (private apt state in $apt)"
		apt-get -qq "${opts[@]}" update
		(cd "$cache" && apt-get -qq "${opts[@]}" download "$WINE_PKG=$WINE_VERSION")
		verify "$deb" "$WINE_DEB_SHA256"
	fi
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "$WINE_HOSTNAME_PATH" >"$out.tmp"
	mv "$out.tmp" "$out"
	verify "$out" "$HOSTNAME_SHA256"
	echo "hostname.exe: ok"
}

fetch_7za() {
	local out="$cache/7za.exe"
	if has "$out" "$SEVENZIP_SHA256"; then
		echo "7za.exe: cached"
		return
	fi
	local tgz="$cache/$SEVENZIP_TGZ"
	if ! has "$tgz" "$SEVENZIP_TGZ_SHA256"; then
		echo "7za.exe: downloading $SEVENZIP_NPM@$SEVENZIP_VERSION"
		(cd "$cache" && npm pack --silent "$SEVENZIP_NPM@$SEVENZIP_VERSION" >/dev/null)
		verify "$tgz" "$SEVENZIP_TGZ_SHA256"
	fi
	tar -xzOf "$tgz" "$SEVENZIP_PATH" >"$out.tmp"
	mv "$out.tmp" "$out"
	verify "$out" "$SEVENZIP_SHA256"
	echo "7za.exe: ok"
}

fetch_hostname
fetch_7za
echo "$cache"
