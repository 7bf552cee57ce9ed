#!/bin/sh
# The offline bundle's installer. The self-extracting file unpacks the bundle into a
# temporary folder and runs this script from there; it copies the bundle into the program
# folder, links the programs into a bin folder on PATH, adds the desktop entry, the AppStream
# metainfo and the icon, and writes a manifest of everything it created, which
# uninstall.sh reads to remove exactly that. It needs no network and no tool beyond a POSIX
# shell and coreutils.
set -eu

app_id=io.zenml.ProAdmin
here=$(cd "$(dirname "$0")" && pwd)
version=$(cat "$here/share/zenml-pro-admin/VERSION")
self_name=${ZENML_INSTALLER_NAME:-install.sh}

usage() {
    cat <<EOF
ZenML Pro Admin $version, offline installer (Linux x86-64; needs no Qt on the system).

Usage: $self_name [--user | --system] [--prefix DIR]

  --user         install for the current user (the default):
                   program folder  ~/.local/lib/zenml-pro-admin
                   commands        ~/.local/bin/zenml-pro-admin, zenml-pro-sandbox
                   desktop entry   ~/.local/share/applications, icon, metainfo
  --system       install for every user (run as root):
                   program folder  /opt/zenml-pro-admin
                   commands        /usr/local/bin/zenml-pro-admin, zenml-pro-sandbox
                   desktop entry   /usr/local/share/applications, icon, metainfo
  --prefix DIR   put the program folder at DIR instead
  --version      print the version this installer carries
  --help         print this help

Uninstall with  zenml-pro-admin-uninstall  (linked beside the commands), or run
DIR/share/zenml-pro-admin/uninstall.sh. Installing again over an earlier installation
uninstalls that one first.
EOF
}

die() {
    echo "$self_name: $*" >&2
    exit 1
}

mode=user
prefix=""
while [ $# -gt 0 ]; do
    case "$1" in
    --user) mode=user ;;
    --system) mode=system ;;
    --prefix) [ $# -ge 2 ] || die "--prefix needs a folder"; prefix=$2; shift ;;
    --prefix=*) prefix=${1#--prefix=} ;;
    --version) echo "ZenML Pro Admin $version"; exit 0 ;;
    --help | -h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
    shift
done

if [ "$mode" = system ]; then
    [ "$(id -u)" -eq 0 ] || die "--system installs for every user and needs root (try sudo)"
    prefix=${prefix:-/opt/zenml-pro-admin}
    bindir=/usr/local/bin
    datadir=/usr/local/share
else
    [ -n "${HOME:-}" ] || die "HOME is not set; use --system or set HOME"
    prefix=${prefix:-$HOME/.local/lib/zenml-pro-admin}
    bindir=$HOME/.local/bin
    datadir=${XDG_DATA_HOME:-$HOME/.local/share}
fi
case "$prefix" in
/*) ;;
*) prefix=$(pwd)/$prefix ;;
esac
prefix=${prefix%/}
# The desktop entry names the program by its path; keep that path free of characters the
# Exec key would need escaped.
case "$prefix" in
*[!A-Za-z0-9/._+@-]*) die "the folder '$prefix' has characters other than letters, digits and /._+@-" ;;
esac

state="$prefix/share/zenml-pro-admin"
manifest="$state/install-manifest"

# An earlier installation in the same place is removed first, through its own manifest.
if [ -f "$manifest" ] && [ -x "$state/uninstall.sh" ]; then
    echo "Removing the installation already in $prefix first"
    "$state/uninstall.sh" --quiet
elif [ -e "$prefix" ] && [ -n "$(ls -A "$prefix" 2>/dev/null)" ]; then
    die "$prefix exists and was not made by this installer; choose another --prefix"
fi

# Refuse before changing anything when a command or desktop file of someone else is in the way.
for target in "$bindir/zenml-pro-admin" "$bindir/zenml-pro-sandbox" \
    "$bindir/zenml-pro-admin-uninstall" "$datadir/applications/$app_id.desktop" \
    "$datadir/metainfo/$app_id.metainfo.xml" "$datadir/icons/hicolor/scalable/apps/$app_id.svg"; do
    if [ -e "$target" ] || [ -L "$target" ]; then
        die "$target already exists (another installation, or the Debian package?); remove it first"
    fi
done

# Everything created is appended to a list first, which becomes the manifest at the end.
record=$(mktemp)
trap 'rm -f "$record"' EXIT

# mkdir -p that records each folder it had to create, outermost first.
make_dir() {
    [ -d "$1" ] && return 0
    make_dir "$(dirname "$1")"
    mkdir "$1"
    echo "d $1" >> "$record"
}

put_file() { # source destination mode
    make_dir "$(dirname "$2")"
    cp "$1" "$2"
    chmod "$3" "$2"
    echo "f $2" >> "$record"
}

put_link() { # target link
    make_dir "$(dirname "$2")"
    ln -s "$1" "$2"
    echo "l $2" >> "$record"
}

echo "Installing ZenML Pro Admin $version into $prefix"
make_dir "$prefix"
(cd "$here" && find . -mindepth 1 ! -path ./install.sh | sort) | while IFS= read -r path; do
    path=${path#./}
    if [ -d "$here/$path" ]; then
        make_dir "$prefix/$path"
    elif [ -x "$here/$path" ] && [ "${path#lib/}" = "$path" ] && [ "${path#plugins/}" = "$path" ]; then
        put_file "$here/$path" "$prefix/$path" 0755
    else
        put_file "$here/$path" "$prefix/$path" 0644
    fi
done

put_link "$prefix/bin/zenml-pro-admin" "$bindir/zenml-pro-admin"
put_link "$prefix/bin/zenml-pro-sandbox" "$bindir/zenml-pro-sandbox"
put_link "$state/uninstall.sh" "$bindir/zenml-pro-admin-uninstall"

# The desktop entry starts the program by its full path, so it works whether or not the
# bin folder is on the session's PATH.
make_dir "$datadir/applications"
sed "s|^Exec=zenml-pro-admin|Exec=$prefix/bin/zenml-pro-admin|" \
    "$here/share/applications/$app_id.desktop" > "$datadir/applications/$app_id.desktop"
chmod 0644 "$datadir/applications/$app_id.desktop"
echo "f $datadir/applications/$app_id.desktop" >> "$record"
put_file "$here/share/metainfo/$app_id.metainfo.xml" "$datadir/metainfo/$app_id.metainfo.xml" 0644
put_file "$here/share/icons/hicolor/scalable/apps/$app_id.svg" \
    "$datadir/icons/hicolor/scalable/apps/$app_id.svg" 0644

# The manifest lists itself, so that the uninstaller leaves nothing behind.
echo "f $manifest" >> "$record"
cp "$record" "$manifest"
chmod 0644 "$manifest"

echo "Installed. Start it with: $bindir/zenml-pro-admin"
echo "Remove it with:           $bindir/zenml-pro-admin-uninstall"
case ":${PATH:-}:" in
*":$bindir:"*) ;;
*) echo "Note: $bindir is not on your PATH; add it, or use the full paths above." ;;
esac
