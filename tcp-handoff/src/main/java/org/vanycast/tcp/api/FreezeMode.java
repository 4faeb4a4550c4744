package org.vanycast.tcp.api;

/** How the donor stops the kernel from answering or accepting a frozen connection's segments. */
public enum FreezeMode {
    /**
     * A drop-all classic BPF filter on the socket ({@code SO_ATTACH_FILTER}): one setsockopt,
     * no netfilter. Protects only while the socket exists, so the donor keeps the frozen
     * socket for a grace period after the release.
     */
    SOCKET_FILTER,
    /**
     * The connection's 4-tuple in a pre-installed nftables drop set, updated in-process through
     * libnftables. Slower (about a millisecond per update) but protects after the socket is gone.
     */
    NFTABLES
}
