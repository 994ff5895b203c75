// Held-out HTTP check: Jetty 9.4 (Debian libjetty9-java) serving HTTP/1.1 and h2c on one connector
// (HttpConnectionFactory + HTTP2CServerConnectionFactory), with a GzipHandler. Clients: the JDK's
// java.net.http.HttpClient over HTTP/1.1 (keep-alive, chunked answers) and over HTTP/2 (for http:// it
// upgrades: Upgrade: h2c + HTTP2-Settings, 101, the answer on stream 1), and OkHttp 3.13 with prior
// knowledge; Apache HttpClient 4.5 (Expect: 100-continue, a chunked upload, a redirect, HEAD, 304); Jetty's
// low-level HTTP2Client (prior knowledge: concurrent streams, a POST in two DATA frames, PING, a reset).
// Routes: /json, /chunked (written in five flushes), /text (40 KB of text: gzip-encoded when asked),
// /echo (POST), /redirect, /etag, /status/N.
// Usage: java JettyLab PORT  (one "CALL ..." line per call)
import java.io.*;
import java.net.URI;
import java.net.http.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.TimeUnit;
import javax.servlet.http.*;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.*;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.servlet.*;

public class JettyLab {
  static void log(String s) { System.out.println("CALL " + s); }

  public static class Routes extends HttpServlet {
    protected void service(HttpServletRequest rq, HttpServletResponse rs) throws IOException {
      String p = rq.getRequestURI();
      if (p.equals("/json")) {
        rs.setContentType("application/json"); rs.getWriter().write("{\"ok\":true,\"proto\":\"" + rq.getProtocol() + "\"}");
      } else if (p.equals("/chunked")) {
        rs.setContentType("text/plain;charset=utf-8");
        PrintWriter w = rs.getWriter();
        for (int i = 0; i < 5; i++) { w.write("part " + i + "\n"); w.flush(); try { Thread.sleep(20); } catch (InterruptedException e) { return; } }
      } else if (p.equals("/text")) {
        rs.setContentType("text/plain;charset=utf-8");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 40000; i++) sb.append("line ").append(i).append(" of some very compressible text\n");
        rs.getWriter().write(sb.toString());
      } else if (p.equals("/echo")) {
        byte[] b = rq.getInputStream().readAllBytes();
        rs.setStatus(201); rs.setContentType("application/json");
        rs.getWriter().write("{\"len\":" + b.length + ",\"type\":\"" + rq.getContentType() + "\"}");
      } else if (p.equals("/redirect")) {
        rs.sendRedirect("/json");
      } else if (p.equals("/etag")) {
        if ("\"v1\"".equals(rq.getHeader("If-None-Match"))) { rs.setStatus(304); return; }
        rs.setHeader("ETag", "\"v1\""); rs.setContentType("text/plain"); rs.getWriter().write("tagged");
      } else if (p.startsWith("/status/")) {
        rs.sendError(Integer.parseInt(p.substring(8)), "status on request");
      } else rs.sendError(404);
    }
  }

  static void jdk(HttpClient c, String tag, HttpRequest r) throws Exception {
    HttpResponse<String> resp = c.send(r, HttpResponse.BodyHandlers.ofString());
    String b = resp.body();
    log(tag + " " + r.method() + " " + r.uri().getPath() + " -> " + resp.statusCode() + " " + resp.version() + " " + (b.length() > 60 ? b.length() + " chars" : b.replace("\n", "\\n")));
  }

  /** Jetty's own low-level HTTP/2 client (jetty9-http2-client), prior knowledge: two GETs at once, a POST in two DATA frames, a PING, a stream reset. */
  static void jettyH2(int port) throws Exception {
    org.eclipse.jetty.http2.client.HTTP2Client client = new org.eclipse.jetty.http2.client.HTTP2Client();
    client.start();
    try {
      org.eclipse.jetty.util.FuturePromise<org.eclipse.jetty.http2.api.Session> sp = new org.eclipse.jetty.util.FuturePromise<>();
      client.connect(new java.net.InetSocketAddress("127.0.0.1", port), new org.eclipse.jetty.http2.api.server.ServerSessionListener.Adapter(), sp);
      org.eclipse.jetty.http2.api.Session session = sp.get(5, TimeUnit.SECONDS);
      String base = "http://127.0.0.1:" + port;
      java.util.List<java.util.concurrent.CompletableFuture<String>> answers = new java.util.ArrayList<>();
      for (String[] rq : new String[][] {{"GET", "/json", null}, {"GET", "/chunked", null}, {"POST", "/echo", "{\"from\":\"jetty-h2\",\"parts\":2}"}, {"GET", "/text", "reset"}}) {
        org.eclipse.jetty.http.HttpFields fields = new org.eclipse.jetty.http.HttpFields();
        if (rq[0].equals("POST")) fields.put("content-type", "application/json");
        org.eclipse.jetty.http.MetaData.Request meta = new org.eclipse.jetty.http.MetaData.Request(rq[0], new org.eclipse.jetty.http.HttpURI(base + rq[1]), org.eclipse.jetty.http.HttpVersion.HTTP_2, fields);
        boolean body = rq[0].equals("POST");
        java.util.concurrent.CompletableFuture<String> done = new java.util.concurrent.CompletableFuture<>();
        StringBuilder got = new StringBuilder();
        int[] status = {0};
        org.eclipse.jetty.util.FuturePromise<org.eclipse.jetty.http2.api.Stream> stp = new org.eclipse.jetty.util.FuturePromise<>();
        session.newStream(new org.eclipse.jetty.http2.frames.HeadersFrame(meta, null, !body), stp, new org.eclipse.jetty.http2.api.Stream.Listener.Adapter() {
          public void onHeaders(org.eclipse.jetty.http2.api.Stream st, org.eclipse.jetty.http2.frames.HeadersFrame f) {
            if (f.getMetaData() instanceof org.eclipse.jetty.http.MetaData.Response) status[0] = ((org.eclipse.jetty.http.MetaData.Response) f.getMetaData()).getStatus();
            if (f.isEndStream()) done.complete(status[0] + " (no body)");
          }
          public void onData(org.eclipse.jetty.http2.api.Stream st, org.eclipse.jetty.http2.frames.DataFrame f, org.eclipse.jetty.util.Callback cb) {
            got.append(StandardCharsets.UTF_8.decode(f.getData()));
            cb.succeeded();
            if (f.isEndStream()) done.complete(status[0] + " " + (got.length() > 60 ? got.length() + " chars" : got.toString().replace("\n", "\\n")));
          }
          public void onReset(org.eclipse.jetty.http2.api.Stream st, org.eclipse.jetty.http2.frames.ResetFrame f) { done.complete("reset by the server " + f.getError()); }
        });
        org.eclipse.jetty.http2.api.Stream stream = stp.get(5, TimeUnit.SECONDS);
        if (body) {
          byte[] b = rq[2].getBytes(StandardCharsets.UTF_8);
          int half = b.length / 2;
          stream.data(new org.eclipse.jetty.http2.frames.DataFrame(stream.getId(), java.nio.ByteBuffer.wrap(b, 0, half), false), org.eclipse.jetty.util.Callback.NOOP);
          stream.data(new org.eclipse.jetty.http2.frames.DataFrame(stream.getId(), java.nio.ByteBuffer.wrap(b, half, b.length - half), true), org.eclipse.jetty.util.Callback.NOOP);
        }
        if ("reset".equals(rq[2])) {
          stream.reset(new org.eclipse.jetty.http2.frames.ResetFrame(stream.getId(), org.eclipse.jetty.http2.ErrorCode.CANCEL_STREAM_ERROR.code), org.eclipse.jetty.util.Callback.NOOP);
          done.complete("reset by the client (CANCEL)");
        }
        answers.add(done.thenApply(x -> rq[0] + " " + rq[1] + " -> " + x));
      }
      for (java.util.concurrent.CompletableFuture<String> f : answers) log("jetty h2 client " + f.get(5, TimeUnit.SECONDS));
      java.util.concurrent.CompletableFuture<Boolean> pong = new java.util.concurrent.CompletableFuture<>();
      session.ping(new org.eclipse.jetty.http2.frames.PingFrame(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, false), new org.eclipse.jetty.util.Callback() {
        public void succeeded() { pong.complete(true); }
        public void failed(Throwable x) { pong.complete(false); }
      });
      log("jetty h2 client PING -> sent " + pong.get(5, TimeUnit.SECONDS));
      Thread.sleep(200);
      session.close(org.eclipse.jetty.http2.ErrorCode.NO_ERROR.code, "lab done", org.eclipse.jetty.util.Callback.NOOP);
      Thread.sleep(200);
    } finally {
      client.stop();
    }
  }

  public static void main(String[] a) throws Exception {
    int port = Integer.parseInt(a[0]);
    Server server = new Server();
    HttpConfiguration cfg = new HttpConfiguration();
    cfg.setSendServerVersion(true);
    ServerConnector conn = new ServerConnector(server, new HttpConnectionFactory(cfg), new HTTP2CServerConnectionFactory(cfg));
    conn.setHost("127.0.0.1"); conn.setPort(port);
    server.addConnector(conn);
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.addServlet(new ServletHolder(new Routes()), "/*");
    GzipHandler gz = new GzipHandler();
    gz.setMinGzipSize(1024);
    gz.setIncludedMethods("GET", "POST");
    gz.setHandler(ctx);
    server.setHandler(gz);
    server.start();
    String base = "http://127.0.0.1:" + port;
    try {
      HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      jdk(h1, "jdk h1", HttpRequest.newBuilder(URI.create(base + "/json")).build());
      jdk(h1, "jdk h1", HttpRequest.newBuilder(URI.create(base + "/chunked")).build());
      jdk(h1, "jdk h1 (Accept-Encoding: gzip, body left compressed)", HttpRequest.newBuilder(URI.create(base + "/text")).header("Accept-Encoding", "gzip").build());
      jdk(h1, "jdk h1", HttpRequest.newBuilder(URI.create(base + "/echo")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"a\":[1,2,3]}")).build());
      jdk(h1, "jdk h1", HttpRequest.newBuilder(URI.create(base + "/status/503")).build());
      HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
      jdk(h2, "jdk h2c upgrade", HttpRequest.newBuilder(URI.create(base + "/json")).build());
      jdk(h2, "jdk h2c", HttpRequest.newBuilder(URI.create(base + "/chunked")).build());
      jdk(h2, "jdk h2c", HttpRequest.newBuilder(URI.create(base + "/text")).header("Accept-Encoding", "gzip").build());
      jdk(h2, "jdk h2c", HttpRequest.newBuilder(URI.create(base + "/echo")).header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("x".repeat(3000))).build());
      jdk(h2, "jdk h2c", HttpRequest.newBuilder(URI.create(base + "/status/418")).build());
      // Apache HttpClient 4.5 (Debian libhttpclient-java): Expect: 100-continue with a chunked upload,
      // a redirect followed, HEAD, a conditional GET answered 304
      try (org.apache.http.impl.client.CloseableHttpClient ac = org.apache.http.impl.client.HttpClients.custom()
          .setDefaultRequestConfig(org.apache.http.client.config.RequestConfig.custom().setExpectContinueEnabled(true).build()).build()) {
        org.apache.http.client.methods.HttpPost post = new org.apache.http.client.methods.HttpPost(base + "/echo");
        byte[] up = "y".repeat(5000).getBytes(StandardCharsets.UTF_8);
        org.apache.http.entity.InputStreamEntity ent = new org.apache.http.entity.InputStreamEntity(new ByteArrayInputStream(up), -1, org.apache.http.entity.ContentType.TEXT_PLAIN);
        ent.setChunked(true);
        post.setEntity(ent);
        try (org.apache.http.client.methods.CloseableHttpResponse r = ac.execute(post)) {
          log("apache POST /echo (Expect: 100-continue, chunked 5000 bytes) -> " + r.getStatusLine().getStatusCode() + " " + org.apache.http.util.EntityUtils.toString(r.getEntity()));
        }
        try (org.apache.http.client.methods.CloseableHttpResponse r = ac.execute(new org.apache.http.client.methods.HttpGet(base + "/redirect"))) {
          log("apache GET /redirect (followed) -> " + r.getStatusLine().getStatusCode() + " " + org.apache.http.util.EntityUtils.toString(r.getEntity()));
        }
        try (org.apache.http.client.methods.CloseableHttpResponse r = ac.execute(new org.apache.http.client.methods.HttpHead(base + "/text"))) {
          log("apache HEAD /text -> " + r.getStatusLine().getStatusCode() + " Content-Length " + (r.getFirstHeader("Content-Length") == null ? "none" : r.getFirstHeader("Content-Length").getValue()));
        }
        org.apache.http.client.methods.HttpGet cond = new org.apache.http.client.methods.HttpGet(base + "/etag");
        cond.setHeader("If-None-Match", "\"v1\"");
        try (org.apache.http.client.methods.CloseableHttpResponse r = ac.execute(cond)) {
          log("apache GET /etag If-None-Match \"v1\" -> " + r.getStatusLine().getStatusCode());
        }
      }
      okhttp3.OkHttpClient ok = new okhttp3.OkHttpClient.Builder().protocols(List.of(okhttp3.Protocol.H2_PRIOR_KNOWLEDGE)).callTimeout(10, TimeUnit.SECONDS).build();
      for (String path : new String[] {"/json", "/text", "/chunked"}) {
        try (okhttp3.Response r = ok.newCall(new okhttp3.Request.Builder().url(base + path).build()).execute()) {
          String b = r.body().string();
          log("okhttp h2 prior knowledge GET " + path + " -> " + r.code() + " " + r.protocol() + " " + (b.length() > 60 ? b.length() + " chars (unzipped by OkHttp)" : b.replace("\n", "\\n")));
        }
      }
      ok.connectionPool().evictAll();
      ok.dispatcher().executorService().shutdown();
      jettyH2(port);
    } finally {
      server.stop();
    }
    System.exit(0);
  }
}
