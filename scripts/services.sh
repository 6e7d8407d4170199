#!/usr/bin/env bash
# Installs and starts what the full test suite and the benchmarks need beyond
# the venv, on Debian 12 as root: PostgreSQL (with the search's French lemmas),
# Redis (the cache, and RQ's queue for the task tests' real workers), Chromium, the Nu Html Checker, axe-core, the sitemaps.org schema and wrk. Safe to run again: what
# is there already is only checked.
#
#   bash scripts/services.sh all          # or: postgres redis chromium vnu axe sitemap wrk
#   eval "$(bash scripts/services.sh env)"  # DATABASE_URL, REDIS_URL, VNU_JAR, AXE_JS, SITEMAP_XSD
#
# Progress goes to stderr; only `env` writes to stdout.
set -euo pipefail

TOOLS_DIR=${SCREENMANIA_TOOLS_DIR:-/opt/screenmania-tools}
# Pinned so that a validator release cannot turn CI red overnight.
VNU_JAR_VERSION=26.9.27
AXE_CORE_VERSION=4.14.1
# sitemap.js, for the sitemaps.org schema it ships (schema/sitemap.xsd).
SITEMAP_JS_VERSION=9.0.1

PG_VERSION=15
PG_CLUSTER=main
PG_PORT=5432
DB_NAME=screenmania
DB_USER=screenmania
# A password for a server that listens on the loopback only, for tests.
DB_PASSWORD=${SCREENMANIA_DB_PASSWORD:-screenmania-local}
REDIS_PORT=6379
CHROMIUM=/usr/bin/chromium
WRK=/usr/bin/wrk

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# simplemma, at the version requirements.txt pins, in a venv of its own: this runs
# before the project's venv exists.
LEMMAS_VENV=$TOOLS_DIR/lemmas-venv

VNU_JAR=$TOOLS_DIR/node_modules/vnu-jar/build/dist/vnu.jar
AXE_JS=$TOOLS_DIR/node_modules/axe-core/axe.min.js
SITEMAP_XSD=$TOOLS_DIR/node_modules/sitemap/schema/sitemap.xsd

log() { printf '[services] %s\n' "$*" >&2; }
die() {
    printf '[services] ERROR: %s\n' "$*" >&2
    exit 1
}

export DEBIAN_FRONTEND=noninteractive
APT_UPDATED=0

apt_install() {
    [[ $EUID -eq 0 ]] || die "installing $* needs root (apt-get)"
    if [[ $APT_UPDATED -eq 0 ]]; then
        log "apt-get update"
        apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 || die "apt-get update failed"
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$@" >&2 || die "apt-get install $* failed"
}

# wait_for SECONDS DESCRIPTION COMMAND...: retries COMMAND every half second.
wait_for() {
    local seconds=$1 what=$2
    shift 2
    local tries=$((seconds * 2))
    for ((i = 0; i < tries; i++)); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.5
    done
    die "$what not ready after ${seconds}s"
}

postgres() {
    if ! command -v pg_ctlcluster >/dev/null || [[ ! -d /etc/postgresql/$PG_VERSION/$PG_CLUSTER ]]; then
        apt_install "postgresql-$PG_VERSION"
    fi
    if ! pg_lsclusters --no-header | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" \
        '$1 == v && $2 == c && $4 == "online" { found = 1 } END { exit !found }'; then
        log "starting PostgreSQL $PG_VERSION/$PG_CLUSTER"
        pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start ||
            die "PostgreSQL did not start: see /var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log"
    fi
    wait_for 30 "PostgreSQL on 127.0.0.1:$PG_PORT" pg_isready -q -h 127.0.0.1 -p "$PG_PORT"

    # CREATEDB because Django's test runner creates test_screenmania; the
    # password is set again each time so that it always matches DATABASE_URL.
    runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -p "$PG_PORT" \
        -v user="$DB_USER" -v password="$DB_PASSWORD" >&2 <<'SQL' || die "could not create the role $DB_USER"
SELECT format('CREATE ROLE %I LOGIN CREATEDB', :'user')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \gexec
ALTER ROLE :"user" WITH LOGIN CREATEDB PASSWORD :'password';
SQL
    runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -p "$PG_PORT" \
        -v db="$DB_NAME" -v user="$DB_USER" >&2 <<'SQL' || die "could not create the database $DB_NAME"
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db', :'user', 'UTF8')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
    PGPASSWORD=$DB_PASSWORD psql -q -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" \
        -c 'SELECT 1' >/dev/null || die "cannot log in as $DB_USER on 127.0.0.1:$PG_PORT with the password"
    french_lemmas
    log "PostgreSQL ready: $(database_url)"
}

# The search's lemmas and stop words as PostgreSQL dictionary files (search/lemmatizer.py):
# written again each time, so that they always match the pinned simplemma. Without them
# the search matches words as written (search.W001 says so).
french_lemmas() {
    local pin tsearch_data=/usr/share/postgresql/$PG_VERSION/tsearch_data
    pin=$(grep -E '^simplemma==' "$REPO_DIR/requirements.txt" | cut -d' ' -f1)
    [[ -n $pin ]] || die "no simplemma pin in requirements.txt"
    if ! "$LEMMAS_VENV/bin/python" -c 'import importlib.metadata as m, sys
sys.exit(m.version("simplemma") != sys.argv[1])' "${pin##*==}" 2>/dev/null; then
        log "installing $pin into $LEMMAS_VENV"
        mkdir -p "$TOOLS_DIR"
        python3 -m venv "$LEMMAS_VENV" >&2 || die "could not create $LEMMAS_VENV"
        "$LEMMAS_VENV/bin/python" -m pip install --quiet "$pin" >&2 || die "pip install $pin failed"
    fi
    "$LEMMAS_VENV/bin/python" "$REPO_DIR/search/lemmatizer.py" "$tsearch_data" ||
        die "could not write the French lemmas into $tsearch_data"
    log "French lemmas ready: $tsearch_data/screenmania_french.syn"
}

database_url() {
    printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$DB_USER" "$DB_PASSWORD" "$PG_PORT" "$DB_NAME"
}

redis_ping() {
    [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

redis() {
    if ! command -v redis-server >/dev/null; then
        apt_install redis-server
    fi
    if ! redis_ping; then
        log "starting Redis on 127.0.0.1:$REDIS_PORT"
        # No persistence: here it is the tests' cache and task queue (RQ, which needs
        # Redis 5 or later: Debian 12 has 7), and tests must not leave files behind. A
        # production queue wants appendonly (README, « Background work »).
        redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
            --save '' --appendonly no --dir /tmp \
            --logfile /tmp/screenmania-redis.log >&2 ||
            die "redis-server did not start: see /tmp/screenmania-redis.log"
    fi
    wait_for 20 "Redis on 127.0.0.1:$REDIS_PORT" redis_ping
    log "Redis ready: redis://127.0.0.1:$REDIS_PORT/0"
}

chromium() {
    # Debian's build; a test tool's own browser download cannot work here.
    if [[ ! -x $CHROMIUM ]]; then
        apt_install chromium
    fi
    local version
    version=$("$CHROMIUM" --version 2>/dev/null) || die "$CHROMIUM does not run"
    log "Chromium ready: $version"
}

npm_tool() {
    local package=$1 file=$2
    local name=${package%@*} version=${package##*@}
    if [[ -f $file ]] && grep -q "\"version\": \"$version\"" \
        "$TOOLS_DIR/node_modules/$name/package.json" 2>/dev/null; then
        return 0
    fi
    if ! command -v npm >/dev/null; then
        apt_install npm
    fi
    mkdir -p "$TOOLS_DIR"
    log "npm install $package into $TOOLS_DIR"
    # --ignore-scripts: the packages ship what is needed; nothing to build.
    # Saved to the folder's package.json: npm removes what is not listed there.
    npm install --prefix "$TOOLS_DIR" --ignore-scripts --no-audit --no-fund \
        --save-exact --loglevel=error "$package" >&2 || die "npm install $package failed"
    [[ -f $file ]] || die "$package installed but $file is missing"
}

vnu() {
    if ! command -v java >/dev/null; then
        apt_install openjdk-17-jre-headless
    fi
    npm_tool "vnu-jar@$VNU_JAR_VERSION" "$VNU_JAR"
    local version
    version=$(java -jar "$VNU_JAR" --version 2>&1) || die "java -jar $VNU_JAR does not run: $version"
    log "Nu Html Checker $version ready: $VNU_JAR"
}

axe() {
    npm_tool "axe-core@$AXE_CORE_VERSION" "$AXE_JS"
    log "axe-core ready: $AXE_JS"
}

sitemap() {
    npm_tool "sitemap@$SITEMAP_JS_VERSION" "$SITEMAP_XSD"
    log "sitemaps.org schema ready: $SITEMAP_XSD"
}

wrk() {
    # Debian's build, for bench/load.py: an HTTP load generator on the loopback.
    if [[ ! -x $WRK ]]; then
        apt_install wrk
    fi
    local version
    # wrk -v prints its version and exits with status 1.
    version=$("$WRK" -v 2>&1 | head -n 1 | sed 's/ Copyright.*//') || true
    [[ $version == wrk* ]] || die "$WRK does not run"
    log "wrk ready: $version"
}

env() {
    printf 'export DATABASE_URL=%q\n' "$(database_url)"
    printf 'export REDIS_URL=%q\n' "redis://127.0.0.1:$REDIS_PORT/0"
    printf 'export VNU_JAR=%q\n' "$VNU_JAR"
    printf 'export AXE_JS=%q\n' "$AXE_JS"
    printf 'export SITEMAP_XSD=%q\n' "$SITEMAP_XSD"
}

usage() {
    cat >&2 <<EOF
usage: $0 COMMAND...
  all        everything below
  postgres   start PostgreSQL $PG_VERSION, create role and database $DB_NAME, write the French lemmas
  redis      install and start Redis on 127.0.0.1:$REDIS_PORT
  chromium   install Debian's Chromium ($CHROMIUM)
  vnu        install the Nu Html Checker into $TOOLS_DIR
  axe        install axe-core into $TOOLS_DIR
  sitemap    install sitemap.js (its sitemaps.org schema) into $TOOLS_DIR
  wrk        install Debian's wrk ($WRK), for make bench-load
  env        print export lines for DATABASE_URL, REDIS_URL, VNU_JAR, AXE_JS, SITEMAP_XSD
EOF
    exit 2
}

[[ $# -gt 0 ]] || usage
for command in "$@"; do
    case $command in
    all) postgres && redis && chromium && vnu && axe && sitemap && wrk ;;
    postgres | redis | chromium | vnu | axe | sitemap | wrk | env) "$command" ;;
    -h | --help | help) usage ;;
    *)
        log "unknown command: $command"
        usage
        ;;
    esac
done
