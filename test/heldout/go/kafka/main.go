// Kafka clients in Go (Debian packages) against a broker: sarama and segmentio/kafka-go.
// Usage: klab sarama|sarama-legacy|kafkago BROKER
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/Shopify/sarama"
	kafka "github.com/segmentio/kafka-go"
)

func main() {
	mode, broker := os.Args[1], os.Args[2]
	switch mode {
	case "sarama", "sarama-legacy":
		cfg := sarama.NewConfig()
		if mode == "sarama" {
			cfg.Version = sarama.V2_0_0_0
		} else {
			cfg.Version = sarama.V1_0_0_0
		}
		cfg.ClientID = "sarama-lab"
		cfg.Producer.Return.Successes = true
		cfg.Producer.RequiredAcks = sarama.WaitForAll
		cfg.Producer.Compression = sarama.CompressionGZIP
		p, err := sarama.NewSyncProducer([]string{broker}, cfg)
		if err != nil {
			fmt.Println("producer:", err)
			return
		}
		for i := 0; i < 3; i++ {
			part, off, err := p.SendMessage(&sarama.ProducerMessage{Topic: "rides", Key: sarama.StringEncoder(fmt.Sprintf("ride-%d", i)), Value: sarama.StringEncoder(fmt.Sprintf(`{"ride":%d,"from":"A","to":"B"}`, i)), Headers: []sarama.RecordHeader{{Key: []byte("trace"), Value: []byte("t1")}}})
			fmt.Println("sent", part, off, err)
		}
		p.Close()
		c, err := sarama.NewConsumer([]string{broker}, cfg)
		if err != nil {
			fmt.Println("consumer:", err)
			return
		}
		pc, err := c.ConsumePartition("rides", 0, sarama.OffsetOldest)
		if err != nil {
			fmt.Println("partition:", err)
			return
		}
		got := 0
		timeout := time.After(5 * time.Second)
		for got < 3 {
			select {
			case m := <-pc.Messages():
				fmt.Println("got", m.Offset, string(m.Key), string(m.Value))
				got++
			case e := <-pc.Errors():
				fmt.Println("error", e)
				got = 3
			case <-timeout:
				fmt.Println("timeout")
				got = 3
			}
		}
		pc.Close()
		c.Close()
	case "kafkago":
		w := kafka.NewWriter(kafka.WriterConfig{Brokers: []string{broker}, Topic: "orders", Balancer: &kafka.LeastBytes{}})
		for i := 0; i < 3; i++ {
			err := w.WriteMessages(context.Background(), kafka.Message{Key: []byte(fmt.Sprintf("o-%d", i)), Value: []byte(fmt.Sprintf(`{"order":%d}`, i))})
			fmt.Println("write", i, err)
		}
		w.Close()
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{broker}, Topic: "orders", Partition: 0, MinBytes: 1, MaxBytes: 1 << 20, MaxWait: 500 * time.Millisecond})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		for i := 0; i < 3; i++ {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				fmt.Println("read:", err)
				break
			}
			fmt.Println("read", m.Offset, string(m.Key), string(m.Value))
		}
		cancel()
		r.Close()
	}
}
