// go-lab: grpc-go (Debian golang-google-grpc-dev) server and client for held-out checks.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o /tmp/heldout-h2/go-lab .
//	go-lab server 127.0.0.1:PORT
//	go-lab client 127.0.0.1:PORT [insecure-authority]
//
// The server has the standard health (grpc.health.v1) and reflection (v1alpha) services and a raw
// service heldout.raw.Echo (any method, bytes in, bytes out) whose methods do: Unary (echo),
// Big (echo a request of 5 MB, limits raised), Fail (NOT_FOUND with google.rpc.Status details),
// Slow (sleeps past the client's deadline), Stream (server stream of 5 echoes), Gzip (echo; the
// client compresses). The client calls each once, Health/Check (served and unknown service),
// Health/Watch (the server flips the status twice while watched) and reflection
// (ListServices, FileContainingSymbol, an unknown symbol).
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"time"

	"github.com/golang/protobuf/proto"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/health"
	hpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	rpb "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"
	"google.golang.org/grpc/status"
)

// raw is a message that is its own wire bytes.
type raw struct{ b []byte }

// codec: raw messages as they are, everything else protobuf (registered as "proto").
type codec struct{}

func (codec) Marshal(v interface{}) ([]byte, error) {
	if r, ok := v.(*raw); ok {
		return r.b, nil
	}
	return proto.Marshal(v.(proto.Message))
}
func (codec) Unmarshal(data []byte, v interface{}) error {
	if r, ok := v.(*raw); ok {
		r.b = append([]byte(nil), data...)
		return nil
	}
	return proto.Unmarshal(data, v.(proto.Message))
}
func (codec) Name() string { return "proto" }

// A protobuf message by hand: field 1 string, field 2 varint.
func msg(s string, n uint64) []byte {
	b := append([]byte{0x0a}, proto.EncodeVarint(uint64(len(s)))...)
	b = append(b, s...)
	b = append(b, 0x10)
	b = append(b, proto.EncodeVarint(n)...)
	return b
}

func server(addr string) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	s := grpc.NewServer(grpc.MaxRecvMsgSize(16<<20), grpc.MaxSendMsgSize(16<<20),
		grpc.UnknownServiceHandler(func(srv interface{}, st grpc.ServerStream) error {
			m, _ := grpc.MethodFromServerStream(st)
			in := &raw{}
			if err := st.RecvMsg(in); err != nil {
				return err
			}
			switch m {
			case "/heldout.raw.Echo/Fail":
				sp, _ := status.New(codes.NotFound, "no such thing: ü 100%").WithDetails(&errdetails.ResourceInfo{ResourceType: "thing", ResourceName: "x"})
				return sp.Err()
			case "/heldout.raw.Echo/Slow":
				time.Sleep(300 * time.Millisecond)
				return st.SendMsg(in)
			case "/heldout.raw.Echo/Stream":
				for i := 0; i < 5; i++ {
					if err := st.SendMsg(&raw{msg(fmt.Sprintf("part %d", i), uint64(i))}); err != nil {
						return err
					}
				}
				return nil
			}
			return st.SendMsg(in)
		}))
	hs := health.NewServer()
	hs.SetServingStatus("heldout.raw.Echo", hpb.HealthCheckResponse_SERVING)
	hpb.RegisterHealthServer(s, hs)
	reflection.Register(s)
	go func() {
		// Flip the status while a Watch is open (the client watches from ~1 s on).
		for i := 0; i < 40; i++ {
			time.Sleep(500 * time.Millisecond)
			if i%2 == 0 {
				hs.SetServingStatus("heldout.raw.Echo", hpb.HealthCheckResponse_NOT_SERVING)
			} else {
				hs.SetServingStatus("heldout.raw.Echo", hpb.HealthCheckResponse_SERVING)
			}
		}
	}()
	log.Fatal(s.Serve(lis))
}

func client(addr string) {
	cc, err := grpc.Dial(addr, grpc.WithInsecure(), grpc.WithBlock(), grpc.WithTimeout(5*time.Second),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16<<20), grpc.MaxCallSendMsgSize(16<<20)))
	if err != nil {
		log.Fatal(err)
	}
	defer cc.Close()
	ctx := context.Background()
	call := func(method string, in []byte, opts ...grpc.CallOption) {
		c, cancel := context.WithTimeout(ctx, 2*time.Second)
		if method == "Slow" {
			c, cancel = context.WithTimeout(ctx, 100*time.Millisecond)
		}
		defer cancel()
		out := &raw{}
		err := cc.Invoke(c, "/heldout.raw.Echo/"+method, &raw{in}, out, opts...)
		fmt.Printf("%s: %d bytes in, %d out, status %v\n", method, len(in), len(out.b), status.Code(err))
	}
	call("Unary", msg("hello", 42))
	call("Gzip", msg(string(make([]byte, 1000)), 7), grpc.UseCompressor(gzip.Name))
	call("Big", msg(string(make([]byte, 5<<20)), 5))
	call("Fail", msg("x", 1))
	call("Slow", msg("slow", 1))
	sd := &grpc.StreamDesc{ServerStreams: true}
	st, err := cc.NewStream(ctx, sd, "/heldout.raw.Echo/Stream")
	if err == nil {
		st.SendMsg(&raw{msg("go", 1)})
		st.CloseSend()
		n := 0
		for {
			if err := st.RecvMsg(&raw{}); err != nil {
				fmt.Printf("Stream: %d messages, %v\n", n, status.Code(err))
				break
			}
			n++
		}
	}

	h := hpb.NewHealthClient(cc)
	r, err := h.Check(ctx, &hpb.HealthCheckRequest{Service: "heldout.raw.Echo"})
	fmt.Println("Health/Check:", r.GetStatus(), status.Code(err))
	_, err = h.Check(ctx, &hpb.HealthCheckRequest{Service: "nope"})
	fmt.Println("Health/Check nope:", status.Code(err))
	wctx, wcancel := context.WithTimeout(ctx, 1300*time.Millisecond)
	w, err := h.Watch(wctx, &hpb.HealthCheckRequest{Service: "heldout.raw.Echo"})
	if err == nil {
		for {
			r, err := w.Recv()
			if err != nil {
				fmt.Println("Health/Watch end:", status.Code(err))
				break
			}
			fmt.Println("Health/Watch:", r.GetStatus())
		}
	}
	wcancel()

	rc := rpb.NewServerReflectionClient(cc)
	rs, err := rc.ServerReflectionInfo(ctx)
	if err != nil {
		log.Fatal(err)
	}
	reqs := []*rpb.ServerReflectionRequest{
		{MessageRequest: &rpb.ServerReflectionRequest_ListServices{ListServices: "*"}},
		{MessageRequest: &rpb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: "grpc.health.v1.Health"}},
		{MessageRequest: &rpb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: "no.such.Symbol"}},
	}
	for _, q := range reqs {
		rs.Send(q)
		a, err := rs.Recv()
		if err != nil {
			break
		}
		switch x := a.MessageResponse.(type) {
		case *rpb.ServerReflectionResponse_ListServicesResponse:
			fmt.Println("reflection: services", len(x.ListServicesResponse.Service))
		case *rpb.ServerReflectionResponse_FileDescriptorResponse:
			fmt.Println("reflection: descriptors", len(x.FileDescriptorResponse.FileDescriptorProto))
		case *rpb.ServerReflectionResponse_ErrorResponse:
			fmt.Println("reflection: error", x.ErrorResponse.ErrorCode)
		}
	}
	rs.CloseSend()
	_, err = rs.Recv()
	fmt.Println("reflection end:", err == io.EOF)
}

func main() {
	encoding.RegisterCodec(codec{})
	if len(os.Args) < 3 {
		log.Fatal("usage: go-lab server|client ADDR")
	}
	if os.Args[1] == "server" {
		server(os.Args[2])
	} else {
		client(os.Args[2])
	}
}
