# python3-qpid-proton (Debian) against RabbitMQ AMQP 1.0 (test/heldout/rabbit.sh, port 21672): send two messages, receive them, accepted.
import sys
from proton import Message
from proton.handlers import MessagingHandler
from proton.reactor import Container
class H(MessagingHandler):
    def __init__(self):
        super().__init__(); self.sent = 0; self.got = 0
    def on_start(self, e):
        c = e.container.connect("amqp://guest:guest@127.0.0.1:21672", allowed_mechs="PLAIN")
        e.container.create_receiver(c, "/queue/ho-proton"); self.snd = e.container.create_sender(c, "/queue/ho-proton")
    def on_sendable(self, e):
        while e.sender.credit and self.sent < 2:
            e.sender.send(Message(id=self.sent, body={"n": self.sent, "who": "proton"}, properties={"k": "v"})); self.sent += 1
    def on_accepted(self, e): print("accepted", flush=True)
    def on_message(self, e):
        print("got", e.message.body, flush=True); self.got += 1
        if self.got == 2: e.connection.close()
Container(H()).run()
