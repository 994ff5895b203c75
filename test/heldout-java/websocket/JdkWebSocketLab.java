// Held-out WebSocket check: the JDK 17 java.net.http.WebSocket client against python3-websockets 10
// (server.py): a text message, a text sent in three fragments, a binary message, a ping, a 70000-byte
// answer (64-bit length), and a close the server starts (4001).
// Usage: java JdkWebSocketLab PORT  (one "CALL ..." line per exchange)
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.*;

public class JdkWebSocketLab {
  static void log(String s) { System.out.println("CALL " + s); }

  public static void main(String[] a) throws Exception {
    BlockingQueue<String> in = new LinkedBlockingQueue<>();
    StringBuilder text = new StringBuilder();
    WebSocket.Listener l = new WebSocket.Listener() {
      public CompletionStage<?> onText(WebSocket ws, CharSequence d, boolean last) {
        text.append(d);
        if (last) { String t = text.toString(); text.setLength(0); in.add("text " + (t.length() > 40 ? t.length() + " chars" : t)); }
        ws.request(1); return null;
      }
      public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer d, boolean last) { in.add("binary " + d.remaining() + " bytes"); ws.request(1); return null; }
      public CompletionStage<?> onPong(WebSocket ws, ByteBuffer d) { in.add("pong " + d.remaining() + " bytes"); ws.request(1); return null; }
      public CompletionStage<?> onClose(WebSocket ws, int code, String reason) { in.add("close " + code + " " + reason); return null; }
    };
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header("X-Lab", "jdk")
      .buildAsync(URI.create("ws://127.0.0.1:" + a[0] + "/echo"), l).get(5, TimeUnit.SECONDS);
    ws.sendText("hello", true).get(); log("text hello -> " + in.poll(5, TimeUnit.SECONDS));
    ws.sendText("frag-1 ", false).get(); ws.sendText("frag-2 ", false).get(); ws.sendText("frag-3", true).get();
    log("text in three fragments -> " + in.poll(5, TimeUnit.SECONDS));
    ws.sendBinary(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 0xff}), true).get(); log("binary 4 bytes -> " + in.poll(5, TimeUnit.SECONDS));
    ws.sendPing(ByteBuffer.wrap("are you there".getBytes())).get(); log("ping -> " + in.poll(5, TimeUnit.SECONDS));
    ws.sendText("big", true).get(); log("text big -> " + in.poll(5, TimeUnit.SECONDS));
    ws.sendText("bye", true).get(); log("text bye -> " + in.poll(5, TimeUnit.SECONDS));
    // (the JDK answers the server's close by itself when onClose returns)
    for (int i = 0; i < 50 && !ws.isOutputClosed(); i++) Thread.sleep(20);
    log("output closed after the server's close: " + ws.isOutputClosed());
  }
}
