package org.vanycast.mipv6.internal.kernel;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/** {@code struct sockaddr_in6} as 28 bytes: family, port, flow info, address, scope id. */
final class SockAddr6 {
    static final int SIZE = 28;

    private SockAddr6() {
    }

    static byte[] of(InetAddress address, int port) {
        byte[] sa = new byte[SIZE];
        short family = (short) LibC.AF_INET6;
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            sa[0] = (byte) family;
            sa[1] = (byte) (family >> 8);
        } else {
            sa[0] = (byte) (family >> 8);
            sa[1] = (byte) family;
        }
        sa[2] = (byte) (port >> 8);
        sa[3] = (byte) port;
        byte[] a = address == null ? new byte[16] : address.getAddress();
        if (a.length != 16) {
            throw new IllegalArgumentException("not an IPv6 address: " + address);
        }
        System.arraycopy(a, 0, sa, 8, 16);
        if (address instanceof Inet6Address a6 && a6.getScopeId() != 0) {
            int s = a6.getScopeId();
            boolean le = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
            for (int i = 0; i < 4; i++) {
                sa[24 + i] = (byte) (le ? s >> (8 * i) : s >> (8 * (3 - i)));
            }
        }
        return sa;
    }

    static Inet6Address address(byte[] sa) {
        byte[] a = new byte[16];
        System.arraycopy(sa, 8, a, 0, 16);
        try {
            return Inet6Address.getByAddress(null, a, (java.net.NetworkInterface) null);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
