package org.vanycast.core.internal.wire;

/**
 * A message between two nodes of a group (paper §4.2.2, §4.3.2, §5.4). Every message names
 * the handoff it belongs to; the donor picks the id.
 */
public sealed interface NodeMessage permits Prepare, Init, Done, Abort, HandoffRequest, HandoffReply, StateAhead {
    long handoffId();

    MessageType type();
}
