package org.vanycast.core.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told about every handoff this node took part in, once it has ended. Register as an OSGi
 * service; called on a coordinator thread, so return quickly.
 */
@ConsumerType
@FunctionalInterface
public interface HandoffListener {
    void onHandoff(HandoffEvent event);
}
