// go-h2c: a Go net/http server behind golang.org/x/net/http2/h2c (Debian golang-golang-x-net-dev)
// and a Go http2.Transport client with prior knowledge (AllowHTTP), for round 3 of the held-out
// checks. One process: the server on 127.0.0.1:PORT, then the client runs each case and prints what
// it got; the server is shut down gracefully at the end (GOAWAY). Every request has a timeout.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o /tmp/heldout-h2c3/go-h2c .
//	go-h2c 127.0.0.1:PORT
//
// Cases: GET text; response trailers declared with the Trailer header and undeclared ones with
// http.TrailerPrefix; a 300 KB POST echoed as its length with request trailers; a 1 MB download;
// 204; 304 with If-None-Match; a handler that panics with http.ErrAbortHandler (RST_STREAM
// INTERNAL_ERROR); a 20 KB request header (CONTINUATION frames); an NDJSON stream flushed line by
// line; a download the client cancels after the first bytes (RST_STREAM CANCEL); a hand-written
// gRPC response (application/grpc, one message, grpc-status in trailers via TrailerPrefix) and a
// hand-written Trailers-Only gRPC error; 16 concurrent GETs on the one connection. Then curl
// (--http2, h2c Upgrade from HTTP/1.1, each on its own connection): GET /hello, a POST with a
// body (/upload), GET /trailers.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/h2c"
)

func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "hello %s over %s\n", r.Method, r.Proto)
	})
	mux.HandleFunc("/trailers", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Checksum")
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"part":1}`)
		w.(http.Flusher).Flush()
		w.Header().Set("X-Checksum", "abc123")
		w.Header().Set(http.TrailerPrefix+"X-Late", "undeclared")
	})
	mux.HandleFunc("/upload", func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"received":%d,"trailer":%q}`, n, r.Trailer.Get("X-Upload-Sum"))
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(bytes.Repeat([]byte("0123456789abcdef"), 65536))
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("/etag", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		io.WriteString(w, "versioned")
	})
	mux.HandleFunc("/abort", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	})
	mux.HandleFunc("/headers", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "x-big is %d bytes", len(r.Header.Get("X-Big")))
	})
	mux.HandleFunc("/ndjson", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		for i := 0; i < 4; i++ {
			fmt.Fprintf(w, "{\"tick\":%d}\n", i)
			w.(http.Flusher).Flush()
			time.Sleep(50 * time.Millisecond)
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		for i := 0; i < 40; i++ {
			if _, err := w.Write(bytes.Repeat([]byte{byte(i)}, 1000)); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(25 * time.Millisecond)
		}
	})
	// A gRPC response written by hand: one message (field 1 = "go"), then grpc-status 0 as a trailer.
	mux.HandleFunc("/heldout.r3.Lab3/Unary", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/grpc+proto")
		w.Write([]byte{0, 0, 0, 0, 4, 0x12, 2, 'g', 'o'})
		w.Header().Set(http.TrailerPrefix+"Grpc-Status", "0")
		w.Header().Set(http.TrailerPrefix+"Grpc-Message", "")
	})
	// Trailers-Only: status in the only HEADERS frame (END_STREAM), no body.
	mux.HandleFunc("/heldout.r3.Lab3/Down", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/grpc")
		w.Header().Set("Grpc-Status", "12")
		w.Header().Set("Grpc-Message", "Down is not implemented here")
		w.WriteHeader(http.StatusOK)
	})
	return mux
}

func main() {
	addr := os.Args[1]
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: h2c.NewHandler(handler(), &http2.Server{}), ErrorLog: log.New(io.Discard, "", 0)}
	go srv.Serve(ln)

	tr := &http2.Transport{AllowHTTP: true, DialTLS: func(network, a string, _ *tls.Config) (net.Conn, error) {
		return net.DialTimeout(network, a, 3*time.Second)
	}}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	base := "http://" + addr

	show := func(label string, resp *http.Response, err error) {
		if err != nil {
			fmt.Printf("%s: error %v\n", label, err)
			return
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%s: %d %s body=%d trailer=%v err=%v\n", label, resp.StatusCode, resp.Proto, len(body), resp.Trailer, err)
	}
	get := func(path string) { r, err := client.Get(base + path); show("GET "+path, r, err) }

	get("/hello")
	get("/trailers")
	// 300 KB upload with a request trailer (the body is read before the trailer is sent).
	body := io.MultiReader(bytes.NewReader(bytes.Repeat([]byte("u"), 300_000)))
	req, _ := http.NewRequest("POST", base+"/upload", body)
	req.Trailer = http.Header{"X-Upload-Sum": nil}
	req.Header.Set("Content-Type", "application/octet-stream")
	pr, pw := io.Pipe()
	req.Body = pr
	go func() {
		pw.Write(bytes.Repeat([]byte("u"), 300_000))
		req.Trailer.Set("X-Upload-Sum", "300000u")
		pw.Close()
	}()
	r, err := client.Do(req)
	show("POST /upload", r, err)
	get("/big")
	get("/empty")
	req, _ = http.NewRequest("GET", base+"/etag", nil)
	req.Header.Set("If-None-Match", `"v1"`)
	r, err = client.Do(req)
	show("GET /etag 304", r, err)
	get("/abort")
	req, _ = http.NewRequest("GET", base+"/headers", nil)
	req.Header.Set("X-Big", strings.Repeat("h", 20000))
	r, err = client.Do(req)
	show("GET /headers (20 KB header)", r, err)
	get("/ndjson")
	// cancel a download after its first bytes
	ctx, cancel := context.WithCancel(context.Background())
	req, _ = http.NewRequestWithContext(ctx, "GET", base+"/slow", nil)
	r, err = client.Do(req)
	if err == nil {
		buf := make([]byte, 1500)
		n, _ := io.ReadAtLeast(r.Body, buf, 1500)
		cancel()
		r.Body.Close()
		fmt.Printf("GET /slow: cancelled after %d bytes\n", n)
	} else {
		cancel()
		fmt.Println("GET /slow:", err)
	}
	// hand-written gRPC
	for _, m := range []string{"Unary", "Down"} {
		req, _ = http.NewRequest("POST", base+"/heldout.r3.Lab3/"+m, bytes.NewReader([]byte{0, 0, 0, 0, 4, 0x12, 2, 'h', 'i'}))
		req.Header.Set("Content-Type", "application/grpc")
		req.Header.Set("TE", "trailers")
		r, err = client.Do(req)
		show("gRPC "+m, r, err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r, err := client.Get(fmt.Sprintf("%s/hello?n=%d", base, i))
			if err == nil {
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
			}
		}(i)
	}
	wg.Wait()
	fmt.Println("16 concurrent GETs done")
	for _, args := range [][]string{{base + "/hello"}, {"-d", "abc=1", base + "/upload"}, {base + "/trailers"}} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		a := append([]string{"-sS", "--http2", "-m", "4", "-o", "/dev/null", "-w", "%{http_code} HTTP/%{http_version}"}, args...)
		out, err := exec.CommandContext(ctx, "curl", a...).CombinedOutput()
		cancel()
		fmt.Printf("curl --http2 %s: %s %v\n", args[len(args)-1], out, err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel2()
	srv.Shutdown(ctx2)
	time.Sleep(200 * time.Millisecond)
}
