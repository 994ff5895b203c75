// gRPC C++ (Debian libgrpc++ 1.51) server and client in one process, on 127.0.0.1:PORT.
// Prints one JSON line per call: {"method","status","sent","recv"}.
#include <grpcpp/grpcpp.h>
#include <grpcpp/generic/generic_stub.h>
#include "lab.grpc.pb.h"
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

using grpc::ClientContext;
using grpc::ServerContext;
using grpc::Status;
using grpc::StatusCode;
using lab::v1::Req;
using lab::v1::Resp;
using std::chrono::milliseconds;

static void sleepMs(int ms) { std::this_thread::sleep_for(milliseconds(ms)); }

class LabImpl final : public lab::v1::Lab::Service {
  Status Unary(ServerContext* c, const Req* q, Resp* r) override {
    const std::string& m = q->mode();
    if (m == "fail") return Status(StatusCode::INVALID_ARGUMENT, "bad input: n must be even", std::string("\x08\x03\x12\x03" "bad", 7));
    if (m == "slow") sleepMs(400);
    if (m == "deflate") c->set_compression_algorithm(GRPC_COMPRESS_DEFLATE);
    if (m == "bigmeta") {
      c->AddInitialMetadata("x-big-initial", std::string(20000, 'i'));
      c->AddTrailingMetadata("x-big-trailer", std::string(20000, 't'));
    }
    if (m == "bin") c->AddTrailingMetadata("x-trace-bin", std::string("\x00\x01\xff\xfe", 4));
    r->set_text("echo:" + q->text());
    r->set_n(q->n());
    r->set_blob(std::string(q->n(), 'z'));
    return Status::OK;
  }
  Status ServerStream(ServerContext* c, const Req* q, grpc::ServerWriter<Resp>* w) override {
    for (int i = 0; i < q->n() && i < 1000; i++) {
      if (c->IsCancelled()) return Status::CANCELLED;
      Resp r;
      r.set_text("item");
      r.set_n(i);
      w->Write(r);
      if (q->mode() == "slow") sleepMs(50);
    }
    return Status::OK;
  }
  Status ClientStream(ServerContext*, grpc::ServerReader<Req>* rd, Resp* r) override {
    Req q;
    int n = 0, bytes = 0;
    while (rd->Read(&q)) {
      n++;
      bytes += q.blob().size();
    }
    r->set_text("got " + std::to_string(bytes));
    r->set_n(n);
    return Status::OK;
  }
  Status Bidi(ServerContext*, grpc::ServerReaderWriter<Resp, Req>* s) override {
    Req q;
    while (s->Read(&q)) {
      Resp r;
      r.set_text("re:" + q.text());
      r.set_n(q.n());
      s->Write(r);
    }
    return Status::OK;
  }
};

static void logCall(const char* method, const Status& st, int sent, int recv) {
  printf("{\"method\":\"%s\",\"status\":%d,\"sent\":%d,\"recv\":%d}\n", method, st.error_code(), sent, recv);
  fflush(stdout);
}

int main(int argc, char** argv) {
  std::string addr = std::string("127.0.0.1:") + (argc > 1 ? argv[1] : "28010");
  LabImpl impl;
  grpc::ServerBuilder sb;
  sb.AddListeningPort(addr, grpc::InsecureServerCredentials());
  sb.RegisterService(&impl);
  sb.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, 65536);
  sb.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 100);
  sb.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  std::unique_ptr<grpc::Server> server = sb.BuildAndStart();

  grpc::ChannelArguments ca;
  ca.SetInt(GRPC_ARG_MAX_METADATA_SIZE, 65536);
  ca.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 300);
  ca.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 1000);
  ca.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  ca.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  auto ch = grpc::CreateCustomChannel(addr, grpc::InsecureChannelCredentials(), ca);
  auto stub = lab::v1::Lab::NewStub(ch);

  auto unary = [&](const char* mode, int n, const std::function<void(ClientContext&)>& prep) {
    ClientContext c;
    prep(c);
    Req q;
    q.set_text(mode);
    q.set_n(n);
    q.set_mode(mode);
    if (std::string(mode) == "gzip" || std::string(mode) == "huge") q.set_blob(std::string(n, 'a'));
    Resp r;
    Status st = stub->Unary(&c, q, &r);
    logCall("/lab.v1.Lab/Unary", st, 1, st.ok() ? 1 : 0);
  };
  auto none = [](ClientContext&) {};
  unary("plain", 10, none);
  unary("gzip", 5000, [](ClientContext& c) { c.set_compression_algorithm(GRPC_COMPRESS_GZIP); });
  unary("deflate", 5000, none);
  unary("bigmeta", 3, [](ClientContext& c) { c.AddMetadata("x-big-request", std::string(20000, 'r')); });
  unary("bin", 4, [](ClientContext& c) { c.AddMetadata("x-client-bin", std::string("\xde\xad\x00\xbe\xef", 5)); });
  unary("fail", 1, none);
  unary("slow", 2, [](ClientContext& c) { c.set_deadline(std::chrono::system_clock::now() + milliseconds(100)); });
  unary("huge", 4500000, none);  // over the server's 4 MiB receive limit: RESOURCE_EXHAUSTED

  {  // server stream, read to the end
    ClientContext c;
    Req q;
    q.set_n(5);
    auto rd = stub->ServerStream(&c, q);
    Resp r;
    int got = 0;
    while (rd->Read(&r)) got++;
    logCall("/lab.v1.Lab/ServerStream", rd->Finish(), 1, got);
  }
  {  // server stream cancelled by the client after 3 messages
    ClientContext c;
    Req q;
    q.set_n(50);
    q.set_mode("slow");
    auto rd = stub->ServerStream(&c, q);
    Resp r;
    int got = 0;
    while (got < 3 && rd->Read(&r)) got++;
    c.TryCancel();
    while (rd->Read(&r)) {}
    logCall("/lab.v1.Lab/ServerStream", rd->Finish(), 1, got);
  }
  {  // client stream, gzip
    ClientContext c;
    c.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    Resp r;
    auto wr = stub->ClientStream(&c, &r);
    for (int i = 0; i < 4; i++) {
      Req q;
      q.set_n(i);
      q.set_blob(std::string(1000 * (i + 1), 'b'));
      wr->Write(q);
    }
    wr->WritesDone();
    Status st = wr->Finish();
    logCall("/lab.v1.Lab/ClientStream", st, 4, st.ok() ? 1 : 0);
  }
  {  // bidi, one reply per message
    ClientContext c;
    auto s = stub->Bidi(&c);
    int got = 0;
    for (int i = 0; i < 3; i++) {
      Req q;
      q.set_text("m" + std::to_string(i));
      q.set_n(i);
      s->Write(q);
      Resp r;
      if (s->Read(&r)) got++;
    }
    s->WritesDone();
    Resp r;
    while (s->Read(&r)) got++;
    logCall("/lab.v1.Lab/Bidi", s->Finish(), 3, got);
  }
  {  // a service the server does not have
    auto m = lab::v1::Missing::NewStub(ch);
    ClientContext c;
    Req q;
    Resp r;
    logCall("/lab.v1.Missing/Nope", m->Nope(&c, q, &r), 1, 0);
  }
  sleepMs(1500);  // idle: keepalive PINGs
  unary("plain", 7, none);
  // the server shuts down with the channel still connected: GOAWAY
  server->Shutdown(std::chrono::system_clock::now() + milliseconds(500));
  sleepMs(300);
  return 0;
}
