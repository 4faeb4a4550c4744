package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Parser of {@link HomeAgent#exportState} output; never throws anything but the malformed exception. */
final class HomeAgentState {
    private HomeAgentState() {
    }

    static List<MobilityAction> load(HomeAgent ha, byte[] state, long sequenceAdvance, long now)
            throws MalformedMobilityHeaderException {
        ByteBuffer b = ByteBuffer.wrap(state);
        List<MobilityAction> out = new ArrayList<>();
        try {
            int n = b.getInt();
            if (n < 0 || n > state.length) {
                throw new MalformedMobilityHeaderException("implausible mobile node count " + n, 0);
            }
            for (int i = 0; i < n; i++) {
                Inet6Address home = OptionCodec.address(state, b.position());
                b.position(b.position() + 16);
                BindingCacheEntry e = null;
                int hasBinding = b.get();
                if (hasBinding == 1) {
                    Inet6Address careOf = OptionCodec.address(state, b.position());
                    b.position(b.position() + 16);
                    int seq = b.getShort() & 0xffff;
                    long remaining = b.getLong();
                    e = new BindingCacheEntry(home, careOf, seq, now + Math.max(0, remaining), true);
                } else if (hasBinding != 0) {
                    throw new MalformedMobilityHeaderException("bad binding flag", b.position() - 1);
                }
                SecurityAssociation in = SecurityAssociation.importState(slice(b), 0);
                SecurityAssociation outSa = SecurityAssociation.importState(slice(b), sequenceAdvance);
                try {
                    ha.restore(home, in, outSa, e);
                } catch (IllegalArgumentException bad) {
                    throw new MalformedMobilityHeaderException(bad.getMessage(), b.position());
                }
                if (e != null) {
                    out.add(new MobilityAction.BindingAdded(e));
                }
            }
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new MalformedMobilityHeaderException("home agent state truncated", b.position());
        }
        return out;
    }

    private static byte[] slice(ByteBuffer b) throws MalformedMobilityHeaderException {
        int len = b.getInt();
        if (len < 0 || len > b.remaining()) {
            throw new MalformedMobilityHeaderException("security association length " + len, b.position() - 4);
        }
        byte[] s = new byte[len];
        b.get(s);
        return s;
    }
}
