# Debian's python3-confluent-kafka 1.7 schema_registry serializers against a broker (argv[2]) and a
# registry at http://127.0.0.1:argv[1]: JSON Schema values (JSONSerializer, needs python3-jsonschema)
# and Protobuf values (ProtobufSerializer, needs python3-protobuf; the message classes are built
# from a FileDescriptorProto, no protoc): the first message, the second (message index [1]) and a
# nested one ([0, 0]), with an import of google/protobuf/timestamp.proto, which the serializer
# registers as a referenced subject. (Its Avro serializer needs fastavro, not in Debian.)
# Logs JSON lines {sent, schemaId, valueHex, value}.
import json, sys
from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.json_schema import JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
from confluent_kafka.serialization import SerializationContext, MessageField
from google.protobuf import descriptor_pb2, descriptor_pool, timestamp_pb2  # noqa: F401 (timestamp in the pool)
from google.protobuf.message_factory import MessageFactory

F = descriptor_pb2.FieldDescriptorProto
reg = SchemaRegistryClient({'url': 'http://127.0.0.1:%s' % sys.argv[1]})
p = Producer({'bootstrap.servers': sys.argv[2], 'client.id': 'heldout-sr-confluent', 'api.version.request': True})


def log(o):
    print(json.dumps(o), flush=True)


def send(topic, ser, obj, shown, key=None):
    v = ser(obj, SerializationContext(topic, MessageField.VALUE))
    p.produce(topic, key=key, value=v)
    p.flush(10)
    log({'sent': topic, 'schemaId': int.from_bytes(v[1:5], 'big'), 'valueHex': v.hex(), 'value': shown})


# JSON Schema
schema = json.dumps({'$schema': 'http://json-schema.org/draft-07/schema#', 'title': 'Review', 'type': 'object',
                     'properties': {'sku': {'type': 'string'}, 'stars': {'type': 'integer', 'minimum': 1, 'maximum': 5},
                                    'text': {'type': 'string'}, 'tags': {'type': 'array', 'items': {'type': 'string'}}},
                     'required': ['sku', 'stars']})
js = JSONSerializer(schema, reg)
for r in [{'sku': 'A-1', 'stars': 5, 'text': 'très bien', 'tags': ['fast']}, {'sku': 'B-2', 'stars': 2}]:
    send('reviews', js, r, r, key=r['sku'])

# Protobuf, classes from a descriptor
fdp = descriptor_pb2.FileDescriptorProto(name='shop/billing.proto', package='shop.billing', syntax='proto3',
                                         dependency=['google/protobuf/timestamp.proto'])
inv = fdp.message_type.add(name='Invoice')
inv.field.add(name='number', number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
inv.field.add(name='total_cents', number=2, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
inv.field.add(name='issued', number=3, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL, type_name='.google.protobuf.Timestamp')
inv.field.add(name='lines', number=4, type=F.TYPE_MESSAGE, label=F.LABEL_REPEATED, type_name='.shop.billing.Invoice.Line')
line = inv.nested_type.add(name='Line')
line.field.add(name='sku', number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
line.field.add(name='qty', number=2, type=F.TYPE_INT32, label=F.LABEL_OPTIONAL)
ref = fdp.message_type.add(name='Refund')
ref.field.add(name='invoice', number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
ref.field.add(name='cents', number=2, type=F.TYPE_SINT64, label=F.LABEL_OPTIONAL)
pool = descriptor_pool.Default()
pool.Add(fdp)
mf = MessageFactory(pool)
Invoice = mf.GetPrototype(pool.FindMessageTypeByName('shop.billing.Invoice'))
Line = mf.GetPrototype(pool.FindMessageTypeByName('shop.billing.Invoice.Line'))
Refund = mf.GetPrototype(pool.FindMessageTypeByName('shop.billing.Refund'))

i = Invoice(number='INV-7', total_cents=123456789012, lines=[Line(sku='A-1', qty=2), Line(sku='B-2', qty=1)])
i.issued.seconds = 1700000000
i.issued.nanos = 5000
send('invoices', ProtobufSerializer(Invoice, reg), i, {'number': 'INV-7', 'total_cents': 123456789012, 'issued': '2023-11-14T22:13:20.000005Z', 'lines': [{'sku': 'A-1', 'qty': 2}, {'sku': 'B-2', 'qty': 1}]})
send('refunds', ProtobufSerializer(Refund, reg), Refund(invoice='INV-7', cents=-500), {'invoice': 'INV-7', 'cents': -500})
send('lines', ProtobufSerializer(Line, reg), Line(sku='C-3', qty=40), {'sku': 'C-3', 'qty': 40})
log({'did': 'done'})
