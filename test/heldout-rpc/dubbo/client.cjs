// Held-out Dubbo check: dubbo2.js DirectlyDubbo (hessian.js inside) calling the Caucho-Hessian provider.
const { DirectlyDubbo, java } = require('dubbo2.js');
const port = Number(process.argv[2] || 22050);
const dubbo = DirectlyDubbo.from({ dubboAddress: `127.0.0.1:${port}`, dubboVersion: '2.0.2', dubboInvokeTimeout: 5 });
const svc = dubbo.proxyService({
  dubboInterface: 'org.heldout.DemoService',
  version: '1.0.0',
  methods: {
    add: (a, b) => [java.int(a), java.int(b)],
    echo: (s) => [java.String(s)],
    echoList: (xs) => [java.List(xs.map((x) => java.long(x)))],
    nothing: () => [],
    person: (name) => [java.String(name)],
    fail: () => [],
    missing: (m) => [java.combine('org.heldout.Query', { text: java.String(m), limit: java.int(3), flags: java.array('boolean', [true, false]) })],
  },
});
const log = (o) => console.log(JSON.stringify(o));
(async () => {
  for (const [m, args] of [['add', [2, 40]], ['echo', ['héllo 😀']], ['echoList', [[1, 2, 3]]], ['nothing', []], ['person', ['g']], ['fail', []], ['missing', ['x']]]) {
    const r = await svc[m](...args);
    log({ method: m, res: r.res, err: r.err && (r.err.message || String(r.err)) });
  }
  setTimeout(() => process.exit(0), 200);
})();
setTimeout(() => process.exit(3), 20000);
