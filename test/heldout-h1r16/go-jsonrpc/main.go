// go-jsonrpc: Go's net/rpc/jsonrpc (JSON-RPC 1.0 style: params an array of one object, "error": null,
// ids from 0) on loopback, held-out round 16.
//
//	go-jsonrpc tcp PORT      server and client over plain TCP (jsonrpc.ServeConn / jsonrpc.NewClient)
//	go-jsonrpc connect PORT  the same inside an HTTP CONNECT tunnel: the client sends
//	                         "CONNECT /_jsonrpc_ HTTP/1.0", the server answers 200 and serves JSON-RPC
//
// One JSON line per call the client made on stdout. Concurrent calls (Go) interleave on one connection.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"sync"
	"time"
)

type Args struct{ A, B int }
type Text struct {
	S    string
	Tags []string
	Meta map[string]any
}
type Arith int

func (*Arith) Multiply(a *Args, r *int) error { *r = a.A * a.B; return nil }
func (*Arith) Divide(a *Args, r *float64) error {
	if a.B == 0 {
		return errors.New("divide by zero")
	}
	*r = float64(a.A) / float64(a.B)
	return nil
}
func (*Arith) Echo(t *Text, r *Text) error { *r = *t; return nil }
func (*Arith) Slow(a *Args, r *int) error {
	time.Sleep(time.Duration(a.A) * time.Millisecond)
	*r = a.A
	return nil
}

func logc(method string, err error, v any) {
	line := map[string]any{"method": method}
	if err != nil {
		line["error"] = err.Error()
	} else {
		line["result"] = v
	}
	b, _ := json.Marshal(line)
	fmt.Println(string(b))
}

func drive(c *rpc.Client) {
	var n int
	var f float64
	logc("Arith.Multiply", c.Call("Arith.Multiply", &Args{7, 8}, &n), n)
	logc("Arith.Divide", c.Call("Arith.Divide", &Args{1, 4}, &f), f)
	logc("Arith.Divide", c.Call("Arith.Divide", &Args{1, 0}, &f), nil)
	var t Text
	logc("Arith.Echo", c.Call("Arith.Echo", &Text{S: "é \"q\" \u2028", Tags: []string{"a", ""}, Meta: map[string]any{"n": nil, "x": 1.5}}, &t), t.S)
	logc("Arith.Nope", c.Call("Arith.Nope", &Args{}, &n), nil)
	// three calls at once: their responses come back out of order (Slow 60, 30, 0 ms)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, ms := range []int{60, 30, 0} {
		wg.Add(1)
		go func(ms int) {
			defer wg.Done()
			var r int
			err := c.Call("Arith.Slow", &Args{A: ms}, &r)
			mu.Lock()
			logc("Arith.Slow", err, r)
			mu.Unlock()
		}(ms)
		time.Sleep(5 * time.Millisecond)
	}
	wg.Wait()
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: go-jsonrpc tcp|connect PORT")
		os.Exit(2)
	}
	srv := rpc.NewServer()
	_ = srv.Register(new(Arith))
	l, err := net.Listen("tcp", "127.0.0.1:"+os.Args[2])
	if err != nil {
		panic(err)
	}
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func(conn net.Conn) {
				if os.Args[1] == "connect" {
					br := bufio.NewReader(conn)
					req, err := http.ReadRequest(br)
					if err != nil || req.Method != "CONNECT" {
						_, _ = io.WriteString(conn, "HTTP/1.0 405 must CONNECT\r\n\r\n")
						conn.Close()
						return
					}
					_, _ = io.WriteString(conn, "HTTP/1.0 200 Connected to JSON-RPC\r\n\r\n")
				}
				srv.ServeCodec(jsonrpc.NewServerCodec(conn))
			}(conn)
		}
	}()
	time.AfterFunc(20*time.Second, func() { os.Exit(1) })
	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		panic(err)
	}
	if os.Args[1] == "connect" {
		_, _ = io.WriteString(conn, "CONNECT /_jsonrpc_ HTTP/1.0\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: "CONNECT"})
		if err != nil || resp.StatusCode != 200 {
			panic(fmt.Sprint("connect: ", err))
		}
	}
	c := jsonrpc.NewClient(conn)
	drive(c)
	c.Close()
	time.Sleep(100 * time.Millisecond)
}
