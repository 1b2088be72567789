# The etcd store beside the embedded one (source it after lib.sh and peers.sh; uses row, lat,
# per_s, ratio, load, field, free_port, start_pscd, stop_pscd, wait_quiet, $work, $seconds,
# $count and the embedded figures $case1, $case64, $get_large, $term1, $term16, $lag): pscd
# with --store etcd on a 3-member etcd cluster on loopback (fsync on, mTLS), on the same
# workloads, then failover time over kills of the etcd leader (tests/crash/hatest).

# start_etcd_cluster DIR: 3 members with the certificates of DIR/certs; sets etcd_endpoints.
start_etcd_cluster() {
  local dir=$1 c=$1/certs cluster="" i
  local -a client peer
  for i in 0 1 2; do
    client[i]=$(free_port)
    peer[i]=$(free_port)
    cluster+="${cluster:+,}m$i=http://127.0.0.1:${peer[i]}"
  done
  etcd_endpoints=""
  for i in 0 1 2; do
    etcd --name "m$i" --data-dir "$dir/etcd$i" \
      --listen-client-urls "https://127.0.0.1:${client[i]}" \
      --advertise-client-urls "https://127.0.0.1:${client[i]}" \
      --listen-peer-urls "http://127.0.0.1:${peer[i]}" \
      --initial-advertise-peer-urls "http://127.0.0.1:${peer[i]}" --initial-cluster "$cluster" \
      --client-cert-auth --trusted-ca-file "$c/ca.crt" --cert-file "$c/etcd.crt" \
      --key-file "$c/etcd.key" --max-txn-ops 10000 --max-request-bytes 8388608 \
      --quota-backend-bytes 8589934592 --logger zap >"$dir/etcd$i.log" 2>&1 &
    peer_pids+=($!)
    etcd_endpoints+="${etcd_endpoints:+,}https://127.0.0.1:${client[i]}"
  done
  for i in 0 1 2; do
    for _ in $(seq 300); do
      grep -q "serving client traffic" "$dir/etcd$i.log" && break
      sleep 0.1
    done
  done
}

# start_pscd_on_etcd DIR: pscd with --store etcd on the cluster of start_etcd_cluster DIR.
start_pscd_on_etcd() {
  local c=$1/certs
  start_pscd "$1" --store "etcd:$etcd_endpoints" --etcd-ca "$c/ca.crt" --etcd-cert "$c/etcd.crt" \
    --etcd-key "$c/etcd.key" --etcd-prefix "/bench-$2/"
}

etcd_store_bench() {
  local dir=$work/etcd-store
  mkdir -p "$dir"
  certs/make-dev-certs "$dir/certs" >/dev/null
  start_etcd_cluster "$dir"
  start_pscd_on_etcd "$dir" small
  local e_case1 e_case64 e_gen e_get e_term1 e_term16 e_lag e_health started
  e_health=$(load --op health --clients 1 --seconds "$seconds")
  e_case1=$(load --op create-case-study --clients 1 --seconds "$seconds")
  e_case64=$(load --op create-case-study --clients 64 --seconds "$seconds")
  row "etcd store: case-study create, 1 client" "$(lat "$e_case1")" "embedded p50" \
    "$(ratio "$(field p50_us "$e_case1")" "$(field p50_us "$case1")")"
  row "etcd store: case-study create, 64 clients" "$(per_s "$e_case64")" \
    "embedded $(per_s "$case64")" \
    "$(ratio "$(field ops_per_s "$e_case64")" "$(field ops_per_s "$case64")")"
  started=$(date +%s.%N)
  load --op generate --clients 32 --count "$count" --seconds 7200 >/dev/null
  e_gen=$(awk -v s="$started" -v n="$count" -v e="$(date +%s.%N)" \
    'BEGIN { printf "%.0f/s", n / (e - s) }')
  row "etcd store: generate $count records, 32 clients" "$e_gen" "embedded $generated" ""
  wait_quiet
  e_get=$(load --op get --clients 1 --seconds "$seconds")
  row "etcd store: Get, 1 client, $count records" "$(lat "$e_get")" "embedded p50" \
    "$(ratio "$(field p50_us "$e_get")" "$(field p50_us "$get_large")")"
  e_term1=$(load --op search-term --clients 1 --seconds "$seconds")
  e_term16=$(load --op search-term --clients 16 --seconds "$seconds")
  row "etcd store: search, one word, 1 client" "$(lat "$e_term1")" "embedded p50" \
    "$(ratio "$(field p50_us "$e_term1")" "$(field p50_us "$term1")")"
  row "etcd store: search, one word, 16 clients" "$(per_s "$e_term16")" \
    "embedded $(per_s "$term16")" \
    "$(ratio "$(field ops_per_s "$e_term16")" "$(field ops_per_s "$term16")")"
  e_lag=$(load --op watch-lag --clients 64 --seconds "$seconds" | grep "watch lag")
  row "etcd store: watch lag, 64 writers" "$(lat "$e_lag")" "embedded p50" \
    "$(ratio "$(field p50_us "$e_lag")" "$(field p50_us "$lag")")"
  stop_pscd
  mkdir -p "$dir/import"
  cp -r "$dir/certs" "$dir/import/certs"
  start_pscd_on_etcd "$dir/import" import
  local c=$dir/certs t0 t1
  t0=$(date +%s.%N)
  env PSC_TARGET="$target" PSC_CA="$c/ca.crt" PSC_CERT="$c/admin.crt" PSC_KEY="$c/admin.key" \
    "$build/tools/psc" import "$work/export.jsonl" >"$dir/import.log" 2>&1
  t1=$(date +%s.%N)
  row "etcd store: psc import ($exported lines)" \
    "$(awk -v n="$exported" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f/s", n / (b - a) }')" \
    "embedded $import_rate" ""
  stop_pscd
  # Failover: 3 members, 3 replicas, writers; each kill of the leader, the longest time without
  # an acknowledged write. The cluster above stops first: hatest starts its own.
  for p in "${peer_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ -x $build/tests/hatest ]]; then
    local gaps
    if "$build/tests/hatest" --rounds "${BENCH_FAILOVERS:-10}" --only "kill -9 of the etcd leader" \
      >"$dir/hatest.log" 2>&1; then
      gaps=$(sed -n 's/.*longest time without an acknowledged write \([0-9.]*\)\(m\?s\).*/\1 \2/p' \
        "$dir/hatest.log" | awk '{ print ($2 == "ms" ? $1 / 1000 : $1) }' | sort -n)
      row "etcd store: failover (leader kill -> next ack)" \
        "$(awk '{ v[NR] = $1 } END { printf "p50 %.2f s, max %.2f s (%d kills)", v[int((NR + 1) / 2)], v[NR], NR }' <<<"$gaps")" \
        "" ""
    else
      grep "^FAIL" "$dir/hatest.log" | head -5 >&2
      row "etcd store: failover (leader kill -> next ack)" "hatest FAILED (its log above)" "" ""
    fi
  fi
}
