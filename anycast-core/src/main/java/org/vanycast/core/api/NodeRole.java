package org.vanycast.core.api;

/** The role of a node in its anycast group (ARCHITECTURE §1). */
public enum NodeRole {
    /** Registered at the home agent for the logical address; first to receive new clients. */
    CONTACT,
    /** Holds a replica of the home-agent security association; may take the address over. */
    BACKUP,
    /** Accepts handed-off clients and hands them on. */
    MEMBER
}
