// amqp.cs PORT: Mono's packaged RabbitMQ.Client (libmono-rabbitmq4.0-cil, the 1.x client: AMQP 0-8 by
// default, 0-9 when asked) against RabbitMQ on 127.0.0.1:PORT. For each protocol: a queue, a publish with
// properties, basic.get with ack, a consumer, a reject, tx commit/rollback, a passive declare of a missing
// queue (404). One JSON line per step: {"proto","what","body"?,"code"?}.
using System;
using System.Collections;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

public static class Amqp {
  static void Log(string proto, string what, string body = null, int code = 0) {
    Console.WriteLine("{\"proto\":\"" + proto + "\",\"what\":\"" + what + "\"" + (body != null ? ",\"body\":\"" + body + "\"" : "") + (code != 0 ? ",\"code\":" + code : "") + "}");
  }
  public static int Main(string[] argv) {
    int port = int.Parse(argv[0]);
    foreach (var pn in new[] { "0-8", "0-9" }) {
      var proto = pn == "0-8" ? Protocols.AMQP_0_8 : Protocols.AMQP_0_9;
      var cf = new ConnectionFactory { Endpoint = new AmqpTcpEndpoint(proto, "127.0.0.1", port) };
      using (IConnection conn = cf.CreateConnection()) {
        IModel ch = conn.CreateModel();
        string q = "dotnet-" + pn;
        ch.QueueDeclare(q, false, false, true, false, false, null);
        var props = ch.CreateBasicProperties();
        props.ContentType = "text/plain";
        props.CorrelationId = "c-1";
        props.Headers = new Hashtable { { "n", 7 }, { "s", "x" } };
        ch.BasicPublish("", q, props, Encoding.UTF8.GetBytes("hello " + pn));
        Log(pn, "publish", "hello " + pn);
        System.Threading.Thread.Sleep(100);
        var g = ch.BasicGet(q, false);
        Log(pn, "get", g == null ? null : Encoding.UTF8.GetString(g.Body));
        if (g != null) ch.BasicAck(g.DeliveryTag, false);
        var empty = ch.BasicGet(q, true);
        Log(pn, empty == null ? "get-empty" : "get");
        ch.BasicPublish("", q, null, Encoding.UTF8.GetBytes("reject me"));
        Log(pn, "publish", "reject me");
        var consumer = new QueueingBasicConsumer(ch);
        string tag = ch.BasicConsume(q, false, null, consumer);
        var d = (RabbitMQ.Client.Events.BasicDeliverEventArgs)consumer.Queue.Dequeue();
        Log(pn, "deliver", Encoding.UTF8.GetString(d.Body));
        ch.BasicReject(d.DeliveryTag, false);
        Log(pn, "reject");
        ch.BasicCancel(tag);
        ch.TxSelect();
        ch.BasicPublish("", q, null, Encoding.UTF8.GetBytes("tx-commit"));
        Log(pn, "publish", "tx-commit");
        ch.TxCommit();
        ch.BasicPublish("", q, null, Encoding.UTF8.GetBytes("tx-rollback"));
        Log(pn, "publish", "tx-rollback");
        ch.TxRollback();
        try {
          ch.QueueDeclare("no-such-queue-" + pn, true, false, false, false, false, null);
        } catch (OperationInterruptedException e) {
          Log(pn, "refused", null, e.ShutdownReason.ReplyCode);
        }
      }
    }
    return 0;
  }
}
