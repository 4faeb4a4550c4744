package org.vanycast.mipv6.internal.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SegmentRewriteTest {
    /**
     * IPv6/TCP packet fd00::1 -> fd00::2, ports 8080 -> 40000, seq 1, ack 1, flags ACK|PSH,
     * payload "hi!" (odd length); the checksum is 0x6e89 as scapy computes it
     * ({@code IPv6(src='fd00::1',dst='fd00::2')/TCP(sport=8080,dport=40000,seq=1,ack=1,flags='PA',window=512)/b'hi!'}).
     */
    private static byte[] packet(String source, int checksum) throws Exception {
        byte[] p = new byte[40 + 20 + 3];
        p[0] = 0x60;
        p[5] = 23;
        p[6] = 6;
        p[7] = 64;
        System.arraycopy(InetAddress.getByName(source).getAddress(), 0, p, 8, 16);
        System.arraycopy(InetAddress.getByName("fd00::2").getAddress(), 0, p, 24, 16);
        int t = 40;
        p[t] = (byte) (8080 >> 8);
        p[t + 1] = (byte) 8080;
        p[t + 2] = (byte) (40000 >> 8);
        p[t + 3] = (byte) 40000;
        p[t + 7] = 1;
        p[t + 11] = 1;
        p[t + 12] = 0x50;
        p[t + 13] = 0x18;
        p[t + 14] = 2;
        p[t + 16] = (byte) (checksum >> 8);
        p[t + 17] = (byte) checksum;
        p[t + 20] = 'h';
        p[t + 21] = 'i';
        p[t + 22] = '!';
        return p;
    }

    @Test
    void shouldReplaceTheSourceAndComputeTheChecksumScapyComputes() throws Exception {
        byte[] fromCareOf = packet("fd00::99", 0);
        byte[] out = SegmentRewrite.withSource(fromCareOf, (Inet6Address) InetAddress.getByName("fd00::1"));
        assertArrayEquals(packet("fd00::1", SCAPY_CHECKSUM), out);
    }

    @Test
    void shouldRefuseWhatIsNotAWholeTcpSegment() throws Exception {
        Inet6Address x = (Inet6Address) InetAddress.getByName("fd00::1");
        byte[] p = packet("fd00::99", 0);
        assertThrows(IllegalArgumentException.class, () -> SegmentRewrite.withSource(Arrays.copyOf(p, 50), x));
        byte[] udp = p.clone();
        udp[6] = 17;
        assertThrows(IllegalArgumentException.class, () -> SegmentRewrite.withSource(udp, x));
        byte[] truncated = Arrays.copyOf(p, p.length - 1);
        assertThrows(IllegalArgumentException.class, () -> SegmentRewrite.withSource(truncated, x));
        assertEquals(63, SegmentRewrite.withSource(p, x).length);
    }

    private static final int SCAPY_CHECKSUM = 0x6e89;
}
