// Held-out AMQP 0-9-1 check: RabbitMQ's Java client (Debian librabbitmq-client-java 5.0) against Debian's
// rabbitmq-server. Publisher confirms, headers of every field-table type, RPC over a server-named
// reply queue and over direct reply-to, basic.consume with ack/nack/reject, basic.get, a mandatory
// publish returned (312 NO_ROUTE), a queue.declare refused (406 PRECONDITION_FAILED).
// Usage: java RabbitLab PORT  (one "CALL ..." line per operation)
import com.rabbitmq.client.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.*;

public class RabbitLab {
  static void log(String s) { System.out.println("CALL " + s); }
  static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

  public static void main(String[] a) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setHost("127.0.0.1"); f.setPort(Integer.parseInt(a[0]));
    f.setAutomaticRecoveryEnabled(false);
    f.setClientProperties(new HashMap<>(Map.of("connection_name", "heldout-java")));
    try (Connection conn = f.newConnection()) {
      Channel ch = conn.createChannel();
      ch.confirmSelect();
      ch.queueDeclare("hj.work", false, false, false, Map.of("x-max-length", 100));
      log("queue.declare hj.work (x-max-length 100)");
      Map<String, Object> headers = new LinkedHashMap<>();
      headers.put("str", "text é");
      headers.put("int", 42);
      headers.put("long", 1L << 40);
      headers.put("bool", true);
      headers.put("double", 2.5);
      headers.put("nested", Map.of("k", "v"));
      headers.put("list", List.of(1, "two"));
      headers.put("when", new Date(1714979289000L));
      headers.put("bytes", new byte[] {1, 2, 3});
      AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json").contentEncoding("utf-8")
        .deliveryMode(2).priority(5).messageId("m-1").appId("heldout").type("order.created").userId("guest")
        .expiration("60000").timestamp(new Date(1714979289000L)).headers(headers).build();
      for (int i = 1; i <= 3; i++) ch.basicPublish("", "hj.work", props, b("{\"n\":" + i + "}"));
      log("confirms for 3 publishes to hj.work: " + ch.waitForConfirms(5000));

      // consume with manual acks: ack 1, nack 2 (requeue false), reject 3 (requeue false)
      Channel cc = conn.createChannel();
      cc.basicQos(10);
      BlockingQueue<Long> tags = new LinkedBlockingQueue<>();
      String ctag = cc.basicConsume("hj.work", false, "hj-consumer", new DefaultConsumer(cc) {
        public void handleDelivery(String t, Envelope env, AMQP.BasicProperties p, byte[] body) { tags.add(env.getDeliveryTag()); }
      });
      for (int i = 0; i < 3; i++) {
        Long t = tags.poll(5, TimeUnit.SECONDS);
        if (t == null) break;
        if (i == 0) { cc.basicAck(t, false); log("consume hj.work delivery " + t + " -> ack"); }
        else if (i == 1) { cc.basicNack(t, false, false); log("consume hj.work delivery " + t + " -> nack requeue=false"); }
        else { cc.basicReject(t, false); log("consume hj.work delivery " + t + " -> reject requeue=false"); }
      }
      cc.basicCancel(ctag); log("basic.cancel " + ctag);

      // basic.get: one message, then an empty queue
      ch.basicPublish("", "hj.work", null, b("for get"));
      ch.waitForConfirms(5000);
      GetResponse g = ch.basicGet("hj.work", true);
      log("basic.get hj.work -> " + (g == null ? "empty" : new String(g.getBody(), StandardCharsets.UTF_8)));
      log("basic.get hj.work -> " + (ch.basicGet("hj.work", true) == null ? "empty" : "message"));

      // an RPC server on hj.rpc
      Channel sc = conn.createChannel();
      sc.queueDeclare("hj.rpc", false, false, true, null);
      sc.basicConsume("hj.rpc", true, new DefaultConsumer(sc) {
        public void handleDelivery(String t, Envelope env, AMQP.BasicProperties p, byte[] body) throws java.io.IOException {
          String req = new String(body, StandardCharsets.UTF_8);
          sc.basicPublish("", p.getReplyTo(), new AMQP.BasicProperties.Builder().correlationId(p.getCorrelationId()).build(), b("echo:" + req));
        }
      });
      // RPC with a server-named exclusive reply queue
      Channel rc = conn.createChannel();
      String replyQ = rc.queueDeclare().getQueue();
      BlockingQueue<String> replies = new LinkedBlockingQueue<>();
      rc.basicConsume(replyQ, true, new DefaultConsumer(rc) {
        public void handleDelivery(String t, Envelope env, AMQP.BasicProperties p, byte[] body) { replies.add(p.getCorrelationId() + "=" + new String(body, StandardCharsets.UTF_8)); }
      });
      rc.basicPublish("", "hj.rpc", new AMQP.BasicProperties.Builder().replyTo(replyQ).correlationId("c-1").build(), b("ping"));
      log("rpc hj.rpc ping reply-to " + replyQ + " -> " + replies.poll(5, TimeUnit.SECONDS));
      // RPC with direct reply-to
      Channel dc = conn.createChannel();
      BlockingQueue<String> direct = new LinkedBlockingQueue<>();
      dc.basicConsume("amq.rabbitmq.reply-to", true, new DefaultConsumer(dc) {
        public void handleDelivery(String t, Envelope env, AMQP.BasicProperties p, byte[] body) { direct.add(p.getCorrelationId() + "=" + new String(body, StandardCharsets.UTF_8)); }
      });
      dc.basicPublish("", "hj.rpc", new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to").correlationId("c-2").build(), b("pong"));
      log("rpc hj.rpc pong reply-to amq.rabbitmq.reply-to -> " + direct.poll(5, TimeUnit.SECONDS));

      // a mandatory publish nobody can route: basic.return 312 NO_ROUTE, then its confirm (ack)
      BlockingQueue<String> returns = new LinkedBlockingQueue<>();
      ch.addReturnListener((code, text, ex, rk, p, body) -> returns.add(code + " " + text + " rk=" + rk));
      ch.basicPublish("", "hj.nowhere", true, null, b("lost"));
      log("mandatory publish to hj.nowhere -> return " + returns.poll(5, TimeUnit.SECONDS) + ", confirm " + ch.waitForConfirms(5000));
      // an exchange, a binding, a topic publish
      ch.exchangeDeclare("hj.topic", BuiltinExchangeType.TOPIC, false, true, null);
      ch.queueBind("hj.work", "hj.topic", "order.*");
      ch.basicPublish("hj.topic", "order.paid", null, b("paid"));
      log("exchange.declare hj.topic, queue.bind order.*, publish order.paid -> confirm " + ch.waitForConfirms(5000));
      log("queue.purge hj.work -> " + ch.queuePurge("hj.work").getMessageCount());

      // queue.declare with other arguments: 406 PRECONDITION_FAILED closes the channel
      Channel bad = conn.createChannel();
      try { bad.queueDeclare("hj.work", true, false, false, null); log("queue.declare hj.work durable -> ok?"); }
      catch (java.io.IOException e) { log("queue.declare hj.work durable -> " + ((ShutdownSignalException) e.getCause()).getReason()); }
      // passive declare of a missing queue: 404
      Channel bad2 = conn.createChannel();
      try { bad2.queueDeclarePassive("hj.missing"); } catch (java.io.IOException e) { log("queue.declare passive hj.missing -> " + ((ShutdownSignalException) e.getCause()).getReason()); }
      // dead-lettering: a nack'd message goes to hj.dlx with an x-death header (an array of tables)
      Channel dl = conn.createChannel();
      dl.exchangeDeclare("hj.dlx", BuiltinExchangeType.FANOUT, false, true, null);
      dl.queueDeclare("hj.dead", false, false, true, null);
      dl.queueBind("hj.dead", "hj.dlx", "");
      dl.queueDeclare("hj.live", false, false, true, Map.of("x-dead-letter-exchange", "hj.dlx", "x-message-ttl", 60000));
      dl.basicPublish("", "hj.live", new AMQP.BasicProperties.Builder().messageId("doomed").build(), b("doomed"));
      GetResponse live = null;
      for (int i = 0; i < 50 && live == null; i++) { live = dl.basicGet("hj.live", false); if (live == null) Thread.sleep(20); }
      if (live != null) dl.basicNack(live.getEnvelope().getDeliveryTag(), false, false);
      GetResponse dead = null;
      for (int i = 0; i < 50 && dead == null; i++) { dead = dl.basicGet("hj.dead", true); if (dead == null) Thread.sleep(20); }
      log("dead-letter: nack hj.live -> hj.dead " + (dead == null ? "nothing" : new String(dead.getBody(), StandardCharsets.UTF_8) + " x-death=" + dead.getProps().getHeaders().get("x-death")));
      // a headers exchange
      dl.exchangeDeclare("hj.headers", BuiltinExchangeType.HEADERS, false, true, null);
      dl.queueBind("hj.dead", "hj.headers", "", Map.of("x-match", "all", "kind", "audit"));
      dl.basicPublish("hj.headers", "", new AMQP.BasicProperties.Builder().headers(Map.of("kind", "audit")).build(), b("audited"));
      GetResponse aud = null;
      for (int i = 0; i < 50 && aud == null; i++) { aud = dl.basicGet("hj.dead", true); if (aud == null) Thread.sleep(20); }
      log("headers exchange kind=audit -> hj.dead " + (aud == null ? "nothing" : new String(aud.getBody(), StandardCharsets.UTF_8)));
      // transactions: a commit and a rollback
      Channel tx = conn.createChannel();
      tx.txSelect();
      tx.basicPublish("", "hj.work", null, b("tx committed"));
      tx.txCommit();
      tx.basicPublish("", "hj.work", null, b("tx rolled back"));
      tx.txRollback();
      log("tx.select, publish, tx.commit, publish, tx.rollback -> hj.work has " + tx.messageCount("hj.work"));
      // a body larger than frame_max (131072): several body frames; consumed with basic.get
      byte[] big = new byte[300000];
      for (int i = 0; i < big.length; i++) big[i] = (byte) ('a' + i % 26);
      ch.basicPublish("", "hj.work", new AMQP.BasicProperties.Builder().contentType("text/plain").build(), big);
      ch.waitForConfirms(5000);
      ch.queuePurge("hj.work");
      ch.basicPublish("", "hj.work", new AMQP.BasicProperties.Builder().contentType("text/plain").build(), big);
      ch.waitForConfirms(5000);
      GetResponse bg = ch.basicGet("hj.work", true);
      log("publish 300000 bytes, basic.get -> " + (bg == null ? "nothing" : bg.getBody().length + " bytes"));
      ch.queueDelete("hj.rpc"); log("queue.delete hj.rpc");
      log("queue.delete hj.work -> " + ch.queueDelete("hj.work").getMessageCount());
    }
    log("connection closed");
  }
}
