<%@ WebService Language="C#" Class="Calc" %>
// An ASP.NET (.asmx) web service for xsp4: document/literal methods (the default), one rpc/encoded
// method ([SoapRpcMethod]), a SoapException with a detail element, a one-way method, and the
// HTTP GET/POST forms web.config enables.
using System;
using System.Web.Services;
using System.Web.Services.Protocols;
using System.Xml;

public class Point {
  public int X;
  public int Y;
  public string Label;
  public DateTime When;
  public double[] Weights;
  public byte[] Raw;
  public int? Maybe;
}

[WebService(Namespace = "http://callscope.test/calc/")]
public class Calc : WebService {
  [WebMethod] public int Add(int a, int b) { return a + b; }
  [WebMethod] public Point Move(Point p, int dx) { p.X += dx; p.Label = p.Label + "!"; return p; }
  [WebMethod] public string[] Words(string s) { return s.Split(' '); }
  [WebMethod] public int Divide(int a, int b) { return a / b; }
  [WebMethod] public void Refuse(string why) {
    var doc = new XmlDocument();
    var detail = doc.CreateElement(SoapException.DetailElementName.Name, SoapException.DetailElementName.Namespace);
    var reason = doc.CreateElement("c", "Reason", "http://callscope.test/calc/");
    reason.InnerText = why;
    detail.AppendChild(reason);
    throw new SoapException("refused: " + why, SoapException.ClientFaultCode, Context.Request.Url.AbsoluteUri, detail);
  }
  [WebMethod] [SoapRpcMethod] public string Concat(string a, int n, bool upper) { var s = a + n; return upper ? s.ToUpperInvariant() : s; }
  [WebMethod] [SoapDocumentMethod(OneWay = true)] public void Ping(string what) { }
}
