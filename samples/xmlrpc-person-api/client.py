"""Walks the Person API over XML-RPC, on one keep-alive connection.

Run: /usr/bin/python3 client.py URL     e.g. http://[::1]:8020/RPC2
"""
import datetime
import sys
import xmlrpc.client

proxy = xmlrpc.client.ServerProxy(sys.argv[1], allow_none=True, use_builtin_types=True)


def show(label, call):
    try:
        print(f"{label} -> {call()!r}")
    except xmlrpc.client.Fault as fault:
        print(f"{label} -> fault {fault.faultCode}: {fault.faultString}")


show("system.listMethods()", lambda: proxy.system.listMethods())
person = {
    "name": "Alice",
    "email": "alice@example.org",
    "birthday": datetime.datetime(1990, 7, 14, 0, 0, 0),  # dateTime.iso8601
    "avatar": bytes(range(0, 48)),  # base64
    "newsletter": True,  # boolean
    "middleName": None,  # nil
    "heightM": 1.68,  # double
}
show("signup(person)", lambda: proxy.signup(person))
show("readPerson('1234')", lambda: proxy.readPerson("1234"))
show("addItemToUsersItemsList('1234', '456')", lambda: proxy.addItemToUsersItemsList("1234", "456"))
show(
    "modifyItem('456', {...})",
    lambda: proxy.modifyItem("456", {"key": "value", "title": "Bike", "price": 129.5, "tags": ["sport", "outdoor"]}),
)

# Several calls in one HTTP request: system.multicall. One of them fails (unknown person):
# the failure comes back as a fault struct inside the result array, the others still succeed.
multi = xmlrpc.client.MultiCall(proxy)
for itemid, title in (("457", "Helmet"), ("458", "Lock"), ("459", "Pump"), ("460", "Bell")):
    multi.addItemToUsersItemsList("1234", itemid)
    multi.modifyItem(itemid, {"title": title, "price": 19.9, "description": f"A {title.lower()} for the bike"})
multi.readPerson("9999")
try:
    for i, result in enumerate(multi()):
        print(f"multicall[{i}] -> {result!r}")
except xmlrpc.client.Fault as fault:
    print(f"multicall -> fault {fault.faultCode}: {fault.faultString}")

show("readUsersItemsList('1234')", lambda: proxy.readUsersItemsList("1234"))  # large: gzip-encoded response
show("removeItem('456')", lambda: proxy.removeItem("456"))
show("resign('1234')", lambda: proxy.resign("1234"))
show("readPerson('1234')", lambda: proxy.readPerson("1234"))  # fault 404
show("deletePerson('1234')", lambda: proxy.deletePerson("1234"))  # fault: method not supported
