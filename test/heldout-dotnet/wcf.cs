// wcf.cs PORT MODE: a WCF (System.ServiceModel) service and its ChannelFactory client in one process, on
// 127.0.0.1:PORT. MODE basic: BasicHttpBinding (SOAP 1.1, SOAPAction header); MODE soap12: a CustomBinding
// with SOAP 1.2 + WS-Addressing 1.0 (text encoding over HTTP); MODE mtom: BasicHttpBinding with MTOM.
// Logs one JSON line per call: {"op", "args", "result"} or {"op", "fault"}. Also saves the served
// ?wsdl (when the host serves it) as OUT/NAME.wsdl.
using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Runtime.Serialization;
using System.ServiceModel;
using System.ServiceModel.Channels;
using System.ServiceModel.Description;
using System.Text;
using System.Threading;

[DataContract(Namespace = "http://callscope.test/orders")]
public class Order {
  [DataMember] public int Id;
  [DataMember] public string Customer;
  [DataMember] public DateTime Placed;
  [DataMember] public decimal Total;
  [DataMember] public int? Discount;
  [DataMember] public string[] Items;
  [DataMember] public byte[] Blob;
  [DataMember] public double Ratio;
  [DataMember] public bool Paid;
}

[DataContract(Namespace = "http://callscope.test/orders")]
public class OrderFault {
  [DataMember] public int Code;
  [DataMember] public string Why;
}

[ServiceContract(Namespace = "http://callscope.test/shop")]
public interface IShop {
  [OperationContract] int Add(int a, int b);
  [OperationContract] Order Echo(Order o);
  [OperationContract] string[] Split(string s);
  [OperationContract] void Fail(string why);
  [OperationContract] [FaultContract(typeof(OrderFault))] void FailDetail(int code);
  [OperationContract(IsOneWay = true)] void Notify(string what);
  [OperationContract] byte[] Blob(int n);
  [OperationContract] int? Maybe(int? x);
}

public class Shop : IShop {
  public int Add(int a, int b) { return a + b; }
  public Order Echo(Order o) { o.Id += 1; return o; }
  public string[] Split(string s) { return s.Split(','); }
  public void Fail(string why) { throw new FaultException(why); }
  public void FailDetail(int code) { throw new FaultException<OrderFault>(new OrderFault { Code = code, Why = "no stock" }, "order refused"); }
  public void Notify(string what) { Console.Error.WriteLine("notified " + what); }
  public byte[] Blob(int n) { var b = new byte[n]; for (int i = 0; i < n; i++) b[i] = (byte)(i * 7); return b; }
  public int? Maybe(int? x) { return x.HasValue ? (int?)(x.Value * 2) : null; }
}

public static class Lab {
  static string J(object o) {
    if (o == null) return "null";
    if (o is string) return "\"" + ((string)o).Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    if (o is bool) return (bool)o ? "true" : "false";
    if (o is int || o is long || o is double || o is decimal) return Convert.ToString(o, System.Globalization.CultureInfo.InvariantCulture);
    if (o is byte[]) return "\"" + Convert.ToBase64String((byte[])o) + "\"";
    if (o is DateTime) return "\"" + ((DateTime)o).ToString("o") + "\"";
    if (o is string[]) { var a = (string[])o; var s = new List<string>(); foreach (var x in a) s.Add(J(x)); return "[" + string.Join(",", s) + "]"; }
    if (o is Order) {
      var r = (Order)o;
      return "{\"Id\":" + r.Id + ",\"Customer\":" + J(r.Customer) + ",\"Placed\":" + J(r.Placed) + ",\"Total\":" + J(r.Total) + ",\"Discount\":" + J(r.Discount) + ",\"Items\":" + J(r.Items) + ",\"Blob\":" + J(r.Blob) + ",\"Ratio\":" + J(r.Ratio) + ",\"Paid\":" + J(r.Paid) + "}";
    }
    return J(o.ToString());
  }
  static void Log(string op, string args, Func<object> f) {
    try {
      var r = f();
      Console.WriteLine("{\"op\":" + J(op) + ",\"args\":" + args + ",\"result\":" + J(r) + "}");
    } catch (FaultException<OrderFault> e) {
      Console.WriteLine("{\"op\":" + J(op) + ",\"args\":" + args + ",\"fault\":" + J(e.Reason.ToString()) + ",\"detail\":{\"Code\":" + e.Detail.Code + ",\"Why\":" + J(e.Detail.Why) + "}}");
    } catch (FaultException e) {
      Console.WriteLine("{\"op\":" + J(op) + ",\"args\":" + args + ",\"fault\":" + J(e.Reason.ToString()) + "}");
    } catch (Exception e) {
      Console.WriteLine("{\"op\":" + J(op) + ",\"args\":" + args + ",\"error\":" + J(e.GetType().Name + ": " + e.Message) + "}");
    }
  }

  static Binding BindingOf(string mode) {
    if (mode == "basic") return new BasicHttpBinding();
    if (mode == "mtom") return new BasicHttpBinding { MessageEncoding = WSMessageEncoding.Mtom, MaxReceivedMessageSize = 1 << 22 };
    var enc = new TextMessageEncodingBindingElement(MessageVersion.Soap12WSAddressing10, Encoding.UTF8);
    return new CustomBinding(enc, new HttpTransportBindingElement());
  }

  public static int Main(string[] argv) {
    int port = int.Parse(argv[0]);
    string mode = argv[1];
    string outDir = argv.Length > 2 ? argv[2] : ".";
    var baseUri = new Uri("http://127.0.0.1:" + port + "/shop");
    var host = new ServiceHost(typeof(Shop), baseUri);
    host.AddServiceEndpoint(typeof(IShop), BindingOf(mode), "");
    var smb = new ServiceMetadataBehavior { HttpGetEnabled = true };
    host.Description.Behaviors.Add(smb);
    var dbg = host.Description.Behaviors.Find<ServiceDebugBehavior>();
    if (dbg != null) dbg.IncludeExceptionDetailInFaults = false;
    host.Open();
    try {
      // the WSDL and what it imports (?wsdl=wsdl0, ?xsd=xsdN), each saved as a file the way svcutil /t:metadata does
      try {
        var wc = new WebClient();
        var todo = new Queue<string>(); var seen = new HashSet<string>();
        todo.Enqueue(baseUri + "?wsdl");
        while (todo.Count > 0) {
          var u = todo.Dequeue();
          if (!seen.Add(u)) continue;
          var text = wc.DownloadString(u);
          var q = u.Substring(u.IndexOf('?') + 1).Replace('=', '-');
          File.WriteAllText(Path.Combine(outDir, "wcf-" + mode + "." + q + (q.StartsWith("xsd") ? ".xsd" : ".wsdl")), text);
          foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, "(?:schemaLocation|location)=\"([^\"]+)\""))
            if (System.Text.RegularExpressions.Regex.IsMatch(m.Groups[1].Value, "\\?(wsdl|xsd)=\\w+$")) todo.Enqueue(m.Groups[1].Value);
        }
      } catch (Exception e) { Console.Error.WriteLine("no wsdl: " + e.Message); }
      var cf = new ChannelFactory<IShop>(BindingOf(mode), new EndpointAddress(baseUri));
      var c = cf.CreateChannel();
      Log("Add", "[2,3]", () => c.Add(2, 3));
      var order = new Order { Id = 41, Customer = "Zoë & <Bob>", Placed = new DateTime(2024, 2, 29, 13, 45, 6, DateTimeKind.Utc), Total = 1234.50m, Discount = null, Items = new[] { "pen", "ink", "" }, Blob = new byte[] { 0, 1, 2, 254, 255 }, Ratio = 0.125, Paid = true };
      Log("Echo", J(order), () => c.Echo(order));
      Log("Split", "[\"a,b,,c\"]", () => c.Split("a,b,,c"));
      Log("Fail", "[\"out of paper\"]", () => { c.Fail("out of paper"); return null; });
      Log("FailDetail", "[7]", () => { c.FailDetail(7); return null; });
      Log("Notify", "[\"hello\"]", () => { c.Notify("hello"); return null; });
      Log("Blob", "[300]", () => c.Blob(300));
      Log("Maybe", "[null]", () => c.Maybe(null));
      Log("Maybe", "[21]", () => c.Maybe(21));
      Log("Add", "[2147483647,1]", () => c.Add(int.MaxValue, 1));
      ((IClientChannel)c).Close();
      Thread.Sleep(300);
    } finally {
      host.Close();
    }
    return 0;
  }
}
