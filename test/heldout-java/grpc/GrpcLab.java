// Held-out gRPC check: gRPC Java 1.41 (Debian libgrpc-java, Netty 4.1 transport, plaintext h2c) on both ends,
// stubs from protoc + grpc_java_plugin (lab.proto): unary (with metadata both ways), server streaming, client
// streaming, bidi, NOT_FOUND with a message, a deadline exceeded, gzip-compressed messages, a cancelled stream.
// Usage: java GrpcLab PORT  (one "CALL ..." line per call)
import heldout.grpclab.*;
import io.grpc.*;
import io.grpc.stub.*;
import java.util.*;
import java.util.concurrent.*;

public class GrpcLab {
  static void log(String s) { System.out.println("CALL " + s); }

  static Item item(String sku, int qty) {
    return Item.newBuilder().setSku(sku).setQty(qty).setPrice(2.5 * qty).addTags("t" + qty).setBig(9007199254740993L).setBlob(com.google.protobuf.ByteString.copyFrom(new byte[] {0, 1, (byte) 0xff})).setKind(Kind.TOOL).build();
  }

  static class StoreImpl extends StoreGrpc.StoreImplBase {
    public void get(Query q, StreamObserver<Item> out) {
      if (q.getPrefix().equals("missing")) { out.onError(Status.NOT_FOUND.withDescription("no item " + q.getPrefix()).asRuntimeException()); return; }
      if (q.getPrefix().equals("slow")) { try { Thread.sleep(500); } catch (InterruptedException e) { } }
      out.onNext(item(q.getPrefix() + "-1", q.getLimit())); out.onCompleted();
    }
    public void list(Query q, StreamObserver<Item> out) {
      for (int i = 0; i < q.getLimit(); i++) out.onNext(item(q.getPrefix() + "-" + i, i));
      out.onCompleted();
    }
    public StreamObserver<Item> upload(StreamObserver<Total> out) {
      return new StreamObserver<Item>() {
        int n; double sum;
        public void onNext(Item it) { n++; sum += it.getPrice(); }
        public void onError(Throwable t) {}
        public void onCompleted() { out.onNext(Total.newBuilder().setCount(n).setSum(sum).build()); out.onCompleted(); }
      };
    }
    public StreamObserver<Query> chat(StreamObserver<Item> out) {
      return new StreamObserver<Query>() {
        public void onNext(Query q) { out.onNext(item("chat-" + q.getPrefix(), q.getLimit())); }
        public void onError(Throwable t) {}
        public void onCompleted() { out.onCompleted(); }
      };
    }
  }

  public static void main(String[] a) throws Exception {
    int port = Integer.parseInt(a[0]);
    Metadata.Key<String> REQ_ID = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
    Server server = io.grpc.netty.NettyServerBuilder.forAddress(new java.net.InetSocketAddress("127.0.0.1", port))
      .addService(ServerInterceptors.intercept(new StoreImpl(), new ServerInterceptor() {
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata h, ServerCallHandler<Q, R> next) {
          return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<Q, R>(call) {
            public void sendHeaders(Metadata rh) { rh.put(REQ_ID, "echo-" + h.get(REQ_ID)); super.sendHeaders(rh); }
          }, h);
        }
      })).build().start();
    ManagedChannel ch = io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      Metadata md = new Metadata(); md.put(REQ_ID, "r-1");
      StoreGrpc.StoreBlockingStub b = StoreGrpc.newBlockingStub(ch).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
      log("Get(prefix A, limit 2) -> " + b.get(Query.newBuilder().setPrefix("A").setLimit(2).build()).getSku());
      try { b.get(Query.newBuilder().setPrefix("missing").build()); } catch (StatusRuntimeException e) { log("Get(missing) -> " + e.getStatus().getCode() + " " + e.getStatus().getDescription()); }
      try { b.withDeadlineAfter(100, TimeUnit.MILLISECONDS).get(Query.newBuilder().setPrefix("slow").build()); } catch (StatusRuntimeException e) { log("Get(slow) with a 100 ms deadline -> " + e.getStatus().getCode()); }
      log("Get(gzip) -> " + b.withCompression("gzip").get(Query.newBuilder().setPrefix("Z").setLimit(3).build()).getSku());
      int n = 0; for (Iterator<Item> it = b.list(Query.newBuilder().setPrefix("L").setLimit(3).build()); it.hasNext(); it.next()) n++;
      log("List(L, 3) -> " + n + " items");
      StoreGrpc.StoreStub as = StoreGrpc.newStub(ch);
      CompletableFuture<Total> tot = new CompletableFuture<>();
      StreamObserver<Item> up = as.upload(new StreamObserver<Total>() {
        public void onNext(Total t) { tot.complete(t); } public void onError(Throwable t) { tot.completeExceptionally(t); } public void onCompleted() {}
      });
      for (int i = 1; i <= 3; i++) up.onNext(item("U-" + i, i));
      up.onCompleted();
      Total t = tot.get(5, TimeUnit.SECONDS);
      log("Upload(3 items) -> count " + t.getCount() + " sum " + t.getSum());
      CountDownLatch chatDone = new CountDownLatch(1);
      List<String> got = Collections.synchronizedList(new ArrayList<>());
      StreamObserver<Query> chat = as.chat(new StreamObserver<Item>() {
        public void onNext(Item it) { got.add(it.getSku()); } public void onError(Throwable e) { chatDone.countDown(); } public void onCompleted() { chatDone.countDown(); }
      });
      for (String s : new String[] {"x", "y"}) chat.onNext(Query.newBuilder().setPrefix(s).setLimit(1).build());
      chat.onCompleted();
      chatDone.await(5, TimeUnit.SECONDS);
      log("Chat(x, y) -> " + got);
      // a server stream the client cancels after its first item
      Context.CancellableContext cc = Context.current().withCancellation();
      CountDownLatch first = new CountDownLatch(1);
      cc.run(() -> as.list(Query.newBuilder().setPrefix("C").setLimit(1000).build(), new StreamObserver<Item>() {
        public void onNext(Item it) { first.countDown(); } public void onError(Throwable e) {} public void onCompleted() {}
      }));
      first.await(5, TimeUnit.SECONDS);
      cc.cancel(null);
      log("List(C, 1000) cancelled after its first item");
      Thread.sleep(200);
    } finally {
      ch.shutdown().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdown().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
