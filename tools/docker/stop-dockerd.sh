#!/usr/bin/env bash
# Stops a daemon started by start-dockerd.sh and deletes its state. Usage: stop-dockerd.sh <DOCKER_HOST>
set -u
sock="${1#unix://}"
state="$(dirname "$sock")"
case "$state" in /tmp/fleetscore-dockerd.*) ;; *) echo "not a fleetscore dockerd: $1" >&2; exit 1 ;; esac
pid="$(cat "$state/dockerd.pid" 2>/dev/null || true)"
if [ -n "$pid" ]; then
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
fi
pkill -f "containerd.*$state" 2>/dev/null || true
umount -R "$state/data" 2>/dev/null || true
rm -rf "$state" 2>/dev/null || true
