# librdkafka's mock cluster as a standalone broker for other Kafka clients (held-out checks).
# Prints "BOOTSTRAP host:port" then stays up for argv[1] seconds. Run it in a private network
# namespace (see kafka.sh): the mock listens on an ephemeral port.
import sys, time, logging, re
from confluent_kafka import Producer

class Grab(logging.Handler):
    def emit(self, rec):
        msg = rec.getMessage()
        m = re.search(r'(\d+\.\d+\.\d+\.\d+:\d+(?:,\d+\.\d+\.\d+\.\d+:\d+)*)', msg)
        if m and not getattr(self, "done", False) and "ock" in msg:
            self.done = True
            print('BOOTSTRAP', m.group(1), flush=True)

log = logging.getLogger('rdkafka'); log.setLevel(logging.DEBUG); log.addHandler(Grab())
p = Producer({'test.mock.num.brokers': int(sys.argv[2]) if len(sys.argv) > 2 else 1,
              'bootstrap.servers': 'x:1', 'debug': 'mock,broker'}, logger=log)
end = time.time() + float(sys.argv[1])
while time.time() < end:
    p.poll(0.2)
