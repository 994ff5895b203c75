"""grpc-lab.py PORT GEN: acme.rides.v1.RideService (protos/) in Python grpcio, server and client in
one process on 127.0.0.1:PORT, code generated into GEN by protoc + grpc_python_plugin. Every rpc is
called (unary, server streaming, client streaming; an error status); each message is logged to stdout
as one JSON line in protobuf's JSON mapping (json_format.MessageToDict, proto field names):
{"rpc", "dir": "request"|"response", "json"} and {"rpc", "status": code name, "details"?: the
google.rpc.Status of a `grpc-status-details-bin` trailer (BadRequest, ErrorInfo, RetryInfo in it: the
rich error model Google's APIs use; its .proto in rpc-status/, for this side only)}. Stops by itself.
"""
import json
import sys
import time
from concurrent import futures

sys.path.insert(0, sys.argv[2])
import grpc  # noqa: E402
from google.protobuf import any_pb2, duration_pb2, empty_pb2, field_mask_pb2, json_format, struct_pb2, timestamp_pb2, wrappers_pb2  # noqa: E402,F401

from acme.common.v1 import money_pb2  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from acme.rides.v1 import rides_pb2, rides_pb2_grpc  # noqa: E402

PORT = int(sys.argv[1])
R = rides_pb2


def js(m):
    return json_format.MessageToDict(m, preserving_proto_field_name=True)


def log(rpc, **kw):
    print(json.dumps({"rpc": rpc, **kw}), flush=True)


def ts(sec, nanos=0):
    return timestamp_pb2.Timestamp(seconds=sec, nanos=nanos)


def full_ride(rid):
    meta = struct_pb2.Struct()
    meta.update({"source": "app", "version": 3, "beta": True, "tags": ["a", "b"], "nested": {"x": 1.5, "none": None}})
    r = R.Ride(
        ride_id=rid,
        rider="ada",
        pickup=money_pb2.LatLng(latitude=48.8566, longitude=2.3522),
        dropoff=money_pb2.LatLng(latitude=-33.8688, longitude=151.2093),
        vehicle=R.VEHICLE_TYPE_VAN,
        state=R.Ride.STATE_ACCEPTED,
        created_at=ts(1795410000, 123000000),
        eta=duration_pb2.Duration(seconds=754, nanos=500000000),
        fare=money_pb2.Money(currency_code="EUR", units=24, nanos=500000000),
        driver=wrappers_pb2.StringValue(value="bob"),
        odometer_m=wrappers_pb2.Int64Value(value=9007199254740993),
        shared=wrappers_pb2.BoolValue(value=False),
        rating=wrappers_pb2.DoubleValue(value=4.75),
        labels={"city": "paris", "lane": "b"},
        stops=[R.Stop(at=money_pb2.LatLng(latitude=1, longitude=2), wait=duration_pb2.Duration(seconds=-1, nanos=-500000000), label="x"), R.Stop(label="y")],
        metadata=meta,
        voucher=R.Voucher(code="WELCOME", value=money_pb2.Money(currency_code="EUR", units=-5)),
        seats=0,
        note="",
        distance_m=-12345678901234,
        trip_counter=18446744073709551615,
        balance_delta=-9223372036854775808,
        checksum=1234567890123456789,
        signature=bytes(range(250, 256)) + b"\x00ok",
        zones=[1, -2, 300000],
        stop_index={-7: R.Stop(label="neg"), 9223372036854775807: R.Stop(label="max")},
        temperature=21.5,
        passengers=wrappers_pb2.UInt32Value(value=0),
        blob=wrappers_pb2.BytesValue(value=b"\xff\xfe"),
    )
    return r


class Service(rides_pb2_grpc.RideServiceServicer):
    def CreateRide(self, req, ctx):
        return R.Ride(ride_id="r-1", rider=req.rider, pickup=req.pickup, dropoff=req.dropoff, vehicle=req.vehicle, state=R.Ride.STATE_REQUESTED, created_at=req.pickup_at, card_token="tok_visa", seats=req.seats if req.HasField("seats") else 1, metadata=req.metadata)

    def GetRide(self, req, ctx):
        if req.ride_id == "missing":
            ctx.abort(grpc.StatusCode.NOT_FOUND, "no ride missing")
        if not req.ride_id.startswith("r-"):
            st = status_pb2.Status(code=grpc.StatusCode.INVALID_ARGUMENT.value[0], message="bad ride id")
            for d in [
                error_details_pb2.BadRequest(field_violations=[error_details_pb2.BadRequest.FieldViolation(field="ride_id", description="must start with r-")]),
                error_details_pb2.ErrorInfo(reason="RIDE_ID_FORMAT", domain="rides.acme.example", metadata={"given": req.ride_id}),
                error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=1, nanos=500000000)),
            ]:
                st.details.add().Pack(d)
            ctx.set_trailing_metadata((("grpc-status-details-bin", st.SerializeToString()),))
            ctx.abort(grpc.StatusCode.INVALID_ARGUMENT, "bad ride id")
        return full_ride(req.ride_id)

    def UpdateRide(self, req, ctx):
        r = full_ride(req.ride.ride_id)
        r.state = req.ride.state
        return r

    def ListRides(self, req, ctx):
        return R.ListRidesResponse(rides=[R.Ride(ride_id="r-1", state=R.Ride.STATE_FINISHED), R.Ride(ride_id="r-2", vehicle=R.VEHICLE_TYPE_BIKE)], next_page_token="p2")

    def DeleteRide(self, req, ctx):
        return empty_pb2.Empty()

    def WatchRides(self, req, ctx):
        for i, rid in enumerate(req.ride_ids):
            detail = any_pb2.Any()
            if i == 0:
                detail.Pack(R.Stop(label="arrived", wait=duration_pb2.Duration(seconds=30)))
            elif i == 1:
                detail.Pack(money_pb2.Money(currency_code="USD", units=3))
            else:
                detail.Pack(wrappers_pb2.StringValue(value="wrapped"))
            extra = struct_pb2.Value()
            extra.string_value = "s" if i == 0 else ""
            if i == 1:
                extra.null_value = struct_pb2.NULL_VALUE
            if i == 2:
                extra.number_value = 2.5
            path = struct_pb2.ListValue()
            path.extend([1, "two", True, None, {"k": [3]}])
            yield R.Event(ride_id=rid, at=ts(1795410000 + i), detail=detail, extra=extra, path=path)

    def Track(self, it, ctx):
        n = 0
        first = last = None
        for p in it:
            n += 1
            first = first or p.at_time.seconds
            last = p.at_time.seconds
        return R.TrackSummary(points=n, span=duration_pb2.Duration(seconds=(last or 0) - (first or 0)))


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    rides_pb2_grpc.add_RideServiceServicer_to_server(Service(), server)
    server.add_insecure_port(f"127.0.0.1:{PORT}")
    server.start()
    ch = grpc.insecure_channel(f"127.0.0.1:{PORT}")
    stub = rides_pb2_grpc.RideServiceStub(ch)

    def unary(name, fn, req):
        log(name, dir="request", json=js(req))
        try:
            res = fn(req, timeout=10)
            log(name, dir="response", json=js(res))
            log(name, status="OK")
        except grpc.RpcError as e:
            raw = dict(e.trailing_metadata() or ()).get("grpc-status-details-bin")
            details = js(status_pb2.Status.FromString(raw)) if raw else None
            log(name, status=e.code().name, **({"details": details} if details else {}))

    meta = struct_pb2.Struct()
    meta.update({"app": "lab", "n": 2})
    unary("CreateRide", stub.CreateRide, R.CreateRideRequest(rider="ada", pickup=money_pb2.LatLng(latitude=48.85, longitude=2.35), dropoff=money_pb2.LatLng(latitude=48.86), vehicle=R.VEHICLE_TYPE_CAR, seats=3, pickup_at=ts(1795413600), metadata=meta))
    unary("CreateRide", stub.CreateRide, R.CreateRideRequest(rider="bo", seats=0))
    unary("GetRide", stub.GetRide, R.GetRideRequest(ride_id="r-1"))
    unary("GetRide", stub.GetRide, R.GetRideRequest(ride_id="missing"))
    unary("GetRide", stub.GetRide, R.GetRideRequest(ride_id="42"))
    unary("UpdateRide", stub.UpdateRide, R.UpdateRideRequest(ride=R.Ride(ride_id="r-1", state=R.Ride.STATE_CANCELLED), update_mask=field_mask_pb2.FieldMask(paths=["state", "fare.units", "stop_index"])))
    unary("ListRides", stub.ListRides, R.ListRidesRequest(page_size=2, states=[R.Ride.STATE_FINISHED, R.Ride.STATE_REQUESTED]))
    unary("DeleteRide", stub.DeleteRide, R.GetRideRequest(ride_id="r-2"))
    req = R.WatchRidesRequest(ride_ids=["r-1", "r-2", "r-3"])
    log("WatchRides", dir="request", json=js(req))
    for ev in stub.WatchRides(req, timeout=10):
        log("WatchRides", dir="response", json=js(ev))
    log("WatchRides", status="OK")
    points = [R.Position(ride_id="r-1", at=money_pb2.LatLng(latitude=i, longitude=-i), at_time=ts(1795410000 + 10 * i)) for i in range(3)]
    for p in points:
        log("Track", dir="request", json=js(p))
    res = stub.Track(iter(points), timeout=10)
    log("Track", dir="response", json=js(res))
    log("Track", status="OK")
    ch.close()
    server.stop(0.5).wait()
    time.sleep(0.2)


main()
