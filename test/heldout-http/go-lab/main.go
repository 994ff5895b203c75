// go-lab: Go net/http (standard library only) server and client for the second held-out round of
// the HTTP/1.1 decoder. Loopback only; the server stops by itself.
//
//	go run ./go-lab server PORT SECONDS
//	go run ./go-lab client http://127.0.0.1:PORT
//
// Server: /stream (chunked, Flush between writes), /trailers (announced Trailer: fields set after
// the body, and an unannounced one with http.TrailerPrefix), /upload (reads the body: net/http
// sends 100 Continue when the handler reads a request that asked for it), /close (Connection:
// close), /gzip (gzip-coded when the client accepts it), /redirect (302 → 307 → /json), /json,
// /rpc (JSON-RPC 2.0 written by hand: calls, batches, notifications, errors).
// Client: one http.Client (keep-alive pool), Go's own Accept-Encoding: gzip with transparent
// decompression, redirects followed, an Expect: 100-continue upload, JSON-RPC calls, an HTTP/1.0
// request and a raw pipelined pair over net.Dial. Each exchange is logged on stdout.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

func logf(format string, a ...interface{}) { fmt.Printf(format+"\n", a...) }

type rpcReq struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params,omitempty"`
}

type rpcErr struct {
	Code    int         `json:"code"`
	Message string      `json:"message"`
	Data    interface{} `json:"data,omitempty"`
}

type rpcResp struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  interface{}     `json:"result,omitempty"`
	Error   *rpcErr         `json:"error,omitempty"`
}

func rpcOne(raw json.RawMessage) *rpcResp {
	var r rpcReq
	if err := json.Unmarshal(raw, &r); err != nil || r.JSONRPC != "2.0" || r.Method == "" {
		return &rpcResp{JSONRPC: "2.0", ID: json.RawMessage("null"), Error: &rpcErr{Code: -32600, Message: "Invalid Request"}}
	}
	out := &rpcResp{JSONRPC: "2.0", ID: r.ID}
	switch r.Method {
	case "mul":
		var p []float64
		if json.Unmarshal(r.Params, &p) != nil || len(p) != 2 {
			out.Error = &rpcErr{Code: -32602, Message: "Invalid params"}
		} else {
			out.Result = p[0] * p[1]
		}
	case "user.get":
		var p struct{ ID int `json:"id"` }
		_ = json.Unmarshal(r.Params, &p)
		if p.ID == 0 {
			out.Error = &rpcErr{Code: 404, Message: "no such user", Data: map[string]int{"id": p.ID}}
		} else {
			out.Result = map[string]interface{}{"id": p.ID, "name": "user " + strconv.Itoa(p.ID), "tags": []string{"a", "b"}}
		}
	case "log":
		out.Result = true
	default:
		out.Error = &rpcErr{Code: -32601, Message: "Method not found"}
	}
	if r.ID == nil {
		return nil // a notification: no response
	}
	return out
}

func rpcHandler(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	trimmed := bytes.TrimSpace(body)
	var answer interface{}
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var batch []json.RawMessage
		if json.Unmarshal(trimmed, &batch) != nil || len(batch) == 0 {
			answer = &rpcResp{JSONRPC: "2.0", ID: json.RawMessage("null"), Error: &rpcErr{Code: -32600, Message: "Invalid Request"}}
		} else {
			var out []*rpcResp
			for _, m := range batch {
				if r := rpcOne(m); r != nil {
					out = append([]*rpcResp{r}, out...) // answered in reverse order (§6: any order)
				}
			}
			if len(out) > 0 {
				answer = out
			}
		}
	} else if !json.Valid(trimmed) {
		answer = &rpcResp{JSONRPC: "2.0", ID: json.RawMessage("null"), Error: &rpcErr{Code: -32700, Message: "Parse error"}}
	} else if r := rpcOne(trimmed); r != nil {
		answer = r
	}
	if answer == nil {
		w.WriteHeader(http.StatusNoContent) // only notifications
		logf("server rpc %d bytes -> 204", len(body))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	b, _ := json.Marshal(answer)
	w.Write(b)
	logf("server rpc %d bytes -> %s", len(body), b)
}

// xmlrpcHandler answers by hand: types (echoes the params back pretty-printed), echo, stringfault
// (a fault whose faultCode is a string, as some servers send), system.multicall.
func xmlrpcHandler(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	doc := string(body)
	name := ""
	if i := strings.Index(doc, "<methodName>"); i >= 0 {
		if j := strings.Index(doc[i:], "</methodName>"); j >= 0 {
			name = doc[i+12 : i+j]
		}
	}
	w.Header().Set("Content-Type", "text/xml")
	fault := "<fault>\n  <value>\n    <struct>\n      <member><name>faultCode</name><value><string>Server.Busy</string></value></member>\n      <member><name>faultString</name><value>try later</value></member>\n    </struct>\n  </value>\n</fault>"
	var out string
	switch name {
	case "types":
		i, j := strings.Index(doc, "<params>"), strings.LastIndex(doc, "</params>")
		out = "<params>" + doc[i+8:j] + "</params>"
	case "echo":
		i, j := strings.Index(doc, "<params>"), strings.LastIndex(doc, "</params>")
		out = "<params>" + doc[i+8:j] + "</params>"
		w.Header().Set("Content-Type", "text/xml; charset=iso-8859-1")
	case "stringfault":
		out = fault
	case "system.multicall":
		out = "<params><param><value><array><data><value><array><data><value><int>1</int></value></data></array></value>" +
			"<value><struct><member><name>faultCode</name><value><int>-32500</int></value></member><member><name>faultString</name><value><string>busy</string></value></member></struct></value></data></array></value></param></params>"
	default:
		out = fault
	}
	fmt.Fprintf(w, "<?xml version=\"1.0\"?>\n<methodResponse>\n%s\n</methodResponse>\n", out)
	logf("server xmlrpc %s", name)
}

func server(port string, seconds int) {
	mux := http.NewServeMux()
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]interface{}{"path": r.URL.Path, "query": r.URL.RawQuery, "proto": r.Proto})
	})
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		f, _ := w.(http.Flusher)
		for i := 0; i < 5; i++ {
			fmt.Fprintf(w, "{\"seq\":%d}\n", i)
			if f != nil {
				f.Flush()
			}
			time.Sleep(15 * time.Millisecond)
		}
	})
	mux.HandleFunc("/trailers", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Checksum, X-Rows")
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(200)
		for i := 0; i < 3; i++ {
			fmt.Fprintf(w, "row %d\n", i)
			w.(http.Flusher).Flush()
		}
		w.Header().Set("X-Checksum", "abc123")
		w.Header().Set("X-Rows", "3")
		w.Header().Set(http.TrailerPrefix+"X-Late", "unannounced")
	})
	mux.HandleFunc("/upload", func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, "{\"received\":%d,\"te\":%q}", n, strings.Join(r.TransferEncoding, ","))
		logf("server upload %d bytes expect=%q", n, r.Header.Get("Expect"))
	})
	mux.HandleFunc("/close", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "closing\n")
	})
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		doc := strings.Repeat(`{"k":"gzip me"},`, 60)
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			z := gzip.NewWriter(w)
			io.WriteString(z, "["+doc+"{}]")
			z.Close()
			return
		}
		io.WriteString(w, "["+doc+"{}]")
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/redirect2", http.StatusFound)
	})
	mux.HandleFunc("/redirect2", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/json?via=307", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/rpc", rpcHandler)
	mux.HandleFunc("/early", func(w http.ResponseWriter, r *http.Request) {
		// Go 1.19: a 1xx written before the final status goes out as an interim response
		w.Header().Set("Link", "</style.css>; rel=preload; as=style")
		w.WriteHeader(http.StatusEarlyHints)
		time.Sleep(10 * time.Millisecond)
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html>early</html>")
	})
	mux.HandleFunc("/refuse", func(w http.ResponseWriter, r *http.Request) {
		// answers without reading the body: for an Expect: 100-continue request net/http sends no
		// 100 Continue, and closes the connection after this response
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, "refused\n")
	})
	mux.HandleFunc("/xmlrpc", xmlrpcHandler)
	srv := &http.Server{Addr: "127.0.0.1:" + port, Handler: mux}
	go func() {
		time.Sleep(time.Duration(seconds) * time.Second)
		srv.Close()
	}()
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		logf("server: %v", err)
	}
}

func client(base string) {
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2, ExpectContinueTimeout: 2 * time.Second}}
	do := func(name string, req *http.Request) {
		resp, err := c.Do(req)
		if err != nil {
			logf("client %s error %v", name, err)
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		logf("client %s %s %s -> %d %s len=%d uncompressed=%v trailer=%v", name, req.Method, req.URL.Path, resp.StatusCode, resp.Proto, len(b), resp.Uncompressed, resp.Trailer)
	}
	get := func(name, path string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		do(name, req)
	}
	get("json", "/json?a=1")
	get("stream", "/stream")
	get("trailers", "/trailers")
	get("gzip", "/gzip")
	get("redirect", "/redirect")
	// Expect: 100-continue with a known length, and a chunked upload (unknown length)
	big := bytes.Repeat([]byte("u"), 5000)
	req, _ := http.NewRequest("POST", base+"/upload", bytes.NewReader(big))
	req.Header.Set("Expect", "100-continue")
	req.Header.Set("Content-Type", "application/octet-stream")
	do("expect", req)
	pr, pw := io.Pipe()
	go func() {
		for i := 0; i < 3; i++ {
			fmt.Fprintf(pw, "{\"part\":%d}\n", i)
			time.Sleep(10 * time.Millisecond)
		}
		pw.Close()
	}()
	req, _ = http.NewRequest("POST", base+"/upload", pr)
	req.Header.Set("Content-Type", "application/x-ndjson")
	do("chunked-upload", req)
	rpc := func(name, body string) {
		req, _ := http.NewRequest("POST", base+"/rpc", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		do(name, req)
	}
	rpc("rpc-mul", `{"jsonrpc":"2.0","id":1,"method":"mul","params":[6,7]}`)
	rpc("rpc-user", `{"jsonrpc":"2.0","id":"u-9","method":"user.get","params":{"id":9}}`)
	rpc("rpc-user-err", `{"jsonrpc":"2.0","id":"u-0","method":"user.get","params":{"id":0}}`)
	rpc("rpc-batch", `[{"jsonrpc":"2.0","id":10,"method":"mul","params":[2,3]},{"jsonrpc":"2.0","method":"log","params":["note"]},{"jsonrpc":"2.0","id":11,"method":"mul","params":[1]},{"jsonrpc":"2.0","id":12,"method":"nope"}]`)
	rpc("rpc-notify-batch", `[{"jsonrpc":"2.0","method":"log","params":["a"]},{"jsonrpc":"2.0","method":"log","params":["b"]}]`)
	rpc("rpc-parse-error", `{"jsonrpc":"2.0","id":5,"method":`)
	rpc("rpc-empty-batch", `[]`)
	get("early", "/early")
	req, _ = http.NewRequest("PUT", base+"/refuse", bytes.NewReader(big))
	req.Header.Set("Expect", "100-continue")
	do("refused-expect", req)
	rpcCT := func(name, ct, body string) {
		req, _ := http.NewRequest("POST", base+"/rpc", strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		do(name, req)
	}
	rpcCT("rpc-ct-json-rpc", "application/json-rpc", `{"jsonrpc":"2.0","id":21,"method":"mul","params":[3,3]}`)
	rpcCT("rpc-ct-text", "text/plain;charset=UTF-8", `{"jsonrpc":"2.0","id":22,"method":"mul","params":[4,4]}`)
	rpcCT("rpc-ct-none", "", `{"jsonrpc":"2.0","id":23,"method":"mul","params":[5,5]}`)
	rpcCT("rpc-id-null", "application/json", `[{"jsonrpc":"2.0","id":null,"method":"mul","params":[1,2]},{"jsonrpc":"2.0","id":"1","method":"mul","params":[1,3]},{"jsonrpc":"2.0","id":1,"method":"mul","params":[1,4]}]`)
	xml := func(name, ct, body string) {
		req, _ := http.NewRequest("POST", base+"/xmlrpc", strings.NewReader(body))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		do(name, req)
	}
	xml("xmlrpc-types", "text/xml; charset=utf-8", `<?xml version="1.0" encoding="UTF-8"?>
<methodCall>
  <methodName>types</methodName>
  <params>
    <param><value>bare text</value></param>
    <param><value></value></param>
    <param><value><string/></value></param>
    <param><value><i8>9007199254740993</i8></value></param>
    <param><value><nil/></value></param>
    <param><value><dateTime.iso8601>20261122T03:04:05</dateTime.iso8601></value></param>
    <param><value><base64>aGVsbG8gd29ybGQ=</base64></value></param>
    <param><value><struct><member><name>a</name><value><array><data><value><int>1</int></value><value><boolean>0</boolean></value></data></array></value></member></struct></value></param>
  </params>
</methodCall>
`)
	xml("xmlrpc-latin1", "text/xml", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><methodCall><methodName>echo</methodName><params><param><value><string>caf\xe9</string></value></param></params></methodCall>")
	xml("xmlrpc-string-fault", "text/xml", `<?xml version="1.0"?><methodCall><methodName>stringfault</methodName><params/></methodCall>`)
	xml("xmlrpc-multicall", "application/xml", `<?xml version="1.0"?><methodCall><methodName>system.multicall</methodName><params><param><value><array><data>`+
		`<value><struct><member><name>methodName</name><value><string>echo</string></value></member><member><name>params</name><value><array><data><value><int>1</int></value></data></array></value></member></struct></value>`+
		`<value><struct><member><name>methodName</name><value><string>stringfault</string></value></member><member><name>params</name><value><array><data></data></array></value></member></struct></value>`+
		`</data></array></value></param></params></methodCall>`)
	get("close", "/close")
	get("after-close", "/json?b=2")

	// HTTP/1.0 and a raw pipelined pair (Go's server answers pipelined requests in order)
	raw := func(name, payload string) {
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			logf("raw %s: %v", name, err)
			return
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(conn, payload)
		br := bufio.NewReader(conn)
		for {
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				break
			}
			b, _ := io.ReadAll(resp.Body)
			logf("raw %s -> %d %s len=%d", name, resp.StatusCode, resp.Proto, len(b))
			if resp.Close {
				break
			}
		}
	}
	raw("http10", "GET /stream HTTP/1.0\r\nHost: x\r\n\r\n")
	raw("http10-keepalive", "GET /json?k=1 HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\nGET /json?k=2 HTTP/1.0\r\nHost: x\r\n\r\n")
	raw("pipelined", "GET /json?p=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /trailers HTTP/1.1\r\nHost: x\r\n\r\nGET /json?p=3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
}

func main() {
	if len(os.Args) >= 4 && os.Args[1] == "server" {
		s, _ := strconv.Atoi(os.Args[3])
		server(os.Args[2], s)
		return
	}
	if len(os.Args) >= 3 && os.Args[1] == "client" {
		client(os.Args[2])
		return
	}
	fmt.Fprintln(os.Stderr, "usage: go-lab server PORT SECONDS | client URL")
	os.Exit(2)
}
