// http.cs PORT WSPORT: System.Net.HttpListener serving on 127.0.0.1:PORT (stops by itself after 60 s), called by
// System.Net.Http.HttpClient, HttpWebRequest and WebClient, then System.Net.WebSockets.ClientWebSocket against
// the listener (which refuses it) and python3-websockets on WSPORT, in one process.
// One JSON line per exchange: {"op":"METHOD PATH","status":N,"body":"…"} (body as the client read it,
// decompressed) and, for WebSocket, {"op":"ws","dir":"c2s"|"s2c","type":"text"|"binary","len":N,"text":"…"}.
using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

public static class Lab {
  static string J(string s) {
    if (s == null) return "null";
    var b = new StringBuilder("\"");
    foreach (var ch in s) {
      if (ch == '"' || ch == '\\') b.Append('\\').Append(ch);
      else if (ch < 0x20) b.AppendFormat("\\u{0:x4}", (int)ch);
      else b.Append(ch);
    }
    return b.Append('"').ToString();
  }
  static readonly object logLock = new object();
  static void Log(string line) { lock (logLock) Console.WriteLine(line); }

  static async Task Serve(HttpListenerContext ctx) {
    var req = ctx.Request;
    var resp = ctx.Response;
    var path = req.Url.AbsolutePath;
    try {
      if (path == "/ws/" && req.IsWebSocketRequest) {
        var wsc = await ctx.AcceptWebSocketAsync(null);
        var ws = wsc.WebSocket;
        var buf = new byte[1 << 20];
        while (true) {
          int n = 0;
          WebSocketReceiveResult r;
          do {
            r = await ws.ReceiveAsync(new ArraySegment<byte>(buf, n, buf.Length - n), CancellationToken.None);
            n += r.Count;
          } while (!r.EndOfMessage);
          if (r.MessageType == WebSocketMessageType.Close) {
            await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye too", CancellationToken.None);
            break;
          }
          // echo, a text message reversed
          var outb = new byte[n];
          Array.Copy(buf, outb, n);
          if (r.MessageType == WebSocketMessageType.Text) { var a = Encoding.UTF8.GetString(outb).ToCharArray(); Array.Reverse(a); outb = Encoding.UTF8.GetBytes(new string(a)); }
          await ws.SendAsync(new ArraySegment<byte>(outb), r.MessageType, true, CancellationToken.None);
        }
        return;
      }
      byte[] body;
      using (var ms = new MemoryStream()) { req.InputStream.CopyTo(ms); body = ms.ToArray(); }
      byte[] o;
      if (path == "/echo") {
        resp.ContentType = "application/json";
        o = Encoding.UTF8.GetBytes("{\"got\":" + body.Length + ",\"type\":" + J(req.ContentType) + ",\"expect\":" + J(req.Headers["Expect"]) + ",\"cookie\":" + J(req.Headers["Cookie"]) + "}");
      } else if (path == "/gzip" || path == "/deflate") {
        resp.ContentType = "text/plain; charset=utf-8";
        var plain = Encoding.UTF8.GetBytes(new string('z', 2000) + " compressed " + path);
        using (var ms = new MemoryStream()) {
          Stream z = path == "/gzip" ? (Stream)new GZipStream(ms, CompressionMode.Compress, true) : new DeflateStream(ms, CompressionMode.Compress, true);
          z.Write(plain, 0, plain.Length);
          z.Close();
          o = ms.ToArray();
        }
        // (.NET's DeflateStream writes raw deflate, RFC 1951, not the zlib format RFC 9110 §8.4.1.2 asks for)
        resp.AddHeader("Content-Encoding", path.Substring(1));
      } else if (path == "/chunked") {
        resp.SendChunked = true;
        resp.ContentType = "text/plain";
        for (int i = 0; i < 5; i++) { var p = Encoding.ASCII.GetBytes("part " + i + ";"); resp.OutputStream.Write(p, 0, p.Length); resp.OutputStream.Flush(); await Task.Delay(20); }
        resp.Close();
        return;
      } else if (path == "/cookie") {
        resp.AppendCookie(new Cookie("session", "abc123") { Path = "/" });
        resp.ContentType = "text/plain";
        o = Encoding.ASCII.GetBytes("set");
      } else if (path == "/redirect") {
        resp.Redirect("http://127.0.0.1:" + req.Url.Port + "/echo");
        o = new byte[0];
      } else if (path == "/auth") {
        // RFC 9110 §11.6.1: a challenge, then the client's retry with its credentials
        var auth = req.Headers["Authorization"];
        if (auth == null) {
          resp.StatusCode = 401;
          resp.AddHeader("WWW-Authenticate", "Basic realm=\"lab\"");
          resp.ContentType = "text/plain";
          o = Encoding.ASCII.GetBytes("who are you?");
        } else {
          resp.ContentType = "text/plain";
          o = Encoding.ASCII.GetBytes("hello " + Encoding.UTF8.GetString(Convert.FromBase64String(auth.Substring(6))).Split(':')[0]);
        }
      } else if (path == "/big") {
        resp.ContentType = "application/octet-stream";
        o = new byte[1 << 20];
        for (int i = 0; i < o.Length; i++) o[i] = (byte)(i % 251);
      } else {
        resp.StatusCode = 404;
        resp.ContentType = "text/plain";
        o = Encoding.ASCII.GetBytes("no " + path);
      }
      resp.ContentLength64 = o.Length;
      resp.OutputStream.Write(o, 0, o.Length);
      resp.Close();
    } catch (Exception e) {
      Console.Error.WriteLine("server: " + e);
    }
  }

  static async Task Call(HttpClient c, string method, string url, HttpContent content = null) {
    var m = new HttpRequestMessage(new HttpMethod(method), url) { Content = content };
    try {
      var r = await c.SendAsync(m);
      var bytes = await r.Content.ReadAsByteArrayAsync();
      var text = r.Content.Headers.ContentType != null && r.Content.Headers.ContentType.MediaType == "application/octet-stream" ? null : Encoding.UTF8.GetString(bytes);
      Log("{\"op\":" + J(method + " " + new Uri(url).PathAndQuery) + ",\"client\":\"HttpClient\",\"status\":" + (int)r.StatusCode + ",\"len\":" + bytes.Length + ",\"body\":" + J(text) + "}");
    } catch (Exception e) {
      Log("{\"op\":" + J(method + " " + url) + ",\"error\":" + J(e.Message) + "}");
    }
  }

  public static int Main(string[] argv) {
    int port = int.Parse(argv[0]);
    var l = new HttpListener();
    l.Prefixes.Add("http://127.0.0.1:" + port + "/");
    l.Start();
    var stop = DateTime.UtcNow.AddSeconds(60);
    new Thread(() => {
      while (l.IsListening) {
        try { var ctx = l.GetContext(); Task.Run(() => Serve(ctx)); } catch { break; }
      }
    }) { IsBackground = true }.Start();
    var timer = new Timer(_ => { if (DateTime.UtcNow > stop) Environment.Exit(3); }, null, 1000, 1000);
    var u = "http://127.0.0.1:" + port;

    // HttpClient: automatic decompression, cookies, redirect, a JSON POST, a chunked upload
    var h = new HttpClientHandler { AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate, CookieContainer = new CookieContainer(), UseCookies = true };
    var c = new HttpClient(h);
    Call(c, "GET", u + "/gzip").Wait();
    Call(c, "GET", u + "/deflate").Wait();
    Call(c, "GET", u + "/chunked").Wait();
    Call(c, "GET", u + "/cookie").Wait();
    Call(c, "POST", u + "/echo", new StringContent("{\"name\":\"Zoë\",\"n\":1}", Encoding.UTF8, "application/json")).Wait();
    Call(c, "GET", u + "/redirect").Wait();
    Call(c, "GET", u + "/big").Wait();
    Call(c, "GET", u + "/missing?x=1").Wait();
    var unknown = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes(new string('u', 5000))));
    unknown.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
    var chunkedReq = new HttpRequestMessage(HttpMethod.Put, u + "/echo") { Content = unknown };
    chunkedReq.Headers.TransferEncodingChunked = true;
    try {
      var r = c.SendAsync(chunkedReq).Result;
      Log("{\"op\":\"PUT /echo\",\"client\":\"HttpClient\",\"status\":" + (int)r.StatusCode + ",\"body\":" + J(r.Content.ReadAsStringAsync().Result) + "}");
    } catch (Exception e) { Log("{\"op\":\"PUT /echo\",\"error\":" + J(e.Message) + "}"); }

    // HttpWebRequest: a form POST (Expect: 100-continue by default), then one with Expect off
    foreach (var expect in new[] { true, false }) {
      var wr = (HttpWebRequest)WebRequest.Create(u + "/echo?expect=" + expect);
      wr.Method = "POST";
      wr.ContentType = "application/x-www-form-urlencoded";
      wr.ServicePoint.Expect100Continue = expect;
      var form = Encoding.ASCII.GetBytes("a=1&b=two+words&c=%C3%A9");
      wr.ContentLength = form.Length;
      using (var s = wr.GetRequestStream()) s.Write(form, 0, form.Length);
      using (var r = (HttpWebResponse)wr.GetResponse())
      using (var sr = new StreamReader(r.GetResponseStream()))
        Log("{\"op\":" + J("POST /echo?expect=" + expect) + ",\"client\":\"HttpWebRequest\",\"status\":" + (int)r.StatusCode + ",\"body\":" + J(sr.ReadToEnd()) + "}");
    }
    // HttpWebRequest: a chunked upload (SendChunked, with Expect: 100-continue), HTTP/1.0 without keep-alive,
    // HEAD, Basic authentication after a 401 challenge
    {
      var wr = (HttpWebRequest)WebRequest.Create(u + "/echo?chunked");
      wr.Method = "POST";
      wr.ContentType = "application/octet-stream";
      wr.SendChunked = true;
      wr.AllowWriteStreamBuffering = false;
      using (var s = wr.GetRequestStream()) for (int i = 0; i < 3; i++) { var part = new byte[1000 + i]; s.Write(part, 0, part.Length); s.Flush(); }
      using (var r = (HttpWebResponse)wr.GetResponse()) using (var sr = new StreamReader(r.GetResponseStream()))
        Log("{\"op\":\"POST /echo?chunked\",\"client\":\"HttpWebRequest\",\"status\":" + (int)r.StatusCode + ",\"body\":" + J(sr.ReadToEnd()) + "}");
    }
    {
      var wr = (HttpWebRequest)WebRequest.Create(u + "/cookie?http10");
      wr.ProtocolVersion = HttpVersion.Version10;
      wr.KeepAlive = false;
      using (var r = (HttpWebResponse)wr.GetResponse()) using (var sr = new StreamReader(r.GetResponseStream()))
        Log("{\"op\":\"GET /cookie?http10\",\"client\":\"HttpWebRequest\",\"status\":" + (int)r.StatusCode + ",\"body\":" + J(sr.ReadToEnd()) + "}");
    }
    {
      var wr = (HttpWebRequest)WebRequest.Create(u + "/big?head");
      wr.Method = "HEAD";
      using (var r = (HttpWebResponse)wr.GetResponse())
        Log("{\"op\":\"HEAD /big?head\",\"client\":\"HttpWebRequest\",\"status\":" + (int)r.StatusCode + ",\"length\":" + r.ContentLength + "}");
    }
    {
      var wr = (HttpWebRequest)WebRequest.Create(u + "/auth");
      wr.Credentials = new NetworkCredential("ada", "s3cret");
      using (var r = (HttpWebResponse)wr.GetResponse()) using (var sr = new StreamReader(r.GetResponseStream()))
        Log("{\"op\":\"GET /auth\",\"client\":\"HttpWebRequest\",\"status\":" + (int)r.StatusCode + ",\"body\":" + J(sr.ReadToEnd()) + "}");
    }
    // WebClient: a 404 (WebException)
    try { new WebClient().DownloadString(u + "/nope"); } catch (WebException e) { Log("{\"op\":\"GET /nope\",\"client\":\"WebClient\",\"status\":" + (int)((HttpWebResponse)e.Response).StatusCode + "}"); }

    // ClientWebSocket: Mono 6.8's HttpListener takes no WebSocket (IsWebSocketRequest is false, the handshake
    // gets this server's 404), then Debian's python3-websockets on WSPORT (ws_peer.py)
    try {
      var no = new ClientWebSocket();
      no.ConnectAsync(new Uri("ws://127.0.0.1:" + port + "/ws/"), CancellationToken.None).Wait();
    } catch (Exception e) { Log("{\"op\":\"GET /ws/\",\"client\":\"ClientWebSocket\",\"status\":404,\"error\":" + J(e.GetBaseException().Message) + "}"); }
    var ws = new ClientWebSocket();
    ws.Options.SetRequestHeader("X-Lab", "dotnet");
    ws.ConnectAsync(new Uri("ws://127.0.0.1:" + argv[1] + "/ws/"), CancellationToken.None).Wait();
    var msgs = new List<Tuple<WebSocketMessageType, byte[]>> {
      Tuple.Create(WebSocketMessageType.Text, Encoding.UTF8.GetBytes("hello, Zoë")),
      Tuple.Create(WebSocketMessageType.Binary, new byte[] { 0, 1, 2, 3, 255 }),
      Tuple.Create(WebSocketMessageType.Text, Encoding.UTF8.GetBytes(new string('w', 70000))),
      Tuple.Create(WebSocketMessageType.Text, new byte[0]),
    };
    var rbuf = new byte[1 << 20];
    foreach (var m in msgs) {
      ws.SendAsync(new ArraySegment<byte>(m.Item2), m.Item1, true, CancellationToken.None).Wait();
      Log("{\"op\":\"ws\",\"dir\":\"c2s\",\"type\":" + J(m.Item1 == WebSocketMessageType.Text ? "text" : "binary") + ",\"len\":" + m.Item2.Length + "}");
      int n = 0;
      WebSocketReceiveResult r;
      do { r = ws.ReceiveAsync(new ArraySegment<byte>(rbuf, n, rbuf.Length - n), CancellationToken.None).Result; n += r.Count; } while (!r.EndOfMessage);
      Log("{\"op\":\"ws\",\"dir\":\"s2c\",\"type\":" + J(r.MessageType == WebSocketMessageType.Text ? "text" : "binary") + ",\"len\":" + n + (n < 100 && r.MessageType == WebSocketMessageType.Text ? ",\"text\":" + J(Encoding.UTF8.GetString(rbuf, 0, n)) : "") + "}");
    }
    // one message in two fragments (RFC 6455 §5.4)
    ws.SendAsync(new ArraySegment<byte>(Encoding.UTF8.GetBytes("frag-")), WebSocketMessageType.Text, false, CancellationToken.None).Wait();
    ws.SendAsync(new ArraySegment<byte>(Encoding.UTF8.GetBytes("mented")), WebSocketMessageType.Text, true, CancellationToken.None).Wait();
    Log("{\"op\":\"ws\",\"dir\":\"c2s\",\"type\":\"text\",\"len\":11,\"fragments\":2}");
    {
      int n = 0;
      WebSocketReceiveResult r;
      do { r = ws.ReceiveAsync(new ArraySegment<byte>(rbuf, n, rbuf.Length - n), CancellationToken.None).Result; n += r.Count; } while (!r.EndOfMessage);
      Log("{\"op\":\"ws\",\"dir\":\"s2c\",\"type\":\"text\",\"len\":" + n + ",\"text\":" + J(Encoding.UTF8.GetString(rbuf, 0, n)) + "}");
    }
    ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).Wait();
    Log("{\"op\":\"ws\",\"close\":" + (int)ws.CloseStatus + ",\"reason\":" + J(ws.CloseStatusDescription) + "}");
    Thread.Sleep(200);
    l.Stop();
    GC.KeepAlive(timer);
    return 0;
  }
}
