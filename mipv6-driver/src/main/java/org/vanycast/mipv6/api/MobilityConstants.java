package org.vanycast.mipv6.api;

import java.util.concurrent.TimeUnit;

/** Protocol constants of RFC 6275 §12, in nanoseconds unless stated otherwise. */
public final class MobilityConstants {
    /** INITIAL_BINDACK_TIMEOUT: 1 s before the first Binding Update retransmission. */
    public static final long INITIAL_BINDACK_TIMEOUT = TimeUnit.SECONDS.toNanos(1);
    /** InitialBindackTimeoutFirstReg default (§13): 1.5 s, first home registration only. */
    public static final long INITIAL_BINDACK_TIMEOUT_FIRST_REG = TimeUnit.MILLISECONDS.toNanos(1500);
    /** MAX_BINDACK_TIMEOUT: retransmission back-off stops at 32 s (and gives up beyond it). */
    public static final long MAX_BINDACK_TIMEOUT = TimeUnit.SECONDS.toNanos(32);
    /** MAX_NONCE_LIFETIME: a correspondent accepts a nonce for 240 s after generating it. */
    public static final long MAX_NONCE_LIFETIME = TimeUnit.SECONDS.toNanos(240);
    /** MAX_TOKEN_LIFETIME: a mobile node uses a keygen token for 210 s after receiving it. */
    public static final long MAX_TOKEN_LIFETIME = TimeUnit.SECONDS.toNanos(210);
    /** MAX_RR_BINDING_LIFETIME: bindings authorized by return routability last at most 420 s. */
    public static final long MAX_RR_BINDING_LIFETIME = TimeUnit.SECONDS.toNanos(420);
    /** MAX_UPDATE_RATE: at most 3 Binding Updates per second to one destination. */
    public static final int MAX_UPDATE_RATE = 3;
    /** Sequence numbers are compared modulo 2^16 within this window (§9.5.1). */
    public static final int SEQUENCE_WINDOW = 1 << 15;
    /** One Lifetime unit of the Binding Update / Acknowledgement: 4 s. */
    public static final long LIFETIME_UNIT = TimeUnit.SECONDS.toNanos(4);

    private MobilityConstants() {
    }

    /**
     * RFC 6275 §9.5.1: {@code a} is greater than {@code b} modulo 2^16, i.e. less than 2^15 ahead.
     * Both are 16-bit values.
     */
    public static boolean sequenceGreater(int a, int b) {
        int d = (a - b) & 0xffff;
        return d != 0 && d < SEQUENCE_WINDOW;
    }
}
