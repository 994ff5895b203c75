"""Person API Thrift client. Usage: client.py GEN_PY_DIR PORT PROTOCOL TRANSPORT [multiplexed | zlib]
TRANSPORT header: THeaderProtocol (an info header `client`, and the zlib transform with `zlib`)."""
import sys

sys.path.insert(0, sys.argv[1])
from person import PersonApi  # noqa: E402
from person.ttypes import Item, NotFound, Person  # noqa: E402
from thrift.Thrift import TApplicationException, TMessageType, TType  # noqa: E402
from thrift.protocol import TBinaryProtocol, TCompactProtocol, THeaderProtocol, TJSONProtocol  # noqa: E402
from thrift.protocol.TMultiplexedProtocol import TMultiplexedProtocol  # noqa: E402
from thrift.transport import THeaderTransport, THttpClient, TSocket, TTransport  # noqa: E402


def delete_person(client, person_id):
    """deletePerson is not in the IDL: send it by hand, as an older/newer client would."""
    oprot, iprot = client._oprot, client._iprot
    oprot.writeMessageBegin("deletePerson", TMessageType.CALL, 0)
    oprot.writeStructBegin("deletePerson_args")
    oprot.writeFieldBegin("personId", TType.STRING, 1)
    oprot.writeString(person_id)
    oprot.writeFieldEnd()
    oprot.writeFieldStop()
    oprot.writeStructEnd()
    oprot.writeMessageEnd()
    oprot.trans.flush()
    name, mtype, seqid = iprot.readMessageBegin()
    if mtype == TMessageType.EXCEPTION:
        x = TApplicationException()
        x.read(iprot)
        iprot.readMessageEnd()
        print("deletePerson ->", x)


def main():
    port, proto, transport = int(sys.argv[2]), sys.argv[3], sys.argv[4]
    multiplexed = len(sys.argv) > 5 and sys.argv[5] == "multiplexed"
    if transport == "header":
        H = THeaderTransport
        trans = TSocket.TSocket("127.0.0.1", port)
        sub = H.THeaderSubprotocolID.COMPACT if proto == "compact" else H.THeaderSubprotocolID.BINARY
        protocol = THeaderProtocol.THeaderProtocol(trans, allowed_client_types=(H.THeaderClientType.HEADERS,), default_protocol=sub)
        protocol.set_header(b"client", b"client.py")
        if len(sys.argv) > 5 and sys.argv[5] == "zlib":
            protocol.add_transform(H.THeaderTransformID.ZLIB)
    elif transport == "http":
        trans = THttpClient.THttpClient("http://127.0.0.1:%d/person" % port)
    else:
        sock = TSocket.TSocket("127.0.0.1", port)
        trans = TTransport.TBufferedTransport(sock) if transport == "buffered" else TTransport.TFramedTransport(sock)
    if transport != "header":
        protocol = {"binary": TBinaryProtocol.TBinaryProtocol, "compact": TCompactProtocol.TCompactProtocol, "json": TJSONProtocol.TJSONProtocol}[proto](trans)
    if multiplexed:
        protocol = TMultiplexedProtocol(protocol, "PersonApi")
    client = PersonApi.Client(protocol)
    trans.open()
    person = Person(
        id="", name="Ada Lovelace", email="ada@example.org", age=36, avatar=bytes(range(0, 48)),
        verified=True, score=97.5, createdMs=1700000000123, tags=["math", "poetry"],
        attributes={"lang": "en", "city": "London"}, groups={1, 7, -3}, level=-5,
    )
    pid = client.signup(person)
    print("signup ->", pid)
    print("readPerson ->", client.readPerson(pid))
    client.trackEvent("viewed", {"page": "profile"})
    print("add ->", client.addItemToUsersItemsList(pid, "456"))
    print("modifyItem ->", client.modifyItem("456", Item(key="456", title="Espresso machine", price=129.5, tags=["kitchen", "coffee"])))
    print("list ->", client.readUsersItemsList(pid))
    client.removeItem("456")
    print("resign ->", client.resign(pid))
    try:
        client.readPerson(pid)
    except NotFound as e:
        print("readPerson ->", repr(e))
    delete_person(client, pid)
    trans.close()


main()
