// Held-out ZeroMQ check: JeroMQ 0.3.6 (Debian libjeromq-java), a pure-Java ZMTP implementation (no libzmq),
// both ends in one process: REQ/REP (a multipart request), DEALER/ROUTER (identities, a two-frame message
// each way), PUB/SUB (two topics subscribed, one not, then an unsubscribe), PUSH/PULL, PAIR.
// Usage: java JeromqLab BASEPORT  (ports BASEPORT..BASEPORT+4; one "CALL ..." line per message exchange)
import org.zeromq.ZMQ;

public class JeromqLab {
  static void log(String s) { System.out.println("CALL " + s); }

  public static void main(String[] a) throws Exception {
    int p = Integer.parseInt(a[0]);
    ZMQ.Context ctx = ZMQ.context(1);
    try {
      // REQ/REP
      ZMQ.Socket rep = ctx.socket(ZMQ.REP); rep.setReceiveTimeOut(5000); rep.bind("tcp://127.0.0.1:" + p);
      ZMQ.Socket req = ctx.socket(ZMQ.REQ); req.setReceiveTimeOut(5000); req.connect("tcp://127.0.0.1:" + p);
      for (int i = 0; i < 3; i++) {
        req.send("hello " + i);
        String got = rep.recvStr();
        rep.send("world " + i + " (got " + got + ")");
        log("REQ/REP hello " + i + " -> " + req.recvStr());
      }
      req.sendMore("part-1"); req.sendMore(""); req.send(new byte[] {0, 1, 2, (byte) 0xff});
      StringBuilder parts = new StringBuilder();
      do { byte[] f = rep.recv(); parts.append(f.length).append(' '); } while (rep.hasReceiveMore());
      rep.send("got parts " + parts.toString().trim());
      log("REQ/REP multipart [part-1, '', 4 bytes] -> " + req.recvStr());
      req.close(); rep.close();

      // DEALER/ROUTER
      ZMQ.Socket router = ctx.socket(ZMQ.ROUTER); router.setReceiveTimeOut(5000); router.bind("tcp://127.0.0.1:" + (p + 1));
      ZMQ.Socket dealer = ctx.socket(ZMQ.DEALER); dealer.setReceiveTimeOut(5000); dealer.setIdentity("dealer-A".getBytes()); dealer.connect("tcp://127.0.0.1:" + (p + 1));
      for (int i = 0; i < 2; i++) {
        dealer.sendMore("job"); dealer.send("{\"n\":" + i + "}");
        byte[] id = router.recv(); String k = router.recvStr(); String body = router.recvStr();
        router.sendMore(id); router.sendMore("done"); router.send(body.toUpperCase());
        log("DEALER/ROUTER [job, {\"n\":" + i + "}] from " + new String(id) + " -> [" + dealer.recvStr() + ", " + dealer.recvStr() + "]");
      }
      dealer.close(); router.close();

      // PUB/SUB
      ZMQ.Socket pub = ctx.socket(ZMQ.PUB); pub.bind("tcp://127.0.0.1:" + (p + 2));
      ZMQ.Socket sub = ctx.socket(ZMQ.SUB); sub.setReceiveTimeOut(3000); sub.connect("tcp://127.0.0.1:" + (p + 2));
      sub.subscribe("weather.".getBytes()); sub.subscribe("news".getBytes());
      Thread.sleep(300);
      String[] topics = {"weather.paris", "sports.score", "news"};
      for (String t : topics) { pub.sendMore(t); pub.send("payload for " + t); }
      for (int i = 0; i < 2; i++) { String t = sub.recvStr(); String m = sub.recvStr(); log("PUB/SUB received [" + t + ", " + m + "]"); }
      sub.unsubscribe("news".getBytes());
      Thread.sleep(300);
      pub.sendMore("news"); pub.send("after unsubscribe");
      pub.sendMore("weather.rome"); pub.send("still subscribed");
      log("PUB/SUB after unsubscribe(news) -> [" + sub.recvStr() + ", " + sub.recvStr() + "]");
      sub.close(); pub.close();

      // PUSH/PULL
      ZMQ.Socket pull = ctx.socket(ZMQ.PULL); pull.setReceiveTimeOut(5000); pull.bind("tcp://127.0.0.1:" + (p + 3));
      ZMQ.Socket push = ctx.socket(ZMQ.PUSH); push.connect("tcp://127.0.0.1:" + (p + 3));
      for (int i = 0; i < 3; i++) push.send("task " + i);
      for (int i = 0; i < 3; i++) log("PUSH/PULL task " + i + " -> pulled " + pull.recvStr());
      push.close(); pull.close();

      // PAIR, a 300-byte message (long frame) both ways
      ZMQ.Socket pa = ctx.socket(ZMQ.PAIR); pa.setReceiveTimeOut(5000); pa.bind("tcp://127.0.0.1:" + (p + 4));
      ZMQ.Socket pb = ctx.socket(ZMQ.PAIR); pb.setReceiveTimeOut(5000); pb.connect("tcp://127.0.0.1:" + (p + 4));
      pb.send("x".repeat(300)); log("PAIR 300 bytes -> " + pa.recv().length);
      pa.send("pong"); log("PAIR pong -> " + pb.recvStr());
      pb.close(); pa.close();
    } finally {
      ctx.term();
    }
  }
}
