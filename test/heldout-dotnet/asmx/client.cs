// client.cs URL VERSION: calls Calc.asmx through the proxy `wsdl` generated from its ?wsdl
// (SoapHttpClientProtocol; namespace P11 for SOAP 1.1, P12 for `wsdl -protocol:SOAP12`), then, for
// VERSION 11, the HTTP GET and POST forms. One JSON line per call: {"op", "args", "result"} or {"op", "fault"}.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Text;
using System.Web.Services.Protocols;

public static class Client {
  static string J(object o) {
    if (o == null) return "null";
    if (o is string) return "\"" + ((string)o).Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r") + "\"";
    if (o is bool) return (bool)o ? "true" : "false";
    if (o is int || o is double) return Convert.ToString(o, CultureInfo.InvariantCulture);
    if (o is byte[]) return "\"" + Convert.ToBase64String((byte[])o) + "\"";
    if (o is DateTime) return "\"" + ((DateTime)o).ToString("o") + "\"";
    if (o is Array) { var s = new List<string>(); foreach (var x in (Array)o) s.Add(J(x)); return "[" + string.Join(",", s) + "]"; }
    var t = o.GetType();
    if (t.Name == "Point") {
      var parts = new List<string>();
      foreach (var f in new[] { "X", "Y", "Label", "When", "Weights", "Raw", "Maybe" }) {
        var fi = t.GetField(f); var pi = t.GetProperty(f);
        parts.Add(J(f) + ":" + J(fi != null ? fi.GetValue(o) : pi.GetValue(o, null)));
      }
      return "{" + string.Join(",", parts) + "}";
    }
    return J(o.ToString());
  }
  static void Log(string op, string args, Func<object> f) {
    try {
      var r = f();
      Console.WriteLine("{\"op\":" + J(op) + ",\"args\":" + args + ",\"result\":" + J(r) + "}");
    } catch (SoapException e) {
      Console.WriteLine("{\"op\":" + J(op) + ",\"args\":" + args + ",\"fault\":" + J(e.Message) + ",\"code\":" + J(e.Code.Name) + "}");
    } catch (WebException e) {
      var st = e.Response as HttpWebResponse;
      Console.WriteLine("{\"op\":" + J(op) + ",\"args\":" + args + ",\"status\":" + (st != null ? (int)st.StatusCode : 0) + "}");
    }
  }

  public static int Main(string[] argv) {
    var url = argv[0];
    var version = argv[1];
    var when = new DateTime(2024, 2, 29, 13, 45, 6, DateTimeKind.Utc);
    new WebClient().DownloadString(url + "?wsdl"); // as a developer's `wsdl URL` does, recorded
    if (version == "11") {
      var c = new P11.Calc { Url = url };
      Log("Add", "[2,3]", () => c.Add(2, 3));
      var p = new P11.Point { X = 1, Y = -2, Label = "a<b&c", When = when, Weights = new[] { 0.5, 1e-3 }, Raw = new byte[] { 0, 255, 7 }, Maybe = null };
      Log("Move", "[" + J(p) + ",10]", () => c.Move(p, 10));
      Log("Words", "[\"to be or\"]", () => c.Words("to be or"));
      Log("Divide", "[1,0]", () => c.Divide(1, 0));
      Log("Refuse", "[\"closed\"]", () => { c.Refuse("closed"); return null; });
      Log("Concat", "[\"x\",7,true]", () => c.Concat("x", 7, true));
      Log("Ping", "[\"hi\"]", () => { c.Ping("hi"); return null; });
      var wc = new WebClient();
      Log("Add", "[4,5]", () => wc.DownloadString(url + "/Add?a=4&b=5"));
      wc.Headers[HttpRequestHeader.ContentType] = "application/x-www-form-urlencoded";
      Log("Add", "[6,7]", () => wc.UploadString(url + "/Add", "a=6&b=7"));
      Log("Divide", "[1,0]", () => new WebClient().DownloadString(url + "/Divide?a=1&b=0"));
    } else {
      var c = new P12.Calc { Url = url };
      Log("Add", "[2,3]", () => c.Add(2, 3));
      var p = new P12.Point { X = 1, Y = -2, Label = "a<b&c", When = when, Weights = new[] { 0.5, 1e-3 }, Raw = new byte[] { 0, 255, 7 }, Maybe = 3 };
      Log("Move", "[" + J(p) + ",10]", () => c.Move(p, 10));
      Log("Divide", "[1,0]", () => c.Divide(1, 0));
      Log("Refuse", "[\"closed\"]", () => { c.Refuse("closed"); return null; });
      Log("Concat", "[\"x\",7,false]", () => c.Concat("x", 7, false));
    }
    return 0;
  }
}
