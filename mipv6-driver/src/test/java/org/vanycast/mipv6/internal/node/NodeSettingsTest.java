package org.vanycast.mipv6.internal.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeSettingsTest {
    @TempDir
    Path dir;

    private Mipv6NodeConfig config(String x, String secretFile, String listen, String... peers) {
        return new Mipv6NodeConfig() {
            public Class<? extends Annotation> annotationType() { return Mipv6NodeConfig.class; }
            public String logical_address() { return x; }
            public String care_of_address() { return "fd00:10::2"; }
            public String home_agent_address() { return "fd00:20::2"; }
            public String secret_file() { return secretFile; }
            public String device() { return "eth0"; }
            public int queue() { return 103; }
            public String table() { return "vanycast_mn"; }
            public int home_lifetime_units() { return 900; }
            public long timeout_ms() { return 5000; }
            public boolean rr_in_advance() { return true; }
            public String relay_listen() { return listen; }
            public String[] relay_peers() { return peers; }
        };
    }

    private String secret(int n) throws Exception {
        Path f = dir.resolve("secret" + n);
        Files.write(f, new byte[n]);
        return f.toString();
    }

    @Test
    void shouldAcceptCompleteConfiguration() throws Exception {
        NodeSettings s = NodeSettings.of(config("fd00:1::100", secret(32), "[fd00:10::2]:7790",
                "[fd00:11::2]:7790,[fd00:12::2]:7790"));
        assertEquals(2, s.relayPeers().size());
        assertEquals(7790, s.relayListen().getPort());
    }

    @Test
    void shouldRejectHostNamesShortSecretsAndBadRelayAddressesNamingTheKey() throws Exception {
        String ok = secret(32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeSettings.of(config("example.org", ok, "[fd00:10::2]:7790")));
        assertTrue(e.getMessage().contains("logical.address"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NodeSettings.of(config("fd00:1::100", secret(8), "[fd00:10::2]:7790")));
        assertTrue(e.getMessage().contains("secret.file"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NodeSettings.of(config("fd00:1::100", dir.resolve("missing").toString(), "[fd00:10::2]:7790")));
        assertTrue(e.getMessage().contains("secret.file"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NodeSettings.of(config("fd00:1::100", ok, "fd00:10::2:7790")));
        assertTrue(e.getMessage().contains("relay.listen"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NodeSettings.of(config("fd00:1::100", ok, "[fd00:10::2]:7790", "[fd00:11::2]:99999")));
        assertTrue(e.getMessage().contains("relay.peers"), e.getMessage());
    }
}
