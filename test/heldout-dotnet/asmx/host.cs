// host.cs PORT SECONDS: serves the ASP.NET application in this folder (Calc.asmx) on 127.0.0.1:PORT for at
// most SECONDS. Debian 12's xsp4 4.2 does not start with Mono 6.8 (its XSPWebSource needs the
// Mono.Security TLS types Mono 6 dropped), so ASP.NET's own HttpRuntime is hosted here
// (ApplicationHost.CreateApplicationHost) behind System.Net.HttpListener: the SOAP, WSDL and
// HTTP GET/POST answers are System.Web.Services', the HTTP/1.1 framing HttpListener's.
// Compiled into bin/host.exe (the application domain loads it from there).
using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Threading;
using System.Web;
using System.Web.Hosting;

public class Host : MarshalByRefObject {
  public static int Main(string[] argv) {
    var dir = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(typeof(Host).Assembly.Location)));
    var h = (Host)ApplicationHost.CreateApplicationHost(typeof(Host), "/", dir);
    h.Serve(int.Parse(argv[0]), int.Parse(argv[1]));
    return 0;
  }

  public override object InitializeLifetimeService() { return null; }

  public void Serve(int port, int seconds) {
    var l = new HttpListener();
    l.Prefixes.Add("http://127.0.0.1:" + port + "/");
    l.Start();
    Console.WriteLine("listening");
    var until = DateTime.UtcNow.AddSeconds(seconds);
    while (DateTime.UtcNow < until) {
      var ar = l.BeginGetContext(null, null);
      if (!ar.AsyncWaitHandle.WaitOne(until - DateTime.UtcNow)) break;
      var ctx = l.EndGetContext(ar);
      var wr = new Req(ctx);
      HttpRuntime.ProcessRequest(wr);
      wr.Done.WaitOne(30000);
    }
    l.Stop();
  }
}

class Req : SimpleWorkerRequest {
  readonly HttpListenerContext c;
  readonly byte[] body;
  readonly MemoryStream outBuf = new MemoryStream();
  public readonly ManualResetEvent Done = new ManualResetEvent(false);

  public Req(HttpListenerContext c) : base(c.Request.Url.AbsolutePath.TrimStart('/'), c.Request.Url.Query.TrimStart('?'), TextWriter.Null) {
    this.c = c;
    var ms = new MemoryStream();
    if (c.Request.HasEntityBody) c.Request.InputStream.CopyTo(ms);
    body = ms.ToArray();
  }

  public override string GetHttpVerbName() { return c.Request.HttpMethod; }
  public override string GetHttpVersion() { return "HTTP/" + c.Request.ProtocolVersion; }
  public override string GetRawUrl() { return c.Request.RawUrl; }
  public override string GetRemoteAddress() { return c.Request.RemoteEndPoint.Address.ToString(); }
  public override int GetRemotePort() { return c.Request.RemoteEndPoint.Port; }
  public override string GetLocalAddress() { return c.Request.LocalEndPoint.Address.ToString(); }
  public override int GetLocalPort() { return c.Request.LocalEndPoint.Port; }
  public override string GetServerName() { return "127.0.0.1"; }
  public override string GetKnownRequestHeader(int index) { return c.Request.Headers[GetKnownRequestHeaderName(index)]; }
  public override string GetUnknownRequestHeader(string name) { return c.Request.Headers[name]; }
  public override string[][] GetUnknownRequestHeaders() {
    var r = new List<string[]>();
    foreach (string k in c.Request.Headers.AllKeys) if (GetKnownRequestHeaderIndex(k) < 0) r.Add(new[] { k, c.Request.Headers[k] });
    return r.ToArray();
  }
  public override byte[] GetPreloadedEntityBody() { return body; }
  public override int GetPreloadedEntityBodyLength() { return body.Length; }
  public override int GetTotalEntityBodyLength() { return body.Length; }
  public override bool IsEntireEntityBodyIsPreloaded() { return true; }
  public override int ReadEntityBody(byte[] buffer, int size) { return 0; }

  public override void SendStatus(int statusCode, string statusDescription) {
    c.Response.StatusCode = statusCode;
    c.Response.StatusDescription = statusDescription;
  }
  public override void SendKnownResponseHeader(int index, string value) { Header(GetKnownResponseHeaderName(index), value); }
  public override void SendUnknownResponseHeader(string name, string value) { Header(name, value); }
  void Header(string name, string value) {
    if (string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase)) return; // (HttpListener frames the body)
    if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase)) c.Response.ContentType = value;
    else if (string.Equals(name, "Server", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "Date", StringComparison.OrdinalIgnoreCase)) return;
    else c.Response.AddHeader(name, value);
  }
  public override void SendResponseFromMemory(byte[] data, int length) { outBuf.Write(data, 0, length); }
  public override void SendResponseFromFile(string filename, long offset, long length) {
    using (var f = File.OpenRead(filename)) { f.Seek(offset, SeekOrigin.Begin); var b = new byte[length]; f.Read(b, 0, b.Length); outBuf.Write(b, 0, b.Length); }
  }
  public override void SendResponseFromFile(IntPtr handle, long offset, long length) { throw new NotSupportedException(); }
  public override void FlushResponse(bool finalFlush) { }
  public override void EndOfRequest() {
    try {
      var b = outBuf.ToArray();
      c.Response.ContentLength64 = b.Length;
      c.Response.OutputStream.Write(b, 0, b.Length);
      c.Response.Close();
    } catch (Exception e) { Console.Error.WriteLine("response: " + e.Message); }
    Done.Set();
  }
}
