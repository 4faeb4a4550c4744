package org.vanycast.core.api;

/** Which side of a handoff a node played. */
public enum HandoffRole {
    DONOR,
    ACCEPTOR
}
