# Sourced by scripts/run.sh and scripts/test.sh: make or reuse the project's virtual environment
# .venv/ and install the project's own requirements files into it, only when they changed.
# Needs python3 >= 3.11 and its venv module (Debian/Ubuntu: the python3-venv package, installed
# here with apt when running as root or with sudo). Set PYTHON=/path/to/python3.x to choose.
# Usage: source scripts/venv.sh NAME REQUIREMENTS_FILE...   (then use "$VENV_PYTHON")

_venv_die() { echo "error: $*" >&2; exit 1; }

_venv_find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3 python3.13 python3.12 python3.11; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

_venv_sudo() {
    if [ "$(id -u)" = "0" ]; then "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
    else return 1
    fi
}

_venv_create() {
    local py=$1 pkg
    "$py" -m venv .venv >/dev/null 2>&1 && [ -x .venv/bin/pip ] && return 0
    rm -rf .venv
    # Debian and Ubuntu ship venv without ensurepip: the package python3.X-venv adds it.
    pkg="python$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')-venv"
    if command -v apt-get >/dev/null 2>&1; then
        echo "Python's venv module is incomplete; installing $pkg with apt-get" >&2
        if _venv_sudo apt-get update -qq && _venv_sudo env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null; then
            "$py" -m venv .venv && [ -x .venv/bin/pip ] && return 0
        fi
        _venv_die "could not create .venv: install Python's venv module with 'sudo apt-get install $pkg', then run this again"
    fi
    _venv_die "could not create .venv with '$py -m venv .venv': install Python's venv module (with ensurepip), then run this again"
}

venv_ensure() {
    local name=$1 py stamp want
    shift
    # A .venv/ left half-made (set-up interrupted before pip was in it) is made again.
    if [ -d .venv ] && ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
        echo "The virtual environment .venv/ is incomplete (no pip in it); making it again" >&2
        rm -rf .venv
    fi
    if [ ! -x .venv/bin/python ]; then
        py=$(_venv_find_python) || _venv_die "Python 3.11 or newer is needed (python3 --version); on Debian/Ubuntu: sudo apt-get install python3"
        echo "Creating the virtual environment .venv/ with $("$py" --version)" >&2
        _venv_create "$py"
    fi
    VENV_PYTHON="$PWD/.venv/bin/python"
    stamp=".venv/.installed-$name"
    want=$(cat "$@" pyproject.toml | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        echo "Installing into .venv/ from $* (first time: several minutes)" >&2
        local args=()
        for file in "$@"; do args+=(-r "$file"); done
        "$VENV_PYTHON" -m pip install --quiet --disable-pip-version-check "${args[@]}"
        # The project itself, editable: the syria-map command in .venv/bin.
        "$VENV_PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps -e .
        echo "$want" >"$stamp"
    fi
    export PATH="$PWD/.venv/bin:$PATH"
}

venv_ensure "$@"
