# Shared by the benchmark scripts (source it): starting pscd on a fresh data dir with fsync on
# and mTLS on loopback, and reading psc-load's output. Needs $build (the build dir).

# pscd runs with its defaults, as users run it (every call logged), plus $BENCH_PSCD_FLAGS,
# unquoted: flags of an experiment (a quieter call log, say), never of the published figures.
# start_pscd DIR [PSCD FLAGS...]: dev certs in DIR/certs (made once), data in DIR/data, log in
# DIR/log; sets pscd_pid, pscd_dir, target and auth (psc-load's connection flags, as admin).
start_pscd() {
  local dir=$1
  pscd_dir=$dir
  shift
  [[ -d $dir/certs ]] || certs/make-dev-certs "$dir/certs" >/dev/null
  local c=$dir/certs
  "$build/server/pscd" --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 ${BENCH_PSCD_FLAGS:-} \
    --data-dir "$dir/data" --tls-cert "$c/server.crt" --tls-key "$c/server.key" \
    --client-ca "$c/ca.crt" --principals "$c/principals.json" "$@" >"$dir/log" 2>&1 </dev/null &
  pscd_pid=$!
  for _ in $(seq 300); do
    grep -q "listening on" "$dir/log" && break
    kill -0 "$pscd_pid" 2>/dev/null || { cat "$dir/log" >&2; return 1; }
    sleep 0.1
  done
  target=$(sed -n 's/.*listening on \([^,]*\),.*/\1/p' "$dir/log" | tail -1)
  auth=(--target "$target" --ca "$c/ca.crt" --cert "$c/admin.crt" --key "$c/admin.key")
}

# wait_quiet [SECONDS]: waits (default at most 300 s) until the pscd of start_pscd is idle: its
# search index has applied every change and RocksDB has no compaction pending, so that what is
# measured next does not share the cores with catching up after a bulk load.
wait_quiet() {
  local metrics
  metrics=$(sed -n 's/.*metrics on \(http[^,]*\),.*/\1/p' "$pscd_dir/log" | tail -1)
  for _ in $(seq "$((${1:-300} * 2))"); do
    curl -sf "$metrics" | awk '/^psc_index_lag / { lag = $2; seen++ }
      /^psc_rocksdb_pending_compaction_bytes / { pending = $2; seen++ }
      END { exit !(seen == 2 && lag == 0 && pending == 0) }' && return 0
    sleep 0.5
  done
  echo "wait_quiet: pscd still busy after ${1:-300} s" >&2
}

# stop_pscd: SIGTERM and wait.
stop_pscd() {
  [[ -n ${pscd_pid:-} ]] || return 0
  kill "$pscd_pid" 2>/dev/null || true
  wait "$pscd_pid" 2>/dev/null || true
}

# field NAME LINE: a key=value field of psc-load's summary line (ops_per_s, p50_us, p99_us...).
field() { sed -n "s/.*[ :]$1=\([0-9.]*\).*/\1/p" <<<"$2" | head -1; }
