# Held-out SOAP check: python3-zeep client against the spyne server (WSDL fetched over HTTP)
import sys, json, zeep
from zeep.helpers import serialize_object
c = zeep.Client('http://127.0.0.1:%s/?wsdl' % sys.argv[1])
def show(name, f):
    try: print(json.dumps({'call': name, 'result': serialize_object(f())}, default=str))
    except zeep.exceptions.Fault as e: print(json.dumps({'call': name, 'fault': e.code, 'message': e.message}))
show('add', lambda: c.service.add(2, 40))
Item = c.get_type('ns0:Item'); ItemArray = c.get_type('ns0:ItemArray'); Order = c.get_type('ns0:Order')
show('place', lambda: c.service.place(Order(id=7, paid=False, items=ItemArray([Item(sku='A-1', qty=2, price=9.99), Item(sku='B-2', qty=1, price=0.5)]), notes=['fragile', 'gift'])))
show('place1', lambda: c.service.place(Order(id=8, paid=False, items=ItemArray([Item(sku='C', qty=3, price=1)]), notes=['one'])))
show('words', lambda: c.service.words(3))
show('words0', lambda: c.service.words(0))
show('fail', lambda: c.service.fail('no stock'))
