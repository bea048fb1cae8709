#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked GNOME Keyring, the OS keychain Ferry uses on Linux.
# CI runs `npm test` through it; on a desktop session the real keychain is already there and this is not needed.
set -euo pipefail
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "with-keyring.sh: dbus-run-session or gnome-keyring-daemon is missing (apt-get install dbus gnome-keyring)" >&2
  exit 1
fi
scratch="$(mktemp -d -t ferry-keyring-XXXXXX)"
chmod 700 "$scratch"
mkdir -m 700 -p "$scratch/run" "$scratch/data" "$scratch/config"
export XDG_RUNTIME_DIR="$scratch/run" XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config"
# A display would let a locked keyring open a prompt and hang the tests.
unset DISPLAY WAYLAND_DISPLAY
trap 'rm -rf "$scratch"' EXIT
dbus-run-session -- bash -c '
  printf %s ferry-test | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
  keyring=$!
  for _ in $(seq 1 200); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true" && break
    sleep 0.05
  done
  set +e
  "$@"
  rc=$?
  kill "$keyring" 2>/dev/null
  wait "$keyring" 2>/dev/null
  exit $rc' with-keyring "$@"
