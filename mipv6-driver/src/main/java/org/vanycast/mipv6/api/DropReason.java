package org.vanycast.mipv6.api;

/** Why a role state machine dropped a packet; each engine counts drops per reason. */
public enum DropReason {
    /** Not decodable ({@link MalformedMobilityHeaderException}). */
    MALFORMED,
    /** Mobility Header checksum wrong for the packet's pseudo-header (§9.2). */
    BAD_CHECKSUM,
    /** Payload Proto is not 59: piggybacking is not supported (§9.2). */
    BAD_PAYLOAD_PROTO,
    /** Home Test Init or Care-of Test Init carrying a Home Address option (§9.4.1, §9.4.2). */
    TEST_INIT_WITH_HOME_ADDRESS_OPTION,
    /** A message this role does not accept, or one not matching any outstanding exchange. */
    UNEXPECTED_MESSAGE,
    /** A required option (Nonce Indices, Binding Authorization Data, Home Address) is missing. */
    MISSING_OPTION,
    /** Authenticator, ESP ICV or cookie did not verify (§9.5.1, RFC 4303). */
    AUTHENTICATION_FAILED,
    /** ESP sequence number replayed or outside the anti-replay window (RFC 4303 §3.4.3). */
    REPLAYED,
    /** No security association for the SPI or home address. */
    NO_SECURITY_ASSOCIATION,
    /** A packet with a Home Address option for which no binding exists (a Binding Error may follow). */
    NO_BINDING,
    /** Rate limit reached (Binding Errors, §9.3.3). */
    RATE_LIMITED
}
