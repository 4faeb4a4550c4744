package org.vanycast.core.internal.handoff;

import java.net.InetAddress;
import java.net.UnknownHostException;

final class WireAddresses {
    private WireAddresses() {
    }

    static InetAddress of(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
