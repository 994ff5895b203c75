import com.sun.net.httpserver.*;
import java.net.*;
import java.net.http.*;
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import java.time.Duration;

public class Lab {
  public static void main(String[] a) throws Exception {
    int port = Integer.parseInt(a[0]);
    int h2port = Integer.parseInt(a[1]);
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    s.createContext("/persons", ex -> {
      byte[] in = ex.getRequestBody().readAllBytes();
      String m = ex.getRequestMethod();
      String path = ex.getRequestURI().getPath();
      ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
      if (path.endsWith("/404")) { byte[] b = "{\"error\":\"no such person\"}".getBytes(); ex.sendResponseHeaders(404, b.length); ex.getResponseBody().write(b); ex.close(); return; }
      if (path.endsWith("/chunked")) { ex.sendResponseHeaders(200, 0); OutputStream o = ex.getResponseBody(); for (int i=0;i<5;i++){ o.write(("{\"i\":"+i+"}").getBytes()); o.flush(); } o.close(); return; }
      if (path.endsWith("/gzip")) { ex.getResponseHeaders().add("Content-Encoding","gzip"); ByteArrayOutputStream bo = new ByteArrayOutputStream(); try (GZIPOutputStream g = new GZIPOutputStream(bo)) { g.write("{\"zipped\":true,\"n\":[1,2,3]}".getBytes()); } byte[] b = bo.toByteArray(); ex.sendResponseHeaders(200, b.length); ex.getResponseBody().write(b); ex.close(); return; }
      if (m.equals("DELETE")) { ex.sendResponseHeaders(204, -1); ex.close(); return; }
      byte[] b = ("{\"method\":\"" + m + "\",\"path\":\"" + path + "\",\"got\":" + (in.length == 0 ? "null" : new String(in)) + "}").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(m.equals("POST") ? 201 : 200, b.length);
      ex.getResponseBody().write(b); ex.close();
    });
    s.start();
    HttpClient c11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String base = "http://127.0.0.1:" + port;
    String[][] calls = {{"POST","/persons","{\"name\":\"Ada\",\"age\":36}"},{"GET","/persons/1234",null},{"GET","/persons/1234/items",null},{"PUT","/persons/1234","{\"name\":\"Ada L\"}"},{"DELETE","/persons/1234",null},{"GET","/persons/404",null},{"GET","/persons/chunked",null},{"GET","/persons/gzip",null}};
    for (String[] k : calls) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + k[1])).header("Accept","application/json");
      if (k[2] != null) b.header("Content-Type","application/json").method(k[0], HttpRequest.BodyPublishers.ofString(k[2])); else b.method(k[0], HttpRequest.BodyPublishers.noBody());
      HttpResponse<String> r = c11.send(b.build(), HttpResponse.BodyHandlers.ofString());
      System.out.println(k[0] + " " + k[1] + " -> " + r.statusCode() + " " + r.version());
    }
    // HTTP/2 over cleartext: Java does Upgrade: h2c on the first request, then h2 on the same connection
    HttpClient c2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    String h2 = "http://127.0.0.1:" + h2port;
    for (String p : new String[]{"/index.html", "/index.html", "/missing"}) {
      HttpResponse<String> r = c2.send(HttpRequest.newBuilder(URI.create(h2 + p)).build(), HttpResponse.BodyHandlers.ofString());
      System.out.println("h2 GET " + p + " -> " + r.statusCode() + " " + r.version());
    }
    HttpResponse<String> r = c2.send(HttpRequest.newBuilder(URI.create(h2 + "/index.html")).POST(HttpRequest.BodyPublishers.ofString("{\"x\":1}")).header("Content-Type","application/json").build(), HttpResponse.BodyHandlers.ofString());
    System.out.println("h2 POST -> " + r.statusCode() + " " + r.version());
    s.stop(0);
    System.exit(0);
  }
}
