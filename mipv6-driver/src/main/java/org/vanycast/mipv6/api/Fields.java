package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.util.List;
import java.util.Objects;

/** Argument checks shared by the message records (package-private). */
final class Fields {
    private Fields() {
    }

    static void check8(String field, int v) {
        if (v < 0 || v > 0xff) {
            throw new IllegalArgumentException(field + " out of 8-bit range: " + v);
        }
    }

    static void check16(String field, int v) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException(field + " out of 16-bit range: " + v);
        }
    }

    static void requireAddress(String field, Inet6Address a) {
        Objects.requireNonNull(a, field);
        if (a.getAddress().length != 16) {
            throw new IllegalArgumentException(field + " is not a 16-octet IPv6 address");
        }
    }

    static List<MobilityOption> options(List<MobilityOption> options) {
        return List.copyOf(Objects.requireNonNull(options, "options"));
    }
}
