package org.vanycast.core.api;

import java.util.Map;
import java.util.Objects;

/**
 * A group member as the membership engine last heard of it.
 *
 * @param name    node name (the CN of its group certificate)
 * @param role    its role in the current view
 * @param metrics its last load report ({@code load}, {@code weight}, {@code clients}, …)
 */
public record MemberInfo(String name, NodeRole role, Map<String, Double> metrics) {
    public MemberInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        metrics = Map.copyOf(metrics);
    }
}
