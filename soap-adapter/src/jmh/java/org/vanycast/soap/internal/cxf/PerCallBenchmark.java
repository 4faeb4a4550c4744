package org.vanycast.soap.internal.cxf;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.vanycast.soap.api.RecordedRequest;
import org.vanycast.soap.api.RecordedRequest.Header;
import org.vanycast.soap.internal.ConnectionKey;
import org.vanycast.soap.internal.ServerSide;
import org.vanycast.soap.internal.TrackedConnection;
import org.vanycast.soap.internal.state.HttpAppState;
import org.vanycast.soap.internal.state.HttpStateFormat;

/**
 * What Vanycast adds to one SOAP call on a keep-alive connection, piece by piece and in
 * total: recording the request (as the Jetty listener does), teeing its body (as the CXF
 * wire tap does), passing the response through the write gate and wire tracker, and ending
 * the exchange. Inputs are the bytes of a real CXF call as captured on the wire.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PerCallBenchmark {

    static final byte[] REQUEST_BODY = ("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
            + "<soap:Body><t:whoAmI xmlns:t=\"urn:vanycast:test\"><caller>client-17</caller></t:whoAmI>"
            + "</soap:Body></soap:Envelope>").getBytes(StandardCharsets.UTF_8);
    static final String RESPONSE_XML = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
            + "<soap:Body><ns2:whoAmIResponse xmlns:ns2=\"urn:vanycast:test\"><return>node-a answers client-17"
            + "</return></ns2:whoAmIResponse></soap:Body></soap:Envelope>";
    static final byte[] RESPONSE_HEAD = ("HTTP/1.1 200 OK\r\nDate: Wed, 25 Nov 2026 13:00:00 GMT\r\n"
            + "Content-Type: text/xml;charset=utf-8\r\nTransfer-Encoding: chunked\r\n"
            + "Server: Jetty(9.4.50.v20221201)\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    static final byte[] RESPONSE_BODY = (Integer.toHexString(RESPONSE_XML.length()) + "\r\n" + RESPONSE_XML)
            .getBytes(StandardCharsets.ISO_8859_1);
    static final byte[] RESPONSE_END = "\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private TrackedConnection tracked;
    private final byte[] readBuffer = new byte[8192];
    private List<Header> headers;

    /** The server side of a connection that nobody is handing off. */
    static final class QuietServer implements ServerSide {
        @Override
        public int inputBuffered() {
            return 0;
        }

        @Override
        public boolean parserAtStart() {
            return true;
        }

        @Override
        public void detach() {
        }

        @Override
        public void reattach() {
        }

        @Override
        public void resumeReading() {
        }

        @Override
        public void resumeWriting() {
        }

        @Override
        public void abandon(long delayNanos) {
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }

    @Setup
    public void setUp() {
        tracked = new TrackedConnection(new ConnectionKey(new InetSocketAddress("::1", 8080),
                new InetSocketAddress("::1", 40000)), new QuietServer(), 16 << 10);
        headers = new ArrayList<>();
        headers.add(new Header("Host", "[fd00::1]:8080"));
        headers.add(new Header("Content-Type", "text/xml; charset=utf-8"));
        headers.add(new Header("SOAPAction", "\"\""));
        headers.add(new Header("User-Agent", "Python-zeep/4.2"));
        headers.add(new Header("Content-Length", Integer.toString(REQUEST_BODY.length)));
    }

    @Benchmark
    public void recordRequest(Blackhole bh) {
        bh.consume(new RecordedRequest("POST", "/soap/docs", new ArrayList<>(headers), new byte[0], false));
    }

    /** What the CXF wire tap does to find the connection: the 4-tuple from the servlet request's literals. */
    @Benchmark
    public ConnectionKey connectionKeyFromServletRequest() throws IOException {
        return ConnectionKey.ofLiterals("fd00:ca5e:ff:0:0:0:0:1", 8080, "fd00:ca5e:1:0:0:0:0:2", 40000);
    }

    @Benchmark
    public void teeRequestBody(Blackhole bh) throws IOException {
        byte[] buf = readBuffer;
        try (InputStream in = new TeeInputStream(new ByteArrayInputStream(REQUEST_BODY), 64 << 10,
                REQUEST_BODY.length, (b, c) -> bh.consume(b))) {
            while (in.read(buf) >= 0) {
                bh.consume(buf);
            }
        }
    }

    @Benchmark
    public long trackResponseWrites() throws IOException {
        write(RESPONSE_HEAD);
        write(RESPONSE_BODY);
        write(RESPONSE_END);
        return tracked.exchanges();
    }

    /** Everything added to one call, in the order it happens. */
    @Benchmark
    public long wholeCall(Blackhole bh) throws IOException {
        RecordedRequest r = new RecordedRequest("POST", "/soap/docs", new ArrayList<>(headers), new byte[0], false);
        tracked.requestBegin(r, true);
        bh.consume(ConnectionKey.ofLiterals("fd00:ca5e:ff:0:0:0:0:1", 8080, "fd00:ca5e:1:0:0:0:0:2", 40000));
        byte[] buf = readBuffer;
        try (InputStream in = new TeeInputStream(new ByteArrayInputStream(REQUEST_BODY), 64 << 10,
                REQUEST_BODY.length, tracked::requestBody)) {
            while (in.read(buf) >= 0) {
                bh.consume(buf);
            }
        }
        tracked.requestEnd();
        write(RESPONSE_HEAD);
        write(RESPONSE_BODY);
        write(RESPONSE_END);
        tracked.exchangeComplete();
        return tracked.exchanges();
    }

    @Benchmark
    public byte[] encodeIdleState() {
        return HttpStateFormat.encode(HttpAppState.idle(new byte[0]));
    }

    private void write(byte[] bytes) throws IOException {
        ByteBuffer[] buffers = {ByteBuffer.wrap(bytes)};
        ByteBuffer[] before = {buffers[0].duplicate()};
        if (tracked.tryBeginWrite()) {
            buffers[0].position(buffers[0].limit());
            tracked.afterWrite(before, buffers);
        }
    }
}
