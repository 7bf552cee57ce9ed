#!/usr/bin/env bash
# Stages the offline bundle's tree: both programs, every Qt plugin they need at run time,
# the libraries those need (followed through DT_NEEDED, transitively), the libraries Qt and
# QtKeychain open with dlopen, qt.conf, the desktop files, the licences of what is carried,
# and the installer scripts. Run by CPack (component "bundle") through packaging/CMakeLists.txt;
# it can also be run by hand:
#
#   packaging/make-bundle.sh --dest DIR --admin FILE --sandbox FILE --version X.Y.Z \
#       --qt-plugins DIR --source DIR
#
# Libraries named in packaging/excludelist are left to the host; everything else comes from
# the build machine (Debian 12) and gets an $ORIGIN-relative RUNPATH.
set -euo pipefail

dest="" admin="" sandbox="" version="" qt_plugins="" source_dir=""
while [ $# -gt 0 ]; do
    case "$1" in
    --dest) dest=$2; shift 2 ;;
    --admin) admin=$2; shift 2 ;;
    --sandbox) sandbox=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --qt-plugins) qt_plugins=$2; shift 2 ;;
    --source) source_dir=$2; shift 2 ;;
    *) echo "make-bundle.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
for v in dest admin sandbox version qt_plugins source_dir; do
    [ -n "${!v}" ] || { echo "make-bundle.sh: --${v//_/-} is required" >&2; exit 2; }
done
for tool in patchelf readelf ldd strip dpkg-query; do
    command -v "$tool" >/dev/null || {
        echo "make-bundle.sh: '$tool' is missing (Debian packages: patchelf binutils libc-bin dpkg)" >&2
        exit 1
    }
done

packaging="$source_dir/packaging"
resources="$source_dir/resources"
app_id=io.zenml.ProAdmin

# Plugins: required ones fail the build when missing, optional ones are carried when present.
required_plugins=(
    platforms/libqxcb.so              # the X11 window system (XWayland on Wayland desktops)
    platforms/libqoffscreen.so        # headless runs and tests
    tls/libqopensslbackend.so         # HTTPS to the control plane
    imageformats/libqsvg.so           # the SVG icon
    iconengines/libqsvgicon.so        # QIcon from SVG at any size
    sqldrivers/libqsqlite.so          # the sandbox's store
)
optional_plugins=(
    tls/libqcertonlybackend.so
    xcbglintegrations/libqxcb-glx-integration.so
    xcbglintegrations/libqxcb-egl-integration.so
    platforminputcontexts/libcomposeplatforminputcontextplugin.so  # dead keys, compose key
    platforminputcontexts/libibusplatforminputcontextplugin.so     # IBus input methods
    imageformats/libqico.so
    imageformats/libqgif.so
    imageformats/libqjpeg.so
    networkinformation/libqnetworkmanager.so
    networkinformation/libqglib.so
)
# Opened with dlopen at run time, so DT_NEEDED never names them.
#   libssl/libcrypto: Qt's OpenSSL backend; libsecret: QtKeychain's Secret Service backend.
#   libqt6keychain: carried even before the program links it, so the bundle is complete.
dlopened_libs=(libssl.so.3 libcrypto.so.3 libsecret-1.so.0 libqt6keychain.so.1)

# --- the exclude list --------------------------------------------------------------------
declare -A excluded=()
while read -r name _; do
    [ -n "$name" ] && excluded[$name]=1
done < <(sed -e 's/#.*//' "$packaging/excludelist")

# --- the tree -----------------------------------------------------------------------------
# Never clear a folder: with a wrong --prefix this could be /usr/local.
if [ -d "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
    echo "make-bundle.sh: $dest is not empty; stage the bundle into an empty folder" >&2
    exit 1
fi
mkdir -p "$dest/bin" "$dest/lib" "$dest/plugins"
declare -A carried=()      # SONAME -> source path
declare -A host_needed=()  # SONAME left to the host -> 1
queue=()

# The libraries a file needs, one line each: "host SONAME" for a name on the exclude list,
# "lib SONAME PATH" otherwise, resolved the way the loader resolves it on this machine, or
# "missing SONAME".
needed_of() {
    local file=$1 name path
    declare -A where=()
    while read -r name _ path _; do
        [ -n "$path" ] && where[$name]=$path
    done < <(ldd "$file" | grep '=>')
    while read -r name; do
        path=${where[$name]:-}
        if [ -n "${excluded[$name]:-}" ]; then
            echo "host $name"
        elif [ -z "$path" ] || [ "$path" = "not" ]; then
            echo "missing $name"
        else
            echo "lib $name $path"
        fi
    done < <(readelf -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
}

find_library() {
    local name=$1 path
    path=$(/sbin/ldconfig -p | awk -v n="$name" '$1 == n && /x86-64/ { print $NF; exit }')
    [ -n "$path" ] || { echo "make-bundle.sh: $name is not installed here" >&2; exit 1; }
    echo "$path"
}

# The original of each queued file: dependencies are resolved from the originals, so the
# result never depends on the half-built tree.
declare -A source_of=()
enqueue() {
    queue+=("$1")
    source_of[$1]=$2
}

add_library() {
    local name=$1 path=$2
    [ -n "${carried[$name]:-}" ] && return 0
    carried[$name]=$path
    install -m 0644 "$(readlink -f "$path")" "$dest/lib/$name"
    enqueue "$dest/lib/$name" "$path"
}

# The executables: stripped copies (the build tree keeps its debug information).
for exe in "$admin" "$sandbox"; do
    install -m 0755 "$exe" "$dest/bin/"
    strip --strip-unneeded --remove-section=.comment --remove-section=.note \
        "$dest/bin/$(basename "$exe")"
    patchelf --set-rpath '$ORIGIN/../lib' "$dest/bin/$(basename "$exe")"
    enqueue "$dest/bin/$(basename "$exe")" "$exe"
done

for plugin in "${required_plugins[@]}" "${optional_plugins[@]}"; do
    if [ ! -f "$qt_plugins/$plugin" ]; then
        case " ${required_plugins[*]} " in
        *" $plugin "*)
            echo "make-bundle.sh: the Qt plugin $plugin is missing from $qt_plugins" \
                "(Debian packages: libqt6gui6 libqt6network6 libqt6svg6 libqt6sql6-sqlite)" >&2
            exit 1 ;;
        esac
        echo "make-bundle.sh: optional plugin $plugin not present, not carried"
        continue
    fi
    mkdir -p "$dest/plugins/$(dirname "$plugin")"
    install -m 0644 "$qt_plugins/$plugin" "$dest/plugins/$plugin"
    patchelf --set-rpath '$ORIGIN/../../lib' "$dest/plugins/$plugin"
    enqueue "$dest/plugins/$plugin" "$qt_plugins/$plugin"
done

for name in "${dlopened_libs[@]}"; do
    add_library "$name" "$(find_library "$name")"
done

# Follow DT_NEEDED from every carried file until nothing new turns up.
i=0
while [ $i -lt ${#queue[@]} ]; do
    file=${queue[$i]}
    i=$((i + 1))
    while read -r kind name path; do
        case $kind in
        host) host_needed[$name]=1 ;;
        lib) add_library "$name" "$path" ;;
        missing)
            echo "make-bundle.sh: ${source_of[$file]} needs $name, which is not installed here" >&2
            exit 1 ;;
        esac
    done < <(needed_of "${source_of[$file]}")
done
for lib in "$dest"/lib/*; do
    patchelf --set-rpath '$ORIGIN' "$lib"
done

# qt.conf beside the executables: plugins from the bundle, never from a host Qt.
cat > "$dest/bin/qt.conf" <<'EOF'
[Paths]
Prefix = ..
Libraries = lib
Plugins = plugins
EOF

# --- desktop integration, documents, installer ---------------------------------------------
install -D -m 0644 "$resources/$app_id.desktop" "$dest/share/applications/$app_id.desktop"
install -D -m 0644 "$resources/$app_id.metainfo.xml" "$dest/share/metainfo/$app_id.metainfo.xml"
install -D -m 0644 "$resources/icons/$app_id.svg" \
    "$dest/share/icons/hicolor/scalable/apps/$app_id.svg"
doc="$dest/share/doc/zenml-pro-admin"
install -D -m 0644 "$packaging/debian/copyright" "$doc/copyright"

# The Debian package that owns a file; on a merged-/usr system the file may be registered
# under /lib while the loader names /usr/lib, or the other way round.
package_of() {
    local real candidate
    real=$(readlink -f "$1")
    for candidate in "$1" "$real" "${real#/usr}" "/usr${real}" "$(dirname "$1")/$(basename "$real")"; do
        dpkg-query -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1 && return 0
    done
    echo unknown
}

# What is carried, from which Debian package, and each package's licence text.
mkdir -p "$doc/third-party"
{
    echo "# Libraries carried by the offline bundle of ZenML Pro Admin $version."
    echo "# SONAME  Debian package  version"
    for name in $(printf '%s\n' "${!carried[@]}" | sort); do
        pkg=$(package_of "${carried[$name]}")
        ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || echo unknown)
        echo "$name $pkg $ver"
        [ -f "/usr/share/doc/$pkg/copyright" ] \
            && install -m 0644 "/usr/share/doc/$pkg/copyright" "$doc/third-party/$pkg.copyright"
    done
    for plugin in $(cd "$dest/plugins" && find . -name '*.so' | sort); do
        echo "plugins/${plugin#./} $(package_of "$qt_plugins/${plugin#./}")"
    done
} > "$doc/bundled-libraries.txt"
{
    echo "# Libraries the bundle takes from the host (packaging/excludelist): install them"
    echo "# on a system that lacks them."
    printf '%s\n' "${!host_needed[@]}" | sort
} > "$doc/host-libraries.txt"
mkdir -p "$dest/share/zenml-pro-admin"
echo "$version" > "$dest/share/zenml-pro-admin/VERSION"

install -m 0755 "$packaging/bundle/install.sh" "$dest/install.sh"
install -m 0755 "$packaging/bundle/uninstall.sh" "$dest/share/zenml-pro-admin/uninstall.sh"

echo "make-bundle.sh: $(ls "$dest/lib" | wc -l) libraries, $(find "$dest/plugins" -name '*.so' | wc -l)" \
    "plugins, $(du -sh "$dest" | cut -f1) unpacked, in $dest"
