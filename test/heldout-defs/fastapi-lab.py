"""fastapi-lab.py PORT WORKSPACE [ROOT_PATH]: a small ride-booking API in FastAPI, served by uvicorn on
127.0.0.1:PORT in a thread, called by httpx (every operation, valid and invalid bodies), then
stopped. Writes the app's /openapi.json (as served) into WORKSPACE and one JSON line per call to
stdout: {"method", "path", "status", "operationId", "invalid": what the client broke on purpose}.
With SERVER=hypercorn in the environment the app is served by Hypercorn and called over HTTP/2
(h2c with prior knowledge: httpx with http1=False). With ROOT_PATH the app is set up as FastAPI's "Behind a Proxy" page says (`root_path`: a proxy strips
that prefix): its document's `servers` say ROOT_PATH, the requests (as the app gets them) do not.
"""
import datetime as dt
import enum
import json
import sys
import threading
import time
from typing import Dict, List, Literal, Optional, Union

import httpx
import uvicorn
from fastapi import Cookie, FastAPI, File, Form, Header, HTTPException, Path, Query, Response, UploadFile, status
from pydantic import BaseModel, Field

PORT = int(sys.argv[1])
WORKSPACE = sys.argv[2]
ROOT_PATH = sys.argv[3] if len(sys.argv) > 3 else ""


class Vehicle(str, enum.Enum):
    bike = "bike"
    car = "car"
    van = "van"


class RideState(str, enum.Enum):
    requested = "requested"
    accepted = "accepted"
    finished = "finished"


class Place(BaseModel):
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)
    label: Optional[str] = Field(None, max_length=40)


class Money(BaseModel):
    currency: str = Field(..., regex="^[A-Z]{3}$", example="EUR")
    cents: int = Field(..., ge=0)


class RideIn(BaseModel):
    rider: str = Field(..., min_length=1, example="ada")
    pickup: Place
    dropoff: Place
    vehicle: Vehicle = Vehicle.car
    seats: int = Field(1, gt=0, le=6)
    when: Optional[dt.datetime] = None
    notes: Optional[str] = None
    tags: List[str] = []

    class Config:
        schema_extra = {"example": {"rider": "ada", "pickup": {"lat": 48.85, "lon": 2.35}, "dropoff": {"lat": 48.86, "lon": 2.29}}}


class Ride(RideIn):
    id: int
    state: RideState
    created: dt.datetime
    fare: Optional[Money] = None
    driver: Optional[str] = None


class RidePatch(BaseModel):
    state: Optional[RideState] = None
    driver: Optional[str] = None


class Receipt(BaseModel):
    ride: int
    total: Money
    lines: Dict[str, int]


class Voucher(BaseModel):
    kind: str = Field("voucher", const=True)
    code: str


class Card(BaseModel):
    kind: str = Field("card", const=True)
    last4: str = Field(..., min_length=4, max_length=4)


class Payment(BaseModel):
    ride: int
    method: Union[Card, Voucher]
    amount: Union[int, float]


class PickedUp(BaseModel):
    type: Literal["picked_up"]
    at: dt.datetime
    odometer_km: float = Field(..., ge=0)


class DroppedOff(BaseModel):
    type: Literal["dropped_off"]
    at: dt.datetime
    rating: int = Field(..., ge=1, le=5)


class RideEvent(BaseModel):
    event: Union[PickedUp, DroppedOff] = Field(..., discriminator="type")


class Upload(BaseModel):
    name: str
    size: int
    note: Optional[str]


app = FastAPI(title="Rides", version="1.4.0", description="held-out round: FastAPI's own OpenAPI", root_path=ROOT_PATH)
RIDES: Dict[int, Ride] = {}


@app.get("/health", operation_id="health")
def health():
    return {"ok": True}


@app.post("/rides", response_model=Ride, status_code=status.HTTP_201_CREATED, tags=["rides"])
def create_ride(body: RideIn):
    rid = len(RIDES) + 1
    ride = Ride(**body.dict(), id=rid, state=RideState.requested, created=dt.datetime(2026, 11, 23, 5, 0, rid, tzinfo=dt.timezone.utc))
    if body.vehicle == Vehicle.van:
        ride.fare = Money(currency="EUR", cents=2450)
    RIDES[rid] = ride
    return ride


@app.get("/rides", response_model=List[Ride], tags=["rides"])
def list_rides(
    state: Optional[RideState] = None,
    vehicle: List[Vehicle] = Query([]),
    limit: int = Query(10, ge=1, le=100),
    since: Optional[dt.datetime] = None,
    min_fare: Optional[float] = None,
    with_driver: bool = False,
):
    out = [r for r in RIDES.values() if (state is None or r.state == state) and (not vehicle or r.vehicle in vehicle)]
    if with_driver:
        out = [r for r in out if r.driver]
    return out[:limit]


@app.get("/rides/{ride_id}", response_model=Ride, responses={404: {"description": "no such ride"}}, tags=["rides"])
def get_ride(ride_id: int = Path(..., ge=1)):
    if ride_id not in RIDES:
        raise HTTPException(404, "no such ride")
    return RIDES[ride_id]


@app.patch("/rides/{ride_id}", response_model=Ride, tags=["rides"])
def patch_ride(ride_id: int, patch: RidePatch):
    r = RIDES.get(ride_id)
    if not r:
        raise HTTPException(404, "no such ride")
    if patch.state:
        r.state = patch.state
    if patch.driver is not None:
        r.driver = patch.driver
    return r


@app.delete("/rides/{ride_id}", status_code=204, response_class=Response, tags=["rides"])
def delete_ride(ride_id: int):
    RIDES.pop(ride_id, None)
    return Response(status_code=204)


@app.get("/rides/{ride_id}/receipt", response_model=Receipt, tags=["billing"])
def receipt(ride_id: int, currency: str = Query("EUR", min_length=3, max_length=3)):
    return Receipt(ride=ride_id, total=Money(currency=currency, cents=1234), lines={"base": 1000, "tip": 234})


@app.post("/payments", response_model=Payment, status_code=201, tags=["billing"])
def pay(p: Payment):
    return p


@app.post("/rides/{ride_id}/events", response_model=RideEvent, status_code=201, tags=["rides"])
def ride_event(ride_id: int, body: RideEvent):
    return body


@app.get("/rides/{ride_id}/track", tags=["rides"])
def track(ride_id: int, x_trace: int = Header(...), session: str = Cookie(..., min_length=8)):
    return {"ride": ride_id, "trace": x_trace}


@app.get("/vehicles/{kind}", tags=["fleet"])
def vehicle(kind: Vehicle, near: Optional[str] = None):
    return {"kind": kind, "available": 3 if kind != Vehicle.van else 0, "near": near}


@app.post("/documents", response_model=Upload, status_code=201, tags=["fleet"])
async def upload(file: UploadFile = File(...), note: Optional[str] = Form(None)):
    data = await file.read()
    return Upload(name=file.filename, size=len(data), note=note)


@app.put("/drivers/{name}/photo", response_model=Upload, tags=["fleet"])
async def photo(name: str, file: bytes = File(...)):
    return Upload(name=name, size=len(file), note=None)


class Hypercorn:
    """Hypercorn in a thread, stopped through its shutdown_trigger."""

    def __init__(self):
        import asyncio

        from hypercorn.asyncio import serve as hc_serve
        from hypercorn.config import Config

        config = Config()
        config.bind = [f"127.0.0.1:{PORT}"]
        config.loglevel = "WARNING"
        self.started = False
        self.should_exit = False

        async def trigger():
            self.started = True
            while not self.should_exit:
                await asyncio.sleep(0.05)

        threading.Thread(target=lambda: asyncio.run(hc_serve(app, config, shutdown_trigger=trigger)), daemon=True).start()


def serve():
    import os

    if os.environ.get("SERVER") == "hypercorn":
        server = Hypercorn()
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        time.sleep(0.3)
        return server
    config = uvicorn.Config(app, host="127.0.0.1", port=PORT, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    return server


def main():
    server = serve()
    out = sys.stdout
    log = lambda m, p, r, op, invalid=None: print(json.dumps({"method": m, "path": p, "status": r.status_code, "operationId": op, "invalid": invalid}), file=out, flush=True)
    import os

    h2 = os.environ.get("SERVER") == "hypercorn"
    with httpx.Client(base_url=f"http://127.0.0.1:{PORT}", timeout=10, http1=not h2, http2=h2) as c:
        r = c.get("/openapi.json")
        with open(f"{WORKSPACE}/openapi.json", "w") as f:
            f.write(r.text)
        log("GET", "/openapi.json", r, None)
        r = c.get("/health"); log("GET", "/health", r, "health")
        ride = {"rider": "ada", "pickup": {"lat": 48.85, "lon": 2.35, "label": "Louvre"}, "dropoff": {"lat": 48.86, "lon": 2.29}, "vehicle": "bike", "seats": 1, "when": "2026-11-23T06:00:00+01:00", "tags": ["quiet"]}
        r = c.post("/rides", json=ride); log("POST", "/rides", r, "create_ride_rides_post")
        r = c.post("/rides", json={**ride, "vehicle": "van", "seats": 4, "notes": None, "when": None}); log("POST", "/rides", r, "create_ride_rides_post")
        r = c.post("/rides", json={"rider": "", "pickup": {"lat": 91, "lon": 2}, "dropoff": {"lat": 1}, "vehicle": "boat", "seats": 0}); log("POST", "/rides", r, "create_ride_rides_post", "rider empty, lat 91 > 90, dropoff.lon missing, vehicle boat not in enum, seats 0 not > 0")
        r = c.post("/rides", content=b"{not json", headers={"content-type": "application/json"}); log("POST", "/rides", r, "create_ride_rides_post", "not JSON (no schema check possible)")
        r = c.get("/rides"); log("GET", "/rides", r, "list_rides_rides_get")
        r = c.get("/rides", params=[("state", "requested"), ("vehicle", "bike"), ("vehicle", "van"), ("limit", "5"), ("since", "2026-11-23T00:00:00Z"), ("min_fare", "1.5"), ("with_driver", "false")]); log("GET", "/rides", r, "list_rides_rides_get")
        r = c.get("/rides", params={"limit": "0"}); log("GET", "/rides", r, "list_rides_rides_get", "query parameter limit 0 < 1")
        r = c.get("/rides/1"); log("GET", "/rides/{ride_id}", r, "get_ride_rides__ride_id__get")
        r = c.get("/rides/99"); log("GET", "/rides/{ride_id}", r, "get_ride_rides__ride_id__get")
        r = c.get("/rides/abc"); log("GET", "/rides/{ride_id}", r, "get_ride_rides__ride_id__get", "path parameter ride_id not an integer")
        r = c.patch("/rides/1", json={"state": "accepted", "driver": "bob"}); log("PATCH", "/rides/{ride_id}", r, "patch_ride_rides__ride_id__patch")
        r = c.patch("/rides/1", json={"state": "lost"}); log("PATCH", "/rides/{ride_id}", r, "patch_ride_rides__ride_id__patch", "state lost not in enum")
        r = c.get("/rides", params={"with_driver": "true"}); log("GET", "/rides", r, "list_rides_rides_get")
        r = c.get("/rides/2/receipt", params={"currency": "USD"}); log("GET", "/rides/{ride_id}/receipt", r, "receipt_rides__ride_id__receipt_get")
        r = c.post("/payments", json={"ride": 1, "method": {"kind": "card", "last4": "4242"}, "amount": 12.5}); log("POST", "/payments", r, "pay_payments_post")
        r = c.post("/payments", json={"ride": 2, "method": {"kind": "voucher", "code": "WELCOME"}, "amount": 10}); log("POST", "/payments", r, "pay_payments_post")
        r = c.post("/payments", json={"ride": "two", "method": {"kind": "card", "last4": "42"}, "amount": "ten"}); log("POST", "/payments", r, "pay_payments_post", "ride not an integer, last4 too short for a card and no code for a voucher, amount not a number")
        r = c.post("/rides/1/events", json={"event": {"type": "picked_up", "at": "2026-11-23T06:01:00Z", "odometer_km": 12.5}}); log("POST", "/rides/{ride_id}/events", r, "ride_event_rides__ride_id__events_post")
        r = c.post("/rides/1/events", json={"event": {"type": "dropped_off", "at": "2026-11-23T06:20:00Z", "rating": 9}}); log("POST", "/rides/{ride_id}/events", r, "ride_event_rides__ride_id__events_post", "rating 9 > 5 (a discriminated union: dropped_off)")
        r = c.get("/rides/1/track", headers={"x-trace": "42", "cookie": "theme=dark; session=abcdefgh12"}); log("GET", "/rides/{ride_id}/track", r, "track_rides__ride_id__track_get")
        r = c.get("/rides/1/track", headers={"x-trace": "abc", "cookie": "session=short"}); log("GET", "/rides/{ride_id}/track", r, "track_rides__ride_id__track_get", "header parameter x-trace not an integer, cookie session shorter than 8")
        r = c.get("/vehicles/bike", params={"near": "Louvre"}); log("GET", "/vehicles/{kind}", r, "vehicle_vehicles__kind__get")
        r = c.get("/vehicles/boat"); log("GET", "/vehicles/{kind}", r, "vehicle_vehicles__kind__get", "path parameter kind boat not in enum")
        r = c.post("/documents", files={"file": ("licence.txt", b"driving licence 42\n" * 20, "text/plain")}, data={"note": "scan"}); log("POST", "/documents", r, "upload_documents_post")
        r = c.put("/drivers/bob/photo", files={"file": ("bob.png", bytes(range(256)) * 8, "image/png")}); log("PUT", "/drivers/{name}/photo", r, "photo_drivers__name__photo_put")
        r = c.post("/documents", data={"note": "no file"}); log("POST", "/documents", r, "upload_documents_post", "no file part (422)")
        r = c.delete("/rides/2"); log("DELETE", "/rides/{ride_id}", r, "delete_ride_rides__ride_id__delete")
        r = c.get("/nowhere"); log("GET", "/nowhere", r, None)
        r = c.post("/health"); log("POST", "/health", r, None)
    server.should_exit = True
    time.sleep(0.5)


main()
