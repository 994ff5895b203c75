// Held-out Thrift lab: Go's thrift 0.17 (Debian golang-thrift-dev) server and client for person.thrift over
// THeader (binary + info headers; compact + zlib), over HTTP (binary and JSON, net/http + NewThriftHandlerFunc),
// and plain framed compact. Usage: lab BASEPORT
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"heldout/gen/person"
)

type handler struct{ people map[person.PersonId]*person.Person }

func (h *handler) Signup(ctx context.Context, p *person.Person) (person.PersonId, error) {
	p.ID = "1234"
	h.people[p.ID] = p
	return p.ID, nil
}
func (h *handler) ReadPerson(ctx context.Context, id person.PersonId) (*person.Person, error) {
	if p, ok := h.people[id]; ok {
		return p, nil
	}
	return nil, &person.NotFound{Message: "no such person: " + string(id), PersonId: id}
}
func (h *handler) AddItemToUsersItemsList(ctx context.Context, id person.PersonId, item string) (bool, error) {
	return true, nil
}
func (h *handler) ModifyItem(ctx context.Context, id string, it *person.Item) (*person.Item, error) {
	it.Key = id
	return it, nil
}
func (h *handler) ReadUsersItemsList(ctx context.Context, id person.PersonId) ([]*person.Item, error) {
	return []*person.Item{{Key: "456", Title: "go item", Price: 1.5, Tags: []string{"x"}}}, nil
}
func (h *handler) RemoveItem(ctx context.Context, id string) error        { return nil }
func (h *handler) Resign(ctx context.Context, id person.PersonId) (bool, error) {
	delete(h.people, id)
	return true, nil
}
func (h *handler) TrackEvent(ctx context.Context, name string, props map[string]string) error {
	return nil
}

func calls(c *person.PersonApiClient, ctx context.Context, label string) {
	age := int32(36)
	id, err := c.Signup(ctx, &person.Person{Name: "Go Gopher", Email: "go@example.org", Age: &age, Tags: []string{"go"}, Attributes: map[string]string{"lang": "go"}, Groups: []int16{1, 2}})
	fmt.Println(label, "signup", id, err)
	p, err := c.ReadPerson(ctx, id)
	fmt.Println(label, "readPerson", p, err)
	fmt.Println(label, "trackEvent", c.TrackEvent(ctx, "viewed", map[string]string{"page": "go"}))
	l, err := c.ReadUsersItemsList(ctx, id)
	fmt.Println(label, "list", l, err)
	ok, err := c.Resign(ctx, id)
	fmt.Println(label, "resign", ok, err)
	_, err = c.ReadPerson(ctx, id)
	fmt.Println(label, "readPerson", err)
}

func main() {
	base, _ := strconv.Atoi(os.Args[1])
	cfg := &thrift.TConfiguration{}
	proc := person.NewPersonApiProcessor(&handler{people: map[person.PersonId]*person.Person{}})
	// THeader server: answers in the client's protocol and transforms.
	sock, _ := thrift.NewTServerSocket(fmt.Sprintf("127.0.0.1:%d", base))
	srv := thrift.NewTSimpleServer4(proc, sock, thrift.NewTHeaderTransportFactoryConf(nil, cfg), thrift.NewTHeaderProtocolFactoryConf(cfg))
	go srv.Serve()
	// Framed compact server.
	sock2, _ := thrift.NewTServerSocket(fmt.Sprintf("127.0.0.1:%d", base+1))
	srv2 := thrift.NewTSimpleServer4(proc, sock2, thrift.NewTFramedTransportFactoryConf(thrift.NewTTransportFactory(), cfg), thrift.NewTCompactProtocolFactoryConf(cfg))
	go srv2.Serve()
	// HTTP servers: binary and JSON.
	go http.ListenAndServe(fmt.Sprintf("127.0.0.1:%d", base+2), http.HandlerFunc(thrift.NewThriftHandlerFunc(proc, thrift.NewTBinaryProtocolFactoryConf(cfg), thrift.NewTBinaryProtocolFactoryConf(cfg))))
	go http.ListenAndServe(fmt.Sprintf("127.0.0.1:%d", base+3), http.HandlerFunc(thrift.NewThriftHandlerFunc(proc, thrift.NewTJSONProtocolFactory(), thrift.NewTJSONProtocolFactory())))
	time.Sleep(300 * time.Millisecond)

	ctx := context.Background()
	for i, mode := range []string{"header-binary", "header-compact-zlib"} {
		conf := &thrift.TConfiguration{}
		if i == 1 {
			conf.THeaderProtocolID = thrift.THeaderProtocolIDPtrMust(thrift.THeaderProtocolCompact)
		}
		t := thrift.NewTSocketConf(fmt.Sprintf("127.0.0.1:%d", base), conf)
		ht := thrift.NewTHeaderTransportConf(t, conf)
		hp := thrift.NewTHeaderProtocolConf(ht, conf)
		if i == 1 {
			hp.AddTransform(thrift.TransformZlib)
		}
		if err := ht.Open(); err != nil {
			fmt.Println("open", err)
			continue
		}
		hctx := thrift.SetHeader(ctx, "trace-id", "go-"+mode)
		hctx = thrift.SetWriteHeaderList(hctx, []string{"trace-id"})
		calls(person.NewPersonApiClient(thrift.NewTStandardClient(hp, hp)), hctx, mode)
		ht.Close()
	}
	{
		t := thrift.NewTFramedTransportConf(thrift.NewTSocketConf(fmt.Sprintf("127.0.0.1:%d", base+1), cfg), cfg)
		t.Open()
		p := thrift.NewTCompactProtocolConf(t, cfg)
		calls(person.NewPersonApiClient(thrift.NewTStandardClient(p, p)), ctx, "framed-compact")
		t.Close()
	}
	for i, pf := range []thrift.TProtocolFactory{thrift.NewTBinaryProtocolFactoryConf(cfg), thrift.NewTJSONProtocolFactory()} {
		t, _ := thrift.NewTHttpClient(fmt.Sprintf("http://127.0.0.1:%d/person", base+2+i))
		calls(person.NewPersonApiClientFactory(t, pf), ctx, fmt.Sprintf("http-%d", i))
	}
}
