package org.vanycast.demo.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vanycast.demo.internal.run.ClientTraceTest.SERVER;
import static org.vanycast.demo.internal.run.ClientTraceTest.a;
import static org.vanycast.demo.internal.run.ClientTraceTest.segment;

import java.net.Inet6Address;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vanycast.testbed.Capture;

/** The new client's verdict after the failover, from the client's capture. */
class ContactFailoverTest {
    private static final int MAIN = 40000;
    private static final int FRESH = 40001;

    private static DemoScenario.Mark curlSaidOk() {
        return new DemoScenario.Mark(DemoResult.Event.NEW_CLIENT, "", 6000, 0, 400, true, "fresh.bin: curl exit 0");
    }

    @Test
    void shouldNameTheNodeThatAnsweredTheNewClientFromItsOwnConnection() throws Exception {
        Inet6Address x = a("fd00:1:2:100::a");
        Inet6Address node3 = a("fd00:1:2:13::2");
        Inet6Address node2 = a("fd00:1:2:12::2");
        Inet6Address client = a("fd00:1:2:1::2");
        List<Capture.Frame> f = List.of(segment(0, node2, client, SERVER, MAIN, 1, 0x10, 1000), // the main download
                segment(1, node3, client, SERVER, FRESH, 1, 0x10, 1000), segment(2, x, client, SERVER, FRESH, 1001, 0x10, 500));
        DemoScenario.Mark m = ContactFailover.answered(curlSaidOk(), FRESH, f, Map.of(node3, "node3", node2, "node2"), x);
        assertTrue(m.ok(), m.detail());
        assertEquals("node3+X via the home agent", m.node());
        assertTrue(m.detail().contains("answered by node3 and X via the home agent (client port 40001), 0 resets"), m.detail());
    }

    @Test
    void shouldFailTheNewClientOnAResetOrWithoutAnyDataOrPort() throws Exception {
        Inet6Address x = a("fd00:1:2:100::a");
        Inet6Address node3 = a("fd00:1:2:13::2");
        Inet6Address client = a("fd00:1:2:1::2");
        Map<Inet6Address, String> names = Map.of(node3, "node3");
        List<Capture.Frame> reset = List.of(segment(1, node3, client, SERVER, FRESH, 1, 0x10, 1000),
                segment(2, client, node3, FRESH, SERVER, 1, 0x04, 0));
        assertFalse(ContactFailover.answered(curlSaidOk(), FRESH, reset, names, x).ok());
        List<Capture.Frame> silent = List.of(segment(1, node3, client, SERVER, MAIN, 1, 0x10, 1000));
        DemoScenario.Mark none = ContactFailover.answered(curlSaidOk(), FRESH, silent, names, x);
        assertFalse(none.ok());
        assertTrue(none.detail().contains("answered by nobody"), none.detail());
        assertFalse(ContactFailover.answered(curlSaidOk(), -1, silent, names, x).ok());
    }
}
