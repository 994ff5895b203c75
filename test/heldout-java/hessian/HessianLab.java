// Held-out Hessian-over-HTTP check: Caucho Hessian 4.0.38 (Debian libhessian-java): a HessianServlet in Jetty 9.4
// called by HessianProxyFactory — the factory's default call envelope (`c 0x02 0x00 m …`, Hessian 2 values) and
// Hessian 2 calls (setHessian2Request: `H 0x02 0x00 C …`): strings, an int and a long, a map, a list with a null,
// a date, bytes, an exception thrown by the service (a fault).
// Usage: java HessianLab PORT  (one "CALL ..." line per call)
import com.caucho.hessian.client.HessianProxyFactory;
import com.caucho.hessian.server.HessianServlet;
import java.util.*;

public class HessianLab {
  static void log(String s) { System.out.println("CALL " + s); }

  public interface Greeter {
    String hello(String name);
    long add(int a, long b);
    Map<String, Object> describe(List<Object> items);
    Date later(Date d, int days);
    int size(byte[] data);
    String fail(String why);
  }
  public static class GreeterImpl extends HessianServlet implements Greeter {
    public String hello(String name) { return "hello " + name; }
    public long add(int a, long b) { return a + b; }
    public Map<String, Object> describe(List<Object> items) { Map<String, Object> m = new LinkedHashMap<>(); m.put("count", items.size()); m.put("first", items.isEmpty() ? null : items.get(0)); m.put("ok", true); return m; }
    public Date later(Date d, int days) { return new Date(d.getTime() + days * 86400000L); }
    public int size(byte[] data) { return data.length; }
    public String fail(String why) { throw new IllegalArgumentException(why); }
  }

  public static void main(String[] a) throws Exception {
    int port = Integer.parseInt(a[0]);
    org.eclipse.jetty.server.Server jetty = new org.eclipse.jetty.server.Server(new java.net.InetSocketAddress("127.0.0.1", port));
    org.eclipse.jetty.servlet.ServletContextHandler ctx = new org.eclipse.jetty.servlet.ServletContextHandler();
    ctx.addServlet(new org.eclipse.jetty.servlet.ServletHolder(new GreeterImpl()), "/greeter");
    jetty.setHandler(ctx); jetty.start();
    try {
      for (boolean h2 : new boolean[] {false, true}) {
        HessianProxyFactory f = new HessianProxyFactory();
        f.setHessian2Request(h2);
        Greeter g = (Greeter) f.create(Greeter.class, "http://127.0.0.1:" + port + "/greeter");
        String tag = h2 ? "hessian2" : "default";
        log(tag + " hello(\"Ada\") -> " + g.hello("Ada"));
        log(tag + " add(2, 1<<40) -> " + g.add(2, 1L << 40));
        log(tag + " describe([1, \"two\", null]) -> " + g.describe(Arrays.asList(1, "two", null)));
        log(tag + " later(2024-05-06T07:08:09Z, 2) -> " + g.later(new Date(1714979289000L), 2).getTime());
        log(tag + " size(4 bytes) -> " + g.size(new byte[] {0, 1, 2, (byte) 0xff}));
        try { g.fail("bad input"); } catch (Exception e) { log(tag + " fail(\"bad input\") -> " + e.getClass().getSimpleName() + " " + e.getMessage()); }
      }
    } finally { jetty.stop(); }
    System.exit(0);
  }
}
