#!/usr/bin/env bash
# Builds the release packages of sweep into dist/:
#   dist/sweep_VERSION_amd64.deb             /usr/bin/sweep, the systemd units, example confs
#   dist/sweep-VERSION-linux-x86_64.tar.gz   the binary, the units, the examples, NOTE
# The binary is `swift build -c release --static-swift-stdlib` (the Swift runtime linked in, so
# only system libraries remain), or one given with --binary (no build: for tests, or a binary
# built elsewhere). The packaged copy is stamped with the git commit (`sweep --version` prints
# it) and the version is the one that binary reports, so package and binary always agree.
#
# Usage: scripts/package.sh [--binary PATH] [--commit ID] [--out DIR] [--fast]
#   --fast: gzip -1 for both packages instead of xz and gzip -9 (for tests: seconds, not minutes).
# Needs: swift (unless --binary), git (unless --commit), dpkg-deb, dpkg-shlibdeps (dpkg-dev),
# strip (binutils), tar, gzip.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
binary="" commit="" out="$root/dist" deb_compress=(-Zxz) tar_gzip="gzip -9"

fail() { echo "package.sh: $*" >&2; exit 1; }
# usage STATUS: the header above; on stdout for --help (exit 0), on stderr for a mistake (exit 64).
usage() {
    if [ "$1" = 0 ]; then show_usage; else show_usage >&2; fi
    exit "$1"
}
show_usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --binary) [ $# -ge 2 ] || fail "--binary needs a path to a built sweep"; binary=$2; shift 2 ;;
        --commit) [ $# -ge 2 ] || fail "--commit needs a commit id"; commit=$2; shift 2 ;;
        --out) [ $# -ge 2 ] || fail "--out needs a directory"; out=$2; shift 2 ;;
        --fast) deb_compress=(-Zgzip -z1) tar_gzip="gzip -1"; shift ;;
        -h | --help) usage 0 ;;
        *) echo "package.sh: unknown argument '$1'" >&2; usage 64 ;;
    esac
done

# Writes COMMIT into the slot after the marker that Sources/CSystemShim/build_info.c puts once in
# the binary (45 bytes, NUL padded), in place: no rebuild, and any build of sweep can be stamped.
stamp_commit() {
    local file=$1 id=$2 mark="sweep-build-commit:" offsets
    offsets=$(grep -obUa "$mark" "$file" | cut -d: -f1) || true
    [ "$(echo "$offsets" | grep -c .)" = 1 ] ||
        fail "$file has no single commit slot ('$mark'): is it a sweep built from this source?"
    local at=$((offsets + ${#mark}))
    dd if=/dev/zero of="$file" bs=1 seek="$at" count=45 conv=notrunc status=none
    printf '%s' "$id" | dd of="$file" bs=1 seek="$at" conv=notrunc status=none
}

# The .deb: binary, units, examples, a postinst that makes the `sweep` user and /etc/sweep/keys.
# Depends comes from dpkg-shlibdeps (the libraries the binary links, with their versions).
build_deb() {
    local file=$1 version=$2 id=$3 stage="$work/deb" ignore=()
    mkdir -p "$stage/DEBIAN" "$stage/usr/bin" "$stage/lib/systemd/system" "$stage/usr/share/doc/sweep/examples"
    install -m 0755 "$file" "$stage/usr/bin/sweep"
    install -m 0644 "$root"/cluster/systemd/*.service "$stage/lib/systemd/system/"
    install -m 0644 "$root"/cluster/systemd/*.conf.example "$stage/usr/share/doc/sweep/examples/"
    install -m 0644 "$root/README.md" "$stage/usr/share/doc/sweep/README.md"
    [ -z "$unpackaged" ] || ignore=(--ignore-missing-info)
    mkdir -p "$work/shlibs/debian"
    printf 'Source: sweep\n\nPackage: sweep\nArchitecture: amd64\n' >"$work/shlibs/debian/control"
    local depends
    depends=$(cd "$work/shlibs" && dpkg-shlibdeps "${ignore[@]}" -O "$stage/usr/bin/sweep" 2>"$work/shlibdeps.log" |
        sed -n 's/^shlibs:Depends=//p') || { cat "$work/shlibdeps.log" >&2; fail "dpkg-shlibdeps failed"; }
    [ -n "$depends" ] || { cat "$work/shlibdeps.log" >&2; fail "dpkg-shlibdeps found no dependencies"; }
    local size
    size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
    cat >"$stage/DEBIAN/control" <<EOF
Package: sweep
Version: $version
Architecture: amd64
Maintainer: Sweep developers <sweep@localhost>
Installed-Size: $size
Depends: $depends, adduser
Section: science
Priority: optional
Description: distributed hyperparameter sweeps with cross-validation
 Coordinator and workers over ZeroMQ (CURVE-encrypted), run record in SQLite.
 Built from commit $id. Includes the systemd units sweep-worker@.service and
 sweep-coordinator@.service; example configurations are in
 /usr/share/doc/sweep/examples.
EOF
    cat >"$stage/DEBIAN/postinst" <<'EOF'
#!/bin/sh
# The units run as the system user sweep; its keys live in /etc/sweep/keys (0700, owned by it:
# sweep refuses a secret key file that group or others can read).
set -e
if [ "$1" = configure ]; then
    if ! getent passwd sweep >/dev/null; then
        adduser --system --group --home /var/lib/sweep --no-create-home --shell /usr/sbin/nologin sweep
    fi
    install -d -m 0755 /etc/sweep
    install -d -m 0700 -o sweep -g sweep /etc/sweep/keys
    if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
fi
EOF
    cat >"$stage/DEBIAN/prerm" <<'EOF'
#!/bin/sh
# Removal stops the running instances (workers drain first); an upgrade leaves them running.
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
    systemctl stop 'sweep-worker@*.service' 'sweep-coordinator@*.service' || true
fi
EOF
    cat >"$stage/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
EOF
    chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$stage/DEBIAN/postrm"
    dpkg-deb --root-owner-group "${deb_compress[@]}" --build "$stage" "$out/sweep_${version}_amd64.deb" >/dev/null
}

for tool in dpkg-deb dpkg-shlibdeps strip tar gzip; do
    command -v "$tool" >/dev/null || fail "$tool is not on PATH (apt-get install dpkg-dev binutils)"
done
[ "$(uname -m)" = x86_64 ] || fail "this script packages for x86_64 (amd64); this machine is $(uname -m)"

# The commit: as given, else HEAD of this checkout, marked -dirty when tracked files differ.
if [ -z "$commit" ]; then
    git -C "$root" rev-parse --git-dir >/dev/null 2>&1 || fail "$root is not a git checkout: pass --commit ID"
    commit=$(git -C "$root" rev-parse --short=12 HEAD)
    git -C "$root" diff --quiet HEAD -- || commit="$commit-dirty"
fi
[[ "$commit" =~ ^[0-9A-Za-z._+-]{1,44}$ ]] || fail "--commit '$commit': up to 44 letters, digits or ._+-"

static_note="The Swift runtime is linked statically (swift build --static-swift-stdlib)"
if [ -z "$binary" ]; then
    command -v swift >/dev/null || fail "swift is not on PATH: install the toolchain or pass --binary PATH"
    # --static-swift-stdlib needs the toolchain's static runtime (usr/lib/swift_static).
    static=(--static-swift-stdlib)
    resources=$(swift -print-target-info 2>/dev/null | sed -n 's/.*"runtimeResourcePath": "\(.*\)".*/\1/p')
    if [ -n "$resources" ] && [ ! -e "$resources/../swift_static/linux/static-stdlib-args.lnk" ]; then
        echo "package.sh: this toolchain has no static Swift runtime; the binary will need the Swift runtime libraries" >&2
        static=() static_note="The Swift runtime is NOT linked in: this toolchain has no static runtime"
    fi
    (cd "$root" && swift build -c release "${static[@]}" --product sweep)
    binary="$(cd "$root" && swift build -c release "${static[@]}" --show-bin-path)/sweep"
fi
[ -x "$binary" ] || fail "--binary $binary is not an executable file"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The packaged copy: debug info stripped (the symbol table stays, for backtraces), then stamped.
stamped="$work/sweep"
strip --strip-debug -o "$stamped" "$binary"
stamp_commit "$stamped" "$commit"
line=$("$stamped" --version) || fail "the stamped binary does not run: $line"
[[ "$line" =~ ^sweep\ ([0-9]+\.[0-9]+\.[0-9]+[A-Za-z0-9.+~-]*)\ \(commit\ (.+)\)$ ]] ||
    fail "unexpected \`sweep --version\` output: '$line'"
version=${BASH_REMATCH[1]}
[ "${BASH_REMATCH[2]}" = "$commit" ] || fail "the stamped binary reports commit ${BASH_REMATCH[2]}, not $commit"

# Shared libraries it still needs, and what no Debian package provides (a dynamic Swift runtime).
# Each library as "soname  path  (Debian package)"; unpackaged lists those no package provides.
package_of() { dpkg -S "$1" 2>/dev/null || dpkg -S "$(readlink -f "$1")" 2>/dev/null; }
libraries="" unpackaged=""
while read -r soname path; do
    if [ -z "$path" ]; then libraries+="  $soname (kernel)"$'\n'; continue; fi
    [ "$path" != not ] || fail "ldd: $soname, which $binary needs, is not found on this machine"
    owner=$(package_of "$path" | head -1 | cut -d: -f1) || true
    libraries+="  $soname  $path  (${owner:-no Debian package})"$'\n'
    [ -n "$owner" ] || unpackaged+="$path"$'\n'
done < <(ldd "$stamped" | awk '/=>/ { print $1, $3 } /^[[:space:]]*\// { print $1, $1 } /linux-vdso/ { print $1 }')
unpackaged=${unpackaged%$'\n'}
if [ -n "$unpackaged" ]; then
    echo "package.sh: warning: these libraries come from no Debian package; install them beside the binary:" >&2
    echo "$unpackaged" | sed 's/^/  /' >&2
    static_note="The Swift runtime is NOT linked in (this binary was built without --static-swift-stdlib)"
fi

mkdir -p "$out"
build_deb "$stamped" "$version" "$commit"

# The tarball: sweep-VERSION-linux-x86_64/{bin/sweep, systemd/ (units, example confs), NOTE}.
name="sweep-$version-linux-x86_64"
tree="$work/$name"
mkdir -p "$tree/bin" "$tree/systemd"
install -m 0755 "$stamped" "$tree/bin/sweep"
install -m 0644 "$root"/cluster/systemd/*.service "$root"/cluster/systemd/*.conf.example "$tree/systemd/"
cat >"$tree/NOTE" <<EOF
sweep $version (commit $commit) for Linux x86_64.

Install: copy bin/sweep to a directory on PATH (e.g. /usr/local/bin). For the systemd units in
systemd/, the binary goes to /usr/bin/sweep (or edit ExecStart) and a system user 'sweep' runs
them: useradd --system --home-dir /var/lib/sweep --shell /usr/sbin/nologin sweep

$static_note.
The shared libraries it still needs (ldd on the build machine; the Debian package of each):
$libraries

On Debian/Ubuntu: apt-get install libzmq5 libsqlite3-0 (the others are part of the base system),
or install the .deb, which depends on exactly what it needs.
EOF
[ -z "$unpackaged" ] || printf '\nNot from any Debian package (ship them along):\n%s\n' \
    "$(echo "$unpackaged" | sed 's/^/  /')" >>"$tree/NOTE"
tar -C "$work" --owner=0 --group=0 --numeric-owner -cf - "$name" | $tar_gzip >"$out/$name.tar.gz"

echo "$out/sweep_${version}_amd64.deb"
echo "$out/$name.tar.gz"
