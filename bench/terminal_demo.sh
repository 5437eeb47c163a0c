#!/usr/bin/env bash
# A 30-project `ontokit apply` in a real terminal (a tmux pane of 120x30), against a served local Hub
# that adds latency and a few 503s (so the run lasts a few seconds and retries show). Saves what the
# pane shows as it changes, then the same apply piped (no terminal: plain lines), under OUT
# (default bench/out/terminal/). Prints a capture from mid-run and the last one.
#
#   bash bench/terminal_demo.sh            # from the repository root, in the venv
#   OUT=/tmp/demo FAULTS='latency=0.05' bash bench/terminal_demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
OUT="${OUT:-$ROOT/bench/out/terminal}"
FAULTS="${FAULTS:-latency=0.03,5xx=0.02,retry-after=0,seed=13}"
PY="${PYTHON:-python}"
command -v tmux >/dev/null || { echo "tmux is needed (apt-get install tmux)" >&2; exit 1; }
WORK="$(mktemp -d)"
# A tmux server of its own: a running one would give the pane its environment, not this script's.
TMUX_CMD=(tmux -L "ontokit-demo-$$")
cleanup() {
  "${TMUX_CMD[@]}" kill-server 2>/dev/null || true
  [[ -n "${HUB_PID:-}" ]] && kill "$HUB_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
rm -rf "$OUT" && mkdir -p "$OUT"

# A workspace of 30 projects sharing one small ontology; two copies: one for the terminal, one piped.
make_workspace() {
  local ws="$1"
  mkdir -p "$ws/.git" "$ws/projects"
  printf 'tools:\n  - title: Car\n    type: bounding-box\nclassifications:\n  - title: Weather\n    type: radio\n    options: [Sunny, Rainy]\n' >"$ws/ontology.yaml"
  for n in $(seq -w 1 30); do
    printf 'name: %s %s\nontology: ../ontology.yaml\n' "$2" "$n" >"$ws/projects/p$n.yaml"
  done
  printf 'projects:\n  - projects/*.yaml\n' >"$ws/ontokit.yaml"
}
make_workspace "$WORK/tty" "Demo"
make_workspace "$WORK/piped" "Piped"

PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
"$PY" -m ontology_kit hub serve --port "$PORT" --db "$WORK/hub.sqlite3" --api-key demo-key \
  --faults "$FAULTS" >"$WORK/hub.log" 2>&1 &
HUB_PID=$!
for _ in $(seq 100); do grep -qs listening "$WORK/hub.log" && break; sleep 0.1; done
HUB="http://127.0.0.1:$PORT"

# The terminal: fixed size, so that the captures are what a 120x30 window shows.
"${TMUX_CMD[@]}" new-session -d -x 120 -y 30 \
  "cd '$WORK/tty' && ONTOKIT_HUB='$HUB' ANGO_API_KEY=demo-key PYTHONPATH='$PYTHONPATH' '$PY' -m ontology_kit apply --auto-approve; echo \"exit: \$?\"; sleep 600"
n=0 last=""
for _ in $(seq 600); do
  screen="$("${TMUX_CMD[@]}" capture-pane -p)"
  if [[ "$screen" != "$last" ]]; then
    n=$((n + 1)) last="$screen"
    printf '%s\n' "$screen" >"$OUT/capture-$(printf %03d $n).txt"
  fi
  grep -q '^exit: ' <<<"$screen" && break
  sleep 0.1
done
mid="$(grep -l -E '[0-9]+/30 projects.*left' "$OUT"/capture-*.txt | tail -n 1 || true)"

# Piped: no terminal, plain lines on standard error.
(cd "$WORK/piped" && ONTOKIT_HUB="$HUB" ANGO_API_KEY=demo-key "$PY" -m ontology_kit apply --auto-approve \
  >"$OUT/piped.stdout.txt" 2>"$OUT/piped.stderr.txt") || true

echo "== mid-run: ${mid:-no capture showed a counter and an estimate} =="
[[ -n "$mid" ]] && cat "$mid"
echo "== last capture: $OUT/capture-$(printf %03d $n).txt =="
cat "$OUT/capture-$(printf %03d $n).txt"
echo "== piped, standard error (first 8 lines of $(wc -l <"$OUT/piped.stderr.txt")) =="
head -n 8 "$OUT/piped.stderr.txt"
echo "captures: $n in $OUT"
[[ -n "$mid" ]]
