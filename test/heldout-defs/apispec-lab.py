"""apispec-lab.py PORT WORKSPACE: a Flask parcel-tracking API under /api/v2 whose documents apispec
writes from its marshmallow schemas and the views' YAML docstrings, in the three versions apispec 5
knows: Swagger 2.0 (`basePath`, `x-nullable`, body parameters), OpenAPI 3.0.3 (`servers` with the
prefix, `nullable`) and OpenAPI 3.1.0 (`type: [X, 'null']`). Serves them at /api/v2/spec/<v>.json,
calls every operation with httpx (valid and invalid bodies, answered by Flask with the marshmallow
errors), writes each document as the client fetched it into WORKSPACE/<v>/ and one JSON line per call
to stdout: {"method", "path", "status", "operationId", "invalid"}. Stops by itself.
"""
import json
import sys
import threading
import time

import httpx
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.yaml_utils import load_yaml_from_docstring
from flask import Blueprint, Flask, jsonify, request
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.serving import make_server

PORT = int(sys.argv[1])
WORKSPACE = sys.argv[2]


class AddressSchema(Schema):
    street = fields.String(required=True, validate=validate.Length(min=1, max=80))
    city = fields.String(required=True)
    postcode = fields.String(validate=validate.Regexp(r"^[0-9]{5}$"))
    country = fields.String(load_default="FR", validate=validate.OneOf(["FR", "DE", "ES", "IT"]))


class ParcelInSchema(Schema):
    sender = fields.Nested(AddressSchema, required=True)
    recipient = fields.Nested(AddressSchema, required=True)
    weight_kg = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False, max=30))
    declared_value = fields.Decimal(as_string=True, allow_none=True)
    fragile = fields.Boolean(load_default=False)
    reference = fields.String(allow_none=True, validate=validate.Length(max=20))
    insured_by = fields.Nested(AddressSchema, allow_none=True)
    tags = fields.List(fields.String(), validate=validate.Length(max=3))
    size = fields.String(allow_none=True, validate=validate.OneOf(["S", "M", "L"]))


class ParcelSchema(ParcelInSchema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["created", "in_transit", "delivered", "lost"]))
    created_at = fields.DateTime(required=True)
    delivered_on = fields.Date(allow_none=True)
    tracking_url = fields.Url(allow_none=True)
    courier_id = fields.UUID(allow_none=True)
    attempts = fields.Integer(validate=validate.Range(min=0, max=5))
    events = fields.List(fields.Nested(lambda: EventSchema()))


class EventSchema(Schema):
    at = fields.DateTime(required=True)
    where = fields.String(allow_none=True)
    code = fields.Integer(required=True, validate=validate.Range(min=100, max=999))


class StatusPatchSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["in_transit", "delivered", "lost"]))
    note = fields.String(allow_none=True)


class NoteSchema(Schema):
    """One schema both ways, as apispec's docs use them: `id` is dump_only (readOnly), `pin`
    load_only (writeOnly), both required: apispec lists them in `required`."""

    id = fields.Integer(dump_only=True, required=True)
    text = fields.String(required=True, validate=validate.Length(min=1))
    pin = fields.String(load_only=True, required=True, validate=validate.Length(equal=4))


class ErrorSchema(Schema):
    code = fields.Integer(required=True)
    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String())


bp = Blueprint("parcels", __name__, url_prefix="/api/v2")
PARCELS = {}


def err(code, message, errors=None):
    body = {"code": code, "message": message}
    if errors is not None:
        body["errors"] = errors
    return jsonify(body), code


@bp.route("/parcels", methods=["POST"])
def create_parcel():
    """Create a parcel.
    ---
    post:
      operationId: createParcel
      tags: [parcels]
      requestBody:
        required: true
        content:
          application/json:
            schema: ParcelInSchema
      responses:
        201:
          description: created
          content:
            application/json:
              schema: ParcelSchema
        400:
          description: invalid parcel
          content:
            application/json:
              schema: ErrorSchema
    """
    try:
        data = ParcelInSchema().load(request.get_json())
    except ValidationError as e:
        return err(400, "invalid parcel", e.messages)
    pid = len(PARCELS) + 1
    p = dict(request.get_json(), id=pid, status="created", created_at="2026-11-23T05:10:00+00:00", delivered_on=None, tracking_url=None, courier_id=None, attempts=0, events=[])
    p.setdefault("fragile", data["fragile"])
    PARCELS[pid] = p
    return jsonify(p), 201


@bp.route("/parcels", methods=["GET"])
def list_parcels():
    """List parcels.
    ---
    get:
      operationId: listParcels
      tags: [parcels]
      parameters:
        - in: query
          name: status
          schema: { type: string, enum: [created, in_transit, delivered, lost] }
        - in: query
          name: limit
          schema: { type: integer, minimum: 1, maximum: 50, default: 20 }
      responses:
        200:
          description: parcels
          content:
            application/json:
              schema:
                type: array
                items: ParcelSchema
    """
    st = request.args.get("status")
    return jsonify([p for p in PARCELS.values() if not st or p["status"] == st])


@bp.route("/parcels/<int:parcel_id>", methods=["GET"])
def get_parcel(parcel_id):
    """Get a parcel.
    ---
    get:
      operationId: getParcel
      tags: [parcels]
      parameters:
        - in: path
          name: parcel_id
          required: true
          schema: { type: integer }
      responses:
        200:
          description: the parcel
          content:
            application/json:
              schema: ParcelSchema
        404:
          description: no such parcel
          content:
            application/json:
              schema: ErrorSchema
    """
    p = PARCELS.get(parcel_id)
    if not p:
        return err(404, f"no parcel {parcel_id}")
    return jsonify(p)


@bp.route("/parcels/<int:parcel_id>/status", methods=["PUT"])
def put_status(parcel_id):
    """Change a parcel's status.
    ---
    put:
      operationId: setParcelStatus
      tags: [parcels]
      parameters:
        - in: path
          name: parcel_id
          required: true
          schema: { type: integer }
      requestBody:
        content:
          application/json:
            schema: StatusPatchSchema
      responses:
        200:
          description: the parcel
          content:
            application/json:
              schema: ParcelSchema
        400:
          description: invalid status
          content:
            application/json:
              schema: ErrorSchema
    """
    try:
        data = StatusPatchSchema().load(request.get_json())
    except ValidationError as e:
        return err(400, "invalid status", e.messages)
    p = PARCELS[parcel_id]
    p["status"] = data["status"]
    p["attempts"] += 1
    p["events"].append({"at": "2026-11-23T05:20:00+00:00", "where": data.get("note"), "code": 200 + p["attempts"]})
    if data["status"] == "delivered":
        p["delivered_on"] = "2026-11-23"
        p["tracking_url"] = "https://track.example/p/1"
        p["courier_id"] = "8f14e45f-ceea-467f-a1e6-bb0c5e3a3d11"
    return jsonify(p)


@bp.route("/parcels/<int:parcel_id>", methods=["DELETE"])
def delete_parcel(parcel_id):
    """Delete a parcel.
    ---
    delete:
      operationId: deleteParcel
      tags: [parcels]
      parameters:
        - in: path
          name: parcel_id
          required: true
          schema: { type: integer }
      responses:
        204:
          description: deleted
    """
    PARCELS.pop(parcel_id, None)
    return "", 204


NOTES = {}


@bp.route("/notes", methods=["POST"])
def create_note():
    """Leave a note for the courier.
    ---
    post:
      operationId: createNote
      tags: [notes]
      requestBody:
        content:
          application/json:
            schema: NoteSchema
      responses:
        201:
          description: the note
          content:
            application/json:
              schema: NoteSchema
        400:
          description: invalid note
          content:
            application/json:
              schema: ErrorSchema
    """
    try:
        data = NoteSchema().load(request.get_json())
    except ValidationError as e:
        return err(400, "invalid note", e.messages)
    nid = len(NOTES) + 1
    NOTES[nid] = dict(data, id=nid)
    return jsonify(NoteSchema().dump(NOTES[nid])), 201


@bp.route("/notes/<int:note_id>", methods=["GET"])
def get_note(note_id):
    """Read a note.
    ---
    get:
      operationId: getNote
      tags: [notes]
      parameters:
        - in: path
          name: note_id
          required: true
          schema: { type: integer }
      responses:
        200:
          description: the note
          content:
            application/json:
              schema: NoteSchema
    """
    return jsonify(NoteSchema().dump(NOTES[note_id]))


VIEWS = [create_parcel, list_parcels, get_parcel, put_status, delete_parcel, create_note, get_note]


def make_spec(version):
    major = version.split(".")[0]
    spec = APISpec(
        title="Parcels",
        version="2.1.0",
        openapi_version=version,
        plugins=[MarshmallowPlugin()],
        **({"basePath": "/api/v2", "host": f"127.0.0.1:{PORT}", "schemes": ["http"], "produces": ["application/json"], "consumes": ["application/json"]} if major == "2" else {"servers": [{"url": "http://{host}:{port}/api/v2", "variables": {"host": {"default": "127.0.0.1"}, "port": {"default": str(PORT)}}}]}),
    )
    for name, s in [("Address", AddressSchema), ("ParcelIn", ParcelInSchema), ("Event", EventSchema), ("Parcel", ParcelSchema), ("StatusPatch", StatusPatchSchema), ("Note", NoteSchema), ("Error", ErrorSchema)]:
        spec.components.schema(name, schema=s)
    for view in VIEWS:
        ops = load_yaml_from_docstring(view.__doc__)
        if major == "2":
            ops = to_swagger2(ops)
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == f"parcels.{view.__name__}")
        path = rule.rule.replace("/api/v2", "").replace("<int:parcel_id>", "{parcel_id}").replace("<int:note_id>", "{note_id}")
        spec.path(path=path, operations=ops)
    return spec.to_dict()


def to_swagger2(ops):
    """The same operations in Swagger 2.0 terms: a body parameter, `schema` on each response."""
    out = {}
    for method, op in ops.items():
        op = dict(op)
        params = []
        for p in op.get("parameters", []):
            p = dict(p)
            p.update(p.pop("schema", {}))
            params.append(p)
        rb = op.pop("requestBody", None)
        if rb:
            params.append({"in": "body", "name": "body", "required": rb.get("required", False), "schema": rb["content"]["application/json"]["schema"]})
        if params:
            op["parameters"] = params
        op["responses"] = {k: ({"description": v["description"], "schema": v["content"]["application/json"]["schema"]} if "content" in v else v) for k, v in op["responses"].items()}
        out[method] = op
    return out


app = Flask(__name__)
app.register_blueprint(bp)
DOCS = {}


@app.route("/api/v2/spec/<v>.json")
def spec_json(v):
    return DOCS[v]


def main():
    for v in ["2.0", "3.0.3", "3.1.0"]:
        DOCS[v] = make_spec(v)
    srv = make_server("127.0.0.1", PORT, app, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    log = lambda m, p, r, op, invalid=None: print(json.dumps({"method": m, "path": p, "status": r.status_code, "operationId": op, "invalid": invalid}), flush=True)
    with httpx.Client(base_url=f"http://127.0.0.1:{PORT}/api/v2", timeout=10) as c:
        for v in ["2.0", "3.0.3", "3.1.0"]:
            r = c.get(f"/spec/{v}.json")
            with open(f"{WORKSPACE}/{v}/parcels.json", "w") as f:
                f.write(r.text)
            log("GET", f"/spec/{v}.json", r, None)
        addr = {"street": "1 rue de Rivoli", "city": "Paris", "postcode": "75001"}
        r = c.post("/parcels", json={"sender": addr, "recipient": {**addr, "country": "DE", "postcode": "10115"}, "weight_kg": 2.5, "declared_value": "19.90", "reference": None, "insured_by": None, "tags": ["gift"], "size": None}); log("POST", "/parcels", r, "createParcel")
        r = c.post("/parcels", json={"sender": addr, "recipient": addr, "weight_kg": 0.2, "fragile": True, "declared_value": None, "size": "M"}); log("POST", "/parcels", r, "createParcel")
        r = c.post("/parcels", json={"sender": {"street": "", "city": "Paris", "postcode": "7500"}, "recipient": {**addr, "country": "UK"}, "weight_kg": 0, "tags": ["a", "b", "c", "d"]}); log("POST", "/parcels", r, "createParcel", "street empty, postcode 4 digits, country UK not in enum, weight 0 not > 0, 4 tags > 3")
        r = c.post("/parcels", json={"sender": addr, "recipient": addr, "weight_kg": 31, "reference": "x" * 21}); log("POST", "/parcels", r, "createParcel", "weight 31 > 30, reference longer than 20")
        r = c.get("/parcels"); log("GET", "/parcels", r, "listParcels")
        r = c.get("/parcels", params={"status": "created", "limit": 5}); log("GET", "/parcels", r, "listParcels")
        r = c.get("/parcels/1"); log("GET", "/parcels/{parcel_id}", r, "getParcel")
        r = c.get("/parcels/42"); log("GET", "/parcels/{parcel_id}", r, "getParcel")
        r = c.put("/parcels/1/status", json={"status": "in_transit", "note": None}); log("PUT", "/parcels/{parcel_id}/status", r, "setParcelStatus")
        r = c.put("/parcels/1/status", json={"status": "delivered", "note": "Paris hub"}); log("PUT", "/parcels/{parcel_id}/status", r, "setParcelStatus")
        r = c.put("/parcels/1/status", json={"status": "returned"}); log("PUT", "/parcels/{parcel_id}/status", r, "setParcelStatus", "status returned not in enum")
        r = c.get("/parcels", params={"status": "delivered"}); log("GET", "/parcels", r, "listParcels")
        r = c.delete("/parcels/2"); log("DELETE", "/parcels/{parcel_id}", r, "deleteParcel")
        r = c.post("/notes", json={"text": "ring twice", "pin": "4821"}); log("POST", "/notes", r, "createNote")
        r = c.post("/notes", json={"text": "", "pin": "12"}); log("POST", "/notes", r, "createNote", "text empty, pin not 4 characters")
        r = c.get("/notes/1"); log("GET", "/notes/{note_id}", r, "getNote")
        r = c.get("/parcels/1/history"); log("GET", "/parcels/1/history", r, None)
    srv.shutdown()
    time.sleep(0.2)


main()
