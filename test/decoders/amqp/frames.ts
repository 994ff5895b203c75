/** AMQP 0-9-1 frames shared by amqp.test.ts and gaps.test.ts (RabbitMQ and its clients). */
export const HEADER = '414d515000000901';
// queue.declare 'tasks' on channel 1 and its -ok
export const QDECL = '010001000000110032000a0000057461736b730200000000ce';
export const QDECL_OK = '010001000000120032000b057461736b730000000300000001ce';
// basic.publish to exchange 'rides', routing key 'trip.requested'; content header (body 11 bytes,
// content-type, correlation-id, reply-to); body {"trip":42}
export const PUBLISH = '0100010000001c003c002800000572696465730e747269702e72657175657374656401ce';
export const HDR = '0200010000002b003c0000000000000000000b8600106170706c69636174696f6e2f6a736f6e03632d31077265706c696573ce';
export const BODY = '0300010000000b7b2274726970223a34327dce';
// basic.deliver (consumer 'ctag-1', delivery tag 7) and the consumer's basic.ack 7
export const DELIVER = '01000100000029003c003c06637461672d310000000000000007000572696465730e747269702e726571756573746564ce';
export const ACK7 = '0100010000000d003c0050000000000000000700ce';
export const HEARTBEAT = '08000000000000ce';
