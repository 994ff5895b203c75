// libjson-rpc-cpp 0.7 (Debian 12) lab for held-out round 16: a server from jsonrpcstub's AbstractStubServer
// on its HttpServer (libmicrohttpd) and the generated StubClient on its HttpClient (libcurl), plus a
// batch through Client::CallProcedures. One JSON line per call the client made on stdout.
//   lab server PORT SECONDS | lab client URL
// Build: jsonrpcstub spec.json --cpp-server=AbstractStubServer --cpp-client=StubClient, then
//   g++ -std=c++14 lab.cpp -ljsonrpccpp-server -ljsonrpccpp-client -ljsonrpccpp-common -ljsoncpp -lmicrohttpd -lcurl
#include "abstractstubserver.h"
#include "stubclient.h"
#include <jsonrpccpp/client/connectors/httpclient.h>
#include <jsonrpccpp/server/connectors/httpserver.h>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
using namespace jsonrpc;

class Server : public AbstractStubServer {
public:
  explicit Server(AbstractServerConnector &c) : AbstractStubServer(c, JSONRPC_SERVER_V2) {}
  std::string sayHello(const std::string &name) override { return "Hello " + name; }
  int add(int a, int b) override { return a + b; }
  Json::Value fail(int code) override {
    Json::Value data; data["why"] = "asked to"; data["code"] = code;
    throw JsonRpcException(code, "deliberate failure", data);
  }
  Json::Value record() override {
    Json::Value r; r["big"] = Json::Int64(9007199254740993LL); r["neg"] = -0.5; r["none"] = Json::nullValue;
    r["list"].append("é"); r["list"].append(true); r["empty"] = Json::objectValue;
    return r;
  }
  void logLine(const std::string &line) override { fprintf(stderr, "log: %s\n", line.c_str()); }
};

static void logc(const char *m, const char *result) { printf("{\"method\":\"%s\",%s}\n", m, result); fflush(stdout); }

int main(int argc, char **argv) {
  if (argc >= 4 && std::string(argv[1]) == "server") {
    HttpServer http(atoi(argv[2]), "", "", 2);
    Server s(http);
    s.StartListening();
    sleep(atoi(argv[3]));
    s.StopListening();
    return 0;
  }
  if (argc < 3) { fprintf(stderr, "usage: lab server PORT SECONDS | lab client URL\n"); return 2; }
  HttpClient http(argv[2]);
  StubClient c(http, JSONRPC_CLIENT_V2);
  auto ok = [](const char *m) { logc(m, "\"result\":\"ok\""); };
  auto err = [](const char *m, JsonRpcException const &e) { char b[64]; snprintf(b, sizeof b, "\"error\":%d", e.GetCode()); logc(m, b); };
  try { c.sayHello("Wörld"); ok("sayHello"); } catch (JsonRpcException &e) { err("sayHello", e); }
  try { c.add(2147483647, 1); ok("add"); } catch (JsonRpcException &e) { err("add", e); }
  try { c.fail(-32042); ok("fail"); } catch (JsonRpcException &e) { err("fail", e); }
  try { c.record(); ok("record"); } catch (JsonRpcException &e) { err("record", e); }
  try { c.logLine("a notification"); logc("logLine", "\"notification\":true"); } catch (JsonRpcException &e) { err("logLine", e); }
  try { Json::Value p; c.CallMethod("nope", p); ok("nope"); } catch (JsonRpcException &e) { err("nope", e); }
  try { Json::Value p; p["name"] = 5; c.CallMethod("sayHello", p); ok("sayHello"); } catch (JsonRpcException &e) { err("sayHello", e); }
  // a batch: two calls and a notification (JSON-RPC 2.0 §6)
  BatchCall batch;
  Json::Value p1; p1.append(40); p1.append(2);
  Json::Value p2; p2["code"] = 7;
  Json::Value p3; p3["line"] = "in a batch";
  batch.addCall("add", p1);
  batch.addCall("fail", p2);
  batch.addCall("logLine", p3, true);
  try {
    BatchResponse r = c.CallProcedures(batch);
    logc("batch", r.hasErrors() ? "\"result\":\"some failed\"" : "\"result\":\"ok\"");
  } catch (JsonRpcException &e) { err("batch", e); }
  return 0;
}
