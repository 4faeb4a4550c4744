package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.util.List;

/**
 * Binding Error, MH Type 7 (RFC 6275 §6.1.9): sent by a correspondent for a Home Address
 * option without a binding (status 1) or an unrecognized MH Type (status 2).
 *
 * <pre>
 *                                 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                 |     Status    |   Reserved    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                                                               +
 * |                          Home Address                         |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                        Mobility Options                       .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param status Status (open enum)
 * @param homeAddress the home address from the offending packet's Home Address option, or
 *     the unspecified address {@code ::} when there was none
 * @param options mobility options, padding included
 */
public record BindingError(BindingErrorStatus status, Inet6Address homeAddress, List<MobilityOption> options)
        implements MobilityMessage {
    public BindingError {
        java.util.Objects.requireNonNull(status, "status");
        Fields.requireAddress("Home Address", homeAddress);
        options = Fields.options(options);
    }

    public MobilityHeaderType type() {
        return MobilityHeaderType.BINDING_ERROR;
    }

    public int fixedLength() {
        return 18;
    }
}
