package org.vanycast.core.api;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A service reached at one logical address (paper §4.2.1): every node of the group answers
 * for {@code logicalAddress}; the contact node is the one registered for it at the home agent.
 *
 * @param name           the group's name (also the membership cluster name)
 * @param logicalAddress the anycast address X the clients connect to
 */
public record AnycastGroup(String name, InetAddress logicalAddress) {
    public AnycastGroup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(logicalAddress, "logicalAddress");
        if (name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("group name must be 1..200 characters: '" + name + "'");
        }
    }
}
