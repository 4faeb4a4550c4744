package org.vanycast.soap.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.cxf.Bus;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.transport.servlet.CXFNonSpringServlet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.vanycast.soap.api.HandoffSettings;
import org.vanycast.soap.api.RecordedRequest;
import org.vanycast.soap.api.ReplayResumable;
import org.vanycast.soap.api.ResumableResponse;
import org.vanycast.soap.api.SoapHandoff;
import org.vanycast.soap.internal.DefaultSoapHandoff;
import org.vanycast.soap.internal.HttpAppStateCodec;
import org.vanycast.soap.internal.TrackedConnection;
import org.vanycast.soap.internal.state.ResponseProgress;
import org.vanycast.soap.jetty.HandoffConnector;
import org.vanycast.soap.testutil.Await;

/**
 * One service node as the container would run it: Jetty 9.4 with the Vanycast connector on
 * 127.0.0.1:port, CXF's servlet transport with a JAX-WS endpoint under /soap, and a plain
 * download servlet under /files whose documents are declared resumable.
 */
final class TestNode implements AutoCloseable {
    final String name;
    final DefaultSoapHandoff handoff;
    final HandoffConnector connector;
    final CountDownLatch slowEntered = new CountDownLatch(1);
    final CountDownLatch slowRelease = new CountDownLatch(1);
    final CountDownLatch holdRelease = new CountDownLatch(1);
    private final Server server;

    private final ServerConnector plain;

    private final String host;

    TestNode(String name, int port, HandoffSettings settings) throws Exception {
        this(name, "127.0.0.1", port, settings, true);
    }

    TestNode(String name, int port, HandoffSettings settings, boolean vanycast) throws Exception {
        this(name, "127.0.0.1", port, settings, vanycast);
    }

    /** @param vanycast false: a stock Jetty connector and no CXF feature, the baseline for benchmarks */
    TestNode(String name, String host, int port, HandoffSettings settings, boolean vanycast) throws Exception {
        this.name = name;
        this.host = host;
        this.handoff = (DefaultSoapHandoff) SoapHandoff.create(settings);
        this.server = new Server();
        this.connector = vanycast ? new HandoffConnector(server, handoff) : null;
        this.plain = vanycast ? null : new ServerConnector(server);
        if (!vanycast) {
            plain.setHost(host);
            plain.setPort(port);
            server.addConnector(plain);
        } else {
            configure(port);
        }
        start(vanycast);
    }

    private void configure(int port) {
        connector.setHost(host);
        connector.setPort(port);
        connector.setReusePort(true);
        // Small socket buffers keep a download mid-body while the client does not read.
        connector.setAcceptedSendBufferSize(64 << 10);
        server.addConnector(connector);
    }

    private void start(boolean vanycast) throws Exception {
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        CXFNonSpringServlet cxf = new CXFNonSpringServlet();
        ServletHolder cxfHolder = new ServletHolder("cxf", cxf);
        cxfHolder.setInitOrder(1);
        context.addServlet(cxfHolder, "/soap/*");
        context.addServlet(new ServletHolder("files", new DownloadServlet(holdRelease)), "/files/*");
        server.setHandler(context);
        server.start();

        Bus bus = cxf.getBus();
        JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
        factory.setBus(bus);
        factory.setServiceClass(DocumentService.class);
        factory.setServiceBean(new Impl());
        factory.setAddress("/docs");
        if (vanycast) {
            factory.setFeatures(List.of(handoff.feature()));
        }
        factory.create();
        if (!vanycast) {
            return;
        }
        handoff.register(new FileResumable());
        // getRange answers depend only on the request: any node regenerates them by replay.
        handoff.register(new ReplayResumable("test-getRange",
                java.net.URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                        + connector.getLocalPort() + "/"),
                r -> r.path().equals("/soap/docs")
                        && new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).contains("getRange")));
    }

    int port() {
        return connector != null ? connector.getLocalPort() : plain.getLocalPort();
    }

    HttpAppStateCodec codec() {
        return handoff.httpCodec();
    }

    SocketChannel onlyConnection() {
        List<SocketChannel> open = connector.openConnections();
        if (open.size() != 1) {
            throw new IllegalStateException(name + " has " + open.size() + " connections");
        }
        return open.get(0);
    }

    TrackedConnection tracked(SocketChannel channel) throws IOException {
        return handoff.registry().get(org.vanycast.soap.internal.ConnectionKey.of(channel));
    }

    /** Null while the connector has not (or no longer) tracked {@code channel}, e.g. once it closed. */
    TrackedConnection trackedOrNull(SocketChannel channel) {
        try {
            return tracked(channel);
        } catch (IOException e) {
            return null;
        }
    }

    /** Waits until the response on {@code channel} has put body bytes on the wire: a capture now is mid-body. */
    void awaitBodyStarted(SocketChannel channel) {
        Await.until("the response body on " + name + " is under way", () -> {
            TrackedConnection t = trackedOrNull(channel);
            ResponseProgress p = t == null ? null : t.responseProgress();
            return p != null && p.bodySent() > 0;
        });
    }

    @Override
    public void close() throws Exception {
        slowRelease.countDown();
        holdRelease.countDown();
        server.stop();
        handoff.close();
    }

    /** GET /files/NAME?size=N[&chunked=1]: a deterministic document, in 8 KiB writes. */
    static final class DownloadServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient CountDownLatch hold;

        DownloadServlet(CountDownLatch hold) {
            this.hold = hold;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String docName = req.getPathInfo().substring(1);
            long size = Long.parseLong(req.getParameter("size"));
            if (req.getParameter("hold") != null) {
                // The test decides when the response starts.
                try {
                    hold.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            resp.setContentType("application/octet-stream");
            if (req.getParameter("chunked") == null) {
                resp.setContentLengthLong(size);
            }
            byte[] buf = new byte[8192];
            try (InputStream in = Documents.open(docName, 0, size); OutputStream out = resp.getOutputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                }
            }
        }
    }

    /** The downloads are documents served by name: any node can continue one from an offset. */
    /** When set, this node's documents are gone: a download can no longer be continued here. */
    volatile boolean documentsGone;

    final class FileResumable implements ResumableResponse {
        @Override
        public String name() {
            return "test-files";
        }

        @Override
        public boolean covers(RecordedRequest request) {
            return request.method().equals("GET") && request.path().startsWith("/files/");
        }

        @Override
        public InputStream openBody(RecordedRequest request, long bodyOffset) throws IOException {
            String query = request.target().substring(request.target().indexOf('?') + 1);
            long size = -1;
            for (String p : query.split("&")) {
                if (p.startsWith("size=")) {
                    size = Long.parseLong(p.substring(5));
                }
            }
            if (size < bodyOffset) {
                throw new IOException("document shorter than offset " + bodyOffset);
            }
            if (documentsGone) {
                throw new java.nio.file.NoSuchFileException(request.path(), null, "not on " + name);
            }
            return Documents.open(request.path().substring("/files/".length()), bodyOffset, size);
        }
    }

    final class Impl implements DocumentService {
        @Override
        public String whoAmI(String caller) {
            return name + " answers " + caller;
        }

        @Override
        public String slowEcho(String text) {
            slowEntered.countDown();
            try {
                if (!slowRelease.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test never released the slow call");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return text;
        }

        @Override
        public byte[] getRange(String docName, long offset, int length) {
            return Documents.range(docName, offset, length);
        }
    }
}
