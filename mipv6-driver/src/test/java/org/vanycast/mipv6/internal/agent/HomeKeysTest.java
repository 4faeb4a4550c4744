package org.vanycast.mipv6.internal.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.vanycast.mipv6.api.DropReason;
import org.vanycast.mipv6.api.MobilityHeader;
import org.vanycast.mipv6.api.SecurityAssociation;

class HomeKeysTest {
    private static final byte[] SECRET = "a secret the nodes share with the HA".getBytes(StandardCharsets.UTF_8);

    private static Inet6Address v6(String s) throws Exception {
        return (Inet6Address) InetAddress.getByName(s);
    }

    @Test
    void shouldLetBothEndsDeriveTheSameSecurityAssociations() throws Exception {
        Inet6Address x = v6("fd00:1::a");
        Inet6Address ha = v6("fd00:1::1");
        SecurityAssociation nodeOut = HomeKeys.toHomeAgent(SECRET, x, ha);
        SecurityAssociation haIn = HomeKeys.toHomeAgent(SECRET.clone(), x, ha);
        byte[] payload = {1, 2, 3, 4, 5};
        SecurityAssociation.Opened opened = haIn.unprotect(nodeOut.protect(MobilityHeader.IPPROTO_MH, payload));
        assertTrue(opened.ok());
        assertArrayEquals(payload, opened.payload());
        assertEquals(x, nodeOut.source());
        assertEquals(ha, HomeKeys.fromHomeAgent(SECRET, x, ha).source());
    }

    @Test
    void shouldGiveEachDirectionAndHomeAddressItsOwnSpiAndKey() throws Exception {
        Inet6Address x = v6("fd00:1::a");
        Inet6Address y = v6("fd00:1::b");
        Inet6Address ha = v6("fd00:1::1");
        assertNotEquals(HomeKeys.toHomeAgent(SECRET, x, ha).spi(), HomeKeys.fromHomeAgent(SECRET, x, ha).spi());
        assertNotEquals(HomeKeys.toHomeAgent(SECRET, x, ha).spi(), HomeKeys.toHomeAgent(SECRET, y, ha).spi());
        assertTrue((HomeKeys.toHomeAgent(SECRET, x, ha).spi() & 0xffff_ffffL) > 255, "SPIs 0-255 are reserved");
    }

    @Test
    void shouldRejectProtectionMadeWithAnotherSecret() throws Exception {
        Inet6Address x = v6("fd00:1::a");
        Inet6Address ha = v6("fd00:1::1");
        byte[] other = "another secret, same length as it".getBytes(StandardCharsets.UTF_8);
        SecurityAssociation forged = new SecurityAssociation(HomeKeys.toHomeAgent(SECRET, x, ha).spi(),
                SecurityAssociation.Integrity.HMAC_SHA256_128, HomeKeys.toHomeAgentKeyForTest(other, x, ha), x, ha);
        SecurityAssociation.Opened opened = HomeKeys.toHomeAgent(SECRET, x, ha).unprotect(forged.protect(135, new byte[8]));
        assertFalse(opened.ok());
        assertEquals(DropReason.AUTHENTICATION_FAILED, opened.failure());
    }

    @Test
    void shouldRefuseShortSecrets() throws Exception {
        Inet6Address x = v6("fd00:1::a");
        assertThrows(IllegalArgumentException.class, () -> HomeKeys.toHomeAgent(new byte[8], x, x));
    }
}
