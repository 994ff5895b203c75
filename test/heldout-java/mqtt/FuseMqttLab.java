// Held-out MQTT check: FuseSource mqtt-client 1.16 (Debian libmqtt-client-java) against RabbitMQ 3.10's MQTT
// plugin: an MQTT 3.1 connection (protocol name MQIsdp, level 3: the client's default) with a will, and an
// MQTT 3.1.1 one; QoS 0, 1 and 2 publishes, a retained message, subscribe, receive (with acks), unsubscribe.
// Usage: java FuseMqttLab PORT  (one "CALL ..." line per operation)
import java.util.concurrent.TimeUnit;
import org.fusesource.mqtt.client.*;

public class FuseMqttLab {
  static void log(String s) { System.out.println("CALL " + s); }

  public static void main(String[] a) throws Exception {
    for (String version : new String[] {"3.1", "3.1.1"}) {
      MQTT m = new MQTT();
      m.setHost("127.0.0.1", Integer.parseInt(a[0]));
      m.setVersion(version);
      m.setClientId("fuse-" + version);
      m.setCleanSession(true);
      m.setKeepAlive((short) 30);
      m.setWillTopic("hj/will"); m.setWillMessage("gone " + version); m.setWillQos(QoS.AT_LEAST_ONCE);
      m.setReconnectAttemptsMax(0); m.setConnectAttemptsMax(1);
      BlockingConnection c = m.blockingConnection();
      c.connect();
      log(version + " connect fuse-" + version + " (will hj/will) -> connected " + c.isConnected());
      byte[] granted = c.subscribe(new Topic[] {new Topic("hj/data/#", QoS.EXACTLY_ONCE), new Topic("hj/ret", QoS.AT_MOST_ONCE)});
      log(version + " subscribe [hj/data/# qos2, hj/ret qos0] -> granted " + java.util.Arrays.toString(granted));
      for (QoS q : QoS.values()) {
        c.publish("hj/data/" + q.ordinal(), ("payload qos " + q.ordinal()).getBytes(), q, false);
        log(version + " publish hj/data/" + q.ordinal() + " qos " + q.ordinal() + " -> done");
      }
      for (int i = 0; i < 3; i++) {
        Message msg = c.receive(5, TimeUnit.SECONDS);
        if (msg == null) { log(version + " receive -> nothing"); break; }
        log(version + " receive " + msg.getTopic() + " " + new String(msg.getPayload()));
        msg.ack();
      }
      c.publish("hj/ret", ("retained " + version).getBytes(), QoS.AT_LEAST_ONCE, true);
      Message r = c.receive(5, TimeUnit.SECONDS);
      log(version + " publish hj/ret retained qos 1, receive -> " + (r == null ? "nothing" : r.getTopic() + " " + new String(r.getPayload())));
      if (r != null) r.ack();
      c.unsubscribe(new String[] {"hj/data/#", "hj/ret"});
      log(version + " unsubscribe [hj/data/#, hj/ret] -> done");
      c.disconnect();
      log(version + " disconnect");
    }
  }
}
