# Sourced by the vendor_*.sh scripts: the steps every copy of an npm package into _build/vendor shares.

# vendor_is_current DEST VERSION FILE...: true when DEST already holds VERSION with every FILE in it.
vendor_is_current() {
  local dest=$1 version=$2
  shift 2
  [ -f "$dest/.version" ] && [ "$(cat "$dest/.version")" = "$version" ] || return 1
  local file
  for file in "$@"; do [ -f "$dest/$file" ] || return 1; done
}

# npm_unpack NAME VERSION DEST: downloads NAME@VERSION from the npm registry into a temporary folder (removed
# when the script exits) and sets $package to its unpacked `package/` folder. `npm pack` checks the tarball
# against the registry's integrity hash; nothing is installed.
npm_unpack() {
  local name=$1 version=$2 dest=$3
  if ! command -v npm >/dev/null; then
    echo "npm is needed once to fetch $name $version for the offline book (apt-get install npm)." >&2
    exit 1
  fi
  npm_tmp=$(mktemp -d)
  trap 'rm -rf "$npm_tmp"' EXIT
  echo "Fetching $name $version from the npm registry into $dest"
  (cd "$npm_tmp" && npm pack --silent "$name@$version" >/dev/null && tar xzf "$name-$version.tgz")
  package="$npm_tmp/package"
}
