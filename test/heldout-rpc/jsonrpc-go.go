// Held-out JSON-RPC check: Go net/rpc/jsonrpc (JSON-RPC 1.0 over raw TCP) server and client.
package main

import (
	"errors"
	"fmt"
	"net"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"time"
)

type Args struct{ A, B int }
type Arith int

func (t *Arith) Add(a *Args, r *int) error { *r = a.A + a.B; return nil }
func (t *Arith) Div(a *Args, r *float64) error {
	if a.B == 0 {
		return errors.New("divide by zero")
	}
	*r = float64(a.A) / float64(a.B)
	return nil
}

func main() {
	time.AfterFunc(15*time.Second, func() { os.Exit(3) })
	rpc.Register(new(Arith))
	l, err := net.Listen("tcp", "127.0.0.1:"+os.Args[1])
	if err != nil {
		panic(err)
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go jsonrpc.ServeConn(c)
		}
	}()
	c, err := jsonrpc.Dial("tcp", l.Addr().String())
	if err != nil {
		panic(err)
	}
	var s int
	fmt.Println("Add", c.Call("Arith.Add", &Args{7, 8}, &s), s)
	var f float64
	fmt.Println("Div", c.Call("Arith.Div", &Args{1, 4}, &f), f)
	fmt.Println("Div0", c.Call("Arith.Div", &Args{1, 0}, &f))
	fmt.Println("Nosuch", c.Call("Arith.Nosuch", &Args{1, 0}, &f))
	// concurrent calls: answers may come back out of order
	done := make(chan *rpc.Call, 4)
	for i := 0; i < 4; i++ {
		var r int
		c.Go("Arith.Add", &Args{i, i}, &r, done)
	}
	for i := 0; i < 4; i++ {
		x := <-done
		fmt.Println("Go", x.Args, x.Error, *(x.Reply.(*int)))
	}
	c.Close()
	l.Close()
}
