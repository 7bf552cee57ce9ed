#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a real, unlocked gnome-keyring Secret
# Service, in a throw-away HOME. Exits 77 (ctest's skip) when the tools are missing.
set -euo pipefail
for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool is not installed (Debian packages dbus, gnome-keyring)" >&2
        exit 77
    fi
done
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/.local/share/keyrings" "$home/runtime"
chmod 700 "$home/runtime"
export HOME="$home" XDG_RUNTIME_DIR="$home/runtime" XDG_DATA_HOME="$home/.local/share"
exec dbus-run-session -- bash -c '
    eval "$(printf "test-keyring-password" | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL ZENML_TEST_SECRET_SERVICE=1
    exec "$@"' keyring "$@"
