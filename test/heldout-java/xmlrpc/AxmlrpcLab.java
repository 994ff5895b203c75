// Held-out XML-RPC check: aXMLRPC 1.13 (Debian libaxmlrpc-java) against python3's xmlrpc.server (server.py):
// nil (FLAGS_NIL), i8 (FLAGS_8BYTE_INT), structs, arrays, base64, dateTime.iso8601, doubles, booleans,
// a Fault, a server error turned into a Fault, an unknown method.
// Usage: java AxmlrpcLab PORT  (one "CALL ..." line per call)
import de.timroes.axmlrpc.*;
import java.net.URL;
import java.util.*;

public class AxmlrpcLab {
  static void log(String s) { System.out.println("CALL " + s); }
  static String show(Object o) {
    if (o instanceof byte[]) return "byte[" + ((byte[]) o).length + "]";
    if (o instanceof Object[]) return Arrays.deepToString((Object[]) o);
    if (o instanceof Date) { java.text.SimpleDateFormat f = new java.text.SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss"); return "Date(" + f.format((Date) o) + " local)"; }
    return String.valueOf(o) + (o == null ? "" : " (" + o.getClass().getSimpleName() + ")");
  }
  static void call(XMLRPCClient c, String m, Object... args) {
    try { log(m + Arrays.deepToString(args) + " -> " + show(c.call(m, args))); }
    catch (XMLRPCServerException e) { log(m + Arrays.deepToString(args) + " -> FAULT " + e.getErrorNr() + " " + e.getMessage()); }
    catch (XMLRPCException | RuntimeException e) { log(m + Arrays.deepToString(args) + " -> CLIENT ERROR " + e); }
  }
  public static void main(String[] a) throws Exception {
    URL url = new URL("http://127.0.0.1:" + a[0] + "/RPC2");
    XMLRPCClient c = new XMLRPCClient(url, "aXMLRPC-heldout", XMLRPCClient.FLAGS_NIL | XMLRPCClient.FLAGS_8BYTE_INT);
    call(c, "echo", "héllo <&> wörld");
    call(c, "add", 2, 40);
    call(c, "add", 1L << 40, 1L);
    call(c, "add", 0.5, 0.25);
    call(c, "echo", true);
    call(c, "echo", (Object) null);
    call(c, "nothing");
    Map<String, Object> st = new LinkedHashMap<>();
    st.put("name", "Ada"); st.put("age", 36); st.put("tags", new Object[] {"x", 1, false}); st.put("nested", Map.of("k", 1.5));
    call(c, "echo", st);
    call(c, "echo", (Object) new Object[] {1, "two", new Object[] {3}});
    call(c, "size", (Object) new byte[] {0, 1, 2, (byte) 255});
    call(c, "blob", 10);
    Calendar cal = Calendar.getInstance(); cal.clear(); cal.set(2024, Calendar.MAY, 6, 7, 8, 9);
    call(c, "echo", cal.getTime());
    call(c, "when");
    call(c, "fail", 42, "bad thing");
    call(c, "crash");
    call(c, "no.such.method", 1);
    call(c, "system.listMethods");
    XMLRPCClient plain = new XMLRPCClient(url, "aXMLRPC-heldout", XMLRPCClient.FLAGS_NONE);
    call(plain, "echo", 1L << 40);
    call(plain, "echo", (Object) null);
  }
}
