// An EventSource-like client: fetch /live, read events as they arrive, close after three.
'use strict';
const port = Number(process.argv[2] || 9500);

(async () => {
  const ac = new AbortController();
  const res = await fetch(`http://127.0.0.1:${port}/live`, { headers: { Accept: 'text/event-stream' }, signal: ac.signal });
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  let events = 0;
  try {
    while (events < 3) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        console.log('event:', JSON.stringify(buf.slice(0, i)));
        buf = buf.slice(i + 2);
        events++;
      }
    }
  } finally {
    ac.abort(); // like EventSource.close(): the client hangs up mid-stream
  }
})().catch((e) => {
  if (e.name !== 'AbortError') {
    console.error(e);
    process.exit(1);
  }
});
