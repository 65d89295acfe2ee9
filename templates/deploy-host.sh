#!/bin/sh
# beaver's operations on a deploy host, the only commands a deploy runs there.
#
#   deploy-host.sh OPERATION SERVICE_DIR [ARGUMENT...]
#
# SERVICE_DIR is <deploy_root>/<service>; it holds releases/<version>-<release id>/ (unpacked
# packages), current -> releases/<one of them> (the release that runs), and .beaver/ (this
# script and uploads in progress). beaver runs this script with an argument vector on this
# machine (local: hosts) or through ssh with every argument checked against a strict pattern and
# single-quoted (ssh:// hosts); it checks them again here before any reaches a path.
#
# Operations:
#   receive DIR NAME            stdin -> DIR/.beaver/incoming/NAME (written whole, then renamed)
#   verify DIR NAME SHA256      the upload's checksum is SHA256, else it is removed
#   unpack DIR NAME RELEASE     the upload, checked member by member, into releases/RELEASE/
#   replace DIR NAME RELEASE    the same over releases/RELEASE, the current one, stopped: a repair
#                               (its logs/ kept)
#   current DIR                 prints the release current points at, or nothing
#   stop DIR SERVICE            stops the release current points at (nothing running is fine)
#   switch DIR RELEASE          points current at releases/RELEASE atomically (rename of a symlink)
#   unlink DIR                  removes current (a first release that failed: nothing to go back to)
#   start DIR SERVICE PORT [RELEASE_ID ENV]
#                               starts current's launcher with SERVER_PORT=PORT; with the release
#                               and environment, first writes current/conf/env (read by the
#                               launcher and the systemd unit) and DIR/SERVICE.service, the
#                               package's unit pointed at DIR/current
#   status DIR SERVICE          the launcher's status (exit 0 running, 3 not running)
#   prune DIR KEEP              keeps the KEEP newest releases, never the current one
#   inspect DIR                 current, then "sha256  path" for every file of that release
#                               (logs/ and run/ are the service's own, conf/env the deploy's, not
#                               the package's)
#
# Exit codes: 0 done, 1 failed (one line on stderr says why), 2 bad usage, 3 status: not running.
# POSIX sh and coreutils (sha256sum, mv -T) and tar: what a Linux server has.

set -eu
umask 022

die() {
  printf 'beaver-host: %s\n' "$*" >&2
  exit 1
}
usage() {
  printf 'beaver-host: %s\n' "$*" >&2
  exit 2
}

# A name that reaches a path: letters, digits and . _ + - only, not starting with - or .
check_name() {
  case "$2" in
    '' | -* | .* | *[!A-Za-z0-9._+-]*) usage "bad $1 '$2'" ;;
  esac
}

[ $# -ge 2 ] || usage "usage: $0 OPERATION SERVICE_DIR [ARGUMENT...]"
op=$1
dir=$2
shift 2
case "$dir" in
  /*) ;;
  *) usage "the service folder must be an absolute path: $dir" ;;
esac
case "$dir" in
  *[!A-Za-z0-9._+/-]* | */../* | */.. | */./* | */.) usage "bad service folder '$dir'" ;;
esac

incoming=$dir/.beaver/incoming

# The release current points at ("1.4.2-42"), or nothing.
current_release() {
  target=$(readlink "$dir/current" 2>/dev/null) || return 0
  printf '%s\n' "${target#releases/}"
}

# unpack_staging NAME RELEASE: the upload NAME, checked member by member, unpacked into
# $staging (releases/.RELEASE.unpacking). beaver checked these bytes before sending them and the
# checksum matched; checked again here, since this script may be run by hand: files and folders
# only, nothing that escapes.
unpack_staging() {
  upload=$incoming/$1
  [ -f "$upload" ] || die "no upload $1"
  tar -tvzf "$upload" >"$upload.list" || die "$1 is not a readable .tar.gz"
  while IFS= read -r line; do
    case "$line" in
      -* | d*) ;;
      *) rm -f "$upload.list"; die "$1 holds a member that is neither a file nor a folder: $line" ;;
    esac
  done <"$upload.list"
  tar -tzf "$upload" >"$upload.list"
  while IFS= read -r name; do
    case "/$name/" in
      //* | */../* | */./*) rm -f "$upload.list"; die "$1 holds a member that escapes its folder: $name" ;;
    esac
  done <"$upload.list"
  rm -f "$upload.list"
  mkdir -p "$dir/releases"
  staging=$dir/releases/.$2.unpacking
  rm -rf "$staging"
  mkdir "$staging"
  tar -xzf "$upload" -C "$staging" --no-same-owner || { rm -rf "$staging"; die "cannot unpack $1"; }
}

# write_facts SERVICE PORT RELEASE_ID ENV: how the current release is started here, for whoever
# starts it next (the launcher by hand, systemd): current/conf/env, one VAR=value per line as
# systemd's EnvironmentFile reads it; and the package's unit with its root filled in, which goes
# through current and so stays valid from one release to the next. Both written whole, then
# renamed. beaver's status leaves conf/env out of the package's files.
write_facts() {
  conf=$dir/current/conf
  mkdir -p "$conf" || die "cannot create $conf"
  {
    echo "# How beaver's deploy started this release here; the launcher and the systemd unit read it."
    echo "SERVER_PORT=$2"
    echo "BEAVER_SERVICE=$1"
    echo "BEAVER_RELEASE=$3"
    echo "BEAVER_ENV=$4"
  } >"$conf/env.tmp" && mv -f "$conf/env.tmp" "$conf/env" || die "cannot write $conf/env"
  unit=$dir/current/systemd/$1.service
  if [ -f "$unit" ]; then
    # $dir holds only letters, digits and . _ + / - (checked above): safe in a sed replacement.
    sed -e "s|@ROOT@|$dir/current|g" "$unit" >"$dir/.$1.service.tmp" &&
      mv -f "$dir/.$1.service.tmp" "$dir/$1.service" || die "cannot write $dir/$1.service"
  fi
}

case "$op" in
  receive)
    [ $# -eq 1 ] || usage "receive DIR NAME"
    check_name upload "$1"
    mkdir -p "$incoming"
    cat >"$incoming/$1.part" || die "cannot write $incoming/$1.part"
    mv -f "$incoming/$1.part" "$incoming/$1"
    ;;
  verify)
    [ $# -eq 2 ] || usage "verify DIR NAME SHA256"
    check_name upload "$1"
    [ -f "$incoming/$1" ] || die "no upload $1"
    actual=$(sha256sum <"$incoming/$1") || die "cannot read $incoming/$1"
    actual=${actual%% *}
    if [ "$actual" != "$2" ]; then
      rm -f "$incoming/$1"
      die "the upload's checksum is $actual, not $2: removed"
    fi
    echo "sha256 $actual"
    ;;
  unpack)
    [ $# -eq 2 ] || usage "unpack DIR NAME RELEASE"
    check_name upload "$1"
    check_name release "$2"
    # A folder of this name left by an earlier attempt is replaced, unless it runs.
    [ "$(current_release)" != "$2" ] || die "releases/$2 is the current release; it is not replaced while it runs"
    unpack_staging "$1" "$2"
    rm -rf "$dir/releases/$2"
    mv "$staging" "$dir/releases/$2"
    rm -f "$incoming/$1"
    echo "unpacked into releases/$2"
    ;;
  replace)
    [ $# -eq 2 ] || usage "replace DIR NAME RELEASE"
    check_name upload "$1"
    check_name release "$2"
    [ "$(current_release)" = "$2" ] || die "releases/$2 is not the current release: nothing to replace"
    unpack_staging "$1" "$2"
    # The service's own logs stay with the release; what else differs from the package goes.
    old=$dir/releases/.$2.replaced
    rm -rf "$old"
    mv "$dir/releases/$2" "$old"
    if [ -d "$old/logs" ]; then
      rm -rf "$staging/logs"
      mv "$old/logs" "$staging/logs"
    fi
    mv "$staging" "$dir/releases/$2"
    rm -rf "$old"
    rm -f "$incoming/$1"
    echo "releases/$2 replaced by the package's files"
    ;;
  current)
    [ $# -eq 0 ] || usage "current DIR"
    current_release
    ;;
  stop)
    [ $# -eq 1 ] || usage "stop DIR SERVICE"
    check_name service "$1"
    if [ -x "$dir/current/bin/$1" ]; then
      "$dir/current/bin/$1" stop
    else
      echo "no current release: nothing to stop"
    fi
    ;;
  switch)
    [ $# -eq 1 ] || usage "switch DIR RELEASE"
    check_name release "$1"
    [ -d "$dir/releases/$1" ] || die "no releases/$1 to switch to"
    previous=$(current_release)
    rm -f "$dir/.current.new"
    ln -s "releases/$1" "$dir/.current.new"
    mv -Tf "$dir/.current.new" "$dir/current"
    echo "current: ${previous:-(none)} -> $1"
    ;;
  unlink)
    [ $# -eq 0 ] || usage "unlink DIR"
    rm -f "$dir/current"
    echo "current removed"
    ;;
  start)
    [ $# -eq 2 ] || [ $# -eq 4 ] || usage "start DIR SERVICE PORT [RELEASE_ID ENV]"
    check_name service "$1"
    case "$2" in '' | *[!0-9]*) usage "bad port '$2'" ;; esac
    [ -x "$dir/current/bin/$1" ] || die "no launcher current/bin/$1"
    if [ $# -eq 4 ]; then
      case "$3" in '' | *[!0-9]*) usage "bad release id '$3'" ;; esac
      check_name environment "$4"
      write_facts "$1" "$2" "$3" "$4"
    fi
    # beaver checks health itself, so the launcher need not watch the start for a second.
    SERVER_PORT=$2 START_CHECK=0 "$dir/current/bin/$1" start
    ;;
  status)
    [ $# -eq 1 ] || usage "status DIR SERVICE"
    check_name service "$1"
    [ -x "$dir/current/bin/$1" ] || { echo "no current release"; exit 3; }
    exec "$dir/current/bin/$1" status
    ;;
  prune)
    [ $# -eq 1 ] || usage "prune DIR KEEP"
    case "$1" in '' | *[!0-9]* | 0) usage "bad count '$1'" ;; esac
    [ -d "$dir/releases" ] || exit 0
    current=$(current_release)
    kept=0
    # Newest first; names were checked when unpacked, so ls output is safe to read line by line.
    for name in $(ls -1t "$dir/releases"); do
      case "$name" in .* | *[!A-Za-z0-9._+-]*) continue ;; esac
      if [ "$name" = "$current" ] || [ "$kept" -lt "$1" ]; then
        kept=$((kept + 1))
        continue
      fi
      rm -rf "$dir/releases/$name"
      echo "removed releases/$name"
    done
    ;;
  inspect)
    [ $# -eq 0 ] || usage "inspect DIR"
    current=$(current_release)
    echo "current $current"
    [ -n "$current" ] || exit 0
    [ -d "$dir/releases/$current" ] || die "current points at releases/$current, which is missing"
    cd "$dir/releases/$current"
    find . -type f ! -path './logs/*' ! -path './run/*' ! -path './conf/env' -exec sha256sum {} +
    ;;
  *)
    usage "unknown operation '$op'"
    ;;
esac
