# The peers of tools/bench/all (source it after lib.sh; uses its row, lat, per_s, ratio, load,
# $work, $seconds, $term1, $term16 and $large_n): PostgreSQL 15 full-text search and etcd 3.4
# Put/Range, on loopback, with fsync on, over TLS, driven like pscd.

pg_bin=/usr/lib/postgresql/15/bin
# PostgreSQL runs as its own user: root starts it through runuser.
have_postgres() { [[ -x $pg_bin/postgres && $(id -u) == 0 ]] && id postgres >/dev/null 2>&1; }
have_etcd() { command -v etcd >/dev/null; }

# A loopback TCP port nothing listens on.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# postgres_search EXPORT: loads the records `psc export` wrote into a table with a GIN-indexed
# tsvector of every string in each record, then runs one-word top-10 ts_rank queries (the words
# of psc-load --op search-term) with pgbench at 1 and 16 clients. TLS without client
# certificates (sslmode=require); PostgreSQL counts no facets, pscd does.
postgres_search() {
  local export=$1 dir=$work/postgres port
  port=$(free_port)
  mkdir -p "$dir"
  cp "$work/small/certs/server.crt" "$work/small/certs/server.key" "$dir/"
  cp "$export" "$dir/records.jsonl"
  "$build/tools/psc-load" --print-terms >"$dir/terms.txt"
  chown -R postgres "$dir"
  chmod 600 "$dir/server.key"
  local as_pg=(runuser -u postgres --)
  "${as_pg[@]}" "$pg_bin/initdb" -D "$dir/data" -A trust -U bench >/dev/null
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir \
    -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=$dir/server.crt \
    -c ssl_key_file=$dir/server.key -c shared_buffers=512MB" start >/dev/null
  local conn="host=127.0.0.1 port=$port user=bench dbname=postgres sslmode=require"
  psql -q "$conn" -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE TABLE raw (doc jsonb);
-- Each line whole: a quote and delimiter that never occur in the JSON.
\copy raw FROM '$dir/records.jsonl' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02')
CREATE TABLE records AS
  SELECT doc, jsonb_to_tsvector('english', doc, '["string"]') AS tsv FROM raw;
CREATE INDEX ON records USING gin (tsv);
CREATE TABLE terms (id int PRIMARY KEY, q tsquery);
CREATE TEMP TABLE words (word text);
\copy words FROM '$dir/terms.txt'
INSERT INTO terms SELECT row_number() OVER () - 1, plainto_tsquery('english', word) FROM words;
VACUUM ANALYZE;
SQL
  local terms
  terms=$(wc -l <"$dir/terms.txt")
  cat >"$dir/search.sql" <<SQL
\set n random(0, $((terms - 1)))
SELECT r.doc FROM records r, terms t WHERE t.id = :n AND r.tsv @@ t.q
  ORDER BY ts_rank(r.tsv, t.q) DESC LIMIT 10;
SQL
  local clients pg_seconds=$((seconds < 3 ? 3 : seconds))  # 16 TLS connections take ~0.5 s
  for clients in 1 16; do
    rm -f "$dir"/pgbench_log.*
    if ! (cd "$dir" && pgbench -n -c "$clients" -j "$((clients < 2 ? 1 : 2))" -T "$pg_seconds" \
      -f search.sql --log "$conn" >"$dir/pgbench.out" 2>&1); then
      cat "$dir/pgbench.out" >&2
      return 1
    fi
    # Per-transaction log lines: client, transaction, latency (µs), ...
    local summary
    summary=$(cat "$dir"/pgbench_log.* | awk '{ print $3 }' | sort -n | awk -v s="$pg_seconds" \
      '{ v[NR] = $1 } END { printf "op=pgbench ops_per_s=%.0f p50_us=%d p99_us=%d", NR / s,
        v[int(0.5 * (NR - 1)) + 1], v[int(0.99 * (NR - 1)) + 1] }')
    if ((clients == 1)); then
      row "PostgreSQL 15 search, one word, top 10, 1 client" "$(lat "$summary")" \
        "its p99 / pscd's (with facets)" "$(ratio "$(field p99_us "$summary")" "$(field p99_us "$term1")")"
    else
      row "PostgreSQL 15 search, one word, top 10, 16 clients" "$(per_s "$summary")" \
        "pscd $(per_s "$term16") / it" \
        "$(ratio "$(field ops_per_s "$term16")" "$(field ops_per_s "$summary")")"
    fi
  done
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
}

# etcd_kv: etcd with client-certificate TLS on loopback, then Put (fsync per commit, as etcd
# always does) of generated records as JSON at 1 and 64 clients and Range at 1 and 64, beside
# pscd's case-study creates and Gets from the same run.
etcd_kv() {
  local dir=$work/etcd c=$work/small/certs port peer
  port=$(free_port)
  peer=$(free_port)
  etcd --name bench --data-dir "$dir" --listen-client-urls "https://127.0.0.1:$port" \
    --advertise-client-urls "https://127.0.0.1:$port" \
    --listen-peer-urls "http://127.0.0.1:$peer" \
    --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "bench=http://127.0.0.1:$peer" --cert-file "$c/etcd.crt" \
    --key-file "$c/etcd.key" --client-cert-auth --trusted-ca-file "$c/ca.crt" \
    >"$work/etcd.log" 2>&1 &
  peer_pids+=($!)
  local etcd_auth=(--target "127.0.0.1:$port" --ca "$c/ca.crt" --cert "$c/admin.crt"
    --key "$c/admin.key")
  for _ in $(seq 100); do
    "$build/tools/psc-load" "${etcd_auth[@]}" --op etcd-put --count 1 >/dev/null 2>&1 && break
    sleep 0.1
  done
  local put1 put64 range1 range64 keys
  put1=$("$build/tools/psc-load" "${etcd_auth[@]}" --op etcd-put --clients 1 --seconds "$seconds")
  put64=$("$build/tools/psc-load" "${etcd_auth[@]}" --op etcd-put --clients 64 \
    --seconds "$seconds")
  keys=$(sed -n 's/.* calls=\([0-9]*\).*/\1/p' <<<"$put64")
  range1=$("$build/tools/psc-load" "${etcd_auth[@]}" --op etcd-range --clients 1 \
    --count "$keys" --seconds "$seconds")
  range64=$("$build/tools/psc-load" "${etcd_auth[@]}" --op etcd-range --clients 64 \
    --count "$keys" --seconds "$seconds")
  row "etcd 3.4 Put (fsync), 1 client" "$(lat "$put1")" "pscd case-study create p50" \
    "$(ratio "$(field p50_us "$case1")" "$(field p50_us "$put1")")"
  row "etcd 3.4 Put (fsync), 64 clients" "$(per_s "$put64")" "pscd $(per_s "$case64")" \
    "$(ratio "$(field ops_per_s "$case64")" "$(field ops_per_s "$put64")")"
  row "etcd 3.4 Range, 1 client" "$(lat "$range1")" "pscd Get p50" \
    "$(ratio "$(field p50_us "$get1")" "$(field p50_us "$range1")")"
  row "etcd 3.4 Range, 64 clients" "$(per_s "$range64")" "pscd Get $(per_s "$get64")" \
    "$(ratio "$(field ops_per_s "$get64")" "$(field ops_per_s "$range64")")"
}
