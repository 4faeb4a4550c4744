package org.vanycast.core.internal.membership;

import java.util.List;
import org.vanycast.core.api.MemberInfo;
import org.vanycast.core.api.NodeRole;

/** Told, in order and on one thread, how this node's role and the member list change. */
public interface MembershipListener {
    /**
     * This node's role changed. {@code epoch} is the membership view in which it changed:
     * it only grows, so a contact node registering with it outranks every earlier one.
     */
    void roleChanged(NodeRole previous, NodeRole now, long epoch);

    default void membersChanged(List<MemberInfo> members) {
    }

    /**
     * This node stayed contact through a merge of partitions: the other side's contact may
     * have registered the logical address at the home agent meanwhile, so register again
     * (with {@code epoch}, newer than both sides').
     */
    default void contactReasserted(long epoch) {
    }
}
