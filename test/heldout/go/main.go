// Held-out messaging lab in Go (Debian packages): amqp091-go against an AMQP 0-9-1 broker, nats.go against
// nats-server, paho.mqtt.golang against mosquitto, redigo against redis-server.
// Usage: lab amqp|nats|mqtt|redis ADDR
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/gomodule/redigo/redis"
	"github.com/nats-io/nats.go"
	amqp "github.com/rabbitmq/amqp091-go"
)

func must(err error, what string) {
	if err != nil {
		fmt.Println(what, "error:", err)
	}
}

func doAMQP(addr string) {
	conn, err := amqp.Dial("amqp://guest:guest@" + addr + "/")
	if err != nil {
		fmt.Println("dial", err)
		return
	}
	defer conn.Close()
	ch, _ := conn.Channel()
	must(ch.Confirm(false), "confirm")
	confirms := ch.NotifyPublish(make(chan amqp.Confirmation, 8))
	q, err := ch.QueueDeclare("go-orders", false, true, false, false, nil)
	must(err, "declare")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := 0; i < 3; i++ {
		must(ch.PublishWithContext(ctx, "", q.Name, false, false, amqp.Publishing{ContentType: "application/json", Body: []byte(fmt.Sprintf(`{"order":%d}`, i)), Headers: amqp.Table{"x-src": "go"}}), "publish")
		select {
		case c := <-confirms:
			fmt.Println("confirm", c.DeliveryTag, c.Ack)
		case <-time.After(2 * time.Second):
			fmt.Println("no confirm")
		}
	}
	msg, ok, err := ch.Get(q.Name, false)
	fmt.Println("get", ok, string(msg.Body), err)
	if ok {
		msg.Ack(false)
	}
	deliveries, err := ch.Consume(q.Name, "go-consumer", false, false, false, false, nil)
	must(err, "consume")
	for i := 0; i < 2; i++ {
		select {
		case d := <-deliveries:
			fmt.Println("deliver", string(d.Body))
			d.Ack(false)
		case <-time.After(2 * time.Second):
			fmt.Println("no delivery")
		}
	}
	// RPC with direct reply-to... plain reply queue here (not every broker has amq.rabbitmq.reply-to).
	rq, _ := ch.QueueDeclare("", false, true, true, false, nil)
	replies, _ := ch.Consume(rq.Name, "", true, true, false, false, nil)
	must(ch.PublishWithContext(ctx, "", q.Name, false, false, amqp.Publishing{ReplyTo: rq.Name, CorrelationId: "c-1", Body: []byte("ping")}), "rpc publish")
	select {
	case d := <-deliveries:
		must(ch.PublishWithContext(ctx, "", d.ReplyTo, false, false, amqp.Publishing{CorrelationId: d.CorrelationId, Body: []byte("pong")}), "rpc reply")
		d.Ack(false)
	case <-time.After(2 * time.Second):
	}
	select {
	case r := <-replies:
		fmt.Println("rpc reply", string(r.Body), r.CorrelationId)
	case <-time.After(2 * time.Second):
		fmt.Println("no rpc reply")
	}
	// A channel error: publish to an exchange that does not exist.
	ch2, _ := conn.Channel()
	closed := ch2.NotifyClose(make(chan *amqp.Error, 1))
	ch2.PublishWithContext(ctx, "no-such-exchange", "x", false, false, amqp.Publishing{Body: []byte("lost")})
	select {
	case e := <-closed:
		fmt.Println("channel closed", e)
	case <-time.After(2 * time.Second):
		fmt.Println("channel not closed")
	}
}

func doNATS(addr string) {
	nc, err := nats.Connect("nats://"+addr, nats.Name("go-lab"))
	if err != nil {
		fmt.Println("connect", err)
		return
	}
	defer nc.Close()
	sub, _ := nc.SubscribeSync("go.events.>")
	nc.QueueSubscribe("go.rpc", "workers", func(m *nats.Msg) {
		r := nats.NewMsg(m.Reply)
		r.Data = append([]byte("re: "), m.Data...)
		r.Header.Set("X-Worker", "w1")
		m.RespondMsg(r)
	})
	nc.Flush()
	m := nats.NewMsg("go.events.created")
	m.Data = []byte(`{"id":1}`)
	m.Header.Set("Trace", "abc")
	must(nc.PublishMsg(m), "hpub")
	must(nc.Publish("go.events.deleted", []byte(`{"id":1}`)), "pub")
	for i := 0; i < 2; i++ {
		got, err := sub.NextMsg(2 * time.Second)
		if err == nil {
			fmt.Println("got", got.Subject, string(got.Data), got.Header)
		}
	}
	resp, err := nc.Request("go.rpc", []byte("hello"), 2*time.Second)
	if err == nil {
		fmt.Println("reply", string(resp.Data), resp.Header)
	}
	_, err = nc.Request("go.nobody", []byte("x"), 500*time.Millisecond)
	fmt.Println("no responders:", err)
}

func doMQTT(addr string) {
	opts := mqtt.NewClientOptions().AddBroker("tcp://" + addr).SetClientID("go-lab").SetWill("go/status", "gone", 1, true)
	c := mqtt.NewClient(opts)
	if t := c.Connect(); t.Wait() && t.Error() != nil {
		fmt.Println("connect", t.Error())
		return
	}
	got := make(chan string, 8)
	c.Subscribe("go/#", 2, func(_ mqtt.Client, m mqtt.Message) { got <- m.Topic() + " " + string(m.Payload()) }).Wait()
	for q := byte(0); q <= 2; q++ {
		c.Publish(fmt.Sprintf("go/q%d", q), q, false, fmt.Sprintf("qos %d", q)).Wait()
	}
	c.Publish("go/retained", 1, true, "kept").Wait()
	for i := 0; i < 4; i++ {
		select {
		case s := <-got:
			fmt.Println("got", s)
		case <-time.After(2 * time.Second):
		}
	}
	c.Unsubscribe("go/#").Wait()
	c.Disconnect(100)
}

func doRedis(addr string) {
	c, err := redis.Dial("tcp", addr)
	if err != nil {
		fmt.Println("dial", err)
		return
	}
	defer c.Close()
	fmt.Println(redis.String(c.Do("SET", "go:k", "v1")))
	fmt.Println(redis.String(c.Do("GET", "go:k")))
	c.Send("MULTI")
	c.Send("INCR", "go:n")
	c.Send("INCR", "go:n")
	fmt.Println(c.Do("EXEC"))
	c.Send("HSET", "go:h", "a", 1, "b", 2)
	c.Send("HGETALL", "go:h")
	c.Flush()
	fmt.Println(c.Receive())
	fmt.Println(c.Receive())
	_, err = c.Do("NOSUCHCMD")
	fmt.Println("error:", err)
	p, _ := redis.Dial("tcp", addr)
	defer p.Close()
	psc := redis.PubSubConn{Conn: c}
	psc.Subscribe("go:chan")
	psc.Receive()
	p.Do("PUBLISH", "go:chan", "hello")
	fmt.Println(psc.Receive())
	psc.Unsubscribe()
}

func main() {
	switch os.Args[1] {
	case "amqp":
		doAMQP(os.Args[2])
	case "nats":
		doNATS(os.Args[2])
	case "mqtt":
		doMQTT(os.Args[2])
	case "redis":
		doRedis(os.Args[2])
	}
}
