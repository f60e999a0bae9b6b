#!/usr/bin/env bash
# Starts a private Docker daemon for the container tests and prints its DOCKER_HOST on stdout.
# CI machines reach no container registry and have no bridge networking to offer, so: Debian's
# docker.io is installed if dockerd is missing, dockerd runs with --bridge=none --iptables=false and a
# temporary data root, and a local stand-in for node:20-bookworm-slim is imported (make-standin-base.sh)
# so the scorer's Dockerfile builds unchanged. On a normal CI runner use the runner's Docker instead:
# `docker build` pulls the real base image.
# Exit code 0: daemon ready (stdout: unix:///...sock). Otherwise stderr says why and the exit code is 1.
# Stop it with stop-dockerd.sh <state dir> (the state dir is the socket's folder).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fail() { echo "$1" >&2; exit 1; }

if ! command -v dockerd >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || fail "dockerd is not installed and apt-get is not available"
  echo "installing Debian's docker.io ..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io) >/dev/null 2>&1 \
    || fail "apt-get install docker.io failed"
fi
[ "$(id -u)" = "0" ] || fail "dockerd needs root here (running as uid $(id -u))"

state="$(mktemp -d /tmp/fleetscore-dockerd.XXXXXX)"
sock="$state/docker.sock"
dockerd --bridge=none --iptables=false --ip6tables=false \
  --data-root "$state/data" --exec-root "$state/exec" --pidfile "$state/dockerd.pid" \
  --host "unix://$sock" >"$state/dockerd.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  if DOCKER_HOST="unix://$sock" docker info >/dev/null 2>&1; then break; fi
  kill -0 "$pid" 2>/dev/null || fail "dockerd exited: $(tail -n 3 "$state/dockerd.log" | tr '\n' ' ')"
  sleep 0.5
done
DOCKER_HOST="unix://$sock" docker info >/dev/null 2>&1 || fail "dockerd did not answer within 30 s: $(tail -n 3 "$state/dockerd.log" | tr '\n' ' ')"

if ! DOCKER_HOST="unix://$sock" docker image inspect node:20-bookworm-slim >/dev/null 2>&1; then
  DOCKER_HOST="unix://$sock" "$here/make-standin-base.sh" node:20-bookworm-slim >&2 || fail "could not build the stand-in base image"
fi
echo "unix://$sock"
