#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 interpreter that actually runs, or fails with
# a clear message. Candidates are tried, never trusted: on some machines `python3.12`
# is a pyenv shim that exits 127 unless PYENV_VERSION names it, while the real
# interpreters sit under $(pyenv root)/versions/.
set -u
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
candidates+=(python3.13 python3.12 python3.14 python3 python)
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for dir in "$root"/versions/3.1[2-9]* "$root"/versions/3.[2-9][0-9]*; do
    [ -x "$dir/bin/python" ] && candidates+=("$dir/bin/python")
  done
fi
for dir in /usr/local/bin /usr/bin /opt/python*/bin; do
  for py in "$dir"/python3.1[2-9]; do [ -x "$py" ] && candidates+=("$py"); done
done
for py in "${candidates[@]}"; do
  if out=$("$py" -c 'import sys, venv; print(sys.executable) if sys.version_info >= (3, 12) else sys.exit(1)' 2>/dev/null); then
    echo "$out"
    exit 0
  fi
done
echo "No Python 3.12 or newer was found (tried: ${candidates[*]})." >&2
echo "Install one (e.g. 'apt-get install python3.12' or 'pyenv install 3.12'), or name it: make PYTHON=/path/to/python3.12 ..." >&2
exit 1
