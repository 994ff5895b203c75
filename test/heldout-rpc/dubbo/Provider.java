// Held-out Dubbo check: a minimal Dubbo 2 provider whose bodies are written and read by Caucho Hessian
// (Debian libhessian-java), for the dubbo2.js client. One connection at a time; stops after 30 s.
import com.caucho.hessian.io.Hessian2Input;
import com.caucho.hessian.io.Hessian2Output;
import java.io.*;
import java.net.*;
import java.util.*;

public class Provider {
  public static class Person implements Serializable {
    public String name; public int age; public double score; public boolean active; public List<String> tags; public Map<String, Integer> counts; public Date born; public long big;
  }

  static byte[] body(Object... values) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    Hessian2Output out = new Hessian2Output(bo);
    for (Object v : values) out.writeObject(v);
    out.flush();
    return bo.toByteArray();
  }

  static void send(OutputStream os, byte flag, byte status, byte[] id, byte[] body) throws IOException {
    DataOutputStream d = new DataOutputStream(os);
    d.writeShort(0xdabb); d.writeByte(flag); d.writeByte(status); d.write(id); d.writeInt(body.length); d.write(body); d.flush();
  }

  public static void main(String[] a) throws Exception {
    new Timer(true).schedule(new TimerTask() { public void run() { System.exit(3); } }, 30000);
    ServerSocket ss = new ServerSocket(Integer.parseInt(a[0]), 5, InetAddress.getByName("127.0.0.1"));
    System.out.println("listening"); System.out.flush();
    while (true) {
      Socket s = ss.accept();
      new Thread(() -> serve(s)).start();
    }
  }

  static void serve(Socket s) {
    try (s) {
      DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
      OutputStream os = s.getOutputStream();
      while (true) {
        byte[] h = new byte[16];
        in.readFully(h);
        byte flag = h[2];
        byte[] id = Arrays.copyOfRange(h, 4, 12);
        int len = ((h[12] & 0xff) << 24) | ((h[13] & 0xff) << 16) | ((h[14] & 0xff) << 8) | (h[15] & 0xff);
        byte[] b = new byte[len];
        in.readFully(b);
        if ((flag & 0x20) != 0) { // event (heartbeat): answer with a null body
          send(os, (byte) (0x20 | 2), (byte) 20, id, body((Object) null));
          continue;
        }
        Hessian2Input hi = new Hessian2Input(new ByteArrayInputStream(b));
        String dubboVersion = hi.readString(), path = hi.readString(), version = hi.readString(), method = hi.readString(), desc = hi.readString();
        List<Object> args = new ArrayList<>();
        int n = desc.isEmpty() ? 0 : desc.replaceAll("L[^;]*;", "L").replace("[", "").length();
        for (int i = 0; i < n; i++) args.add(hi.readObject());
        Object att = hi.readObject();
        System.out.println("request " + method + " " + args + " " + att);
        Map<String, Object> outAtt = new HashMap<>(); outAtt.put("dubbo", "2.0.2");
        if ((flag & 0x40) == 0) continue; // oneway: no answer
        switch (method) {
          case "add": send(os, (byte) 2, (byte) 20, id, body(4, ((Number) args.get(0)).intValue() + ((Number) args.get(1)).intValue(), outAtt)); break;
          case "echo": send(os, (byte) 2, (byte) 20, id, body(1, args.get(0))); break;
          case "nothing": send(os, (byte) 2, (byte) 20, id, body(2)); break;
          case "person": {
            Person p = new Person(); p.name = "Grace"; p.age = 85; p.score = 99.5; p.active = true; p.tags = Arrays.asList("cobol", "navy"); p.counts = new TreeMap<>(Map.of("a", 1, "b", 2)); p.born = new Date(-2019686400000L); p.big = 1L << 40;
            send(os, (byte) 2, (byte) 20, id, body(4, p, outAtt)); break;
          }
          case "fail": send(os, (byte) 2, (byte) 20, id, body(3, new IllegalStateException("java says no"), outAtt)); break;
          default: send(os, (byte) 2, (byte) 70, id, body("Not found exported service: " + path + ":" + version + " method " + method)); break;
        }
      }
    } catch (EOFException e) {
    } catch (Exception e) { e.printStackTrace(); }
  }
}
