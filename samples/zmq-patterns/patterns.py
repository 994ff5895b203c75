"""ZeroMQ sockets on loopback (pyzmq over libzmq): REQ/REP, PUB/SUB with a multipart message and a
long frame, DEALER/ROUTER, PUSH/PULL, PLAIN authentication and a CURVE-encrypted pair."""
import time
import zmq

ctx = zmq.Context()
ctx.setsockopt(zmq.LINGER, 1000)


def req_rep():
    rep = ctx.socket(zmq.REP)
    rep.bind("tcp://127.0.0.1:5555")
    req = ctx.socket(zmq.REQ)
    req.setsockopt(zmq.IDENTITY, b"client-1")
    req.connect("tcp://127.0.0.1:5555")
    for text in (b"Hello", b'{"op":"add","args":[1,2]}'):
        req.send(text)
        msg = rep.recv()
        rep.send_multipart([b"World" if msg == b"Hello" else b'{"result":3}'])
        req.recv()
    req.close()
    rep.close()


def pub_sub():
    pub = ctx.socket(zmq.PUB)
    pub.bind("tcp://127.0.0.1:5556")
    sub = ctx.socket(zmq.SUB)
    sub.connect("tcp://127.0.0.1:5556")
    sub.setsockopt(zmq.SUBSCRIBE, b"weather")
    sub.setsockopt(zmq.SUBSCRIBE, b"news")
    time.sleep(0.3)  # let the subscriptions reach the publisher
    pub.send_multipart([b"weather.paris", b'{"temp":21.5,"sky":"clear"}'])
    pub.send_multipart([b"news", b"x" * 300])  # long frame (> 255 bytes: 8-byte size)
    pub.send(b"sports ignored")  # filtered out by the publisher (no matching subscription)
    for _ in range(2):
        sub.recv_multipart()
    sub.setsockopt(zmq.UNSUBSCRIBE, b"news")
    time.sleep(0.2)
    sub.close()
    pub.close()


def dealer_router():
    router = ctx.socket(zmq.ROUTER)
    router.bind("tcp://127.0.0.1:5557")
    dealer = ctx.socket(zmq.DEALER)
    dealer.setsockopt(zmq.IDENTITY, b"worker-7")
    dealer.connect("tcp://127.0.0.1:5557")
    dealer.send_multipart([b"", b"job", b"42"])
    ident, *rest = router.recv_multipart()
    router.send_multipart([ident, b"", b"done", b"42"])
    dealer.recv_multipart()
    dealer.close()
    router.close()


def push_pull():
    pull = ctx.socket(zmq.PULL)
    pull.bind("tcp://127.0.0.1:5558")
    push = ctx.socket(zmq.PUSH)
    push.connect("tcp://127.0.0.1:5558")
    for i in range(3):
        push.send_string(f"task {i}")
        pull.recv()
    push.close()
    pull.close()


def plain_auth():
    from zmq.auth.thread import ThreadAuthenticator

    auth = ThreadAuthenticator(ctx)  # ZAP handler: libzmq asks it to check PLAIN credentials
    auth.start()
    auth.configure_plain(domain="*", passwords={"admin": "s3cret"})
    rep = ctx.socket(zmq.REP)
    rep.plain_server = True
    rep.bind("tcp://127.0.0.1:5559")
    req = ctx.socket(zmq.REQ)
    req.plain_username = b"admin"
    req.plain_password = b"s3cret"
    req.connect("tcp://127.0.0.1:5559")
    req.send(b"authenticated hello")
    rep.recv()
    rep.send(b"welcome admin")
    req.recv()
    req.close()
    rep.close()
    auth.stop()


def curve():
    if not zmq.has("curve"):
        return
    server_public, server_secret = zmq.curve_keypair()
    client_public, client_secret = zmq.curve_keypair()
    rep = ctx.socket(zmq.REP)
    rep.curve_server = True
    rep.curve_secretkey = server_secret
    rep.curve_publickey = server_public
    rep.bind("tcp://127.0.0.1:5560")
    req = ctx.socket(zmq.REQ)
    req.curve_serverkey = server_public
    req.curve_publickey = client_public
    req.curve_secretkey = client_secret
    req.connect("tcp://127.0.0.1:5560")
    req.send(b"secret hello")
    rep.recv()
    rep.send(b"secret reply")
    req.recv()
    req.close()
    rep.close()


for f in (req_rep, pub_sub, dealer_router, push_pull, plain_auth, curve):
    f()
    time.sleep(0.2)
ctx.term()
