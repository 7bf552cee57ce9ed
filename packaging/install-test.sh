#!/usr/bin/env bash
# The install test (ctest: install_bundle). Builds both packages with cpack, checks the .deb
# (dpkg --contents, control fields, lintian), then proves the offline bundle on a bare
# Debian 12: a `debootstrap --variant=minbase` root holding only the libraries on
# packaging/excludelist (packaging/test-root-packages) and nothing from Qt. Inside that root,
# in a private mount namespace and a network namespace with nothing but loopback
# (`unshare --mount --net`), it installs the bundle system-wide and per user, runs the
# programs on the offscreen platform, and checks that uninstalling leaves no file behind.
#
#   install-test.sh --build-dir DIR --version X.Y.Z --deb-version X.Y.Z-N --probe FILE
#
# Needs root, debootstrap, lintian, patchelf and util-linux's unshare; installs debootstrap,
# lintian and patchelf with apt-get when they are missing. Without root or debootstrap it
# says SKIP and exits 77, which ctest reports as skipped. The root is cached in /var/cache/zenml-pro-admin-test
# (ZENML_TEST_CACHE), keyed by the package list; ZENML_TEST_MIRROR picks the Debian mirror.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
app_id=io.zenml.ProAdmin
prefix=/opt/zenml-pro-admin
run_path=/usr/local/bin:/usr/bin:/bin

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }

# ------------------------------------------------------------------------------------------
# Phase 2, run by phase 1 under `unshare --mount --net --fork`: everything inside the root.
# ------------------------------------------------------------------------------------------
in_namespace() {
    : "${ROOT:?}" "${WORK:?}" "${VERSION:?}" "${BUNDLE_NAME:?}"
    # Mounts made here vanish with the namespace; the trap unmounts them anyway, innermost
    # first, so that nothing is left mounted even if the namespace outlived this shell.
    cleanup_mounts() {
        for m in dev/shm dev/null dev/zero dev/full dev/random dev/urandom dev/tty dev proc; do
            mountpoint -q "$ROOT/$m" 2>/dev/null && umount -l "$ROOT/$m" || true
        done
    }
    # Every process whose root is this root was started by this test (the sandbox, or one the
    # window started and left behind when it was stopped).
    kill_root_processes() {
        local p
        for p in /proc/[0-9]*; do
            [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && kill -KILL "${p#/proc/}" 2>/dev/null
        done
        return 0
    }
    trap 'kill_root_processes; cleanup_mounts' EXIT
    mount -t proc proc "$ROOT/proc"
    mount -t tmpfs -o mode=0755,size=1m tmpfs "$ROOT/dev"
    for node in null zero full random urandom tty; do
        touch "$ROOT/dev/$node"
        mount --bind "/dev/$node" "$ROOT/dev/$node"
    done
    mkdir -p "$ROOT/dev/shm" && mount -t tmpfs -o mode=1777,size=16m tmpfs "$ROOT/dev/shm"
    ip link set lo up

    step "No network in the namespace"
    # 151.101.2.132 is one of deb.debian.org's addresses; any outside address would do.
    if chroot "$ROOT" bash -c 'exec 3<>/dev/tcp/151.101.2.132/80' 2>/dev/null; then
        fail "the namespace reaches the internet; the test must run without network"
    fi
    echo "ok: only loopback (unshare --net)"

    # Runs a program in the root as an unprivileged user (uid 1000, as a person would) with a
    # clean environment and a scratch HOME outside the checked part of the tree: what the
    # program writes for itself (settings, font caches) is not the installer's business.
    in_root() {
        chroot --userspec=1000:1000 "$ROOT" /usr/bin/env -i PATH="$run_path" HOME=/tmp/run-home \
            XDG_RUNTIME_DIR=/tmp/run-xdg QT_QPA_PLATFORM=offscreen LANG=C.UTF-8 "$@"
    }
    install -d -o 1000 -g 1000 -m 0755 "$ROOT/tmp/run-home"
    install -d -o 1000 -g 1000 -m 0700 "$ROOT/tmp/run-xdg"

    step "No Qt on the system"
    qt_packages=$(chroot "$ROOT" dpkg-query -W -f='${Package}\n' | grep -i qt || true)
    [ -z "$qt_packages" ] || fail "Qt packages in the root: $qt_packages"
    qt_files=$(find "$ROOT" -xdev \( -name 'libQt*' -o -name 'libqt*' \) -print)
    [ -z "$qt_files" ] || fail "Qt libraries in the root: $qt_files"
    echo "ok: dpkg -l | grep -i qt is empty, no libQt* file"

    # The tree, without the scratch and kernel folders; type, size and mode of each entry.
    snapshot() {
        (cd "$ROOT" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./tmp -o -path ./sys \
            -o -path ./run \) -prune -o -printf '%p %y %s %m\n' | sort)
    }

    snapshot > "$WORK/before-system.txt"

    step "Install system-wide (--system) into $prefix"
    chroot "$ROOT" /usr/bin/env -i PATH="$run_path" HOME=/root sh "/tmp/$BUNDLE_NAME" --system
    for f in "$prefix/bin/zenml-pro-admin" "$prefix/bin/zenml-pro-sandbox" "$prefix/bin/qt.conf" \
        /usr/local/bin/zenml-pro-admin /usr/local/bin/zenml-pro-sandbox \
        /usr/local/share/applications/$app_id.desktop /usr/local/share/metainfo/$app_id.metainfo.xml \
        /usr/local/share/icons/hicolor/scalable/apps/$app_id.svg; do
        chroot "$ROOT" test -e "$f" || fail "$f is missing after the installation"
    done
    grep -q "^Exec=$prefix/bin/zenml-pro-admin" "$ROOT/usr/local/share/applications/$app_id.desktop" \
        || fail "the installed desktop entry does not start $prefix/bin/zenml-pro-admin"

    step "Every library the bundle needs is inside it or on the exclude list"
    declare -A excluded=()
    while read -r name _; do [ -n "$name" ] && excluded[$name]=1; done \
        < <(sed -e 's/#.*//' "$here/excludelist")
    checked=0
    while IFS= read -r file; do
        rel=${file#"$ROOT"}
        resolved=$(chroot "$ROOT" ldd "$rel" 2>&1) || fail "ldd $rel: $resolved"
        if grep -q 'not found' <<<"$resolved"; then
            fail "$rel: $(grep 'not found' <<<"$resolved" | tr -s ' \t' ' ')"
        fi
        for name in $(readelf -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
            [ -n "${excluded[$name]:-}" ] && continue
            path=$(awk -v n="$name" '$1 == n { print $3 }' <<<"$resolved")
            [ -n "$path" ] && path=$(realpath -ms -- "$path")
            case "$path" in
            "$prefix/lib/"*) ;;
            *) fail "$rel needs $name, which is neither carried nor excluded (resolved: ${path:-nothing})" ;;
            esac
        done
        checked=$((checked + 1))
    done < <(find "$ROOT$prefix" -type f \( -path "*/bin/*" -o -name '*.so*' \) ! -name qt.conf)
    echo "ok: $checked ELF files; no 'not found'; every non-excluded need resolves into $prefix/lib"

    step "zenml-pro-admin --version"
    got=$(in_root zenml-pro-admin --version 2>/dev/null)
    [ "$got" = "ZenML Pro Admin $VERSION" ] || fail "--version printed '$got', expected 'ZenML Pro Admin $VERSION'"
    echo "ok: $got"
    got=$(in_root zenml-pro-sandbox --version 2>/dev/null)
    [ "$got" = "zenml-pro-sandbox $VERSION" ] || fail "zenml-pro-sandbox --version printed '$got'"
    echo "ok: $got"

    step "TLS (OpenSSL), SVG, SQLite and libsecret load from the bundle (zenml-bundle-probe)"
    install -m 0755 "$WORK/zenml-bundle-probe" "$ROOT$prefix/bin/zenml-bundle-probe"
    probe_status=0
    in_root "$prefix/bin/zenml-bundle-probe" "$prefix/share/icons/hicolor/scalable/apps/$app_id.svg" \
        > "$WORK/probe.txt" 2>&1 || probe_status=$?
    rm -f "$ROOT$prefix/bin/zenml-bundle-probe"
    grep -v '^mapped ' "$WORK/probe.txt"
    [ $probe_status -eq 0 ] || fail "the probe failed (exit $probe_status)"
    grep -q "^ok   platform offscreen, plugins from $prefix/plugins\$" "$WORK/probe.txt" \
        || fail "Qt did not take its plugins from $prefix/plugins (qt.conf)"
    # A library the bundle carries may still come from the host when a host library on the
    # exclude list needs it and is loaded first (libdbus-1 pulls libsystemd, which pulls
    # libgcrypt): the process then shares the host's copy. Anything else is a failure.
    soname_of() {
        local name
        name=$(readelf -d "$ROOT$1" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
        echo "${name:-$(basename "$1")}"
    }
    host_libs=() host_paths=()
    while read -r _ path; do
        case "$path" in
        "$prefix/"*) ;;
        *) host_libs+=("$(soname_of "$path")"); host_paths+=("$path") ;;
        esac
    done < <(grep '^mapped .*\.so' "$WORK/probe.txt")
    declare -A via_excluded=()
    for i in "${!host_libs[@]}"; do
        [ -n "${excluded[${host_libs[$i]}]:-}" ] || continue
        while read -r name _; do via_excluded[$name]=1; done \
            < <(chroot "$ROOT" ldd "${host_paths[$i]}" 2>/dev/null | grep '=>')
    done
    shared=()
    for name in "${host_libs[@]}"; do
        [ -e "$ROOT$prefix/lib/$name" ] || continue
        [ -n "${via_excluded[$name]:-}" ] \
            || fail "$name is carried by the bundle but was loaded from the host"
        shared+=("$name")
    done
    echo "ok: host libraries mapped: ${host_libs[*]}"
    [ ${#shared[@]} -eq 0 ] \
        || echo "note: carried, but shared with the host's excluded libraries' own needs: ${shared[*]}"

    step "The sandbox starts and answers a login"
    admin_password=install-test-admin-password
    chroot --userspec=1000:1000 "$ROOT" /usr/bin/env -i PATH="$run_path" HOME=/tmp/run-home \
        LANG=C.UTF-8 SANDBOX_ADMIN_PASSWORD="$admin_password" \
        zenml-pro-sandbox --port 0 --seed 25 > "$WORK/sandbox.out" 2> "$WORK/sandbox.err" &
    sandbox_pid=$!
    stop_sandbox() { kill -TERM "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null || true; }
    trap 'stop_sandbox; kill_root_processes; cleanup_mounts' EXIT
    for _ in $(seq 100); do
        grep -q '^Admin password: ' "$WORK/sandbox.out" && break
        kill -0 "$sandbox_pid" 2>/dev/null || fail "the sandbox ended: $(cat "$WORK/sandbox.err")"
        sleep 0.2
    done
    api_root=$(sed -n 's/^API root: //p' "$WORK/sandbox.out")
    [ -n "$api_root" ] || fail "the sandbox printed no API root: $(cat "$WORK/sandbox.out" "$WORK/sandbox.err")"
    [ "$(sed -n 's/^Admin password: //p' "$WORK/sandbox.out")" = "$admin_password" ] \
        || fail "the sandbox did not take SANDBOX_ADMIN_PASSWORD"
    port=$(sed -n 's|^http://127\.0\.0\.1:\([0-9]*\)/api/v1$|\1|p' <<<"$api_root")
    [ -n "$port" ] || fail "unexpected API root '$api_root'"
    echo "sandbox at $api_root"
    # A raw HTTP request with the root's own bash (there is no curl in a bare root).
    body="username=admin&password=$admin_password"
    # The server keeps the connection open: read the headers, then Content-Length bytes.
    answer=$(chroot "$ROOT" /bin/bash -c '
        exec 3<>"/dev/tcp/127.0.0.1/$1"
        printf "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %s\r\n\r\n%s" \
            "$1" "${#2}" "$2" >&3
        length=0
        while IFS= read -r -t 10 line <&3; do
            line=${line%$'"'"'\r'"'"'}
            printf "%s\n" "$line"
            [ -z "$line" ] && break
            case ${line,,} in content-length:*) length=${line#*: } ;; esac
        done
        timeout 10 head -c "$length" <&3' bash "$port" "$body") || fail "no answer to the login: $answer"
    head -1 <<<"$answer"
    grep -q '^HTTP/1.1 200' <<<"$answer" || fail "login answered: $answer"
    grep -q '"access_token"' <<<"$answer" || fail "the login answer carries no access_token: $answer"
    echo "ok: 200 with an access token"

    step "zenml-pro-admin lists the sandbox's users (offscreen)"
    # The command line is there when "users list --help" names --password-stdin (a build
    # without it prints the window's help, which does not).
    if in_root zenml-pro-admin users list --help 2>&1 | grep -q -- '--password-stdin'; then
        listing_status=0
        printf '%s\n' "$admin_password" | in_root \
            timeout 60 zenml-pro-admin users list --server "$api_root" --username admin \
            --password-stdin --format json > "$WORK/users.json" 2> "$WORK/users.err" \
            || listing_status=$?
        [ $listing_status -eq 0 ] || fail "users list failed ($listing_status): $(cat "$WORK/users.err")"
        grep -q '"admin"' "$WORK/users.json" || fail "the listing lacks the admin: $(head -c 2000 "$WORK/users.json")"
        listed=$(grep -o '"username"' "$WORK/users.json" | wc -l)
        [ "$listed" -ge 26 ] || fail "the listing names $listed users, expected the admin and 25 seeded"
        echo "ok: users list --format json named $listed users"
    else
        # Known limitation: until the program has its command line, this step can only show
        # that the window starts on the offscreen platform, finds the sandbox beside itself
        # and keeps running.
        echo "WARNING: zenml-pro-admin has no 'users' command yet; running the window instead"
        gui_status=0
        in_root timeout 6 zenml-pro-admin --sandbox --sandbox-users 5 > "$WORK/gui.out" 2>&1 \
            || gui_status=$?
        [ $gui_status -eq 124 ] || fail "the window ended early ($gui_status): $(cat "$WORK/gui.out")"
        echo "ok: zenml-pro-admin --sandbox ran 6 s on the offscreen platform (stopped by timeout)"
    fi
    stop_sandbox
    kill_root_processes
    trap 'kill_root_processes; cleanup_mounts' EXIT

    step "Uninstall leaves no file behind"
    chroot "$ROOT" /usr/bin/env -i PATH="$run_path" HOME=/root zenml-pro-admin-uninstall
    snapshot > "$WORK/after-system.txt"
    diff -u "$WORK/before-system.txt" "$WORK/after-system.txt" \
        || fail "the tree differs after uninstalling (above)"
    echo "ok: the tree is as before the installation ($(wc -l < "$WORK/before-system.txt") entries)"

    step "Install per user (default), as an unprivileged user, and uninstall"
    install -d -o 1000 -g 1000 -m 0755 "$ROOT/home/tester"
    install -d -o 1000 -g 1000 -m 0700 "$ROOT/tmp/run-xdg-1000"
    snapshot > "$WORK/before-user.txt"
    as_user() {
        chroot --userspec=1000:1000 "$ROOT" /usr/bin/env -i PATH="/home/tester/.local/bin:$run_path" \
            HOME=/home/tester XDG_RUNTIME_DIR=/tmp/run-xdg-1000 XDG_CACHE_HOME=/tmp/run-xdg-1000/cache \
            XDG_CONFIG_HOME=/tmp/run-xdg-1000/config QT_QPA_PLATFORM=offscreen LANG=C.UTF-8 "$@"
    }
    as_user sh "/tmp/$BUNDLE_NAME"
    for f in .local/lib/zenml-pro-admin/bin/zenml-pro-admin .local/bin/zenml-pro-admin \
        .local/share/applications/$app_id.desktop .local/share/icons/hicolor/scalable/apps/$app_id.svg; do
        chroot "$ROOT" test -e "/home/tester/$f" || fail "~/$f is missing after the per-user installation"
    done
    got=$(as_user zenml-pro-admin --version 2>/dev/null)
    [ "$got" = "ZenML Pro Admin $VERSION" ] || fail "per-user --version printed '$got'"
    echo "ok: $got from ~/.local/bin"
    as_user zenml-pro-admin-uninstall
    snapshot > "$WORK/after-user.txt"
    diff -u "$WORK/before-user.txt" "$WORK/after-user.txt" \
        || fail "the tree differs after the per-user uninstall (above)"
    echo "ok: nothing left in ~/.local"
    rm -rf "$ROOT/home/tester"
}

# ------------------------------------------------------------------------------------------
# Phase 1: preconditions, packages, the .deb, the root.
# ------------------------------------------------------------------------------------------
main() {
    build_dir="" version="" deb_version="" probe=""
    while [ $# -gt 0 ]; do
        case "$1" in
        --build-dir) build_dir=$2; shift 2 ;;
        --version) version=$2; shift 2 ;;
        --deb-version) deb_version=$2; shift 2 ;;
        --probe) probe=$2; shift 2 ;;
        *) echo "usage: $0 --build-dir DIR --version X.Y.Z --deb-version X.Y.Z-N --probe FILE" >&2; exit 2 ;;
        esac
    done
    [ -n "$build_dir" ] && [ -n "$version" ] && [ -n "$deb_version" ] && [ -n "$probe" ] \
        || { echo "usage: $0 --build-dir DIR --version X.Y.Z --deb-version X.Y.Z-N --probe FILE" >&2; exit 2; }

    step "Preconditions"
    [ "$(id -u)" -eq 0 ] \
        || skip "the install test needs root (debootstrap, chroot, mount namespaces); run ctest as root"
    [ "$(uname -m)" = x86_64 ] || skip "the bundle is built for x86-64 only, this is $(uname -m)"
    for tool in unshare chroot mountpoint ip readelf cpack dpkg-deb; do
        command -v "$tool" >/dev/null \
            || skip "'$tool' is missing (Debian packages: util-linux coreutils iproute2 binutils cmake dpkg)"
    done
    missing=()
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v lintian >/dev/null || missing+=(lintian)
    command -v patchelf >/dev/null || missing+=(patchelf)  # cpack's make-bundle.sh
    if [ ${#missing[@]} -gt 0 ]; then
        echo "Installing ${missing[*]} with apt-get"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends "${missing[@]}"; } >/dev/null 2>&1 \
            || skip "${missing[*]} missing and apt-get could not install them (Debian packages: ${missing[*]})"
    fi
    unshare --mount --net --fork true 2>/dev/null \
        || skip "this machine does not allow mount and network namespaces (unshare --mount --net)"
    echo "ok: root, debootstrap, lintian, unshare --mount --net"

    cache=${ZENML_TEST_CACHE:-/var/cache/zenml-pro-admin-test}
    mirror=${ZENML_TEST_MIRROR:-http://deb.debian.org/debian}
    mkdir -p "$cache"
    work=$(mktemp -d /var/tmp/zenml-install-test.XXXXXX)
    cleanup() {
        # Never delete through a mount: the namespace's mounts are gone by now, but check.
        if grep -q " $work/" /proc/self/mounts; then
            echo "warning: mounts left under $work; not deleting it" >&2
            return
        fi
        rm -rf --one-file-system "$work"
    }
    trap cleanup EXIT

    step "cpack: the .deb and the offline bundle"
    (cd "$build_dir" && cpack -B "$work/packages" > "$work/cpack.log" 2>&1) \
        || { cat "$work/cpack.log"; fail "cpack failed"; }
    deb="$work/packages/zenml-pro-admin_${deb_version}_amd64.deb"
    bundle="$work/packages/zenml-pro-admin-${version}-linux-x86_64-offline.sh"
    [ -f "$deb" ] || fail "cpack made no $(basename "$deb"): $(ls "$work/packages")"
    [ -f "$bundle" ] || fail "cpack made no $(basename "$bundle"): $(ls "$work/packages")"
    ls -l "$deb" "$bundle" | awk '{ print $5, $9 }'

    step "The .deb: dpkg --contents and control fields"
    dpkg --contents "$deb" | awk '{ print $6 }' > "$work/deb-contents.txt"
    for f in ./usr/bin/zenml-pro-admin ./usr/bin/zenml-pro-sandbox \
        ./usr/share/applications/$app_id.desktop ./usr/share/metainfo/$app_id.metainfo.xml \
        ./usr/share/icons/hicolor/scalable/apps/$app_id.svg \
        ./usr/share/man/man1/zenml-pro-admin.1.gz ./usr/share/man/man1/zenml-pro-sandbox.1.gz \
        ./usr/share/doc/zenml-pro-admin/copyright ./usr/share/doc/zenml-pro-admin/changelog.Debian.gz; do
        grep -qxF "$f" "$work/deb-contents.txt" || fail "the .deb lacks $f"
    done
    unexpected=$(grep -vE '^\./usr/(bin|share)/' "$work/deb-contents.txt" | grep -vxE '\./usr/' || true)
    [ -z "$unexpected" ] || fail "the .deb installs outside /usr/bin and /usr/share: $unexpected"
    [ "$(dpkg-deb -f "$deb" Version)" = "$deb_version" ] || fail "the .deb's version is not $deb_version"
    depends=$(dpkg-deb -f "$deb" Depends)
    for dep in libqt6core6 libqt6gui6 libqt6widgets6 libqt6network6 libqt6sql6 libqt6httpserver6 \
        libqt6svg6 libqt6sql6-sqlite; do
        grep -qE "(^|, )$dep( |,|$)" <<<"$depends" || fail "Depends lacks $dep: $depends"
    done
    dpkg-deb -x "$deb" "$work/deb-tree"
    if readelf -d "$work/deb-tree/usr/bin/zenml-pro-admin" | grep -q 'libqt6keychain'; then
        grep -qE "(^|, )libqt6keychain1( |,|$)" <<<"$depends" || fail "Depends lacks libqt6keychain1: $depends"
    fi
    for exe in "$work"/deb-tree/usr/bin/*; do
        if readelf -d "$exe" | grep -qE '\((RPATH|RUNPATH)\)'; then
            fail "$(basename "$exe") in the .deb carries an RPATH"
        fi
    done
    echo "ok: $(wc -l < "$work/deb-contents.txt") entries under /usr; Depends: $depends"

    step "The .deb: lintian"
    lintian_status=0
    # Everything, overridden tags included, for the log; the verdict from a run without
    # --show-overrides (with it, lintian fails on overridden warnings too).
    lintian --fail-on none --display-info --pedantic --show-overrides "$deb" 2>&1 \
        | grep -v 'running with root privileges' || true
    lintian --fail-on error,warning "$deb" > "$work/lintian.txt" 2>&1 || lintian_status=$?
    [ $lintian_status -eq 0 ] || fail "lintian reports errors or warnings (see packaging/lintian-notes.md)"
    echo "ok: no lintian error or warning (overrides and info tags: packaging/lintian-notes.md)"

    step "The bare Debian 12 root"
    packages=$(sed -e 's/#.*//' "$here/test-root-packages" | tr -s ' \t\n' '\n' | grep . | sort)
    key=$(printf 'bookworm minbase v1\n%s\n' "$packages" | sha256sum | cut -c1-16)
    cached="$cache/root-$key"
    if [ ! -f "$cached/.complete" ]; then
        echo "No cached root for this package list; debootstrap bookworm from $mirror (a few minutes)"
        rm -rf --one-file-system "$cached"
        debootstrap --variant=minbase --include="$(paste -sd, <<<"$packages")" \
            bookworm "$cached.new" "$mirror" > "$work/debootstrap.log" 2>&1 \
            || { tail -30 "$work/debootstrap.log"; skip "debootstrap failed (no mirror reachable?)"; }
        rm -f "$cached.new"/var/cache/apt/archives/*.deb "$cached.new"/var/lib/apt/lists/*_Packages
        mv "$cached.new" "$cached"
        touch "$cached/.complete"
        # Keep only the root for the current list.
        for old in "$cache"/root-*; do
            [ "$old" = "$cached" ] || rm -rf --one-file-system "$old"
        done
    else
        echo "Cached root $cached"
    fi
    cp -a "$cached" "$work/root"
    rm -f "$work/root/.complete"

    install -m 0755 "$bundle" "$work/root/tmp/$(basename "$bundle")"
    install -m 0755 "$probe" "$work/zenml-bundle-probe"
    echo "bundle $(basename "$bundle"): $(du -h "$bundle" | cut -f1)"

    step "Into the root: unshare --mount --net, chroot"
    ROOT="$work/root" WORK="$work" VERSION="$version" BUNDLE_NAME="$(basename "$bundle")" \
        SECONDS=$SECONDS unshare --mount --net --fork --propagation private -- "$0" --in-namespace
    printf '\nPASS: install test (%ss)\n' "$SECONDS"
}

# Both phases are functions, so bash has read the whole file before anything runs (an edit to
# the script during a run cannot shift what the running shell reads next).
if [ "${1:-}" = "--in-namespace" ]; then
    in_namespace
else
    main "$@"
fi
exit 0
