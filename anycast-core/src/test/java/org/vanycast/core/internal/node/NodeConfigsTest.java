package org.vanycast.core.internal.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class NodeConfigsTest {
    @Test
    void shouldParseIpv6AndIpv4HostPort() {
        assertEquals(new InetSocketAddress("fd00::1", 7700), NodeConfigs.hostPort("[fd00::1]:7700", "k"));
        assertEquals(new InetSocketAddress("127.0.0.1", 80), NodeConfigs.hostPort("127.0.0.1:80", "k"));
    }

    @Test
    void shouldNameTheKeyOfABadValue() {
        for (String bad : new String[] {"fd00::1", "[fd00::1]", "host.example:80", "[::1]:0", "[::1]:99999", "[::1]:80/x", ""}) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                    () -> NodeConfigs.hostPort(bad, "initial.hosts"), bad);
            assertTrue(x.getMessage().startsWith("initial.hosts"), x.getMessage());
        }
    }
}
