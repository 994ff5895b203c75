"""styles-lab.py MODE PORT WORKSPACE: a small API on Python's http.server (127.0.0.1:PORT, in a thread)
that reads every OpenAPI parameter style and form bodies its own way (stdlib only: urllib.parse for
queries and urlencoded bodies, the email package for multipart/form-data), answering what it read
(JSON) or 400 when it cannot read a value; called by curl (-G --data-urlencode, -F, -b, -H) and,
in MODE oas3, by styles-client.mjs (Node's fetch, URLSearchParams, FormData and Blob, serialising
as a generated client does); then stopped (and in any case after 100 s).
MODE oas3: styles-openapi.yaml (OpenAPI 3.0.3, /v1); MODE swagger: styles-swagger.yaml (2.0, /v2).
Copies the document it serves into WORKSPACE and prints one JSON line per call: {"method", "path",
"status", "operationId", "invalid": what the client broke on purpose, "expect": [...]}.
"""
import email.parser
import email.policy
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE, PORT, WORKSPACE = sys.argv[1], int(sys.argv[2]), sys.argv[3]
HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(HERE, "styles-openapi.yaml" if MODE == "oas3" else "styles-swagger.yaml")
BASE = f"http://127.0.0.1:{PORT}"


class Bad(Exception):
    pass


def integer(text, what):
    try:
        return int(text)
    except (TypeError, ValueError):
        raise Bad(f"{what}: not an integer: {text!r}")


def pairs(items, what):
    if len(items) % 2:
        raise Bad(f"{what}: not name,value pairs")
    return {items[i]: items[i + 1] for i in range(0, len(items), 2)}


def multipart(ctype, body):
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
    parts = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        parts.setdefault(name, []).append({"filename": part.get_filename(), "type": part.get_content_type(), "size": len(data), "data": data})
    return parts


def read_oas3(h, method, path, query, body):
    q = urllib.parse.parse_qsl(query, keep_blank_values=True)
    cookies = dict(c.strip().split("=", 1) for c in (h.headers.get("Cookie") or "").split(";") if "=" in c)
    if method == "GET" and path == "/v1/people":
        out = {"filter": {}}
        for k, v in q:
            m = re.fullmatch(r"filter\[(\w+)\]", k)
            if m:
                out["filter"][m.group(1)] = integer(v, "filter[age]") if m.group(1) == "age" else v
            elif k == "sort":
                out["sort"] = v.split("|")
            elif k == "ids":
                out["ids"] = [integer(x, "ids") for x in v.split(" ")]
            elif k == "color":
                out["color"] = {n: integer(x, "color") for n, x in pairs(v.split(","), "color").items()}
            elif k in ("offset", "size"):
                out[k] = integer(v, k)
            elif k == "fields":
                out["fields"] = v.split(",")
        return "listPeople", 200, out
    if method == "POST" and path == "/v1/people":
        f = {}
        for k, v in urllib.parse.parse_qsl(body.decode(), keep_blank_values=True):
            f.setdefault(k, []).append(v)
        if "name" not in f or "age" not in f:
            raise Bad("name and age are required")
        out = {"name": f["name"][0], "age": integer(f["age"][0], "age"), "tags": f.get("tags", [])}
        if "langs" in f:
            out["langs"] = f["langs"][0].split(",")
        out["address"] = {m.group(1): v[0] for k, v in f.items() if (m := re.fullmatch(r"address\[(\w+)\]", k))}
        return "createPerson", 201, out
    if method == "GET" and path == "/v1/search":
        q = dict(q)
        if "q" not in q:
            raise Bad("q is required")
        return "search", 200, {"q": json.loads(q["q"])}
    m = re.fullmatch(r"/v1/people/([^/]+)/photos", path)
    if method == "POST" and m:
        parts = multipart(h.headers.get("Content-Type", ""), body)
        if "photo" not in parts or "meta" not in parts:
            raise Bad("photo and meta are required")
        meta = json.loads(parts["meta"][0]["data"] or b"null")
        out = {"id": integer(m.group(1), "id"), "meta": meta, "parts": {k: [{"filename": p["filename"], "type": p["type"], "size": p["size"]} for p in v] for k, v in parts.items()}}
        if "rating" in parts:
            out["rating"] = integer(parts["rating"][0]["data"].decode(), "rating")
        return "addPhotos", 201, out
    m = re.fullmatch(r"/v1/people/([^/]+)", path)
    if m:
        seg = urllib.parse.unquote(m.group(1))
        if not seg.startswith(";id="):
            raise Bad("id: not ;id=N")
        return "getPerson", 200, {"id": integer(seg[4:], "id")}
    m = re.fullmatch(r"/v1/(teams|groups)/([^/]+)", path)
    if m:
        seg = m.group(2)
        if m.group(1) == "teams":
            ids = [integer(urllib.parse.unquote(x[4:]), "ids") for x in seg.split(";")[1:] if x.startswith("ids=")]
        else:
            ids = [integer(urllib.parse.unquote(x), "ids") for x in seg[len(";ids="):].split(",")] if seg.startswith(";ids=") else []
        if not ids:
            raise Bad("ids: none read")
        return "getTeams" if m.group(1) == "teams" else "getGroups", 200, {"ids": ids}
    m = re.fullmatch(r"/v1/shelves/\.([^/]*)", path)
    if m:
        return "getShelves", 200, {"pos": [integer(x, "pos") for x in m.group(1).split(".")]}
    m = re.fullmatch(r"/v1/points/([^/]+)", path)
    if m:
        point = {k: float(v) for k, v in (x.split("=", 1) for x in urllib.parse.unquote(m.group(1)).split(","))}
        out = {"point": point}
        if h.headers.get("X-Range"):
            out["range"] = pairs([x.strip() for x in h.headers["X-Range"].split(",")], "X-Range")
        if h.headers.get("X-Tags"):
            out["tags"] = [x.strip() for x in h.headers["X-Tags"].split(",")]
        if "prefs" in cookies:
            out["prefs"] = pairs(cookies["prefs"].split(","), "prefs")
        if "seen" in cookies:
            out["seen"] = [integer(x, "seen") for x in cookies["seen"].split(",")]
        return "getPoint", 200, out
    return None, 404, {"error": "no such path"}


def read_swagger(h, method, path, query, body):
    ctype = h.headers.get("Content-Type", "")
    m = re.fullmatch(r"/v2/items/(\d+)", path)
    if m and method in ("PUT", "PATCH"):
        return ("replaceItem" if method == "PUT" else "patchItem"), 200, {"id": int(m.group(1)), "item": json.loads(body or b"null")}
    m = re.fullmatch(r"/v2/items/(\d+)/images", path)
    if m and method == "POST":
        parts = multipart(ctype, body)
        if "image" not in parts or "caption" not in parts:
            raise Bad("image and caption are required")
        out = {"id": int(m.group(1)), "caption": parts["caption"][0]["data"].decode(), "image": {"filename": parts["image"][0]["filename"], "size": parts["image"][0]["size"]}}
        if "width" in parts:
            out["width"] = integer(parts["width"][0]["data"].decode(), "width")
        if "tags" in parts:
            out["tags"] = parts["tags"][0]["data"].decode().split(",")
        return "addImage", 201, out
    if path == "/v2/notes" and method == "POST":
        f = {}
        for k, v in urllib.parse.parse_qsl(body.decode(), keep_blank_values=True):
            f.setdefault(k, []).append(v)
        if "text" not in f:
            raise Bad("text is required")
        out = {"text": f["text"][0], "labels": f.get("labels", [])}
        if "priority" in f:
            out["priority"] = integer(f["priority"][0], "priority")
        return "addNote", 201, out
    return None, 404, {"error": "no such path"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def handle_one(self, method):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        path, _, query = self.path.partition("?")
        if path in ("/openapi.yaml", "/swagger.yaml"):
            return self.send(200, open(DOC, "rb").read(), "application/yaml")
        try:
            op, status, out = (read_oas3 if MODE == "oas3" else read_swagger)(self, method, path, query, body)
            res = {"operation": op, "read": out} if op else out
        except (Bad, ValueError, KeyError) as e:
            status, res = 400, {"error": str(e)}
        self.send(status, json.dumps(res).encode(), "application/json")

    def send(self, status, data, ctype):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.handle_one("GET")

    def do_POST(self):
        self.handle_one("POST")

    def do_PUT(self):
        self.handle_one("PUT")

    def do_PATCH(self):
        self.handle_one("PATCH")


def log(method, path, status, op, invalid=None, expect=None):
    line = {"method": method, "path": path, "status": status, "operationId": op, "invalid": invalid}
    if expect:
        line["expect"] = expect
    print(json.dumps(line), flush=True)


def curl(method, path, op, *args, invalid=None, expect=None):
    r = subprocess.run(["curl", "-sg", "-o", "/dev/null", "-w", "%{http_code}", "-X", method, *args, BASE + path], capture_output=True, text=True, timeout=20)
    log(method, path, int(r.stdout or 0), op, invalid, expect)


def E(has, why):
    return {"has": has, "why": why}


def oas3_calls(tmp):
    png = os.path.join(tmp, "photo.png")
    gif = os.path.join(tmp, "photo.gif")
    with open(png, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    with open(gif, "wb") as f:
        f.write(b"GIF89a" + b"\0" * 100)
    curl("GET", "/openapi.yaml", None)
    # query: deepObject, pipeDelimited, spaceDelimited, form explode false object, exploded object, form array
    curl("GET", "/v1/people", "listPeople", "-G", "--data-urlencode", "filter[name]=Ada", "--data-urlencode", "filter[age]=36", "--data-urlencode", "sort=name|-age",
         "--data-urlencode", "ids=3 4 5", "--data-urlencode", "color=R,100,G,200,B,150", "-d", "offset=0", "-d", "size=20", "-d", "fields=id,name")
    curl("GET", "/v1/people", "listPeople", "-G", "--data-urlencode", "filter[age]=200", "--data-urlencode", "filter[nick]=x",
         invalid="query: filter[age] over 150, filter[nick] not a property", expect=[E("filter/age must be <= 150", "maximum"), E('filter has unexpected property "nick"', "additionalProperties: false")])
    curl("GET", "/v1/people", "listPeople", "-G", "--data-urlencode", "sort=name|height", "--data-urlencode", "ids=1 2 3 4 5 6", "--data-urlencode", "color=R,300,G,1,B,2", "-d", "size=500",
         invalid="query: sort enum, six ids, R over 255, size over 100",
         expect=[E("sort/1 must be one of", "enum"), E("ids must NOT have more than 5 items", "maxItems"), E("color/R must be <= 255", "maximum"), E("page/size must be <= 100", "exploded object")])
    curl("GET", "/v1/people", "listPeople", "-G", "--data-urlencode", "color=R,1,G", invalid="query: color not name,value pairs", expect=[E("color is not name,value pairs", "odd count")])
    # a parameter described by content (JSON in the query)
    curl("GET", "/v1/search", "search", "-G", "--data-urlencode", 'q={"term":"ada","limit":5}')
    curl("GET", "/v1/search", "search", "-G", "--data-urlencode", 'q={"term":"","limit":99}', invalid="query: q.term empty, q.limit over 50",
         expect=[E("query parameter q/term must NOT have fewer than 1", "minLength"), E("query parameter q/limit must be <= 50", "maximum")])
    curl("GET", "/v1/search", "search", "-G", "--data-urlencode", "q=ada", invalid="query: q not JSON (400)", expect=[E("query parameter q is not application/json", "content")])
    # path: matrix, matrix arrays, label
    curl("GET", "/v1/people/;id=7", "getPerson")
    curl("GET", "/v1/people/7", "getPerson", invalid="path: id without ;id=", expect=[E("path parameter id is not written ;id=value", "matrix")])
    curl("GET", "/v1/people/;id=0", "getPerson", invalid="path: id 0", expect=[E("path parameter id must be >= 1", "minimum")])
    curl("GET", "/v1/teams/;ids=3;ids=4;ids=5", "getTeams")
    curl("GET", "/v1/groups/;ids=3,4,5", "getGroups")
    curl("GET", "/v1/groups/;ids=3,x", "getGroups", invalid="path: ids/1 not an integer", expect=[E("path parameter ids/1 must be integer", "type")])
    curl("GET", "/v1/shelves/.3.4.5", "getShelves")
    curl("GET", "/v1/shelves/.3.400", "getShelves", invalid="path: pos/1 over 99", expect=[E("path parameter pos/1 must be <= 99", "maximum")])
    # simple object in the path, header object and array, cookie object and array
    curl("GET", "/v1/points/x=1.5,y=-2", "getPoint", "-H", "X-Range: min,1,max,5", "-H", "X-Tags: a, b", "-b", "prefs=theme,dark,size,12; seen=3,4")
    curl("GET", "/v1/points/x=1.5", "getPoint", "-H", "X-Range: min,1,max,50", "-H", "X-Tags: averylongtag", "-b", "prefs=theme,blue,size,4; seen=3,x",
         invalid="path: y missing; header max over 10, a tag over 8; cookie theme, size, seen",
         expect=[E("path parameter point must have required property 'y'", "required"), E("header parameter X-Range/max must be <= 10", "maximum"), E("header parameter X-Tags/0 must NOT have more than 8", "maxLength"),
                 E("cookie parameter prefs/theme must be one of", "enum"), E("cookie parameter prefs/size must be >= 8", "minimum"), E("cookie parameter seen/1 must be integer", "type")])
    # urlencoded bodies (curl --data-urlencode)
    curl("POST", "/v1/people", "createPerson", "--data-urlencode", "name=Ada Lovelace", "-d", "age=36", "--data-urlencode", "email=ada@example.org", "-d", "newsletter=true",
         "-d", "tags=math", "-d", "tags=poetry", "-d", "langs=en,fr", "--data-urlencode", "address[city]=London", "--data-urlencode", "address[zip]=12345")
    curl("POST", "/v1/people", "createPerson", "--data-urlencode", "name=A", "-d", "age=36", "-d", "newsletter=yes", "-d", "langs=en,es", "--data-urlencode", "address[zip]=1",
         invalid="name too short, newsletter not a boolean, langs/1, address without city, zip pattern",
         expect=[E("request body /name must NOT have fewer than 2", "minLength"), E("request body /newsletter must be boolean", "type"), E("request body /langs/1 must be one of", "enum"),
                 E("request body /address must have required property 'city'", "required")])
    curl("POST", "/v1/people", "createPerson", "--data-urlencode", "name=Bob", "-d", "age=x", invalid="age not an integer (400)", expect=[E("request body /age must be integer", "type")])
    # multipart (curl -F)
    curl("POST", "/v1/people/7/photos", "addPhotos", "-F", f"photo=@{png};type=image/png", "-F", f"thumbnails=@{png};type=image/png", "-F", f"thumbnails=@{png};type=image/png",
         "-F", 'meta={"caption":"at the lake","taken":"2026-11-23T08:00:00Z"};type=application/json', "-F", "rating=4", "-F", "tags=lake", "-F", "tags=summer")
    curl("POST", "/v1/people/7/photos", "addPhotos", "-F", f"photo=@{gif};type=image/gif", "-F", 'meta={"caption":"' + "x" * 50 + '"};type=application/json', "-F", "rating=9",
         invalid="photo a gif, caption over 40, rating over 5",
         expect=[E('request body part "photo" is image/gif', "encoding contentType"), E("request body /meta/caption must NOT have more than 40", "maxLength"), E("request body /rating must be <= 5", "maximum")])
    curl("POST", "/v1/people/7/photos", "addPhotos", "-F", "rating=3", invalid="photo and meta missing (400)",
         expect=[E("request body (root) must have required property 'photo'", "required"), E("request body (root) must have required property 'meta'", "required")])


def swagger_calls(tmp):
    jpg = os.path.join(tmp, "image.jpg")
    with open(jpg, "wb") as f:
        f.write(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    curl("GET", "/swagger.yaml", None)
    j = ["-H", "Content-Type: application/json"]
    curl("PUT", "/v2/items/1", "replaceItem", *j, "-d", '{"title":"Lamp","price":19.5}')
    curl("PUT", "/v2/items/1", "replaceItem", *j, "-d", '{"title":"Lamp"}', invalid="price missing (the path item's body)", expect=[E("request body (root) must have required property 'price'", "path-item body")])
    curl("PATCH", "/v2/items/1", "patchItem", *j, "-d", '{"price":12}')
    curl("PATCH", "/v2/items/1", "patchItem", *j, "-d", '{"price":-1,"colour":"red"}', invalid="negative price, unknown colour (the operation's own body)",
         expect=[E("request body /price must be >= 0", "minimum"), E('request body (root) has unexpected property "colour"', "additionalProperties")])
    curl("POST", "/v2/items/1/images", "addImage", "-F", f"image=@{jpg};type=image/jpeg", "-F", "caption=front", "-F", "width=1024", "-F", "tags=lamp,desk")
    curl("POST", "/v2/items/1/images", "addImage", "-F", f"image=@{jpg};type=image/jpeg", "-F", "width=5000", "-F", "tags=lamp,averylongtagname",
         invalid="caption missing (path item), width over 4000 (the operation's), a tag over 10",
         expect=[E("request body (root) must have required property 'caption'", "path-item formData"), E("request body /width must be <= 4000", "operation's width"), E("request body /tags/1 must NOT have more than 10", "csv")])
    curl("POST", "/v2/items/1/images", "addImage", "-F", "caption=no image", invalid="image missing (400)", expect=[E("request body (root) must have required property 'image'", "type: file")])
    curl("POST", "/v2/notes", "addNote", "--data-urlencode", "text=buy milk", "-d", "priority=2", "-d", "labels=home", "-d", "labels=work", "-d", "pinned=true")
    curl("POST", "/v2/notes", "addNote", "-d", "priority=9", "-d", "labels=garden", "-d", "pinned=maybe", invalid="text missing (400), priority over 5, label, pinned",
         expect=[E("request body (root) must have required property 'text'", "path-item formData"), E("request body /priority must be <= 5", "maximum"), E("request body /labels/0 must be one of", "multi"), E("request body /pinned must be boolean", "type")])


def main():
    import shutil
    import tempfile

    server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Timer(100, server.shutdown).start()
    shutil.copy(DOC, os.path.join(WORKSPACE, os.path.basename(DOC)))
    with tempfile.TemporaryDirectory() as tmp:
        try:
            if MODE == "oas3":
                oas3_calls(tmp)
                r = subprocess.run(["node", os.path.join(HERE, "styles-client.mjs"), BASE], capture_output=True, text=True, timeout=60)
                sys.stdout.write(r.stdout)
                sys.stderr.write(r.stderr)
            else:
                swagger_calls(tmp)
        finally:
            time.sleep(0.3)
            server.shutdown()
            os._exit(0)


main()
