# paho-mqtt 1.6 (Debian python3-paho-mqtt) against mosquitto on 127.0.0.1:21991: a 3.1.1 subscriber
# with a will, an MQTT 5 publisher (QoS 0/1/2, response topic, correlation data, user property,
# content type), a retained message, UNSUBSCRIBE, an ungraceful close.
import paho.mqtt.client as mqtt, time, json
from paho.mqtt.properties import Properties
from paho.mqtt.packettypes import PacketTypes
got = []
def on_message(c, u, m): got.append((m.topic, m.payload[:40], m.qos, m.retain))
# MQTT 3.1.1 subscriber with a will
sub = mqtt.Client(client_id='py-sub', protocol=mqtt.MQTTv311, clean_session=True)
sub.will_set('status/py-sub', 'gone', qos=1, retain=True)
sub.on_message = on_message
sub.connect('127.0.0.1', 21991, keepalive=5); sub.loop_start()
sub.subscribe([('sensors/#', 2), ('cmd/+', 1)]); time.sleep(0.3)
# MQTT 5 publisher: properties, QoS 0/1/2, retained, user properties, response topic
pub = mqtt.Client(client_id='py-pub', protocol=mqtt.MQTTv5)
pub.connect('127.0.0.1', 21991); pub.loop_start(); time.sleep(0.2)
props = Properties(PacketTypes.PUBLISH); props.ResponseTopic = 'reply/py'; props.CorrelationData = b'abc'; props.UserProperty = [('trace', 't-1')]; props.ContentType = 'application/json'
for q in (0, 1, 2):
    pub.publish('sensors/temp', json.dumps({'c': 20 + q}), qos=q, properties=props).wait_for_publish(2)
pub.publish('sensors/retained', 'last', qos=1, retain=True).wait_for_publish(2)
pub.publish('cmd/reboot', b'\x00\x01\x02', qos=1).wait_for_publish(2)
time.sleep(0.5)
sub.unsubscribe('cmd/+'); time.sleep(0.2)
pub.disconnect(); pub.loop_stop()
sub._sock.close()  # ungraceful: the broker publishes the will
time.sleep(0.5); sub.loop_stop()
print(len(got), got[:3])
