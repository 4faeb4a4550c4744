/**
 * What the node container offers to the other Vanycast bundles: the injection point for
 * adopted (migrated) client connections and the framework properties describing the node.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.vanycast.node.api;
