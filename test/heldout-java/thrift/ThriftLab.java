// Held-out Thrift check: Apache Thrift's Java library 0.16 (Debian libthrift-java), code from the thrift 0.17
// compiler (test/heldout-rpc/thrift/shop.thrift, --gen java), client and server in one process. Socket
// servers: binary framed, compact framed, JSON buffered, binary unframed, multiplexed (Shop + Admin, compact
// framed); HTTP: THttpClient against TServlets in Jetty 9.4 (binary, compact, JSON).
// Usage: java ThriftLab BASEPORT  (ports BASEPORT..BASEPORT+7; one "CALL ..." line per call)
import java.util.*;
import org.apache.thrift.*;
import org.apache.thrift.protocol.*;
import org.apache.thrift.server.*;
import org.apache.thrift.transport.*;
import org.apache.thrift.transport.layered.TFramedTransport;

public class ThriftLab {
  static void log(String s) { System.out.println("CALL " + s); }

  static class ShopHandler implements Shop.Iface {
    public void ping() {}
    public Order place(Order o) throws OutOfStock, Invalid {
      if (o.getItems() == null || o.getItems().isEmpty()) throw new Invalid("no items");
      for (Item it : o.getItems()) if (it.getQty() > 10) throw new OutOfStock(it.getSku(), 10);
      Order r = o.deepCopy(); r.setId(7001); return r;
    }
    public long total(List<Long> xs) { long s = 0; for (long x : xs) s += x; return s; }
    public void log(String line) { System.out.println("SERVER log " + line); }
    public Map<String, List<Item>> catalog(Set<Color> colors) {
      Map<String, List<Item>> m = new TreeMap<>();
      for (Color c : colors) m.put(c.name(), List.of(new Item("S-" + c.getValue(), 0.5, c, java.nio.ByteBuffer.wrap(new byte[0]), 0L, false, (short) 0, (byte) 0).setQty(1)));
      return m;
    }
    public String crash(String why) { throw new IllegalStateException(why); }
  }
  static class AdminHandler implements Admin.Iface {
    public boolean reset(boolean hard) { return !hard; }
  }

  static Order order(String sku, int qty) {
    Item it = new Item(); it.setSku(sku); it.setQty(qty); it.setPrice(9.75); it.setColor(Color.BLUE);
    it.setBlob(new byte[] {0, 1, (byte) 0xff}); it.setBig(1L << 53 + 1); it.setFragile(true); it.setSmall((short) -2); it.setTiny((byte) 7);
    Order o = new Order(); o.setId(0); o.setItems(new ArrayList<>(List.of(it)));
    o.setCounts(new TreeMap<>(Map.of("a", 1, "b", 2))); o.setTags(new TreeSet<>(Set.of("x", "y")));
    o.setByNum(new TreeMap<>(Map.of(3, it)));
    return o;
  }

  static void calls(String tag, Shop.Client c) throws TException {
    c.ping(); log(tag + " ping() -> void");
    log(tag + " place(A-1 x2) -> id " + c.place(order("A-1", 2)).getId());
    try { c.place(order("B-2", 50)); } catch (OutOfStock e) { log(tag + " place(B-2 x50) -> OutOfStock{sku=" + e.getSku() + ", have=" + e.getHave() + "}"); }
    try { Order o = new Order(); o.setItems(new ArrayList<>()); c.place(o); } catch (Invalid e) { log(tag + " place(no items) -> Invalid{why=" + e.getWhy() + "}"); }
    log(tag + " total([1, 2, 9007199254740993]) -> " + c.total(List.of(1L, 2L, 9007199254740993L)));
    c.log("oneway from " + tag); log(tag + " log(\"oneway from " + tag + "\") -> (oneway)");
    log(tag + " catalog({RED, BLUE}) -> " + c.catalog(new TreeSet<>(Set.of(Color.RED, Color.BLUE))).keySet());
    try { c.crash("boom"); } catch (TApplicationException e) { log(tag + " crash(\"boom\") -> TApplicationException type " + e.getType() + " " + e.getMessage()); }
  }

  interface ProtoF { TProtocol make(TTransport t); }

  static TServer socketServer(int port, TProcessor p, TProtocolFactory pf, boolean framed) throws Exception {
    TServerSocket ss = new TServerSocket(new java.net.InetSocketAddress("127.0.0.1", port));
    TSimpleServer.Args args = new TSimpleServer.Args(ss).processor(p).protocolFactory(pf);
    if (framed) args.transportFactory(new TFramedTransport.Factory());
    TServer s = new TSimpleServer(args);
    Thread t = new Thread(s::serve); t.setDaemon(true); t.start();
    for (int i = 0; i < 100 && !s.isServing(); i++) Thread.sleep(20);
    return s;
  }

  public static void main(String[] a) throws Exception {
    int base = Integer.parseInt(a[0]);
    Object[][] socketRuns = {
      {"binary framed", new TBinaryProtocol.Factory(), true},
      {"compact framed", new TCompactProtocol.Factory(), true},
      {"json buffered", new TJSONProtocol.Factory(), false},
      {"binary unframed", new TBinaryProtocol.Factory(), false},
    };
    int port = base;
    for (Object[] r : socketRuns) {
      TProtocolFactory pf = (TProtocolFactory) r[1];
      boolean framed = (Boolean) r[2];
      TServer s = socketServer(port, new Shop.Processor<>(new ShopHandler()), pf, framed);
      TTransport t = new TSocket("127.0.0.1", port);
      if (framed) t = new TFramedTransport(t);
      t.open();
      calls(r[0] + " :" + port, new Shop.Client(pf.getProtocol(t)));
      t.close(); s.stop(); port++;
    }
    // multiplexed: Shop and Admin behind one TMultiplexedProcessor, compact framed
    TMultiplexedProcessor mp = new TMultiplexedProcessor();
    mp.registerProcessor("Shop", new Shop.Processor<>(new ShopHandler()));
    mp.registerProcessor("Admin", new Admin.Processor<>(new AdminHandler()));
    TServer ms = socketServer(port, mp, new TCompactProtocol.Factory(), true);
    TTransport mt = new TFramedTransport(new TSocket("127.0.0.1", port)); mt.open();
    TProtocol mproto = new TCompactProtocol(mt);
    calls("multiplexed compact framed :" + port, new Shop.Client(new TMultiplexedProtocol(mproto, "Shop")));
    log("multiplexed compact framed :" + port + " Admin.reset(true) -> " + new Admin.Client(new TMultiplexedProtocol(mproto, "Admin")).reset(true));
    mt.close(); ms.stop(); port++;

    // HTTP: TServlets in Jetty 9.4, THttpClient (one HTTP POST per call)
    org.eclipse.jetty.server.Server jetty = new org.eclipse.jetty.server.Server(new java.net.InetSocketAddress("127.0.0.1", port));
    org.eclipse.jetty.servlet.ServletContextHandler ctx = new org.eclipse.jetty.servlet.ServletContextHandler();
    Object[][] httpRuns = {{"binary", new TBinaryProtocol.Factory()}, {"compact", new TCompactProtocol.Factory()}, {"json", new TJSONProtocol.Factory()}};
    for (Object[] r : httpRuns) {
      TProtocolFactory pf = (TProtocolFactory) r[1];
      ctx.addServlet(new org.eclipse.jetty.servlet.ServletHolder(new TServlet(new Shop.Processor<>(new ShopHandler()), pf)), "/" + r[0]);
    }
    jetty.setHandler(ctx); jetty.start();
    try {
      for (Object[] r : httpRuns) {
        THttpClient h = new THttpClient("http://127.0.0.1:" + port + "/" + r[0]);
        h.setCustomHeader("X-Lab", "heldout-java");
        calls("http " + r[0] + " :" + port, new Shop.Client(((TProtocolFactory) r[1]).getProtocol(h)));
        h.close();
      }
    } finally { jetty.stop(); }
    port++;

    // Java-only: TTupleProtocol (compact message headers, struct fields by position behind a presence
    // bit set) framed; and compact inside TZlibTransport (the whole byte stream deflated, flushed per call)
    TServer ts = socketServer(port, new Shop.Processor<>(new ShopHandler()), new TTupleProtocol.Factory(), true);
    TTransport tt = new TFramedTransport(new TSocket("127.0.0.1", port)); tt.open();
    calls("tuple framed :" + port, new Shop.Client(new TTupleProtocol(tt)));
    tt.close(); ts.stop(); port++;
    TServerSocket zs = new TServerSocket(new java.net.InetSocketAddress("127.0.0.1", port));
    TServer zserver = new TSimpleServer(new TSimpleServer.Args(zs).processor(new Shop.Processor<>(new ShopHandler()))
      .protocolFactory(new TCompactProtocol.Factory()).transportFactory(new TZlibTransport.Factory()));
    Thread zt = new Thread(zserver::serve); zt.setDaemon(true); zt.start();
    for (int i = 0; i < 100 && !zserver.isServing(); i++) Thread.sleep(20);
    TTransport z = new TZlibTransport(new TSocket("127.0.0.1", port)); z.open();
    calls("zlib compact :" + port, new Shop.Client(new TCompactProtocol(z)));
    z.close(); zserver.stop();
    System.exit(0);
  }
}
