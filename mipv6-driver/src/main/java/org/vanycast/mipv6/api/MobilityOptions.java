package org.vanycast.mipv6.api;

import java.util.ArrayList;
import java.util.List;

/** Building option lists that meet the alignment rules of RFC 6275 §6.2. */
public final class MobilityOptions {
    private MobilityOptions() {
    }

    /**
     * Returns {@code options} with Pad1/PadN inserted so that every option starts at its
     * required xn+y offset (counted from the start of the Mobility Header) and the header ends
     * on an 8-octet boundary. Padding options already in the list are dropped and recomputed.
     *
     * @param fixedLength the message's {@link MobilityMessage#fixedLength()}
     */
    public static List<MobilityOption> aligned(int fixedLength, List<MobilityOption> options) {
        List<MobilityOption> out = new ArrayList<>(options.size() * 2);
        int offset = 6 + fixedLength;
        for (MobilityOption o : options) {
            if (o instanceof MobilityOption.Pad1 || o instanceof MobilityOption.PadN) {
                continue;
            }
            int[] a = o.alignment();
            int pad = Math.floorMod(a[1] - offset, a[0]);
            offset += addPadding(out, pad);
            out.add(o);
            offset += o.encodedLength();
        }
        addPadding(out, Math.floorMod(-offset, 8));
        return List.copyOf(out);
    }

    /** Padding needed after {@code endOffset} to reach the next 8-octet boundary, as options. */
    static List<MobilityOption> trailingPadding(int endOffset) {
        List<MobilityOption> out = new ArrayList<>(1);
        addPadding(out, Math.floorMod(-endOffset, 8));
        return out;
    }

    /**
     * Whether every non-padding option of {@code message} starts at its required offset.
     * Receivers do not require this (RFC 6275 leaves it to senders); it is for tests and tools.
     */
    public static boolean isAligned(MobilityMessage message) {
        int offset = 6 + message.fixedLength();
        for (MobilityOption o : message.options()) {
            int[] a = o.alignment();
            if (Math.floorMod(offset - a[1], a[0]) != 0) {
                return false;
            }
            offset += o.encodedLength();
        }
        return true;
    }

    private static int addPadding(List<MobilityOption> out, int pad) {
        if (pad == 1) {
            out.add(new MobilityOption.Pad1());
        } else if (pad > 1) {
            out.add(new MobilityOption.PadN(pad - 2));
        }
        return pad;
    }
}
