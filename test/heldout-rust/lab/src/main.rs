// rustlab: hyper 0.14, h2 0.3 and reqwest 0.11 from Debian 12, recorded by test/heldout-rust/run.sh.
// Every mode prints one JSON line per call (side, method, path, status, sizes, trailers, resets,
// gRPC statuses and decoded messages); check.mjs compares them with what callscope decoded.
//
//   rustlab h1 PORT          hyper server + hyper client, HTTP/1.1 keep-alive, then an upgrade
//   rustlab h2 PORT          hyper server + hyper client, h2c by prior knowledge (small windows)
//   rustlab h2head PORT      one HEAD over h2c (the unit test's bytes: hyper's server sends DATA)
//   rustlab h2raw PORT       h2 server + h2 client: resets, request trailers, hand-framed gRPC (prost)
//   rustlab upstream PORT S  hyper server alone (HTTP/1.1 and h2c) for S seconds, behind Caddy
//   rustlab person PORT      h2 client: gRPC Person API (samples/grpc-person-api) through Caddy, h2c
//   rustlab reqwest CADDY PY reqwest client against Caddy (files, JSON, reverse proxy) and python3 http.server
use bytes::{BufMut, Bytes, BytesMut};
use futures_util::future::join_all;
use hyper::body::HttpBody;
use hyper::header::{HeaderMap, HeaderValue};
use hyper::service::{make_service_fn, service_fn};
use hyper::{Body, Client, Method, Request, Response, Server, StatusCode};
use prost::Message;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn log(v: Value) {
    println!("{}", v);
}

fn pattern(n: usize, seed: u8) -> Vec<u8> {
    (0..n).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

// ───────────── the hyper server (h1, h2, upstream) ─────────────

async fn handle(mut req: Request<Body>) -> Result<Response<Body>, Infallible> {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let version = format!("{:?}", req.version());
    let fwd = req.headers().get("x-forwarded-for").map(|v| v.to_str().unwrap_or("").to_string());
    let upgrade = req.headers().get("upgrade").is_some();
    let inm = req.headers().get("if-none-match").map(|v| v.as_bytes().to_vec());
    let hsize: usize = req.headers().iter().map(|(k, v)| k.as_str().len() + v.len()).sum();
    let on_upgrade = if upgrade { Some(hyper::upgrade::on(&mut req)) } else { None };
    let body = hyper::body::to_bytes(req.into_body()).await.unwrap_or_default();
    log(json!({"side": "server", "method": method.as_str(), "path": path, "query": query, "version": version,
               "req_size": body.len(), "forwarded_for": fwd}));
    let json_resp = |status: u16, v: Value| {
        Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .header("X-Lab-Server", "hyper")
            .body(Body::from(v.to_string()))
            .unwrap()
    };
    let resp = match path.as_str() {
        "/json" | "/api/json" => json_resp(200, json!({"server": "hyper", "query": query, "items": [1, 2, 3], "nested": {"ok": true}})),
        "/echo" | "/api/echo" => json_resp(200, json!({"received": body.len(), "method": method.as_str()})),
        "/big" | "/api/big" => Response::builder()
            .header("content-type", "application/octet-stream")
            .body(Body::from(pattern(500_000, 7)))
            .unwrap(),
        "/stream" | "/api/stream" => {
            let (mut tx, b) = Body::channel();
            tokio::spawn(async move {
                for i in 0..5 {
                    tokio::time::sleep(Duration::from_millis(15)).await;
                    if tx.send_data(Bytes::from(format!("{{\"chunk\":{}}}\n", i))).await.is_err() {
                        return;
                    }
                }
            });
            Response::builder().header("content-type", "application/x-ndjson").body(b).unwrap()
        }
        "/trailers" => {
            let (mut tx, b) = Body::channel();
            tokio::spawn(async move {
                let _ = tx.send_data(Bytes::from_static(b"trailers follow\n")).await;
                let mut t = HeaderMap::new();
                t.insert("x-checksum", HeaderValue::from_static("c0ffee"));
                t.insert("x-rows", HeaderValue::from_static("1"));
                let _ = tx.send_trailers(t).await;
            });
            Response::builder().header("content-type", "text/plain").body(b).unwrap()
        }
        "/slow" => {
            let (mut tx, b) = Body::channel();
            tokio::spawn(async move {
                for _ in 0..20 {
                    if tx.send_data(Bytes::from(pattern(16_000, 3))).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(30)).await;
                }
            });
            Response::builder().header("content-type", "application/octet-stream").body(b).unwrap()
        }
        "/bigheader" => Response::builder()
            .header("x-big", "b".repeat(40_000))
            .header("content-type", "text/plain")
            .body(Body::from(format!("request headers {}\n", hsize)))
            .unwrap(),
        "/nocontent" | "/api/nocontent" => Response::builder().status(204).body(Body::empty()).unwrap(),
        "/cached" => {
            if inm.as_deref() == Some(&b"\"v1\""[..]) {
                Response::builder().status(304).header("etag", "\"v1\"").body(Body::empty()).unwrap()
            } else {
                Response::builder().header("etag", "\"v1\"").header("content-type", "text/plain").body(Body::from("cached body\n")).unwrap()
            }
        }
        "/upgrade" if on_upgrade.is_some() => {
            let on = on_upgrade.unwrap();
            tokio::spawn(async move {
                if let Ok(mut io) = on.await {
                    let mut buf = [0u8; 64];
                    if let Ok(n) = io.read(&mut buf).await {
                        let mut out = b"echo: ".to_vec();
                        out.extend_from_slice(&buf[..n]);
                        let _ = io.write_all(&out).await;
                        let _ = io.shutdown().await;
                    }
                }
            });
            Response::builder()
                .status(StatusCode::SWITCHING_PROTOCOLS)
                .header("connection", "upgrade")
                .header("upgrade", "lab-echo")
                .body(Body::empty())
                .unwrap()
        }
        _ => Response::builder().status(404).header("content-type", "text/plain").body(Body::from("not found\n")).unwrap(),
    };
    Ok(resp)
}

fn serve(addr: SocketAddr, h2_only: bool, secs: u64) {
    let make = make_service_fn(|_| async { Ok::<_, Infallible>(service_fn(handle)) });
    let mut b = Server::bind(&addr);
    if h2_only {
        b = b
            .http2_only(true)
            .http2_initial_stream_window_size(32_768)
            .http2_initial_connection_window_size(65_535)
            .http2_max_concurrent_streams(100);
    }
    let server = b.serve(make);
    tokio::spawn(async move {
        let _ = tokio::time::timeout(Duration::from_secs(secs), server).await;
    });
}

// ───────────── hyper client helpers ─────────────

type HClient = Client<hyper::client::HttpConnector, Body>;

async fn call(c: &HClient, method: Method, uri: &str, headers: &[(&str, &str)], body: Body, tag: &str) -> Value {
    let mut b = Request::builder().method(method.clone()).uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let req = b.body(body).unwrap();
    let res = match c.request(req).await {
        Ok(r) => r,
        Err(e) => {
            let v = json!({"side": "client", "tag": tag, "method": method.as_str(), "path": path_of(uri), "error": e.to_string()});
            log(v.clone());
            return v;
        }
    };
    let status = res.status().as_u16();
    let version = format!("{:?}", res.version());
    let mut body = res.into_body();
    let mut size = 0usize;
    while let Some(chunk) = body.data().await {
        match chunk {
            Ok(c) => size += c.len(),
            Err(_) => break,
        }
    }
    let trailers = body.trailers().await.ok().flatten().map(|t| {
        t.iter().map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string())).collect::<HashMap<_, _>>()
    });
    let v = json!({"side": "client", "tag": tag, "method": method.as_str(), "path": path_of(uri), "status": status,
                   "version": version, "size": size, "trailers": trailers});
    log(v.clone());
    v
}

fn path_of(uri: &str) -> String {
    let u: hyper::Uri = uri.parse().unwrap();
    u.path().to_string()
}

async fn mode_h1(port: u16) {
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    serve(addr, false, 30);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let base = format!("http://127.0.0.1:{}", port);
    // one keep-alive connection: the pool keeps one idle connection and every request waits for the last
    let c: HClient = Client::builder().http1_title_case_headers(true).pool_max_idle_per_host(1).build_http();
    let u = |p: &str| format!("{}{}", base, p);
    call(&c, Method::GET, &u("/json?n=1"), &[("accept", "application/json"), ("x-Mixed-Case", "yes")], Body::empty(), "json").await;
    call(&c, Method::GET, &u("/stream"), &[], Body::empty(), "chunked response").await;
    call(&c, Method::GET, &u("/big"), &[], Body::empty(), "500 KB").await;
    let up = pattern(300_000, 1);
    call(&c, Method::POST, &u("/echo"), &[("content-type", "application/octet-stream"), ("expect", "100-continue")], Body::from(up), "300 KB POST, Expect: 100-continue").await;
    // a request body of unknown length: hyper sends it chunked
    let chunks: Vec<Result<Bytes, std::io::Error>> = (0..4).map(|i| Ok(Bytes::from(format!("part {} of a streamed upload\n", i)))).collect();
    call(&c, Method::PUT, &u("/echo"), &[("content-type", "text/plain")], Body::wrap_stream(futures_util::stream::iter(chunks)), "chunked request").await;
    call(&c, Method::POST, &u("/echo"), &[("content-type", "application/json")], Body::from(json!({"name": "hyper", "n": 42}).to_string()), "JSON POST").await;
    call(&c, Method::GET, &u("/nocontent"), &[], Body::empty(), "204").await;
    call(&c, Method::GET, &u("/cached"), &[], Body::empty(), "etag").await;
    call(&c, Method::GET, &u("/cached"), &[("if-none-match", "\"v1\"")], Body::empty(), "304").await;
    call(&c, Method::HEAD, &u("/big"), &[], Body::empty(), "HEAD").await;
    // HEAD of a response that would be chunked: hyper's server says transfer-encoding: chunked, sends no body
    call(&c, Method::HEAD, &u("/stream"), &[], Body::empty(), "HEAD chunked").await;
    call(&c, Method::GET, &u("/missing"), &[], Body::empty(), "404").await;
    call(&c, Method::DELETE, &u("/echo"), &[], Body::empty(), "DELETE").await;
    // an upgrade (RFC 9110 §7.8) to a toy protocol that echoes one message
    let req = Request::builder()
        .uri(u("/upgrade"))
        .header("connection", "upgrade")
        .header("upgrade", "lab-echo")
        .body(Body::empty())
        .unwrap();
    match c.request(req).await {
        Ok(res) => {
            let status = res.status().as_u16();
            let mut echoed = String::new();
            if let Ok(mut io) = hyper::upgrade::on(res).await {
                let _ = io.write_all(b"hello over lab-echo").await;
                let _ = io.read_to_string(&mut echoed).await;
            }
            log(json!({"side": "client", "tag": "upgrade", "method": "GET", "path": "/upgrade", "status": status, "size": 0, "upgraded": echoed}));
        }
        Err(e) => log(json!({"side": "client", "tag": "upgrade", "error": e.to_string()})),
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
}

async fn mode_h2(port: u16) {
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    serve(addr, true, 30);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let base = format!("http://127.0.0.1:{}", port);
    let c: HClient = Client::builder()
        .http2_only(true)
        .http2_initial_stream_window_size(32_768)
        .http2_initial_connection_window_size(65_535)
        .build_http();
    let u = |p: &str| format!("{}{}", base, p);
    call(&c, Method::GET, &u("/json?warm=1"), &[], Body::empty(), "first").await;
    // 20 streams at once on the one connection
    let futs: Vec<_> = (0..20).map(|i| {
        let c = c.clone();
        let url = u(&format!("/json?i={}", i));
        async move { call(&c, Method::GET, &url, &[("x-stream", &i.to_string())], Body::empty(), "concurrent").await }
    }).collect();
    join_all(futs).await;
    // large bodies both ways while 32 KiB stream windows make both sides send WINDOW_UPDATE
    let big = {
        let c = c.clone();
        let url = u("/big");
        async move { call(&c, Method::GET, &url, &[], Body::empty(), "500 KB").await }
    };
    let up = {
        let c = c.clone();
        let url = u("/echo");
        async move { call(&c, Method::POST, &url, &[("content-type", "application/octet-stream")], Body::from(pattern(400_000, 2)), "400 KB POST").await }
    };
    futures_util::future::join(big, up).await;
    call(&c, Method::GET, &u("/stream"), &[], Body::empty(), "streamed").await;
    call(&c, Method::GET, &u("/trailers"), &[("te", "trailers")], Body::empty(), "trailers").await;
    call(&c, Method::GET, &u("/nocontent"), &[], Body::empty(), "204").await;
    call(&c, Method::GET, &u("/cached"), &[("if-none-match", "\"v1\"")], Body::empty(), "304").await;
    call(&c, Method::HEAD, &u("/big"), &[], Body::empty(), "HEAD").await;
    // HEAD of a streamed body: hyper's server sends DATA after the HEADERS and h2 resets the stream
    // PROTOCOL_ERROR; reading the body then fails (each step bounded by a timeout)
    let req = Request::builder().method(Method::HEAD).uri(u("/stream")).body(Body::empty()).unwrap();
    match tokio::time::timeout(Duration::from_secs(2), c.request(req)).await {
        Ok(Ok(res)) => {
            let status = res.status().as_u16();
            let mut body = res.into_body();
            let ended = tokio::time::timeout(Duration::from_secs(2), body.data()).await;
            let outcome = match ended {
                Err(_) => "body never ended".to_string(),
                Ok(None) => "body ended".to_string(),
                Ok(Some(Ok(d))) => format!("body data {}", d.len()),
                Ok(Some(Err(e))) => format!("body error {}", e),
            };
            log(json!({"side": "client", "tag": "HEAD of a streamed body", "method": "HEAD", "path": "/stream", "status": status, "size": 0, "outcome": outcome}));
        }
        Ok(Err(e)) => log(json!({"side": "client", "tag": "HEAD of a streamed body", "method": "HEAD", "path": "/stream", "error": e.to_string()})),
        Err(_) => log(json!({"side": "client", "tag": "HEAD of a streamed body", "method": "HEAD", "path": "/stream", "error": "no response in 2 s"})),
    }
    call(&c, Method::GET, &u("/missing"), &[], Body::empty(), "404").await;
    // a stream the client drops after its first DATA: hyper resets it (RST_STREAM CANCEL)
    let req = Request::builder().uri(u("/slow")).body(Body::empty()).unwrap();
    if let Ok(res) = c.request(req).await {
        let status = res.status().as_u16();
        let mut body = res.into_body();
        let first = body.data().await.and_then(|r| r.ok()).map(|b| b.len()).unwrap_or(0);
        drop(body);
        log(json!({"side": "client", "tag": "cancel", "method": "GET", "path": "/slow", "status": status, "size": first, "reset": "CANCEL"}));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    call(&c, Method::GET, &u("/json?last=1"), &[], Body::empty(), "after cancel").await;
    // a second connection: BDP PINGs (adaptive window) and keep-alive PINGs between streams, header
    // blocks larger than a frame both ways (CONTINUATION), a never-indexed (sensitive) authorization
    let c2: HClient = Client::builder()
        .http2_only(true)
        .http2_adaptive_window(true)
        .http2_keep_alive_interval(Duration::from_millis(40))
        .http2_keep_alive_while_idle(true)
        .build_http();
    let mut auth = HeaderValue::from_static("Bearer s3cr3t-token");
    auth.set_sensitive(true);
    let req = Request::builder().uri(u("/json?auth=1")).header("authorization", auth).body(Body::empty()).unwrap();
    if let Ok(res) = c2.request(req).await {
        let status = res.status().as_u16();
        let size = hyper::body::to_bytes(res.into_body()).await.map(|b| b.len()).unwrap_or(0);
        log(json!({"side": "client", "tag": "sensitive authorization", "method": "GET", "path": "/json", "status": status, "size": size}));
    }
    call(&c2, Method::GET, &u("/big"), &[], Body::empty(), "500 KB, adaptive window").await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let cookie = "c".repeat(30_000);
    call(&c2, Method::GET, &u("/bigheader"), &[("cookie", &cookie)], Body::empty(), "40 KB response header, 30 KB cookie").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
}

// ───────────── h2 directly: resets, request trailers, gRPC hand-framed with prost ─────────────

#[derive(Clone, PartialEq, Message)]
pub struct GetItemRequest {
    #[prost(int64, tag = "1")]
    pub id: i64,
}
#[derive(Clone, PartialEq, Message)]
pub struct ListItemsRequest {
    #[prost(int32, tag = "1")]
    pub count: i32,
    #[prost(int32, tag = "2")]
    pub blob_bytes: i32,
}
#[derive(Clone, PartialEq, Message)]
pub struct Item {
    #[prost(int64, tag = "1")]
    pub id: i64,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(string, repeated, tag = "3")]
    pub tags: Vec<String>,
    #[prost(double, tag = "4")]
    pub price: f64,
    #[prost(bytes = "vec", tag = "5")]
    pub blob: Vec<u8>,
    #[prost(int32, tag = "6")]
    pub kind: i32,
    #[prost(map = "string, int64", tag = "7")]
    pub stock: HashMap<String, i64>,
}

fn grpc_frame<M: Message>(m: &M) -> Bytes {
    let body = m.encode_to_vec();
    let mut b = BytesMut::with_capacity(5 + body.len());
    b.put_u8(0);
    b.put_u32(body.len() as u32);
    b.extend_from_slice(&body);
    b.freeze()
}

fn grpc_messages(buf: &[u8]) -> Vec<&[u8]> {
    let mut out = vec![];
    let mut i = 0;
    while i + 5 <= buf.len() {
        let n = u32::from_be_bytes([buf[i + 1], buf[i + 2], buf[i + 3], buf[i + 4]]) as usize;
        if i + 5 + n > buf.len() {
            break;
        }
        out.push(&buf[i + 5..i + 5 + n]);
        i += 5 + n;
    }
    out
}

fn item(id: i64, blob: usize) -> Item {
    let mut stock = HashMap::new();
    stock.insert("berlin".to_string(), id * 3);
    Item {
        id,
        name: format!("item {}", id),
        tags: vec!["rust".into(), format!("t{}", id)],
        price: id as f64 + 0.25,
        blob: pattern(blob, id as u8),
        kind: (id % 3) as i32,
        stock,
    }
}

async fn read_all(body: &mut h2::RecvStream) -> BytesMut {
    let mut buf = BytesMut::new();
    while let Some(d) = body.data().await {
        match d {
            Ok(d) => {
                let _ = body.flow_control().release_capacity(d.len());
                buf.extend_from_slice(&d);
            }
            Err(_) => break,
        }
    }
    buf
}

async fn h2_handle(req: Request<h2::RecvStream>, mut respond: h2::server::SendResponse<Bytes>) {
    let path = req.uri().path().to_string();
    let method = req.method().as_str().to_string();
    let mut body = req.into_body();
    if path == "/refuse" {
        log(json!({"side": "server", "method": method, "path": path, "reset": "REFUSED_STREAM"}));
        respond.send_reset(h2::Reason::REFUSED_STREAM);
        return;
    }
    let data = read_all(&mut body).await;
    let req_trailers = body.trailers().await.ok().flatten();
    log(json!({"side": "server", "method": method, "path": path, "req_size": data.len(),
               "req_trailers": req_trailers.as_ref().map(|t| t.len())}));
    let grpc_head = || {
        Response::builder()
            .status(200)
            .header("content-type", "application/grpc")
            .header("grpc-accept-encoding", "identity")
            .body(())
            .unwrap()
    };
    let status_trailers = |code: u32, msg: &str| {
        let mut t = HeaderMap::new();
        t.insert("grpc-status", HeaderValue::from_str(&code.to_string()).unwrap());
        if !msg.is_empty() {
            t.insert("grpc-message", HeaderValue::from_str(msg).unwrap());
        }
        t
    };
    match path.as_str() {
        "/heldout.rust.v1.Inventory/GetItem" => {
            let msgs = grpc_messages(&data);
            let id = msgs.first().and_then(|m| GetItemRequest::decode(*m).ok()).map(|r| r.id).unwrap_or(0);
            if id == 404 {
                // Trailers-Only: one HEADERS frame with END_STREAM, status and grpc-status together
                let r = Response::builder()
                    .status(200)
                    .header("content-type", "application/grpc")
                    .header("grpc-status", "5")
                    .header("grpc-message", "item 404 not found")
                    .body(())
                    .unwrap();
                let _ = respond.send_response(r, true);
                return;
            }
            if let Ok(mut s) = respond.send_response(grpc_head(), false) {
                let _ = s.send_data(grpc_frame(&item(id, 0)), false);
                let _ = s.send_trailers(status_trailers(0, ""));
            }
        }
        "/heldout.rust.v1.Inventory/ListItems" => {
            let msgs = grpc_messages(&data);
            let r = msgs.first().and_then(|m| ListItemsRequest::decode(*m).ok()).unwrap_or_default();
            if let Ok(mut s) = respond.send_response(grpc_head(), false) {
                let n = r.count.min(3).max(0);
                for i in 0..n {
                    s.reserve_capacity(r.blob_bytes as usize + 64);
                    let _ = s.send_data(grpc_frame(&item(100 + i as i64, r.blob_bytes.max(0) as usize)), false);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                if r.count > 3 {
                    let _ = s.send_trailers(status_trailers(8, "at most 3 items per call"));
                } else {
                    let _ = s.send_trailers(status_trailers(0, ""));
                }
            }
        }
        "/partial" => {
            // HEADERS 200, 1000 bytes of DATA, then RST_STREAM INTERNAL_ERROR
            if let Ok(mut s) = respond.send_response(Response::builder().status(200).header("content-type", "text/plain").body(()).unwrap(), false) {
                let _ = s.send_data(Bytes::from(pattern(1000, 9)), false);
                tokio::time::sleep(Duration::from_millis(20)).await;
                s.send_reset(h2::Reason::INTERNAL_ERROR);
            }
        }
        "/upload" => {
            let v = json!({"received": data.len(), "trailers": req_trailers.as_ref().map(|t| t.len()).unwrap_or(0)}).to_string();
            if let Ok(mut s) = respond.send_response(Response::builder().status(201).header("content-type", "application/json").body(()).unwrap(), false) {
                let _ = s.send_data(Bytes::from(v), true);
            }
        }
        _ => {
            if let Ok(mut s) = respond.send_response(Response::builder().status(404).body(()).unwrap(), false) {
                let _ = s.send_data(Bytes::from_static(b"no such path\n"), true);
            }
        }
    }
}

async fn h2_serve(listener: TcpListener) {
    loop {
        let (sock, _) = match listener.accept().await {
            Ok(x) => x,
            Err(_) => return,
        };
        tokio::spawn(async move {
            let mut conn = match h2::server::Builder::new().initial_window_size(65_535).handshake::<_, Bytes>(sock).await {
                Ok(c) => c,
                Err(_) => return,
            };
            while let Some(r) = conn.accept().await {
                if let Ok((req, respond)) = r {
                    tokio::spawn(h2_handle(req, respond));
                }
            }
        });
    }
}

struct H2Result {
    status: u16,
    headers: HeaderMap,
    body: BytesMut,
    trailers: Option<HeaderMap>,
    reset: Option<String>,
}

async fn h2_call(
    send: &mut h2::client::SendRequest<Bytes>,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<Bytes>,
    trailers: Option<HeaderMap>,
) -> H2Result {
    let mut b = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let end = body.is_none() && trailers.is_none();
    let mut out = H2Result { status: 0, headers: HeaderMap::new(), body: BytesMut::new(), trailers: None, reset: None };
    let ready = match send.clone().ready().await {
        Ok(s) => s,
        Err(e) => {
            out.reset = Some(e.to_string());
            return out;
        }
    };
    let mut ready = ready;
    let (resp, mut stream) = match ready.send_request(b.body(()).unwrap(), end) {
        Ok(x) => x,
        Err(e) => {
            out.reset = Some(e.to_string());
            return out;
        }
    };
    if let Some(data) = body {
        let _ = stream.send_data(data, trailers.is_none());
    }
    if let Some(t) = trailers {
        let _ = stream.send_trailers(t);
    }
    let res = match resp.await {
        Ok(r) => r,
        Err(e) => {
            out.reset = Some(e.reason().map(|r| format!("{:?}", r)).unwrap_or_else(|| e.to_string()));
            return out;
        }
    };
    out.status = res.status().as_u16();
    out.headers = res.headers().clone();
    let mut rb = res.into_body();
    while let Some(d) = rb.data().await {
        match d {
            Ok(d) => {
                let _ = rb.flow_control().release_capacity(d.len());
                out.body.extend_from_slice(&d);
            }
            Err(e) => {
                out.reset = Some(e.reason().map(|r| format!("{:?}", r)).unwrap_or_else(|| e.to_string()));
                return out;
            }
        }
    }
    out.trailers = rb.trailers().await.ok().flatten();
    out
}

fn grpc_status(r: &H2Result) -> (Option<String>, Option<String>) {
    let get = |k: &str| {
        r.trailers
            .as_ref()
            .and_then(|t| t.get(k))
            .or_else(|| r.headers.get(k))
            .map(|v| v.to_str().unwrap_or("").to_string())
    };
    (get("grpc-status"), get("grpc-message"))
}

async fn mode_h2raw(port: u16) {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    tokio::spawn(h2_serve(listener));
    let sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let (mut send, conn) = h2::client::Builder::new()
        .initial_window_size(16_384)
        .max_concurrent_streams(50)
        .handshake::<_, Bytes>(sock)
        .await
        .unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let base = format!("http://127.0.0.1:{}", port);
    let u = |p: &str| format!("{}{}", base, p);
    let gh = [("content-type", "application/grpc"), ("te", "trailers"), ("grpc-timeout", "5S"), ("user-agent", "rustlab-h2/0.3")];

    let unary = |id: i64| grpc_frame(&GetItemRequest { id });
    for id in [7i64, 12, 404] {
        let r = h2_call(&mut send, "POST", &u("/heldout.rust.v1.Inventory/GetItem"), &gh, Some(unary(id)), None).await;
        let (st, msg) = grpc_status(&r);
        let items: Vec<Value> = grpc_messages(&r.body)
            .iter()
            .filter_map(|m| Item::decode(*m).ok())
            .map(|it| json!({"id": it.id, "name": it.name, "tags": it.tags, "price": it.price, "kind": it.kind, "blob": it.blob.len(), "stock": it.stock}))
            .collect();
        log(json!({"side": "client", "grpc": "/heldout.rust.v1.Inventory/GetItem", "request": {"id": id}, "status": r.status,
                   "grpc_status": st, "grpc_message": msg, "messages": items, "trailers_only": r.trailers.is_none()}));
    }
    for (count, blob) in [(3i32, 0i32), (3, 40_000), (5, 10)] {
        let r = h2_call(&mut send, "POST", &u("/heldout.rust.v1.Inventory/ListItems"), &gh,
                        Some(grpc_frame(&ListItemsRequest { count, blob_bytes: blob })), None).await;
        let (st, msg) = grpc_status(&r);
        let items: Vec<Value> = grpc_messages(&r.body)
            .iter()
            .filter_map(|m| Item::decode(*m).ok())
            .map(|it| json!({"id": it.id, "name": it.name, "blob": it.blob.len()}))
            .collect();
        log(json!({"side": "client", "grpc": "/heldout.rust.v1.Inventory/ListItems", "request": {"count": count, "blob_bytes": blob},
                   "status": r.status, "grpc_status": st, "grpc_message": msg, "messages": items}));
    }
    // a refused stream, a response reset after its first DATA, an upload with trailers, a 404
    let r = h2_call(&mut send, "GET", &u("/refuse"), &[], None, None).await;
    log(json!({"side": "client", "method": "GET", "path": "/refuse", "status": r.status, "reset": r.reset}));
    let r = h2_call(&mut send, "GET", &u("/partial"), &[], None, None).await;
    log(json!({"side": "client", "method": "GET", "path": "/partial", "status": r.status, "size": r.body.len(), "reset": r.reset}));
    let mut t = HeaderMap::new();
    t.insert("x-upload-digest", HeaderValue::from_static("sha256-abc"));
    let r = h2_call(&mut send, "PUT", &u("/upload"), &[("content-type", "application/octet-stream")], Some(Bytes::from(pattern(100_000, 4))), Some(t)).await;
    log(json!({"side": "client", "method": "PUT", "path": "/upload", "status": r.status, "size": r.body.len(), "req_size": 100_000, "req_trailers": 1}));
    let r = h2_call(&mut send, "GET", &u("/nowhere"), &[], None, None).await;
    log(json!({"side": "client", "method": "GET", "path": "/nowhere", "status": r.status, "size": r.body.len()}));
    tokio::time::sleep(Duration::from_millis(200)).await;
}

// ───────────── the Person API through Caddy ─────────────

#[derive(Clone, PartialEq, Message)]
pub struct GetPersonRequest {
    #[prost(int64, tag = "1")]
    pub id: i64,
}
#[derive(Clone, PartialEq, Message)]
pub struct ListPersonsRequest {
    #[prost(int32, tag = "1")]
    pub page_size: i32,
    #[prost(int32, tag = "2")]
    pub avatar_bytes: i32,
}
#[derive(Clone, PartialEq, Message)]
pub struct Person {
    #[prost(int64, tag = "1")]
    pub id: i64,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(string, tag = "3")]
    pub email: String,
    #[prost(int32, tag = "4")]
    pub role: i32,
    #[prost(string, repeated, tag = "5")]
    pub tags: Vec<String>,
    #[prost(map = "string, string", tag = "6")]
    pub labels: HashMap<String, String>,
    #[prost(bytes = "vec", tag = "9")]
    pub avatar: Vec<u8>,
    #[prost(double, tag = "10")]
    pub score: f64,
}

#[derive(Clone, PartialEq, Message)]
pub struct CreatePersonsSummary {
    #[prost(int32, tag = "1")]
    pub created: i32,
    #[prost(int64, repeated, tag = "2")]
    pub ids: Vec<i64>,
}
#[derive(Clone, PartialEq, Message)]
pub struct ChatMessage {
    #[prost(string, tag = "1")]
    pub from: String,
    #[prost(string, tag = "2")]
    pub text: String,
    #[prost(uint32, tag = "3")]
    pub seq: u32,
}

/// A streamed request: one DATA frame per message, 20 ms apart, END_STREAM on an empty last frame.
async fn h2_stream_call(send: &mut h2::client::SendRequest<Bytes>, uri: &str, headers: &[(&str, &str)], msgs: Vec<Bytes>) -> H2Result {
    let mut out = H2Result { status: 0, headers: HeaderMap::new(), body: BytesMut::new(), trailers: None, reset: None };
    let mut b = Request::builder().method("POST").uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let mut ready = match send.clone().ready().await {
        Ok(s) => s,
        Err(e) => {
            out.reset = Some(e.to_string());
            return out;
        }
    };
    let (resp, mut stream) = match ready.send_request(b.body(()).unwrap(), false) {
        Ok(x) => x,
        Err(e) => {
            out.reset = Some(e.to_string());
            return out;
        }
    };
    for m in msgs {
        let _ = stream.send_data(m, false);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stream.send_data(Bytes::new(), true);
    let res = match resp.await {
        Ok(r) => r,
        Err(e) => {
            out.reset = Some(e.to_string());
            return out;
        }
    };
    out.status = res.status().as_u16();
    out.headers = res.headers().clone();
    let mut rb = res.into_body();
    out.body = read_all(&mut rb).await;
    out.trailers = rb.trailers().await.ok().flatten();
    out
}

async fn mode_person(port: u16) {
    let sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let (mut send, conn) = h2::client::handshake(sock).await.unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let base = format!("http://127.0.0.1:{}", port);
    let gh = [("content-type", "application/grpc"), ("te", "trailers")];
    let show = |p: &Person| json!({"id": p.id, "name": p.name, "email": p.email, "role": p.role, "tags": p.tags, "avatar": p.avatar.len()});
    for id in [1i64, 2, 7] {
        let r = h2_call(&mut send, "POST", &format!("{}/callscope.person.v1.PersonService/GetPerson", base), &gh, Some(grpc_frame(&GetPersonRequest { id })), None).await;
        let (st, msg) = grpc_status(&r);
        let ms: Vec<Value> = grpc_messages(&r.body).iter().filter_map(|m| Person::decode(*m).ok()).map(|p| show(&p)).collect();
        log(json!({"side": "client", "grpc": "/callscope.person.v1.PersonService/GetPerson", "request": {"id": id}, "status": r.status,
                   "grpc_status": st, "grpc_message": msg, "messages": ms, "reset": r.reset}));
    }
    for (n, pad) in [(3i32, 0i32), (2, 30_000)] {
        let r = h2_call(&mut send, "POST", &format!("{}/callscope.person.v1.PersonService/ListPersons", base), &gh,
                        Some(grpc_frame(&ListPersonsRequest { page_size: n, avatar_bytes: pad })), None).await;
        let (st, msg) = grpc_status(&r);
        let ms: Vec<Value> = grpc_messages(&r.body).iter().filter_map(|m| Person::decode(*m).ok()).map(|p| show(&p)).collect();
        log(json!({"side": "client", "grpc": "/callscope.person.v1.PersonService/ListPersons", "request": {"page_size": n, "avatar_bytes": pad},
                   "status": r.status, "grpc_status": st, "grpc_message": msg, "messages": ms, "reset": r.reset}));
    }
    // client streaming: three Persons in three DATA frames
    let people: Vec<Bytes> = (0..3).map(|i| grpc_frame(&Person { id: 500 + i, name: format!("new {}", i), ..Default::default() })).collect();
    let r = h2_stream_call(&mut send, &format!("{}/callscope.person.v1.PersonService/CreatePersons", base), &gh, people).await;
    let (st, msg) = grpc_status(&r);
    let ms: Vec<Value> = grpc_messages(&r.body).iter().filter_map(|m| CreatePersonsSummary::decode(*m).ok()).map(|x| json!({"created": x.created, "ids": x.ids})).collect();
    log(json!({"side": "client", "grpc": "/callscope.person.v1.PersonService/CreatePersons", "sent": 3, "status": r.status, "grpc_status": st, "grpc_message": msg, "messages": ms, "reset": r.reset}));
    // bidi: the server echoes each message as it comes
    let chat: Vec<Bytes> = ["hello", "über", "bye"].iter().map(|t| grpc_frame(&ChatMessage { from: "rust".into(), text: t.to_string(), seq: 0 })).collect();
    let r = h2_stream_call(&mut send, &format!("{}/callscope.person.v1.PersonService/Chat", base), &gh, chat).await;
    let (st, msg) = grpc_status(&r);
    let ms: Vec<Value> = grpc_messages(&r.body).iter().filter_map(|m| ChatMessage::decode(*m).ok()).map(|x| json!({"from": x.from, "text": x.text, "seq": x.seq})).collect();
    log(json!({"side": "client", "grpc": "/callscope.person.v1.PersonService/Chat", "sent": 3, "status": r.status, "grpc_status": st, "grpc_message": msg, "messages": ms, "reset": r.reset}));
    // a deadline the server misses (GetPerson 99 answers after 1.5 s; grpc-timeout 300 ms)
    let dh = [("content-type", "application/grpc"), ("te", "trailers"), ("grpc-timeout", "300m")];
    let r = h2_call(&mut send, "POST", &format!("{}/callscope.person.v1.PersonService/GetPerson", base), &dh, Some(grpc_frame(&GetPersonRequest { id: 99 })), None).await;
    let (st, msg) = grpc_status(&r);
    log(json!({"side": "client", "grpc": "/callscope.person.v1.PersonService/GetPerson", "request": {"id": 99}, "status": r.status, "grpc_status": st, "grpc_message": msg, "messages": [], "reset": r.reset}));
    // a server stream the client cancels after its first DATA (RST_STREAM CANCEL; Caddy cancels upstream)
    let mut ready = send.clone().ready().await.unwrap();
    let req = Request::builder().method("POST").uri(format!("{}/callscope.person.v1.PersonService/ListPersons", base))
        .header("content-type", "application/grpc").header("te", "trailers").body(()).unwrap();
    if let Ok((resp, mut stream)) = ready.send_request(req, false) {
        let _ = stream.send_data(grpc_frame(&ListPersonsRequest { page_size: 40, avatar_bytes: 60_000 }), true);
        if let Ok(res) = resp.await {
            let status = res.status().as_u16();
            let mut rb = res.into_body();
            let first = rb.data().await.and_then(|d| d.ok()).map(|d| d.len()).unwrap_or(0);
            let _ = rb.flow_control().release_capacity(first);
            stream.send_reset(h2::Reason::CANCEL);
            log(json!({"side": "client", "grpc": "/callscope.person.v1.PersonService/ListPersons", "request": {"page_size": 40, "avatar_bytes": 60000},
                       "status": status, "grpc_status": null, "first_data": first, "reset": "CANCEL", "messages": []}));
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
}

// ───────────── reqwest against Caddy and python3 http.server ─────────────

async fn rq(c: &reqwest::Client, method: reqwest::Method, url: &str, body: Option<Vec<u8>>, headers: &[(&str, &str)], tag: &str) -> Option<reqwest::Response> {
    let mut b = c.request(method.clone(), url);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    if let Some(x) = body.clone() {
        b = b.body(x);
    }
    let path = reqwest::Url::parse(url).unwrap().path().to_string();
    let port = reqwest::Url::parse(url).unwrap().port().unwrap_or(80);
    match b.send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            let etag = r.headers().get("etag").map(|v| v.to_str().unwrap_or("").to_string());
            let version = format!("{:?}", r.version());
            let bytes = r.bytes().await.map(|b| b.len()).unwrap_or(0);
            log(json!({"side": "client", "tag": tag, "method": method.as_str(), "path": path, "port": port, "status": status,
                       "size": bytes, "req_size": body.map(|b| b.len()).unwrap_or(0), "etag": etag, "version": version}));
            None
        }
        Err(e) => {
            log(json!({"side": "client", "tag": tag, "method": method.as_str(), "path": path, "port": port, "error": e.to_string()}));
            None
        }
    }
}

async fn etag_of(c: &reqwest::Client, url: &str) -> String {
    c.get(url).send().await.ok().and_then(|r| r.headers().get("etag").map(|v| v.to_str().unwrap_or("").to_string())).unwrap_or_default()
}

async fn mode_reqwest(caddy: u16, py: u16) {
    let c = reqwest::Client::builder().pool_max_idle_per_host(1).build().unwrap();
    let cb = format!("http://127.0.0.1:{}", caddy);
    let pb = format!("http://127.0.0.1:{}", py);
    use reqwest::Method as M;
    rq(&c, M::GET, &format!("{}/hello.json", cb), None, &[], "caddy respond JSON").await;
    rq(&c, M::GET, &format!("{}/files/small.txt", cb), None, &[], "caddy file").await;
    rq(&c, M::GET, &format!("{}/files/big.bin", cb), None, &[], "caddy 400 KB file").await;
    rq(&c, M::HEAD, &format!("{}/files/big.bin", cb), None, &[], "caddy HEAD").await;
    // (etag_of makes a GET of its own, logged too so the counts agree)
    let et = etag_of(&c, &format!("{}/files/small.txt", cb)).await;
    log(json!({"side": "client", "tag": "etag probe", "method": "GET", "path": "/files/small.txt", "port": caddy, "status": 200, "size": 18, "req_size": 0}));
    rq(&c, M::GET, &format!("{}/files/small.txt", cb), None, &[("if-none-match", &et)], "caddy 304").await;
    rq(&c, M::GET, &format!("{}/files/missing.txt", cb), None, &[], "caddy 404").await;
    rq(&c, M::GET, &format!("{}/api/json?via=caddy", cb), None, &[("accept", "application/json")], "proxied JSON").await;
    rq(&c, M::POST, &format!("{}/api/echo", cb), Some(pattern(200_000, 5)), &[("content-type", "application/octet-stream")], "proxied 200 KB POST").await;
    rq(&c, M::GET, &format!("{}/api/stream", cb), None, &[], "proxied chunked").await;
    rq(&c, M::GET, &format!("{}/api/big", cb), None, &[], "proxied 500 KB").await;
    rq(&c, M::GET, &format!("{}/api/nocontent", cb), None, &[], "proxied 204").await;
    rq(&c, M::GET, &format!("{}/api/nothing", cb), None, &[], "proxied 404").await;
    // Caddy to hyper over h2c (Go's HTTP/2 client: 4 MiB stream window, 1 GiB connection window)
    rq(&c, M::GET, &format!("{}/h2c/api/json?via=h2c", cb), None, &[], "h2c upstream JSON").await;
    rq(&c, M::POST, &format!("{}/h2c/api/echo", cb), Some(pattern(200_000, 6)), &[("content-type", "application/octet-stream")], "h2c upstream 200 KB POST").await;
    rq(&c, M::GET, &format!("{}/h2c/api/stream", cb), None, &[], "h2c upstream chunked").await;
    rq(&c, M::GET, &format!("{}/h2c/api/big", cb), None, &[], "h2c upstream 500 KB").await;
    rq(&c, M::GET, &format!("{}/h2c/api/nocontent", cb), None, &[], "h2c upstream 204").await;
    // reqwest over h2c by prior knowledge to Caddy's listener (Go's HTTP/2 server)
    let h2 = reqwest::Client::builder().http2_prior_knowledge().build().unwrap();
    rq(&h2, M::GET, &format!("{}/hello.json", cb), None, &[], "h2c caddy respond JSON").await;
    rq(&h2, M::GET, &format!("{}/files/big.bin", cb), None, &[], "h2c caddy 400 KB file").await;
    rq(&h2, M::POST, &format!("{}/api/echo", cb), Some(pattern(150_000, 8)), &[("content-type", "application/octet-stream")], "h2c caddy proxied 150 KB POST").await;
    rq(&h2, M::GET, &format!("{}/api/stream", cb), None, &[], "h2c caddy proxied chunked").await;
    rq(&h2, M::HEAD, &format!("{}/files/big.bin", cb), None, &[], "h2c caddy HEAD").await;
    rq(&h2, M::GET, &format!("{}/files/missing.txt", cb), None, &[], "h2c caddy 404").await;
    rq(&c, M::GET, &format!("{}/small.txt", pb), None, &[], "python file").await;
    rq(&c, M::GET, &format!("{}/big.bin", pb), None, &[], "python 400 KB file").await;
    rq(&c, M::GET, &format!("{}/missing.txt", pb), None, &[], "python 404").await;
    rq(&c, M::HEAD, &format!("{}/small.txt", pb), None, &[], "python HEAD").await;
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).cloned().unwrap_or_default();
    let port: u16 = args.get(2).and_then(|p| p.parse().ok()).unwrap_or(28200);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async move {
        match mode.as_str() {
            "h1" => mode_h1(port).await,
            "h2" => mode_h2(port).await,
            "h2raw" => mode_h2raw(port).await,
            // one HEAD on a fresh h2c connection: the bytes of test/decoders/http2/heldout-rust.test.ts
            "h2head" => {
                let addr: SocketAddr = ([127, 0, 0, 1], port).into();
                serve(addr, true, 10);
                tokio::time::sleep(Duration::from_millis(100)).await;
                let c: HClient = Client::builder().http2_only(true).build_http();
                call(&c, Method::HEAD, &format!("http://127.0.0.1:{}/big", port), &[], Body::empty(), "HEAD").await;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            "upstream" => {
                let secs: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(30);
                let addr: SocketAddr = ([127, 0, 0, 1], port).into();
                let make = make_service_fn(|_| async { Ok::<_, Infallible>(service_fn(handle)) });
                let server = Server::bind(&addr).serve(make);
                let _ = tokio::time::timeout(Duration::from_secs(secs), server).await;
            }
            "person" => mode_person(port).await,
            "reqwest" => {
                let py: u16 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(28241);
                mode_reqwest(port, py).await
            }
            _ => eprintln!("usage: rustlab h1|h2|h2raw|upstream|person|reqwest PORT [..]"),
        }
    });
    rt.shutdown_timeout(Duration::from_millis(100));
}
