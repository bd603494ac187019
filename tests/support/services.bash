# The servers a suite's run script needs, for bash (source it from the repo
# root): what tests/support/services.mjs does for JS.
#
#   source tests/support/services.bash
#   trap stop_own_services EXIT
#   need_services redis postgres     # exports REDIS_URL, DATABASE_URL
#
# A URL already in the environment (`make test` starts one set for the whole
# run and exports them) is used as is; for the missing ones, one set is
# started here (scripts/services.sh) and stop_own_services stops it.

OWN_SERVICES_DIR=

need_services() {
  local name var missing=() out
  for name in "$@"; do
    case $name in
      redis) var=REDIS_URL ;;
      postgres) var=DATABASE_URL ;;
      mysql) var=MYSQL_URL ;;
      *) echo "need_services: unknown service $name" >&2; return 2 ;;
    esac
    [ -n "${!var:-}" ] || missing+=("$name")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  out=$(scripts/services.sh start "${missing[@]}") || return 1
  # The started set's directory, without changing a set the caller exported.
  OWN_SERVICES_DIR=$(sed -n 's/^export EDGE_SERVICES_DIR=//p' <<<"$out")
  eval "$(grep -v '^export EDGE_SERVICES_DIR=' <<<"$out")"
}

stop_own_services() {
  if [ -n "$OWN_SERVICES_DIR" ]; then
    scripts/services.sh stop "$OWN_SERVICES_DIR" || true
    OWN_SERVICES_DIR=
  fi
}
