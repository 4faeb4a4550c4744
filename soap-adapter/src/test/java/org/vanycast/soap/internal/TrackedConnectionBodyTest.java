package org.vanycast.soap.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vanycast.soap.api.RecordedRequest;

/**
 * The connector-level record of request bodies (Jetty content events), which makes requests
 * replayable where the CXF feature never runs — e.g. a service's own bus that is not an OSGi
 * service, as in the node container.
 */
class TrackedConnectionBodyTest {

    /** The connection's server side is not exercised by body recording. */
    private static final class IdleServer implements ServerSide {
        public int inputBuffered() { return 0; }
        public boolean parserAtStart() { return true; }
        public void detach() { }
        public void reattach() { }
        public void resumeReading() { }
        public void resumeWriting() { }
        public void abandon(long delayNanos) { }
        public boolean isOpen() { return true; }
    }

    private static TrackedConnection connection() throws Exception {
        return new TrackedConnection(ConnectionKey.ofLiterals("fd00::a", 8080, "fd00::2", 40000), new IdleServer(), 16384);
    }

    private static RecordedRequest post(String target) {
        return new RecordedRequest("POST", target, List.of(new RecordedRequest.Header("Content-Length", "11")),
                new byte[0], false);
    }

    private static ByteBuffer chunk(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void shouldRecordTheWholeBodyFromConnectorContentWithoutTheCxfFeature() throws Exception {
        TrackedConnection c = connection();
        c.requestBegin(post("/soap/content"), true);
        ByteBuffer first = chunk("<getRa");
        c.requestContent(first, 1024);
        c.requestContent(chunk("nge/>"), 1024);
        assertFalse(c.currentRequest().bodyComplete(), "not complete before the content ends");
        c.requestContentEnd();

        RecordedRequest r = c.currentRequest();
        assertTrue(r.bodyComplete());
        assertArrayEquals("<getRange/>".getBytes(StandardCharsets.US_ASCII), r.body());
        assertEquals(0, first.position(), "the chunk is left for the application");
    }

    @Test
    void shouldNotMakeARequestReplayableWhenItsBodyExceedsTheLimit() throws Exception {
        TrackedConnection c = connection();
        c.requestBegin(post("/soap/content"), true);
        c.requestContent(chunk("0123456789"), 10);
        c.requestContent(chunk("x"), 10);
        c.requestContentEnd();

        assertFalse(c.currentRequest().bodyComplete(), "a cut body must never be replayed");
    }

    @Test
    void shouldStartAFreshBodyForTheNextRequestOnTheConnection() throws Exception {
        TrackedConnection c = connection();
        c.requestBegin(post("/soap/content"), true);
        c.requestContent(chunk("first"), 1024);
        c.requestContentEnd();
        c.requestEnd();
        c.exchangeComplete();

        c.requestBegin(post("/soap/content"), true);
        c.requestContent(chunk("second"), 1024);
        c.requestContentEnd();

        assertArrayEquals("second".getBytes(StandardCharsets.US_ASCII), c.currentRequest().body());
    }
}
