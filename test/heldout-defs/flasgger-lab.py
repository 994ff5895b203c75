"""flasgger-lab.py PORT WORKSPACE: a Flask pet-clinic API documented the way flasgger's README does
it — Swagger 2.0 YAML in each view's docstring (`schema: id: Pet` defining a model in place, a body
parameter, formData `type: file`, a `type: file` response, `exclusiveMinimum: true`, `x-nullable`),
the request bodies checked by flasgger's own `validate` (jsonschema) against the same document.
Serves it at /apispec_1.json, calls every operation with httpx (valid and invalid bodies), writes the
document as fetched into WORKSPACE/swagger.json and one JSON line per call to stdout. Stops by itself.
"""
import json
import sys
import threading
import time

import httpx
from flasgger import Swagger, validate
from flask import Blueprint, Flask, jsonify, request, Response
from jsonschema import Draft4Validator, ValidationError
from werkzeug.serving import make_server

PORT = int(sys.argv[1])
WORKSPACE = sys.argv[2]

app = Flask(__name__)
app.config["SWAGGER"] = {"title": "Pet clinic", "uiversion": 3, "specs_route": "/apidocs/"}
swagger = Swagger(app, template={"info": {"title": "Pet clinic", "version": "0.3.0"}, "host": f"127.0.0.1:{PORT}", "schemes": ["http"]})
bp = Blueprint("clinic", __name__, url_prefix="/v1")
PETS = {}
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


@bp.route("/pets", methods=["POST"])
def create_pet():
    """Register a pet
    ---
    tags: [pets]
    operationId: createPet
    parameters:
      - name: body
        in: body
        required: true
        schema:
          id: Pet
          required: [name, kind]
          properties:
            id:
              type: integer
              readOnly: true
            name:
              type: string
              minLength: 1
              maxLength: 30
            kind:
              type: string
              enum: [cat, dog, rabbit]
            weight_kg:
              type: number
              minimum: 0
              exclusiveMinimum: true
              maximum: 90
            born:
              type: string
              format: date
            owner:
              type: string
              x-nullable: true
            chip:
              type: string
              pattern: "^[0-9]{15}$"
            vaccines:
              type: array
              maxItems: 10
              items:
                $ref: '#/definitions/Vaccine'
    responses:
      201:
        description: registered
        schema:
          $ref: '#/definitions/Pet'
      400:
        description: invalid pet
        schema:
          id: Error
          required: [message]
          properties:
            message: {type: string}
            path: {type: array, items: {type: string}}
    definitions:
      Vaccine:
        type: object
        required: [name, given_on]
        properties:
          name: {type: string}
          given_on: {type: string, format: date}
    """
    body = request.get_json()
    try:
        # (flasgger's default, jsonschema.validate, reads the schema as the newest draft and refuses
        # Swagger 2.0's `exclusiveMinimum: true` with a SchemaError: draft-04 is what 2.0 means)
        validate(body, "Pet", specs=swagger.get_apispecs(), validation_function=draft4, validation_error_handler=raise_it)
    except ValidationError as e:
        return jsonify({"message": e.message, "path": [str(p) for p in e.path]}), 400
    pid = len(PETS) + 1
    PETS[pid] = dict(body, id=pid)
    return jsonify(PETS[pid]), 201


def draft4(data, schema):
    Draft4Validator(schema).validate(data)


def raise_it(err, data, schema):
    raise err


@bp.route("/pets", methods=["GET"])
def list_pets():
    """List pets
    ---
    tags: [pets]
    operationId: listPets
    parameters:
      - name: kind
        in: query
        type: string
        enum: [cat, dog, rabbit]
      - name: limit
        in: query
        type: integer
        minimum: 1
        default: 20
      - name: ids
        in: query
        type: array
        items: {type: integer}
        collectionFormat: csv
    responses:
      200:
        description: pets
        schema:
          type: array
          items:
            $ref: '#/definitions/Pet'
    """
    kind = request.args.get("kind")
    return jsonify([p for p in PETS.values() if not kind or p["kind"] == kind])


@bp.route("/pets/<int:pet_id>", methods=["GET"])
def get_pet(pet_id):
    """Get a pet
    ---
    tags: [pets]
    operationId: getPet
    parameters:
      - name: pet_id
        in: path
        type: integer
        required: true
    responses:
      200:
        description: the pet
        schema:
          $ref: '#/definitions/Pet'
      404:
        description: no such pet
        schema:
          $ref: '#/definitions/Error'
    """
    if pet_id not in PETS:
        return jsonify({"message": f"no pet {pet_id}"}), 404
    return jsonify(PETS[pet_id])


@bp.route("/pets/<int:pet_id>", methods=["DELETE"])
def delete_pet(pet_id):
    """Remove a pet
    ---
    tags: [pets]
    operationId: deletePet
    parameters:
      - name: pet_id
        in: path
        type: integer
        required: true
    responses:
      204:
        description: removed
    """
    PETS.pop(pet_id, None)
    return "", 204


@bp.route("/pets/<int:pet_id>/photo", methods=["PUT"])
def put_photo(pet_id):
    """Upload a photo
    ---
    tags: [photos]
    operationId: uploadPhoto
    consumes: [multipart/form-data]
    parameters:
      - name: pet_id
        in: path
        type: integer
        required: true
      - name: photo
        in: formData
        type: file
        required: true
      - name: caption
        in: formData
        type: string
    responses:
      201:
        description: stored
        schema:
          type: object
          properties:
            bytes: {type: integer, minimum: 1}
            caption: {type: string, x-nullable: true}
    """
    f = request.files["photo"]
    return jsonify({"bytes": len(f.read()), "caption": request.form.get("caption")}), 201


@bp.route("/pets/<int:pet_id>/photo", methods=["GET"])
def get_photo(pet_id):
    """Download a photo
    ---
    tags: [photos]
    operationId: getPhoto
    produces: [image/png]
    parameters:
      - name: pet_id
        in: path
        type: integer
        required: true
    responses:
      200:
        description: the photo
        schema:
          type: file
    """
    return Response(PNG, mimetype="image/png")


app.register_blueprint(bp)


def main():
    srv = make_server("127.0.0.1", PORT, app, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    log = lambda m, p, r, op, invalid=None: print(json.dumps({"method": m, "path": p, "status": r.status_code, "operationId": op, "invalid": invalid}), flush=True)
    with httpx.Client(base_url=f"http://127.0.0.1:{PORT}", timeout=10) as c:
        r = c.get("/apispec_1.json")
        with open(f"{WORKSPACE}/swagger.json", "w") as f:
            f.write(r.text)
        log("GET", "/apispec_1.json", r, None)
        r = c.post("/v1/pets", json={"name": "Tom", "kind": "cat", "weight_kg": 4.2, "born": "2020-05-01", "owner": None, "chip": "250269812345678", "vaccines": [{"name": "rabies", "given_on": "2025-03-01"}]}); log("POST", "/v1/pets", r, "createPet")
        r = c.post("/v1/pets", json={"name": "Rex", "kind": "dog", "owner": "ada"}); log("POST", "/v1/pets", r, "createPet")
        r = c.post("/v1/pets", json={"name": "Ghost", "kind": "cat", "weight_kg": 0}); log("POST", "/v1/pets", r, "createPet", "weight 0 not > 0 (exclusiveMinimum: true)")
        r = c.post("/v1/pets", json={"name": "", "kind": "parrot", "chip": "12", "vaccines": [{"name": "x"}]}); log("POST", "/v1/pets", r, "createPet", "name empty, kind parrot not in enum, chip not 15 digits, vaccine without a date")
        r = c.get("/v1/pets"); log("GET", "/v1/pets", r, "listPets")
        r = c.get("/v1/pets", params={"kind": "dog", "limit": 5, "ids": "1,2"}); log("GET", "/v1/pets", r, "listPets")
        r = c.get("/v1/pets", params={"kind": "parrot", "limit": 0, "ids": "1,x"}); log("GET", "/v1/pets", r, "listPets", "query parameters kind parrot not in enum, limit 0 < 1, ids x not an integer (flasgger does not check them: 200)")
        r = c.get("/v1/pets/1"); log("GET", "/v1/pets/{pet_id}", r, "getPet")
        r = c.get("/v1/pets/9"); log("GET", "/v1/pets/{pet_id}", r, "getPet")
        r = c.put("/v1/pets/1/photo", files={"photo": ("tom.png", PNG, "image/png")}, data={"caption": "Tom"}); log("PUT", "/v1/pets/{pet_id}/photo", r, "uploadPhoto")
        r = c.put("/v1/pets/2/photo", files={"photo": ("rex.png", PNG, "image/png")}); log("PUT", "/v1/pets/{pet_id}/photo", r, "uploadPhoto")
        r = c.get("/v1/pets/1/photo"); log("GET", "/v1/pets/{pet_id}/photo", r, "getPhoto")
        r = c.delete("/v1/pets/2"); log("DELETE", "/v1/pets/{pet_id}", r, "deletePet")
        r = c.get("/apidocs/"); log("GET", "/apidocs/", r, None)
    srv.shutdown()
    time.sleep(0.2)


main()
