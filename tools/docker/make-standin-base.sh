#!/usr/bin/env bash
# Builds a local stand-in for the `node:20-bookworm-slim` base image, for machines that cannot reach a
# container registry (our CI machines): a root filesystem with this machine's `node` binary, the glibc
# libraries it and onnxruntime-node link against, and the `node` user (uid 1000) of the official image,
# imported with `docker import`. On a normal CI runner none of this runs: `docker build` pulls the real
# image. Usage: make-standin-base.sh [tag]   (DOCKER_HOST selects the daemon)
set -euo pipefail
tag="${1:-node:20-bookworm-slim}"
node_bin="$(command -v node)"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/usr/local/bin" "$root/tmp" "$root/etc" "$root/home/node" "$root/app"
chmod 1777 "$root/tmp"
cp "$node_bin" "$root/usr/local/bin/node"

# Every shared library node and the onnxruntime binding load, at the same paths (plus the loader).
libs="$(ldd "$node_bin" | awk '/=>/ {print $3} /ld-linux/ {print $1}')"
libs="$libs /lib/x86_64-linux-gnu/librt.so.1 /lib/x86_64-linux-gnu/libdl.so.2 /lib/x86_64-linux-gnu/libpthread.so.0"
for lib in $libs; do
  [ -e "$lib" ] || continue
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

cat > "$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/usr/sbin/nologin
node:x:1000:1000::/home/node:/usr/sbin/nologin
PASSWD
cat > "$root/etc/group" <<'GROUP'
root:x:0:
node:x:1000:
GROUP
chown -R 1000:1000 "$root/home/node"

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin NODE_VERSION=20' \
  --change 'CMD ["node"]' \
  --message "fleetscore stand-in for $tag ($(node --version) from this machine)" \
  - "$tag" >/dev/null
echo "stand-in base image $tag: node $(node --version), $(du -sh "$root" | cut -f1)"
