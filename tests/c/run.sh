#!/usr/bin/env bash
# Runs the C tests of console-tls:
#
#   tests/c/run.sh
#
# 1. builds libconsole_tls (debug profile, into cargo's target directory),
# 2. fails when the committed include/console_tls.h is not what the build generated,
# 3. makes a throwaway PKI with openssl (tests/c/make-pki.sh),
# 4. compiles every tests/c/test_*.c with -std=c11 -Wall -Wextra -Werror -pedantic
#    against the shared and against the static library, and the header as C++17,
# 5. runs every program under valgrind (no error, no definite or indirect leak),
# 6. installs into a temporary prefix with scripts/install-c.sh and builds a
#    program with `pkg-config --cflags --libs console_tls`.
#
# Prints one line per step and a closing "N passed, N failed"; exits non-zero
# on any failure. VALGRIND=0 runs the programs without valgrind (faster).
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cc=${CC:-cc}
cxx=${CXX:-c++}
cflags=(-std=c11 -Wall -Wextra -Werror -pedantic -O1 -g -Iinclude -Itests/c)
use_valgrind=${VALGRIND:-1}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The test programs' own tallies, e.g. "test_trust: 212 checks passed, 0 failed".
STEP_TALLY="checks passed"
# shellcheck source=tests/lib/steps.sh
. tests/lib/steps.sh

target_dir=$(cargo metadata --format-version 1 --no-deps |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
lib="$work/lib"
mkdir -p "$lib"

# The functions the header declares, and the ctls_ symbols a library defines.
header_functions() {
    sed -n 's/^[^#/ *].*[ *]\(ctls_[a-z0-9_]*\)(.*/\1/p' include/console_tls.h | sort -u
}
exported() { # library, nm options
    nm "${@:2}" --defined-only "$1" 2>/dev/null | awk '$2 == "T" && $3 ~ /^ctls_/ { print $3 }' | sort -u
}

# Builds the library and copies it out of the target directory at once: a
# target directory shared with other checkouts of the crate may be rewritten
# by their builds, so the copy is checked (it must export the header's
# functions) and the build retried when it is not ours.
build_library() {
    local attempt
    for attempt in 1 2 3; do
        cargo build --lib -p console-tls || return 1
        cp "$target_dir/debug/libconsole_tls.so" "$target_dir/debug/libconsole_tls.a" "$lib/" || return 1
        if [ "$(exported "$lib/libconsole_tls.so" -D)" = "$(header_functions)" ]; then
            return 0
        fi
        echo "attempt $attempt: $target_dir/debug/libconsole_tls.so does not export the header's functions; rebuilding"
    done
    return 1
}
if ! build_library >"$work/build.log" 2>&1; then
    cat "$work/build.log"
    failed=$((failed + 1))
    echo "FAIL  cargo build"
    finish
fi
passed=$((passed + 1))
echo "ok    cargo build --lib -p console-tls"

header_is_current() {
    git ls-files --error-unmatch include/console_tls.h >/dev/null &&
        git diff --exit-code HEAD -- include/console_tls.h
}
step "include/console_tls.h is committed and equals what build.rs generates" header_is_current

exports_match_header() {
    [ "$(header_functions | wc -l)" -gt 30 ] &&
        diff <(header_functions) <(exported "$lib/libconsole_tls.so" -D) &&
        diff <(header_functions) <(exported "$lib/libconsole_tls.a")
}
step "the shared and static libraries export exactly the header's functions" exports_match_header

pki="$work/pki"
step "make-pki.sh (openssl)" tests/c/make-pki.sh "$pki"

run() { # program [args]
    if [ "$use_valgrind" = 1 ]; then
        valgrind --quiet --error-exitcode=1 --leak-check=full \
            --errors-for-leak-kinds=definite,indirect "$@"
    else
        "$@"
    fi
}

for source in tests/c/test_*.c; do
    name=$(basename "$source" .c)
    shared="$work/$name-shared"
    static="$work/$name-static"
    step "$name: compile (shared)" \
        "$cc" "${cflags[@]}" "$source" -o "$shared" -L"$lib" -Wl,-rpath,"$lib" -lconsole_tls -lpthread
    step "$name: compile (static)" \
        "$cc" "${cflags[@]}" "$source" -o "$static" "$lib/libconsole_tls.a" -lpthread -ldl -lm
    step "$name: run (shared)" run "$shared" "$pki"
    step "$name: run (static)" run "$static" "$pki"
done

step "header.cpp: g++ -std=c++17 -fsyntax-only" \
    "$cxx" -std=c++17 -Wall -Wextra -Werror -pedantic -fsyntax-only -Iinclude tests/c/header.cpp
step "header.cpp: compile and link as C++" \
    "$cxx" -std=c++17 -Wall -Wextra -Werror -pedantic -Iinclude tests/c/header.cpp \
    -o "$work/header-cpp" -L"$lib" -Wl,-rpath,"$lib" -lconsole_tls
step "header.cpp: run" run "$work/header-cpp"

pkg_config_build() {
    local prefix="$work/prefix"
    CTLS_PROFILE=debug scripts/install-c.sh "$prefix" &&
        export PKG_CONFIG_PATH="$prefix/lib/pkgconfig" &&
        # shellcheck disable=SC2046
        "$cc" -std=c11 -Wall -Wextra -Werror -pedantic tests/c/header_c_check.c -o "$work/pc-app" \
            $(pkg-config --cflags --libs console_tls) -Wl,-rpath,"$prefix/lib" &&
        "$work/pc-app" &&
        # shellcheck disable=SC2046
        "$cc" -std=c11 -Wall -Wextra -Werror -pedantic tests/c/header_c_check.c -o "$work/pc-app-static" \
            $(pkg-config --cflags console_tls) "$prefix/lib/libconsole_tls.a" \
            $(pkg-config --static --libs-only-l console_tls | sed 's/-lconsole_tls//') &&
        "$work/pc-app-static"
}
step "scripts/install-c.sh + pkg-config --cflags --libs console_tls" pkg_config_build

finish
