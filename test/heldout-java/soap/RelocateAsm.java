// Debian's JAX-WS RI generates wrapper beans with the ASM it expects under com.sun.xml.ws.org.objectweb.asm
// (upstream's jaxws-rt bundles a relocated copy; Debian's does not). This writes that copy from Debian's
// asm.jar: java -cp /usr/share/java/asm.jar:/usr/share/java/asm-commons.jar RelocateAsm.java IN.jar OUT.jar
import java.io.*;
import java.util.jar.*;
import org.objectweb.asm.*;
import org.objectweb.asm.commons.*;

public class RelocateAsm {
  public static void main(String[] a) throws Exception {
    Remapper r = new Remapper() {
      @Override public String map(String name) {
        return name.startsWith("org/objectweb/asm/") ? "com/sun/xml/ws/" + name : name;
      }
    };
    try (JarFile in = new JarFile(a[0]); JarOutputStream out = new JarOutputStream(new FileOutputStream(a[1]))) {
      for (var e = in.entries(); e.hasMoreElements();) {
        JarEntry je = e.nextElement();
        if (!je.getName().endsWith(".class") || !je.getName().startsWith("org/objectweb/asm/")) continue;
        byte[] b = in.getInputStream(je).readAllBytes();
        ClassReader cr = new ClassReader(b);
        ClassWriter cw = new ClassWriter(0);
        cr.accept(new ClassRemapper(cw, r), 0);
        out.putNextEntry(new JarEntry("com/sun/xml/ws/" + je.getName()));
        out.write(cw.toByteArray());
        out.closeEntry();
      }
    }
  }
}
