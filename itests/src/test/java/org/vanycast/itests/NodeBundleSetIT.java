package org.vanycast.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.vanycast.node.api.ConnectionAdopter;

/**
 * The node distribution's bundle set (bundles/node/target/vanycast-node: bundle/N and the
 * sample from deploy/) in a native Felix: everything starts, SOAP answers on the node's own
 * address and on the logical address, and an adopted connection is served by Jetty.
 * Own address 127.0.0.1, logical address 127.0.0.2 (loopback: nothing leaves the host).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodeBundleSetIT {

    private static final String OWN = "127.0.0.1";
    private static final String LOGICAL = "127.0.0.2";
    private static final long TIMEOUT_MILLIS = 60_000;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() throws IOException {
        Path dist = Path.of(System.getProperty("vanycast.node.dist")).toAbsolutePath();
        int port = Http.freePort();
        Path data = Files.createTempDirectory("vanycast-itest-data");
        Files.writeString(data.resolve("hello.txt"), "Hello from a Vanycast node.\n");
        Path etc = Files.createTempDirectory("vanycast-itest-etc");

        List<Option> options = new ArrayList<>();
        options.add(cleanCaches());
        options.add(frameworkStartLevel(6));
        // Same framework settings as the node launcher (NodeFramework).
        options.add(frameworkProperty("felix.bootdelegation.implicit").value("false"));
        options.add(systemPackages("javax.xml.stream;version=\"1.0.1\"", "javax.xml.stream.events;version=\"1.0.1\"",
                "javax.xml.stream.util;version=\"1.0.1\"", "sun.nio.ch", "sun.misc"));
        options.add(frameworkProperty("vanycast.node.name").value("itest"));
        options.add(frameworkProperty("vanycast.node.addresses").value(OWN));
        options.add(frameworkProperty("vanycast.node.logical.address").value(LOGICAL));
        options.add(frameworkProperty("vanycast.node.port").value(Integer.toString(port)));
        options.add(frameworkProperty("vanycast.node.data").value(data.toString()));
        options.add(frameworkProperty("org.osgi.service.http.port").value(Integer.toString(port)));
        options.add(frameworkProperty("org.apache.felix.http.host").value(OWN));
        options.add(frameworkProperty("felix.fileinstall.dir").value(etc.toString()));
        options.add(systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("warn"));
        options.add(systemProperty("vanycast.itest.port").value(Integer.toString(port)));
        options.add(systemProperty("vanycast.itest.dist").value(dist.toUri().toString()));
        for (int level = 1; level <= 5; level++) {
            for (Path jar : jars(dist.resolve("bundle").resolve(Integer.toString(level)))) {
                options.add(bundle(jar.toUri().toString()).startLevel(level).start());
            }
        }
        options.add(bundle(dist.resolve("deploy/vanycast-sample.jar").toUri().toString()).startLevel(5).start());
        options.add(junitBundles());
        return options.toArray(new Option[0]);
    }

    private static List<Path> jars(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private String url(String host, String path) {
        return "http://" + host + ":" + System.getProperty("vanycast.itest.port") + path;
    }

    @Test
    public void shouldStartEveryBundleOfTheNodeDistribution() throws InterruptedException {
        String dist = System.getProperty("vanycast.itest.dist");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        List<String> notActive;
        int fromDist;
        do {
            notActive = new ArrayList<>();
            fromDist = 0;
            for (Bundle bundle : context.getBundles()) {
                boolean fragment = bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
                if (bundle.getLocation().startsWith(dist)) {
                    fromDist++;
                }
                if (bundle.getState() == Bundle.INSTALLED
                        || (bundle.getLocation().startsWith(dist) && bundle.getState() != Bundle.ACTIVE && !fragment)) {
                    notActive.add(bundle.getSymbolicName() + " state " + bundle.getState());
                }
            }
            if (notActive.isEmpty()) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        } while (System.nanoTime() < deadline);
        assertEquals("bundles not active or unresolved", List.of(), notActive);
        assertTrue("the distribution's bundles are installed: " + fromDist, fromDist > 40);
    }

    @Test
    public void shouldAnswerSoapCallOnOwnAddress() throws Exception {
        Http.Response r = Http.postUntilOk(url(OWN, "/soap/content"), Http.envelope("listDocuments", ""), TIMEOUT_MILLIS);
        assertEquals("hello.txt", Http.value(r.body, "name"));
        assertEquals("28", Http.value(r.body, "size"));
    }

    @Test
    public void shouldAnswerSoapCallOnLogicalAddressThroughVanycastListener() throws Exception {
        Http.Response r = Http.postUntilOk(url(LOGICAL, "/soap/content"),
                Http.envelope("getRange", "<name>hello.txt</name><offset>6</offset><length>4</length>"), TIMEOUT_MILLIS);
        assertEquals("ZnJvbQ==", Http.value(r.body, "content")); // "from"
        ServiceReference<?>[] refs = context.getAllServiceReferences(ConnectionAdopter.class.getName(), null);
        assertNotNull("ConnectionAdopter registered", refs);
        String[] listen = (String[]) refs[0].getProperty(ConnectionAdopter.LISTEN_PROPERTY);
        assertTrue(Arrays.toString(listen), Arrays.asList(listen).contains(LOGICAL + ":" + System.getProperty("vanycast.itest.port")));
    }

    @Test
    public void shouldRefuseTraversalNameWithSoapClientFault() throws Exception {
        Http.postUntilOk(url(OWN, "/soap/content"), Http.envelope("getServiceVersion", ""), TIMEOUT_MILLIS);
        Http.Response r = Http.post(url(OWN, "/soap/content"), Http.envelope("getDocument", "<name>../../etc/passwd</name>"));
        assertEquals(500, r.status);
        assertEquals("soap:Client", Http.value(r.body, "faultcode"));
        assertEquals(400, Http.get(url(OWN, "/content/..%2f..%2fetc%2fpasswd")).status);
    }

    @Test
    public void shouldDownloadDocumentWholeAndByRange() throws Exception {
        Http.postUntilOk(url(OWN, "/soap/content"), Http.envelope("getServiceVersion", ""), TIMEOUT_MILLIS);
        Http.Response whole = Http.get(url(LOGICAL, "/content/hello.txt"));
        assertEquals(200, whole.status);
        assertEquals("Hello from a Vanycast node.\n", whole.body);
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) new java.net.URL(url(LOGICAL, "/content/hello.txt"))
                .openConnection();
        c.setRequestProperty("Range", "bytes=6-9");
        assertEquals(206, c.getResponseCode());
        assertEquals("bytes 6-9/28", c.getHeaderField("Content-Range"));
        assertEquals("4", c.getHeaderField("Content-Length"));
        try (InputStream in = c.getInputStream()) {
            assertEquals("from", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
        assertEquals(404, Http.get(url(LOGICAL, "/content/missing.txt")).status);
    }

    /** The injection point for migrated connections: Jetty serves a channel it never accepted. */
    @Test
    public void shouldServeAdoptedConnection() throws Exception {
        Http.postUntilOk(url(LOGICAL, "/soap/content"), Http.envelope("getServiceVersion", ""), TIMEOUT_MILLIS);
        ServiceReference<ConnectionAdopter> ref = context.getServiceReference(ConnectionAdopter.class);
        ConnectionAdopter adopter = context.getService(ref);
        try (ServerSocketChannel elsewhere = ServerSocketChannel.open()) {
            elsewhere.bind(new InetSocketAddress(InetAddress.getByName(LOGICAL), 0));
            int port = ((InetSocketAddress) elsewhere.getLocalAddress()).getPort();
            try (Socket client = new Socket(LOGICAL, port)) {
                SocketChannel accepted = elsewhere.accept();
                adopter.adopt(accepted);
                client.setSoTimeout(30_000);
                OutputStream out = client.getOutputStream();
                out.write(("GET /content/hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = client.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(response, response.startsWith("HTTP/1.1 200"));
                assertTrue(response, response.endsWith("Hello from a Vanycast node.\n"));
            }
        } finally {
            context.ungetService(ref);
        }
    }
}
