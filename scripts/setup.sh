#!/usr/bin/env bash
# Installs what is missing, step by step; every step is idempotent and skips work already done.
# Usage: scripts/setup.sh [deps|venvs|pki|db|model|all]...
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

APT_PACKAGES=(redis-server tesseract-ocr tesseract-ocr-eng tesseract-ocr-hin fonts-noto-core fonts-noto-color-emoji
  poppler-utils chromium postgresql zbar-tools libzbar0 softhsm2 nginx)

say() { printf '\033[1;34m==> %s\033[0m\n' "$*"; }

deps() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing apt packages: ${missing[*]}"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# Prints the path of a CPython interpreter of the given minor version, or fails with a clear message.
find_python() {
  local want=$1 candidate
  for candidate in "$HOME"/.pyenv/versions/"$want".*/bin/python "$(command -v "python$want" || true)" "/usr/bin/python$want"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if "$candidate" -c "import sys, venv; sys.exit(sys.version_info[:2] != tuple(map(int, '$want'.split('.'))))" 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "error: Python $want is required but was not found (looked in ~/.pyenv/versions and PATH)." >&2
  case $want in
    3.10) echo "Rasa 3.6 needs Python < 3.11; install one with 'pyenv install 3.10'." >&2 ;;
    *) echo "Install it with 'pyenv install $want'." >&2 ;;
  esac
  return 1
}

# make_venv DIR PYTHON_VERSION REQUIREMENTS [CONSTRAINTS]: (re)installs only when the pins changed.
make_venv() {
  local dir=$1 version=$2 reqs=$3 constraints=${4:-}
  local stamp; stamp=$(cat "$reqs" ${constraints:+"$constraints"} | sha256sum | cut -c1-16)
  if [ -f "$dir/.seva-stamp" ] && [ "$(cat "$dir/.seva-stamp")" = "$stamp" ]; then return 0; fi
  local python; python=$(find_python "$version")
  say "Building $dir with $python"
  [ -x "$dir/bin/python" ] || "$python" -m venv "$dir"
  "$dir/bin/python" -m pip install -q --upgrade 'pip==24.0'
  "$dir/bin/python" -m pip install -q -r "$reqs" ${constraints:+-c "$constraints"}
  echo "$stamp" > "$dir/.seva-stamp"
}

venvs() {
  make_venv .venv-rasa 3.10 requirements/rasa.txt requirements/rasa.lock
  make_venv .venv 3.11 requirements/backoffice.txt
}

# Trains only when the training inputs changed since the last model.
model() {
  local fingerprint
  fingerprint=$(find config.yml domain.yml data bot/nlu -type f \( -name '*.yml' -o -name '*.py' \) -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  if [ -f models/seva.tar.gz ] && [ "$(cat models/.fingerprint 2>/dev/null)" = "$fingerprint" ]; then return 0; fi
  say "Training the Rasa model (inputs changed)"
  mkdir -p models
  (. scripts/env.sh && .venv-rasa/bin/rasa train --config config.yml --domain domain.yml --data data/nlu data/rules \
      --out models --fixed-model-name seva --quiet)
  echo "$fingerprint" > models/.fingerprint
}

# Development CA, per-department signing keys and QR keys under var/pki (git-ignored).
pki() {
  .venv/bin/python -m certificates.dev_pki
}

# Migrates the back-office database and loads the demo data (both idempotent).
db() {
  mkdir -p var
  (. scripts/env.sh && .venv/bin/flask --app backoffice.app db upgrade && .venv/bin/flask --app backoffice.app seed)
}

for step in "${@:-all}"; do
  case $step in
    deps) deps ;;
    venvs) venvs ;;
    model) model ;;
    pki) pki ;;
    db) db ;;
    all) deps; venvs; pki; db; model ;;
    *) echo "unknown step: $step" >&2; exit 2 ;;
  esac
done
