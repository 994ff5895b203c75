# Held-out SOAP check: python3-spyne server (document/literal wrapped, SOAP 1.1), WSDL at ?wsdl; stops after 60 s.
import sys, logging, signal
from wsgiref.simple_server import make_server
from spyne import Application, ServiceBase, rpc, Integer, Unicode, Boolean, Double, Array, ComplexModel, Fault, DateTime, Iterable
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication
class Item(ComplexModel):
    __namespace__ = 'urn:heldout:shop'
    sku = Unicode; qty = Integer; price = Double
class Order(ComplexModel):
    __namespace__ = 'urn:heldout:shop'
    id = Integer; paid = Boolean; items = Array(Item); notes = Unicode(min_occurs=0, max_occurs='unbounded')
class Shop(ServiceBase):
    @rpc(Integer, Integer, _returns=Integer)
    def add(ctx, a, b): return a + b
    @rpc(Order, _returns=Order)
    def place(ctx, order): order.paid = True; return order
    @rpc(Integer, _returns=Iterable(Unicode))
    def words(ctx, n): return ['w%d' % i for i in range(n)]
    @rpc(Unicode, _returns=Unicode)
    def fail(ctx, why): raise Fault(faultcode='Client.Bad', faultstring=why, detail={'reason': why})
app = Application([Shop], 'urn:heldout:shop', in_protocol=Soap11(validator='lxml'), out_protocol=Soap11())
signal.alarm(60)
srv = make_server('127.0.0.1', int(sys.argv[1]), WsgiApplication(app))
print('listening', flush=True)
srv.serve_forever()
