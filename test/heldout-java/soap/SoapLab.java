// Held-out SOAP check: JAX-WS RI (Debian libjaxws-java) on both ends. One process publishes the
// endpoints (Endpoint.publish: the JDK's built-in HTTP server) and calls them through proxies built
// from the published WSDLs (fetched over HTTP, so the WSDL GETs are in the capture too).
// Endpoints: /shop SOAP 1.1 document/literal wrapped; /shop12 the same with the SOAP 1.2 binding;
// /rpc rpc/literal; /files with MTOM (XOP attachments both ways, multipart/related bodies).
// Usage: java SoapLab PORT [WSDL_DIR]  (every call prints one line: "CALL op args -> result | FAULT ...")
package heldout;

import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.activation.DataHandler;
import javax.jws.Oneway;
import javax.jws.WebMethod;
import javax.jws.WebParam;
import javax.jws.WebService;
import javax.jws.soap.SOAPBinding;
import javax.xml.bind.annotation.XmlMimeType;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.namespace.QName;
import javax.xml.ws.BindingType;
import javax.xml.ws.Endpoint;
import javax.xml.ws.Service;
import javax.xml.ws.WebFault;
import javax.xml.ws.soap.MTOM;
import javax.xml.ws.soap.MTOMFeature;

public class SoapLab {
  public static class Item {
    public String sku;
    public int qty;
    public double price;
    public Item() {}
    public Item(String sku, int qty, double price) { this.sku = sku; this.qty = qty; this.price = price; }
    public String toString() { return sku + "x" + qty + "@" + price; }
  }
  public static class Order {
    public long id;
    public String customer;
    public List<Item> items = new ArrayList<>();
    public XMLGregorianCalendar placed;
    public Boolean gift;
    public String toString() { return "Order{id=" + id + ",customer=" + customer + ",items=" + items + ",placed=" + placed + ",gift=" + gift + "}"; }
  }
  public static class StockInfo {
    public String sku;
    public int have;
  }
  @WebFault(name = "OutOfStock")
  public static class OutOfStockException extends Exception {
    private final StockInfo info;
    public OutOfStockException(String msg, StockInfo info) { super(msg); this.info = info; }
    public OutOfStockException(String msg, StockInfo info, Throwable t) { super(msg, t); this.info = info; }
    public StockInfo getFaultInfo() { return info; }
  }

  @WebService(name = "Shop", targetNamespace = "urn:heldout:shop")
  public interface Shop {
    @WebMethod String echo(@WebParam(name = "text") String text);
    @WebMethod int add(@WebParam(name = "a") int a, @WebParam(name = "b") int b);
    @WebMethod Order place(@WebParam(name = "order") Order order) throws OutOfStockException;
    @WebMethod List<String> tags(@WebParam(name = "n") int n);
    @WebMethod @Oneway void log(@WebParam(name = "line") String line);
    @WebMethod void crash(@WebParam(name = "why") String why);
  }
  static Order placeImpl(Order o) throws OutOfStockException {
    for (Item it : o.items) if (it.qty > 10) {
      StockInfo si = new StockInfo(); si.sku = it.sku; si.have = 10;
      throw new OutOfStockException("not enough " + it.sku, si);
    }
    o.id = 1001; return o;
  }
  static List<String> tagsImpl(int n) { List<String> l = new ArrayList<>(); for (int i = 0; i < n && i < 10; i++) l.add("t" + i); return l; }
  @WebService(serviceName = "ShopService", portName = "ShopPort", endpointInterface = "heldout.SoapLab$Shop", targetNamespace = "urn:heldout:shop")
  public static class ShopImpl implements Shop {
    public String echo(String t) { return t; }
    public int add(int a, int b) { return a + b; }
    public Order place(Order o) throws OutOfStockException { return placeImpl(o); }
    public List<String> tags(int n) { return tagsImpl(n); }
    public void log(String line) { System.out.println("SERVER log " + line); }
    public void crash(String why) { throw new IllegalStateException(why); }
  }
  @WebService(serviceName = "Shop12Service", portName = "Shop12Port", endpointInterface = "heldout.SoapLab$Shop", targetNamespace = "urn:heldout:shop")
  @BindingType(javax.xml.ws.soap.SOAPBinding.SOAP12HTTP_BINDING)
  public static class Shop12Impl extends ShopImpl {}

  @WebService(name = "Calc", targetNamespace = "urn:heldout:calc")
  @SOAPBinding(style = SOAPBinding.Style.RPC)
  public interface Calc {
    @WebMethod double divide(@WebParam(name = "x") double x, @WebParam(name = "y") double y);
    @WebMethod Item scale(@WebParam(name = "item") Item item, @WebParam(name = "factor") int factor);
  }
  @WebService(serviceName = "CalcService", portName = "CalcPort", endpointInterface = "heldout.SoapLab$Calc", targetNamespace = "urn:heldout:calc")
  public static class CalcImpl implements Calc {
    public double divide(double x, double y) { if (y == 0) throw new ArithmeticException("divide by zero"); return x / y; }
    public Item scale(Item it, int f) { return new Item(it.sku, it.qty * f, it.price * f); }
  }

  @WebService(name = "Files", targetNamespace = "urn:heldout:files")
  public interface Files {
    @WebMethod byte[] download(@WebParam(name = "name") String name, @WebParam(name = "size") int size);
    @WebMethod int upload(@WebParam(name = "name") String name, @WebParam(name = "data") @XmlMimeType("application/octet-stream") DataHandler data);
  }
  @WebService(serviceName = "FilesService", portName = "FilesPort", endpointInterface = "heldout.SoapLab$Files", targetNamespace = "urn:heldout:files")
  @MTOM(threshold = 256)
  public static class FilesImpl implements Files {
    public byte[] download(String name, int size) {
      if (size < 0) throw new IllegalArgumentException("negative size " + size);
      byte[] b = new byte[Math.min(size, 1 << 20)];
      for (int i = 0; i < b.length; i++) b[i] = (byte) (i % 251);
      return b;
    }
    public int upload(String name, DataHandler data) {
      try (java.io.InputStream in = data.getInputStream()) {
        int n = 0; byte[] buf = new byte[8192]; int r;
        while ((r = in.read(buf)) > 0 && n < (8 << 20)) n += r;
        return n;
      } catch (java.io.IOException e) { throw new RuntimeException(e); }
    }
  }

  @WebService(serviceName = "Files12Service", portName = "Files12Port", endpointInterface = "heldout.SoapLab$Files", targetNamespace = "urn:heldout:files")
  @BindingType(javax.xml.ws.soap.SOAPBinding.SOAP12HTTP_MTOM_BINDING)
  public static class Files12Impl extends FilesImpl {}

  @WebService(serviceName = "AddrService", portName = "AddrPort", endpointInterface = "heldout.SoapLab$Shop", targetNamespace = "urn:heldout:shop")
  @javax.xml.ws.soap.Addressing(required = true)
  public static class AddrImpl extends ShopImpl {}

  /** SOAP with Attachments (SAAJ): echoes the request's attachment back, referenced by href="cid:…". */
  @javax.xml.ws.WebServiceProvider(serviceName = "SwaService", portName = "SwaPort", targetNamespace = "urn:heldout:swa")
  @javax.xml.ws.ServiceMode(javax.xml.ws.Service.Mode.MESSAGE)
  public static class SwaProvider implements javax.xml.ws.Provider<javax.xml.soap.SOAPMessage> {
    public javax.xml.soap.SOAPMessage invoke(javax.xml.soap.SOAPMessage rq) {
      try {
        javax.xml.soap.SOAPMessage rs = javax.xml.soap.MessageFactory.newInstance().createMessage();
        javax.xml.soap.SOAPElement r = rs.getSOAPBody().addChildElement("storeResponse", "s", "urn:heldout:swa");
        int n = 0;
        for (java.util.Iterator<?> it = rq.getAttachments(); it.hasNext();) {
          javax.xml.soap.AttachmentPart in = (javax.xml.soap.AttachmentPart) it.next();
          byte[] b = in.getRawContentBytes();
          javax.xml.soap.AttachmentPart out = rs.createAttachmentPart();
          out.setRawContentBytes(b, 0, b.length, "image/png");
          out.setContentId("<receipt-" + n + "@heldout>");
          rs.addAttachmentPart(out);
          r.addChildElement("receipt").addAttribute(new QName("href"), "cid:receipt-" + n + "@heldout");
          n++;
        }
        r.addChildElement("count").addTextNode(String.valueOf(n));
        rs.saveChanges();
        return rs;
      } catch (javax.xml.soap.SOAPException e) { throw new RuntimeException(e); }
    }
  }

  static int uploadBytes(Files f, byte[] up) {
    return f.upload("up.bin", new DataHandler(new javax.activation.DataSource() {
      public java.io.InputStream getInputStream() { return new java.io.ByteArrayInputStream(up); }
      public java.io.OutputStream getOutputStream() { throw new UnsupportedOperationException(); }
      public String getContentType() { return "application/octet-stream"; }
      public String getName() { return "up.bin"; }
    }));
  }

  static void log(String s) { System.out.println("CALL " + s); }

  public static void main(String[] a) throws Exception {
    int port = Integer.parseInt(a[0]);
    String base = "http://127.0.0.1:" + port;
    Endpoint e1 = Endpoint.publish(base + "/shop", new ShopImpl());
    Endpoint e2 = Endpoint.publish(base + "/shop12", new Shop12Impl());
    Endpoint e3 = Endpoint.publish(base + "/rpc", new CalcImpl());
    Endpoint e4 = Endpoint.publish(base + "/files", new FilesImpl());
    Endpoint e5 = Endpoint.publish(base + "/files12", new Files12Impl());
    Endpoint e6 = Endpoint.publish(base + "/addr", new AddrImpl());
    Endpoint e7 = Endpoint.publish(base + "/swa", new SwaProvider());
    try {
      // WSDL_DIR: the published WSDLs and the schemas they import (?xsd=1), saved for decoding with them
      if (a.length > 1) {
        for (String[] f : new String[][] {{"/shop?wsdl", "shop.wsdl"}, {"/shop?xsd=1", "shop.xsd"}, {"/rpc?wsdl", "calc.wsdl"}, {"/rpc?xsd=1", "calc.xsd"}, {"/files?wsdl", "files.wsdl"}, {"/files?xsd=1", "files.xsd"}}) {
          try (java.io.InputStream in = new URL(base + f[0]).openStream()) { java.nio.file.Files.write(java.nio.file.Path.of(a[1], f[1]), in.readAllBytes()); }
        }
      }
      for (String path : new String[] {"/shop", "/shop12"}) {
        String svc = path.equals("/shop") ? "ShopService" : "Shop12Service";
        Shop s = Service.create(new URL(base + path + "?wsdl"), new QName("urn:heldout:shop", svc)).getPort(Shop.class);
        log(path + " echo(\"héllo <&> world\") -> " + s.echo("héllo <&> world"));
        log(path + " add(2, 40) -> " + s.add(2, 40));
        Order o = new Order();
        o.customer = "Ada"; o.items.add(new Item("A-1", 2, 9.5)); o.items.add(new Item("B-2", 1, 0.25));
        o.placed = DatatypeFactory.newInstance().newXMLGregorianCalendar("2024-05-06T07:08:09.123Z");
        o.gift = null;
        log(path + " place(" + o + ") -> " + s.place(o));
        Order big = new Order(); big.customer = "Bob"; big.items.add(new Item("C-3", 50, 1));
        try { s.place(big); log(path + " place(big) -> no fault?"); }
        catch (OutOfStockException ex) { log(path + " place(" + big + ") -> FAULT OutOfStock " + ex.getMessage() + " sku=" + ex.getFaultInfo().sku + " have=" + ex.getFaultInfo().have); }
        log(path + " tags(3) -> " + s.tags(3));
        log(path + " tags(0) -> " + s.tags(0));
        s.log("one way line"); log(path + " log(\"one way line\") -> (oneway)");
        try { s.crash("boom"); } catch (javax.xml.ws.soap.SOAPFaultException ex) { log(path + " crash(\"boom\") -> FAULT " + ex.getFault().getFaultCode() + " " + ex.getMessage()); }
      }
      Calc c = Service.create(new URL(base + "/rpc?wsdl"), new QName("urn:heldout:calc", "CalcService")).getPort(Calc.class);
      log("/rpc divide(7, 2) -> " + c.divide(7, 2));
      try { c.divide(1, 0); } catch (javax.xml.ws.soap.SOAPFaultException ex) { log("/rpc divide(1, 0) -> FAULT " + ex.getFault().getFaultCode() + " " + ex.getMessage()); }
      log("/rpc scale(W-9x3@1.5, 4) -> " + c.scale(new Item("W-9", 3, 1.5), 4));
      Service fs = Service.create(new URL(base + "/files?wsdl"), new QName("urn:heldout:files", "FilesService"));
      Files f = fs.getPort(Files.class, new MTOMFeature(true, 256));
      byte[] small = f.download("small.bin", 16);
      log("/files download(\"small.bin\", 16) -> " + small.length + " bytes " + Arrays.toString(Arrays.copyOf(small, 4)));
      byte[] big = f.download("big.bin", 100000);
      log("/files download(\"big.bin\", 100000) -> " + big.length + " bytes");
      byte[] up = new byte[5000]; Arrays.fill(up, (byte) 'x');
      log("/files upload(\"up.bin\", 5000 bytes) -> " + uploadBytes(f, up));
      try { f.download("neg.bin", -1); } catch (javax.xml.ws.soap.SOAPFaultException ex) { log("/files download(\"neg.bin\", -1) -> FAULT " + ex.getFault().getFaultCode() + " " + ex.getFault().getFaultString()); }
      Files plain = fs.getPort(Files.class, new MTOMFeature(false));
      log("/files download(\"nomtom.bin\", 300) without MTOM on the client -> " + plain.download("nomtom.bin", 300).length + " bytes");
      Files f12 = Service.create(new URL(base + "/files12?wsdl"), new QName("urn:heldout:files", "Files12Service")).getPort(Files.class, new MTOMFeature(true, 256));
      log("/files12 download(\"big12.bin\", 3000) -> " + f12.download("big12.bin", 3000).length + " bytes");
      byte[] up12 = new byte[1000]; Arrays.fill(up12, (byte) 'y');
      log("/files12 upload(\"up.bin\", 1000 bytes) -> " + uploadBytes(f12, up12));
      try { f12.download("neg.bin", -2); } catch (javax.xml.ws.soap.SOAPFaultException ex) { log("/files12 download(\"neg.bin\", -2) -> FAULT " + ex.getFault().getFaultCode() + " " + ex.getFault().getFaultString()); }
      Shop addr = Service.create(new URL(base + "/addr?wsdl"), new QName("urn:heldout:shop", "AddrService")).getPort(Shop.class, new javax.xml.ws.soap.AddressingFeature(true, true));
      log("/addr echo(\"with WS-Addressing\") -> " + addr.echo("with WS-Addressing"));
      try { Shop noAddr = Service.create(new URL(base + "/addr?wsdl"), new QName("urn:heldout:shop", "AddrService")).getPort(Shop.class, new javax.xml.ws.soap.AddressingFeature(false));
        log("/addr echo without addressing -> " + noAddr.echo("no headers")); }
      catch (javax.xml.ws.soap.SOAPFaultException ex) { log("/addr echo(\"no headers\") without addressing -> FAULT " + ex.getFault().getFaultCode() + " " + ex.getFault().getFaultString()); }
      // Fast Infoset (ITU-T X.891) negotiated by JAX-WS: the first request in XML asks for it (Accept), the rest are binary
      Shop fi = Service.create(new URL(base + "/shop?wsdl"), new QName("urn:heldout:shop", "ShopService")).getPort(Shop.class);
      ((javax.xml.ws.BindingProvider) fi).getRequestContext().put("com.sun.xml.ws.client.ContentNegotiation", "pessimistic");
      log("/shop echo(\"fast infoset 1\") negotiating FI -> " + fi.echo("fast infoset 1"));
      log("/shop add(5, 6) in FI -> " + fi.add(5, 6));
      // SwA: a SAAJ client sends a message with two attachments referenced by href="cid:…"
      javax.xml.soap.SOAPMessage m = javax.xml.soap.MessageFactory.newInstance().createMessage();
      javax.xml.soap.SOAPElement st = m.getSOAPBody().addChildElement("store", "s", "urn:heldout:swa");
      for (int i = 0; i < 2; i++) {
        javax.xml.soap.AttachmentPart ap = m.createAttachmentPart();
        byte[] pic = new byte[700 + i * 300]; Arrays.fill(pic, (byte) (0x80 + i));
        ap.setRawContentBytes(pic, 0, pic.length, "image/png");
        ap.setContentId("<pic-" + i + "@heldout>");
        m.addAttachmentPart(ap);
        st.addChildElement("picture").addAttribute(new QName("href"), "cid:pic-" + i + "@heldout");
      }
      m.getMimeHeaders().addHeader("SOAPAction", "\"urn:heldout:swa:store\"");
      m.saveChanges();
      javax.xml.soap.SOAPConnection sc = javax.xml.soap.SOAPConnectionFactory.newInstance().createConnection();
      javax.xml.soap.SOAPMessage back = sc.call(m, new URL(base + "/swa"));
      log("/swa store(2 pictures, 700 + 1000 bytes, SAAJ) -> count " + back.getSOAPBody().getElementsByTagName("count").item(0).getTextContent() + ", " + back.countAttachments() + " attachments");
      sc.close();
    } finally {
      e1.stop(); e2.stop(); e3.stop(); e4.stop(); e5.stop(); e6.stop(); e7.stop();
    }
    System.exit(0);
  }
}
