"""fastapi-forms-lab.py PORT WORKSPACE: FastAPI 0.92 endpoints taking Form(), File() and UploadFile
(python3-multipart reads them) on uvicorn (127.0.0.1:PORT, in a thread), called by curl
(--data-urlencode, -F) and httpx (data=, files=), then stopped (and in any case after 100 s). FastAPI
writes a form-only endpoint's body as `application/x-www-form-urlencoded` and one with a file as
`multipart/form-data` (`Body_<operation>` schemas; a file `format: binary`, a list of files an array
of them). Writes the served /openapi.json into WORKSPACE and one JSON line per call (as fastapi-lab.py).
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from typing import List, Optional

import httpx
import uvicorn
from fastapi import FastAPI, File, Form, UploadFile

PORT, WORKSPACE = int(sys.argv[1]), sys.argv[2]
BASE = f"http://127.0.0.1:{PORT}"
app = FastAPI(title="Forms", version="1.0.0")


@app.post("/login", tags=["forms"])
def login(username: str = Form(..., min_length=3), password: str = Form(...), remember: bool = Form(False), ttl: int = Form(3600, ge=60, le=86400)):
    return {"user": username, "remember": remember, "ttl": ttl}


@app.post("/profiles/{pid}/avatar", status_code=201, tags=["forms"])
async def avatar(pid: int, file: UploadFile = File(...), caption: str = Form(..., max_length=20), crop: int = Form(0, ge=0)):
    data = await file.read()
    return {"pid": pid, "name": file.filename, "type": file.content_type, "size": len(data), "caption": caption, "crop": crop}


@app.post("/batch", status_code=201, tags=["forms"])
async def batch(files: List[UploadFile] = File(...), tags: List[str] = Form([]), note: Optional[str] = Form(None, max_length=10)):
    sizes = [len(await f.read()) for f in files]
    return {"sizes": sizes, "tags": tags, "note": note}


def log(method, path, status, op, invalid=None, expect=None):
    line = {"method": method, "path": path, "status": status, "operationId": op, "invalid": invalid}
    if expect:
        line["expect"] = expect
    print(json.dumps(line), flush=True)


def E(has, why):
    return {"has": has, "why": why}


def curl(method, path, op, *args, invalid=None, expect=None):
    r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", method, *args, BASE + path], capture_output=True, text=True, timeout=20)
    log(method, path, int(r.stdout or 0), op, invalid, expect)


def main():
    config = uvicorn.Config(app, host="127.0.0.1", port=PORT, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    threading.Timer(100, lambda: os._exit(3)).start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=BASE, timeout=10) as c, tempfile.TemporaryDirectory() as tmp:
            r = c.get("/openapi.json")
            with open(os.path.join(WORKSPACE, "openapi.json"), "w") as f:
                f.write(r.text)
            log("GET", "/openapi.json", r.status_code, None)
            png = os.path.join(tmp, "me.png")
            with open(png, "wb") as f:
                f.write(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 6)
            L, A, B = "login_login_post", "avatar_profiles__pid__avatar_post", "batch_batch_post"
            curl("POST", "/login", L, "--data-urlencode", "username=ada", "--data-urlencode", "password=s3cr3t&=", "-d", "remember=true", "-d", "ttl=600")
            curl("POST", "/login", L, "--data-urlencode", "username=al", "-d", "ttl=10", invalid="username too short, password missing, ttl under 60 (422)",
                 expect=[E("request body /username must NOT have fewer than 3", "min_length"), E("request body (root) must have required property 'password'", "required"), E("request body /ttl must be >= 60", "ge")])
            curl("POST", "/profiles/1/avatar", A, "-F", f"file=@{png};type=image/png", "-F", "caption=me at home", "-F", "crop=4")
            curl("POST", "/profiles/1/avatar", A, "-F", "caption=a caption far too long here", "-F", "crop=-1", invalid="file missing, caption over 20, crop negative (422)",
                 expect=[E("request body (root) must have required property 'file'", "File(...)"), E("request body /caption must NOT have more than 20", "max_length"), E("request body /crop must be >= 0", "ge")])
            r = c.post("/login", data={"username": "grace", "password": "pw", "remember": "false"}); log("POST", "/login", r.status_code, L)
            r = c.post("/login", data={"username": "grace", "password": "pw", "remember": "perhaps"}); log("POST", "/login", r.status_code, L, "remember not a boolean (422)", [E("request body /remember must be boolean", "bool")])
            with open(png, "rb") as f:
                r = c.post("/batch", files=[("files", ("a.png", f.read(), "image/png")), ("files", ("b.txt", b"hello\n" * 300, "text/plain"))], data={"tags": ["x", "y"], "note": "two"})
            log("POST", "/batch", r.status_code, B)
            r = c.post("/batch", files=[("files", ("c.bin", os.urandom(2048), "application/octet-stream"))], data={"note": "longer than ten"})
            log("POST", "/batch", r.status_code, B, "note over 10 (422)", [E("request body /note must NOT have more than 10", "max_length")])
    finally:
        server.should_exit = True
        time.sleep(0.5)
        os._exit(0)


main()
