package org.vanycast.tcp.internal.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vanycast.tcp.api.FreezeMode;

class BenchOptionsTest {

    @Test
    void shouldParseSizesAndSwitches() {
        BenchOptions o = BenchOptions.parse(new String[] {"--size", "2MB", "--at", "100kB", "--runs", "7", "--drain",
            "off", "--freeze", "nft", "--json", "--link-rate", "100mbit"});
        assertEquals(2 << 20, o.size());
        assertEquals(100 * 1024, o.at());
        assertEquals(7, o.runs());
        assertFalse(o.drain());
        assertEquals(FreezeMode.NFTABLES, o.freeze());
        assertTrue(o.json());
        assertEquals("100mbit", o.linkRate());
    }

    @Test
    void shouldDefaultToOneMegabyteHandedOffAt500k() {
        BenchOptions o = BenchOptions.parse(new String[0]);
        assertEquals(1 << 20, o.size());
        assertEquals(500 * 1024, o.at());
        assertTrue(o.drain());
        assertEquals(FreezeMode.SOCKET_FILTER, o.freeze());
    }

    @Test
    void shouldRejectHandoffPointOutsideTheDownload() {
        assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse(new String[] {"--size", "1MB", "--at", "2MB"}));
    }

    @Test
    void shouldRejectUnknownOptionsAndBadValues() {
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--bogus", "1"}));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--runs", "0"}));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--freeze", "iptables"}));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--size", "lots"}));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--link-rate", "1;rm"}));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--runs"}));
    }

    @Test
    void shouldExitWithStatusTwoOnUsageErrors() {
        assertEquals(2, TcpMigrateBench.run(new String[] {"--drain", "maybe"}));
    }
}
