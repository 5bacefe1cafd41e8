#!/bin/sh
# Builds plv8 3.1.10 on this machine and starts a PostgreSQL 15 server that has it, for measuring
# the plv8 engine for real (issue 18). Debian packages no plv8; this is the recipe that worked,
# written down so anyone can rerun it. CI does not need it (CI keeps the emulated check,
# test/plv8-wrapping.test.ts).
#
# What it does, and why:
# - plv8's source from its git repository (tag v3.1.10), without contrib/ (ICU data we do not use;
#   the local mirror lacks its objects).
# - V8 from Debian's Node.js library (libnode108, V8 10.2) instead of plv8's own V8 download and
#   build (hours): `apt-get download` + `dpkg -x` of libnode108, libnode-dev, libc-ares2 and
#   postgresql-server-dev-15 into $ROOT/root. Nothing is apt-installed: libnode-dev conflicts with
#   the installed Node.js.
# - Two source patches for V8 10.2: ScriptOrigin's constructor takes the isolate first; and Node's
#   headers lack v8-version-string.h, so a shim defines V8_VERSION_STRING from v8-version.h.
# - Compiled without V8 pointer compression (Debian's V8 is built without it; plv8's Makefile
#   assumes its own V8, with it) and linked with -lnode, with an rpath to the unpacked library.
# - Installed into a relocated copy of the PostgreSQL 15 installation
#   (bench/compare/relocated-install.ts), so the system server and every other cluster stay
#   untouched; a cluster of its own in $ROOT/data (run as user postgres) on $PORT, and
#   `CREATE EXTENSION plv8` in template1 so every database made from it has plv8.
#
# Usage (as root, from the repository): sh bench/plv8/build.sh
# Environment: PLV8_BUILD_ROOT (default /work/plv8build), PLV8_PORT (default 5449),
# PLV8_REPO (a git directory of github.com/plv8/plv8; default /work/.mirror/plv8+plv8/repo).
# Then: PGAUTOMATOR_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$PLV8_PORT/postgres
# Stop the server: su postgres -c "$ROOT/pg/lib/postgresql/15/bin/pg_ctl -D $ROOT/data stop"
set -eu

ROOT=${PLV8_BUILD_ROOT:-/work/plv8build}
PORT=${PLV8_PORT:-5449}
REPO=${PLV8_REPO:-/work/.mirror/plv8+plv8/repo}
VERSION=3.1.10
REPO_DIR=$(cd "$(dirname "$0")/../.." && pwd)

SRC=$ROOT/src
DEPS=$ROOT/root
NODE_INC=$DEPS/usr/include/node
NODE_LIB=$DEPS/usr/lib/x86_64-linux-gnu
PG_INC=$DEPS/usr/include/postgresql/15/server
PG=$ROOT/pg
PG_BIN=$PG/lib/postgresql/15/bin
DATA=$ROOT/data

mkdir -p "$ROOT"

# 1. Source
if [ ! -f "$SRC/plv8.cc" ]; then
  mkdir -p "$SRC"
  git --git-dir="$REPO" archive "v$VERSION" -- . ':(exclude)contrib' | tar -x -C "$SRC"
fi

# 2. Headers and libraries, unpacked rather than installed
if [ ! -f "$NODE_LIB/libnode.so.108" ] || [ ! -d "$PG_INC" ]; then
  mkdir -p "$ROOT/debs" "$DEPS"
  (cd "$ROOT/debs" && apt-get download libnode108 libnode-dev libc-ares2 postgresql-server-dev-15)
  for deb in "$ROOT"/debs/*.deb; do dpkg -x "$deb" "$DEPS"; done
fi

# 3. Patches for V8 10.2 (once: a touched plv8.cc would be compiled again)
if grep -q 'ScriptOrigin origin(key);\|ScriptOrigin origin(name);' "$SRC/plv8.cc"; then
  sed -i 's/v8::ScriptOrigin origin(key);/v8::ScriptOrigin origin(isolate, key);/; s/v8::ScriptOrigin origin(name);/v8::ScriptOrigin origin(isolate, name);/' "$SRC/plv8.cc"
fi
mkdir -p "$SRC/shim"
cat > "$SRC/shim/v8-version-string.h" <<'EOF'
/* Node's headers ship v8-version.h but not v8-version-string.h: plv8 only needs the string. */
#ifndef PLV8_SHIM_V8_VERSION_STRING_H
#define PLV8_SHIM_V8_VERSION_STRING_H
#include <v8-version.h>
#define PLV8_SHIM_S(x) #x
#define PLV8_SHIM_STR(x) PLV8_SHIM_S(x)
#define V8_VERSION_STRING PLV8_SHIM_STR(V8_MAJOR_VERSION) "." PLV8_SHIM_STR(V8_MINOR_VERSION) "." PLV8_SHIM_STR(V8_BUILD_NUMBER) "." PLV8_SHIM_STR(V8_PATCH_LEVEL)
#endif
EOF
sed -e "s/^#undef PLV8_VERSION/#define PLV8_VERSION \"$VERSION\"/" "$SRC/plv8_config.h.in" > "$SRC/plv8_config.h"

# 4. The dialects' JavaScript as C arrays (as plv8's Makefile does)
for js in coffee-script livescript; do
  cc=$SRC/$js.cc
  [ -f "$cc" ] && continue
  name=$(echo "$js" | tr - _)
  {
    echo "extern const unsigned char ${name}_binary_data[] = {"
    od -txC -v "$SRC/$js.js" | sed -e "s/^[0-9]*//" -e 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g' -e '$d'
    echo "0x00};"
  } > "$cc"
done

# 5. Compile and link
CXXFLAGS="-std=c++17 -fno-rtti -O2 -fPIC -Wall -Wno-unused -DNDEBUG -DJSONB_DIRECT_CONVERSION"
INCLUDES="-I$SRC/shim -I$SRC -I$NODE_INC -I$PG_INC -I$DEPS/usr/include/postgresql/internal -I$DEPS/usr/include/postgresql"
OBJS=""
for f in plv8 plv8_type plv8_func plv8_param plv8_allocator coffee-script livescript; do
  if [ ! -f "$SRC/$f.o" ] || [ "$SRC/$f.cc" -nt "$SRC/$f.o" ]; then
    echo "compiling $f.cc"
    # shellcheck disable=SC2086
    g++ $CXXFLAGS $INCLUDES -c -o "$SRC/$f.o" "$SRC/$f.cc"
  fi
  OBJS="$OBJS $SRC/$f.o"
done
# The old-style DT_RPATH (--disable-new-dtags): unlike DT_RUNPATH it also serves libnode's own
# dependencies (libcares.so.2, unpacked beside it), on a machine with no libc-ares2 installed.
# shellcheck disable=SC2086
g++ -shared -o "$SRC/plv8-$VERSION.so" $OBJS -L"$NODE_LIB" -lnode -Wl,--disable-new-dtags,-rpath,"$NODE_LIB" -lrt

# 6. Extension files (as plv8's Makefile does, with its CPPFLAGS: the script includes pg_config.h; only the plv8 language)
sed -e 's/@LANG_NAME@/plv8/g' -e "s/@PLV8_VERSION@/$VERSION/g" "$SRC/plv8.sql.common" | gcc -E -P $INCLUDES -DLANG_plv8 - > "$SRC/plv8--$VERSION.sql"
sed -e "s/@PLV8_VERSION@/$VERSION/g" "$SRC/plv8.control.common" | gcc -E -P -DLANG_plv8 - > "$SRC/plv8.control"

# 7. A relocated copy of the server installation, with plv8 in it
if [ ! -x "$PG_BIN/postgres" ]; then
  mkdir -p "$PG"
  (cd "$REPO_DIR" && npx tsx -e "import { relocatedInstall } from './bench/compare/relocated-install.ts'; console.log(relocatedInstall('$PG'));")
fi
install -m 755 "$SRC/plv8-$VERSION.so" "$PG/lib/postgresql/15/lib/"
install -m 644 "$SRC/plv8.control" "$SRC/plv8--$VERSION.sql" "$PG/share/postgresql/15/extension/"
chmod -R a+rX "$DEPS" "$PG"

# 8. Its own cluster
if [ ! -f "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA"
  chown postgres "$DATA"
  su postgres -c "$PG_BIN/initdb -D $DATA --auth=trust -U postgres" > "$ROOT/initdb.log"
  {
    echo "port = $PORT"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '/tmp'"
  } >> "$DATA/postgresql.conf"
fi
if ! su postgres -c "$PG_BIN/pg_ctl -D $DATA status" > /dev/null 2>&1; then
  touch "$ROOT/server.log" && chown postgres "$ROOT/server.log"
  su postgres -c "$PG_BIN/pg_ctl -D $DATA -l $ROOT/server.log -w start"
fi
"$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d template1 -v ON_ERROR_STOP=1 \
  -c 'CREATE EXTENSION IF NOT EXISTS plv8' -c "SELECT plv8_version(), plv8_info()"
# The pgautomator extension files, built from this checkout, for the relocated server
make -s -C "$REPO_DIR/extension-build" install PG_CONFIG="$PG_BIN/pg_config" > /dev/null
echo "plv8 server: postgresql://postgres@127.0.0.1:$PORT/postgres"
