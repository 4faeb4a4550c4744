package org.vanycast.mipv6.api;

import java.util.List;

/**
 * Binding Refresh Request, MH Type 0 (RFC 6275 §6.1.2): asks a mobile node to update its binding.
 *
 * <pre>
 *                                 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                 |          Reserved             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                        Mobility options                       .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record BindingRefreshRequest(List<MobilityOption> options) implements MobilityMessage {
    public BindingRefreshRequest {
        options = Fields.options(options);
    }

    public MobilityHeaderType type() {
        return MobilityHeaderType.BINDING_REFRESH_REQUEST;
    }

    public int fixedLength() {
        return 2;
    }
}
