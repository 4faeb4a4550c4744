package org.vanycast.mipv6.internal.agent;

import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.vanycast.mipv6.api.SecurityAssociation;

/**
 * The pair of ESP security associations (RFC 4877) protecting home registrations of one
 * home address, derived from a secret the service's nodes share with the home agent, so
 * both ends build identical SAs without a key exchange (the testbed has no IKEv2).
 * Key and SPI of each direction: HMAC-SHA-256(secret, label | home | home agent).
 */
public final class HomeKeys {
    private HomeKeys() {
    }

    /** Mobile node → home agent (source = home address). */
    public static SecurityAssociation toHomeAgent(byte[] secret, Inet6Address home, Inet6Address homeAgent) {
        return sa(secret, "mn-to-ha", home, homeAgent, home, homeAgent);
    }

    /** Home agent → mobile node (destination = home address). */
    public static SecurityAssociation fromHomeAgent(byte[] secret, Inet6Address home, Inet6Address homeAgent) {
        return sa(secret, "ha-to-mn", home, homeAgent, homeAgent, home);
    }

    /** The key {@link #toHomeAgent} would use with {@code secret} (tests forge with it). */
    static byte[] toHomeAgentKeyForTest(byte[] secret, Inet6Address home, Inet6Address homeAgent) {
        return derive(secret, "mn-to-ha", home, homeAgent).key();
    }

    private record Derived(int spi, byte[] key) {
    }

    private static SecurityAssociation sa(byte[] secret, String label, Inet6Address home, Inet6Address ha,
                                          Inet6Address src, Inet6Address dst) {
        Derived d = derive(secret, label, home, ha);
        return new SecurityAssociation(d.spi(), SecurityAssociation.Integrity.HMAC_SHA256_128, d.key(), src, dst);
    }

    private static Derived derive(byte[] secret, String label, Inet6Address home, Inet6Address ha) {
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("home registration secret must be at least 16 bytes");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(label.getBytes(StandardCharsets.US_ASCII));
            mac.update(home.getAddress());
            mac.update(ha.getAddress());
            byte[] d = mac.doFinal();
            // SPIs 0-255 are reserved (RFC 4303 §2.1).
            int spi = (ByteBuffer.wrap(d, 0, 4).getInt() & 0x7fffffff) | 0x1000;
            mac.update("key".getBytes(StandardCharsets.US_ASCII));
            mac.update(d);
            byte[] key = Arrays.copyOf(mac.doFinal(), SecurityAssociation.Integrity.HMAC_SHA256_128.keyLength());
            return new Derived(spi, key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        }
    }
}
