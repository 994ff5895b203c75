// xmlrpcc-lab: xmlrpc-c 1.33 (Debian 12) server on Abyss and client on libcurl, for held-out round 16.
//   xmlrpcc-lab server PORT SECONDS   serve until SECONDS pass; one JSON line per call on stdout
//   xmlrpcc-lab client URL            one keep-alive client (carriage parm curl); one JSON line per call
// Build: g++ -O1 -o xmlrpcc-lab xmlrpcc-lab.cpp $(xmlrpc-c-config c++2 abyss-server client --libs)
#include <xmlrpc-c/base.hpp>
#include <xmlrpc-c/client.hpp>
#include <xmlrpc-c/girerr.hpp>
#include <xmlrpc-c/registry.hpp>
#include <xmlrpc-c/server_abyss.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <unistd.h>
using namespace xmlrpc_c;
using std::string;

static void logCall(const char *m, const char *out) { printf("{\"method\":\"%s\",\"result\":\"%s\"}\n", m, out); fflush(stdout); }

struct Echo : method { void execute(paramList const &p, value *r) { *r = p.size() ? p[0] : value(value_nil()); logCall("echo", "ok"); } };
struct Add : method {
  void execute(paramList const &p, value *r) {
    long long s = 0;
    for (unsigned i = 0; i < p.size(); ++i) s += p[i].type() == value::TYPE_I8 ? (long long)value_i8(p[i]) : (long long)value_int(p[i]);
    *r = value_i8(s);
    logCall("add", "ok");
  }
};
struct Fail : method {
  void execute(paramList const &p, value *) {
    int code = p.size() ? p.getInt(0) : 7;
    logCall("fail", "fault");
    throw fault("deliberate failure <&> \xc3\xa9", fault::code_t(code));
  }
};
struct Nil : method { void execute(paramList const &, value *r) { *r = value_nil(); logCall("nothing", "ok"); } };
struct Blob : method {
  void execute(paramList const &p, value *r) {
    int n = p.getInt(0, 0, 1 << 20);
    std::vector<unsigned char> b(n);
    for (int i = 0; i < n; ++i) b[i] = (unsigned char)(i * 7);
    *r = value_bytestring(b);
    logCall("blob", "ok");
  }
};
struct Record : method {
  void execute(paramList const &, value *r) {
    std::map<string, value> inner, outer;
    inner["when"] = value_datetime(time_t(1700000000));
    inner["big"] = value_i8(-9007199254740993LL);
    inner["ratio"] = value_double(-0.125);
    inner["ok"] = value_boolean(false);
    inner["none"] = value_nil();
    std::vector<value> list;
    list.push_back(value_string("a\r\nb"));
    list.push_back(value_struct(inner));
    list.push_back(value_array(std::vector<value>()));
    outer["list"] = value_array(list);
    outer["empty"] = value_struct(std::map<string, value>());
    outer["name"] = value_string("");
    *r = value_struct(outer);
    logCall("record", "ok");
  }
};

static int server(int port, int seconds) {
  registry reg;
  reg.addMethod("echo", methodPtr(new Echo));
  reg.addMethod("add", methodPtr(new Add));
  reg.addMethod("fail", methodPtr(new Fail));
  reg.addMethod("nothing", methodPtr(new Nil));
  reg.addMethod("blob", methodPtr(new Blob));
  reg.addMethod("record", methodPtr(new Record));
  alarm(seconds);
  serverAbyss srv(serverAbyss::constrOpt().registryP(&reg).portNumber(port).keepaliveMaxConn(20).logFileName("/dev/null"));
  srv.run();
  return 0;
}

static void show(const char *m, value const &v) {
  const char *t = "other";
  switch (v.type()) {
  case value::TYPE_INT: t = "int"; break;
  case value::TYPE_I8: t = "i8"; break;
  case value::TYPE_NIL: t = "nil"; break;
  case value::TYPE_STRING: t = "string"; break;
  case value::TYPE_STRUCT: t = "struct"; break;
  case value::TYPE_ARRAY: t = "array"; break;
  case value::TYPE_BYTESTRING: t = "base64"; break;
  case value::TYPE_DATETIME: t = "dateTime"; break;
  case value::TYPE_DOUBLE: t = "double"; break;
  case value::TYPE_BOOLEAN: t = "boolean"; break;
  default: break;
  }
  printf("{\"method\":\"%s\",\"result\":\"%s\"}\n", m, t);
  fflush(stdout);
}

static int runClient(const char *url) {
  clientXmlTransport_curl transport;
  client_xml cl(&transport);
  auto call = [&](const char *m, paramList const &p) {
    rpcPtr rpc(m, p);
    carriageParm_curl0 parm(url);
    try {
      rpc->call(&cl, &parm);
      show(m, rpc->getResult());
    } catch (girerr::error const &e) {
      if (rpc->isFinished() && !rpc->isSuccessful()) {
        fault f = rpc->getFault();
        printf("{\"method\":\"%s\",\"fault\":%d}\n", m, int(f.getCode()));
      } else printf("{\"method\":\"%s\",\"error\":\"transport\"}\n", m);
      fflush(stdout);
    }
  };
  paramList p1; p1.add(value_i8(4294967296LL)); p1.add(value_int(-2147483647 - 1)); p1.add(value_i8(1));
  call("add", p1);
  paramList p2; p2.add(value_datetime(time_t(1234567890))); call("echo", p2);
  std::vector<unsigned char> bytes(3000); for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = (unsigned char)i;
  paramList p3; p3.add(value_bytestring(bytes)); call("echo", p3);
  paramList p4; p4.add(value_nil()); call("echo", p4);
  call("nothing", paramList());
  call("record", paramList());
  paramList p5; p5.add(value_int(70000)); call("blob", p5);
  paramList p6; p6.add(value_int(-32001)); call("fail", p6);
  call("no.such.method", paramList());
  paramList p7; p7.add(value_string("x")); call("add", p7);   // wrong type: fault from the method
  // system.multicall: add, fail, echo(struct), an unknown method
  std::vector<value> calls;
  auto sub = [&](const char *m, std::vector<value> ps) {
    std::map<string, value> s; s["methodName"] = value_string(m); s["params"] = value_array(ps); calls.push_back(value_struct(s));
  };
  sub("add", {value_int(1), value_int(2)});
  sub("fail", {value_int(99)});
  std::map<string, value> st; st["k"] = value_double(1e300);
  sub("echo", {value_struct(st)});
  sub("missing", {});
  paramList p8; p8.add(value_array(calls)); call("system.multicall", p8);
  call("system.listMethods", paramList());
  paramList p9; p9.add(value_string("add")); call("system.methodSignature", p9);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 4 && string(argv[1]) == "server") return server(atoi(argv[2]), atoi(argv[3]));
  if (argc >= 3 && string(argv[1]) == "client") return runClient(argv[2]);
  fprintf(stderr, "usage: xmlrpcc-lab server PORT SECONDS | client URL\n");
  return 2;
}
