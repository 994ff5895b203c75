// The Person API (person.proto) with grpc-go on both ends.
//
//	persongo server PORT          serve PersonService on 127.0.0.1:PORT
//	persongo client PORT          run every call once against 127.0.0.1:PORT
//
// Built by make.sh from Debian's Go packages (GOPATH mode, no network).
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"github.com/golang/protobuf/ptypes"
	"github.com/golang/protobuf/ptypes/timestamp"
)

func person(id int64) *Person {
	created := &timestamp.Timestamp{Seconds: 1700000000, Nanos: 500000000}
	switch id {
	case 1:
		extra, _ := ptypes.MarshalAny(&Address{City: "London", Country: "UK"})
		return &Person{Id: 1, Name: "Ada Lovelace", Email: "ada@example.com", Role: Role_ROLE_ADMIN,
			Tags: []string{"math", "poetry"}, Labels: map[string]string{"team": "engines"},
			Created: created, Extra: extra, Score: 99.5}
	case 2:
		return &Person{Id: 2, Name: "Alan Turing", Email: "alan@example.com", Role: Role_ROLE_USER,
			Tags: []string{"crypto"}, Created: created}
	}
	return nil
}

type server struct {
	UnimplementedPersonServiceServer
}

func (server) GetPerson(ctx context.Context, req *GetPersonRequest) (*Person, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	log.Printf("GetPerson id=%d request-id=%v", req.Id, md.Get("x-request-id"))
	grpc.SetHeader(ctx, metadata.Pairs("x-served-by", "grpc-go"))
	grpc.SetTrailer(ctx, metadata.Pairs("x-lookup-ms", "0"))
	if req.Id == 99 { // slower than the client's deadline
		select {
		case <-time.After(1500 * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if p := person(req.Id); p != nil {
		return p, nil
	}
	if req.Id < 0 {
		st, _ := status.New(codes.InvalidArgument, "id must be positive").WithDetails(
			&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "id", Description: "negative"}}})
		return nil, st.Err()
	}
	st, _ := status.New(codes.NotFound, fmt.Sprintf("person %d not found — désolé", req.Id)).WithDetails(
		&errdetails.ResourceInfo{ResourceType: "callscope.person.v1.Person", ResourceName: fmt.Sprint(req.Id), Description: "no such person"})
	return nil, st.Err()
}

func (server) ListPersons(req *ListPersonsRequest, stream PersonService_ListPersonsServer) error {
	n := int(req.PageSize)
	if n == 0 {
		n = 2
	}
	for i := 0; i < n; i++ {
		p := person(int64(i%2 + 1))
		p.Id = int64(100 + i)
		if req.AvatarBytes > 0 {
			p.Avatar = make([]byte, req.AvatarBytes)
			for j := range p.Avatar {
				p.Avatar[j] = byte(i)
			}
		}
		if err := stream.Send(p); err != nil {
			return err
		}
	}
	return nil
}

func (server) CreatePersons(stream PersonService_CreatePersonsServer) error {
	sum := &CreatePersonsSummary{}
	for {
		p, err := stream.Recv()
		if err == io.EOF {
			return stream.SendAndClose(sum)
		}
		if err != nil {
			return err
		}
		sum.Created++
		sum.Ids = append(sum.Ids, p.Id)
	}
}

func (server) Chat(stream PersonService_ChatServer) error {
	var seq uint32
	for {
		m, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		seq++
		if err := stream.Send(&ChatMessage{From: "server", Text: "echo: " + m.Text, Seq: seq}); err != nil {
			return err
		}
	}
}

func serve(port string) {
	lis, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		log.Fatal(err)
	}
	s := grpc.NewServer()
	RegisterPersonServiceServer(s, server{})
	log.Printf("listening on %s", port)
	log.Fatal(s.Serve(lis))
}

func report(what string, v interface{}, err error) {
	if err != nil {
		st := status.Convert(err)
		log.Printf("%s: %s %q details=%v", what, st.Code(), st.Message(), st.Details())
		return
	}
	log.Printf("%s: %v", what, v)
}

func client(port string, only string) {
	conn, err := grpc.Dial("127.0.0.1:"+port, grpc.WithInsecure(), grpc.WithBlock())
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	c := NewPersonServiceClient(conn)
	bg := context.Background()
	run := func(name string) bool { return only == "" || only == name }

	if run("unary") {
		ctx := metadata.AppendToOutgoingContext(bg, "x-request-id", "go-1")
		var hdr, trl metadata.MD
		p, err := c.GetPerson(ctx, &GetPersonRequest{Id: 1}, grpc.Header(&hdr), grpc.Trailer(&trl))
		report("GetPerson(1)", p, err)
		log.Printf("  header=%v trailer=%v", hdr, trl)
		p, err = c.GetPerson(bg, &GetPersonRequest{Id: 2}, grpc.UseCompressor(gzip.Name))
		report("GetPerson(2) gzip", p, err)
		p, err = c.GetPerson(bg, &GetPersonRequest{Id: 7})
		report("GetPerson(7)", p, err)
		p, err = c.GetPerson(bg, &GetPersonRequest{Id: -1})
		report("GetPerson(-1)", p, err)
		ctx, cancel := context.WithTimeout(bg, 300*time.Millisecond)
		p, err = c.GetPerson(ctx, &GetPersonRequest{Id: 99})
		cancel()
		report("GetPerson(99) deadline", p, err)
	}
	if run("server-stream") {
		s, err := c.ListPersons(bg, &ListPersonsRequest{PageSize: 3, AvatarBytes: 16})
		if err != nil {
			log.Fatal(err)
		}
		for {
			p, err := s.Recv()
			if err != nil {
				report("ListPersons end", nil, err)
				break
			}
			log.Printf("ListPersons: id=%d name=%s avatar=%d", p.Id, p.Name, len(p.Avatar))
		}
		s, _ = c.ListPersons(bg, &ListPersonsRequest{PageSize: 2}, grpc.UseCompressor(gzip.Name))
		for {
			if _, err := s.Recv(); err != nil {
				break
			}
		}
		log.Printf("ListPersons gzip done")
	}
	if run("client-stream") {
		s, err := c.CreatePersons(bg)
		if err != nil {
			log.Fatal(err)
		}
		for _, id := range []int64{11, 12, 13} {
			s.Send(&Person{Id: id, Name: fmt.Sprintf("new %d", id)})
		}
		sum, err := s.CloseAndRecv()
		report("CreatePersons", sum, err)
	}
	if run("bidi") {
		s, err := c.Chat(bg)
		if err != nil {
			log.Fatal(err)
		}
		for i, t := range []string{"hello", "how are you", "bye"} {
			s.Send(&ChatMessage{From: "go-client", Text: t, Seq: uint32(i + 1)})
			m, err := s.Recv()
			report("Chat", m, err)
		}
		s.CloseSend()
		_, err = s.Recv()
		log.Printf("Chat end: %v", err)
	}
	if run("cancel") {
		ctx, cancel := context.WithCancel(bg)
		s, _ := c.Chat(ctx)
		s.Send(&ChatMessage{From: "go-client", Text: "about to cancel", Seq: 1})
		s.Recv()
		cancel()
		time.Sleep(100 * time.Millisecond)
		log.Printf("Chat cancelled")
	}
}

func main() {
	log.SetFlags(log.Lmicroseconds)
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: persongo server|client PORT [unary|server-stream|client-stream|bidi|cancel]")
		os.Exit(2)
	}
	only := ""
	if len(os.Args) > 3 {
		only = os.Args[3]
	}
	switch os.Args[1] {
	case "server":
		serve(os.Args[2])
	case "client":
		client(os.Args[2], only)
	}
}
