// Held-out HTTP/2 check: Tomcat 10.1 embedded (Debian libtomcat10-java), HTTP/1.1 with the h2c upgrade
// (Http2Protocol), and its server push (PushBuilder); the JDK 17 java.net.http.HttpClient over HTTP/2 (it
// upgrades, then sends on the connection) with a push-promise handler, and over HTTP/1.1.
// Usage: java TomcatLab PORT  (one "CALL ..." line per call)
import jakarta.servlet.http.*;
import java.io.*;
import java.net.URI;
import java.net.http.*;
import java.util.*;
import java.util.concurrent.*;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

public class TomcatLab {
  static void log(String s) { System.out.println("CALL " + s); }

  public static class Routes extends HttpServlet {
    protected void service(HttpServletRequest rq, HttpServletResponse rs) throws IOException {
      String p = rq.getRequestURI();
      if (p.equals("/page")) {
        PushBuilder pb = rq.newPushBuilder();
        if (pb != null) { pb.path("/style.css").push(); pb.path("/app.js").push(); }
        rs.setContentType("text/html"); rs.getWriter().write("<html><link href=/style.css><script src=/app.js></script>pushed: " + (pb != null) + "</html>");
      } else if (p.equals("/style.css")) { rs.setContentType("text/css"); rs.getWriter().write("body { color: red }");
      } else if (p.equals("/app.js")) { rs.setContentType("text/javascript"); rs.getWriter().write("console.log('app')");
      } else if (p.equals("/json")) { rs.setContentType("application/json"); rs.getWriter().write("{\"proto\":\"" + rq.getProtocol() + "\"}");
      } else if (p.equals("/echo")) {
        byte[] b = rq.getInputStream().readAllBytes();
        rs.setStatus(201); rs.setContentType("application/json"); rs.getWriter().write("{\"len\":" + b.length + "}");
      } else if (p.equals("/stream")) {
        rs.setContentType("text/plain"); PrintWriter w = rs.getWriter();
        for (int i = 0; i < 4; i++) { w.write("chunk " + i + "\n"); w.flush(); try { Thread.sleep(20); } catch (InterruptedException e) { return; } }
      } else rs.sendError(404, "nothing at " + p);
    }
  }

  public static void main(String[] a) throws Exception {
    int port = Integer.parseInt(a[0]);
    Tomcat t = new Tomcat();
    t.setBaseDir(System.getProperty("java.io.tmpdir") + "/tomcat-lab-" + port);
    Connector c = new Connector("HTTP/1.1");
    c.setPort(port);
    c.setProperty("address", "127.0.0.1");
    c.addUpgradeProtocol(new org.apache.coyote.http2.Http2Protocol());
    t.getService().addConnector(c);
    t.setConnector(c);
    Context ctx = t.addContext("", null);
    Tomcat.addServlet(ctx, "routes", new Routes());
    ctx.addServletMappingDecoded("/*", "routes");
    t.start();
    try {
      String base = "http://127.0.0.1:" + port;
      HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
      HttpResponse<String> first = h2.send(HttpRequest.newBuilder(URI.create(base + "/json")).build(), HttpResponse.BodyHandlers.ofString());
      log("jdk h2c upgrade GET /json -> " + first.statusCode() + " " + first.version() + " " + first.body());
      Map<String, CompletableFuture<HttpResponse<String>>> pushes = new ConcurrentHashMap<>();
      HttpResponse.PushPromiseHandler<String> ph = (initiating, pushReq, acceptor) -> pushes.put(pushReq.uri().getPath(), acceptor.apply(HttpResponse.BodyHandlers.ofString()));
      HttpResponse<String> page = h2.sendAsync(HttpRequest.newBuilder(URI.create(base + "/page")).build(), HttpResponse.BodyHandlers.ofString(), ph).get(10, TimeUnit.SECONDS);
      log("jdk h2 GET /page -> " + page.statusCode() + " " + page.body());
      for (Map.Entry<String, CompletableFuture<HttpResponse<String>>> e : new TreeMap<>(pushes).entrySet()) {
        HttpResponse<String> r = e.getValue().get(5, TimeUnit.SECONDS);
        log("jdk h2 pushed " + e.getKey() + " -> " + r.statusCode() + " " + r.body());
      }
      HttpResponse<String> echo = h2.send(HttpRequest.newBuilder(URI.create(base + "/echo")).POST(HttpRequest.BodyPublishers.ofString("z".repeat(20000))).build(), HttpResponse.BodyHandlers.ofString());
      log("jdk h2 POST /echo 20000 bytes -> " + echo.statusCode() + " " + echo.body());
      HttpResponse<String> st = h2.send(HttpRequest.newBuilder(URI.create(base + "/stream")).build(), HttpResponse.BodyHandlers.ofString());
      log("jdk h2 GET /stream -> " + st.statusCode() + " " + st.body().replace("\n", "\\n"));
      HttpResponse<String> nf = h2.send(HttpRequest.newBuilder(URI.create(base + "/nope")).build(), HttpResponse.BodyHandlers.ofString());
      log("jdk h2 GET /nope -> " + nf.statusCode());
      HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<String> s1 = h1.send(HttpRequest.newBuilder(URI.create(base + "/stream")).build(), HttpResponse.BodyHandlers.ofString());
      log("jdk h1 GET /stream -> " + s1.statusCode() + " " + s1.version() + " " + s1.body().replace("\n", "\\n"));
    } finally {
      t.stop(); t.destroy();
    }
    System.exit(0);
  }
}
