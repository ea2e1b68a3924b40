#!/usr/bin/env bash
# A whole class on one machine (`make classroom`): WORKERS Streamlit processes on loopback ports
# behind HAProxy on PORT, in the foreground. Ctrl-C (or SIGTERM to the process group) stops all.
#
# Why several processes: Streamlit runs every session in threads of one Python process, so one
# process never uses more than about one core. HAProxy (deploy/haproxy.cfg) pins each learner to
# one replica with a cookie, checks /_stcore/health, and takes a dead replica out; the loop below
# starts it again. The learners on the other replicas keep their sessions.
#
# Settings (environment): PORT (8501), WORKERS (number of cores), BIND (0.0.0.0: the class
# reaches this machine over the network), REPLICA_PORT (PORT+1000: replicas listen on
# 127.0.0.1:REPLICA_PORT+1...), PY (.venv/bin/python), STREAMLIT_SERVER_COOKIE_SECRET (made up
# at start when unset: every replica must sign cookies with the same secret).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-8501}
WORKERS=${WORKERS:-$(nproc 2>/dev/null || echo 2)}
BIND=${BIND:-0.0.0.0}
REPLICA_PORT=${REPLICA_PORT:-$((PORT + 1000))}
PY=${PY:-.venv/bin/python}
HAPROXY=${HAPROXY:-$(command -v haproxy || echo /usr/sbin/haproxy)}

if ! [[ "$WORKERS" =~ ^[1-9][0-9]*$ ]]; then
  echo "WORKERS must be a positive whole number, not '$WORKERS'." >&2
  exit 2
fi

# One secret for all replicas (Streamlit refuses it on the command line; the environment is the
# documented way). Made up per start unless given: cookies signed by a previous start are then
# simply renewed by the browser.
if [ -z "${STREAMLIT_SERVER_COOKIE_SECRET:-}" ]; then
  STREAMLIT_SERVER_COOKIE_SECRET=$("$PY" -c "import secrets; print(secrets.token_hex(32))")
fi
export STREAMLIT_SERVER_COOKIE_SECRET
# One BLAS thread per process (the replicas share the cores already), and at most two malloc
# arenas per process: glibc's default of 8 per core lets each session thread's arena keep freed
# memory, so RSS only grows (see the README's memory figures).
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}

RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/nn-lab-classroom.XXXXXX")
pids=()
stopping=0

stop_all() {
  stopping=1
  trap - INT TERM EXIT
  echo "Stopping the classroom..." >&2
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait || true
  rm -rf "$RUN_DIR"
  exit 0
}
trap stop_all INT TERM EXIT

# Keep one replica running: start it, and start it again when it exits (after a pause that grows
# while it keeps dying young, so a broken replica does not spin).
supervise() {
  local name=$1 port=$2 child="" pause=1 started
  trap 'stopping=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait; exit 0' INT TERM
  while [ "$stopping" = 0 ]; do
    started=$SECONDS
    "$PY" scripts/serve.py --server.port "$port" --server.address 127.0.0.1 \
      --server.headless true --browser.gatherUsageStats false \
      > >(trap '' INT TERM; exec sed -u "s/^/[$name] /") 2>&1 &
    child=$!  # (the log prefixer ignores Ctrl-C: it must outlive the replica's last words)
    wait "$child" && status=0 || status=$?
    # Streamlit exits with 0 only when told to stop (Ctrl-C, SIGTERM): then stay stopped.
    [ "$stopping" = 0 ] && [ "$status" != 0 ] || break
    if ((SECONDS - started > 60)); then pause=1; else pause=$((pause * 2 > 30 ? 30 : pause * 2)); fi
    echo "[$name] exited (status $status); starting it again in ${pause}s" >&2
    sleep "$pause"
  done
}

{
  cat deploy/haproxy.cfg
  echo "    cookie NNLAB insert indirect nocache httponly"
  for i in $(seq 1 "$WORKERS"); do
    echo "    server app$i 127.0.0.1:$((REPLICA_PORT + i)) cookie app$i"
  done
} > "$RUN_DIR/haproxy.cfg"
BIND=$BIND PORT=$PORT "$HAPROXY" -c -q -f "$RUN_DIR/haproxy.cfg"

for i in $(seq 1 "$WORKERS"); do
  supervise "app$i" "$((REPLICA_PORT + i))" &
  pids+=("$!")
done

# Open the door only when every replica answers, so the first learners do not meet a 503.
deadline=$((SECONDS + 180))
for i in $(seq 1 "$WORKERS"); do
  until "$PY" -c "import sys, urllib.request as u; u.urlopen(sys.argv[1], timeout=2)" \
    "http://127.0.0.1:$((REPLICA_PORT + i))/_stcore/health" 2>/dev/null; do
    if ((SECONDS > deadline)); then
      echo "Replica app$i did not answer within 180 s; giving up." >&2
      exit 1
    fi
    sleep 0.5
  done
done

BIND=$BIND PORT=$PORT "$HAPROXY" -W -db -f "$RUN_DIR/haproxy.cfg" &
pids+=("$!")
haproxy_pid=$!

host=$(hostname -I 2>/dev/null | awk '{print $1}')
echo
echo "  Class ready: $WORKERS replicas behind HAProxy."
echo "  Learners open: http://${host:-localhost}:$PORT   (this machine: http://localhost:$PORT)"
echo "  Ctrl-C stops everything."
echo

# The balancer is the door: if it stops, stop the replicas too.
wait "$haproxy_pid" || true
[ "$stopping" = 1 ] || echo "HAProxy exited; stopping the replicas." >&2
