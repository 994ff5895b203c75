"""Person API Thrift server (Debian python3-thrift). Usage: server.py GEN_PY_DIR PORT PROTOCOL TRANSPORT [multiplexed]
PROTOCOL: binary | compact | json, TRANSPORT: buffered | framed | http (THttpServer: one message per POST)
| header (THeaderProtocol: the client's protocol and transforms, answered in kind)."""
import sys

sys.path.insert(0, sys.argv[1])
from person import PersonApi  # noqa: E402
from person.ttypes import Item, NotFound, Person, Status  # noqa: E402
from thrift.protocol import TBinaryProtocol, TCompactProtocol, THeaderProtocol, TJSONProtocol  # noqa: E402
from thrift.server import THttpServer, TServer  # noqa: E402
from thrift.transport import TSocket, TTransport  # noqa: E402
from thrift.TMultiplexedProcessor import TMultiplexedProcessor  # noqa: E402

PEOPLE = {}
ITEMS = {"456": Item(key="456", title="Espresso machine", price=119.0, tags=["kitchen"])}
LISTS = {}


class Handler:
    def signup(self, person):
        person.id = "1234"
        person.status = Status.ACTIVE
        PEOPLE[person.id] = person
        LISTS[person.id] = []
        return person.id

    def readPerson(self, personId):
        if personId not in PEOPLE:
            raise NotFound(message="no such person: %s" % personId, personId=personId)
        return PEOPLE[personId]

    def addItemToUsersItemsList(self, personId, itemId):
        LISTS.setdefault(personId, []).append(itemId)
        return True

    def modifyItem(self, itemId, item):
        item.key = itemId
        ITEMS[itemId] = item
        return item

    def readUsersItemsList(self, personId):
        if personId not in LISTS:
            raise NotFound(message="no such person: %s" % personId, personId=personId)
        return [ITEMS.get(i, Item(key=i, title="item " + i, price=0.0, tags=[])) for i in LISTS[personId]]

    def removeItem(self, itemId):
        ITEMS.pop(itemId, None)

    def resign(self, personId):
        PEOPLE.pop(personId, None)
        return True

    def trackEvent(self, name, props):
        pass


def main():
    port, proto, transport = int(sys.argv[2]), sys.argv[3], sys.argv[4]
    multiplexed = len(sys.argv) > 5 and sys.argv[5] == "multiplexed"
    processor = PersonApi.Processor(Handler())
    if multiplexed:
        mp = TMultiplexedProcessor()
        mp.registerProcessor("PersonApi", processor)
        processor = mp
    pf = {
        "binary": TBinaryProtocol.TBinaryProtocolFactory,
        "compact": TCompactProtocol.TCompactProtocolFactory,
        "json": TJSONProtocol.TJSONProtocolFactory,
    }[proto]()
    if transport == "http":
        THttpServer.THttpServer(processor, ("127.0.0.1", port), pf).serve()
        return
    if transport == "header":
        sock = TSocket.TServerSocket(host="127.0.0.1", port=port)
        TServer.TSimpleServer(processor, sock, TTransport.TTransportFactoryBase(), THeaderProtocol.THeaderProtocolFactory()).serve()
        return
    tf = TTransport.TBufferedTransportFactory() if transport == "buffered" else TTransport.TFramedTransportFactory()
    server = TServer.TSimpleServer(processor, TSocket.TServerSocket(host="127.0.0.1", port=port), tf, pf)
    server.serve()


main()
