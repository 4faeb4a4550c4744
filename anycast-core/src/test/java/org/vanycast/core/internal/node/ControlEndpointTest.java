package org.vanycast.core.internal.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The operator endpoint on a real loopback socket: bad configuration, bad requests, no node yet. */
class ControlEndpointTest {

    @Test
    void shouldParseBracketedAddressAndPortOnly() {
        assertEquals(new InetSocketAddress(loopback6(), 7999), ControlEndpoint.parse("[::1]:7999"));
        assertThrows(IllegalArgumentException.class, () -> ControlEndpoint.parse("::1:7999"));
        assertThrows(IllegalArgumentException.class, () -> ControlEndpoint.parse("[localhost]:7999"));
        assertThrows(IllegalArgumentException.class, () -> ControlEndpoint.parse("[::1]:x"));
    }

    @Test
    void shouldRefuseToListenBeyondLoopback() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ControlEndpointComponent(config("[fd00::1]:7999")));
        assertTrue(e.getMessage().contains("loopback"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ControlEndpointComponent(config("7999")));
        assertTrue(e.getMessage().startsWith("bad configuration org.vanycast.core.control: listen"), e.getMessage());
    }

    @Test
    void shouldAnswerEveryRequestWithOkOrFailedAndNeverHang() throws Exception {
        try (ControlEndpoint c = ControlEndpoint.start(new InetSocketAddress(loopback6(), 0), () -> null)) {
            int port = c.port();
            assertEquals("failed the node has not joined its group yet", ask(port, "status"));
            assertEquals("failed request longer than 256 characters", ask(port, "x".repeat(300)));
            assertEquals("failed the node has not joined its group yet", ask(port, "handoff [fd00::2]:1 node2"));
        }
    }

    private static String ask(int port, String line) throws Exception {
        try (Socket s = new Socket(loopback6(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    private static InetAddress loopback6() {
        try {
            return InetAddress.getByName("::1");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ControlEndpointComponent.Config config(String listen) {
        return new ControlEndpointComponent.Config() {
            @Override
            public String listen() {
                return listen;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return ControlEndpointComponent.Config.class;
            }
        };
    }
}
