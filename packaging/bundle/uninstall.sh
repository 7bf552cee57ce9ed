#!/bin/sh
# Removes an installation of the ZenML Pro Admin offline bundle: every file and link listed in
# the manifest the installer wrote beside this script, then every folder the installer
# created, when it is empty. Files the program wrote at run time (settings under ~/.config,
# secrets in the keychain) belong to the user and stay.
set -eu

quiet=false
case "${1:-}" in
--quiet) quiet=true ;;
--help | -h)
    echo "Usage: $0 [--quiet]   remove ZenML Pro Admin as the offline installer put it"
    exit 0 ;;
"") ;;
*) echo "Usage: $0 [--quiet]" >&2; exit 2 ;;
esac

state=$(dirname "$(readlink -f "$0")")
manifest="$state/install-manifest"
[ -f "$manifest" ] || { echo "$0: no manifest at $manifest; nothing to remove" >&2; exit 1; }
say() { $quiet || echo "$@"; }

# Read the whole manifest first: it lists itself and is removed on the way.
entries=$(cat "$manifest")
prefix=$(dirname "$(dirname "$state")")
say "Removing ZenML Pro Admin from $prefix"

echo "$entries" | while IFS= read -r entry; do
    case "$entry" in
    "f "* | "l "*) rm -f -- "${entry#??}" ;;
    esac
done

# Folders deepest first (reverse order puts a folder after everything inside it); a folder
# that holds something the installer did not put there is kept.
echo "$entries" | sed -n 's/^d //p' | sort -r | while IFS= read -r dir; do
    if [ -d "$dir" ] && ! rmdir -- "$dir" 2>/dev/null; then
        echo "Kept $dir: it holds files this installer did not put there" >&2
    fi
done
say "Removed."
