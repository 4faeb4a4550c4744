package org.vanycast.mipv6.api;

import java.util.List;

/**
 * The message carried by a Mobility Header (RFC 6275 §6.1): the type-specific Message Data
 * that follows the common 6-octet header. Implementations are immutable records; see
 * {@link MobilityHeader} for the common header and {@link MobilityHeaderCodec} for the wire form.
 */
public sealed interface MobilityMessage permits BindingRefreshRequest, HomeTestInit, CareOfTestInit,
        HomeTest, CareOfTest, BindingUpdate, BindingAcknowledgement, BindingError, UnknownMobilityMessage {

    /** The MH Type of this message. */
    MobilityHeaderType type();

    /**
     * Mobility options in wire order, padding included (so a decoded message re-encodes to
     * the same octets). Build aligned lists with {@link MobilityOptions#aligned}.
     */
    List<MobilityOption> options();

    /** Octets of fixed message data between the 6-octet common header and the options. */
    int fixedLength();

    /** The option of the given class, if present (the first one). */
    default <T extends MobilityOption> java.util.Optional<T> option(Class<T> kind) {
        for (MobilityOption o : options()) {
            if (kind.isInstance(o)) {
                return java.util.Optional.of(kind.cast(o));
            }
        }
        return java.util.Optional.empty();
    }
}
