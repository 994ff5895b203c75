/** MQTT 3.1.1 packets shared by mqtt.test.ts and gaps.test.ts. */
// CONNECT 'dev-1' (will 'clients/dev-1/will', user 'alice'), CONNACK
export const C311 = '103100044d515454048e003c00056465762d310012636c69656e74732f6465762d312f77696c6c00036279650005616c696365';
export const CONNACK = '20020000';
// PUBLISH QoS 1 'rides/requested' id 10 {"trip":1}, its PUBACK
export const PUB1_QOS1 = '321d000f72696465732f726571756573746564000a7b2274726970223a317d';
export const PUBACK = '4002000a';
// PUBLISH QoS 2 retained 'rides/status' id 11 "up", its handshake
export const PUB2_QOS2 = '3512000c72696465732f737461747573000b7570';
export const PUBREC = '5002000b';
export const PUBREL = '6202000b';
export const PUBCOMP = '7002000b';
// SUBSCRIBE id 1: 'rides/#' QoS 2, 'bad/#' QoS 1; SUBACK granted 2, failure
export const SUBSCRIBE = '82140001000772696465732f230200056261642f2301';
export const SUBACK = '900400010280';
export const PINGREQ = 'c000';
export const PINGRESP = 'd000';
