// gRPC Inventory server (@grpc/grpc-js) with server reflection (@grpc/reflection).
// Usage: node server.js PORT
//
// The .proto lives in this script, not beside the capture: a client that knows nothing of the
// service asks the server for it (grpc.reflection.v1.ServerReflection), as grpcurl, Postman or
// Evans do. callscope learns the schema from those answers in the capture.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');
const { ReflectionService } = require('@grpc/reflection');

const PROTO = `syntax = "proto3";
package callscope.inventory.v1;

import "google/protobuf/timestamp.proto";

// Stock of a warehouse, for clients that discover it by reflection.
service Inventory {
  rpc GetItem(GetItemRequest) returns (Item);
  rpc WatchStock(WatchStockRequest) returns (stream StockChange);
}

enum Condition {
  CONDITION_UNSPECIFIED = 0;
  CONDITION_NEW = 1;
  CONDITION_REFURBISHED = 2;
}

message GetItemRequest { string sku = 1; }

message Item {
  string sku = 1;
  string title = 2;
  int64 quantity = 3;
  Condition condition = 4;
  map<string, string> attributes = 5;
  google.protobuf.Timestamp restocked = 6;
  oneof price {
    int64 cents = 7;
    string quote = 8;
  }
  message Bin { string aisle = 1; uint32 shelf = 2; }
  repeated Bin bins = 9;
}

message WatchStockRequest { repeated string skus = 1; }

message StockChange { string sku = 1; sint32 delta = 2; int64 quantity = 3; }
`;

const port = Number(process.argv[2] || 50053);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventory-'));
const file = path.join(dir, 'inventory.proto');
fs.writeFileSync(file, PROTO);
const def = loader.loadSync(file, { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true, includeDirs: [dir] });
const pkg = grpc.loadPackageDefinition(def).callscope.inventory.v1;

const items = new Map([
  ['SKU-1', { sku: 'SKU-1', title: 'Analytical engine gear', quantity: '12', condition: 'CONDITION_NEW', attributes: { metal: 'brass', teeth: '40' },
              restocked: { seconds: 1700000000, nanos: 0 }, cents: '1999', bins: [{ aisle: 'A', shelf: 3 }, { aisle: 'C', shelf: 1 }] }],
]);

const server = new grpc.Server();
server.addService(pkg.Inventory.service, {
  GetItem(call, cb) {
    const it = items.get(call.request.sku);
    if (!it) return cb({ code: grpc.status.NOT_FOUND, details: `no item ${call.request.sku}` });
    cb(null, it);
  },
  WatchStock(call) {
    let q = 12;
    for (const d of [-2, 5, -1]) {
      q += d;
      call.write({ sku: call.request.skus[0] ?? 'SKU-1', delta: d, quantity: String(q) });
    }
    call.end();
  },
});
new ReflectionService(def).addToServer(server);
server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err) => {
  if (err) throw err;
  console.log(`READY ${port}`);
});
setTimeout(() => process.exit(0), 60_000).unref();
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
