#!/usr/bin/env bash
# celery.sh [OUT_DIR]: Redis lists used as queues by real task queues (Debian python3-celery 5.2 / kombu 5.2 with
# redis-py 4.3, python3-rq 1.13) against a throw-away redis-server on 127.0.0.1:22150. A Celery worker waits with
# BRPOP; the client's add(2, 3) and a task that raises are LPUSHed to `celery`, results come back as PUBLISH to
# celery-task-meta-<id>; an RQ job is RPUSHed to rq:queue:default and taken by a burst worker (LPOP, no blocking pop:
# that list stays a plain list). Expected: two LPUSH publishes, each `→ 1 delivery` to a BRPOP child.
#   apt-get install redis-server python3-celery python3-redis python3-rq tcpdump
set -uo pipefail
OUT=${1:-/tmp/heldout-celery}
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
mkdir -p "$OUT" && cd "$OUT"
cat > tasks.py <<'PY'
from celery import Celery
app = Celery('tasks', broker='redis://127.0.0.1:22150/0', backend='redis://127.0.0.1:22150/1')
app.conf.worker_hijack_root_logger = False
@app.task
def add(x, y): return x + y
@app.task
def boom(): raise ValueError('no good')
PY
cat > client.py <<'PY'
import sys
sys.path.insert(0, '.')
from tasks import add, boom
r1 = add.delay(2, 3); r2 = boom.delay()
print(r1.get(timeout=10))
try: r2.get(timeout=10)
except Exception as e: print('boom:', e)
PY
cat > rqjob.py <<'PY'
def fun_add(a, b): return a + b
PY
cat > rqclient.py <<'PY'
import sys
sys.path.insert(0, '.')
from redis import Redis
from rq import Queue
from rqjob import fun_add
print(Queue('default', connection=Redis(port=22150, db=2)).enqueue(fun_add, 2, 3).id)
PY
redis-server --port 22150 --bind 127.0.0.1 --save '' --appendonly no > redis.log 2>&1 &
RS=$!
trap 'kill $RS 2>/dev/null' EXIT
sleep 0.5
"$here/cap.sh" "$OUT/celery.pcap" 'tcp port 22150' bash -c "
  (timeout 12 $PY -m celery -A tasks worker -c 1 --without-gossip --without-mingle --without-heartbeat -l warning > worker.log 2>&1 &)
  sleep 3; $PY client.py; $PY rqclient.py
  timeout 8 $PY -m rq.cli worker -u redis://127.0.0.1:22150/2 --burst default > rqworker.log 2>&1; sleep 9"
echo "now: callscope $OUT/celery.pcap"
