// Held-out HTTP/2 check: OkHttp 3.13 (Debian libokhttp-java) with Protocol.H2_PRIOR_KNOWLEDGE (h2c, no
// upgrade) against server.cjs: five GETs at once on one connection (answers in reverse order), a POST
// with a JSON body, a 2 MiB response, a gzip-encoded one (OkHttp asks for gzip and unzips it itself), a
// 404, and a call cancelled before its answer (RST_STREAM CANCEL).
// Usage: java OkHttpLab PORT  (one "CALL ..." line per call)
import java.io.IOException;
import java.util.*;
import java.util.concurrent.*;
import okhttp3.*;

public class OkHttpLab {
  static void log(String s) { System.out.println("CALL " + s); }
  public static void main(String[] a) throws Exception {
    String base = "http://127.0.0.1:" + a[0];
    OkHttpClient client = new OkHttpClient.Builder().protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))
      .callTimeout(20, TimeUnit.SECONDS).build();
    // one request first so that the connection exists, then five at once multiplexed on it
    try (Response r = client.newCall(new Request.Builder().url(base + "/item/0").build()).execute()) {
      log("GET /item/0 -> " + r.code() + " " + r.protocol() + " " + r.body().string());
    }
    CountDownLatch done = new CountDownLatch(5);
    for (int i = 1; i <= 5; i++) {
      final int n = i;
      client.newCall(new Request.Builder().url(base + "/item/" + n).header("X-Item", String.valueOf(n)).build()).enqueue(new Callback() {
        public void onFailure(Call c, IOException e) { log("GET /item/" + n + " -> FAILED " + e); done.countDown(); }
        public void onResponse(Call c, Response r) throws IOException {
          try (ResponseBody b = r.body()) { log("GET /item/" + n + " -> " + r.code() + " " + b.string()); }
          done.countDown();
        }
      });
    }
    done.await(10, TimeUnit.SECONDS);
    MediaType json = MediaType.get("application/json; charset=utf-8");
    try (Response r = client.newCall(new Request.Builder().url(base + "/echo").post(RequestBody.create(json, "{\"name\":\"Ada\",\"n\":[1,2,3]}")).build()).execute()) {
      log("POST /echo {\"name\":\"Ada\",\"n\":[1,2,3]} -> " + r.code() + " " + r.body().string());
    }
    try (Response r = client.newCall(new Request.Builder().url(base + "/big").build()).execute()) {
      log("GET /big -> " + r.code() + " " + r.body().bytes().length + " bytes");
    }
    try (Response r = client.newCall(new Request.Builder().url(base + "/gzip").build()).execute()) {
      String body = r.body().string();
      log("GET /gzip -> " + r.code() + " " + body.length() + " chars " + body.substring(0, 30) + "...");
    }
    try (Response r = client.newCall(new Request.Builder().url(base + "/missing").build()).execute()) {
      log("GET /missing -> " + r.code() + " " + r.body().string());
    }
    Call slow = client.newCall(new Request.Builder().url(base + "/slow").build());
    CountDownLatch cancelled = new CountDownLatch(1);
    slow.enqueue(new Callback() {
      public void onFailure(Call c, IOException e) { log("GET /slow -> cancelled: " + e); cancelled.countDown(); }
      public void onResponse(Call c, Response r) { log("GET /slow -> " + r.code() + " (not cancelled?)"); r.close(); cancelled.countDown(); }
    });
    Thread.sleep(300);
    slow.cancel();
    cancelled.await(5, TimeUnit.SECONDS);
    try (Response r = client.newCall(new Request.Builder().url(base + "/item/9").build()).execute()) {
      log("GET /item/9 after the cancel -> " + r.code() + " " + r.body().string());
    }
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
